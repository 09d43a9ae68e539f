/**
 * Definition limits (lint/limits.ts): for each rule a minimal flow at the limit that passes and one
 * just over it that fails with the rule's code and a path into the flow. A flow over a limit is
 * refused at activation.
 */
import { lintFlow, LintProblem } from "../src/lint/lint";
import { ActionDefinition, TriggerDefinition } from "../src/engine/types";
import { activate, flowFile, makeRunner } from "./helpers";

const errors = (p: LintProblem[]) => p.filter((x) => x.severity === "error");
const codes = (p: LintProblem[]) => errors(p).map((x) => x.code);
const compose = (inputs: unknown = 1): ActionDefinition => ({ type: "Compose", inputs });
const chain = (n: number, make: (i: number) => ActionDefinition = () => compose()): Record<string, ActionDefinition> => {
  const out: Record<string, ActionDefinition> = {};
  for (let i = 0; i < n; i++) out[`A${i}`] = { ...make(i), ...(i ? { runAfter: { [`A${i - 1}`]: ["Succeeded"] } } : {}) };
  return out;
};
/** An expression string of exactly `length` characters, "@" included. */
const expressionOf = (length: number) => `@concat('${"x".repeat(length - 15)}', '')`;

describe("characters per expression: 8,192", () => {
  it("counts the whole string that holds the expression, '@…' or text with @{…} parts", () => {
    expect(expressionOf(8192)).toHaveLength(8192);
    expect(lintFlow(flowFile({ Ok: compose(expressionOf(8192)) }))).toEqual([]);
    const p = errors(lintFlow(flowFile({ Long: compose({ nested: [expressionOf(8193)] }) })));
    expect(p).toEqual([expect.objectContaining({ code: "expression-too-long", path: "properties.definition.actions.Long.inputs.nested[0]" })]);
    expect(p[0].message).toBe("The expression in action 'Long' has 8,193 characters; Power Automate allows 8,192 characters per expression. Split it (several Compose actions) or move the logic out of the expression.");
    const interpolated = `Note: @{triggerBody()?['a']} ${"y".repeat(8200)}`;
    expect(codes(lintFlow(flowFile({ Text: compose(interpolated) })))).toEqual(["expression-too-long"]);
  });
  it("plain text of any length is not an expression; conditions and trigger inputs are checked too", () => {
    expect(lintFlow(flowFile({ Plain: compose("z".repeat(20000)) }))).toEqual([]);
    const cond: ActionDefinition = { type: "If", expression: { equals: [expressionOf(9000), true] }, actions: {} };
    expect(codes(lintFlow(flowFile({ Check: cond })))).toEqual(["expression-too-long"]);
    const trigger: TriggerDefinition = { type: "Request", kind: "Button", inputs: { schema: {} }, conditions: [{ expression: expressionOf(9000) }] };
    expect(codes(lintFlow(flowFile({ A: compose() }, { trigger })))).toEqual(["expression-too-long"]);
  });
});

describe("actions per flow: 500, nested ones counted", () => {
  it("500 pass, 501 fail", () => {
    const nested = (n: number): Record<string, ActionDefinition> => ({ Outer: { type: "Scope", actions: chain(n - 1) } });
    expect(codes(lintFlow(flowFile(nested(500))))).toEqual([]);
    expect(codes(lintFlow(flowFile(nested(501))))).toEqual(["too-many-actions"]);
  });
});

describe("nesting depth: 8", () => {
  const nest = (levels: number): Record<string, ActionDefinition> => {
    let inner: Record<string, ActionDefinition> = { Leaf: compose() };
    for (let i = levels - 1; i >= 1; i--) inner = { [`Scope_${i}`]: { type: "Scope", actions: inner } };
    return inner;
  };
  it("an action 8 levels deep passes, 9 levels deep fails", () => {
    expect(codes(lintFlow(flowFile(nest(8))))).toEqual([]);
    const p = errors(lintFlow(flowFile(nest(9))));
    expect(p).toEqual([expect.objectContaining({ code: "nesting-too-deep" })]);
    expect(p[0].path).toMatch(/Scope_8\.actions\.Leaf$/);
  });
});

describe("names: 80 characters; descriptions: 256", () => {
  it("action and trigger names", () => {
    expect(codes(lintFlow(flowFile({ ["N".repeat(80)]: compose() })))).toEqual([]);
    expect(codes(lintFlow(flowFile({ ["N".repeat(81)]: compose() })))).toEqual(["name-too-long"]);
    const f = flowFile({ A: compose() });
    f.properties.definition.triggers = { ["T".repeat(81)]: { type: "Request", kind: "Button", inputs: { schema: {} } } };
    expect(codes(lintFlow(f))).toEqual(["name-too-long"]);
  });
  it("action, trigger and flow descriptions", () => {
    expect(codes(lintFlow(flowFile({ A: { ...compose(), description: "d".repeat(256) } })))).toEqual([]);
    expect(codes(lintFlow(flowFile({ A: { ...compose(), description: "d".repeat(257) } })))).toEqual(["description-too-long"]);
    const f = flowFile({ A: compose() });
    (f.properties as Record<string, unknown>).description = "d".repeat(257);
    expect(codes(lintFlow(f))).toEqual(["description-too-long"]);
  });
});

describe("variables 250, switch cases 25, parameters 50, triggers 10", () => {
  it("variables", () => {
    const vars = (n: number) => ({ Init: { type: "InitializeVariable", inputs: { variables: Array.from({ length: n }, (_, i) => ({ name: `v${i}`, type: "Integer", value: 0 })) } } });
    expect(codes(lintFlow(flowFile(vars(250))))).toEqual([]);
    expect(codes(lintFlow(flowFile(vars(251))))).toEqual(["too-many-variables"]);
  });
  it("switch cases", () => {
    const sw = (n: number): Record<string, ActionDefinition> => ({
      Route: { type: "Switch", expression: "@triggerBody()?['k']", cases: Object.fromEntries(Array.from({ length: n }, (_, i) => [`Case_${i}`, { case: `c${i}`, actions: {} }])), default: { actions: {} } },
    });
    expect(codes(lintFlow(flowFile(sw(25))))).toEqual([]);
    expect(codes(lintFlow(flowFile(sw(26))))).toEqual(["too-many-cases"]);
  });
  it("parameters ($connections and $authentication counted)", () => {
    const params = (n: number) => Object.fromEntries(Array.from({ length: n - 2 }, (_, i) => [`P${i}`, { type: "String", defaultValue: "x" }]));
    expect(codes(lintFlow(flowFile({ A: compose() }, { parameters: params(50) })))).toEqual([]);
    expect(codes(lintFlow(flowFile({ A: compose() }, { parameters: params(51) })))).toEqual(["too-many-parameters"]);
  });
  it("triggers: more than 10 is over the workflow limit (and a solution flow has exactly one)", () => {
    const f = flowFile({ A: compose() });
    f.properties.definition.triggers = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`T${i}`, { type: "Request", kind: "Button", inputs: { schema: {} } }]));
    expect(codes(lintFlow(f)).sort()).toEqual(["too-many-triggers", "trigger-count"]);
  });
});

describe("loop settings", () => {
  it("Apply to each concurrency 1..50", () => {
    const loop = (repetitions: unknown): Record<string, ActionDefinition> => ({ Each: { type: "Foreach", foreach: "@createArray(1)", actions: {}, runtimeConfiguration: { concurrency: { repetitions: repetitions as number } } } });
    expect(codes(lintFlow(flowFile(loop(1))))).toEqual([]);
    expect(codes(lintFlow(flowFile(loop(50))))).toEqual([]);
    for (const bad of [0, 51, 2.5]) expect(codes(lintFlow(flowFile(loop(bad))))).toEqual(["foreach-concurrency"]);
  });
  it("Do until count ≤ 5,000 and a timeout no longer than a run (30 days)", () => {
    const until = (limit: Record<string, unknown>): Record<string, ActionDefinition> => ({ Wait_for_it: { type: "Until", expression: "@equals(1, 1)", limit, actions: {} } });
    expect(codes(lintFlow(flowFile(until({ count: 5000, timeout: "PT1H" }))))).toEqual([]);
    expect(codes(lintFlow(flowFile(until({ count: 5001 }))))).toEqual(["until-count"]);
    expect(codes(lintFlow(flowFile(until({ timeout: "P31D" }))))).toEqual(["until-timeout"]);
    expect(codes(lintFlow(flowFile(until({ timeout: "one hour" }))))).toEqual(["until-timeout"]);
  });
});

describe("trigger concurrency", () => {
  const trig = (concurrency: Record<string, unknown>): TriggerDefinition => ({ type: "Request", kind: "Button", inputs: { schema: {} }, runtimeConfiguration: { concurrency } });
  const lint = (concurrency: Record<string, unknown>) => lintFlow(flowFile({ A: compose() }, { trigger: trig(concurrency) }));
  it("runs 1..100", () => {
    expect(codes(lint({ runs: 1 }))).toEqual([]);
    expect(codes(lint({ runs: 100 }))).toEqual([]);
    expect(codes(lint({ runs: 0 }))).toEqual(["trigger-concurrency"]);
    expect(codes(lint({ runs: 101 }))).toEqual(["trigger-concurrency"]);
  });
  it("maximumWaitingRuns from 10 + runs to 100", () => {
    expect(codes(lint({ runs: 1, maximumWaitingRuns: 11 }))).toEqual([]);
    expect(codes(lint({ runs: 1, maximumWaitingRuns: 100 }))).toEqual([]);
    const p = errors(lint({ runs: 5, maximumWaitingRuns: 14 }));
    expect(p).toEqual([expect.objectContaining({ code: "waiting-runs", path: "properties.definition.triggers.manual.runtimeConfiguration.concurrency.maximumWaitingRuns" })]);
    expect(p[0].message).toMatch(/with 5 concurrent run\(s\) it must be from 15 \(10 \+ runs\) to 100/);
    expect(codes(lint({ runs: 1, maximumWaitingRuns: 101 }))).toEqual(["waiting-runs"]);
  });
  it("maximumWaitingRuns without runs does nothing: a warning", () => {
    expect(lint({ maximumWaitingRuns: 20 })).toEqual([expect.objectContaining({ code: "waiting-runs", severity: "warning" })]);
  });
});

it("a flow over a limit cannot be turned on", async () => {
  const { runner } = makeRunner();
  await expect(activate(runner, flowFile({ Long: compose(expressionOf(9000)) }))).rejects.toMatchObject({ status: 400, code: "InvalidTemplate", message: expect.stringContaining("[expression-too-long]") });
});
