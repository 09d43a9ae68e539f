/**
 * Issue 14: inputs that crashed the emulator (500 "generalException … Callers may retry this") or
 * were stored when they should not be. Limits and their sources: src/limits.ts, README "Limits".
 */
import { request } from "node:http";
import { startPartnerCenterEmulator, type PartnerCenterEmulator } from "../src";
import { call, newReferralBody, REFERRALS, snapshot } from "./helpers";

let emu: PartnerCenterEmulator;
beforeAll(async () => {
  emu = await startPartnerCenterEmulator({ port: 0 });
});
afterAll(async () => {
  await emu.close();
});
beforeEach(() => emu.reset());

describe("$filter", () => {
  it("5,000 nested parentheses: refused in the documented error shape (the request line is over 8 KB), not a 500", async () => {
    const deep = "(".repeat(5000) + "status eq 'New'" + ")".repeat(5000);
    const r = await call(emu, "GET", `${REFERRALS}?$filter=${encodeURIComponent(deep)}`);
    expect(r.status).toBe(414);
    expect(r.json.error.code).toBe("invalidRequest");
    // The same nesting within 8 KB is refused by the parser's recursion limit.
    const fits = "(".repeat(1000) + "status eq 'New'" + ")".repeat(1000);
    const p = await call(emu, "GET", `${REFERRALS}?$filter=${fits.replace(/ /g, "%20")}`);
    expect(p.status).toBe(400);
    expect(p.json.error).toMatchObject({ code: "invalidRequest", target: "$filter" });
  });

  it("nesting within ODataLib's limit is read; deeper is refused by the recursion limit", async () => {
    const at = (n: number) => call(emu, "GET", `${REFERRALS}?$filter=${encodeURIComponent("(".repeat(n) + "status eq 'New'" + ")".repeat(n))}`);
    expect((await at(80)).status).toBe(200);
    const r = await at(120);
    expect(r.status).toBe(400);
    expect(r.json.error.message).toMatch(/recursion depth exceeded allowed limit/);
  });

  it("a request line over 8 KB: 414 in the documented error shape", async () => {
    const r = await call(emu, "GET", `${REFERRALS}?$filter=${encodeURIComponent(`name eq '${"x".repeat(9000)}'`)}`);
    expect(r.status).toBe(414);
    expect(r.json.error.code).toBe("invalidRequest");
  });
});

describe("request bodies", () => {
  const deepObject = '{"a":'.repeat(20_000) + "1" + "}".repeat(20_000);

  it("a deeply nested body: 400 invalidRequest, nothing stored (API and control API)", async () => {
    const before = snapshot(emu);
    const body = JSON.stringify(newReferralBody({ notes: "x" })).replace('"notes":"x"', `"notes":${deepObject}`);
    const api = await call(emu, "POST", REFERRALS, { rawBody: body, headers: { "Content-Type": "application/json" } });
    expect(api.status).toBe(400);
    expect(api.json.error.message).toMatch(/deeper than 64 levels/);
    const ctl = await call(emu, "POST", "/_emulator/referrals", { rawBody: `{"name":"x","evil":${deepObject}}` });
    expect(ctl.status).toBe(400);
    expect(snapshot(emu)).toEqual(before);
  });

  it("an unknown top-level property is ignored, never stored, and never echoed", async () => {
    const r = await call(emu, "POST", REFERRALS, { body: { ...newReferralBody(), evil: true, details: { ...(newReferralBody().details as object), evilToo: 1 } } });
    expect(r.status).toBe(201);
    expect(r.json).not.toHaveProperty("evil");
    expect(r.json.details).not.toHaveProperty("evilToo");
    const stored = emu.context.store.getReferral(r.json.id)!;
    expect(stored).not.toHaveProperty("evil");
    expect(stored.details).not.toHaveProperty("evilToo");
    const incoming = await call(emu, "POST", "/_emulator/referrals", { body: { name: "Shared", evil: true } });
    expect(incoming.status).toBe(201);
    expect(emu.context.store.getReferral(incoming.json.id)).not.toHaveProperty("evil");
  });

  it("documented properties match without case, as the .NET service binds them", async () => {
    const r = await call(emu, "POST", REFERRALS, { body: { ...newReferralBody(), name: undefined, Name: "Cased" } });
    expect(r.status).toBe(201);
    expect(r.json.name).toBe("Cased");
  });

  it("a text/plain body is not read as JSON: 415, nothing stored", async () => {
    const before = snapshot(emu);
    const r = await call(emu, "POST", REFERRALS, { rawBody: JSON.stringify(newReferralBody()), headers: { "Content-Type": "text/plain" } });
    expect(r.status).toBe(415);
    expect(r.json.error).toMatchObject({ code: "invalidRequest", target: "Content-Type" });
    expect(snapshot(emu)).toEqual(before);
  });

  it("a body declared larger than 30,000,000 bytes is refused with 413 before it is read", async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${emu.url}${REFERRALS}`, { method: "POST", headers: { Authorization: `Bearer ${emu.token}`, "Content-Type": "application/json", "Content-Length": 150 * 1024 * 1024 } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
        req.destroy();
      });
      req.on("error", (e) => ((e as NodeJS.ErrnoException).code === "ECONNRESET" ? undefined : reject(e)));
      req.write("{");
    });
    expect(status).toBe(413);
    expect((await call(emu, "GET", REFERRALS)).status).toBe(200);
  });
});

describe("control API: local tools only", () => {
  it("a cross-site text/plain POST cannot inject a referral", async () => {
    const r = await fetch(`${emu.controlUrl}/referrals`, {
      method: "POST",
      headers: { "Content-Type": "text/plain", Origin: "http://evil.example" },
      body: JSON.stringify({ name: "Injected" }),
    });
    expect(r.status).toBe(403);
    expect(((await r.json()) as { error: { code: string } }).error.code).toBe("LocalOnlyOrigin");
    expect(emu.context.store.allReferrals()).toHaveLength(0);
    expect(emu.context.dispatcher.deliveries()).toHaveLength(0);
  });

  it("a request addressed to another host name (DNS rebinding) is refused", async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${emu.controlUrl}/reset`, { method: "POST", headers: { Host: "evil.example", "Content-Type": "application/json" } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", reject);
      req.end();
    });
    expect(status).toBe(403);
  });
});
