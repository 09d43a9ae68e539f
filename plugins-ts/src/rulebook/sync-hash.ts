/**
 * The sync hash (pcs_synchash): the values the sync last agreed with Partner Center, so "nothing
 * synced changed" and "this write was the sync's own" are decided without calling Partner Center.
 *
 * Algorithm "v2" (test-vectors/sync-hash.json):
 * 1. Project a referral onto the synced fields (syncProjection). Every value is a string, so any
 *    implementation serialises it identically:
 *      closingDate  details.closingDateTime as yyyy-MM-dd          ("" when absent)
 *      contact      the first customer contact's e-mail, trimmed, lower case
 *      currency     details.currency, trimmed, upper case
 *      dealValue    details.dealValue with two decimals ("250000.00"), rounded half away from zero
 *      externalReferenceId  trimmed (the CRM record the referral is linked to)
 *      help         inviteContext.assistanceRequestCode ("" for none or Unknown)
 *      name         the name without check marks, trimmed
 *      notes        details.notes, trimmed
 *      salesStage   Qualify | Develop | Propose | Close | ""
 *      shared       "true" when consentToShareReferralWithMicrosoftSellers is true, else "false"
 *      solutions    the solution ids, trimmed, upper case, unique, sorted, joined with ","
 *      state        pending (New) | open (Active) | won | lost   (status.ts SyncState)
 * 2. Serialise it as JSON with the keys in that (alphabetical) order and no whitespace.
 * 3. The hash is "v2:" followed by that text.
 *
 * Why not a digest (v1 was SHA-256 of the same kind of text): the cloud flows write this column, and
 * Workflow Definition Language has no digest function. A flow builds the same object with the same
 * key order and writes string() of it; the stored text also tells flow 7 which fields changed
 * (old values per field) without reading the referral. The text is bounded by the columns it holds
 * (name 300, notes = description 2000) and fits the 10,000-character column.
 *
 * Flows add two keys the comparison ignores: "rows", the ids of the opportunity's Microsoft Partner
 * Center Solutions rows (a Dataverse delete notification names only the deleted row, and flow 9 finds
 * its opportunity with contains(pcs_synchash, '<row id>')); and "updated", the updatedDateTime of the
 * referral version agreed, to the fraction of a second (pcs_lastsyncedon is stored to the second),
 * which tells the helper a webhook event is an echo of what the CRM already holds.
 *
 * Compute it from the CRM side as syncHashOfSnapshot(snapshot) (through toReferral) and from the
 * Partner Center side as syncHash(referral); both go through the same projection.
 */
import type { Referral } from "../partner-center/referral";
import { stripCheckMark } from "./check-mark";
import { toReferral } from "./mapping-outbound";
import type { OpportunitySnapshot } from "./snapshot";
import { syncStateOfReferral } from "./status";

export const SYNC_HASH_VERSION = "v2";
const PREFIX = `${SYNC_HASH_VERSION}:`;

/** The synced fields, in serialisation order. */
export const SYNC_FIELDS = [
  "closingDate",
  "contact",
  "currency",
  "dealValue",
  "externalReferenceId",
  "help",
  "name",
  "notes",
  "salesStage",
  "shared",
  "solutions",
  "state",
] as const;
export type SyncField = (typeof SYNC_FIELDS)[number];
export type SyncProjection = Record<SyncField, string>;

/** Keys a flow adds (ignored by comparisons): solution row ids, and the agreed referral version's updatedDateTime. */
export const SYNC_ROWS_KEY = "rows";
export const SYNC_UPDATED_KEY = "updated";

const trimmed = (v: unknown): string => (typeof v === "string" ? v.trim() : "");

/** Two decimals, half away from zero (as .NET's formatNumber(x, '0.00') and the flow runner do). */
export function formatAmount(value: number): string {
  const cents = Math.round(Math.abs(value) * 100 + 1e-9);
  const sign = value < 0 && cents !== 0 ? "-" : "";
  return `${sign}${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, "0")}`;
}

/**
 * Partner Center returns the sales stage by name (Qualify…Close, the connector's enum) or as the
 * number its UI and CSV use (20, 40, 60, 100; reference partner-center-2026.md §1.3): both read as the name.
 */
export const SALES_STAGE_NUMBERS: Readonly<Record<string, string>> = { "20": "Qualify", "40": "Develop", "60": "Propose", "100": "Close" };

export interface ProjectionOptions {
  /**
   * The CRM's customer contact e-mail, when projecting Partner Center's side for a comparison: the
   * CRM holds one contact and Partner Center a team, so Partner Center "has" the CRM's contact when
   * any member has that e-mail (the patch appends; it never removes Partner Center's others).
   */
  crmContact?: string;
}

/** The synced fields of a referral, normalised (step 1). */
export function syncProjection(r: Referral, options: ProjectionOptions = {}): SyncProjection {
  const d = r.details;
  const ids = [...new Set((d?.requirements?.solutions ?? []).map((s) => trimmed(s.id).toUpperCase()).filter((x) => x !== ""))];
  ids.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const code = r.inviteContext?.assistanceRequestCode;
  return {
    closingDate: trimmed(d?.closingDateTime).slice(0, 10),
    contact: contactOf(r, options.crmContact),
    currency: trimmed(d?.currency).toUpperCase(),
    dealValue: typeof d?.dealValue === "number" ? formatAmount(d.dealValue) : "",
    externalReferenceId: trimmed(r.externalReferenceId),
    help: code && code !== "Unknown" ? code : "",
    name: typeof r.name === "string" ? stripCheckMark(r.name).trim() : "",
    notes: trimmed(d?.notes),
    salesStage: SALES_STAGE_NUMBERS[String(r.salesStage ?? "")] ?? r.salesStage ?? "",
    shared: r.consent?.consentToShareReferralWithMicrosoftSellers === true ? "true" : "false",
    solutions: ids.join(","),
    state: syncStateOfReferral(r.status, r.substatus) ?? "",
  };
}

function contactOf(r: Referral, crmContact: string | undefined): string {
  const emails = (r.customerProfile?.team ?? []).map((m) => trimmed(m.email).toLowerCase());
  return crmContact !== undefined && crmContact !== "" && emails.includes(crmContact) ? crmContact : (emails[0] ?? "");
}

/** The canonical text (step 2). */
export function syncFingerprint(referral: Referral): string {
  const p = syncProjection(referral);
  return `{${SYNC_FIELDS.map((k) => `${JSON.stringify(k)}:${JSON.stringify(p[k])}`).join(",")}}`;
}

/** "v2:" + the fingerprint (step 3). */
export function syncHash(referral: Referral): string {
  return PREFIX + syncFingerprint(referral);
}

/** The sync hash of what an opportunity snapshot would send. */
export function syncHashOfSnapshot(snapshot: OpportunitySnapshot): string {
  return syncHash(toReferral(snapshot));
}

/** The stored projection, or undefined when the text is not a v2 sync hash (then everything counts as changed). */
export function parseSyncHash(text: string | null | undefined): SyncProjection | undefined {
  if (typeof text !== "string" || !text.startsWith(PREFIX)) return undefined;
  try {
    const o = JSON.parse(text.slice(PREFIX.length)) as Record<string, unknown>;
    if (!o || typeof o !== "object") return undefined;
    const out = {} as SyncProjection;
    for (const k of SYNC_FIELDS) out[k] = typeof o[k] === "string" ? (o[k] as string) : "";
    return out;
  } catch {
    return undefined;
  }
}

/** The synced fields whose values differ (all of them when `stored` is not a v2 hash). */
export function changedSyncFields(stored: string | null | undefined, current: string): SyncField[] {
  const a = parseSyncHash(stored);
  const b = parseSyncHash(current);
  if (!a || !b) return [...SYNC_FIELDS];
  return SYNC_FIELDS.filter((k) => a[k] !== b[k]);
}
