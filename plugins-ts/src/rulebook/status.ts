/**
 * Referral status / substatus ↔ opportunity state. Partner Center: status None | New | Active | Closed
 * with substatuses per status (referral.ts SUBSTATUSES_OF). Dataverse opportunity: statecode
 * 0 Open (statuscode 1 In Progress, 2 On Hold), 1 Won (3 Won), 2 Lost (4 Canceled, 5 Out-Sold).
 *
 * - An opportunity in the CRM is a referral the partner works on: open ↔ Active / Accepted.
 * - An incoming referral not yet accepted (New / Pending, New / Received) arrives as an open
 *   opportunity with status reason On Hold (2); the seller accepts it by moving it on (In Progress),
 *   which goes out as Active / Accepted. An open, On Hold opportunity goes out as New / Pending.
 * - won ↔ Closed / Won.
 * - lost ↔ Closed / Lost: Lost arrives as Out-Sold (5), Declined and Expired as Canceled (4); both
 *   lost reasons go out as Closed / Lost with statusReason "Out-Sold" or "Canceled".
 */
import {
  ReferralStatus,
  ReferralSubstatus,
  STATUS_TRANSITIONS,
  SUBSTATUSES_OF,
} from "../partner-center/referral";

export type OpportunityState = "open" | "won" | "lost";

export const OPPORTUNITY_STATE_CODE: Readonly<Record<OpportunityState, number>> = { open: 0, won: 1, lost: 2 };

/** Standard opportunity statuscode values (status reasons). */
export const OPPORTUNITY_STATUS_CODE = {
  inProgress: 1,
  onHold: 2,
  won: 3,
  canceled: 4,
  outSold: 5,
} as const;

/** statusReason sent with Closed / Lost for each lost status reason of the opportunity. */
export const LOST_STATUS_REASONS: Readonly<Record<number, string>> = {
  [OPPORTUNITY_STATUS_CODE.canceled]: "Canceled",
  [OPPORTUNITY_STATUS_CODE.outSold]: "Out-Sold",
};

export function opportunityStateFromCode(statecode: unknown): OpportunityState {
  return statecode === 1 ? "won" : statecode === 2 ? "lost" : "open";
}

/** The opportunity state a referral status means. */
export function opportunityStateOf(status: ReferralStatus | undefined, substatus: ReferralSubstatus | undefined): OpportunityState {
  if (status !== "Closed") return "open";
  return substatus === "Won" ? "won" : "lost";
}

/** The opportunity statuscode a referral status arrives as. */
export function opportunityStatusCodeOf(status: ReferralStatus | undefined, substatus: ReferralSubstatus | undefined): number {
  const state = opportunityStateOf(status, substatus);
  if (state === "won") return OPPORTUNITY_STATUS_CODE.won;
  if (state === "lost") return substatus === "Lost" ? OPPORTUNITY_STATUS_CODE.outSold : OPPORTUNITY_STATUS_CODE.canceled;
  return status === "New" ? OPPORTUNITY_STATUS_CODE.onHold : OPPORTUNITY_STATUS_CODE.inProgress;
}

/**
 * The state the sync compares (sync hash): the opportunity state, with "pending" for a referral not
 * yet accepted (New) and its On Hold opportunity, so accepting is a change and holding is not.
 */
export type SyncState = "pending" | OpportunityState;

export function syncStateOfReferral(status: ReferralStatus | undefined, substatus: ReferralSubstatus | undefined): SyncState | undefined {
  if (!status) return undefined;
  if (status === "New" || status === "None") return "pending";
  return opportunityStateOf(status, substatus);
}

export function syncStateOfOpportunity(statecode: unknown, statuscode: unknown): SyncState {
  const state = opportunityStateFromCode(statecode);
  return state === "open" && statuscode === OPPORTUNITY_STATUS_CODE.onHold ? "pending" : state;
}

export interface ReferralStatusValue {
  status: ReferralStatus;
  substatus: ReferralSubstatus;
  statusReason?: string;
}

/** The referral status an opportunity state goes out as. */
export function referralStatusOf(state: OpportunityState, statuscode?: unknown): ReferralStatusValue {
  if (state === "won") return { status: "Closed", substatus: "Won" };
  if (state === "open" && statuscode === OPPORTUNITY_STATUS_CODE.onHold) return { status: "New", substatus: "Pending" };
  if (state === "lost") {
    const reason = typeof statuscode === "number" ? LOST_STATUS_REASONS[statuscode] : undefined;
    return reason ? { status: "Closed", substatus: "Lost", statusReason: reason } : { status: "Closed", substatus: "Lost" };
  }
  return { status: "Active", substatus: "Accepted" };
}

/** The text of the Referral Status column (pcs_referralstatus), e.g. "Active / Accepted". */
export function referralStatusLabel(status: ReferralStatus | undefined, substatus: ReferralSubstatus | undefined): string {
  if (!status) return "";
  return substatus && substatus !== "None" ? `${status} / ${substatus}` : status;
}

/**
 * The Referral Status texts of a referral that takes no more changes: Won, Lost, Declined or Expired
 * (partner-center-2026.md §2.3). rules.ts locks a synced opportunity whose referral is one of them.
 */
export const TERMINAL_REFERRAL_STATUSES: readonly string[] = SUBSTATUSES_OF.Closed.map((substatus) => referralStatusLabel("Closed", substatus));

/** Whether a referral may move from one status to another with the given substatus (§1.3). */
export function isAllowedTransition(from: ReferralStatus | undefined, to: ReferralStatus, substatus: ReferralSubstatus): boolean {
  const allowedNext = STATUS_TRANSITIONS[from ?? "None"];
  return allowedNext.includes(to) && SUBSTATUSES_OF[to].includes(substatus);
}
