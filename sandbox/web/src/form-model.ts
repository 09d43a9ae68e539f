/**
 * A main form's FormXml (a `<systemform>` of the packed customizations.xml) as the plain model the
 * page renders: header, tabs, columns, sections, cells and their controls, the form libraries and
 * event handlers exactly as listed, and for each cell bound to a PCF control (controlDescriptions)
 * the control's name and parameter bindings. Pure: XML in, JSON out; the page never parses XML.
 *
 * Element and attribute names follow the FormXml schema and real exports
 * (/work/shared/reference/dataverse-solution-format.md §3.5, learn.microsoft.com/power-apps/developer/model-driven-apps/form-xml-schema).
 */
import { attr, child, childText, elements, text, type XmlElement } from "../../../scripts/src/solution/xml";

/** The standard subgrid control (FormXml classid table, reference §3.5). */
export const SUBGRID_CLASSID = "e7a81278-8635-4d9e-8d4d-59480b391c5b";

/** Form factors of a customControl: 0 web, 1 tablet, 2 phone (reference §3.5; the page is the web client). */
export const WEB_FORM_FACTOR = "0";

export interface FormEventHandler {
  functionName: string;
  libraryName: string;
  enabled: boolean;
  passExecutionContext: boolean;
  /** The comma-separated parameter list as written in the FormXml ("" when none). */
  parameters: string;
}

export interface FormEvent {
  /** onload, onsave or onchange (FormXml event names, lower case). */
  name: string;
  /** The column an onchange event belongs to. */
  attribute?: string;
  handlers: FormEventHandler[];
}

export interface PcfBinding {
  /** The customControl name, e.g. pcs_PartnerCenterSync.SyncStatus. */
  name: string;
  /** Manifest property → bound column (`column`) or static value (`value`), with the declared type. */
  parameters: Record<string, { type: string; column?: string; value?: string }>;
}

export interface FieldControl {
  kind: "field";
  /** Control id (unique on the form; the header copy of a column is header_<column>). */
  id: string;
  classId: string;
  column: string;
  disabled: boolean;
  pcf?: PcfBinding;
}

export interface SubgridControl {
  kind: "subgrid";
  id: string;
  relationship: string;
  targetEntity: string;
  viewId: string;
  recordsPerPage: number;
}

export type FormControl = FieldControl | SubgridControl;

export interface FormCell {
  id: string;
  label: string;
  showLabel: boolean;
  control?: FormControl;
}

export interface FormSection {
  name: string;
  id: string;
  label: string;
  showLabel: boolean;
  cells: FormCell[];
}

export interface FormTab {
  name: string;
  id: string;
  label: string;
  showLabel: boolean;
  expanded: boolean;
  columns: Array<{ width: string; sections: FormSection[] }>;
}

export interface FormModel {
  /** Entity logical name (lower case). */
  entity: string;
  formId: string;
  name: string;
  header: FormCell[];
  tabs: FormTab[];
  /** Web resource names in load order. */
  libraries: string[];
  events: FormEvent[];
}

const normId = (id: string | undefined): string => (id ?? "").trim().replace(/^\{|\}$/g, "").toLowerCase();
const flag = (value: string | undefined, fallback: boolean): boolean => (value === undefined ? fallback : value.toLowerCase() === "true" || value === "1");

/** The 1033 label of an element's <labels> (the first one when there is no English label). */
function labelOf(e: XmlElement): string {
  const labels = child(e, "labels");
  const all = labels ? elements(labels, "label") : [];
  const en = all.find((l) => attr(l, "languagecode") === "1033") ?? all[0];
  return en ? (attr(en, "description") ?? "") : "";
}

function pcfBindings(form: XmlElement): Map<string, PcfBinding> {
  const out = new Map<string, PcfBinding>();
  const descriptions = child(form, "controlDescriptions");
  for (const d of descriptions ? elements(descriptions, "controlDescription") : []) {
    const custom = elements(d, "customControl").filter((c) => attr(c, "name"));
    const chosen = custom.find((c) => attr(c, "formFactor") === WEB_FORM_FACTOR) ?? custom[0];
    if (!chosen) continue;
    const parameters: PcfBinding["parameters"] = {};
    const params = child(chosen, "parameters");
    for (const p of params ? elements(params) : []) {
      const value = text(p).trim();
      parameters[p.name] = attr(p, "static") === "true" ? { type: attr(p, "type") ?? "", value } : { type: attr(p, "type") ?? "", column: value };
    }
    out.set(normId(attr(d, "forControl")), { name: attr(chosen, "name") ?? "", parameters });
  }
  return out;
}

function controlOf(c: XmlElement, bindings: Map<string, PcfBinding>): FormControl | undefined {
  const classId = normId(attr(c, "classid"));
  const id = attr(c, "id") ?? "";
  if (classId === SUBGRID_CLASSID) {
    const p = child(c, "parameters");
    const param = (name: string): string => (p ? (childText(p, name) ?? "") : "").trim();
    return {
      kind: "subgrid",
      id,
      relationship: param("RelationshipName"),
      targetEntity: param("TargetEntityType"),
      viewId: normId(param("ViewId")),
      recordsPerPage: Number(param("RecordsPerPage")) || 4,
    };
  }
  const column = attr(c, "datafieldname");
  if (!column) return undefined;
  const pcf = bindings.get(normId(attr(c, "uniqueid")));
  return { kind: "field", id, classId, column, disabled: flag(attr(c, "disabled"), false), ...(pcf ? { pcf } : {}) };
}

function cellsOf(rowsParent: XmlElement | undefined, bindings: Map<string, PcfBinding>): FormCell[] {
  const rows = rowsParent ? child(rowsParent, "rows") : undefined;
  const cells: FormCell[] = [];
  for (const row of rows ? elements(rows, "row") : []) {
    for (const cell of elements(row, "cell")) {
      const c = child(cell, "control");
      const control = c ? controlOf(c, bindings) : undefined;
      if (!control && !labelOf(cell)) continue; // spacer cells (the footer's empty ones)
      cells.push({ id: normId(attr(cell, "id")), label: labelOf(cell), showLabel: flag(attr(cell, "showlabel"), true), ...(control ? { control } : {}) });
    }
  }
  return cells;
}

/** The model of one `<systemform>` element of `entity` (logical name). */
export function formModel(entity: string, systemform: XmlElement): FormModel {
  const form = child(systemform, "form");
  if (!form) throw new Error(`The systemform ${childText(systemform, "formid") ?? "?"} of ${entity} has no <form> element.`);
  const bindings = pcfBindings(form);
  const tabsEl = child(form, "tabs");
  const tabs: FormTab[] = (tabsEl ? elements(tabsEl, "tab") : []).map((tab) => {
    const columnsEl = child(tab, "columns");
    return {
      name: attr(tab, "name") ?? "",
      id: normId(attr(tab, "id")),
      label: labelOf(tab),
      showLabel: flag(attr(tab, "showlabel"), true),
      expanded: flag(attr(tab, "expanded"), true),
      columns: (columnsEl ? elements(columnsEl, "column") : []).map((column) => {
        const sectionsEl = child(column, "sections");
        return {
          width: attr(column, "width") ?? "100%",
          sections: (sectionsEl ? elements(sectionsEl, "section") : []).map((s) => ({
            name: attr(s, "name") ?? "",
            id: normId(attr(s, "id")),
            label: labelOf(s),
            showLabel: flag(attr(s, "showlabel"), true),
            cells: cellsOf(s, bindings),
          })),
        };
      }),
    };
  });
  const libsEl = child(form, "formLibraries");
  const eventsEl = child(form, "events");
  const names = child(systemform, "LocalizedNames");
  const firstName = names ? elements(names, "LocalizedName")[0] : undefined;
  return {
    entity,
    formId: normId(childText(systemform, "formid")),
    name: firstName ? (attr(firstName, "description") ?? "") : "",
    header: cellsOf(child(form, "header"), bindings),
    tabs,
    libraries: (libsEl ? elements(libsEl, "Library") : []).map((l) => attr(l, "name") ?? "").filter(Boolean),
    events: (eventsEl ? elements(eventsEl, "event") : []).map((ev) => {
      const handlersEl = child(ev, "Handlers");
      const attribute = attr(ev, "attribute");
      return {
        name: (attr(ev, "name") ?? "").toLowerCase(),
        ...(attribute ? { attribute } : {}),
        handlers: (handlersEl ? elements(handlersEl, "Handler") : []).map((h) => ({
          functionName: attr(h, "functionName") ?? "",
          libraryName: attr(h, "libraryName") ?? "",
          enabled: flag(attr(h, "enabled"), true),
          passExecutionContext: flag(attr(h, "passExecutionContext"), false),
          parameters: attr(h, "parameters") ?? "",
        })),
      };
    }),
  };
}

/** Every cell of the form (header first), for looking columns up. */
export function formCells(model: FormModel): FormCell[] {
  return [...model.header, ...model.tabs.flatMap((t) => t.columns.flatMap((c) => c.sections.flatMap((s) => s.cells)))];
}

/** The columns the form shows (each once), including those PCF controls are bound to. */
export function formColumns(model: FormModel): string[] {
  const columns = new Set<string>();
  for (const cell of formCells(model)) {
    const c = cell.control;
    if (c?.kind !== "field") continue;
    columns.add(c.column);
    for (const p of Object.values(c.pcf?.parameters ?? {})) if (p.column) columns.add(p.column);
  }
  return [...columns];
}
