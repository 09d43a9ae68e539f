/**
 * Today's co-sell rules, as Partner Center applies them to the partner's own writes
 * (../../../shared/reference/partner-center-2026.md §1.4, §2.1–§2.3). Each refusal is the documented
 * 400 `invalidRequest` with the property at fault as `target`, and changes nothing.
 *
 * Create (POST):
 * - the purchase intent (typed attribute CustomerMarketplaceIntent; Yes, No or HaveNotDecided) on every
 *   referral [C: required in the UI and CSV since May 2023; the API assumed the same, the harsher reading];
 * - a co-sell referral (help asked: an assistanceRequestCode other than Unknown) is shared with Microsoft
 *   sellers and names a customer contact with an email [C G4];
 * - a Services co-sell (co-sell without a co-sell ready partner solution, solutionType 3P) carries the
 *   PartnerRole, SolutionArea and SolutionPlay attributes [C L1]; their ids are not published, so any
 *   non-empty id is taken [I].
 * Update (PATCH, PUT):
 * - nothing changes once the referral is Won, Lost, Declined or Expired [C G4];
 * - the customer contact is fixed once the referral is shared for co-sell [C G4];
 * - by PUT (a PATCH cannot reach them: the connector's paths leave them out): the customer's name,
 *   address and ids (DUNS), the typed attributes, and the help asked (one-way, and its code fixed).
 * Sharing with Microsoft sellers never goes back to private (referral-model.ts checkTransition).
 */
import { ATTRIBUTE_TYPES, PURCHASE_INTENT_OPTIONS } from "../../../plugins-ts/src/model/schema";
import type { Referral } from "../../../plugins-ts/src/partner-center/referral";
import { invalidRequest } from "./errors";

const ATTRIBUTES_PATH = "details.requirements.additionalRequirements.attributes";
/** The intent ids Partner Center takes: HaveNotDecided is confirmed (the create sample), Yes and No inferred. */
export const INTENT_IDS: readonly string[] = PURCHASE_INTENT_OPTIONS.map((o) => o.code);
export const TERMINAL_SUBSTATUSES: readonly string[] = ["Won", "Lost", "Declined", "Expired"];

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const text = (v: unknown): string => (typeof v === "string" ? v.trim() : "");
/** JSON with the keys of every object sorted: two values are the same whatever order their properties came in. */
const canonical = (v: unknown): string =>
  Array.isArray(v) ? `[${v.map(canonical).join(",")}]` : isObject(v) ? `{${Object.keys(v).sort().filter((k) => v[k] !== undefined).map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(",")}}` : JSON.stringify(v ?? null);
const same = (a: unknown, b: unknown): boolean => canonical(a) === canonical(b);

/** The typed attributes of a body, each checked for shape. */
function attributesOf(r: Referral): Array<{ type: string; id: string }> {
  const list = r.details?.requirements?.additionalRequirements?.attributes;
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) throw invalidRequest(`'${ATTRIBUTES_PATH}' must be an array of { type, id }.`, ATTRIBUTES_PATH);
  return list.map((a, i) => {
    if (!isObject(a) || typeof a.type !== "string" || !a.type.trim() || typeof a.id !== "string") {
      throw invalidRequest(`'${ATTRIBUTES_PATH}[${i}]' must be an attribute { type, id } with text values.`, `${ATTRIBUTES_PATH}[${i}]`);
    }
    return { type: a.type.trim(), id: a.id.trim() };
  });
}

/** The id of the attribute of a type (case-insensitive), or a top-level property of that name. */
function attribute(r: Referral, attributes: ReadonlyArray<{ type: string; id: string }>, type: string): string {
  const found = attributes.find((a) => a.type.toLowerCase() === type.toLowerCase());
  if (found) return found.id;
  const topLevel = type[0].toLowerCase() + type.slice(1);
  return text((r as Record<string, unknown>)[topLevel]);
}

/** Help asked from Microsoft (co-sell): an assistance request code other than Unknown. */
export const isCoSell = (r: Referral): boolean => {
  const code: unknown = r.inviteContext?.assistanceRequestCode;
  return typeof code === "string" && code !== "" && code !== "Unknown";
};

/** What makes a create of today's co-sell acceptable; throws the 400 of the first rule it breaks. */
export function checkCreate(r: Referral): void {
  const attributes = attributesOf(r);
  const intent = attribute(r, attributes, ATTRIBUTE_TYPES.purchaseIntent);
  if (!intent) {
    throw invalidRequest(`The customer's purchase intent is required: add the attribute { "type": "${ATTRIBUTE_TYPES.purchaseIntent}", "id": ${INTENT_IDS.map((i) => `"${i}"`).join(" | ")} }.`, ATTRIBUTES_PATH);
  }
  if (!INTENT_IDS.some((i) => i.toLowerCase() === intent.toLowerCase())) {
    throw invalidRequest(`'${intent}' is not a ${ATTRIBUTE_TYPES.purchaseIntent}. Allowed: ${INTENT_IDS.join(", ")}.`, ATTRIBUTES_PATH);
  }
  if (!isCoSell(r)) return;
  if (r.consent?.consentToShareReferralWithMicrosoftSellers !== true) {
    throw invalidRequest("A co-sell referral (help asked from Microsoft) must be shared with Microsoft sellers: set consentToShareReferralWithMicrosoftSellers to true.", "consent.consentToShareReferralWithMicrosoftSellers");
  }
  if (!(r.customerProfile?.team ?? []).some((m) => text(m?.email) !== "")) {
    throw invalidRequest("A co-sell referral needs a customer contact Microsoft can reach: add a member with an email to customerProfile.team.", "customerProfile.team");
  }
  const partnerSolution = (r.details?.requirements?.solutions ?? []).some((s) => s?.solutionType === "3P");
  if (partnerSolution) return; // IP co-sell
  const missing = [ATTRIBUTE_TYPES.partnerRole, ATTRIBUTE_TYPES.solutionArea, ATTRIBUTE_TYPES.solutionPlay].filter((type) => !attribute(r, attributes, type));
  if (missing.length) {
    throw invalidRequest(`A Services co-sell referral (help asked, no co-sell ready partner solution) requires the attribute${missing.length > 1 ? "s" : ""} ${missing.join(", ")}.`, ATTRIBUTES_PATH);
  }
}

/** What an update (PATCH or PUT) of a referral may not do; throws the 400 of the first rule it breaks. */
export function checkUpdate(before: Referral, after: Referral): void {
  if (before.status === "Closed" && TERMINAL_SUBSTATUSES.includes(before.substatus ?? "")) {
    throw invalidRequest(`The referral is Closed / ${before.substatus}: it takes no more changes.`, "status");
  }
  const sharedForCoSell = isCoSell(before) && before.consent?.consentToShareReferralWithMicrosoftSellers === true;
  if (sharedForCoSell && !same(before.customerProfile?.team, after.customerProfile?.team)) {
    throw invalidRequest("The customer contact cannot change once the referral is shared with Microsoft for co-sell.", "customerProfile.team");
  }
  const fixed: Array<[string, unknown, unknown]> = [
    ["customerProfile.name", before.customerProfile?.name, after.customerProfile?.name],
    ["customerProfile.address", before.customerProfile?.address, after.customerProfile?.address],
    ["customerProfile.ids", before.customerProfile?.ids, after.customerProfile?.ids],
    [ATTRIBUTES_PATH, before.details?.requirements?.additionalRequirements?.attributes, after.details?.requirements?.additionalRequirements?.attributes],
  ];
  for (const [target, was, now] of fixed) {
    if (!same(was, now)) throw invalidRequest(`'${target}' is fixed when the referral is created: it cannot change.`, target);
  }
  if (isCoSell(before) && before.inviteContext?.assistanceRequestCode !== after.inviteContext?.assistanceRequestCode) {
    throw invalidRequest("The help asked from Microsoft cannot change or be withdrawn once asked.", "inviteContext.assistanceRequestCode");
  }
}
