/**
 * The chaos suite's workload: a plan of steps drawn from a seed (planOf), and how each step is
 * carried out against the sandbox (perform). A plan is plain data, printed with its seed, so a
 * failure can be replayed (same seed, same steps; the timing between the services still varies)
 * and cut down to a scenario of a few steps for a test.
 *
 * Steps are what users and the cloud do: a seller shares an opportunity or edits one (the synced
 * columns, the solutions subgrid), Microsoft shares a referral or edits one in Partner Center, both
 * sides edit the same field 0–90 ms apart, Partner Center answers 429, 5xx or slowly (its faults
 * API), delivers webhook events again and out of order, the sandbox is killed (SIGKILL) and started
 * again on its state, and bursts of steps run at the same time.
 */
import { OPPORTUNITY, OPPORTUNITY_COSELL, PARTNER_CENTER_SOLUTION, PARTNER_ROLE, SOLUTION_AREA, SOLUTION_DETAIL, SOLUTION_PLAY } from "../../../plugins-ts/src/model/schema";
import { Rand, seededRandom } from "../../../sandbox/shared/src/fuzz";
import { partnerCenterClient } from "../sandbox/clients";
import { SEED_ACCOUNT, SEED_CONTACT, SEED_SOLUTIONS } from "../sandbox/seed";
import type { ChaosSandbox } from "./remote";

/** An opportunity the plan shared (by the order it was shared in), or a referral it had Microsoft share. */
export type Target = { kind: "opportunity" | "referral"; index: number };
export type CrmField = "estimatedvalue" | "estimatedclosedate" | "description" | "name";
export type PcField = "dealValue" | "notes" | "closingDateTime";

export type Step =
  | { op: "share"; name: string; value: number; date: string; solutions: number[] }
  | { op: "edit"; target: number; field: CrmField; value: string | number }
  | { op: "solution"; target: number; add: boolean; solution: number }
  | { op: "pcEdit"; target: Target; field: PcField; value: string | number }
  | { op: "conflict"; target: number; pcValue: number; crmValue: number; gapMs: number; pcFirst: boolean }
  | { op: "pcShare"; name: string; value: number; currency: string; solution: number }
  | { op: "fault"; operation: string; status?: number; retryAfter?: number; delayMs?: number; count: number }
  | { op: "redeliver"; last: number; times: number; order: "original" | "reverse" | "shuffle" }
  | { op: "webhooks"; on: boolean }
  | { op: "kill" }
  | { op: "pause"; ms: number }
  | { op: "quiet" }
  | { op: "burst"; steps: Step[] };

export interface PlanOptions {
  /** Steps in the plan (a burst counts as one). */
  steps: number;
  /** Kills placed among them. */
  kills: number;
}

type Drawn = Exclude<Step["op"], "kill" | "burst" | "quiet" | "webhooks">;
const WEIGHTS: Array<[Drawn, number]> = [
  ["share", 3],
  ["edit", 5],
  ["solution", 1],
  ["pcEdit", 4],
  ["conflict", 2],
  ["pcShare", 2],
  ["fault", 3],
  ["redeliver", 2],
  ["pause", 2],
];
const FAULT_OPERATIONS = ["createReferral", "getReferral", "patchReferral", "listReferrals"];

function date(r: Rand): string {
  return `2027-${String(r.int(1, 12)).padStart(2, "0")}-${String(r.int(1, 28)).padStart(2, "0")}`;
}

function drawStep(r: Rand, seed: number, i: number, op: Drawn): Step {
  switch (op) {
    case "share":
      return { op, name: `Chaos ${seed}-${i}`, value: r.int(1, 900) * 1000, date: date(r), solutions: r.chance(0.3) ? [r.int(0, 3), r.int(0, 3)] : [r.int(0, 3)] };
    case "edit": {
      const field = r.pick<CrmField>(["estimatedvalue", "estimatedvalue", "estimatedclosedate", "description", "name"]);
      const value = field === "estimatedvalue" ? r.int(1, 900) * 1000 : field === "estimatedclosedate" ? date(r) : field === "description" ? `Seller note ${seed}-${i}` : `Chaos ${seed}-${i} renamed`;
      return { op, target: r.int(0, 1000), field, value };
    }
    case "solution":
      return { op, target: r.int(0, 1000), add: r.chance(0.6), solution: r.int(0, 3) };
    case "pcEdit": {
      const field = r.pick<PcField>(["dealValue", "dealValue", "notes", "closingDateTime"]);
      const value = field === "dealValue" ? r.int(1, 900) * 1000 : field === "notes" ? `Microsoft note ${seed}-${i}` : `${date(r)}T00:00:00Z`;
      return { op, target: { kind: r.chance(0.6) ? "opportunity" : "referral", index: r.int(0, 1000) }, field, value };
    }
    case "conflict":
      return { op, target: r.int(0, 1000), pcValue: r.int(1, 900) * 1000, crmValue: r.int(1, 900) * 1000, gapMs: r.int(0, 90), pcFirst: r.chance(0.7) };
    case "pcShare":
      return { op, name: `Shared by Microsoft ${seed}-${i}`, value: r.int(1, 900) * 1000, currency: r.pick(["USD", "EUR"]), solution: r.int(0, 3) };
    case "fault": {
      const kind = r.pick(["429", "5xx", "slow"]);
      const operation = r.pick(FAULT_OPERATIONS);
      const count = r.int(1, 3);
      if (kind === "429") return { op, operation, status: 429, retryAfter: r.int(1, 3), count };
      if (kind === "5xx") return { op, operation, status: r.pick([500, 502, 503]), count };
      return { op, operation, delayMs: r.int(50, 400), count };
    }
    case "redeliver":
      return { op, last: r.int(1, 6), times: r.int(1, 2), order: r.pick(["original", "reverse", "shuffle"] as const) };
    case "pause":
      return { op, ms: r.int(0, 40) };
  }
}

/** The plan a seed gives: pure, so the same seed gives the same steps. */
export function planOf(seed: number, options: PlanOptions): Step[] {
  const r = new Rand(seededRandom(seed));
  const total = WEIGHTS.reduce((n, [, w]) => n + w, 0);
  const draw = (i: number): Step => {
    let x = r.next() * total;
    for (const [op, w] of WEIGHTS) {
      if ((x -= w) < 0) return drawStep(r, seed, i, op);
    }
    return drawStep(r, seed, i, "pause");
  };
  const kills = new Set<number>();
  const lo = Math.max(1, Math.floor(options.steps * 0.2));
  const hi = Math.max(lo, Math.floor(options.steps * 0.9));
  while (kills.size < Math.min(options.kills, hi - lo + 1)) kills.add(r.int(lo, hi));
  const steps: Step[] = [];
  // Something to work on from the start: two opportunities and one referral.
  steps.push(drawStep(r, seed, 0, "share"), drawStep(r, seed, 1, "share"), drawStep(r, seed, 2, "pcShare"));
  let outageEnds = -1;
  for (let i = steps.length; i < options.steps; i++) {
    // killed while busy: a seller's share and edit are on their way when the kill comes
    if (kills.has(i)) steps.push({ op: "burst", steps: [drawStep(r, seed, i * 10, "share"), drawStep(r, seed, i * 10 + 1, "edit")] }, { op: "kill" });
    if (i === outageEnds) steps.push({ op: "webhooks", on: true });
    else if (kills.has(i)) continue;
    else if (outageEnds < i && r.chance(0.04)) {
      // our receiver unreachable for a few steps: Partner Center's events in that time are lost
      steps.push({ op: "webhooks", on: false });
      outageEnds = i + r.int(1, 4);
    } else if (r.chance(0.15)) steps.push({ op: "burst", steps: Array.from({ length: r.int(2, 4) }, (_, j) => draw(i * 10 + j)) });
    else steps.push(draw(i));
  }
  if (outageEnds >= options.steps) steps.push({ op: "webhooks", on: true });
  return steps;
}

/** One line per step, for the log a failure prints. */
export function describeStep(s: Step): string {
  switch (s.op) {
    case "share":
      return `seller shares "${s.name}" (${s.value}, ${s.date}, solutions ${s.solutions.map((i) => SEED_SOLUTIONS[i]!.id).join("+")})`;
    case "edit":
      return `seller edits opportunity #${s.target} ${s.field} = ${JSON.stringify(s.value)}`;
    case "solution":
      return `seller ${s.add ? "adds" : "removes"} ${SEED_SOLUTIONS[s.solution]!.id} on opportunity #${s.target}`;
    case "pcEdit":
      return `Partner Center edits ${s.target.kind} #${s.target.index} ${s.field} = ${JSON.stringify(s.value)}`;
    case "conflict":
      return `deal value on opportunity #${s.target}: ${s.pcFirst ? `Partner Center ${s.pcValue}, then ${s.gapMs} ms later the seller ${s.crmValue}` : `the seller ${s.crmValue}, then ${s.gapMs} ms later Partner Center ${s.pcValue}`}`;
    case "pcShare":
      return `Microsoft shares "${s.name}" (${s.value} ${s.currency}, ${SEED_SOLUTIONS[s.solution]!.id})`;
    case "fault":
      return `fault: the next ${s.count} ${s.operation} ${s.status ? `answer ${s.status}${s.retryAfter ? ` (Retry-After ${s.retryAfter})` : ""}` : `answer after ${s.delayMs} ms`}`;
    case "redeliver":
      return `webhooks: the last ${s.last} events delivered ${s.times} more time(s), ${s.order} order`;
    case "webhooks":
      return s.on ? "webhooks: our receiver reachable again (registration restored)" : "webhooks: our receiver unreachable (registration removed: events lost)";
    case "kill":
      return "kill -9 the sandbox, start it again on its state";
    case "pause":
      return `pause ${s.ms} ms`;
    case "quiet":
      return "wait until the sandbox is quiet";
    case "burst":
      return `at once: ${s.steps.map(describeStep).join(" | ")}`;
  }
}

/** The opportunity columns both sides edit, and the referral field each maps to. */
export const SHARED_FIELDS = { estimatedvalue: "dealValue", estimatedclosedate: "closingDateTime", description: "notes" } as const;
export type SharedColumn = keyof typeof SHARED_FIELDS;

/**
 * Who wrote a shared field last, as the suite saw it: the seller (the CRM must then hold that value
 * at the end: the policy lets the side that changed last win, and the CRM when both changed), Partner
 * Center, or "ambiguous" (two writes at once, or Partner Center's change close after the seller's,
 * where either may win).
 */
export interface LastWrite {
  by: "seller" | "partner center" | "ambiguous";
  value: string | number;
  step: string;
}

/** What the suite created (ids acknowledged to it), and what it did, for its figures. */
export class WorkloadState {
  /** Opportunity id → shared column → its last acknowledged write. */
  lastWrites = new Map<string, Map<SharedColumn, LastWrite>>();
  /** Writes of the steps in the burst being carried out (merged when the burst ends). */
  private burst?: Array<[string, SharedColumn, LastWrite]>;

  wrote(opportunityId: string, column: SharedColumn, write: LastWrite): void {
    if (this.burst) this.burst.push([opportunityId, column, write]);
    else this.set(opportunityId, column, write);
  }

  startBurst(): void {
    this.burst = [];
  }

  endBurst(): void {
    const writes = this.burst ?? [];
    this.burst = undefined;
    const key = (w: [string, SharedColumn, LastWrite]) => `${w[0]}|${w[1]}`;
    const counts = new Map<string, number>();
    for (const w of writes) counts.set(key(w), (counts.get(key(w)) ?? 0) + 1);
    // two writes of one field at once: which landed last is not known
    for (const w of writes) this.set(w[0], w[1], counts.get(key(w))! > 1 ? { ...w[2], by: "ambiguous" } : w[2]);
  }

  private set(opportunityId: string, column: SharedColumn, write: LastWrite): void {
    let m = this.lastWrites.get(opportunityId);
    if (!m) this.lastWrites.set(opportunityId, (m = new Map()));
    m.set(column, write);
  }

  opportunities: string[] = [];
  referrals: string[] = [];
  faultedCalls = 0;
  redeliveries = 0;
  operations = 0;
  /** A step the sandbox refused or could not answer (not the flows' outcome: the suite's own calls). */
  stepErrors: string[] = [];
  /** The webhook registration while it is removed (webhooks off). */
  registration?: { WebhookUrl: string; WebhookEvents: string[] };
  account = "";
  contact = "";
  usd = "";
  solutionDetails: string[] = [];
  /** The @odata.bind values of a Services co-sell's partner role, solution area and play (seeded FY26 rows). */
  servicesAttributes: Record<string, string> = {};
}

/** Looks up the ids the steps need (the seeded account, contact, currency and catalogue). */
export async function prepare(sb: ChaosSandbox, state: WorkloadState): Promise<void> {
  const one = async (collection: string, key: string, filter: string): Promise<string> => {
    const r = await sb.dv.retrieveMultiple({ collection, select: [key], filter });
    const v = r.value?.[0]?.[key];
    if (typeof v !== "string") throw new Error(`chaos: the sandbox has no ${collection} row where ${filter}`);
    return v;
  };
  state.account = await one("accounts", "accountid", `name eq '${SEED_ACCOUNT.name}'`);
  state.contact = await one("contacts", "contactid", `emailaddress1 eq '${SEED_CONTACT.emailaddress1}'`);
  state.usd = await one("transactioncurrencies", "transactioncurrencyid", "isocurrencycode eq 'USD'");
  // A Services co-sell (a solution that is not co-sell ready) needs a partner role, solution area and play.
  const bind = async (t: typeof PARTNER_ROLE | typeof SOLUTION_AREA | typeof SOLUTION_PLAY, nav: string, apiId: string) =>
    [`${nav}@odata.bind`, `/${t.entitySetName}(${await one(t.entitySetName, t.primaryId, `${t.apiId} eq '${apiId}'`)})`] as const;
  state.servicesAttributes = Object.fromEntries([
    await bind(PARTNER_ROLE, OPPORTUNITY_COSELL.partnerRoleNavigation, "SolutionDesign"),
    await bind(SOLUTION_AREA, OPPORTUNITY_COSELL.solutionAreaNavigation, "CloudAndAIPlatforms"),
    await bind(SOLUTION_PLAY, OPPORTUNITY_COSELL.solutionPlayNavigation, "MigrateAndModernizeYourEstate"),
  ]);
  state.solutionDetails = [];
  for (const s of SEED_SOLUTIONS) state.solutionDetails.push(await one(SOLUTION_DETAIL.entitySetName, SOLUTION_DETAIL.primaryId, `${SOLUTION_DETAIL.solutionId} eq '${s.id}'`));
}

const SHARED_DESCRIPTION = "Shared by the chaos suite.";
const pickFrom = <T>(xs: T[], index: number): T | undefined => (xs.length ? xs[index % xs.length] : undefined);
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function referralOf(sb: ChaosSandbox, opportunityId: string): Promise<string | undefined> {
  const o = await sb.dv.retrieve({ collection: OPPORTUNITY.entitySetName, key: opportunityId, select: [OPPORTUNITY.referralIdentifier] });
  return (o?.[OPPORTUNITY.referralIdentifier] as string | null) ?? undefined;
}

async function addSolution(sb: ChaosSandbox, state: WorkloadState, opportunityId: string, solution: number): Promise<void> {
  await sb.dv.create({
    collection: PARTNER_CENTER_SOLUTION.entitySetName,
    data: {
      [PARTNER_CENTER_SOLUTION.name]: SEED_SOLUTIONS[solution]!.id,
      [`${PARTNER_CENTER_SOLUTION.opportunityNavigation}@odata.bind`]: `/opportunities(${opportunityId})`,
      [`${PARTNER_CENTER_SOLUTION.solutionDetailNavigation}@odata.bind`]: `/${SOLUTION_DETAIL.entitySetName}(${state.solutionDetails[solution]})`,
    },
  });
}

async function pcEdit(sb: ChaosSandbox, referralId: string, field: PcField, value: string | number): Promise<void> {
  await sb.pcControl("PATCH", `/referrals/${referralId}`, { details: { [field]: value } });
}

/** Carries out one step. The kill is the caller's (it replaces the sandbox's endpoints). */
export async function perform(sb: ChaosSandbox, state: WorkloadState, step: Step): Promise<void> {
  state.operations++;
  try {
    switch (step.op) {
      case "share": {
        const id = (await sb.dv.create({
          collection: OPPORTUNITY.entitySetName,
          data: {
            name: step.name,
            estimatedvalue: step.value,
            estimatedclosedate: step.date,
            description: SHARED_DESCRIPTION,
            "customerid_account@odata.bind": `/accounts(${state.account})`,
            "parentcontactid@odata.bind": `/contacts(${state.contact})`,
            "transactioncurrencyid@odata.bind": `/transactioncurrencies(${state.usd})`,
            [OPPORTUNITY.microsoftHelp]: 619300001,
            [OPPORTUNITY.referralVisibility]: true,
            [OPPORTUNITY_COSELL.purchaseIntent]: 619300002, // Have not decided: required since May 2023
            ...state.servicesAttributes,
          },
        })) as string;
        for (const s of new Set(step.solutions)) await addSolution(sb, state, id, s);
        await sb.dv.update({ collection: OPPORTUNITY.entitySetName, key: id, data: { [OPPORTUNITY.syncWithPartnerCenter]: true } });
        state.opportunities.push(id);
        const what = describeStep(step);
        state.wrote(id, "estimatedvalue", { by: "seller", value: step.value, step: what });
        state.wrote(id, "estimatedclosedate", { by: "seller", value: step.date, step: what });
        state.wrote(id, "description", { by: "seller", value: SHARED_DESCRIPTION, step: what });
        return;
      }
      case "edit": {
        const id = pickFrom(state.opportunities, step.target);
        if (!id) return;
        await sb.dv.update({ collection: OPPORTUNITY.entitySetName, key: id, data: { [step.field]: step.value } });
        if (step.field !== "name") state.wrote(id, step.field, { by: "seller", value: step.value, step: describeStep(step) });
        return;
      }
      case "solution": {
        const id = pickFrom(state.opportunities, step.target);
        if (!id) return;
        const rows = await sb.dv.retrieveMultiple({
          collection: PARTNER_CENTER_SOLUTION.entitySetName,
          select: [PARTNER_CENTER_SOLUTION.primaryId, `_${PARTNER_CENTER_SOLUTION.solutionDetail}_value`],
          filter: `_${PARTNER_CENTER_SOLUTION.opportunity}_value eq ${id}`,
        });
        const detail = state.solutionDetails[step.solution]!;
        const has = (rows.value ?? []).filter((r) => String(r[`_${PARTNER_CENTER_SOLUTION.solutionDetail}_value`]).toLowerCase() === detail.toLowerCase());
        if (step.add && !has.length) await addSolution(sb, state, id, step.solution);
        // never the last one: a referral with no solution is a rule failure, a test of its own
        if (!step.add && has.length && (rows.value ?? []).length > 1) {
          // a step of the same burst may have removed it first: gone is what this step wanted
          await sb.dv.deleteRecord({ collection: PARTNER_CENTER_SOLUTION.entitySetName, key: has[0]![PARTNER_CENTER_SOLUTION.primaryId] as string }).catch((e: { status?: number }) => {
            if (e.status !== 404) throw e;
          });
        }
        return;
      }
      case "pcEdit": {
        const opportunity = step.target.kind === "opportunity" ? pickFrom(state.opportunities, step.target.index) : undefined;
        const referral = step.target.kind === "referral" ? pickFrom(state.referrals, step.target.index) : await optionalReferral(sb, opportunity);
        if (!referral) return;
        await pcEdit(sb, referral, step.field, step.value);
        const column = (Object.keys(SHARED_FIELDS) as SharedColumn[]).find((c) => SHARED_FIELDS[c] === step.field)!;
        if (opportunity) state.wrote(opportunity, column, { by: "partner center", value: step.value, step: describeStep(step) });
        return;
      }
      case "conflict": {
        const id = pickFrom(state.opportunities, step.target);
        const referral = await optionalReferral(sb, id);
        if (!id || !referral) return;
        const crm = async (): Promise<void> => {
          await sb.dv.update({ collection: OPPORTUNITY.entitySetName, key: id, data: { estimatedvalue: step.crmValue } });
        };
        const pc = (): Promise<void> => pcEdit(sb, referral, "dealValue", step.pcValue);
        const [first, second] = step.pcFirst ? [pc, crm] : [crm, pc];
        await Promise.all([first(), sleep(step.gapMs).then(second)]);
        // Partner Center first: the seller's change is the later one and must win. The other way round
        // either may win (the seller's may have been agreed before Partner Center's came).
        state.wrote(id, "estimatedvalue", { by: step.pcFirst ? "seller" : "ambiguous", value: step.crmValue, step: describeStep(step) });
        return;
      }
      case "pcShare": {
        const r = await sb.pcControl<{ id: string }>("POST", "/referrals", {
          name: step.name,
          type: "Shared",
          qualification: "SalesQualified",
          status: "Active",
          substatus: "Accepted",
          customerProfile: {
            name: SEED_ACCOUNT.name,
            address: { addressLine1: SEED_ACCOUNT.address1_line1, city: SEED_ACCOUNT.address1_city, postalCode: SEED_ACCOUNT.address1_postalcode, country: SEED_ACCOUNT.countryCode },
            team: [{ firstName: SEED_CONTACT.firstname, lastName: SEED_CONTACT.lastname, email: SEED_CONTACT.emailaddress1 }],
          },
          consent: { consentToShareReferralWithMicrosoftSellers: true },
          details: { dealValue: step.value, currency: step.currency, closingDateTime: "2027-06-30T00:00:00Z", notes: "", requirements: { solutions: [{ id: SEED_SOLUTIONS[step.solution]!.id }] } },
          inviteContext: { assistanceRequestCode: "QuotesOrLicensing", invitedBy: { organizationId: "msft" } },
        });
        state.referrals.push(r.id);
        return;
      }
      case "fault":
        await sb.pcControl("POST", "/faults", {
          operation: step.operation,
          count: step.count,
          ...(step.status !== undefined ? { status: step.status } : {}),
          ...(step.retryAfter !== undefined ? { retryAfter: step.retryAfter } : {}),
          ...(step.delayMs !== undefined ? { delayMs: step.delayMs } : {}),
        });
        state.faultedCalls += step.count;
        return;
      case "redeliver": {
        const r = await sb.pcControl<{ count: number }>("POST", "/deliveries/repeat", { last: step.last, times: step.times, order: step.order });
        state.redeliveries += r.count;
        return;
      }
      case "webhooks": {
        const client = partnerCenterClient(sb.endpoints);
        if (!step.on) {
          state.registration = (await client.getWebhookRegistration()) ?? state.registration;
          await client.deleteWebhookRegistration();
        } else if (state.registration) {
          // a start after a kill registers it again by itself; restoring it again is harmless
          await client.registerWebhook({ WebhookUrl: sb.endpoints.webhookCallbackUrl ?? state.registration.WebhookUrl, WebhookEvents: state.registration.WebhookEvents, SignatureTokenToMsSignatureHeader: true });
        }
        return;
      }
      case "pause":
        await sleep(step.ms);
        return;
      case "quiet":
        await sb.quiet();
        return;
      case "burst":
        state.operations--;
        state.startBurst();
        try {
          await Promise.all(step.steps.map((s) => perform(sb, state, s)));
        } finally {
          state.endBurst();
        }
        return;
      case "kill":
        throw new Error("a kill is carried out by the interleaving, not perform()");
    }
  } catch (e) {
    state.stepErrors.push(`${describeStep(step)}: ${(e as Error).message}`);
  }
}

async function optionalReferral(sb: ChaosSandbox, opportunityId: string | undefined): Promise<string | undefined> {
  return opportunityId ? referralOf(sb, opportunityId) : undefined;
}
