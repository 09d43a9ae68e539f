/**
 * From `npm start -- --bare` (a new environment): deploy, doctor healthy, a seller's change synced;
 * each injected failure found by doctor with its fix, and repaired by --fix where it says it can;
 * deploy run twice changes nothing the second time.
 */
import * as fs from "node:fs";
import { CONNECTION_REFERENCES, ENVIRONMENT_VARIABLES, OPPORTUNITY, OPPORTUNITY_COSELL, SECURITY_ROLES, SOLUTION, SyncStatus } from "../../plugins-ts/src/model/schema";
import { seed } from "../../scripts/src/sandbox/seed";
import { AdminSandbox, codes, type CliRun } from "./harness";


// Each step runs the real commands against three services on a shared 2-core machine.
jest.setTimeout(30000);
let a: AdminSandbox;
let first: CliRun;

beforeAll(async () => {
  a = await AdminSandbox.start();
  first = await a.firstDeploy();
}, 60000);
afterAll(async () => {
  await a?.close();
});

const OPPORTUNITY_FLOW = "Dynamics 365 Opportunity to Partner Center";

async function variableValue(schemaName: string, value: string | null): Promise<void> {
  const def = (await a.dv.retrieveMultiple({ collection: "environmentvariabledefinitions", select: ["environmentvariabledefinitionid"], filter: `schemaname eq '${schemaName}'` })).value![0];
  const existing = (await a.dv.retrieveMultiple({ collection: "environmentvariablevalues", select: ["environmentvariablevalueid"], filter: `_environmentvariabledefinitionid_value eq ${def.environmentvariabledefinitionid}` })).value ?? [];
  if (value === null) {
    for (const v of existing) await a.dv.deleteRecord({ collection: "environmentvariablevalues", key: v.environmentvariablevalueid as string });
  } else if (existing.length) await a.dv.update({ collection: "environmentvariablevalues", key: existing[0].environmentvariablevalueid as string, data: { value } });
  else await a.dv.create({ collection: "environmentvariablevalues", data: { value, schemaname: schemaName, "EnvironmentVariableDefinitionId@odata.bind": `/environmentvariabledefinitions(${def.environmentvariabledefinitionid})` } });
}

describe("deploy on a new environment", () => {
  test("writes a settings template with the solution's variables and references (the bare sandbox's connections filled in)", () => {
    const s = JSON.parse(fs.readFileSync(a.settingsFile, "utf8"));
    expect(s.EnvironmentVariables.map((v: { SchemaName: string }) => v.SchemaName).sort()).toEqual(Object.values(ENVIRONMENT_VARIABLES).map((v) => v.schemaName).sort());
    expect(s.ConnectionReferences).toHaveLength(3);
    for (const r of s.ConnectionReferences) expect(r.ConnectionId).toBe(a.sb.endpoints.connections![r.ConnectorId.split("/").pop()]);
  });

  test("installs, binds, turns every flow on, registers the webhook, and ends with a healthy doctor report", async () => {
    expect(first.out).toMatch(/Imported PartnerCenterReferralsSync 1\.\d+\.\d+\.\d+ \(managed\)/);
    expect(first.out).toMatch(/Deployed\./);
    expect(first.out).toMatch(/Healthy/);
    // a progress bar on the long steps, as a terminal shows it
    expect(first.progress).toMatch(/Importing PartnerCenterReferralsSync .*\[[█░]{24}\]\s+\d+%/);
    expect(first.progress).toMatch(/Turning 12 flows on .*\[[█░]{24}\]/);

    const flows = (await a.dv.retrieveMultiple({ collection: "workflows", select: ["name", "statecode"], filter: "category eq 5" })).value!;
    expect(flows).toHaveLength(12);
    expect(flows.every((f) => f.statecode === 1)).toBe(true);
    const refs = (await a.dv.retrieveMultiple({ collection: "connectionreferences", select: ["connectionreferencelogicalname", "connectionid"] })).value!;
    expect(refs.map((r) => r.connectionreferencelogicalname).sort()).toEqual(Object.values(CONNECTION_REFERENCES).map((c) => c.logicalName).sort());
    expect(refs.every((r) => typeof r.connectionid === "string" && r.connectionid.startsWith("sandbox-"))).toBe(true);

    // the webhook names the receiver flow's own URL (as Power Automate's listCallbackUrl gives it)
    const registration = await a.pc.getWebhookRegistration();
    const receiver = a.sb.flowRunner.runner.flows.get(await a.flowId("Partner Center to Dynamics 365"));
    expect(registration?.WebhookUrl).toBe(receiver?.callbackUrl);
    expect(registration?.WebhookEvents.sort()).toEqual(["referral-created", "referral-updated", "related-referral-created", "related-referral-updated"]);

    const report = await a.doctorReport();
    expect(report.code).toBe(0);
    expect(report.healthy).toBe(true);
    expect(codes(report, "error")).toEqual([]);
    // the solution's roles are there; nobody has them yet in a new environment (a warning, not a problem)
    expect(codes(report, "warning").sort()).toEqual(["role-unassigned", "role-unassigned"]);
    expect(report.findings.filter((f) => f.code === "role-unassigned").map((f) => f.subject).sort()).toEqual(Object.values(SECURITY_ROLES).sort());
  });

  test("nothing secret is printed: no token, no callback signature", async () => {
    const all = [first.out, first.err, first.progress].join("\n");
    for (const secret of [a.sb.endpoints.dataverse.token, a.sb.endpoints.partnerCenter.token, a.sb.endpoints.flowRunner.token!]) expect(all).not.toContain(secret);
    const sig = new URL((await a.pc.getWebhookRegistration())!.WebhookUrl).searchParams.get("sig")!;
    expect(sig.length).toBeGreaterThan(10);
    expect(all).not.toContain(sig);
    expect(all).toMatch(/sig=…/);
  });

  test("run twice, the second deploy changes nothing: only reads in Dataverse and Partner Center", async () => {
    const dv = await a.dvSeq();
    const pc = await a.pcSeq();
    const again = await a.deploy("--settings", a.settingsFile);
    expect(again.code).toBe(0);
    expect(again.out).toMatch(/Deployed already: nothing was changed\./);
    expect(again.out).not.toMatch(/turned on|Imported|→ connection/);
    const writes = (await a.dvCalls(dv)).filter((c) => c.method !== "GET");
    expect(writes).toEqual([]);
    expect((await a.pcCalls(pc)).filter((c) => c.method !== "GET")).toEqual([]);
  });

  test("a seller's change is synced through the deployed flows", async () => {
    const seeded = await seed(a.sb.webApi); // the catalogue, an account with a country code and a contact, as an admin adds them
    let row: Record<string, unknown> = await a.sellerShares(seeded, { name: "Fabrikam data platform", estimatedvalue: 120000, estimatedclosedate: "2026-11-30" });
    const id = row[OPPORTUNITY.primaryId] as string;
    expect(row[OPPORTUNITY.syncStatus]).toBe(SyncStatus.Synced);
    const referralId = row[OPPORTUNITY.referralIdentifier] as string;
    expect((await a.pc.getReferral(referralId)).details?.dealValue).toBe(120000);

    await a.dv.update({ collection: OPPORTUNITY.entitySetName, key: id, data: { estimatedvalue: 135000 } });
    await a.quiet();
    row = (await a.dv.retrieve({ collection: OPPORTUNITY.entitySetName, key: id })) as Record<string, unknown>;
    expect(row[OPPORTUNITY.syncStatus]).toBe(SyncStatus.Synced);
    expect((await a.pc.getReferral(referralId)).details?.dealValue).toBe(135000);
    // the runs are in Dataverse's flow run history, where doctor reads them
    const runs = (await a.dv.retrieveMultiple({ collection: "flowruns", select: ["workflowname", "status"], filter: `workflowname eq '${OPPORTUNITY_FLOW}'` })).value!;
    expect(runs.length).toBeGreaterThanOrEqual(2);
    expect(runs.every((r) => r.status === "Succeeded")).toBe(true);
    expect((await a.doctorReport()).healthy).toBe(true);
  });
});

describe("Power Automate's listCallbackUrl, as the sandbox answers it", () => {
  test("needs a signed-in token and this environment; gives the receiver's signed URL", async () => {
    const id = await a.flowId("Partner Center to Dynamics 365");
    const env = a.sb.endpoints.dataverse.environmentId!;
    const call = (environment: string, token?: string) =>
      fetch(`${a.sb.endpoints.flowRunner.apiUrl}/providers/Microsoft.ProcessSimple/environments/${environment}/flows/${id}/triggers/manual/listCallbackUrl?api-version=2016-11-01`, {
        method: "POST",
        headers: { "Content-Type": "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) },
        body: "{}",
      });
    expect((await call(env)).status).toBe(401);
    expect((await call(env, "not-a-token")).status).toBe(401);
    const other = await call("00000000-0000-0000-0000-000000000000", a.sb.endpoints.flowRunner.token);
    expect(other.status).toBe(404);
    expect(((await other.json()) as { error: { code: string } }).error.code).toBe("EnvironmentNotFound");
    const ok = await call(env, a.sb.endpoints.flowRunner.token);
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { value: string }).value).toBe((await a.pc.getWebhookRegistration())!.WebhookUrl);
  });
});

describe("doctor finds each injected failure, with its fix", () => {
  test("a flow off: found, and turned on again by --fix", async () => {
    await a.setFlow(OPPORTUNITY_FLOW, false);
    const found = await a.doctorReport();
    expect(found.code).toBe(1);
    const f = found.findings.find((x) => x.code === "flow-off")!;
    expect(f).toMatchObject({ severity: "error", subject: OPPORTUNITY_FLOW, fixable: true });
    expect(f.fix).toMatch(/Turn it on/);
    const text = await a.doctor();
    expect(text.out).toMatch(/✖ "Dynamics 365 Opportunity to Partner Center" is off/);
    expect(text.out).toMatch(/npm run doctor -- --fix repairs the one/);

    const fixed = await a.doctorReport("--fix");
    expect(fixed.repairs).toEqual([expect.objectContaining({ code: "flow-off", fixed: "turned on" })]);
    expect(fixed.healthy).toBe(true);
    expect(fixed.code).toBe(0);
  });

  test("a connection unbound: found; --fix binds it only from a settings file, then turns its flows off and on", async () => {
    const ref = (await a.dv.retrieveMultiple({ collection: "connectionreferences", select: ["connectionreferenceid"], filter: `connectionreferencelogicalname eq '${CONNECTION_REFERENCES.partnerCenterReferrals.logicalName}'` })).value![0];
    await a.dv.update({ collection: "connectionreferences", key: ref.connectionreferenceid as string, data: { connectionid: null } });
    const found = await a.doctorReport();
    const f = found.findings.find((x) => x.code === "connection-unbound")!;
    expect(f).toMatchObject({ severity: "error", subject: CONNECTION_REFERENCES.partnerCenterReferrals.logicalName, fixable: false });
    expect(f.message).toMatch(/Partner Center Referrals .* has no connection: \d+ flows/);
    expect(f.fix).toMatch(/Create a shared_partnercenterref connection in Power Automate/);

    const withoutSettings = await a.doctorReport("--fix");
    expect(withoutSettings.repairs).toEqual([]);
    expect(codes(withoutSettings, "error")).toContain("connection-unbound");

    const fixed = await a.doctorReport("--fix", "--settings", a.settingsFile);
    expect(fixed.repairs).toEqual([expect.objectContaining({ code: "connection-unbound", fixed: expect.stringMatching(/bound to the connection in the settings file/) })]);
    expect(fixed.healthy).toBe(true);
  });

  test("the webhook pointing elsewhere: found, and registered to this receiver again by --fix", async () => {
    const ours = (await a.pc.getWebhookRegistration())!;
    await a.pc.updateWebhookRegistration({ WebhookUrl: "https://old-environment.example/api/webhook?sig=0123456789abcdef", WebhookEvents: ours.WebhookEvents, SignatureTokenToMsSignatureHeader: true });
    const found = await a.doctorReport();
    const f = found.findings.find((x) => x.code === "webhook-elsewhere")!;
    expect(f).toMatchObject({ severity: "error", fixable: true });
    expect(f.message).toContain("https://old-environment.example/api/webhook?sig=…");
    expect(f.message).not.toContain("0123456789abcdef");

    const fixed = await a.doctorReport("--fix");
    expect(fixed.repairs[0]).toMatchObject({ code: "webhook-elsewhere", fixed: expect.stringMatching(/^registered .* in place of https:\/\/old-environment\.example/) });
    expect((await a.pc.getWebhookRegistration())!.WebhookUrl).toBe(ours.WebhookUrl);
    expect(fixed.healthy).toBe(true);
  });

  test("a country variable naming a missing column: found with its fix, not changed by --fix (the admin's choice); deploy refuses to set it", async () => {
    await variableValue(ENVIRONMENT_VARIABLES.customerCountryCodeField.schemaName, "new_countryiso");
    const found = await a.doctorReport("--fix");
    const f = found.findings.find((x) => x.code === "variable-column-missing")!;
    expect(f).toMatchObject({ severity: "error", subject: ENVIRONMENT_VARIABLES.customerCountryCodeField.schemaName });
    expect(f.fixable).toBeFalsy();
    expect(f.message).toMatch(/names account\.new_countryiso, which does not exist/);
    expect(f.fix).toMatch(/address1_country/);
    expect(found.repairs).toEqual([]);
    expect(found.code).toBe(1);
    await variableValue(ENVIRONMENT_VARIABLES.customerCountryCodeField.schemaName, null);

    const settings = JSON.parse(fs.readFileSync(a.settingsFile, "utf8"));
    settings.EnvironmentVariables.find((v: { SchemaName: string }) => v.SchemaName === ENVIRONMENT_VARIABLES.customerCountryCodeField.schemaName).Value = "new_countryiso";
    const bad = `${a.dir}/bad-settings.json`;
    fs.writeFileSync(bad, JSON.stringify(settings));
    const refused = await a.deploy("--settings", bad);
    expect(refused.code).toBe(1);
    expect(refused.out).toMatch(/pcs_CustomerCountryCodeField: not set: .*account\.new_countryiso, which does not exist/);
    expect((await a.doctorReport()).healthy).toBe(true);
  });

  test("Microsoft's connector installed beside ours: found as double sync, with how to move from it; not touched by --fix", async () => {
    const publisher = (await a.dv.create({ collection: "publishers", data: { uniquename: "microsoftcorporation", friendlyname: "Microsoft Corporation", customizationprefix: "msft", customizationoptionvalueprefix: 29960 }, returnRepresentation: true })) as Record<string, string>;
    const solution = (await a.dv.create({
      collection: "solutions",
      data: { uniquename: "MicrosoftPartnerCenterSync", friendlyname: SOLUTION.displayName, version: "2.1.0.0", "publisherid@odata.bind": `/publishers(${publisher.publisherid})` },
      returnRepresentation: true,
    })) as Record<string, string>;
    const flow = (await a.dv.create({
      collection: "workflows",
      data: { name: "Partner Center to Dynamics 365 (Insider Preview)", category: 5, type: 1, primaryentity: "none", clientdata: JSON.stringify({ properties: { connectionReferences: {}, definition: { triggers: {}, actions: {} } }, schemaVersion: "1.0.0.0" }) },
      returnRepresentation: true,
    })) as Record<string, string>;
    const found = await a.doctorReport("--fix");
    const f = found.findings.find((x) => x.code === "microsoft-connector")!;
    expect(f).toMatchObject({ severity: "error" });
    expect(f.fixable).toBeFalsy();
    expect(f.message).toMatch(/solution MicrosoftPartnerCenterSync 2\.1\.0\.0; 0 of its 1 flows on/);
    expect(f.fix).toMatch(/Moving from Microsoft's connector/);
    expect(found.repairs).toEqual([]);
    await a.dv.deleteRecord({ collection: "workflows", key: flow.workflowid });
    await a.dv.deleteRecord({ collection: "solutions", key: solution.solutionid });
    expect((await a.doctorReport()).healthy).toBe(true);
  });

  test("records in Error are grouped by cause, and failed runs are read from the flow run history", async () => {
    const usd = (await a.dv.retrieveMultiple({ collection: "transactioncurrencies", select: ["transactioncurrencyid"], filter: "isocurrencycode eq 'USD'" })).value![0].transactioncurrencyid;
    for (const name of ["No solution A", "No solution B"]) {
      const o = (await a.dv.create({ collection: OPPORTUNITY.entitySetName, data: { name, estimatedvalue: 1000, estimatedclosedate: "2026-10-01", [OPPORTUNITY_COSELL.purchaseIntent]: 619300002, "transactioncurrencyid@odata.bind": `/transactioncurrencies(${usd})` }, returnRepresentation: true })) as Record<string, string>;
      await a.dv.update({ collection: OPPORTUNITY.entitySetName, key: o.opportunityid, data: { [OPPORTUNITY.syncWithPartnerCenter]: true } });
    }
    await a.quiet();
    await a.sb.dataverse.recordFlowRun({
      name: "08584000000000000099",
      workflowid: await a.flowId(OPPORTUNITY_FLOW),
      workflowname: OPPORTUNITY_FLOW,
      status: "Failed",
      starttime: new Date().toISOString(),
      errorcode: "Unauthorized",
      errormessage: "The connection's sign-in expired.",
    });
    const report = await a.doctorReport();
    const errors = report.findings.filter((f) => f.code === "records-in-error");
    expect(errors).toHaveLength(1);
    expect(errors[0].message).toMatch(/^2 records in Error: .*\(opportunity "No solution [AB]", opportunity "No solution [AB]"\)/);
    const failing = report.findings.find((f) => f.code === "connection-failing")!;
    expect(failing).toMatchObject({ severity: "error", subject: OPPORTUNITY_FLOW });
    expect(failing.message).toMatch(/1 run of .* failed in the last 24 hours \(Unauthorized/);
    expect(report.code).toBe(1);
  });

  test("--json, exit codes and plain errors: a wrong environment URL or a missing sandbox is a sentence, exit 2", async () => {
    let msg = "";
    const noSandbox = await (await import("../../scripts/src/cli/doctor")).main(["--sandbox-dir", `${a.dir}/nothing-here`], { out: () => undefined, err: (l) => (msg += l) });
    expect(noSandbox).toBe(2);
    expect(msg).toMatch(/No sandbox at .*nothing-here: .*endpoints\.json does not exist\. Start one with npm start -- --bare/);
    msg = "";
    const bad = await (await import("../../scripts/src/cli/doctor")).main(["--url", "http://example.com"], { out: () => undefined, err: (l) => (msg += l) });
    expect(bad).toBe(2);
    expect(msg).toMatch(/--url must be https:\/\//);
    const json = await a.doctor("--json");
    expect(() => JSON.parse(json.out)).not.toThrow();
    expect(JSON.parse(json.out)).toMatchObject({ healthy: false, errors: expect.any(Number) });
  });
});
