/**
 * The flow service: connections, flow lifecycle (turn on / off with Power Automate-like
 * validation), triggers (HTTP request with a signed callback URL, manual/child-flow Button
 * requests, Dataverse change notifications through callbackregistrations, Recurrence), trigger
 * conditions and concurrency, environment-variable parameters resolved at run start, and run
 * history.
 */
import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";
import { CONNECTORS, apiNameOf, Connection, ConnectorError, DATAVERSE_API, header, httpRequest, HttpClient, HttpResult } from "../connectors";
import { EvalContext, evaluateString, evaluateValue, ExpressionError } from "../expression";
import { parseJsonValue } from "../expression/json";
import { isObject, stringify, Value, ValueObject, WdlFloat } from "../expression/values";
import { evaluateCondition } from "../engine/conditions";
import { ChildFlowResult, ExecutorServices, RunExecutor } from "../engine/executor";
import { RunStore } from "../engine/history";
import { countRequests } from "../engine/requests";
import { validateSchema } from "../engine/schema";
import { ActionDefinition, FlowFile, RunRecord, TriggerDefinition, TriggerRecord, WorkflowDefinition } from "../engine/types";
import { waitingRunCap } from "../lint/limits";
import { formatProblems, lintFlow } from "../lint/lint";
import { DataverseClient, DataverseError } from "./dataverse-client";
import { RunJournal } from "./run-journal";
import { authorizeTriggerCall, isHttpRequestTrigger, triggerAuthentication, usesSignature } from "./trigger-auth";

export interface FlowRunnerOptions {
  /** Dataverse environment URL (the emulator), e.g. http://127.0.0.1:5555 — for workflows, connection references and environment variables. */
  dataverseUrl?: string;
  /** Bearer token the runner uses for its own Dataverse reads. */
  dataverseToken?: string;
  /** Clock: ms since the epoch or an ISO timestamp (7 fraction digits allowed). Default Date.now. */
  clock?: () => number | string;
  /** GUID generator (lower-case "D" format). Default crypto.randomUUID. */
  guid?: () => string;
  /** Uniform random in [0, 1), for rand() and exponential retry intervals. Default Math.random. */
  random?: () => number;
  /** Multiplies every wait (retry back-off, Delay, Recurrence). 0 makes tests instant. Default 1. */
  sleepScale?: number;
  /** Replaces the wait function entirely (it receives the unscaled milliseconds). */
  sleep?: (ms: number) => Promise<void>;
  /** HTTP client for connectors and the HTTP action (tests may wrap it). */
  http?: HttpClient;
  /** Key that signs callback URLs (sig). Default: random per runner. */
  signingKey?: string;
  /** workflow().tags.environmentName. Default "sandbox". */
  environmentName?: string;
  /** How long an HTTP trigger caller waits for a Response action (ms). Default 120000. */
  responseTimeoutMs?: number;
  /**
   * Runs (and trigger firings) kept in history, newest first; older ones are dropped. Default 2000
   * (README "Run history"; `npm start -- --max-runs <n>`).
   */
  maxRuns?: number;
  /**
   * Bearer tokens of the environment's Microsoft Entra ID tenant, standing in for real tokens, each
   * mapped to the user it identifies (object id or e-mail). A tenant-only HTTP request trigger
   * ("Any user in my tenant", the default) accepts a call only with one of them. Default: none.
   */
  tenantTokens?: Record<string, string>;
  /** Called once per run when it ends, whatever its status (the sandbox's console log uses it). */
  onRunFinished?: (run: RunRecord) => void;
  /**
   * Keep the runs in progress in this file (run-journal.ts): runs a killed runner left in progress
   * are in the next one's history as Failed (RunInterrupted). Default: none.
   */
  runJournal?: string;
}

export class FlowServiceError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
  toJSON() {
    return { error: { code: this.code, message: this.message } };
  }
}

/** What Power Automate's portal shows when turning a flow on fails (the ARM error envelope). */
export function armMessage(code: string, message: string): string {
  return `Request to Azure Resource Manager failed with error: '${JSON.stringify({ error: { code, message } })}'.`;
}

interface ResolvedConnection {
  key: string;
  logicalName?: string;
  connection: Connection;
}

export interface ActiveFlow {
  id: string;
  name: string;
  row: ValueObject;
  file: FlowFile;
  definition: WorkflowDefinition;
  triggerName: string;
  trigger: TriggerDefinition;
  connections: Map<string, ResolvedConnection>;
  callbackUrl?: string;
  /** callbackregistrations rows created for a Dataverse trigger (deleted on turn-off). */
  registrations: Array<{ id: string; connection: Connection }>;
  running: number;
  queue: Array<() => void>;
  timer?: NodeJS.Timeout;
  activatedAt: string;
  /**
   * The flow's parameters (environment variables) as resolved when it was turned on: what its
   * trigger inputs and trigger conditions see, as in Power Automate, where a new environment variable
   * value reaches a trigger when the flow is turned off and on again.
   */
  triggerParameters?: Record<string, Value>;
}

export interface TriggerFiring {
  workflowId: string;
  triggerName: string;
  time: string;
  /** Rejected: the waiting-run limit was reached, so the firing started no run and was refused (429). */
  status: "Fired" | "Skipped" | "Failed" | "Rejected";
  runId?: string;
  reason?: string;
}

export interface StartedRun {
  run: RunRecord;
  /** Settles when the run ends. */
  done: Promise<RunRecord>;
  /** Settles with the Response action's output, or undefined when the run ends without responding. */
  response: Promise<{ statusCode: number; headers: Record<string, string>; body: Value } | undefined>;
}

const SP_RUN = (t: string) => `/triggers/${t}/run`;

export class FlowRunner {
  readonly connections = new Map<string, Connection>();
  readonly flows = new Map<string, ActiveFlow>();
  readonly runs: RunStore;
  readonly triggerHistory: TriggerFiring[] = [];
  /** Base URL of this runner as callers reach it (set by the HTTP server). */
  publicUrl = "http://127.0.0.1";
  private readonly key: string;
  private runCounter = 0;
  private readonly http: HttpClient;
  /** Whether a strict rule is waived (only by the temporary issue-11 opt-out). */
  dataverse?: DataverseClient;
  private readonly journal?: RunJournal;
  /** Runs a previous runner left in progress (runJournal), now Failed in the history, oldest first. */
  readonly interruptedRuns: RunRecord[] = [];

  constructor(readonly options: FlowRunnerOptions = {}) {
    this.key = options.signingKey ?? randomUUID() + randomUUID();
    this.http = options.http ?? httpRequest;
    this.runs = new RunStore(options.maxRuns ?? 2000);
    if (options.dataverseUrl) this.setDataverse(options.dataverseUrl, options.dataverseToken);
    if (options.runJournal) {
      this.journal = new RunJournal(options.runJournal);
      this.interruptedRuns = this.journal.interrupted(this.iso());
      for (const r of this.interruptedRuns) this.runs.add(r);
    }
  }

  /**
   * Point the runner at a Dataverse environment after it started (the Dataverse emulator and the
   * runner each need the other's URL; start the runner, then the emulator, then call this).
   */
  setDataverse(url: string, token?: string): void {
    this.dataverse = new DataverseClient(url, token, this.http);
  }

  // ------------------------------------------------------------ clock & ids

  now(): number | string {
    return this.options.clock ? this.options.clock() : Date.now();
  }
  nowMs(): number {
    const n = this.now();
    return typeof n === "number" ? n : Date.parse(n);
  }
  iso(): string {
    return new Date(this.nowMs()).toISOString();
  }
  guid(): string {
    return (this.options.guid ?? randomUUID)().toLowerCase();
  }
  sleep(ms: number): Promise<void> {
    if (this.options.sleep) return this.options.sleep(ms);
    const scaled = ms * (this.options.sleepScale ?? 1);
    return new Promise((r) => setTimeout(r, Math.max(0, scaled)).unref?.());
  }
  private newRunId(): string {
    this.runCounter++;
    const t = String(Math.floor(this.nowMs() / 1000) % 1e10).padStart(10, "0");
    return `08584${t}${String(this.runCounter).padStart(10, "0")}CU00`;
  }

  // ------------------------------------------------------------ connections

  /** POST /connections: { apiName, displayName?, parameters: { baseUrl | environmentUrl | baseResourceUrl, token }, id? } */
  createConnection(req: { apiName?: unknown; displayName?: unknown; parameters?: unknown; id?: unknown }): Connection {
    const apiName = apiNameOf(String(req.apiName ?? ""));
    const connector = CONNECTORS.get(apiName);
    if (!connector) throw new FlowServiceError(400, "ApiNotFound", `The API '${String(req.apiName ?? "")}' is not one the flow runner provides (${[...CONNECTORS.keys()].join(", ")}).`);
    const parameters = isObject((req.parameters ?? null) as Value) ? { ...(req.parameters as Record<string, unknown>) } : {};
    const urlParam = ["baseUrl", "environmentUrl", "baseResourceUrl", "url"].find((k) => typeof parameters[k] === "string" && parameters[k]);
    if (!urlParam) throw new FlowServiceError(400, "InvalidConnectionParameters", `A '${apiName}' connection needs a base URL parameter (${connector.requiredParameters[0]}).`);
    try {
      new URL(String(parameters[urlParam]));
    } catch {
      throw new FlowServiceError(400, "InvalidConnectionParameters", `The connection parameter '${urlParam}' must be an absolute URL; it is '${String(parameters[urlParam])}'.`);
    }
    if (typeof parameters.token !== "string" || !parameters.token) throw new FlowServiceError(400, "InvalidConnectionParameters", `A '${apiName}' connection needs a 'token' parameter (the bearer token its calls carry).`);
    const id = req.id !== undefined ? String(req.id) : `${apiName.replace(/^shared_/, "shared-").slice(0, 20)}-${this.guid()}`;
    if (!/^[A-Za-z0-9_.-]{1,128}$/.test(id)) throw new FlowServiceError(400, "InvalidConnectionName", `The connection name '${id}' may only contain letters, digits, '.', '_' and '-'.`);
    if (this.connections.has(id)) throw new FlowServiceError(409, "ConnectionExists", `A connection named '${id}' already exists.`);
    const c: Connection = { id, apiName, displayName: String(req.displayName ?? connector.displayName), parameters, createdTime: this.iso() };
    this.connections.set(id, c);
    return c;
  }

  /** A connection as the API returns it: parameters other than the token, never the token. */
  static describeConnection(c: Connection) {
    const shown: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(c.parameters)) shown[k] = /token|secret|password|key/i.test(k) ? "(hidden)" : v;
    return {
      id: c.id,
      name: c.id,
      properties: { apiId: `/providers/Microsoft.PowerApps/apis/${c.apiName}`, apiName: c.apiName, displayName: c.displayName, parameters: shown, createdTime: c.createdTime, statuses: [{ status: "Connected" }] },
    };
  }

  deleteConnection(id: string): void {
    if (!this.connections.delete(id)) throw new FlowServiceError(404, "ConnectionNotFound", `The connection '${id}' does not exist.`);
  }

  // ------------------------------------------------------------ lifecycle

  private parseRow(row: ValueObject, id: string): { file: FlowFile; name: string } {
    const name = String(row.name ?? id);
    if (row.category !== undefined && row.category !== null && Number(row.category) !== 5) {
      throw new FlowServiceError(400, "InvalidWorkflowCategory", armMessage("InvalidWorkflowCategory", `The workflow '${name}' has category ${String(row.category)}; only cloud flows (category 5, Modern Flow) run in Power Automate.`));
    }
    const raw = row.clientdata;
    if (typeof raw !== "string" || !raw.trim()) {
      throw new FlowServiceError(400, "InvalidTemplate", armMessage("InvalidTemplate", `The workflow '${name}' has no flow definition (clientdata is empty).`));
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch (e) {
      throw new FlowServiceError(400, "InvalidTemplate", armMessage("InvalidTemplate", `The workflow '${name}' has a flow definition that is not valid JSON: ${(e as Error).message}`));
    }
    const p = parsed as Partial<FlowFile> & { definition?: WorkflowDefinition };
    const file: FlowFile = p.properties?.definition ? (p as FlowFile) : { properties: { definition: p.definition as WorkflowDefinition, connectionReferences: (p as { connectionReferences?: FlowFile["properties"]["connectionReferences"] }).connectionReferences } };
    if (!file.properties.definition) throw new FlowServiceError(400, "InvalidTemplate", armMessage("InvalidTemplate", `The workflow '${name}' has no 'properties.definition'.`));
    return { file, name };
  }

  /**
   * Turn a flow on (the Dataverse emulator calls POST /workflows/{id}/activate with the row).
   * Fails, with the message Power Automate would show, when the definition is invalid or uses
   * something the runner lacks, when the trigger is invalid, a connection reference has no
   * connection, or a child flow it calls is off. A Dataverse trigger registers its
   * callbackregistrations row here.
   */
  async activate(id: string, row: ValueObject): Promise<ActiveFlow> {
    const wid = id.toLowerCase().replace(/[{}]/g, "");
    const { file, name } = this.parseRow(row, wid);
    const def = file.properties.definition;

    // the trigger
    const triggerNames = Object.keys(def.triggers ?? {});
    if (triggerNames.length === 0) throw new FlowServiceError(400, "WorkflowTriggerNotFound", armMessage("WorkflowTriggerNotFound", `The workflow '${wid}' has no trigger; a flow needs exactly one trigger.`));
    if (triggerNames.length > 1) throw new FlowServiceError(400, "InvalidTemplate", armMessage("InvalidTemplate", `The template validation failed: the workflow '${wid}' has ${triggerNames.length} triggers; a flow can have only one.`));
    const triggerName = triggerNames[0];
    const trigger = def.triggers[triggerName];
    this.validateTrigger(wid, triggerName, trigger);

    // the template
    const problems = lintFlow(file).filter((p) => p.severity === "error");
    if (problems.length) {
      throw new FlowServiceError(400, "InvalidTemplate", armMessage("InvalidTemplate", `The template validation failed for flow '${name}':\n${formatProblems(problems.slice(0, 10))}${problems.length > 10 ? `\n… and ${problems.length - 10} more` : ""}`));
    }

    // connection references → connections
    const connections = await this.resolveConnections(name, file);

    // child flows must be on
    for (const [actionName, childId] of childFlowCalls(def.actions ?? {})) {
      const cid = childId.toLowerCase().replace(/[{}]/g, "");
      const child = this.flows.get(cid);
      if (!child) {
        let childName = cid;
        try {
          const r = await this.dataverse?.workflow(cid);
          if (r?.name) childName = String(r.name);
        } catch {
          /* the name is only for the message */
        }
        throw new FlowServiceError(
          400,
          "ChildFlowNotEnabled",
          armMessage("ChildFlowNotEnabled", `The flow '${name}' cannot be turned on: its action '${actionName}' calls the child flow '${childName}' (${cid}), which is turned off. Turn on the child flow first.`),
        );
      }
      const ct = child.trigger;
      if (!(ct.type.toLowerCase() === "request" && /^(button|powerapp|powerappv2)$/i.test(ct.kind ?? ""))) {
        throw new FlowServiceError(400, "InvalidChildFlow", armMessage("InvalidChildFlow", `The action '${actionName}' of '${name}' calls '${child.name}', which is not a child flow: a child flow has a manual (Button) trigger.`));
      }
      if (!hasActionOfType(child.definition.actions ?? {}, "response")) {
        throw new FlowServiceError(400, "InvalidChildFlow", armMessage("InvalidChildFlow", `The child flow '${child.name}' called by action '${actionName}' of '${name}' has no 'Respond to a PowerApp or flow' (Response) action; a child flow must respond to its caller.`));
      }
    }

    // replace an active version
    if (this.flows.has(wid)) await this.deactivate(wid);

    const flow: ActiveFlow = { id: wid, name, row, file, definition: def, triggerName, trigger, connections, registrations: [], running: 0, queue: [], activatedAt: this.iso() };
    const ttype = trigger.type.toLowerCase();
    if (ttype === "request" || ttype === "openapiconnectionwebhook") {
      const http = isHttpRequestTrigger(trigger);
      // A tenant-only HTTP trigger is called with an OAuth token; its URL carries no sig (one scheme per call).
      flow.callbackUrl = this.callbackUrl(wid, triggerName, http, !http || usesSignature(this.httpAuthentication(trigger)));
    }
    if (ttype === "openapiconnectionwebhook") await this.subscribe(flow);
    if (ttype === "recurrence") this.scheduleRecurrence(flow);
    this.flows.set(wid, flow);
    return flow;
  }

  private validateTrigger(wid: string, name: string, t: TriggerDefinition): void {
    const bad = (msg: string) => new FlowServiceError(400, "InvalidTrigger", armMessage("InvalidTemplate", `The template validation failed: the trigger '${name}' of workflow '${wid}' is not valid: ${msg}`));
    const type = String(t?.type ?? "").toLowerCase();
    if (type === "request") {
      const kind = String(t.kind ?? "Http").toLowerCase();
      if (!["http", "button", "powerapp", "powerappv2", "apiconnection"].includes(kind)) throw bad(`the Request trigger kind '${t.kind}' is not supported.`);
      return;
    }
    if (type === "recurrence") {
      const r = t.recurrence;
      if (!r || !["second", "minute", "hour", "day", "week", "month"].includes(String(r.frequency).toLowerCase()) || !(Number(r.interval) >= 1)) {
        throw bad("a Recurrence trigger needs recurrence.frequency (Second, Minute, Hour, Day, Week or Month) and an interval of at least 1.");
      }
      return;
    }
    if (type === "openapiconnectionwebhook") {
      const host = t.inputs?.host ?? {};
      const api = apiNameOf(host.apiId);
      if (api !== DATAVERSE_API || host.operationId !== "SubscribeWebhookTrigger") {
        throw bad(`the webhook trigger '${api}/${host.operationId}' is not supported; the flow runner implements the Dataverse trigger (SubscribeWebhookTrigger).`);
      }
      const p = t.inputs?.parameters ?? {};
      const message = Number(p["subscriptionRequest/message"]);
      if (!Number.isInteger(message) || message < 1 || message > 7) {
        throw bad(`'subscriptionRequest/message' is '${String(p["subscriptionRequest/message"])}'; it must be 1 (Added), 2 (Deleted), 3 (Modified), 4 (Added or Modified), 5 (Added or Deleted), 6 (Modified or Deleted) or 7 (Added, Modified or Deleted).`);
      }
      const entity = p["subscriptionRequest/entityname"];
      if (typeof entity !== "string" || !/^[a-z_][a-z0-9_]*$/.test(entity)) throw bad(`'subscriptionRequest/entityname' must be a table logical name such as 'opportunity'; it is '${String(entity)}'.`);
      const scope = Number(p["subscriptionRequest/scope"] ?? 4);
      if (!Number.isInteger(scope) || scope < 1 || scope > 4) throw bad(`'subscriptionRequest/scope' must be 1 (User), 2 (Business Unit), 3 (Parent: Child business unit) or 4 (Organization).`);
      return;
    }
    throw new FlowServiceError(400, "WorkflowTriggerNotFound", armMessage("InvalidTemplate", `The template validation failed: the trigger '${name}' has type '${t?.type}', which the flow runner does not support.`));
  }

  private async resolveConnections(flowName: string, file: FlowFile): Promise<Map<string, ResolvedConnection>> {
    const out = new Map<string, ResolvedConnection>();
    for (const [key, ref] of Object.entries(file.properties.connectionReferences ?? {})) {
      const api = apiNameOf(ref.api?.name ?? key);
      const logical = ref.connection?.connectionReferenceLogicalName;
      let connectionId: string | undefined;
      if (logical) {
        if (!this.dataverse) throw new FlowServiceError(400, "ConnectionReferenceNotFound", armMessage("ConnectionReferenceNotFound", `The flow '${flowName}' uses connection reference '${logical}', and the flow runner has no Dataverse environment to read it from.`));
        let row: ValueObject | undefined;
        try {
          row = await this.dataverse.connectionReference(logical);
        } catch (e) {
          throw new FlowServiceError(502, "DataverseUnavailable", armMessage("DataverseUnavailable", `Reading connection reference '${logical}' failed: ${(e as Error).message}`));
        }
        if (!row) throw new FlowServiceError(400, "ConnectionReferenceNotFound", armMessage("ConnectionReferenceNotFound", `The connection reference '${logical}' used by flow '${flowName}' does not exist in the environment.`));
        connectionId = row.connectionid ? String(row.connectionid) : undefined;
        if (!connectionId) {
          throw new FlowServiceError(
            400,
            "ConnectionReferenceNotConfigured",
            armMessage("ConnectionReferenceNotConfigured", `The flow '${flowName}' cannot be turned on: connection reference '${logical}' (${api}) has no connection. Create a connection and set it on the connection reference, then turn the flow on.`),
          );
        }
        const connector = row.connectorid ? apiNameOf(String(row.connectorid)) : api;
        if (connector && connector !== api) {
          throw new FlowServiceError(400, "ConnectionReferenceMismatch", armMessage("ConnectionReferenceMismatch", `The connection reference '${logical}' is for '${connector}', but the flow uses it as '${api}'.`));
        }
      } else connectionId = ref.connection?.name;
      const c = connectionId ? this.connections.get(connectionId) : undefined;
      if (!c) {
        throw new FlowServiceError(
          400,
          "ConnectionNotFound",
          armMessage("ConnectionNotFound", `The flow '${flowName}' cannot be turned on: the connection '${connectionId}'${logical ? ` set on connection reference '${logical}'` : ""} does not exist.`),
        );
      }
      if (c.apiName !== api) {
        throw new FlowServiceError(400, "ConnectionApiMismatch", armMessage("ConnectionApiMismatch", `The connection '${c.id}' is a '${c.apiName}' connection; '${key}' needs a '${api}' connection.`));
      }
      out.set(key, { key, logicalName: logical, connection: c });
    }
    return out;
  }

  /** Turn a flow off: webhook registrations are deleted, timers stop. */
  async deactivate(id: string): Promise<void> {
    const wid = id.toLowerCase().replace(/[{}]/g, "");
    const flow = this.flows.get(wid);
    if (!flow) return;
    this.flows.delete(wid);
    if (flow.timer) clearTimeout(flow.timer);
    for (const r of flow.registrations) {
      try {
        await new DataverseClient(connectionUrl(r.connection), String(r.connection.parameters.token ?? ""), this.http).delete("callbackregistrations", r.id);
      } catch {
        /* the registration may already be gone */
      }
    }
  }

  // ------------------------------------------------------------ callback URLs

  sign(workflowId: string, sp: string): string {
    return createHmac("sha256", this.key).update(`${workflowId}\n${sp}`).digest("base64url");
  }

  callbackUrl(workflowId: string, triggerName: string, invokePath: boolean, signed = true): string {
    const sp = SP_RUN(triggerName);
    const path = invokePath ? `/workflows/${workflowId}/triggers/${triggerName}/paths/invoke` : `/workflows/${workflowId}/triggers/${triggerName}/run`;
    return `${this.publicUrl}${path}?api-version=2016-06-01&sp=${encodeURIComponent(sp)}&sv=1.0${signed ? `&sig=${this.sign(workflowId, sp)}` : ""}`;
  }

  /** "Who can trigger the flow?" of an HTTP request trigger (the opt-out reads an absent value as Anyone). */
  httpAuthentication(t: TriggerDefinition) {
    return triggerAuthentication(t);
  }

  /**
   * Authorize a call to a Request trigger's URL: the sig for webhook callbacks and "Anyone" HTTP
   * triggers, an OAuth token of the tenant for tenant-only ones (service/trigger-auth.ts).
   */
  authorizeTriggerCall(flow: ActiveFlow, triggerName: string, query: URLSearchParams, headers: Record<string, string>): void {
    if (!isHttpRequestTrigger(flow.trigger)) return this.verifySignature(flow.id, triggerName, query);
    const auth = this.httpAuthentication(flow.trigger);
    if (query.has("sig") || usesSignature(auth)) this.verifySignature(flow.id, triggerName, query);
    const refusal = authorizeTriggerCall(auth, { headers, signed: query.has("sig") }, this.options.tenantTokens ?? {});
    if (refusal) throw new FlowServiceError(refusal.status, refusal.code, refusal.message);
  }

  /** 401 unless sig matches (DirectApiAuthorizationRequired, as Logic Apps answers). */
  verifySignature(workflowId: string, triggerName: string, query: URLSearchParams): void {
    const sig = query.get("sig");
    const sp = query.get("sp") ?? "";
    if (!sig) throw new FlowServiceError(401, "DirectApiAuthorizationRequired", "The request must be authenticated only by Shared Access scheme.");
    if (sp !== SP_RUN(triggerName)) throw new FlowServiceError(401, "DirectApiInvalidAuthorizationSignature", `The provided sp '${sp}' does not grant access to trigger '${triggerName}'.`);
    const expected = Buffer.from(this.sign(workflowId, sp));
    const given = Buffer.from(sig);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
      throw new FlowServiceError(401, "DirectApiInvalidAuthorizationSignature", "The provided authentication token is not valid.");
    }
  }

  getFlow(id: string): ActiveFlow {
    const f = this.flows.get(id.toLowerCase().replace(/[{}]/g, ""));
    if (!f) throw new FlowServiceError(404, "WorkflowNotFound", `The workflow '${id}' is not turned on in the flow runner.`);
    return f;
  }

  // ------------------------------------------------------------ Dataverse trigger

  private async subscribe(flow: ActiveFlow): Promise<void> {
    const t = flow.trigger;
    // Trigger inputs may use expressions over parameters (e.g. a filtering column named by an environment variable).
    flow.triggerParameters = (await this.resolveParameters(flow)).values;
    const p = evaluateValue(t.inputs?.parameters ?? {}, this.triggerContext(flow, { name: flow.triggerName, type: t.type, status: "Succeeded", startTime: this.iso(), endTime: this.iso(), outputs: {}, code: "OK" } as TriggerRecord)) as Record<string, unknown>;
    const cn = String(t.inputs?.host?.connectionName ?? "");
    const rc = flow.connections.get(cn);
    if (!rc) throw new FlowServiceError(400, "ConnectionNotFound", armMessage("ConnectionNotFound", `The trigger '${flow.triggerName}' of '${flow.name}' uses connection '${cn}', which is not in the flow's connection references.`));
    const dv = new DataverseClient(connectionUrl(rc.connection), String(rc.connection.parameters.token ?? ""), this.http);
    const row: Record<string, Value> = {
      url: flow.callbackUrl!,
      entityname: String(p["subscriptionRequest/entityname"]),
      message: Number(p["subscriptionRequest/message"]),
      scope: Number(p["subscriptionRequest/scope"] ?? 4),
      name: `${flow.name} (${flow.id})`.slice(0, 200),
    };
    if (p["subscriptionRequest/filteringattributes"]) row.filteringattributes = String(p["subscriptionRequest/filteringattributes"]);
    if (p["subscriptionRequest/filterexpression"]) row.filterexpression = String(p["subscriptionRequest/filterexpression"]);
    if (p["subscriptionRequest/runas"] !== undefined) row.runas = Number(p["subscriptionRequest/runas"]);
    if (p["subscriptionRequest/postponeuntil"]) row.postponeuntil = String(p["subscriptionRequest/postponeuntil"]);
    let created: ValueObject;
    try {
      created = await dv.create("callbackregistrations", row);
    } catch (e) {
      const msg = e instanceof DataverseError ? e.message : (e as Error).message;
      throw new FlowServiceError(400, "WebhookRegistrationFailed", armMessage("WebhookRegistrationFailed", `The trigger '${flow.triggerName}' of '${flow.name}' could not subscribe to Dataverse: ${msg}`));
    }
    const regId = String(created.callbackregistrationid ?? created.id ?? "");
    if (regId) flow.registrations.push({ id: regId, connection: rc.connection });
  }

  /** The Dataverse emulator POSTs a changed row to the callback URL. */
  async handleDataverseNotification(flow: ActiveFlow, body: Value, headers: Record<string, string>): Promise<StartedRun[]> {
    const row = normalizeNotification(body, headers);
    return this.fire(flow, { headers: { "Content-Type": "application/json" }, body: row }, { inputs: flow.trigger.inputs?.parameters ?? {} });
  }

  // ------------------------------------------------------------ Recurrence

  private recurrenceMs(t: TriggerDefinition): number {
    const r = t.recurrence!;
    const unit: Record<string, number> = { second: 1000, minute: 60000, hour: 3600000, day: 86400000, week: 604800000, month: 2592000000 };
    return unit[String(r.frequency).toLowerCase()] * Number(r.interval);
  }

  private scheduleRecurrence(flow: ActiveFlow): void {
    const period = this.recurrenceMs(flow.trigger);
    const scale = this.options.sleepScale ?? 1;
    if (scale <= 0 || this.options.sleep) return; // tests fire recurrences explicitly (fireRecurrence)
    flow.timer = setTimeout(() => {
      if (!this.flows.has(flow.id)) return;
      void this.fireRecurrence(flow.id).catch(() => undefined);
      this.scheduleRecurrence(flow);
    }, period * scale);
    flow.timer.unref?.();
  }

  /** Fire a Recurrence trigger now (tests and `npm start` use this; the timer calls it too). */
  async fireRecurrence(id: string): Promise<StartedRun[]> {
    const flow = this.getFlow(id);
    if (flow.trigger.type.toLowerCase() !== "recurrence") throw new FlowServiceError(400, "InvalidTriggerType", `The flow '${flow.name}' is not triggered by a Recurrence.`);
    return this.fire(flow, { headers: {}, body: null }, { inputs: flow.trigger.recurrence });
  }

  // ------------------------------------------------------------ manual, HTTP and child-flow requests

  /** Validate a request body against the trigger schema (always for Button kinds, on demand for Http). */
  private checkSchema(flow: ActiveFlow, body: Value): void {
    const schema = flow.trigger.inputs?.schema;
    const kind = String(flow.trigger.kind ?? "Http").toLowerCase();
    const enforce = kind !== "http" || /EnableSchemaValidation/i.test(flow.trigger.operationOptions ?? "");
    if (!schema || !enforce) return;
    const errors = validateSchema(body, schema);
    if (errors.length) {
      throw new FlowServiceError(
        400,
        "TriggerInputSchemaMismatch",
        `The input body for trigger '${flow.triggerName}' of type 'Request' did not match its schema definition. Error details: '${errors.map((e) => `${e.message} Path '${e.path}'.`).join(" ")}'.`,
      );
    }
  }

  /** Run a manual (Button) flow with inputs, as the Run button or a Power App does. */
  async runManual(id: string, inputs: Value = {}, headers: Record<string, string> = {}): Promise<StartedRun> {
    const flow = this.getFlow(id);
    if (flow.trigger.type.toLowerCase() !== "request") throw new FlowServiceError(400, "InvalidTriggerType", `The flow '${flow.name}' does not have a manual trigger.`);
    this.checkSchema(flow, inputs);
    const started = await this.fire(flow, { headers: { "Content-Type": "application/json", ...headers }, body: inputs }, { inputs: { schema: (flow.trigger.inputs?.schema ?? null) as Value } });
    if (!started.length) throw new FlowServiceError(409, "TriggerConditionsNotMet", `The trigger conditions of '${flow.name}' were not met; no run was started.`);
    return started[0];
  }

  /** An HTTP request trigger call (callback URL). Resolves with what the caller gets back. */
  async invokeHttpTrigger(
    flow: ActiveFlow,
    req: { method: string; headers: Record<string, string>; body: Value; query: URLSearchParams; relativePath?: string },
  ): Promise<{ statusCode: number; headers: Record<string, string>; body: Value }> {
    const t = flow.trigger;
    if (t.type.toLowerCase() !== "request") throw new FlowServiceError(400, "InvalidTriggerType", `The trigger of '${flow.name}' is not a Request trigger.`);
    const method = t.inputs?.method ? String(t.inputs.method).toUpperCase() : undefined;
    if (method && method !== req.method.toUpperCase()) throw new FlowServiceError(405, "TriggerRequestMethodNotValid", `The HTTP method for this request is not valid: expected '${method}' and actual '${req.method.toUpperCase()}'.`);
    this.checkSchema(flow, req.body);
    const queries: Record<string, string> = {};
    for (const [k, v] of req.query) if (!["api-version", "sp", "sv", "sig"].includes(k)) queries[k] = v;
    const outputs: TriggerRecord["outputs"] = { headers: req.headers, body: req.body };
    if (Object.keys(queries).length) outputs.queries = queries;
    const rp = t.inputs?.relativePath ? matchRelativePath(String(t.inputs.relativePath), req.relativePath ?? "") : undefined;
    if (t.inputs?.relativePath && !rp) throw new FlowServiceError(404, "TriggerRelativePathNotFound", `The relative path '${req.relativePath ?? ""}' does not match '${t.inputs.relativePath}'.`);
    if (rp) outputs.relativePathParameters = rp;
    const started = await this.fire(flow, outputs, { inputs: { schema: (t.inputs?.schema ?? null) as Value, ...(method ? { method } : {}) } });
    const first = started[0];
    const runHeaders = (r?: RunRecord): Record<string, string> =>
      r ? { "x-ms-workflow-run-id": r.id, "x-ms-correlation-id": r.correlationId, "x-ms-workflow-id": flow.id, "x-ms-workflow-name": flow.name } : { "x-ms-workflow-id": flow.id };
    if (!first || !hasActionOfType(flow.definition.actions ?? {}, "response")) {
      return { statusCode: 202, headers: runHeaders(first?.run), body: null };
    }
    const timeout = this.options.responseTimeoutMs ?? 120_000;
    const res = await Promise.race([first.response, new Promise<"timeout">((r) => setTimeout(() => r("timeout"), timeout).unref?.())]);
    if (res === "timeout") {
      return { statusCode: 504, headers: runHeaders(first.run), body: { error: { code: "GatewayTimeout", message: `The flow did not respond within ${timeout} ms.` } } };
    }
    if (!res) {
      const run = await first.done;
      return {
        statusCode: run.status === "Succeeded" ? 202 : 502,
        headers: runHeaders(run),
        body: run.status === "Succeeded" ? null : { error: { code: "NoResponse", message: `The flow run ended with status '${run.status}' without a response.${run.error ? ` ${run.error.message}` : ""}` } },
      };
    }
    return { statusCode: res.statusCode, headers: { ...runHeaders(first.run), ...res.headers }, body: res.body };
  }

  /** A parent flow's Workflow action. */
  async invokeChild(req: { workflowId: string; body: Value; headers: Record<string, string>; parentRunId: string }): Promise<ChildFlowResult> {
    const id = req.workflowId.toLowerCase().replace(/[{}]/g, "");
    const flow = this.flows.get(id);
    if (!flow) {
      return { statusCode: 400, headers: {}, body: null, error: { code: "WorkflowNotEnabled", message: `The child flow '${id}' is turned off or does not exist.` } };
    }
    try {
      this.checkSchema(flow, req.body);
    } catch (e) {
      const fe = e as FlowServiceError;
      return { statusCode: fe.status, headers: {}, body: null, error: { code: fe.code, message: fe.message } };
    }
    let started: StartedRun[];
    try {
      started = await this.fire(flow, { headers: { "Content-Type": "application/json", ...req.headers }, body: req.body }, { inputs: { schema: (flow.trigger.inputs?.schema ?? null) as Value }, parentRunId: req.parentRunId });
    } catch (e) {
      // The child's waiting-run limit is full: the call fails (no retry of a throttled child call; harsher reading).
      if (e instanceof FlowServiceError) return { statusCode: e.status, headers: {}, body: null, error: { code: e.code, message: e.message } };
      throw e;
    }
    const first = started[0];
    if (!first) return { statusCode: 409, headers: {}, body: null, error: { code: "TriggerConditionsNotMet", message: `The trigger conditions of child flow '${flow.name}' were not met; no run was started.` } };
    const res = await first.response;
    if (res) return { ...res, runId: first.run.id };
    const run = await first.done;
    if (run.status !== "Succeeded") {
      return {
        statusCode: 502,
        headers: {},
        body: null,
        runId: run.id,
        error: { code: "ChildFlowFailed", message: `The child flow '${flow.name}' run '${run.id}' ended with status '${run.status}' before it responded.${run.error ? ` ${run.error.code}: ${run.error.message}` : ""}` },
      };
    }
    return { statusCode: 200, headers: {}, body: null, runId: run.id };
  }

  // ------------------------------------------------------------ firing and running

  /**
   * Fire a trigger: evaluate splitOn and trigger conditions, respect trigger concurrency, resolve
   * parameters and start the run(s).
   */
  async fire(flow: ActiveFlow, outputs: TriggerRecord["outputs"], extra: { inputs?: unknown; parentRunId?: string } = {}): Promise<StartedRun[]> {
    const t = flow.trigger;
    const firedAt = this.iso();
    const baseTrigger = (o: TriggerRecord["outputs"]): TriggerRecord => ({
      name: flow.triggerName,
      type: t.type,
      ...(t.kind ? { kind: t.kind } : {}),
      status: "Succeeded",
      startTime: firedAt,
      endTime: this.iso(),
      inputs: extra.inputs,
      outputs: o,
      code: "OK",
    });
    const triggerCtx = (rec: TriggerRecord): EvalContext => this.triggerContext(flow, rec);
    let batches: TriggerRecord["outputs"][] = [outputs];
    if (t.splitOn) {
      const items = evaluateString(t.splitOn, triggerCtx(baseTrigger(outputs)));
      if (Array.isArray(items)) batches = items.map((b) => ({ ...outputs, body: b }));
    }
    const started: StartedRun[] = [];
    let rejected: FlowServiceError | undefined;
    for (const o of batches) {
      const trig = baseTrigger(o);
      let pass = true;
      try {
        for (const c of t.conditions ?? []) {
          if (!evaluateCondition(c.expression, triggerCtx(trig))) {
            pass = false;
            break;
          }
        }
      } catch (e) {
        this.recordFiring(flow, "Failed", undefined, `Trigger condition failed to evaluate: ${(e as Error).message}`);
        continue;
      }
      if (!pass) {
        this.recordFiring(flow, "Skipped", undefined, "The trigger conditions were not met.");
        continue;
      }
      try {
        started.push(this.startRun(flow, trig, extra.parentRunId));
      } catch (e) {
        if (!(e instanceof FlowServiceError) || e.status !== 429) throw e;
        this.recordFiring(flow, "Rejected", undefined, e.message);
        rejected = e;
      }
    }
    if (rejected && !started.length) throw rejected;
    return started;
  }

  private recordFiring(flow: ActiveFlow, status: TriggerFiring["status"], runId?: string, reason?: string): void {
    this.triggerHistory.unshift({ workflowId: flow.id, triggerName: flow.triggerName, time: this.iso(), status, ...(runId ? { runId } : {}), ...(reason ? { reason } : {}) });
    const max = this.options.maxRuns ?? 2000;
    if (this.triggerHistory.length > max) this.triggerHistory.length = max;
  }

  private triggerContext(flow: ActiveFlow, trig: TriggerRecord): EvalContext {
    return {
      now: () => this.now(),
      newGuid: () => this.guid(),
      random: () => (this.options.random ?? Math.random)(),
      workflow: {
        trigger: () => ({ name: trig.name, inputs: (trig.inputs ?? null) as Value, outputs: trig.outputs as unknown as Value, startTime: trig.startTime, endTime: trig.endTime, code: "OK", status: "Succeeded" }),
        action: () => {
          throw new ExpressionError("Actions cannot be referenced in a trigger condition.");
        },
        variable: () => {
          throw new ExpressionError("Variables cannot be referenced in a trigger condition.");
        },
        parameter: (n) => {
          const p = flow.definition.parameters?.[n];
          if (!p) throw new ExpressionError(`The workflow parameter '${n}' is not found.`);
          return (flow.triggerParameters && n in flow.triggerParameters ? flow.triggerParameters[n] : (p.defaultValue ?? null)) as Value;
        },
        item: () => null,
        items: () => null,
        iterationIndexes: () => null,
        result: () => [],
        workflow: () => ({ id: `/workflows/${flow.id}`, name: flow.id, type: "Microsoft.Logic/workflows", tags: { flowDisplayName: flow.name } }),
        listCallbackUrl: () => flow.callbackUrl ?? null,
        currentAction: () => null,
      },
    };
  }

  /**
   * Admit a new run under the trigger's concurrency control (limits-and-config.md): without it runs
   * are unlimited in parallel; with `runs` = n at most n run at once, and when all n are busy a new
   * run waits, up to maximumWaitingRuns, else 10 + n (logic-apps-limits-and-config.md "Maximum
   * waiting runs"). A firing beyond that is rejected: 429, no run ("To ensure all triggers result
   * in flow runs, leave the Concurrency Control setting off").
   */
  private admit(flow: ActiveFlow): { waiting: boolean; ready: Promise<void> } {
    const c = flow.trigger.runtimeConfiguration?.concurrency;
    const limit = c?.runs;
    if (!limit || (flow.running < limit && flow.queue.length === 0)) {
      flow.running++;
      return { waiting: false, ready: Promise.resolve() };
    }
    const cap = waitingRunCap(limit, c?.maximumWaitingRuns);
    if (flow.queue.length >= cap) {
      throw new FlowServiceError(
        429,
        "WorkflowRunsQueueFull",
        `The flow '${flow.name}' already has ${flow.running} running and ${flow.queue.length} waiting runs, the most its trigger concurrency (${limit}) allows (${cap} waiting); the trigger call was rejected and started no run.`,
      );
    }
    let start!: () => void;
    const ready = new Promise<void>((r) => (start = r));
    flow.queue.push(() => {
      flow.running++;
      start();
    });
    return { waiting: true, ready };
  }

  private release(flow: ActiveFlow): void {
    flow.running--;
    const next = flow.queue.shift();
    if (next) next();
  }

  /** Resolve definition.parameters: environment variables from Dataverse (current value, else default). */
  async resolveParameters(flow: ActiveFlow): Promise<{ values: Record<string, Value>; sources: RunRecord["parameterSources"] }> {
    const values: Record<string, Value> = {};
    const sources: NonNullable<RunRecord["parameterSources"]> = {};
    for (const [name, p] of Object.entries(flow.definition.parameters ?? {})) {
      if (name === "$connections") {
        const conns: ValueObject = {};
        for (const [k, rc] of flow.connections) conns[k] = { connectionId: `/providers/Microsoft.PowerApps/apis/${rc.connection.apiName}/connections/${rc.connection.id}`, connectionName: rc.connection.id, id: `/providers/Microsoft.PowerApps/apis/${rc.connection.apiName}` };
        values[name] = conns;
        continue;
      }
      if (name === "$authentication") {
        values[name] = {};
        continue;
      }
      const schemaName = p?.metadata?.schemaName;
      let raw: Value | undefined = (p?.defaultValue ?? null) as Value;
      let source: "current value" | "default value" | "definition default" = "definition default";
      if (schemaName && this.dataverse) {
        const ev = await this.withTransportRetries(() => this.dataverse!.environmentVariable(schemaName));
        if (ev && ev.value !== null) {
          raw = ev.value;
          source = ev.source;
        }
      }
      values[name] = convertParameter(name, p?.type ?? "String", raw);
      if (schemaName) sources[schemaName] = source;
    }
    return { values, sources };
  }

  /**
   * Power Automate resolves environment variables inside the service, where they do not fail for a
   * busy network. Here they are read from the Dataverse emulator, so a connection the loopback refused
   * under a burst (ECONNRESET when the accept queue is full) is tried again, five times at most.
   */
  private async withTransportRetries<T>(read: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await read();
      } catch (e) {
        if (attempt >= 4 || !/ECONNRESET|ECONNREFUSED|socket hang up|EPIPE/.test((e as Error).message)) throw e;
        await new Promise((r) => setTimeout(r, 20 * 2 ** attempt));
      }
    }
  }

  private startRun(flow: ActiveFlow, trigger: TriggerRecord, parentRunId?: string): StartedRun {
    const slot = this.admit(flow);
    const run: RunRecord = {
      id: this.newRunId(),
      workflowId: flow.id,
      workflowName: flow.name,
      status: slot.waiting ? "Waiting" : "Running",
      startTime: this.iso(),
      trigger,
      actions: {},
      correlationId: this.guid(),
      ...(parentRunId ? { parentRunId } : {}),
    };
    this.runs.add(run);
    this.journal?.started(run);
    this.recordFiring(flow, "Fired", run.id);
    let responded = false;
    let resolveResponse!: (r: { statusCode: number; headers: Record<string, string>; body: Value } | undefined) => void;
    const response = new Promise<{ statusCode: number; headers: Record<string, string>; body: Value } | undefined>((r) => (resolveResponse = r));
    const services: ExecutorServices = {
      now: () => this.now(),
      newGuid: () => this.guid(),
      random: () => (this.options.random ?? Math.random)(),
      sleep: (ms) => this.sleep(ms),
      http: (r) => this.http(r),
      invokeConnector: (r) => this.invokeConnector(flow, r),
      invokeChildFlow: (r) => this.invokeChild(r),
      respond: (r) => {
        if (responded) return false;
        responded = true;
        resolveResponse(r);
        return true;
      },
      listCallbackUrl: () => flow.callbackUrl,
      environmentName: this.options.environmentName ?? "sandbox",
    };
    const done = (async () => {
      try {
        await slot.ready;
        run.status = "Running";
        let params: Awaited<ReturnType<FlowRunner["resolveParameters"]>>;
        try {
          params = await this.resolveParameters(flow);
        } catch (e) {
          run.status = "Failed";
          run.error = { code: "ParameterResolutionFailed", message: `Resolving the flow's parameters (environment variables) failed: ${(e as Error).message}` };
          run.endTime = this.iso();
          return run;
        }
        if (params.sources && Object.keys(params.sources).length) run.parameterSources = params.sources;
        const ex = new RunExecutor({ definition: flow.definition, run, displayName: flow.name, parameters: params.values, services });
        await ex.execute();
        return run;
      } catch (e) {
        run.status = "Failed";
        run.error = { code: "InternalError", message: (e as Error).message };
        run.endTime = this.iso();
        return run;
      } finally {
        run.requests = countRequests(run);
        this.journal?.ended(run);
        this.release(flow);
        if (!responded) {
          responded = true;
          resolveResponse(undefined);
        }
        try {
          this.options.onRunFinished?.(run);
        } catch {
          // a listener's failure is not the run's
        }
      }
    })();
    return { run, done, response };
  }

  private async invokeConnector(flow: ActiveFlow, r: { connectionName: string; apiId?: string; operationId: string; parameters: Record<string, Value>; correlationId: string }): Promise<HttpResult> {
    const rc = flow.connections.get(r.connectionName);
    if (!rc) throw new ConnectorError(`The connection '${r.connectionName}' is not one of the flow's connection references.`, 400, "ConnectionNotFound");
    const c = this.connections.get(rc.connection.id);
    if (!c) throw new ConnectorError(`The connection '${rc.connection.id}' was deleted.`, 400, "ConnectionNotFound");
    const api = r.apiId ? apiNameOf(r.apiId) : c.apiName;
    if (api !== c.apiName) throw new ConnectorError(`The action calls API '${api}' through connection '${c.id}', which is a '${c.apiName}' connection.`, 400, "ConnectionApiMismatch");
    const connector = CONNECTORS.get(c.apiName)!;
    return connector.invoke({ connection: c, operationId: r.operationId, parameters: r.parameters, correlationId: r.correlationId, http: this.http });
  }

  /** Wait for every run in progress (tests call this before closing). */
  async idle(): Promise<void> {
    for (let i = 0; i < 1000; i++) {
      const running = this.runs.list().filter((r) => r.status === "Running" || r.status === "Waiting");
      if (!running.length) return;
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  async close(): Promise<void> {
    for (const id of [...this.flows.keys()]) await this.deactivate(id);
    this.journal?.close();
  }
}

// ---------------------------------------------------------------- helpers

function connectionUrl(c: Connection): string {
  for (const k of ["environmentUrl", "baseUrl", "url"]) if (typeof c.parameters[k] === "string") return String(c.parameters[k]);
  return "";
}

export function childFlowCalls(actions: Record<string, ActionDefinition>): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const walk = (defs: Record<string, ActionDefinition> | undefined) => {
    for (const [n, d] of Object.entries(defs ?? {})) {
      if (String(d.type).toLowerCase() === "workflow") {
        const id = (d.inputs as { host?: { workflowReferenceName?: string } } | undefined)?.host?.workflowReferenceName;
        if (id) out.push([n, id]);
      }
      walk(d.actions);
      walk(d.else?.actions);
      for (const c of Object.values(d.cases ?? {})) walk(c.actions);
      walk(d.default?.actions);
    }
  };
  walk(actions);
  return out;
}

export function hasActionOfType(actions: Record<string, ActionDefinition>, type: string): boolean {
  for (const d of Object.values(actions ?? {})) {
    if (String(d.type).toLowerCase() === type) return true;
    if (hasActionOfType(d.actions ?? {}, type) || hasActionOfType(d.else?.actions ?? {}, type) || hasActionOfType(d.default?.actions ?? {}, type)) return true;
    for (const c of Object.values(d.cases ?? {})) if (hasActionOfType(c.actions ?? {}, type)) return true;
  }
  return false;
}

function matchRelativePath(pattern: string, actual: string): Record<string, string> | undefined {
  const ps = pattern.replace(/^\/+|\/+$/g, "").split("/");
  const as = actual.replace(/^\/+|\/+$/g, "").split("/");
  if (ps.length !== as.length) return undefined;
  const out: Record<string, string> = {};
  for (let i = 0; i < ps.length; i++) {
    const m = /^\{(.+)\}$/.exec(ps[i]);
    if (m) out[m[1]] = decodeURIComponent(as[i]);
    else if (ps[i].toLowerCase() !== as[i].toLowerCase()) return undefined;
  }
  return out;
}

/** Definition parameter types: String, Bool, Int, Float, Object, Array, SecureString, SecureObject. */
export function convertParameter(name: string, type: string, raw: Value | undefined): Value {
  if (raw === undefined || raw === null) return null;
  const t = type.toLowerCase();
  const text = typeof raw === "string" ? raw.trim() : undefined;
  const bad = () => new FlowServiceError(400, "InvalidParameterValue", `The value '${stringify(raw)}' of parameter '${name}' cannot be converted to type '${type}'.`);
  switch (t) {
    case "bool":
    case "boolean":
      if (typeof raw === "boolean") return raw;
      if (text !== undefined) {
        if (/^(true|yes|1)$/i.test(text)) return true;
        if (/^(false|no|0)$/i.test(text)) return false;
      }
      throw bad();
    case "int":
    case "integer":
      if (typeof raw === "number" && Number.isInteger(raw)) return raw;
      if (text !== undefined && /^[+-]?\d+$/.test(text)) return Number(text);
      throw bad();
    case "float":
    case "number":
    case "decimal":
      if (typeof raw === "number") return raw;
      if (text !== undefined && text !== "" && !Number.isNaN(Number(text))) {
        const n = Number(text);
        return Number.isInteger(n) ? new WdlFloat(n) : n;
      }
      throw bad();
    case "object":
    case "array":
    case "secureobject":
      if (text !== undefined) {
        try {
          return parseJsonValue(text);
        } catch {
          throw bad();
        }
      }
      return raw;
    default:
      return typeof raw === "string" ? raw : stringify(raw);
  }
}

/**
 * The body the Dataverse emulator posts for a change: the row itself, or a wrapper
 * ({ entity | Target | InputParameters }). Adds SdkMessage from the message name when known.
 */
export function normalizeNotification(body: Value, headers: Record<string, string>): Value {
  let row: Value = body;
  if (isObject(body)) {
    if (isObject(body.row ?? null)) row = body.row;
    else if (isObject(body.entity ?? null)) row = body.entity;
    else if (isObject(body.Target ?? null)) row = body.Target;
    const message = body.SdkMessage ?? body.MessageName ?? header(headers, "x-ms-dynamics-msg-name") ?? header(headers, "x-ms-sdk-message");
    if (isObject(row) && message !== undefined && row.SdkMessage === undefined) row = { ...row, SdkMessage: stringify(message as Value) };
  }
  return row;
}
