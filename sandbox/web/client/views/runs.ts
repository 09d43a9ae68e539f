/**
 * Flow run history, read like Power Automate's: the recent runs (flow, status, start, duration),
 * and one run as its trigger and its steps in order, each with its status, duration, inputs,
 * outputs, error and retries; scopes, conditions and switches show the branch that ran with their
 * own steps inside; loops show each iteration. Failed steps start open. A child flow's run and the
 * run that called it link to each other.
 */
import { h } from "../dom";
import { getJson, HttpError } from "../http";

interface RunSummary {
  id: string;
  workflowId: string;
  workflowName: string;
  status: string;
  startTime: string;
  endTime?: string;
  durationMs?: number;
  trigger: string;
  error?: { code: string; message: string };
  parentRunId?: string;
}

interface ActionRecord {
  name: string;
  type: string;
  status: string;
  code?: string;
  startTime?: string;
  durationMs?: number;
  inputs?: unknown;
  outputs?: unknown;
  error?: { code: string; message: string };
  retryHistory?: Array<{ startTime: string; code: string; statusCode?: number; delayMs?: number; delaySource?: string; error?: { message: string } }>;
  branch?: string;
  actions?: Record<string, ActionRecord>;
  iterations?: Array<{ index: number; status: string; actions: Record<string, ActionRecord> }>;
}

interface RunRecord extends Omit<RunSummary, "trigger"> {
  trigger: { name: string; type: string; kind?: string; status: string; inputs?: unknown; outputs?: unknown };
  actions: Record<string, ActionRecord>;
  response?: { statusCode: number; body: unknown };
}

export const REFRESH_MS = 3000;
const MARK: Record<string, string> = { Succeeded: "✔", Failed: "✖", Skipped: "○", TimedOut: "⏱", Cancelled: "⊘", Aborted: "✖", Running: "…", Waiting: "…" };

const statusBadge = (status: string): HTMLElement => h("span", { class: `run-status run-${status.toLowerCase()}` }, h("span", { "aria-hidden": "true" }, MARK[status] ?? "•"), ` ${status}`);
const duration = (ms: number | undefined): string => (ms === undefined ? "" : ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`);
const when = (iso: string | undefined): string => (iso ? new Date(iso).toLocaleString("en-US", { dateStyle: "medium", timeStyle: "medium" }) : "");
/** Action names are identifiers with underscores; Power Automate shows them with spaces. */
const title = (name: string): string => name.replace(/_/g, " ");

export async function runsPage(main: HTMLElement): Promise<() => void> {
  const body = h("tbody");
  const count = h("p", { class: "list-count", role: "status" });
  const filter = h("select", { id: "run-filter" }, h("option", { value: "" }, "All runs"), h("option", { value: "Failed" }, "Failed"), h("option", { value: "Succeeded" }, "Succeeded"), h("option", { value: "Running" }, "Running"));
  let timer: number | undefined;
  let stopped = false;
  async function refresh(): Promise<void> {
    window.clearTimeout(timer);
    try {
      const runs = (await getJson<{ value: RunSummary[] }>(`/_runs?top=100${filter.value ? `&status=${filter.value}` : ""}`)).value;
      if (stopped) return;
      body.replaceChildren(
        ...runs.map((r) =>
          h(
            "tr",
            { dataset: { run: r.id } },
            h("th", { scope: "row" }, h("a", { href: `#/runs/${encodeURIComponent(r.id)}` }, r.workflowName)),
            h("td", null, statusBadge(r.status)),
            h("td", null, when(r.startTime)),
            h("td", null, duration(r.durationMs)),
            h("td", null, r.trigger),
            h("td", null, r.error?.message ?? ""),
          ),
        ),
      );
      count.textContent = `${runs.length} run${runs.length === 1 ? "" : "s"} (newest first)`;
    } catch (e) {
      count.textContent = `Could not read the run history: ${(e as Error).message}`;
    }
    if (!stopped) timer = window.setTimeout(refresh, REFRESH_MS);
  }
  filter.addEventListener("change", () => void refresh());
  main.replaceChildren(
    h(
      "div",
      { class: "list-page" },
      h("div", { class: "commandbar", role: "toolbar", "aria-label": "Run history commands" }, h("label", { for: "run-filter" }, "Show "), filter, h("button", { type: "button", class: "btn", on: { click: () => void refresh() } }, "Refresh")),
      h("h1", null, "Flow runs"),
      h("table", { class: "list", "aria-label": "Flow runs" }, h("thead", null, h("tr", null, ["Flow", "Status", "Started", "Duration", "Trigger", "Error"].map((t) => h("th", { scope: "col" }, t)))), body),
      count,
    ),
  );
  await refresh();
  return () => {
    stopped = true;
    window.clearTimeout(timer);
  };
}

function json(value: unknown): HTMLElement {
  return h("pre", { class: "json", tabIndex: 0 }, JSON.stringify(value, null, 2) ?? "");
}

function childRunId(outputs: unknown): string | undefined {
  const id = (outputs as { childRunId?: unknown } | null)?.childRunId;
  return typeof id === "string" ? id : undefined;
}

const FAILED = new Set(["Failed", "TimedOut", "Aborted"]);

/** A step that failed, or holds one that did (so the path to every failure starts open). */
function holdsFailure(a: ActionRecord): boolean {
  return FAILED.has(a.status) || Object.values(a.actions ?? {}).some(holdsFailure) || (a.iterations ?? []).some((it) => FAILED.has(it.status) || Object.values(it.actions).some(holdsFailure));
}

function actionView(a: ActionRecord): HTMLElement {
  const failed = holdsFailure(a);
  const nested = a.actions ? Object.values(a.actions) : [];
  const child = childRunId(a.outputs);
  const details = h(
    "details",
    { class: `step step-${a.status.toLowerCase()}`, dataset: { action: a.name }, open: failed },
    h("summary", null, statusBadge(a.status), " ", h("span", { class: "step-name" }, title(a.name)), h("span", { class: "step-meta" }, ` ${a.type}${a.branch ? ` · branch: ${a.branch}` : ""} · ${duration(a.durationMs)}`)),
    h(
      "div",
      { class: "step-body" },
      a.error ? h("p", { class: "step-error", role: "note" }, `${a.error.code}: ${a.error.message}`) : null,
      child ? h("p", null, h("a", { href: `#/runs/${encodeURIComponent(child)}` }, "Open the child flow's run")) : null,
      a.inputs !== undefined ? h("div", null, h("h4", null, "Inputs"), json(a.inputs)) : null,
      a.outputs !== undefined ? h("div", null, h("h4", null, "Outputs"), json(a.outputs)) : null,
      a.retryHistory?.length
        ? h(
            "div",
            null,
            h("h4", null, "Retries"),
            h(
              "ol",
              null,
              a.retryHistory.map((r) => h("li", null, `${when(r.startTime)} · ${r.code}${r.statusCode ? ` (${r.statusCode})` : ""}${r.error ? ` · ${r.error.message}` : ""}${r.delayMs !== undefined ? ` · waited ${duration(r.delayMs)} (${r.delaySource ?? "policy"})` : ""}`)),
            ),
          )
        : null,
      nested.length ? h("div", { class: "step-children" }, nested.map(actionView)) : null,
      a.iterations?.length
        ? h(
            "div",
            { class: "step-children" },
            a.iterations.map((it) =>
              h("details", { class: `step step-${it.status.toLowerCase()}`, open: FAILED.has(it.status) || Object.values(it.actions).some(holdsFailure) }, h("summary", null, statusBadge(it.status), ` Iteration ${it.index + 1} of ${a.iterations!.length}`), h("div", { class: "step-children" }, Object.values(it.actions).map(actionView))),
            ),
          )
        : null,
    ),
  );
  return details;
}

export async function runPage(main: HTMLElement, runId: string): Promise<() => void> {
  let run: RunRecord;
  try {
    run = await getJson<RunRecord>(`/_runs/${encodeURIComponent(runId)}`);
  } catch (e) {
    main.replaceChildren(h("div", { class: "list-page" }, h("h1", null, "Run not found"), h("p", null, e instanceof HttpError && e.status === 404 ? `The flow runner has no run ${runId} (run history starts empty at each npm start).` : (e as Error).message), h("a", { href: "#/runs" }, "All runs")));
    return () => undefined;
  }
  // in the order they ran; steps that never started (Skipped) after them, in definition order
  const all = Object.values(run.actions);
  const actions = [...all.filter((a) => a.startTime).sort((a, b) => a.startTime!.localeCompare(b.startTime!)), ...all.filter((a) => !a.startTime)];
  main.replaceChildren(
    h(
      "div",
      { class: "run-page", dataset: { run: run.id } },
      h("div", { class: "commandbar" }, h("a", { href: "#/runs", class: "btn btn-link" }, "← All runs")),
      h("h1", null, run.workflowName),
      h("p", { class: "run-summary" }, statusBadge(run.status), ` · run ${run.id} · started ${when(run.startTime)} · ${duration(run.durationMs)}`),
      run.parentRunId ? h("p", null, h("a", { href: `#/runs/${encodeURIComponent(run.parentRunId)}` }, "Open the run that called this flow")) : null,
      run.error ? h("p", { class: "step-error", role: "note" }, `${run.error.code}: ${run.error.message}`) : null,
      h(
        "details",
        { class: "step step-trigger", open: run.trigger.status === "Failed" },
        h("summary", null, statusBadge(run.trigger.status), " ", h("span", { class: "step-name" }, `Trigger: ${title(run.trigger.name)}`), h("span", { class: "step-meta" }, ` ${run.trigger.type}${run.trigger.kind ? `/${run.trigger.kind}` : ""}`)),
        h("div", { class: "step-body" }, run.trigger.inputs !== undefined ? h("div", null, h("h4", null, "Inputs"), json(run.trigger.inputs)) : null, h("div", null, h("h4", null, "Outputs"), json(run.trigger.outputs))),
      ),
      h("div", { class: "steps" }, actions.map(actionView)),
      run.response ? h("div", { class: "panel" }, h("h2", null, `Response ${run.response.statusCode}`), json(run.response.body)) : null,
    ),
  );
  return () => undefined;
}
