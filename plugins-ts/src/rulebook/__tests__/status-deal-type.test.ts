import status from "../../../test-vectors/status.json";
import dealTypes from "../../../test-vectors/deal-type.json";
import { AssistanceRequestCode, ReferralStatus, ReferralSubstatus } from "../../partner-center/referral";
import { assistanceCodeOf, dealTypeOf, dealTypeOfReferral, helpOptionOf, referralTypeOf } from "../deal-type";
import {
  isAllowedTransition,
  OPPORTUNITY_STATE_CODE,
  opportunityStateFromCode,
  opportunityStateOf,
  opportunityStatusCodeOf,
  referralStatusLabel,
  referralStatusOf,
} from "../status";
import { stripCheckMark, withCheckMark } from "../check-mark";

describe("status (test-vectors/status.json)", () => {
  it.each(status.outbound.map((c) => [`${c.statecode}/${c.statuscode}`, c] as const))("opportunity %s goes out as", (_n, c) => {
    expect(referralStatusOf(opportunityStateFromCode(c.statecode), c.statuscode)).toEqual(c.expected);
  });
  it.each(status.inbound.map((c) => [`${c.status}/${c.substatus}`, c] as const))("referral %s arrives as", (_n, c) => {
    const s = c.status as ReferralStatus;
    const sub = c.substatus as ReferralSubstatus;
    const state = opportunityStateOf(s, sub);
    expect({ state, statecode: OPPORTUNITY_STATE_CODE[state], statuscode: opportunityStatusCodeOf(s, sub), label: referralStatusLabel(s, sub) }).toEqual(c.expected);
  });
  it.each(status.transitions.map((c) => [`${c.from} → ${c.to}/${c.substatus}`, c] as const))("transition %s", (_n, c) => {
    expect(isAllowedTransition(c.from as ReferralStatus, c.to as ReferralStatus, c.substatus as ReferralSubstatus)).toBe(c.allowed);
  });
});

describe("deal type (test-vectors/deal-type.json)", () => {
  it.each(dealTypes.opportunity.map((c) => [`help ${c.help}, visibility ${c.visibility}`, c] as const))("opportunity with %s", (_n, c) => {
    const dealType = dealTypeOf(c.help, c.visibility);
    expect({ dealType, type: referralTypeOf(dealType), assistanceRequestCode: assistanceCodeOf(c.help) ?? null }).toEqual(c.expected);
  });
  it.each(dealTypes.referral.map((c) => [`consent ${c.consent}, code ${c.assistanceRequestCode}`, c] as const))("referral with %s", (_n, c) => {
    const referral = {
      consent: { consentToShareReferralWithMicrosoftSellers: c.consent },
      inviteContext: c.assistanceRequestCode ? { assistanceRequestCode: c.assistanceRequestCode as AssistanceRequestCode } : undefined,
    };
    expect({ dealType: dealTypeOfReferral(referral), help: helpOptionOf(c.assistanceRequestCode ?? undefined) }).toEqual(c.expected);
  });
});

describe("check mark in the opportunity name", () => {
  it("adds one mark and replaces the previous one", () => {
    expect(withCheckMark("Contoso", true)).toBe("Contoso \u2714");
    expect(withCheckMark("Contoso \u2714", false)).toBe("Contoso \u2716");
    expect(withCheckMark("Contoso \u2718 \u2714", true)).toBe("Contoso \u2714");
  });
  it("strips only trailing marks", () => {
    expect(stripCheckMark("\u2714 first Contoso")).toBe("\u2714 first Contoso");
    expect(stripCheckMark("Contoso  \u2716  ")).toBe("Contoso");
  });
});
