/**
 * Deal types (partner-center-api.md §1.4):
 * - private:     no help asked, not shared with Microsoft sellers;
 * - partner-led: no help asked, shared with Microsoft sellers (visibility Yes);
 * - co-sell:     help asked from Microsoft ("How can Microsoft help?" has a value), shared.
 * The referral `type` goes out as Shared for co-sell and Independent otherwise.
 */
import { MICROSOFT_HELP_OPTIONS } from "../model/schema";
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
