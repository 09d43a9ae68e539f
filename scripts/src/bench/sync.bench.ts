/**
 * The sync's cost under a scripted workload in the sandbox (issue 8): the managed solution imported,
 * the flows on, 200 opportunities shared, 100 edited, 100 saved without a change, 50 referrals shared
 * from Partner Center and 50 edited there. Counted from the emulators' call logs and the flow
 * runner's run and trigger history, phase by phase, beside what a call-on-every-trigger design
 * (Microsoft's connector calls Partner Center whenever a trigger fires) would have spent: the
 * trigger firings, from the same run.
 */
import type { DynamicsWebApi } from "dynamics-web-api";
import { OPPORTUNITY, PARTNER_CENTER_SOLUTION, SOLUTION_DETAIL } from "../../../plugins-ts/src/model/schema";
import type { RunRecord } from "../../../sandbox/flow-runner/src/engine/types";
import { FLOWS } from "../../../flows/src/ids";
import { startSandbox, type Sandbox } from "../sandbox";
import type { BenchContext, BenchFigure } from "./types";

const CREATES = 200;
const EDITS = 100;
const NO_OPS = 100;
const INBOUND = 50;
const LATENCY_SAMPLES = 20;

interface Call {
  seq: number;
  method: string;
  path: string;
}

async function json(url: string, init?: RequestInit): Promise<any> {
  const res = await fetch(url, init);
  if (!res.ok) throw new Error(`${init?.method ?? "GET"} ${url}: ${res.status} ${await res.text()}`);
  return res.json();
}

class Workload {
  private dv: DynamicsWebApi;
  private usd = "";
  private solution = "";
  constructor(private readonly sb: Sandbox) {
    this.dv = sb.dataverseClient();
  }

  async init(): Promise<void> {
    this.usd = (await this.dv.retrieveMultiple({ collection: "transactioncurrencies", select: ["transactioncurrencyid"], filter: "isocurrencycode eq 'USD'" })).value![0].transactioncurrencyid as string;
    this.solution = (await this.dv.retrieveMultiple({ collection: SOLUTION_DETAIL.entitySetName, select: [SOLUTION_DETAIL.primaryId], filter: `${SOLUTION_DETAIL.solutionId} eq 'SOL-12345-ABC'` })).value![0][SOLUTION_DETAIL.primaryId] as string;
  }

  /** A seller shares a new opportunity: created, a Microsoft solution added, Sync with Partner Center = Yes. */
  async share(i: number): Promise<string> {
    const seed = this.sb.report.seed!;
    const opp = (await this.dv.create({
      collection: OPPORTUNITY.entitySetName,
      data: {
        name: `Bench opportunity ${i}`,
        estimatedvalue: 10000 + i,
        estimatedclosedate: "2027-01-31",
        "customerid_account@odata.bind": `/accounts(${seed.account.id})`,
        "parentcontactid@odata.bind": `/contacts(${seed.contact.id})`,
        "transactioncurrencyid@odata.bind": `/transactioncurrencies(${this.usd})`,
        [OPPORTUNITY.referralVisibility]: true,
      },
      returnRepresentation: true,
    })) as Record<string, unknown>;
    const id = opp[OPPORTUNITY.primaryId] as string;
    await this.dv.create({
      collection: PARTNER_CENTER_SOLUTION.entitySetName,
      data: {
        [PARTNER_CENTER_SOLUTION.name]: "SOL-12345-ABC",
        [`${PARTNER_CENTER_SOLUTION.opportunityNavigation}@odata.bind`]: `/opportunities(${id})`,
        [`${PARTNER_CENTER_SOLUTION.solutionDetailNavigation}@odata.bind`]: `/${SOLUTION_DETAIL.entitySetName}(${this.solution})`,
      },
    });
    await this.dv.update({ collection: OPPORTUNITY.entitySetName, key: id, data: { [OPPORTUNITY.syncWithPartnerCenter]: true } });
    return id;
  }

  update(id: string, data: Record<string, unknown>): Promise<unknown> {
    return this.dv.update({ collection: OPPORTUNITY.entitySetName, key: id, data });
  }

  async opportunity(id: string): Promise<Record<string, any>> {
    return (await this.dv.retrieve({ collection: OPPORTUNITY.entitySetName, key: id })) as Record<string, any>;
  }

  async opportunityOfReferral(referralId: string): Promise<Record<string, any> | undefined> {
    return (await this.dv.retrieveMultiple({ collection: OPPORTUNITY.entitySetName, filter: `${OPPORTUNITY.referralIdentifier} eq '${referralId}'` })).value?.[0] as Record<string, any> | undefined;
  }

  control(method: string, path: string, body?: unknown): Promise<any> {
    return json(`${this.sb.endpoints.partnerCenter.controlUrl}${path}`, { method, headers: { "Content-Type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
  }

  shareFromPartnerCenter(i: number): Promise<{ id: string; details: Record<string, unknown> }> {
    return this.control("POST", "/referrals", {
      name: `Bench inbound ${i}`,
      type: "Shared",
      qualification: "SalesQualified",
      status: "Active",
      substatus: "Accepted",
      customerProfile: { name: `Inbound customer ${i}`, address: { city: "Seattle", postalCode: `98${String(i).padStart(3, "0")}`, country: "US" }, team: [{ firstName: "Ines", lastName: `Contact ${i}`, email: `contact${i}@inbound.example` }] },
      consent: { consentToShareReferralWithMicrosoftSellers: true },
      details: { dealValue: 5000 + i, currency: "USD", closingDateTime: "2027-02-28T00:00:00Z", notes: "From Microsoft", requirements: { solutions: [{ id: "SOL-23456-DEF" }] } },
      inviteContext: { assistanceRequestCode: "GeneralOrOther", invitedBy: { organizationId: "msft" } },
    });
  }
}

/** Everything the services logged in one phase. */
interface Marks {
  pc: number;
  dv: number;
  runs: number;
  firings: number;
}

export async function run(ctx: BenchContext): Promise<BenchFigure[]> {
  const sb = await startSandbox({ port: 0, stateDir: null, flowRunner: { sleepScale: 0, maxRuns: 1_000_000 }, partnerCenter: { sleep: async () => undefined } });
  try {
    const off = sb.report.flows.filter((f) => f.status !== "on");
    if (off.length) throw new Error(`flows not on: ${off.map((f) => f.name).join(", ")}`);
    const w = new Workload(sb);
    await w.init();
    const quiet = () => sb.waitForQuiet({ timeoutMs: 120000 });
    const pcCalls = async (after: number): Promise<Call[]> => (await json(`${sb.endpoints.partnerCenter.controlUrl}/calls?after=${after}`)).value.filter((c: Call) => c.path.includes("/engagements/referrals"));
    const dvCalls = async (after: number): Promise<Call[]> => (await json(`${sb.endpoints.dataverse.controlUrl}/calls?after=${after}`)).value.filter((c: Call & { inBatch?: number }) => !c.inBatch);
    /** Trigger firings, newest first (fired, or skipped by a trigger condition). */
    const firingsAll = async (): Promise<Array<{ workflowId: string; status: string }>> => {
      const h = await json(`${sb.endpoints.flowRunner.url}/triggers/history`);
      return Array.isArray(h) ? h : (h.value ?? []);
    };
    const mark = async (): Promise<Marks> => ({
      pc: (await json(`${sb.endpoints.partnerCenter.controlUrl}/calls?after=0`)).lastSeq ?? 0,
      dv: (await json(`${sb.endpoints.dataverse.controlUrl}/calls?after=0`)).lastSeq ?? 0,
      runs: sb.flowRunner.listRuns({ top: 1_000_000 }).length,
      firings: (await firingsAll()).length,
    });
    const runsSince = (m: Marks): RunRecord[] => {
      const all = sb.flowRunner.listRuns({ top: 1_000_000 }); // newest first
      return all.slice(0, all.length - m.runs);
    };
    const actionsIn = (r: RunRecord): number => {
      let n = 0;
      const walk = (actions: RunRecord["actions"]): void => {
        for (const a of Object.values(actions ?? {})) {
          if (a.status === "Skipped") continue;
          n++;
          walk(a.actions as RunRecord["actions"]);
          for (const it of a.iterations ?? []) walk(it.actions as RunRecord["actions"]);
        }
      };
      walk(r.actions);
      return n;
    };
    // The triggers a call-on-every-trigger design calls Partner Center on: the row triggers and the webhook receiver (child-flow calls are not triggers).
    const triggerFlows = new Set<string>([FLOWS.opportunityTrigger.id, FLOWS.solutionsTrigger.id, FLOWS.leadTrigger.id, FLOWS.receiver.id]);
    const firingsSince = async (m: Marks) => {
      const all = await firingsAll();
      return all.slice(0, all.length - m.firings).filter((f) => triggerFlows.has(f.workflowId));
    };

    // ---- outbound: creates, edits, no-op saves ---------------------------------------------------
    const started = Date.now();
    let m = await mark();
    const ids: string[] = [];
    for (let i = 0; i < CREATES; i++) ids.push(await w.share(i));
    await quiet();
    const createCalls = await pcCalls(m.pc);
    const createFirings = await firingsSince(m);
    const createRuns = runsSince(m);
    ctx.log(`${CREATES} shared: ${createCalls.length} Partner Center calls, ${createFirings.length} trigger firings`);

    m = await mark();
    for (let i = 0; i < EDITS; i++) await w.update(ids[i], { estimatedvalue: 20000 + i, description: `Edited ${i}` });
    await quiet();
    const editCalls = await pcCalls(m.pc);
    const editFirings = await firingsSince(m);
    const editRuns = runsSince(m);

    m = await mark();
    for (let i = 0; i < NO_OPS; i++) {
      const o = await w.opportunity(ids[CREATES - 1 - i]);
      await w.update(ids[CREATES - 1 - i], { estimatedvalue: o.estimatedvalue, name: o.name, description: o.description });
    }
    await quiet();
    const noOpCalls = await pcCalls(m.pc);
    const noOpFirings = await firingsSince(m);

    // ---- inbound: referrals shared and then edited in Partner Center ------------------------------
    m = await mark();
    const inbound: Array<{ id: string; details: Record<string, unknown> }> = [];
    for (let i = 0; i < INBOUND; i++) inbound.push(await w.shareFromPartnerCenter(i));
    await quiet();
    const inboundCalls = await pcCalls(m.pc);
    const inboundDv = await dvCalls(m.dv);
    const inboundFirings = await firingsSince(m);
    const inboundRuns = runsSince(m);

    m = await mark();
    for (const r of inbound) await w.control("PATCH", `/referrals/${r.id}`, { details: { ...r.details, notes: "Edited by Microsoft" } });
    await quiet();
    const inboundEditCalls = await pcCalls(m.pc);
    const inboundEditDv = await dvCalls(m.dv);
    const inboundEditFirings = await firingsSince(m);
    const inboundEditRuns = runsSince(m);
    const workloadSeconds = (Date.now() - started) / 1000;

    // ---- latency: a change on one side until the other side shows it ------------------------------
    const latency: number[] = [];
    for (let i = 0; i < LATENCY_SAMPLES; i++) {
      const id = ids[i];
      const referralId = (await w.opportunity(id))[OPPORTUNITY.referralIdentifier] as string;
      const t0 = performance.now();
      await w.update(id, { estimatedvalue: 40000 + i });
      for (;;) {
        const r = await w.control("GET", `/referrals/${referralId}`);
        if (r.details?.dealValue === 40000 + i) break;
        await new Promise((res) => setTimeout(res, 2));
      }
      latency.push(performance.now() - t0);
      await quiet();
    }
    const inboundLatency: number[] = [];
    for (let i = 0; i < LATENCY_SAMPLES; i++) {
      const r = inbound[i];
      const t0 = performance.now();
      await w.control("PATCH", `/referrals/${r.id}`, { details: { ...r.details, dealValue: 70000 + i } });
      for (;;) {
        const o = await w.opportunityOfReferral(r.id);
        if (o?.estimatedvalue === 70000 + i) break;
        await new Promise((res) => setTimeout(res, 2));
      }
      inboundLatency.push(performance.now() - t0);
      await quiet();
    }
    const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

    // ---- figures ---------------------------------------------------------------------------------
    const sellerChanges = CREATES + EDITS;
    const outboundCalls = createCalls.length + editCalls.length;
    const writes = (cs: Call[]) => cs.filter((c) => c.method !== "GET").length;
    const business = (cs: Call[]) => cs.filter((c) => !c.path.includes("environmentvariable")).length;
    const reads = (cs: Call[]) => cs.filter((c) => c.method === "GET").length;
    // A call-on-every-trigger design calls Partner Center once per firing of the outbound triggers
    // (opportunity, solutions) and once per webhook event received.
    const naive = (fs: Array<{ workflowId: string }>) => fs.length;
    const naiveOutbound = naive(createFirings) + naive(editFirings);
    const events = INBOUND * 2;
    const allRuns = [...createRuns, ...editRuns, ...inboundRuns, ...inboundEditRuns];
    const actions = allRuns.reduce((n, r) => n + actionsIn(r), 0);
    const syncs = sellerChanges + events;
    ctx.log(`workload done in ${workloadSeconds.toFixed(1)} s; ${allRuns.length} flow runs, ${actions} actions`);

    const note = (s: string) => `${s} (workload: ${CREATES} shared, ${EDITS} edited, ${NO_OPS} no-op saves, ${INBOUND} shared in Partner Center + ${INBOUND} edited there)`;
    return [
      { name: "Partner Center calls per seller change (share or edit)", value: outboundCalls / sellerChanges, unit: "calls", budget: 1, note: note(`${outboundCalls} calls (${writes([...createCalls, ...editCalls])} writes, ${reads([...createCalls, ...editCalls])} reads) for ${sellerChanges} changes`) },
      { name: "call-on-every-trigger design, same seller changes", value: naiveOutbound / sellerChanges, unit: "calls", note: `${naiveOutbound} firings of the opportunity, solutions and webhook triggers (echoes included) in the same run` },
      { name: "ours ÷ call-on-every-trigger (seller changes)", value: outboundCalls / Math.max(1, naiveOutbound), unit: "ratio", budget: 0.5 },
      { name: "Partner Center calls for no-op saves", value: noOpCalls.length, unit: "calls", budget: 0, note: `${NO_OPS} saves that change nothing synced; call-on-every-trigger: ${naive(noOpFirings)} firings` },
      { name: "Partner Center reads for echoes of our own writes", value: reads([...createCalls, ...editCalls]), unit: "calls", budget: 0, note: `${CREATES + EDITS} webhook echoes of our creates and patches` },
      { name: "Partner Center calls per referral shared in Partner Center", value: inboundCalls.length / INBOUND, unit: "calls", budget: 2, note: `${reads(inboundCalls)} reads + ${writes(inboundCalls)} patches (the CRM id sent back); call-on-every-trigger: ${naive(inboundFirings)} firings` },
      { name: "Partner Center calls per referral edited in Partner Center", value: inboundEditCalls.length / INBOUND, unit: "calls", budget: 1, note: `${reads(inboundEditCalls)} reads, ${writes(inboundEditCalls)} writes back; call-on-every-trigger: ${naive(inboundEditFirings)} firings` },
      {
        name: "Dataverse calls per Partner Center event",
        value: (business(inboundDv) + business(inboundEditDv)) / events,
        unit: "calls",
        note: `new referral: ${(business(inboundDv) / INBOUND).toFixed(1)}, edited referral: ${(business(inboundEditDv) / INBOUND).toFixed(1)} (find, lock, account/contact/currency, upsert, solutions, final write, the outbound compare); plus ${((inboundDv.length + inboundEditDv.length - business(inboundDv) - business(inboundEditDv)) / events).toFixed(1)} environment-variable reads the flow runner makes at each run start`,
      },
      { name: "flow actions per sync", value: actions / syncs, unit: "actions", note: `${actions} actions in ${allRuns.length} runs for ${syncs} syncs (both ways)` },
      { name: "change → Partner Center updated (median)", value: pct(latency, 50), unit: "ms", note: `p95 ${pct(latency, 95).toFixed(0)} ms over ${LATENCY_SAMPLES} edits; sandbox on loopback (Microsoft's connector documents ~10 minutes)` },
      { name: "Partner Center change → CRM updated (median)", value: pct(inboundLatency, 50), unit: "ms", note: `p95 ${pct(inboundLatency, 95).toFixed(0)} ms over ${LATENCY_SAMPLES} edits; webhook, flow runner and Dataverse on loopback` },
      { name: "workload wall time", value: workloadSeconds, unit: "s", note: `${CREATES + EDITS + NO_OPS} seller saves and ${events} Partner Center events` },
    ];
  } finally {
    await sb.close();
  }
}
