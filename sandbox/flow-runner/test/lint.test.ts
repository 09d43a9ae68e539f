/** lintFlow: one case per check, plus a clean flow that passes. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { lintFlow, LintProblem } from "../src/lint/lint";
import { main } from "../src/cli";
import { ActionDefinition, FlowFile } from "../src/engine/types";
import { flowFile, makeRunner, activate, runOnce } from "./helpers";
import { startFlowRunner } from "../src";

const codes = (p: LintProblem[]) => p.map((x) => x.code);

const dvRef = { shared_commondataserviceforapps: { runtimeSource: "embedded", connection: { connectionReferenceLogicalName: "pcs_sharedcommondataserviceforapps_dataverse" }, api: { name: "shared_commondataserviceforapps" } } };
const DV = "/providers/Microsoft.PowerApps/apis/shared_commondataserviceforapps";

function clean(): FlowFile {
  return flowFile(
    {
      Init: { type: "InitializeVariable", inputs: { variables: [{ name: "count", type: "Integer", value: 0 }] } },
      List: { type: "OpenApiConnection", inputs: { host: { connectionName: "shared_commondataserviceforapps", operationId: "ListRecords", apiId: DV }, parameters: { entityName: "opportunities" }, authentication: "@parameters('$authentication')" }, runAfter: { Init: ["Succeeded"] } },
      Loop: {
        type: "Foreach",
        foreach: "@outputs('List')?['body/value']",
        actions: { Count: { type: "IncrementVariable", inputs: { name: "count", value: "@if(empty(items('Loop')?['name']), 0, 1)" } } },
        runAfter: { List: ["Succeeded"] },
      },
      Check: { type: "If", expression: { greater: ["@variables('count')", 0] }, actions: { Done: { type: "Compose", inputs: "@{parameters('Deal value (pcs_DealValueField)')}: @{variables('count')}" } }, runAfter: { Loop: ["Succeeded", "Failed"] } },
    },
    { connectionReferences: dvRef, parameters: { "Deal value (pcs_DealValueField)": { type: "String", defaultValue: "estimatedvalue", metadata: { schemaName: "pcs_DealValueField" } } } },
  );
}

describe("lintFlow", () => {
  it("passes a clean flow", () => {
    expect(lintFlow(clean(), { connectionReferences: ["pcs_sharedcommondataserviceforapps_dataverse"], environmentVariables: ["pcs_DealValueField"] })).toEqual([]);
  });

  it("reports an expression that does not parse, with its path", () => {
    const f = flowFile({ Bad: { type: "Compose", inputs: { x: "@concat('a', " } } });
    const p = lintFlow(f);
    expect(p).toHaveLength(1);
    expect(p[0]).toMatchObject({ path: "properties.definition.actions.Bad.inputs.x", code: "expression-syntax", severity: "error" });
  });

  it("reports unknown functions and wrong arities", () => {
    const p = lintFlow(flowFile({ A: { type: "Compose", inputs: "@frobnicate(1)" }, B: { type: "Compose", inputs: "@substring('a')" } }));
    expect(codes(p)).toEqual(["unknown-function", "function-arity"]);
  });

  it("reports references to actions, loops, variables and parameters that do not exist", () => {
    const p = lintFlow(
      flowFile({
        A: { type: "Compose", inputs: ["@body('Nope')", "@items('NoLoop')", "@variables('ghost')", "@parameters('missing')", "@result('A')", "@item()"] },
      }),
    );
    expect(codes(p).sort()).toEqual(["item-outside-loop", "result-not-scope", "unknown-action", "unknown-loop", "unknown-parameter", "unknown-variable"].sort());
  });

  it("reports runAfter to a missing or non-sibling action, bad statuses and cycles", () => {
    const p = lintFlow(
      flowFile({
        A: { type: "Compose", inputs: 1, runAfter: { B: ["Succeeded"] } },
        B: { type: "Compose", inputs: 1, runAfter: { A: ["Done"] } },
        S: { type: "Scope", actions: { Inner: { type: "Compose", inputs: 1, runAfter: { A: ["Succeeded"] } } } },
        C: { type: "Compose", inputs: 1, runAfter: { Nowhere: ["Succeeded"] } },
      }),
    );
    expect(codes(p).sort()).toEqual(["run-after-cycle", "run-after-status", "run-after-unknown", "run-after-unknown"].sort());
    expect(p.find((x) => x.code === "run-after-cycle")!.message).toMatch(/'A' → 'B' → 'A'|'B' → 'A' → 'B'/);
  });

  it("reports action and trigger types, connectors and operations the runner lacks", () => {
    const f = flowFile(
      {
        A: { type: "ApiConnection", inputs: {} },
        B: { type: "OpenApiConnection", inputs: { host: { connectionName: "shared_commondataserviceforapps", operationId: "FrobnicateRecord", apiId: DV }, parameters: {} } },
        C: { type: "OpenApiConnection", inputs: { host: { connectionName: "shared_office365", operationId: "SendEmailV2", apiId: "/providers/Microsoft.PowerApps/apis/shared_office365" }, parameters: {} } },
      },
      { connectionReferences: dvRef, trigger: { type: "ApiConnectionWebhook", inputs: {} } },
    );
    expect(codes(lintFlow(f)).sort()).toEqual(["unknown-connection", "unknown-connector", "unknown-operation", "unsupported-action-type", "unsupported-trigger-type"].sort());
  });

  it("reports child flows, connection references and environment variables the solution lacks", () => {
    const f = flowFile(
      { Child: { type: "Workflow", inputs: { host: { workflowReferenceName: "5625768c-bd3d-ec11-8c63-00224829720b" }, body: {} } } },
      { connectionReferences: dvRef, parameters: { P: { type: "String", metadata: { schemaName: "pcs_Missing" } } } },
    );
    const p = lintFlow(f, { workflows: {}, connectionReferences: [], environmentVariables: [] });
    expect(codes(p).sort()).toEqual(["unknown-child-flow", "unknown-connection-reference", "unknown-environment-variable"].sort());
    expect(lintFlow(f, { workflows: { "5625768c-bd3d-ec11-8c63-00224829720b": "Child" } }).filter((x) => x.code === "unknown-child-flow")).toEqual([]);
  });

  it("reports duplicate action names and variables initialized inside a scope", () => {
    const f = flowFile({
      A: { type: "Compose", inputs: 1 },
      S: { type: "Scope", actions: { A: { type: "Compose", inputs: 2 }, V: { type: "InitializeVariable", inputs: { variables: [{ name: "v", type: "String" }] } } } },
    });
    expect(codes(lintFlow(f)).sort()).toEqual(["duplicate-action", "variable-not-top-level"]);
  });

  it("reports a retry policy beside an action's inputs, where it is not read; accepts one in the inputs", () => {
    const beside = flowFile({ H: { type: "Http", inputs: { method: "GET", uri: "https://example.com" }, retryPolicy: { type: "none" } } as never });
    expect(codes(lintFlow(beside))).toEqual(["retry-policy-placement"]);
    const inside = flowFile({ H: { type: "Http", inputs: { method: "GET", uri: "https://example.com", retryPolicy: { type: "none" } } } });
    expect(codes(lintFlow(inside))).toEqual([]);
  });

  it("accepts the JSON text of a flow file and reports a non-flow", () => {
    expect(lintFlow(JSON.stringify(clean()))).toEqual([]);
    expect(codes(lintFlow("{not json"))).toEqual(["invalid-json", "not-a-flow"]);
    expect(codes(lintFlow({ properties: {} }))).toEqual(["not-a-flow"]);
  });

  it("what lint accepts, the runner runs", async () => {
    const { runner } = makeRunner();
    const actions: Record<string, ActionDefinition> = {
      Init: { type: "InitializeVariable", inputs: { variables: [{ name: "n", type: "Integer", value: 1 }] } },
      Out: { type: "Compose", inputs: "@add(variables('n'), 1)", runAfter: { Init: ["Succeeded"] } },
    };
    const f = flowFile(actions);
    expect(lintFlow(f)).toEqual([]);
    const id = await activate(runner, f);
    expect((await runOnce(runner, id)).run.status).toBe("Succeeded");
  });
});

describe("command line", () => {
  const io = () => {
    const out: string[] = [];
    const err: string[] = [];
    return { out, err, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l), env: {} as Record<string, string> } };
  };

  it("lint: ok for a clean file, problems and exit code 1 otherwise", async () => {
    const dir = mkdtempSync(join(tmpdir(), "flow-lint-"));
    const good = join(dir, "good.json");
    const bad = join(dir, "bad.json");
    writeFileSync(good, JSON.stringify(clean()));
    writeFileSync(bad, JSON.stringify(flowFile({ X: { type: "Compose", inputs: "@body('Missing')" } })));
    const a = io();
    expect(await main(["lint", good], a.io)).toBe(0);
    expect(a.out).toEqual([`${good}: ok`]);
    const b = io();
    expect(await main(["lint", good, bad], b.io)).toBe(1);
    expect(b.out[1]).toMatch(/properties\.definition\.actions\.X\.inputs: The expression refers to action 'Missing'/);
  });

  it("runs and run: list runs and print one readably", async () => {
    const fr = await startFlowRunner();
    try {
      const id = await activate(fr.runner, flowFile({ Hello: { type: "Compose", inputs: "hi" } }), "CLI flow");
      const { run } = await fr.runManual(id, {});
      const a = io();
      expect(await main(["runs", "--url", fr.url], a.io)).toBe(0);
      expect(a.out[0]).toMatch(new RegExp(`^${run.id}  Succeeded .* CLI flow$`));
      const b = io();
      expect(await main(["run", run.id, "--url", fr.url], b.io)).toBe(0);
      expect(b.out[0]).toContain(`Run ${run.id} of 'CLI flow'`);
      expect(b.out[0]).toContain("✔ Hello [Compose] Succeeded");
      const c = io();
      expect(await main(["run", "nope", "--url", fr.url], c.io)).toBe(1);
      expect(c.err[0]).toMatch(/The run 'nope' does not exist/);
      expect(await main(["runs"], io().io)).toBe(1);
      expect(await main([], io().io)).toBe(2);
    } finally {
      await fr.close();
    }
  });
});
