/**
 * formContext for one record on one form, backed by the Web API: the columns the FormXml shows
 * (as XrmAttribute), its controls, form notifications, the events the FormXml wires (OnLoad,
 * OnSave, OnChange per column) and the save.
 *
 * Save, in the documented order (learn.microsoft.com/power-apps/developer/model-driven-apps/clientapi/reference/events/form-onsave,
 * …/controls/setnotification):
 *   1. validation: a required column that is empty, or a control showing an error notification
 *      ("Setting an error notification on a control will block the form from saving"), stops the
 *      save with a message at the top of the form. Assumed to happen before OnSave (the harsher
 *      reading: a script cannot clear its own stale notification in OnSave); sandbox/web/README.md.
 *   2. OnSave handlers, with SaveEventArguments; preventDefault() stops the save.
 *   3. the changed columns (submit mode dirty, or always) are written: a create, or an update with
 *      If-Match: * (so a row deleted meanwhile is not silently re-created).
 *   4. the record is read again; the form's data OnLoad handlers run with getDataLoadState() = 2.
 */
import type { FormBundle } from "../../src/assets";
import type { FieldControl, FormEventHandler, FormModel } from "../../src/form-model";
import { formCells } from "../../src/form-model";
import type { EntityMeta } from "../metadata";
import { XrmAttribute } from "./attribute";
import { ItemCollection } from "./collection";
import { type ControlKind, XrmControl, XrmGridControl } from "./control";
import { executionContext, LoadEventArguments, SAVE_MODE, SaveEventArguments } from "./events";
import { braced, defaultValue, fromRow, selectName, toPayload } from "./values";
import { webApi } from "./webapi";

export type Level = "ERROR" | "WARNING" | "INFO";

export interface FormHooks {
  /** Form notifications changed (the view re-renders the notification bar). */
  notificationsChanged(): void;
  /** The record was written (created: it had no id before). */
  saved(created: boolean): void;
  /** formContext.ui.close(). */
  close(): void;
  /** A handler threw or does not exist: shown like the client's "Script Error". */
  scriptError(message: string): void;
}

type Handler = (...args: unknown[]) => unknown;

/** The Web API failure, or a validation / cancelled save, as data.save() rejects with it. */
export interface SaveFailure {
  errorCode: number;
  message: string;
}

/** The function a FormXml handler names, e.g. PartnerCenterSync.Opportunity.onLoad, looked up on the page's global object. */
export function resolveHandler(functionName: string): Handler | undefined {
  let target: unknown = globalThis;
  for (const part of functionName.split(".")) {
    if (target === null || (typeof target !== "object" && typeof target !== "function")) return undefined;
    target = (target as Record<string, unknown>)[part];
  }
  return typeof target === "function" ? (target as Handler) : undefined;
}

/** A handler's "parameters" (a comma-separated list of literals), as values. */
export function handlerParameters(text: string): unknown[] {
  if (!text.trim()) return [];
  try {
    return JSON.parse(`[${text.replace(/'([^']*)'/g, (_m, s: string) => JSON.stringify(s))}]`) as unknown[];
  } catch {
    return [text];
  }
}

const isEmpty = (v: unknown): boolean => v === null || v === undefined || v === "" || (Array.isArray(v) && v.length === 0);

function kindOf(control: FieldControl, attribute: XrmAttribute | null, registeredAs: string | undefined): ControlKind {
  if (registeredAs) return `customcontrol:${registeredAs}`;
  const t = attribute?.getAttributeType();
  return t === "lookup" ? "lookup" : t === "optionset" ? "optionset" : "standard";
}

export class FormRuntime {
  readonly attributes = new Map<string, XrmAttribute>();
  readonly controlList: XrmControl[] = [];
  readonly formNotifications = new Map<string, { message: string; level: Level }>();
  readonly model: FormModel;
  id: string;
  /** The record's primary name as last read (also when the form does not show that column, e.g. a lead's fullname). */
  primaryValue: string;
  private readonly onSaveHandlers: Handler[] = [];
  private readonly onPostSaveHandlers: Handler[] = [];
  private readonly onLoadHandlers: Handler[] = [];
  private readonly dataLoadHandlers: Handler[] = [];
  private saveQueue: Promise<unknown> = Promise.resolve();
  /** The public formContext handed to scripts (a plain object with the documented members). */
  readonly context: Record<string, unknown>;

  constructor(
    readonly bundle: FormBundle,
    readonly meta: EntityMeta,
    row: Record<string, unknown> | null,
    private readonly hooks: FormHooks,
    private readonly globalContext: () => unknown,
  ) {
    this.model = bundle.form;
    this.id = row ? String(row[meta.primaryId] ?? "") : "";
    this.primaryValue = row ? String(row[meta.primaryName] ?? "") : "";
    const host = { fireChange: (a: XrmAttribute) => this.fireChange(a), entity: () => this.context.data && (this.context.data as { entity: unknown }).entity };
    for (const column of bundle.columns) {
      const a = meta.attributes.get(column);
      if (a) this.attributes.set(column, new XrmAttribute(host, a, row ? fromRow(a, row) : defaultValue(a)));
    }
    for (const cell of formCells(this.model)) {
      const c = cell.control;
      if (!c) continue;
      if (c.kind === "subgrid") {
        this.controlList.push(new XrmGridControl(c.id, cell.label, c.targetEntity, (handlers, source) => this.run(handlers, source, null)));
        continue;
      }
      const attribute = this.attributes.get(c.column) ?? null;
      const registeredAs = c.pcf ? bundle.controls[c.pcf.name]?.registeredAs : undefined;
      const control = new XrmControl(c.id, kindOf(c, attribute, registeredAs), attribute, cell.label || attribute?.meta.label || c.column, c.disabled);
      this.controlList.push(control);
      attribute?.controlList.push(control);
    }
    this.context = this.buildContext();
  }

  // ---- events ------------------------------------------------------------------------------------

  private handlers(name: string, attribute?: string): FormEventHandler[] {
    return this.model.events.filter((e) => e.name === name && (attribute === undefined || e.attribute === attribute)).flatMap((e) => e.handlers);
  }

  /** Runs FormXml handlers and programmatic ones with one execution context; a throw is a script error, the others still run. */
  private run(programmatic: Handler[], source: unknown, args: unknown, wired: FormEventHandler[] = []): void {
    const ctx = executionContext(this.context, source, args, this.globalContext);
    for (const h of wired) {
      if (!h.enabled) continue;
      const fn = resolveHandler(h.functionName);
      if (!fn) {
        this.hooks.scriptError(`${h.functionName} is not a function: the library ${h.libraryName} did not define it.`);
        continue;
      }
      this.call(() => fn(...(h.passExecutionContext ? [ctx] : []), ...handlerParameters(h.parameters)), h.functionName);
    }
    for (const fn of programmatic) this.call(() => fn(ctx), fn.name || "handler");
  }

  private call(work: () => unknown, name: string): void {
    try {
      const result = work();
      if (result && typeof (result as Promise<unknown>).then === "function") {
        (result as Promise<unknown>).catch((e: unknown) => this.hooks.scriptError(`${name}: ${(e as Error)?.message ?? e}`));
      }
    } catch (e) {
      this.hooks.scriptError(`${name}: ${(e as Error)?.message ?? e}`);
    }
  }

  fireChange(attribute: XrmAttribute): void {
    this.run(attribute.changeHandlers, attribute, null, this.handlers("onchange", attribute.getName()));
  }

  /** The form's OnLoad (FormXml onload handlers, then ui.addOnLoad ones). */
  runOnLoad(): void {
    this.run(this.onLoadHandlers, this.context.data, new LoadEventArguments(1), this.handlers("onload"));
  }

  // ---- notifications -----------------------------------------------------------------------------

  setFormNotification(message: string, level: Level, uniqueId: string): boolean {
    this.formNotifications.set(uniqueId, { message, level });
    this.hooks.notificationsChanged();
    return true;
  }

  clearFormNotification(uniqueId: string): boolean {
    const had = this.formNotifications.delete(uniqueId);
    if (had) this.hooks.notificationsChanged();
    return had;
  }

  // ---- data --------------------------------------------------------------------------------------

  /** The form's columns as a $select (lookups as _x_value). */
  private select(): string {
    return [...new Set([this.meta.primaryId, this.meta.primaryName, ...[...this.attributes.values()].map((a) => selectName(a.meta))])].join(",");
  }

  async readRow(): Promise<Record<string, unknown>> {
    const row = await webApi.retrieveRecord(this.meta.logicalName, this.id, `?$select=${this.select()}`);
    this.primaryValue = String(row[this.meta.primaryName] ?? "");
    return row;
  }

  /** Reads the record again; every column takes the saved value. Data OnLoad handlers run with `state`. */
  async reload(state: 2 | 3): Promise<void> {
    const row = await this.readRow();
    for (const a of this.attributes.values()) a.load(fromRow(a.meta, row));
    this.run(this.dataLoadHandlers, this.context.data, new LoadEventArguments(state));
  }

  /**
   * Takes what changed on the server into the columns the user has not edited (no handlers run):
   * how the page shows the sync writing back while the form stays open. Returns the changed columns.
   */
  async refreshClean(): Promise<string[]> {
    if (!this.id) return [];
    const row = await this.readRow();
    const changed: string[] = [];
    for (const a of this.attributes.values()) {
      if (a.getIsDirty()) continue;
      const before = a.getValue();
      a.load(fromRow(a.meta, row));
      if (before !== a.getValue()) changed.push(a.getName());
    }
    return changed;
  }

  isDirty(): boolean {
    return [...this.attributes.values()].some((a) => a.getIsDirty());
  }

  /** What stops a save before OnSave: empty required columns and controls showing an error. */
  validation(): string[] {
    const problems: string[] = [];
    for (const c of this.controlList) {
      const a = c.attribute;
      if (!a || !c.getVisible()) continue;
      if (a.getRequiredLevel() === "required" && isEmpty(a.getValue()) && !problems.some((p) => p.startsWith(`${c.getLabel()}:`))) {
        problems.push(`${c.getLabel()}: a value is required.`);
      }
      for (const n of c.notifications.values()) if (n.level === "ERROR") problems.push(`${c.getLabel()}: ${n.message}`);
    }
    return [...new Set(problems)];
  }

  /** formContext.data.save(): serialised, so a save a script starts waits for the one in progress. */
  save(saveMode: number = SAVE_MODE.save): Promise<void> {
    const run = this.saveQueue.then(() => this.saveNow(saveMode));
    this.saveQueue = run.catch(() => undefined);
    return run;
  }

  private async saveNow(saveMode: number): Promise<void> {
    this.clearFormNotification("web.save");
    const problems = this.validation();
    this.required.clear();
    for (const a of this.attributes.values()) if (a.getRequiredLevel() === "required" && isEmpty(a.getValue())) this.required.add(a.getName());
    for (const c of this.controlList) c.notify();
    if (problems.length) {
      this.setFormNotification(`Not saved. ${problems.join(" ")}`, "ERROR", "web.save");
      throw { errorCode: 0, message: problems.join(" ") } satisfies SaveFailure;
    }
    const args = new SaveEventArguments(saveMode);
    this.run(this.onSaveHandlers, (this.context.data as { entity: unknown }).entity, args, this.handlers("onsave"));
    if (args.isDefaultPrevented()) throw { errorCode: 0, message: "The save was cancelled by an OnSave handler." } satisfies SaveFailure;

    const payload: Record<string, unknown> = {};
    const creating = !this.id;
    for (const a of this.attributes.values()) {
      const mode = a.getSubmitMode();
      if (mode === "never" || !(a.getIsDirty() || mode === "always")) continue;
      if (creating ? !a.meta.validForCreate : !a.meta.validForUpdate) continue;
      Object.assign(payload, toPayload(this.meta, a.meta, a.getValue()));
    }
    try {
      if (creating) this.id = (await webApi.createRecord(this.meta.logicalName, payload)).id;
      else if (Object.keys(payload).length) await webApi.updateRecord(this.meta.logicalName, this.id, payload);
    } catch (e) {
      const f = e as SaveFailure;
      this.setFormNotification(`Not saved: ${f.message}`, "ERROR", "web.save");
      throw f;
    }
    for (const a of this.attributes.values()) a.markSaved();
    this.hooks.saved(creating);
    await this.reload(2);
    this.run(this.onPostSaveHandlers, (this.context.data as { entity: unknown }).entity, null);
  }

  /** Columns found empty though required at the last save attempt (the view marks them). */
  readonly required = new Set<string>();

  // ---- the public formContext ------------------------------------------------------------------

  private buildContext(): Record<string, unknown> {
    const attrs = new ItemCollection(() => [...this.attributes.values()]);
    const controls = new ItemCollection(() => this.controlList);
    const pick = <T extends { getName(): string }>(col: ItemCollection<T>) =>
      ((arg?: number | string | ((item: T, i: number) => boolean)) => (arg === undefined ? col.get() : col.get(arg as never))) as (arg?: unknown) => unknown;
    const entity = {
      getId: () => (this.id ? braced(this.id) : ""),
      getEntityName: () => this.meta.logicalName,
      getEntityReference: () => ({ id: this.id ? braced(this.id) : "", entityType: this.meta.logicalName, name: String(this.attributes.get(this.meta.primaryName)?.getValue() ?? "") }),
      getPrimaryAttributeValue: () => this.attributes.get(this.meta.primaryName)?.getValue() ?? null,
      getIsDirty: () => this.isDirty(),
      isValid: () => this.validation().length === 0,
      attributes: attrs,
      save: (mode?: string) => void this.save(mode === "saveandclose" ? SAVE_MODE.saveAndClose : mode === "saveandnew" ? SAVE_MODE.saveAndNew : SAVE_MODE.save).catch(() => undefined),
      addOnSave: (h: Handler) => void this.onSaveHandlers.push(h),
      removeOnSave: (h: Handler) => void this.onSaveHandlers.splice(this.onSaveHandlers.indexOf(h) >>> 0, 1),
      addOnPostSave: (h: Handler) => void this.onPostSaveHandlers.push(h),
    };
    const tabs = new ItemCollection(() =>
      this.model.tabs.map((t) => ({
        getName: () => t.name,
        getLabel: () => t.label,
        getVisible: () => true,
        getDisplayState: () => (t.expanded ? "expanded" : "collapsed"),
        setDisplayState: () => undefined,
        setVisible: () => undefined,
        setFocus: () => undefined,
        sections: new ItemCollection(() =>
          t.columns.flatMap((c) => c.sections).map((s) => ({ getName: () => s.name, getLabel: () => s.label, getVisible: () => true, setVisible: () => undefined })),
        ),
      })),
    );
    return {
      data: {
        entity,
        attributes: attrs,
        getIsDirty: () => this.isDirty(),
        isValid: () => this.validation().length === 0,
        save: (options?: { saveMode?: number }) => this.save(options?.saveMode ?? SAVE_MODE.save),
        refresh: async (save?: boolean) => {
          if (save) await this.save();
          else await this.reload(3);
        },
        addOnLoad: (h: Handler) => void this.dataLoadHandlers.push(h),
        removeOnLoad: (h: Handler) => void this.dataLoadHandlers.splice(this.dataLoadHandlers.indexOf(h) >>> 0, 1),
      },
      ui: {
        controls,
        tabs,
        setFormNotification: (message: string, level: Level, uniqueId: string) => this.setFormNotification(message, level, uniqueId),
        clearFormNotification: (uniqueId: string) => this.clearFormNotification(uniqueId),
        close: () => this.hooks.close(),
        getFormType: () => (this.id ? 2 : 1),
        refreshRibbon: () => undefined,
        addOnLoad: (h: Handler) => void this.onLoadHandlers.push(h),
        removeOnLoad: (h: Handler) => void this.onLoadHandlers.splice(this.onLoadHandlers.indexOf(h) >>> 0, 1),
        formSelector: { getCurrentItem: () => ({ getId: () => braced(this.model.formId), getLabel: () => this.model.name }) },
      },
      getAttribute: pick(attrs),
      getControl: pick(controls),
    };
  }
}
