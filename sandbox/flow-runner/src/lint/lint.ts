/**
 * Flow lint: the static checks a flow must pass before it can run here (and, for the same reasons,
 * in Power Automate). `lintFlow(flowJson, context?)` returns problems, each with a JSON path into
 * the flow file and a message; an empty array means the flow is clean.
 *
 * Checks:
 * - the file is a flow (properties.definition with exactly one trigger and an actions object);
 * - every expression ("@..." and "@{...}") parses;
 * - every function is one the runner implements (and takes that many arguments);
 * - every referenced action (body/outputs/actions/result), loop (items/iterationIndexes), variable,
 *   parameter, connection (host.connectionName) and child flow (host.workflowReferenceName) exists;
 * - runAfter names sibling actions with valid statuses and has no cycle;
 * - every trigger and action type, connector and operation is one the runner implements;
 * - action names are unique; variables are initialized only at the top level;
 * - the definition limits (limits.ts): expression length, actions, nesting, names, descriptions,
 *   variables, switch cases, parameters, triggers, loop and trigger concurrency settings;
 * - connector parameters against the operation's contract (connectors/contract.ts): names, types,
 *   enums and the connector's own rules, for what the flow JSON shows;
 * - the HTTP request trigger's triggerAuthenticationType (service/trigger-auth.ts).
 */
import { CONNECTORS, apiNameOf } from "../connectors";
import { checkParameters } from "../connectors/contract";
import { FUNCTIONS } from "../expression/functions";
import { collectCalls, Expr, parseTemplate } from "../expression/parser";
import { conditionStrings } from "../engine/conditions";
import { HANDLERS } from "../engine/executor";
import type { ActionDefinition, FlowFile, TriggerDefinition, WorkflowDefinition } from "../engine/types";
import { lintTriggerAuthentication } from "../service/trigger-auth";
import { checkDefinitionLimits } from "./limits";
import { walkActions, type ActionInfo } from "./walk";

export interface LintProblem {
  /** JSON path into the flow file, e.g. properties.definition.actions.Scope.actions.Compose.inputs */
  path: string;
  message: string;
  severity: "error" | "warning";
  /** A stable identifier of the check, e.g. "unknown-action". */
  code: string;
}

export interface LintContext {
  /**
   * Child flows that exist (workflow id, lower-case GUID → display name). When given, every
   * Workflow action must name one of them.
   */
  workflows?: Record<string, string> | ((id: string) => string | undefined);
  /** Connection reference logical names the solution defines. When given, each flow reference must be one of them. */
  connectionReferences?: readonly string[];
  /** Environment variable schema names the solution defines. When given, each parameter's metadata.schemaName must be one of them. */
  environmentVariables?: readonly string[];
}

export const IMPLEMENTED_TRIGGERS = ["Request", "Recurrence", "OpenApiConnectionWebhook"] as const;
export const REQUEST_KINDS = ["Http", "Button", "PowerApp", "PowerAppV2", "ApiConnection"] as const;
const STATUSES = ["Succeeded", "Failed", "Skipped", "TimedOut"];
const ACTION_REF_FUNCS = new Set(["body", "outputs", "actions", "actionbody", "actionoutputs"]);

export function lintFlow(flowJson: unknown, context: LintContext = {}): LintProblem[] {
  const problems: LintProblem[] = [];
  const add = (path: string, code: string, message: string, severity: "error" | "warning" = "error") =>
    problems.push({ path, message, severity, code });

  const root = (typeof flowJson === "string" ? safeParse(flowJson, add) : flowJson) as Partial<FlowFile> & { definition?: WorkflowDefinition };
  if (!root || typeof root !== "object") {
    add("", "not-a-flow", "The flow file must be a JSON object.");
    return problems;
  }
  const base = root.properties?.definition ? "properties.definition" : root.definition ? "definition" : "";
  const def = (root.properties?.definition ?? root.definition) as WorkflowDefinition | undefined;
  if (!def || typeof def !== "object") {
    add("properties.definition", "not-a-flow", "The flow file has no 'properties.definition'.");
    return problems;
  }
  const connRefs = root.properties?.connectionReferences ?? {};

  // ---- parameters
  const params = def.parameters ?? {};
  for (const [name, p] of Object.entries(params)) {
    const sn = p?.metadata?.schemaName;
    if (sn && context.environmentVariables && !context.environmentVariables.includes(sn)) {
      add(`${base}.parameters.${name}.metadata.schemaName`, "unknown-environment-variable", `The parameter '${name}' reads environment variable '${sn}', which the solution does not define.`);
    }
  }

  // ---- connection references
  for (const [key, ref] of Object.entries(connRefs)) {
    const path = `properties.connectionReferences.${key}`;
    const api = apiNameOf(ref?.api?.name ?? key);
    if (!CONNECTORS.has(api)) add(`${path}.api.name`, "unknown-connector", `The connection reference '${key}' is for API '${api}', which the flow runner does not implement (it implements ${[...CONNECTORS.keys()].join(", ")}).`);
    const logical = ref?.connection?.connectionReferenceLogicalName;
    if (!logical && !ref?.connection?.name) add(`${path}.connection`, "connection-reference-missing", `The connection reference '${key}' names neither a connectionReferenceLogicalName nor a connection.`);
    if (logical && context.connectionReferences && !context.connectionReferences.includes(logical)) {
      add(`${path}.connection.connectionReferenceLogicalName`, "unknown-connection-reference", `The connection reference '${logical}' (used as '${key}') is not defined in the solution.`);
    }
  }

  // ---- triggers
  const triggers = def.triggers ?? {};
  const triggerNames = Object.keys(triggers);
  if (triggerNames.length !== 1) add(`${base}.triggers`, "trigger-count", `A flow must have exactly one trigger; this one has ${triggerNames.length}.`);
  for (const [name, t] of Object.entries(triggers)) lintTrigger(name, t, `${base}.triggers.${name}`, connRefs, add);

  // ---- actions: index, names, types
  const actions: ActionInfo[] = [];
  const byName = new Map<string, ActionInfo>();
  walkActions(def.actions, `${base}.actions`, (info) => {
    const { name, def: a, path: p } = info;
    if (byName.has(name)) add(p, "duplicate-action", `The action name '${name}' is used more than once; action names must be unique in a flow.`);
    else byName.set(name, info);
    actions.push(info);
    if (!a || typeof a !== "object" || typeof a.type !== "string") {
      add(p, "action-type-missing", `The action '${name}' has no 'type'.`);
      return;
    }
    if (!HANDLERS[a.type.toLowerCase()]) add(`${p}.type`, "unsupported-action-type", `The action type '${a.type}' of '${name}' is not implemented by the flow runner.`);
    // The workflow definition language places an action's retry policy in its inputs (logic-apps-exception-handling
    // "Retry policies"); one beside the inputs is not read, and the default of 4 retries applies.
    if ("retryPolicy" in a) add(`${p}.retryPolicy`, "retry-policy-placement", `The action '${name}' has retryPolicy beside its inputs, where it is not read (the default policy, 4 retries, applies): put it in inputs.retryPolicy.`);
  });

  // ---- definition limits
  checkDefinitionLimits(def, base, add, { description: (root.properties as { description?: unknown } | undefined)?.description });

  // variables initialized anywhere (top level only is allowed)
  const variables = new Set<string>();
  for (const a of actions) {
    if (a.def?.type?.toLowerCase() !== "initializevariable") continue;
    if (a.depth > 0) add(a.path, "variable-not-top-level", `The variable action '${a.name}' initializes variables inside a scope, condition or loop; variables can only be initialized at the top level.`);
    const vars = (a.def.inputs as { variables?: Array<{ name?: unknown }> } | undefined)?.variables;
    if (!Array.isArray(vars)) add(`${a.path}.inputs`, "invalid-inputs", `The action '${a.name}' must have inputs.variables as an array.`);
    else for (const v of vars) if (typeof v?.name === "string") variables.add(v.name.toLowerCase());
  }

  // ---- runAfter per scope
  const containers = new Map<string, Record<string, ActionDefinition>>();
  containers.set(`${base}.actions`, def.actions ?? {});
  for (const a of actions) {
    if (a.def?.actions) containers.set(`${a.path}.actions`, a.def.actions);
    if (a.def?.else?.actions) containers.set(`${a.path}.else.actions`, a.def.else.actions);
    for (const [cn, c] of Object.entries(a.def?.cases ?? {})) if (c?.actions) containers.set(`${a.path}.cases.${cn}.actions`, c.actions);
    if (a.def?.default?.actions) containers.set(`${a.path}.default.actions`, a.def.default.actions);
  }
  for (const [cpath, defs] of containers) {
    const names = Object.keys(defs);
    for (const n of names) {
      const ra = defs[n]?.runAfter ?? {};
      for (const [dep, statuses] of Object.entries(ra)) {
        if (!names.includes(dep)) {
          add(`${cpath}.${n}.runAfter.${dep}`, "run-after-unknown", byName.has(dep) ? `The action '${n}' runs after '${dep}', which is not in the same scope.` : `The action '${n}' runs after '${dep}', which does not exist.`);
        }
        if (!Array.isArray(statuses)) add(`${cpath}.${n}.runAfter.${dep}`, "run-after-status", `The runAfter statuses of '${n}' for '${dep}' must be an array.`);
        else for (const s of statuses) if (!STATUSES.some((x) => x.toLowerCase() === String(s).toLowerCase())) add(`${cpath}.${n}.runAfter.${dep}`, "run-after-status", `The runAfter status '${s}' of '${n}' is not one of ${STATUSES.join(", ")}.`);
      }
    }
    const cycle = findCycle(defs);
    if (cycle) add(`${cpath}.${cycle[0]}.runAfter`, "run-after-cycle", `The actions ${cycle.map((c) => `'${c}'`).join(" → ")} form a runAfter cycle.`);
  }

  // ---- per action: connector, child flow, expressions
  for (const a of actions) {
    const d = a.def;
    if (!d || typeof d !== "object") continue;
    const type = String(d.type ?? "").toLowerCase();
    if (type === "openapiconnection") lintConnectorCall(a.name, d.inputs, `${a.path}.inputs`, connRefs, add, false);
    if (type === "workflow") {
      const id = (d.inputs as { host?: { workflowReferenceName?: unknown } } | undefined)?.host?.workflowReferenceName;
      if (typeof id !== "string" || !id) add(`${a.path}.inputs.host.workflowReferenceName`, "child-flow-missing", `The child flow action '${a.name}' has no host.workflowReferenceName.`);
      else if (context.workflows) {
        const found = typeof context.workflows === "function" ? context.workflows(id.toLowerCase()) : context.workflows[id.toLowerCase()];
        if (!found) add(`${a.path}.inputs.host.workflowReferenceName`, "unknown-child-flow", `The child flow '${id}' called by '${a.name}' does not exist in the solution.`);
      }
    }
    if (type === "switch") {
      const seen = new Map<string, string>();
      for (const [cn, c] of Object.entries(d.cases ?? {})) {
        const k = JSON.stringify(c?.case);
        if (seen.has(k)) add(`${a.path}.cases.${cn}.case`, "duplicate-case", `The Switch '${a.name}' has two cases with the value ${k} ('${seen.get(k)}' and '${cn}').`);
        seen.set(k, cn);
      }
    }
    const exprCtx = { loops: a.loops, selfLoop: type === "foreach" || type === "until" ? { name: a.name, type } : undefined, inItemScope: type === "query" || type === "select" || type === "table" };
    const check = (value: unknown, path: string, extra?: { name: string; type: string }) =>
      lintTemplates(value, path, { ...exprCtx, loops: extra ? [...a.loops, extra] : a.loops }, { byName, variables, params, add });
    check(d.inputs, `${a.path}.inputs`);
    if (d.foreach !== undefined) check(d.foreach, `${a.path}.foreach`);
    if (d.expression !== undefined) {
      const strings = conditionStrings(d.expression);
      strings.forEach((s) => lintTemplates(s, `${a.path}.expression`, { ...exprCtx, loops: type === "until" ? [...a.loops, { name: a.name, type }] : a.loops }, { byName, variables, params, add }));
    }
    for (const [cn, c] of Object.entries(d.cases ?? {})) if (typeof c?.case === "string") check(c.case, `${a.path}.cases.${cn}.case`);
  }
  for (const [name, t] of Object.entries(triggers)) {
    lintTemplates(t?.inputs, `${base}.triggers.${name}.inputs`, { loops: [], inItemScope: false }, { byName, variables, params, add, inTrigger: true });
    for (const [i, c] of (t?.conditions ?? []).entries()) {
      lintTemplates(c?.expression, `${base}.triggers.${name}.conditions[${i}].expression`, { loops: [], inItemScope: false }, { byName, variables, params, add, inTrigger: true });
    }
    if (t?.splitOn) lintTemplates(t.splitOn, `${base}.triggers.${name}.splitOn`, { loops: [], inItemScope: false }, { byName, variables, params, add, inTrigger: true });
  }
  return problems;
}

function safeParse(text: string, add: (p: string, c: string, m: string) => void): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    add("", "invalid-json", `The flow file is not valid JSON: ${(e as Error).message}`);
    return undefined;
  }
}

type Add = (path: string, code: string, message: string, severity?: "error" | "warning") => void;

function lintTrigger(name: string, t: TriggerDefinition, path: string, connRefs: Record<string, unknown>, add: Add): void {
  if (!t || typeof t !== "object" || typeof t.type !== "string") {
    add(path, "trigger-type-missing", `The trigger '${name}' has no 'type'.`);
    return;
  }
  const type = IMPLEMENTED_TRIGGERS.find((x) => x.toLowerCase() === t.type.toLowerCase());
  if (!type) {
    add(`${path}.type`, "unsupported-trigger-type", `The trigger type '${t.type}' of '${name}' is not implemented by the flow runner (it implements ${IMPLEMENTED_TRIGGERS.join(", ")}).`);
    return;
  }
  if (type === "Request") {
    const kind = t.kind ?? "Http";
    if (!REQUEST_KINDS.some((k) => k.toLowerCase() === kind.toLowerCase())) add(`${path}.kind`, "unsupported-trigger-kind", `The Request trigger kind '${kind}' of '${name}' is not one of ${REQUEST_KINDS.join(", ")}.`);
  }
  lintTriggerAuthentication(name, t, path, add);
  if (type === "Recurrence") {
    const r = t.recurrence;
    if (!r || !["second", "minute", "hour", "day", "week", "month"].includes(String(r.frequency).toLowerCase()) || !(Number(r.interval) >= 1)) {
      add(`${path}.recurrence`, "invalid-recurrence", `The Recurrence trigger '${name}' needs recurrence.frequency (Second, Minute, Hour, Day, Week or Month) and an interval of at least 1.`);
    }
  }
  if (type === "OpenApiConnectionWebhook") lintConnectorCall(name, t.inputs, `${path}.inputs`, connRefs, add, true);
}

function lintConnectorCall(name: string, inputs: unknown, path: string, connRefs: Record<string, unknown>, add: Add, trigger: boolean): void {
  const host = (inputs as { host?: { connectionName?: unknown; operationId?: unknown; apiId?: unknown } } | undefined)?.host;
  if (!host) {
    add(`${path}.host`, "connector-host-missing", `The ${trigger ? "trigger" : "action"} '${name}' has no inputs.host.`);
    return;
  }
  const cn = String(host.connectionName ?? "");
  const ref = connRefs[cn] as { api?: { name?: string } } | undefined;
  if (!ref) add(`${path}.host.connectionName`, "unknown-connection", `The ${trigger ? "trigger" : "action"} '${name}' uses connection '${cn}', which is not in properties.connectionReferences.`);
  const api = apiNameOf(String(host.apiId ?? ref?.api?.name ?? cn));
  const connector = CONNECTORS.get(api);
  if (!connector) {
    add(`${path}.host.apiId`, "unknown-connector", `The ${trigger ? "trigger" : "action"} '${name}' calls API '${api}', which the flow runner does not implement.`);
    return;
  }
  const op = String(host.operationId ?? "");
  const ops = trigger ? connector.triggers : connector.operations;
  if (!ops.includes(op)) {
    add(`${path}.host.operationId`, "unknown-operation", `The ${connector.displayName} connector has no ${trigger ? "trigger" : "operation"} '${op}' (it has ${ops.join(", ") || "none"}).`);
    return;
  }
  const contract = trigger ? undefined : connector.contracts.get(op);
  const params = (inputs as { parameters?: unknown }).parameters ?? {};
  if (!contract || typeof params !== "object" || Array.isArray(params)) return;
  // Power Automate validates these when the flow is saved or turned on:
  // "Flow save failed with code 'OpenApiOperationParameterValidationFailed' and message 'Input parameter 'x' validation failed in workflow operation 'y': …'"
  for (const v of checkParameters(contract, params as Record<string, unknown>, "lint")) {
    add(v.parameter ? `${path}.parameters.${v.parameter}` : `${path}.parameters`, v.code, `Input parameter '${v.parameter ?? "(all)"}' validation failed in workflow operation '${name}': ${v.message}`);
  }
}

interface ExprScope {
  loops: Array<{ name: string; type: string }>;
  selfLoop?: { name: string; type: string };
  inItemScope: boolean;
}
interface ExprEnv {
  byName: Map<string, ActionInfo>;
  variables: Set<string>;
  params: Record<string, unknown>;
  add: Add;
  inTrigger?: boolean;
}

function lintTemplates(value: unknown, path: string, scope: ExprScope, env: ExprEnv): void {
  if (typeof value === "string") {
    if (!value.includes("@")) return;
    let t;
    try {
      t = parseTemplate(value);
    } catch (e) {
      env.add(path, "expression-syntax", (e as Error).message);
      return;
    }
    const exprs: Expr[] = t.kind === "expression" ? [t.expr] : t.kind === "interpolation" ? t.parts.filter((p): p is { expr: Expr; source: string } => typeof p !== "string").map((p) => p.expr) : [];
    for (const e of exprs) lintExpr(e, path, scope, env);
    return;
  }
  if (Array.isArray(value)) value.forEach((v, i) => lintTemplates(v, `${path}[${i}]`, scope, env));
  else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) {
    if (k.includes("@")) lintTemplates(k, `${path}.${k}`, scope, env);
    lintTemplates(v, `${path}.${k}`, scope, env);
  }
}

function lintExpr(e: Expr, path: string, scope: ExprScope, env: ExprEnv): void {
  for (const call of collectCalls(e)) {
    const fn = FUNCTIONS.get(call.name.toLowerCase());
    if (!fn) {
      env.add(path, "unknown-function", `The function '${call.name}' is not one the flow runner implements.`);
      continue;
    }
    const n = call.args.length;
    if (n < fn.min || (fn.max !== undefined && n > fn.max)) {
      env.add(path, "function-arity", `The function '${fn.name}' takes ${fn.max === fn.min ? fn.min : `${fn.min}${fn.max === undefined ? " or more" : `–${fn.max}`}`} argument(s); it is called with ${n}.`);
      continue;
    }
    const lower = fn.name.toLowerCase();
    const first = call.args[0];
    const lit = first && first.kind === "literal" && typeof first.value === "string" ? first.value : undefined;
    if (ACTION_REF_FUNCS.has(lower) && lit !== undefined && !env.byName.has(lit)) {
      env.add(path, "unknown-action", `The expression refers to action '${lit}' (${fn.name}), which does not exist in the flow.`);
    }
    if (lower === "result" && lit !== undefined) {
      const a = env.byName.get(lit);
      if (!a) env.add(path, "unknown-action", `The expression refers to scope '${lit}' (result), which does not exist in the flow.`);
      else if (!["scope", "foreach", "until", "if", "switch"].includes(String(a.def.type).toLowerCase())) env.add(path, "result-not-scope", `result('${lit}') needs a Scope, Foreach, Until, If or Switch action; '${lit}' is a ${a.def.type}.`);
    }
    if (lower === "items" && lit !== undefined && !scope.loops.some((l) => l.name === lit && l.type === "foreach") && scope.selfLoop?.name !== lit) {
      env.add(path, "unknown-loop", `items('${lit}') is used outside a Foreach loop named '${lit}'.`);
    }
    if (lower === "iterationindexes" && lit !== undefined && !scope.loops.some((l) => l.name === lit)) {
      env.add(path, "unknown-loop", `iterationIndexes('${lit}') is used outside a loop named '${lit}'.`);
    }
    if (lower === "item" && !scope.inItemScope && !scope.loops.some((l) => l.type === "foreach")) {
      env.add(path, "item-outside-loop", `item() is used outside a Foreach loop and outside Select / Filter array.`);
    }
    if (lower === "variables" && lit !== undefined && !env.variables.has(lit.toLowerCase())) {
      env.add(path, "unknown-variable", `The expression reads variable '${lit}', which no 'Initialize variable' action initializes.`);
    }
    if (lower === "parameters" && lit !== undefined && !Object.prototype.hasOwnProperty.call(env.params, lit)) {
      env.add(path, "unknown-parameter", `The expression reads parameter '${lit}', which definition.parameters does not declare.`);
    }
    if (env.inTrigger && (ACTION_REF_FUNCS.has(lower) || lower === "variables")) {
      env.add(path, "trigger-reads-action", `A trigger cannot use ${fn.name}(); actions and variables do not exist when the trigger fires.`);
    }
  }
}

function findCycle(defs: Record<string, ActionDefinition>): string[] | undefined {
  const state = new Map<string, 0 | 1 | 2>();
  const stack: string[] = [];
  const visit = (n: string): string[] | undefined => {
    state.set(n, 1);
    stack.push(n);
    for (const d of Object.keys(defs[n]?.runAfter ?? {})) {
      if (!defs[d]) continue;
      if (state.get(d) === 1) return [...stack.slice(stack.indexOf(d)), d];
      if (!state.get(d)) {
        const c = visit(d);
        if (c) return c;
      }
    }
    stack.pop();
    state.set(n, 2);
    return undefined;
  };
  for (const n of Object.keys(defs)) if (!state.get(n)) {
    const c = visit(n);
    if (c) return c;
  }
  return undefined;
}

/** Human-readable problem list. */
export function formatProblems(problems: readonly LintProblem[]): string {
  return problems.map((p) => `${p.severity === "error" ? "✖" : "⚠"} ${p.path}: ${p.message} [${p.code}]`).join("\n");
}
