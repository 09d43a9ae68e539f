/**
 * Flow 12 (deal registration) says what the rulebook says, on the rulebook's vectors
 * (test-vectors/registration.json): the same eligibility messages before any call, and the same
 * registration body (rulebook/registration.ts toDealRegistration).
 */
import vectors from "../../../plugins-ts/test-vectors/registration.json";
import { SOLUTION_DETAIL_COSELL } from "../../../plugins-ts/src/model/schema";
import { toDealRegistration } from "../../../plugins-ts/src/rulebook/registration";
import { RULE_TABLES } from "../../../plugins-ts/src/rulebook/rules";
import type { OpportunitySnapshot } from "../../../plugins-ts/src/rulebook/snapshot";
import { checkRegistration } from "../../../plugins-ts/src/rulebook/validate";
import { anyRuleFailsExpression, eachKey, factsObject, failureMessagesObject, failuresTextFromObject, WdlSources } from "../../../plugins-ts/src/rulebook/wdl";
import { compose, configuredColumn, query, respond, select, Steps } from "../builder";
import { registrationOf } from "../definitions/register-deal";
import { call, coalesce, ex, outputs, prop, body } from "../wdl";
import { expressionHarness, ExpressionHarness } from "./harness";

const S = "json(triggerBody()?['snapshot'])";
let h: ExpressionHarness;
let flow: string;

beforeAll(async () => {
  h = await expressionHarness();
  const steps = new Steps();
  // The snapshot's solutions stand for the expanded solution rows' details (one level less deep).
  const rows = coalesce(prop(S, "solutions"), "json('[]')");
  steps.add("Eligible_solutions", select(ex(rows), ex(`equals(item()?['${SOLUTION_DETAIL_COSELL.azureIpCoSellEligible}'], true)`)));
  steps.add("Eligible_solution_rows", query(ex(rows), ex(`equals(item()?['${SOLUTION_DETAIL_COSELL.azureIpCoSellEligible}'], true)`)));
  const sources: WdlSources = {
    rows: { opportunity: prop(S, "opportunity"), account: prop(S, "account"), contact: "null", currency: prop(S, "currency"), previous: "null" },
    lists: { solutions: rows, contacts: "json('[]')" },
    config: { dealValueField: configuredColumn("dealValueField", prop(S, "config", "dealValueField")), customerCountryCodeField: configuredColumn("customerCountryCodeField", prop(S, "config", "customerCountryCodeField")) },
    each: { [eachKey("solutions", SOLUTION_DETAIL_COSELL.azureIpCoSellEligible)]: body("Eligible_solutions") },
    table: RULE_TABLES.registration,
  };
  steps.add("Check", compose({ facts: Object.fromEntries(factsObject(sources).map(([k, e]) => [k, ex(e)])) }));
  const staged = { ...sources, facts: prop(outputs("Check"), "facts") };
  steps.add("Failures", compose(Object.fromEntries(failureMessagesObject(staged, " ").map(([id, e]) => [id, ex(e)]))));
  const registration = registrationOf(prop(S, "opportunity"), call("string", coalesce(prop(S, "currency", "isocurrencycode"), "''")), prop(call("first", body("Eligible_solution_rows")), "pcs_solutionid"));
  steps.add(
    "Respond",
    respond(
      { failures: ex(call("trim", failuresTextFromObject(outputs("Failures"), RULE_TABLES.registration))), fails: ex(call("string", anyRuleFailsExpression(staged))), registration: ex(call("string", registration)) },
      { failures: { title: "Failures", type: "string" }, fails: { title: "Fails", type: "string" }, registration: { title: "Registration", type: "string" } },
    ),
  );
  flow = await h.activate(steps, ["snapshot"]);
});
afterAll(() => h?.close());

/** Drops null members (the flow writes null where the rulebook leaves a member out). */
const compact = (v: unknown): unknown =>
  Array.isArray(v) ? v.map(compact) : v && typeof v === "object" ? Object.fromEntries(Object.entries(v).filter(([, x]) => x !== null && x !== undefined).map(([k, x]) => [k, compact(x)])) : v;

describe("deal registration (registration.json)", () => {
  // A flow reads every part of the snapshot, so only vectors whose parts are all known apply.
  const complete = vectors.cases.filter((c) => !checkRegistration(c.snapshot as unknown as OpportunitySnapshot).unchecked.length);
  it.each(complete.map((c) => [c.name, c] as const))("%s", async (_name, c) => {
    const snapshot = c.snapshot as unknown as OpportunitySnapshot;
    const expected = checkRegistration(snapshot).failures.map((f) => f.message);
    const out = await h.run(flow, { snapshot: JSON.stringify(snapshot) });
    expect(out.failures).toBe(expected.join(" "));
    expect(out.fails).toBe(expected.length > 0 ? "True" : "False");
    if (!expected.length) expect(compact(JSON.parse(out.registration as string))).toEqual(compact(toDealRegistration(snapshot)));
  });
});
