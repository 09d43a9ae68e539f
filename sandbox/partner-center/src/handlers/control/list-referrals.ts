/** GET /_emulator/referrals and /_emulator/referrals/{id} — state, without counting as API calls. */
import { Handler } from "../../context";
import { itemNotFound } from "../../errors";
import { present } from "../../referral-model";

export const controlListReferrals: Handler = (ctx) => {
  const value = ctx.store.allReferrals().map((r) => present(r, ctx.baseUrl(), false));
  return { status: 200, body: { count: value.length, value } };
};

export const controlGetReferral: Handler = (ctx, req) => {
  const r = ctx.store.getReferral(req.params.id!);
  if (!r) throw itemNotFound(`Referral '${req.params.id}' was not found.`, "id");
  return { status: 200, body: present(r, ctx.baseUrl(), true) };
};
