/**
 * What must hold once the sandbox is quiet and the recovery has run, whatever happened before
 * (issue 13, "Must show"): read both sides in full and compare them through the rulebook's own
 * projection and conflict policy (plugins-ts/src/rulebook/sync-hash.ts, merge.ts), the same ones the
 * flows are generated from.
 *
 * - divergence: an opportunity that syncs, not in Error, whose referral differs from it on a synced
 *   field the policy would act on (send, take or refuse; a `keep` difference is by design), or that
 *   names no referral; a referral of the partner's that no opportunity or lead carries;
 * - unactionable error: an opportunity in Error whose newest Audit error is not one a seller can act
 *   on (a rule message, or Partner Center refusing the data with a 4xx other than 408 and 429): a
 *   transient failure must have been retried by now;
 * - duplicate: two referrals with one externalReferenceId, two opportunities (or leads) with one
 *   referral id;
 * - stuck: an opportunity with Sync = Yes in Not synced or Pending (or no status);
 * - lost seller edit (checkLastWrites): a field both sides edit whose last write was the seller's no
 *   longer holds the seller's value in the CRM (docs/flows.md: a change made during a sync is not lost;
 *   the side that changed wins, the CRM when both did).
 */
import type { DynamicsWebApi } from "dynamics-web-api";
import { OPPORTUNITY, PARTNER_CENTER_SOLUTION, SOLUTION_DETAIL, SyncStatus, LEAD } from "../../../plugins-ts/src/model/schema";
import type { Referral } from "../../../plugins-ts/src/partner-center/referral";
import { latestError } from "../../../plugins-ts/src/rulebook/audit";
import { FIELD_LABELS, planSync } from "../../../plugins-ts/src/rulebook/merge";
import { toReferral } from "../../../plugins-ts/src/rulebook/mapping-outbound";
import { MESSAGES_1033, type MessageId } from "../../../plugins-ts/src/rulebook/messages";
import { RULE_TABLES } from "../../../plugins-ts/src/rulebook/rules";
import type { OpportunitySnapshot, WebApiRow } from "../../../plugins-ts/src/rulebook/snapshot";
import { syncProjection } from "../../../plugins-ts/src/rulebook/sync-hash";
import { parseSyncRecord } from "../../../plugins-ts/src/rulebook/sync-record";
import type { ChaosSandbox } from "./remote";
import type { LastWrite, SharedColumn } from "./workload";

export type ViolationKind = "divergence" | "unactionable error" | "duplicate referral" | "duplicate opportunity" | "stuck" | "lost seller edit";

export interface Violation {
  kind: ViolationKind;
  /** The opportunity (name and id) or referral it is about. */
  record: string;
  detail: string;
}

export interface InvariantReport {
  /** Opportunities with Sync = Yes, leads with a referral, and the partner's referrals, each checked. */
  recordsChecked: number;
  /** Seller edits checked by checkLastWrites (the interleaving adds them). */
  editsChecked?: number;
  violations: Violation[];
}

/** The rule failures the flows report before a call (the rulebook's outbound table: what a seller fixes on the form). */
const RULE_MESSAGES: MessageId[] = [...new Set(RULE_TABLES.outbound.rules.map((r) => r.message))];
const RULE_PATTERNS = RULE_MESSAGES.map((id) => new RegExp(MESSAGES_1033[id].replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{[a-z]+\}/gi, ".*")));

/** Whether a seller (or admin) can act on an Error's message, rather than wait for a retry that should have happened. */
export function isActionable(message: string): boolean {
  if (RULE_PATTERNS.some((p) => p.test(message))) return true;
  const answered = /Partner Center answered (\d{3})/.exec(message);
  if (answered) {
    const status = Number(answered[1]);
    return status >= 400 && status < 500 && status !== 408 && status !== 429;
  }
  // Both sides closed, differently, and other conflicts only a person settles: the flows say so in words.
  return /closed .*differently|a person must/i.test(message);
}

async function all(dv: DynamicsWebApi, collection: string, select?: string[], filter?: string): Promise<WebApiRow[]> {
  return (await dv.retrieveAll({ collection, ...(select ? { select } : {}), ...(filter ? { filter } : {}) })).value as WebApiRow[];
}

const label = (o: WebApiRow): string => `opportunity "${String(o.name ?? "")}" (${String(o.opportunityid)})`;

export async function checkInvariants(sb: ChaosSandbox): Promise<InvariantReport> {
  const dv = sb.dv;
  const [referrals, opportunities, leads, accounts, contacts, currencies, details, links] = await Promise.all([
    sb.referrals() as Promise<Referral[]>,
    all(dv, OPPORTUNITY.entitySetName),
    all(dv, LEAD.entitySetName, [LEAD.primaryId, LEAD.referralIdentifier, LEAD.syncStatus, "statecode"], `${LEAD.referralIdentifier} ne null`),
    all(dv, "accounts"),
    all(dv, "contacts"),
    all(dv, "transactioncurrencies", ["transactioncurrencyid", "isocurrencycode"]),
    all(dv, SOLUTION_DETAIL.entitySetName),
    all(dv, PARTNER_CENTER_SOLUTION.entitySetName, [PARTNER_CENTER_SOLUTION.primaryId, `_${PARTNER_CENTER_SOLUTION.opportunity}_value`, `_${PARTNER_CENTER_SOLUTION.solutionDetail}_value`]),
  ]);
  const byId = (rows: WebApiRow[], key: string) => new Map(rows.map((r) => [String(r[key]).toLowerCase(), r]));
  const accountById = byId(accounts, "accountid");
  const contactById = byId(contacts, "contactid");
  const currencyById = byId(currencies, "transactioncurrencyid");
  const detailById = byId(details, SOLUTION_DETAIL.primaryId);
  const solutionsOf = new Map<string, WebApiRow[]>();
  for (const l of links) {
    const opp = String(l[`_${PARTNER_CENTER_SOLUTION.opportunity}_value`] ?? "").toLowerCase();
    const d = detailById.get(String(l[`_${PARTNER_CENTER_SOLUTION.solutionDetail}_value`] ?? "").toLowerCase());
    if (opp && d) solutionsOf.set(opp, [...(solutionsOf.get(opp) ?? []), d]);
  }
  const own = referrals.filter((r) => r.organizationId !== "msft");
  const referralById = new Map(own.map((r) => [String(r.id).toLowerCase(), r]));
  const violations: Violation[] = [];

  // duplicates
  const groups = <T>(items: T[], key: (t: T) => string): Map<string, T[]> => {
    const m = new Map<string, T[]>();
    for (const i of items) {
      const k = key(i);
      if (k) m.set(k, [...(m.get(k) ?? []), i]);
    }
    return m;
  };
  for (const [ext, rs] of groups(own, (r) => String(r.externalReferenceId ?? "").trim().toLowerCase())) {
    if (rs.length > 1) violations.push({ kind: "duplicate referral", record: `externalReferenceId ${ext}`, detail: `${rs.length} referrals: ${rs.map((r) => r.id).join(", ")}` });
  }
  for (const [ref, os] of groups(opportunities, (o) => String(o[OPPORTUNITY.referralIdentifier] ?? "").toLowerCase())) {
    if (os.length > 1) violations.push({ kind: "duplicate opportunity", record: `referral ${ref}`, detail: `${os.length} opportunities: ${os.map((o) => o.opportunityid).join(", ")}` });
  }
  for (const [ref, ls] of groups(leads, (l) => String(l[LEAD.referralIdentifier] ?? "").toLowerCase())) {
    if (ls.length > 1) violations.push({ kind: "duplicate opportunity", record: `referral ${ref}`, detail: `${ls.length} leads carry it` });
  }

  // every opportunity that syncs
  let checked = 0;
  for (const o of opportunities) {
    if (o[OPPORTUNITY.syncWithPartnerCenter] !== true) continue;
    checked++;
    const status = o[OPPORTUNITY.syncStatus];
    if (status === SyncStatus.NotSynced || status === SyncStatus.Pending || status === null || status === undefined) {
      violations.push({ kind: "stuck", record: label(o), detail: `Sync with Partner Center is Yes and the status is ${status === SyncStatus.Pending ? "Pending" : "Not synced"}${o[OPPORTUNITY.referralIdentifier] ? "" : " (no referral)"}` });
      continue;
    }
    if (status === SyncStatus.Error) {
      const err = latestError(o[OPPORTUNITY.syncAudit] as string | null);
      if (!err || !isActionable(err.message)) violations.push({ kind: "unactionable error", record: label(o), detail: err ? `newest Audit error: ${err.operation}: ${err.message}` : "Error with no Audit error line" });
      continue;
    }
    const refId = String(o[OPPORTUNITY.referralIdentifier] ?? "").toLowerCase();
    const referral = refId ? referralById.get(refId) : undefined;
    if (!referral) {
      violations.push({ kind: "divergence", record: label(o), detail: refId ? `shows Synced but Partner Center has no referral ${refId}` : "shows Synced but names no referral" });
      continue;
    }
    const snapshot = snapshotOf(o, { accountById, contactById, currencyById, solutionsOf });
    const crmContact = String(snapshot.contacts?.[0]?.emailaddress1 ?? "").trim().toLowerCase();
    const crm = syncProjection(toReferral(snapshot));
    const pc = syncProjection(referral, { crmContact });
    const agreed = parseSyncRecord(o[OPPORTUNITY.syncHash] as string | null)?.pc;
    const plan = planSync(crm, pc, agreed);
    const acting = [...plan.send, ...plan.take, ...plan.refuse];
    if (acting.length) {
      violations.push({
        kind: "divergence",
        record: label(o),
        detail: `shows Synced; ${acting.map((f) => `${FIELD_LABELS[f]}: CRM "${crm[f]}", Partner Center "${pc[f]}"${agreed ? `, agreed "${agreed[f]}"` : ""}`).join("; ")}`,
      });
    }
  }

  // every referral of the partner's is in the CRM
  const carried = new Set([...opportunities, ...leads].map((r) => String(r[OPPORTUNITY.referralIdentifier] ?? "").toLowerCase()).filter(Boolean));
  for (const r of own) {
    checked++;
    if (!carried.has(String(r.id).toLowerCase())) {
      violations.push({
        kind: "divergence",
        record: `referral "${r.name}" (${r.id})`,
        detail: r.externalReferenceId ? `no opportunity carries it (its externalReferenceId names ${r.externalReferenceId}: an orphan of a create)` : "no opportunity or lead carries it (never brought into the CRM)",
      });
    }
  }
  checked += leads.length;
  return { recordsChecked: checked, violations };
}

function snapshotOf(
  o: WebApiRow,
  m: { accountById: Map<string, WebApiRow>; contactById: Map<string, WebApiRow>; currencyById: Map<string, WebApiRow>; solutionsOf: Map<string, WebApiRow[]> },
): OpportunitySnapshot {
  const id = (v: unknown) => String(v ?? "").toLowerCase();
  const contact = m.contactById.get(id(o._parentcontactid_value));
  return {
    opportunity: o,
    account: m.accountById.get(id(o._customerid_value)) ?? null,
    contacts: contact ? [contact] : [],
    solutions: m.solutionsOf.get(id(o.opportunityid)) ?? [],
    currency: m.currencyById.get(id(o._transactioncurrencyid_value)) ?? null,
  };
}

/** The seller's last write of each shared field is what the CRM holds (see LastWrite). */
export async function checkLastWrites(sb: ChaosSandbox, lastWrites: ReadonlyMap<string, ReadonlyMap<SharedColumn, LastWrite>>): Promise<{ checked: number; violations: Violation[] }> {
  const violations: Violation[] = [];
  let checked = 0;
  const same = (column: SharedColumn, a: unknown, b: unknown): boolean =>
    column === "estimatedvalue" ? Number(a) === Number(b) : column === "estimatedclosedate" ? String(a ?? "").slice(0, 10) === String(b ?? "").slice(0, 10) : String(a ?? "").trim() === String(b ?? "").trim();
  for (const [id, columns] of lastWrites) {
    const sellers = [...columns].filter(([, w]) => w.by === "seller");
    if (!sellers.length) continue;
    const o = (await sb.dv.retrieve({ collection: OPPORTUNITY.entitySetName, key: id, select: ["name", ...sellers.map(([c]) => c)] })) as WebApiRow;
    for (const [column, w] of sellers) {
      checked++;
      if (!same(column, o[column], w.value)) {
        violations.push({ kind: "lost seller edit", record: label({ ...o, opportunityid: id }), detail: `${column} is ${JSON.stringify(o[column])}; the seller's last write was ${JSON.stringify(w.value)} (${w.step})` });
      }
    }
  }
  return { checked, violations };
}
