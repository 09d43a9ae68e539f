/**
 * The emulator's HTTP face: node:http on 127.0.0.1, the Web API under /api/data/v9.2 (bearer token
 * required), and a control API under /_emulator (reset, call log, notification log, state, idle).
 */
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { dispatch } from "./api";
import { executeBatch } from "./batch";
import { Context, type InternalRequest, type InternalResponse } from "./context";
import { builtinModel } from "./metadata/builtins";
import type { MetadataModel } from "./metadata/types";
import { Notifier, type DeliveryRecord } from "./notifications";
import { SEED_IDS, seedRows } from "./seed";
import { JournalPersistence, MemoryStore, type Row } from "./store/store";
import { stableGuid } from "./util";
import { refuseNonLocal } from "../../shared/src/local-guard";
import { readRequestBody, requestUrl } from "../../shared/src/request-body";
import { MAX_BODY_BYTES, MAX_URL_LENGTH } from "./limits";

/** The Power Platform environment id of an emulator started without `environmentId`. */
export const DEFAULT_ENVIRONMENT_ID = SEED_IDS.environmentId;

/** The bearer token the emulator accepts when no `tokens` option is given. */
export const SANDBOX_TOKEN = "dataverse-emulator-sandbox-token";

export interface DataverseEmulatorOptions {
  /** Port to listen on; 0 (default) lets the OS pick one. */
  port?: number;
  /** Interface to listen on; default 127.0.0.1. */
  host?: string;
  /** Accepted bearer tokens; default [SANDBOX_TOKEN]. */
  tokens?: string[];
  /**
   * Keep the store in this JSON file and `<dataFile>.journal` (loaded on start): every commit is in
   * the journal, fsynced, before the request is answered; the file is rewritten now and then.
   */
  dataFile?: string;
  /** Base URL of the cloud-flow service called when a flow is turned on or off (see flow-hook.ts). */
  flowServiceUrl?: string;
  /** Timeout for flow-service calls (ms, default 30000). */
  flowServiceTimeoutMs?: number;
  /** Clock, for reproducible createdon/modifiedon. */
  clock?: () => Date;
  organizationName?: string;
  /** The Power Platform environment id RetrieveCurrentOrganization gives (default DEFAULT_ENVIRONMENT_ID). */
  environmentId?: string;
  user?: { firstName: string; lastName: string; email: string };
  /** Change-notification delivery: extra attempts after a failure (default 2), delay (ms, default 200), timeout (ms, default 10000). */
  notificationRetries?: number;
  notificationRetryDelayMs?: number;
  notificationTimeoutMs?: number;
  /** Diagnostic lines (default: silent). */
  log?: (line: string) => void;
}

export interface CallRecord {
  seq: number;
  time: string;
  method: string;
  /** Path and query as received, e.g. /api/data/v9.2/opportunities?$select=name. */
  path: string;
  status: number;
  durationMs: number;
  /** For a request inside a $batch: the seq of the $batch call. */
  inBatch?: number;
}

export interface DataverseEmulator {
  /** http://127.0.0.1:<port> */
  url: string;
  /** http://127.0.0.1:<port>/api/data/v9.2/ */
  apiUrl: string;
  /** http://127.0.0.1:<port>/_emulator */
  controlUrl: string;
  /** A token the emulator accepts. */
  token: string;
  port: number;
  userId: string;
  businessUnitId: string;
  organizationId: string;
  /** The Power Platform environment id (RetrieveCurrentOrganization's EnvironmentId). */
  environmentId: string;
  /** Ids of the seeded currencies. */
  currencies: { USD: string; EUR: string; GBP: string };
  /** Web API calls so far (control API excluded), optionally those after `since`. */
  calls(since?: Date | number): CallRecord[];
  /** Change-notification deliveries so far. */
  deliveries(): DeliveryRecord[];
  /** Back to a fresh environment; with keepCustomizations, imported solutions stay and business rows go. */
  reset(opts?: { keepCustomizations?: boolean }): Promise<void>;
  /** Resolves when queued notifications and background imports are done. */
  idle(): Promise<void>;
  /**
   * A fingerprint of everything stored (rows and metadata; not the call log or counters): equal before
   * and after a request that stored nothing. The fuzz test checks refused requests with it.
   */
  stateDigest(): string;
  /**
   * Power Automate's own write of a finished run into the flowrun table (cloud flow run history in
   * Dataverse): done inside the service, so it is not a Web API call and is not in the call log.
   * Rows older than the newest `maxFlowRuns` are dropped (the cloud keeps them 28 days).
   */
  recordFlowRun(run: FlowRunRow): Promise<void>;
  close(): Promise<void>;
}

/** One flowrun row (columns as the Web API reference names them). */
export interface FlowRunRow {
  /** The run's name (its id in Power Automate). */
  name: string;
  workflowid: string;
  workflowname: string;
  status: "Succeeded" | "Failed" | "Cancelled" | string;
  starttime: string;
  endtime?: string;
  durationMs?: number;
  triggertype?: string;
  errorcode?: string;
  errormessage?: string;
  parentrunid?: string;
}

/** flowrun rows kept by the emulator. */
export const MAX_FLOW_RUNS = 2000;

/** Tables a reset with keepCustomizations keeps (what a solution installs, and the seed). */
const CUSTOMIZATION_TABLES = new Set([
  "organization",
  "businessunit",
  "systemuser",
  "transactioncurrency",
  "publisher",
  "solution",
  "solutioncomponent",
  "workflow",
  "environmentvariabledefinition",
  "environmentvariablevalue",
  "connectionreference",
  "webresource",
  "customcontrol",
  "callbackregistration",
  "role",
  "systemuserroles",
]);

/**
 * Platform tables this emulator gained after a state file was saved (e.g. flowrun) are added to the
 * saved model, as the platform adds its own tables to an existing environment.
 */
function withNewPlatformTables(saved: MetadataModel, builtins: MetadataModel): MetadataModel {
  const missing = Object.keys(builtins.entities).filter((n) => !saved.entities[n]);
  if (!missing.length) return saved;
  const entities = { ...saved.entities };
  for (const n of missing) entities[n] = builtins.entities[n];
  const known = new Set(saved.relationships.map((r) => r.schemaName));
  const relationships = [...saved.relationships, ...builtins.relationships.filter((r) => !known.has(r.schemaName) && (missing.includes(r.referencingEntity) || missing.includes(r.referencedEntity)))];
  const nn = new Set(saved.manyToMany.map((m) => m.schemaName));
  const manyToMany = [...saved.manyToMany, ...builtins.manyToMany.filter((m) => !nn.has(m.schemaName))];
  return { ...saved, entities, relationships, manyToMany };
}

function send(res: ServerResponse, r: InternalResponse): void {
  const headers: Record<string, string | number> = { ...r.headers };
  const body = r.body ?? "";
  headers["Content-Length"] = Buffer.byteLength(body);
  res.writeHead(r.status, headers);
  res.end(body);
}

export async function startDataverseEmulator(options: DataverseEmulatorOptions = {}): Promise<DataverseEmulator> {
  const host = options.host ?? "127.0.0.1";
  const tokens = new Set(options.tokens && options.tokens.length ? options.tokens : [SANDBOX_TOKEN]);
  const clock = options.clock ?? (() => new Date());
  const log = options.log ?? (() => undefined);
  const organizationName = options.organizationName ?? "Dataverse Emulator";
  const user = options.user ?? { firstName: "Sandbox", lastName: "Admin", email: "admin@sandbox.invalid" };

  const fresh = (): { model: MetadataModel; rows: Map<string, Map<string, Row>> } => ({
    model: builtinModel(),
    rows: seedRows({ organizationName, user, now: clock() }),
  });

  const persistence = options.dataFile ? new JournalPersistence(options.dataFile) : undefined;
  // a saved environment gets the platform tables added since it was saved (and so does a model a journalled import wrote)
  let store = persistence?.load((saved) => withNewPlatformTables(saved, builtinModel()));
  if (!store) {
    const f = fresh();
    store = new MemoryStore(f.model);
    store.replaceAll(f.model, f.rows);
  }
  persistence?.attach(store);

  let apiUrl = "";
  const notifier = new Notifier({
    apiUrl: () => apiUrl,
    retries: options.notificationRetries ?? 2,
    retryDelayMs: options.notificationRetryDelayMs ?? 200,
    timeoutMs: options.notificationTimeoutMs ?? 10000,
    log,
  });
  const baseCurrency = (): string | undefined => {
    const org = [...store.scan("organization")][0];
    const ref = org?.basecurrencyid as { id?: string } | null | undefined;
    return ref?.id;
  };
  const ctx = new Context(
    store,
    notifier,
    { userId: SEED_IDS.userId, businessUnitId: SEED_IDS.businessUnitId },
    clock,
    () => apiUrl,
    {
      flowServiceUrl: options.flowServiceUrl,
      flowServiceTimeoutMs: options.flowServiceTimeoutMs ?? 30000,
      log,
      environmentId: options.environmentId ?? DEFAULT_ENVIRONMENT_ID,
      tenantId: SEED_IDS.tenantId,
    },
    baseCurrency,
  );

  const calls: CallRecord[] = [];
  let callSeq = 0;
  const record = (c: Omit<CallRecord, "seq"> & { seq?: number }): CallRecord => {
    const rec: CallRecord = { ...c, seq: c.seq ?? ++callSeq };
    calls.push(rec);
    if (calls.length > 200000) calls.splice(0, calls.length - 200000);
    return rec;
  };
  const callsSince = (since?: Date | number, after?: number): CallRecord[] => {
    const t = since === undefined ? undefined : typeof since === "number" ? since : since.getTime();
    return calls
      .filter((c) => (t === undefined || Date.parse(c.time) > t) && (after === undefined || c.seq > after))
      .sort((a, b) => a.seq - b.seq);
  };

  const reset = async (opts: { keepCustomizations?: boolean } = {}): Promise<void> => {
    await ctx.idle();
    await ctx.mutex.run(async () => {
      const f = fresh();
      if (opts.keepCustomizations) {
        const model = store.registry.model;
        const rows = new Map<string, Map<string, Row>>();
        for (const t of CUSTOMIZATION_TABLES) {
          const m = new Map<string, Row>();
          const pk = model.entities[t]?.primaryIdAttribute;
          if (!pk) continue;
          for (const r of store.scan(t)) m.set(String(r[pk]), r);
          rows.set(t, m);
        }
        store.replaceAll(model, rows);
      } else {
        store.replaceAll(f.model, f.rows);
      }
    });
    calls.length = 0;
    notifier.clear();
  };

  const control = async (req: IncomingMessage, path: string, query: URLSearchParams, body: string): Promise<InternalResponse> => {
    const ok = (status: number, value?: unknown): InternalResponse => ({
      status,
      headers: value === undefined ? {} : { "Content-Type": "application/json" },
      body: value === undefined ? undefined : JSON.stringify(value),
    });
    if (path === "/_emulator/reset" && req.method === "POST") {
      let keep = query.get("keepCustomizations") === "true";
      if (body.trim()) {
        try {
          keep = (JSON.parse(body) as { keepCustomizations?: boolean }).keepCustomizations === true || keep;
        } catch {
          return ok(400, { error: { code: "", message: "The reset body must be JSON." } });
        }
      }
      await reset({ keepCustomizations: keep });
      return ok(204);
    }
    if (path === "/_emulator/calls" && req.method === "GET") {
      const since = query.get("since");
      const after = query.get("after");
      const t = since === null ? undefined : /^\d+$/.test(since) ? Number(since) : Date.parse(since);
      if (t !== undefined && !Number.isFinite(t)) return ok(400, { error: { code: "", message: `'since' must be an ISO date-time or epoch milliseconds, not '${since}'.` } });
      const list = callsSince(t, after === null ? undefined : Number(after));
      return ok(200, { value: list, count: list.length, lastSeq: callSeq });
    }
    if (path === "/_emulator/calls" && req.method === "DELETE") {
      calls.length = 0;
      return ok(204);
    }
    if (path === "/_emulator/notifications" && req.method === "GET") return ok(200, { value: notifier.deliveries });
    if (path === "/_emulator/idle" && req.method === "POST") {
      await ctx.idle();
      return ok(204);
    }
    if (path === "/_emulator/state" && req.method === "GET") {
      const tables: Record<string, number> = {};
      for (const e of store.registry.entities()) tables[e.entitySetName] = store.count(e.logicalName);
      return ok(200, {
        apiUrl,
        userId: SEED_IDS.userId,
        solutions: [...store.scan("solution")].map((s) => ({ uniquename: s.uniquename, version: s.version, ismanaged: s.ismanaged })),
        tables,
      });
    }
    return ok(404, { error: { code: "", message: `No control operation ${req.method} ${path}. Available: POST reset, GET/DELETE calls, GET notifications, POST idle, GET state.` } });
  };

  const plainError = (status: number, message: string, code = ""): InternalResponse => ({
    status,
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ error: { code, message } }),
  });

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const started = Date.now();
    const url = requestUrl(req.url);
    if (!url) {
      req.resume();
      send(res, plainError(400, `The request URL '${(req.url ?? "").slice(0, 200)}' is not valid.`));
      return;
    }
    const pathname = url.pathname;
    const isControl = pathname === "/_emulator" || pathname.startsWith("/_emulator/");
    if (isControl) {
      // Local tools only: a web page the user visits must not reset the environment (local-guard.ts).
      const refusal = refuseNonLocal(req.method, req.headers);
      if (refusal) {
        req.resume();
        send(res, plainError(refusal.status, refusal.message, refusal.code));
        return;
      }
    } else if ((req.url ?? "").length > MAX_URL_LENGTH) {
      // limits.ts [batch]: the documented URL limit; the status and body are ours.
      req.resume();
      send(res, plainError(414, `The request URL is ${(req.url ?? "").length.toLocaleString("en-US")} characters long; a URL is limited to 32 KB (32,768 characters). Send a longer query inside a $batch request (URLs up to 64 KB).`));
      return;
    }
    const read = await readRequestBody(req, MAX_BODY_BYTES);
    if (!read.ok) {
      if (read.reason === "too-large") {
        send(res, { ...plainError(413, `The request body is larger than the ${MAX_BODY_BYTES / 1024 / 1024} MB this service accepts${read.declared !== undefined ? ` (Content-Length: ${read.declared})` : ""}.`), headers: { "Content-Type": "application/json", Connection: "close" } });
      }
      return;
    }
    const body = read.body.toString("utf8");
    if (isControl) {
      send(res, await control(req, pathname, url.searchParams, body));
      return;
    }
    const m = /^\/api\/data\/v9\.2(?:\/(.*))?$/.exec(pathname);
    if (!m) {
      send(res, { status: 404, headers: { "Content-Type": "application/json" }, body: JSON.stringify({ error: { code: "", message: `The resource ${pathname} is not served here; the Web API is at /api/data/v9.2/.` } }) });
      return;
    }
    const seq = ++callSeq;
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers[k.toLowerCase()] = v;
    const finish = (r: InternalResponse) => {
      record({ seq, time: new Date(started).toISOString(), method: req.method ?? "GET", path: req.url ?? pathname, status: r.status, durationMs: Date.now() - started });
      send(res, r);
    };
    const auth = /^Bearer\s+(.+)$/i.exec(headers.authorization ?? "");
    if (!auth || !tokens.has(auth[1].trim())) {
      finish({
        status: 401,
        headers: {
          "WWW-Authenticate": `Bearer authorization_uri=https://login.microsoftonline.com/common/oauth2/authorize, resource_id=${url.protocol}//${req.headers.host ?? host}/`,
          "Content-Type": "application/json",
        },
        body: JSON.stringify({ error: { code: "", message: auth ? "The bearer token is not valid for this environment." : "The request has no bearer token (Authorization: Bearer <token>)." } }),
      });
      return;
    }
    let path: string;
    try {
      path = decodeURIComponent(m[1] ?? "");
    } catch {
      path = m[1] ?? "";
    }
    const inner: InternalRequest = { method: req.method ?? "GET", path, query: url.search.replace(/^\?/, ""), headers, body };
    if (path === "$batch") {
      const r = await executeBatch(ctx, inner, headers["content-type"], (ir, rr) => {
        record({ time: new Date().toISOString(), method: ir.method, path: `/api/data/v9.2/${ir.path}${ir.query ? `?${ir.query}` : ""}`, status: rr.status, durationMs: 0, inBatch: seq });
      });
      finish(r);
      return;
    }
    finish(await dispatch(ctx, inner));
  };

  // Room for a 32 KB URL plus headers, so a long URL gets the 414 above rather than Node's bare 431.
  const server: Server = createServer({ maxHeaderSize: 48 * 1024 }, (req, res) => {
    handle(req, res).catch((e: unknown) => {
      log(`unhandled error: ${(e as Error).stack ?? String(e)}`);
      if (!res.headersSent) send(res, { status: 500, headers: { "Content-Type": "application/json" }, body: JSON.stringify({ error: { code: "", message: "An unexpected error occurred." } }) });
    });
  });
  // Requests Node cannot parse (bad request line, oversized headers) still get a JSON answer.
  server.on("clientError", (err: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) return socket.destroy();
    const status = err.code === "HPE_HEADER_OVERFLOW" ? 431 : 400;
    const body = JSON.stringify({ error: { code: "", message: status === 431 ? "The request line and headers are larger than this service accepts (48 KB)." : "The request is not valid HTTP." } });
    socket.end(`HTTP/1.1 ${status} ${status === 431 ? "Request Header Fields Too Large" : "Bad Request"}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    // A deep accept queue: a burst of flow runs opens a thousand connections at once (Node's default is 511).
    server.listen(options.port ?? 0, host, 4096, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const base = `http://${host}:${port}`;
  apiUrl = `${base}/api/data/v9.2/`;

  let closed = false;
  return {
    url: base,
    apiUrl,
    controlUrl: `${base}/_emulator`,
    token: [...tokens][0],
    port,
    userId: SEED_IDS.userId,
    businessUnitId: SEED_IDS.businessUnitId,
    organizationId: SEED_IDS.organizationId,
    environmentId: options.environmentId ?? DEFAULT_ENVIRONMENT_ID,
    currencies: { ...SEED_IDS.currencies },
    calls: (since) => callsSince(since),
    deliveries: () => [...notifier.deliveries],
    reset,
    idle: () => ctx.idle(),
    recordFlowRun: (run) =>
      ctx.write((s) => {
        const id = stableGuid(`flowrun:${run.workflowid}:${run.name}`);
        const workflow = s.tx.get("workflow", run.workflowid.toLowerCase()) ? { id: run.workflowid.toLowerCase(), entity: "workflow" } : null;
        ctx.engine.platformPut(s, "flowrun", id, {
          name: run.name,
          workflowid: run.workflowid,
          workflowname: run.workflowname.slice(0, 100),
          workflow,
          status: run.status,
          starttime: run.starttime,
          endtime: run.endtime ?? null,
          duration: run.durationMs ?? null,
          triggertype: run.triggertype ?? null,
          errorcode: run.errorcode?.slice(0, 500) ?? null,
          errormessage: run.errormessage?.slice(0, 10000) ?? null,
          isprimary: !run.parentrunid,
          parentrunid: run.parentrunid ?? null,
          ttlinseconds: 2419200,
          ownerid: { id: SEED_IDS.userId, entity: "systemuser" },
        });
        const rows = [...s.tx.scan("flowrun")];
        if (rows.length > MAX_FLOW_RUNS) {
          rows.sort((a, b) => Number(a.$seq ?? 0) - Number(b.$seq ?? 0));
          for (const r of rows.slice(0, rows.length - MAX_FLOW_RUNS)) s.tx.delete("flowrun", String(r.flowrunid));
        }
      }),
    stateDigest: () => {
      const { model, tables } = store.snapshot();
      return createHash("sha256").update(JSON.stringify({ model, tables })).digest("hex");
    },
    close: async () => {
      if (closed) return;
      closed = true;
      await ctx.idle();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      persistence?.close(store);
    },
  };
}
