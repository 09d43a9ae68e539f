/**
 * The conflict policy: how one synced field is brought into agreement when the CRM and Partner
 * Center may both have changed it since the sync last agreed (three-way merge on the sync
 * projection, sync-hash.ts). Every flow that syncs a record applies it (the flows' expressions are
 * generated from FIELD_POLICY by flows/src/blocks/merge.ts), and so do reconciliation and the
 * command line: one policy, one table, test-vectors/merge.json.
 *
 * Inputs per field, all projection strings: crm (what the CRM holds now), pc (what Partner Center
 * holds now), agreed (what the sync last agreed, or undefined when it never agreed on anything).
 *
 * | policy      | fields                                  | rule |
 * |-------------|-----------------------------------------|------|
 * | twoWay      | closingDate, contact, currency, dealValue, notes, solutions | The side that changed since the agreement wins. Both changed, to different values: the CRM wins (the partner's seller owns the deal) and Partner Center's value is written to Audit. Never agreed: the CRM wins. |
 * | crm         | externalReferenceId, salesStage         | The CRM's: sent when it differs; Partner Center's own changes are not taken (its documented PC→CRM fields are deal value, currency, closing date, notes and status). |
 * | crmOnCreate | help, name                              | Taken by Partner Center at create only (not patchable): a later CRM change stays in the CRM, audited, and is not a difference. |
 * | sticky      | shared                                  | Once "true" on either side it is true on both: sharing with Microsoft cannot be undone. |
 * | state       | state                                   | Partner Center's transitions decide: a referral closed in Partner Center is final (the CRM follows); a CRM close is sent; accepting is one-way; both closed, differently: an error a person must settle. |
 */
import { SYNC_FIELDS, SyncField, SyncProjection } from "./sync-hash";

/** How the Audit names each synced field (the form's labels). */
export const FIELD_LABELS: Readonly<Record<SyncField, string>> = {
  closingDate: "Est. Close Date",
  contact: "Contact",
  currency: "Currency",
  dealValue: "Deal value",
  externalReferenceId: "CRM record",
  help: "How can Microsoft help?",
  name: "Topic",
  notes: "Description",
  salesStage: "Sales Stage",
  shared: "Referral Visibility",
  solutions: "Microsoft Solutions",
  state: "Status",
};

export type FieldPolicy = "twoWay" | "crm" | "crmOnCreate" | "sticky" | "state";

export const FIELD_POLICY: Readonly<Record<SyncField, FieldPolicy>> = {
  closingDate: "twoWay",
  contact: "twoWay",
  currency: "twoWay",
  dealValue: "twoWay",
  externalReferenceId: "crm",
  help: "crmOnCreate",
  name: "crmOnCreate",
  notes: "twoWay",
  salesStage: "crm",
  shared: "sticky",
  solutions: "twoWay",
  state: "state",
};

/**
 * What happens to one field:
 * - none: the two sides agree;
 * - send: Partner Center gets the CRM's value;
 * - take: the CRM gets Partner Center's value;
 * - keep: they differ by design (crmOnCreate), nothing is sent;
 * - refuse: they differ and neither side can follow (a person must settle it: Error).
 */
export type FieldAction = "none" | "send" | "take" | "keep" | "refuse";

export interface FieldDecision {
  action: FieldAction;
  /** The value both sides hold afterwards (the CRM's for keep and refuse). */
  value: string;
  /** Partner Center's value that the CRM's replaced (both changed: the CRM won); audited. */
  replaced?: string;
}

const TERMINAL = new Set(["won", "lost"]);

/** One field (the table above). Empty values never travel: an empty side is "not known" for state and a plain value otherwise. */
export function decideField(field: SyncField, crm: string, pc: string, agreed: string | undefined): FieldDecision {
  if (crm === pc) return { action: "none", value: crm };
  switch (FIELD_POLICY[field]) {
    case "twoWay": {
      if (agreed !== undefined && crm === agreed) return { action: "take", value: pc };
      // Partner Center takes no empty value (a cleared field is the rules' to report): it stays in the CRM.
      if (crm === "") return { action: "keep", value: crm };
      const bothChanged = agreed !== undefined && pc !== agreed;
      return bothChanged ? { action: "send", value: crm, replaced: pc } : { action: "send", value: crm };
    }
    case "crm":
      return crm === "" ? { action: "keep", value: crm } : { action: "send", value: crm };
    case "crmOnCreate":
      return { action: "keep", value: crm };
    case "sticky":
      return crm === "true" ? { action: "send", value: "true" } : pc === "true" ? { action: "take", value: "true" } : { action: "none", value: crm };
    case "state": {
      if (crm === "" || pc === "") return { action: "keep", value: crm };
      if (TERMINAL.has(pc)) return TERMINAL.has(crm) ? { action: "refuse", value: crm } : { action: "take", value: pc };
      if (TERMINAL.has(crm)) return { action: "send", value: crm };
      // open vs pending: accepting is one-way, whichever side did it.
      return crm === "open" ? { action: "send", value: "open" } : { action: "take", value: "open" };
    }
  }
}

export interface SyncPlan {
  decisions: Record<SyncField, FieldDecision>;
  /** The projection both sides hold once the plan is carried out (the new agreement). */
  merged: SyncProjection;
  send: SyncField[];
  take: SyncField[];
  keep: SyncField[];
  refuse: SyncField[];
  /** Fields where Partner Center's own change lost to the CRM's (for the Audit line). */
  replaced: Array<{ field: SyncField; pc: string }>;
}

/**
 * The plan for a record: every field decided. `examine` lists the fields this sync looked at (a
 * flow that did not read the solutions passes the others); a field not examined keeps the
 * agreement (or, with none, the CRM's value) and is not acted on.
 */
export function planSync(crm: SyncProjection, pc: SyncProjection, agreed: SyncProjection | undefined, examine: readonly SyncField[] = SYNC_FIELDS): SyncPlan {
  const decisions = {} as Record<SyncField, FieldDecision>;
  const merged = {} as SyncProjection;
  const plan: SyncPlan = { decisions, merged, send: [], take: [], keep: [], refuse: [], replaced: [] };
  for (const f of SYNC_FIELDS) {
    const d: FieldDecision = examine.includes(f) ? decideField(f, crm[f], pc[f], agreed?.[f]) : { action: "none", value: agreed?.[f] ?? crm[f] };
    decisions[f] = d;
    merged[f] = d.value;
    if (d.action !== "none") plan[d.action].push(f);
    if (d.replaced !== undefined) plan.replaced.push({ field: f, pc: d.replaced });
  }
  return plan;
}
