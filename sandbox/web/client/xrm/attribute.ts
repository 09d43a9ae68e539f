/**
 * A column on the form (formContext.getAttribute): its value, whether it changed since the record
 * was read, its requirement level and submit mode, its OnChange handlers and, for choices, its
 * options (learn.microsoft.com/power-apps/developer/model-driven-apps/clientapi/reference/attributes).
 * setValue never fires OnChange (the documented behaviour); the control does it after a user edit,
 * and scripts call fireOnChange().
 */
import type { AttributeMeta, OptionMeta } from "../metadata";
import { ItemCollection } from "./collection";
import type { XrmControl } from "./control";
import { isDateOnly, sameValue } from "./values";

const XRM_TYPES: Record<string, Xrm.Attributes.AttributeType> = {
  String: "string",
  Memo: "memo",
  Integer: "integer",
  BigInt: "integer",
  Decimal: "decimal",
  Double: "double",
  Money: "money",
  Boolean: "boolean",
  DateTime: "datetime",
  Picklist: "optionset",
  State: "optionset",
  Status: "optionset",
  MultiSelectPicklist: "multiselectoptionset",
  Lookup: "lookup",
  Customer: "lookup",
  Owner: "lookup",
};

export interface AttributeHost {
  /** Runs the column's OnChange handlers (FormXml and addOnChange). */
  fireChange(attribute: XrmAttribute): void;
  entity(): unknown;
}

type Handler = (context: unknown) => void;

export class XrmAttribute {
  readonly controls = new ItemCollection<XrmControl>(() => this.controlList);
  readonly controlList: XrmControl[] = [];
  readonly changeHandlers: Handler[] = [];
  private value: unknown;
  private initial: unknown;
  private dirty = false;
  private required: Xrm.Attributes.RequirementLevel;
  private submitMode: Xrm.SubmitMode = "dirty";
  private valid = true;
  private listeners = new Set<() => void>();

  constructor(
    private readonly host: AttributeHost,
    readonly meta: AttributeMeta,
    value: unknown,
  ) {
    this.value = value;
    this.initial = value;
    this.required = meta.requiredLevel;
  }

  /** Called when the value, requirement level or validity changes (views re-render). */
  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
  private changed(): void {
    for (const fn of [...this.listeners]) fn();
  }

  getName(): string {
    return this.meta.logicalName;
  }
  getAttributeType(): Xrm.Attributes.AttributeType {
    return XRM_TYPES[this.meta.type] ?? "string";
  }
  getFormat(): string | null {
    if (this.meta.type === "DateTime") return isDateOnly(this.meta) ? "date" : "datetime";
    if (this.meta.type === "String" && this.meta.format) return this.meta.format.toLowerCase();
    return null;
  }
  getValue(): unknown {
    return this.value;
  }
  /** Sets the value as a script or a user edit does: the column becomes dirty; OnChange is not fired. */
  setValue(value: unknown): void {
    const v = value === undefined ? null : value;
    const same = sameValue(v, this.value);
    this.value = v;
    this.dirty = !sameValue(v, this.initial);
    if (!same) this.changed();
  }
  getInitialValue(): unknown {
    return this.initial;
  }
  getIsDirty(): boolean {
    return this.dirty;
  }
  getRequiredLevel(): Xrm.Attributes.RequirementLevel {
    return this.required;
  }
  setRequiredLevel(level: Xrm.Attributes.RequirementLevel): void {
    this.required = level;
    this.changed();
  }
  getSubmitMode(): Xrm.SubmitMode {
    return this.submitMode;
  }
  setSubmitMode(mode: Xrm.SubmitMode): void {
    this.submitMode = mode;
  }
  addOnChange(handler: Handler): void {
    this.changeHandlers.push(handler);
  }
  removeOnChange(handler: Handler): void {
    const i = this.changeHandlers.indexOf(handler);
    if (i >= 0) this.changeHandlers.splice(i, 1);
  }
  fireOnChange(): void {
    this.host.fireChange(this);
  }
  getParent(): unknown {
    return this.host.entity();
  }
  getUserPrivilege(): { canRead: boolean; canUpdate: boolean; canCreate: boolean } {
    return { canRead: true, canUpdate: this.meta.validForUpdate, canCreate: this.meta.validForCreate };
  }
  isValid(): boolean {
    return this.valid;
  }
  setIsValid(valid: boolean, message?: string): void {
    this.valid = valid;
    for (const c of this.controlList) {
      if (valid) c.clearNotification("isvalid");
      else c.setNotification(message ?? "The value is not valid.", "isvalid");
    }
  }

  // number and string columns
  getMax(): number | undefined {
    return this.meta.max;
  }
  getMin(): number | undefined {
    return this.meta.min;
  }
  getPrecision(): number | undefined {
    return this.meta.precision;
  }
  getMaxLength(): number | undefined {
    return this.meta.maxLength;
  }

  // choices and Yes/No
  getOptions(): Array<{ text: string; value: number }> {
    return (this.meta.options ?? []).map((o: OptionMeta) => ({ text: o.label, value: o.value }));
  }
  getOption(valueOrLabel: number | string): { text: string; value: number } | null {
    return this.getOptions().find((o) => o.value === valueOrLabel || o.text === valueOrLabel) ?? null;
  }
  getSelectedOption(): { text: string; value: number } | null {
    return this.value === null ? null : this.getOption(this.meta.type === "Boolean" ? Number(this.value) : (this.value as number));
  }
  getText(): string | null {
    return this.getSelectedOption()?.text ?? null;
  }

  /** The value read from the server: replaces the value and the initial value; the column is clean again. */
  load(value: unknown): void {
    const same = sameValue(value, this.value);
    this.value = value;
    this.initial = value;
    this.dirty = false;
    if (!same) this.changed();
  }
  /** After a save: what was sent is now the saved value. */
  markSaved(): void {
    this.initial = this.value;
    this.dirty = false;
  }
}
