/**
 * Field and form notifications. Every notification this script shows has an id starting "pcs." so it
 * can clear exactly its own and nothing else.
 */
import type { FormValidation } from "./rulebook";
import { controlsOf } from "./columns";

export type Level = "ERROR" | "WARNING" | "INFO";

export const NOTICE = {
  rule: (id: string): string => `pcs.rule.${id}`,
  saveBlocked: "pcs.save",
  checkFailed: "pcs.check",
  solutionsAfterSave: "pcs.solutions",
  syncState: "pcs.state",
  lock: "pcs.lock",
} as const;

/** Rule notifications on show (id and column), so exactly those can be cleared. */
let shown: Array<{ id: string; field: string | null }> = [];

export function formNotice(form: Xrm.FormContext, id: string, message: string | null, level: Level = "WARNING"): void {
  form.ui.clearFormNotification(id);
  if (message) form.ui.setFormNotification(message, level, id);
}

/** Replaces the rule notifications with the result's failures: on the column (when on the form) and on the form. */
export function showRules(form: Xrm.FormContext, result: FormValidation | null, level: Level): void {
  clearRules(form);
  if (!result) return;
  for (const f of result.failures) {
    const id = NOTICE.rule(f.rule);
    form.ui.setFormNotification(f.message, level, id);
    if (f.field) for (const c of controlsOf(form, f.field)) c.setNotification?.(f.message, id);
    shown.push({ id, field: f.field });
  }
}

export function clearRules(form: Xrm.FormContext): void {
  for (const { id, field } of shown) {
    form.ui.clearFormNotification(id);
    if (field) for (const c of controlsOf(form, field)) c.clearNotification?.(id);
  }
  shown = [];
}

/**
 * Locks what Partner Center will not let change (the rulebook's locks in force for the record as
 * loaded) and says why on each column, as a recommendation: a notification that does not stop a save.
 */
export function lockColumns(form: Xrm.FormContext, locks: ReadonlyArray<{ columns: readonly string[]; message?: string }>): void {
  for (const { columns, message } of locks) {
    for (const column of columns) {
      // A control already disabled (by the FormXml, or by an earlier OnLoad of this form) is left as it
      // is: addNotification is not documented to replace a notification with the same id.
      for (const control of controlsOf(form, column)) {
        if (control.getDisabled()) continue;
        control.setDisabled(true);
        if (message) control.addNotification({ messages: [message], notificationLevel: "RECOMMENDATION", uniqueId: NOTICE.lock });
      }
    }
  }
}

export function clearAll(form: Xrm.FormContext): void {
  clearRules(form);
  for (const id of [NOTICE.saveBlocked, NOTICE.checkFailed, NOTICE.solutionsAfterSave]) form.ui.clearFormNotification(id);
}
