/**
 * The zip `npm run build` writes (dist/PartnerCenterReferralsSync_<version>[_managed].zip) imports
 * into the emulator the way an admin imports it, and everything the solution declares is there:
 * every table, column, key, relationship, environment variable, connection reference, web
 * resource, control and flow. Expectations come from the zip's own customizations.xml and files
 * (read here with fast-xml-parser, independently of the importer) and from schema.ts — not from a
 * hand-written list. A broken copy of the zip is refused with a Dataverse-shaped error.
 */
import { strFromU8, unzipSync, zipSync } from "fflate";
import { XMLParser } from "fast-xml-parser";
import {
  CONNECTION_REFERENCES,
  ENVIRONMENT_VARIABLES,
  LEAD,
  OPPORTUNITY,
  PARTNER_CENTER_SOLUTION,
  PUBLISHER,
  REFERRAL_CREATION,
  SOLUTION,
  SOLUTION_DETAIL,
} from "../../../plugins-ts/src/model/schema";
import { ErrorCodes } from "../src";
import { builtZip, failure, raw, startHarness, type Harness } from "./helpers";

type X = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const list = (v: unknown): X[] => (Array.isArray(v) ? v : v === undefined || v === null || v === "" ? [] : [v]) as X[];
const txt = (v: unknown): string => (typeof v === "object" && v !== null ? String((v as X)["#text"] ?? "") : String(v ?? ""));

/** What the zip declares, read straight from its files. */
function declared(bytes: Uint8Array) {
  const files = unzipSync(bytes);
  const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@_", parseTagValue: false });
  const read = (name: string) => strFromU8(files[name]).replace(/^\uFEFF/, "");
  const cx = xml.parse(read("customizations.xml")).ImportExportXml as X;
  const manifest = xml.parse(read("solution.xml")).ImportExportXml.SolutionManifest as X;
  const entities = list(cx.Entities?.Entity).map((e) => {
    const info = e.EntityInfo.entity as X;
    const keys = list((info.EntityKeys ?? e.EntityKeys)?.EntityKey).map((k) => ({
      name: txt(k.LogicalName ?? k.Name ?? k["@_Name"]).toLowerCase(),
      attributes: [...list(k.EntityKeyAttributes?.AttributeName), ...list(k.KeyAttributes?.KeyAttribute)].map((a) => txt(a).toLowerCase()),
    }));
    return {
      logicalName: txt(e.Name).toLowerCase(),
      entitySetName: info.EntitySetName ? txt(info.EntitySetName) : undefined,
      columns: list(info.attributes?.attribute).map((a) => txt(a.LogicalName ?? a.Name).toLowerCase()),
      keys,
    };
  });
  const relationships = list(cx.EntityRelationships?.EntityRelationship)
    .filter((r) => txt(r.EntityRelationshipType) === "OneToMany" && txt(r.ReferencingAttributeName).toLowerCase().startsWith(`${PUBLISHER.prefix}_`))
    .map((r) => ({
      name: String(r["@_Name"]),
      referencing: txt(r.ReferencingEntityName).toLowerCase(),
      referenced: txt(r.ReferencedEntityName).toLowerCase(),
      nav: list(r.EntityRelationshipRoles?.EntityRelationshipRole).find((x) => txt(x.RelationshipRoleType) === "1")?.NavigationPropertyName as string | undefined,
    }));
  const workflows = list(cx.Workflows?.Workflow).map((w) => ({
    id: String(w["@_WorkflowId"]).replace(/[{}]/g, "").toLowerCase(),
    name: String(w["@_Name"]),
    category: Number(txt(w.Category)),
    state: Number(txt(w.StateCode)),
    json: w.JsonFileName ? read(txt(w.JsonFileName).replace(/^\//, "")) : undefined,
  }));
  const envVars = Object.keys(files)
    .map((f) => /^environmentvariabledefinitions\/([^/]+)\/environmentvariabledefinition\.xml$/i.exec(f)?.[1])
    .filter((x): x is string => !!x);
  return {
    manifest,
    entities,
    relationships,
    workflows,
    envVars,
    connectionReferences: list(cx.connectionreferences?.connectionreference).map((c) => String(c["@_connectionreferencelogicalname"])),
    webResources: list(cx.WebResources?.WebResource).map((w) => txt(w.Name)),
    controls: list(cx.CustomControls?.CustomControl).map((c) => txt(c.Name)),
    files,
  };
}

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h.emu.close();
});

const importBytes = (bytes: Uint8Array, publish = true) =>
  h.api.callAction({ actionName: "ImportSolution", action: { CustomizationFile: Buffer.from(bytes).toString("base64"), OverwriteUnmanagedCustomizations: true, PublishWorkflows: publish } });

describe.each(["managed", "unmanaged"] as const)("the %s zip from npm run build", (kind) => {
  let zip: { path: string; bytes: Buffer };
  let d: ReturnType<typeof declared>;

  beforeAll(async () => {
    zip = builtZip(kind);
    d = declared(zip.bytes);
    await h.emu.reset();
    await importBytes(zip.bytes);
  });

  test("installs as the solution and publisher the zip names", async () => {
    const sol = await h.api.retrieveMultiple<Record<string, any>>({ collection: "solutions", expand: [{ property: "publisherid", select: ["uniquename", "customizationprefix"] }] });
    expect(sol.value).toHaveLength(1);
    expect(sol.value[0]).toMatchObject({ uniquename: SOLUTION.uniqueName, version: txt(d.manifest.Version), ismanaged: kind === "managed" });
    expect(sol.value[0].publisherid).toMatchObject({ uniquename: PUBLISHER.uniqueName, customizationprefix: PUBLISHER.prefix });
  });

  test("every table, column and key the customizations declare is in EntityDefinitions", async () => {
    expect(d.entities.length).toBeGreaterThan(0);
    for (const e of d.entities) {
      const def = await raw(h.emu, "GET", `EntityDefinitions(LogicalName='${e.logicalName}')?$select=EntitySetName&$expand=Attributes($select=LogicalName),Keys`);
      expect({ table: e.logicalName, status: def.status }).toEqual({ table: e.logicalName, status: 200 });
      if (e.entitySetName) expect(def.json.EntitySetName).toBe(e.entitySetName);
      const columns = new Set((def.json.Attributes as Array<{ LogicalName: string }>).map((a) => a.LogicalName));
      const missing = e.columns.filter((c) => !columns.has(c));
      expect({ table: e.logicalName, missing }).toEqual({ table: e.logicalName, missing: [] });
      for (const k of e.keys) {
        const key = (def.json.Keys as Array<{ LogicalName: string; KeyAttributes: string[] }>).find((x) => x.LogicalName === k.name);
        expect({ table: e.logicalName, key: k.name, attributes: key?.KeyAttributes }).toEqual({ table: e.logicalName, key: k.name, attributes: k.attributes });
      }
    }
  });

  test("schema.ts names are all there, and the keys work as upsert targets", async () => {
    const columnsOf = async (table: string) =>
      new Set(((await raw(h.emu, "GET", `EntityDefinitions(LogicalName='${table}')/Attributes?$select=LogicalName`)).json.value as Array<{ LogicalName: string }>).map((a) => a.LogicalName));
    const opp = await columnsOf("opportunity");
    for (const [k, v] of Object.entries(OPPORTUNITY)) if (!["logicalName", "entitySetName", "primaryId", "referralKey"].includes(k)) expect({ column: v, present: opp.has(v) }).toEqual({ column: v, present: true });
    const lead = await columnsOf("lead");
    for (const [k, v] of Object.entries(LEAD)) if (!["logicalName", "entitySetName", "primaryId", "referralKey"].includes(k)) expect({ column: v, present: lead.has(v) }).toEqual({ column: v, present: true });
    for (const t of [SOLUTION_DETAIL, PARTNER_CENTER_SOLUTION, REFERRAL_CREATION]) {
      const def = await raw(h.emu, "GET", `EntityDefinitions(LogicalName='${t.logicalName}')?$select=EntitySetName,PrimaryIdAttribute`);
      expect(def.json).toMatchObject({ EntitySetName: t.entitySetName, PrimaryIdAttribute: t.primaryId });
    }
    const claim = await columnsOf(REFERRAL_CREATION.logicalName);
    for (const c of [REFERRAL_CREATION.name, REFERRAL_CREATION.opportunity, REFERRAL_CREATION.referralIdentifier, REFERRAL_CREATION.attemptedOn]) expect({ column: c, present: claim.has(c) }).toEqual({ column: c, present: true });
    const key = `${OPPORTUNITY.referralIdentifier}='REF-BUILT-1'`;
    const a = await h.api.upsert<unknown, { opportunityid: string }>({ collection: OPPORTUNITY.entitySetName, key, data: { name: "From the built zip" }, returnRepresentation: true });
    const b = await h.api.upsert<unknown, { opportunityid: string }>({ collection: OPPORTUNITY.entitySetName, key, data: { name: "Again" }, returnRepresentation: true });
    expect(b.opportunityid).toBe(a.opportunityid);
    const leadId = await h.api.upsert<unknown, { leadid: string }>({ collection: LEAD.entitySetName, key: `${LEAD.referralIdentifier}='REF-LEAD-BUILT'`, data: { lastname: "Lead" }, returnRepresentation: true });
    expect(leadId.leadid).toMatch(/^[0-9a-f-]{36}$/);
    const detail = await h.api.upsert<unknown, Record<string, string>>({ collection: SOLUTION_DETAIL.entitySetName, key: `${SOLUTION_DETAIL.solutionId}='SOL-12345-ABC'`, data: { [SOLUTION_DETAIL.name]: "Azure Migrate" }, returnRepresentation: true });
    const link = await h.api.create<unknown, Record<string, unknown>>({
      collection: PARTNER_CENTER_SOLUTION.entitySetName,
      data: {
        [PARTNER_CENTER_SOLUTION.name]: "Link",
        [`${PARTNER_CENTER_SOLUTION.opportunityNavigation}@odata.bind`]: `/${OPPORTUNITY.entitySetName}(${a.opportunityid})`,
        [`${PARTNER_CENTER_SOLUTION.solutionDetailNavigation}@odata.bind`]: `/${SOLUTION_DETAIL.entitySetName}(${detail[SOLUTION_DETAIL.primaryId]})`,
      },
      returnRepresentation: true,
    });
    expect(link[`_${PARTNER_CENTER_SOLUTION.opportunity}_value`]).toBe(a.opportunityid);
  });

  test("every custom relationship is navigable", async () => {
    for (const r of d.relationships) {
      const nav = await raw(h.emu, "GET", `EntityDefinitions(LogicalName='${r.referencing}')/ManyToOneRelationships`);
      const found = (nav.json.value as Array<{ SchemaName: string; ReferencedEntity: string; ReferencingEntityNavigationPropertyName: string }>).find((x) => x.SchemaName === r.name);
      expect({ relationship: r.name, referenced: found?.ReferencedEntity, nav: found?.ReferencingEntityNavigationPropertyName }).toEqual({ relationship: r.name, referenced: r.referenced, nav: r.nav ?? found?.ReferencingEntityNavigationPropertyName });
      const parentSet = (await raw(h.emu, "GET", `EntityDefinitions(LogicalName='${r.referenced}')?$select=EntitySetName`)).json.EntitySetName as string;
      expect((await raw(h.emu, "GET", `${parentSet}?$select=createdon&$expand=${r.name}($select=createdon)&$top=1`)).status).toBe(200);
    }
  });

  test("every environment variable, connection reference, web resource and control", async () => {
    const defs = await h.api.retrieveMultiple<{ schemaname: string }>({ collection: "environmentvariabledefinitions", select: ["schemaname"] });
    expect(defs.value.map((x) => x.schemaname).sort()).toEqual([...d.envVars].sort());
    expect([...d.envVars].sort()).toEqual(Object.values(ENVIRONMENT_VARIABLES).map((v) => v.schemaName).sort());
    const refs = await h.api.retrieveMultiple<{ connectionreferencelogicalname: string }>({ collection: "connectionreferences", select: ["connectionreferencelogicalname"] });
    expect(refs.value.map((x) => x.connectionreferencelogicalname).sort()).toEqual([...d.connectionReferences].sort());
    expect([...d.connectionReferences].sort()).toEqual(Object.values(CONNECTION_REFERENCES).map((c) => c.logicalName).sort());
    const wr = await h.api.retrieveMultiple<{ name: string }>({ collection: "webresourceset", select: ["name"] });
    expect(wr.value.map((x) => x.name).sort()).toEqual([...d.webResources].sort());
    const cc = await h.api.retrieveMultiple<{ name: string }>({ collection: "customcontrols", select: ["name"] });
    expect(cc.value.map((x) => x.name).sort()).toEqual([...d.controls].sort());
  });

  test("every flow is a workflows row with its JSON as clientdata, in the state it shipped", async () => {
    const rows = await h.api.retrieveAll<{ workflowid: string; name: string; category: number; clientdata: string; statecode: number }>({
      collection: "workflows",
      select: ["name", "category", "clientdata", "statecode"],
    });
    expect(rows.value.map((r) => r.workflowid).sort()).toEqual(d.workflows.map((w) => w.id).sort());
    for (const w of d.workflows) {
      const row = rows.value.find((r) => r.workflowid === w.id);
      expect(row).toMatchObject({ name: w.name, category: w.category, statecode: w.state });
      if (w.json !== undefined) expect(row?.clientdata).toBe(w.json);
    }
  });
});

test("a broken copy of the built zip is refused with a Dataverse-shaped error and installs nothing", async () => {
  await h.emu.reset();
  const files = unzipSync(builtZip("managed").bytes);
  delete files["customizations.xml"];
  const broken = zipSync(files);
  const err = await failure(importBytes(broken));
  expect(err).toMatchObject({ status: 400, code: ErrorCodes.ImportCustomizationsBadZipFileError });
  const wire = await raw(h.emu, "POST", "ImportSolution", { body: { CustomizationFile: Buffer.from(broken).toString("base64"), OverwriteUnmanagedCustomizations: true, PublishWorkflows: true } });
  expect(wire.status).toBe(400);
  expect(Object.keys(wire.json)).toEqual(["error"]);
  expect(wire.json.error.code).toBe(ErrorCodes.ImportCustomizationsBadZipFileError);
  expect(wire.json.error.message).toMatch(/^The solution file is invalid\. The compressed file must contain the following files at its root: solution\.xml, customizations\.xml, and \[Content_Types\]\.xml/);
  expect((await h.api.retrieveMultiple({ collection: "solutions" })).value).toHaveLength(0);
  expect((await raw(h.emu, "GET", `EntityDefinitions(LogicalName='${SOLUTION_DETAIL.logicalName}')`)).status).toBe(404);
});

/**
 * The claim the sync takes before it creates a referral: a pcs_referralcreations row whose primary
 * key is the opportunity's id. Dataverse lets a create set the primary key, and refuses a second
 * row with the same key with 412 / 0x80040237 DuplicateRecord ("412 Precondition Failed … DuplicateRecord",
 * learn.microsoft.com/power-apps/developer/data-platform/webapi/compose-http-requests-handle-errors).
 */
describe("the referral-creation claim table from the built zip", () => {
  let oppId: string;
  const claimUrl = (id: string) => `${REFERRAL_CREATION.entitySetName}(${id})`;
  const claimBody = (id: string, name: string, at: string) => ({
    [REFERRAL_CREATION.primaryId]: id,
    [REFERRAL_CREATION.name]: name,
    [`${REFERRAL_CREATION.opportunityNavigation}@odata.bind`]: `/${OPPORTUNITY.entitySetName}(${id})`,
    [REFERRAL_CREATION.attemptedOn]: at,
  });

  beforeAll(async () => {
    await h.emu.reset();
    await importBytes(builtZip("unmanaged").bytes);
  });
  beforeEach(async () => {
    oppId = (await h.api.create({ collection: OPPORTUNITY.entitySetName, data: { name: "Claimed deal" } })) as string;
  });

  test("is organization-owned: no owner columns, the organization's id instead", async () => {
    const def = await raw(h.emu, "GET", `EntityDefinitions(LogicalName='${REFERRAL_CREATION.logicalName}')?$select=OwnershipType&$expand=Attributes($select=LogicalName)`);
    expect(def.json.OwnershipType).toBe("OrganizationOwned");
    const columns = (def.json.Attributes as Array<{ LogicalName: string }>).map((a) => a.LogicalName);
    expect(columns).toEqual(expect.arrayContaining(["organizationid", REFERRAL_CREATION.primaryId]));
    expect(columns).not.toContain("ownerid");
    expect(columns).not.toContain("owningbusinessunit");
  });

  test("a create may set the primary key: the row's id is the opportunity's id, its lookup points at the opportunity", async () => {
    const post = await raw(h.emu, "POST", REFERRAL_CREATION.entitySetName, { body: claimBody(oppId, "Claimed deal", "2026-03-01T10:00:00Z") });
    expect(post.status).toBe(204);
    expect(post.headers.get("OData-EntityId")).toBe(`${h.emu.apiUrl}${claimUrl(oppId)}`);
    const row = await raw(h.emu, "GET", `${claimUrl(oppId)}?$select=${REFERRAL_CREATION.name},_${REFERRAL_CREATION.opportunity}_value,${REFERRAL_CREATION.attemptedOn},${REFERRAL_CREATION.referralIdentifier},_organizationid_value`);
    expect(row.json).toMatchObject({
      [REFERRAL_CREATION.primaryId]: oppId,
      [REFERRAL_CREATION.name]: "Claimed deal",
      [`_${REFERRAL_CREATION.opportunity}_value`]: oppId,
      [REFERRAL_CREATION.attemptedOn]: "2026-03-01T10:00:00Z",
      [REFERRAL_CREATION.referralIdentifier]: null,
      _organizationid_value: h.emu.organizationId,
    });
    // later the sync records the referral id on its claim
    expect((await raw(h.emu, "PATCH", claimUrl(oppId), { body: { [REFERRAL_CREATION.referralIdentifier]: "REF-CLAIM-1" } })).status).toBe(204);
    expect((await raw(h.emu, "GET", `${claimUrl(oppId)}?$select=${REFERRAL_CREATION.referralIdentifier}`)).json[REFERRAL_CREATION.referralIdentifier]).toBe("REF-CLAIM-1");
  });

  test("a second create with the same id is refused with 412 / 0x80040237 and changes nothing", async () => {
    expect((await raw(h.emu, "POST", REFERRAL_CREATION.entitySetName, { body: claimBody(oppId, "First run", "2026-03-01T10:00:00Z") })).status).toBe(204);
    const before = h.emu.stateDigest();
    // the same id, upper-case and in braces: still the same key
    const again = await raw(h.emu, "POST", REFERRAL_CREATION.entitySetName, { body: claimBody(`{${oppId.toUpperCase()}}`, "Second run", "2026-03-01T10:00:05Z") });
    expect(again.status).toBe(412);
    expect(again.json).toEqual({ error: { code: ErrorCodes.DuplicateRecord, message: expect.stringMatching(/duplicate key/i) } });
    expect(h.emu.stateDigest()).toBe(before);
    const row = await raw(h.emu, "GET", `${claimUrl(oppId)}?$select=${REFERRAL_CREATION.name},${REFERRAL_CREATION.attemptedOn}`);
    expect(row.json).toMatchObject({ [REFERRAL_CREATION.name]: "First run", [REFERRAL_CREATION.attemptedOn]: "2026-03-01T10:00:00Z" });
    // the same refusal through the client the tests use
    expect(await failure(h.api.create({ collection: REFERRAL_CREATION.entitySetName, data: claimBody(oppId, "Third run", "2026-03-01T10:00:09Z") }))).toMatchObject({ status: 412, code: ErrorCodes.DuplicateRecord });
    const all = await h.api.retrieveMultiple({ collection: REFERRAL_CREATION.entitySetName, filter: `_${REFERRAL_CREATION.opportunity}_value eq ${oppId}` });
    expect(all.value).toHaveLength(1);
  });

  test("two creates at once for one opportunity: exactly one is stored, the other gets the 412", async () => {
    const answers = await Promise.all(
      ["Run A", "Run B"].map((name) => raw(h.emu, "POST", REFERRAL_CREATION.entitySetName, { body: claimBody(oppId, name, "2026-03-01T11:00:00Z") })),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([204, 412]);
    expect(answers.find((a) => a.status === 412)?.json.error.code).toBe(ErrorCodes.DuplicateRecord);
    const all = await h.api.retrieveMultiple<Record<string, string>>({ collection: REFERRAL_CREATION.entitySetName, filter: `_${REFERRAL_CREATION.opportunity}_value eq ${oppId}` });
    expect(all.value.map((r) => r[REFERRAL_CREATION.name])).toEqual([answers[0].status === 204 ? "Run A" : "Run B"]);
  });

  test("deleting the opportunity deletes its claim (cascade)", async () => {
    expect((await raw(h.emu, "POST", REFERRAL_CREATION.entitySetName, { body: claimBody(oppId, "Claimed deal", "2026-03-01T12:00:00Z") })).status).toBe(204);
    await h.api.deleteRecord({ collection: OPPORTUNITY.entitySetName, key: oppId });
    expect((await raw(h.emu, "GET", claimUrl(oppId))).status).toBe(404);
  });
});
