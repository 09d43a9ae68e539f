/**
 * The Partner Center emulator: node:http on 127.0.0.1, serving the Referrals API, the webhook
 * registration API and the event ResourceUri shape on one origin (point both of the client's base
 * URLs at it), the control API under /_emulator, and a small HTTPS listener for the signing
 * certificates. See ../README.md for every route.
 */
import { randomUUID } from "node:crypto";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { CallLog } from "./calls";
import { CertificateAuthorityMaterial, sharedCertificateAuthority } from "./certs/material";
import type { EmulatorConfig, EmulatorContext, HandlerResult } from "./context";
import { ApiError, codeForStatus, invalidRequest, messageForStatus, unauthenticated } from "./errors";
import { FaultRegistry } from "./faults";
import { matchRoute, operationOf } from "./router";
import { JsonFileStore, MemoryStore, PartnerCenterStore } from "./store";
import { DEFAULT_DELIVERY, DeliveryOptions, EventDispatcher } from "./webhooks/dispatcher";
import { SigningService } from "./webhooks/signing";
import { refuseNonLocal } from "../../shared/src/local-guard";
import { readRequestBody, requestUrl } from "../../shared/src/request-body";
import { MAX_BODY_BYTES, MAX_REQUEST_LINE } from "./limits";

/** The bearer token the emulator accepts unless told otherwise. Sandbox only: not a secret. */
export const SANDBOX_TOKEN = "pcs-sandbox-partner-center-token";
export const DEFAULT_PARTNER_ORGANIZATION_ID = "4b1e5a6f-0c3d-4f7e-9a2b-8d6c5e4f3a21";
export const DEFAULT_PARTNER_ORGANIZATION_NAME = "Fabrikam Co-sell Partner (sandbox)";

export interface PartnerCenterEmulatorOptions {
  /** API port on 127.0.0.1; 0 (default) lets the OS pick. */
  port?: number;
  /** Port of the HTTPS certificate host; 0 (default) lets the OS pick. */
  certificatePort?: number;
  /** Listen address; default 127.0.0.1. */
  host?: string;
  /** Accepted bearer tokens; default [SANDBOX_TOKEN]. */
  tokens?: string[];
  partnerOrganizationId?: string;
  partnerOrganizationName?: string;
  /** Referrals per page; default 100 (documented). */
  pageSize?: number;
  /** Keep state in this JSON file and `<statePath>.journal` (every change saved before it is answered); loaded on start. */
  statePath?: string;
  /** Or bring a store of your own. */
  store?: PartnerCenterStore;
  /** CA and signing key; default one generated per process. */
  certificateAuthority?: CertificateAuthorityMaterial;
  /** Clock for timestamps; default the system clock. */
  now?: () => Date;
  /** Webhook delivery: attempts (10), back-off schedule, per-attempt timeout. */
  delivery?: Partial<DeliveryOptions>;
  /** Wait used between delivery attempts; default setTimeout. */
  sleep?: (ms: number) => Promise<void>;
  /** Randomness for shuffled re-deliveries. */
  random?: () => number;
  /** Validation (test) events allowed per minute; default 2 (documented). */
  validationEventsPerMinute?: number;
  /**
   * Refuse a create that lacks today's co-sell requirements (cosell-rules.ts checkCreate: purchase
   * intent, a co-sell's contact and sharing, a Services co-sell's role, area and play). Default false
   * while the shipped flows do not send the typed attributes; the rules on updates always apply.
   */
  coSellCreateRules?: boolean;
  /** CA certificates to trust when delivering to https:// webhook URLs. */
  receiverCa?: string | Buffer | Array<string | Buffer>;
  /** Diagnostic lines (unexpected errors, webhook deliveries that failed for good); default silent. */
  log?: (line: string) => void;
}

export interface PartnerCenterEmulator {
  /** Origin of the API, e.g. http://127.0.0.1:53123. */
  url: string;
  /** Give both to the client: referralsBaseUrl and partnerCenterBaseUrl (same origin here). */
  referralsBaseUrl: string;
  partnerCenterBaseUrl: string;
  controlUrl: string;
  /** Origin of the HTTPS certificate host. */
  certificateBaseUrl: string;
  /** The first accepted token (SANDBOX_TOKEN by default). */
  token: string;
  /** Trust anchor for webhook signature verification (and for the certificate host's TLS). */
  rootCertificatePem: string;
  /** host:port entries to allow in the verifier. */
  allowedCertificateHosts: string[];
  /** State, for tests that want it; the sandbox and end-to-end tests use HTTP only. */
  context: EmulatorContext;
  /** Resolves when no webhook delivery is pending (false on timeout). */
  idle(timeoutMs?: number): Promise<boolean>;
  reset(): void;
  close(): Promise<void>;
}

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

const STATUS_NAMES: Record<number, string> = {
  200: "OK", 201: "Created", 202: "Accepted", 204: "NoContent", 301: "MovedPermanently", 302: "Found", 400: "BadRequest",
  401: "Unauthorized", 403: "Forbidden", 404: "NotFound", 405: "MethodNotAllowed", 408: "RequestTimeout", 409: "Conflict",
  410: "Gone", 412: "PreconditionFailed", 413: "RequestEntityTooLarge", 414: "RequestUriTooLong", 415: "UnsupportedMediaType", 429: "TooManyRequests", 431: "RequestHeaderFieldsTooLarge",
  500: "InternalServerError", 501: "NotImplemented", 502: "BadGateway", 503: "ServiceUnavailable", 504: "GatewayTimeout",
};

export async function startPartnerCenterEmulator(options: PartnerCenterEmulatorOptions = {}): Promise<PartnerCenterEmulator> {
  const host = options.host ?? "127.0.0.1";
  const tokens = options.tokens ?? [SANDBOX_TOKEN];
  if (!tokens.length || tokens.some((t) => typeof t !== "string" || !t)) throw new Error("tokens must be non-empty strings");
  const pageSize = options.pageSize ?? 100;
  if (!Number.isInteger(pageSize) || pageSize < 1) throw new Error("pageSize must be a positive integer");
  const now = options.now ?? (() => new Date());
  const store: PartnerCenterStore = options.store ?? (options.statePath ? new JsonFileStore(options.statePath) : new MemoryStore());
  const config: EmulatorConfig = {
    partnerOrganizationId: options.partnerOrganizationId ?? DEFAULT_PARTNER_ORGANIZATION_ID,
    partnerOrganizationName: options.partnerOrganizationName ?? DEFAULT_PARTNER_ORGANIZATION_NAME,
    tokens: new Set(tokens),
    pageSize,
    validationEventsPerMinute: options.validationEventsPerMinute ?? 2,
    coSellCreateRules: options.coSellCreateRules ?? false,
  };
  const log = options.log ?? (() => undefined);

  const signing = new SigningService(options.certificateAuthority ?? sharedCertificateAuthority(), host);
  await signing.start(options.certificatePort ?? 0);

  let baseUrl = "";
  const ctx: EmulatorContext = {
    config,
    store,
    calls: new CallLog(),
    faults: new FaultRegistry(),
    signing,
    dispatcher: undefined as unknown as EventDispatcher,
    baseUrl: () => baseUrl,
    now,
    lastWriteMs: Math.max(0, ...store.allReferrals().map((r) => Date.parse(r.updatedDateTime ?? "") || 0)),
    writeTime() {
      let t = now().getTime();
      if (t <= this.lastWriteMs) t = this.lastWriteMs + 1;
      this.lastWriteMs = t;
      return new Date(t).toISOString();
    },
    validationSends: [],
  };
  ctx.dispatcher = new EventDispatcher({
    signing,
    registration: () => store.getRegistration(),
    now,
    sleep: options.sleep ?? realSleep,
    random: options.random ?? Math.random,
    options: { ...DEFAULT_DELIVERY, ...options.delivery },
    receiverCa: options.receiverCa,
    onAttempt: (event, _delivery, attempt) => {
      if (event.payload.EventName !== "test-created") return;
      const v = store.getValidationEvent(event.resourceId);
      if (!v) return;
      v.results.push({
        responseCode: attempt.status ? STATUS_NAMES[attempt.status] ?? String(attempt.status) : "",
        responseMessage: attempt.error ?? attempt.responseText ?? "",
        systemError: attempt.status === 0,
        dateTimeUtc: attempt.time,
      });
      store.putValidationEvent(v);
    },
    onSettled: (event, delivery) => {
      if (delivery.state === "failed") {
        const last = delivery.attempts[delivery.attempts.length - 1];
        log(`webhook ${event.payload.EventName} for ${event.resourceId} to ${delivery.url} failed after ${delivery.attempts.length} attempts${last ? `: ${last.error ?? `HTTP ${last.status}`}` : ""}`);
      }
      if (event.payload.EventName !== "test-created") return;
      const v = store.getValidationEvent(event.resourceId);
      if (v) store.putValidationEvent({ ...v, status: "completed" });
    },
  });

  const server = http.createServer((req, res) => {
    void handle(ctx, req, res, log);
  });
  server.keepAliveTimeout = 5000;
  // Requests Node cannot parse (bad request line, oversized headers) still get the documented body.
  server.on("clientError", (err: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) return socket.destroy();
    const status = err.code === "HPE_HEADER_OVERFLOW" ? 431 : 400;
    const body = JSON.stringify({ error: { code: "invalidRequest", message: status === 431 ? "The request headers are too large." : "The request is not valid HTTP." } });
    socket.end(`HTTP/1.1 ${status} ${STATUS_NAMES[status] ?? ""}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, 4096, () => resolve()); // a burst opens many connections at once
  });
  baseUrl = `http://${host}:${(server.address() as AddressInfo).port}`;

  const reset = () => {
    ctx.dispatcher.reset();
    store.clear();
    ctx.calls.clear();
    ctx.faults.clear();
    signing.resetMode();
    ctx.validationSends = [];
    ctx.lastWriteMs = 0;
  };

  return {
    url: baseUrl,
    referralsBaseUrl: baseUrl,
    partnerCenterBaseUrl: baseUrl,
    controlUrl: `${baseUrl}/_emulator`,
    certificateBaseUrl: signing.baseUrl,
    token: tokens[0]!,
    rootCertificatePem: signing.rootPem,
    allowedCertificateHosts: signing.allowedHosts,
    context: ctx,
    idle: (timeoutMs) => ctx.dispatcher.idle(timeoutMs),
    reset,
    close: async () => {
      ctx.dispatcher.reset();
      await Promise.all([
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
        signing.close(),
      ]);
      store.close?.();
    },
  };
}

function send(res: http.ServerResponse, result: HandlerResult, extra: Record<string, string>): void {
  const headers: Record<string, string | number> = { ...extra, ...(result.headers ?? {}) };
  if (result.body === undefined || result.status === 204) {
    res.writeHead(result.status, headers).end();
    return;
  }
  const payload = Buffer.from(JSON.stringify(result.body), "utf8");
  headers["Content-Type"] = "application/json; charset=utf-8";
  headers["Content-Length"] = payload.length;
  res.writeHead(result.status, headers).end(payload);
}

function errorResult(e: ApiError): HandlerResult {
  return { status: e.status, body: e.body(), headers: e.headers };
}

async function handle(ctx: EmulatorContext, req: http.IncomingMessage, res: http.ServerResponse, log: (l: string) => void): Promise<void> {
  const started = Date.now();
  const time = ctx.now().toISOString();
  const url = requestUrl(req.url) ?? new URL("http://emulator/invalid-request-url");
  const method = (req.method ?? "GET").toUpperCase();
  const path = url.pathname;
  const header = (n: string) => {
    const v = req.headers[n];
    return Array.isArray(v) ? v[0] : v;
  };
  const correlationId = header("ms-correlationid");
  const extra: Record<string, string> = { "request-id": randomUUID() };
  if (correlationId) extra["MS-CorrelationId"] = correlationId;
  const clientRequestId = header("client-request-id");
  if (clientRequestId) extra["client-request-id"] = clientRequestId;

  const match = matchRoute(method, path);
  const api = match.kind === "route" ? match.route.api : match.api;
  const operation = match.kind === "route" ? operationOf(match.route, path) : "unknown";
  let result: HandlerResult;
  let fault = false;
  try {
    if (api === "control") {
      // Local tools only (local-guard.ts): a web page must not share referrals or reset the emulator.
      const refusal = refuseNonLocal(method, req.headers);
      if (refusal) throw new ApiError(refusal.status, refusal.code, refusal.message);
    } else if (method.length + (req.url ?? "").length + 10 > MAX_REQUEST_LINE) {
      throw new ApiError(414, "invalidRequest", `The request line is longer than ${MAX_REQUEST_LINE} bytes.`);
    }
    const read = await readRequestBody(req, MAX_BODY_BYTES);
    if (!read.ok) {
      if (read.reason === "aborted") return;
      throw new ApiError(413, "invalidRequest", `The request body is larger than ${MAX_BODY_BYTES.toLocaleString("en-US")} bytes.`, undefined, { Connection: "close" });
    }
    const rawBody = read.body;
    if (match.kind === "none") throw new ApiError(404, "itemNotFound", `No resource at ${method} ${path}.`);
    if (match.kind === "method") {
      throw new ApiError(405, "invalidRequest", `Method ${method} is not allowed on ${path}; allowed: ${match.allowed.join(", ")}.`, undefined, { Allow: match.allowed.join(", ") });
    }
    const authenticate = () => {
      const auth = header("authorization") ?? "";
      const m = auth.match(/^Bearer\s+(.+)$/i);
      if (!m) throw unauthenticated("Authentication failed. The request must carry a bearer token in the Authorization header.");
      if (!ctx.config.tokens.has(m[1]!.trim())) throw unauthenticated("Authentication failed. The bearer token is not valid for this API.");
    };
    const f = api === "control" ? undefined : ctx.faults.take(operation, method, path);
    if (f?.delayMs) await new Promise((r) => setTimeout(r, f.delayMs));
    if (f?.status !== undefined && f.committed) {
      // Carried out first (authenticated as any call), then answered as the fault says.
      authenticate();
      await match.route.handler(ctx, { method, path, query: url.searchParams, headers: req.headers, params: match.params, rawBody });
    }
    if (f?.status !== undefined) {
      fault = true;
      const headers: Record<string, string> = f.retryAfter !== undefined ? { "Retry-After": String(f.retryAfter) } : {};
      if (f.status === 429) {
        const wait = f.retryAfter ?? 1;
        result = { status: 429, headers, body: { statusCode: 429, message: f.message ?? `Rate limit is exceeded. Try again in ${wait} seconds.` } };
      } else if (f.status >= 200 && f.status < 300) {
        result = { status: f.status, headers };
      } else {
        result = { status: f.status, headers, body: { error: { code: f.code ?? codeForStatus(f.status), message: f.message ?? messageForStatus(f.status) } } };
      }
    } else {
      if (api !== "control") authenticate();
      result = await match.route.handler(ctx, { method, path, query: url.searchParams, headers: req.headers, params: match.params, rawBody });
      if (f?.answerDelayMs) await new Promise((r) => setTimeout(r, f.answerDelayMs));
    }
  } catch (e) {
    if (e instanceof ApiError) result = errorResult(e);
    else {
      log(`partner-center emulator: ${method} ${path} failed: ${(e as Error)?.stack ?? String(e)}`);
      result = errorResult(new ApiError(500, "generalException", "The partner API service failed to fulfill the request. Callers may retry this."));
    }
  }
  if (api !== "control") {
    ctx.calls.add({
      time, method, path, query: url.search.replace(/^\?/, ""), operation, api, status: result.status,
      durationMs: Date.now() - started, ...(correlationId ? { correlationId } : {}), ...(fault ? { fault } : {}),
    });
  }
  if (!res.destroyed) send(res, result, extra);
}
