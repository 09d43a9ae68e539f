/**
 * PATCH /v1.0/engagements/referrals/{id} — JSON Patch with only replace/add on the connector's
 * patchable paths (reference §2). If-Match is optional but enforced when sent. 204 No Content,
 * or 200 with the referral when the caller sends Prefer: return=representation.
 * The connector's deal registration operations arrive here too (PATCH /referrals/{id}/ and
 * /referrals/{id}//: a trailing slash routes the same): a document of /registrations paths is a deal
 * registration's (registration-model.ts), which a won, closed referral takes.
 */
import { Handler, HandlerResult, header, jsonBody } from "../../context";
import type { Referral } from "../../../../../plugins-ts/src/partner-center/referral";
import { applyApiPatch } from "../../referral-model";
import { documentedOnly } from "../../referral-schema";
import { applyRegistrationPatch, isRegistrationPatch } from "../../registration-model";
import { checkIfMatch, commitRegistration, commitUpdate, findReferral, single } from "./shared";

export const patchReferral: Handler = (ctx, req): HandlerResult => {
  const body = jsonBody(req);
  const current = findReferral(ctx, req.params.id!);
  checkIfMatch(req, current, false);
  let next: Referral;
  if (isRegistrationPatch(body)) {
    next = applyRegistrationPatch(current, body, ctx.now().toISOString());
    commitRegistration(ctx, next);
  } else {
    next = documentedOnly(applyApiPatch(current, body)) as Referral; // unknown properties in patched values are dropped
    commitUpdate(ctx, current, next);
  }
  const prefer = header(req, "prefer") ?? "";
  if (/return\s*=\s*representation/i.test(prefer)) {
    const res = single(ctx, next);
    return { ...res, headers: { ...res.headers, "Preference-Applied": "return=representation" } };
  }
  return { status: 204, headers: { ETag: next.eTag! } };
};
