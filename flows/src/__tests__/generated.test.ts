/**
 * flows/ holds exactly what the definitions generate (an edit to a flow is made in its definition,
 * then `npm run flows`), and the flows have the shape an admin and Power Automate expect.
 */
import * as path from "path";
import { CONNECTION_REFERENCES } from "../../../plugins-ts/src/model/schema";
import { lintFlow } from "../../../sandbox/flow-runner/src";
import { buildFlows } from "../catalog";
import { staleFlows } from "../generate";
import { FLOWS } from "../ids";

const ROOT = path.resolve(__dirname, "..", "..", "..");
const flows = buildFlows();
const byName = new Map(flows.map((f) => [f.spec.name, f]));

it("flows/ and Solution.xml are up to date with the definitions (run npm run flows)", () => {
  expect(staleFlows(ROOT)).toEqual([]);
});

it("ships Microsoft's nine flows under their documented names, plus the lead, recovery and deal registration flows", () => {
  expect(flows.map((f) => f.spec.name).sort()).toEqual(
    [
      "Partner Center Webhook Registration",
      "Create Co-sell Referral – Dynamics 365 to Partner Center",
      "[Customize] Create or Get Details from Dynamics 365 flow",
      "Partner Center to Dynamics 365 - Helper",
      "Partner Center Microsoft Co-sell Referral Updates to Dynamics 365",
      "Partner Center to Dynamics 365",
      "Dynamics 365 to Partner Center",
      "Dynamics 365 Opportunity to Partner Center",
      "Dynamics 365 Microsoft Solutions to Partner Center",
      "Dynamics 365 Lead to Partner Center",
      "Partner Center Sync Recovery",
      "Partner Center Deal Registration",
    ].sort(),
  );
});

it("every flow lints clean against the solution (actions, expressions, child flows, connections, variables)", () => {
  const workflows = Object.fromEntries(flows.map((f) => [f.spec.id, f.spec.name]));
  const connectionReferences = Object.values(CONNECTION_REFERENCES).map((c) => c.logicalName);
  for (const f of flows) expect([f.spec.name, lintFlow(f.file, { workflows, connectionReferences })]).toEqual([f.spec.name, []]);
});

it("child flows answer their caller (a Response on every path ends the run)", () => {
  for (const key of ["createReferral", "customize", "helper", "microsoftUpdates", "updateReferral"] as const) {
    const f = byName.get(FLOWS[key].name)!;
    const def = f.file.properties.definition as { triggers: Record<string, { kind?: string }>; actions: Record<string, { type: string; runAfter?: Record<string, string[]> }> };
    expect(def.triggers.manual.kind).toBe("Button");
    const responses = Object.entries(def.actions).filter(([, a]) => a.type === "Response");
    expect(responses).toHaveLength(1); // one Response, at the top level: it runs whichever branch ran
  }
});

it("the webhook receiver answers at once, takes Partner Center's calls (no tenant token) and drops no burst", () => {
  const def = byName.get(FLOWS.receiver.name)!.file.properties.definition as { triggers: Record<string, any>; actions: Record<string, any> };
  expect(def.triggers.manual).toMatchObject({ type: "Request", kind: "Http", inputs: { triggerAuthenticationType: "All" } });
  expect(def.actions.Acknowledge).toMatchObject({ type: "Response", kind: "Http", inputs: { statusCode: 200 }, runAfter: {} });
});

it("no trigger limits concurrency: Power Automate keeps only 10 + runs waiting and drops the rest", () => {
  for (const f of flows) {
    for (const t of Object.values((f.file.properties.definition as { triggers: Record<string, any> }).triggers)) expect([f.spec.name, t.runtimeConfiguration?.concurrency]).toEqual([f.spec.name, undefined]);
  }
});

it("the opportunity trigger listens to the referral's columns and the sync record, never to the sync's other bookkeeping", () => {
  const def = byName.get(FLOWS.opportunityTrigger.name)!.file.properties.definition as { triggers: Record<string, any> };
  const trigger = Object.values(def.triggers)[0];
  const columns: string = trigger.inputs.parameters["subscriptionRequest/filteringattributes"];
  for (const own of ["pcs_syncstatus", "pcs_syncaudit", "pcs_referraletag", "pcs_lastsyncedon", "pcs_referralstatus", "pcs_referralidentifier", "pcs_referrallink", "pcs_microsoftcrmidentifier"]) {
    expect(columns.split(",")).not.toContain(own);
  }
  for (const synced of ["name", "description", "estimatedclosedate", "transactioncurrencyid", "parentcontactid", "statecode", "pcs_microsofthelp", "pcs_synchash"]) expect(columns.split(",")).toContain(synced);
  // Today's co-sell columns Partner Center takes only at create: a change made another way starts a run, which puts it back.
  for (const locked of ["customerid", "pcs_purchaseintent", "pcs_partnerroleid", "pcs_solutionareaid", "pcs_solutionplayid"]) expect(columns.split(",")).toContain(locked);
  // The sync's own writes store the row's key in the sync record: the second condition starts no run for them.
  // (and a third leaves an opportunity made from a lead to the helper until it is completed)
  expect(trigger.conditions).toHaveLength(3);
});

it("deal registration runs only when a seller asks: it listens to Register Deal alone, and only when it is Yes", () => {
  const def = byName.get(FLOWS.registerDeal.name)!.file.properties.definition as { triggers: Record<string, any> };
  const trigger = Object.values(def.triggers)[0];
  expect(trigger.inputs.parameters["subscriptionRequest/filteringattributes"]).toBe("pcs_registerdeal");
  expect(trigger.conditions).toEqual([{ expression: "@equals(triggerBody()?['pcs_registerdeal'], true)" }]);
});
