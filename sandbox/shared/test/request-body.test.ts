import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { isJsonMediaType, jsonNestingDepth, mediaType, readRequestBody, type BodyResult } from "../src/request-body";

describe("readRequestBody", () => {
  let server: Server;
  let port: number;
  let last: BodyResult | undefined;
  beforeAll(async () => {
    server = createServer(async (req, res) => {
      last = await readRequestBody(req, 1024);
      res.writeHead(last.ok ? 200 : 413).end(last.ok ? String(last.body.length) : "too large");
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const send = (headers: Record<string, string | number>, chunks: Buffer[]): Promise<number> =>
    new Promise((resolve, reject) => {
      const req = request({ host: "127.0.0.1", port, method: "POST", path: "/", headers }, (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      });
      req.on("error", reject);
      for (const c of chunks) req.write(c);
      req.end();
    });

  it("reads a body within the limit", async () => {
    expect(await send({ "content-length": 10 }, [Buffer.alloc(10)])).toBe(200);
    expect(last).toEqual({ ok: true, body: Buffer.alloc(10) });
  });

  it("refuses a declared Content-Length over the limit before reading it", async () => {
    expect(await send({ "content-length": 5000 }, [Buffer.alloc(5000)])).toBe(413);
    expect(last).toEqual({ ok: false, reason: "too-large", limit: 1024, declared: 5000 });
  });

  it("refuses a chunked body once it passes the limit, keeping none of it", async () => {
    expect(await send({ "transfer-encoding": "chunked" }, Array.from({ length: 8 }, () => Buffer.alloc(400)))).toBe(413);
    expect(last).toEqual({ ok: false, reason: "too-large", limit: 1024 });
  });
});

describe("JSON checks", () => {
  it("measures nesting without recursion, ignoring brackets inside strings", () => {
    expect(jsonNestingDepth('{"a":[1,{"b":"[[[{{{"}]}')).toBe(3);
    expect(jsonNestingDepth('"\\"["')).toBe(0);
    expect(jsonNestingDepth("[".repeat(1_000_000) + "]".repeat(1_000_000))).toBe(1_000_000);
    expect(jsonNestingDepth("[".repeat(1000), 64)).toBe(65);
  });

  it("reads media types", () => {
    expect(mediaType({ "content-type": "Application/JSON; charset=utf-8" })).toBe("application/json");
    expect(mediaType({})).toBe("");
    expect(isJsonMediaType("application/json")).toBe(true);
    expect(isJsonMediaType("application/json-patch+json")).toBe(true);
    expect(isJsonMediaType("text/plain")).toBe(false);
  });
});
