/**
 * The flow runner's HTTP face (node:http on 127.0.0.1, caller-picked port). Routes:
 *
 *   GET    /                                              health and counts
 *   POST   /connections                                   create a connection {apiName, displayName?, parameters:{baseUrl|environmentUrl|baseResourceUrl, token}, id?}
 *   GET    /connections, /connections/{id}                list / read (tokens are never returned)
 *   DELETE /connections/{id}
 *   POST   /workflows/{id}/activate                       turn a flow on; body = the Dataverse workflows row (the emulator calls this)
 *   POST   /workflows/{id}/deactivate                     turn it off
 *   GET    /workflows, /workflows/{id}                    active flows (with callback URLs)
 *   POST   /workflows/{id}/triggers/{t}/listCallbackUrl   {value, method, basePath, queries}
 *   *      /workflows/{id}/triggers/{t}/paths/invoke[/…]  HTTP request trigger (sig for "Anyone" triggers, a tenant token otherwise; else 401)
 *   POST   /workflows/{id}/triggers/{t}/run               webhook callback (Dataverse notifications; needs sig)
 *   POST   /workflows/{id}/run[?wait=false]               run a manual (Button) flow with the body as inputs
 *   POST   /workflows/{id}/recurrence                     fire a Recurrence trigger now
 *   GET    /runs[?workflowId=&status=&top=]               run summaries, newest first
 *   GET    /runs/{runId}[?format=text]                    one run: trigger, every action's inputs, outputs, status, duration, error
 *   GET    /workflows/{id}/runs                           that flow's runs
 *   GET    /triggers/history                              trigger firings (fired / skipped by conditions)
 */
import http from "node:http";
import { AddressInfo } from "node:net";
import { decodeBody } from "../connectors/http";
import { toJsonText, Value, ValueObject, isObject } from "../expression/values";
import { formatRun, summarize } from "../engine/history";
import { RunRecord } from "../engine/types";
import { FlowRunner, FlowRunnerOptions, FlowServiceError, StartedRun } from "./runner";
import { refuseNonLocal } from "../../../shared/src/local-guard";
import { isJsonMediaType, jsonNestingDepth, mediaType, readRequestBody, requestUrl } from "../../../shared/src/request-body";

/**
 * Power Automate's documented message size for a request trigger (learn.microsoft.com/power-automate/
 * limits-and-config, "Message size: 100 MB").
 */
export const TRIGGER_BODY_BYTES = 100 * 1024 * 1024;
/** Management routes (connections, activation, manual runs): ours, far above any flow definition. */
export const MANAGEMENT_BODY_BYTES = 16 * 1024 * 1024;
/** Nesting of a JSON body [I: Json.NET's and System.Text.Json's default MaxDepth]. */
export const MAX_JSON_DEPTH = 64;

/** The signed trigger routes a caller outside this machine may reach (the webhook receiver's URL). */
const isTriggerRoute = (parts: string[]): boolean =>
  parts[0] === "workflows" && parts[2] === "triggers" && ((parts[4] === "paths" && parts[5] === "invoke") || (parts[4] === "run" && parts.length === 5));

export interface StartFlowRunnerOptions extends FlowRunnerOptions {
  /** Port to listen on; 0 (default) lets the OS pick. */
  port?: number;
  /** Interface; default 127.0.0.1. */
  host?: string;
  /** A line for every request the runner answers with a 5xx (default: silent; npm start prints them). */
  log?: (line: string) => void;
}

export interface ManualRunResult {
  run: RunRecord;
  /** What the flow's Response action sent, if it responded. */
  response?: { statusCode: number; headers: Record<string, string>; body: Value };
}

export interface FlowRunnerHandle {
  /** Base URL, e.g. http://127.0.0.1:43117 (the flow-service URL for the Dataverse emulator). */
  url: string;
  port: number;
  runner: FlowRunner;
  /** Point the runner at the Dataverse environment (when it starts after the runner). */
  setDataverse(url: string, token?: string): void;
  /** Create a connection (same as POST /connections); returns its id. */
  createConnection(req: { apiName: string; displayName?: string; parameters: Record<string, unknown>; id?: string }): string;
  /** Run a manual (Button) flow with inputs and wait for the run to finish. */
  runManual(workflowId: string, inputs?: Value): Promise<ManualRunResult>;
  /** A run by id, or runs (newest first). */
  getRun(runId: string): RunRecord | undefined;
  listRuns(filter?: { workflowId?: string; status?: string; top?: number }): RunRecord[];
  /** Readable text of a run (for test failures and the CLI). */
  formatRun(runId: string): string;
  /** Wait until no run is in progress. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  if (body === null || body === undefined) {
    res.writeHead(status, headers);
    res.end();
    return;
  }
  if (typeof body === "string" && Object.keys(headers).some((h) => h.toLowerCase() === "content-type")) {
    res.writeHead(status, headers);
    res.end(body);
    return;
  }
  const text = toJsonText(body);
  res.writeHead(status, { "Content-Type": "application/json; charset=utf-8", ...headers });
  res.end(text);
}

function requestHeaders(req: http.IncomingMessage): Record<string, string> {
  const h: Record<string, string> = {};
  // Authorization stays: a webhook receiver may verify a signature sent in it (Partner Center does).
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) h[k] = Array.isArray(v) ? v.join(", ") : v;
  return h;
}

export async function startFlowRunner(options: StartFlowRunnerOptions = {}): Promise<FlowRunnerHandle> {
  const runner = new FlowRunner(options);
  const sockets = new Set<import("node:net").Socket>();

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const url = requestUrl(req.url);
    if (!url) throw new HttpError(400, "InvalidRequestPath", `The request URL '${(req.url ?? "").slice(0, 200)}' is not valid.`);
    let parts: string[];
    try {
      parts = url.pathname.split("/").filter(Boolean).map(decodeURIComponent);
    } catch {
      throw new HttpError(400, "InvalidRequestPath", `The path '${url.pathname}' is not a valid URI path.`);
    }
    const method = (req.method ?? "GET").toUpperCase();
    const trigger = isTriggerRoute(parts);
    if (!trigger) {
      // Management routes answer local tools only (local-guard.ts); the signed trigger URLs are
      // what Partner Center and Dataverse call, and their sig is their protection.
      const refusal = refuseNonLocal(method, req.headers);
      if (refusal) {
        req.resume();
        throw new HttpError(refusal.status, refusal.code, refusal.message);
      }
    }
    const limit = trigger ? TRIGGER_BODY_BYTES : MANAGEMENT_BODY_BYTES;
    const read = await readRequestBody(req, limit);
    if (!read.ok) {
      if (read.reason === "aborted") return;
      throw new HttpError(413, "RequestEntityTooLarge", `The request body is larger than ${limit / 1024 / 1024} MB.`);
    }
    const raw = read.body;
    if (raw.length && isJsonMediaType(mediaType(req.headers)) && jsonNestingDepth(raw.toString("utf8"), MAX_JSON_DEPTH) > MAX_JSON_DEPTH) {
      throw new HttpError(400, "InvalidRequestContent", `The request content is not valid and could not be deserialized: it nests arrays and objects deeper than ${MAX_JSON_DEPTH} levels.`);
    }
    const body = (): Value => decodeBody(raw, req.headers["content-type"] ?? (raw.length ? "application/json" : undefined));
    const json = (): ValueObject => {
      const b = body();
      if (!isObject(b)) throw new HttpError(400, "InvalidRequestContent", "The request body must be a JSON object.");
      return b;
    };

    if (parts.length === 0 && method === "GET") {
      return send(res, 200, { name: "flow-runner", activeFlows: runner.flows.size, connections: runner.connections.size, runs: runner.runs.list().length });
    }

    // connections
    if (parts[0] === "connections") {
      if (parts.length === 1 && method === "POST") {
        const c = runner.createConnection(json());
        return send(res, 201, FlowRunner.describeConnection(c));
      }
      if (parts.length === 1 && method === "GET") return send(res, 200, { value: [...runner.connections.values()].map(FlowRunner.describeConnection) });
      if (parts.length === 2) {
        const c = runner.connections.get(parts[1]);
        if (method === "GET") {
          if (!c) throw new HttpError(404, "ConnectionNotFound", `The connection '${parts[1]}' does not exist.`);
          return send(res, 200, FlowRunner.describeConnection(c));
        }
        if (method === "DELETE") {
          runner.deleteConnection(parts[1]);
          return send(res, 204, null);
        }
      }
    }

    // runs
    if (parts[0] === "runs") {
      if (parts.length === 1 && method === "GET") {
        const top = url.searchParams.get("top");
        const list = runner.runs.list({ workflowId: url.searchParams.get("workflowId") ?? undefined, status: url.searchParams.get("status") ?? undefined, top: top ? Number(top) : undefined });
        return send(res, 200, { value: list.map(summarize) });
      }
      if (parts.length === 2 && method === "GET") {
        const run = runner.runs.get(parts[1]);
        if (!run) throw new HttpError(404, "RunNotFound", `The run '${parts[1]}' does not exist.`);
        if (url.searchParams.get("format") === "text") return send(res, 200, formatRun(run), { "Content-Type": "text/plain; charset=utf-8" });
        return send(res, 200, run);
      }
    }

    if (parts[0] === "triggers" && parts[1] === "history" && method === "GET") return send(res, 200, { value: runner.triggerHistory });

    // workflows
    if (parts[0] === "workflows") {
      if (parts.length === 1 && method === "GET") {
        return send(res, 200, {
          value: [...runner.flows.values()].map((f) => ({ id: f.id, name: f.name, state: "Started", trigger: { name: f.triggerName, type: f.trigger.type, kind: f.trigger.kind, callbackUrl: f.callbackUrl }, activatedAt: f.activatedAt })),
        });
      }
      const id = parts[1];
      if (parts.length === 2 && method === "GET") {
        const f = runner.getFlow(id);
        return send(res, 200, { id: f.id, name: f.name, state: "Started", trigger: { name: f.triggerName, type: f.trigger.type, kind: f.trigger.kind, callbackUrl: f.callbackUrl }, connections: [...f.connections.values()].map((c) => ({ key: c.key, connectionReference: c.logicalName, connection: c.connection.id })) });
      }
      if (parts.length === 3 && parts[2] === "activate" && method === "POST") {
        const f = await runner.activate(id, json());
        return send(res, 200, { id: f.id, name: f.name, state: "Started", trigger: { name: f.triggerName, type: f.trigger.type, kind: f.trigger.kind, callbackUrl: f.callbackUrl } });
      }
      if (parts.length === 3 && parts[2] === "deactivate" && method === "POST") {
        await runner.deactivate(id);
        return send(res, 200, { id: id.toLowerCase(), state: "Stopped" });
      }
      if (parts.length === 3 && parts[2] === "runs" && method === "GET") return send(res, 200, { value: runner.runs.list({ workflowId: id.toLowerCase() }).map(summarize) });
      if (parts.length === 3 && parts[2] === "run" && method === "POST") {
        const started = await runner.runManual(id, raw.length ? body() : {}, requestHeaders(req));
        if (url.searchParams.get("wait") === "false") return send(res, 202, { runId: started.run.id, status: started.run.status });
        const result = await settle(started);
        return send(res, 200, { runId: result.run.id, status: result.run.status, error: result.run.error, response: result.response });
      }
      if (parts.length === 3 && parts[2] === "recurrence" && method === "POST") {
        const started = await runner.fireRecurrence(id);
        return send(res, 202, { runIds: started.map((s) => s.run.id) });
      }
      if (parts[2] === "triggers" && parts.length >= 5) {
        const flow = runner.getFlow(id);
        const tname = parts[3];
        if (tname !== flow.triggerName) throw new HttpError(404, "WorkflowTriggerNotFound", `The workflow '${flow.id}' trigger '${tname}' could not be found.`);
        if (parts[4] === "listCallbackUrl" && method === "POST") {
          const cb = new URL(flow.callbackUrl ?? runner.callbackUrl(flow.id, tname, true));
          return send(res, 200, { value: cb.toString(), method: "POST", basePath: cb.origin + cb.pathname, queries: Object.fromEntries(cb.searchParams) });
        }
        if (parts[4] === "paths" && parts[5] === "invoke") {
          runner.authorizeTriggerCall(flow, tname, url.searchParams, requestHeaders(req));
          const out = await runner.invokeHttpTrigger(flow, { method, headers: requestHeaders(req), body: body(), query: url.searchParams, relativePath: parts.slice(6).join("/") });
          return send(res, out.statusCode, out.body, out.headers);
        }
        if (parts[4] === "run" && parts.length === 5 && method === "POST") {
          runner.authorizeTriggerCall(flow, tname, url.searchParams, requestHeaders(req));
          if (flow.trigger.type.toLowerCase() === "openapiconnectionwebhook") {
            const started = await runner.handleDataverseNotification(flow, body(), requestHeaders(req));
            return send(res, 202, null, started[0] ? { "x-ms-workflow-run-id": started[0].run.id } : {});
          }
          const out = await runner.invokeHttpTrigger(flow, { method, headers: requestHeaders(req), body: body(), query: url.searchParams });
          return send(res, out.statusCode, out.body, out.headers);
        }
      }
    }
    // Power Automate's own API shape (https://api.flow.microsoft.com), so an admin tool calls the
    // sandbox as it calls the cloud: POST /providers/Microsoft.ProcessSimple/environments/{env}/flows/{flow}/triggers/{trigger}/listCallbackUrl
    // (the Power Automate Management connector's "List Callback URL"). It needs a signed-in user's
    // token (one of tenantTokens) and this runner's environment.
    if (parts[0] === "providers" && parts[1] === "Microsoft.ProcessSimple" && parts[2] === "environments" && parts[4] === "flows") {
      const bearer = /^Bearer\s+(.+)$/i.exec(String(req.headers.authorization ?? ""))?.[1]?.trim();
      if (!bearer || !Object.prototype.hasOwnProperty.call(options.tenantTokens ?? {}, bearer)) {
        throw new HttpError(401, "InvalidAuthenticationToken", bearer ? "The access token is not valid for this service." : "The request has no access token (Authorization: Bearer <token>).");
      }
      const environment = options.environmentName ?? "sandbox";
      if (parts[3].toLowerCase() !== environment.toLowerCase()) throw new HttpError(404, "EnvironmentNotFound", `The environment '${parts[3]}' could not be found.`);
      if (parts.length === 9 && parts[6] === "triggers" && parts[8] === "listCallbackUrl" && method === "POST") {
        const flow = runner.flows.get(parts[5].toLowerCase());
        if (!flow) throw new HttpError(404, "FlowNotFound", `The flow '${parts[5]}' could not be found, or it is not on.`);
        if (parts[7] !== flow.triggerName) throw new HttpError(404, "WorkflowTriggerNotFound", `The workflow '${flow.id}' trigger '${parts[7]}' could not be found.`);
        const cb = new URL(flow.callbackUrl ?? runner.callbackUrl(flow.id, parts[7], true));
        return send(res, 200, { value: cb.toString(), method: "POST", basePath: cb.origin + cb.pathname, queries: Object.fromEntries(cb.searchParams) });
      }
    }
    throw new HttpError(404, "NotFound", `No route for ${method} ${url.pathname}.`);
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch((e) => {
      const known = e instanceof FlowServiceError || e instanceof HttpError;
      const status = known ? e.status : 500;
      const error = known ? { code: e.code, message: e.message } : { code: "InternalServerError", message: (e as Error)?.message ?? String(e) };
      if (status >= 500) options.log?.(`${req.method} ${(req.url ?? "").split("?")[0]} answered ${status} ${error.code}: ${error.message}`);
      send(res, status, { error });
    });
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", 4096, () => resolve()); // a burst opens many connections at once
  });
  const addr = server.address() as AddressInfo;
  const url = `http://${options.host ?? "127.0.0.1"}:${addr.port}`;
  runner.publicUrl = url;

  return {
    url,
    port: addr.port,
    runner,
    setDataverse: (u, token) => runner.setDataverse(u, token),
    createConnection: (req) => runner.createConnection(req).id,
    runManual: async (workflowId, inputs = {}) => settle(await runner.runManual(workflowId, inputs)),
    getRun: (id) => runner.runs.get(id),
    listRuns: (filter) => runner.runs.list(filter),
    formatRun: (id) => {
      const r = runner.runs.get(id);
      return r ? formatRun(r) : `No run '${id}'.`;
    },
    idle: () => runner.idle(),
    close: async () => {
      await runner.idle();
      await runner.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
    },
  };
}

async function settle(started: StartedRun): Promise<ManualRunResult> {
  const [run, response] = await Promise.all([started.done, started.response]);
  return { run, ...(response ? { response } : {}) };
}
