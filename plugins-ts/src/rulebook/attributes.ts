/**
 * The typed attributes, both ways (partner-center-2026.md §1.4): purchase intent, partner role,
 * solution area and solution play travel in details.requirements.additionalRequirements.attributes
 * as `{ type, id }`. Intent maps to the pcs_purchaseintent choice (schema.ts PURCHASE_INTENT_OPTIONS);
 * role, area and play to rows of the tables an administrator maintains, by their Partner Center ID
 * (pcs_apiid), so a value Microsoft adds next year is a row, not a release.
 *
 * Reading is tolerant, as Partner Center's data outlives our lists: an attribute type we do not know
 * is ignored, an intent id we do not know is reported (not written), ids are compared without case,
 * and the top-level forms some documentation rows show (partnerRole, solutionArea, solutionPlay,
 * customerMarketplaceIntent) are read when no attribute carries the value.
 */
import { ATTRIBUTE_TYPES, COSELL_REFERENCE_TABLES, OPPORTUNITY_COSELL, PURCHASE_INTENT_OPTIONS } from "../model/schema";
import type { Referral, ReferralAttribute } from "../partner-center/referral";
import type { OpportunitySnapshot, WebApiRow } from "./snapshot";

/** The reference tables' attributes, in the order they go out. */
export const REFERENCE_ATTRIBUTES = [
  { key: "partnerRole", type: ATTRIBUTE_TYPES.partnerRole },
  { key: "solutionArea", type: ATTRIBUTE_TYPES.solutionArea },
  { key: "solutionPlay", type: ATTRIBUTE_TYPES.solutionPlay },
] as const;
export type ReferenceKey = (typeof REFERENCE_ATTRIBUTES)[number]["key"];

const apiIdColumn = COSELL_REFERENCE_TABLES[0].apiId;

const textOf = (v: unknown): string | undefined => (typeof v === "string" && v.trim() !== "" ? v.trim() : undefined);

/** The attribute id of a purchase intent choice value (undefined for none or an unknown value). */
export function intentCodeOf(value: unknown): string | undefined {
  return PURCHASE_INTENT_OPTIONS.find((o) => o.value === value)?.code;
}

/** The pcs_purchaseintent value of an attribute id, compared without case (undefined when unknown). */
export function intentOptionOf(id: unknown): number | undefined {
  const t = textOf(id)?.toLowerCase();
  return PURCHASE_INTENT_OPTIONS.find((o) => o.code.toLowerCase() === t)?.value;
}

/** The attributes an opportunity snapshot gives (only the known, non-empty ones); undefined when none. */
export function toAttributes(snapshot: Pick<OpportunitySnapshot, "opportunity" | ReferenceKey>): ReferralAttribute[] | undefined {
  const out: ReferralAttribute[] = [];
  const intent = intentCodeOf(snapshot.opportunity[OPPORTUNITY_COSELL.purchaseIntent]);
  if (intent) out.push({ type: ATTRIBUTE_TYPES.purchaseIntent, id: intent });
  for (const { key, type } of REFERENCE_ATTRIBUTES) {
    const id = textOf((snapshot[key] as WebApiRow | null | undefined)?.[apiIdColumn]);
    if (id) out.push({ type, id });
  }
  return out.length ? out : undefined;
}

export interface InboundAttributes {
  /** The pcs_purchaseintent value, when the referral names a known intent. */
  purchaseIntent?: number;
  /** The Partner Center IDs of the role, area and play the referral names (the flow finds, or adds, the rows by pcs_apiid). */
  references: Partial<Record<ReferenceKey, string>>;
  /** Values that could not be mapped, as "<path>: <value>", for the Audit. */
  unknown: string[];
}

/** The typed attributes a referral carries, read tolerantly. */
export function fromAttributes(referral: Referral): InboundAttributes {
  const list = referral.details?.requirements?.additionalRequirements?.attributes;
  const attributes = Array.isArray(list) ? list : [];
  const byType = (type: string): string | undefined =>
    attributes.map((a) => (a && typeof a === "object" && textOf(a.type)?.toLowerCase() === type.toLowerCase() ? textOf(a.id) : undefined)).find((id) => id !== undefined);
  const out: InboundAttributes = { references: {}, unknown: [] };
  const intentId = byType(ATTRIBUTE_TYPES.purchaseIntent) ?? textOf(referral.customerMarketplaceIntent);
  if (intentId !== undefined) {
    const value = intentOptionOf(intentId);
    if (value === undefined) out.unknown.push(`${ATTRIBUTE_TYPES.purchaseIntent}: ${intentId}`);
    else out.purchaseIntent = value;
  }
  for (const { key, type } of REFERENCE_ATTRIBUTES) {
    const id = byType(type) ?? textOf(referral[key]);
    if (id !== undefined) out.references[key] = id;
  }
  return out;
}

/** The attributes compared as a set ("Type:id", types and ids without case), for what changed. */
export function attributesKey(attributes: readonly ReferralAttribute[] | undefined): string {
  return (attributes ?? [])
    .map((a) => `${String(a?.type ?? "").toLowerCase()}:${String(a?.id ?? "").toLowerCase()}`)
    .sort()
    .join("|");
}
