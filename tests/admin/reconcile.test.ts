/**
 * npm run reconcile on a deployed new environment: while the flows were off, both sides drifted
 * (a Partner Center change not brought in, a CRM change not sent, both changed, a close in Partner
 * Center). The dry run reports each difference with what the conflict policy would do and changes
 * nothing; --apply carries it out as the flows would, starting no flow run; then both sides agree.
 */
import { OPPORTUNITY, SyncStatus } from "../../plugins-ts/src/model/schema";
import { parseAudit } from "../../plugins-ts/src/rulebook/audit";
import { parseSyncRecord } from "../../plugins-ts/src/rulebook/sync-record";
import { seed } from "../../scripts/src/sandbox/seed";
import { AdminSandbox } from "./harness";


// Each step runs the real commands against three services on a shared 2-core machine.
jest.setTimeout(30000);
let a: AdminSandbox;
const ids: Record<"A" | "B" | "C" | "D", { opp: string; referral: string }> = {} as never;
const RECEIVER = "Partner Center to Dynamics 365";
const OUTBOUND = "Dynamics 365 Opportunity to Partner Center";

async function opportunity(id: string): Promise<Record<string, any>> {
  return a.dv.retrieve({ collection: OPPORTUNITY.entitySetName, key: id }) as Promise<Record<string, any>>;
}

beforeAll(async () => {
  a = await AdminSandbox.start();
  await a.firstDeploy();
  const seeded = await seed(a.sb.webApi);
  for (const k of ["A", "B", "C", "D"] as const) {
    const row = await a.sellerShares(seeded, { name: `Deal ${k}`, estimatedvalue: 100000, estimatedclosedate: "2026-12-31" });
    if (row[OPPORTUNITY.syncStatus] !== SyncStatus.Synced) throw new Error(`Deal ${k} did not sync: ${row[OPPORTUNITY.syncAudit]}`);
    ids[k] = { opp: row[OPPORTUNITY.primaryId], referral: row[OPPORTUNITY.referralIdentifier] };
  }

  // An outage: both flows off while each side changes.
  await a.setFlow(RECEIVER, false);
  await a.setFlow(OUTBOUND, false);
  await a.changeInPartnerCenter(ids.A.referral, { details: { closingDateTime: "2027-02-15T00:00:00Z" } });
  await a.dv.update({ collection: OPPORTUNITY.entitySetName, key: ids.B.opp, data: { estimatedvalue: 150000 } });
  await a.dv.update({ collection: OPPORTUNITY.entitySetName, key: ids.C.opp, data: { estimatedvalue: 200000 } });
  await a.changeInPartnerCenter(ids.C.referral, { details: { dealValue: 300000 } });
  await a.changeInPartnerCenter(ids.D.referral, { status: "Closed", substatus: "Won" });
  await a.quiet();
  // …and the outage is over: the flows are on again, but they do not catch up by themselves.
  await a.setFlow(OUTBOUND, true);
  await a.setFlow(RECEIVER, true);
  await a.quiet();
}, 90000);
afterAll(async () => {
  await a?.close();
});

test("the dry run reports every difference with what the policy would do, and changes nothing", async () => {
  const dv = await a.dvSeq();
  const pc = await a.pcSeq();
  const r = await a.reconcileReport();
  expect(r.code).toBe(1);
  expect(r.compared).toBe(4);
  const of = (k: keyof typeof ids) => r.records.find((x) => x.opportunityId === ids[k].opp)!;
  expect(of("A").differences).toEqual([expect.objectContaining({ field: "closingDate", crm: "2026-12-31", pc: "2027-02-15", action: "take", why: "changed in Partner Center since the last sync" })]);
  expect(of("B").differences).toEqual([expect.objectContaining({ field: "dealValue", crm: "150000.00", pc: "100000.00", action: "send", why: "changed in the CRM since the last sync" })]);
  expect(of("C").differences).toEqual([expect.objectContaining({ field: "dealValue", crm: "200000.00", pc: "300000.00", action: "send", why: expect.stringMatching(/changed on both sides: the CRM's wins/) })]);
  expect(of("D").differences).toEqual([expect.objectContaining({ field: "state", crm: "open", pc: "won", action: "take" })]);
  expect((await a.dvCalls(dv)).filter((c) => c.method !== "GET")).toEqual([]);
  expect((await a.pcCalls(pc)).filter((c) => c.method !== "GET")).toEqual([]);

  const text = await a.reconcile();
  expect(text.out).toMatch(/\(dry run\)/);
  expect(text.out).toMatch(/Deal value: CRM "150000\.00", Partner Center "100000\.00" → send the CRM's value to Partner Center/);
  expect(text.out).toMatch(/Nothing was changed\. npm run reconcile -- --apply carries out the 4 changes above\./);
  expect(text.progress).toMatch(/Comparing 4 opportunities with Partner Center .*\[[█░]{24}\]/);
}, 30000);

test("--apply brings both sides into agreement as the flows would, and starts no flow run", async () => {
  const started = new Date().toISOString();
  const r = await a.reconcileReport("--apply");
  expect(r.code).toBe(0);
  expect(r.remaining).toBe(0);
  await a.quiet();

  const A = await opportunity(ids.A.opp);
  expect(A.estimatedclosedate).toBe("2027-02-15");
  const B = await a.pc.getReferral(ids.B.referral);
  expect(B.details?.dealValue).toBe(150000);
  const C = await a.pc.getReferral(ids.C.referral);
  expect(C.details?.dealValue).toBe(200000);
  const Crow = await opportunity(ids.C.opp);
  const cAudit = parseAudit(Crow[OPPORTUNITY.syncAudit])[0];
  expect(cAudit).toMatchObject({ kind: "entry", direction: "CRM->PC", outcome: "Success", operation: "reconcile" });
  expect((cAudit as { message: string }).message).toMatch(/sent to Partner Center: Deal value\. The CRM's change replaced Partner Center's: Deal value \(300000\.00\)/);
  const D = await opportunity(ids.D.opp);
  expect(D).toMatchObject({ statecode: 1, statuscode: 3 });

  for (const k of ["A", "B", "C", "D"] as const) {
    const row = await opportunity(ids[k].opp);
    const referral = await a.pc.getReferral(ids[k].referral);
    expect(row[OPPORTUNITY.syncStatus]).toBe(SyncStatus.Synced);
    expect(row.name).toBe(`Deal ${k} ✔`);
    const record = parseSyncRecord(row[OPPORTUNITY.syncHash])!;
    expect(record.updated).toBe(referral.updatedDateTime);
    expect(row[OPPORTUNITY.referralEtag]).toBe(referral.eTag);
  }
  // the writes carried their own sync record: no flow took them for a seller's change
  const runs = (await a.dv.retrieveMultiple({ collection: "flowruns", select: ["workflowname"], filter: `starttime ge ${started}` })).value!;
  expect(runs.filter((x) => x.workflowname === OUTBOUND)).toEqual([]);

  const again = await a.reconcileReport();
  expect(again.code).toBe(0);
  expect(again.records.every((x) => x.status === "agrees")).toBe(true);
}, 30000);
