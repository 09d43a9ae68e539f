/**
 * Runs on the same opportunity at the same time (flows 8, 9, 10 and 11 all start runs on their own,
 * with no concurrency limit): one referral per opportunity, and the last value the seller saved is the
 * one Partner Center ends with. Partner Center answers are slowed down (the emulator's delay fault)
 * so the runs overlap where they would in the cloud.
 */
import { OPPORTUNITY, REFERRAL_CREATION, SyncStatus } from "../../plugins-ts/src/model/schema";
import { FLOWS } from "../../flows/src/ids";
import { parseAudit } from "../../plugins-ts/src/rulebook/audit";
import { E2E, useE2E } from "./harness";

let e: E2E;
useE2E((started) => (e = started));

const creates = async (after: number) => (await e.referralCalls(after)).filter((c) => c.method === "POST");

it("once the referral exists, more runs asked to create it (recovery, the lead flow, flow 9) call Partner Center for nothing", async () => {
  const id = await e.createOpportunity();
  await e.quiet();
  const before = await e.pcSeq();
  const results = await Promise.all([1, 2, 3].map(() => e.sb.flowRunner.runManual(FLOWS.createReferral.id, { opportunityId: id })));
  await e.quiet();
  expect(results.every((r) => r.run.status === "Succeeded")).toBe(true);
  expect(await e.referralCalls(before)).toHaveLength(0);
  const all = [];
  for await (const r of e.pc.listReferrals({ filter: `externalReferenceId eq '${id}'` })) all.push(r);
  expect(all).toHaveLength(1);
});

it("concurrent first creates: exactly one run creates, the others leave it to that run", async () => {
  const id = await e.createOpportunity({}, { sync: false });
  await e.quiet();
  await e.fault({ method: "POST", path: "/v1.0/engagements/referrals", delayMs: 300 });
  const before = await e.pcSeq();
  // The row is not synced yet, so no trigger starts a run; three callers ask flow 2 directly, at once.
  await e.dv.update({ collection: OPPORTUNITY.entitySetName, key: id, data: { [OPPORTUNITY.syncWithPartnerCenter]: true } });
  const results = await Promise.all([1, 2, 3].map(() => e.sb.flowRunner.runManual(FLOWS.createReferral.id, { opportunityId: id })));
  await e.quiet();
  expect(results.every((r) => r.run.status === "Succeeded")).toBe(true);
  expect(results.filter((r) => (r.response?.body as { leftToAnotherRun?: boolean })?.leftToAnotherRun === true).length).toBeGreaterThanOrEqual(2);
  expect(await creates(before)).toHaveLength(1);
  expect(await e.rows(REFERRAL_CREATION.entitySetName, `${REFERRAL_CREATION.primaryId} eq ${id}`)).toHaveLength(1);
  const opp = await e.opportunity(id);
  expect(opp[OPPORTUNITY.syncStatus]).toBe(SyncStatus.Synced);
  expect(opp[OPPORTUNITY.referralIdentifier]).toMatch(/^[0-9a-f-]{36}$/);
});

it("a create an earlier run may have committed is found and adopted, not made twice", async () => {
  const id = await e.createOpportunity({}, { sync: false });
  await e.quiet();
  // What a run that timed out after Partner Center committed its create leaves: the referral, and an old claim.
  const referral = await e.shareFromPartnerCenter({ name: "Contoso Azure migration", externalReferenceId: id } as never);
  await e.dv.create({
    collection: REFERRAL_CREATION.entitySetName,
    data: { [REFERRAL_CREATION.primaryId]: id, [REFERRAL_CREATION.name]: "Contoso Azure migration", [REFERRAL_CREATION.attemptedOn]: "2026-01-01T00:00:00Z", [`${REFERRAL_CREATION.opportunityNavigation}@odata.bind`]: `/opportunities(${id})` },
  });
  await e.quiet();
  const before = await e.pcSeq();
  await e.update(id, { [OPPORTUNITY.syncWithPartnerCenter]: true });
  await e.quiet();
  expect(await creates(before)).toHaveLength(0);
  const opp = await e.opportunity(id);
  expect(opp[OPPORTUNITY.referralIdentifier]).toBe(referral.id);
  // Adopted as Partner Center holds it; the CRM's values differ (this referral was made apart), so
  // flow 7 sends them in the same run and the row ends Synced, not left for the next reconciliation.
  const lines = parseAudit(opp[OPPORTUNITY.syncAudit] as string).map((l) => ("message" in l ? l.message : l.text));
  expect(lines[1]).toContain("found and adopted. What the CRM changed since goes next.");
  expect(lines[0]).toContain("Sent to Partner Center: Est. Close Date");
  expect(opp[OPPORTUNITY.syncStatus]).toBe(SyncStatus.Synced);
  expect((await e.referral(referral.id!)).details?.dealValue).toBe(opp.estimatedvalue);
});

it("two runs take over the same old claim at once: one creates the referral, the other leaves it (no second referral)", async () => {
  const id = await e.createOpportunity({}, { sync: false });
  await e.quiet();
  // What a failed create leaves: its claim made old at once, and no referral.
  await e.dv.create({
    collection: REFERRAL_CREATION.entitySetName,
    data: { [REFERRAL_CREATION.primaryId]: id, [REFERRAL_CREATION.name]: "Contoso Azure migration", [REFERRAL_CREATION.attemptedOn]: "1900-01-01T00:00:00Z", [`${REFERRAL_CREATION.opportunityNavigation}@odata.bind`]: `/opportunities(${id})` },
  });
  // One run's look for an earlier referral finds none, but its answer comes late: by then the other
  // run has taken the claim over and created the referral (chaos seeds 7017, 9009).
  await e.fault({ method: "GET", path: "/v1.0/engagements/referrals", answerDelayMs: 500, count: 1 });
  await e.dv.update({ collection: OPPORTUNITY.entitySetName, key: id, data: { [OPPORTUNITY.syncWithPartnerCenter]: true } });
  const before = await e.pcSeq();
  const results = await Promise.all([1, 2].map(() => e.sb.flowRunner.runManual(FLOWS.createReferral.id, { opportunityId: id })));
  await e.quiet();
  expect(results.map((r) => r.run.status)).toEqual(["Succeeded", "Succeeded"]);
  expect(await creates(before)).toHaveLength(1);
  const all = [];
  for await (const r of e.pc.listReferrals({ filter: `externalReferenceId eq '${id}'` })) all.push(r);
  expect(all).toHaveLength(1);
  const opp = await e.opportunity(id);
  expect(opp[OPPORTUNITY.referralIdentifier]).toBe(all[0].id);
  expect(opp[OPPORTUNITY.syncStatus]).toBe(SyncStatus.Synced);
  // The old claim stays; the takeover is attempt 2, a row only one of the runs could create.
  const claims = await e.rows(REFERRAL_CREATION.entitySetName, `_${REFERRAL_CREATION.opportunity}_value eq ${id}`);
  expect(claims.map((c) => c[REFERRAL_CREATION.primaryId]).sort()).toEqual([`${id.slice(0, 24)}000000000002`, id].sort());
  expect(results.filter((r) => (r.response?.body as { leftToAnotherRun?: boolean })?.leftToAnotherRun === true)).toHaveLength(1);
});

it("a claim a run is still using is left alone; a solution added while it creates is sent once it is done", async () => {
  const id = await e.createOpportunity({}, { sync: false });
  await e.quiet();
  // The create call takes a while: the run read the opportunity, with one solution, before the second is added.
  await e.fault({ method: "POST", path: "/v1.0/engagements/referrals", delayMs: 400 });
  const before = await e.pcSeq();
  await e.update(id, { [OPPORTUNITY.syncWithPartnerCenter]: true });
  await new Promise((r) => setTimeout(r, 150));
  await e.addSolution(id, "SOL-23456-DEF");
  await e.quiet();
  expect(await creates(before)).toHaveLength(1);
  const opp = await e.opportunity(id);
  const r = await e.referral(opp[OPPORTUNITY.referralIdentifier]);
  expect(r.details?.requirements?.solutions?.map((s) => s.id).sort()).toEqual(["SOL-12345-ABC", "SOL-23456-DEF"]);
  expect(opp[OPPORTUNITY.syncStatus]).toBe(SyncStatus.Synced);
});

it("two saves at once: the later value is the one Partner Center keeps, and the record says Synced only then", async () => {
  const id = await e.createOpportunity();
  await e.quiet();
  const referralId = (await e.opportunity(id))[OPPORTUNITY.referralIdentifier] as string;
  // The first save's patch is slow, so it lands after the second's: its value is stale when it arrives.
  await e.fault({ method: "PATCH", path: "/v1.0/engagements/referrals/{id}", delayMs: 300, count: 1 });
  await e.update(id, { estimatedvalue: 310000 });
  await new Promise((r) => setTimeout(r, 100));
  await e.update(id, { estimatedvalue: 320000 });
  await e.quiet();
  expect((await e.referral(referralId)).details?.dealValue).toBe(320000);
  const opp = await e.opportunity(id);
  expect(opp.estimatedvalue).toBe(320000);
  expect(opp[OPPORTUNITY.syncStatus]).toBe(SyncStatus.Synced);
});

it("a burst of 60 edits on 60 opportunities: each reaches Partner Center exactly once, no trigger firing refused", async () => {
  const ids: string[] = [];
  for (let i = 0; i < 60; i++) ids.push(await e.createOpportunity({ name: `Burst ${i}` }));
  await e.quiet();
  const before = await e.pcSeq();
  await Promise.all(ids.map((id, i) => e.update(id, { estimatedvalue: 500000 + i })));
  await e.quiet();
  const patches = (await e.referralCalls(before)).filter((c) => c.method === "PATCH");
  expect(patches).toHaveLength(60);
  for (const [i, id] of ids.entries()) {
    const opp = await e.opportunity(id);
    expect((await e.referral(opp[OPPORTUNITY.referralIdentifier])).details?.dealValue).toBe(500000 + i);
    expect(opp[OPPORTUNITY.syncStatus]).toBe(SyncStatus.Synced);
  }
  const history = await (await fetch(`${e.sb.endpoints.flowRunner.url}/triggers/history`)).json();
  expect((history.value ?? history).filter((f: { status: string }) => f.status === "Rejected")).toHaveLength(0);
}, 120_000);
