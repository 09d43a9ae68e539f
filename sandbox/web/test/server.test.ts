/**
 * The web app's server on its own, with stand-in upstreams that record what reaches them: every
 * route behind the loopback guard, the Dataverse token added server side and never sent to the
 * page, the emulator's origin rewritten to the page's, only the listed Partner Center and run
 * history routes forwarded, and clear errors (never a 500) for bad requests and absent services.
 */
import { readFileSync } from "node:fs";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { findManagedZip } from "../../../scripts/src/sandbox/solution";
import { MAX_BODY_BYTES, readSolutionAssets, startWebApp, type WebApp } from "../src";

const ROOT = path.resolve(__dirname, "../../..");
const zipPath = findManagedZip(path.join(ROOT, "dist"));
const assets = readSolutionAssets(new Uint8Array(readFileSync(zipPath)), "dist/test.zip");
const TOKEN = "dataverse-secret-token-for-the-test";

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

async function upstream(answer: (s: Seen) => { status: number; body: string; headers?: Record<string, string> }): Promise<{ url: string; seen: Seen[]; close(): Promise<void> }> {
  const seen: Seen[] = [];
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      const s = { method: req.method ?? "", url: req.url ?? "", headers: req.headers, body };
      seen.push(s);
      const a = answer(s);
      res.writeHead(a.status, { "content-type": "application/json", ...a.headers });
      res.end(a.body);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, seen, close: () => new Promise<void>((r) => server.close(() => r())) };
}

let dv: Awaited<ReturnType<typeof upstream>>;
let pc: Awaited<ReturnType<typeof upstream>>;
let runner: Awaited<ReturnType<typeof upstream>>;
let web: WebApp;

beforeAll(async () => {
  dv = await upstream((s) => ({
    status: s.url.includes("missing") ? 404 : 200,
    body: JSON.stringify({ "@odata.context": `${dv.url}/api/data/v9.2/$metadata#opportunities`, "@odata.nextLink": `${dv.url}/api/data/v9.2/opportunities?$skiptoken=1`, value: [] }),
    headers: { "OData-EntityId": `${dv.url}/api/data/v9.2/opportunities(00000000-0000-0000-0000-000000000001)`, "x-internal": "not forwarded" },
  }));
  pc = await upstream(() => ({ status: 200, body: JSON.stringify({ value: [] }) }));
  runner = await upstream(() => ({ status: 200, body: JSON.stringify({ value: [] }) }));
  web = await startWebApp({
    port: 0,
    assets,
    upstreams: { dataverse: { url: dv.url, token: TOKEN }, partnerCenter: { controlUrl: `${pc.url}/_emulator` }, flowRunner: { url: runner.url } },
    clientBundle: path.join(__dirname, "no-such-bundle.js"),
  });
});

afterAll(async () => {
  await web?.close();
  await Promise.all([dv, pc, runner].map((u) => u?.close()));
});

const call = (p: string, init: RequestInit = {}) => fetch(new URL(p, web.url), init);

/** A request sent exactly as written (fetch would resolve dot segments and refuse a Host header). */
function raw(method: string, p: string, headers: Record<string, string> = {}, body?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const u = new URL(web.url);
    const req = require("node:http").request({ host: u.hostname, port: u.port, method, path: p, headers }, (res: import("node:http").IncomingMessage) => {
      let b = "";
      res.on("data", (c) => (b += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: b }));
    });
    req.on("error", reject);
    req.end(body);
  });
}
const json = { "Content-Type": "application/json" };

describe("every route is for local pages and tools only", () => {
  const routes: Array<[string, string]> = [
    ["GET", "/"],
    ["GET", "/_web/info"],
    ["GET", "/WebResources/pcs_/scripts/opportunity.js"],
    ["GET", "/api/data/v9.2/opportunities"],
    ["POST", "/_pc/referrals"],
    ["GET", "/_runs"],
  ];

  it.each(routes)("%s %s refuses another site's page (Origin), a rebinding Host and a form post", async (method, p) => {
    const before = dv.seen.length + pc.seen.length + runner.seen.length;
    const fromSite = await call(p, { method, headers: { ...json, Origin: "http://evil.example" }, body: method === "GET" ? undefined : "{}" });
    expect(fromSite.status).toBe(403);
    expect((await fromSite.json()).error.code).toBe("LocalOnlyOrigin");
    const rebinding = await raw(method, p, { Host: "attacker.example:80" });
    expect(rebinding.status).toBe(403);
    expect(JSON.parse(rebinding.body).error.code).toBe("LocalOnlyHost");
    if (method !== "GET") {
      const form = await call(p, { method, headers: { "Content-Type": "text/plain" }, body: "{}" });
      expect(form.status).toBe(415);
      expect((await form.json()).error.code).toBe("LocalOnlyContentType");
    }
    expect(dv.seen.length + pc.seen.length + runner.seen.length).toBe(before); // nothing reached a service
  });

  it("answers every page with a policy that runs only its own scripts and is never framed", async () => {
    const res = await call("/");
    expect(res.headers.get("content-security-policy")).toContain("default-src 'self'");
    expect(res.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(await res.text()).toContain('<script src="/app/app.js"></script>');
  });
});

describe("the Dataverse Web API, through the web app", () => {
  it("adds the token server side, forwards the OData headers, and rewrites the emulator's origin to the page's", async () => {
    const res = await call("/api/data/v9.2/opportunities?$select=name", { headers: { Prefer: 'odata.include-annotations="*"', Authorization: "Bearer from-the-page", Cookie: "x=1" } });
    const seen = dv.seen.at(-1)!;
    expect(seen.url).toBe("/api/data/v9.2/opportunities?$select=name");
    expect(seen.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(seen.headers.prefer).toBe('odata.include-annotations="*"');
    expect(seen.headers.cookie).toBeUndefined();
    const text = await res.text();
    const origin = new URL(web.url).origin;
    expect(text).toContain(`"@odata.nextLink":"${origin}/api/data/v9.2/opportunities?$skiptoken=1"`);
    expect(text).not.toContain(dv.url);
    expect(text).not.toContain(TOKEN);
    expect(res.headers.get("odata-entityid")).toBe(`${origin}/api/data/v9.2/opportunities(00000000-0000-0000-0000-000000000001)`);
    expect(res.headers.get("x-internal")).toBeNull();
  });

  it("reaches nothing outside the Web API, however the path is written", async () => {
    const before = dv.seen.length;
    for (const p of ["/api/data/v9.2/../../_emulator/reset", "/api/data/v9.2/%2e%2e/%2e%2e/_emulator/reset"]) {
      const res = await raw("POST", p, json, "{}");
      expect(res.status).toBe(405); // resolved to /_emulator/reset, not a route of the web app: never forwarded
    }
    expect(dv.seen.length).toBe(before);
    // an encoded slash is not a separator: forwarded as written, inside /api/data/v9.2/
    await raw("POST", "/api/data/v9.2/..%2f..%2f_emulator/reset", json, "{}");
    expect(dv.seen.at(-1)!.url).toBe("/api/data/v9.2/..%2f..%2f_emulator/reset");
  });

  it("passes a write's body and the service's status through", async () => {
    const res = await call("/api/data/v9.2/opportunities(missing)", { method: "PATCH", headers: { ...json, "If-Match": "*" }, body: JSON.stringify({ name: "x" }) });
    expect(res.status).toBe(404);
    expect(dv.seen.at(-1)).toMatchObject({ method: "PATCH", body: '{"name":"x"}' });
    expect(dv.seen.at(-1)!.headers["if-match"]).toBe("*");
  });

  it("refuses a body over the limit before forwarding it", async () => {
    const before = dv.seen.length;
    const res = await call("/api/data/v9.2/opportunities", { method: "POST", headers: json, body: "x".repeat(MAX_BODY_BYTES + 1) });
    expect(res.status).toBe(413);
    expect((await res.json()).error.code).toBe("BodyTooLarge");
    expect(dv.seen.length).toBe(before);
  });
});

describe("Partner Center and run history, through the web app", () => {
  it("forwards only the listed Partner Center control routes", async () => {
    expect((await call("/_pc/referrals")).status).toBe(200);
    expect(pc.seen.at(-1)).toMatchObject({ method: "GET", url: "/_emulator/referrals" });
    const id = "0b6c3f2e-8d0c-4d7e-9d7a-2f1f0e4a9b11";
    expect((await call(`/_pc/referrals/${id}`, { method: "PATCH", headers: json, body: '{"status":"Active"}' })).status).toBe(200);
    expect(pc.seen.at(-1)).toMatchObject({ method: "PATCH", url: `/_emulator/referrals/${id}`, body: '{"status":"Active"}' });
    const before = pc.seen.length;
    const reset = await call("/_pc/reset", { method: "POST", headers: json, body: "{}" });
    expect(reset.status).toBe(404);
    expect((await reset.json()).error.code).toBe("NotFound");
    const del = await call(`/_pc/referrals/${id}`, { method: "DELETE", headers: json });
    expect(del.status).toBe(405);
    expect((await del.json()).error).toEqual({ code: "MethodNotAllowed", message: `DELETE is not allowed on /_pc/referrals/${id} (allowed: GET, PATCH).` });
    expect(pc.seen.length).toBe(before);
  });

  it("reads run history (GET only, known query options only)", async () => {
    expect((await call("/_runs?top=5&status=Failed&secret=1")).status).toBe(200);
    expect(runner.seen.at(-1)!.url).toBe("/runs?top=5&status=Failed");
    expect((await call("/_runs/0858417966178840000000012CU00")).status).toBe(200);
    expect(runner.seen.at(-1)!.url).toBe("/runs/0858417966178840000000012CU00");
    expect((await call("/_runs/x", { method: "POST", headers: json, body: "{}" })).status).toBe(405);
    expect((await call("/_runs/a/b")).status).toBe(404);
  });
});

describe("errors are named, never a 500", () => {
  it("an unknown table, file or route is 404 with what exists", async () => {
    const form = await call("/_web/forms/account");
    expect(form.status).toBe(404);
    expect((await form.json()).error.message).toMatch(/^The solution has no main form for the table 'account' \(forms: .*opportunity/);
    expect((await call("/WebResources/pcs_/scripts/other.js")).status).toBe(404);
    expect((await call("/WebResources/%E0%A4%A")).status).toBe(404);
    expect((await call("/nothing")).status).toBe(404);
    expect((await call("/", { method: "DELETE", headers: json })).status).toBe(405);
  });

  it("a page script that is not built is 503 with the command that builds it", async () => {
    const res = await call("/app/app.js");
    expect(res.status).toBe(503);
    expect((await res.json()).error).toMatchObject({ code: "ClientNotBuilt", message: expect.stringContaining("run npm run build") });
  });

  it("a service that is gone is 502, saying which", async () => {
    const down = await startWebApp({ port: 0, assets, upstreams: { dataverse: { url: "http://127.0.0.1:9", token: TOKEN }, partnerCenter: { controlUrl: "http://127.0.0.1:9/_emulator" }, flowRunner: { url: "http://127.0.0.1:9" } } });
    try {
      const res = await fetch(new URL("/api/data/v9.2/WhoAmI", down.url));
      expect(res.status).toBe(502);
      expect((await res.json()).error.message).toMatch(/^The Dataverse emulator did not answer/);
      expect((await fetch(new URL("/_runs", down.url))).status).toBe(502);
    } finally {
      await down.close();
    }
  });

  it("the form model and the solution it came from are served as JSON", async () => {
    const info = await (await call("/_web/info")).json();
    expect(info.solution).toMatchObject({ uniqueName: "PartnerCenterReferralsSync", managed: true, source: "dist/test.zip" });
    const bundle = await (await call("/_web/forms/opportunity")).json();
    expect(bundle.form.libraries).toEqual(["pcs_/scripts/opportunity.js"]);
  });
});
