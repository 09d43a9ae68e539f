/**
 * What Microsoft's troubleshooting page answers with "make a minor update" or "resubmit the failed
 * run": the hourly recovery flow brings in a referral whose webhook was missed, and retries an
 * opportunity whose send failed on Partner Center's side — with no seller action, no duplicate, and a
 * single list call when there is nothing to recover.
 */
import { OPPORTUNITY, SyncStatus } from "../../plugins-ts/src/model/schema";
import { FLOWS } from "../../flows/src/ids";
import { E2E, useE2E } from "./harness";

let e: E2E;
useE2E((started) => (e = started), { afterEachTest: (started) => started.clearFaults() });

const recover = async () => {
  await e.fireRecurrence(FLOWS.recovery.id);
  await e.quiet();
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

  // the next run finds it held: one list call, nothing written
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
