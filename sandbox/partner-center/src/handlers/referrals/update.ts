/**
 * PUT /v1.0/engagements/referrals/{id} — full update. If-Match is required (connector: required
 * header), `links` must have been removed (documented), the transition table applies, and
 * server-managed properties keep their stored values.
 */
import type { Referral } from "../../../../../plugins-ts/src/partner-center/referral";
import { Handler, jsonBody } from "../../context";
import { invalidRequest } from "../../errors";
import { SERVER_MANAGED, validateReferralBody } from "../../referral-model";
import { documentedOnly } from "../../referral-schema";
import { checkIfMatch, commitUpdate, findReferral, single } from "./shared";

export const updateReferral: Handler = (ctx, req) => {
  const body = documentedOnly(jsonBody(req)); // unknown properties are ignored, never stored
  const current = findReferral(ctx, req.params.id!);
  checkIfMatch(req, current, true);
  validateReferralBody(body, true);
  if (body.id !== undefined && String(body.id).toLowerCase() !== current.id!.toLowerCase()) {
    throw invalidRequest(`The referral id in the body ('${String(body.id)}') does not match the id in the URL.`, "id");
  }
  if (body.links !== undefined) throw invalidRequest("Remove 'links' from the referral before updating it.", "links");
  const next: Referral = { ...body };
  for (const k of SERVER_MANAGED) delete (next as Record<string, unknown>)[k];
  for (const k of SERVER_MANAGED) {
    const v = (current as Record<string, unknown>)[k];
    if (v !== undefined) (next as Record<string, unknown>)[k] = v;
  }
  if (body.status === undefined) {
    next.status = current.status;
    if (body.substatus === undefined) next.substatus = current.substatus;
  }
  commitUpdate(ctx, current, next);
  return single(ctx, next);
};
