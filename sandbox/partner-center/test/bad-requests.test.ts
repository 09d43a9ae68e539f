/**
 * Every bad request gets the documented error body ({ error: { code, message, target } }) with
 * the documented status and code, and changes nothing: same state, no event raised.
 */
import { PartnerCenterEmulator, startPartnerCenterEmulator } from "../src";
import { call, newReferralBody, REFERRALS, snapshot } from "./helpers";

let emu: PartnerCenterEmulator;
let outgoing: { id: string; eTag: string };
let closed: { id: string; eTag: string };

beforeAll(async () => {
  emu = await startPartnerCenterEmulator();
  outgoing = (await call(emu, "POST", REFERRALS, { body: newReferralBody({ consent: { consentToShareReferralWithMicrosoftSellers: true } }) })).json;
  closed = (await call(emu, "POST", "/_emulator/referrals", { body: { status: "Closed", substatus: "Lost" } })).json;
  await call(emu, "POST", "/webhooks/v1/registration", { body: { WebhookUrl: "http://127.0.0.1:9/hook", WebhookEvents: ["referral-updated"] } });
});
afterAll(() => emu.close());

interface Case {
  name: string;
  method: string;
  path: () => string;
  body?: unknown;
  rawBody?: string;
  headers?: () => Record<string, string>;
  token?: string | null;
  status: number;
  code: string;
  message: RegExp;
  target?: string;
}

const cases: Case[] = [
  {
    name: "invalid status transition (Active → New)",
    method: "PATCH", path: () => `${REFERRALS}/${outgoing.id}`,
    body: [{ op: "replace", path: "/status", value: "New" }, { op: "replace", path: "/substatus", value: "Pending" }],
    status: 400, code: "invalidRequest", message: /Invalid status transition from 'Active' to 'New'/, target: "status",
  },
  {
    // a closed referral takes no change at all (partner-center-2026.md §2.3), a reopening included
    name: "invalid transition out of Closed (Closed → Active)",
    method: "PATCH", path: () => `${REFERRALS}/${closed.id}`,
    body: [{ op: "replace", path: "/status", value: "Active" }, { op: "replace", path: "/substatus", value: "Accepted" }],
    status: 400, code: "invalidRequest", message: /Closed \/ Lost: it takes no more changes/, target: "status",
  },
  {
    name: "substatus that does not belong to the status (Closed/Accepted)",
    method: "PATCH", path: () => `${REFERRALS}/${outgoing.id}`,
    body: [{ op: "replace", path: "/status", value: "Closed" }],
    status: 400, code: "invalidRequest", message: /Substatus 'Accepted' is not valid for status 'Closed'/, target: "substatus",
  },
  {
    name: "patch on a path that is not patchable",
    method: "PATCH", path: () => `${REFERRALS}/${outgoing.id}`,
    body: [{ op: "replace", path: "/name", value: "Renamed" }],
    status: 400, code: "invalidRequest", message: /The path "\/name" cannot be patched/, target: "[0].path",
  },
  {
    name: "patch op other than replace/add (remove)",
    method: "PATCH", path: () => `${REFERRALS}/${outgoing.id}`,
    body: [{ op: "remove", path: "/details/notes" }],
    status: 400, code: "invalidRequest", message: /Operation 'remove' is not supported. Only 'replace' and 'add' are allowed/, target: "[0].op",
  },
  {
    name: "a good operation followed by a bad one applies neither",
    method: "PATCH", path: () => `${REFERRALS}/${outgoing.id}`,
    body: [{ op: "replace", path: "/details/notes", value: "changed" }, { op: "test", path: "/details/notes", value: "x" }],
    status: 400, code: "invalidRequest", message: /Operation 'test' is not supported/, target: "[1].op",
  },
  {
    name: "patch value of the wrong type (negative deal value)",
    method: "PATCH", path: () => `${REFERRALS}/${outgoing.id}`,
    body: [{ op: "replace", path: "/details/dealValue", value: -5 }],
    status: 400, code: "invalidRequest", message: /must be a number that is not negative/, target: "details.dealValue",
  },
  {
    name: "patch body that is not a JSON Patch array",
    method: "PATCH", path: () => `${REFERRALS}/${outgoing.id}`,
    body: { status: "Closed" },
    status: 400, code: "invalidRequest", message: /must be a JSON Patch document/,
  },
  {
    name: "making a referral shared with Microsoft private again",
    method: "PATCH", path: () => `${REFERRALS}/${outgoing.id}`,
    body: [{ op: "replace", path: "/consent/consentToShareReferralWithMicrosoftSellers", value: false }],
    status: 400, code: "invalidRequest", message: /cannot be made private again/, target: "consent.consentToShareReferralWithMicrosoftSellers",
  },
  {
    name: "missing If-Match on PUT",
    method: "PUT", path: () => `${REFERRALS}/${outgoing.id}`,
    body: newReferralBody({ name: "no if-match" }),
    status: 400, code: "invalidRequest", message: /The If-Match header is required/, target: "If-Match",
  },
  {
    name: "stale If-Match on PUT",
    method: "PUT", path: () => `${REFERRALS}/${outgoing.id}`, headers: () => ({ "If-Match": '"stale-etag"' }),
    body: newReferralBody({ name: "stale" }),
    status: 412, code: "preconditionFailed", message: /If-Match eTag does not match the current eTag/, target: "If-Match",
  },
  {
    name: "stale If-Match on PATCH",
    method: "PATCH", path: () => `${REFERRALS}/${outgoing.id}`, headers: () => ({ "If-Match": '"stale-etag"' }),
    body: [{ op: "replace", path: "/details/notes", value: "stale" }],
    status: 412, code: "preconditionFailed", message: /does not match the current eTag/, target: "If-Match",
  },
  {
    name: "PUT that still carries links",
    method: "PUT", path: () => `${REFERRALS}/${outgoing.id}`, headers: () => ({ "If-Match": outgoing.eTag }),
    body: newReferralBody({ links: { self: { uri: "x", method: "GET" } } }),
    status: 400, code: "invalidRequest", message: /Remove 'links'/, target: "links",
  },
  {
    name: "PUT whose body id differs from the URL",
    method: "PUT", path: () => `${REFERRALS}/${outgoing.id}`, headers: () => ({ "If-Match": outgoing.eTag }),
    body: newReferralBody({ id: "00000000-0000-0000-0000-000000000000" }),
    status: 400, code: "invalidRequest", message: /does not match the id in the URL/, target: "id",
  },
  {
    name: "unknown id on GET",
    method: "GET", path: () => `${REFERRALS}/5d2f3e84-0000-4000-8000-000000000000`,
    status: 404, code: "itemNotFound", message: /Referral '5d2f3e84-0000-4000-8000-000000000000' was not found/, target: "id",
  },
  {
    name: "unknown id on PATCH",
    method: "PATCH", path: () => `${REFERRALS}/5d2f3e84-0000-4000-8000-000000000000`,
    body: [{ op: "replace", path: "/details/notes", value: "x" }],
    status: 404, code: "itemNotFound", message: /was not found/, target: "id",
  },
  {
    name: "bad $filter syntax",
    method: "GET", path: () => `${REFERRALS}?$filter=${encodeURIComponent("status eq 'New' and")}`,
    status: 400, code: "invalidRequest", message: /Invalid \$filter: expected a property or a value at the end of the filter/, target: "$filter",
  },
  {
    name: "$filter on a property that cannot be filtered",
    method: "GET", path: () => `${REFERRALS}?$filter=${encodeURIComponent("details/dealValue gt 5")}`,
    status: 400, code: "invalidRequest", message: /could not find a filterable property named 'details\/dealValue'/, target: "$filter",
  },
  {
    name: "$filter comparing a date with a string that is no date",
    method: "GET", path: () => `${REFERRALS}?$filter=${encodeURIComponent("updatedDateTime gt 'yesterday'")}`,
    status: 400, code: "invalidRequest", message: /'yesterday' is not a valid date-time/, target: "$filter",
  },
  {
    name: "$orderby on an unsupported property",
    method: "GET", path: () => `${REFERRALS}?$orderby=name`,
    status: 400, code: "invalidRequest", message: /ordering is supported on createdDateTime and updatedDateTime/, target: "$orderby",
  },
  {
    name: "$top that is not a number",
    method: "GET", path: () => `${REFERRALS}?$top=ten`,
    status: 400, code: "invalidRequest", message: /\$top is not a non-negative integer/, target: "$top",
  },
  {
    name: "forged $skiptoken",
    method: "GET", path: () => `${REFERRALS}?$skiptoken=garbage`,
    status: 400, code: "invalidRequest", message: /\$skiptoken is not valid/, target: "$skiptoken",
  },
  {
    name: "missing bearer token",
    method: "GET", path: () => REFERRALS, token: null,
    status: 401, code: "unauthenticated", message: /must carry a bearer token/, target: "Authorization",
  },
  {
    name: "unknown bearer token on a write",
    method: "PATCH", path: () => `${REFERRALS}/${outgoing.id}`, token: "not-a-valid-token",
    body: [{ op: "replace", path: "/details/notes", value: "x" }],
    status: 401, code: "unauthenticated", message: /token is not valid/, target: "Authorization",
  },
  {
    name: "missing required fields on create",
    method: "POST", path: () => REFERRALS,
    body: { name: "Only a name", details: {} },
    status: 400, code: "invalidRequest", message: /Required properties are missing: type, customerProfile, consent/, target: "type",
  },
  {
    name: "missing customer name on create",
    method: "POST", path: () => REFERRALS,
    body: newReferralBody({ customerProfile: { address: { country: "US" } } }),
    status: 400, code: "invalidRequest", message: /customerProfile.name/, target: "customerProfile.name",
  },
  {
    name: "three-letter country on create",
    method: "POST", path: () => REFERRALS,
    body: newReferralBody({ customerProfile: { name: "C", address: { country: "USA" } } }),
    status: 400, code: "invalidRequest", message: /two-letter ISO 3166 country code/, target: "customerProfile.address.country",
  },
  {
    name: "unknown enum value on create",
    method: "POST", path: () => REFERRALS,
    body: newReferralBody({ type: "Private" }),
    status: 400, code: "invalidRequest", message: /The value "Private" is not valid for 'type'/, target: "type",
  },
  {
    name: "malformed JSON body",
    method: "POST", path: () => REFERRALS, rawBody: "{ not json", headers: () => ({ "Content-Type": "application/json" }),
    status: 400, code: "invalidRequest", message: /not valid JSON/,
  },
  {
    name: "webhook registration with an unsupported event",
    method: "POST", path: () => "/webhooks/v1/registration",
    body: { WebhookUrl: "https://example.invalid/hook", WebhookEvents: ["referral-deleted"] },
    status: 400, code: "invalidRequest", message: /Event "referral-deleted" is not supported/, target: "WebhookEvents",
  },
  {
    name: "webhook registration without a URL",
    method: "PUT", path: () => "/webhooks/v1/registration",
    body: { WebhookEvents: ["referral-created"] },
    status: 400, code: "invalidRequest", message: /Required property is missing: WebhookUrl/, target: "WebhookUrl",
  },
  {
    name: "validation event while the registration lacks test-created",
    method: "POST", path: () => "/webhooks/v1/registration/validationEvents",
    status: 400, code: "invalidRequest", message: /does not include the test-created event/, target: "WebhookEvents",
  },
  {
    name: "method not allowed",
    method: "DELETE", path: () => `${REFERRALS}/${outgoing.id}`,
    status: 405, code: "invalidRequest", message: /Method DELETE is not allowed/,
  },
];

test.each(cases)("$name → $status $code, and nothing changes", async (c) => {
  const before = snapshot(emu);
  const eventsBefore = emu.context.dispatcher.recentEvents().length;
  const res = await call(emu, c.method, c.path(), { body: c.body, rawBody: c.rawBody, headers: c.headers?.(), token: c.token });
  expect(res.status).toBe(c.status);
  expect(res.json).toEqual({ error: { code: c.code, message: expect.stringMatching(c.message), ...(c.target ? { target: c.target } : {}) } });
  if (c.status === 401) expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
  expect(snapshot(emu)).toEqual(before);
  expect(emu.context.dispatcher.recentEvents()).toHaveLength(eventsBefore);
  // The call is still logged, with its status.
  const last = emu.context.calls.list().at(-1)!;
  expect(last).toMatchObject({ method: c.method, status: c.status });
});

test("control API: a bad item in a batch of incoming referrals stores none of them", async () => {
  const before = snapshot(emu);
  const res = await call(emu, "POST", "/_emulator/referrals", { body: [{ name: "fine" }, { status: "Closed", substatus: "Pending" }] });
  expect(res.status).toBe(400);
  expect(res.json.error).toMatchObject({ code: "invalidRequest", target: "substatus" });
  expect(snapshot(emu)).toEqual(before);
});
