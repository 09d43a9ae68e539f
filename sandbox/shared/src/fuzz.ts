/**
 * A seeded HTTP fuzzer for the sandbox's services: each service supplies valid requests (its
 * corpus); the fuzzer sends them as they are and mutated (method, path, query, headers, body) and
 * checks three things of every answer:
 *   - never a 5xx (a service answers bad input with a 4xx in its own error shape);
 *   - never a crash (every request gets an HTTP answer, and the service still answers afterwards);
 *   - nothing stored from a refused request (the service's state fingerprint is the same before and
 *     after a 4xx).
 * The same seed gives the same requests, so a failure can be replayed (FUZZ_SEED=<seed>). The fuzz
 * tests run a few hundred requests within a time budget; `npm run bench` runs thousands (fuzz.bench.ts).
 */
import { request } from "node:http";
import { jsonNestingDepth } from "./request-body";

/** mulberry32: a small, fast, seedable PRNG (uniform in [0, 1)). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Rand {
  constructor(readonly next: () => number) {}
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)]!;
  }
}

export interface FuzzRequest {
  method: string;
  /** Path and query, e.g. /api/data/v9.2/accounts?$top=1 (sent as is: it may be malformed on purpose). */
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
}

/** Strings that break naive code: empty, long, control characters, quotes, escapes, non-BMP, numbers as text. */
export const NASTY_STRINGS: readonly string[] = [
  "",
  " ",
  "x".repeat(5000),
  "null",
  "true",
  "0",
  "-1",
  "1e309",
  "NaN",
  "'",
  "''",
  '"',
  "\\",
  "%",
  "%zz",
  "%00",
  "\u0000",
  "\r\n",
  "\ud83d\ude00",
  "\ud800",
  "<script>",
  "${x}",
  "@{x}",
  "()",
  "((((",
  "))))",
  "/../..",
  "00000000-0000-0000-0000-000000000000",
  "2026-13-45T99:99:99Z",
  "http://127.0.0.1:9/unreachable",
];

const NASTY_VALUES: readonly unknown[] = [null, true, false, 0, -1, 1.5, 1e308, -1e308, 2 ** 53 + 1, "", [], {}, [null], { "": null }, "x".repeat(300)];

/** An array or object nested `depth` levels (JSON text), deep enough to break recursive code. */
export function deepJson(depth: number, open = "[", close = "]"): string {
  return open.repeat(depth) + (open === "{" ? "" : "1") + close.repeat(depth);
}

/** A mutated copy of a JSON value: a property dropped, retyped, added unknown, nested deep, … */
export function mutateJson(v: unknown, r: Rand, depth = 0): unknown {
  if (depth > 6 || r.chance(0.25)) {
    switch (r.int(0, 5)) {
      case 0:
        return r.pick(NASTY_VALUES);
      case 1:
        return r.pick(NASTY_STRINGS);
      case 2:
        return Array.isArray(v) ? v : [v];
      case 3:
        return { unknownProperty: v };
      case 4:
        return JSON.parse(deepJson(r.int(20, 200)));
      default:
        return v;
    }
  }
  if (Array.isArray(v)) {
    const out = v.map((x) => (r.chance(0.5) ? mutateJson(x, r, depth + 1) : x));
    if (r.chance(0.2)) out.push(r.pick(NASTY_VALUES));
    if (r.chance(0.1) && out.length) out.splice(r.int(0, out.length - 1), 1);
    return out;
  }
  if (typeof v === "object" && v !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      if (r.chance(0.1)) continue; // dropped
      const key = r.chance(0.05) ? k.toUpperCase() : k;
      out[key] = r.chance(0.4) ? mutateJson(x, r, depth + 1) : x;
    }
    if (r.chance(0.2)) out[r.pick(["evil", "@odata.type", "__proto__", "constructor", "x".repeat(200), ""])] = r.pick(NASTY_VALUES);
    return out;
  }
  return r.chance(0.5) ? r.pick(NASTY_VALUES) : v;
}

/** Percent-encode every byte but letters and digits (a lone surrogate becomes U+FFFD, not an exception). */
const pct = (s: string): string => [...Buffer.from(s, "utf8")].map((b) => (/[A-Za-z0-9]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, "0")}`)).join("");

/** A mutated copy of a request: its method, path, query, headers or body changed in one or two ways. */
export function mutateRequest(req: FuzzRequest, r: Rand, methods: readonly string[]): FuzzRequest {
  const out: FuzzRequest = { ...req, headers: { ...req.headers } };
  const times = r.int(1, 2);
  for (let i = 0; i < times; i++) {
    switch (r.int(0, 9)) {
      case 0:
        out.method = r.pick(methods);
        break;
      case 1: {
        // a path segment replaced by a nasty one (percent-encoded, or raw when it is URL-safe)
        const [p, q] = out.path.split("?");
        const segs = p!.split("/");
        const at = r.int(1, segs.length - 1);
        const s = r.pick(NASTY_STRINGS);
        segs[at] = r.chance(0.5) ? pct(s).slice(0, 3000) : s.replace(/[^\x21-\x7e]/g, "").slice(0, 3000);
        out.path = segs.join("/") + (q !== undefined ? `?${q}` : "");
        break;
      }
      case 2: {
        // a query option added or spoilt
        const key = r.pick(["$filter", "$select", "$orderby", "$top", "$skip", "$count", "$expand", "$skiptoken", "$search", "$apply", "api-version", "%zz"]);
        const value = r.pick([...NASTY_STRINGS.slice(0, 12), "(".repeat(r.int(1, 400)), "name eq 'x'", "not not not", "x/any(a:a/b/any(c:c eq 1))", "contains(name,'a')"]);
        out.path += `${out.path.includes("?") ? "&" : "?"}${key}=${pct(value).slice(0, 4000)}`;
        break;
      }
      case 3:
        out.headers["Content-Type"] = r.pick(["text/plain", "application/x-www-form-urlencoded", "multipart/mixed", "multipart/mixed; boundary=", "application/json; charset=utf-16", "application/xml", "", "application/json-patch+json"]);
        break;
      case 4:
        out.headers[r.pick(["If-Match", "If-None-Match", "Prefer", "MS-CorrelationId", "Accept", "OData-MaxVersion"])] = r.pick(["*", '"stale"', "W/\"1\"", "return=representation", "odata.maxpagesize=0", "odata.maxpagesize=-5", "x".repeat(2000), "\u00e9"]).replace(/[^\x20-\xff]/g, "?");
        break;
      case 5:
        if (r.chance(0.5)) delete out.headers.Authorization;
        else out.headers.Authorization = r.pick(["Bearer", "Bearer wrong", "Basic abc", "bearer  "]);
        break;
      case 6:
      case 7: {
        // the JSON body mutated, or replaced by JSON nested deep
        const text = typeof out.body === "string" ? out.body : undefined;
        let parsed: unknown;
        try {
          parsed = text && jsonNestingDepth(text, 50) <= 50 ? JSON.parse(text) : {};
        } catch {
          parsed = {};
        }
        out.body = r.chance(0.15) ? (r.chance(0.5) ? deepJson(r.int(50, 20_000)) : `{"a":${deepJson(r.int(50, 20_000), '{"a":', "}")}}`) : JSON.stringify(mutateJson(parsed, r));
        break;
      }
      case 8:
        // a body that is not JSON: truncated, garbage bytes, or empty
        out.body = r.pick([
          typeof out.body === "string" ? out.body.slice(0, Math.max(0, out.body.length - r.int(1, 10))) : "{",
          Buffer.from(Array.from({ length: r.int(1, 200) }, () => r.int(0, 255))),
          "",
          "garbage garbage",
          "--b1\r\nContent-Type: application/http\r\n\r\nGET accounts HTTP/1.1\r\n\r\n",
        ]);
        break;
      default:
        // duplicate query keys and a stray fragment of syntax
        out.path += `${out.path.includes("?") ? "&" : "?"}${r.pick(["$top=1&$top=2", "$filter=", "&&&", "=", "$select=,", "$orderby=name%20sideways"])}`;
    }
  }
  return out;
}

export interface FuzzFailure {
  seed: number;
  index: number;
  kind: "5xx" | "no answer" | "stored from a refused request" | "unresponsive afterwards";
  request: { method: string; path: string; headers: Record<string, string>; body?: string };
  status?: number;
  detail: string;
}

export interface FuzzReport {
  seed: number;
  tried: number;
  elapsedMs: number;
  /** Answers by status. */
  statuses: Record<number, number>;
  /** Distinct error.code values seen in answers (the service's documented codes). */
  errorCodes: string[];
  serverErrors: number;
  failures: FuzzFailure[];
}

export interface FuzzTarget {
  /** http://127.0.0.1:<port> */
  origin: string;
  /** Valid requests to start from (sent unchanged now and then, mutated otherwise). */
  corpus(r: Rand): FuzzRequest;
  /** A fingerprint of what the service stores (and the events it raised). */
  fingerprint(): string | Promise<string>;
  /** Methods to try when mutating. */
  methods?: readonly string[];
  /** A request that must always work (checked after a failure and at the end). */
  probe: FuzzRequest;
}

interface Answer {
  status: number;
  text: string;
}

/** A request Node's HTTP client refuses to send (characters a path or header may not hold). */
class ClientRefusal extends Error {}

function send(origin: string, req: FuzzRequest, timeoutMs: number): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const u = new URL(origin);
    const body = req.body === undefined ? undefined : typeof req.body === "string" ? Buffer.from(req.body, "utf8") : req.body;
    const headers: Record<string, string | number> = { ...req.headers };
    if (body !== undefined) headers["Content-Length"] = body.length;
    let r: ReturnType<typeof request>;
    try {
      r = request({ host: u.hostname, port: u.port, method: req.method, path: req.path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
      });
    } catch (e) {
      reject(new ClientRefusal((e as Error).message));
      return;
    }
    r.setTimeout(timeoutMs, () => r.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    r.on("error", reject);
    r.end(body);
  });
}

const describe = (req: FuzzRequest): FuzzFailure["request"] => ({
  method: req.method,
  path: req.path.length > 300 ? `${req.path.slice(0, 300)}… (${req.path.length} chars)` : req.path,
  headers: req.headers,
  ...(req.body !== undefined ? { body: (typeof req.body === "string" ? req.body : `<${req.body.length} bytes>`).slice(0, 300) } : {}),
});

/**
 * Send `count` requests (at most `timeMs` long) built from the target's corpus with the seed, and
 * report what came back. Failures are collected, not thrown, so one run shows all of them.
 */
export async function fuzz(target: FuzzTarget, opts: { seed: number; count: number; timeMs: number; requestTimeoutMs?: number }): Promise<FuzzReport> {
  const r = new Rand(seededRandom(opts.seed));
  const methods = target.methods ?? ["GET", "POST", "PATCH", "PUT", "DELETE", "OPTIONS", "HEAD", "MERGE"];
  const started = Date.now();
  const report: FuzzReport = { seed: opts.seed, tried: 0, elapsedMs: 0, statuses: {}, errorCodes: [], serverErrors: 0, failures: [] };
  const codes = new Set<string>();
  const timeout = opts.requestTimeoutMs ?? 10_000;
  let stored = await target.fingerprint();
  // Requests Node refuses to send are not counted: try until `count` were sent (or time is up).
  for (let i = 0; report.tried < opts.count && i < opts.count * 2 && Date.now() - started < opts.timeMs; i++) {
    const base = target.corpus(r);
    const req = r.chance(0.15) ? base : mutateRequest(base, r, methods);
    let answer: Answer;
    try {
      answer = await send(target.origin, req, timeout);
    } catch (e) {
      if (e instanceof ClientRefusal) continue; // Node would not send it (bad characters): nothing was tried
      report.tried++;
      report.failures.push({ seed: opts.seed, index: i, kind: "no answer", request: describe(req), detail: (e as Error).message });
      try {
        await send(target.origin, target.probe, timeout);
      } catch (p) {
        report.failures.push({ seed: opts.seed, index: i, kind: "unresponsive afterwards", request: describe(req), detail: (p as Error).message });
        break;
      }
      continue;
    }
    report.tried++;
    report.statuses[answer.status] = (report.statuses[answer.status] ?? 0) + 1;
    try {
      const code = (JSON.parse(answer.text) as { error?: { code?: unknown } }).error?.code;
      if (typeof code === "string") codes.add(code || `(empty code, HTTP ${answer.status})`);
    } catch {
      /* not JSON: a 204, a $batch, a CSDL document */
    }
    // Requests go one at a time, so what was stored before this one is what was stored after the last.
    const after = await target.fingerprint();
    if (answer.status >= 500) {
      report.serverErrors++;
      report.failures.push({ seed: opts.seed, index: i, kind: "5xx", request: describe(req), status: answer.status, detail: answer.text.slice(0, 500) });
    } else if (answer.status >= 400 && after !== stored) {
      report.failures.push({ seed: opts.seed, index: i, kind: "stored from a refused request", request: describe(req), status: answer.status, detail: answer.text.slice(0, 500) });
    }
    stored = after;
  }
  try {
    const last = await send(target.origin, target.probe, timeout);
    if (last.status >= 400) throw new Error(`the probe answered ${last.status}`);
  } catch (e) {
    report.failures.push({ seed: opts.seed, index: report.tried, kind: "unresponsive afterwards", request: describe(target.probe), detail: (e as Error).message });
  }
  report.errorCodes = [...codes].sort();
  report.elapsedMs = Date.now() - started;
  return report;
}

/** The seed to use: $FUZZ_SEED when set (to replay a failure), else a fresh one. */
export function fuzzSeed(env: NodeJS.ProcessEnv = process.env): number {
  const fromEnv = Number(env.FUZZ_SEED);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : 1 + Math.floor(Math.random() * 2 ** 31);
}

/** A failure report a person can act on: the seed to replay and the first failures. */
export function describeFailures(report: FuzzReport, name: string): string {
  return [
    `${name} fuzz: ${report.failures.length} failure(s) in ${report.tried} requests. Replay with FUZZ_SEED=${report.seed}.`,
    ...report.failures.slice(0, 5).map((f) => `#${f.index} ${f.kind}${f.status ? ` (${f.status})` : ""}: ${JSON.stringify(f.request)}\n    ${f.detail}`),
  ].join("\n");
}
