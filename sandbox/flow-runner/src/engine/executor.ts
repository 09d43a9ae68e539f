/**
 * Executes one run of a workflow definition: actions in runAfter order (parallel branches run
 * concurrently), per-action inputs/outputs/status/error like Power Automate's run history, scopes,
 * conditions, loops, variables, retries, child flows and connector calls.
 *
 * Status rules (learn.microsoft.com/azure/logic-apps/logic-apps-exception-handling#manage-the-run-after-behavior):
 * an action whose runAfter statuses are not met is Skipped; a scope's (and the run's) status comes
 * from the last action of each branch, a Skipped last action taking the status of its predecessors;
 * any branch ending in failure makes the scope Failed.
 */
import {
  EvalContext,
  evaluateString,
  evaluateValue,
  ExpressionError,
  WorkflowAccess,
} from "../expression";
import { parseJsonValue } from "../expression/json";
import {
  cloneValue,
  deepEqual,
  isBinary,
  isIntegerValue,
  isNumber,
  isObject,
  makeFloat,
  stringify,
  toNumber,
  typeName,
  Value,
  ValueObject,
  WdlFloat,
} from "../expression/values";
import { compareValues } from "../expression/functions";
import { ConnectorError, header, HttpResult, HttpTransportError, statusCodeName } from "../connectors";
import { evaluateCondition } from "./conditions";
import { isRetryable, parseDuration, resolvePolicy, retryAfterMs, retryDelay, DurationError } from "./retry";
import { validateSchema } from "./schema";
import { ActionDefinition, ActionRecord, ErrorInfo, IterationRecord, RetryAttempt, RunRecord, StatusName, WorkflowDefinition } from "./types";

export interface ChildFlowResult {
  statusCode: number;
  headers: Record<string, string>;
  body: Value;
  runId?: string;
  error?: ErrorInfo;
}

export interface ExecutorServices {
  /** The injectable clock: ms since the epoch or an ISO timestamp. */
  now(): number | string;
  newGuid(): string;
  random(): number;
  /** Waits (retry back-off, Wait action, Until); tests inject a recorder. */
  sleep(ms: number): Promise<void>;
  http(req: { method: string; url: string; headers: Record<string, string>; body?: unknown }): Promise<HttpResult>;
  invokeConnector(req: {
    connectionName: string;
    apiId?: string;
    operationId: string;
    parameters: Record<string, Value>;
    correlationId: string;
  }): Promise<HttpResult>;
  invokeChildFlow(req: { workflowId: string; triggerName?: string; body: Value; headers: Record<string, string>; parentRunId: string }): Promise<ChildFlowResult>;
  /** Deliver a Response action to whoever triggered the run (HTTP caller or parent flow). */
  respond(res: { statusCode: number; headers: Record<string, string>; body: Value }): boolean;
  listCallbackUrl(): string | undefined;
  environmentName: string;
}

export interface ExecutorInput {
  definition: WorkflowDefinition;
  run: RunRecord;
  displayName: string;
  parameters: Record<string, Value>;
  services: ExecutorServices;
}

interface Frame {
  parent?: Frame;
  results: Map<string, ActionRecord>;
  loop?: { name: string; kind: "foreach" | "until"; item?: Value; index: number };
  /** item() inside Query / Select. */
  item?: { value: Value };
  repetition: number[];
}

class ActionFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly outputs?: unknown,
  ) {
    super(message);
  }
}

type Handler = (def: ActionDefinition, rec: ActionRecord, frame: Frame, ex: RunExecutor) => Promise<void>;

const SECURED = "Content not shown due to security configuration.";

const ms = (v: number | string): number => (typeof v === "number" ? v : Date.parse(v));

export class RunExecutor {
  private readonly defs = new Map<string, { def: ActionDefinition; parent?: string }>();
  private readonly lastRecords = new Map<string, ActionRecord>();
  private readonly variables = new Map<string, { type: string; value: Value }>();
  private termination?: { status: StatusName; error?: ErrorInfo };
  readonly run: RunRecord;

  constructor(private readonly input: ExecutorInput) {
    this.run = input.run;
    indexActions(input.definition.actions ?? {}, this.defs);
  }

  nowMs(): number {
    return ms(this.input.services.now());
  }
  iso(): string {
    return new Date(this.nowMs()).toISOString();
  }

  async execute(): Promise<RunRecord> {
    const root: Frame = { results: new Map(), repetition: [] };
    const started = this.nowMs();
    const status = await this.runGraph(this.input.definition.actions ?? {}, root, this.run.actions);
    const run = this.run;
    if (this.termination) {
      run.status = this.termination.status;
      if (this.termination.error) run.error = this.termination.error;
    } else {
      run.status = status === "Succeeded" || status === "Skipped" ? "Succeeded" : "Failed";
      if (run.status === "Failed") run.error = { code: "ActionFailed", message: "An action failed. No dependent actions succeeded." };
    }
    run.endTime = this.iso();
    run.durationMs = Math.max(0, this.nowMs() - started);
    return run;
  }

  // ------------------------------------------------------------ expression access

  evalContext(frame: Frame, current?: ActionRecord): EvalContext {
    const s = this.input.services;
    const ex = this;
    const workflow: WorkflowAccess = {
      trigger: () => {
        const t = ex.run.trigger;
        return {
          name: t.name,
          inputs: (t.inputs ?? null) as Value,
          outputs: t.outputs as unknown as Value,
          startTime: t.startTime,
          endTime: t.endTime,
          scheduledTime: t.startTime,
          trackingId: ex.run.correlationId,
          clientTrackingId: ex.run.correlationId,
          code: t.code ?? "OK",
          status: t.status,
        };
      },
      action: (name) => ex.actionObject(name, frame),
      variable: (name) => {
        const v = ex.findVariable(name);
        if (!v) throw new ExpressionError(`The variable '${name}' doesn't exist. Initialize it with an 'Initialize variable' action at the top level of the flow.`);
        return cloneValue(v.value);
      },
      parameter: (name) => {
        if (!Object.prototype.hasOwnProperty.call(ex.input.parameters, name)) {
          throw new ExpressionError(`The workflow parameter '${name}' is not found.`);
        }
        return cloneValue(ex.input.parameters[name]);
      },
      item: () => {
        for (let f: Frame | undefined = frame; f; f = f.parent) {
          if (f.item) return f.item.value;
          if (f.loop?.kind === "foreach") return f.loop.item ?? null;
        }
        throw new ExpressionError("The template language function 'item' must be used inside a 'foreach' loop or a 'Select'/'Filter array' action.");
      },
      items: (name) => {
        for (let f: Frame | undefined = frame; f; f = f.parent) if (f.loop?.kind === "foreach" && f.loop.name === name) return f.loop.item ?? null;
        throw new ExpressionError(`The template language function 'items' must be called from within a 'foreach' loop named '${name}'.`);
      },
      iterationIndexes: (name) => {
        for (let f: Frame | undefined = frame; f; f = f.parent) if (f.loop && f.loop.name === name) return f.loop.index;
        throw new ExpressionError(`The template language function 'iterationIndexes' must be called from within an 'Until' loop named '${name}'.`);
      },
      result: (name) => ex.resultOf(name, frame),
      workflow: () => ({
        id: `/workflows/${ex.run.workflowId}`,
        name: ex.run.workflowId,
        type: "Microsoft.Logic/workflows",
        location: "sandbox",
        run: { id: `/workflows/${ex.run.workflowId}/runs/${ex.run.id}`, name: ex.run.id, type: "Microsoft.Logic/workflows/runs" },
        tags: { flowDisplayName: ex.input.displayName, environmentName: s.environmentName, logicAppName: ex.run.workflowId },
      }),
      listCallbackUrl: () => s.listCallbackUrl() ?? null,
      currentAction: () => (current ? toActionObject(current) : null),
    };
    return { now: () => s.now(), newGuid: () => s.newGuid(), random: () => s.random(), workflow };
  }

  private findVariable(name: string) {
    return this.variables.get(name) ?? [...this.variables.entries()].find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
  }

  private findRecord(name: string, frame: Frame): ActionRecord | undefined {
    for (let f: Frame | undefined = frame; f; f = f.parent) {
      const r = f.results.get(name);
      if (r) return r;
    }
    return this.lastRecords.get(name);
  }

  private actionObject(name: string, frame: Frame): Value {
    const rec = this.findRecord(name, frame);
    if (rec) return toActionObject(rec);
    if (this.defs.has(name)) return { name, type: this.defs.get(name)!.def.type, status: "Skipped", inputs: null, outputs: null, code: "NotRun" };
    throw new ExpressionError(`The action '${name}' referenced by the expression is not defined in the template.`);
  }

  private resultOf(name: string, frame: Frame): Value {
    const rec = this.findRecord(name, frame);
    const d = this.defs.get(name);
    if (!d) throw new ExpressionError(`The template language function 'result' expects the name of a Scope, Foreach, Until, If or Switch action; '${name}' is not defined in the template.`);
    if (!rec) return [];
    if (rec.iterations) {
      const names = Object.keys(d.def.actions ?? {});
      return names.map((n) => ({
        name: n,
        outputs: rec.iterations!.filter((it) => it.actions[n]).map((it) => toActionObject(it.actions[n])),
        status: aggregateStatus(rec.iterations!.map((it) => it.actions[n]?.status).filter(Boolean) as StatusName[]),
      }));
    }
    return Object.values(rec.actions ?? {}).map((r) => toActionObject(r));
  }

  // ------------------------------------------------------------ graph scheduling

  async runGraph(defs: Record<string, ActionDefinition>, frame: Frame, out: Record<string, ActionRecord>): Promise<StatusName> {
    const names = Object.keys(defs);
    const status = new Map<string, StatusName>();
    const started = new Set<string>();
    const running = new Map<string, Promise<void>>();
    const lower = new Map(names.map((n) => [n.toLowerCase(), n]));
    const depsOf = (n: string) => Object.entries(defs[n].runAfter ?? {}).map(([d, st]) => [lower.get(d.toLowerCase()) ?? d, st] as const);

    for (;;) {
      let progressed = false;
      for (const n of names) {
        if (started.has(n) || this.termination) continue;
        const deps = depsOf(n);
        const missing = deps.find(([d]) => !defs[d]);
        if (missing) {
          started.add(n);
          progressed = true;
          const rec = this.failedRecord(n, defs[n], frame, "InvalidTemplate", `The 'runAfter' property of action '${n}' refers to action '${missing[0]}', which is not in the same scope.`);
          out[n] = rec;
          status.set(n, rec.status);
          continue;
        }
        if (!deps.every(([d]) => status.has(d))) continue;
        started.add(n);
        progressed = true;
        const unmet = deps.find(([d, allowed]) => !allowedStatuses(allowed).includes(status.get(d)!));
        if (unmet) {
          const rec = this.skippedRecord(
            n,
            defs[n],
            frame,
            "ActionConditionFailed",
            `The execution of template action '${n}' is skipped: the 'runAfter' condition for action '${unmet[0]}' is not satisfied. Expected status values '${allowedStatuses(unmet[1]).join(", ")}' and actual value '${status.get(unmet[0])}'.`,
          );
          out[n] = rec;
          status.set(n, "Skipped");
          continue;
        }
        const p = this.runAction(n, defs[n], frame).then((rec) => {
          out[n] = rec;
          status.set(n, rec.status);
          running.delete(n);
        });
        running.set(n, p);
      }
      if (progressed) continue;
      if (running.size === 0) break;
      await Promise.race(running.values());
    }
    // actions never reached (a runAfter cycle) fail; actions after a Terminate are not run
    for (const n of names) {
      if (started.has(n) || this.termination) continue;
      const rec = this.failedRecord(n, defs[n], frame, "InvalidTemplate", `The action '${n}' was never run: its 'runAfter' dependencies form a cycle.`);
      out[n] = rec;
      status.set(n, "Failed");
    }
    // keep definition order in the history (records of skipped branches stay after them)
    const ordered: Record<string, ActionRecord> = {};
    for (const n of names) if (out[n]) ordered[n] = out[n];
    for (const k of Object.keys(out)) if (!(k in ordered)) ordered[k] = out[k];
    for (const k of Object.keys(out)) delete out[k];
    Object.assign(out, ordered);
    return graphStatus(defs, status, depsOf);
  }

  private baseRecord(name: string, def: ActionDefinition, frame: Frame): ActionRecord {
    return {
      name,
      type: def.type,
      status: "Running",
      trackingId: this.input.services.newGuid(),
      clientTrackingId: this.run.correlationId,
      ...(frame.repetition.length ? { repetition: [...frame.repetition] } : {}),
    };
  }

  private skippedRecord(name: string, def: ActionDefinition, frame: Frame, code: string, message: string): ActionRecord {
    const now = this.iso();
    const rec: ActionRecord = { ...this.baseRecord(name, def, frame), status: "Skipped", code, startTime: now, endTime: now, durationMs: 0, error: { code, message } };
    frame.results.set(name, rec);
    this.lastRecords.set(name, rec);
    return rec;
  }

  private failedRecord(name: string, def: ActionDefinition, frame: Frame, code: string, message: string): ActionRecord {
    const now = this.iso();
    const rec: ActionRecord = { ...this.baseRecord(name, def, frame), status: "Failed", code, startTime: now, endTime: now, durationMs: 0, error: { code, message } };
    frame.results.set(name, rec);
    this.lastRecords.set(name, rec);
    return rec;
  }

  /** Records for the actions of a branch that did not run (If else-branch, other Switch cases). */
  skipBranch(defs: Record<string, ActionDefinition> | undefined, frame: Frame, out: Record<string, ActionRecord>): void {
    for (const [n, d] of Object.entries(defs ?? {})) {
      out[n] = this.skippedRecord(n, d, frame, "ActionBranchingConditionNotSatisfied", `The execution of template action '${n}' skipped: the branching condition for this action is not satisfied.`);
    }
  }

  async runAction(name: string, def: ActionDefinition, frame: Frame): Promise<ActionRecord> {
    const rec = this.baseRecord(name, def, frame);
    const start = this.nowMs();
    rec.startTime = new Date(start).toISOString();
    frame.results.set(name, rec);
    const handler = HANDLERS[String(def.type ?? "").toLowerCase()];
    try {
      if (!handler) throw new ActionFailure("InvalidTemplate", `The action type '${def.type}' of action '${name}' is not supported by the flow runner.`);
      const timeout = def.limit?.timeout && !/^until$/i.test(def.type) ? parseDuration(def.limit.timeout) : undefined;
      if (timeout !== undefined) {
        let timedOut = false;
        await Promise.race([
          handler(def, rec, frame, this),
          this.input.services.sleep(timeout).then(() => {
            timedOut = true;
          }),
        ]);
        if (timedOut && rec.status === "Running") {
          rec.status = "TimedOut";
          rec.code = "ActionTimedOut";
          rec.error = { code: "ActionTimedOut", message: `The action '${name}' timed out after ${def.limit!.timeout}.` };
        }
      } else await handler(def, rec, frame, this);
      if (rec.status === "Running") rec.status = "Succeeded";
    } catch (e) {
      rec.status = "Failed";
      if (e instanceof ActionFailure) {
        rec.error = { code: e.code, message: e.message };
        if (e.outputs !== undefined) rec.outputs = e.outputs;
      } else if (e instanceof ExpressionError) {
        rec.error = { code: "InvalidTemplate", message: `Unable to process template language expressions in action '${name}' inputs at line '0' and column '0': '${e.message}'.` };
      } else if (e instanceof ConnectorError) {
        rec.error = { code: e.code, message: e.message };
      } else if (e instanceof HttpTransportError) {
        rec.error = { code: e.code, message: e.message };
      } else if (e instanceof DurationError) {
        rec.error = { code: "InvalidTemplate", message: e.message };
      } else {
        rec.error = { code: "InternalError", message: (e as Error)?.message ?? String(e) };
      }
      rec.code = rec.error.code;
    }
    const secure = def.runtimeConfiguration?.secureData as { properties?: string[] } | undefined;
    if (secure?.properties?.includes("inputs") && rec.inputs !== undefined) rec.inputs = SECURED;
    if (secure?.properties?.includes("outputs") && rec.outputs !== undefined) rec.outputs = SECURED;
    const end = this.nowMs();
    rec.endTime = new Date(end).toISOString();
    rec.durationMs = Math.max(0, end - start);
    rec.code ??= rec.status === "Succeeded" ? (outputStatusCode(rec.outputs) ?? "OK") : rec.status;
    this.lastRecords.set(name, rec);
    return rec;
  }

  /** Evaluate an action's inputs (or any JSON value) in a frame. */
  evaluate(v: unknown, frame: Frame, rec?: ActionRecord): Value {
    return evaluateValue(v, this.evalContext(frame, rec));
  }

  condition(cond: unknown, frame: Frame): boolean {
    return evaluateCondition(cond, this.evalContext(frame));
  }

  // ------------------------------------------------------------ variables

  initVariable(name: string, type: string, value: Value | undefined): void {
    if (this.findVariable(name)) throw new ActionFailure("InvalidVariable", `The variable '${name}' has already been initialized.`);
    this.variables.set(name, { type: normalizeType(type, name), value: coerceVariable(name, normalizeType(type, name), value) });
  }
  getVariable(name: string) {
    const v = this.findVariable(name);
    if (!v) throw new ActionFailure("InvalidTemplate", `The variable '${name}' doesn't exist. Initialize it with an 'Initialize variable' action at the top level of the flow.`);
    return v;
  }
  setVariable(name: string, value: Value): Value {
    const v = this.getVariable(name);
    v.value = coerceVariable(name, v.type, value);
    return v.value;
  }

  // ------------------------------------------------------------ termination, response, calls

  terminate(status: StatusName, error?: ErrorInfo): void {
    this.termination = { status, error };
  }
  get terminated(): boolean {
    return !!this.termination;
  }

  get services(): ExecutorServices {
    return this.input.services;
  }

  /** Send a request, retrying per the policy on 408/429/5xx and transport errors. */
  async withRetry(policyDef: unknown, rec: ActionRecord, attempt: () => Promise<HttpResult>): Promise<HttpResult> {
    const policy = resolvePolicy(policyDef);
    const history: RetryAttempt[] = [];
    for (let n = 0; ; n++) {
      const startTime = this.iso();
      let res: HttpResult | undefined;
      let transport: HttpTransportError | undefined;
      try {
        res = await attempt();
      } catch (e) {
        if (!(e instanceof HttpTransportError)) throw e;
        transport = e;
      }
      const status = res?.statusCode ?? 0;
      const retryable = transport ? true : isRetryable(status);
      if (!retryable || n >= policy.count) {
        if (history.length) rec.retryHistory = history;
        if (transport) throw transport;
        return res!;
      }
      const fromHeader = status === 429 || status === 503 ? retryAfterMs(header(res?.headers, "Retry-After"), this.nowMs()) : undefined;
      const delayMs = fromHeader ?? retryDelay(policy, n + 1, this.input.services.random);
      history.push({
        startTime,
        endTime: this.iso(),
        code: transport ? transport.code : statusCodeName(status),
        ...(res ? { statusCode: status } : {}),
        delayMs,
        delaySource: fromHeader !== undefined ? "Retry-After" : "policy",
        error: transport ? { code: transport.code, message: transport.message } : errorFromBody(res!),
      });
      await this.input.services.sleep(delayMs);
    }
  }
}

// ---------------------------------------------------------------- helpers

function indexActions(actions: Record<string, ActionDefinition>, out: Map<string, { def: ActionDefinition; parent?: string }>, parent?: string): void {
  for (const [n, d] of Object.entries(actions ?? {})) {
    out.set(n, { def: d, parent });
    indexActions(d.actions ?? {}, out, n);
    indexActions(d.else?.actions ?? {}, out, n);
    for (const c of Object.values(d.cases ?? {})) indexActions(c.actions ?? {}, out, n);
    indexActions(d.default?.actions ?? {}, out, n);
  }
}

export function allowedStatuses(list: readonly string[] | undefined): StatusName[] {
  if (!list || list.length === 0) return ["Succeeded"];
  return list.map((s) => {
    const k = s.toLowerCase();
    return (["Succeeded", "Failed", "Skipped", "TimedOut"].find((x) => x.toLowerCase() === k) ?? s) as StatusName;
  });
}

function graphStatus(
  defs: Record<string, ActionDefinition>,
  status: Map<string, StatusName>,
  depsOf: (n: string) => ReadonlyArray<readonly [string, string[]]>,
): StatusName {
  const names = Object.keys(defs).filter((n) => status.has(n));
  if (!names.length) return "Succeeded";
  const hasSuccessor = new Set<string>();
  for (const n of names) for (const [d] of depsOf(n)) hasSuccessor.add(d);
  const memo = new Map<string, StatusName>();
  const eff = (n: string, seen = new Set<string>()): StatusName => {
    const m = memo.get(n);
    if (m) return m;
    const st = status.get(n) ?? "Skipped";
    let r: StatusName;
    if (st !== "Skipped") r = st;
    else {
      seen.add(n);
      const preds = depsOf(n).map(([d]) => d).filter((d) => status.has(d) && !seen.has(d));
      r = preds.length ? aggregateStatus(preds.map((d) => eff(d, seen))) : "Succeeded";
    }
    memo.set(n, r);
    return r;
  };
  return aggregateStatus(names.filter((n) => !hasSuccessor.has(n)).map((n) => eff(n)));
}

function aggregateStatus(list: StatusName[]): StatusName {
  if (list.some((s) => s === "Failed" || s === "Aborted")) return "Failed";
  if (list.some((s) => s === "TimedOut")) return "TimedOut";
  if (list.some((s) => s === "Cancelled")) return "Cancelled";
  return "Succeeded";
}

export function toActionObject(r: ActionRecord): Value {
  const o: ValueObject = {
    name: r.name,
    type: r.type,
    inputs: (r.inputs ?? null) as Value,
    outputs: (r.outputs ?? null) as Value,
    startTime: r.startTime ?? null,
    endTime: r.endTime ?? null,
    trackingId: r.trackingId,
    clientTrackingId: r.clientTrackingId,
    code: r.code ?? null,
    status: r.status,
  };
  if (r.error) o.error = { code: r.error.code, message: r.error.message };
  return o;
}

function outputStatusCode(o: unknown): string | undefined {
  if (isObject(o as Value) && typeof (o as ValueObject).statusCode === "number") return statusCodeName((o as ValueObject).statusCode as number);
  return undefined;
}

function errorFromBody(res: HttpResult): ErrorInfo {
  const b = res.body;
  if (isObject(b)) {
    const e = b.error;
    if (isObject(e) && typeof e.message === "string") return { code: typeof e.code === "string" ? e.code : statusCodeName(res.statusCode), message: e.message };
    if (typeof b.message === "string") return { code: statusCodeName(res.statusCode), message: b.message };
  }
  const text = typeof b === "string" ? b : b === null ? "" : stringify(b);
  return { code: statusCodeName(res.statusCode), message: text ? text.slice(0, 1024) : `The service answered ${res.statusCode} ${statusCodeName(res.statusCode)}.` };
}

const VAR_TYPES = ["Boolean", "Integer", "Float", "String", "Array", "Object"];

function normalizeType(t: string, name: string): string {
  const hit = VAR_TYPES.find((x) => x.toLowerCase() === String(t ?? "").toLowerCase());
  if (!hit) throw new ActionFailure("InvalidVariableType", `The variable '${name}' has type '${t}', which is not one of ${VAR_TYPES.join(", ")}.`);
  return hit;
}

function coerceVariable(name: string, type: string, v: Value | undefined): Value {
  if (v === undefined) return type === "Integer" ? 0 : type === "Float" ? new WdlFloat(0) : type === "String" ? "" : type === "Array" ? [] : type === "Object" ? {} : false;
  if (v === null) return null;
  const bad = () =>
    new ActionFailure(
      "InvalidVariableValue",
      `The variable '${name}' of type '${type}' cannot be initialized or updated with value '${stringify(v).slice(0, 200)}' of type '${typeName(v)}'. The variable '${name}' only supports values of type '${type}'.`,
    );
  switch (type) {
    case "Boolean":
      if (typeof v === "boolean") return v;
      if (typeof v === "string" && /^(true|false)$/i.test(v)) return v.toLowerCase() === "true";
      throw bad();
    case "Integer":
      if (isIntegerValue(v)) return v;
      if (typeof v === "string" && /^\s*[+-]?\d+\s*$/.test(v)) return Number(v);
      throw bad();
    case "Float":
      if (isNumber(v)) return makeFloat(toNumber(v));
      if (typeof v === "string" && v.trim() !== "" && !Number.isNaN(Number(v))) return makeFloat(Number(v));
      throw bad();
    case "String":
      if (typeof v === "string") return v;
      throw bad();
    case "Array":
      if (Array.isArray(v)) return v;
      throw bad();
    case "Object":
      if (isObject(v)) return v;
      throw bad();
  }
  return v;
}

// ---------------------------------------------------------------- action handlers

const obj = (v: Value, what: string): ValueObject => {
  if (!isObject(v)) throw new ActionFailure("InvalidTemplate", `The inputs of ${what} must be an object.`);
  return v;
};

function httpOutputs(res: HttpResult): ValueObject {
  return { statusCode: res.statusCode, headers: res.headers as unknown as Value, body: res.body };
}

function failOnStatus(rec: ActionRecord, res: HttpResult): void {
  rec.outputs = httpOutputs(res);
  if (res.statusCode >= 400) {
    const e = errorFromBody(res);
    throw new ActionFailure(statusCodeName(res.statusCode), e.message, httpOutputs(res));
  }
}

async function runLoopBody(
  ex: RunExecutor,
  def: ActionDefinition,
  parent: Frame,
  loop: NonNullable<Frame["loop"]>,
): Promise<IterationRecord> {
  const frame: Frame = { parent, results: new Map(), loop, repetition: [...parent.repetition, loop.index] };
  const actions: Record<string, ActionRecord> = {};
  const status = await ex.runGraph(def.actions ?? {}, frame, actions);
  return { index: loop.index, ...(loop.kind === "foreach" ? { item: loop.item } : {}), status, actions };
}

const scopeFailure = () => new ActionFailure("ActionFailed", "An action failed. No dependent actions succeeded.");

export const HANDLERS: Record<string, Handler> = {
  async compose(def, rec, frame, ex) {
    const v = ex.evaluate(def.inputs, frame, rec);
    rec.inputs = v;
    rec.outputs = v;
  },

  async initializevariable(def, rec, frame, ex) {
    const inputs = obj(ex.evaluate(def.inputs, frame, rec), "Initialize variable");
    rec.inputs = inputs;
    const vars = inputs.variables;
    if (!Array.isArray(vars) || !vars.length) throw new ActionFailure("InvalidTemplate", "The inputs of 'Initialize variable' must have a 'variables' array.");
    if (frame.loop || frame.parent) throw new ActionFailure("InvalidTemplate", "Variables can only be initialized at the top level of a flow, not inside a scope, condition or loop.");
    for (const v of vars) {
      const o = obj(v, "a variable declaration");
      ex.initVariable(String(o.name), String(o.type), o.value);
    }
  },

  async setvariable(def, rec, frame, ex) {
    const inputs = obj(ex.evaluate(def.inputs, frame, rec), "Set variable");
    rec.inputs = inputs;
    const value = ex.setVariable(String(inputs.name), inputs.value ?? null);
    rec.outputs = { body: { value } };
  },

  async incrementvariable(def, rec, frame, ex) {
    await step(def, rec, frame, ex, 1);
  },
  async decrementvariable(def, rec, frame, ex) {
    await step(def, rec, frame, ex, -1);
  },

  async appendtoarrayvariable(def, rec, frame, ex) {
    const inputs = obj(ex.evaluate(def.inputs, frame, rec), "Append to array variable");
    rec.inputs = inputs;
    const v = ex.getVariable(String(inputs.name));
    if (v.type !== "Array") throw new ActionFailure("InvalidVariableValue", `The variable '${inputs.name}' is of type '${v.type}'; 'Append to array variable' needs an Array variable.`);
    (v.value as Value[]).push(inputs.value ?? null);
  },

  async appendtostringvariable(def, rec, frame, ex) {
    const inputs = obj(ex.evaluate(def.inputs, frame, rec), "Append to string variable");
    rec.inputs = inputs;
    const v = ex.getVariable(String(inputs.name));
    if (v.type !== "String") throw new ActionFailure("InvalidVariableValue", `The variable '${inputs.name}' is of type '${v.type}'; 'Append to string variable' needs a String variable.`);
    v.value = String(v.value ?? "") + stringify(inputs.value ?? null);
  },

  async if(def, rec, frame, ex) {
    const result = ex.condition(def.expression, frame);
    rec.inputs = { expressionResult: result };
    rec.outputs = { expression: result };
    rec.branch = result ? "actions" : "else";
    rec.actions = {};
    const taken = result ? def.actions : def.else?.actions;
    ex.skipBranch(result ? def.else?.actions : def.actions, frame, rec.actions);
    const st = await ex.runGraph(taken ?? {}, frame, rec.actions);
    if (st === "Failed") throw scopeFailure();
    if (st === "TimedOut") rec.status = "TimedOut";
  },

  async switch(def, rec, frame, ex) {
    const value = ex.evaluate(def.expression, frame, rec);
    if (!(typeof value === "string" || isIntegerValue(value))) {
      throw new ActionFailure("InvalidTemplate", `The 'expression' of Switch action '${rec.name}' must evaluate to a string or an integer; it evaluated to type '${typeName(value)}'.`);
    }
    rec.inputs = { expressionResult: value };
    let chosen: string | undefined;
    for (const [name, c] of Object.entries(def.cases ?? {})) {
      if (deepEqual(c.case as Value, value) || stringify(c.case as Value) === stringify(value)) {
        chosen = name;
        break;
      }
    }
    rec.branch = chosen ?? "default";
    rec.actions = {};
    for (const [name, c] of Object.entries(def.cases ?? {})) if (name !== chosen) ex.skipBranch(c.actions, frame, rec.actions);
    if (chosen) ex.skipBranch(def.default?.actions, frame, rec.actions);
    const st = await ex.runGraph((chosen ? def.cases![chosen].actions : def.default?.actions) ?? {}, frame, rec.actions);
    if (st === "Failed") throw scopeFailure();
  },

  async scope(def, rec, frame, ex) {
    rec.actions = {};
    const st = await ex.runGraph(def.actions ?? {}, frame, rec.actions);
    if (st === "Failed") throw scopeFailure();
    if (st === "TimedOut") rec.status = "TimedOut";
  },

  async foreach(def, rec, frame, ex) {
    const items = ex.evaluate(def.foreach, frame, rec);
    if (!Array.isArray(items)) {
      throw new ActionFailure(
        "InvalidTemplate",
        `The execution of template action '${rec.name}' failed: the result of the evaluation of 'foreach' expression '${String(def.foreach)}' is of type '${typeName(items)}'. The result must be a valid array.`,
      );
    }
    if (items.length > 100000) throw new ActionFailure("InvalidTemplate", `The 'foreach' of action '${rec.name}' has ${items.length} items; the limit is 100000.`);
    rec.inputs = items;
    const sequential = /sequential/i.test(def.operationOptions ?? "");
    const reps = def.runtimeConfiguration?.concurrency?.repetitions;
    const degree = sequential ? 1 : Math.max(1, Math.min(50, reps ?? 20));
    const iterations: IterationRecord[] = new Array(items.length);
    let next = 0;
    const worker = async () => {
      while (next < items.length && !ex.terminated) {
        const i = next++;
        iterations[i] = await runLoopBody(ex, def, frame, { name: rec.name, kind: "foreach", item: items[i], index: i });
      }
    };
    await Promise.all(Array.from({ length: Math.min(degree, items.length) }, worker));
    rec.iterations = iterations.filter(Boolean);
    rec.outputs = undefined;
    if (rec.iterations.some((it) => it.status === "Failed" || it.status === "TimedOut")) throw scopeFailure();
  },

  async until(def, rec, frame, ex) {
    const count = def.limit?.count ?? 60;
    const timeoutMs = parseDuration(def.limit?.timeout ?? "PT1H");
    const start = ex.nowMs();
    rec.iterations = [];
    rec.inputs = { limit: { count, timeout: def.limit?.timeout ?? "PT1H" } };
    for (let i = 0; i < count && !ex.terminated; i++) {
      const it = await runLoopBody(ex, def, frame, { name: rec.name, kind: "until", index: i });
      rec.iterations.push(it);
      if (it.status === "Failed") throw scopeFailure();
      const innerFrame: Frame = { parent: frame, results: new Map(Object.entries(it.actions)), loop: { name: rec.name, kind: "until", index: i }, repetition: frame.repetition };
      if (ex.condition(def.expression, innerFrame)) return;
      if (ex.nowMs() - start >= timeoutMs) {
        rec.status = "TimedOut";
        rec.error = { code: "ActionTimedOut", message: `The 'Until' loop '${rec.name}' reached its timeout of ${def.limit?.timeout ?? "PT1H"} before its condition was met.` };
        rec.code = "ActionTimedOut";
        return;
      }
    }
    // Decision: reaching the count limit ends the loop without an error, as the limit is documented
    // as the point where the loop stops.
  },

  async terminate(def, rec, frame, ex) {
    const inputs = obj(ex.evaluate(def.inputs, frame, rec), "Terminate");
    rec.inputs = inputs;
    const st = ["Failed", "Cancelled", "Succeeded"].find((s) => s.toLowerCase() === String(inputs.runStatus ?? "").toLowerCase());
    if (!st) throw new ActionFailure("InvalidTemplate", `The 'runStatus' of Terminate must be Failed, Cancelled or Succeeded; it is '${stringify(inputs.runStatus ?? null)}'.`);
    const re = isObject(inputs.runError ?? null) ? (inputs.runError as ValueObject) : undefined;
    ex.terminate(st as StatusName, st === "Failed" ? { code: stringify(re?.code ?? "Terminated"), message: stringify(re?.message ?? "The run was terminated with status 'Failed'.") } : undefined);
  },

  async response(def, rec, frame, ex) {
    const inputs = obj(ex.evaluate(def.inputs, frame, rec), "Response");
    const statusCode = inputs.statusCode === undefined || inputs.statusCode === null ? 200 : Number(toNumber(inputs.statusCode as number));
    if (!Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) throw new ActionFailure("InvalidTemplate", `The response status code '${stringify(inputs.statusCode)}' is not valid.`);
    const headers: Record<string, string> = {};
    if (isObject(inputs.headers ?? null)) for (const [k, v] of Object.entries(inputs.headers as ValueObject)) headers[k] = stringify(v);
    const body = inputs.body === undefined ? null : inputs.body;
    rec.inputs = { statusCode, headers: headers as unknown as Value, body };
    rec.outputs = { statusCode, headers: headers as unknown as Value, body };
    ex.run.response = { statusCode, headers, body };
    if (!ex.services.respond({ statusCode, headers, body })) {
      throw new ActionFailure("ActionResponseAlreadySent", "The response for this request has already been sent; a run can respond only once.");
    }
  },

  async parsejson(def, rec, frame, ex) {
    const inputs = obj(ex.evaluate(def.inputs, frame, rec), "Parse JSON");
    rec.inputs = inputs;
    let content = inputs.content ?? null;
    if (isBinary(content)) content = Buffer.from(content.$content, "base64").toString("utf8");
    if (typeof content === "string") {
      try {
        content = parseJsonValue(content);
      } catch (e) {
        throw new ActionFailure("InvalidJSON", `The 'content' property of action '${rec.name}' is not valid JSON: ${(e as Error).message}`);
      }
    }
    const errors = validateSchema(content, inputs.schema);
    if (errors.length) {
      throw new ActionFailure("ValidationFailed", "The schema validation failed.", { errors: errors.map((e) => ({ message: e.message, path: e.path })) as unknown as Value });
    }
    rec.outputs = { body: content };
  },

  async query(def, rec, frame, ex) {
    const inputs = (def.inputs ?? {}) as ValueObject;
    const from = ex.evaluate(inputs.from, frame, rec);
    if (!Array.isArray(from)) throw new ActionFailure("InvalidTemplate", `The 'from' property of Filter array '${rec.name}' must evaluate to an array; it is of type '${typeName(from)}'.`);
    rec.inputs = from;
    const out = from.filter((item) => ex.condition(inputs.where, { parent: frame, results: new Map(), item: { value: item }, repetition: frame.repetition }));
    rec.outputs = { body: out };
  },

  async select(def, rec, frame, ex) {
    const inputs = (def.inputs ?? {}) as ValueObject;
    const from = ex.evaluate(inputs.from, frame, rec);
    if (!Array.isArray(from)) throw new ActionFailure("InvalidTemplate", `The 'from' property of Select '${rec.name}' must evaluate to an array; it is of type '${typeName(from)}'.`);
    rec.inputs = from;
    rec.outputs = { body: from.map((item) => ex.evaluate(inputs.select, { parent: frame, results: new Map(), item: { value: item }, repetition: frame.repetition }, rec)) };
  },

  async join(def, rec, frame, ex) {
    const inputs = obj(ex.evaluate(def.inputs, frame, rec), "Join");
    rec.inputs = inputs;
    if (!Array.isArray(inputs.from)) throw new ActionFailure("InvalidTemplate", `The 'from' property of Join '${rec.name}' must evaluate to an array.`);
    rec.outputs = { body: inputs.from.map((x) => stringify(x)).join(stringify(inputs.joinWith ?? "")) };
  },

  async table(def, rec, frame, ex) {
    const raw = (def.inputs ?? {}) as ValueObject;
    const from = ex.evaluate(raw.from, frame, rec);
    if (!Array.isArray(from)) throw new ActionFailure("InvalidTemplate", `The 'from' property of Create table '${rec.name}' must evaluate to an array.`);
    const format = String(raw.format ?? "CSV").toUpperCase();
    const columns: Array<{ header: string; value: unknown }> = Array.isArray(raw.columns)
      ? (raw.columns as ValueObject[]).map((c) => ({ header: String(c.header ?? ""), value: c.value }))
      : [...new Set(from.flatMap((x) => (isObject(x) ? Object.keys(x) : [])))].map((k) => ({ header: k, value: undefined }));
    const cell = (item: Value, c: { header: string; value: unknown }) =>
      stringify(c.value === undefined ? (isObject(item) ? (item[c.header] ?? null) : null) : ex.evaluate(c.value, { parent: frame, results: new Map(), item: { value: item }, repetition: frame.repetition }, rec));
    rec.inputs = { from, format };
    if (format === "HTML") {
      const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
      rec.outputs = {
        body: `<table><thead><tr>${columns.map((c) => `<th>${esc(c.header)}</th>`).join("")}</tr></thead><tbody>${from
          .map((it) => `<tr>${columns.map((c) => `<td>${esc(cell(it, c))}</td>`).join("")}</tr>`)
          .join("")}</tbody></table>`,
      };
    } else {
      const q = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
      rec.outputs = { body: [columns.map((c) => q(c.header)).join(","), ...from.map((it) => columns.map((c) => q(cell(it, c))).join(","))].join("\r\n") + "\r\n" };
    }
  },

  async wait(def, rec, frame, ex) {
    const inputs = obj(ex.evaluate(def.inputs, frame, rec), "Delay");
    rec.inputs = inputs;
    let waitMs = 0;
    if (isObject(inputs.interval ?? null)) {
      const iv = inputs.interval as ValueObject;
      const unit = String(iv.unit ?? "Second").toLowerCase();
      const mult: Record<string, number> = { second: 1000, minute: 60000, hour: 3600000, day: 86400000, week: 604800000, month: 2592000000 };
      if (!mult[unit]) throw new ActionFailure("InvalidTemplate", `The Delay unit '${iv.unit}' is not valid.`);
      waitMs = toNumber(iv.count as number) * mult[unit];
    } else if (isObject(inputs.until ?? null)) {
      waitMs = Math.max(0, Date.parse(String((inputs.until as ValueObject).timestamp)) - ex.nowMs());
    }
    await ex.services.sleep(waitMs);
  },

  async http(def, rec, frame, ex) {
    const raw = (def.inputs ?? {}) as ValueObject;
    const inputs = obj(ex.evaluate({ ...raw, retryPolicy: undefined }, frame, rec), "HTTP");
    delete inputs.retryPolicy;
    rec.inputs = inputs;
    const method = String(inputs.method ?? "GET").toUpperCase();
    let uri = String(inputs.uri ?? "");
    if (isObject(inputs.queries ?? null)) {
      const u = new URL(uri);
      for (const [k, v] of Object.entries(inputs.queries as ValueObject)) u.searchParams.append(k, stringify(v));
      uri = u.toString();
    }
    const headers: Record<string, string> = {};
    if (isObject(inputs.headers ?? null)) for (const [k, v] of Object.entries(inputs.headers as ValueObject)) headers[k] = stringify(v);
    const auth = inputs.authentication;
    if (isObject(auth ?? null)) {
      const a = auth as ValueObject;
      const type = String(a.type ?? "").toLowerCase();
      if (type === "raw") headers.Authorization = stringify(a.value ?? "");
      else if (type === "basic") headers.Authorization = "Basic " + Buffer.from(`${stringify(a.username ?? "")}:${stringify(a.password ?? "")}`).toString("base64");
    }
    const res = await ex.withRetry(raw.retryPolicy, rec, () => ex.services.http({ method, url: uri, headers, body: inputs.body ?? undefined }));
    failOnStatus(rec, res);
  },

  async workflow(def, rec, frame, ex) {
    const inputs = obj(ex.evaluate(def.inputs, frame, rec), "Run a Child Flow");
    rec.inputs = inputs;
    const host = isObject(inputs.host ?? null) ? (inputs.host as ValueObject) : {};
    const id = String(host.workflowReferenceName ?? host.workflowId ?? "");
    if (!id) throw new ActionFailure("InvalidTemplate", `The child flow action '${rec.name}' has no 'host.workflowReferenceName'.`);
    const headers: Record<string, string> = {};
    if (isObject(inputs.headers ?? null)) for (const [k, v] of Object.entries(inputs.headers as ValueObject)) headers[k] = stringify(v);
    const r = await ex.services.invokeChildFlow({
      workflowId: id,
      triggerName: host.triggerName ? String(host.triggerName) : undefined,
      body: inputs.body ?? null,
      headers,
      parentRunId: ex.run.id,
    });
    const outputs: ValueObject = { statusCode: r.statusCode, headers: r.headers as unknown as Value, body: r.body, ...(r.runId ? { childRunId: r.runId } : {}) };
    rec.outputs = outputs;
    if (r.error) throw new ActionFailure(r.error.code, r.error.message, outputs);
    if (r.statusCode >= 400) throw new ActionFailure(statusCodeName(r.statusCode), errorFromBody(r).message, outputs);
  },

  async openapiconnection(def, rec, frame, ex) {
    const raw = (def.inputs ?? {}) as ValueObject;
    const inputs = obj(ex.evaluate({ ...raw, retryPolicy: undefined, authentication: undefined }, frame, rec), "the connector action");
    delete inputs.retryPolicy;
    delete inputs.authentication;
    rec.inputs = inputs;
    const host = isObject(inputs.host ?? null) ? (inputs.host as ValueObject) : {};
    const parameters = isObject(inputs.parameters ?? null) ? (inputs.parameters as ValueObject) : {};
    const res = await ex.withRetry(raw.retryPolicy, rec, () =>
      ex.services.invokeConnector({
        connectionName: String(host.connectionName ?? ""),
        apiId: host.apiId ? String(host.apiId) : undefined,
        operationId: String(host.operationId ?? ""),
        parameters,
        correlationId: ex.run.correlationId,
      }),
    );
    failOnStatus(rec, res);
  },
};

async function step(def: ActionDefinition, rec: ActionRecord, frame: Frame, ex: RunExecutor, sign: 1 | -1): Promise<void> {
  const inputs = obj(ex.evaluate(def.inputs, frame, rec), sign > 0 ? "Increment variable" : "Decrement variable");
  rec.inputs = inputs;
  const v = ex.getVariable(String(inputs.name));
  const by = inputs.value === undefined || inputs.value === null ? 1 : inputs.value;
  if (!isNumber(by)) throw new ActionFailure("InvalidTemplate", `The increment value of variable '${inputs.name}' must be a number; it is of type '${typeName(by)}'.`);
  if (v.type !== "Integer" && v.type !== "Float") throw new ActionFailure("InvalidVariableValue", `The variable '${inputs.name}' is of type '${v.type}'; only Integer and Float variables can be incremented.`);
  const cur = toNumber((v.value ?? 0) as number);
  const next = cur + sign * toNumber(by);
  v.value = v.type === "Integer" ? (Number.isInteger(next) ? next : Math.trunc(next)) : makeFloat(next);
  rec.outputs = { body: { value: v.value } };
}

/** Statuses sorted for display. */
export const STATUS_ORDER: StatusName[] = ["Succeeded", "Failed", "Skipped", "TimedOut", "Cancelled", "Aborted", "Running", "Waiting"];
export { compareValues };
