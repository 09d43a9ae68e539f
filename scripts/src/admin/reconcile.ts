/**
 * `npm run reconcile`: every synced opportunity compared with its referral, field by field, under
 * the one conflict policy (rulebook merge.ts planSync on the sync projection, sync-hash.ts, against
 * the agreement in pcs_synchash, sync-record.ts). A dry run reports every difference and what would
 * be done; --apply does it, the way the flows do:
 *
 *   Partner Center  JSON Patch of the fields the policy sends, on the connector's paths only
 *                   (rulebook plan-apply.ts patchForPlan), then the referral read back;
 *   CRM             one update of the opportunity with the fields the policy takes
 *                   (crmChangesForPlan), the new sync record (the agreed projection, the CRM key of
 *                   the row as written, the read-back version), the sync status, an Audit line per
 *                   direction, the eTag, Last Synced On, the referral status and the check mark;
 *                   a close taken from Partner Center through WinOpportunity / LoseOpportunity.
 *
 * The sync record is written with the key of the row as it will be, so the write starts no flow run
 * (flow 8's trigger condition compares the row with it) and the webhook echo of the patch is
 * recognised (its version is the one recorded).
 *
 * Not done here (reported): opportunities set to sync that have no referral yet (flow 2 creates
 * them, with its claim), and referrals Partner Center has that no CRM record carries (the inbound
 * sync and the recovery flow bring them in).
 */
import { ENVIRONMENT_VARIABLES, LEAD, OPPORTUNITY, PARTNER_CENTER_SOLUTION, SOLUTION_DETAIL, SyncStatus } from "../../../plugins-ts/src/model/schema";
import type { Referral } from "../../../plugins-ts/src/partner-center/referral";
import { PartnerCenterNotFoundError } from "../../../plugins-ts/src/partner-center";
import { auditTimestamp, prependAudit, type AuditEntry } from "../../../plugins-ts/src/rulebook/audit";
import { stripCheckMark, withCheckMark } from "../../../plugins-ts/src/rulebook/check-mark";
import { toReferral } from "../../../plugins-ts/src/rulebook/mapping-outbound";
import { FIELD_LABELS, FIELD_POLICY, planSync, type SyncPlan } from "../../../plugins-ts/src/rulebook/merge";
import { crmChangesForPlan, patchForPlan, type CrmChanges } from "../../../plugins-ts/src/rulebook/plan-apply";
import type { OpportunitySnapshot, RulebookConfig, WebApiRow } from "../../../plugins-ts/src/rulebook/snapshot";
import { referralStatusLabel } from "../../../plugins-ts/src/rulebook/status";
import { SYNC_FIELDS, syncProjection, type SyncField, type SyncProjection } from "../../../plugins-ts/src/rulebook/sync-hash";
import { BEING_WRITTEN, crmKey, formatSyncRecord, parseSyncRecord } from "../../../plugins-ts/src/rulebook/sync-record";
import { odataString, type WebApi } from "../sandbox/webapi";
import { environmentVariables } from "./environment";
import { progress, type ProgressOutput } from "./progress";
import type { AdminClients } from "./target";

export interface FieldDifference {
  field: SyncField;
  label: string;
  crm: string;
  pc: string;
  action: "send" | "take" | "keep" | "refuse";
  why: string;
}

export interface RecordResult {
  opportunityId: string;
  name: string;
  referralId: string;
  /** agrees: nothing differs and the record is up to date; differs: something to do; unreadable: the referral could not be read. */
  status: "agrees" | "differs" | "unreadable";
  differences: FieldDifference[];
  /** Both sides agree but the sync record or status does not say so (e.g. Pending, Error, no record). */
  staleRecord?: string;
  problem?: string;
  /** After --apply: what was done, and what could not be. */
  applied?: string[];
  failed?: string;
}

export interface ReconcileReport {
  compared: number;
  records: RecordResult[];
  /** Opportunities set to sync that Partner Center has no referral for yet. */
  notShared: Array<{ id: string; name: string }>;
  /** Referrals no opportunity or lead carries. */
  partnerCenterOnly: Array<{ id: string; name: string }>;
  applied: boolean;
  /** Differences left after the run (dry run: all of them). */
  remaining: number;
}

export interface ReconcileOptions {
  apply?: boolean;
  progress?: ProgressOutput;
  now?: () => Date;
}

const SOLUTION_ROWS = PARTNER_CENTER_SOLUTION.opportunityRelationship;
const EXPAND = (country: string) =>
  [
    `customerid_account($select=name,address1_line1,address1_line2,address1_city,address1_stateorprovince,address1_postalcode,${country})`,
    "parentcontactid($select=fullname,firstname,lastname,emailaddress1,telephone1)",
    "transactioncurrencyid($select=isocurrencycode)",
    `${SOLUTION_ROWS}($select=${PARTNER_CENTER_SOLUTION.primaryId};$expand=${PARTNER_CENTER_SOLUTION.solutionDetailNavigation}($select=${[SOLUTION_DETAIL.solutionId, SOLUTION_DETAIL.name, SOLUTION_DETAIL.publisherName, SOLUTION_DETAIL.solutionType].join(",")}))`,
  ].join(",");

/** Why the policy decided what it did, in a seller's words. */
function why(field: SyncField, action: FieldDifference["action"], crm: string, pc: string, agreed: SyncProjection | undefined): string {
  switch (action) {
    case "send":
      if (FIELD_POLICY[field] === "crm") return "the CRM's value always goes to Partner Center";
      if (FIELD_POLICY[field] === "sticky") return "shared with Microsoft once, shared for good";
      if (FIELD_POLICY[field] === "state") return "closed in the CRM: the close goes to Partner Center";
      if (!agreed) return "no agreement is recorded: the CRM's value wins";
      return pc !== agreed[field] ? `changed on both sides: the CRM's wins (Partner Center's ${JSON.stringify(pc)} goes to the Audit)` : "changed in the CRM since the last sync";
    case "take":
      if (FIELD_POLICY[field] === "state") return "Partner Center's status decides";
      if (FIELD_POLICY[field] === "sticky") return "shared with Microsoft in Partner Center";
      return "changed in Partner Center since the last sync";
    case "keep":
      if (FIELD_POLICY[field] === "crmOnCreate") return "Partner Center takes it at create only: it stays as it is in the CRM";
      if (crm === "") return "empty in the CRM: Partner Center keeps its value";
      return "not known on one side: left as it is";
    case "refuse":
      return "closed differently on each side: a person must settle it in Partner Center";
  }
}

async function config(api: WebApi): Promise<{ rulebook: RulebookConfig; checkMark: boolean }> {
  const vars = await environmentVariables(api);
  const value = (schemaName: string, fallback: string) => vars.find((v) => v.schemaName.toLowerCase() === schemaName.toLowerCase())?.effective || fallback;
  return {
    rulebook: {
      dealValueField: value(ENVIRONMENT_VARIABLES.dealValueField.schemaName, ENVIRONMENT_VARIABLES.dealValueField.defaultValue),
      customerCountryCodeField: value(ENVIRONMENT_VARIABLES.customerCountryCodeField.schemaName, ENVIRONMENT_VARIABLES.customerCountryCodeField.defaultValue),
    },
    checkMark: /^(yes|true)$/i.test(value(ENVIRONMENT_VARIABLES.displayCheckMark.schemaName, ENVIRONMENT_VARIABLES.displayCheckMark.defaultValue)),
  };
}

/** The opportunity as the outbound flows read it: one row with its account, contact, currency and solutions. */
function snapshotOf(row: Record<string, unknown>, cfg: RulebookConfig): OpportunitySnapshot {
  const rows = (row[SOLUTION_ROWS] as Array<Record<string, unknown>> | undefined) ?? [];
  return {
    opportunity: row,
    account: (row.customerid_account as WebApiRow | null | undefined) ?? null,
    contacts: row.parentcontactid ? [row.parentcontactid as WebApiRow] : [],
    solutions: rows.map((r) => r[PARTNER_CENTER_SOLUTION.solutionDetailNavigation] as WebApiRow).filter(Boolean),
    currency: (row.transactioncurrencyid as WebApiRow | null | undefined) ?? null,
    config: cfg,
  };
}

interface Compared {
  result: RecordResult;
  row: Record<string, unknown>;
  snapshot: OpportunitySnapshot;
  referral?: Referral;
  crm?: SyncProjection;
  pc?: SyncProjection;
  plan?: SyncPlan;
}

async function compare(c: AdminClients, row: Record<string, unknown>, cfg: RulebookConfig): Promise<Compared> {
  const snapshot = snapshotOf(row, cfg);
  const referralId = String(row[OPPORTUNITY.referralIdentifier]);
  const result: RecordResult = { opportunityId: String(row[OPPORTUNITY.primaryId]), name: stripCheckMark(String(row.name ?? "")), referralId, status: "agrees", differences: [] };
  let referral: Referral;
  try {
    referral = await c.partnerCenter.getReferral(referralId);
  } catch (e) {
    result.status = "unreadable";
    result.problem = e instanceof PartnerCenterNotFoundError ? `Partner Center has no referral ${referralId}` : `the referral could not be read: ${(e as Error).message}`;
    return { result, row, snapshot };
  }
  const crm = syncProjection(toReferral(snapshot));
  const pc = syncProjection(referral, { crmContact: crm.contact });
  const record = parseSyncRecord(row[OPPORTUNITY.syncHash] as string | undefined);
  const plan = planSync(crm, pc, record?.pc);
  for (const f of SYNC_FIELDS) {
    const d = plan.decisions[f];
    if (d.action === "none") continue;
    result.differences.push({ field: f, label: FIELD_LABELS[f], crm: crm[f], pc: pc[f], action: d.action, why: why(f, d.action, crm[f], pc[f], record?.pc) });
  }
  const acting = result.differences.some((d) => d.action !== "keep");
  if (acting) result.status = "differs";
  else {
    const status = row[OPPORTUNITY.syncStatus];
    const sameAgreement = record && SYNC_FIELDS.every((f) => record.pc[f] === plan.merged[f]);
    if (!record) result.staleRecord = "no sync record is stored";
    else if (!sameAgreement) result.staleRecord = "its sync record holds older values";
    else if (status !== SyncStatus.Synced) result.staleRecord = `its status is ${status === SyncStatus.Error ? "Error" : status === SyncStatus.Pending ? "Pending" : "Not synced"} while both sides agree`;
    if (result.staleRecord) result.status = "differs";
  }
  return { result, row, snapshot, referral, crm, pc, plan };
}

// ---- apply --------------------------------------------------------------------------------------------

const auditLine = (now: Date, direction: AuditEntry["direction"], outcome: AuditEntry["outcome"], message: string): AuditEntry => ({ timestamp: auditTimestamp(now), direction, outcome, operation: "reconcile", message });

async function resolveChanges(api: WebApi, opportunityId: string, changes: CrmChanges, row: Record<string, unknown>): Promise<{ body: Record<string, unknown>; predicted: Record<string, unknown>; problems: string[]; notes: string[] }> {
  const body: Record<string, unknown> = { ...changes.columns };
  const predicted: Record<string, unknown> = { ...row, ...changes.columns };
  const problems: string[] = [];
  const notes: string[] = [];
  if (changes.currencyCode) {
    const cur = await api.list<{ transactioncurrencyid: string }>(`transactioncurrencies?$select=transactioncurrencyid&$filter=isocurrencycode eq ${odataString(changes.currencyCode)} and statecode eq 0`);
    if (!cur.length) problems.push(`Partner Center's currency ${changes.currencyCode} is not an active currency in the CRM`);
    else {
      body["transactioncurrencyid@odata.bind"] = `/transactioncurrencies(${cur[0].transactioncurrencyid})`;
      predicted._transactioncurrencyid_value = cur[0].transactioncurrencyid;
    }
  }
  if (changes.contact?.email) {
    const found = await api.list<{ contactid: string }>(`contacts?$select=contactid&$filter=emailaddress1 eq ${odataString(changes.contact.email)}`);
    let id: string | undefined = found[0]?.contactid;
    if (!id) {
      const created = await api.post<{ contactid: string }>(
        "contacts",
        { firstname: changes.contact.firstName ?? null, lastname: changes.contact.lastName ?? changes.contact.email, emailaddress1: changes.contact.email, telephone1: changes.contact.phoneNumber ?? null },
        { Prefer: "return=representation" },
      );
      id = created?.contactid;
      notes.push(`created the contact ${changes.contact.email}`);
    }
    if (id) {
      body["parentcontactid@odata.bind"] = `/contacts(${id})`;
      predicted._parentcontactid_value = id;
    }
  }
  if (changes.solutions) {
    const wanted = new Map(changes.solutions.map((s) => [s.id.trim().toUpperCase(), s]));
    const current = ((row[SOLUTION_ROWS] as Array<Record<string, unknown>> | undefined) ?? []).map((r) => ({ id: String(r[PARTNER_CENTER_SOLUTION.primaryId]), solution: String((r[PARTNER_CENTER_SOLUTION.solutionDetailNavigation] as Record<string, unknown> | null)?.[SOLUTION_DETAIL.solutionId] ?? "").toUpperCase() }));
    for (const r of current) if (!wanted.has(r.solution)) await api.delete(`${PARTNER_CENTER_SOLUTION.entitySetName}(${r.id})`);
    for (const [id, s] of wanted) {
      if (current.some((r) => r.solution === id)) continue;
      const detail = await api.list<{ [k: string]: string }>(`${SOLUTION_DETAIL.entitySetName}?$select=${SOLUTION_DETAIL.primaryId}&$filter=${SOLUTION_DETAIL.solutionId} eq ${odataString(id)}`);
      let detailId: string | undefined = detail[0]?.[SOLUTION_DETAIL.primaryId];
      if (!detailId) {
        // A catalogue row is created only when missing, never overwritten with Partner Center's thinner data.
        const created = await api.post<Record<string, string>>(SOLUTION_DETAIL.entitySetName, { [SOLUTION_DETAIL.solutionId]: id, [SOLUTION_DETAIL.name]: s.name ?? id, ...(s.publisherName ? { [SOLUTION_DETAIL.publisherName]: s.publisherName } : {}) }, { Prefer: "return=representation" });
        detailId = created?.[SOLUTION_DETAIL.primaryId];
        notes.push(`added ${id} to the Microsoft Solution Details catalogue`);
      }
      await api.post(PARTNER_CENTER_SOLUTION.entitySetName, {
        [PARTNER_CENTER_SOLUTION.name]: id,
        [`${PARTNER_CENTER_SOLUTION.opportunityNavigation}@odata.bind`]: `/${OPPORTUNITY.entitySetName}(${opportunityId})`,
        [`${PARTNER_CENTER_SOLUTION.solutionDetailNavigation}@odata.bind`]: `/${SOLUTION_DETAIL.entitySetName}(${detailId})`,
      });
    }
  }
  if (changes.state?.to === "open") {
    body.statuscode = changes.state.statuscode;
    predicted.statuscode = changes.state.statuscode;
  } else if (changes.state) {
    predicted.statecode = changes.state.to === "won" ? 1 : 2;
    predicted.statuscode = changes.state.statuscode;
  }
  return { body, predicted, problems, notes };
}

async function applyOne(c: AdminClients, cmp: Compared, cfg: { rulebook: RulebookConfig; checkMark: boolean }, now: Date): Promise<void> {
  const { result, row, plan, pc, referral } = cmp;
  if (!plan || !pc || !referral) return;
  const api = c.api;
  const done: string[] = [];
  let back = referral;
  const entries: AuditEntry[] = [];
  let failed = plan.refuse.length > 0;

  // Partner Center first: what it takes is then read back and recorded.
  if (plan.send.length) {
    const ops = patchForPlan(plan, pc, toReferral(cmp.snapshot));
    if (ops.length) {
      try {
        await c.partnerCenter.patchReferral(result.referralId, ops);
        back = await c.partnerCenter.getReferral(result.referralId);
        const sent = plan.send.map((f) => FIELD_LABELS[f]).join(", ");
        const replaced = plan.replaced.map((r) => `${FIELD_LABELS[r.field]} (${r.pc.slice(0, 60)})`).join(", ");
        entries.push(auditLine(now, "CRM->PC", "Success", `Reconciled: sent to Partner Center: ${sent}.${replaced ? ` The CRM's change replaced Partner Center's: ${replaced}.` : ""}`));
        done.push(`sent ${sent} to Partner Center`);
      } catch (e) {
        result.failed = `Partner Center refused the update: ${(e as Error).message}`;
        entries.push(auditLine(now, "CRM->PC", "Error", `Reconcile could not update Partner Center: ${(e as Error).message}`));
        failed = true;
      }
    }
  }

  // The CRM: the fields it takes, the record, the status, the Audit, in one update.
  const changes = result.failed ? { columns: {} } : crmChangesForPlan(plan, referral, cfg.rulebook);
  const resolved = await resolveChanges(api, result.opportunityId, changes, row);
  if (resolved.problems.length) {
    failed = true;
    entries.push(auditLine(now, "PC->CRM", "Error", `Reconcile could not bring in: ${resolved.problems.join("; ")}.`));
    result.failed = [result.failed, ...resolved.problems].filter(Boolean).join("; ");
  } else if (plan.take.length && !result.failed) {
    const taken = plan.take.map((f) => FIELD_LABELS[f]).join(", ");
    entries.push(auditLine(now, "PC->CRM", "Success", `Reconciled: brought in from Partner Center: ${taken}.`));
    done.push(`brought ${taken} into the CRM`, ...resolved.notes);
  }
  if (plan.refuse.length) entries.push(auditLine(now, "CRM->PC", "Error", `Closed differently on each side (settle it in Partner Center): ${plan.refuse.map((f) => FIELD_LABELS[f]).join(", ")}.`));
  if (!entries.length) entries.push(auditLine(now, "CRM->PC", "Info", "Reconciled: both sides agree."));

  // The agreement: what both sides hold now (read back from Partner Center where something was sent).
  const agreed = result.failed ? parseSyncRecord(row[OPPORTUNITY.syncHash] as string | undefined)?.pc ?? plan.merged : { ...plan.merged, ...pickSent(plan, syncProjection(back, { crmContact: plan.merged.contact })) };
  const name = String(row.name ?? "");
  const finalName = cfg.checkMark ? withCheckMark(name, !failed) : stripCheckMark(name);
  const predicted = { ...resolved.predicted, name: finalName };
  let audit = row[OPPORTUNITY.syncAudit] as string | null;
  for (const e of entries) audit = prependAudit(audit, e);
  const write: Record<string, unknown> = {
    ...resolved.body,
    name: finalName,
    [OPPORTUNITY.syncStatus]: failed ? SyncStatus.Error : SyncStatus.Synced,
    [OPPORTUNITY.syncAudit]: audit,
    [OPPORTUNITY.syncHash]: formatSyncRecord({
      pc: agreed,
      crm: crmKey(predicted, cfg.rulebook),
      updated: result.failed ? (parseSyncRecord(row[OPPORTUNITY.syncHash] as string | undefined)?.updated ?? "") : (back.updatedDateTime ?? ""),
      rows: JSON.stringify(((row[SOLUTION_ROWS] as unknown[]) ?? [])),
    }),
  };
  if (!result.failed) {
    if (back.eTag) write[OPPORTUNITY.referralEtag] = back.eTag;
    if (back.updatedDateTime) write[OPPORTUNITY.lastSyncedOn] = back.updatedDateTime;
    write[OPPORTUNITY.referralStatus] = referralStatusLabel(back.status, back.substatus);
  }
  const closing = !result.failed && changes.state && changes.state.to !== "open" ? changes.state : undefined;
  const url = `${OPPORTUNITY.entitySetName}(${result.opportunityId})`;
  if (closing) {
    // As the inbound sync closes one: the columns under a "being written" record (flow 8 starts no
    // run for it), the close, then the record with the key of the closed row.
    const record = parseSyncRecord(row[OPPORTUNITY.syncHash] as string | undefined);
    await api.patch(url, { ...resolved.body, [OPPORTUNITY.syncHash]: formatSyncRecord({ pc: record?.pc ?? plan.merged, crm: [BEING_WRITTEN], updated: record?.updated ?? "", rows: record?.rows ?? "" }) }, { "If-Match": "*" });
    await api.post(closing.to === "won" ? "WinOpportunity" : "LoseOpportunity", {
      Status: closing.statuscode,
      OpportunityClose: {
        subject: `${closing.to === "won" ? "Won" : "Lost"} in Partner Center`,
        "opportunityid@odata.bind": `/${OPPORTUNITY.entitySetName}(${result.opportunityId})`,
        ...(closing.to === "won" && typeof back.details?.dealValue === "number" ? { actualrevenue: back.details.dealValue } : {}),
      },
    });
    for (const k of Object.keys(resolved.body)) delete write[k];
    done.push(`${closing.to === "won" ? "won" : "lost"} the opportunity, as Partner Center closed it`);
  }
  await api.patch(url, write, { "If-Match": "*" });
  if (!plan.send.length && !plan.take.length && !result.failed) done.push(result.staleRecord ? `recorded that both sides agree (${result.staleRecord})` : "recorded that both sides agree");
  result.applied = done;
}

/** The values Partner Center now holds for the fields that were sent (the read-back is the agreement). */
function pickSent(plan: SyncPlan, back: SyncProjection): Partial<SyncProjection> {
  return Object.fromEntries(plan.send.map((f) => [f, back[f]]));
}

// ---- all ------------------------------------------------------------------------------------------------

export async function reconcile(c: AdminClients, o: ReconcileOptions = {}): Promise<ReconcileReport> {
  const api = c.api;
  const cfg = await config(api);
  const country = cfg.rulebook.customerCountryCodeField;
  const synced = await api.list<{ opportunityid: string; name: string; [k: string]: unknown }>(
    `${OPPORTUNITY.entitySetName}?$select=opportunityid,name,${OPPORTUNITY.referralIdentifier}&$filter=${OPPORTUNITY.syncWithPartnerCenter} eq true`,
  );
  const shared = synced.filter((r) => r[OPPORTUNITY.referralIdentifier]);
  const notShared = synced.filter((r) => !r[OPPORTUNITY.referralIdentifier]).map((r) => ({ id: r.opportunityid, name: stripCheckMark(String(r.name ?? "")) }));
  const bar = progress(o.progress, `Comparing ${shared.length} opportunit${shared.length === 1 ? "y" : "ies"} with Partner Center`);
  const compared: Compared[] = [];
  for (const [i, s] of shared.entries()) {
    const row = await api.get<Record<string, unknown>>(`${OPPORTUNITY.entitySetName}(${s.opportunityid})?$expand=${EXPAND(country)}`);
    compared.push(await compare(c, row, cfg.rulebook));
    bar.update((i + 1) / Math.max(1, shared.length), stripCheckMark(String(s.name ?? "")));
  }
  bar.done(`Compared ${shared.length} opportunit${shared.length === 1 ? "y" : "ies"} with their referrals.`);

  // Referrals no CRM record carries (leads included).
  const leads = await api.list<Record<string, unknown>>(`${LEAD.entitySetName}?$select=${LEAD.referralIdentifier}&$filter=${LEAD.referralIdentifier} ne null`);
  const known = new Set([...shared.map((s) => String(s[OPPORTUNITY.referralIdentifier])), ...leads.map((l) => String(l[LEAD.referralIdentifier]))]);
  const allOpps = await api.list<Record<string, unknown>>(`${OPPORTUNITY.entitySetName}?$select=${OPPORTUNITY.referralIdentifier}&$filter=${OPPORTUNITY.referralIdentifier} ne null`);
  for (const r of allOpps) known.add(String(r[OPPORTUNITY.referralIdentifier]));
  const partnerCenterOnly: Array<{ id: string; name: string }> = [];
  const listing = progress(o.progress, "Reading Partner Center's referrals");
  let read = 0;
  for await (const r of c.partnerCenter.listReferrals()) {
    read++;
    if (r.id && !known.has(r.id)) partnerCenterOnly.push({ id: r.id, name: r.name ?? "" });
    if (read % 100 === 0) listing.update(0.5, `${read} read`);
  }
  listing.done(`Read ${read} referral${read === 1 ? "" : "s"} from Partner Center.`);

  if (o.apply) {
    const now = o.now?.() ?? new Date();
    const todo = compared.filter((x) => x.result.status === "differs");
    const applying = progress(todo.length ? o.progress : undefined, `Reconciling ${todo.length} record${todo.length === 1 ? "" : "s"}`);
    for (const [i, x] of todo.entries()) {
      try {
        await applyOne(c, x, cfg, now);
      } catch (e) {
        x.result.failed = (e as Error).message;
      }
      applying.update((i + 1) / todo.length, x.result.name);
    }
    if (todo.length) applying.done(`Reconciled ${todo.filter((x) => !x.result.failed).length} of ${todo.length} records.`);
  }
  const records = compared.map((x) => x.result);
  const remaining = records.filter((r) => r.status !== "agrees" && (!o.apply || r.failed || r.status === "unreadable")).length;
  return { compared: records.length, records, notShared, partnerCenterOnly, applied: o.apply === true, remaining };
}
