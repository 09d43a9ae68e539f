/**
 * Rule flow-references: each cloud flow's references resolve inside the solution:
 * - properties.connectionReferences[*].connection.connectionReferenceLogicalName names a connection
 *   reference the solution ships, for the same connector;
 * - every action or trigger `host.connectionName` is a key of properties.connectionReferences;
 * - every child-flow call (`type: Workflow`, inputs.host.workflowReferenceName) names a flow the
 *   solution ships (import fails otherwise: "The dependent component Workflow (Id=…) does not exist");
 * - every definition.parameters[*].metadata.schemaName names an environment variable definition the
 *   solution ships.
 */
import { connectionReferences, envVarDefinitions, flowDocuments, isDeclaredDependency, workflows } from "../../solution/components";
import { normGuid, partOrigin, type SolutionPackage } from "../../solution/package";
import { attr, childText } from "../../solution/xml";
import type { CheckRule, Problem } from "../types";

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | undefined => (v && typeof v === "object" && !Array.isArray(v) ? (v as Json) : undefined);

/** Calls visit(name, action) for every action in a definition's action map, nested scopes included. */
export function walkActions(actions: unknown, visit: (name: string, action: Json) => void): void {
  const map = obj(actions);
  if (!map) return;
  for (const [name, a] of Object.entries(map)) {
    const action = obj(a);
    if (!action) continue;
    visit(name, action);
    walkActions(action.actions, visit);
    walkActions(obj(action.else)?.actions, visit);
    walkActions(obj(action.default)?.actions, visit);
    const cases = obj(action.cases);
    if (cases) for (const c of Object.values(cases)) walkActions(obj(c)?.actions, visit);
  }
}

export const flowReferences: CheckRule = {
  id: "flow-references",
  description: "every flow's connection references, child-flow references and environment-variable parameters resolve",
  check(pkg: SolutionPackage): Problem[] {
    const out: Problem[] = [];
    const refs = new Map(connectionReferences(pkg).map((c) => [(attr(c, "connectionreferencelogicalname") ?? "").toLowerCase(), c]));
    const flowIds = new Set(workflows(pkg).map((w) => normGuid(attr(w, "WorkflowId"))));
    const envVars = new Set(envVarDefinitions(pkg).map((d) => d.schemaName.toLowerCase()));
    for (const { workflow: wf, part, doc: parsed } of flowDocuments(pkg)) {
      const file = partOrigin(pkg, part);
      const flow = `flow "${attr(wf, "Name") ?? part}"`;
      const p = (element: string, message: string, fix: string): void => {
        out.push({ rule: "flow-references", file, element: `${element} in ${flow}`, message, fix });
      };
      if (!parsed.ok) {
        p("(document)", `not valid JSON: ${parsed.error}`, "re-export the flow or repair the JSON");
        continue;
      }
      const doc = obj(parsed.value);
      const props = obj(doc?.properties);
      const definition = obj(props?.definition);
      if (!props || !definition) {
        p("(document)", "has no properties.definition (not an exported cloud flow)", "use the flow's exported JSON: { properties: { connectionReferences, definition }, schemaVersion }");
        continue;
      }
      const declared = obj(props.connectionReferences) ?? {};
      for (const [key, v] of Object.entries(declared)) {
        const ref = obj(v);
        const logical = obj(ref?.connection)?.connectionReferenceLogicalName;
        const element = `properties.connectionReferences.${key}`;
        if (typeof logical !== "string" || !logical) {
          p(element, "is not bound to a connection reference (no connection.connectionReferenceLogicalName), so import cannot wire a connection", `set connection.connectionReferenceLogicalName to one of the solution's connection references (${[...refs.keys()].join(", ") || "none shipped"})`);
          continue;
        }
        const cr = refs.get(logical.toLowerCase());
        if (!cr) {
          p(element, `names connection reference "${logical}", which the solution does not ship`, `add <connectionreference connectionreferencelogicalname="${logical}"> to Other/Customizations.xml or use one that exists (${[...refs.keys()].join(", ") || "none shipped"})`);
          continue;
        }
        const api = obj(ref?.api)?.name;
        const connector = (childText(cr, "connectorid") ?? "").split("/").pop();
        if (typeof api === "string" && connector && api.toLowerCase() !== connector.toLowerCase())
          p(element, `uses connector ${api} but connection reference "${logical}" is for ${connector}`, `bind a connection reference for ${api}, or change the reference's connectorid`);
      }
      const checkHost = (kind: string, name: string, node: Json): void => {
        const host = obj(obj(node.inputs)?.host);
        if (!host) return;
        const cn = host.connectionName;
        if (typeof cn === "string" && !(cn in declared))
          p(`${kind} "${name}"`, `uses connection "${cn}", which properties.connectionReferences does not declare`, `add "${cn}" to properties.connectionReferences (bound to a connection reference) or fix host.connectionName`);
        if (node.type === "Workflow") {
          const ref = host.workflowReferenceName;
          if (typeof ref !== "string" || !ref) p(`${kind} "${name}"`, "calls a child flow without inputs.host.workflowReferenceName", "set workflowReferenceName to the child flow's WorkflowId (lower case, no braces)");
          else if (!flowIds.has(normGuid(ref)) && !isDeclaredDependency(pkg, "29", ref))
            p(`${kind} "${name}"`, `calls child flow ${ref}, which the solution does not ship (import fails: "The dependent component Workflow (Id=${ref}) does not exist")`, "ship the child flow in flows/ (JSON + .json.data.xml with that WorkflowId) or call a flow the solution contains");
        }
      };
      for (const [name, t] of Object.entries(obj(definition.triggers) ?? {})) if (obj(t)) checkHost("trigger", name, obj(t)!);
      walkActions(definition.actions, (name, a) => checkHost("action", name, a));
      for (const [name, v] of Object.entries(obj(definition.parameters) ?? {})) {
        const schemaName = obj(obj(v)?.metadata)?.schemaName;
        if (typeof schemaName === "string" && schemaName && !envVars.has(schemaName.toLowerCase()))
          p(`definition.parameters["${name}"]`, `reads environment variable "${schemaName}", which the solution does not define`, `add environmentvariabledefinitions/${schemaName}/environmentvariabledefinition.xml, or use a defined one (${[...envVars].join(", ") || "none"})`);
      }
    }
    return out;
  },
};
