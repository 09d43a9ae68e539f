/**
 * The client against the local emulator: every operation, paging, and each fault path.
 * Waits are injected (recorded, not slept), so nothing here waits for a real back-off.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import {
  PartnerCenterEmulator,
  startPartnerCenterEmulator,
  startWebhookReceiver,
  WebhookReceiver,
} from "../../../../sandbox/partner-center/src";
import { CallRecord, PartnerCenterClient, PartnerCenterClientOptions } from "../client";
import {
  PartnerCenterAuthenticationError,
  PartnerCenterBadRequestError,
  PartnerCenterConflictError,
  PartnerCenterError,
  PartnerCenterInputError,
  PartnerCenterNetworkError,
  PartnerCenterNotFoundError,
  PartnerCenterServiceError,
  PartnerCenterThrottledError,
  PartnerCenterTimeoutError,
  PartnerCenterTokenError,
} from "../errors";
import { odataFilter } from "../odata";
import type { JsonPatchOperation, Referral } from "../referral";
import { StaticTokenProvider, TokenProvider, TokenRequest } from "../tokens";

let emu: PartnerCenterEmulator;
let receiver: WebhookReceiver;
let sleeps: number[];
let records: CallRecord[];

beforeAll(async () => {
  emu = await startPartnerCenterEmulator({ delivery: { retryDelayMs: () => 1 } });
  receiver = await startWebhookReceiver();
});
afterAll(async () => {
  await emu.close();
  await receiver.close();
});
beforeEach(() => {
  emu.reset();
  receiver.clear();
  sleeps = [];
  records = [];
});

function client(overrides: Partial<PartnerCenterClientOptions> = {}): PartnerCenterClient {
  return new PartnerCenterClient({
    tokenProvider: new StaticTokenProvider(emu.token),
    referralsBaseUrl: emu.referralsBaseUrl,
    partnerCenterBaseUrl: emu.partnerCenterBaseUrl,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    onCall: (r) => records.push(r),
    ...overrides,
  });
}

async function control(method: string, path: string, body?: unknown): Promise<any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const res = await fetch(`${emu.controlUrl}${path}`, { method, headers: { "Content-Type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
  return res.status === 204 ? undefined : res.json();
}

const apiCalls = async () => (await control("GET", "/calls")).value as Array<{ operation: string; status: number; correlationId?: string; method: string }>;

function newReferral(overrides: Partial<Referral> = {}): Referral {
  return {
    name: "Contoso – data platform",
    type: "Independent",
    qualification: "SalesQualified",
    externalReferenceId: "opp-42",
    customerProfile: { name: "Contoso Customer Inc", address: { city: "Redmond", postalCode: "98052", country: "US" }, team: [{ firstName: "Ana", email: "ana@contoso.example" }] },
    consent: { consentToContact: true, consentToToShareInfoWithOthers: false, consentToShareReferralWithMicrosoftSellers: true },
    details: { dealValue: 50000, currency: "USD", closingDateTime: "2027-01-31T00:00:00Z", requirements: { solutions: [{ id: "SOL-12345-ABC" }] } },
    ...overrides,
  };
}

describe("referrals", () => {
  test("create, get, update (PUT with If-Match, links removed), patch (204 and representation)", async () => {
    const pc = client();
    const created = await pc.createReferral(newReferral());
    expect(created).toMatchObject({ status: "Active", substatus: "Accepted", direction: "Outgoing", externalReferenceId: "opp-42" });
    expect(created.eTag).toMatch(/^".+"$/);

    const got = await pc.getReferral(created.id!);
    expect(got.eTag).toBe(created.eTag);
    expect(got.links?.self?.uri).toContain(created.id);

    // The referral as read, links included: the client strips them (the emulator refuses them).
    const updated = await pc.updateReferral({ ...got, name: "Renamed" });
    expect(updated.name).toBe("Renamed");
    expect(updated.eTag).not.toBe(got.eTag);

    const patched = await pc.patchReferral(created.id!, [{ op: "replace", path: "/details/dealValue", value: 75000 }], { ifMatch: updated.eTag });
    expect(patched.status).toBe(204);
    expect(patched.referral).toBeUndefined();
    expect(patched.eTag).toBeDefined();
    const withBody = await pc.patchReferral(created.id!, [{ op: "add", path: "/team/-", value: { firstName: "Sam", email: "sam@fabrikam.example" } }], { ifMatch: patched.eTag, returnRepresentation: true });
    expect(withBody.status).toBe(200);
    expect(withBody.referral?.details?.dealValue).toBe(75000);
    expect(withBody.referral?.team?.map((m) => m.email)).toEqual(["sam@fabrikam.example"]);
    expect(withBody.eTag).toBe(withBody.referral?.eTag);

    const calls = await apiCalls();
    expect(calls.map((c) => `${c.operation} ${c.status}`)).toEqual([
      "createReferral 201", "getReferral 200", "updateReferral 200", "patchReferral 204", "patchReferral 200",
    ]);
  });

  test("related referrals by engagement id include Microsoft's side", async () => {
    const pc = client();
    const ours = await pc.createReferral(newReferral({ type: "Shared" }));
    const related = await control("POST", `/referrals/${ours.id}/related`, { microsoftMsxId: "7-MSX0000001" });
    const all = await pc.getRelatedReferrals(ours.engagementId!);
    expect(all.map((r) => r.id).sort()).toEqual([ours.id, related.id].sort());
    expect(all.find((r) => r.organizationId === "msft")?.trackingInfo?.microsoftMsxId).toBe("7-MSX0000001");
  });

  test("listReferrals follows @odata.nextLink over 250 referrals, one page at a time", async () => {
    await control("POST", "/referrals", Array.from({ length: 250 }, (_, i) => ({ name: `R${i}`, createdDateTime: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString() })));
    const pc = client();
    const names: string[] = [];
    for await (const r of pc.listReferrals({ orderBy: "createdDateTime asc" })) names.push(r.name!);
    expect(names).toHaveLength(250);
    expect(names[0]).toBe("R0");
    expect(names[249]).toBe("R249");
    const lists = (await apiCalls()).filter((c) => c.operation === "listReferrals");
    expect(lists).toHaveLength(3);
    // One correlation id for the whole listing.
    expect(new Set(lists.map((c) => c.correlationId)).size).toBe(1);

    // Lazy: stopping after the first referral reads one page only.
    await control("DELETE", "/calls");
    for await (const r of pc.listReferrals()) {
      expect(r.id).toBeDefined();
      break;
    }
    expect((await apiCalls()).filter((c) => c.operation === "listReferrals")).toHaveLength(1);
  });

  test("OData options reach the service: filter, count, top, select", async () => {
    await control("POST", "/referrals", [{ name: "a", status: "New" }, { name: "b", status: "Active" }, { name: "c", status: "New", customerProfile: { name: "X", address: { country: "DE" } } }]);
    const pc = client();
    const pages = [];
    for await (const p of pc.listReferralPages({ filter: odataFilter`status eq ${"New"} and customerProfile/address/country eq ${"US"}`, count: true, select: ["id", "name"] })) pages.push(p);
    expect(pages).toHaveLength(1);
    expect(pages[0]!["@odata.count"]).toBe(1);
    expect(pages[0]!.value).toEqual([{ id: expect.any(String), name: "a" }]);
    const top: Referral[] = [];
    for await (const r of pc.listReferrals({ top: 2 })) top.push(r);
    expect(top).toHaveLength(2);
  });

  test("a bad $filter is a typed bad request with the service's code, message and target", async () => {
    const pc = client();
    const err = await (async () => {
      for await (const _ of pc.listReferrals({ filter: "status eq" })) void _;
    })().catch((e) => e);
    expect(err).toBeInstanceOf(PartnerCenterBadRequestError);
    expect(err).toMatchObject({ status: 400, code: "invalidRequest", target: "$filter" });
    expect(err.serverMessage).toMatch(/^Invalid \$filter/);
  });

  test("an invalid transition is a typed bad request; nothing is retried", async () => {
    const pc = client();
    const r = await pc.createReferral(newReferral());
    const err = await pc.patchReferral(r.id!, [{ op: "replace", path: "/status", value: "New" }, { op: "replace", path: "/substatus", value: "Pending" }]).catch((e) => e);
    expect(err).toBeInstanceOf(PartnerCenterBadRequestError);
    expect(err).toMatchObject({ code: "invalidRequest", target: "status", attempts: 1 });
    expect(sleeps).toEqual([]);
  });

  test("unknown id is a typed not-found", async () => {
    const err = await client().getReferral("00000000-0000-4000-8000-000000000000").catch((e) => e);
    expect(err).toBeInstanceOf(PartnerCenterNotFoundError);
    expect(err).toMatchObject({ status: 404, code: "itemNotFound", target: "id", operation: "getReferral" });
  });

  test("bad input is refused before any call: patch op, path, append with replace, PUT without eTag, empty id", async () => {
    const pc = client();
    const bad = async (p: Promise<unknown>) => p.then(() => undefined, (e) => e as PartnerCenterError);
    const ops = (o: unknown) => o as JsonPatchOperation[];
    expect(await bad(pc.patchReferral("x", ops([{ op: "remove", path: "/details/notes" }])))).toMatchObject({ code: "invalidInput", target: "[0].op" });
    expect(await bad(pc.patchReferral("x", ops([{ op: "replace", path: "/name", value: "n" }])))).toMatchObject({ target: "[0].path" });
    expect(await bad(pc.patchReferral("x", ops([{ op: "replace", path: "/team/-", value: {} }])))).toMatchObject({ target: "[0].op" });
    expect(await bad(pc.patchReferral("x", []))).toBeInstanceOf(PartnerCenterInputError);
    expect(await bad(pc.updateReferral({ id: "x", name: "no etag" }))).toMatchObject({ target: "If-Match" });
    expect(await bad(pc.getReferral(" "))).toMatchObject({ target: "id" });
    expect(await apiCalls()).toEqual([]);
  });
});

describe("resilience", () => {
  test("429 honours Retry-After, then succeeds", async () => {
    const r = (await control("POST", "/referrals", {}));
    await control("POST", "/faults", { operation: "getReferral", status: 429, retryAfter: 3, count: 2 });
    const got = await client().getReferral(r.id);
    expect(got.id).toBe(r.id);
    expect(sleeps).toEqual([3000, 3000]);
    expect((await apiCalls()).map((c) => c.status)).toEqual([429, 429, 200]);
    expect(records.map((x) => [x.status, x.retryInMs])).toEqual([[429, 3000], [429, 3000], [200, undefined]]);
  });

  test("a create answered 429 is retried too (the service did not act on it)", async () => {
    await control("POST", "/faults", { operation: "createReferral", status: 429, retryAfter: 1 });
    const created = await client().createReferral(newReferral());
    expect(created.id).toBeDefined();
    expect(sleeps).toEqual([1000]);
    expect((await control("GET", "/referrals")).count).toBe(1);
  });

  test("a Retry-After longer than the client will wait fails at once, telling how long", async () => {
    await control("POST", "/faults", { operation: "listReferrals", status: 429, retryAfter: 600 });
    const err = await (async () => {
      for await (const _ of client().listReferrals()) void _;
    })().catch((e) => e);
    expect(err).toBeInstanceOf(PartnerCenterThrottledError);
    expect(err).toMatchObject({ status: 429, retryAfterMs: 600_000, attempts: 1 });
    expect(err.serverMessage).toBe("Rate limit is exceeded. Try again in 600 seconds.");
    expect(sleeps).toEqual([]);
  });

  test("412 on a stale eTag is a typed conflict, not retried", async () => {
    const pc = client();
    const r = await pc.createReferral(newReferral());
    await pc.patchReferral(r.id!, [{ op: "replace", path: "/details/notes", value: "someone else" }]);
    const err = await pc.patchReferral(r.id!, [{ op: "replace", path: "/details/notes", value: "mine" }], { ifMatch: r.eTag }).catch((e) => e);
    expect(err).toBeInstanceOf(PartnerCenterConflictError);
    expect(err).toMatchObject({ status: 412, code: "preconditionFailed", target: "If-Match", attempts: 1 });
    expect((await pc.getReferral(r.id!)).details?.notes).toBe("someone else");
  });

  test("409 resourceModified is the same typed conflict", async () => {
    const r = await control("POST", "/referrals", {});
    await control("POST", "/faults", { operation: "patchReferral", status: 409 });
    const err = await client().patchReferral(r.id, [{ op: "replace", path: "/details/notes", value: "x" }]).catch((e) => e);
    expect(err).toBeInstanceOf(PartnerCenterConflictError);
    expect(err.code).toBe("resourceModified");
  });

  test("5xx then success: exponential back-off with jitter", async () => {
    const r = await control("POST", "/referrals", {});
    await control("POST", "/faults", { operation: "getReferral", status: 503, count: 2 });
    await control("POST", "/faults", { operation: "getReferral", status: 500, count: 1 });
    const got = await client().getReferral(r.id);
    expect(got.id).toBe(r.id);
    // random() = 0.5 → half the step plus a quarter: 750, 1500, 3000.
    expect(sleeps).toEqual([750, 1500, 3000]);
    expect((await apiCalls()).map((c) => c.status)).toEqual([503, 503, 500, 200]);
  });

  test("5xx until give-up: the last error is typed, with the attempt count", async () => {
    const r = await control("POST", "/referrals", {});
    await control("POST", "/faults", { operation: "getReferral", status: 500, count: 10 });
    const err = await client({ retry: { maxAttempts: 4 } }).getReferral(r.id).catch((e) => e);
    expect(err).toBeInstanceOf(PartnerCenterServiceError);
    expect(err).toMatchObject({ status: 500, code: "generalException", attempts: 4 });
    expect(sleeps).toHaveLength(3);
    expect((await apiCalls()).filter((c) => c.operation === "getReferral")).toHaveLength(4);
  });

  test("a create answered 500 is not repeated (it may have happened) and says so", async () => {
    await control("POST", "/faults", { operation: "createReferral", status: 500 });
    const err = await client().createReferral(newReferral()).catch((e) => e);
    expect(err).toBeInstanceOf(PartnerCenterServiceError);
    expect(err).toMatchObject({ attempts: 1, mayHaveCommitted: true });
    expect(sleeps).toEqual([]);
  });

  test("network errors are retried, then typed", async () => {
    // A port that was just free: connections are refused.
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, "127.0.0.1", () => r()));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const dead = new PartnerCenterClient({
      tokenProvider: new StaticTokenProvider("t"),
      referralsBaseUrl: `http://127.0.0.1:${port}`,
      partnerCenterBaseUrl: `http://127.0.0.1:${port}`,
      retry: { maxAttempts: 3 },
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      random: () => 0,
    });
    const err = await dead.getReferral("x").catch((e) => e);
    expect(err).toBeInstanceOf(PartnerCenterNetworkError);
    expect(err).toMatchObject({ status: 0, code: "ECONNREFUSED", attempts: 3 });
    expect(sleeps).toEqual([500, 1000]);
  });

  test("a call with no answer within the timeout is a typed timeout", async () => {
    const r = await control("POST", "/referrals", {});
    await control("POST", "/faults", { operation: "getReferral", delayMs: 400 });
    const err = await client({ timeoutMs: 50, retry: { maxAttempts: 1 } }).getReferral(r.id).catch((e) => e);
    expect(err).toBeInstanceOf(PartnerCenterTimeoutError);
    expect(err.message).toMatch(/no answer within 50 ms/);
  });

  test("401 gets one fresh token, then succeeds; a second 401 is a typed authentication error", async () => {
    const r = await control("POST", "/referrals", {});
    const asked: TokenRequest[] = [];
    const rotating: TokenProvider = {
      async getToken(req) {
        asked.push(req);
        return req.forceRefresh ? emu.token : "expired-token";
      },
    };
    expect((await client({ tokenProvider: rotating }).getReferral(r.id)).id).toBe(r.id);
    expect(asked.map((a) => [a.api, a.resource, a.forceRefresh])).toEqual([
      ["referrals", "https://api.partner.microsoft.com", false],
      ["referrals", "https://api.partner.microsoft.com", true],
    ]);
    const err = await client({ tokenProvider: new StaticTokenProvider("never-valid") }).getReferral(r.id).catch((e) => e);
    expect(err).toBeInstanceOf(PartnerCenterAuthenticationError);
    expect(err).toMatchObject({ status: 401, code: "unauthenticated", target: "Authorization", attempts: 2 });
  });

  test("a token provider failure is a typed token error", async () => {
    const err = await client({ tokenProvider: { getToken: async () => { throw new Error("no signed-in user"); } } }).getReferral("x").catch((e) => e);
    expect(err).toBeInstanceOf(PartnerCenterTokenError);
    expect(err.message).toMatch(/no signed-in user/);
  });

  test("MS-CorrelationId on every call (a given one is used); tokens never appear in records or errors", async () => {
    const secret = emu.token;
    const pc = client();
    const r = await pc.createReferral(newReferral(), { correlationId: "my-correlation" });
    await pc.getReferral(r.id!);
    await pc.listWebhookEvents();
    await pc.getReferral("missing").catch((e) => {
      expect(JSON.stringify({ ...e, message: e.message })).not.toContain(secret);
    });
    const calls = await apiCalls();
    expect(calls.every((c) => typeof c.correlationId === "string" && c.correlationId.length > 0)).toBe(true);
    expect(calls[0]!.correlationId).toBe("my-correlation");
    expect(JSON.stringify(records)).not.toContain(secret);
  });

  test("a nextLink to another origin is refused (the token stays home)", async () => {
    const fakeFetch = (async () =>
      new Response(JSON.stringify({ value: [{ id: "1" }], "@odata.nextLink": "https://evil.example/v1.0/engagements/referrals?$skiptoken=x" }), { status: 200 })) as typeof fetch;
    const pc = client({ fetch: fakeFetch });
    const seen: string[] = [];
    const err = await (async () => {
      for await (const r of pc.listReferrals()) seen.push(r.id!);
    })().catch((e) => e);
    expect(seen).toEqual(["1"]);
    expect(err).toBeInstanceOf(PartnerCenterError);
    expect(err.message).toMatch(/another origin \(https:\/\/evil.example\)/);
  });
});

describe("webhooks", () => {
  test("list events, register, view, update, validation event and its results, delete", async () => {
    const pc = client();
    expect(await pc.listWebhookEvents()).toEqual(expect.arrayContaining(["referral-created", "related-referral-updated", "test-created"]));
    expect(await pc.getWebhookRegistration()).toBeUndefined();
    const reg = await pc.registerWebhook({ WebhookUrl: receiver.url, WebhookEvents: ["referral-created", "test-created"], SignatureTokenToMsSignatureHeader: true });
    expect(reg).toMatchObject({ SubscriberId: expect.any(String), WebhookUrl: receiver.url });
    expect(await pc.getWebhookRegistration()).toMatchObject({ WebhookEvents: ["referral-created", "test-created"], SignatureTokenToMsSignatureHeader: true });
    const updated = await pc.updateWebhookRegistration({ WebhookUrl: receiver.url, WebhookEvents: ["referral-created", "referral-updated", "test-created"] });
    expect(updated.WebhookEvents).toHaveLength(3);

    const { correlationId } = await pc.sendValidationEvent();
    await receiver.waitFor(1);
    await emu.idle();
    const result = await pc.getValidationEvent(correlationId);
    expect(result).toMatchObject({ correlationId, status: "completed", callbackUrl: receiver.url, results: [{ responseCode: "OK", systemError: false }] });

    expect(await pc.deleteWebhookRegistration()).toBe(true);
    expect(await pc.deleteWebhookRegistration()).toBe(false);
    const err = await pc.getValidationEvent("unknown").catch((e) => e);
    expect(err).toBeInstanceOf(PartnerCenterNotFoundError);
  });

  test("webhook calls use the Partner Center resource, referral calls the Referrals resource", async () => {
    const asked: string[] = [];
    const pc = client({ tokenProvider: { getToken: async (r) => { asked.push(`${r.api} ${r.resource}`); return emu.token; } } });
    await pc.listWebhookEvents();
    for await (const _ of pc.listReferrals()) void _;
    expect(asked).toEqual(["webhooks https://api.partnercenter.microsoft.com", "referrals https://api.partner.microsoft.com"]);
  });

  test("registration input is checked before the call", async () => {
    const err = await client().registerWebhook({ WebhookUrl: receiver.url, WebhookEvents: [] }).catch((e) => e);
    expect(err).toBeInstanceOf(PartnerCenterInputError);
    expect(err.target).toBe("WebhookEvents");
  });
});
