/**
 * The admin command line on a new environment (npm start -- --bare), run as an admin runs it (the
 * commands' main()): how long deploy takes and what it writes, what a second deploy writes (nothing),
 * how long doctor takes, and what reconcile costs per record: 100 synced opportunities compared
 * (dry run), then 20 of them drifted during an outage and reconciled (--apply).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { OPPORTUNITY } from "../../../plugins-ts/src/model/schema";
import { main as deployMain } from "../cli/deploy";
import { main as doctorMain } from "../cli/doctor";
import { main as reconcileMain } from "../cli/reconcile";
import { startSandbox } from "../sandbox";
import { seed } from "../sandbox/seed";
import { sellerShares } from "../sandbox/seller";
import type { BenchContext, BenchFigure } from "./types";

const SYNCED = 100;
const DRIFTED = 20;

export async function run(ctx: BenchContext): Promise<BenchFigure[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pcs-bench-admin-"));
  const sb = await startSandbox({ port: 0, stateDir: dir, bare: true, flowRunner: { sleep: (ms: number) => new Promise((r) => setTimeout(r, ms / 100)) }, partnerCenter: { sleep: async () => undefined } });
  const quiet = () => sb.waitForQuiet({ timeoutMs: 300_000 });
  const io = { out: () => undefined, err: () => undefined };
  const silent = { progress: { write: () => undefined, isTTY: false } };
  const calls = async (url: string, after: number): Promise<Array<{ method: string; path: string }>> => (await (await fetch(`${url}/calls?after=${after}`)).json()).value;
  const seq = async (url: string): Promise<number> => (await (await fetch(`${url}/calls?after=999999999`)).json()).lastSeq ?? 0;
  const measure = async (work: () => Promise<number>) => {
    const before = { dv: await seq(sb.endpoints.dataverse.controlUrl), pc: await seq(sb.endpoints.partnerCenter.controlUrl) };
    const t0 = Date.now();
    const code = await work();
    const seconds = (Date.now() - t0) / 1000;
    const dv = await calls(sb.endpoints.dataverse.controlUrl, before.dv);
    const pc = await calls(sb.endpoints.partnerCenter.controlUrl, before.pc);
    return { code, seconds, dv, pc, dvWrites: dv.filter((c) => c.method !== "GET").length, pcWrites: pc.filter((c) => c.method !== "GET").length };
  };
  try {
    const settings = path.join(dir, "settings.json");
    await deployMain(["--sandbox-dir", dir, "--write-settings", settings], io, silent);
    const first = await measure(() => deployMain(["--sandbox-dir", dir, "--settings", settings], io, silent));
    if (first.code !== 0) throw new Error(`deploy failed (${first.code})`);
    ctx.log(`deploy: ${first.seconds.toFixed(2)} s, ${first.dv.length} Dataverse calls (${first.dvWrites} writes), ${first.pc.length} Partner Center calls`);
    const second = await measure(() => deployMain(["--sandbox-dir", dir, "--settings", settings], io, silent));
    const doctor = await measure(() => doctorMain(["--sandbox-dir", dir], io, silent));

    // 100 synced opportunities
    const dv = sb.dataverseClient();
    const seeded = await seed(sb.webApi);
    const ids: string[] = [];
    for (let i = 0; i < SYNCED; i++) ids.push(await sellerShares(dv, seeded, { name: `Bench deal ${i}`, estimatedvalue: 10000 + i, estimatedclosedate: "2026-12-31" }));
    await quiet();
    const dry = await measure(() => reconcileMain(["--sandbox-dir", dir, "--json"], io, silent));
    const pcReads = dry.pc.filter((c) => c.path.includes("/engagements/referrals")).length;
    ctx.log(`reconcile dry run over ${SYNCED}: ${dry.seconds.toFixed(2)} s, ${pcReads} Partner Center calls, ${dry.dv.length} Dataverse calls`);

    // an outage: the outbound flow off while 20 deals change in the CRM
    const outbound = (await dv.retrieveMultiple({ collection: "workflows", select: ["workflowid"], filter: "name eq 'Dynamics 365 Opportunity to Partner Center' and category eq 5" })).value![0].workflowid as string;
    await dv.update({ collection: "workflows", key: outbound, data: { statecode: 0, statuscode: 1 } });
    for (let i = 0; i < DRIFTED; i++) await dv.update({ collection: OPPORTUNITY.entitySetName, key: ids[i], data: { estimatedvalue: 50000 + i } });
    await dv.update({ collection: "workflows", key: outbound, data: { statecode: 1, statuscode: 2 } });
    await quiet();
    const runsBefore = sb.flowRunner.listRuns({ top: 1_000_000 }).length;
    const applied = await measure(() => reconcileMain(["--sandbox-dir", dir, "--apply", "--json"], io, silent));
    await quiet();
    const newRuns = sb.flowRunner.listRuns({ top: 1_000_000 }).slice(0, sb.flowRunner.listRuns({ top: 1_000_000 }).length - runsBefore); // newest first
    const runsStarted = newRuns.filter((r) => r.workflowName === "Dynamics 365 Opportunity to Partner Center").length;
    const echoes = newRuns.filter((r) => r.workflowName === "Partner Center to Dynamics 365").length;
    const pcApply = applied.pc.filter((c) => c.path.includes("/engagements/referrals")).length - pcReads;

    return [
      { name: "deploy on a new environment (import, 3 connections, 12 flows, webhook, doctor)", value: Number(first.seconds.toFixed(2)), unit: "s", note: `${first.dv.length} Dataverse calls (${first.dvWrites} writes), ${first.pc.length} Partner Center calls` },
      { name: "deploy again: writes to Dataverse and Partner Center", value: second.dvWrites + second.pcWrites, unit: "calls", budget: 0, note: `${second.seconds.toFixed(2)} s, ${second.dv.length} Dataverse reads, ${second.pc.length} Partner Center reads` },
      { name: "doctor on a healthy environment", value: Number(doctor.seconds.toFixed(2)), unit: "s", note: `${doctor.dv.length} Dataverse calls, ${doctor.pc.length} Partner Center calls, ${doctor.dvWrites + doctor.pcWrites} writes` },
      { name: `reconcile dry run: Partner Center calls per synced opportunity (${SYNCED})`, value: Number(((pcReads - 1) / SYNCED).toFixed(2)), unit: "calls", budget: 1, note: `${pcReads} calls: one read each, and the referral list; ${dry.dv.length} Dataverse calls; ${dry.seconds.toFixed(2)} s` },
      { name: `reconcile --apply: Partner Center calls per drifted opportunity (${DRIFTED} of ${SYNCED})`, value: Number((pcApply / DRIFTED).toFixed(2)), unit: "calls", budget: 2, note: `patch + read back, beyond the dry run's reads; ${applied.seconds.toFixed(2)} s` },
      { name: "outbound flow runs started by reconcile --apply's CRM writes", value: runsStarted, unit: "count", budget: 0, note: `its writes carry their own sync record (flow 8's trigger condition); ${echoes} receiver runs for the webhook echoes of its ${DRIFTED} patches` },
    ];
  } finally {
    await sb.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
