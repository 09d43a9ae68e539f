import { createPublicKey, verify, X509Certificate } from "node:crypto";
import * as https from "node:https";
import { parseWebhookEvent, WebhookSignatureVerifier } from "../../../plugins-ts/src/partner-center/webhook-signature";
import { PartnerCenterEmulator, startPartnerCenterEmulator, startWebhookReceiver, WebhookReceiver } from "../src";
import { call, newReferralBody, REFERRALS } from "./helpers";

let emu: PartnerCenterEmulator;
let receiver: WebhookReceiver;
const sleeps: number[] = [];

beforeAll(async () => {
  emu = await startPartnerCenterEmulator({
    delivery: { retryDelayMs: (n) => n * 2, timeoutMs: 2000 },
    sleep: async (ms) => {
      sleeps.push(ms);
      await new Promise((r) => setTimeout(r, 1));
    },
  });
  receiver = await startWebhookReceiver();
});
afterAll(async () => {
  await emu.close();
  await receiver.close();
});
beforeEach(() => {
  emu.reset();
  receiver.clear();
  sleeps.length = 0;
});

const ALL_REFERRAL_EVENTS = ["referral-created", "referral-updated", "related-referral-created", "related-referral-updated"];

async function register(events = ALL_REFERRAL_EVENTS, extra: Record<string, unknown> = {}) {
  const res = await call(emu, "POST", "/webhooks/v1/registration", { body: { WebhookUrl: receiver.url, WebhookEvents: events, ...extra } });
  expect(res.status).toBe(200);
  return res.json;
}

function fetchDer(url: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    https.get(url, { ca: emu.rootCertificatePem }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve(Buffer.concat(chunks)));
    }).on("error", reject);
  });
}

describe("registration API", () => {
  test("events list, register, view, update (last registration wins), delete", async () => {
    const events = await call(emu, "GET", "/webhooks/v1/registration/events");
    expect(events.status).toBe(200);
    expect(events.json).toEqual(expect.arrayContaining([...ALL_REFERRAL_EVENTS, "test-created"]));

    expect((await call(emu, "GET", "/webhooks/v1/registration")).status).toBe(404);
    const created = await register(["referral-created"]);
    expect(created).toMatchObject({ SubscriberId: expect.any(String), WebhookUrl: receiver.url, WebhookEvents: ["referral-created"] });

    const second = await call(emu, "POST", "/webhooks/v1/registration", { body: { WebhookUrl: "https://other.example/hook", WebhookEvents: ["referral-updated"] } });
    expect(second.json.SubscriberId).toBe(created.SubscriberId);
    const viewed = await call(emu, "GET", "/webhooks/v1/registration");
    expect(viewed.json).toMatchObject({ WebhookUrl: "https://other.example/hook", WebhookEvents: ["referral-updated"] });

    const updated = await call(emu, "PUT", "/webhooks/v1/registration", { body: { webhookUrl: receiver.url, webhookEvents: ["referral-created", "referral-updated"], SignatureTokenToMsSignatureHeader: true } });
    expect(updated.status).toBe(200);
    expect(updated.json).toMatchObject({ WebhookUrl: receiver.url, SignatureTokenToMsSignatureHeader: true });

    expect((await call(emu, "DELETE", "/webhooks/v1/registration")).status).toBe(204);
    expect((await call(emu, "GET", "/webhooks/v1/registration")).status).toBe(404);
    expect((await call(emu, "DELETE", "/webhooks/v1/registration")).status).toBe(404);
  });

  test("validation event: delivered as test-created, results readable by correlationId, throttled to 2 a minute", async () => {
    await register(["test-created"]);
    const sent = await call(emu, "POST", "/webhooks/v1/registration/validationEvents");
    expect(sent.status).toBe(200);
    const { correlationId } = sent.json;
    const [req] = await receiver.waitFor(1);
    const { event, resourceId } = parseWebhookEvent(req!.body);
    expect(event).toMatchObject({ EventName: "test-created", ResourceName: "test", AuditUri: null });
    expect(resourceId).toBe(correlationId);
    await emu.idle();
    const status = await call(emu, "GET", `/webhooks/v1/registration/validationEvents/${correlationId}`);
    expect(status.json).toMatchObject({ correlationId, status: "completed", callbackUrl: receiver.url, results: [{ responseCode: "OK", systemError: false }] });
    expect((await call(emu, "POST", "/webhooks/v1/registration/validationEvents")).status).toBe(200);
    const third = await call(emu, "POST", "/webhooks/v1/registration/validationEvents");
    expect(third.status).toBe(429);
    expect(Number(third.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await call(emu, "GET", "/webhooks/v1/registration/validationEvents/unknown-id")).status).toBe(404);
  });
});

describe("event delivery", () => {
  test("every referral write is delivered, including the partner's own API writes (echoes), with the documented payload", async () => {
    await register();
    const r = (await call(emu, "POST", REFERRALS, { body: newReferralBody() })).json;
    await call(emu, "PATCH", `${REFERRALS}/${r.id}`, { body: [{ op: "replace", path: "/details/notes", value: "1" }] });
    const current = (await call(emu, "GET", `${REFERRALS}/${r.id}`)).json;
    const { links: _l, ...body } = current;
    await call(emu, "PUT", `${REFERRALS}/${r.id}`, { headers: { "If-Match": current.eTag }, body });
    const incoming = (await call(emu, "POST", "/_emulator/referrals", { body: { name: "From Microsoft" } })).json;
    await call(emu, "PATCH", `/_emulator/referrals/${incoming.id}`, { body: { details: { dealValue: 10 } } });
    await call(emu, "POST", `/_emulator/referrals/${r.id}/related`, { body: { microsoftMsxId: "7-AAAA" } });
    await call(emu, "POST", `/_emulator/referrals/${r.id}/related`, { body: { status: "Closed", substatus: "Won" } });

    const got = await receiver.waitFor(7);
    const parsed = got.map((g) => parseWebhookEvent(g.body));
    expect(parsed.map((p) => p.event.EventName)).toEqual([
      "referral-created", "referral-updated", "referral-updated", "referral-created", "referral-updated", "related-referral-created", "related-referral-updated",
    ]);
    expect(parsed.slice(0, 3).every((p) => p.resourceId === r.id)).toBe(true);
    expect(parsed[3]!.resourceId).toBe(incoming.id);
    const related = (await call(emu, "GET", `${REFERRALS}?$filter=${encodeURIComponent(`engagementId eq '${r.engagementId}'`)}`)).json.value.find((x: { organizationId: string }) => x.organizationId === "msft");
    expect(parsed[5]!.resourceId).toBe(related.id);
    expect(related).toMatchObject({ status: "Closed", substatus: "Won", trackingInfo: { microsoftMsxId: "7-AAAA" } });
    const first = parsed[0]!.event;
    expect(first).toEqual({
      EventName: "referral-created",
      ResourceUri: `${emu.url}/engagements/v1/referrals/${r.id}`,
      ResourceName: "referral",
      AuditUri: null,
      ResourceChangeUtcDate: r.updatedDateTime.replace("Z", "+00:00"),
    });
    // The ResourceUri can be read directly, as older samples do.
    const viaUri = await fetch(first.ResourceUri, { headers: { Authorization: `Bearer ${emu.token}` } });
    expect(viaUri.status).toBe(200);
  });

  test("events are signed: Authorization: Signature <base64 RSA-SHA256 of the raw body>, certificate URL and algorithm headers", async () => {
    await register();
    await call(emu, "POST", "/_emulator/referrals", { body: {} });
    const [req] = await receiver.waitFor(1);
    const auth = req!.headers["authorization"] as string;
    expect(auth).toMatch(/^Signature [A-Za-z0-9+/]+=*$/);
    expect(req!.headers["x-ms-signature-algorithm"]).toBe("rsa-sha256");
    const certUrl = req!.headers["x-ms-certificate-url"] as string;
    expect(certUrl.startsWith(emu.certificateBaseUrl)).toBe(true);
    const cert = new X509Certificate(await fetchDer(certUrl));
    expect(cert.issuer).toContain("O=Microsoft Corporation");
    expect(verify("sha256", req!.body, createPublicKey(cert.publicKey.export({ type: "spki", format: "pem" })), Buffer.from(auth.slice(10), "base64"))).toBe(true);
    const verifier = new WebhookSignatureVerifier({ trustedRoots: [emu.rootCertificatePem], allowedCertificateHosts: emu.allowedCertificateHosts, httpsCa: emu.rootCertificatePem });
    expect(await verifier.verify({ headers: req!.headers, body: req!.body })).toMatchObject({ ok: true, signatureHeader: "authorization" });
  });

  test("SignatureTokenToMsSignatureHeader moves the signature to x-ms-signature", async () => {
    await register(ALL_REFERRAL_EVENTS, { SignatureTokenToMsSignatureHeader: true });
    await call(emu, "POST", "/_emulator/referrals", { body: {} });
    const [req] = await receiver.waitFor(1);
    expect(req!.headers["authorization"]).toBeUndefined();
    expect(req!.headers["x-ms-signature"]).toMatch(/^Signature /);
  });

  test('SignatureTokenToMsSignatureHeader as the string "true" (the Events connector types it string) binds as true; other strings are refused', async () => {
    const ok = await call(emu, "POST", "/webhooks/v1/registration", { body: { WebhookUrl: receiver.url, WebhookEvents: ["referral-created"], SignatureTokenToMsSignatureHeader: "True" } });
    expect(ok.status).toBe(200);
    expect(ok.json.SignatureTokenToMsSignatureHeader).toBe(true);
    const bad = await call(emu, "POST", "/webhooks/v1/registration", { body: { WebhookUrl: receiver.url, WebhookEvents: ["referral-created"], SignatureTokenToMsSignatureHeader: "yes" } });
    expect(bad.status).toBe(400);
    expect(bad.json.error.target).toBe("SignatureTokenToMsSignatureHeader");
  });

  test("only registered events go out; the others are recorded with the reason", async () => {
    await register(["referral-updated"]);
    const r = (await call(emu, "POST", "/_emulator/referrals", { body: {} })).json;
    await call(emu, "PATCH", `/_emulator/referrals/${r.id}`, { body: { name: "changed" } });
    const [req] = await receiver.waitFor(1);
    expect(parseWebhookEvent(req!.body).event.EventName).toBe("referral-updated");
    await emu.idle();
    expect(receiver.received).toHaveLength(1);
    const events = (await call(emu, "GET", "/_emulator/events")).json.value;
    expect(events[0]).toMatchObject({ payload: { EventName: "referral-created" }, skipped: "the registration does not include referral-created" });
  });

  test("a failing receiver is retried with back-off until it answers 2xx (at-least-once)", async () => {
    await register();
    receiver.respondWith(500, 503, 404);
    await call(emu, "POST", "/_emulator/referrals", { body: {} });
    const deliveries = (await call(emu, "GET", "/_emulator/deliveries?wait=true")).json;
    expect(deliveries.idle).toBe(true);
    expect(deliveries.value).toHaveLength(1);
    expect(deliveries.value[0].state).toBe("delivered");
    expect(deliveries.value[0].attempts.map((a: { status: number }) => a.status)).toEqual([500, 503, 404, 200]);
    expect(sleeps).toEqual([2, 4, 6]);
    expect(receiver.received).toHaveLength(4);
  });

  test("after 10 failed attempts the delivery gives up", async () => {
    await register();
    receiver.respondWith(...new Array(12).fill(500));
    await call(emu, "POST", "/_emulator/referrals", { body: {} });
    const deliveries = (await call(emu, "GET", "/_emulator/deliveries?wait=true")).json;
    expect(deliveries.value[0].state).toBe("failed");
    expect(deliveries.value[0].attempts).toHaveLength(10);
    expect(receiver.received).toHaveLength(10);
  });

  test("an unreachable receiver counts as a failed attempt with the network error", async () => {
    await call(emu, "POST", "/webhooks/v1/registration", { body: { WebhookUrl: "http://127.0.0.1:9/closed", WebhookEvents: ["referral-created"] } });
    await call(emu, "POST", "/_emulator/referrals", { body: {} });
    const deliveries = (await call(emu, "GET", "/_emulator/deliveries?wait=true")).json;
    expect(deliveries.value[0]).toMatchObject({ state: "failed" });
    expect(deliveries.value[0].attempts[0]).toMatchObject({ status: 0, error: expect.stringMatching(/ECONNREFUSED/) });
  });

  test("deliveries/repeat re-delivers recent events N times, out of order on request", async () => {
    await register();
    const a = (await call(emu, "POST", "/_emulator/referrals", { body: { name: "A" } })).json;
    const b = (await call(emu, "POST", "/_emulator/referrals", { body: { name: "B" } })).json;
    await receiver.waitFor(2);
    receiver.clear();
    const res = await call(emu, "POST", "/_emulator/deliveries/repeat", { body: { times: 3, outOfOrder: true, wait: true } });
    expect(res.status).toBe(200);
    expect(res.json.count).toBe(6);
    expect(res.json.value.every((d: { repeat: boolean; state: string }) => d.repeat && d.state === "delivered")).toBe(true);
    const ids = receiver.received.map((r) => parseWebhookEvent(r.body).resourceId);
    expect(ids).toEqual([b.id, a.id, b.id, a.id, b.id, a.id]);
    // Same event, same bytes: a receiver can de-duplicate on the body.
    expect(new Set(receiver.received.map((r) => r.body.toString())).size).toBe(2);
  });

  test("reset cancels pending deliveries and forgets events", async () => {
    await register();
    receiver.respondWith(...new Array(12).fill(500));
    await call(emu, "POST", "/_emulator/referrals", { body: {} });
    await receiver.waitFor(1);
    expect((await call(emu, "POST", "/_emulator/reset")).status).toBe(204);
    expect(await emu.idle(1000)).toBe(true);
    expect((await call(emu, "GET", "/_emulator/events")).json.count).toBe(0);
    expect((await call(emu, "GET", "/_emulator/referrals")).json.count).toBe(0);
  });
});
