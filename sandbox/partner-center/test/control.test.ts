import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PartnerCenterEmulator, startPartnerCenterEmulator } from "../src";
import { call, newReferralBody, REFERRALS } from "./helpers";

let emu: PartnerCenterEmulator;
beforeAll(async () => {
  emu = await startPartnerCenterEmulator();
});
afterAll(() => emu.close());
beforeEach(() => emu.reset());

describe("control referrals", () => {
  test("POST /_emulator/referrals shares a referral with the partner: New/Pending, Incoming, expires in 14 days", async () => {
    const res = await call(emu, "POST", "/_emulator/referrals", {
      body: { name: "Microsoft lead", type: "Independent", qualification: "MarketingQualified", inviteContext: { assistanceRequestCode: "ProofOfConceptOrDemo" } },
    });
    expect(res.status).toBe(201);
    const r = res.json;
    expect(r).toMatchObject({ name: "Microsoft lead", status: "New", substatus: "Pending", direction: "Incoming", type: "Independent", qualification: "MarketingQualified" });
    expect(Date.parse(r.expirationDateTime) - Date.parse(r.createdDateTime)).toBe(14 * 24 * 3600 * 1000);
    expect((await call(emu, "GET", `${REFERRALS}/${r.id}`)).json.id).toBe(r.id);
  });

  test("a caller-chosen id is kept, and a duplicate id is refused with 409", async () => {
    const id = "11111111-2222-4333-8444-555555555555";
    expect((await call(emu, "POST", "/_emulator/referrals", { body: { id } })).json.id).toBe(id);
    const dup = await call(emu, "POST", "/_emulator/referrals", { body: { id } });
    expect(dup.status).toBe(409);
    expect(dup.json.error.code).toBe("resourceModified");
  });

  test("PATCH /_emulator/referrals/{id}: merge object, JSON Patch with remove, transition table unless force", async () => {
    const r = (await call(emu, "POST", "/_emulator/referrals", { body: { details: { notes: "a", dealValue: 5 } } })).json;
    const merged = await call(emu, "PATCH", `/_emulator/referrals/${r.id}`, { body: { details: { dealValue: 99 }, statusReason: null } });
    expect(merged.status).toBe(200);
    expect(merged.json.details).toMatchObject({ notes: "a", dealValue: 99 });
    expect(merged.json.eTag).not.toBe(r.eTag);
    const removed = await call(emu, "PATCH", `/_emulator/referrals/${r.id}`, { body: [{ op: "remove", path: "/details/notes" }] });
    expect(removed.json.details.notes).toBeUndefined();
    const expire = await call(emu, "PATCH", `/_emulator/referrals/${r.id}`, { body: { status: "Closed", substatus: "Expired" } });
    expect(expire.json).toMatchObject({ status: "Closed", substatus: "Expired" });
    const reopen = await call(emu, "PATCH", `/_emulator/referrals/${r.id}`, { body: { status: "New", substatus: "Pending" } });
    expect(reopen.status).toBe(400);
    const forced = await call(emu, "PATCH", `/_emulator/referrals/${r.id}?force=true`, { body: { status: "New", substatus: "Pending" } });
    expect(forced.json.status).toBe("New");
  });

  test("POST /_emulator/referrals/{id}/related creates then updates Microsoft's side", async () => {
    const ours = (await call(emu, "POST", REFERRALS, { body: newReferralBody() })).json;
    const created = await call(emu, "POST", `/_emulator/referrals/${ours.id}/related`, {});
    expect(created.status).toBe(201);
    expect(created.json.trackingInfo.microsoftMsxId).toMatch(/^7-[0-9A-F]{10}$/);
    expect(created.json).toMatchObject({ status: "Active", substatus: "Accepted", organizationId: "msft", engagementId: ours.engagementId });
    const updated = await call(emu, "POST", `/_emulator/referrals/${ours.id}/related`, { body: { microsoftMsxId: "7-NEWID", status: "Closed", substatus: "Won" } });
    expect(updated.status).toBe(200);
    expect(updated.json).toMatchObject({ id: created.json.id, status: "Closed", substatus: "Won", trackingInfo: { microsoftMsxId: "7-NEWID" } });
    expect((await call(emu, "POST", `/_emulator/referrals/${created.json.id}/related`, {})).status).toBe(400);
  });
});

describe("call log", () => {
  test("lists API calls with method, path, operation, status and time; not the control API; filterable", async () => {
    await call(emu, "POST", "/_emulator/referrals", { body: {} });
    const r = (await call(emu, "POST", REFERRALS, { body: newReferralBody(), headers: { "MS-CorrelationId": "corr-1" } })).json;
    const mark = (await call(emu, "GET", "/_emulator/calls")).json.lastSeq;
    await call(emu, "GET", `${REFERRALS}/${r.id}`);
    await call(emu, "GET", `${REFERRALS}/nope`);
    await call(emu, "GET", REFERRALS, { token: null });

    const all = (await call(emu, "GET", "/_emulator/calls")).json;
    expect(all.count).toBe(4);
    expect(all.value[0]).toMatchObject({ method: "POST", path: REFERRALS, operation: "createReferral", api: "referrals", status: 201, correlationId: "corr-1" });
    expect(Number.isNaN(Date.parse(all.value[0].time))).toBe(false);

    const after = (await call(emu, "GET", `/_emulator/calls?after=${mark}`)).json;
    expect(after.value.map((c: { status: number }) => c.status)).toEqual([200, 404, 401]);
    expect((await call(emu, "GET", `/_emulator/calls?operation=getReferral`)).json.count).toBe(2);
    expect((await call(emu, "GET", `/_emulator/calls?status=401`)).json.count).toBe(1);
    expect((await call(emu, "GET", `/_emulator/calls?method=post`)).json.count).toBe(1);
    expect((await call(emu, "GET", `/_emulator/calls?since=${encodeURIComponent(all.value[1].time)}`)).json.count).toBeGreaterThanOrEqual(3);
    expect((await call(emu, "GET", `/_emulator/calls?after=x`)).status).toBe(400);
  });
});

describe("faults", () => {
  test("the next N calls on an operation answer the status, with Retry-After and the throttling body for 429, and change nothing", async () => {
    const add = await call(emu, "POST", "/_emulator/faults", { body: { operation: "createReferral", status: 429, retryAfter: 7, count: 2 } });
    expect(add.status).toBe(201);
    for (let i = 0; i < 2; i++) {
      const res = await call(emu, "POST", REFERRALS, { body: newReferralBody() });
      expect(res.status).toBe(429);
      expect(res.headers.get("retry-after")).toBe("7");
      expect(res.json).toEqual({ statusCode: 429, message: "Rate limit is exceeded. Try again in 7 seconds." });
    }
    expect((await call(emu, "GET", "/_emulator/referrals")).json.count).toBe(0);
    expect((await call(emu, "POST", REFERRALS, { body: newReferralBody() })).status).toBe(201);
    const calls = (await call(emu, "GET", "/_emulator/calls")).json.value;
    expect(calls.map((c: { status: number; fault?: boolean }) => [c.status, c.fault ?? false])).toEqual([[429, true], [429, true], [201, false]]);
  });

  test("faults match a method and a path pattern; 5xx carries the documented error body", async () => {
    await call(emu, "POST", "/_emulator/faults", { body: { method: "GET", path: "/v1.0/engagements/referrals/{id}", status: 503 } });
    const res = await call(emu, "GET", `${REFERRALS}/anything`);
    expect(res.status).toBe(503);
    expect(res.json).toEqual({ error: { code: "serviceNotAvailable", message: expect.any(String) } });
    expect((await call(emu, "GET", `${REFERRALS}/anything`)).status).toBe(404);
    await call(emu, "POST", "/_emulator/faults", { body: { path: "/webhooks/*", status: 500, code: "generalException", message: "boom" } });
    expect((await call(emu, "GET", "/webhooks/v1/registration/events")).json).toEqual({ error: { code: "generalException", message: "boom" } });
  });

  test("a slow fault delays the answer", async () => {
    await call(emu, "POST", "/_emulator/faults", { body: { operation: "listReferrals", delayMs: 150 } });
    const started = Date.now();
    expect((await call(emu, "GET", REFERRALS)).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  test("answerDelayMs carries the call out at once and answers late: the answer is what was there when it ran", async () => {
    const before = (await call(emu, "GET", REFERRALS)).json.value.length;
    await call(emu, "POST", "/_emulator/faults", { body: { operation: "listReferrals", answerDelayMs: 300 } });
    const late = call(emu, "GET", REFERRALS);
    await new Promise((r) => setTimeout(r, 50));
    await call(emu, "POST", REFERRALS, { body: newReferralBody() }); // made while the late answer is on its way
    const started = Date.now();
    const answered = await late;
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    expect(answered.json.value).toHaveLength(before);
    expect((await call(emu, "GET", REFERRALS)).json.value).toHaveLength(before + 1);
    expect((await call(emu, "POST", "/_emulator/faults", { body: { operation: "listReferrals", answerDelayMs: 10, status: 500 } })).json.error.target).toBe("answerDelayMs");
  });

  test("faults are listed and cleared; bad fault specs are refused", async () => {
    await call(emu, "POST", "/_emulator/faults", { body: [{ operation: "getReferral", status: 500 }, { operation: "patchReferral", status: 412 }] });
    expect((await call(emu, "GET", "/_emulator/faults")).json.value).toHaveLength(2);
    expect((await call(emu, "DELETE", "/_emulator/faults")).status).toBe(204);
    expect((await call(emu, "GET", "/_emulator/faults")).json.value).toHaveLength(0);
    expect((await call(emu, "POST", "/_emulator/faults", { body: { status: 500 } })).json.error.target).toBe("operation");
    expect((await call(emu, "POST", "/_emulator/faults", { body: { operation: "x", status: 99 } })).json.error.target).toBe("status");
  });
});

describe("signing control and info", () => {
  test("GET /_emulator/signing gives the root, the certificate URL and the hosts to allow; POST switches modes", async () => {
    const info = (await call(emu, "GET", "/_emulator/signing")).json;
    expect(info.rootCertificatePem).toContain("BEGIN CERTIFICATE");
    expect(info.certificateUrl).toBe(`${emu.certificateBaseUrl}/cert/pcnotifications-dispatch.microsoft.com.cer`);
    expect(info.allowedCertificateHosts).toEqual(emu.allowedCertificateHosts);
    const other = (await call(emu, "POST", "/_emulator/signing", { body: { issuer: "other", certificateHost: "localhost" } })).json;
    expect(other.certificateUrl).toMatch(/^https:\/\/localhost:\d+\/cert\/pcnotifications-dispatch\.contoso\.cer$/);
    expect((await call(emu, "POST", "/_emulator/signing", { body: { issuer: "evil" } })).status).toBe(400);
    await call(emu, "POST", "/_emulator/reset");
    expect((await call(emu, "GET", "/_emulator/certificates")).json.mode).toEqual({ issuer: "microsoft" });
    expect((await call(emu, "GET", "/_emulator")).json).toMatchObject({ referralsBaseUrl: emu.url, pageSize: 100 });
  });
});

describe("persistence", () => {
  test("state saved to a JSON file is there after a restart", async () => {
    const dir = mkdtempSync(join(tmpdir(), "pc-emulator-"));
    const statePath = join(dir, "state.json");
    try {
      const first = await startPartnerCenterEmulator({ statePath });
      const r = (await call(first, "POST", REFERRALS, { body: newReferralBody() })).json;
      await call(first, "POST", "/webhooks/v1/registration", { body: { WebhookUrl: "https://example.invalid/h", WebhookEvents: ["referral-created"] } });
      await first.close();
      expect(JSON.parse(readFileSync(statePath, "utf8")).referrals).toHaveLength(1);
      const second = await startPartnerCenterEmulator({ statePath });
      try {
        expect((await call(second, "GET", `${REFERRALS}/${r.id}`)).json.eTag).toBe(r.eTag);
        expect((await call(second, "GET", "/webhooks/v1/registration")).json.WebhookUrl).toBe("https://example.invalid/h");
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("every acknowledged change is on disk when the answer comes: what a killed emulator leaves is loaded", async () => {
    const dir = mkdtempSync(join(tmpdir(), "pc-emulator-"));
    const statePath = join(dir, "state.json");
    const first = await startPartnerCenterEmulator({ statePath });
    try {
      const created: Array<Record<string, any>> = [];
      for (let i = 0; i < 10; i++) created.push((await call(first, "POST", REFERRALS, { body: newReferralBody({ name: `Deal ${i}` }) })).json);
      const patched = await call(first, "PATCH", `${REFERRALS}/${created[2].id}`, { body: [{ op: "replace", path: "/details/notes", value: "Patched" }] });
      expect(patched.status).toBe(204);
      await call(first, "POST", "/webhooks/v1/registration", { body: { WebhookUrl: "https://example.invalid/h", WebhookEvents: ["referral-created"] } });
      // The first emulator has not been closed (no snapshot written since it started): its journal is
      // what a process killed now would leave.
      expect(JSON.parse(readFileSync(statePath, "utf8")).referrals).toHaveLength(0);
      const second = await startPartnerCenterEmulator({ statePath });
      try {
        const list = (await call(second, "GET", REFERRALS)).json.value as Array<{ id: string; name: string; eTag: string; details: { notes?: string } }>;
        expect(list.map((r) => r.name)).toEqual(created.map((r) => r.name));
        const third = list.find((r) => r.id === created[2].id)!;
        expect(third.details.notes).toBe("Patched");
        expect(third.eTag).toBe(patched.headers.get("etag"));
        expect((await call(second, "GET", "/webhooks/v1/registration")).json.WebhookUrl).toBe("https://example.invalid/h");
      } finally {
        await second.close();
      }
    } finally {
      await first.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("custom tokens replace the sandbox token", async () => {
    const custom = await startPartnerCenterEmulator({ tokens: ["t-one", "t-two"] });
    try {
      expect((await call(custom, "GET", REFERRALS, { token: "t-two" })).status).toBe(200);
      expect((await call(custom, "GET", REFERRALS, { token: "pcs-sandbox-partner-center-token" })).status).toBe(401);
    } finally {
      await custom.close();
    }
  });
});
