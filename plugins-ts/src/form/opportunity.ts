/**
 * Handlers of the opportunity main form, each registered with "pass execution context as first
 * parameter" under PartnerCenterSync.Opportunity (names: ../model/schema.ts FORM_SCRIPT.handlers).
 *
 * - onLoad: lock the columns only the sync writes, reflect the sync state, set required levels while
 *   Sync with Partner Center is Yes, listen to the columns the rules show messages on, and show what
 *   would stop the sync.
 * - onSyncChange / onMicrosoftHelpChange (FormXml), and the OnChange this script adds to every column
 *   a rule shows its message on (wire): run the rulebook and show what to fix, on the column and on
 *   the form.
 * - onSave: while sync is Yes, check with fresh reads; a failing rule stops the save and says why.
 *   While sync is No, never get in the way. A read that fails never blocks a save: it warns.
 */
import { latestErrorMessage } from "../rulebook/audit";
import { DEFAULT_CONFIG, RulebookConfig } from "../rulebook/snapshot";
import { evaluate, Outcome, readRemote, Remote, resetConfig, valuesOf } from "./check";
import { ruleFields } from "./rulebook";
import { attribute, controlsOf, requiredColumns, value } from "./columns";
import { FetchError } from "./data";
import { clearAll, formNotice, Level, lockColumns, NOTICE, showRules } from "./notify";
import { newPage, page, SAVE_CHECK_TIMEOUT_MS, track } from "./state";
import { FORM_TEXT, text, userLanguage } from "./strings";
import {
  COUNTRY_VARIABLE,
  DEAL_VALUE_VARIABLE,
  HELP,
  LOCKED_COLUMNS,
  OPPORTUNITY_TABLE,
  SOLUTIONS_TABLE,
  STATUS_ERROR,
  STATUS_PENDING,
  SYNC,
  SYNC_AUDIT,
  SYNC_STATUS,
  VISIBILITY,
} from "./names";

const SAVE_AND_CLOSE = 2;
const SAVE_AND_NEW = 59;

const syncOn = (form: Xrm.FormContext): boolean => value(form, SYNC) === true;
const helpAsked = (form: Xrm.FormContext): boolean => value(form, HELP) !== null;

/** Required while sync is Yes; the form's own levels come back when sync is No. */
function applyRequired(form: Xrm.FormContext, config: RulebookConfig): void {
  const want = new Set(syncOn(form) ? requiredColumns(config, helpAsked(form)) : []);
  for (const [name, level] of [...page.originalRequired]) {
    if (!want.has(name)) {
      attribute(form, name)?.setRequiredLevel(level);
      page.originalRequired.delete(name);
    }
  }
  for (const name of want) {
    const att = attribute(form, name);
    if (!att) continue;
    if (!page.originalRequired.has(name)) page.originalRequired.set(name, att.getRequiredLevel());
    att.setRequiredLevel("required");
  }
}

/** The sync status as a form notification: the latest audit error, or that a sync is pending. */
function reflectSyncState(form: Xrm.FormContext): void {
  const status = value(form, SYNC_STATUS);
  let message: string | null = null;
  let level: Level = "INFO";
  if (syncOn(form) && status === STATUS_ERROR) {
    const error = latestErrorMessage(value(form, SYNC_AUDIT) as string | null);
    message = error !== undefined ? text(FORM_TEXT.formSyncError, { message: error }) : text(FORM_TEXT.formSyncErrorNoDetail);
    level = "WARNING";
  } else if (syncOn(form) && status === STATUS_PENDING) {
    message = text(FORM_TEXT.formSyncPending);
  }
  formNotice(form, NOTICE.syncState, message, level);
}

/** A read failure as the warning the seller sees (a misconfigured column is named as such). */
function readWarning(errors: readonly FetchError[], config: RulebookConfig = DEFAULT_CONFIG): string | null {
  if (errors.length === 0) return null;
  const configured: Array<[string, string, string]> = [
    ["account", COUNTRY_VARIABLE, config.customerCountryCodeField],
    [OPPORTUNITY_TABLE, DEAL_VALUE_VARIABLE, config.dealValueField],
  ];
  for (const e of errors) for (const [table, variable, field] of configured) if (e.what === table && e.detail.includes(field)) return text(FORM_TEXT.formConfigFieldInvalid, { variable, field, table });
  return text(FORM_TEXT.formCheckFailed, { detail: errors.map((e) => e.message).join("; ") });
}

/** The columns wire() gave an OnChange handler, so the next call can take it off those no longer named. */
let wired: string[] = [];

/**
 * Re-checks on a change of every column a rule shows its message on (the rule table's fields, the
 * deal value column as pcs_DealValueField names it): a control's error notification stops the save
 * before OnSave runs, so a fixed value must clear it at once. Added here rather than in the FormXml,
 * which cannot name a column chosen at run time. Safe to repeat (OnLoad may run again on the same form).
 */
function wire(form: Xrm.FormContext, config: RulebookConfig): void {
  for (const name of [...wired, ...(wired = ruleFields(config))]) attribute(form, name)?.removeOnChange(changed);
  for (const name of wired) attribute(form, name)?.addOnChange(changed);
}

/** Shows an outcome: rule failures at `level`, read warnings, the solutions hint for a new record. */
function render(form: Xrm.FormContext, outcome: Outcome, level: Level): void {
  const config = outcome.remote.config ?? DEFAULT_CONFIG;
  wire(form, config);
  applyRequired(form, config);
  if (!outcome.result.applies) {
    clearAll(form);
    return;
  }
  showRules(form, outcome.result, level);
  formNotice(form, NOTICE.checkFailed, readWarning(outcome.remote.errors, outcome.remote.config));
  const shared = value(form, VISIBILITY) === true || helpAsked(form);
  formNotice(form, NOTICE.solutionsAfterSave, outcome.isNew && shared ? text(FORM_TEXT.formSolutionsAfterSave) : null, "INFO");
}

/** Reads, validates and shows the outcome, unless a newer check started meanwhile. */
async function refresh(form: Xrm.FormContext): Promise<Outcome | undefined> {
  const generation = ++page.generation;
  const remote = await readRemote(form);
  if (generation !== page.generation) return undefined;
  page.remote = remote;
  const outcome = evaluate(form, remote, page.loadedValues, userLanguage());
  render(form, outcome, "WARNING");
  return outcome;
}

/** A change of a column the rules read: required levels, sync state, and the rules while sync is Yes. */
function changed(context: Xrm.Events.EventContext): void {
  const form = context.getFormContext();
  applyRequired(form, page.remote?.config ?? DEFAULT_CONFIG);
  reflectSyncState(form);
  if (!syncOn(form)) {
    ++page.generation;
    clearAll(form);
    return;
  }
  track(refresh(form));
}

const watchedGrids = new WeakSet<object>();

/** Re-checks when the Microsoft Solutions subgrid reloads (a solution added or removed). */
function watchSolutionsGrid(form: Xrm.FormContext): void {
  form.ui?.controls?.forEach((control) => {
    const grid = control as Xrm.Controls.GridControl;
    if (control.getControlType() !== "subgrid" || grid.getEntityName?.() !== SOLUTIONS_TABLE || watchedGrids.has(grid)) return;
    watchedGrids.add(grid);
    grid.addOnLoad(() => {
      if (syncOn(form)) track(refresh(form));
    });
  });
}

export function onLoad(context: Xrm.Events.EventContext): void {
  const form = context.getFormContext();
  newPage(valuesOf(form));
  resetConfig();
  // What only the sync writes, a visibility once Yes, and what Partner Center will not let change
  // (the rulebook's locks): all depend on the record as loaded only, so they are locked once, here.
  lockColumns(form, [
    { columns: value(form, VISIBILITY) === true ? [...LOCKED_COLUMNS, VISIBILITY] : LOCKED_COLUMNS },
    ...evaluate(form, { errors: [] }, page.loadedValues, userLanguage()).result.locks,
  ]);
  reflectSyncState(form);
  applyRequired(form, DEFAULT_CONFIG);
  wire(form, DEFAULT_CONFIG);
  watchSolutionsGrid(form);
  if (syncOn(form)) track(refresh(form));
}

// The FormXml's change handlers do the same as the ones wire() adds; each has its own name for the FormXml.
export { changed as onSyncChange, changed as onMicrosoftHelpChange };

function timedRead(form: Xrm.FormContext): Promise<Remote> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<Remote>((resolve) => {
    timer = setTimeout(
      () => resolve({ errors: [new FetchError("Partner Center rules", `no answer within ${SAVE_CHECK_TIMEOUT_MS / 1000} s`)] }),
      SAVE_CHECK_TIMEOUT_MS,
    );
  });
  return Promise.race([readRemote(form), timeout]).finally(() => clearTimeout(timer));
}

/** Checks with fresh reads, then saves again (and closes or opens a new form as asked) or says why not. */
async function checkThenSave(form: Xrm.FormContext, saveMode: number | undefined): Promise<void> {
  const generation = ++page.generation;
  let ok = true;
  try {
    const remote = await timedRead(form);
    page.remote = remote.config ? remote : { ...remote, config: page.remote?.config };
    const outcome = evaluate(form, remote, page.loadedValues, userLanguage());
    ok = outcome.result.ok;
    if (generation === page.generation) render(form, outcome, ok ? "WARNING" : "ERROR");
  } catch (error) {
    // the check itself failed: say so and let the save go ahead (the sync checks again)
    formNotice(form, NOTICE.checkFailed, text(FORM_TEXT.formCheckFailed, { detail: String(error) }));
  }
  if (!ok) {
    formNotice(form, NOTICE.saveBlocked, text(FORM_TEXT.formSaveBlocked), "ERROR");
    return;
  }
  page.resaving = true;
  try {
    await form.data.save();
  } catch {
    return; // the form shows why its save failed
  } finally {
    page.resaving = false;
  }
  if (saveMode === SAVE_AND_CLOSE) form.ui.close();
  else if (saveMode === SAVE_AND_NEW) Xrm.Navigation.openForm({ entityName: OPPORTUNITY_TABLE });
}

export function onSave(context: Xrm.Events.SaveEventContext): void {
  const form = context.getFormContext();
  if (page.resaving) return; // the save this script started after a passing check
  form.ui.clearFormNotification(NOTICE.saveBlocked);
  if (!syncOn(form)) {
    ++page.generation;
    clearAll(form);
    return;
  }
  const args = context.getEventArgs();
  const saveMode = args.getSaveMode?.();
  args.preventDefault();
  track(checkThenSave(form, saveMode));
}
