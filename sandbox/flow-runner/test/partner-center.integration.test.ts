/**
 * The Partner Center connectors against the Partner Center emulator (sandbox/partner-center), the
 * way the cloud allows them: through the certified connectors only. Referrals: create, a throttled
 * read retried after Retry-After, a JSON Patch (PatchReferralById, no If-Match), and the deprecated
 * full PUT with If-Match, including the 412 a stale eTag gets. Events: view, register and update
 * the webhook registration. HTTP with Microsoft Entra ID bound to Partner Center is refused before
 * anything reaches it.
 */
import { PartnerCenterEmulator, startPartnerCenterEmulator } from "../../partner-center/src";
import { actionOf, expectActionStatus, expectRunStatus } from "../src/testing";
import { activate, flowFile, makeRunner, runOnce } from "./helpers";

let pc: PartnerCenterEmulator;

beforeAll(async () => {
  pc = await startPartnerCenterEmulator({ port: 0 });
});
afterAll(async () => {
  await pc.close();
});

const control = async (method: string, path: string, body?: unknown) => {
  const r = await fetch(`${pc.controlUrl}${path}`, { method, headers: { "Content-Type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
  return r.json() as Promise<Record<string, unknown>>;
};

const PC = "/providers/Microsoft.PowerApps/apis/shared_partnercenterref";
const WEB = "/providers/Microsoft.PowerApps/apis/shared_webcontents";
const EVENTS = "/providers/Microsoft.PowerApps/apis/shared_partnercenterevents";

const op = (conn: string, apiId: string, operationId: string, parameters: Record<string, unknown>, after?: string, statuses = ["Succeeded"]) => ({
  type: "OpenApiConnection",
  inputs: { host: { connectionName: conn, operationId, apiId }, parameters },
  ...(after ? { runAfter: { [after]: statuses } } : {}),
});

it("creates, reads (retrying a 429 after Retry-After), patches, and puts with If-Match (412 when stale)", async () => {
  const { runner, sleeps } = makeRunner();
  const pcConn = runner.createConnection({ apiName: "shared_partnercenterref", parameters: { baseUrl: pc.url, token: pc.token } }).id;
  const id = await activate(
    runner,
    flowFile(
      {
        Create: op("shared_partnercenterref", PC, "CreateReferral", { Referral: "@triggerBody()?['referral']" }),
        Get: op("shared_partnercenterref", PC, "GetReferralById", { id: "@body('Create')?['id']" }, "Create"),
        Patch_notes: op("shared_partnercenterref", PC, "PatchReferralById", { id: "@body('Get')?['id']", Referral: [{ op: "replace", path: "/details/notes", value: "patched by the connector" }] }, "Get"),
        Reread: op("shared_partnercenterref", PC, "GetReferralById", { id: "@body('Get')?['id']" }, "Patch_notes"),
        Put_if_match: op(
          "shared_partnercenterref",
          PC,
          "UpdateReferralById",
          { id: "@body('Reread')?['id']", "if-match": "@{body('Reread')?['eTag']}", odataReferral: "@removeProperty(setProperty(body('Reread'), 'details', setProperty(body('Reread')?['details'], 'dealValue', 250000)), 'links')" },
          "Reread",
        ),
        Put_stale: op("shared_partnercenterref", PC, "UpdateReferralById", { id: "@body('Reread')?['id']", "if-match": "@{body('Reread')?['eTag']}", odataReferral: "@removeProperty(body('Reread'), 'links')" }, "Put_if_match"),
        On_conflict: { type: "Compose", inputs: "@outputs('Put_stale')?['statusCode']", runAfter: { Put_stale: ["Failed"] } },
      },
      { connectionReferences: { shared_partnercenterref: { connection: { name: pcConn }, api: { name: "shared_partnercenterref" } } } },
    ),
  );
  await control("POST", "/faults", { operation: "getReferral", status: 429, retryAfter: 3, count: 1 });
  const before = (await control("GET", "/calls")).lastSeq as number;
  const referral = {
    name: "Contoso – Azure migration",
    type: "Independent",
    qualification: "SalesQualified",
    externalReferenceId: "opp-0001",
    customerProfile: { name: "Contoso Customer Inc", address: { city: "Redmond", postalCode: "98052", country: "US" }, team: [{ firstName: "Ana", lastName: "Lopez", email: "ana@contoso.example" }] },
    consent: { consentToContact: true, consentToToShareInfoWithOthers: false, consentToShareReferralWithMicrosoftSellers: false },
    details: { dealValue: 125000, currency: "USD", closingDateTime: "2027-03-31T00:00:00Z", notes: "Lift and shift" },
    team: [{ firstName: "Sam", lastName: "Seller", email: "sam@fabrikam.example" }],
    status: "New",
    substatus: "Pending",
  };
  const { run } = await runOnce(runner, id, { referral });

  expectActionStatus(run, "Create", "Succeeded");
  const get = expectActionStatus(run, "Get", "Succeeded");
  expect(get.retryHistory).toEqual([expect.objectContaining({ statusCode: 429, code: "TooManyRequests", delayMs: 3000, delaySource: "Retry-After" })]);
  expect(sleeps).toEqual([3000]);
  expect(actionOf(run, "Patch_notes").outputs).toMatchObject({ statusCode: 204 });
  expect(actionOf(run, "Put_if_match").outputs).toMatchObject({ statusCode: 200 });
  const stale = expectActionStatus(run, "Put_stale", "Failed");
  expect(stale.code).toBe("PreconditionFailed");
  expect(actionOf(run, "On_conflict").outputs).toBe(412);
  // the 412 is handled: the branch ends in On_conflict, which succeeded
  expectRunStatus(run, "Succeeded");

  const stored = (await control("GET", `/referrals/${(actionOf(run, "Create").outputs as { body: { id: string } }).body.id}`)) as { details: { notes: string; dealValue: number } };
  expect(stored.details).toMatchObject({ notes: "patched by the connector", dealValue: 250000 });

  const calls = (await control("GET", `/calls?after=${before}`)).value as Array<{ operation: string; status: number; method: string }>;
  expect(calls.map((c) => `${c.operation} ${c.status}`)).toEqual([
    "createReferral 201",
    "getReferral 429",
    "getReferral 200",
    "patchReferral 204",
    "getReferral 200",
    "updateReferral 200",
    "updateReferral 412",
  ]);
});

it("Events: views, registers and updates the webhook registration; the string flag binds", async () => {
  const { runner } = makeRunner();
  const conn = runner.createConnection({ apiName: "shared_partnercenterevents", parameters: { baseUrl: pc.url, token: pc.token } }).id;
  await fetch(`${pc.controlUrl}/reset`, { method: "POST" });
  const body = (url: string) => ({ "body/WebhookUrl": url, "body/WebhookEvents": ["referral-created", "referral-updated"], "body/SignatureTokenToMsSignatureHeader": "true" });
  const id = await activate(
    runner,
    flowFile(
      {
        View_none: op("shared_partnercenterevents", EVENTS, "ViewRegistration", {}),
        Register: op("shared_partnercenterevents", EVENTS, "EventRegistration", body("https://receiver.example/one"), "View_none", ["Failed"]),
        Update: op("shared_partnercenterevents", EVENTS, "UpdateRegistration", body("https://receiver.example/two"), "Register"),
        View: op("shared_partnercenterevents", EVENTS, "ViewRegistration", {}, "Update"),
      },
      { connectionReferences: { shared_partnercenterevents: { connection: { name: conn }, api: { name: "shared_partnercenterevents" } } } },
    ),
  );
  const { run } = await runOnce(runner, id);
  expect(expectActionStatus(run, "View_none", "Failed").code).toBe("NotFound");
  expect(actionOf(run, "Update").outputs).toMatchObject({ statusCode: 200, body: { WebhookUrl: "https://receiver.example/two" } });
  expect(actionOf(run, "View").outputs).toMatchObject({ body: { WebhookUrl: "https://receiver.example/two", WebhookEvents: ["referral-created", "referral-updated"], SignatureTokenToMsSignatureHeader: true } });
  expectRunStatus(run, "Succeeded");
});

it("HTTP with Microsoft Entra ID bound to Partner Center fails every call, and nothing reaches Partner Center", async () => {
  const { runner } = makeRunner();
  const conn = runner.createConnection({ apiName: "shared_webcontents", parameters: { baseResourceUrl: pc.url, resourceUri: "https://api.partnercenter.microsoft.com", token: pc.token } }).id;
  const before = (await control("GET", "/calls")).lastSeq as number;
  const id = await activate(
    runner,
    flowFile(
      { Read_registration: op("shared_webcontents", WEB, "InvokeHttp", { "request/method": "GET", "request/url": "/webhooks/v1/registration" }) },
      { connectionReferences: { shared_webcontents: { connection: { name: conn }, api: { name: "shared_webcontents" } } } },
    ),
  );
  const { run } = await runOnce(runner, id);
  const a = expectActionStatus(run, "Read_registration", "Failed");
  expect(a.code).toBe("Forbidden");
  expect(a.outputs).toMatchObject({ statusCode: 403, body: { error: { code: "Authorization_RequestDenied" } } });
  expect(a.error?.message).toMatch(/^Insufficient privileges to complete the operation\. The HTTP with Microsoft Entra ID \(preauthorized\) app is not preauthorized for api\.partnercenter\.microsoft\.com/);
  expect((await control("GET", `/calls?after=${before}`)).value).toEqual([]);
});
