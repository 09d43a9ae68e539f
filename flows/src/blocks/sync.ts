/**
 * The sync's building blocks in Workflow Definition Language, each written once and used by every
 * flow that needs it: the sync projection (rulebook/sync-hash.ts v2), audit lines
 * (rulebook/audit.ts), check marks (rulebook/check-mark.ts), status labels (rulebook/status.ts).
 */
import { CHECK_MARK_ERROR, CHECK_MARK_SUCCESS, END, STRIP_ORDER, STRIP_ROUNDS } from "../../../plugins-ts/src/rulebook/check-mark";
import { AUDIT_LINE_RESERVE, AUDIT_MAX_CHARS, AUDIT_MAX_LINES, AUDIT_MAX_MESSAGE_CHARS, AuditDirection, AuditOutcome } from "../../../plugins-ts/src/rulebook/audit";
import { SYNC_FIELDS, SYNC_HASH_VERSION, SYNC_ROWS_KEY, SYNC_UPDATED_KEY, SyncField } from "../../../plugins-ts/src/rulebook/sync-hash";
import { compose, envParameter, query, select, Steps } from "../builder";
import {
  call,
  coalesce,
  concat,
  ex,
  equals,
  iff,
  isEmpty,
  left,
  lit,
  NEWLINE,
  not,
  objectOf,
  or,
  outputs,
  body,
  prop,
  str,
  trimmed,
} from "../wdl";

// ---- check marks ---------------------------------------------------------------------------------


/** The name without the sync's trailing marks: the rulebook's replaces (rulebook/check-mark.ts stripCheckMark). */
export function nameWithoutMark(name: string): string {
  let text = concat(trimmed(name), lit(END));
  for (let round = 0; round < STRIP_ROUNDS; round++) {
    for (const mark of STRIP_ORDER) text = call("replace", call("replace", text, lit(mark + END), lit(END)), lit(" " + END), lit(END));
  }
  return call("trim", call("replace", text, lit(END), lit("")));
}

/**
 * The name with the mark for the outcome when pcs_DisplayCheckMark is Yes, else without any mark.
 * `succeeded` is true, false, or a Boolean expression.
 */
export function nameWithMark(name: string, succeeded: boolean | string, stripped = false): string {
  const base = stripped ? name : nameWithoutMark(name);
  const mark = succeeded === true ? lit(` ${CHECK_MARK_SUCCESS}`) : succeeded === false ? lit(` ${CHECK_MARK_ERROR}`) : iff(succeeded, lit(` ${CHECK_MARK_SUCCESS}`), lit(` ${CHECK_MARK_ERROR}`));
  return iff(equals(envParameter("displayCheckMark"), "true"), concat(base, mark), base);
}

// ---- audit ---------------------------------------------------------------------------------------

/** This run, as the Audit line names it: "<workflow name>/<run name>" (rulebook/audit.ts AuditEntry.run). */
export const THIS_RUN = concat("workflow()?['name']", lit("/"), "workflow()?['run']?['name']");

/**
 * One audit line, in rulebook/audit.ts format, the message kept to one line and 500 characters, ending
 * with the run that wrote it (`run` overrides it, for tests).
 */
export function auditLine(direction: AuditDirection, outcome: AuditOutcome | { expression: string }, operation: string, message: string, run: string = THIS_RUN): string {
  const oneLine = call("trim", call("replace", call("replace", call("replace", str(message), "decodeUriComponent('%0D')", "' '"), NEWLINE, "' '"), "decodeUriComponent('%09')", "' '"));
  const capped = iff(call("greater", call("length", oneLine), String(AUDIT_MAX_MESSAGE_CHARS)), concat(call("take", oneLine, String(AUDIT_MAX_MESSAGE_CHARS - 1)), lit("…")), oneLine);
  const head = typeof outcome === "string" ? [lit(` | ${direction} | ${outcome} | ${operation} | `)] : [lit(` | ${direction} | `), outcome.expression, lit(` | ${operation} | `)];
  return concat(call("formatDateTime", "utcNow()", lit("yyyy-MM-ddTHH:mm:ssZ")), ...head, capped, lit(" | run "), run);
}

/**
 * Adds a Compose whose output is the Audit column's new value: the line first, then the old lines,
 * capped at AUDIT_MAX_LINES lines and AUDIT_MAX_CHARS characters (oldest whole lines dropped).
 */
export function addAudit(steps: Steps, name: string, existing: string, line: string): string {
  const joined = iff(isEmpty(existing), line, concat(line, NEWLINE, str(existing)));
  const linesCapped = call("join", call("take", call("split", joined, NEWLINE), String(AUDIT_MAX_LINES)), NEWLINE);
  steps.add(`${name}_lines`, compose(ex(linesCapped)));
  const v = outputs(`${name}_lines`);
  const cut = call("substring", v, "0", call("max", "0", call("lastIndexOf", left(v, AUDIT_MAX_CHARS), NEWLINE)));
  steps.add(name, compose(ex(iff(call("greater", call("length", v), String(AUDIT_MAX_CHARS)), cut, v))));
  return outputs(name);
}

/**
 * The Audit column's new value, in one expression: the line first, then the history capped to
 * AUDIT_MAX_LINES - 1 lines and AUDIT_MAX_CHARS - AUDIT_LINE_RESERVE characters (oldest whole lines
 * dropped), as rulebook/audit.ts prependAudit does.
 */
export function auditColumn(existing: string, line: string): string {
  const lines = call("join", call("take", call("split", str(existing), NEWLINE), String(AUDIT_MAX_LINES - 1)), NEWLINE);
  const room = AUDIT_MAX_CHARS - AUDIT_LINE_RESERVE;
  const history = iff(call("greater", call("length", lines), String(room)), call("substring", lines, "0", call("max", "0", call("lastIndexOf", left(lines, room), NEWLINE))), lines);
  return concat(line, iff(isEmpty(existing), lit(""), concat(NEWLINE, history)));
}

/** True when the newest audit line already says exactly this (after its timestamp): writing it again would only repeat it. */
export function auditAlreadySays(existing: string, direction: AuditDirection, outcome: AuditOutcome, operation: string, message: string): string {
  // Both lines after the timestamp and before the run that wrote them.
  const tail = call("first", call("split", call("substring", auditLine(direction, outcome, operation, message, lit("")), "20"), lit(" | run ")));
  const newest = call("first", call("split", call("substring", concat(call("first", call("split", str(existing), NEWLINE)), lit(" ".repeat(20))), "20"), lit(" | run ")));
  return equals(call("trim", newest), call("trim", tail));
}

// ---- status --------------------------------------------------------------------------------------

/** The Referral Status column text: "Active / Accepted" (rulebook/status.ts referralStatusLabel). */
export function referralStatusLabel(referral: string): string {
  const status = str(prop(referral, "status"));
  const sub = str(prop(referral, "substatus"));
  return iff(or(call("empty", sub), equals(sub, lit("None"))), status, concat(status, lit(" / "), sub));
}

/** The sync state of a referral: pending (New) | open (Active) | won | lost (rulebook/status.ts syncStateOfReferral). */
export function referralSyncState(referral: string): string {
  const status = str(prop(referral, "status"));
  const won = equals(str(prop(referral, "substatus")), lit("Won"));
  return iff(
    equals(status, lit("Closed")),
    iff(won, lit("won"), lit("lost")),
    iff(equals(status, lit("Active")), lit("open"), iff(or(equals(status, lit("New")), equals(status, lit("None"))), lit("pending"), lit(""))),
  );
}

// ---- the sync projection (sync hash v2) -----------------------------------------------------------

/**
 * Adds the actions computing the sync projection of a referral (an object expression, e.g. a
 * Compose output or body('Get_referral')) and returns the projection's expression. Same fields,
 * order and normalisation as rulebook/sync-hash.ts syncProjection.
 */
export function addProjection(steps: Steps, prefix: string, referral: string): string {
  const solutions = coalesce(prop(referral, "details", "requirements", "solutions"), "json('[]')");
  steps.add(`${prefix}_solution_ids`, select(ex(solutions), ex(call("toUpper", trimmed(prop("item()", "id"))))));
  steps.add(`${prefix}_solution_set`, query(ex(body(`${prefix}_solution_ids`)), ex(not(call("empty", "item()")))));
  const d = (k: string): string => prop(referral, "details", k);
  const code = str(prop(referral, "inviteContext", "assistanceRequestCode"));
  const fields: Record<SyncField, string> = {
    closingDate: call("trim", left(str(d("closingDateTime")), 10)),
    contact: call("toLower", trimmed(prop(call("first", coalesce(prop(referral, "customerProfile", "team"), "json('[]')")), "email"))),
    currency: call("toUpper", trimmed(d("currency"))),
    dealValue: iff(equals(d("dealValue"), "null"), lit(""), call("formatNumber", coalesce(d("dealValue"), "0"), lit("0.00"), lit("en-US"))),
    externalReferenceId: trimmed(prop(referral, "externalReferenceId")),
    help: iff(equals(code, lit("Unknown")), lit(""), code),
    name: nameWithoutMark(prop(referral, "name")),
    notes: trimmed(d("notes")),
    salesStage: str(prop(referral, "salesStage")),
    shared: iff(equals(prop(referral, "consent", "consentToShareReferralWithMicrosoftSellers"), "true"), lit("true"), lit("false")),
    solutions: call("join", call("sort", call("union", body(`${prefix}_solution_set`), "json('[]')")), lit(",")),
    state: referralSyncState(referral),
  };
  steps.add(`${prefix}_projection`, compose(ex(objectOf(SYNC_FIELDS.map((k) => [k, fields[k]] as const)))));
  return outputs(`${prefix}_projection`);
}

/** The stored projection (pcs_synchash), or an empty object when the column holds no v2 value. */
export function storedProjection(hash: string): string {
  const prefix = `${SYNC_HASH_VERSION}:`;
  return call("json", iff(call("startsWith", str(hash), lit(prefix)), call("substring", concat(str(hash), lit("   ")), String(prefix.length)), lit("{}")));
}

/**
 * The pcs_synchash text to store: "v2:" + the projection, plus (ignored by comparisons) the solution
 * row ids and the agreed referral version's updatedDateTime.
 */
export function syncHashText(projection: string, extras: { rows?: string; updated?: string } = {}): string {
  let o = projection;
  if (extras.rows) o = call("setProperty", o, lit(SYNC_ROWS_KEY), extras.rows);
  if (extras.updated) o = call("setProperty", o, lit(SYNC_UPDATED_KEY), str(extras.updated));
  return concat(lit(`${SYNC_HASH_VERSION}:`), call("string", o));
}

/** Adds a Compose listing the synced fields whose values differ between two projections; returns its output (an array of field names). */
export function addChangedFields(steps: Steps, name: string, stored: string, current: string): string {
  const parts = SYNC_FIELDS.map((k) => iff(equals(str(prop(stored, k)), str(prop(current, k))), "json('[]')", call("createArray", lit(k))));
  steps.add(name, compose(ex(call("union", ...parts))));
  return outputs(name);
}

export const changed = (changedFields: string, field: SyncField): string => call("contains", changedFields, lit(field));

