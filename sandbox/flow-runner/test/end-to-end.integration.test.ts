/**
 * End to end with both emulators: flows stored as Dataverse `workflows` rows are turned on through
 * the Dataverse emulator (which asks the runner), a row change in Dataverse triggers the parent
 * flow through a callbackregistration, the parent calls a child flow, the child reads Dataverse
 * and creates a Partner Center referral through the certified connector (the first attempt is
 * throttled with 429 + Retry-After and retried), the parent patches the referral's notes through
 * the certified connector's PatchReferralById and writes the referral id back to Dataverse — which
 * does not trigger the flow again, because the trigger's filtering attributes exclude that column.
 * Each run's Power Platform requests are counted as Microsoft counts them.
 *
 * The documented result (ARCHITECTURE.md, "Sync rules"): one referral whose externalReferenceId is
 * the opportunity id, deal value from the column the pcs_DealValueField environment variable
 * names, the referral id written back to the opportunity, one run per seller change.
 */
import { DataverseEmulator, startDataverseEmulator } from "../../dataverse/src";
import { PartnerCenterEmulator, startPartnerCenterEmulator } from "../../partner-center/src";
import { CONNECTION_REFERENCES, ENVIRONMENT_VARIABLES, OPPORTUNITY, connectorId } from "../../../plugins-ts/src/model/schema";
import { FlowRunnerHandle, formatRun, startFlowRunner } from "../src";
import { ActionDefinition, FlowFile, RunRecord } from "../src/engine/types";
import { actionOf, expectActionStatus, expectRunStatus } from "../src/testing";
import { counterGuid, testClock } from "./helpers";

let fr: FlowRunnerHandle;
let dv: DataverseEmulator;
let pc: PartnerCenterEmulator;
const sleeps: number[] = [];

const CHILD_ID = "5625768c-bd3d-ec11-8c63-00224829720b";
const PARENT_ID = "7a1f0c2e-1111-4c1d-9e3a-0000000000aa";
const DV_API = connectorId(CONNECTION_REFERENCES.dataverse.apiName);
const PC_API = connectorId(CONNECTION_REFERENCES.partnerCenterReferrals.apiName);
const DEAL_VALUE_PARAM = `${ENVIRONMENT_VARIABLES.dealValueField.displayName} (${ENVIRONMENT_VARIABLES.dealValueField.schemaName})`;

const connectionReferences: FlowFile["properties"]["connectionReferences"] = {
  shared_commondataserviceforapps: { runtimeSource: "embedded", connection: { connectionReferenceLogicalName: CONNECTION_REFERENCES.dataverse.logicalName }, api: { name: "shared_commondataserviceforapps" } },
  shared_partnercenterref: { runtimeSource: "embedded", connection: { connectionReferenceLogicalName: CONNECTION_REFERENCES.partnerCenterReferrals.logicalName }, api: { name: "shared_partnercenterref" } },
};

const op = (connectionName: string, apiId: string, operationId: string, parameters: Record<string, unknown>, runAfter?: Record<string, string[]>, extra: Partial<ActionDefinition> = {}): ActionDefinition => ({
  type: "OpenApiConnection",
  inputs: { host: { connectionName, operationId, apiId }, parameters, authentication: "@parameters('$authentication')" },
  ...(runAfter ? { runAfter } : {}),
  ...extra,
});

const definitionBase = (triggers: FlowFile["properties"]["definition"]["triggers"], actions: Record<string, ActionDefinition>): FlowFile => ({
  properties: {
    connectionReferences,
    definition: {
      $schema: "https://schema.management.azure.com/providers/Microsoft.Logic/schemas/2016-06-01/workflowdefinition.json#",
      contentVersion: "1.0.0.0",
      parameters: {
        $connections: { defaultValue: {}, type: "Object" },
        $authentication: { defaultValue: {}, type: "SecureObject" },
        [DEAL_VALUE_PARAM]: { defaultValue: "estimatedvalue", type: "String", metadata: { schemaName: ENVIRONMENT_VARIABLES.dealValueField.schemaName, description: "Deal value column" } },
      },
      triggers,
      actions,
    },
  },
  schemaVersion: "1.0.0.0",
});

/** Child: read the opportunity, create the referral (throttled once), answer with id and eTag. */
const child = definitionBase(
  {
    manual: {
      type: "Request",
      kind: "Button",
      inputs: { schema: { type: "object", properties: { text: { title: "Opportunity id", type: "string", "x-ms-dynamically-added": true } }, required: ["text"] } },
    },
  },
  {
    Get_opportunity: op("shared_commondataserviceforapps", DV_API, "GetItem", { entityName: OPPORTUNITY.entitySetName, recordId: "@triggerBody()['text']", $select: "name,estimatedvalue,opportunityid" }),
    Create_referral: op(
      "shared_partnercenterref",
      PC_API,
      "CreateReferral",
      {
        "Referral/name": "@outputs('Get_opportunity')?['body/name']",
        "Referral/type": "Independent",
        "Referral/qualification": "SalesQualified",
        "Referral/externalReferenceId": "@outputs('Get_opportunity')?['body/opportunityid']",
        "Referral/customerProfile": { name: "Contoso Customer Inc", address: { city: "Redmond", postalCode: "98052", country: "US" }, team: [{ firstName: "Ana", lastName: "Lopez", email: "ana@contoso.example" }] },
        "Referral/consent": { consentToContact: true, consentToToShareInfoWithOthers: false, consentToShareReferralWithMicrosoftSellers: false },
        "Referral/details": {
          dealValue: `@float(outputs('Get_opportunity')?['body']?[parameters('${DEAL_VALUE_PARAM}')])`,
          currency: "USD",
          closingDateTime: "@addDays(utcNow(), 90, 'yyyy-MM-ddT00:00:00Z')",
          notes: "Created from Dynamics 365",
        },
        "Referral/team": [{ firstName: "Sam", lastName: "Seller", email: "sam@fabrikam.example" }],
      },
      { Get_opportunity: ["Succeeded"] },
    ),
    Respond: {
      type: "Response",
      kind: "PowerApp",
      inputs: { statusCode: 200, body: { referralid: "@body('Create_referral')?['id']", etag: "@body('Create_referral')?['eTag']" }, schema: { type: "object", properties: { referralid: { type: "string" }, etag: { type: "string" } } } },
      runAfter: { Create_referral: ["Succeeded"] },
    },
  },
);

/** Parent: opportunity added or modified (name, estimatedvalue) → child → JSON Patch → write back. */
const parent = definitionBase(
  {
    When_an_opportunity_is_added_or_modified: {
      type: "OpenApiConnectionWebhook",
      inputs: {
        host: { connectionName: "shared_commondataserviceforapps", operationId: "SubscribeWebhookTrigger", apiId: DV_API },
        parameters: { "subscriptionRequest/message": 4, "subscriptionRequest/entityname": OPPORTUNITY.logicalName, "subscriptionRequest/scope": 4, "subscriptionRequest/filteringattributes": "name,estimatedvalue" },
        authentication: "@parameters('$authentication')",
      },
    },
  },
  {
    Create_co_sell_referral: {
      type: "Workflow",
      inputs: { host: { workflowReferenceName: CHILD_ID }, body: { text: "@triggerOutputs()?['body/opportunityid']" } },
    },
    Share_notes: op(
      "shared_partnercenterref",
      PC_API,
      "PatchReferralById",
      {
        id: "@body('Create_co_sell_referral')?['referralid']",
        Referral: [{ op: "replace", path: "/details/notes", value: "Synced by @{workflow()?['tags']?['flowDisplayName']}" }],
      },
      { Create_co_sell_referral: ["Succeeded"] },
    ),
    Write_back: op(
      "shared_commondataserviceforapps",
      DV_API,
      "UpdateRecord",
      { entityName: OPPORTUNITY.entitySetName, recordId: "@triggerOutputs()?['body/opportunityid']", "item/description": "Partner Center referral @{body('Create_co_sell_referral')?['referralid']}" },
      { Share_notes: ["Succeeded"] },
    ),
  },
);

async function dvApi(method: string, path: string, body?: unknown) {
  const res = await fetch(`${dv.apiUrl}${path}`, {
    method,
    headers: { Authorization: `Bearer ${dv.token}`, Accept: "application/json", "Content-Type": "application/json", Prefer: "return=representation" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}
const pcControl = async (method: string, path: string, body?: unknown) =>
  (await fetch(`${pc.controlUrl}${path}`, { method, headers: { "Content-Type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) })).json() as Promise<Record<string, unknown>>;

beforeAll(async () => {
  const clock = testClock(Date.UTC(2026, 4, 1, 9, 0, 0));
  fr = await startFlowRunner({
    clock: clock.now,
    guid: counterGuid("22222222-0000-4000-8000-"),
    random: () => 0.5,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock.advance(ms);
    },
  });
  pc = await startPartnerCenterEmulator({ port: 0 });
  dv = await startDataverseEmulator({ port: 0, flowServiceUrl: fr.url });
  fr.setDataverse(dv.url, dv.token);

  // connections (an admin creates them) and the solution's connection references bound to them
  const connections = {
    dataverse: fr.createConnection({ apiName: "shared_commondataserviceforapps", displayName: "Dataverse", parameters: { environmentUrl: dv.url, token: dv.token } }),
    referrals: fr.createConnection({ apiName: "shared_partnercenterref", displayName: "Partner Center Referrals", parameters: { baseUrl: pc.url, token: pc.token } }),
  };
  for (const [ref, conn] of [
    [CONNECTION_REFERENCES.dataverse, connections.dataverse],
    [CONNECTION_REFERENCES.partnerCenterReferrals, connections.referrals],
  ] as const) {
    const r = await dvApi("POST", "connectionreferences", { connectionreferencelogicalname: ref.logicalName, connectionreferencedisplayname: ref.displayName, connectorid: connectorId(ref.apiName), connectionid: conn });
    expect(r.status).toBe(201);
  }
  const ev = ENVIRONMENT_VARIABLES.dealValueField;
  expect((await dvApi("POST", "environmentvariabledefinitions", { schemaname: ev.schemaName, displayname: ev.displayName, type: 100000000, defaultvalue: ev.defaultValue })).status).toBe(201);
  for (const [id, name, flow] of [
    [CHILD_ID, "Create Co-sell Referral (test child)", child],
    [PARENT_ID, "Dynamics 365 Opportunity to Partner Center (test parent)", parent],
  ] as const) {
    expect((await dvApi("POST", "workflows", { workflowid: id, name, category: 5, type: 1, primaryentity: "none", clientdata: JSON.stringify(flow) })).status).toBe(201);
  }
});

afterAll(async () => {
  await fr?.close();
  await dv?.close();
  await pc?.close();
});

describe("both emulators, a child flow and a retried 429", () => {
  it("turning the parent on before its child fails through Dataverse with the runner's message", async () => {
    const r = await dvApi("PATCH", `workflows(${PARENT_ID})`, { statecode: 1, statuscode: 2 });
    expect(r.status).toBe(400);
    if (process.env.SHOW_HISTORY) console.log(r.body.error.message);
    expect(r.body.error.message).toContain("calls the child flow 'Create Co-sell Referral (test child)'");
    expect(r.body.error.message).toContain("which is turned off. Turn on the child flow first.");
    expect((await dvApi("GET", `workflows(${PARENT_ID})?$select=statecode`)).body.statecode).toBe(0);
  });

  it("child then parent turn on; the parent's trigger is registered in Dataverse", async () => {
    expect((await dvApi("PATCH", `workflows(${CHILD_ID})`, { statecode: 1, statuscode: 2 })).status).toBeLessThan(300);
    expect((await dvApi("PATCH", `workflows(${PARENT_ID})`, { statecode: 1, statuscode: 2 })).status).toBeLessThan(300);
    // (url is not readable through the Web API, as documented for callbackregistration)
    const regs = (await dvApi("GET", "callbackregistrations?$select=name,entityname,message,scope,filteringattributes")).body.value as Array<Record<string, unknown>>;
    expect(regs).toHaveLength(1);
    expect(regs[0]).toMatchObject({ entityname: "opportunity", message: 4, scope: 4, filteringattributes: "name,estimatedvalue" });
    expect(String(regs[0].name)).toContain(PARENT_ID);
    expect(fr.runner.flows.get(PARENT_ID)?.callbackUrl).toContain(`/workflows/${PARENT_ID}/triggers/When_an_opportunity_is_added_or_modified/run?api-version=2016-06-01&sp=`);
  });

  it("a new opportunity runs the parent and the child to the documented result; the history shows each step", async () => {
    await pcControl("POST", "/faults", { operation: "createReferral", status: 429, retryAfter: 5, count: 1 });
    const pcBefore = (await pcControl("GET", "/calls")).lastSeq as number;
    const created = await dvApi("POST", "opportunities", { name: "Contoso – Azure migration", estimatedvalue: 125000 });
    expect(created.status).toBe(201);
    const oppId = created.body.opportunityid as string;
    for (let i = 0; i < 5; i++) {
      await dv.idle();
      await fr.idle();
    }

    const parentRuns = fr.listRuns({ workflowId: PARENT_ID });
    expect(parentRuns).toHaveLength(1); // the write-back (description) did not trigger another run
    const run: RunRecord = expectRunStatus(parentRuns[0], "Succeeded");
    expect(run.trigger.outputs.body).toMatchObject({ opportunityid: oppId, name: "Contoso – Azure migration", SdkMessage: "Create" });

    const call = expectActionStatus(run, "Create_co_sell_referral", "Succeeded");
    const childRun = expectRunStatus(fr.getRun((call.outputs as { childRunId: string }).childRunId), "Succeeded");
    expect(childRun.parentRunId).toBe(run.id);
    expect(childRun.parameterSources).toEqual({ pcs_DealValueField: "default value" });
    expect(actionOf(childRun, "Get_opportunity").outputs).toMatchObject({ statusCode: 200, body: { opportunityid: oppId, estimatedvalue: 125000 } });
    const create = expectActionStatus(childRun, "Create_referral", "Succeeded");
    expect(create.retryHistory).toEqual([expect.objectContaining({ statusCode: 429, code: "TooManyRequests", delayMs: 5000, delaySource: "Retry-After" })]);
    expect(sleeps).toContain(5000);
    const referralId = (call.outputs as { body: { referralid: string } }).body.referralid;
    expect(referralId).toMatch(/^[0-9a-f-]{36}$/i);
    expect(actionOf(run, "Share_notes").outputs).toMatchObject({ statusCode: 204 });
    expectActionStatus(run, "Write_back", "Succeeded");

    // the documented result, in both systems
    const referral = (await pcControl("GET", `/referrals/${referralId}`)) as { externalReferenceId: string; name: string; details: { dealValue: number; notes: string } };
    expect(referral.externalReferenceId).toBe(oppId);
    expect(referral.details.dealValue).toBe(125000);
    expect(referral.details.notes).toBe("Synced by Dynamics 365 Opportunity to Partner Center (test parent)");
    const opp = (await dvApi("GET", `opportunities(${oppId})?$select=description`)).body;
    expect(opp.description).toBe(`Partner Center referral ${referralId}`);
    const pcCalls = ((await pcControl("GET", `/calls?after=${pcBefore}`)).value as Array<{ operation: string; status: number }>).map((c) => `${c.operation} ${c.status}`);
    expect(pcCalls).toEqual(["createReferral 429", "createReferral 201", "patchReferral 204"]);

    // the run history, readable, has every step of both runs
    const text = await fetch(`${fr.url}/runs/${run.id}?format=text`).then((r) => r.text());
    for (const step of ["trigger When_an_opportunity_is_added_or_modified", "✔ Create_co_sell_referral [Workflow] Succeeded", "✔ Share_notes [OpenApiConnection] Succeeded", "✔ Write_back [OpenApiConnection] Succeeded"]) {
      expect(text).toContain(step);
    }
    const childText = formatRun(childRun);
    if (process.env.SHOW_HISTORY) console.log(text + "\n\n" + childText);
    expect(childText).toContain("✔ Get_opportunity [OpenApiConnection] Succeeded");
    expect(childText).toContain("✔ Create_referral [OpenApiConnection] Succeeded");
    expect(childText).toContain("retry after TooManyRequests 429: waited 5000 ms (Retry-After)");
    expect(childText).toContain("✔ Respond [Response] Succeeded");

    // requests as Microsoft counts them: parent = trigger + 3 actions; child = trigger + 3 actions + 1 retry
    expect(run.requests).toBe(4);
    expect(childRun.requests).toBe(5);
    expect(text).toContain(", 4 requests");
  });

  it("turning the parent off deletes its callbackregistration", async () => {
    expect((await dvApi("PATCH", `workflows(${PARENT_ID})`, { statecode: 0, statuscode: 1 })).status).toBeLessThan(300);
    expect((await dvApi("GET", "callbackregistrations")).body.value).toEqual([]);
    expect(fr.runner.flows.has(PARENT_ID)).toBe(false);
  });
});
