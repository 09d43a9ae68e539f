/**
 * When Partner Center pushes back: 429 is retried after Retry-After, a 412 (someone changed the
 * referral meanwhile) is re-read and retried once, and an outage is audited (status Error, ✖) and
 * recovered from on the next change, with every pending change sent then — no duplicate referral.
 */
import { OPPORTUNITY, SyncStatus } from "../../plugins-ts/src/model/schema";
import { E2E, useE2E } from "./harness";

let e: E2E;
useE2E((started) => (e = started), { afterEachTest: (started) => started.clearFaults() });

async function sharedOpportunity() {
  const id = await e.createOpportunity();
  await e.quiet();
  const opp = await e.opportunity(id);
  expect(opp[OPPORTUNITY.syncStatus]).toBe(SyncStatus.Synced);
  return { id, referralId: opp[OPPORTUNITY.referralIdentifier] as string };
}

const PATCH_ROUTE = { method: "PATCH", path: "/v1.0/engagements/referrals/*" };

it("429: waits as long as Retry-After says, then sends", async () => {
  const { id, referralId } = await sharedOpportunity();
  await e.fault({ ...PATCH_ROUTE, status: 429, retryAfter: 3, count: 1 });
  const before = await e.pcSeq();
  await e.update(id, { estimatedvalue: 275000 });
  await e.quiet();
  expect((await e.referralCalls(before)).map((c) => `${c.method} ${c.status}`)).toEqual(["PATCH 429", "PATCH 200"]);
  expect(e.runsOf("Dynamics 365 to Partner Center").some((run) => run.includes("waited 3000 ms (Retry-After)"))).toBe(true);
  expect((await e.referral(referralId)).details?.dealValue).toBe(275000);
  expect((await e.opportunity(id))[OPPORTUNITY.syncStatus]).toBe(SyncStatus.Synced);
});

it("412: reads the referral again and retries once with the fresh eTag", async () => {
  const { id, referralId } = await sharedOpportunity();
  await e.fault({ ...PATCH_ROUTE, status: 412, count: 1 });
  const before = await e.pcSeq();
  await e.update(id, { description: "Updated after a concurrent change." });
  await e.quiet();
  expect((await e.referralCalls(before)).map((c) => `${c.method} ${c.status}`)).toEqual(["PATCH 412", "GET 200", "PATCH 200"]);
  const r = await e.referral(referralId);
  expect(r.details?.notes).toBe("Updated after a concurrent change.");
  expect((await e.opportunity(id))[OPPORTUNITY.referralEtag]).toBe(r.eTag);
});

it("a stale eTag from a real concurrent change in Partner Center gets the same treatment", async () => {
  const { id, referralId } = await sharedOpportunity();
  // Microsoft's seller edits the referral while our webhook is down: the CRM still holds the old eTag.
  const restore = await e.webhookDown();
  await e.changeInPartnerCenter(referralId, { details: { ...(await e.referral(referralId)).details, notes: "Edited in Partner Center." } });
  await restore();
  const before = await e.pcSeq();
  await e.update(id, { estimatedvalue: 260000 });
  await e.quiet();
  expect((await e.referralCalls(before)).map((c) => `${c.method} ${c.status}`)).toEqual(["PATCH 412", "GET 200", "PATCH 200"]);
  // only the changed field went out: Partner Center's own edit of the notes is not overwritten
  expect((await e.referral(referralId)).details).toMatchObject({ dealValue: 260000, notes: "Edited in Partner Center." });
});

it("an outage is audited and the next change recovers, sending everything pending", async () => {
  const { id, referralId } = await sharedOpportunity();
  await e.fault({ ...PATCH_ROUTE, status: 503, count: 50 });
  let before = await e.pcSeq();
  await e.update(id, { estimatedvalue: 300000 });
  await e.quiet();
  const during = await e.referralCalls(before);
  expect(during.length).toBeGreaterThan(1); // retried with back-off
  expect(during.every((c) => c.status === 503)).toBe(true);
  let opp = await e.opportunity(id);
  expect(opp[OPPORTUNITY.syncStatus]).toBe(SyncStatus.Error);
  expect(opp.name.endsWith("✖")).toBe(true);
  expect(E2E.newestAudit(opp)).toMatchObject({ outcome: "Error", operation: "update", message: expect.stringContaining("Partner Center answered 503") });

  await e.clearFaults();
  before = await e.pcSeq();
  await e.update(id, { description: "After the outage." });
  await e.quiet();
  expect((await e.referralCalls(before)).map((c) => `${c.method} ${c.status}`)).toEqual(["PATCH 200"]);
  expect((await e.referral(referralId)).details).toMatchObject({ dealValue: 300000, notes: "After the outage." });
  opp = await e.opportunity(id);
  expect(opp[OPPORTUNITY.syncStatus]).toBe(SyncStatus.Synced);
  expect(opp.name.endsWith("✔")).toBe(true);
});

it("a create that failed in an outage does not create twice once Partner Center is back", async () => {
  await e.fault({ method: "POST", path: "/v1.0/engagements/referrals", status: 500, count: 50 });
  const id = await e.createOpportunity();
  await e.quiet();
  expect((await e.opportunity(id))[OPPORTUNITY.syncStatus]).toBe(SyncStatus.Error);
  await e.clearFaults();
  await e.update(id, { description: "Retry after the outage." });
  await e.quiet();
  const opp = await e.opportunity(id);
  expect(opp[OPPORTUNITY.syncStatus]).toBe(SyncStatus.Synced);
  const all = [];
  for await (const r of e.pc.listReferrals({ filter: `externalReferenceId eq '${id}'` })) all.push(r);
  expect(all).toHaveLength(1);
});
