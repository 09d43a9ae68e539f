/**
 * A subgrid (FormXml classid E7A81278…): the related rows of the record through the FormXml's
 * relationship, with the view's columns and order from the zip's saved query. "Add" links a row of
 * the table the view's other lookup points to (for Microsoft Solutions: a Microsoft Solution
 * Details row), "Remove" deletes the link row; either reloads the grid, which fires its OnLoad
 * handlers (where the form script re-checks the rules).
 */
import type { ViewAsset } from "../../src/assets";
import type { SubgridControl } from "../../src/form-model";
import { h } from "../dom";
import { getJson } from "../http";
import { type EntityMeta, isLookup } from "../metadata";
import { ANNOTATIONS, API } from "../webapi-url";
import type { XrmGridControl } from "../xrm/control";
import { cellText, FORMATTED, selectName } from "../xrm/values";
import { webApi } from "../xrm/webapi";

export interface SubgridDeps {
  control: XrmGridControl;
  model: SubgridControl;
  view: ViewAsset | undefined;
  parent: EntityMeta;
  child: EntityMeta;
  /** The metadata of the table Add picks from (the view's other lookup), when there is one. */
  pick: { column: string; table: EntityMeta } | undefined;
  /** The parent record's id ("" while it is new). */
  parentId: () => string;
  announce(text: string): void;
}

export function pickColumn(view: ViewAsset | undefined, child: EntityMeta, referencing: string): string | undefined {
  return view?.columns.map((c) => child.attributes.get(c.name)).find((a) => isLookup(a) && a!.logicalName !== referencing)?.logicalName;
}

export function renderSubgrid(d: SubgridDeps): HTMLElement {
  const rel = d.parent.oneToMany.get(d.model.relationship);
  const referencing = rel?.referencingAttribute ?? "";
  const columns = (d.view?.columns ?? [{ name: d.child.primaryName, width: 200 }]).map((c) => d.child.attributes.get(c.name)).filter((a) => !!a);
  const body = h("tbody");
  const status = h("p", { class: "grid-status" });
  const picker = h("select", { "aria-label": `${d.pick?.table.displayName ?? "Row"} to add to ${d.control.getLabel()}` });
  const addButton = h("button", { type: "button", class: "btn" }, `Add ${d.child.displayName}`);
  const table = h(
    "table",
    { class: "grid", "aria-label": d.control.getLabel() },
    h("thead", null, h("tr", null, columns.map((a) => h("th", { scope: "col" }, a.label)), h("th", { scope: "col" }, h("span", { class: "visually-hidden" }, "Actions")))),
    body,
  );

  async function read(): Promise<Array<Record<string, unknown>>> {
    const select = [d.child.primaryId, ...columns.map(selectName)].join(",");
    const filters = [`_${referencing}_value eq ${d.parentId()}`];
    for (const c of d.view?.conditions ?? []) if (c.operator === "eq" && /^\d+$/.test(c.value)) filters.push(`${c.attribute} eq ${c.value}`);
    const url = `${API}${d.child.entitySetName}?$select=${select}&$filter=${encodeURIComponent(filters.join(" and "))}`;
    const rows = (await getJson<{ value: Array<Record<string, unknown>> }>(url, ANNOTATIONS)).value;
    const order = d.view?.order[0];
    const a = order ? d.child.attributes.get(order.attribute) : undefined;
    if (a) {
      const key = (r: Record<string, unknown>): string => String(r[selectName(a) + FORMATTED] ?? r[selectName(a)] ?? "");
      rows.sort((x, y) => key(x).localeCompare(key(y)) * (order!.descending ? -1 : 1));
    }
    return rows;
  }

  const cell = (a: (typeof columns)[number], row: Record<string, unknown>): string => cellText(a, row);

  async function reload(): Promise<void> {
    if (!d.parentId()) {
      body.replaceChildren();
      status.textContent = `Save the record to add ${d.control.getLabel()}.`;
      addButton.disabled = true;
      picker.disabled = true;
      d.control.loaded([]);
      return;
    }
    addButton.disabled = false;
    picker.disabled = false;
    const rows = await read();
    body.replaceChildren(
      ...rows.map((row) =>
        h(
          "tr",
          null,
          columns.map((a) => h("td", null, cell(a, row))),
          h(
            "td",
            null,
            h(
              "button",
              {
                type: "button",
                class: "btn btn-small",
                "aria-label": `Remove ${cell(columns[0], row)}`,
                on: {
                  click: async () => {
                    await webApi.deleteRecord(d.child.logicalName, String(row[d.child.primaryId]));
                    d.announce(`Removed ${cell(columns[0], row)}.`);
                    await reload();
                  },
                },
              },
              "Remove",
            ),
          ),
        ),
      ),
    );
    status.textContent = rows.length ? `${rows.length} row${rows.length === 1 ? "" : "s"}` : "No rows yet.";
    d.control.loaded(rows);
  }

  async function fillPicker(): Promise<void> {
    if (!d.pick) return;
    const t = d.pick.table;
    const rows = (await getJson<{ value: Array<Record<string, unknown>> }>(`${API}${t.entitySetName}?$select=${t.primaryId},${t.primaryName}&$orderby=${t.primaryName}&$top=200`)).value;
    picker.replaceChildren(...rows.map((r) => h("option", { value: String(r[t.primaryId]) }, String(r[t.primaryName] ?? ""))));
  }

  addButton.addEventListener("click", async () => {
    if (!d.pick || !picker.value) return;
    const t = d.pick.table;
    const name = picker.selectedOptions[0]?.textContent ?? "";
    const bind = (column: string, table: EntityMeta, id: string): Record<string, string> => {
      const nav = d.child.navigation.get(`${column}|${table.logicalName}`);
      if (!nav) throw new Error(`${d.child.logicalName}.${column} has no navigation property to ${table.logicalName}.`);
      return { [`${nav}@odata.bind`]: `/${table.entitySetName}(${id})` };
    };
    await webApi.createRecord(d.child.logicalName, {
      [d.child.primaryName]: name,
      ...bind(referencing, d.parent, d.parentId()),
      ...bind(d.pick.column, t, picker.value),
    });
    d.announce(`Added ${name}.`);
    await reload();
  });

  d.control.reload = reload;
  void fillPicker();
  return h(
    "div",
    { class: "subgrid", dataset: { control: d.model.id } },
    d.pick ? h("div", { class: "grid-tools" }, picker, addButton) : null,
    table,
    status,
  );
}
