/**
 * Signature verification against genuine emulator deliveries (signed RSA-SHA256, certificate
 * served over HTTPS from the emulator's locally generated chain) and against each kind of forgery.
 */
import * as https from "node:https";
import {
  PartnerCenterEmulator,
  ReceivedRequest,
  startPartnerCenterEmulator,
  startWebhookReceiver,
  WebhookReceiver,
} from "../../../../sandbox/partner-center/src";
import {
  parseWebhookEvent,
  verifyWebhookSignature,
  WebhookSignatureVerifier,
  WebhookSignatureVerifierOptions,
  WebhookVerification,
} from "../webhook-signature";

let emu: PartnerCenterEmulator;
let receiver: WebhookReceiver;

beforeAll(async () => {
  emu = await startPartnerCenterEmulator();
  receiver = await startWebhookReceiver();
});
afterAll(async () => {
  await emu.close();
  await receiver.close();
});
beforeEach(async () => {
  emu.reset();
  receiver.clear();
  await control("POST", "/signing", { issuer: "microsoft", certificateHost: null, certificateUrl: null });
});

async function control(method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${emu.controlUrl}${path}`, { method, headers: { "Content-Type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
  return res.status === 204 ? undefined : res.json();
}

/** Register the receiver, make the emulator raise one event, return the request as received. */
async function delivery(msHeader = false): Promise<ReceivedRequest> {
  await fetch(`${emu.url}/webhooks/v1/registration`, {
    method: "POST",
    headers: { Authorization: `Bearer ${emu.token}`, "Content-Type": "application/json" },
    body: JSON.stringify({ WebhookUrl: receiver.url, WebhookEvents: ["referral-created"], SignatureTokenToMsSignatureHeader: msHeader }),
  });
  await control("POST", "/referrals", { name: "Signed" });
  const [req] = await receiver.waitFor(1);
  return req!;
}

const trusting = (extra: WebhookSignatureVerifierOptions = {}): WebhookSignatureVerifierOptions => ({
  trustedRoots: [emu.rootCertificatePem],
  allowedCertificateHosts: emu.allowedCertificateHosts,
  httpsCa: emu.rootCertificatePem,
  ...extra,
});

function rejected(v: WebhookVerification) {
  if (v.ok) throw new Error("expected a rejection");
  return v;
}

test("a genuine delivery is accepted (Authorization header), and its event names the referral", async () => {
  const req = await delivery();
  const v = await verifyWebhookSignature({ headers: req.headers, body: req.body }, trusting());
  expect(v).toMatchObject({ ok: true, signatureHeader: "authorization", algorithm: "rsa-sha256" });
  if (v.ok) {
    expect(v.certificate.subject).toContain("CN=pcnotifications-dispatch.microsoft.com");
    expect(v.chain).toHaveLength(3);
  }
  const { event, resourceId } = parseWebhookEvent(req.body);
  expect(event.EventName).toBe("referral-created");
  expect(resourceId).toBe((await control("GET", "/referrals") as { value: Array<{ id: string }> }).value[0]!.id);
});

test("a genuine delivery is accepted with the signature in x-ms-signature", async () => {
  const req = await delivery(true);
  expect(await verifyWebhookSignature({ headers: req.headers, body: req.body }, trusting())).toMatchObject({ ok: true, signatureHeader: "x-ms-signature" });
});

test("Fetch Headers and a string body work too", async () => {
  const req = await delivery();
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
  expect(await verifyWebhookSignature({ headers, body: req.body.toString("utf8") }, trusting())).toMatchObject({ ok: true });
});

test("a tampered body is rejected: signature mismatch", async () => {
  const req = await delivery();
  const tampered = Buffer.from(req.body.toString("utf8").replace("referral-created", "referral-updated"));
  const v = rejected(await verifyWebhookSignature({ headers: req.headers, body: tampered }, trusting()));
  expect(v).toMatchObject({ reason: "signature-mismatch", httpStatus: 401 });
  expect(v.message).toMatch(/signature verification failed/);
});

test("a certificate from another host is rejected before anything is downloaded", async () => {
  await control("POST", "/signing", { certificateHost: "localhost" });
  const req = await delivery();
  let downloads = 0;
  const v = rejected(await verifyWebhookSignature({ headers: req.headers, body: req.body }, trusting({ fetchCertificate: async () => { downloads++; return Buffer.alloc(0); } })));
  expect(v.reason).toBe("certificate-host-not-allowed");
  expect(v.message).toMatch(/certificate host localhost:\d+ is not in the allowed list/);
  expect(downloads).toBe(0);
});

test("a certificate whose issuer is not Microsoft is rejected, even with a valid chain and signature", async () => {
  await control("POST", "/signing", { issuer: "other" });
  const req = await delivery();
  const v = rejected(await verifyWebhookSignature({ headers: req.headers, body: req.body }, trusting()));
  expect(v.reason).toBe("issuer-not-microsoft");
  expect(v.message).toMatch(/does not carry O=Microsoft Corporation \(issuer: C=US, O=Contoso Ltd/);
});

test("a certificate URL that is not https is rejected", async () => {
  await control("POST", "/signing", { certificateUrl: `http://${emu.allowedCertificateHosts[0]}/cert/pcnotifications-dispatch.microsoft.com.cer` });
  const req = await delivery();
  expect(rejected(await verifyWebhookSignature({ headers: req.headers, body: req.body }, trusting())).reason).toBe("certificate-url-not-https");
});

test("a chain that does not lead to a trusted root is rejected (system roots do not know the sandbox root)", async () => {
  const req = await delivery();
  const v = rejected(await verifyWebhookSignature({ headers: req.headers, body: req.body }, { allowedCertificateHosts: emu.allowedCertificateHosts, httpsCa: emu.rootCertificatePem }));
  expect(v.reason).toBe("chain-untrusted");
  expect(v.message).toMatch(/no trusted issuer found for "Partner Center Emulator Issuing CA 01/);
});

test("the issuing CA comes from the AIA URL; without it (and no bundle) the chain cannot be built", async () => {
  const req = await delivery();
  expect(rejected(await verifyWebhookSignature({ headers: req.headers, body: req.body }, trusting({ fetchIssuers: false }))).reason).toBe("chain-untrusted");
  // The same with the issuing CA supplied as an intermediate.
  const info = (await control("GET", "/signing")) as { urls: { microsoftIssuer: string; chainPem: string } };
  const issuer = await (await fetchWithCa(info.urls.microsoftIssuer)).arrayBuffer();
  expect(await verifyWebhookSignature({ headers: req.headers, body: req.body }, trusting({ fetchIssuers: false, intermediates: [Buffer.from(issuer)] }))).toMatchObject({ ok: true });
});

test("a PEM bundle (leaf + issuing CA) at the certificate URL is accepted without AIA", async () => {
  const info = (await control("GET", "/signing")) as { urls: { chainPem: string } };
  await control("POST", "/signing", { certificateUrl: info.urls.chainPem });
  const req = await delivery();
  expect(await verifyWebhookSignature({ headers: req.headers, body: req.body }, trusting({ fetchIssuers: false }))).toMatchObject({ ok: true });
});

test("an expired certificate is rejected (clock injected two years ahead)", async () => {
  const req = await delivery();
  const v = rejected(await verifyWebhookSignature({ headers: req.headers, body: req.body }, trusting({ now: () => Date.now() + 2 * 365 * 24 * 3600 * 1000 })));
  expect(v.reason).toBe("certificate-expired");
});

test("missing or malformed headers: each with its own reason and the reference receiver's status", async () => {
  const req = await delivery();
  const h = req.headers as Record<string, string>;
  const without = (name: string) => Object.fromEntries(Object.entries(h).filter(([k]) => k !== name));
  const check = async (headers: Record<string, string | undefined>, reason: string, status: number) => {
    const v = rejected(await verifyWebhookSignature({ headers, body: req.body }, trusting()));
    expect([v.reason, v.httpStatus]).toEqual([reason, status]);
  };
  await check(without("authorization"), "missing-signature", 401);
  await check({ ...h, authorization: `Bearer ${h.authorization!.slice(10)}` }, "bad-signature-scheme", 401);
  await check({ ...h, authorization: "Signature" }, "bad-signature-scheme", 401);
  await check(without("x-ms-certificate-url"), "missing-certificate-url", 400);
  await check(without("x-ms-signature-algorithm"), "missing-algorithm", 400);
  await check({ ...h, "x-ms-signature-algorithm": "rsa-sha1" }, "unsupported-algorithm", 400);
  await check({ ...h, "x-ms-certificate-url": "not a url" }, "certificate-url-invalid", 401);
  await check({ ...h, authorization: "Signature not*base64!" }, "signature-malformed", 401);
});

test("download failures are reported as such", async () => {
  const req = await delivery();
  const url = new URL(req.headers["x-ms-certificate-url"] as string);
  const missing = { ...req.headers, "x-ms-certificate-url": `${url.origin}/cert/nope.cer` };
  const v = rejected(await verifyWebhookSignature({ headers: missing, body: req.body }, trusting()));
  expect(v.reason).toBe("certificate-fetch-failed");
  expect(v.message).toMatch(/HTTP 404/);
  const junk = rejected(await verifyWebhookSignature({ headers: req.headers, body: req.body }, trusting({ fetchCertificate: async () => Buffer.from("junk") })));
  expect(junk.reason).toBe("certificate-unparseable");
});

test("a verifier reuses the downloaded certificate", async () => {
  const req = await delivery();
  const urls: string[] = [];
  const base = new WebhookSignatureVerifier(trusting());
  const verifier = new WebhookSignatureVerifier(trusting({
    fetchCertificate: async (u) => {
      urls.push(u.pathname);
      return Buffer.from(await (await fetchWithCa(u.toString())).arrayBuffer());
    },
  }));
  for (let i = 0; i < 3; i++) expect((await verifier.verify({ headers: req.headers, body: req.body })).ok).toBe(true);
  expect(urls).toEqual(["/cert/pcnotifications-dispatch.microsoft.com.cer", "/cert/issuing-ca-01.cer"]);
  expect((await base.verify({ headers: req.headers, body: req.body })).ok).toBe(true);
});

test("parseWebhookEvent refuses malformed events", () => {
  expect(() => parseWebhookEvent("nope")).toThrow(/not JSON/);
  expect(() => parseWebhookEvent("[]")).toThrow(/not a JSON object/);
  expect(() => parseWebhookEvent(JSON.stringify({ ResourceUri: "https://x/y" }))).toThrow(/no EventName/);
  expect(() => parseWebhookEvent(JSON.stringify({ EventName: "referral-updated", ResourceUri: "relative/path" }))).toThrow(/not an absolute URL/);
  expect(parseWebhookEvent(JSON.stringify({ EventName: "referral-updated", ResourceUri: "https://api.partnercenter.microsoft.com/engagements/v1/referrals/abc", ResourceName: "referral", AuditUri: null, ResourceChangeUtcDate: "2018-02-17T00:05:39.5485487+00:00" })).resourceId).toBe("abc");
});

/** GET over HTTPS trusting the emulator root (Node's fetch has no per-call CA option). */
function fetchWithCa(url: string): Promise<Response> {
  return new Promise((resolve, reject) => {
    https.get(url, { ca: emu.rootCertificatePem }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve(new Response(Buffer.concat(chunks), { status: res.statusCode })));
    }).on("error", reject);
  });
}
