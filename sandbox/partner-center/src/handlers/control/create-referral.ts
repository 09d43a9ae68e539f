/**
 * POST /_emulator/referrals — another party (by default Microsoft) shares a referral with the
 * partner: it appears New/Pending, direction Incoming, and fires referral-created.
 * The body is a partial referral (any field may be set, including id); an array creates several.
 */
import type { Referral } from "../../../../../plugins-ts/src/partner-center/referral";
import { emitReferralEvent, Handler, jsonBody } from "../../context";
import { invalidRequest } from "../../errors";
import { present } from "../../referral-model";
import { buildIncomingReferral } from "./referral-helpers";

export const controlCreateReferral: Handler = (ctx, req) => {
  const body = jsonBody(req);
  const many = Array.isArray(body);
  const items = many ? (body as unknown[]) : [body];
  if (many && items.length === 0) throw invalidRequest("The array is empty.");
  // Validate every item before storing any, so a bad item changes nothing.
  const built: Referral[] = [];
  const ids = new Set<string>();
  items.forEach((item) => {
    const r = buildIncomingReferral(ctx, item);
    if (ids.has(r.id!.toLowerCase())) throw invalidRequest(`The id '${r.id}' appears twice in the request.`, "id");
    ids.add(r.id!.toLowerCase());
    built.push(r);
  });
  for (const r of built) {
    ctx.store.putReferral(r);
    emitReferralEvent(ctx, "referral-created", r);
  }
  const out = built.map((r) => present(r, ctx.baseUrl(), false));
  return { status: 201, body: many ? { value: out } : out[0] };
};
