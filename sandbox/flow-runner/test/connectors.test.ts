/**
 * The connectors' wire requests: each Dataverse operation, each Partner Center Referrals swagger
 * operation, each Partner Center Events operation, and HTTP with Microsoft Entra ID (InvokeHttp),
 * checked against what the real services expect (method, path, query, headers, body). Answers come
 * from a recording stub. The strict parameter rules have their own tests (connector-rules.test.ts).
 */
import { FlowRunner } from "../src/service/runner";
import { ActionDefinition } from "../src/engine/types";
import { actionOf, expectActionStatus, expectRunStatus } from "../src/testing";
import { dataverseStub, DataverseStub } from "./dataverse-stub";
import { activate, flowFile, makeRunner, runOnce, stubServer, StubRequest } from "./helpers";

const DV = "/providers/Microsoft.PowerApps/apis/shared_commondataserviceforapps";
const PC = "/providers/Microsoft.PowerApps/apis/shared_partnercenterref";
const WEB = "/providers/Microsoft.PowerApps/apis/shared_webcontents";
const EVENTS = "/providers/Microsoft.PowerApps/apis/shared_partnercenterevents";

const op = (connectionName: string, apiId: string, operationId: string, parameters: Record<string, unknown>, runAfter?: Record<string, string[]>): ActionDefinition => ({
  type: "OpenApiConnection",
  inputs: { host: { connectionName, operationId, apiId }, parameters, authentication: "@parameters('$authentication')" },
  ...(runAfter ? { runAfter } : {}),
});

const refs = {
  shared_commondataserviceforapps: { runtimeSource: "embedded", connection: { connectionReferenceLogicalName: "pcs_sharedcommondataserviceforapps_dataverse" }, api: { name: "shared_commondataserviceforapps" } },
  shared_partnercenterref: { runtimeSource: "embedded", connection: { connectionReferenceLogicalName: "pcs_sharedpartnercenterref_referrals" }, api: { name: "shared_partnercenterref" } },
  shared_webcontents: { runtimeSource: "embedded", connection: { connectionReferenceLogicalName: "pcs_sharedwebcontents_referralsapi" }, api: { name: "shared_webcontents" } },
  shared_partnercenterevents: { runtimeSource: "embedded", connection: { connectionReferenceLogicalName: "pcs_sharedpartnercenterevents_events" }, api: { name: "shared_partnercenterevents" } },
};

let dv: DataverseStub;
let pcStub: Awaited<ReturnType<typeof stubServer>>;
let runner: FlowRunner;

beforeAll(async () => {
  dv = await dataverseStub();
  pcStub = await stubServer((r: StubRequest) => {
    if (r.method === "PATCH") return { status: 204 };
    if (r.method === "POST") return { status: 200, body: { ...(r.body as object), id: "R-NEW", eTag: "W/\"1\"" } };
    return { status: 200, body: { "@odata.context": "x", value: [], echo: r.path } };
  });
  runner = makeRunner({ dataverseUrl: dv.url, dataverseToken: dv.token }).runner;
  const dvConn = runner.createConnection({ apiName: "shared_commondataserviceforapps", parameters: { environmentUrl: dv.url, token: dv.token } }).id;
  const pcConn = runner.createConnection({ apiName: "shared_partnercenterref", parameters: { baseUrl: pcStub.url, token: "pc-token" } }).id;
  // a resource the connector's app is preauthorized for (Partner Center is refused: connector-rules.test.ts)
  const webConn = runner.createConnection({ apiName: "shared_webcontents", parameters: { baseResourceUrl: pcStub.url, resourceUri: "https://graph.microsoft.com", token: "pc-api-token" } }).id;
  const eventsConn = runner.createConnection({ apiName: "shared_partnercenterevents", parameters: { baseUrl: pcStub.url, token: "pc-events-token" } }).id;
  dv.insert("connectionreferences", { connectionreferencelogicalname: "pcs_sharedcommondataserviceforapps_dataverse", connectorid: DV, connectionid: dvConn });
  dv.insert("connectionreferences", { connectionreferencelogicalname: "pcs_sharedpartnercenterref_referrals", connectorid: PC, connectionid: pcConn });
  dv.insert("connectionreferences", { connectionreferencelogicalname: "pcs_sharedwebcontents_referralsapi", connectorid: WEB, connectionid: webConn });
  dv.insert("connectionreferences", { connectionreferencelogicalname: "pcs_sharedpartnercenterevents_events", connectorid: EVENTS, connectionid: eventsConn });
});
afterAll(async () => {
  await runner.close();
  await dv.close();
  await pcStub.close();
});

const dvReqs = (from: number) => dv.requests.slice(from).filter((r) => !/connectionreferences|environmentvariable/.test(r.path));

describe("Dataverse connector", () => {
  it("CreateRecord, GetItem, ListRecords, UpdateRecord (upsert), UpdateOnlyRecord, DeleteRecord", async () => {
    const accountId = "0f5e4d3c-2b1a-4a99-8877-665544332211";
    dv.insert("accounts", { accountid: accountId, name: "Contoso" });
    const from = dv.requests.length;
    const id = await activate(
      runner,
      flowFile(
        {
          Create: op("shared_commondataserviceforapps", DV, "CreateRecord", { entityName: "opportunities", "item/name": "Deal", "item/estimatedvalue": 1000, "item/parentaccountid@odata.bind": `/accounts(${accountId})` }),
          Get: op("shared_commondataserviceforapps", DV, "GetItem", { entityName: "opportunities", recordId: "@outputs('Create')?['body/opportunityid']", $select: "name,estimatedvalue" }, { Create: ["Succeeded"] }),
          List: op("shared_commondataserviceforapps", DV, "ListRecords", { entityName: "opportunities", $filter: "name eq 'Deal'", $select: "name", $top: 5 }, { Get: ["Succeeded"] }),
          Upsert: op("shared_commondataserviceforapps", DV, "UpdateRecord", { entityName: "opportunities", recordId: "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee", "item/name": "Upserted" }, { List: ["Succeeded"] }),
          Update_only_missing: op("shared_commondataserviceforapps", DV, "UpdateOnlyRecord", { entityName: "opportunities", recordId: "99999999-bbbb-4ccc-8ddd-eeeeeeeeeeee", "item/name": "x" }, { Upsert: ["Succeeded"] }),
          Delete: op("shared_commondataserviceforapps", DV, "DeleteRecord", { entityName: "opportunities", recordId: "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee" }, { Update_only_missing: ["Failed"] }),
          Count: { type: "Compose", inputs: "@length(outputs('List')?['body/value'])", runAfter: { List: ["Succeeded"] } },
        },
        { connectionReferences: { shared_commondataserviceforapps: refs.shared_commondataserviceforapps } },
      ),
    );
    const { run } = await runOnce(runner, id);
    const reqs = dvReqs(from);
    expect(reqs.map((r) => `${r.method} ${decodeURIComponent(r.path)}`)).toEqual([
      "POST /api/data/v9.2/opportunities",
      expect.stringMatching(/^GET \/api\/data\/v9\.2\/opportunities\([0-9a-f-]{36}\)\?\$select=name,estimatedvalue$/),
      "GET /api/data/v9.2/opportunities?$select=name&$filter=name eq 'Deal'&$top=5",
      "PATCH /api/data/v9.2/opportunities(aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee)",
      "PATCH /api/data/v9.2/opportunities(99999999-bbbb-4ccc-8ddd-eeeeeeeeeeee)",
      "DELETE /api/data/v9.2/opportunities(aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee)",
    ]);
    expect(reqs[0].body).toEqual({ name: "Deal", estimatedvalue: 1000, "parentaccountid@odata.bind": `/accounts(${accountId})` });
    expect(reqs[0].headers.authorization).toBe(`Bearer ${dv.token}`);
    expect(reqs[0].headers.prefer).toBe("return=representation");
    expect(reqs[3].headers["if-match"]).toBeUndefined();
    expect(reqs[4].headers["if-match"]).toBe("*");
    expect(actionOf(run, "Count").outputs).toBe(1);
    expect(expectActionStatus(run, "Update_only_missing", "Failed").code).toBe("NotFound");
    expectActionStatus(run, "Delete", "Succeeded");
    expect(actionOf(run, "Get").outputs).toMatchObject({ statusCode: 200, body: { name: "Deal" } });
  });

  it("PerformBoundAction and PerformUnboundAction post to the action's path", async () => {
    const from = dv.requests.length;
    const id = await activate(
      runner,
      flowFile(
        {
          Bound: op("shared_commondataserviceforapps", DV, "PerformBoundAction", { entityName: "opportunities", actionName: "Microsoft.Dynamics.CRM.pcs_Recalculate", recordId: "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee", "item/Reason": "x" }),
          Unbound: op("shared_commondataserviceforapps", DV, "PerformUnboundAction", { actionName: "WhoAmI" }, { Bound: ["Succeeded", "Failed"] }),
        },
        { connectionReferences: { shared_commondataserviceforapps: refs.shared_commondataserviceforapps } },
      ),
    );
    await runOnce(runner, id);
    const reqs = dvReqs(from);
    expect(reqs.map((r) => `${r.method} ${decodeURIComponent(r.path)}`)).toEqual([
      "POST /api/data/v9.2/opportunities(aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee)/Microsoft.Dynamics.CRM.pcs_Recalculate",
      "POST /api/data/v9.2/WhoAmI",
    ]);
    expect(reqs[0].body).toEqual({ Reason: "x" });
  });

  it("refuses a recordId that evaluates to something other than a GUID, without calling Dataverse", async () => {
    const from = dv.requests.length;
    const id = await activate(runner, flowFile({ Get: op("shared_commondataserviceforapps", DV, "GetItem", { entityName: "opportunities", recordId: "@concat('not ', 'an id')" }) }, { connectionReferences: { shared_commondataserviceforapps: refs.shared_commondataserviceforapps } }));
    const { run } = await runOnce(runner, id);
    const get = expectActionStatus(run, "Get", "Failed");
    expect(get.error).toMatchObject({ code: "OpenApiOperationParameterValidationFailed" });
    expect(get.error?.message).toMatch(/Row ID \(recordId\) must be the row's GUID; 'not an id' is not one/);
    expect(dvReqs(from)).toHaveLength(0);
  });
});

describe("Partner Center Referrals connector (swagger operations)", () => {
  it("GetAllReferrals, CreateReferral, GetReferralById, UpdateReferralById, PatchReferralById and both deal registration operations", async () => {
    const from = pcStub.requests.length;
    const id = await activate(
      runner,
      flowFile(
        {
          List: op("shared_partnercenterref", PC, "GetAllReferrals", { $filter: "status eq 'New'", $orderby: "updatedDateTime", $top: 10 }),
          Create: op("shared_partnercenterref", PC, "CreateReferral", { "Referral/name": "Deal", "Referral/externalReferenceId": "opp-1", "Referral/details/dealValue": 1000 }, { List: ["Succeeded"] }),
          Get: op("shared_partnercenterref", PC, "GetReferralById", { id: "@body('Create')?['id']" }, { Create: ["Succeeded"] }),
          Put: op("shared_partnercenterref", PC, "UpdateReferralById", { id: "R-NEW", "if-match": 'W/"1"', odataReferral: { name: "Deal 2" } }, { Get: ["Succeeded"] }),
          Patch: op("shared_partnercenterref", PC, "PatchReferralById", { id: "R-NEW", Referral: [{ op: "replace", path: "/details/notes", value: "n" }] }, { Put: ["Succeeded"] }),
          Register_deal: op("shared_partnercenterref", PC, "CreateDealRegistrationByReferralId", { id: "R-NEW", Referral: [{ op: "add", path: "/registrations/-", value: { type: "AzureIPCoSell" } }] }, { Patch: ["Succeeded"] }),
          Update_deal: op("shared_partnercenterref", PC, "PatchDealRegistrationByReferralId", { id: "R-NEW", Referral: [{ op: "replace", path: "/registrations/0/contract/value", value: 5 }] }, { Register_deal: ["Succeeded"] }),
        },
        { connectionReferences: { shared_partnercenterref: refs.shared_partnercenterref } },
      ),
    );
    const { run } = await runOnce(runner, id);
    const reqs = pcStub.requests.slice(from);
    expect(reqs.map((r) => `${r.method} ${decodeURIComponent(r.path)}`)).toEqual([
      "GET /v1.0/engagements/referrals?$filter=status eq 'New'&$orderby=updatedDateTime&$top=10",
      "POST /v1.0/engagements/referrals",
      "GET /v1.0/engagements/referrals/R-NEW",
      "PUT /v1.0/engagements/referrals/R-NEW",
      "PATCH /v1.0/engagements/referrals/R-NEW",
      "PATCH /v1.0/engagements/referrals/R-NEW/",
      "PATCH /v1.0/engagements/referrals/R-NEW//",
    ]);
    expect(reqs[1].body).toEqual({ name: "Deal", externalReferenceId: "opp-1", details: { dealValue: 1000 } });
    expect(reqs[0].headers.authorization).toBe("Bearer pc-token");
    expect(reqs[0].headers["x-caller-id"]).toBe("60858c1b-2062-40ad-b42c-996b6b5b047d");
    expect(reqs[0].headers["ms-correlationid"]).toBe(run.correlationId);
    expect(reqs[3].headers["if-match"]).toBe('W/"1"');
    expect(reqs[4].headers["if-match"]).toBeUndefined();
    expect(reqs[4].body).toEqual([{ op: "replace", path: "/details/notes", value: "n" }]);
    expect(actionOf(run, "Patch").outputs).toMatchObject({ statusCode: 204 });
    expect(reqs[6].body).toEqual([{ op: "replace", path: "/registrations/0/contract/value", value: 5 }]);
    expectRunStatus(run, "Succeeded");
  });
});

describe("Partner Center Events connector", () => {
  it("ViewRegistration, EventRegistration and UpdateRegistration on /webhooks/v1/registration, body from body/<Property> keys", async () => {
    const from = pcStub.requests.length;
    const body = { "body/WebhookUrl": "https://example.test/hook?sig=x", "body/WebhookEvents": ["referral-created", "referral-updated"], "body/SignatureTokenToMsSignatureHeader": "true" };
    const id = await activate(
      runner,
      flowFile(
        {
          View: op("shared_partnercenterevents", EVENTS, "ViewRegistration", {}),
          Register: op("shared_partnercenterevents", EVENTS, "EventRegistration", body, { View: ["Succeeded"] }),
          Update: op("shared_partnercenterevents", EVENTS, "UpdateRegistration", body, { Register: ["Succeeded"] }),
        },
        { connectionReferences: { shared_partnercenterevents: refs.shared_partnercenterevents } },
      ),
    );
    const { run } = await runOnce(runner, id);
    expectRunStatus(run, "Succeeded");
    const reqs = pcStub.requests.slice(from);
    expect(reqs.map((r) => `${r.method} ${r.path}`)).toEqual(["GET /webhooks/v1/registration", "POST /webhooks/v1/registration", "PUT /webhooks/v1/registration"]);
    expect(reqs[0].body).toBeUndefined();
    for (const r of reqs.slice(1)) {
      expect(r.body).toEqual({ WebhookUrl: "https://example.test/hook?sig=x", WebhookEvents: ["referral-created", "referral-updated"], SignatureTokenToMsSignatureHeader: "true" });
      expect(r.headers["content-type"]).toBe("application/json");
    }
    expect(reqs[0].headers.authorization).toBe("Bearer pc-events-token");
  });
});

describe("HTTP with Microsoft Entra ID (InvokeHttp)", () => {
  it("sends the request (body as text) to a URL relative to the base resource URL, and nowhere else", async () => {
    const from = pcStub.requests.length;
    const id = await activate(
      runner,
      flowFile(
        {
          Patch: op("shared_webcontents", WEB, "InvokeHttp", {
            "request/method": "PATCH",
            "request/url": "/v1.0/engagements/referrals/R-NEW",
            "request/headers": { "If-Match": 'W/"7"', "Content-Type": "application/json" },
            "request/body": JSON.stringify([{ op: "replace", path: "/status", value: "Active" }]),
          }),
          Elsewhere: op("shared_webcontents", WEB, "InvokeHttp", { "request/method": "GET", "request/url": "https://example.com/x" }, { Patch: ["Succeeded"] }),
        },
        { connectionReferences: { shared_webcontents: refs.shared_webcontents } },
      ),
    );
    const { run } = await runOnce(runner, id);
    const reqs = pcStub.requests.slice(from);
    expect(reqs).toHaveLength(1);
    expect(reqs[0]).toMatchObject({ method: "PATCH", path: "/v1.0/engagements/referrals/R-NEW", body: [{ op: "replace", path: "/status", value: "Active" }] });
    expect(reqs[0].headers["if-match"]).toBe('W/"7"');
    expect(reqs[0].headers.authorization).toBe("Bearer pc-api-token");
    expect(expectActionStatus(run, "Elsewhere", "Failed").error?.code).toBe("InvalidRequestUrl");
    expectRunStatus(run, "Failed");
  });
});
