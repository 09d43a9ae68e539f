/**
 * The flows' JSON Patch for an update (blocks/outbound.ts patchOperations) is the rulebook's
 * (plan-apply.ts patchForPlan, which `npm run reconcile` sends) on its vectors (plan-apply.json), run in
 * the flow runner: the same operations, paths, add or replace, and values. The flow builds them from the
 * CRM's rows, so each vector's opportunity and contact rows are made from its `desired` referral.
 */
import vectors from "../../../plugins-ts/test-vectors/plan-apply.json";
import type { Member, Referral } from "../../../plugins-ts/src/partner-center/referral";
import { planSync } from "../../../plugins-ts/src/rulebook/merge";
import { patchForPlan } from "../../../plugins-ts/src/rulebook/plan-apply";
import { LOST_STATUS_REASONS } from "../../../plugins-ts/src/rulebook/status";
import type { SyncProjection } from "../../../plugins-ts/src/rulebook/sync-hash";
import { compose, respond, Steps } from "../builder";
import { patchOperations } from "../blocks/outbound";
import { call, ex, outputs } from "../wdl";
import { expressionHarness, ExpressionHarness } from "./harness";

let h: ExpressionHarness;
let flow: string;
const input = (name: string) => call("json", `triggerBody()?['${name}']`);

beforeAll(async () => {
  h = await expressionHarness();
  const s = new Steps();
  const read = { rows: { opportunity: input("opportunity"), account: "null", contact: input("contact"), currency: "null" }, solutionRows: "json('[]')" };
  const ops = patchOperations(input("check"), input("compare"), read, input("solutions"), "'estimatedvalue'");
  s.add("Operations", compose(ex(call("union", ...Object.values(ops)))));
  s.add("Respond", respond({ ops: ex(call("string", outputs("Operations"))) }, { ops: { title: "ops", type: "string" } }));
  flow = await h.activate(s, ["check", "compare", "opportunity", "contact", "solutions"]);
});
afterAll(() => h?.close());

type Op = { op: string; path: string; value?: unknown };
/** Sorted by path; a member's empty phone number left out (the flow writes every member key, null when empty). */
const normal = (ops: Op[]): Op[] =>
  ops
    .map((o) => (o.value && typeof o.value === "object" && !Array.isArray(o.value) ? { ...o, value: Object.fromEntries(Object.entries(o.value).filter(([, v]) => v !== null)) } : o))
    .sort((a, b) => a.path.localeCompare(b.path));

describe("the flows' update patch is the rulebook's (plan-apply.json)", () => {
  it.each(vectors.cases.map((c) => [c.name, c] as const))("%s", async (_name, c) => {
    const crm = c.crm as SyncProjection;
    const pc = c.pc as SyncProjection;
    const desired = c.desired as Referral;
    const plan = planSync(crm, pc, c.agreed as SyncProjection);
    const action = Object.fromEntries(Object.entries(plan.decisions).map(([f, d]) => [f, d.action]));
    const member = (desired.customerProfile?.team ?? []).find((m: Member) => (m.email ?? "").toLowerCase() === crm.contact);
    const lostCode = Object.entries(LOST_STATUS_REASONS).find(([, reason]) => reason === desired.statusReason)?.[0];
    const opportunity = {
      estimatedvalue: desired.details?.dealValue ?? Number(crm.dealValue),
      actualvalue: null,
      statecode: crm.state === "won" ? 1 : crm.state === "lost" ? 2 : 0,
      statuscode: lostCode !== undefined ? Number(lostCode) : 1,
    };
    const contact = member ? { firstname: member.firstName, lastname: member.lastName, emailaddress1: member.email, telephone1: member.phoneNumber ?? null } : null;
    const out = await h.run(flow, {
      check: JSON.stringify({ crm }),
      compare: JSON.stringify({ pc, action }),
      opportunity: JSON.stringify(opportunity),
      contact: JSON.stringify(contact),
      solutions: JSON.stringify(desired.details?.requirements?.solutions ?? []),
    });
    const expected = patchForPlan(plan, pc, desired) as Op[];
    expect(expected).toEqual(c.patch);
    expect(normal(JSON.parse(out.ops as string) as Op[])).toEqual(normal(expected));
  });
});
