/**
 * The sync record (pcs_synchash, rulebook/sync-record.ts v3) in Workflow Definition Language: the CRM
 * key of a row, the stored record read back (v3, or v2 as an agreement without a key), and the text
 * to store. Same normalisation as the rulebook, proven on its vectors (record-parity.test.ts).
 */
import { BEING_WRITTEN, CRM_KEY_COLUMNS, KeyNormalisation, SYNC_RECORD_VERSION } from "../../../plugins-ts/src/rulebook/sync-record";
import { SYNC_FIELDS } from "../../../plugins-ts/src/rulebook/sync-hash";
import { OPPORTUNITY } from "../../../plugins-ts/src/model/schema";
import { configuredColumn } from "../builder";
import { call, coalesce, concat, equals, iff, left, lit, objectOf, prop, propDyn, str, trimmed } from "../wdl";
import { nameWithoutMark } from "./sync";

function keyPart(value: string, how: KeyNormalisation): string {
  switch (how) {
    case "name":
      return nameWithoutMark(value);
    case "text":
      return trimmed(value);
    case "date":
      return left(trimmed(value), 10);
    case "id":
      return call("toLower", trimmed(value));
    case "number":
      return call("string", value);
    case "amount":
      return iff(equals(value, "null"), lit(""), call("formatNumber", value, lit("0.00"), lit("en-US")));
    case "flag":
      return iff(equals(value, "true"), lit("true"), lit("false"));
  }
}

/**
 * The CRM key of an opportunity row as an array expression. `row` is the row object (a trigger body,
 * a Get a row body); `dealValueColumn` the configured column's expression.
 */
export function crmKey(row: string, dealValueColumn: string = configuredColumn("dealValueField"), overrides: Record<string, string> = {}): string {
  return call("createArray", ...CRM_KEY_COLUMNS.map(([c, how]) => keyPart(overrides[c] ?? (c === "dealValue" ? propDyn(row, dealValueColumn) : prop(row, c)), how)));
}

/** The key as one string, for comparing (a unit separator cannot be typed into a column). */
export const joinedKey = (keyArray: string): string => call("join", keyArray, "decodeUriComponent('%1F')");

/** The stored record as an object expression: {pc, crm, updated, rows}, or {} when the column holds no v3 record. */
export function storedRecord(hash: string): string {
  const text = str(hash);
  return call("json", iff(call("startsWith", text, lit("v3:")), call("substring", text, "3"), lit("{}")));
}

/** The CRM key the record holds, joined, or '' when it holds none. */
export const storedKey = (record: string): string => joinedKey(coalesce(prop(record, "crm"), "json('[]')"));

/** A projection object expression with the SYNC_FIELDS in order, from one expression per field. */
export function projectionOf(values: (field: (typeof SYNC_FIELDS)[number]) => string): string {
  return objectOf(SYNC_FIELDS.map((f) => [f, values(f)] as const));
}

/** The text to store in pcs_synchash: "v3:" + {pc, crm, updated, rows}, keys in that order. */
export function recordText(parts: { pc: string; crm: string; updated: string; rows: string }): string {
  return concat(lit(`${SYNC_RECORD_VERSION}:`), call("string", objectOf([["pc", parts.pc], ["crm", parts.crm], ["updated", str(parts.updated)], ["rows", str(parts.rows)]])));
}


/**
 * The trigger condition of the opportunity row trigger: the synced columns differ from what the sync
 * last saw, and the row is not being written by the inbound sync (whose next write stores its key).
 */
export function keyChangedCondition(row: string): string {
  const stored = storedKey(storedRecord(prop(row, OPPORTUNITY.syncHash)));
  return call("and", call("not", equals(stored, lit(BEING_WRITTEN))), call("not", equals(joinedKey(crmKey(row)), stored)));
}
