/**
 * POST /v1.0/engagements/referrals — create an outgoing referral. The documented required
 * properties are checked; server-managed ones are assigned; the referral comes back Active /
 * Accepted with direction Outgoing (reference §1.3), unless it is created already Closed.
 */
import { randomUUID } from "node:crypto";
import type { Referral } from "../../../../../plugins-ts/src/partner-center/referral";
import { emitReferralEvent, Handler, jsonBody } from "../../context";
import { invalidRequest } from "../../errors";
import { newETag, SERVER_MANAGED, validateReferralBody } from "../../referral-model";
import { checkCreate } from "../../cosell-rules";
import { documentedOnly } from "../../referral-schema";
import { single } from "./shared";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const createReferral: Handler = (ctx, req) => {
  const body = documentedOnly(jsonBody(req)); // unknown properties are ignored, never stored
  validateReferralBody(body, true);
  if (ctx.config.coSellCreateRules) checkCreate(body); // today's co-sell: purchase intent, co-sell contact, Services co-sell attributes
  if (body.links !== undefined) delete body.links;
  const requestedEngagement = body.engagementId;
  if (requestedEngagement !== undefined && (typeof requestedEngagement !== "string" || !GUID.test(requestedEngagement))) {
    throw invalidRequest("'engagementId' must be the GUID of an existing engagement.", "engagementId");
  }
  const now = ctx.writeTime();
  const referral: Referral = { ...body };
  for (const k of SERVER_MANAGED) delete (referral as Record<string, unknown>)[k];
  const closed = body.status === "Closed";
  Object.assign(referral, {
    id: randomUUID(),
    engagementId: requestedEngagement ?? randomUUID(),
    organizationId: ctx.config.partnerOrganizationId,
    organizationName: ctx.config.partnerOrganizationName,
    direction: "Outgoing",
    status: closed ? "Closed" : "Active",
    substatus: closed ? body.substatus ?? "Won" : "Accepted",
    createdDateTime: now,
    updatedDateTime: now,
    acceptedDateTime: now,
    ...(closed ? { closedDateTime: now } : {}),
    eTag: newETag(),
  } satisfies Referral);
  ctx.store.putReferral(referral);
  emitReferralEvent(ctx, "referral-created", referral);
  return single(ctx, referral, 201);
};
