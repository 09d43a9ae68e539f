/**
 * Flow definition limits as lint errors, so a flow over a limit cannot be turned on here, as it
 * cannot be saved in Power Automate. Sources:
 * - [PA] MicrosoftDocs/power-automate-docs articles/limits-and-config.md, "Flow definition limits"
 *   and "Concurrency, looping, and debatching limits";
 * - [LA] MicrosoftDocs/azure-docs articles/logic-apps/logic-apps-limits-and-config.md, "Definition
 *   limits" and "Concurrency, looping, and debatching limits" (the same engine; parameters, triggers
 *   and waiting runs are stated there).
 */
import { parseTemplate } from "../expression/parser";
import { parseDuration } from "../engine/retry";
import type { ActionDefinition, TriggerDefinition, WorkflowDefinition } from "../engine/types";
import { walkActions, type ActionInfo } from "./walk";

export const LIMITS = {
  /** [PA][LA] Characters per expression. */
  expressionChars: 8192,
  /** [PA][LA] Actions per workflow (nested ones included). */
  actions: 500,
  /** [PA][LA] Allowed nesting depth for actions (a top-level action is at depth 1). */
  nestingDepth: 8,
  /** [PA][LA] Name for action or trigger. */
  nameChars: 80,
  /** [PA][LA] Length of description. */
  descriptionChars: 256,
  /** [PA][LA] Variables per workflow. */
  variables: 250,
  /** [PA][LA] Switch scope cases limit. */
  switchCases: 25,
  /** [LA] Maximum parameters. */
  parameters: 50,
  /** [LA] Triggers per workflow (code view only; a solution cloud flow has exactly one, checked in lint.ts). */
  triggers: 10,
  /** [PA] Apply to each concurrency: 1 to 50. */
  foreachConcurrency: { min: 1, max: 50 },
  /** [PA] Until iterations: at most 5,000. */
  untilCount: { min: 1, max: 5000 },
  /** [PA] Run duration is 30 days, so an Until timeout cannot exceed it. */
  untilTimeoutMs: 30 * 24 * 3600 * 1000,
  /** [PA] Trigger concurrency: a value between 1 and 100. */
  triggerRuns: { min: 1, max: 100 },
  /** [LA] Maximum waiting runs: at least 10 plus the trigger concurrency, at most 100. */
  waitingRuns: { plus: 10, max: 100 },
} as const;

type Add = (path: string, code: string, message: string, severity?: "error" | "warning") => void;

const n = (x: number) => x.toLocaleString("en-US");

/** The waiting-run cap of a trigger with concurrency control on: maximumWaitingRuns, else 10 + runs [LA]. */
export function waitingRunCap(runs: number, maximumWaitingRuns?: number): number {
  return maximumWaitingRuns ?? runs + LIMITS.waitingRuns.plus;
}

/** Every string (and object key) under a value, with its path; `skip` names keys not to enter. */
function* strings(v: unknown, path: string, skip: ReadonlySet<string> = new Set()): Generator<[string, string]> {
  if (typeof v === "string") yield [path, v];
  else if (Array.isArray(v)) for (let i = 0; i < v.length; i++) yield* strings(v[i], `${path}[${i}]`);
  else if (v && typeof v === "object") {
    for (const [k, x] of Object.entries(v)) {
      if (skip.has(k)) continue;
      if (k.length > LIMITS.expressionChars) yield [`${path}.${k.slice(0, 40)}…`, k];
      yield* strings(x, `${path}.${k}`);
    }
  }
}

function isExpression(s: string): boolean {
  try {
    return parseTemplate(s).kind !== "text";
  } catch {
    return true; // it meant to be one; lint's syntax check reports the syntax
  }
}

/** An action's own fields, without the nested actions (they are checked as actions themselves). */
const NESTED = new Set(["actions", "else", "default"]);
function ownStrings(a: ActionDefinition, path: string): Generator<[string, string]> {
  const own: Record<string, unknown> = { ...a };
  if (a.cases) own.cases = Object.fromEntries(Object.entries(a.cases).map(([k, c]) => [k, { case: c?.case }]));
  return strings(own, path, NESTED);
}

function isInt(v: unknown): v is number {
  return typeof v === "number" && Number.isInteger(v);
}

export function checkDefinitionLimits(def: WorkflowDefinition, base: string, add: Add, extra: { description?: unknown } = {}): void {
  const actions: ActionInfo[] = [];
  walkActions(def.actions, `${base}.actions`, (a) => actions.push(a));

  // expressions: the whole string value that holds one (harsher reading: "@…" or text with @{…} parts)
  const tooLong = (path: string, s: string, where: string) => {
    if (s.length > LIMITS.expressionChars && isExpression(s)) {
      add(path, "expression-too-long", `The expression in ${where} has ${n(s.length)} characters; Power Automate allows ${n(LIMITS.expressionChars)} characters per expression. Split it (several Compose actions) or move the logic out of the expression.`);
    }
  };
  for (const a of actions) if (a.def && typeof a.def === "object") for (const [p, s] of ownStrings(a.def, a.path)) tooLong(p, s, `action '${a.name}'`);
  for (const [name, t] of Object.entries(def.triggers ?? {})) for (const [p, s] of strings(t, `${base}.triggers.${name}`)) tooLong(p, s, `trigger '${name}'`);

  // counts
  if (actions.length > LIMITS.actions) add(`${base}.actions`, "too-many-actions", `The flow has ${n(actions.length)} actions (nested ones counted); Power Automate allows ${LIMITS.actions}. Move a part into a child flow.`);
  const triggers = Object.keys(def.triggers ?? {});
  if (triggers.length > LIMITS.triggers) add(`${base}.triggers`, "too-many-triggers", `The flow has ${triggers.length} triggers; a workflow allows at most ${LIMITS.triggers}.`);
  const params = Object.keys(def.parameters ?? {});
  if (params.length > LIMITS.parameters) add(`${base}.parameters`, "too-many-parameters", `The flow declares ${params.length} parameters ($connections and $authentication included); a workflow allows at most ${LIMITS.parameters}.`);
  let variables = 0;
  for (const a of actions) {
    const vars = a.def?.type?.toLowerCase?.() === "initializevariable" ? (a.def.inputs as { variables?: unknown } | undefined)?.variables : undefined;
    if (Array.isArray(vars)) variables += vars.length;
  }
  if (variables > LIMITS.variables) add(`${base}.actions`, "too-many-variables", `The flow initializes ${variables} variables; Power Automate allows ${LIMITS.variables}.`);

  // names, descriptions, depth, per-type settings
  for (const name of triggers) if (name.length > LIMITS.nameChars) add(`${base}.triggers.${name}`, "name-too-long", `The trigger name '${name}' has ${name.length} characters; names are limited to ${LIMITS.nameChars}.`);
  const description = (path: string, d: unknown, what: string) => {
    if (typeof d === "string" && d.length > LIMITS.descriptionChars) add(path, "description-too-long", `The description of ${what} has ${d.length} characters; descriptions are limited to ${LIMITS.descriptionChars}.`);
  };
  description(`${base}.description`, (def as { description?: unknown }).description, "the flow");
  if (extra.description !== undefined) description("properties.description", extra.description, "the flow");
  for (const [name, t] of Object.entries(def.triggers ?? {})) {
    description(`${base}.triggers.${name}.description`, t?.description, `trigger '${name}'`);
    checkTriggerConcurrency(name, t, `${base}.triggers.${name}`, add);
  }
  for (const a of actions) {
    if (a.name.length > LIMITS.nameChars) add(a.path, "name-too-long", `The action name '${a.name}' has ${a.name.length} characters; names are limited to ${LIMITS.nameChars}.`);
    if (a.depth + 1 === LIMITS.nestingDepth + 1) add(a.path, "nesting-too-deep", `The action '${a.name}' is nested ${a.depth + 1} levels deep; Power Automate allows ${LIMITS.nestingDepth}. Flatten the scopes or move the inner part into a child flow.`);
    if (!a.def || typeof a.def !== "object") continue;
    description(`${a.path}.description`, a.def.description, `action '${a.name}'`);
    checkActionSettings(a, add);
  }
}

function checkActionSettings(a: ActionInfo, add: Add): void {
  const type = String(a.def.type ?? "").toLowerCase();
  if (type === "switch") {
    const cases = Object.keys(a.def.cases ?? {}).length;
    if (cases > LIMITS.switchCases) add(`${a.path}.cases`, "too-many-cases", `The Switch '${a.name}' has ${cases} cases; Power Automate allows ${LIMITS.switchCases}.`);
  }
  if (type === "foreach") {
    const reps = a.def.runtimeConfiguration?.concurrency?.repetitions;
    if (reps !== undefined && (!isInt(reps) || reps < LIMITS.foreachConcurrency.min || reps > LIMITS.foreachConcurrency.max)) {
      add(`${a.path}.runtimeConfiguration.concurrency.repetitions`, "foreach-concurrency", `The Apply to each '${a.name}' asks for ${JSON.stringify(reps)} iterations in parallel; the degree of parallelism is a whole number from ${LIMITS.foreachConcurrency.min} to ${LIMITS.foreachConcurrency.max}.`);
    }
  }
  if (type === "until") {
    const count: unknown = a.def.limit?.count;
    if (count !== undefined && !(typeof count === "string" && count.startsWith("@")) && (!isInt(count) || count < LIMITS.untilCount.min || count > LIMITS.untilCount.max)) {
      add(`${a.path}.limit.count`, "until-count", `The Do until '${a.name}' has count ${JSON.stringify(count)}; the count is a whole number from ${LIMITS.untilCount.min} to ${n(LIMITS.untilCount.max)}.`);
    }
    const timeout = a.def.limit?.timeout;
    if (timeout !== undefined && !(typeof timeout === "string" && timeout.startsWith("@"))) {
      let ms: number | undefined;
      try {
        ms = parseDuration(timeout);
      } catch {
        ms = undefined;
      }
      if (ms === undefined || ms <= 0 || ms > LIMITS.untilTimeoutMs) {
        add(`${a.path}.limit.timeout`, "until-timeout", `The Do until '${a.name}' has timeout ${JSON.stringify(timeout)}; it must be an ISO 8601 duration (PT1H is the default) no longer than a run may last (30 days, P30D).`);
      }
    }
  }
}

/** runtimeConfiguration.concurrency of a trigger: runs 1–100 [PA]; maximumWaitingRuns from 10 + runs to 100 [LA]. */
export function checkTriggerConcurrency(name: string, t: TriggerDefinition | undefined, path: string, add: Add): void {
  const c = t?.runtimeConfiguration?.concurrency;
  if (!c) return;
  const p = `${path}.runtimeConfiguration.concurrency`;
  const { runs, maximumWaitingRuns: waiting } = c;
  if (runs !== undefined && (!isInt(runs) || runs < LIMITS.triggerRuns.min || runs > LIMITS.triggerRuns.max)) {
    add(`${p}.runs`, "trigger-concurrency", `The concurrency configuration of trigger '${name}' is not valid: 'runs' is ${JSON.stringify(runs)}; it must be a whole number from ${LIMITS.triggerRuns.min} to ${LIMITS.triggerRuns.max}.`);
    return;
  }
  if (waiting === undefined) return;
  if (runs === undefined) {
    add(`${p}.maximumWaitingRuns`, "waiting-runs", `The trigger '${name}' sets maximumWaitingRuns without concurrency control ('runs'): runs only wait when concurrency control limits them, so the setting has no effect.`, "warning");
    return;
  }
  const min = runs + LIMITS.waitingRuns.plus;
  if (!isInt(waiting) || waiting < min || waiting > LIMITS.waitingRuns.max) {
    add(`${p}.maximumWaitingRuns`, "waiting-runs", `The concurrency configuration of trigger '${name}' is not valid: 'maximumWaitingRuns' is ${JSON.stringify(waiting)}; with ${runs} concurrent run(s) it must be from ${min} (10 + runs) to ${LIMITS.waitingRuns.max}.`);
  }
}
