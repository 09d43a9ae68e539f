/**
 * Trigger concurrency as Power Automate does it: with `runs` = n, n run at once and at most
 * maximumWaitingRuns (else 10 + n) wait; a firing beyond that is rejected (429) and starts no run.
 * Without concurrency control runs are unlimited in parallel. Through the Dataverse emulator a
 * rejected row-trigger firing is lost (not retried) and says so in the notification log.
 */
import { startDataverseEmulator, type DataverseEmulator } from "../../dataverse/src";
import { startFlowRunner, type FlowRunnerHandle } from "../src";
import { FlowServiceError, type StartedRun } from "../src/service/runner";
import { ActionDefinition, TriggerDefinition } from "../src/engine/types";
import { workflowRow } from "../src/testing";
import { activate, BUTTON_TRIGGER, flowFile, makeRunner, newWorkflowId } from "./helpers";

/** A sleep that holds every Wait action until release() (so runs stay busy while the test fires). */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return { sleep: () => opened, release: () => open() };
}

const WAIT: Record<string, ActionDefinition> = { Hold: { type: "Wait", inputs: { interval: { count: 1, unit: "Hour" } } } };
const withConcurrency = (concurrency?: { runs?: number; maximumWaitingRuns?: number }): TriggerDefinition => ({ ...BUTTON_TRIGGER, ...(concurrency ? { runtimeConfiguration: { concurrency } } : {}) });

async function burst(trigger: TriggerDefinition, firings: number) {
  const g = gate();
  const { runner } = makeRunner({ sleep: g.sleep });
  const id = await activate(runner, flowFile(WAIT, { trigger }));
  const started: StartedRun[] = [];
  const rejected: FlowServiceError[] = [];
  for (let i = 0; i < firings; i++) {
    try {
      started.push(await runner.runManual(id, {}));
    } catch (e) {
      rejected.push(e as FlowServiceError);
    }
  }
  const statuses = started.map((s) => s.run.status);
  g.release();
  await Promise.all(started.map((s) => s.done));
  return { runner, id, started, rejected, statuses };
}

it("runs = 1: one runs, 10 + 1 wait, the 13th firing is rejected with 429 and starts no run", async () => {
  const { runner, id, started, rejected, statuses } = await burst(withConcurrency({ runs: 1 }), 13);
  expect(statuses).toEqual(["Running", ...Array(11).fill("Waiting")]);
  expect(rejected).toHaveLength(1);
  expect(rejected[0]).toMatchObject({ status: 429, code: "WorkflowRunsQueueFull" });
  expect(rejected[0].message).toMatch(/already has 1 running and 11 waiting runs, the most its trigger concurrency \(1\) allows \(11 waiting\)/);
  expect(runner.triggerHistory.filter((f) => f.workflowId === id).map((f) => f.status).sort()).toEqual([...Array(12).fill("Fired"), "Rejected"].sort());
  expect(started.map((s) => s.run.status)).toEqual(Array(12).fill("Succeeded"));
  // waiting runs start one after another, in firing order
  const starts = started.map((s) => Object.values(s.run.actions)[0].startTime!);
  expect([...starts].sort()).toEqual(starts);
});

it("maximumWaitingRuns replaces 10 + runs; runs = 2 run two at once", async () => {
  const r = await burst(withConcurrency({ runs: 2, maximumWaitingRuns: 15 }), 20);
  expect(r.statuses).toEqual(["Running", "Running", ...Array(15).fill("Waiting")]);
  expect(r.rejected).toHaveLength(3);
});

it("without concurrency control every firing runs at once", async () => {
  const r = await burst(withConcurrency(), 40);
  expect(r.statuses).toEqual(Array(40).fill("Running"));
  expect(r.rejected).toEqual([]);
});

describe("the Dataverse row trigger under a burst", () => {
  let dv: DataverseEmulator;
  let fr: FlowRunnerHandle;
  const g = gate();

  beforeAll(async () => {
    fr = await startFlowRunner({ sleep: g.sleep });
    dv = await startDataverseEmulator({ port: 0, flowServiceUrl: fr.url, notificationRetryDelayMs: 1 });
    fr.setDataverse(dv.url, dv.token);
  });
  afterAll(async () => {
    g.release();
    await fr.idle();
    await fr.close();
    await dv.close();
  });

  it("a firing the waiting-run limit rejects is lost: not retried, logged as lost, no run", async () => {
    const conn = fr.createConnection({ apiName: "shared_commondataserviceforapps", parameters: { environmentUrl: dv.url, token: dv.token } });
    const trigger: TriggerDefinition = {
      type: "OpenApiConnectionWebhook",
      inputs: { host: { connectionName: "dv", operationId: "SubscribeWebhookTrigger", apiId: "/providers/Microsoft.PowerApps/apis/shared_commondataserviceforapps" }, parameters: { "subscriptionRequest/message": 1, "subscriptionRequest/entityname": "account", "subscriptionRequest/scope": 4 } },
      runtimeConfiguration: { concurrency: { runs: 1 } },
    };
    const id = newWorkflowId();
    await fr.runner.activate(id, workflowRow(id, "One account at a time", flowFile(WAIT, { trigger, connectionReferences: { dv: { connection: { name: conn }, api: { name: "shared_commondataserviceforapps" } } } })));
    const headers = { Authorization: `Bearer ${dv.token}`, "Content-Type": "application/json" };
    for (let i = 0; i < 15; i++) {
      const r = await fetch(`${dv.apiUrl}accounts`, { method: "POST", headers, body: JSON.stringify({ name: `Burst ${i}` }) });
      expect(r.status).toBe(204);
    }
    await dv.idle();
    const deliveries = dv.deliveries().filter((d) => d.entity === "account");
    expect(deliveries).toHaveLength(15);
    expect(deliveries.filter((d) => d.status === 202)).toHaveLength(12);
    const lost = deliveries.filter((d) => d.lost);
    expect(lost).toHaveLength(3);
    for (const d of lost) expect(d).toMatchObject({ status: 429, attempts: 1 });
    expect(fr.listRuns({ workflowId: id })).toHaveLength(12);
    expect(fr.runner.triggerHistory.filter((f) => f.workflowId === id && f.status === "Rejected")).toHaveLength(3);
  });
});
