/**
 * The sync's cost under a scripted workload in the sandbox: the managed solution imported, the flows
 * on, 200 opportunities shared, 100 edited, 100 saved without a change, 50 referrals shared from
 * Partner Center and 50 edited there; then a burst of 1,000 opportunity changes made within a minute.
 *
 * Two costs are counted. Power Platform requests (what the customer's licence pays, issue 11): from
 * the flow runner's run history, as Microsoft counts them (sandbox/flow-runner/src/engine/requests.ts:
 * every trigger that starts a run, every action that runs, retries and loop iterations included).
 * Partner Center calls: from the emulator's call log. Each beside the design before issue 11
 * (76 / 127.5 / 28 requests) and a call-on-every-trigger design (Microsoft's connector calls Partner
 * Center whenever a trigger fires): the trigger firings of the same run.
 */
import type { DynamicsWebApi } from "dynamics-web-api";
import { OPPORTUNITY, OPPORTUNITY_COSELL, PARTNER_CENTER_SOLUTION, SOLUTION_DETAIL } from "../../../plugins-ts/src/model/schema";
import type { RunRecord } from "../../../sandbox/flow-runner/src/engine/types";
import { totalRequests } from "../../../sandbox/flow-runner/src/engine/requests";
import { FLOWS } from "../../../flows/src/ids";
import { startSandbox, type Sandbox } from "../sandbox";
import type { BenchContext, BenchFigure } from "./types";

const CREATES = 200;
const EDITS = 100;
const NO_OPS = 100;
const INBOUND = 50;
const BURST = 1000;
const LATENCY_SAMPLES = 20;
/** Flow waits run at 1/100 of their length here; a person's two seconds between saves likewise. */
const TIME_SCALE = 100;
const HUMAN_PAUSE_MS = 2000 / TIME_SCALE;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The figures of the design before issue 11 (BENCHMARKS.md, 2026-11-22), requests per change. */
export const PREVIOUS = { outbound: 76, inbound: 127.5, noOp: 28 };
/**
 * Power Platform request limits per 24 hours (MicrosoftDocs/power-platform
 * admin/api-request-limits-allocations.md; reference/power-platform-limits.md): what each licence
 * carries, the transition period's higher enforced limits aside.
 */
export const LICENCES = [
  { name: "Power Automate Premium, Dynamics 365 Enterprise or Professional user", perDay: 40_000 },
  { name: "Power Automate Process (per flow)", perDay: 250_000 },
];

interface Call {
  seq: number;
  method: string;
  path: string;
  operation: string;
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

  /**
   * A seller shares a new opportunity: created, a Microsoft solution added, Sync with Partner Center =
   * Yes: three saves, each a couple of seconds apart as a person makes them (20 ms at the bench's time
   * scale of 1/100).
   */
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
        [OPPORTUNITY_COSELL.purchaseIntent]: 619300002, // Have not decided: Partner Center requires the intent
      },
      returnRepresentation: true,
    })) as Record<string, unknown>;
    const id = opp[OPPORTUNITY.primaryId] as string;
    await pause(HUMAN_PAUSE_MS);
    await this.dv.create({
      collection: PARTNER_CENTER_SOLUTION.entitySetName,
      data: {
        [PARTNER_CENTER_SOLUTION.name]: "SOL-12345-ABC",
        [`${PARTNER_CENTER_SOLUTION.opportunityNavigation}@odata.bind`]: `/opportunities(${id})`,
        [`${PARTNER_CENTER_SOLUTION.solutionDetailNavigation}@odata.bind`]: `/${SOLUTION_DETAIL.entitySetName}(${this.solution})`,
      },
    });
    await pause(HUMAN_PAUSE_MS);
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

/** What one phase of the workload cost. */
interface Phase {
  pc: Call[];
  dv: Call[];
  runs: RunRecord[];
  firings: Array<{ workflowId: string; status: string }>;
  requests: number;
  seconds: number;
}

/** Runs of one flow among a phase's runs. */
const runsOf = (p: Phase, flow: { id: string }) => p.runs.filter((r) => r.workflowId === flow.id);
/** Runs in which an action of this name ran (not skipped). */
const ran = (runs: RunRecord[], action: string): number => {
  const has = (actions: RunRecord["actions"] | undefined): boolean =>
    Object.entries(actions ?? {}).some(([name, a]) => (name === action && a.status !== "Skipped") || has(a.actions as RunRecord["actions"]) || (a.iterations ?? []).some((it) => has(it.actions as RunRecord["actions"])));
  return runs.filter((r) => has(r.actions)).length;
};

export async function run(ctx: BenchContext): Promise<BenchFigure[]> {
  // Waits (the receiver's pause before an unknown referral, retry back-offs) at 1/100 of their real length.
  const sb = await startSandbox({ port: 0, stateDir: null, flowRunner: { maxRuns: 1_000_000, sleep: (ms: number) => new Promise((r) => setTimeout(r, ms / TIME_SCALE)) }, partnerCenter: { sleep: async () => undefined } });
  try {
    const off = sb.report.flows.filter((f) => f.status !== "on");
    if (off.length) throw new Error(`flows not on: ${off.map((f) => f.name).join(", ")}`);
    const w = new Workload(sb);
    await w.init();
    const quiet = () => sb.waitForQuiet({ timeoutMs: 300_000 });
    const lastSeq = async (url: string): Promise<number> => (await json(`${url}/calls?after=999999999`)).lastSeq ?? 0;
    const firingsAll = async (): Promise<Array<{ workflowId: string; status: string }>> => {
      const h = await json(`${sb.endpoints.flowRunner.url}/triggers/history`);
      return Array.isArray(h) ? h : (h.value ?? []);
    };
    const phase = async (name: string, work: () => Promise<void>): Promise<Phase> => {
      const before = { pc: await lastSeq(sb.endpoints.partnerCenter.controlUrl), dv: await lastSeq(sb.endpoints.dataverse.controlUrl), runs: sb.flowRunner.listRuns({ top: 1_000_000 }).length, firings: (await firingsAll()).length };
      const t0 = Date.now();
      await work();
      await quiet();
      const seconds = (Date.now() - t0) / 1000;
      const pc = (await json(`${sb.endpoints.partnerCenter.controlUrl}/calls?after=${before.pc}`)).value.filter((c: Call) => c.path.includes("/engagements/referrals"));
      const dv = (await json(`${sb.endpoints.dataverse.controlUrl}/calls?after=${before.dv}`)).value.filter((c: Call & { inBatch?: number }) => !c.inBatch);
      const all = sb.flowRunner.listRuns({ top: 1_000_000 }); // newest first
      const runs = all.slice(0, all.length - before.runs);
      const f = await firingsAll();
      const firings = f.slice(0, f.length - before.firings);
      const p = { pc, dv, runs, firings, requests: totalRequests(runs), seconds };
      ctx.log(`${name}: ${seconds.toFixed(1)} s, ${runs.length} runs, ${p.requests} requests, ${pc.length} Partner Center calls`);
      return p;
    };

    const ids: string[] = [];
    const shares = await phase(`${CREATES} shared`, async () => {
      for (let i = 0; i < CREATES; i++) ids.push(await w.share(i));
    });
    const edits = await phase(`${EDITS} edited`, async () => {
      for (let i = 0; i < EDITS; i++) await w.update(ids[i], { estimatedvalue: 20000 + i, description: `Edited ${i}` });
    });
    const noOps = await phase(`${NO_OPS} saved without a change`, async () => {
      for (let i = 0; i < NO_OPS; i++) {
        const o = await w.opportunity(ids[CREATES - 1 - i]);
        await w.update(ids[CREATES - 1 - i], { estimatedvalue: o.estimatedvalue, name: o.name, description: o.description });
      }
    });
    const inbound: Array<{ id: string; details: Record<string, unknown> }> = [];
    const inboundNew = await phase(`${INBOUND} shared in Partner Center`, async () => {
      for (let i = 0; i < INBOUND; i++) inbound.push(await w.shareFromPartnerCenter(i));
    });
    const inboundEdits = await phase(`${INBOUND} edited in Partner Center`, async () => {
      for (const r of inbound) await w.control("PATCH", `/referrals/${r.id}`, { details: { ...r.details, notes: "Edited by Microsoft" } });
    });

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

    // ---- burst: 1,000 opportunity changes made within a minute, under the cloud's waiting-run rule ---
    await phase(`${BURST - CREATES} more shared for the burst`, async () => {
      for (let i = CREATES; i < BURST; i++) ids.push(await w.share(i));
    });
    const burstValue = (i: number) => 900_000 + i;
    let burstSeconds = 0;
    const burst = await phase(`burst of ${BURST} changes`, async () => {
      const t0 = Date.now();
      let next = 0;
      // Sellers all over the company saving at once: 25 saves in flight at any time.
      await Promise.all(Array.from({ length: 25 }, async () => {
        while (next < BURST) {
          const i = next++;
          await w.update(ids[i], { estimatedvalue: burstValue(i) });
        }
      }));
      burstSeconds = (Date.now() - t0) / 1000;
    });
    const patchesPerReferral = new Map<string, number>();
    for (const c of burst.pc) if (c.method === "PATCH") patchesPerReferral.set(c.path.split("/").pop()!, (patchesPerReferral.get(c.path.split("/").pop()!) ?? 0) + 1);
    let exactlyOnce = 0;
    let missing = 0;
    let twice = 0;
    for (let i = 0; i < BURST; i++) {
      const referralId = (await w.opportunity(ids[i]))[OPPORTUNITY.referralIdentifier] as string;
      const r = await w.control("GET", `/referrals/${referralId}`);
      const sent = patchesPerReferral.get(referralId) ?? 0;
      if (r.details?.dealValue !== burstValue(i) || sent === 0) missing++;
      else if (sent > 1) twice++;
      else exactlyOnce++;
    }
    const rejected = burst.firings.filter((f) => f.status === "Rejected").length;
    ctx.log(`burst: ${BURST} changes in ${burstSeconds.toFixed(1)} s; in Partner Center exactly once ${exactlyOnce}, missing ${missing}, twice ${twice}; ${rejected} firings rejected`);

    // ---- figures ---------------------------------------------------------------------------------
    const opportunityRuns = (p: Phase) => runsOf(p, FLOWS.opportunityTrigger).length + runsOf(p, FLOWS.solutionsTrigger).length;
    const writes = (cs: Call[]) => cs.filter((c) => c.method !== "GET").length;
    const reads = (cs: Call[]) => cs.filter((c) => c.method === "GET").length;
    // Reads the inbound flows made for the webhook echoes of the sync's own creates and patches.
    const echoReads = [shares, edits, burst].reduce((n, p) => n + ran([...runsOf(p, FLOWS.receiver), ...runsOf(p, FLOWS.helper)], "Get_the_referral"), 0);
    const triggerFlows = new Set<string>([FLOWS.opportunityTrigger.id, FLOWS.solutionsTrigger.id, FLOWS.leadTrigger.id, FLOWS.receiver.id]);
    const naive = (p: Phase) => p.firings.filter((f) => triggerFlows.has(f.workflowId)).length;
    const events = INBOUND * 2;
    // The share's middle save (a solution added while Sync is still No) starts flow 9, whose trigger cannot
    // see the opportunity: that save's cost, counted apart from the share itself. Most of its runs find the
    // opportunity not synced and stop; one that starts after the next save set Sync = Yes waits for the
    // create and checks that it saw the row. (Until 2026-12-07 only the first kind was counted apart.)
    const lookRuns = runsOf(shares, FLOWS.solutionsTrigger);
    const stopped = lookRuns.filter((r) => (r.actions.Route_by_the_opportunity?.inputs as { expressionResult?: string } | undefined)?.expressionResult === "not synced").length;
    const lookRequests = totalRequests(lookRuns);
    const perShare = (shares.requests - lookRequests) / CREATES;
    const perEdit = edits.requests / EDITS;
    const perOutbound = (shares.requests - lookRequests + edits.requests) / (CREATES + EDITS);
    const perEvent = (inboundNew.requests + inboundEdits.requests) / events;
    // Dataverse write-backs of the sync that started a run anyway: opportunity-trigger runs beyond the
    // seller's edits, and any in the Partner Center edit phase (a new referral's one check run is by design).
    const echoRuns = Math.max(0, opportunityRuns(edits) - EDITS) + opportunityRuns(inboundEdits);
    const workload = `(workload: ${CREATES} shared, ${EDITS} edited, ${NO_OPS} no-op saves, ${INBOUND} shared in Partner Center + ${INBOUND} edited there)`;
    const day = (perChange: number, perDay: number) => Math.floor(perDay / perChange).toLocaleString("en-US");

    const figures: BenchFigure[] = [
      // Power Platform requests: what the licence pays.
      { name: "Power Platform requests per outbound change", value: perOutbound, unit: "count", budget: 15, note: `the save that shares ${perShare.toFixed(1)}, an edit ${perEdit.toFixed(1)} (${edits.runs.length} runs for ${EDITS}), each with its webhook echo; previous design ${PREVIOUS.outbound}` },
      { name: "requests for a solution added while Sync is No", value: lookRuns.length ? lookRequests / lookRuns.length : 0, unit: "count", note: `${lookRuns.length} runs of flow 9 in ${CREATES} shares (its trigger cannot see the opportunity): ${stopped} found it not synced and stopped, ${lookRuns.length - stopped} started after Sync = Yes and waited for the create; no Partner Center call` },
      { name: "Power Platform requests per inbound event", value: perEvent, unit: "count", budget: 20, note: `new referral ${(inboundNew.requests / INBOUND).toFixed(1)}, edited referral ${(inboundEdits.requests / INBOUND).toFixed(1)}; previous design ${PREVIOUS.inbound}` },
      // The same two costs at another mix, for the decision on the budget's mix (issue 11); no budget of its own.
      { name: "requests per inbound event with four edits per new referral", value: (inboundNew.requests / INBOUND + (4 * inboundEdits.requests) / INBOUND) / 5, unit: "count", note: "the figure above's costs, weighted 1 : 4 instead of 1 : 1" },
      { name: "flow runs for a save that changes nothing synced", value: noOps.runs.length / NO_OPS, unit: "count", budget: 0, note: `${noOps.runs.length} runs, ${noOps.requests} requests for ${NO_OPS} saves; previous design ${PREVIOUS.noOp} requests (two runs) each` },
      { name: "flow runs started by the sync's own Dataverse writes", value: echoRuns, unit: "count", budget: 0, note: `opportunity and solutions trigger runs beyond the seller's ${EDITS} edits, and during the ${INBOUND} Partner Center edits` },
      ...LICENCES.map((l) => ({ name: `changes a day on one ${l.name} licence (${l.perDay.toLocaleString("en-US")} requests)`, value: Math.floor(l.perDay / perOutbound), unit: "count" as const, note: `outbound changes; inbound events: ${day(perEvent, l.perDay)}; previous design ${day(PREVIOUS.outbound, l.perDay)} outbound, ${day(PREVIOUS.inbound, l.perDay)} inbound` })),
      // Partner Center calls.
      { name: "Partner Center calls per opportunity shared", value: shares.pc.length / CREATES, unit: "calls", budget: 1, note: `${writes(shares.pc)} creates, ${reads(shares.pc)} reads for ${CREATES}` },
      {
        name: "Partner Center calls per opportunity edited",
        value: edits.pc.length / EDITS,
        unit: "calls",
        budget: 3,
        note: `${reads(edits.pc)} reads + ${writes(edits.pc)} patches for ${EDITS}: read (PatchReferralById has no If-Match: a change made in Partner Center meanwhile is found here), patch, read back (the version stamp that makes the webhook echo free)`,
      },
      { name: "Partner Center calls for no-op saves", value: noOps.pc.length, unit: "calls", budget: 0, note: `${NO_OPS} saves that change nothing synced; call-on-every-trigger: ${naive(noOps)} firings` },
      { name: "Partner Center reads for webhook echoes of our own writes", value: echoReads, unit: "calls", budget: 0, note: `${CREATES + EDITS + BURST} creates and patches echoed by the webhook` },
      { name: "ours ÷ call-on-every-trigger (seller changes)", value: (shares.pc.length + edits.pc.length) / Math.max(1, naive(shares) + naive(edits)), unit: "ratio", budget: 0.5, note: `${shares.pc.length + edits.pc.length} calls against ${naive(shares) + naive(edits)} trigger firings (echoes included)` },
      { name: "Partner Center calls per referral shared in Partner Center", value: inboundNew.pc.length / INBOUND, unit: "calls", budget: 3, note: `${reads(inboundNew.pc)} reads + ${writes(inboundNew.pc)} patches: the read, the CRM id sent back (externalReferenceId), the read back; call-on-every-trigger: ${naive(inboundNew)} firings` },
      { name: "Partner Center calls per referral edited in Partner Center", value: inboundEdits.pc.length / INBOUND, unit: "calls", budget: 1, note: `${reads(inboundEdits.pc)} reads, ${writes(inboundEdits.pc)} writes back; call-on-every-trigger: ${naive(inboundEdits)} firings` },
      // The burst.
      { name: `burst: changes not in Partner Center exactly once (of ${BURST})`, value: missing + twice, unit: "count", budget: 0, note: `${BURST} changes on ${BURST} shared opportunities in ${burstSeconds.toFixed(1)} s, 25 saves in flight; ${exactlyOnce} exactly once, ${missing} missing, ${twice} twice; ${rejected} trigger firings rejected by the waiting-run limit; ${burst.requests} requests` },
      { name: "burst: time for the changes to be made", value: burstSeconds, unit: "s", budget: 60 },
      { name: "burst: until the last one is in Partner Center", value: burst.seconds, unit: "s", note: `sandbox on loopback, ${burst.runs.length} runs` },
      // Latency.
      { name: "change → Partner Center updated (median)", value: pct(latency, 50), unit: "ms", note: `p95 ${pct(latency, 95).toFixed(0)} ms over ${LATENCY_SAMPLES} edits; sandbox on loopback (Microsoft's connector documents ~10 minutes)` },
      { name: "Partner Center change → CRM updated (median)", value: pct(inboundLatency, 50), unit: "ms", note: `p95 ${pct(inboundLatency, 95).toFixed(0)} ms over ${LATENCY_SAMPLES} edits; webhook, flow runner and Dataverse on loopback` },
      { name: "workload wall time", value: shares.seconds + edits.seconds + noOps.seconds + inboundNew.seconds + inboundEdits.seconds, unit: "s", note: workload },
    ];
    return figures;
  } finally {
    await sb.close();
  }
}
