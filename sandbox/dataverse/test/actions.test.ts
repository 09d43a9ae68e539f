/**
 * Actions: WinOpportunity / LoseOpportunity (OpportunityClose, state and status) and QualifyLead
 * (creates the opportunity — and account/contact when asked — and applies the solution's
 * lead → opportunity map).
 */
import { LEAD, LEAD_TO_OPPORTUNITY_MAP, OPPORTUNITY, SyncStatus } from "../../../plugins-ts/src/model/schema";
import { ErrorCodes } from "../src";
import { fixtureBase64 } from "./fixture-solution";
import { failure, startHarness, type Harness } from "./helpers";

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
  await h.api.callAction({ actionName: "ImportSolution", action: { CustomizationFile: fixtureBase64(), OverwriteUnmanagedCustomizations: true, PublishWorkflows: false } });
});

afterAll(async () => {
  await h.emu.close();
});

beforeEach(async () => {
  await h.emu.reset({ keepCustomizations: true });
});

describe("WinOpportunity / LoseOpportunity", () => {
  test("win closes the opportunity as Won and records an OpportunityClose", async () => {
    const id = (await h.api.create({ collection: "opportunities", data: { name: "Big deal", estimatedvalue: 1000 } })) as string;
    await h.api.callAction({
      actionName: "WinOpportunity",
      action: { Status: 3, OpportunityClose: { subject: "Won!", actualrevenue: 1200, actualend: "2026-06-30", "opportunityid@odata.bind": `/opportunities(${id})` } },
    });
    const opp = await h.api.retrieve<Record<string, unknown>>({ collection: "opportunities", key: id, select: ["statecode", "statuscode", "actualvalue", "actualclosedate"] });
    expect(opp).toMatchObject({ statecode: 1, statuscode: 3, actualvalue: 1200 });
    const closes = await h.api.retrieveMultiple<Record<string, unknown>>({ collection: "opportunitycloses", filter: `_opportunityid_value eq ${id}`, select: ["subject", "actualrevenue", "statecode"] });
    expect(closes.value).toEqual([expect.objectContaining({ subject: "Won!", actualrevenue: 1200, statecode: 1 })]);
    const again = await failure(h.api.callAction({ actionName: "LoseOpportunity", action: { Status: 4, OpportunityClose: { "opportunityid@odata.bind": `/opportunities(${id})` } } }));
    expect(again).toMatchObject({ status: 400, code: ErrorCodes.OpportunityIsAlreadyClosed });
  });

  test("lose with Out-Sold, a status of the wrong state is refused, and reopening is a plain update", async () => {
    const id = (await h.api.create({ collection: "opportunities", data: { name: "Lost deal" } })) as string;
    const wrong = await failure(h.api.callAction({ actionName: "LoseOpportunity", action: { Status: 3, OpportunityClose: { "opportunityid@odata.bind": `/opportunities(${id})` } } }));
    expect(wrong).toMatchObject({ status: 400, code: ErrorCodes.InvalidArgument });
    await h.api.callAction({ actionName: "LoseOpportunity", action: { Status: 5, OpportunityClose: { subject: "Out-sold", "opportunityid@odata.bind": `/opportunities(${id})` } } });
    expect(await h.api.retrieve({ collection: "opportunities", key: id, select: ["statecode", "statuscode"] })).toMatchObject({ statecode: 2, statuscode: 5 });
    await h.api.update({ collection: "opportunities", key: id, data: { statecode: 0, statuscode: 1 } });
    expect(await h.api.retrieve({ collection: "opportunities", key: id, select: ["statecode", "statuscode"] })).toMatchObject({ statecode: 0, statuscode: 1 });
  });
});

describe("QualifyLead", () => {
  const leadData = {
    subject: "Partner Center lead: Azure migration",
    firstname: "Maria",
    lastname: "Garcia",
    companyname: "Northwind Traders",
    emailaddress1: "maria@northwind.example",
    address1_country: "ES",
    estimatedamount: 50000,
    estimatedclosedate: "2026-09-30",
    [LEAD.syncWithPartnerCenter]: true,
    [LEAD.referralIdentifier]: "REF-LEAD-1",
    [LEAD.referralLink]: "https://partner.microsoft.com/referrals/REF-LEAD-1",
    [LEAD.referralStatus]: "New / Pending",
    [LEAD.syncStatus]: SyncStatus.Synced,
    [LEAD.syncAudit]: "2026-01-01 created",
    [LEAD.referralEtag]: "etag-1",
    [LEAD.syncHash]: "hash-1",
  };

  test("creates account, contact and opportunity, carries the referral across and closes the lead", async () => {
    const leadId = (await h.api.create({ collection: "leads", data: leadData })) as string;
    const result = await h.api.callAction<{ value: Array<Record<string, string>> }>({
      actionName: "Microsoft.Dynamics.CRM.QualifyLead",
      collection: "leads",
      key: leadId,
      action: { CreateAccount: true, CreateContact: true, CreateOpportunity: true, Status: 3, OpportunityCurrencyId: { "@odata.type": "Microsoft.Dynamics.CRM.transactioncurrency", transactioncurrencyid: h.emu.currencies.EUR } },
    });
    const types = result.value.map((v) => v["@odata.type"]);
    expect(types).toEqual(["#Microsoft.Dynamics.CRM.account", "#Microsoft.Dynamics.CRM.contact", "#Microsoft.Dynamics.CRM.opportunity"]);
    const oppId = result.value[2].opportunityid;
    const opp = await h.api.retrieve<Record<string, unknown>>({ collection: "opportunities", key: oppId });
    expect(opp).toMatchObject({
      name: leadData.subject,
      estimatedvalue: 50000,
      _customerid_value: result.value[0].accountid,
      _parentcontactid_value: result.value[1].contactid,
      _originatingleadid_value: leadId,
      _transactioncurrencyid_value: h.emu.currencies.EUR,
    });
    for (const [leadColumn, oppColumn] of LEAD_TO_OPPORTUNITY_MAP) expect(opp[oppColumn]).toEqual(leadData[leadColumn as keyof typeof leadData]);
    const byKey = await h.api.retrieve<{ opportunityid: string }>({ collection: "opportunities", key: `${OPPORTUNITY.referralIdentifier}='REF-LEAD-1'` });
    expect(byKey.opportunityid).toBe(oppId);
    const lead = await h.api.retrieve<Record<string, unknown>>({ collection: "leads", key: leadId, select: ["statecode", "statuscode", "_qualifyingopportunityid_value"] });
    expect(lead).toMatchObject({ statecode: 1, statuscode: 3, _qualifyingopportunityid_value: oppId });
    const contact = await h.api.retrieve<Record<string, unknown>>({ collection: "contacts", key: result.value[1].contactid, select: ["fullname", "_parentcustomerid_value"] });
    expect(contact).toMatchObject({ fullname: "Maria Garcia", _parentcustomerid_value: result.value[0].accountid });
    const again = await failure(h.api.callAction({ actionName: "Microsoft.Dynamics.CRM.QualifyLead", collection: "leads", key: leadId, action: { CreateAccount: false, CreateContact: false, CreateOpportunity: true, Status: 3 } }));
    expect(again).toMatchObject({ status: 400, code: ErrorCodes.LeadAlreadyInClosedState });
  });

  test("qualifying for an existing customer creates only the opportunity; a clash on the referral key changes nothing", async () => {
    const accountId = (await h.api.create({ collection: "accounts", data: { name: "Existing customer" } })) as string;
    const leadId = (await h.api.create({ collection: "leads", data: { ...leadData, [LEAD.referralIdentifier]: "REF-LEAD-2" } })) as string;
    const res = await h.api.callAction<{ value: Array<Record<string, string>> }>({
      actionName: "Microsoft.Dynamics.CRM.QualifyLead",
      collection: "leads",
      key: leadId,
      action: { CreateAccount: false, CreateContact: false, CreateOpportunity: true, Status: 3, OpportunityCustomerId: { "@odata.type": "Microsoft.Dynamics.CRM.account", accountid: accountId } },
    });
    expect(res.value).toHaveLength(1);
    expect((await h.api.retrieve<{ _customerid_value: string }>({ collection: "opportunities", key: res.value[0].opportunityid }))._customerid_value).toBe(accountId);

    await h.api.create({ collection: "opportunities", data: { name: "Already synced", [OPPORTUNITY.referralIdentifier]: "REF-LEAD-3" } });
    const clashing = (await h.api.create({ collection: "leads", data: { ...leadData, [LEAD.referralIdentifier]: "REF-LEAD-3" } })) as string;
    const accountsBefore = (await h.api.retrieveMultiple({ collection: "accounts" })).value.length;
    const clash = await failure(h.api.callAction({ actionName: "Microsoft.Dynamics.CRM.QualifyLead", collection: "leads", key: clashing, action: { CreateAccount: true, CreateContact: false, CreateOpportunity: true, Status: 3 } }));
    expect(clash).toMatchObject({ status: 412, code: ErrorCodes.DuplicateRecordEntityKey });
    expect((await h.api.retrieveMultiple({ collection: "accounts" })).value.length).toBe(accountsBefore);
    expect(await h.api.retrieve({ collection: "leads", key: clashing, select: ["statecode"] })).toMatchObject({ statecode: 0 });
  });

  test("disqualifying is an update of state and status", async () => {
    const leadId = (await h.api.create({ collection: "leads", data: { lastname: "Nope", [LEAD.referralIdentifier]: "REF-LEAD-4" } })) as string;
    await h.api.update({ collection: "leads", key: leadId, data: { statecode: 2, statuscode: 6 } });
    expect(await h.api.retrieve({ collection: "leads", key: leadId, select: ["statecode", "statuscode"] })).toMatchObject({ statecode: 2, statuscode: 6 });
    const mismatch = await failure(h.api.update({ collection: "leads", key: leadId, data: { statecode: 0, statuscode: 6 } }));
    expect(mismatch).toMatchObject({ status: 400, code: ErrorCodes.InvalidArgument });
  });
});
