/**
 * Run history: an in-memory store of runs (newest first, capped) and a readable text rendering of
 * a run (trigger, every action with status, duration, inputs, outputs, error, retries, loop
 * iterations), used by the CLI, the HTTP route ?format=text and failing tests.
 */
import { toJsonText } from "../expression/values";
import { ActionRecord, RunRecord } from "./types";

export class RunStore {
  private readonly runs: RunRecord[] = [];
  constructor(private readonly max = 2000) {}

  add(run: RunRecord): void {
    this.runs.unshift(run);
    if (this.runs.length > this.max) this.runs.length = this.max;
  }
  get(id: string): RunRecord | undefined {
    return this.runs.find((r) => r.id === id);
  }
  list(filter: { workflowId?: string; status?: string; top?: number } = {}): RunRecord[] {
    let out = this.runs;
    if (filter.workflowId) out = out.filter((r) => r.workflowId === filter.workflowId);
    if (filter.status) out = out.filter((r) => r.status.toLowerCase() === filter.status!.toLowerCase());
    return out.slice(0, filter.top ?? out.length);
  }
  clear(): void {
    this.runs.length = 0;
  }
}

/** A run summary for list routes (no inputs or outputs). */
export function summarize(r: RunRecord) {
  return {
    id: r.id,
    workflowId: r.workflowId,
    workflowName: r.workflowName,
    status: r.status,
    startTime: r.startTime,
    endTime: r.endTime,
    durationMs: r.durationMs,
    trigger: r.trigger.name,
    error: r.error,
    parentRunId: r.parentRunId,
    requests: r.requests,
  };
}

const MARK: Record<string, string> = { Succeeded: "✔", Failed: "✖", Skipped: "○", TimedOut: "⏱", Cancelled: "⊘", Running: "…", Aborted: "✖", Waiting: "…" };

function brief(v: unknown, max: number): string {
  if (v === undefined) return "";
  const s = typeof v === "string" ? JSON.stringify(v) : toJsonText(v);
  return s.length > max ? s.slice(0, max - 1) + "…" : s;
}

export interface FormatOptions {
  /** Characters of inputs/outputs per line (default 300). */
  width?: number;
  /** Show inputs and outputs (default true). */
  data?: boolean;
}

export function formatRun(run: RunRecord, opts: FormatOptions = {}): string {
  const width = opts.width ?? 300;
  const data = opts.data ?? true;
  const lines: string[] = [];
  lines.push(
    `Run ${run.id} of '${run.workflowName}' (${run.workflowId}): ${MARK[run.status] ?? ""} ${run.status}${run.durationMs !== undefined ? ` in ${run.durationMs} ms` : ""}${run.requests !== undefined ? `, ${run.requests} request${run.requests === 1 ? "" : "s"}` : ""}`,
  );
  if (run.parentRunId) lines.push(`  called by run ${run.parentRunId}`);
  if (run.error) lines.push(`  error ${run.error.code}: ${run.error.message}`);
  const t = run.trigger;
  lines.push(`  trigger ${t.name} (${t.type}${t.kind ? "/" + t.kind : ""}) ${t.status}`);
  if (data) lines.push(`    outputs: ${brief(t.outputs, width)}`);
  if (run.response) lines.push(`  response ${run.response.statusCode}: ${brief(run.response.body, width)}`);
  const walk = (actions: Record<string, ActionRecord>, depth: number) => {
    for (const a of Object.values(actions)) {
      const pad = "  ".repeat(depth);
      const extra = [a.code && a.code !== a.status && a.code !== "OK" ? a.code : "", a.branch ? `branch ${a.branch}` : "", a.durationMs !== undefined ? `${a.durationMs} ms` : ""].filter(Boolean).join(", ");
      lines.push(`${pad}${MARK[a.status] ?? "?"} ${a.name} [${a.type}] ${a.status}${extra ? ` (${extra})` : ""}`);
      if (data && a.inputs !== undefined && a.status !== "Skipped") lines.push(`${pad}    inputs: ${brief(a.inputs, width)}`);
      if (data && a.outputs !== undefined) lines.push(`${pad}    outputs: ${brief(a.outputs, width)}`);
      if (a.error && a.status !== "Succeeded") lines.push(`${pad}    error ${a.error.code}: ${a.error.message}`);
      for (const r of a.retryHistory ?? []) {
        lines.push(`${pad}    retry after ${r.code}${r.statusCode ? ` ${r.statusCode}` : ""}: waited ${r.delayMs} ms (${r.delaySource})`);
      }
      if (a.actions) walk(a.actions, depth + 2);
      for (const it of a.iterations ?? []) {
        lines.push(`${pad}    iteration ${it.index} ${MARK[it.status] ?? ""} ${it.status}${it.item !== undefined && data ? ` item ${brief(it.item, 120)}` : ""}`);
        walk(it.actions, depth + 3);
      }
    }
  };
  walk(run.actions, 1);
  return lines.join("\n");
}

/** Flatten a run's actions (nested scopes and loop iterations) for assertions. */
export function flattenActions(run: RunRecord): ActionRecord[] {
  const out: ActionRecord[] = [];
  const walk = (actions: Record<string, ActionRecord>) => {
    for (const a of Object.values(actions)) {
      out.push(a);
      if (a.actions) walk(a.actions);
      for (const it of a.iterations ?? []) walk(it.actions);
    }
  };
  walk(run.actions);
  return out;
}
