/**
 * The flows step: turn every cloud flow of the environment on, children before the flows that call
 * them, by PATCHing statecode/statuscode through the Web API (Dataverse asks the flow runner, which
 * may refuse; its message comes back in the Web API error and is reported as is).
 *
 * The order is computed from each flow's definition (workflows.clientdata): an action of type
 * `Workflow` calls the flow whose id is `inputs.host.workflowReferenceName`. Nothing is hard-coded,
 * so the lead's nine flows, and any added later, are ordered the same way.
 *
 * Resuming saved state: the flow runner is new at every start and knows no flow, while Dataverse
 * still says which flows are on and still holds the Dataverse-trigger subscriptions
 * (callbackregistrations) the previous runner made. Those subscriptions are deleted, the flows that
 * are on are turned off through the Web API (the runner has nothing to stop), and then every flow is
 * turned on again as on a first start.
 */
import type { WebApi } from "./webapi";
import { WebApiError } from "./webapi";

export interface SolutionFlow {
  id: string;
  name: string;
  statecode: number;
  /** The trigger: name, type and kind (e.g. manual / Request / Button). */
  trigger?: { name: string; type: string; kind?: string; inputsSchema?: Record<string, unknown> };
  /** Ids (lower case) of the flows its Workflow actions call. */
  children: string[];
  /** The definition could not be read. */
  definitionError?: string;
}

export interface FlowOutcome {
  id: string;
  name: string;
  status: "on" | "refused" | "skipped";
  /** For refused: the runner's (Dataverse's) message; for skipped: why. */
  message: string;
}

const norm = (id: string): string => id.trim().replace(/^\{|\}$/g, "").toLowerCase();

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | undefined => (v && typeof v === "object" && !Array.isArray(v) ? (v as Json) : undefined);

/** Child-flow ids a definition's actions call (nested scopes, conditions, switches, loops included). */
export function childFlowIds(actions: unknown): string[] {
  const out = new Set<string>();
  const walk = (map: unknown): void => {
    for (const a of Object.values(obj(map) ?? {})) {
      const action = obj(a);
      if (!action) continue;
      if (action.type === "Workflow") {
        const ref = obj(obj(action.inputs)?.host)?.workflowReferenceName;
        if (typeof ref === "string" && ref) out.add(norm(ref));
      }
      walk(action.actions);
      walk(obj(action.else)?.actions);
      walk(obj(action.default)?.actions);
      for (const c of Object.values(obj(action.cases) ?? {})) walk(obj(c)?.actions);
    }
  };
  walk(actions);
  return [...out];
}

/** Reads a flow row's clientdata: trigger and children. */
export function describeFlow(row: { workflowid: string; name?: string | null; statecode?: number | null; clientdata?: string | null }): SolutionFlow {
  const flow: SolutionFlow = { id: norm(row.workflowid), name: String(row.name ?? row.workflowid), statecode: Number(row.statecode ?? 0), children: [] };
  let doc: Json | undefined;
  try {
    doc = obj(JSON.parse(String(row.clientdata ?? "")));
  } catch (e) {
    flow.definitionError = `its definition (clientdata) is not JSON: ${(e as Error).message}`;
    return flow;
  }
  const def = obj(obj(doc?.properties)?.definition) ?? obj(doc?.definition);
  if (!def) {
    flow.definitionError = "its definition (clientdata) has no properties.definition";
    return flow;
  }
  const [triggerName, t] = Object.entries(obj(def.triggers) ?? {})[0] ?? [];
  const trigger = obj(t);
  if (triggerName && trigger) {
    flow.trigger = { name: triggerName, type: String(trigger.type ?? ""), kind: typeof trigger.kind === "string" ? trigger.kind : undefined, inputsSchema: obj(obj(trigger.inputs)?.schema) };
  }
  flow.children = childFlowIds(def.actions);
  return flow;
}

/**
 * Children-first order (Kahn's algorithm; ties by name, then id, so the order is stable). Calls to
 * flows that are not in the list do not constrain the order (turning the caller on will say the
 * child is missing). Flows that call each other in a cycle come last, in name order, and are
 * returned in `cycle`.
 */
export function dependencyOrder<T extends { id: string; name: string; children: readonly string[] }>(flows: readonly T[]): { order: T[]; cycle: T[] } {
  const byId = new Map(flows.map((f) => [norm(f.id), f]));
  const pending = new Map<string, Set<string>>();
  for (const f of flows) pending.set(norm(f.id), new Set(f.children.map(norm).filter((c) => byId.has(c) && c !== norm(f.id))));
  const cmp = (a: T, b: T): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : norm(a.id) < norm(b.id) ? -1 : 1);
  const order: T[] = [];
  for (;;) {
    const ready = [...pending].filter(([, deps]) => deps.size === 0).map(([id]) => byId.get(id)!);
    if (!ready.length) break;
    ready.sort(cmp);
    const next = ready[0];
    order.push(next);
    pending.delete(norm(next.id));
    for (const deps of pending.values()) deps.delete(norm(next.id));
  }
  const cycle = [...pending.keys()].map((id) => byId.get(id)!).sort(cmp);
  // self-calls also make a flow impossible to turn on; they are left to the runner to report
  return { order: [...order, ...cycle], cycle };
}

interface WorkflowRow {
  workflowid: string;
  name?: string | null;
  statecode?: number | null;
  clientdata?: string | null;
}

export async function listFlows(api: WebApi): Promise<SolutionFlow[]> {
  const rows = await api.list<WorkflowRow>("workflows?$select=workflowid,name,statecode,clientdata&$filter=category eq 5");
  return rows.map(describeFlow);
}

/**
 * Forget what a previous flow runner set up: delete the callbackregistrations it created (it names
 * them "<flow name> (<workflow id>)") and turn off the flows that are on, so they can be turned on
 * in the new runner. Returns what it did, for the console.
 */
export async function resumeFlows(api: WebApi, flows: SolutionFlow[]): Promise<string[]> {
  const lines: string[] = [];
  const ids = new Set(flows.map((f) => f.id));
  const regs = await api.list<{ callbackregistrationid: string; name?: string | null }>("callbackregistrations?$select=callbackregistrationid,name");
  let deleted = 0;
  for (const r of regs) {
    const m = /\(([0-9a-f-]{36})\)$/i.exec(String(r.name ?? ""));
    if (m && ids.has(m[1].toLowerCase())) {
      await api.delete(`callbackregistrations(${r.callbackregistrationid})`);
      deleted++;
    }
  }
  if (deleted) lines.push(`removed ${deleted} Dataverse trigger subscription${deleted === 1 ? "" : "s"} left by the previous flow runner`);
  const on = flows.filter((f) => f.statecode === 1);
  for (const f of on) {
    await api.patch(`workflows(${f.id})`, { statecode: 0, statuscode: 1 });
    f.statecode = 0;
  }
  if (on.length) lines.push(`${on.length} flow${on.length === 1 ? " was" : "s were"} on in the saved state; turning ${on.length === 1 ? "it" : "them"} on again in the new flow runner`);
  return lines;
}

/** Turns every flow on, children first; a flow whose child is not on is skipped with the reason. */
export async function turnOnFlows(api: WebApi, flows: SolutionFlow[], onOutcome: (o: FlowOutcome) => void = () => undefined): Promise<FlowOutcome[]> {
  const { order, cycle } = dependencyOrder(flows);
  const inCycle = new Set(cycle.map((f) => f.id));
  const byId = new Map(flows.map((f) => [f.id, f]));
  const state = new Map<string, FlowOutcome>();
  const out: FlowOutcome[] = [];
  const report = (o: FlowOutcome): void => {
    state.set(o.id, o);
    out.push(o);
    onOutcome(o);
  };
  for (const f of order) {
    if (inCycle.has(f.id)) {
      const names = f.children.filter((c) => inCycle.has(c)).map((c) => `'${byId.get(c)?.name ?? c}'`);
      report({ id: f.id, name: f.name, status: "skipped", message: `not turned on: it and ${names.join(", ")} call each other (a cycle of child flows cannot be turned on)` });
      continue;
    }
    const blocked = f.children.map((c) => state.get(c)).filter((o): o is FlowOutcome => !!o && o.status !== "on");
    if (blocked.length) {
      report({ id: f.id, name: f.name, status: "skipped", message: `not turned on: it calls ${blocked.map((b) => `'${b.name}'`).join(", ")}, which ${blocked.length === 1 ? "is" : "are"} not on` });
      continue;
    }
    if (f.statecode === 1) {
      report({ id: f.id, name: f.name, status: "on", message: "on" });
      continue;
    }
    try {
      await api.patch(`workflows(${f.id})`, { statecode: 1, statuscode: 2 });
      f.statecode = 1;
      report({ id: f.id, name: f.name, status: "on", message: "turned on" });
    } catch (e) {
      if (!(e instanceof WebApiError) || e.status === 0 || e.status >= 500) throw e;
      report({ id: f.id, name: f.name, status: "refused", message: e.detail });
    }
  }
  return out;
}
