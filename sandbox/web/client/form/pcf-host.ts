/**
 * Hosts a PCF control from the zip on the form, the way the model-driven runtime does
 * (learn.microsoft.com/power-apps/developer/component-framework/reference/control): the bundle is
 * loaded once and registers itself through ComponentFramework.registerControl; each instance gets
 * init(context, notifyOutputChanged, state, container) and then updateView(context) whenever a
 * bound column (or the control's state) changes, with context.updatedProperties naming what did;
 * destroy() when the form goes away. The context's parameters are the columns the FormXml's
 * controlDescription binds, as typed properties (raw, formatted, attributes); resources come from
 * the control's resx in the zip; webAPI, navigation and utils work against the sandbox.
 */
import type { ControlAsset } from "../../src/assets";
import type { PcfBinding } from "../../src/form-model";
import { h } from "../dom";
import type { XrmAttribute } from "../xrm/attribute";
import type { XrmControl } from "../xrm/control";
import { globalContext, LANGUAGE, timeZoneOffsetMinutes } from "../xrm/global";
import { webApi } from "../xrm/webapi";

interface StandardControl {
  init(context: unknown, notifyOutputChanged: () => void, state: Record<string, unknown>, container: HTMLDivElement): void;
  updateView(context: unknown): void;
  getOutputs?(): Record<string, unknown>;
  destroy(): void;
}
type ControlConstructor = new () => StandardControl;

const registry = new Map<string, ControlConstructor>();
const bundles = new Map<string, Promise<ControlConstructor>>();

function installRegistry(): void {
  const w = window as unknown as { ComponentFramework?: { registerControl(name: string, ctor: ControlConstructor): void } };
  w.ComponentFramework ??= { registerControl: (name, ctor) => void registry.set(name, ctor) };
}

/** Loads a control's css and bundle.js once; resolves with the constructor it registered. */
export function loadControl(asset: ControlAsset): Promise<ControlConstructor> {
  let p = bundles.get(asset.name);
  if (!p) {
    installRegistry();
    for (const href of asset.css) document.head.appendChild(h("link", { rel: "stylesheet", href }));
    p = new Promise<ControlConstructor>((resolve, reject) => {
      const script = h("script", { src: asset.bundle });
      script.onload = () => {
        const ctor = registry.get(asset.registeredAs);
        if (ctor) resolve(ctor);
        else reject(new Error(`${asset.bundle} did not register ${asset.registeredAs}.`));
      };
      script.onerror = () => reject(new Error(`${asset.bundle} could not be loaded.`));
      document.head.appendChild(script);
    });
    p.catch(() => bundles.delete(asset.name));
    bundles.set(asset.name, p);
  }
  return p;
}

/** The manifest's of-type as the value type PCF hands the control. */
function rawValue(ofType: string, a: XrmAttribute): unknown {
  const v = a.getValue();
  if (v === null || v === undefined) return ofType === "TwoOptions" ? false : null;
  if (ofType.startsWith("DateAndTime")) return v instanceof Date ? v : new Date(String(v));
  if (Array.isArray(v)) return v.map((l: Xrm.LookupValue) => ({ id: l.id.replace(/[{}]/g, ""), name: l.name, entityType: l.entityType }));
  return v;
}

const dateTimeFormat = new Intl.DateTimeFormat("en-US", { dateStyle: "short", timeStyle: "short" });

function formatted(a: XrmAttribute, raw: unknown): string | undefined {
  if (raw === null || raw === undefined) return undefined;
  if (a.getAttributeType() === "optionset" || a.getAttributeType() === "boolean") return a.getText() ?? undefined;
  if (raw instanceof Date) return a.getFormat() === "date" ? raw.toLocaleDateString("en-US") : dateTimeFormat.format(raw);
  if (Array.isArray(raw)) return (raw as Array<{ name: string }>).map((l) => l.name).join("; ");
  return String(raw);
}

const REQUIRED_LEVEL: Record<string, number> = { none: 0, required: 2, recommended: 3 };

function property(ofType: string, a: XrmAttribute, control: XrmControl): Record<string, unknown> {
  const raw = rawValue(ofType, a);
  return {
    raw,
    formatted: formatted(a, raw),
    type: ofType,
    error: false,
    errorMessage: "",
    security: { readable: true, editable: !control.getDisabled(), secured: false },
    attributes: {
      LogicalName: a.getName(),
      DisplayName: a.meta.label,
      Description: "",
      Type: ofType,
      RequiredLevel: REQUIRED_LEVEL[a.getRequiredLevel()] ?? 0,
      IsSecured: false,
      ...(a.meta.options ? { Options: a.meta.options.map((o) => ({ Label: o.label, Value: o.value, Color: "" })) } : {}),
      ...(a.meta.maxLength ? { MaxLength: a.meta.maxLength } : {}),
    },
  };
}

export class PcfHost {
  private instance: StandardControl | undefined;
  private updated = new Set<string>();
  private unsubscribe: Array<() => void> = [];
  private pending = false;

  constructor(
    private readonly asset: ControlAsset,
    private readonly binding: PcfBinding,
    private readonly control: XrmControl,
    private readonly columns: Map<string, XrmAttribute>,
    private readonly container: HTMLDivElement,
  ) {}

  async mount(): Promise<void> {
    const Ctor = await loadControl(this.asset);
    this.instance = new Ctor();
    for (const [name, p] of Object.entries(this.binding.parameters)) {
      const a = p.column ? this.columns.get(p.column) : undefined;
      if (a) this.unsubscribe.push(a.subscribe(() => this.schedule(name)));
    }
    this.unsubscribe.push(this.control.subscribe(() => this.schedule("mode")));
    this.instance.init(this.context(), () => this.outputsChanged(), {}, this.container);
    this.instance.updateView(this.context());
  }

  /** updateView once per turn, however many bound columns changed together. */
  private schedule(property: string): void {
    this.updated.add(property);
    if (this.pending) return;
    this.pending = true;
    queueMicrotask(() => {
      this.pending = false;
      if (!this.instance) return;
      const ctx = this.context();
      this.updated.clear();
      try {
        this.instance.updateView(ctx);
      } catch (e) {
        console.error(`PCF ${this.asset.name} updateView failed`, e);
      }
    });
  }

  /** getOutputs() written to the bound columns that are not read-only, then their OnChange (as the runtime does). */
  private outputsChanged(): void {
    const outputs = this.instance?.getOutputs?.() ?? {};
    for (const [name, value] of Object.entries(outputs)) {
      const column = this.binding.parameters[name]?.column;
      const a = column ? this.columns.get(column) : undefined;
      if (!a || this.control.getDisabled()) continue;
      a.setValue(value);
      a.fireOnChange();
    }
  }

  private context(): Record<string, unknown> {
    const parameters: Record<string, unknown> = {};
    for (const [name, p] of Object.entries(this.binding.parameters)) {
      const a = p.column ? this.columns.get(p.column) : undefined;
      const ofType = this.asset.properties[name]?.ofType ?? p.type;
      parameters[name] = a ? property(ofType, a, this.control) : { raw: p.value ?? null, formatted: p.value, type: ofType, error: false, errorMessage: "", attributes: {} };
    }
    const strings = this.asset.strings;
    const g = globalContext() as { userSettings: Record<string, unknown> };
    return {
      parameters,
      updatedProperties: [...this.updated],
      mode: {
        isControlDisabled: this.control.getDisabled(),
        isVisible: this.control.getVisible(),
        label: this.control.getLabel(),
        allocatedHeight: -1,
        allocatedWidth: this.container.clientWidth || -1,
        setControlState: () => true,
        setFullScreen: () => undefined,
        trackContainerResize: () => undefined,
      },
      client: { disableScroll: false, getClient: () => "Web", getFormFactor: () => 1, isOffline: () => false, isNetworkAvailable: () => true },
      userSettings: {
        ...g.userSettings,
        languageId: LANGUAGE,
        isRTL: false,
        dateFormattingInfo: {},
        numberFormattingInfo: {},
        getTimeZoneOffsetMinutes: (date?: Date) => timeZoneOffsetMinutes(date ?? new Date()),
      },
      resources: {
        getString: (id: string) => (Object.prototype.hasOwnProperty.call(strings, id) ? strings[id] : ""),
        getResource: (_id: string, _success: (data: string) => void, failure: () => void) => failure(),
      },
      webAPI: webApi,
      navigation: {
        openUrl: (url: string) => void window.open(url, "_blank", "noopener"),
        openForm: async (o: { entityName: string; entityId?: string }) => {
          location.hash = `#/${o.entityName}/${o.entityId ?? "new"}`;
          return {};
        },
        openAlertDialog: async () => ({}),
        openConfirmDialog: async () => ({ confirmed: false }),
        openErrorDialog: async () => ({}),
      },
      utils: { hasEntityPrivilege: () => true, getEntityMetadata: async () => ({}), lookupObjects: async () => [] },
      formatting: {
        formatDateShort: (d: Date) => d.toLocaleDateString("en-US"),
        formatDateLong: (d: Date) => d.toLocaleDateString("en-US", { dateStyle: "long" }),
        formatTime: (d: Date) => d.toLocaleTimeString("en-US", { timeStyle: "short" }),
        formatInteger: (n: number) => n.toLocaleString("en-US", { maximumFractionDigits: 0 }),
        formatDecimal: (n: number, precision?: number) => n.toLocaleString("en-US", { minimumFractionDigits: precision ?? 2, maximumFractionDigits: precision ?? 2 }),
        formatCurrency: (n: number, precision?: number, symbol?: string) => `${symbol ?? "$"}${n.toLocaleString("en-US", { minimumFractionDigits: precision ?? 2, maximumFractionDigits: precision ?? 2 })}`,
        getWeekOfYear: () => 0,
      },
      factory: { requestRender: () => this.schedule("requestRender"), getPopupService: () => ({}) },
      device: {},
    };
  }

  destroy(): void {
    for (const u of this.unsubscribe) u();
    this.unsubscribe = [];
    try {
      this.instance?.destroy();
    } finally {
      this.instance = undefined;
    }
  }
}
