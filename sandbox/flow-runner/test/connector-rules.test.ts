/**
 * Connector operations exactly as their definitions say (connectors/contract.ts and each
 * connector): what the flow JSON shows is refused by lint (so the flow cannot be turned on), what
 * only an expression decides is refused at run time before anything is sent. For each rule a
 * minimal flow that passes and one that fails.
 */
import { lintFlow, LintProblem } from "../src/lint/lint";
import { ActionDefinition, FlowFile } from "../src/engine/types";
import { FlowRunner } from "../src/service/runner";
import { actionOf, expectActionStatus, expectRunStatus } from "../src/testing";
import { activate, flowFile, makeRunner, runOnce, stubServer } from "./helpers";

const API = (name: string) => `/providers/Microsoft.PowerApps/apis/${name}`;
const call = (api: string, operationId: string, parameters: Record<string, unknown>, runAfter?: Record<string, string[]>): ActionDefinition => ({
  type: "OpenApiConnection",
  inputs: { host: { connectionName: api, operationId, apiId: API(api) }, parameters },
  ...(runAfter ? { runAfter } : {}),
});
const refs = (...apis: string[]): FlowFile["properties"]["connectionReferences"] =>
  Object.fromEntries(apis.map((a) => [a, { runtimeSource: "embedded", connection: { name: `conn-${a}` }, api: { name: a } }]));
const flow = (actions: Record<string, ActionDefinition>) => flowFile(actions, { connectionReferences: refs(...new Set(Object.values(actions).map((a) => (a.inputs as { host: { connectionName: string } }).host.connectionName))) });
const problems = (actions: Record<string, ActionDefinition>) => lintFlow(flow(actions)).filter((p) => p.severity === "error");
const codes = (p: LintProblem[]) => p.map((x) => x.code);

const GUID = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee";
const PC = "shared_partnercenterref";
const EVENTS = "shared_partnercenterevents";
const WEB = "shared_webcontents";
const DV = "shared_commondataserviceforapps";

let stub: Awaited<ReturnType<typeof stubServer>>;
let runner: FlowRunner;
beforeAll(async () => {
  stub = await stubServer(() => ({ status: 200, body: { ok: true } }));
  runner = makeRunner().runner;
  runner.createConnection({ id: `conn-${PC}`, apiName: PC, parameters: { baseUrl: stub.url, token: "t" } });
  runner.createConnection({ id: `conn-${EVENTS}`, apiName: EVENTS, parameters: { baseUrl: stub.url, token: "t" } });
  runner.createConnection({ id: `conn-${WEB}`, apiName: WEB, parameters: { baseResourceUrl: stub.url, resourceUri: "https://graph.microsoft.com", token: "t" } });
  runner.createConnection({ id: `conn-${DV}`, apiName: DV, parameters: { environmentUrl: stub.url, token: "t" } });
});
afterAll(async () => {
  await runner.close();
  await stub.close();
});

/** Runs a flow whose inputs pass lint; returns the run and how many requests reached the services. */
async function run(actions: Record<string, ActionDefinition>, inputs: unknown = {}) {
  const f = flow(actions);
  f.properties.definition.triggers.manual.inputs = { schema: { type: "object" } };
  expect(lintFlow(f).filter((p) => p.severity === "error")).toEqual([]);
  const before = stub.requests.length;
  const { run: r } = await runOnce(runner, await activate(runner, f), inputs);
  return { run: r, sent: stub.requests.length - before };
}

describe("Partner Center Referrals: the swagger's parameters only", () => {
  it("refuses a parameter the operation does not declare (an if-match on PatchReferralById), at lint", async () => {
    const ok = { id: "R-1", Referral: [{ op: "replace", path: "/details/notes", value: "n" }] };
    expect(problems({ Patch: call(PC, "PatchReferralById", ok) })).toEqual([]);
    const p = problems({ Patch: call(PC, "PatchReferralById", { ...ok, "if-match": '"e1"' }) });
    expect(p).toEqual([expect.objectContaining({ code: "openapi-unknown-parameter", path: "properties.definition.actions.Patch.inputs.parameters.if-match" })]);
    expect(p[0].message).toMatch(/^Input parameter 'if-match' validation failed in workflow operation 'Patch': The API operation 'PatchReferralById' has no parameter 'if-match' \(it declares 'id', 'MS-CorrelationId', 'Referral'\)\.$/);
    await expect(activate(makeRunner().runner, flow({ Patch: call(PC, "PatchReferralById", { ...ok, "if-match": '"e1"' }) }))).rejects.toMatchObject({ code: "InvalidTemplate" });
  });

  it("refuses a JSON Patch path outside the 18 the connector allows: at lint when written, at run time when computed", async () => {
    expect(codes(problems({ Patch: call(PC, "PatchReferralById", { id: "R-1", Referral: [{ op: "replace", path: "/name", value: "x" }] }) }))).toEqual(["partner-center-patch-path"]);
    expect(codes(problems({ Patch: call(PC, "PatchReferralById", { id: "R-1", Referral: [{ op: "remove", path: "/details/notes" }] }) }))).toEqual(["openapi-parameter-enum"]);
    const computed = { Patch: call(PC, "PatchReferralById", { id: "R-1", Referral: [{ op: "replace", path: "@triggerBody()?['path']", value: "x" }] }) };
    const good = await run(computed, { path: "/details/notes" });
    expectRunStatus(good.run, "Succeeded");
    expect(good.sent).toBe(1);
    const bad = await run(computed, { path: "/customerProfile/name" });
    const a = expectActionStatus(bad.run, "Patch", "Failed");
    expect(a.error).toMatchObject({ code: "OpenApiOperationParameterValidationFailed" });
    expect(a.error?.message).toMatch(/patches '\/customerProfile\/name', which is not one of the connector's 18 paths/);
    expect(bad.sent).toBe(0);
  });

  it("types: $top is an integer, a required parameter must be there", () => {
    expect(codes(problems({ List: call(PC, "GetAllReferrals", { $top: 10 }) }))).toEqual([]);
    expect(codes(problems({ List: call(PC, "GetAllReferrals", { $top: "ten" }) }))).toEqual(["openapi-parameter-type"]);
    expect(codes(problems({ Put: call(PC, "UpdateReferralById", { id: "R-1", odataReferral: {} }) }))).toEqual(["openapi-missing-parameter"]);
  });
});

describe("Partner Center Events: body/<Property> keys, SignatureTokenToMsSignatureHeader typed string", () => {
  const body = (flag: unknown) => ({ "body/WebhookUrl": "https://example.test/x", "body/WebhookEvents": ["referral-created"], "body/SignatureTokenToMsSignatureHeader": flag });
  it("refuses a JSON boolean, a whole body object and non-string events at lint", () => {
    expect(problems({ Register: call(EVENTS, "EventRegistration", body("true")) })).toEqual([]);
    expect(codes(problems({ Register: call(EVENTS, "EventRegistration", body(true)) }))).toEqual(["openapi-parameter-type"]);
    expect(codes(problems({ Register: call(EVENTS, "EventRegistration", { body: { WebhookUrl: "https://example.test/x" } }) }))).toEqual(["openapi-unknown-parameter"]);
    expect(codes(problems({ Register: call(EVENTS, "EventRegistration", { "body/WebhookEvents": [1] }) }))).toEqual(["openapi-parameter-type"]);
    expect(codes(problems({ View: call(EVENTS, "ViewRegistration", { "body/WebhookUrl": "x" }) }))).toEqual(["openapi-unknown-parameter"]);
  });
  it("refuses a boolean an expression produces, at run time, before sending", async () => {
    const { run: r, sent } = await run({ Register: call(EVENTS, "UpdateRegistration", body("@equals(1, 1)")) });
    expect(expectActionStatus(r, "Register", "Failed").error?.message).toMatch(/expects 'body\/SignatureTokenToMsSignatureHeader' to be of type 'string'; it is of type 'Boolean'/);
    expect(sent).toBe(0);
  });
});

describe("HTTP with Microsoft Entra ID: request/body typed string", () => {
  const invoke = (b: unknown) => ({ Send: call(WEB, "InvokeHttp", { "request/method": "POST", "request/url": "/x", "request/body": b }) });
  it("refuses an object or array at lint and an object an expression produces at run time", async () => {
    expect(problems(invoke('{"a":1}'))).toEqual([]);
    expect(codes(problems(invoke({ a: 1 })))).toEqual(["webcontents-body-not-string"]);
    expect(codes(problems(invoke([1])))).toEqual(["webcontents-body-not-string"]);
    expect(codes(problems({ Send: call(WEB, "InvokeHttp", { "request/method": "post", "request/url": "/x" }) }))).toEqual(["openapi-parameter-enum"]);
    const ok = await run(invoke("@string(createArray(1))"));
    expectRunStatus(ok.run, "Succeeded");
    const bad = await run(invoke("@createArray(1)"));
    expect(expectActionStatus(bad.run, "Send", "Failed").error?.message).toMatch(/'request\/body' is typed string; it is an array/);
    expect(bad.sent).toBe(0);
  });
});

describe("Dataverse: one item/<column> key per column; Row ID is the row's GUID", () => {
  it("refuses a whole item object at lint", () => {
    expect(problems({ Create: call(DV, "CreateRecord", { entityName: "accounts", "item/name": "Contoso" }) })).toEqual([]);
    for (const op of ["CreateRecord", "UpdateRecord", "UpdateOnlyRecord"]) {
      const p = problems({ Write: call(DV, op, { entityName: "accounts", ...(op === "CreateRecord" ? {} : { recordId: GUID }), item: { name: "Contoso" } }) });
      expect(codes(p)).toEqual(["dataverse-item-object"]);
    }
  });
  it("refuses alternate-key syntax in Row ID: written, built by an expression (lint), or produced at run time", async () => {
    expect(problems({ Update: call(DV, "UpdateRecord", { entityName: "accounts", recordId: GUID, "item/name": "x" }) })).toEqual([]);
    expect(codes(problems({ Update: call(DV, "UpdateRecord", { entityName: "accounts", recordId: "accountnumber='A-1'", "item/name": "x" }) }))).toEqual(["dataverse-row-id"]);
    expect(codes(problems({ Update: call(DV, "UpdateRecord", { entityName: "accounts", recordId: "accountnumber='@{triggerBody()?['n']}'", "item/name": "x" }) }))).toEqual(["dataverse-row-id"]);
    expect(codes(problems({ Update: call(DV, "UpdateRecord", { entityName: "accounts", recordId: "@concat('accountnumber=''', triggerBody()?['n'], '''')", "item/name": "x" }) }))).toEqual(["dataverse-row-id"]);
    const byInput = { Get: call(DV, "GetItem", { entityName: "accounts", recordId: "@triggerBody()?['id']" }) };
    const ok = await run(byInput, { id: GUID });
    expect(actionOf(ok.run, "Get").status).toBe("Succeeded");
    const bad = await run(byInput, { id: "accountnumber='A-1'" });
    expect(expectActionStatus(bad.run, "Get", "Failed").error?.message).toMatch(/Row ID \(recordId\) must be the row's GUID; 'accountnumber='A-1'' is not one \(alternate-key syntax is not accepted/);
    expect(bad.sent).toBe(0);
  });
});
