/**
 * A control on the form (formContext.getControl): label, visibility, disabled state and field
 * notifications; a subgrid adds its table, OnLoad handlers and refresh
 * (learn.microsoft.com/power-apps/developer/model-driven-apps/clientapi/reference/controls).
 * The views (../form/*) render from it and re-render when it says it changed.
 */
import type { XrmAttribute } from "./attribute";

export type ControlKind = "standard" | "lookup" | "optionset" | "subgrid" | `customcontrol:${string}`;

export interface Notification {
  uniqueId: string;
  message: string;
  level: "ERROR" | "RECOMMENDATION";
}

export class XrmControl {
  private disabled: boolean;
  private visible = true;
  private label: string;
  readonly notifications = new Map<string, Notification>();
  private listeners = new Set<() => void>();
  /** Set by the view: moves the keyboard focus to the control. */
  focus: () => void = () => undefined;

  constructor(
    readonly name: string,
    readonly kind: ControlKind,
    readonly attribute: XrmAttribute | null,
    label: string,
    disabled: boolean,
  ) {
    this.label = label;
    this.disabled = disabled;
  }

  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
  /** Tells the view to render the control again. */
  notify(): void {
    for (const fn of [...this.listeners]) fn();
  }
  protected changed(): void {
    this.notify();
  }

  getName(): string {
    return this.name;
  }
  getControlType(): string {
    return this.kind;
  }
  getAttribute(): XrmAttribute | null {
    return this.attribute;
  }
  getLabel(): string {
    return this.label;
  }
  setLabel(label: string): void {
    this.label = label;
    this.changed();
  }
  getVisible(): boolean {
    return this.visible;
  }
  setVisible(visible: boolean): void {
    this.visible = visible;
    this.changed();
  }
  getDisabled(): boolean {
    return this.disabled;
  }
  setDisabled(disabled: boolean): void {
    this.disabled = disabled;
    this.changed();
  }
  setFocus(): void {
    this.focus();
  }
  /** Shows a message under the control; a control with a notification stops the save (documented). */
  setNotification(message: string, uniqueId?: string): boolean {
    const id = uniqueId ?? "";
    this.notifications.set(id, { uniqueId: id, message, level: "ERROR" });
    this.changed();
    return true;
  }
  clearNotification(uniqueId?: string): boolean {
    const had = uniqueId === undefined ? this.notifications.size > 0 : this.notifications.has(uniqueId);
    if (uniqueId === undefined) this.notifications.clear();
    else this.notifications.delete(uniqueId);
    if (had) this.changed();
    return had;
  }
  addNotification(n: { messages: string[]; notificationLevel?: "ERROR" | "RECOMMENDATION"; uniqueId: string }): void {
    this.notifications.set(n.uniqueId, { uniqueId: n.uniqueId, message: n.messages.join(" "), level: n.notificationLevel ?? "ERROR" });
    this.changed();
  }

  // lookups: filters narrow the choices a user sees; the page lists every row, so they are accepted and ignored
  addPreSearch(): void {}
  removePreSearch(): void {}
  addCustomFilter(): void {}
  addCustomView(): void {}
  getEntityTypes(): string[] {
    return this.attribute?.meta.targets ?? [];
  }
}

/** A subgrid: rows of a related table; OnLoad fires each time it (re)loads its rows. */
export class XrmGridControl extends XrmControl {
  private loadHandlers: Array<(context: unknown) => void> = [];
  /** Set by the view: reads the rows again (and fires OnLoad). */
  reload: () => Promise<void> = async () => undefined;
  rows: Array<Record<string, unknown>> = [];

  constructor(
    name: string,
    label: string,
    private readonly entityName: string,
    /** Runs OnLoad handlers the way the form runs any handler (errors become script errors). */
    private readonly fire: (handlers: Array<(context: unknown) => void>, source: unknown) => void,
  ) {
    super(name, "subgrid", null, label, false);
  }
  getEntityName(): string {
    return this.entityName;
  }
  addOnLoad(handler: (context: unknown) => void): void {
    this.loadHandlers.push(handler);
  }
  removeOnLoad(handler: (context: unknown) => void): void {
    this.loadHandlers = this.loadHandlers.filter((h) => h !== handler);
  }
  refresh(): void {
    void this.reload();
  }
  getGrid(): { getTotalRecordCount(): number; getRows(): { getLength(): number; get(): unknown[] } } {
    const rows = this.rows;
    return { getTotalRecordCount: () => rows.length, getRows: () => ({ getLength: () => rows.length, get: () => rows.map((r) => ({ getData: () => ({ getEntity: () => r }) })) }) };
  }
  /** Called by the view after the rows are read. */
  loaded(rows: Array<Record<string, unknown>>): void {
    this.rows = rows;
    this.changed();
    this.fire([...this.loadHandlers], this);
  }
}
