/**
 * Cloud-flow runner: executes exported Power Automate flow JSON locally.
 * See ../README.md for the API, routes, CLI and decisions.
 */
export { startFlowRunner, type FlowRunnerHandle, type ManualRunResult, type StartFlowRunnerOptions } from "./service/server";
export { FlowRunner, FlowServiceError, armMessage, type FlowRunnerOptions, type ActiveFlow, type StartedRun } from "./service/runner";
export { lintFlow, formatProblems, IMPLEMENTED_TRIGGERS, type LintContext, type LintProblem } from "./lint/lint";
export { formatRun, flattenActions, summarize, RunStore } from "./engine/history";
export { HANDLERS as ACTION_HANDLERS } from "./engine/executor";
export * from "./engine/types";
export { CONNECTORS, type Connection, type Connector } from "./connectors";
export { IMPLEMENTED_FUNCTIONS, evaluateString, evaluateValue, parseExpression, parseTemplate } from "./expression";
export { workflowRow, expectRunStatus, expectActionStatus, actionOf } from "./testing";

import { HANDLERS } from "./engine/executor";
/** Action types the runner implements (as written in flow JSON). */
export const IMPLEMENTED_ACTION_TYPES: readonly string[] = [
  "Compose", "InitializeVariable", "SetVariable", "IncrementVariable", "DecrementVariable", "AppendToArrayVariable",
  "AppendToStringVariable", "If", "Switch", "Foreach", "Until", "Scope", "Terminate", "Response", "ParseJson", "Query",
  "Select", "Join", "Table", "Wait", "Http", "Workflow", "OpenApiConnection",
].filter((t) => HANDLERS[t.toLowerCase()]);
