/**
 * PATCH /_emulator/referrals/{id} — the other party changes the referral: a JSON object is deep
 * merged (null removes a property), a JSON Patch array may use add / replace / remove on any path.
 * The transition table applies unless ?force=true. New eTag and updatedDateTime; fires
 * referral-updated (related-referral-updated for Microsoft's side of an engagement).
 */
import type { Referral } from "../../../../../plugins-ts/src/partner-center/referral";
import { emitReferralEvent, Handler, isOwn, jsonBody } from "../../context";
import { invalidRequest, itemNotFound } from "../../errors";
import { checkTransition, newETag, present, setAtPointer, stampStatusDates, validateReferralBody } from "../../referral-model";
import { documentedOnly } from "../../referral-schema";
import { deepMerge } from "./referral-helpers";

export const controlPatchReferral: Handler = (ctx, req) => {
  const body = jsonBody(req);
  const current = ctx.store.getReferral(req.params.id!);
  if (!current) throw itemNotFound(`Referral '${req.params.id}' was not found.`, "id");
  let next = structuredClone(current) as Record<string, unknown>;
  if (Array.isArray(body)) {
    body.forEach((op, i) => {
      if (typeof op !== "object" || op === null) throw invalidRequest(`Operation ${i} must be an object.`, `[${i}]`);
      const o = op as { op?: unknown; path?: unknown; value?: unknown };
      if (o.op !== "add" && o.op !== "replace" && o.op !== "remove") throw invalidRequest(`Operation ${i}: op must be add, replace or remove.`, `[${i}].op`);
      if (typeof o.path !== "string" || !o.path.startsWith("/")) throw invalidRequest(`Operation ${i}: path must be a JSON Pointer.`, `[${i}].path`);
      if (o.op !== "remove" && !("value" in o)) throw invalidRequest(`Operation ${i} has no value.`, `[${i}].value`);
      setAtPointer(next, o.path, structuredClone(o.value), o.op, `[${i}].path`);
    });
  } else if (typeof body === "object" && body !== null) {
    next = deepMerge(next, body as Record<string, unknown>);
  } else {
    throw invalidRequest("The body must be a partial referral object or a JSON Patch array.");
  }
  next = documentedOnly(next) as Record<string, unknown>; // unknown properties are ignored, never stored
  if (String(next.id ?? "").toLowerCase() !== current.id!.toLowerCase()) throw invalidRequest("The id of a referral cannot change.", "id");
  validateReferralBody(next, false);
  const after = next as Referral;
  if (req.query.get("force") !== "true") checkTransition(current, after);
  const now = ctx.writeTime();
  stampStatusDates(current, after, now);
  after.updatedDateTime = now;
  after.eTag = newETag();
  ctx.store.putReferral(after);
  emitReferralEvent(ctx, isOwn(ctx, after) ? "referral-updated" : "related-referral-updated", after);
  return { status: 200, body: present(after, ctx.baseUrl(), true) };
};
