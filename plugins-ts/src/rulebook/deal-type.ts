/**
 * Deal types (partner-center-api.md §1.4):
 * - private:     no help asked, not shared with Microsoft sellers;
 * - partner-led: no help asked, shared with Microsoft sellers (visibility Yes);
 * - co-sell:     help asked from Microsoft ("How can Microsoft help?" has a value), shared.
 * The referral `type` goes out as Shared for co-sell and Independent otherwise.
 */
import { DEAL_TYPE_OPTIONS, MICROSOFT_HELP_OPTIONS, SOLUTION_TYPE_OPTIONS } from "../model/schema";
import type { AssistanceRequestCode, Referral, ReferralType } from "../partner-center/referral";

export type DealType = "private" | "partner-led" | "co-sell";
export const DEAL_TYPES: readonly DealType[] = ["private", "partner-led", "co-sell"];

/** The deal type of an opportunity from its help choice and visibility. */
export function dealTypeOf(help: unknown, visibility: unknown): DealType {
  if (help !== null && help !== undefined && help !== "") return "co-sell";
  return visibility === true ? "partner-led" : "private";
}

/** The deal type of a referral from its assistance request code and consent. */
export function dealTypeOfReferral(referral: Referral): DealType {
  const code = referral.inviteContext?.assistanceRequestCode;
  if (code && code !== "Unknown") return "co-sell";
  return referral.consent?.consentToShareReferralWithMicrosoftSellers === true ? "partner-led" : "private";
}

export function referralTypeOf(dealType: DealType): ReferralType {
  return dealType === "co-sell" ? "Shared" : "Independent";
}

/** "How can Microsoft help?" choice value → inviteContext.assistanceRequestCode (undefined when unknown). */
export function assistanceCodeOf(help: unknown): AssistanceRequestCode | undefined {
  return MICROSOFT_HELP_OPTIONS.find((o) => o.value === help)?.code;
}

/** inviteContext.assistanceRequestCode → "How can Microsoft help?" choice value (null for none / Unknown). */
export function helpOptionOf(code: AssistanceRequestCode | string | undefined): number | null {
  return MICROSOFT_HELP_OPTIONS.find((o) => o.code === code)?.value ?? null;
}

/**
 * Today's deal types (partner-center-2026.md §2.1), co-sell split into Services and IP. Partner Center
 * documents no co-sell-type field [I]: a co-sell deal that names a co-sell ready partner solution
 * (solutionType 3P) is an IP co-sell, any other a Services co-sell, which must give the partner role,
 * solution area and play (rules.ts SERVICES_CO_SELL checks the same).
 */
export type CoSellDealType = (typeof DEAL_TYPE_OPTIONS)[number]["code"];

const PARTNER_SOLUTION = SOLUTION_TYPE_OPTIONS.find((o) => o.code === "3P")!;

/**
 * The deal type of an opportunity from its help choice, visibility and the pcs_solutiontype of its
 * solutions (undefined when the solutions are not known and help is asked: Services or IP cannot be told).
 */
export function coSellDealTypeOf(help: unknown, visibility: unknown, solutionTypes: readonly unknown[] | undefined): CoSellDealType | undefined {
  const type = dealTypeOf(help, visibility);
  if (type !== "co-sell") return type;
  if (solutionTypes === undefined) return undefined;
  return solutionTypes.includes(PARTNER_SOLUTION.value) ? "co-sell-ip" : "co-sell-services";
}

/** The deal type of a referral: co-sell with a partner (3P) solution is IP, other co-sell Services. */
export function coSellDealTypeOfReferral(referral: Referral): CoSellDealType {
  const type = dealTypeOfReferral(referral);
  if (type !== "co-sell") return type;
  return (referral.details?.requirements?.solutions ?? []).some((s) => s.solutionType === PARTNER_SOLUTION.code) ? "co-sell-ip" : "co-sell-services";
}

/** The Deal Type choice value (pcs_dealtype) of a deal type. */
export function dealTypeOptionOf(type: CoSellDealType): number {
  return DEAL_TYPE_OPTIONS.find((o) => o.code === type)!.value;
}
