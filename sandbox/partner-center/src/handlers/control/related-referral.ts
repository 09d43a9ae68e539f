/**
 * POST /_emulator/referrals/{id}/related — Microsoft's side of the engagement of referral {id} is
 * created (related-referral-created) or updated (related-referral-updated). It is a referral of
 * organisation "msft" in the same engagement, carrying trackingInfo.microsoftMsxId (the
 * "Microsoft CRM Identifier"); the event's ResourceUri names it, not the partner's referral.
 * Body (all optional): microsoftMsxId, status, substatus, and any referral fields to set.
 */
import { randomUUID } from "node:crypto";
import type { Referral } from "../../../../../plugins-ts/src/partner-center/referral";
import { emitReferralEvent, Handler, isOwn, jsonBody, MICROSOFT_ORGANIZATION_ID } from "../../context";
import { invalidRequest, itemNotFound } from "../../errors";
import { checkStatusPair, checkTransition, newETag, present, stampStatusDates, validateReferralBody } from "../../referral-model";
import { documentedOnly } from "../../referral-schema";
import { deepMerge } from "./referral-helpers";

function msxId(): string {
  // MSX opportunity ids look like 7-XXXXXXXXXX.
  return `7-${randomUUID().replace(/-/g, "").slice(0, 10).toUpperCase()}`;
}

export const controlRelatedReferral: Handler = (ctx, req) => {
  const raw = req.rawBody.length ? jsonBody(req) : {};
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw invalidRequest("The body must be an object.");
  const { microsoftMsxId, ...sent } = raw as { microsoftMsxId?: unknown } & Record<string, unknown>;
  const fields = documentedOnly(sent) as Record<string, unknown>; // unknown properties are ignored, never stored
  if (microsoftMsxId !== undefined && (typeof microsoftMsxId !== "string" || !microsoftMsxId)) throw invalidRequest("'microsoftMsxId' must be a non-empty string.", "microsoftMsxId");
  validateReferralBody(fields, false);
  const ours = ctx.store.getReferral(req.params.id!);
  if (!ours) throw itemNotFound(`Referral '${req.params.id}' was not found.`, "id");
  if (!isOwn(ctx, ours)) throw invalidRequest("Give the partner's own referral; this one is already Microsoft's side of the engagement.", "id");
  const existing = ctx.store.allReferrals().find(
    (r) => r.engagementId?.toLowerCase() === ours.engagementId?.toLowerCase() && r.organizationId === MICROSOFT_ORGANIZATION_ID,
  );
  const now = ctx.writeTime();
  let related: Referral;
  let event: string;
  if (existing) {
    const before = structuredClone(existing);
    related = deepMerge(structuredClone(existing) as Record<string, unknown>, fields) as Referral;
    if (fields.status !== undefined && fields.substatus === undefined) throw invalidRequest("Give substatus together with status.", "substatus");
    related.id = existing.id;
    related.engagementId = existing.engagementId;
    related.organizationId = MICROSOFT_ORGANIZATION_ID;
    if (microsoftMsxId !== undefined) related.trackingInfo = { ...related.trackingInfo, microsoftMsxId: microsoftMsxId as string };
    checkTransition(before, related);
    stampStatusDates(before, related, now);
    event = "related-referral-updated";
  } else {
    const status = (fields.status as Referral["status"]) ?? "Active";
    const substatus = (fields.substatus as Referral["substatus"]) ?? (status === "Active" ? "Accepted" : undefined);
    checkStatusPair(status, substatus);
    related = {
      name: ours.name,
      type: "Shared",
      qualification: ours.qualification ?? "SalesQualified",
      direction: "Incoming",
      customerProfile: structuredClone(ours.customerProfile),
      consent: structuredClone(ours.consent),
      details: structuredClone(ours.details),
      team: [],
      inviteContext: { invitedBy: { organizationId: ours.organizationId, organizationName: ours.organizationName } },
      target: [{ type: "BusinessProfileLocation", id: ctx.config.partnerOrganizationId }],
      ...fields,
      id: randomUUID(),
      engagementId: ours.engagementId,
      organizationId: MICROSOFT_ORGANIZATION_ID,
      organizationName: "Microsoft",
      status,
      substatus,
      trackingInfo: { microsoftMsxId: (microsoftMsxId as string | undefined) ?? msxId() },
      createdDateTime: now,
    } as Referral;
    stampStatusDates(undefined, related, now);
    event = "related-referral-created";
  }
  related.updatedDateTime = now;
  related.eTag = newETag();
  delete related.links;
  ctx.store.putReferral(related);
  emitReferralEvent(ctx, event, related);
  return { status: existing ? 200 : 201, body: present(related, ctx.baseUrl(), true) };
};
