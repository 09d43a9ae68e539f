/**
 * The endpoints the admin command line (npm run deploy / doctor) relies on, with their documented
 * errors: RetrieveCurrentOrganization, StageAndUpgradeAsync (upgrade semantics: what the new version
 * drops is removed, data stays), and the flowrun table Power Automate writes run history to.
 */
import { OPPORTUNITY, SOLUTION } from "../../../plugins-ts/src/model/schema";
import { DEFAULT_ENVIRONMENT_ID, ErrorCodes } from "../src";
import { fixtureBase64, FLOW_IDS, type FixtureOptions } from "./fixture-solution";
import { raw, startHarness, type Harness } from "./helpers";

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

async function asyncImport(action: "ImportSolutionAsync" | "StageAndUpgradeAsync", o: FixtureOptions = {}): Promise<{ statuscode: number; message: string | null }> {
  const res = await raw(h.emu, "POST", action, { body: { CustomizationFile: fixtureBase64(o), OverwriteUnmanagedCustomizations: true, PublishWorkflows: false } });
  expect(res.status).toBe(200);
  expect(res.json.ImportJobKey).toMatch(/^[0-9a-f-]{36}$/);
  await h.emu.idle();
  const op = await raw(h.emu, "GET", `asyncoperations(${res.json.AsyncOperationId})?$select=statecode,statuscode,message`);
  expect(op.json.statecode).toBe(3);
  return { statuscode: op.json.statuscode, message: op.json.message };
}

/** The fixture without its web resource: a version that no longer ships it. */
const withoutWebResource: FixtureOptions["edit"] = (f) => {
  const drop = (text: string) =>
    text
      .replace(/<RootComponent type="61"[^>]*\/>/, "")
      .replace(/<WebResources>.*<\/WebResources>/s, "<WebResources />");
  f["solution.xml"] = drop(String(f["solution.xml"]));
  f["customizations.xml"] = drop(String(f["customizations.xml"]));
  for (const k of Object.keys(f)) if (k.startsWith("WebResources/")) delete f[k];
};

describe("RetrieveCurrentOrganization", () => {
  test("gives the organization and its environment id", async () => {
    const res = await raw(h.emu, "GET", "RetrieveCurrentOrganization(AccessType=@p1)?@p1=Microsoft.Dynamics.CRM.EndpointAccessType'Default'");
    expect(res.status).toBe(200);
    expect(res.json.Detail).toMatchObject({ OrganizationId: h.emu.organizationId, EnvironmentId: DEFAULT_ENVIRONMENT_ID });
    expect(res.json.Detail.Endpoints.Keys).toContain("WebApplication");
  });

  test("without its AccessType parameter it is refused, as a POST is", async () => {
    const missing = await raw(h.emu, "GET", "RetrieveCurrentOrganization()");
    expect(missing.status).toBe(400);
    expect(missing.json.error.message).toMatch(/AccessType/);
    expect((await raw(h.emu, "POST", "RetrieveCurrentOrganization(AccessType=0)", { body: {} })).status).toBe(405);
  });
});

describe("StageAndUpgradeAsync", () => {
  test("on a new environment it installs, like an import", async () => {
    expect((await asyncImport("StageAndUpgradeAsync")).statuscode).toBe(30);
    const sol = await raw(h.emu, "GET", `solutions?$filter=uniquename eq '${SOLUTION.uniqueName}'&$select=version`);
    expect(sol.json.value.map((s: { version: string }) => s.version)).toEqual(["1.0.0.0"]);
  });

  test("upgrades: keeps the rows, deletes the components the new version dropped (ImportSolutionAsync would keep them)", async () => {
    await asyncImport("ImportSolutionAsync", { version: "1.0.0.0" });
    const opp = await raw(h.emu, "POST", "opportunities", { body: { name: "Kept through the upgrade", [OPPORTUNITY.syncWithPartnerCenter]: true }, headers: { Prefer: "return=representation" } });
    expect(opp.status).toBe(201);

    // An import (update semantics) of a version without the web resource keeps it.
    await asyncImport("ImportSolutionAsync", { version: "1.1.0.0", edit: withoutWebResource });
    expect((await raw(h.emu, "GET", "webresourceset?$select=name")).json.value).toHaveLength(1);

    const up = await asyncImport("StageAndUpgradeAsync", { version: "1.2.0.0", edit: withoutWebResource });
    expect(up.statuscode).toBe(30);
    expect(up.message).toMatch(/Removed by the upgrade: webresource pcs_\/scripts\/opportunity\.js/);
    expect((await raw(h.emu, "GET", "webresourceset?$select=name")).json.value).toHaveLength(0);
    const kept = await raw(h.emu, "GET", `opportunities(${opp.json.opportunityid})?$select=name,${OPPORTUNITY.syncWithPartnerCenter}`);
    expect(kept.json).toMatchObject({ name: "Kept through the upgrade", [OPPORTUNITY.syncWithPartnerCenter]: true });
    expect((await raw(h.emu, "GET", "workflows?$select=workflowid&$filter=category eq 5")).json.value).toHaveLength(2);
  });

  test("refuses an unmanaged solution and the installed version again, leaving the installation as it was", async () => {
    const unmanaged = await asyncImport("StageAndUpgradeAsync", { managed: false });
    expect(unmanaged.statuscode).toBe(31);
    expect(unmanaged.message).toContain(ErrorCodes.ImportSolutionError);
    expect(unmanaged.message).toMatch(/only a managed solution/);

    await asyncImport("ImportSolutionAsync", { version: "1.0.0.0" });
    const same = await asyncImport("StageAndUpgradeAsync", { version: "1.0.0.0" });
    expect(same.statuscode).toBe(31);
    expect(same.message).toMatch(/needs a higher version/);
    const older = await asyncImport("StageAndUpgradeAsync", { version: "0.9.0.0" });
    expect(older.statuscode).toBe(31);
    expect((await raw(h.emu, "GET", "webresourceset?$select=name")).json.value).toHaveLength(1);
  });
});

describe("flowrun: cloud flow run history in Dataverse", () => {
  test("a recorded run is a flowrun row, linked to its flow, queryable by status and time; not a Web API call", async () => {
    await asyncImport("ImportSolutionAsync");
    const before = h.emu.calls().length;
    await h.emu.recordFlowRun({
      name: "08584000000000000001",
      workflowid: FLOW_IDS.parent,
      workflowname: "Dynamics 365 Opportunity to Partner Center",
      status: "Failed",
      starttime: "2026-03-01T10:00:00Z",
      endtime: "2026-03-01T10:00:02Z",
      durationMs: 2000,
      triggertype: "Automated",
      errorcode: "ActionFailed",
      errormessage: "An action failed. No dependent actions succeeded.",
    });
    await h.emu.recordFlowRun({ name: "08584000000000000002", workflowid: FLOW_IDS.child, workflowname: "Create Co-sell Referral", status: "Succeeded", starttime: "2026-03-01T10:00:01Z", parentrunid: "08584000000000000001" });
    expect(h.emu.calls().length).toBe(before);

    const failed = await raw(h.emu, "GET", "flowruns?$select=name,status,errorcode,errormessage,_workflow_value,duration,isprimary&$filter=status eq 'Failed' and starttime ge 2026-03-01T00:00:00Z&$orderby=starttime desc");
    expect(failed.status).toBe(200);
    expect(failed.json.value).toEqual([
      expect.objectContaining({ name: "08584000000000000001", status: "Failed", errorcode: "ActionFailed", _workflow_value: FLOW_IDS.parent, duration: 2000, isprimary: true }),
    ]);
    const child = await raw(h.emu, "GET", "flowruns?$select=isprimary,parentrunid&$filter=status eq 'Succeeded'");
    expect(child.json.value).toEqual([expect.objectContaining({ isprimary: false, parentrunid: "08584000000000000001" })]);
  });

  test("an unknown column in a flowrun query gets the documented query error", async () => {
    const bad = await raw(h.emu, "GET", "flowruns?$select=nosuchcolumn");
    expect(bad.status).toBe(400);
    expect(bad.json.error.code).toBe(ErrorCodes.QueryInvalid);
  });
});

describe("security roles: imported with the solution, assigned through the N:N relationship", () => {
  test("the signed-in user is a System Administrator; a solution's role can be assigned, listed both ways and removed", async () => {
    const me = (await raw(h.emu, "GET", "WhoAmI")).json.UserId as string;
    const mine = await raw(h.emu, "GET", `systemusers(${me})/systemuserroles_association?$select=name`);
    expect(mine.json.value.map((r: { name: string }) => r.name)).toEqual(["System Administrator"]);

    const imported = await asyncImport("ImportSolutionAsync", {
      edit: (f) => {
        f["customizations.xml"] = String(f["customizations.xml"]).replace("<Roles />", '<Roles><Role id="{aa11bb22-0000-4000-8000-000000000020}" name="Partner Center Sync Seller"><RolePrivileges /></Role></Roles>');
        f["solution.xml"] = String(f["solution.xml"]).replace("<RootComponents>", '<RootComponents><RootComponent type="20" id="{aa11bb22-0000-4000-8000-000000000020}" behavior="0" />');
      },
    });
    expect(imported).toMatchObject({ statuscode: 30 });
    const role = (await raw(h.emu, "GET", "roles?$select=roleid,name&$filter=name eq 'Partner Center Sync Seller'")).json.value[0];
    expect(role.roleid).toBe("aa11bb22-0000-4000-8000-000000000020");
    expect((await raw(h.emu, "GET", `systemuserrolescollection?$filter=roleid eq ${role.roleid}`)).json.value).toEqual([]);

    const assign = await raw(h.emu, "POST", `systemusers(${me})/systemuserroles_association/$ref`, { body: { "@odata.id": `${h.emu.apiUrl}roles(${role.roleid})` } });
    expect(assign.status).toBe(204);
    const again = await raw(h.emu, "POST", `systemusers(${me})/systemuserroles_association/$ref`, { body: { "@odata.id": `${h.emu.apiUrl}roles(${role.roleid})` } });
    expect(again.status).toBe(412);
    expect(again.json.error.code).toBe(ErrorCodes.DuplicateRecord);
    expect((await raw(h.emu, "GET", `systemuserrolescollection?$select=systemuserid&$filter=roleid eq ${role.roleid}`)).json.value).toEqual([expect.objectContaining({ systemuserid: me })]);
    expect((await raw(h.emu, "GET", `roles(${role.roleid})/systemuserroles_association?$select=fullname`)).json.value).toHaveLength(1);

    const wrong = await raw(h.emu, "POST", `systemusers(${me})/systemuserroles_association/$ref`, { body: { "@odata.id": `${h.emu.apiUrl}businessunits(${h.emu.businessUnitId})` } });
    expect(wrong.status).toBe(400);
    expect((await raw(h.emu, "DELETE", `systemusers(${me})/systemuserroles_association(${role.roleid})/$ref`)).status).toBe(204);
    expect((await raw(h.emu, "GET", `systemusers(${me})/systemuserroles_association?$select=name`)).json.value).toHaveLength(1);
  });
});
