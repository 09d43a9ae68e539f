/**
 * The thin proxies through which the page reaches the sandbox's services. They exist so that no
 * token ever reaches the page (the Dataverse bearer token is added here, server side) and so that
 * the page talks to one origin only, as a model-driven app does (its Web API is same-origin
 * /api/data/v9.2/). Each proxy forwards a fixed set of routes; anything else is 404 here.
 *
 * - Dataverse: /api/data/v9.2/** (every method) → the emulator's Web API, with its bearer token.
 *   The emulator's absolute URLs in the answer (@odata.context, @odata.nextLink, OData-EntityId)
 *   are rewritten to the web app's origin, so the page never follows a link to another origin.
 * - Partner Center ("Microsoft's side"): /_pc/referrals[/{id}] → the emulator's control API
 *   (GET and POST the list, GET and PATCH one), which acts as the other party and counts no API call.
 * - Run history: /_runs[/{runId}] (GET only) → the flow runner's /runs routes.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { WebError } from "./errors";

export interface Upstreams {
  dataverse: { url: string; token: string };
  partnerCenter: { controlUrl: string };
  flowRunner: { url: string };
}

/** Larger bodies are refused (413) before anything is forwarded. */
export const MAX_BODY_BYTES = 8 * 1024 * 1024;
/** How long a proxied call may take (a Web API save waits for nothing but the commit). */
export const UPSTREAM_TIMEOUT_MS = 60_000;

const REQUEST_HEADERS = ["accept", "content-type", "prefer", "if-match", "if-none-match", "odata-version", "odata-maxversion", "mscrm.suppressduplicatedetection", "mscrm.bypasscustompluginexecution"];
const RESPONSE_HEADERS = ["content-type", "odata-version", "odata-entityid", "etag", "preference-applied", "location", "retry-after"];

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > MAX_BODY_BYTES) throw new WebError("BodyTooLarge", `The request body is ${declared} bytes; the web app takes at most ${MAX_BODY_BYTES}.`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new WebError("BodyTooLarge", `The request body is over ${MAX_BODY_BYTES} bytes, the most the web app takes.`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

interface Forward {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** Replace this origin by the page's in the answer's text and headers. */
  rewriteOrigin?: { from: string; to: string };
  service: string;
}

async function forward(res: ServerResponse, f: Forward): Promise<void> {
  let answer: Response;
  try {
    answer = await fetch(f.url, {
      method: f.method,
      headers: f.headers,
      body: f.body && f.body.length && f.method !== "GET" && f.method !== "HEAD" ? new Uint8Array(f.body) : undefined,
      signal: AbortSignal.timeout(UPSTREAM_TIMEOUT_MS),
      redirect: "manual",
    });
  } catch (e) {
    throw new WebError("UpstreamUnavailable", `The ${f.service} did not answer (${(e as Error).message}). Is the sandbox still running?`);
  }
  const rewrite = (s: string): string => (f.rewriteOrigin ? s.split(f.rewriteOrigin.from).join(f.rewriteOrigin.to) : s);
  const headers: Record<string, string> = { "Cache-Control": "no-store" };
  for (const name of RESPONSE_HEADERS) {
    const v = answer.headers.get(name);
    if (v !== null) headers[name] = rewrite(v);
  }
  const raw = Buffer.from(await answer.arrayBuffer());
  const type = answer.headers.get("content-type") ?? "";
  const body = f.rewriteOrigin && /json|text/i.test(type) ? Buffer.from(rewrite(raw.toString("utf8")), "utf8") : raw;
  res.writeHead(answer.status, headers);
  res.end(body);
}

function pickHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of REQUEST_HEADERS) {
    const v = req.headers[name];
    if (typeof v === "string") out[name] = v;
  }
  return out;
}

const pageOrigin = (req: IncomingMessage): string => `http://${req.headers.host ?? "127.0.0.1"}`;

/** /api/data/v9.2/** → the Dataverse emulator's Web API with its token. */
export async function proxyDataverse(req: IncomingMessage, res: ServerResponse, up: Upstreams["dataverse"]): Promise<void> {
  const body = await readBody(req);
  // the path as routed (dot segments resolved), so nothing outside /api/data/v9.2/ is reachable
  const routed = new URL(req.url ?? "/", "http://web");
  const target = new URL(routed.pathname + routed.search, up.url);
  await forward(res, {
    method: (req.method ?? "GET").toUpperCase(),
    url: target.toString(),
    headers: { ...pickHeaders(req), authorization: `Bearer ${up.token}` },
    body,
    rewriteOrigin: { from: new URL(up.url).origin, to: pageOrigin(req) },
    service: "Dataverse emulator",
  });
}

const PC_ROUTES: Array<{ pattern: RegExp; methods: string[] }> = [
  { pattern: /^\/_pc\/referrals$/, methods: ["GET", "POST"] },
  { pattern: /^\/_pc\/referrals\/[0-9a-fA-F-]{36}$/, methods: ["GET", "PATCH"] },
];

/** /_pc/referrals[/{id}] → the Partner Center emulator's control API (Microsoft's side of the deal). */
export async function proxyPartnerCenter(req: IncomingMessage, res: ServerResponse, up: Upstreams["partnerCenter"]): Promise<void> {
  const url = new URL(req.url ?? "/", "http://web");
  const method = (req.method ?? "GET").toUpperCase();
  const route = PC_ROUTES.find((r) => r.pattern.test(url.pathname));
  if (!route) throw new WebError("NotFound", `No Partner Center route ${url.pathname}: the page can list, read, share (POST /_pc/referrals) and change (PATCH /_pc/referrals/{id}) referrals.`);
  if (!route.methods.includes(method)) throw new WebError("MethodNotAllowed", `${method} is not allowed on ${url.pathname} (allowed: ${route.methods.join(", ")}).`);
  const body = await readBody(req);
  await forward(res, {
    method,
    url: `${up.controlUrl}${url.pathname.slice("/_pc".length)}${url.search}`,
    headers: { "content-type": "application/json", accept: "application/json" },
    body,
    service: "Partner Center emulator",
  });
}

/** /_runs[/{runId}] (GET) → the flow runner's run history. */
export async function proxyRuns(req: IncomingMessage, res: ServerResponse, up: Upstreams["flowRunner"]): Promise<void> {
  const url = new URL(req.url ?? "/", "http://web");
  if ((req.method ?? "GET").toUpperCase() !== "GET") throw new WebError("MethodNotAllowed", "Run history is read-only here (GET).");
  const m = /^\/_runs(?:\/([A-Za-z0-9-]+))?$/.exec(url.pathname);
  if (!m) throw new WebError("NotFound", `No run history route ${url.pathname}: use /_runs or /_runs/{runId}.`);
  const query = new URLSearchParams();
  for (const k of ["top", "workflowId", "status"]) {
    const v = url.searchParams.get(k);
    if (v !== null) query.set(k, v);
  }
  const qs = query.toString();
  await forward(res, { method: "GET", url: `${up.url}/runs${m[1] ? `/${encodeURIComponent(m[1])}` : ""}${qs ? `?${qs}` : ""}`, headers: { accept: "application/json" }, service: "flow runner" });
}

