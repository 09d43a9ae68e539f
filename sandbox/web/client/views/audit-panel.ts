/**
 * Under a record's form: its Audit lines (pcs_syncaudit, newest first) each with the flow run that
 * wrote it. A line ending in " | run <workflow>/<run>" (plugins-ts/src/rulebook/audit.ts) links to
 * that run's history; a line without one says so.
 */
import { parseAudit, type ParsedAuditLine } from "../../../../plugins-ts/src/rulebook/audit";
import { h } from "../dom";

const DIRECTION: Record<string, string> = { "CRM->PC": "CRM → Partner Center", "PC->CRM": "Partner Center → CRM" };

/** The run-history link of an audit entry's run field ("<workflow>/<run>"). */
export const runLink = (run: string): string => `#/runs/${encodeURIComponent(run.slice(run.indexOf("/") + 1))}`;

function item(line: ParsedAuditLine): HTMLElement {
  if (line.kind === "raw") return h("li", { class: "audit-line audit-raw" }, h("span", { class: "audit-msg" }, line.text));
  const when = new Date(line.timestamp);
  return h(
    "li",
    { class: `audit-line audit-${line.outcome.toLowerCase()}` },
    h("span", { class: "audit-outcome" }, line.outcome),
    " ",
    h("time", { dateTime: line.timestamp, title: line.timestamp }, when.toLocaleString("en-US", { dateStyle: "medium", timeStyle: "short" })),
    " · ",
    h("span", null, DIRECTION[line.direction] ?? line.direction),
    " · ",
    h("span", null, line.operation),
    h("span", { class: "audit-msg" }, line.message),
    line.run ? h("a", { href: runLink(line.run), class: "audit-run" }, "Open the flow run that wrote this") : h("span", { class: "audit-norun" }, "(no run recorded)"),
  );
}

export function auditPanel(): { element: HTMLElement; show(text: string | null): void } {
  const list = h("ol", { class: "audit-list" });
  const empty = h("p", null, "No Audit lines yet: the sync writes one for every outcome.");
  const element = h(
    "section",
    { class: "panel audit-panel", "aria-labelledby": "audit-panel-title" },
    h("h2", { id: "audit-panel-title" }, "Sync audit and flow runs"),
    h("p", { class: "hint" }, "The Audit column, newest first, with a link to the flow run that wrote each line (sandbox view)."),
    empty,
    list,
  );
  return {
    element,
    show(text) {
      const lines = parseAudit(text);
      empty.hidden = lines.length > 0;
      list.replaceChildren(...lines.map(item));
    },
  };
}
