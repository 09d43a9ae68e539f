/**
 * Today's co-sell, end to end (issue 15): each deal type created from the CRM reaches Partner Center
 * with its consent, invite and typed attributes; a missing requirement costs no call and says its
 * message; a column Partner Center will not change, changed through the Web API, is put back and
 * audited with no call; next year's solution play is a row an admin adds.
 */
import { DEAL_REGISTRATION, DEAL_TYPE_OPTIONS, OPPORTUNITY, OPPORTUNITY_COSELL, PARTNER_ROLE, SOLUTION_AREA, SOLUTION_DETAIL, SOLUTION_DETAIL_COSELL, SOLUTION_PLAY, SyncStatus } from "../../plugins-ts/src/model/schema";
import { messageTemplate } from "../../plugins-ts/src/rulebook/messages";
import { E2E, useE2E } from "./harness";

let e: E2E;
useE2E((started) => (e = started));

const HAVE_NOT_DECIDED = 619300002;
const YES = 619300000;
const dealType = (code: string) => DEAL_TYPE_OPTIONS.find((o) => o.code === code)!.value;
type Table = typeof PARTNER_ROLE | typeof SOLUTION_AREA | typeof SOLUTION_PLAY;

/** The row id of a taxonomy value by its Partner Center ID. */
async function rowOf(table: Table, apiId: string): Promise<string> {
  const rows = await e.rows(table.entitySetName, `${table.apiId} eq '${apiId}'`);
  expect(rows).toHaveLength(1);
  return rows[0][table.primaryId] as string;
}

/** The @odata.bind values of a Services co-sell's partner role, solution area and play. */
async function servicesAttributes(play = "MigrateAndModernizeYourEstate"): Promise<Record<string, string>> {
  return {
    [`${OPPORTUNITY_COSELL.partnerRoleNavigation}@odata.bind`]: `/${PARTNER_ROLE.entitySetName}(${await rowOf(PARTNER_ROLE, "SolutionDesign")})`,
    [`${OPPORTUNITY_COSELL.solutionAreaNavigation}@odata.bind`]: `/${SOLUTION_AREA.entitySetName}(${await rowOf(SOLUTION_AREA, "CloudAndAIPlatforms")})`,
    [`${OPPORTUNITY_COSELL.solutionPlayNavigation}@odata.bind`]: `/${SOLUTION_PLAY.entitySetName}(${await rowOf(SOLUTION_PLAY, play)})`,
  };
}

/** Creates the opportunity from the CRM, lets the sync run, and returns it with the calls it cost. */
async function fromTheCrm(overrides: Record<string, unknown>, solutions?: string[]) {
  const before = await e.pcSeq();
  const id = await e.createOpportunity(overrides, { solutions });
  await e.quiet();
  const opp = await e.opportunity(id);
  const calls = await e.referralCalls(before);
  return { id, opp, calls: calls.map((c) => `${c.method} ${c.status}`) };
}

describe("each deal type reaches Partner Center with its consent, invite and attributes", () => {
  it("a Services co-sell: help asked, no partner solution; intent, partner role, solution area and play as typed attributes", async () => {
    const { opp, calls } = await fromTheCrm({ [OPPORTUNITY_COSELL.purchaseIntent]: YES, [OPPORTUNITY.microsoftHelp]: 619300002, ...(await servicesAttributes()) }, ["SOL-45678-JKL"]);
    expect(calls).toEqual(["POST 201"]);
    expect(opp[OPPORTUNITY.syncStatus]).toBe(SyncStatus.Synced);
    expect(opp[OPPORTUNITY_COSELL.dealType]).toBe(dealType("co-sell-services"));
    const r = await e.referral(opp[OPPORTUNITY.referralIdentifier]);
    expect(r).toMatchObject({
      type: "Shared",
      consent: { consentToShareReferralWithMicrosoftSellers: true, consentToContact: true },
      inviteContext: { assistanceRequestCode: "ProofOfConceptOrDemo" },
      target: [{ type: "BusinessProfileLocation", id: "msft" }],
    });
    expect(r.customerProfile?.team?.[0]?.email).toBe("ana.lopez@contoso.example");
    expect(r.details?.requirements?.additionalRequirements?.attributes).toEqual([
      { type: "CustomerMarketplaceIntent", id: "Yes" },
      { type: "PartnerRole", id: "SolutionDesign" },
      { type: "SolutionArea", id: "CloudAndAIPlatforms" },
      { type: "SolutionPlay", id: "MigrateAndModernizeYourEstate" },
    ]);
  });

  it("an IP co-sell: a co-sell ready partner solution, help asked; the intent alone", async () => {
    const { opp, calls } = await fromTheCrm({ [OPPORTUNITY_COSELL.purchaseIntent]: HAVE_NOT_DECIDED });
    expect(calls).toEqual(["POST 201"]);
    expect(opp[OPPORTUNITY_COSELL.dealType]).toBe(dealType("co-sell-ip"));
    const r = await e.referral(opp[OPPORTUNITY.referralIdentifier]);
    expect(r).toMatchObject({
      type: "Shared",
      consent: { consentToShareReferralWithMicrosoftSellers: true, consentToContact: true },
      inviteContext: { assistanceRequestCode: "CustomerTechnicalArchitecture" },
      target: [{ type: "BusinessProfileLocation", id: "msft" }],
    });
    expect(r.details?.requirements?.solutions?.map((s) => [s.id, s.solutionType])).toEqual([["SOL-12345-ABC", "3P"]]);
    expect(r.details?.requirements?.additionalRequirements?.attributes).toEqual([{ type: "CustomerMarketplaceIntent", id: "HaveNotDecided" }]);
  });

  it("a partner-led deal: shared with Microsoft sellers, no help asked, no invite", async () => {
    const { opp, calls } = await fromTheCrm({ [OPPORTUNITY_COSELL.purchaseIntent]: YES, [OPPORTUNITY.microsoftHelp]: null });
    expect(calls).toEqual(["POST 201"]);
    expect(opp[OPPORTUNITY_COSELL.dealType]).toBe(dealType("partner-led"));
    const r = await e.referral(opp[OPPORTUNITY.referralIdentifier]);
    expect(r.type).toBe("Independent");
    expect(r.consent).toMatchObject({ consentToShareReferralWithMicrosoftSellers: true, consentToContact: false });
    expect(r.inviteContext?.assistanceRequestCode ?? undefined).toBeUndefined();
    expect(r.target ?? []).toEqual([]);
    expect(r.details?.requirements?.additionalRequirements?.attributes).toEqual([{ type: "CustomerMarketplaceIntent", id: "Yes" }]);
  });

  it("a private deal: not shared with Microsoft sellers", async () => {
    const { opp, calls } = await fromTheCrm({ [OPPORTUNITY_COSELL.purchaseIntent]: HAVE_NOT_DECIDED, [OPPORTUNITY.microsoftHelp]: null, [OPPORTUNITY.referralVisibility]: false });
    expect(calls).toEqual(["POST 201"]);
    expect(opp[OPPORTUNITY_COSELL.dealType]).toBe(dealType("private"));
    const r = await e.referral(opp[OPPORTUNITY.referralIdentifier]);
    expect(r.type).toBe("Independent");
    expect(r.consent?.consentToShareReferralWithMicrosoftSellers).toBe(false);
    expect(r.target ?? []).toEqual([]);
  });
});

describe("a missing requirement costs no call and says its message", () => {
  const field = (label: string) => messageTemplate("servicesCoSellNeeds").replace("{field}", label);
  it.each([
    ["the purchase intent", { [OPPORTUNITY_COSELL.purchaseIntent]: null }, [messageTemplate("intentMissing")]],
    ["a Services co-sell's solution play", { [OPPORTUNITY_COSELL.purchaseIntent]: YES, [OPPORTUNITY.microsoftHelp]: 619300002, play: null }, [field("Solution Play")]],
    ["a Services co-sell's partner role, area and play", { [OPPORTUNITY_COSELL.purchaseIntent]: YES, [OPPORTUNITY.microsoftHelp]: 619300002 }, ["Partner Role", "Solution Area", "Solution Play"].map(field)],
    ["a co-sell's customer contact", { [OPPORTUNITY_COSELL.purchaseIntent]: YES, "parentcontactid@odata.bind": undefined }, [messageTemplate("contactMissing")]],
  ] as const)("%s", async (_name, overrides, messages) => {
    const { play, ...rest } = overrides as Record<string, unknown>;
    const services = rest[OPPORTUNITY.microsoftHelp] === 619300002;
    const attributes = services && play === null ? Object.fromEntries(Object.entries(await servicesAttributes()).filter(([k]) => !k.startsWith(OPPORTUNITY_COSELL.solutionPlayNavigation))) : {};
    const { opp, calls } = await fromTheCrm({ ...rest, ...attributes }, services ? ["SOL-45678-JKL"] : undefined);
    expect(calls).toEqual([]);
    expect(opp[OPPORTUNITY.syncStatus]).toBe(SyncStatus.Error);
    expect(opp[OPPORTUNITY.referralIdentifier] ?? null).toBeNull();
    expect(E2E.newestAudit(opp)).toMatchObject({ outcome: "Error", operation: "validate", message: messages.join(" ") });
  });
});

describe("a column Partner Center will not change, changed through the Web API", () => {
  it("is put back with an Audit line saying why, and costs no call; the rest of the change still goes", async () => {
    const { id, opp } = await fromTheCrm({ [OPPORTUNITY_COSELL.purchaseIntent]: YES, [OPPORTUNITY.microsoftHelp]: 619300002, ...(await servicesAttributes()) }, ["SOL-45678-JKL"]);
    const referralId = opp[OPPORTUNITY.referralIdentifier] as string;
    const play = opp[`_${OPPORTUNITY_COSELL.solutionPlay}_value`];

    let before = await e.pcSeq();
    await e.update(id, { [`${OPPORTUNITY_COSELL.solutionPlayNavigation}@odata.bind`]: `/${SOLUTION_PLAY.entitySetName}(${await rowOf(SOLUTION_PLAY, "DataSecurity")})`, [OPPORTUNITY_COSELL.purchaseIntent]: 619300001 });
    await e.quiet();
    expect(await e.referralCalls(before)).toEqual([]);
    let now = await e.opportunity(id);
    expect(now[`_${OPPORTUNITY_COSELL.solutionPlay}_value`]).toBe(play);
    expect(now[OPPORTUNITY_COSELL.purchaseIntent]).toBe(YES);
    expect(now[OPPORTUNITY.syncStatus]).toBe(SyncStatus.Synced);
    const locked = (label: string) => messageTemplate("lockedAtCreate").replace("{field}", label);
    expect(E2E.newestAudit(now)).toMatchObject({ direction: "CRM->PC", outcome: "Info", operation: "validate", message: `Put back to what Partner Center has: ${locked("Customer Purchase Intent")} ${locked("Solution Play")}` });
    expect((await e.referral(referralId)).details?.requirements?.additionalRequirements?.attributes).toContainEqual({ type: "SolutionPlay", id: "MigrateAndModernizeYourEstate" });

    // A locked column and a column Partner Center takes, changed together: the lock is put back, the deal value goes.
    before = await e.pcSeq();
    await e.update(id, { [`${OPPORTUNITY_COSELL.partnerRoleNavigation}@odata.bind`]: null, estimatedvalue: 260000 });
    await e.quiet();
    expect((await e.referralCalls(before)).map((c) => `${c.method} ${c.status}`)).toEqual(["GET 200", "PATCH 204", "GET 200"]);
    now = await e.opportunity(id);
    expect(now[`_${OPPORTUNITY_COSELL.partnerRole}_value`]).toBe(opp[`_${OPPORTUNITY_COSELL.partnerRole}_value`]);
    expect((await e.referral(referralId)).details?.dealValue).toBe(260000);
    const lines = (now[OPPORTUNITY.syncAudit] as string).split("\n").slice(0, 2).join("\n");
    expect(lines).toContain("Sent to Partner Center: Deal value.");
    expect(lines).toContain(`Put back to what Partner Center has: ${locked("Partner Role")}`);
    e.expectNoFailedRuns();
  });

  it("the customer contact of a deal shared for co-sell", async () => {
    const { id, opp } = await fromTheCrm({ [OPPORTUNITY_COSELL.purchaseIntent]: YES });
    const other = (await e.dv.create({ collection: "contacts", data: { firstname: "Bo", lastname: "Chen", emailaddress1: "bo.chen@contoso.example", "parentcustomerid_account@odata.bind": `/accounts(${e.account})` }, returnRepresentation: true })) as Record<string, string>;
    const before = await e.pcSeq();
    await e.update(id, { "parentcontactid@odata.bind": `/contacts(${other.contactid})` });
    await e.quiet();
    expect(await e.referralCalls(before)).toEqual([]);
    const now = await e.opportunity(id);
    expect(now._parentcontactid_value).toBe(opp._parentcontactid_value);
    expect(E2E.newestAudit(now).message).toBe(`Put back to what Partner Center has: ${messageTemplate("lockedOnceCoSell").replace("{field}", "Contact")}`);
  });

  it("the customer account, fixed at create", async () => {
    const { id, opp } = await fromTheCrm({ [OPPORTUNITY_COSELL.purchaseIntent]: YES });
    const other = (await e.dv.create({ collection: "accounts", data: { name: "Fabrikam", address1_country: "US", address1_city: "Seattle" }, returnRepresentation: true })) as Record<string, string>;
    const before = await e.pcSeq();
    await e.update(id, { "customerid_account@odata.bind": `/accounts(${other.accountid})` });
    await e.quiet();
    expect(await e.referralCalls(before)).toEqual([]);
    const now = await e.opportunity(id);
    expect(now._customerid_value).toBe(opp._customerid_value);
    expect(now[OPPORTUNITY.syncStatus]).toBe(SyncStatus.Synced);
    expect(E2E.newestAudit(now).message).toBe(`Put back to what Partner Center has: ${messageTemplate("lockedAtCreate").replace("{field}", "Potential Customer")}`);
  });

  it("the help asked of a deal shared for co-sell", async () => {
    const { id, opp } = await fromTheCrm({ [OPPORTUNITY_COSELL.purchaseIntent]: YES });
    const before = await e.pcSeq();
    await e.update(id, { [OPPORTUNITY.microsoftHelp]: 619300005 });
    await e.quiet();
    expect(await e.referralCalls(before)).toEqual([]);
    const now = await e.opportunity(id);
    expect(now[OPPORTUNITY.microsoftHelp]).toBe(opp[OPPORTUNITY.microsoftHelp]);
    expect(E2E.newestAudit(now).message).toBe(`Put back to what Partner Center has: ${messageTemplate("lockedOnceCoSell").replace("{field}", "How can Microsoft help?")}`);
  });
});

describe("a referral Partner Center closed", () => {
  it("takes no more changes: a description and close date changed through the Web API are put back, with no call", async () => {
    const { id, opp } = await fromTheCrm({ [OPPORTUNITY_COSELL.purchaseIntent]: YES });
    const referralId = opp[OPPORTUNITY.referralIdentifier] as string;
    await e.changeInPartnerCenter(referralId, { status: "Closed", substatus: "Won" });
    await e.quiet();
    const closed = await e.opportunity(id);
    expect(closed[OPPORTUNITY.referralStatus]).toBe("Closed / Won");
    const before = await e.pcSeq();
    await e.update(id, { description: "Rewritten after the win.", estimatedclosedate: "2027-02-28" });
    await e.quiet();
    expect(await e.referralCalls(before)).toEqual([]);
    const now = await e.opportunity(id);
    expect([now.description, now.estimatedclosedate]).toEqual([closed.description, closed.estimatedclosedate]);
    expect(E2E.newestAudit(now).message).toBe(`Put back to what Partner Center has: ${messageTemplate("lockedClosed").replace("{status}", "Closed / Won")}`);
    e.expectNoFailedRuns();
  });
});

describe("next year's solution play", () => {
  it("is a row an admin adds; a Services co-sell sends it", async () => {
    const area = await rowOf(SOLUTION_AREA, "AIBusinessSolutions");
    await e.dv.create({
      collection: SOLUTION_PLAY.entitySetName,
      data: { [SOLUTION_PLAY.name]: "Agentic Business Transformation", [SOLUTION_PLAY.apiId]: "AgenticBusinessTransformation", [SOLUTION_PLAY.idInferred]: false, [`${SOLUTION_PLAY.solutionAreaNavigation}@odata.bind`]: `/${SOLUTION_AREA.entitySetName}(${area})` },
    });
    const { opp, calls } = await fromTheCrm(
      {
        [OPPORTUNITY_COSELL.purchaseIntent]: YES,
        [OPPORTUNITY.microsoftHelp]: 619300002,
        ...(await servicesAttributes("AgenticBusinessTransformation")),
        [`${OPPORTUNITY_COSELL.solutionAreaNavigation}@odata.bind`]: `/${SOLUTION_AREA.entitySetName}(${area})`,
      },
      ["SOL-45678-JKL"],
    );
    expect(calls).toEqual(["POST 201"]);
    const r = await e.referral(opp[OPPORTUNITY.referralIdentifier]);
    expect(r.details?.requirements?.additionalRequirements?.attributes).toEqual(
      expect.arrayContaining([
        { type: "SolutionArea", id: "AIBusinessSolutions" },
        { type: "SolutionPlay", id: "AgenticBusinessTransformation" },
      ]),
    );
  });
});

describe("a referral shared from Partner Center brings today's co-sell in", () => {
  it("typed attributes into their columns (an id no row has is left out and said in the Audit), the customer's DUNS, Microsoft's side, either spelling of the sales stage", async () => {
    const r = await e.shareFromPartnerCenter({
      name: "Fabrikam agents",
      type: "Shared",
      status: "New",
      substatus: "Pending",
      salesStage: "100" as never,
      customerProfile: {
        name: "Fabrikam Inc",
        address: { addressLine1: "2 Main St", city: "Seattle", state: "WA", postalCode: "98109", country: "US" },
        team: [{ firstName: "Kim", lastName: "Lee", email: "kim.lee@fabrikam.example", phoneNumber: "+1 206 555 0102" }],
        ids: [{ profileType: "Duns", id: "123456789" }],
      },
      consent: { consentToContact: true, consentToToShareInfoWithOthers: false, consentToShareReferralWithMicrosoftSellers: true },
      details: {
        dealValue: 90000,
        currency: "USD",
        closingDateTime: "2027-05-31T00:00:00Z",
        notes: "Agents for the service desk.",
        requirements: {
          solutions: [{ id: "SOL-45678-JKL", name: "Azure Migrate and Modernize", type: "Name", solutionType: "1P", publisherName: "Microsoft" }],
          additionalRequirements: {
            attributes: [
              { type: "customerMarketplaceIntent", id: "havenotdecided" },
              { type: "PartnerRole", id: "SolutionDesign" },
              { type: "SolutionArea", id: "AIBusinessSolutions" },
              { type: "SolutionPlay", id: "FY28AgenticEverything" },
            ],
          },
        },
      },
      inviteContext: { assistanceRequestCode: "ProofOfConceptOrDemo", invitedBy: { organizationId: "msft", organizationName: "Microsoft" } },
    } as never);
    await e.quiet();
    const [opp] = await e.opportunitiesWithReferral(r.id!);
    const held = await e.referral(r.id!);
    expect(opp).toMatchObject({
      [OPPORTUNITY_COSELL.purchaseIntent]: HAVE_NOT_DECIDED,
      [`_${OPPORTUNITY_COSELL.partnerRole}_value`]: await rowOf(PARTNER_ROLE, "SolutionDesign"),
      [`_${OPPORTUNITY_COSELL.solutionArea}_value`]: await rowOf(SOLUTION_AREA, "AIBusinessSolutions"),
      [`_${OPPORTUNITY_COSELL.solutionPlay}_value`]: null,
      [OPPORTUNITY_COSELL.customerDuns]: "123456789",
      [OPPORTUNITY_COSELL.engagementId]: held.engagementId,
      salesstage: 3,
      [OPPORTUNITY.syncStatus]: SyncStatus.Synced,
    });
    expect(E2E.newestAudit(opp).message).toContain("Not in the CRM, so left empty (add the row, then set it): SolutionPlay: FY28AgenticEverything.");
    e.expectNoFailedRuns();
  });
});

describe("deal registration from the CRM (flow 12)", () => {
  const contract = {
    [DEAL_REGISTRATION.contractValue]: 180000,
    [DEAL_REGISTRATION.contractTerm]: 619300001, // Finite
    [DEAL_REGISTRATION.contractStart]: "2027-01-01",
    [DEAL_REGISTRATION.contractEnd]: "2029-12-31",
    [DEAL_REGISTRATION.contractSigned]: "2026-12-15",
    [DEAL_REGISTRATION.pricingModel]: 619300000,
    [DEAL_REGISTRATION.primaryDeployment]: 619300000,
    [DEAL_REGISTRATION.deployedOnAzure]: true,
  };
  const win = (id: string) => e.dv.callAction({ actionName: "WinOpportunity", action: { Status: 3, OpportunityClose: { subject: "Won", "opportunityid@odata.bind": `/opportunities(${id})` } } });

  it("a won, eligible deal is registered; its status comes back, and Microsoft's review later", async () => {
    await e.update(await e.solutionDetail("SOL-12345-ABC"), { [SOLUTION_DETAIL_COSELL.azureIpCoSellEligible]: true }, SOLUTION_DETAIL.entitySetName);
    const { id, opp } = await fromTheCrm({ [OPPORTUNITY_COSELL.purchaseIntent]: YES, ...contract });
    const referralId = opp[OPPORTUNITY.referralIdentifier] as string;
    await win(id);
    await e.quiet();
    const before = await e.pcSeq();
    await e.update(id, { [DEAL_REGISTRATION.register]: true });
    await e.quiet();
    expect((await e.referralCalls(before)).map((c) => `${c.method} ${c.path.replace(referralId, "{id}")} ${c.status}`)).toEqual(["PATCH /v1.0/engagements/referrals/{id}/ 204", "GET /v1.0/engagements/referrals/{id} 200"]);
    const r = await e.referral(referralId);
    expect(r.registrations?.[0]).toMatchObject({ type: "AzureIPCoSell", status: "ReviewPending", contract: { value: 180000, currency: "USD", term: "Finite" }, solutionDetails: [{ id: "SOL-12345-ABC" }] });
    let now = await e.opportunity(id);
    expect(now).toMatchObject({ [DEAL_REGISTRATION.register]: false, [DEAL_REGISTRATION.status]: "ReviewPending", [DEAL_REGISTRATION.registrationId]: r.registrations?.[0]?.id });
    expect(E2E.newestAudit(now)).toMatchObject({ outcome: "Success", operation: "register", message: "Deal registered in Partner Center: ReviewPending." });

    // The seller corrects the contract and asks again: the registration is updated on the connector's paths.
    const again = await e.pcSeq();
    await e.update(id, { [DEAL_REGISTRATION.contractValue]: 190000, [DEAL_REGISTRATION.register]: true });
    await e.quiet();
    expect((await e.referralCalls(again)).map((c) => `${c.method} ${c.path.replace(referralId, "{id}")} ${c.status}`)).toEqual(["PATCH /v1.0/engagements/referrals/{id}// 204", "GET /v1.0/engagements/referrals/{id} 200"]);
    expect((await e.referral(referralId)).registrations?.[0]?.contract?.value).toBe(190000);
    expect(E2E.newestAudit(await e.opportunity(id)).message).toBe("Deal registration updated in Partner Center: ReviewPending.");

    // Microsoft approves it in Partner Center: the webhook brings the status in.
    await e.changeInPartnerCenter(referralId, { registrationStatus: "Approved" }, true);
    await e.quiet();
    now = await e.opportunity(id);
    expect(now[DEAL_REGISTRATION.status]).toBe("Approved");
    e.expectNoFailedRuns();
  });

  it.each([
    ["still open", { [OPPORTUNITY_COSELL.purchaseIntent]: YES, ...contract }, false, "registrationNotWon"],
    ["private", { [OPPORTUNITY_COSELL.purchaseIntent]: YES, [OPPORTUNITY.microsoftHelp]: null, [OPPORTUNITY.referralVisibility]: false, ...contract }, true, "registrationPrivate"],
  ] as const)("an ineligible deal (%s) is refused with the reason, and no call", async (_name, data, won, reason) => {
    const { id } = await fromTheCrm(data);
    if (won) await win(id);
    await e.quiet();
    const before = await e.pcSeq();
    await e.update(id, { [DEAL_REGISTRATION.register]: true });
    await e.quiet();
    expect(await e.referralCalls(before)).toEqual([]);
    const now = await e.opportunity(id);
    expect(now[DEAL_REGISTRATION.register]).toBe(false);
    expect(E2E.newestAudit(now)).toMatchObject({ outcome: "Error", operation: "register", message: messageTemplate(reason) });
  });
});
