/**
 * Power Platform requests counted as Microsoft counts them (engine/requests.ts): the trigger that
 * starts a run, every action that runs (built-in ones too), each retry, each loop iteration's
 * actions; skipped actions and runs that never start cost nothing. Exposed per run (`requests` in
 * the run and its summary) and totalled over a set of runs with totalRequests().
 */
import { startFlowRunner } from "../src";
import { totalRequests } from "../src/engine/requests";
import { ActionDefinition, TriggerDefinition } from "../src/engine/types";
import { workflowRow } from "../src/testing";
import { activate, BUTTON_TRIGGER, flowFile, makeRunner, newWorkflowId, runOnce, stubServer } from "./helpers";

const compose = (inputs: unknown, runAfter?: Record<string, string[]>): ActionDefinition => ({ type: "Compose", inputs, ...(runAfter ? { runAfter } : {}) });

it("the trigger, every action that ran (scopes, conditions and loops included), each iteration's actions; skipped ones are free", async () => {
  const { runner } = makeRunner();
  const id = await activate(
    runner,
    flowFile({
      Start: compose(1), // 1
      Check: {
        // 1, plus its taken branch (1); the else branch is skipped (0)
        type: "If",
        expression: { equals: [1, 1] },
        actions: { Then_step: compose("yes") },
        else: { actions: { Else_step: compose("no") } },
        runAfter: { Start: ["Succeeded"] },
      },
      Each: {
        // 1, plus 2 actions × 3 iterations
        type: "Foreach",
        foreach: "@createArray(1, 2, 3)",
        actions: { First: compose("@item()"), Second: compose("@item()", { First: ["Succeeded"] }) },
        runAfter: { Check: ["Succeeded"] },
      },
      Only_on_failure: compose("never", { Each: ["Failed"] }), // skipped: 0
    }),
  );
  const { run } = await runOnce(runner, id);
  expect(run.requests).toBe(1 + 1 + 2 + 1 + 6);
});

it("each retry counts; a parent counts its call to a child, the child counts its own trigger and actions", async () => {
  let calls = 0;
  const stub = await stubServer(() => (++calls <= 2 ? { status: 429, headers: { "Retry-After": "1" } } : { status: 200, body: { ok: true } }));
  try {
    const { runner } = makeRunner();
    const conn = runner.createConnection({ apiName: "shared_partnercenterref", parameters: { baseUrl: stub.url, token: "t" } }).id;
    const child = await activate(
      runner,
      flowFile(
        {
          Read: { type: "OpenApiConnection", inputs: { host: { connectionName: "pc", operationId: "GetReferralById", apiId: "/providers/Microsoft.PowerApps/apis/shared_partnercenterref" }, parameters: { id: "R-1" } } },
          Respond: { type: "Response", kind: "PowerApp", inputs: { statusCode: 200 }, runAfter: { Read: ["Succeeded"] } },
        },
        { connectionReferences: { pc: { connection: { name: conn }, api: { name: "shared_partnercenterref" } } } },
      ),
    );
    const parent = await activate(runner, flowFile({ Call: { type: "Workflow", inputs: { host: { workflowReferenceName: child }, body: {} } } }));
    const { run } = await runOnce(runner, parent);
    await runner.idle();
    const childRun = runner.runs.list({ workflowId: child })[0];
    expect(childRun.actions.Read.retryHistory).toHaveLength(2);
    expect(childRun.requests).toBe(1 + (1 + 2) + 1); // trigger + read with 2 retries + respond
    expect(run.requests).toBe(1 + 1); // trigger + the call action
    expect(totalRequests([run, childRun])).toBe(7);
  } finally {
    await stub.close();
  }
});

it("a trigger whose conditions are false starts no run and costs nothing; the summary and the detail carry the count", async () => {
  const fr = await startFlowRunner({ sleepScale: 0 });
  try {
    const trigger: TriggerDefinition = { ...BUTTON_TRIGGER, conditions: [{ expression: "@equals(triggerBody()?['go'], true)" }] };
    const id = newWorkflowId();
    await fr.runner.activate(id, workflowRow(id, "Conditional", flowFile({ Work: compose(1) }, { trigger })));
    await expect(fr.runner.runManual(id, { go: false })).rejects.toMatchObject({ code: "TriggerConditionsNotMet" });
    expect(fr.listRuns({ workflowId: id })).toEqual([]);
    expect(fr.runner.triggerHistory[0]).toMatchObject({ workflowId: id, status: "Skipped" });
    const { run } = await fr.runManual(id, { go: true });
    expect(run.requests).toBe(2);
    const summary = (await (await fetch(`${fr.url}/runs?workflowId=${id}`)).json()) as { value: Array<{ requests: number }> };
    expect(summary.value).toEqual([expect.objectContaining({ requests: 2 })]);
    const detail = (await (await fetch(`${fr.url}/runs/${run.id}`)).json()) as { requests: number };
    expect(detail.requests).toBe(2);
    expect(await (await fetch(`${fr.url}/runs/${run.id}?format=text`)).text()).toMatch(/Succeeded in \d+ ms, 2 requests\n/);
  } finally {
    await fr.close();
  }
});
