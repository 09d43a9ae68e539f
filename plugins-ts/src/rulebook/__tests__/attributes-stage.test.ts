/**
 * The typed attributes and the sales stage read tolerantly (the vectors in mapping-*.json cover the
 * referral as a whole; these pin each spelling).
 */
import { attributesKey, fromAttributes, intentOptionOf, toAttributes } from "../attributes";
import { coSellDealTypeOf, coSellDealTypeOfReferral } from "../deal-type";
import { salesStageIndexOf } from "../sales-stage";
import { PURCHASE_INTENT_OPTIONS } from "../../model/schema";

describe("sales stage, both spellings", () => {
  it.each([
    ["Qualify", 0],
    ["develop", 1],
    [" Propose ", 2],
    ["CLOSE", 3],
    ["20", 0],
    ["40", 1],
    ["60", 2],
    ["100", 3],
    [100, 3],
    [40, 1],
  ] as const)("%p is stage %p", (value, index) => expect(salesStageIndexOf(value)).toBe(index));

  it.each(["", "Closing", "80", "0", "3", -20, 20.5, null, undefined, true, "Qualify2"])("%p is no stage we know", (value) => expect(salesStageIndexOf(value)).toBeUndefined());
});

describe("typed attributes", () => {
  it("go out in a fixed order, only the known ones", () => {
    expect(toAttributes({ opportunity: { pcs_purchaseintent: PURCHASE_INTENT_OPTIONS[2].value }, solutionPlay: { pcs_apiid: " DataSecurity " } })).toEqual([
      { type: "CustomerMarketplaceIntent", id: "HaveNotDecided" },
      { type: "SolutionPlay", id: "DataSecurity" },
    ]);
    expect(toAttributes({ opportunity: {} })).toBeUndefined();
  });

  it("read an intent in any case, and report one we do not know", () => {
    expect(intentOptionOf("havenotdecided")).toBe(PURCHASE_INTENT_OPTIONS[2].value);
    expect(fromAttributes({ details: { requirements: { additionalRequirements: { attributes: [{ type: "CustomerMarketplaceIntent", id: "Perhaps" }] } } } })).toEqual({ references: {}, unknown: ["CustomerMarketplaceIntent: Perhaps"] });
  });

  it("survive attributes that are not objects or have no id", () => {
    const odd = [null, "x", { type: "PartnerRole" }, { id: "y" }, { type: "SolutionArea", id: "  " }, { type: "SolutionArea", id: "Security" }] as never;
    expect(fromAttributes({ details: { requirements: { additionalRequirements: { attributes: odd } } } })).toEqual({ references: { solutionArea: "Security" }, unknown: [] });
    expect(fromAttributes({ details: { requirements: { additionalRequirements: { attributes: "oops" as never } } } })).toEqual({ references: {}, unknown: [] });
  });

  it("compare as a set, without case", () => {
    expect(attributesKey([{ type: "PartnerRole", id: "A" }, { type: "SolutionArea", id: "b" }])).toBe(attributesKey([{ type: "solutionarea", id: "B" }, { type: "partnerrole", id: "a" }]));
  });
});

describe("Services or IP co-sell", () => {
  it("is IP when a co-sell ready partner solution is named, Services otherwise, and cannot be told without the solutions", () => {
    expect(coSellDealTypeOf(619300001, true, [619300001, 619300000])).toBe("co-sell-ip");
    expect(coSellDealTypeOf(619300001, true, [619300001])).toBe("co-sell-services");
    expect(coSellDealTypeOf(619300001, true, [])).toBe("co-sell-services");
    expect(coSellDealTypeOf(619300001, true, undefined)).toBeUndefined();
    expect(coSellDealTypeOf(null, true, undefined)).toBe("partner-led");
    expect(coSellDealTypeOf(null, false, undefined)).toBe("private");
  });

  it("reads the same from a referral", () => {
    const referral = { inviteContext: { assistanceRequestCode: "GeneralOrOther" as const }, details: { requirements: { solutions: [{ id: "SOL-1", solutionType: "3P" }] } } };
    expect(coSellDealTypeOfReferral(referral)).toBe("co-sell-ip");
    expect(coSellDealTypeOfReferral({ ...referral, details: {} })).toBe("co-sell-services");
    expect(coSellDealTypeOfReferral({ consent: { consentToShareReferralWithMicrosoftSellers: true } })).toBe("partner-led");
  });
});
