/**
 * Rule flow-lint: a flow the flow runner would refuse to turn on fails `npm run check` (and packing)
 * with the lint's JSON path and message; the repository's own flows pass.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { main as checkCli } from "../../cli/check";
import { CHILD_FLOW_FILE, makeFixture, PARENT_FLOW_FILE, REPO, type Fixture } from "../../solution/__tests__/fixture";
import { buildSolutionZips, loadFolderForPack, PackRefusedError } from "../../solution/pack";
import { checkPackage, RULES, type Problem } from "..";
import { flowLint } from "../rules/flow-lint";

const fixtures: Fixture[] = [];
afterAll(() => fixtures.forEach((f) => f.cleanup()));
const fresh = (): Fixture => {
  const f = makeFixture({ withFlows: true });
  fixtures.push(f);
  return f;
};
const problems = (fx: Fixture): Problem[] => checkPackage(loadFolderForPack({ folder: fx.src, mapFile: fx.map, managed: false }));
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const editFlow = (fx: Fixture, file: string, change: (j: any) => void): void => {
  const p = fx.at(`flows/${file}`);
  const j = JSON.parse(fs.readFileSync(p, "utf8"));
  change(j);
  fs.writeFileSync(p, JSON.stringify(j, null, 2));
};

it("is registered after flow-references, and the fixture's flows pass it", () => {
  expect(RULES.map((r) => r.id)).toContain("flow-lint");
  expect(RULES.map((r) => r.id).indexOf("flow-lint")).toBe(RULES.map((r) => r.id).indexOf("flow-references") + 1);
  expect(problems(fresh()).filter((p) => p.rule === "flow-lint")).toEqual([]);
});

it("the repository's own flows pass the lint", () => {
  const pkg = loadFolderForPack({ folder: path.join(REPO, "solution", "src"), mapFile: path.join(REPO, "solution", "map.xml"), managed: false });
  expect(flowLint.check(pkg)).toEqual([]);
});

it("a flow that references an action it does not have fails the check with the lint's path and message", async () => {
  const fx = fresh();
  editFlow(fx, PARENT_FLOW_FILE, (j) => {
    j.properties.definition.actions.Get_opportunity.inputs.parameters.recordId = "@body('Get_account')?['accountid']";
  });
  const mine = problems(fx).filter((p) => p.rule === "flow-lint");
  expect(mine).toHaveLength(1);
  expect(mine[0]).toMatchObject({
    rule: "flow-lint",
    element: 'properties.definition.actions.Get_opportunity.inputs.parameters.recordId in flow "Fixture parent"',
    message: expect.stringMatching(/'Get_account'.*\[unknown-action\]$/),
  });
  expect(mine[0].file).toMatch(/flows[\\/]Fixtureparent-.*\.json$/);
  expect(mine[0].fix).toContain("reference an action that exists");

  // npm run check prints it and fails; packing writes nothing
  const out: string[] = [];
  const err: string[] = [];
  const code = await checkCli([fx.src], { out: (l) => out.push(l), err: (l) => err.push(l) });
  expect(code).toBe(1);
  expect(err.join("\n")).toContain(`properties.definition.actions.Get_opportunity.inputs.parameters.recordId in flow "Fixture parent": ${mine[0].message}`);
  expect(err.join("\n")).toContain("[flow-lint]");
  expect(() => buildSolutionZips({ folder: fx.src, mapFile: fx.map, outDir: fx.dist })).toThrow(PackRefusedError);
  expect(fs.existsSync(fx.dist)).toBe(false);
});

it("reports expressions that do not parse, unknown functions and runAfter cycles", () => {
  const fx = fresh();
  editFlow(fx, CHILD_FLOW_FILE, (j) => {
    const a = j.properties.definition.actions;
    a.Compose_broken = { runAfter: { Get_opportunity: ["Succeeded"] }, type: "Compose", inputs: "@concat('a', " };
    a.Compose_unknown = { runAfter: { Compose_loop: ["Succeeded"] }, type: "Compose", inputs: "@xquery(xml('<a/>'), '/a')" };
    a.Compose_loop = { runAfter: { Compose_unknown: ["Succeeded"] }, type: "Compose", inputs: "x" };
  });
  const mine = problems(fx).filter((p) => p.rule === "flow-lint");
  const codes = mine.map((p) => /\[([a-z-]+)\]$/.exec(p.message)![1]);
  expect(codes).toEqual(expect.arrayContaining(["expression-syntax", "unknown-function", "run-after-cycle"]));
  expect(mine.find((p) => p.message.endsWith("[expression-syntax]"))!.element).toBe('properties.definition.actions.Compose_broken.inputs in flow "Fixture child"');
  for (const p of mine) expect(p.fix.length).toBeGreaterThan(10);
});

it("a child flow the solution does not ship is reported once, by flow-references", () => {
  const fx = fresh();
  editFlow(fx, PARENT_FLOW_FILE, (j) => {
    j.properties.definition.actions.Scope.actions.Call_child.inputs.host.workflowReferenceName = "00000000-1111-2222-3333-444444444444";
  });
  const ps = problems(fx);
  expect(ps.filter((p) => p.rule === "flow-references")).toHaveLength(1);
  expect(ps.filter((p) => p.rule === "flow-lint")).toEqual([]);
});
