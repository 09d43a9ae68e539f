import { randomUUID } from "node:crypto";
import type { Referral, ReferralStatus } from "../../../../../plugins-ts/src/partner-center/referral";
import { SUBSTATUSES_OF } from "../../../../../plugins-ts/src/partner-center/referral";
import { EmulatorContext } from "../../context";
import { ApiError, invalidRequest } from "../../errors";
import { checkStatusPair, MICROSOFT_ORGANIZATION_ID, newETag, stampStatusDates, validateReferralBody } from "../../referral-model";
import { documentedOnly } from "../../referral-schema";

const DAY = 24 * 3600 * 1000;
/** The sales stage as Partner Center's wire also returns it (the UI's percentages, as text). */
const WIRE_SALES_STAGES: readonly string[] = ["20", "40", "60", "100"];

/** Documented: an incoming referral with no answer expires after "currently 14 days". */
export const EXPIRY_DAYS = 14;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** A referral another party shares with the partner: defaults describe a Microsoft co-sell lead. */
export function buildIncomingReferral(ctx: EmulatorContext, sent: unknown): Referral {
  const body = documentedOnly(sent); // unknown properties are ignored, as the API ignores them
  // Partner Center's own referrals may carry the sales stage in its wire form, "20" / "40" / "60" / "100"
  // (partner-center-2026.md §1.1 [C W1]); the partner's writes take only Qualify..Close.
  const stage = isObject(body) && typeof body.salesStage === "string" && WIRE_SALES_STAGES.includes(body.salesStage) ? body.salesStage : undefined;
  if (stage !== undefined) delete (body as Record<string, unknown>).salesStage;
  validateReferralBody(body, false);
  if (stage !== undefined) (body as Record<string, unknown>).salesStage = stage;
  if (body.id !== undefined) {
    if (typeof body.id !== "string" || !body.id.trim()) throw invalidRequest("'id' must be a non-empty string.", "id");
    if (ctx.store.getReferral(body.id)) throw new ApiError(409, "resourceModified", `A referral with id '${body.id}' already exists.`, "id");
  }
  if (body.createdDateTime !== undefined && (typeof body.createdDateTime !== "string" || Number.isNaN(Date.parse(body.createdDateTime)))) {
    throw invalidRequest("'createdDateTime' must be an ISO 8601 date-time.", "createdDateTime");
  }
  const status: ReferralStatus = body.status ?? "New";
  const substatus = body.substatus ?? SUBSTATUSES_OF[status][0]!;
  checkStatusPair(status, substatus);
  const now = ctx.writeTime();
  const referral: Referral = {
    name: "Co-sell opportunity shared by Microsoft",
    type: "Shared",
    qualification: "SalesQualified",
    direction: "Incoming",
    customerProfile: {
      name: "Contoso Customer Inc",
      address: { addressLine1: "One Microsoft Way", city: "Redmond", state: "WA", postalCode: "98052", country: "US" },
      size: "51to250employees",
      team: [],
    },
    consent: { consentToContact: true, consentToToShareInfoWithOthers: true, consentToShareReferralWithMicrosoftSellers: true },
    details: { notes: "", dealValue: 0, currency: "USD", requirements: { industries: [], products: [], services: [], solutions: [] } },
    team: [],
    inviteContext: { invitedBy: { organizationId: MICROSOFT_ORGANIZATION_ID, organizationName: "Microsoft" } },
    target: [{ type: "BusinessProfileLocation", id: ctx.config.partnerOrganizationId }],
    ...body,
    id: body.id ?? randomUUID(),
    engagementId: body.engagementId ?? randomUUID(),
    organizationId: body.organizationId ?? ctx.config.partnerOrganizationId,
    organizationName: body.organizationName ?? ctx.config.partnerOrganizationName,
    status,
    substatus,
    createdDateTime: body.createdDateTime ?? now,
    updatedDateTime: now,
    eTag: newETag(),
  };
  delete referral.links;
  if (status === "New" && !referral.expirationDateTime) referral.expirationDateTime = new Date(Date.parse(now) + EXPIRY_DAYS * DAY).toISOString();
  stampStatusDates(undefined, referral, now);
  return referral;
}

/** Deep merge for the control PATCH: objects merge, arrays and scalars replace, null deletes. */
export function deepMerge(target: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete target[k];
    else if (isObject(v) && isObject(target[k])) deepMerge(target[k] as Record<string, unknown>, v);
    else target[k] = structuredClone(v);
  }
  return target;
}
