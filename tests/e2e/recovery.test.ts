/**
 * What Microsoft's troubleshooting page answers with "make a minor update" or "resubmit the failed
 * run": the hourly reconciliation (flow 11) brings in every referral changed since it last looked,
 * sends what the CRM changed without a run, finishes what never got shared, and retries what failed
 * for a reason that may have gone — with no seller action, no duplicate, and a single list call when
 * there is nothing to do.
 */
import { OPPORTUNITY, SyncStatus } from "../../plugins-ts/src/model/schema";
import { parseAudit } from "../../plugins-ts/src/rulebook/audit";
import { FLOWS } from "../../flows/src/ids";
import { E2E, useE2E } from "./harness";

let e: E2E;
useE2E((started) => (e = started), { afterEachTest: (started) => started.clearFaults() });

const recover = async (timeoutMs?: number) => {
  await e.fireRecurrence(FLOWS.recovery.id);
  await e.quiet(timeoutMs);
};

it("a referral shared while the webhook was down arrives at the next recovery run", async () => {
  const restore = await e.webhookDown();
  const r = await e.shareFromPartnerCenter({
    name: "Missed while down",
    type: "Shared",
    qualification: "SalesQualified",
    status: "Active",
    substatus: "Accepted",
    customerProfile: { name: "Adatum", address: { city: "Oslo", postalCode: "0150", country: "NO" }, team: [{ firstName: "Kari", lastName: "Nordmann", email: "kari@adatum.example" }] },
    consent: { consentToShareReferralWithMicrosoftSellers: true },
    details: { dealValue: 42000, currency: "EUR", closingDateTime: "2027-05-31T00:00:00Z", notes: "", requirements: { solutions: [{ id: "SOL-12345-ABC" }] } },
    inviteContext: { assistanceRequestCode: "QuotesOrLicensing", invitedBy: { organizationId: "msft" } },
  });
  await restore();
  await e.quiet();
  expect(await e.opportunitiesWithReferral(r.id!)).toHaveLength(0); // the event was never delivered

  await recover();
  const opps = await e.opportunitiesWithReferral(r.id!);
  expect(opps).toHaveLength(1);
  expect(opps[0]).toMatchObject({ [OPPORTUNITY.syncStatus]: SyncStatus.Synced, estimatedvalue: 42000 });

  // The next run lists the change our own write-back made (the CRM id sent back), finds it held and
  // moves the watermark past it; the one after lists nothing: one call, nothing written.
  await recover();
  const pc = await e.pcSeq();
  const dv = await e.dvSeq();
  await recover();
  expect((await e.referralCalls(pc)).map((c) => c.method)).toEqual(["GET"]);
  expect((await e.referralCalls(pc))[0].path).toBe("/v1.0/engagements/referrals");
  expect((await e.dvCalls(dv)).filter((c) => c.method !== "GET")).toEqual([]);
});

it("an opportunity whose send failed in an outage is sent at the next recovery run; a rule failure is left to the seller", async () => {
  await e.fault({ method: "POST", path: "/v1.0/engagements/referrals", status: 503, count: 100 });
  const failedSend = await e.createOpportunity({ name: "Sent during an outage" });
  const brokenRule = await e.createOpportunity({ name: "No solution" }, { solutions: [] });
  await e.quiet();
  expect((await e.opportunity(failedSend))[OPPORTUNITY.syncStatus]).toBe(SyncStatus.Error);
  expect((await e.opportunity(brokenRule))[OPPORTUNITY.syncStatus]).toBe(SyncStatus.Error);
  await e.clearFaults();

  const pc = await e.pcSeq();
  await recover();
  const sent = await e.opportunity(failedSend);
  expect(sent).toMatchObject({ [OPPORTUNITY.syncStatus]: SyncStatus.Synced, name: "Sent during an outage ✔" });
  expect((await e.opportunity(brokenRule))[OPPORTUNITY.syncStatus]).toBe(SyncStatus.Error);
  const calls = (await e.referralCalls(pc)).map((c) => `${c.method} ${c.path.replace(/\?.*/, "")}`);
  // the list of recent changes, the look-up for a referral the failed create may have left, the create
  expect(calls).toEqual(["GET /v1.0/engagements/referrals", "GET /v1.0/engagements/referrals", "POST /v1.0/engagements/referrals"]);
  const all = [];
  for await (const r of e.pc.listReferrals({ filter: `externalReferenceId eq '${failedSend}'` })) all.push(r);
  expect(all).toHaveLength(1);
});

const referralFromMicrosoft = (name: string, i = 0) => ({
  name,
  type: "Shared" as const,
  qualification: "SalesQualified" as const,
  status: "Active" as const,
  substatus: "Accepted" as const,
  customerProfile: { name: `Fourth Coffee ${i}`, address: { city: "Lisbon", postalCode: `1000-${String(i).padStart(3, "0")}`, country: "PT" }, team: [{ firstName: "Rui", lastName: `Silva ${i}`, email: `rui${i}@fourthcoffee.example` }] },
  consent: { consentToShareReferralWithMicrosoftSellers: true },
  details: { dealValue: 1000 + i, currency: "EUR", closingDateTime: "2027-06-30T00:00:00Z", notes: "", requirements: { solutions: [{ id: "SOL-12345-ABC" }] } },
  inviteContext: { assistanceRequestCode: "QuotesOrLicensing", invitedBy: { organizationId: "msft" } },
});

it("every referral missed since the last run arrives, page after page, whatever the outage's length", async () => {
  const restore = await e.webhookDown();
  const missed = [];
  for (let i = 0; i < 105; i++) missed.push(await e.shareFromPartnerCenter(referralFromMicrosoft(`Missed ${i}`, i) as never));
  await restore();
  await recover(100_000); // two pages: 105 referrals, each through the helper and the [Customize] flow
  for (const r of missed) expect(await e.opportunitiesWithReferral(r.id!)).toHaveLength(1);
  // the watermark moved to the newest change brought in: the next run lists nothing older
  const pc = await e.pcSeq();
  await recover();
  expect((await e.referralCalls(pc)).map((c) => c.method)).toEqual(["GET"]);
}, 120_000);

it("a change whose trigger never fired (the flow was off) is sent by the next run", async () => {
  const id = await e.createOpportunity({ name: "Changed while the flow was off" });
  await e.quiet();
  const referralId = (await e.opportunity(id))[OPPORTUNITY.referralIdentifier] as string;
  await e.setFlowOn("Dynamics 365 Opportunity to Partner Center", false);
  await e.update(id, { estimatedvalue: 333000 });
  await e.setFlowOn("Dynamics 365 Opportunity to Partner Center", true);
  await e.quiet();
  expect((await e.referral(referralId)).details?.dealValue).not.toBe(333000);
  await recover();
  expect((await e.referral(referralId)).details?.dealValue).toBe(333000);
  expect((await e.opportunity(id))[OPPORTUNITY.syncStatus]).toBe(SyncStatus.Synced);
});

it("an opportunity set to sync while the flow was off is shared by the next run", async () => {
  const flows = ["Dynamics 365 Opportunity to Partner Center", "Dynamics 365 Microsoft Solutions to Partner Center"];
  for (const f of flows) await e.setFlowOn(f, false);
  const id = await e.createOpportunity({ name: "Never seen by a trigger" });
  for (const f of flows) await e.setFlowOn(f, true);
  await e.quiet();
  expect((await e.opportunity(id))[OPPORTUNITY.referralIdentifier]).toBeFalsy();
  await recover();
  const opp = await e.opportunity(id);
  expect(opp[OPPORTUNITY.referralIdentifier]).toMatch(/^[0-9a-f-]{36}$/);
  expect(opp[OPPORTUNITY.syncStatus]).toBe(SyncStatus.Synced);
});

it("a rule failure whose cause is fixed on the account syncs at the next run, the opportunity untouched", async () => {
  const account = (await e.dv.create({ collection: "accounts", data: { name: "Wide World Importers", address1_country: "USA", address1_city: "Chicago", address1_postalcode: "60601" }, returnRepresentation: true })) as Record<string, string>;
  const id = await e.createOpportunity({ name: "Country to fix", "customerid_account@odata.bind": `/accounts(${account.accountid})`, "parentcontactid@odata.bind": undefined, [OPPORTUNITY.microsoftHelp]: undefined });
  await e.quiet();
  expect((await e.opportunity(id))[OPPORTUNITY.syncStatus]).toBe(SyncStatus.Error);
  // a run with nothing fixed leaves it alone: no new line
  const lines = (await e.opportunity(id))[OPPORTUNITY.syncAudit];
  await recover();
  expect((await e.opportunity(id))[OPPORTUNITY.syncAudit]).toBe(lines);
  await new Promise((r) => setTimeout(r, 1100)); // the fix comes a second after the failure (timestamps are to the second)
  await e.dv.update({ collection: "accounts", key: account.accountid, data: { address1_country: "US" } });
  await recover();
  const opp = await e.opportunity(id);
  expect(opp[OPPORTUNITY.syncStatus]).toBe(SyncStatus.Synced);
  expect(opp[OPPORTUNITY.referralIdentifier]).toMatch(/^[0-9a-f-]{36}$/);
});

it("a second referral for an opportunity that carries one is reported on it, and nothing of it is taken", async () => {
  const id = await e.createOpportunity({ name: "Has its referral" });
  await e.quiet();
  const mine = (await e.opportunity(id))[OPPORTUNITY.referralIdentifier] as string;
  const restore = await e.webhookDown();
  const other = await e.shareFromPartnerCenter({ ...referralFromMicrosoft("A second one", 999), externalReferenceId: id } as never);
  await restore();
  await recover();
  const opp = await e.opportunity(id);
  expect(opp[OPPORTUNITY.referralIdentifier]).toBe(mine);
  expect(opp.estimatedvalue).toBe(250000);
  expect(E2E.newestAudit(opp)).toMatchObject({ outcome: "Error", operation: "reconcile" });
  expect(E2E.newestAudit(opp).message).toContain(other.id!);
  expect(await e.opportunitiesWithReferral(other.id!)).toHaveLength(0);
});
