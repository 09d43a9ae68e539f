/**
 * The runs-in-progress journal: a run that started and never ended (the runner was killed) is in the
 * next runner's history as Failed with RunInterrupted; ended runs are not.
 */
import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FlowRunner } from "../src";
import { RunJournal } from "../src/service/run-journal";
import type { RunRecord } from "../src/engine/types";

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "run-journal-"))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const run = (id: string, workflowName = "Flow"): RunRecord => ({
  id,
  workflowId: "wf",
  workflowName,
  status: "Running",
  startTime: "2026-12-01T10:00:00.000Z",
  trigger: { name: "manual", type: "Request", kind: "Button", status: "Succeeded", startTime: "2026-12-01T10:00:00.000Z", endTime: "2026-12-01T10:00:00.000Z", outputs: { headers: {}, body: { secret: "row" } } },
  actions: {},
  correlationId: "c",
});

test("runs started and not ended are interrupted: Failed, RunInterrupted, nothing of their trigger's data kept", () => {
  const file = join(dir, "flow-runs.journal");
  const j = new RunJournal(file);
  expect(j.interrupted("2026-12-01T11:00:00.000Z")).toEqual([]);
  j.started(run("a", "Finished"));
  j.started(run("b", "In progress"));
  j.ended(run("a"));
  j.started(run("c", "Also in progress"));
  appendFileSync(file, '{"s":{"id":"d"'); // a line the kill cut short
  // no close: killed
  const next = new RunJournal(file);
  const lost = next.interrupted("2026-12-01T11:00:00.000Z");
  expect(lost.map((r) => [r.id, r.workflowName, r.status, r.error?.code, r.endTime])).toEqual([
    ["b", "In progress", "Failed", "RunInterrupted", "2026-12-01T11:00:00.000Z"],
    ["c", "Also in progress", "Failed", "RunInterrupted", "2026-12-01T11:00:00.000Z"],
  ]);
  expect(JSON.stringify(lost)).not.toContain("secret");
  expect(readFileSync(file, "utf8")).toBe(""); // told once; the journal starts again
  expect(statSync(file).mode & 0o777).toBe(0o600);
});

test("a runner started on the journal shows the interrupted runs in its history", () => {
  const file = join(dir, "flow-runs.journal");
  new RunJournal(file).started(run("08584-x", "Dynamics 365 Opportunity to Partner Center"));
  const runner = new FlowRunner({ runJournal: file });
  expect(runner.interruptedRuns.map((r) => r.id)).toEqual(["08584-x"]);
  expect(runner.runs.list({ status: "Failed" }).map((r) => [r.workflowName, r.error?.code])).toEqual([["Dynamics 365 Opportunity to Partner Center", "RunInterrupted"]]);
});
