/**
 * The flow service over HTTP: connections, turning flows on (with Power Automate-like failures),
 * HTTP trigger callback URLs with sig, trigger schema / conditions / concurrency, child flows,
 * environment-variable parameters, the Dataverse trigger, Recurrence, and run history routes.
 */
import { startFlowRunner, FlowRunnerHandle } from "../src";
import { actionOf, expectActionStatus, expectRunStatus, workflowRow } from "../src/testing";
import { ActionDefinition, TriggerDefinition } from "../src/engine/types";
import { dataverseStub, DataverseStub } from "./dataverse-stub";
import { counterGuid, flowFile, newWorkflowId, testClock } from "./helpers";

let dv: DataverseStub;
let fr: FlowRunnerHandle;
const sleeps: number[] = [];

beforeAll(async () => {
  dv = await dataverseStub();
  const clock = testClock();
  fr = await startFlowRunner({
    dataverseUrl: dv.url,
    dataverseToken: dv.token,
    clock: clock.now,
    guid: counterGuid("11111111-0000-4000-8000-"),
    random: () => 0.5,
    sleep: async (ms) => {
      sleeps.push(ms);
      await new Promise((r) => setTimeout(r, 1));
    },
  });
});
afterAll(async () => {
  await fr.close();
  await dv.close();
});

async function api(method: string, path: string, body?: unknown) {
  const res = await fetch(fr.url + path, { method, headers: { "Content-Type": "application/json" }, body: body !== undefined ? JSON.stringify(body) : undefined });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null, text };
}

async function turnOn(name: string, flow: ReturnType<typeof flowFile>, id = newWorkflowId()) {
  const res = await api("POST", `/workflows/${id}/activate`, workflowRow(id, name, flow));
  return { id, ...res };
}

/** "Anyone" (triggerAuthenticationType All): called with the signed URL; tenant-only triggers are tested in trigger-auth.test.ts. */
const HTTP_TRIGGER: TriggerDefinition = { type: "Request", kind: "Http", inputs: { triggerAuthenticationType: "All", schema: { type: "object", properties: { referralId: { type: "string" } }, required: ["referralId"] } } };

describe("connections", () => {
  it("creates a connection, never returns its token, and refuses bad input", async () => {
    const created = await api("POST", "/connections", { apiName: "shared_partnercenterref", displayName: "PC", parameters: { baseUrl: "http://127.0.0.1:1", token: "secret-token" } });
    expect(created.status).toBe(201);
    expect(created.text).not.toContain("secret-token");
    expect(created.body.properties.parameters.token).toBe("(hidden)");
    const listed = await api("GET", "/connections");
    expect(listed.text).not.toContain("secret-token");
    expect((await api("POST", "/connections", { apiName: "shared_nope", parameters: {} })).body.error.code).toBe("ApiNotFound");
    const noToken = await api("POST", "/connections", { apiName: "shared_webcontents", parameters: { baseResourceUrl: "http://127.0.0.1:1" } });
    expect(noToken.status).toBe(400);
    expect(noToken.body.error.message).toMatch(/needs a 'token' parameter/);
    const badUrl = await api("POST", "/connections", { apiName: "shared_webcontents", parameters: { baseResourceUrl: "not a url", token: "t" } });
    expect(badUrl.body.error.message).toMatch(/must be an absolute URL/);
  });
});

describe("HTTP request trigger", () => {
  it("gets a callback URL with sig and rejects calls without a valid sig (401)", async () => {
    const on = await turnOn("Webhook receiver", flowFile({ Respond: { type: "Response", kind: "Http", inputs: { statusCode: 200, body: { got: "@triggerBody()?['referralId']" } } } }, { trigger: HTTP_TRIGGER }));
    expect(on.status).toBe(200);
    const cb: string = on.body.trigger.callbackUrl;
    expect(cb).toMatch(new RegExp(`^${fr.url}/workflows/${on.id}/triggers/manual/paths/invoke\\?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=[A-Za-z0-9_-]{20,}$`));

    const post = (url: string) => fetch(url, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ referralId: "R-1" }) });
    const ok = await post(cb);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ got: "R-1" });
    expect(ok.headers.get("x-ms-workflow-run-id")).toMatch(/^08584/);

    const noSig = await post(cb.replace(/&sig=[^&]+/, ""));
    expect(noSig.status).toBe(401);
    expect((await noSig.json()).error.code).toBe("DirectApiAuthorizationRequired");
    const badSig = await post(cb.replace(/sig=[^&]+/, "sig=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"));
    expect(badSig.status).toBe(401);
    expect((await badSig.json()).error.code).toBe("DirectApiInvalidAuthorizationSignature");

    const listed = await api("POST", `/workflows/${on.id}/triggers/manual/listCallbackUrl`);
    expect(listed.body.value).toBe(cb);
  });

  it("answers 202 with the run id when the flow has no Response action", async () => {
    const on = await turnOn("No response", flowFile({ Work: { type: "Compose", inputs: "@triggerBody()" } }, { trigger: HTTP_TRIGGER }));
    const res = await fetch(on.body.trigger.callbackUrl, { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" });
    expect(res.status).toBe(202);
    const runId = res.headers.get("x-ms-workflow-run-id")!;
    await fr.idle();
    expectRunStatus(fr.getRun(runId), "Succeeded");
  });

  it("validates the body against the schema when schema validation is on", async () => {
    const on = await turnOn("Strict", flowFile({ Respond: { type: "Response", inputs: { statusCode: 200 } } }, { trigger: { ...HTTP_TRIGGER, operationOptions: "EnableSchemaValidation" } }));
    const res = await fetch(on.body.trigger.callbackUrl, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ other: 1 }) });
    expect(res.status).toBe(400);
    const e = await res.json();
    expect(e.error.code).toBe("TriggerInputSchemaMismatch");
    expect(e.error.message).toMatch(/^The input body for trigger 'manual' of type 'Request' did not match its schema definition. Error details: 'Required properties are missing from object: referralId/);
  });

  it("trigger conditions: a false condition starts no run", async () => {
    const trigger: TriggerDefinition = { ...HTTP_TRIGGER, conditions: [{ expression: "@equals(triggerBody()?['eventName'], 'referral-created')" }] };
    const on = await turnOn("Conditional", flowFile({ Work: { type: "Compose", inputs: 1 } }, { trigger }));
    const before = fr.listRuns({ workflowId: on.id }).length;
    const skip = await fetch(on.body.trigger.callbackUrl, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ eventName: "referral-updated" }) });
    expect(skip.status).toBe(202);
    expect(fr.listRuns({ workflowId: on.id })).toHaveLength(before);
    expect(fr.runner.triggerHistory[0]).toMatchObject({ workflowId: on.id, status: "Skipped" });
    const fire = await fetch(on.body.trigger.callbackUrl, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ eventName: "referral-created" }) });
    expect(fire.status).toBe(202);
    expect(fr.listRuns({ workflowId: on.id })).toHaveLength(before + 1);
  });

  it("splitOn starts one run per item; request headers (a webhook signature header included) reach the trigger outputs", async () => {
    const trigger: TriggerDefinition = { type: "Request", kind: "Http", inputs: { triggerAuthenticationType: "All" }, splitOn: "@triggerBody()?['events']" };
    const on = await turnOn("Split", flowFile({ Each: { type: "Compose", inputs: { event: "@triggerBody()?['EventName']", auth: "@triggerOutputs()?['headers']?['x-ms-signature']" } } }, { trigger }));
    const before = fr.listRuns({ workflowId: on.id }).length;
    const res = await fetch(on.body.trigger.callbackUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json", "x-ms-signature": "Signature abc" },
      body: JSON.stringify({ events: [{ EventName: "referral-created" }, { EventName: "referral-updated" }] }),
    });
    expect(res.status).toBe(202);
    await fr.idle();
    const runs = fr.listRuns({ workflowId: on.id }).slice(0, 2);
    expect(fr.listRuns({ workflowId: on.id })).toHaveLength(before + 2);
    expect(runs.map((r) => (actionOf(r, "Each").outputs as { event: string }).event).sort()).toEqual(["referral-created", "referral-updated"]);
    expect((actionOf(runs[0], "Each").outputs as { auth: string }).auth).toBe("Signature abc");
  });

  it("trigger concurrency: with runs = 1 the second run starts after the first ends", async () => {
    const trigger: TriggerDefinition = { ...HTTP_TRIGGER, runtimeConfiguration: { concurrency: { runs: 1 } } };
    const on = await turnOn("One at a time", flowFile({ Pause: { type: "Wait", inputs: { interval: { count: 1, unit: "Second" } } } }, { trigger }));
    const call = () => fetch(on.body.trigger.callbackUrl, { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" }).then((r) => r.headers.get("x-ms-workflow-run-id")!);
    const [a, b] = await Promise.all([call(), call()]);
    await fr.idle();
    const ra = fr.getRun(a)!;
    const rb = fr.getRun(b)!;
    // A waiting run keeps the time it was triggered as its start: its first action is what waits.
    const began = (r: typeof ra) => actionOf(r, "Pause").startTime!;
    const [first, second] = began(ra) <= began(rb) ? [ra, rb] : [rb, ra];
    expect(began(second) >= first.endTime!).toBe(true);
  });
});

describe("turning flows on", () => {
  it("fails when a child flow it calls is off, and works once the child is on", async () => {
    const childId = newWorkflowId();
    const child = flowFile(
      { Respond: { type: "Response", kind: "PowerApp", inputs: { statusCode: 200, body: { doubled: "@mul(triggerBody()?['number'], 2)" } } } },
      { trigger: { type: "Request", kind: "Button", inputs: { schema: { type: "object", properties: { number: { type: "integer" } }, required: ["number"] } } } },
    );
    const parent = flowFile({
      Call_child: { type: "Workflow", inputs: { host: { workflowReferenceName: childId }, body: { number: "@triggerBody()?['n']" } } },
      Use: { type: "Compose", inputs: "@body('Call_child')?['doubled']", runAfter: { Call_child: ["Succeeded"] } },
    });
    dv.insert("workflows", { workflowid: childId, name: "Doubler", statecode: 0, category: 5 });
    const refused = await turnOn("Parent", parent);
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe("ChildFlowNotEnabled");
    expect(refused.body.error.message).toBe(
      `Request to Azure Resource Manager failed with error: '{"error":{"code":"ChildFlowNotEnabled","message":"The flow 'Parent' cannot be turned on: its action 'Call_child' calls the child flow 'Doubler' (${childId}), which is turned off. Turn on the child flow first."}}'.`,
    );
    expect((await turnOn("Doubler", child, childId)).status).toBe(200);
    const on = await turnOn("Parent", parent, refused.id);
    expect(on.status).toBe(200);
    const { run } = await fr.runManual(on.id, { n: 21 });
    expectRunStatus(run, "Succeeded");
    expect(actionOf(run, "Use").outputs).toBe(42);
    const call = actionOf(run, "Call_child");
    expect(call.outputs).toMatchObject({ statusCode: 200, body: { doubled: 42 } });
    const childRun = fr.getRun((call.outputs as { childRunId: string }).childRunId)!;
    expect(childRun.parentRunId).toBe(run.id);
    expect(childRun.trigger.outputs.body).toEqual({ number: 21 });

    // inputs that do not match the child's schema fail the parent's action
    const bad = await fr.runManual(on.id, { n: "x" });
    expect(expectActionStatus(bad.run, "Call_child", "Failed").error?.code).toBe("TriggerInputSchemaMismatch");

    // turned off afterwards: the parent's action fails at run time
    await api("POST", `/workflows/${childId}/deactivate`);
    const off = await fr.runManual(on.id, { n: 1 });
    expect(expectActionStatus(off.run, "Call_child", "Failed").error?.code).toBe("WorkflowNotEnabled");
  });

  it("fails when a connection reference has no connection, or names one that does not exist", async () => {
    dv.insert("connectionreferences", { connectionreferencelogicalname: "pcs_sharedpartnercenterref_referrals", connectorid: "/providers/Microsoft.PowerApps/apis/shared_partnercenterref", connectionid: null });
    const flow = flowFile(
      { Get: { type: "OpenApiConnection", inputs: { host: { connectionName: "shared_partnercenterref", operationId: "GetReferralById", apiId: "/providers/Microsoft.PowerApps/apis/shared_partnercenterref" }, parameters: { id: "R-1" } } } },
      { connectionReferences: { shared_partnercenterref: { runtimeSource: "embedded", connection: { connectionReferenceLogicalName: "pcs_sharedpartnercenterref_referrals" }, api: { name: "shared_partnercenterref" } } } },
    );
    const unbound = await turnOn("Needs PC", flow);
    expect(unbound.status).toBe(400);
    expect(unbound.body.error.code).toBe("ConnectionReferenceNotConfigured");
    expect(unbound.body.error.message).toMatch(/connection reference 'pcs_sharedpartnercenterref_referrals' \(shared_partnercenterref\) has no connection/);

    const ref = [...dv.tables.get("connectionreferences")!.values()].find((r) => r.connectionreferencelogicalname === "pcs_sharedpartnercenterref_referrals")!;
    ref.connectionid = "shared-partnercenter-missing";
    const missing = await turnOn("Needs PC", flow, unbound.id);
    expect(missing.body.error.code).toBe("ConnectionNotFound");

    ref.connectionid = fr.createConnection({ apiName: "shared_partnercenterref", parameters: { baseUrl: "http://127.0.0.1:1", token: "t" } });
    expect((await turnOn("Needs PC", flow, unbound.id)).status).toBe(200);

    const unknownRef = flowFile({}, { connectionReferences: { shared_webcontents: { connection: { connectionReferenceLogicalName: "pcs_not_there" }, api: { name: "shared_webcontents" } } } });
    expect((await turnOn("Unknown ref", unknownRef)).body.error.code).toBe("ConnectionReferenceNotFound");
  });

  it("fails on an invalid trigger or a definition the runner cannot run", async () => {
    const badMessage = await turnOn(
      "Bad trigger",
      flowFile({}, {
        trigger: {
          type: "OpenApiConnectionWebhook",
          inputs: { host: { connectionName: "shared_commondataserviceforapps", operationId: "SubscribeWebhookTrigger", apiId: "/providers/Microsoft.PowerApps/apis/shared_commondataserviceforapps" }, parameters: { "subscriptionRequest/message": 9, "subscriptionRequest/entityname": "opportunity", "subscriptionRequest/scope": 4 } },
        },
      }),
    );
    expect(badMessage.status).toBe(400);
    expect(badMessage.body.error.message).toMatch(/'subscriptionRequest\/message' is '9'; it must be 1 \(Added\)/);

    const noTrigger = { properties: { definition: { triggers: {}, actions: {} } } };
    const id = newWorkflowId();
    const r = await api("POST", `/workflows/${id}/activate`, { workflowid: id, name: "Empty", category: 5, clientdata: JSON.stringify(noTrigger) });
    expect(r.body.error.code).toBe("WorkflowTriggerNotFound");

    const unsupported = await turnOn("Uses xquery", flowFile({ X: { type: "Compose", inputs: "@xquery(xml('<a/>'), '/a')" } }));
    expect(unsupported.body.error.code).toBe("InvalidTemplate");
    expect(unsupported.body.error.message).toMatch(/The function 'xquery' is not one the flow runner implements/);

    // xml, xpath and the form-data functions run in the cloud, so they turn on here too (issue 14)
    const xmlFlow = await turnOn("Uses xpath", flowFile({ X: { type: "Compose", inputs: "@{xpath(xml('<a><b>1</b></a>'), 'sum(/a/b)')} @{triggerFormDataValue('k')}" } }));
    expect(xmlFlow.status).toBe(200);
  });
});

describe("environment variables", () => {
  it("parameters read the current value, else the default value, at run start", async () => {
    const defId = dv.insert("environmentvariabledefinitions", { schemaname: "pcs_DealValueField", defaultvalue: "estimatedvalue", type: 100000000 });
    dv.insert("environmentvariabledefinitions", { schemaname: "pcs_DisplayCheckMark", defaultvalue: "yes", type: 100000002 });
    const flow = flowFile(
      { Show: { type: "Compose", inputs: { field: "@parameters('Deal value (pcs_DealValueField)')", check: "@parameters('Display check mark (pcs_DisplayCheckMark)')" } } },
      {
        parameters: {
          "Deal value (pcs_DealValueField)": { type: "String", defaultValue: "fallback", metadata: { schemaName: "pcs_DealValueField" } },
          "Display check mark (pcs_DisplayCheckMark)": { type: "Bool", defaultValue: false, metadata: { schemaName: "pcs_DisplayCheckMark" } },
        },
      },
    );
    const on = await turnOn("Env vars", flow);
    const first = await fr.runManual(on.id, {});
    expect(actionOf(first.run, "Show").outputs).toEqual({ field: "estimatedvalue", check: true });
    expect(first.run.parameterSources).toEqual({ pcs_DealValueField: "default value", pcs_DisplayCheckMark: "default value" });
    dv.insert("environmentvariablevalues", { _environmentvariabledefinitionid_value: defId, value: "pcs_customdealvalue" });
    const second = await fr.runManual(on.id, {});
    expect(actionOf(second.run, "Show").outputs).toEqual({ field: "pcs_customdealvalue", check: true });
    expect(second.run.parameterSources?.pcs_DealValueField).toBe("current value");
  });
});

describe("Dataverse trigger", () => {
  it("subscribes through callbackregistrations, runs on a change, and unsubscribes when turned off", async () => {
    const dvConn = fr.createConnection({ apiName: "shared_commondataserviceforapps", parameters: { environmentUrl: dv.url, token: dv.token } });
    dv.insert("connectionreferences", { connectionreferencelogicalname: "pcs_sharedcommondataserviceforapps_dataverse", connectorid: "/providers/Microsoft.PowerApps/apis/shared_commondataserviceforapps", connectionid: dvConn });
    const trigger: TriggerDefinition = {
      type: "OpenApiConnectionWebhook",
      inputs: {
        host: { connectionName: "shared_commondataserviceforapps", operationId: "SubscribeWebhookTrigger", apiId: "/providers/Microsoft.PowerApps/apis/shared_commondataserviceforapps" },
        parameters: { "subscriptionRequest/message": 4, "subscriptionRequest/entityname": "opportunity", "subscriptionRequest/scope": 4, "subscriptionRequest/filteringattributes": "name,estimatedvalue" },
        authentication: "@parameters('$authentication')",
      },
    };
    const actions: Record<string, ActionDefinition> = { Seen: { type: "Compose", inputs: { name: "@triggerOutputs()?['body/name']", message: "@triggerOutputs()?['body/SdkMessage']" } } };
    const on = await turnOn(
      "On opportunity change",
      flowFile(actions, { trigger, connectionReferences: { shared_commondataserviceforapps: { runtimeSource: "embedded", connection: { connectionReferenceLogicalName: "pcs_sharedcommondataserviceforapps_dataverse" }, api: { name: "shared_commondataserviceforapps" } } } }),
    );
    expect(on.status).toBe(200);
    const regs = [...dv.tables.get("callbackregistrations")!.values()];
    const reg = regs.find((r) => String(r.url).includes(on.id))!;
    expect(reg).toMatchObject({ entityname: "opportunity", message: 4, scope: 4, filteringattributes: "name,estimatedvalue" });
    expect(String(reg.url)).toMatch(new RegExp(`^${fr.url}/workflows/${on.id}/triggers/manual/run\\?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=`));

    const before = fr.listRuns({ workflowId: on.id }).length;
    await fetch(`${dv.url}/api/data/v9.2/opportunities`, { method: "POST", headers: { Authorization: `Bearer ${dv.token}`, "Content-Type": "application/json" }, body: JSON.stringify({ name: "Big deal" }) });
    await fr.idle();
    const runs = fr.listRuns({ workflowId: on.id });
    expect(runs).toHaveLength(before + 1);
    expect(actionOf(runs[0], "Seen").outputs).toEqual({ name: "Big deal", message: "Create" });

    await api("POST", `/workflows/${on.id}/deactivate`);
    expect([...dv.tables.get("callbackregistrations")!.values()].some((r) => String(r.url).includes(on.id))).toBe(false);
  });
});

describe("Recurrence", () => {
  it("fires on request and runs the flow", async () => {
    const on = await turnOn("Every hour", flowFile({ Tick: { type: "Compose", inputs: "@utcNow('yyyy')" } }, { trigger: { type: "Recurrence", recurrence: { frequency: "Hour", interval: 1 } } }));
    expect(on.status).toBe(200);
    const fired = await api("POST", `/workflows/${on.id}/recurrence`);
    expect(fired.status).toBe(202);
    await fr.idle();
    expectRunStatus(fr.getRun(fired.body.runIds[0]), "Succeeded");
  });
});

describe("run history routes", () => {
  it("lists runs and shows one with every action, also as text", async () => {
    const on = await turnOn("History", flowFile({ A: { type: "Compose", inputs: "a" }, B: { type: "Compose", inputs: "@div(1,0)", runAfter: { A: ["Succeeded"] } } }));
    const ran = await api("POST", `/workflows/${on.id}/run`, { x: 1 });
    expect(ran.body.status).toBe("Failed");
    const list = await api("GET", `/runs?workflowId=${on.id}`);
    expect(list.body.value[0]).toMatchObject({ id: ran.body.runId, status: "Failed", trigger: "manual" });
    const one = await api("GET", `/runs/${ran.body.runId}`);
    expect(one.body.actions.A).toMatchObject({ status: "Succeeded", inputs: "a", outputs: "a" });
    expect(one.body.actions.B.error.code).toBe("InvalidTemplate");
    expect(typeof one.body.actions.B.durationMs).toBe("number");
    const text = await fetch(`${fr.url}/runs/${ran.body.runId}?format=text`).then((r) => r.text());
    expect(text).toContain("✔ A [Compose] Succeeded");
    expect(text).toContain("✖ B [Compose] Failed (InvalidTemplate");
    expect((await api("GET", "/runs/nope")).status).toBe(404);
  });
});
