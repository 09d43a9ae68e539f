/**
 * Dynamics 365 → Partner Center, end to end: a seller's opportunity becomes a referral, changes go
 * out as changed fields only, no-op saves and the sync's own writes cost no Partner Center call,
 * solutions follow the subgrid, won/lost close the referral, a failing rule is explained and sends
 * nothing, and Microsoft's side of the engagement comes back.
 */
import { OPPORTUNITY, SyncStatus } from "../../plugins-ts/src/model/schema";
import { parseAudit } from "../../plugins-ts/src/rulebook/audit";
import { E2E, useE2E } from "./harness";

let e: E2E;
useE2E((started) => (e = started));

/** Create + share an opportunity and return it with its referral. */
async function shared(overrides: Record<string, unknown> = {}, solutions?: string[]) {
  const id = await e.createOpportunity(overrides, { solutions });
  await e.quiet();
  const opp = await e.opportunity(id);
  expect(opp[OPPORTUNITY.syncStatus]).toBe(SyncStatus.Synced);
  return { id, opp, referralId: opp[OPPORTUNITY.referralIdentifier] as string };
}

describe("an opportunity set to sync (Microsoft's scenario 1)", () => {
  it("creates one referral (one claim, one call, although the opportunity and its solution each start a run) and fills Referral Identifier, Link, status and ✔", async () => {
    const before = await e.pcSeq();
    const { id, opp, referralId } = await shared();
    expect(referralId).toMatch(/^[0-9a-f-]{36}$/);
    expect(opp[OPPORTUNITY.referralLink]).toContain(referralId);
    expect(opp[OPPORTUNITY.referralStatus]).toBe("Active / Accepted");
    expect(opp.name).toBe("Contoso Azure migration ✔");
    expect(E2E.newestAudit(opp)).toMatchObject({ direction: "CRM->PC", outcome: "Success", operation: "create" });

    const calls = await e.referralCalls(before);
    // The opportunity (flow 8) and its solution row (flow 9) both ask flow 2 to create: one claims the
    // create, the other leaves it to that run and finds it saw the row. The echo event costs nothing.
    expect(calls.map((c) => `${c.method} ${c.status}`)).toEqual(["POST 201"]);
    expect(await e.rows("pcs_referralcreations", `pcs_referralcreationid eq ${id}`)).toHaveLength(1);

    const r = await e.referral(referralId);
    expect(r).toMatchObject({
      name: "Contoso Azure migration",
      externalReferenceId: id,
      type: "Shared",
      customerProfile: { name: "Contoso Customer Inc", address: { country: "US" } },
      details: { dealValue: 250000, currency: "USD", closingDateTime: "2026-12-31T00:00:00Z", notes: "Move 40 VMs and the SQL estate to Azure." },
      consent: { consentToShareReferralWithMicrosoftSellers: true },
      inviteContext: { assistanceRequestCode: "CustomerTechnicalArchitecture" },
    });
    expect(r.details?.requirements?.solutions?.map((s) => s.id)).toEqual(["SOL-12345-ABC"]);
    expect(r.customerProfile?.team?.[0]?.email).toBe("ana.lopez@contoso.example");
  });
});

describe("updates from the CRM", () => {
  it("sends only the changed fields, once: read, JSON Patch, read back", async () => {
    const { id, referralId } = await shared();
    const eTag = (await e.referral(referralId)).eTag;
    const before = await e.pcSeq();
    await e.update(id, { estimatedvalue: 300000, description: "Now 60 VMs." });
    await e.quiet();
    const calls = await e.referralCalls(before);
    // The certified connector's PatchReferralById has no If-Match and answers 204: the referral is read before (what Partner Center holds) and after (the version, so the echo costs nothing).
    expect(calls.map((c) => `${c.method} ${c.status}`)).toEqual(["GET 200", "PATCH 204", "GET 200"]);
    const r = await e.referral(referralId);
    expect(r.details).toMatchObject({ dealValue: 300000, notes: "Now 60 VMs." });
    expect(r.eTag).not.toBe(eTag);
    const opp = await e.opportunity(id);
    expect(opp[OPPORTUNITY.referralEtag]).toBe(r.eTag);
    expect(E2E.newestAudit(opp).message).toBe("Sent to Partner Center: Deal value, Description.");
  });

  it("makes no call for a save that changes nothing synced, nor for the sync's own writes", async () => {
    const { id } = await shared();
    const before = await e.pcSeq();
    const dvBefore = await e.dvSeq();
    await e.update(id, { estimatedvalue: 250000, name: "Contoso Azure migration ✔" }); // same values
    await e.quiet();
    expect(await e.referralCalls(before)).toEqual([]);
    // and nothing keeps running: the Dataverse call log is quiet once the no-op run ended
    const settled = await e.dvSeq();
    await new Promise((r) => setTimeout(r, 300));
    await e.quiet();
    expect(await e.dvSeq()).toBe(settled);
    expect(settled).toBeGreaterThan(dvBefore);
  });

  it("keeps a rename in the CRM (Partner Center does not take names by update) and says so", async () => {
    const { id } = await shared();
    const before = await e.pcSeq();
    await e.update(id, { name: "Contoso Azure migration (phase 2)" });
    await e.quiet();
    expect(await e.referralCalls(before)).toEqual([]);
    const opp = await e.opportunity(id);
    expect(opp.name).toBe("Contoso Azure migration (phase 2) ✔");
    expect(E2E.newestAudit(opp)).toMatchObject({ outcome: "Info", message: "Kept in the CRM only (Partner Center does not take it by update): Topic." });
  });
});

describe("Microsoft solutions", () => {
  it("sends the new list when a solution is added and when one is removed", async () => {
    const { id, referralId } = await shared({}, ["SOL-12345-ABC"]);
    let before = await e.pcSeq();
    await e.addSolution(id, "SOL-23456-DEF");
    await e.quiet();
    expect((await e.referralCalls(before)).map((c) => c.method)).toEqual(["GET", "PATCH", "GET"]);
    expect((await e.referral(referralId)).details?.requirements?.solutions?.map((s) => s.id).sort()).toEqual(["SOL-12345-ABC", "SOL-23456-DEF"]);

    before = await e.pcSeq();
    await e.removeSolution(id, "SOL-12345-ABC");
    await e.quiet();
    expect((await e.referralCalls(before)).map((c) => c.method)).toEqual(["GET", "PATCH", "GET"]);
    expect((await e.referral(referralId)).details?.requirements?.solutions?.map((s) => s.id)).toEqual(["SOL-23456-DEF"]);
  });
});

describe("closing in the CRM", () => {
  it("won → Closed / Won", async () => {
    const { id, referralId } = await shared();
    await e.dv.callAction({ actionName: "WinOpportunity", action: { Status: 3, OpportunityClose: { subject: "Won", "opportunityid@odata.bind": `/opportunities(${id})` } } });
    await e.quiet();
    expect(await e.referral(referralId)).toMatchObject({ status: "Closed", substatus: "Won" });
    expect((await e.opportunity(id))[OPPORTUNITY.referralStatus]).toBe("Closed / Won");
  });

  it("won with an actual revenue → Partner Center's deal value is the actual revenue, in the same patch", async () => {
    const { id, referralId } = await shared();
    const before = await e.pcSeq();
    await e.dv.callAction({ actionName: "WinOpportunity", action: { Status: 3, OpportunityClose: { subject: "Won", actualrevenue: 80000, actualend: "2026-12-20", "opportunityid@odata.bind": `/opportunities(${id})` } } });
    await e.quiet();
    expect(await e.referral(referralId)).toMatchObject({ status: "Closed", substatus: "Won", details: { dealValue: 80000 } });
    // one patch (closing and the value together); the close's two writes may each start a look
    expect((await e.referralCalls(before)).filter((c) => c.method === "PATCH")).toHaveLength(1);
    const opp = await e.opportunity(id);
    expect(opp[OPPORTUNITY.syncStatus]).toBe(SyncStatus.Synced);
    expect(parseAudit(opp[OPPORTUNITY.syncAudit]).some((a) => a.kind === "entry" && /^Sent to Partner Center: .*Deal value/.test(a.message))).toBe(true);
  });

  it("lost (out-sold) → Closed / Lost with the reason", async () => {
    const { id, referralId } = await shared();
    await e.dv.callAction({ actionName: "LoseOpportunity", action: { Status: 5, OpportunityClose: { subject: "Lost", "opportunityid@odata.bind": `/opportunities(${id})` } } });
    await e.quiet();
    expect(await e.referral(referralId)).toMatchObject({ status: "Closed", substatus: "Lost", statusReason: "Out-Sold" });
  });
});

describe("an opportunity that breaks a rule", () => {
  const cases: Array<[string, Record<string, unknown>, string[] | undefined, RegExp]> = [
    ["no solution", {}, [], /Microsoft solution/i],
    ["a three-letter country on the account", { country: "USA" }, undefined, /"USA": use the two-letter ISO 3166 code US/],
    ["help asked without a customer contact", { "parentcontactid@odata.bind": null }, undefined, /contact/i],
    ["a negative deal value", { estimatedvalue: -5 }, undefined, /deal value/i],
    ["no closing date", { estimatedclosedate: null }, undefined, /clos/i],
    ["a contact as Potential Customer", { customer: "contact" }, undefined, /account/i],
    ["no country on the account", { country: "" }, undefined, /country/i],
    ["a currency that is not ISO 4217", { currency: "ZZZ" }, undefined, /currency/i],
  ];
  it.each(cases)("%s: Audit names it, status Error, ✖, no Partner Center call", async (_name, overrides, solutions, message) => {
    const { country, customer, currency, ...rest } = overrides as { country?: string; customer?: string; currency?: string };
    let accountBind: Record<string, unknown> = {};
    if (country !== undefined) {
      const a = (await e.dv.create({ collection: "accounts", data: { name: "Fabrikam USA", address1_country: country || null }, returnRepresentation: true })) as Record<string, any>;
      accountBind = { "customerid_account@odata.bind": `/accounts(${a.accountid})` };
    }
    if (customer === "contact") accountBind = { "customerid_account@odata.bind": undefined, "customerid_contact@odata.bind": `/contacts(${e.contact})` };
    if (currency) {
      await e.dv.create({ collection: "transactioncurrencies", data: { isocurrencycode: currency, currencyname: "Test currency", currencysymbol: "¤", exchangerate: 1, currencyprecision: 2 } });
      const c = (await e.dv.retrieveMultiple({ collection: "transactioncurrencies", select: ["transactioncurrencyid"], filter: `isocurrencycode eq '${currency}'` })).value![0];
      accountBind = { ...accountBind, "transactioncurrencyid@odata.bind": `/transactioncurrencies(${c.transactioncurrencyid})` };
    }
    const before = await e.pcSeq();
    const id = await e.createOpportunity({ ...rest, ...accountBind }, { solutions });
    await e.quiet();
    expect(await e.referralCalls(before)).toEqual([]);
    const opp = await e.opportunity(id);
    expect(opp[OPPORTUNITY.syncStatus]).toBe(SyncStatus.Error);
    expect(opp.name.endsWith("✖")).toBe(true);
    expect(opp[OPPORTUNITY.referralIdentifier]).toBeNull();
    const audit = E2E.newestAudit(opp);
    expect(audit).toMatchObject({ direction: "CRM->PC", outcome: "Error", operation: "validate" });
    expect(audit.message).toMatch(message);
  });

  it("visibility cannot go back to No once shared: audited, nothing sent", async () => {
    const { id } = await shared();
    const before = await e.pcSeq();
    await e.update(id, { [OPPORTUNITY.referralVisibility]: false });
    await e.quiet();
    expect(await e.referralCalls(before)).toEqual([]);
    const opp = await e.opportunity(id);
    expect(opp[OPPORTUNITY.syncStatus]).toBe(SyncStatus.Error);
    expect(E2E.newestAudit(opp)).toMatchObject({ outcome: "Error", operation: "validate", message: expect.stringMatching(/cannot go back to No/) });
  });

  it("syncs once the problem is fixed", async () => {
    const id = await e.createOpportunity({}, { solutions: [] });
    await e.quiet();
    expect((await e.opportunity(id))[OPPORTUNITY.syncStatus]).toBe(SyncStatus.Error);
    const before = await e.pcSeq();
    await e.addSolution(id, "SOL-34567-GHI");
    await e.quiet();
    const opp = await e.opportunity(id);
    expect(opp[OPPORTUNITY.syncStatus]).toBe(SyncStatus.Synced);
    expect(opp.name).toBe("Contoso Azure migration ✔");
    expect((await e.referralCalls(before)).map((c) => c.method)).toEqual(["POST"]);
  });
});

describe("Microsoft's side of a co-sell engagement", () => {
  it("fills Microsoft CRM Identifier when Microsoft accepts, once however often it is delivered", async () => {
    const { id, referralId } = await shared();
    await e.microsoftSide(referralId, { status: "Active", substatus: "Accepted", microsoftMsxId: "7-ABCDEFG" });
    await e.quiet();
    const opp = await e.opportunity(id);
    expect(opp[OPPORTUNITY.microsoftCrmIdentifier]).toBe("7-ABCDEFG");
    expect(E2E.newestAudit(opp)).toMatchObject({ direction: "PC->CRM", outcome: "Info", operation: "microsoft" });
    const dvBefore = await e.dvSeq();
    await e.repeatDeliveries({ last: 1, times: 3 });
    await e.quiet();
    const writes = (await e.dvCalls(dvBefore)).filter((c) => c.method !== "GET");
    expect(writes).toEqual([]);
  });
});
