/**
 * The sync record (pcs_synchash, "v3"): what the sync last agreed with Partner Center for one
 * record, so that "nothing synced changed", "this write was the sync's own" and "who changed what
 * since" are decided without a call.
 *
 *   v3:{"pc":{…the agreed projection, sync-hash.ts…},"crm":[…the CRM values it came from…],"updated":"…","rows":"…"}
 *
 * - pc: the sync projection both sides agreed on (sync-hash.ts SYNC_FIELDS order), the "agreed"
 *   input of the conflict policy (merge.ts).
 * - crm: the opportunity's own synced columns as the sync last saw them, normalised to strings
 *   (CRM_KEY_COLUMNS). Flow 8's trigger condition compares the row with it: a save that changes no
 *   synced column, and every write the sync makes (which stores the row's values here in the same
 *   write), start no run. It is what Dataverse itself can show the trigger: lookups are ids, not the
 *   e-mail or currency code they lead to.
 * - updated: the agreed referral version's updatedDateTime, exactly as Partner Center gave it (the
 *   webhook receiver skips an event no newer than it: an echo of the sync's own change).
 * - rows: the opportunity's Microsoft Partner Center Solutions row ids (a Dataverse delete
 *   notification names only the deleted row; flow 9 finds its opportunity by them).
 *
 * Anything else (empty, or the v2 fingerprint of the first release, which never left the sandbox)
 * is no record: the next change of such an opportunity runs, and the CRM wins where they differ.
 */
import { OPPORTUNITY, OPPORTUNITY_COSELL } from "../model/schema";
import { stripCheckMark } from "./check-mark";
import { configOf, OpportunitySnapshot, RulebookConfig, WebApiRow } from "./snapshot";
import { formatAmount, SYNC_FIELDS, SyncProjection } from "./sync-hash";

export const SYNC_RECORD_VERSION = "v3";

/**
 * The CRM key a record holds while the inbound sync's [Customize] flow writes the row: flow 8 starts
 * no run for it, and the write after the [Customize] flow stores the real key.
 */
export const BEING_WRITTEN = "~being written";

export interface SyncRecord {
  pc: SyncProjection;
  crm?: string[];
  updated?: string;
  rows?: string;
}

/** How one CRM column becomes a key string (the flows write the same in WDL: flows/src/blocks/record.ts). */
export type KeyNormalisation = "name" | "text" | "date" | "id" | "number" | "amount" | "flag";

/** The opportunity columns whose change can change the referral, in key order; `dealValue` is the configured column. */
export const CRM_KEY_COLUMNS: ReadonlyArray<readonly [column: string | "dealValue", how: KeyNormalisation]> = [
  ["name", "name"],
  ["description", "text"],
  ["estimatedclosedate", "date"],
  ["_transactioncurrencyid_value", "id"],
  ["_parentcontactid_value", "id"],
  ["_customerid_value", "id"],
  ["salesstage", "number"],
  ["statecode", "number"],
  ["statuscode", "number"],
  [OPPORTUNITY.microsoftHelp, "number"],
  [OPPORTUNITY.referralVisibility, "flag"],
  [OPPORTUNITY.syncWithPartnerCenter, "flag"],
  ["dealValue", "amount"],
  // Today's co-sell (fixed at create, rules.ts LOCKS): in the key so that a change made another way
  // (import, API) starts flow 8, which audits it, and so that the flows know the value the referral
  // was created with.
  [OPPORTUNITY_COSELL.purchaseIntent, "number"],
  [`_${OPPORTUNITY_COSELL.partnerRole}_value`, "id"],
  [`_${OPPORTUNITY_COSELL.solutionArea}_value`, "id"],
  [`_${OPPORTUNITY_COSELL.solutionPlay}_value`, "id"],
];

/** The columns a trigger must list as filtering attributes to see every key change (lookups by their column name). */
export function crmKeyTriggerColumns(config: RulebookConfig): string[] {
  return CRM_KEY_COLUMNS.map(([c]) => (c === "dealValue" ? config.dealValueField : c.replace(/^_(.*)_value$/, "$1")));
}

function keyPart(v: unknown, how: KeyNormalisation): string {
  const isText = typeof v === "string";
  switch (how) {
    case "name":
      return isText ? stripCheckMark(v.trim()).trim() : "";
    case "text":
      return isText ? v.trim() : "";
    case "date":
      return isText ? v.trim().slice(0, 10) : "";
    case "id":
      return isText ? v.trim().toLowerCase() : "";
    case "number":
      return typeof v === "number" ? String(v) : "";
    case "amount":
      return typeof v === "number" ? formatAmount(v) : "";
    case "flag":
      return v === true ? "true" : "false";
  }
}

/** The CRM key of an opportunity row (as the Web API or a Dataverse trigger gives it). */
export function crmKey(row: WebApiRow, config: RulebookConfig): string[] {
  return CRM_KEY_COLUMNS.map(([c, how]) => keyPart(row[c === "dealValue" ? config.dealValueField : c], how));
}

export function crmKeyOfSnapshot(snapshot: OpportunitySnapshot): string[] {
  return crmKey(snapshot.opportunity, configOf(snapshot));
}

/** The column text: "v3:" + JSON with the keys in a fixed order. */
export function formatSyncRecord(r: SyncRecord): string {
  const pc = Object.fromEntries(SYNC_FIELDS.map((k) => [k, r.pc[k] ?? ""]));
  return `${SYNC_RECORD_VERSION}:${JSON.stringify({ pc, crm: r.crm ?? [], updated: r.updated ?? "", rows: r.rows ?? "" })}`;
}

const asProjection = (o: Record<string, unknown>): SyncProjection => Object.fromEntries(SYNC_FIELDS.map((k) => [k, typeof o[k] === "string" ? o[k] : ""])) as SyncProjection;
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

/** The record a column holds; undefined for anything that is not a v3 record. */
export function parseSyncRecord(text: string | null | undefined): SyncRecord | undefined {
  if (typeof text !== "string" || !text.startsWith(`${SYNC_RECORD_VERSION}:`)) return undefined;
  let o: unknown;
  try {
    o = JSON.parse(text.slice(3));
  } catch {
    return undefined;
  }
  if (!o || typeof o !== "object" || Array.isArray(o)) return undefined;
  const obj = o as Record<string, unknown>;
  const pc = obj.pc && typeof obj.pc === "object" ? asProjection(obj.pc as Record<string, unknown>) : asProjection({});
  const crm = Array.isArray(obj.crm) && obj.crm.length > 0 && obj.crm.every((x) => typeof x === "string") ? (obj.crm as string[]) : undefined;
  return { pc, crm, updated: str(obj.updated), rows: str(obj.rows) };
}

/** True when a row's synced columns are what the record says the sync last saw: a trigger firing that starts no run. */
export function isEchoOrNoOp(row: WebApiRow, config: RulebookConfig): boolean {
  const stored = parseSyncRecord(row[OPPORTUNITY.syncHash] as string | undefined)?.crm;
  if (stored && stored.length === 1 && stored[0] === BEING_WRITTEN) return true;
  return !!stored && stored.join("\u001f") === crmKey(row, config).join("\u001f");
}
