/**
 * What `npm start` prints while it runs: one line per sync run (every run a trigger started: a
 * Dataverse row change, a Partner Center event, the hourly recovery, a manual run), one per failed
 * child-flow run, and one per error a service reports (an emulator's 500). Each line names the flow,
 * the record and the outcome; nothing secret: a callback URL's sig and bearer tokens are cut out.
 *
 *   10:42:07 ✔ Dynamics 365 Opportunity to Partner Center · opportunity 5f1c…9a2e · Succeeded in 84 ms
 *   10:42:09 ✖ Partner Center to Dynamics 365 - Helper · referral 7d2e…01bc · Failed: ActionFailed: … (history: http://127.0.0.1:7103/runs/0858…/?format=text)
 *   10:42:11 ✖ Dataverse emulator: internal error on POST opportunities: …
 */
import type { RunRecord } from "../../../sandbox/flow-runner/src";

/** Cut secrets out of a line: callback-URL signatures and bearer tokens. */
export function redact(text: string): string {
  return text.replace(/([?&]sig=)[^&\s"'<>]+/gi, "$1…").replace(/(Bearer\s+)[A-Za-z0-9._~+/=-]+/gi, "$1…");
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** The record a run is about, from what its trigger received. */
export function runRecord(run: RunRecord): string {
  const t = run.trigger;
  const body: unknown = isObject(t.outputs) ? t.outputs.body : undefined;
  if (t.type === "Recurrence") return "schedule";
  if (isObject(body)) {
    // Dataverse row trigger: the row (ItemInternalId) of the table the subscription names
    if (typeof body.ItemInternalId === "string") {
      const params = isObject(t.inputs) && isObject(t.inputs.parameters) ? t.inputs.parameters : isObject(t.inputs) ? t.inputs : {};
      const table = params["subscriptionRequest/entityname"];
      return `${typeof table === "string" ? table : "row"} ${body.ItemInternalId}`;
    }
    // Partner Center webhook: the referral its ResourceUri names
    if (typeof body.ResourceUri === "string") {
      const id = body.ResourceUri.split("/").filter(Boolean).pop() ?? "";
      return `${typeof body.EventName === "string" ? `${body.EventName} ` : ""}referral ${id}`;
    }
    // a child flow or manual run: its first GUID input
    for (const v of Object.values(body)) if (typeof v === "string" && GUID.test(v)) return v;
  }
  return "-";
}

const clock = (iso: string | undefined): string => (iso ? iso.slice(11, 19) : new Date().toISOString().slice(11, 19));

/** One console line for a finished run. */
export function runLine(run: RunRecord, runnerUrl: string): string {
  const ok = run.status === "Succeeded";
  const took = run.durationMs !== undefined ? ` in ${run.durationMs} ms` : "";
  const outcome = ok ? `${run.status}${took}` : `${run.status}${run.error ? `: ${run.error.code}: ${run.error.message}` : ""} (history: ${runnerUrl}/runs/${run.id}?format=text)`;
  const child = run.parentRunId ? " (child flow)" : "";
  return redact(`${clock(run.endTime)} ${ok ? "✔" : "✖"} ${run.workflowName ?? run.workflowId}${child} · ${runRecord(run)} · ${outcome}`).replace(/\s*\n\s*/g, " ");
}

/** One console line for an error a service reported (its first line only: no stack traces). */
export function errorLine(service: string, message: string): string {
  return redact(`${clock(undefined)} ✖ ${service}: ${message.split("\n")[0]!.trim()}`);
}

/**
 * The run listener `npm start` gives the flow runner: a line for every top-level run and every failed
 * child run, and one line, once, when run history starts dropping its oldest runs.
 */
export function runActivity(print: (line: string) => void, runnerUrl: () => string, maxRuns: number): (run: RunRecord) => void {
  let finished = 0;
  return (run) => {
    if (!run.parentRunId || run.status !== "Succeeded") print(runLine(run, runnerUrl()));
    if (++finished === maxRuns + 1) {
      print(`${clock(run.endTime)} … run history holds the newest ${maxRuns.toLocaleString("en-US")} runs; older ones are now dropped (npm start -- --max-runs <n> keeps more)`);
    }
  };
}
