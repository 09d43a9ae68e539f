/**
 * Referral status / substatus ↔ opportunity state. Partner Center: status None | New | Active | Closed
 * with substatuses per status (referral.ts SUBSTATUSES_OF). Dataverse opportunity: statecode
 * 0 Open (statuscode 1 In Progress, 2 On Hold), 1 Won (3 Won), 2 Lost (4 Canceled, 5 Out-Sold).
 *
 * - An opportunity in the CRM is a referral the partner works on: open ↔ Active / Accepted.
 *   (New / Pending and New / Received are incoming referrals not yet accepted; they map to open,
 *   and an open opportunity that is synced accepts them.)
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
  return OPPORTUNITY_STATUS_CODE.inProgress;
}

export interface ReferralStatusValue {
  status: ReferralStatus;
  substatus: ReferralSubstatus;
  statusReason?: string;
}

/** The referral status an opportunity state goes out as. */
export function referralStatusOf(state: OpportunityState, statuscode?: unknown): ReferralStatusValue {
  if (state === "won") return { status: "Closed", substatus: "Won" };
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

/** Whether a referral may move from one status to another with the given substatus (§1.3). */
export function isAllowedTransition(from: ReferralStatus | undefined, to: ReferralStatus, substatus: ReferralSubstatus): boolean {
  const allowedNext = STATUS_TRANSITIONS[from ?? "None"];
  return allowedNext.includes(to) && SUBSTATUSES_OF[to].includes(substatus);
}
