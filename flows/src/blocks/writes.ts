/**
 * Writing a sync outcome back to the opportunity: status, Audit line, check mark.
 *
 * Loop safety: "name" is in flow 8's trigger filtering attributes, and Dataverse fires the trigger
 * when a filtering column is included in an update even with the same value. So
 * - a success write always includes name: it fires flow 8 once more, whose flow 7 run finds nothing
 *   changed (the stored projection is what the CRM now holds) and stops — and if the seller changed
 *   something meanwhile, that run sends it, so a concurrent edit is never lost;
 * - an error write includes name only when the mark changes, and is skipped entirely when the
 *   opportunity already shows this very error: a failure can cause at most one more attempt.
 */
import { OPPORTUNITY, SyncStatus } from "../../../plugins-ts/src/model/schema";
import type { AuditDirection } from "../../../plugins-ts/src/rulebook/audit";
import { compose, condition, dataverse, Steps } from "../builder";
import { call, equals, ex, iff, not, objectOf, or, prop } from "../wdl";
import { addAudit, auditAlreadySays, auditLine, nameWithMark } from "./sync";

export interface ErrorWrite {
  /** Prefix for the action names. */
  name: string;
  entitySet: string;
  /** An expression for the record id. */
  recordId: string;
  /** The row as read (for its status, audit and name). */
  row: string;
  direction: AuditDirection;
  operation: string;
  message: string;
  /** Whether the row has a name with a check mark (opportunity: yes; lead: no). */
  withMark?: boolean;
}

/** Adds an If that records the error unless the record already shows it. Returns the If's name. */
export function addErrorWrite(steps: Steps, w: ErrorWrite): string {
  const existingAudit = prop(w.row, OPPORTUNITY.syncAudit);
  const withMark = w.withMark !== false;
  const newName = withMark ? nameWithMark(prop(w.row, "name"), false) : "";
  const markChanges = withMark ? not(equals(prop(w.row, "name"), newName)) : "false";
  const already = call("and", equals(prop(w.row, OPPORTUNITY.syncStatus), String(SyncStatus.Error)), auditAlreadySays(existingAudit, w.direction, "Error", w.operation, w.message));
  const yes = new Steps();
  const audit = addAudit(yes, `${w.name}_audit`, existingAudit, auditLine(w.direction, "Error", w.operation, w.message));
  const base = objectOf([
    [OPPORTUNITY.syncStatus, String(SyncStatus.Error)],
    [OPPORTUNITY.syncAudit, audit],
  ]);
  yes.add(`${w.name}_item`, compose(ex(withMark ? iff(markChanges, call("setProperty", base, "'name'", newName), base) : base)));
  yes.add(`${w.name}_write`, dataverse.updateOnlyRecord(w.entitySet, ex(w.recordId), ex(`outputs('${w.name}_item')`)));
  return steps.add(w.name, condition(or(not(already), markChanges), yes));
}

export interface SuccessWrite {
  name: string;
  entitySet: string;
  recordId: string;
  /** The row as read (its audit and name), when no explicit values are given. */
  row: string;
  /** The Audit column's current value (default: the row's). */
  existingAudit?: string;
  /** The name to write with the mark (default: the row's name). */
  nameBase?: string;
  /** Extra columns (logical name → expression). */
  columns: ReadonlyArray<readonly [string, string]>;
  direction: AuditDirection;
  operation: string;
  message: string;
  withMark?: boolean;
  /** Info when nothing was sent (e.g. only changes Partner Center does not accept by update). */
  outcome?: "Success" | "Info";
}

/** Adds the success write: Synced, the audit line, the columns given, and (opportunities) the name with ✔. */
export function addSuccessWrite(steps: Steps, w: SuccessWrite): string {
  const audit = addAudit(steps, `${w.name}_audit`, w.existingAudit ?? prop(w.row, OPPORTUNITY.syncAudit), auditLine(w.direction, w.outcome ?? "Success", w.operation, w.message));
  const pairs: Array<readonly [string, string]> = [
    [OPPORTUNITY.syncStatus, String(SyncStatus.Synced)],
    [OPPORTUNITY.syncAudit, audit],
    ...w.columns,
  ];
  if (w.withMark !== false) pairs.push(["name", nameWithMark(w.nameBase ?? prop(w.row, "name"), true)]);
  return steps.add(w.name, dataverse.updateOnlyRecord(w.entitySet, ex(w.recordId), ex(objectOf(pairs))));
}
