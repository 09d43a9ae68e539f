/** Walks a definition's actions: every nested action once, with its JSON path, depth and enclosing loops. */
import type { ActionDefinition } from "../engine/types";

export interface ActionInfo {
  name: string;
  def: ActionDefinition;
  path: string;
  /** Enclosing loop actions (innermost last). */
  loops: Array<{ name: string; type: string }>;
  /** 0 for a top-level action, 1 inside one Scope / If / Switch / loop, and so on. */
  depth: number;
}

/** The action containers of one action: its own actions, else-branch, cases and default, with their paths. */
export function childContainers(a: ActionDefinition, path: string): Array<{ path: string; actions: Record<string, ActionDefinition> }> {
  const out: Array<{ path: string; actions: Record<string, ActionDefinition> }> = [];
  if (!a || typeof a !== "object") return out;
  if (a.actions) out.push({ path: `${path}.actions`, actions: a.actions });
  if (a.else?.actions) out.push({ path: `${path}.else.actions`, actions: a.else.actions });
  for (const [cn, c] of Object.entries(a.cases ?? {})) if (c?.actions) out.push({ path: `${path}.cases.${cn}.actions`, actions: c.actions });
  if (a.default?.actions) out.push({ path: `${path}.default.actions`, actions: a.default.actions });
  return out;
}

export function walkActions(actions: Record<string, ActionDefinition> | undefined, path: string, visit: (info: ActionInfo) => void, loops: ActionInfo["loops"] = [], depth = 0): void {
  for (const [name, a] of Object.entries(actions ?? {})) {
    const p = `${path}.${name}`;
    visit({ name, def: a, path: p, loops, depth });
    if (!a || typeof a !== "object") continue;
    const type = String(a.type ?? "").toLowerCase();
    const inner = type === "foreach" || type === "until" ? [...loops, { name, type }] : loops;
    for (const c of childContainers(a, p)) walkActions(c.actions, c.path, visit, inner, depth + 1);
  }
}
