/**
 * The form as the FormXml lays it out: header fields, a tab list (one tab shown at a time, as in
 * the client), each tab's columns at their FormXml widths, sections with their labels, and in each
 * cell the label and its control: a standard input (./inputs.ts), a PCF control (./pcf-host.ts)
 * or a subgrid (./subgrid.ts). Labels come from the FormXml cell, else the column's display name.
 */
import type { FormCell, FormTab } from "../../src/form-model";
import { h, uid } from "../dom";
import type { EntityMeta } from "../metadata";
import type { XrmControl, XrmGridControl } from "../xrm/control";
import type { FormRuntime } from "../xrm/form";
import { fieldInput, type LookupChoices } from "./inputs";
import { PcfHost } from "./pcf-host";
import { pickColumn, renderSubgrid } from "./subgrid";

export interface RenderDeps {
  form: FormRuntime;
  metas: Map<string, EntityMeta>;
  choices: LookupChoices;
  announce(text: string): void;
}

export interface RenderedForm {
  header: HTMLElement;
  body: HTMLElement;
  pcf: PcfHost[];
  grids: XrmGridControl[];
  /** Shows the tab that holds a control (for "go to the field" links). */
  showControl(name: string): void;
}

const isEmpty = (v: unknown): boolean => v === null || v === undefined || v === "" || (Array.isArray(v) && v.length === 0);

function fieldCell(cell: FormCell, control: XrmControl, deps: RenderDeps, out: RenderedForm, compact: boolean): HTMLElement {
  const c = cell.control!;
  const inputId = uid(`ctl-${control.getName()}`);
  const messagesId = uid("msg");
  const label = h("label", { for: inputId, class: "field-label" });
  const marker = h("span", { class: "req", "aria-hidden": "true" });
  const messages = h("div", { id: messagesId, class: "field-messages" });
  const a = control.attribute;
  let slot: HTMLElement;
  let sync = (): void => undefined;
  if (c.kind === "field" && c.pcf && deps.form.bundle.controls[c.pcf.name]) {
    const container = h("div", { class: "pcf-host", id: inputId, dataset: { pcf: c.pcf.name } }) as HTMLDivElement;
    slot = container;
    label.removeAttribute("for");
    label.id = uid("lbl");
    container.setAttribute("role", "group");
    container.setAttribute("aria-labelledby", label.id);
    out.pcf.push(new PcfHost(deps.form.bundle.controls[c.pcf.name], c.pcf, control, deps.form.attributes, container));
  } else if (a) {
    const input = fieldInput(control, a, inputId, messagesId, deps.choices);
    slot = input.element;
    control.focus = () => input.focusable.focus();
    sync = () => input.sync();
  } else {
    slot = h("span", { class: "field-missing" }, `(${c.kind === "field" ? c.column : ""} is not a column of this table)`);
  }
  const row = h("div", { class: compact ? "field field-compact" : "field", dataset: { control: control.getName() } }, h("div", { class: "field-label-wrap" }, label, marker), h("div", { class: "field-input" }, slot, messages));
  const render = (): void => {
    label.textContent = control.getLabel();
    const level = a?.getRequiredLevel();
    marker.textContent = level === "required" ? "*" : level === "recommended" ? "+" : "";
    marker.title = level === "required" ? "Required" : level === "recommended" ? "Business recommended" : "";
    const input = slot.matches("input, select, textarea") ? slot : slot.querySelector("input, select, textarea");
    input?.setAttribute("aria-required", String(level === "required"));
    row.hidden = !control.getVisible();
    const notes = [...control.notifications.values()].map((n) => n.message);
    if (a && deps.form.required.has(a.getName()) && level === "required" && isEmpty(a.getValue())) notes.push("Required fields must be filled in.");
    messages.replaceChildren(...notes.map((m) => h("p", { class: "field-error" }, h("span", { class: "icon", "aria-hidden": "true" }, "✖"), m)));
    input?.setAttribute("aria-invalid", String(notes.length > 0));
    sync();
  };
  control.subscribe(render);
  a?.subscribe(render);
  render();
  return row;
}

function cellView(cell: FormCell, deps: RenderDeps, out: RenderedForm, compact = false): HTMLElement | null {
  const c = cell.control;
  if (!c) return null;
  const control = deps.form.controlList.find((x) => x.getName() === c.id);
  if (!control) return null;
  if (c.kind === "subgrid") {
    const grid = control as XrmGridControl;
    const parent = deps.form.meta;
    const child = deps.metas.get(c.targetEntity);
    if (!child) return h("p", { class: "field-missing" }, `The table ${c.targetEntity} is not in the environment.`);
    const view = deps.form.bundle.views[c.viewId];
    const referencing = parent.oneToMany.get(c.relationship)?.referencingAttribute ?? "";
    const column = pickColumn(view, child, referencing);
    const target = column ? child.attributes.get(column)?.targets?.[0] : undefined;
    const table = target ? deps.metas.get(target) : undefined;
    out.grids.push(grid);
    return h(
      "div",
      { class: "field field-grid" },
      cell.showLabel ? h("h4", { class: "grid-title" }, cell.label) : null,
      renderSubgrid({ control: grid, model: c, view, parent, child, pick: column && table ? { column, table } : undefined, parentId: () => deps.form.id, announce: deps.announce }),
    );
  }
  return fieldCell(cell, control, deps, out, compact);
}

function tabView(tab: FormTab, deps: RenderDeps, out: RenderedForm): HTMLElement {
  const columns = tab.columns.map((col) =>
    h(
      "div",
      { class: "form-column", style: `flex: ${parseFloat(col.width) || 100} 1 0` },
      col.sections.map((s) =>
        h(
          "section",
          { class: "form-section", "aria-label": s.label || s.name, dataset: { section: s.name } },
          s.showLabel ? h("h3", null, s.label) : null,
          s.cells.map((cell) => cellView(cell, deps, out)),
        ),
      ),
    ),
  );
  return h("div", { class: "form-columns" }, columns);
}

export function renderForm(deps: RenderDeps): RenderedForm {
  const out: RenderedForm = { header: h("div"), body: h("div"), pcf: [], grids: [], showControl: () => undefined };
  const model = deps.form.model;
  out.header = h("div", { class: "form-header-fields" }, model.header.map((cell) => cellView(cell, deps, out, true)));
  const tabButtons: HTMLButtonElement[] = [];
  const panels: HTMLElement[] = [];
  const select = (i: number, focus = false): void => {
    tabButtons.forEach((b, j) => {
      b.setAttribute("aria-selected", String(i === j));
      b.tabIndex = i === j ? 0 : -1;
      panels[j].hidden = i !== j;
    });
    if (focus) tabButtons[i].focus();
  };
  model.tabs.forEach((tab, i) => {
    const tabId = uid("tab");
    const panelId = uid("panel");
    const button = h("button", { type: "button", role: "tab", id: tabId, "aria-controls": panelId, class: "tab", dataset: { tab: tab.name } }, tab.label || tab.name) as HTMLButtonElement;
    button.addEventListener("click", () => select(i));
    button.addEventListener("keydown", (e) => {
      const moves: Record<string, number> = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: model.tabs.length - 1 };
      const next = moves[(e as KeyboardEvent).key];
      if (next === undefined) return;
      e.preventDefault();
      select((next + model.tabs.length) % model.tabs.length, true);
    });
    tabButtons.push(button);
    panels.push(h("div", { role: "tabpanel", id: panelId, "aria-labelledby": tabId, class: "tab-panel", dataset: { tab: tab.name } }, tabView(tab, deps, out)));
  });
  out.body = h("div", { class: "form-body" }, h("div", { role: "tablist", "aria-label": "Form tabs", class: "tabs" }, tabButtons), panels);
  select(0);
  out.showControl = (name) => {
    const i = panels.findIndex((p) => p.querySelector(`[data-control="${CSS.escape(name)}"]`));
    if (i >= 0) select(i);
  };
  return out;
}
