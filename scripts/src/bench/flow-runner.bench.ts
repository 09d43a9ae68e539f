/**
 * Flow runner figures: expression evaluation rate, and the time to run a flow of 500 actions
 * (a Foreach of 100 iterations × 5 actions, run sequentially) in the local runner.
 */
import { evaluateString, defaultContext } from "../../../sandbox/flow-runner/src/expression";
import { FlowRunner } from "../../../sandbox/flow-runner/src/service/runner";
import { workflowRow } from "../../../sandbox/flow-runner/src/testing";
import type { BenchContext, BenchFigure } from "./types";

export async function run(ctx: BenchContext): Promise<BenchFigure[]> {
  const ectx = { ...defaultContext(), now: () => "2024-05-01T08:00:00Z" };
  const exprs = [
    "@concat('Referral ', toUpper(substring('abcdefgh', 2, 3)), ' ', formatDateTime(addDays(utcNow(), 7), 'yyyy-MM-dd'))",
    "@if(and(greater(add(1, 2), 2), not(empty(createArray(1)))), json('{\"a\":[1,2,3]}')?['a/1'], null)",
    "Deal @{formatNumber(125000.5, 'N2')} closes @{formatDateTime('2027-03-31T00:00:00Z', 'D')}",
  ];
  ctx.log("flow-runner: evaluating expressions");
  const n = 20000;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) evaluateString(exprs[i % exprs.length], ectx);
  const perSecond = Math.round(n / ((performance.now() - t0) / 1000));

  ctx.log("flow-runner: running a 500-action flow");
  const runner = new FlowRunner({ sleep: async () => undefined });
  const id = "bbbbbbbb-0000-4000-8000-000000000001";
  await runner.activate(
    id,
    workflowRow(id, "Bench", {
      definition: {
        triggers: { manual: { type: "Request", kind: "Button", inputs: { schema: { type: "object" } } } },
        actions: {
          Init: { type: "InitializeVariable", inputs: { variables: [{ name: "sum", type: "Integer", value: 0 }] } },
          Loop: {
            type: "Foreach",
            foreach: "@range(0, 100)",
            operationOptions: "Sequential",
            runAfter: { Init: ["Succeeded"] },
            actions: {
              A: { type: "Compose", inputs: "@mul(items('Loop'), 2)" },
              B: { type: "If", expression: { greater: ["@outputs('A')", 50] }, actions: {}, runAfter: { A: ["Succeeded"] } },
              C: { type: "IncrementVariable", inputs: { name: "sum", value: "@outputs('A')" }, runAfter: { B: ["Succeeded"] } },
              D: { type: "Select", inputs: { from: "@range(0, 5)", select: "@add(item(), 1)" }, runAfter: { C: ["Succeeded"] } },
              E: { type: "Compose", inputs: "@join(body('D'), ',')", runAfter: { D: ["Succeeded"] } },
            },
          },
        },
      },
    }),
  );
  const t1 = performance.now();
  const started = await runner.runManual(id, {});
  const result = await started.done;
  const runMs = performance.now() - t1;
  if (result.status !== "Succeeded") throw new Error(`bench flow ended ${result.status}`);
  await runner.close();
  return [
    { name: "flow runner: WDL expressions evaluated per second", value: perSecond, unit: "count", note: "three typical expressions (string, logical, date and number formatting), cached parse" },
    { name: "flow runner: run a 500-action flow (Foreach 100 × 5, sequential)", value: Math.round(runMs), unit: "ms" },
  ];
}
