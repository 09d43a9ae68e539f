/**
 * ImportSolution / ImportSolutionAsync with fixture zips built from schema.ts: what an import
 * creates, how a broken zip is refused (and leaves nothing behind), upgrades and re-imports.
 */
import {
  CONNECTION_REFERENCES,
  ENVIRONMENT_VARIABLES,
  LEAD,
  OPPORTUNITY,
  PARTNER_CENTER_SOLUTION,
  REFERRAL_CREATION,
  SOLUTION,
  SOLUTION_DETAIL,
} from "../../../plugins-ts/src/model/schema";
import { ErrorCodes } from "../src";
import { fixtureBase64, FLOW_IDS, type FixtureOptions } from "./fixture-solution";
import { failure, raw, startHarness, type Harness } from "./helpers";

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h.emu.close();
});

beforeEach(async () => {
  await h.emu.reset();
});

const importZip = (o: FixtureOptions = {}, publish = true) =>
  h.api.callAction({ actionName: "ImportSolution", action: { CustomizationFile: fixtureBase64(o), OverwriteUnmanagedCustomizations: true, PublishWorkflows: publish } });

/** What an import would have left behind: every trace a half-import could leave. */
async function footprint() {
  const count = async (set: string) => (await h.api.retrieveMultiple({ collection: set, select: [] as string[] })).value.length;
  const custom = await raw(h.emu, "GET", `EntityDefinitions(LogicalName='${SOLUTION_DETAIL.logicalName}')?$select=LogicalName`);
  const opp = await raw(h.emu, "GET", "EntityDefinitions(LogicalName='opportunity')/Attributes?$select=LogicalName");
  return {
    solutions: await count("solutions"),
    workflows: await count("workflows"),
    envvars: await count("environmentvariabledefinitions"),
    connrefs: await count("connectionreferences"),
    webresources: await count("webresourceset"),
    components: await count("solutioncomponents"),
    customTable: custom.status,
    oppColumns: (opp.json.value as unknown[]).length,
  };
}

describe("ImportSolution installs what the solution declares", () => {
  test("tables, columns, choices, keys, relationships and the entity map", async () => {
    await importZip();
    const detail = await raw(h.emu, "GET", `EntityDefinitions(LogicalName='${SOLUTION_DETAIL.logicalName}')?$select=EntitySetName,PrimaryIdAttribute,PrimaryNameAttribute,IsCustomEntity&$expand=Keys`);
    expect(detail.json).toMatchObject({ EntitySetName: SOLUTION_DETAIL.entitySetName, PrimaryIdAttribute: SOLUTION_DETAIL.primaryId, PrimaryNameAttribute: "pcs_name", IsCustomEntity: true });
    expect(detail.json.Keys[0].KeyAttributes).toEqual([SOLUTION_DETAIL.solutionId]);

    // A new table gets the system columns Dataverse adds.
    const row = await h.api.create<unknown, Record<string, unknown>>({
      collection: SOLUTION_DETAIL.entitySetName,
      data: { pcs_name: "Azure Migrate", [SOLUTION_DETAIL.solutionId]: "SOL-12345-ABC" },
      returnRepresentation: true,
    });
    expect(row).toMatchObject({ statecode: 0, statuscode: 1, _ownerid_value: h.emu.userId });
    const onWire = await raw(h.emu, "GET", `${SOLUTION_DETAIL.entitySetName}(${String(row[SOLUTION_DETAIL.primaryId])})?$select=createdon,versionnumber`);
    expect(onWire.json.createdon).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

    // Lookups and navigation properties come from the relationships.
    const oppId = (await h.api.create({ collection: "opportunities", data: { name: "Deal", [OPPORTUNITY.syncWithPartnerCenter]: true } })) as string;
    const pcs = await h.api.create<unknown, Record<string, unknown>>({
      collection: PARTNER_CENTER_SOLUTION.entitySetName,
      data: {
        pcs_name: "Link",
        [`${PARTNER_CENTER_SOLUTION.opportunityNavigation}@odata.bind`]: `/opportunities(${oppId})`,
        [`${PARTNER_CENTER_SOLUTION.solutionDetailNavigation}@odata.bind`]: `/${SOLUTION_DETAIL.entitySetName}(${String(row[SOLUTION_DETAIL.primaryId])})`,
      },
      returnRepresentation: true,
    });
    expect(pcs[`_${PARTNER_CENTER_SOLUTION.opportunity}_value`]).toBe(oppId);
    const expanded = await h.api.retrieve<Record<string, any>>({
      collection: "opportunities",
      key: oppId,
      select: ["name"],
      expand: [{ property: PARTNER_CENTER_SOLUTION.opportunityRelationship, select: ["pcs_name"] }],
    });
    expect(expanded[PARTNER_CENTER_SOLUTION.opportunityRelationship].map((r: { pcs_name: string }) => r.pcs_name)).toEqual(["Link"]);

    // The lead → opportunity map is stored for QualifyLead (exercised in actions.test.ts).
    const leadCols = await raw(h.emu, "GET", "EntityDefinitions(LogicalName='lead')/Attributes?$select=LogicalName");
    expect(leadCols.json.value.map((a: { LogicalName: string }) => a.LogicalName)).toEqual(expect.arrayContaining([LEAD.referralIdentifier, LEAD.syncHash]));
  });

  test("an organization-owned table (OwnershipTypeMask OrgOwned, as exports spell it) gets organizationid and no owner columns", async () => {
    await importZip();
    const def = await raw(h.emu, "GET", `EntityDefinitions(LogicalName='${REFERRAL_CREATION.logicalName}')?$select=OwnershipType,PrimaryIdAttribute&$expand=Attributes($select=LogicalName)`);
    expect(def.json).toMatchObject({ OwnershipType: "OrganizationOwned", PrimaryIdAttribute: REFERRAL_CREATION.primaryId });
    const cols = (def.json.Attributes as Array<{ LogicalName: string }>).map((a) => a.LogicalName);
    expect(cols).toEqual(expect.arrayContaining(["organizationid", "createdby", "modifiedon", REFERRAL_CREATION.opportunity, REFERRAL_CREATION.referralIdentifier, REFERRAL_CREATION.attemptedOn]));
    for (const owner of ["ownerid", "owninguser", "owningbusinessunit"]) expect(cols).not.toContain(owner);
    const oppId = (await h.api.create({ collection: "opportunities", data: { name: "Deal" } })) as string;
    const row = await h.api.create<unknown, Record<string, unknown>>({
      collection: REFERRAL_CREATION.entitySetName,
      data: { [REFERRAL_CREATION.primaryId]: oppId, pcs_name: "Deal", [`${REFERRAL_CREATION.opportunityNavigation}@odata.bind`]: `/opportunities(${oppId})` },
      returnRepresentation: true,
    });
    expect(row).toMatchObject({ [REFERRAL_CREATION.primaryId]: oppId, _organizationid_value: h.emu.organizationId, statecode: 0 });
    expect(row).not.toHaveProperty("_ownerid_value");
    // the export's organization_<table> relationship is the platform's own: navigable, not a custom one
    const rels = await raw(h.emu, "GET", `EntityDefinitions(LogicalName='${REFERRAL_CREATION.logicalName}')/ManyToOneRelationships?$select=SchemaName,ReferencedEntity,IsCustomRelationship`);
    const byName = new Map((rels.json.value as Array<{ SchemaName: string; ReferencedEntity: string; IsCustomRelationship: boolean }>).map((r) => [r.SchemaName, r]));
    expect(byName.get(`organization_${REFERRAL_CREATION.logicalName}`)).toMatchObject({ ReferencedEntity: "organization", IsCustomRelationship: false });
    expect(byName.get(REFERRAL_CREATION.opportunityRelationship)).toMatchObject({ ReferencedEntity: "opportunity", IsCustomRelationship: true });
  });

  test("solution and publisher rows, and a solutioncomponent per installed component", async () => {
    await importZip();
    const sol = await h.api.retrieveMultiple<Record<string, any>>({ collection: "solutions", filter: `uniquename eq '${SOLUTION.uniqueName}'`, expand: [{ property: "publisherid", select: ["uniquename", "customizationprefix"] }] });
    expect(sol.value).toHaveLength(1);
    expect(sol.value[0]).toMatchObject({ version: "1.0.0.0", ismanaged: true, friendlyname: SOLUTION.displayName });
    expect(sol.value[0].publisherid).toMatchObject({ uniquename: "cosellconnectors", customizationprefix: "pcs" });
    const comps = await h.api.retrieveAll<{ componenttype: number; schemaname: string }>({ collection: "solutioncomponents", filter: `_solutionid_value eq ${sol.value[0].solutionid}` });
    const byType = (t: number) => comps.value.filter((c) => c.componenttype === t).map((c) => c.schemaname);
    expect(byType(1)).toEqual(expect.arrayContaining(["opportunity", "lead", SOLUTION_DETAIL.logicalName, PARTNER_CENTER_SOLUTION.logicalName, REFERRAL_CREATION.logicalName]));
    expect(byType(2)).toEqual(expect.arrayContaining([`opportunity.${OPPORTUNITY.referralIdentifier}`, `lead.${LEAD.syncHash}`]));
    expect(byType(14)).toEqual(expect.arrayContaining([`opportunity.${OPPORTUNITY.referralKey}`]));
    expect(byType(29)).toHaveLength(2);
    expect(byType(380)).toHaveLength(Object.keys(ENVIRONMENT_VARIABLES).length);
    expect(byType(10000)).toHaveLength(3);
    expect(byType(61)).toEqual(["pcs_/scripts/opportunity.js"]);
    expect(byType(66)).toEqual(["pcs_PartnerCenterSync.SyncStatus"]);
  });

  test("cloud flows become category 5 workflows with the flow JSON as clientdata, on as shipped", async () => {
    await importZip();
    const flows = await h.api.retrieveMultiple<Record<string, any>>({ collection: "workflows", filter: "category eq 5", select: ["name", "clientdata", "statecode", "statuscode", "type", "primaryentity"] });
    expect(flows.value).toHaveLength(2);
    const child = flows.value.find((f) => f.workflowid === FLOW_IDS.child);
    expect(child).toMatchObject({ statecode: 1, statuscode: 2, type: 1, primaryentity: "none" });
    const json = JSON.parse(child?.clientdata as string);
    expect(json.properties.connectionReferences.shared_commondataserviceforapps.connection.connectionReferenceLogicalName).toBe(CONNECTION_REFERENCES.dataverse.logicalName);
    // A flow that is on cannot have its definition changed (turn it off first), as in Dataverse.
    const edit = await failure(h.api.update({ collection: "workflows", key: FLOW_IDS.child, data: { clientdata: child?.clientdata } }));
    expect(edit).toMatchObject({ status: 400, code: ErrorCodes.CannotUpdateActiveModernFlow });
    await h.api.update({ collection: "workflows", key: FLOW_IDS.child, data: { statecode: 0, statuscode: 1 } });
    await h.api.update({ collection: "workflows", key: FLOW_IDS.child, data: { clientdata: child?.clientdata } });
  });

  test("PublishWorkflows false leaves imported flows off", async () => {
    await importZip({}, false);
    const flows = await h.api.retrieveMultiple<{ statecode: number }>({ collection: "workflows", filter: "category eq 5", select: ["statecode"] });
    expect(flows.value.map((f) => f.statecode)).toEqual([0, 0]);
  });

  test("environment variable definitions and values, connection references, web resources, controls", async () => {
    await importZip();
    const defs = await h.api.retrieveMultiple<Record<string, any>>({
      collection: "environmentvariabledefinitions",
      select: ["schemaname", "defaultvalue", "type", "displayname"],
      expand: [{ property: "environmentvariabledefinition_environmentvariablevalue", select: ["value"] }],
    });
    const bySchema = Object.fromEntries(defs.value.map((d) => [d.schemaname, d]));
    expect(Object.keys(bySchema).sort()).toEqual(Object.values(ENVIRONMENT_VARIABLES).map((v) => v.schemaName).sort());
    expect(bySchema[ENVIRONMENT_VARIABLES.displayCheckMark.schemaName]).toMatchObject({ type: 100000002, defaultvalue: "yes" });
    expect(bySchema[ENVIRONMENT_VARIABLES.displayCheckMark.schemaName].environmentvariabledefinition_environmentvariablevalue[0].value).toBe("no");
    expect(bySchema[ENVIRONMENT_VARIABLES.dealValueField.schemaName]).toMatchObject({ type: 100000000, defaultvalue: "estimatedvalue", displayname: "Deal value" });

    const refs = await h.api.retrieveMultiple<{ connectionreferencelogicalname: string; connectorid: string }>({ collection: "connectionreferences", select: ["connectionreferencelogicalname", "connectorid"] });
    expect(refs.value.map((r) => r.connectionreferencelogicalname).sort()).toEqual(Object.values(CONNECTION_REFERENCES).map((c) => c.logicalName).sort());

    const wr = await h.api.retrieveMultiple<{ name: string; content: string; webresourcetype: number }>({ collection: "webresourceset", select: ["name", "content", "webresourcetype"] });
    expect(wr.value).toHaveLength(1);
    expect(Buffer.from(wr.value[0].content, "base64").toString()).toBe("var PartnerCenterSync = {};");
    const cc = await h.api.retrieveMultiple<{ name: string }>({ collection: "customcontrols", select: ["name"] });
    expect(cc.value.map((c) => c.name)).toEqual(["pcs_PartnerCenterSync.SyncStatus"]);
  });

  test("ImportSolutionAsync returns an asyncoperation that completes", async () => {
    const res = await h.api.callAction<{ AsyncOperationId: string; ImportJobKey: string }>({
      actionName: "ImportSolutionAsync",
      action: { CustomizationFile: fixtureBase64(), OverwriteUnmanagedCustomizations: true, PublishWorkflows: true },
    });
    expect(res.AsyncOperationId).toMatch(/^[0-9a-f-]{36}$/);
    let op: { statecode: number; statuscode: number } | undefined;
    for (let i = 0; i < 100; i++) {
      op = await h.api.retrieve({ collection: "asyncoperations", key: res.AsyncOperationId, select: ["statecode", "statuscode", "message"] });
      if (op?.statecode === 3) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(op).toMatchObject({ statecode: 3, statuscode: 30 });
    expect((await h.api.retrieveMultiple({ collection: "workflows", filter: "category eq 5" })).value).toHaveLength(2);
  });

  test("ImportSolutionAsync of a broken zip ends Failed with the reason", async () => {
    const res = await h.api.callAction<{ AsyncOperationId: string }>({
      actionName: "ImportSolutionAsync",
      action: { CustomizationFile: fixtureBase64({ edit: (f) => delete f["customizations.xml"] }), OverwriteUnmanagedCustomizations: true, PublishWorkflows: true },
    });
    await h.emu.idle();
    const op = await h.api.retrieve<{ statecode: number; statuscode: number; message: string }>({ collection: "asyncoperations", key: res.AsyncOperationId });
    expect(op).toMatchObject({ statecode: 3, statuscode: 31 });
    expect(op.message).toContain(ErrorCodes.ImportCustomizationsBadZipFileError);
    expect((await footprint()).solutions).toBe(0);
  });
});

describe("a zip Dataverse would refuse is refused the same way and leaves nothing behind", () => {
  const cases: Array<[string, FixtureOptions, string, RegExp]> = [
    ["missing customizations.xml", { edit: (f) => delete f["customizations.xml"] }, ErrorCodes.ImportCustomizationsBadZipFileError, /must contain the following files at its root/],
    [
      "root files zipped inside a folder",
      {
        edit: (f) => {
          for (const k of Object.keys(f)) {
            f[`PartnerCenterReferralsSync/${k}`] = f[k];
            delete f[k];
          }
        },
      },
      ErrorCodes.ImportCustomizationsBadZipFileError,
      /in a folder/,
    ],
    ["customizations.xml not well formed", { edit: (f) => (f["customizations.xml"] = String(f["customizations.xml"]).replace("</Entities>", "</Entitie>")) }, ErrorCodes.ImportNonWellFormedFileError, /not well formed/],
    [
      "a root component the customizations do not define",
      { edit: (f) => (f["solution.xml"] = String(f["solution.xml"]).replace("<RootComponents>", '<RootComponents><RootComponent type="61" schemaName="pcs_/scripts/missing.js" behavior="0" />')) },
      ErrorCodes.ImportMissingComponent,
      /Cannot add a Root Component pcs_\/scripts\/missing\.js of type 61/,
    ],
    [
      "a flow that is not a root component",
      { edit: (f) => (f["solution.xml"] = String(f["solution.xml"]).replace(`<RootComponent type="29" id="{${FLOW_IDS.child}}" behavior="0" />`, "")) },
      ErrorCodes.ImportMissingRootComponentEntry,
      /not declared in the solution file as a root component/,
    ],
    [
      "a column without the publisher prefix",
      { edit: (f) => (f["customizations.xml"] = String(f["customizations.xml"]).replace(/pcs_synchash/g, "new_synchash")) },
      ErrorCodes.ImportAttributeNameError,
      /Invalid name for attribute new_synchash/,
    ],
    [
      "a PCF control with another publisher's prefix",
      {
        edit: (f) => {
          for (const k of ["solution.xml", "customizations.xml"]) f[k] = String(f[k]).replace(/pcs_PartnerCenterSync\.SyncStatus/g, "msft_PartnerCenterSync.SyncStatus");
        },
      },
      ErrorCodes.ImportSolutionError,
      /Publisher prefix msft for this control msft_PartnerCenterSync\.SyncStatus does not match the prefix pcs/,
    ],
    [
      "a flow calling a child flow that is neither in the solution nor installed",
      {
        edit: (f) => {
          const key = Object.keys(f).find((k) => k.includes(FLOW_IDS.parent.toUpperCase())) as string;
          f[key] = String(f[key]).replace(FLOW_IDS.child, "0badc0de-0000-4000-8000-000000000000");
        },
      },
      ErrorCodes.ImportMissingDependenciesError,
      /Some dependencies are missing.*0badc0de-0000-4000-8000-000000000000/,
    ],
    [
      "a flow using a connection reference that does not exist",
      { edit: (f) => (f["customizations.xml"] = String(f["customizations.xml"]).replace(`connectionreferencelogicalname="${CONNECTION_REFERENCES.dataverse.logicalName}"`, 'connectionreferencelogicalname="pcs_other"')) },
      ErrorCodes.ImportMissingDependenciesError,
      new RegExp(CONNECTION_REFERENCES.dataverse.logicalName),
    ],
    [
      "a declared missing dependency the target lacks",
      { edit: (f) => (f["solution.xml"] = String(f["solution.xml"]).replace("<MissingDependencies />", '<MissingDependencies><MissingDependency><Required type="1" schemaName="msdyn_competitor" /><Dependent type="1" schemaName="opportunity" /></MissingDependency></MissingDependencies>')) },
      ErrorCodes.ImportMissingDependenciesError,
      /msdyn_competitor/,
    ],
    ["a package from a newer platform", { edit: (f) => (f["solution.xml"] = String(f["solution.xml"]).replace('SolutionPackageVersion="9.2"', 'SolutionPackageVersion="10.0"')) }, ErrorCodes.ImportSolutionPackageNotValid, /cannot be imported into this system/],
    ["a flow JSON file missing from the zip", { edit: (f) => delete f[Object.keys(f).find((k) => k.startsWith("Workflows/")) as string] }, ErrorCodes.ImportSolutionError, /is not in the solution file/],
  ];

  test.each(cases)("%s", async (_name, options, code, message) => {
    const before = await footprint();
    const err = await failure(importZip(options));
    expect(err.status).toBe(400);
    expect(err.code).toBe(code);
    expect(err.message).toMatch(message);
    expect(await footprint()).toEqual(before);
  });

  test("a failed import is recorded in importjob", async () => {
    await failure(importZip({ edit: (f) => delete f["solution.xml"] }));
    const jobs = await h.api.retrieveMultiple<{ data: string }>({ collection: "importjobs", select: ["data"] });
    expect(jobs.value[0].data).toContain('result="failure"');
  });
});

describe("versions", () => {
  test("importing the same version again is harmless: data, flow state and connections stay", async () => {
    await importZip();
    const oppId = (await h.api.create({ collection: "opportunities", data: { name: "Keep me", [OPPORTUNITY.referralIdentifier]: "REF-KEEP" } })) as string;
    const ref = await h.api.retrieveMultiple<{ connectionreferenceid: string }>({ collection: "connectionreferences", filter: `connectionreferencelogicalname eq '${CONNECTION_REFERENCES.dataverse.logicalName}'` });
    await h.api.update({ collection: "connectionreferences", key: ref.value[0].connectionreferenceid, data: { connectionid: "shared-commondataserviceforapps-123" } });
    await h.api.update({ collection: "workflows", key: FLOW_IDS.parent, data: { statecode: 0, statuscode: 1 } });
    const before = await footprint();
    await importZip();
    expect(await footprint()).toEqual(before);
    expect((await h.api.retrieve<{ name: string }>({ collection: "opportunities", key: oppId, select: ["name"] })).name).toBe("Keep me");
    expect((await h.api.retrieve<{ connectionid: string }>({ collection: "connectionreferences", key: ref.value[0].connectionreferenceid })).connectionid).toBe("shared-commondataserviceforapps-123");
    expect((await h.api.retrieve<{ statecode: number }>({ collection: "workflows", key: FLOW_IDS.parent, select: ["statecode"] })).statecode).toBe(0);
  });

  test("a newer version upgrades in place and adds what it adds", async () => {
    await importZip({ version: "1.0.0.0" });
    const oppId = (await h.api.create({ collection: "opportunities", data: { name: "Survives", [OPPORTUNITY.referralIdentifier]: "REF-UP" } })) as string;
    await importZip({
      version: "1.1.0.0",
      edit: (f) =>
        (f["customizations.xml"] = String(f["customizations.xml"]).replace(
          "</attributes><EntityKeys><EntityKey Name=\"pcs_referralidentifier_key\">",
          '<attribute PhysicalName="pcs_DealRegistrationId"><Type>nvarchar</Type><Name>pcs_dealregistrationid</Name><LogicalName>pcs_dealregistrationid</LogicalName><RequiredLevel>none</RequiredLevel><IsCustomField>1</IsCustomField><Format>text</Format><MaxLength>50</MaxLength><displaynames><displayname description="Deal Registration Id" languagecode="1033" /></displaynames></attribute></attributes><EntityKeys><EntityKey Name="pcs_referralidentifier_key">',
        )),
    });
    const sol = await h.api.retrieveMultiple<{ version: string }>({ collection: "solutions", filter: `uniquename eq '${SOLUTION.uniqueName}'` });
    expect(sol.value.map((s) => s.version)).toEqual(["1.1.0.0"]);
    await h.api.update({ collection: "opportunities", key: oppId, data: { pcs_dealregistrationid: "DR-1" } });
    const opp = await h.api.retrieve<Record<string, unknown>>({ collection: "opportunities", key: oppId, select: ["name", "pcs_dealregistrationid"] });
    expect(opp).toMatchObject({ name: "Survives", pcs_dealregistrationid: "DR-1" });
  });

  test("an older version over a newer one, or managed over unmanaged, is refused", async () => {
    await importZip({ version: "2.0.0.0" });
    const older = await failure(importZip({ version: "1.0.0.0" }));
    expect(older).toMatchObject({ status: 400, code: ErrorCodes.ImportSolutionError });
    const unmanaged = await failure(importZip({ version: "2.0.0.0", managed: false }));
    expect(unmanaged).toMatchObject({ code: ErrorCodes.ImportSolutionUnmanagedToManagedMismatch });
  });
});
