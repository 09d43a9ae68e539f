/**
 * Carrying out a sync plan (merge.ts planSync) on both sides, as pure functions the reconciliation
 * uses (the command line's npm run reconcile; the flows build the same operations in WDL,
 * flows/src/blocks/outbound.ts patchOperations, held equal by flows/src/__tests__/patch-parity.test.ts):
 *
 * - patchForPlan: the JSON Patch that sends the fields the plan sends, on the certified connector's
 *   paths only (partner-center-2026.md §2.4): "add" where Partner Center has no value yet, "replace"
 *   where it has one; a contact is appended to the customer's team (never replacing Partner Center's
 *   others); a CRM close goes out as status + substatus (a referral still New and lost is Declined),
 *   with the lost reason.
 * - crmChangesForPlan: what the CRM must change to take Partner Center's values: opportunity
 *   columns (the deal value in the configured column), and the lookups and state changes that need
 *   a row found or an action (contact by e-mail, currency by ISO code, the solution list, Win/Lose).
 *
 * Vectors: test-vectors/plan-apply.json.
 */
import type { JsonPatchOperation, Member, PatchablePath, Referral, ReferralSolution } from "../partner-center/referral";
import { PATCHABLE_PATHS } from "../partner-center/referral";
import { OPPORTUNITY } from "../model/schema";
import { toDateOnly } from "./mapping-inbound";
import type { SyncPlan } from "./merge";
import { configOf, OpportunitySnapshot } from "./snapshot";
import { OPPORTUNITY_STATUS_CODE, opportunityStatusCodeOf } from "./status";
import type { SyncField, SyncProjection } from "./sync-hash";

/**
 * The patch for the fields the plan sends. `pc` is Partner Center's projection (which decides add or
 * replace), `desired` the referral the opportunity describes (mapping-outbound.ts toReferral).
 */
export function patchForPlan(plan: Pick<SyncPlan, "send" | "merged">, pc: SyncProjection, desired: Referral): JsonPatchOperation[] {
  const ops: JsonPatchOperation[] = [];
  const op = (f: SyncField, path: PatchablePath, value: unknown, kind?: "add" | "replace") => ops.push({ op: kind ?? (pc[f] === "" ? "add" : "replace"), path, value });
  for (const f of plan.send) {
    switch (f) {
      case "closingDate":
        op(f, "/details/closingDateTime", `${plan.merged.closingDate}T00:00:00Z`);
        break;
      case "contact": {
        const member = (desired.customerProfile?.team ?? []).find((m) => (m.email ?? "").trim().toLowerCase() === plan.merged.contact);
        if (member) op(f, "/customerProfile/team/-", member, "add");
        break;
      }
      case "currency":
        op(f, "/details/currency", plan.merged.currency);
        break;
      case "dealValue":
        op(f, "/details/dealValue", desired.details?.dealValue ?? Number(plan.merged.dealValue));
        break;
      case "externalReferenceId":
        op(f, "/externalReferenceId", plan.merged.externalReferenceId);
        break;
      case "notes":
        op(f, "/details/notes", plan.merged.notes);
        break;
      case "salesStage":
        op(f, "/salesStage", plan.merged.salesStage);
        break;
      case "shared":
        op(f, "/consent/consentToShareReferralWithMicrosoftSellers", true, "replace");
        break;
      case "solutions":
        op(f, "/details/requirements/solutions", desired.details?.requirements?.solutions ?? [], "replace");
        break;
      case "state": {
        const state = plan.merged.state;
        op(f, "/status", state === "open" ? "Active" : "Closed", "replace");
        op(f, "/substatus", state === "open" ? "Accepted" : state === "won" ? "Won" : pc.state === "pending" ? "Declined" : "Lost", "replace");
        if (state === "lost" && desired.statusReason) op(f, "/statusReason", desired.statusReason, "replace");
        break;
      }
      default:
        break; // help, name: taken by Partner Center at create only (never "send")
    }
  }
  const order = (p: string) => PATCHABLE_PATHS.indexOf(p as PatchablePath);
  return ops.sort((a, b) => order(a.path) - order(b.path));
}

export interface CrmChanges {
  /** Opportunity columns to write (logical names, Web API values). */
  columns: Record<string, unknown>;
  /** parentcontactid: the contact with this member's e-mail (created from the member when there is none). */
  contact?: Member;
  /** transactioncurrencyid: the currency with this ISO code. */
  currencyCode?: string;
  /** The opportunity's Microsoft solutions become exactly these (catalogue rows by pcs_solutionid). */
  solutions?: ReferralSolution[];
  /** A state change the CRM makes through an action (WinOpportunity / LoseOpportunity) or its status reason. */
  state?: { to: "won" | "lost" | "open"; statuscode: number };
}

/** What the CRM changes to take Partner Center's values for the fields the plan takes. */
export function crmChangesForPlan(plan: Pick<SyncPlan, "take" | "merged">, referral: Referral, config: OpportunitySnapshot["config"] = {}): CrmChanges {
  const { dealValueField } = configOf({ config });
  const out: CrmChanges = { columns: {} };
  for (const f of plan.take) {
    switch (f) {
      case "closingDate":
        out.columns.estimatedclosedate = toDateOnly(referral.details?.closingDateTime);
        break;
      case "dealValue":
        out.columns[dealValueField] = typeof referral.details?.dealValue === "number" ? referral.details.dealValue : null;
        break;
      case "notes":
        out.columns.description = plan.merged.notes === "" ? null : (referral.details?.notes ?? "").trim();
        break;
      case "shared":
        out.columns[OPPORTUNITY.referralVisibility] = true;
        break;
      case "contact": {
        const m = (referral.customerProfile?.team ?? []).find((x) => (x.email ?? "").trim().toLowerCase() === plan.merged.contact);
        if (m) out.contact = m;
        break;
      }
      case "currency":
        out.currencyCode = plan.merged.currency;
        break;
      case "solutions": {
        const wanted = new Set(plan.merged.solutions.split(",").filter(Boolean));
        const seen = new Set<string>();
        out.solutions = (referral.details?.requirements?.solutions ?? []).filter((s) => {
          const id = (s.id ?? "").trim().toUpperCase();
          if (!wanted.has(id) || seen.has(id)) return false;
          seen.add(id);
          return true;
        });
        break;
      }
      case "state": {
        const to = plan.merged.state;
        if (to === "won" || to === "lost") out.state = { to, statuscode: opportunityStatusCodeOf(referral.status, referral.substatus) };
        else if (to === "open") out.state = { to, statuscode: OPPORTUNITY_STATUS_CODE.inProgress };
        break;
      }
      default:
        break; // externalReferenceId, salesStage, help, name: the CRM's (never "take")
    }
  }
  return out;
}
