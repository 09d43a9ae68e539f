/**
 * Records through dynamics-web-api: create, retrieve by id and by alternate key, update, upsert
 * with If-Match / If-None-Match, delete, @odata.bind (polymorphic customerid), _x_value, ETags and
 * 412, formatted values, and the built-in tables (WhoAmI, currencies, EntityDefinitions).
 */
import { OPPORTUNITY, SyncStatus } from "../../../plugins-ts/src/model/schema";
import { ErrorCodes } from "../src";
import { fixtureBase64 } from "./fixture-solution";
import { failure, raw, startHarness, type Harness } from "./helpers";

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

describe("built-in tables", () => {
  test("WhoAmI answers the signed-in user, business unit and organization", async () => {
    const who = await h.api.callFunction<{ UserId: string; BusinessUnitId: string; OrganizationId: string }>({ name: "WhoAmI" });
    expect(who.UserId).toBe(h.emu.userId);
    expect(who.BusinessUnitId).toBe(h.emu.businessUnitId);
    expect(who.OrganizationId).toBe(h.emu.organizationId);
    const user = await h.api.retrieve<{ fullname: string }>({ collection: "systemusers", key: who.UserId, select: ["fullname"] });
    expect(user.fullname).toBe("Sandbox Admin");
  });

  test("currencies are seeded with USD as the base currency", async () => {
    const res = await h.api.retrieveMultiple<{ isocurrencycode: string; transactioncurrencyid: string }>({
      collection: "transactioncurrencies",
      select: ["isocurrencycode", "currencysymbol"],
      orderBy: ["isocurrencycode asc"],
    });
    expect(res.value.map((c) => c.isocurrencycode)).toEqual(["EUR", "GBP", "USD"]);
    const org = await h.api.retrieve<{ _basecurrencyid_value: string }>({ collection: "organizations", key: h.emu.organizationId });
    expect(org._basecurrencyid_value).toBe(h.emu.currencies.USD);
  });

  test("a currency added through the API keeps its own id and can be used on a record", async () => {
    const id = await h.api.create({ collection: "transactioncurrencies", data: { isocurrencycode: "CHF", currencyname: "Swiss franc", currencysymbol: "CHF", exchangerate: 0.9, currencyprecision: 2 } });
    expect(typeof id).toBe("string");
    const row = await h.api.retrieve<{ transactioncurrencyid: string; isocurrencycode: string }>({ collection: "transactioncurrencies", key: id as unknown as string, select: ["isocurrencycode"] });
    expect(row).toMatchObject({ transactioncurrencyid: id, isocurrencycode: "CHF" });
    const opp = (await h.api.create({ collection: "opportunities", data: { name: "In francs", "transactioncurrencyid@odata.bind": `/transactioncurrencies(${id})` }, returnRepresentation: true })) as Record<string, unknown>;
    expect(opp._transactioncurrencyid_value).toBe(id);
  });

  test("EntityDefinitions answers entity set, primary id and attributes of built-in and imported tables", async () => {
    const acct = await h.api.retrieveEntity<{ EntitySetName: string; PrimaryIdAttribute: string; PrimaryNameAttribute: string }>({
      key: "LogicalName='account'",
      select: ["EntitySetName", "PrimaryIdAttribute", "PrimaryNameAttribute"],
    });
    expect(acct).toMatchObject({ EntitySetName: "accounts", PrimaryIdAttribute: "accountid", PrimaryNameAttribute: "name" });
    const opp = await raw(h.emu, "GET", "EntityDefinitions(LogicalName='opportunity')?$select=EntitySetName,PrimaryIdAttribute&$expand=Attributes($select=LogicalName,AttributeType),Keys");
    expect(opp.status).toBe(200);
    expect(opp.json.EntitySetName).toBe("opportunities");
    const names = (opp.json.Attributes as Array<{ LogicalName: string }>).map((a) => a.LogicalName);
    expect(names).toEqual(expect.arrayContaining(["opportunityid", "name", "customerid", "statecode", OPPORTUNITY.referralIdentifier, OPPORTUNITY.syncStatus]));
    expect(opp.json.Keys[0]).toMatchObject({ LogicalName: OPPORTUNITY.referralKey, KeyAttributes: [OPPORTUNITY.referralIdentifier] });
    const status = await raw(h.emu, "GET", `EntityDefinitions(LogicalName='opportunity')/Attributes(LogicalName='${OPPORTUNITY.syncStatus}')/Microsoft.Dynamics.CRM.PicklistAttributeMetadata?$select=LogicalName&$expand=OptionSet`);
    expect(status.json.OptionSet.Options.map((o: { Value: number }) => o.Value)).toEqual(Object.values(SyncStatus));
    const sets = await raw(h.emu, "GET", "EntityDefinitions?$select=EntitySetName,LogicalName&$filter=LogicalName eq 'workflow'");
    expect(sets.json.value).toEqual([expect.objectContaining({ EntitySetName: "workflows", LogicalName: "workflow" })]);
  });
});

describe("create and retrieve", () => {
  test("create answers 204 with OData-EntityId; return=representation answers 201 with the row", async () => {
    const res = await raw(h.emu, "POST", "accounts", { body: { name: "Contoso" } });
    expect(res.status).toBe(204);
    const entityId = res.headers.get("odata-entityid") ?? "";
    expect(entityId).toMatch(new RegExp(`^${h.emu.apiUrl.replace(/[.$]/g, "\\$&")}accounts\\([0-9a-f-]{36}\\)$`));
    const created = await h.api.create<{ name: string }, { accountid: string; name: string; "@odata.etag": string; statecode: number }>({
      collection: "accounts",
      data: { name: "Fabrikam" },
      returnRepresentation: true,
    });
    expect(created.name).toBe("Fabrikam");
    expect(created.statecode).toBe(0);
    expect(created["@odata.etag"]).toMatch(/^W\/"\d+"$/);
  });

  test("lookups are bound with @odata.bind (polymorphic customerid) and read back as _x_value", async () => {
    const accountId = (await h.api.create({ collection: "accounts", data: { name: "Contoso" } })) as string;
    const contactId = (await h.api.create({ collection: "contacts", data: { firstname: "Ana", lastname: "Silva", "parentcustomerid_account@odata.bind": `/accounts(${accountId})` } })) as string;
    const oppId = (await h.api.create({ collection: "opportunities", data: { name: "Deal", "customerid_account@odata.bind": `accounts(${accountId})`, "parentcontactid@odata.bind": `/contacts(${contactId})` } })) as string;
    const opp = await h.api.retrieve<Record<string, unknown>>({ collection: "opportunities", key: oppId, select: ["name", "_customerid_value", "_parentcontactid_value", "_transactioncurrencyid_value"] });
    expect(opp._customerid_value).toBe(accountId);
    expect(opp._parentcontactid_value).toBe(contactId);
    expect(opp._transactioncurrencyid_value).toBe(h.emu.currencies.USD);
    await h.api.update({ collection: "opportunities", key: oppId, data: { "customerid_contact@odata.bind": `/contacts(${contactId})` } });
    const after = await h.api.retrieve<Record<string, unknown>>({
      collection: "opportunities",
      key: oppId,
      select: ["_customerid_value"],
      includeAnnotations: "*",
    });
    expect(after._customerid_value).toBe(contactId);
    expect(after["_customerid_value@Microsoft.Dynamics.CRM.lookuplogicalname"]).toBe("contact");
    expect(after["_customerid_value@Microsoft.Dynamics.CRM.associatednavigationproperty"]).toBe("customerid_contact");
    expect(after["_customerid_value@OData.Community.Display.V1.FormattedValue"]).toBe("Ana Silva");
  });

  test("retrieve by alternate key, and 404s with Dataverse's codes", async () => {
    const id = (await h.api.create({ collection: "opportunities", data: { name: "Referral deal", [OPPORTUNITY.referralIdentifier]: "REF-123" } })) as string;
    const byKey = await h.api.retrieve<{ opportunityid: string }>({ collection: "opportunities", key: `${OPPORTUNITY.referralIdentifier}='REF-123'`, select: ["name"] });
    expect(byKey.opportunityid).toBe(id);
    const missingKey = await failure(h.api.retrieve({ collection: "opportunities", key: `${OPPORTUNITY.referralIdentifier}='NOPE'` }));
    expect(missingKey).toMatchObject({ status: 404, code: ErrorCodes.RecordNotFoundByEntityKey });
    const missingId = await failure(h.api.retrieve({ collection: "opportunities", key: "00000000-0000-0000-0000-000000000001" }));
    expect(missingId).toMatchObject({ status: 404, code: ErrorCodes.ObjectDoesNotExist });
    expect(missingId.message).toBe("opportunity With Id = 00000000-0000-0000-0000-000000000001 Does Not Exist");
    const notAKey = await failure(h.api.retrieve({ collection: "opportunities", key: "name='Referral deal'" }));
    expect(notAKey).toMatchObject({ status: 400, code: ErrorCodes.EntityKeyNotDefined });
  });

  test("formatted values are returned when annotations are asked for", async () => {
    const id = (await h.api.create({
      collection: "opportunities",
      data: { name: "Formatted", estimatedvalue: 12345.5, [OPPORTUNITY.syncStatus]: SyncStatus.Pending, [OPPORTUNITY.syncWithPartnerCenter]: true, estimatedclosedate: "2026-03-31" },
    })) as string;
    const plain = await h.api.retrieve<Record<string, unknown>>({ collection: "opportunities", key: id, select: ["estimatedvalue"] });
    expect(Object.keys(plain).some((k) => k.includes("FormattedValue"))).toBe(false);
    const res = await raw(h.emu, "GET", `opportunities(${id})?$select=estimatedvalue,${OPPORTUNITY.syncStatus},${OPPORTUNITY.syncWithPartnerCenter},estimatedclosedate,statecode`, {
      headers: { Prefer: 'odata.include-annotations="OData.Community.Display.V1.FormattedValue"' },
    });
    expect(res.headers.get("preference-applied")).toContain("odata.include-annotations");
    const f = (k: string) => res.json[`${k}@OData.Community.Display.V1.FormattedValue`];
    expect(f("estimatedvalue")).toBe("$12,345.50");
    expect(f(OPPORTUNITY.syncStatus)).toBe("Pending");
    expect(f(OPPORTUNITY.syncWithPartnerCenter)).toBe("Yes");
    expect(f("estimatedclosedate")).toBe("3/31/2026");
    expect(f("statecode")).toBe("Open");
    expect(res.json.estimatedclosedate).toBe("2026-03-31");
  });
});

describe("update, upsert, delete and concurrency", () => {
  test("update changes the row and its ETag; a stale If-Match fails with 412", async () => {
    const created = await h.api.create<unknown, { accountid: string; "@odata.etag": string }>({ collection: "accounts", data: { name: "Before" }, returnRepresentation: true });
    const etag = created["@odata.etag"];
    await h.api.update({ collection: "accounts", key: created.accountid, data: { name: "After" }, ifmatch: etag });
    const after = await h.api.retrieve<{ name: string; "@odata.etag": string }>({ collection: "accounts", key: created.accountid, select: ["name"] });
    expect(after.name).toBe("After");
    expect(after["@odata.etag"]).not.toBe(etag);
    const stale = await failure(h.api.update({ collection: "accounts", key: created.accountid, data: { name: "Lost update" }, ifmatch: etag }));
    expect(stale).toMatchObject({ status: 412, code: ErrorCodes.ConcurrencyVersionMismatch });
    expect(stale.message).toBe("The version of the existing record doesn't match the RowVersion property provided.");
    const staleDelete = await failure(h.api.deleteRecord({ collection: "accounts", key: created.accountid, ifmatch: etag }));
    expect(staleDelete.status).toBe(412);
    expect((await h.api.retrieve<{ name: string }>({ collection: "accounts", key: created.accountid, select: ["name"] })).name).toBe("After");
    const notModified = await raw(h.emu, "GET", `accounts(${created.accountid})?$select=name`, { headers: { "If-None-Match": after["@odata.etag"] } });
    expect(notModified.status).toBe(304);
  });

  test("upsert by alternate key creates, then updates the same row (no duplicates)", async () => {
    const key = `${OPPORTUNITY.referralIdentifier}='REF-UPSERT'`;
    const first = await h.api.upsert<unknown, { opportunityid: string; name: string }>({ collection: "opportunities", key, data: { name: "First" }, returnRepresentation: true });
    const second = await h.api.upsert<unknown, { opportunityid: string; name: string }>({ collection: "opportunities", key, data: { name: "Second" }, returnRepresentation: true });
    expect(second.opportunityid).toBe(first.opportunityid);
    const all = await h.api.retrieveMultiple({ collection: "opportunities", filter: `${OPPORTUNITY.referralIdentifier} eq 'REF-UPSERT'` });
    expect(all.value).toHaveLength(1);
    expect(all.value[0].name).toBe("Second");
    const created = await raw(h.emu, "PATCH", `opportunities(${OPPORTUNITY.referralIdentifier}='REF-NEW')`, { body: { name: "New" } });
    expect(created.status).toBe(204);
    expect(created.headers.get("odata-entityid")).toMatch(/opportunities\([0-9a-f-]{36}\)$/);
  });

  test("If-Match: * prevents create; If-None-Match: * prevents update", async () => {
    const id = "3f2504e0-4f89-41d3-9a0c-0305e82c3301";
    const noCreate = await failure(h.api.update({ collection: "accounts", key: id, data: { name: "x" }, ifmatch: "*" }));
    expect(noCreate).toMatchObject({ status: 404, code: ErrorCodes.ObjectDoesNotExist });
    expect(noCreate.message).toBe(`account With Id = ${id} Does Not Exist`);
    await h.api.upsert({ collection: "accounts", key: id, data: { name: "Created by upsert" }, ifnonematch: "*" });
    const noUpdate = await failure(h.api.upsert({ collection: "accounts", key: id, data: { name: "overwritten" }, ifnonematch: "*" }));
    expect(noUpdate.status).toBe(412);
    expect(noUpdate.message).toBe("A record with matching key values already exists.");
    expect((await h.api.retrieve<{ name: string }>({ collection: "accounts", key: id, select: ["name"] })).name).toBe("Created by upsert");
  });

  test("delete removes the row; deleting again is 404; children cascade or lose their link", async () => {
    const accountId = (await h.api.create({ collection: "accounts", data: { name: "Parent" } })) as string;
    const oppId = (await h.api.create({ collection: "opportunities", data: { name: "Child", "parentaccountid@odata.bind": `/accounts(${accountId})` } })) as string;
    const pcsId = (await h.api.create({ collection: "pcs_partnercentersolutions", data: { pcs_name: "Row", "pcs_OpportunityId@odata.bind": `/opportunities(${oppId})` } })) as string;
    await h.api.deleteRecord({ collection: "accounts", key: accountId });
    expect((await failure(h.api.retrieve({ collection: "accounts", key: accountId }))).status).toBe(404);
    const opp = await h.api.retrieve<{ _parentaccountid_value: string | null }>({ collection: "opportunities", key: oppId, select: ["_parentaccountid_value"] });
    expect(opp._parentaccountid_value).toBeNull();
    await h.api.deleteRecord({ collection: "opportunities", key: oppId });
    expect((await failure(h.api.retrieve({ collection: "pcs_partnercentersolutions", key: pcsId }))).status).toBe(404);
    expect(await failure(h.api.deleteRecord({ collection: "opportunities", key: oppId }))).toMatchObject({ status: 404, code: ErrorCodes.ObjectDoesNotExist });
  });

  test("a Restrict relationship blocks the delete with 405 CannotDeleteDueToAssociation", async () => {
    const detail = (await h.api.create({ collection: "pcs_microsoftsolutiondetails", data: { pcs_name: "Catalogue entry", pcs_solutionid: "SOL-1" } })) as string;
    const link = (await h.api.create({ collection: "pcs_partnercentersolutions", data: { pcs_name: "Uses it", "pcs_SolutionDetailId@odata.bind": `/pcs_microsoftsolutiondetails(${detail})` } })) as string;
    const blocked = await failure(h.api.deleteRecord({ collection: "pcs_microsoftsolutiondetails", key: detail }));
    expect(blocked).toMatchObject({ status: 405, code: ErrorCodes.CannotDeleteDueToAssociation });
    await h.api.deleteRecord({ collection: "pcs_partnercentersolutions", key: link });
    await h.api.deleteRecord({ collection: "pcs_microsoftsolutiondetails", key: detail });
  });

  test("single-property and $ref operations", async () => {
    const accountId = (await h.api.create({ collection: "accounts", data: { name: "Prop" } })) as string;
    const contactId = (await h.api.create({ collection: "contacts", data: { lastname: "Ref" } })) as string;
    expect((await raw(h.emu, "PUT", `accounts(${accountId})/name`, { body: { value: "Renamed" } })).status).toBe(204);
    expect((await raw(h.emu, "GET", `accounts(${accountId})/name`)).json.value).toBe("Renamed");
    expect((await raw(h.emu, "PUT", `accounts(${accountId})/primarycontactid/$ref`, { body: { "@odata.id": `${h.emu.apiUrl}contacts(${contactId})` } })).status).toBe(204);
    const nav = await raw(h.emu, "GET", `accounts(${accountId})/primarycontactid?$select=lastname`);
    expect(nav.json.lastname).toBe("Ref");
    expect((await raw(h.emu, "DELETE", `accounts(${accountId})/primarycontactid/$ref`)).status).toBe(204);
    expect((await raw(h.emu, "GET", `accounts(${accountId})?$select=_primarycontactid_value`)).json._primarycontactid_value).toBeNull();
  });
});
