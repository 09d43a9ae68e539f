/**
 * Issue 14: inputs that crashed the emulator or were accepted when Dataverse refuses them. Each
 * answer is the documented limit with Dataverse's error shape (limits.ts names the sources); nothing
 * a refused request carried is stored.
 */
import { request } from "node:http";
import { ErrorCodes } from "../src";
import { raw, startHarness, type Harness } from "./helpers";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.emu.close();
});

const accountCount = async () => (await raw(h.emu, "GET", "accounts?$select=name")).json.value.length as number;

describe("$filter", () => {
  it("5,000 nested parentheses: 400 'Recursion depth exceeded allowed limit.', not a stack overflow", async () => {
    const deep = "(".repeat(5000) + "name eq 'x'" + ")".repeat(5000);
    const r = await raw(h.emu, "GET", `accounts?$filter=${encodeURIComponent(deep)}`);
    expect(r.status).toBe(400);
    expect(r.json.error).toEqual({ code: ErrorCodes.QueryInvalid, message: "Recursion depth exceeded allowed limit." });
  });

  it("reads as deep as ODataLib does (87 levels) and no deeper", async () => {
    const at = (n: number) => raw(h.emu, "GET", `accounts?$filter=${encodeURIComponent("(".repeat(n) + "name eq 'x'" + ")".repeat(n))}`);
    expect((await at(87)).status).toBe(200);
    expect((await at(88)).status).toBe(400);
    const nots = (n: number) => raw(h.emu, "GET", `accounts?$filter=${encodeURIComponent("not ".repeat(n) + "name eq 'x'")}`);
    expect((await nots(780)).status).toBe(200);
    expect((await nots(5000)).json.error.message).toBe("Recursion depth exceeded allowed limit.");
  });

  it("more than 500 conditions: TooManyConditionsInQuery (documented)", async () => {
    const cond = (n: number) => Array.from({ length: n }, (_, i) => `name eq 'a${i}'`).join(" or ");
    expect((await raw(h.emu, "GET", `accounts?$filter=${encodeURIComponent(cond(500))}`)).status).toBe(200);
    const r = await raw(h.emu, "GET", `accounts?$filter=${encodeURIComponent(cond(501))}`);
    expect(r.status).toBe(400);
    expect(r.json.error).toEqual({ code: "0x8004430C", message: "Number of conditions in query exceeded maximum limit." });
  });

  it("a URL over 32 KB: 414 with a JSON error (documented limit)", async () => {
    const r = await raw(h.emu, "GET", `accounts?$filter=${encodeURIComponent(`name eq '${"x".repeat(33_000)}'`)}`);
    expect(r.status).toBe(414);
    expect(r.json.error.message).toMatch(/32 KB/);
  });
});

describe("request bodies", () => {
  it("a deeply nested JSON body: 400 ODataClientPayloadError naming the depth limit, nothing created", async () => {
    const before = await accountCount();
    const deep = '{"a":'.repeat(20_000) + "1" + "}".repeat(20_000);
    const r = await raw(h.emu, "POST", "accounts", { body: `{"name":"deep","description":${deep}}` });
    expect(r.status).toBe(400);
    expect(r.json.error.code).toBe(ErrorCodes.ODataClientPayloadError);
    expect(r.json.error.message).toContain("The depth of nested values in a single property cannot exceed 100.");
    expect(await accountCount()).toBe(before);
  });

  it("a text/plain body is not read as JSON (a cross-site form could send one), nothing created", async () => {
    const before = await accountCount();
    const r = await raw(h.emu, "POST", "accounts", { body: JSON.stringify({ name: "plain" }), headers: { "Content-Type": "text/plain" } });
    expect(r.status).toBe(400);
    expect(r.json.error.code).toBe(ErrorCodes.ODataClientPayloadError);
    expect(r.json.error.message).toContain("matches the content type 'text/plain'");
    expect(await accountCount()).toBe(before);
  });

  it("a body declared larger than 128 MB is refused with 413 before it is read", async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${h.emu.apiUrl}accounts`, { method: "POST", headers: { Authorization: `Bearer ${h.emu.token}`, "Content-Type": "application/json", "Content-Length": 150 * 1024 * 1024 } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
        req.destroy();
      });
      req.on("error", (e) => ((e as NodeJS.ErrnoException).code === "ECONNRESET" ? undefined : reject(e)));
      req.write("{");
    });
    expect(status).toBe(413);
    expect((await raw(h.emu, "GET", "WhoAmI")).status).toBe(200);
  });
});

describe("$batch", () => {
  const batch = (body: string) => raw(h.emu, "POST", "$batch", { body, headers: { "Content-Type": "multipart/mixed; boundary=b1" } });

  it("a garbage body is a 400 in ODataLib's words, not an empty 200", async () => {
    const r = await batch("garbage garbage");
    expect(r.status).toBe(400);
    expect(r.json.error).toEqual({ code: ErrorCodes.ODataClientPayloadError, message: "Microsoft.OData.ODataException: Encountered an unexpected end of input while reading the batch payload." });
  });

  it("a part without Content-Transfer-Encoding or with an unknown content type is refused, nothing created", async () => {
    const before = await accountCount();
    const part = (headers: string) => `--b1\r\n${headers}\r\n\r\nPOST accounts HTTP/1.1\r\nContent-Type: application/json\r\n\r\n{"name":"batched"}\r\n--b1--\r\n`;
    expect((await batch(part("Content-Type: application/http"))).json.error.message).toContain("'Content-Transfer-Encoding' header");
    expect((await batch(part("Content-Type: text/plain"))).json.error.message).toContain("must be 'application/http'");
    expect((await batch(part("Content-Type: application/http\r\nContent-Transfer-Encoding: binary").replace(" HTTP/1.1", ""))).json.error.message).toContain("The request line 'POST accounts' is invalid.");
    expect(await accountCount()).toBe(before);
    const ok = await batch(part("Content-Type: application/http\r\nContent-Transfer-Encoding: binary"));
    expect(ok.status).toBe(200);
    expect(await accountCount()).toBe(before + 1);
  });
});

describe("control API: local tools only", () => {
  it("a cross-site text/plain POST from a web page cannot reset the environment", async () => {
    await raw(h.emu, "POST", "accounts", { body: { name: "keep me" } });
    const before = await accountCount();
    const r = await fetch(`${h.emu.controlUrl}/reset`, { method: "POST", headers: { "Content-Type": "text/plain", Origin: "http://evil.example" }, body: "{}" });
    expect(r.status).toBe(403);
    expect(await r.json()).toEqual({ error: { code: "LocalOnlyOrigin", message: expect.stringContaining("evil.example") } });
    const noType = await fetch(`${h.emu.controlUrl}/reset`, { method: "POST", body: "{}" });
    expect(noType.status).toBe(415);
    expect(await accountCount()).toBe(before);
  });

  it("DNS rebinding: a request addressed to another host name is refused, even a read", async () => {
    const status = await new Promise<number>((resolve, reject) => {
      request(`${h.emu.controlUrl}/state`, { headers: { Host: "evil.example" } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
        .on("error", reject)
        .end();
    });
    expect(status).toBe(403);
  });
});
