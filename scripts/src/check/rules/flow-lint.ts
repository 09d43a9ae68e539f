/**
 * Rule flow-lint: every cloud flow passes the flow runner's lint (sandbox/flow-runner lintFlow), the
 * same static checks the runner makes before it turns a flow on — expressions that parse, functions
 * that exist with the right number of arguments, actions, loops, variables and parameters that are
 * referenced exist, runAfter without cycles or unknown statuses, implemented action and trigger
 * types, connector operations that exist. A flow that fails them would be refused at "turn on", in
 * the sandbox and, for most of these, in Power Automate.
 *
 * The lint gets the package as context (its flows by id, its connection references, its
 * environment variables). Problems about those references are reported by flow-references, with a
 * fix naming the missing component, so this rule leaves them out rather than print each twice; a
 * flow whose JSON does not parse, or that has no properties.definition, is flow-references' too.
 * Only errors are reported, not warnings (a setting with no effect).
 */
import { lintFlow, type LintProblem } from "../../../../sandbox/flow-runner/src/lint/lint";
import { connectionReferences, envVarDefinitions, flowDocuments, isDeclaredDependency, workflows } from "../../solution/components";
import { normGuid, partOrigin, type SolutionPackage } from "../../solution/package";
import { attr } from "../../solution/xml";
import type { CheckRule, Problem } from "../types";

/** Lint codes about solution references, which flow-references already reports. */
const REPORTED_BY_FLOW_REFERENCES = new Set(["unknown-child-flow", "child-flow-missing", "unknown-connection-reference", "connection-reference-missing", "unknown-connection", "unknown-environment-variable"]);

const FIXES: Record<string, string> = {
  "expression-syntax": "correct the expression (functions are called as name(args), strings use single quotes, @{…} interpolates)",
  "unknown-function": "use a function Power Automate documents and the flow runner implements (sandbox/flow-runner/README.md, 'What is implemented')",
  "function-arity": "pass the number of arguments the function takes",
  "unknown-action": "reference an action that exists in this flow (names use _ for spaces), or rename the reference",
  "unknown-variable": "initialize the variable at the top level (Initialize variable) before using it, or fix its name",
  "unknown-parameter": "reference a parameter defined in definition.parameters (environment variables appear there with metadata.schemaName)",
  "unknown-loop": "reference an enclosing Foreach/Until by its exact name",
  "item-outside-loop": "use item() only inside a Foreach (or Query/Select/Table), or items('<loop>') naming an enclosing loop",
  "run-after-unknown": "make runAfter name a sibling action in the same scope",
  "run-after-status": "use only Succeeded, Failed, Skipped or TimedOut in runAfter",
  "run-after-cycle": "break the runAfter cycle so the actions have an order",
  "duplicate-action": "give every action a unique name across the whole flow",
  "variable-not-top-level": "move Initialize variable to the top level of the flow (Power Automate refuses it inside scopes)",
  "unsupported-action-type": "use an action type the flow runner implements (sandbox/flow-runner/README.md), or implement it there",
  "unknown-operation": "use an operationId the connector has (its swagger), spelled as the designer writes it",
  "unknown-connector": "use a connector the flow runner implements (shared_commondataserviceforapps, shared_partnercenterref, shared_partnercenterevents, shared_webcontents) or add it to sandbox/flow-runner/src/connectors",
  "expression-too-long": "split the expression (several Compose actions, each under 8,192 characters; aim under 2,000) or move the logic out of the expression",
  "too-many-actions": "move part of the flow into a child flow (500 actions at most, nested ones counted)",
  "nesting-too-deep": "flatten the scopes, conditions and loops, or move the inner part into a child flow (8 levels at most)",
  "name-too-long": "shorten the action or trigger name to 80 characters",
  "description-too-long": "shorten the description to 256 characters",
  "too-many-variables": "use at most 250 variables (an object variable can hold several values)",
  "too-many-cases": "use at most 25 cases in a Switch (nest a second Switch in the default case)",
  "too-many-parameters": "declare at most 50 parameters",
  "too-many-triggers": "a solution cloud flow has one trigger",
  "foreach-concurrency": "set runtimeConfiguration.concurrency.repetitions to a whole number from 1 to 50",
  "until-count": "set the Do until count to a whole number from 1 to 5,000",
  "until-timeout": "set the Do until timeout to an ISO 8601 duration of at most P30D",
  "trigger-concurrency": "set the trigger's concurrency runs to a whole number from 1 to 100, or turn concurrency control off so no firing can be dropped",
  "waiting-runs": "set maximumWaitingRuns from 10 + runs to 100, or leave it out",
  "trigger-authentication": "set triggerAuthenticationType to \"All\", \"Tenant\" or \"User\" (with triggerAllowedUsers)",
  "openapi-unknown-parameter": "use only the parameters the connector's operation declares (its definition; sandbox/flow-runner/src/connectors)",
  "openapi-missing-parameter": "give the operation's required parameter",
  "openapi-parameter-type": "give the parameter a value of the type the connector declares",
  "openapi-parameter-enum": "use one of the values the connector's definition lists",
  "partner-center-patch-path": "patch only the 18 paths PatchReferralById allows (partner-center-2026.md §2.4)",
  "dataverse-item-object": "write one item/<column> key per column instead of one 'item' object",
  "dataverse-row-id": "address the row by its GUID (find it with List rows on the alternate key column first)",
  "webcontents-body-not-string": "pass request/body as JSON text (a string)",
};
const DEFAULT_FIX = "correct the flow at that path; `node out/sandbox/flow-runner/src/cli.js lint <flow file>` lists every lint problem";

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | undefined => (v && typeof v === "object" && !Array.isArray(v) ? (v as Json) : undefined);

export const flowLint: CheckRule = {
  id: "flow-lint",
  description: "every cloud flow passes the flow runner's lint (the checks made before a flow is turned on)",
  check(pkg: SolutionPackage): Problem[] {
    const out: Problem[] = [];
    const names = new Map(workflows(pkg).map((w) => [normGuid(attr(w, "WorkflowId")), attr(w, "Name") ?? normGuid(attr(w, "WorkflowId"))]));
    const context = {
      workflows: (id: string) => names.get(normGuid(id)) ?? (isDeclaredDependency(pkg, "29", id) ? id : undefined),
      connectionReferences: connectionReferences(pkg).map((c) => attr(c, "connectionreferencelogicalname") ?? ""),
      environmentVariables: envVarDefinitions(pkg).map((d) => d.schemaName),
    };
    for (const { workflow: wf, part, doc: parsed } of flowDocuments(pkg)) {
      if (!parsed.ok) continue; // flow-references reports it
      const doc = parsed.value;
      if (!obj(obj(obj(doc)?.properties)?.definition)) continue; // flow-references reports it
      const problems: LintProblem[] = lintFlow(doc, context).filter((p) => p.severity === "error" && !REPORTED_BY_FLOW_REFERENCES.has(p.code));
      for (const p of problems) {
        out.push({
          rule: "flow-lint",
          file: partOrigin(pkg, part),
          element: `${p.path || "(document)"} in flow "${attr(wf, "Name") ?? part}"`,
          message: `${p.message} [${p.code}]`,
          fix: FIXES[p.code] ?? DEFAULT_FIX,
        });
      }
    }
    return out;
  },
};
