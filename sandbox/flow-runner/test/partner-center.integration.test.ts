/**
 * The Partner Center connectors against the Partner Center emulator (sandbox/partner-center):
 * create, a throttled read retried after Retry-After, a JSON Patch through the certified
 * connector, and the If-Match JSON Patch through HTTP with Microsoft Entra ID, including the 412 a
 * stale eTag gets.
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

it("creates, reads (retrying a 429 after Retry-After), patches, and patches with If-Match", async () => {
  const { runner, sleeps } = makeRunner();
  const pcConn = runner.createConnection({ apiName: "shared_partnercenterref", parameters: { baseUrl: pc.url, token: pc.token } }).id;
  const webConn = runner.createConnection({ apiName: "shared_webcontents", parameters: { baseResourceUrl: pc.url, token: pc.token } }).id;
  const op = (conn: string, apiId: string, operationId: string, parameters: Record<string, unknown>, after?: string, statuses = ["Succeeded"]) => ({
    type: "OpenApiConnection",
    inputs: { host: { connectionName: conn, operationId, apiId }, parameters },
    ...(after ? { runAfter: { [after]: statuses } } : {}),
  });
  const id = await activate(
    runner,
    flowFile(
      {
        Create: op("shared_partnercenterref", PC, "CreateReferral", { Referral: "@triggerBody()?['referral']" }),
        Get: op("shared_partnercenterref", PC, "GetReferralById", { id: "@body('Create')?['id']" }, "Create"),
        Patch_notes: op("shared_partnercenterref", PC, "PatchReferralById", { id: "@body('Get')?['id']", Referral: [{ op: "replace", path: "/details/notes", value: "patched by the connector" }] }, "Get"),
        Reread: op("shared_partnercenterref", PC, "GetReferralById", { id: "@body('Get')?['id']" }, "Patch_notes"),
        Patch_if_match: op(
          "shared_webcontents",
          WEB,
          "InvokeHttp",
          {
            "request/method": "PATCH",
            "request/url": "/v1.0/engagements/referrals/@{body('Reread')?['id']}",
            "request/headers": { "If-Match": "@{body('Reread')?['eTag']}", "Content-Type": "application/json" },
            "request/body": [{ op: "replace", path: "/details/dealValue", value: 250000 }],
          },
          "Reread",
        ),
        Patch_stale: op(
          "shared_webcontents",
          WEB,
          "InvokeHttp",
          {
            "request/method": "PATCH",
            "request/url": "/v1.0/engagements/referrals/@{body('Reread')?['id']}",
            "request/headers": { "If-Match": "@{body('Reread')?['eTag']}" },
            "request/body": [{ op: "replace", path: "/details/dealValue", value: 1 }],
          },
          "Patch_if_match",
        ),
        On_conflict: { type: "Compose", inputs: "@outputs('Patch_stale')?['statusCode']", runAfter: { Patch_stale: ["Failed"] } },
      },
      {
        connectionReferences: {
          shared_partnercenterref: { connection: { name: pcConn }, api: { name: "shared_partnercenterref" } },
          shared_webcontents: { connection: { name: webConn }, api: { name: "shared_webcontents" } },
        },
      },
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
  expect(actionOf(run, "Patch_if_match").outputs).toMatchObject({ statusCode: 204 });
  const stale = expectActionStatus(run, "Patch_stale", "Failed");
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
    "patchReferral 204",
    "patchReferral 412",
  ]);
});
