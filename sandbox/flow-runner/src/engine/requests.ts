/**
 * Power Platform requests, counted as Microsoft counts them (MicrosoftDocs/power-platform
 * power-platform/admin/api-request-limits-allocations.md; power-automate-docs limits-and-config.md
 * "Action request limits"): the trigger that starts a run, every action that runs, built-in ones
 * included (Compose, variables, Scope, Condition, loops), succeeded or failed; skipped actions do
 * not count; each retry counts; each loop iteration counts its actions; pagination requests count.
 * A child flow's run counts its own trigger and actions; the parent counts its call action.
 *
 * Decisions (harsher readings, README "Assumptions"): a loop or scope action counts itself once
 * besides the actions it runs; a trigger whose conditions are false starts no run and costs nothing
 * (no run exists to count); a firing rejected by the waiting-run limit costs nothing. The runner
 * does not page connector results (paginationPolicy), so no pagination request is ever added.
 */
import type { ActionRecord, RunRecord } from "./types";

function actionRequests(actions: Record<string, ActionRecord>): number {
  let n = 0;
  for (const a of Object.values(actions)) {
    if (a.status === "Skipped") continue;
    n += 1 + (a.retryHistory?.length ?? 0);
    if (a.actions) n += actionRequests(a.actions);
    for (const it of a.iterations ?? []) n += actionRequests(it.actions);
  }
  return n;
}

/** Requests one run made: its trigger (when the run started) and every action that ran, retries included. */
export function countRequests(run: RunRecord): number {
  if (run.status === "Waiting") return 0;
  return 1 + actionRequests(run.actions);
}

/** Requests a set of runs made (e.g. every run one change caused, child runs included). */
export function totalRequests(runs: Iterable<RunRecord>): number {
  let n = 0;
  for (const r of runs) n += r.requests ?? countRequests(r);
  return n;
}
