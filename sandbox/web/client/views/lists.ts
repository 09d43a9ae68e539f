/**
 * The opportunity and lead lists: the newest rows first, with their Partner Center sync state, read
 * from the Web API and refreshed every few seconds while shown, so a referral Microsoft shares
 * appears without reloading.
 */
import { h } from "../dom";
import { getJson } from "../http";
import { entityMeta } from "../metadata";
import { ANNOTATIONS, API } from "../webapi-url";
import { cellText, selectName } from "../xrm/values";

export interface ListConfig {
  entity: string;
  title: string;
  /** Columns shown, the first one linking to the record. */
  columns: string[];
}

export const LISTS: Record<string, ListConfig> = {
  opportunities: { entity: "opportunity", title: "Opportunities", columns: ["name", "customerid", "estimatedvalue", "pcs_syncwithpartnercenter", "pcs_syncstatus", "pcs_referralstatus", "modifiedon"] },
  leads: { entity: "lead", title: "Leads", columns: ["subject", "fullname", "companyname", "pcs_syncwithpartnercenter", "pcs_syncstatus", "pcs_referralstatus", "modifiedon"] },
};

export const REFRESH_MS = 3000;

export async function listPage(main: HTMLElement, config: ListConfig): Promise<() => void> {
  const meta = await entityMeta(config.entity);
  const columns = config.columns.map((c) => meta.attributes.get(c)).filter((a) => !!a);
  const body = h("tbody");
  const count = h("p", { class: "list-count", role: "status" });
  const refreshButton = h("button", { type: "button", class: "btn" }, "Refresh");
  main.replaceChildren(
    h(
      "div",
      { class: "list-page" },
      h("div", { class: "commandbar", role: "toolbar", "aria-label": `${config.title} commands` }, h("a", { class: "btn btn-primary", href: `#/${config.entity}/new` }, `New ${meta.displayName}`), refreshButton),
      h("h1", null, config.title),
      h("table", { class: "list", "aria-label": config.title }, h("thead", null, h("tr", null, columns.map((a) => h("th", { scope: "col" }, a.label)))), body),
      count,
    ),
  );
  const select = [meta.primaryId, ...columns.map(selectName)].join(",");
  let timer: number | undefined;
  let stopped = false;
  async function refresh(): Promise<void> {
    window.clearTimeout(timer);
    try {
      const rows = (await getJson<{ value: Array<Record<string, unknown>> }>(`${API}${meta.entitySetName}?$select=${select}&$orderby=modifiedon desc&$top=100`, ANNOTATIONS)).value;
      if (stopped) return;
      body.replaceChildren(
        ...rows.map((row) =>
          h(
            "tr",
            null,
            columns.map((a, i) => {
              const text = cellText(a, row);
              return i === 0 ? h("th", { scope: "row" }, h("a", { href: `#/${config.entity}/${row[meta.primaryId]}` }, text || "(no name)")) : h("td", { dataset: { column: a.logicalName } }, text);
            }),
          ),
        ),
      );
      count.textContent = `${rows.length} ${rows.length === 1 ? "row" : "rows"}`;
    } catch (e) {
      count.textContent = `Could not read the list: ${(e as Error).message}`;
    }
    if (!stopped) timer = window.setTimeout(refresh, REFRESH_MS);
  }
  refreshButton.addEventListener("click", () => void refresh());
  await refresh();
  return () => {
    stopped = true;
    window.clearTimeout(timer);
  };
}
