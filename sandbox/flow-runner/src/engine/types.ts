/**
 * Shapes of exported cloud flows (dataverse-solution-format.md §6; WDL schema
 * https://learn.microsoft.com/azure/logic-apps/logic-apps-workflow-actions-triggers) and of the
 * run history the runner records.
 */

export type StatusName = "Succeeded" | "Failed" | "Skipped" | "TimedOut" | "Cancelled" | "Aborted" | "Running" | "Waiting";

export interface ActionDefinition {
  type: string;
  kind?: string;
  inputs?: unknown;
  runAfter?: Record<string, string[]>;
  /** Scope, If (then-branch), Foreach, Until bodies. */
  actions?: Record<string, ActionDefinition>;
  else?: { actions?: Record<string, ActionDefinition> };
  /** If: a condition tree or "@expr"; Switch: "@expr"; Until: the exit condition. */
  expression?: unknown;
  cases?: Record<string, { case: unknown; actions?: Record<string, ActionDefinition> }>;
  default?: { actions?: Record<string, ActionDefinition> };
  foreach?: unknown;
  limit?: { count?: number; timeout?: string };
  runtimeConfiguration?: {
    concurrency?: { repetitions?: number; runs?: number; maximumWaitingRuns?: number };
    staticResult?: unknown;
    secureData?: unknown;
  };
  operationOptions?: string;
  description?: string;
  metadata?: Record<string, unknown>;
}

export interface TriggerDefinition {
  type: string;
  kind?: string;
  inputs?: Record<string, unknown> & {
    schema?: unknown;
    host?: { connectionName?: string; operationId?: string; apiId?: string };
    parameters?: Record<string, unknown>;
    method?: string;
    relativePath?: string;
  };
  recurrence?: { frequency: string; interval: number; startTime?: string; timeZone?: string };
  conditions?: Array<{ expression: string }>;
  splitOn?: string;
  runtimeConfiguration?: { concurrency?: { runs?: number; maximumWaitingRuns?: number } };
  operationOptions?: string;
  metadata?: Record<string, unknown>;
  description?: string;
}

export interface ParameterDefinition {
  type: string;
  defaultValue?: unknown;
  allowedValues?: unknown[];
  metadata?: { schemaName?: string; description?: string; [k: string]: unknown };
}

export interface WorkflowDefinition {
  $schema?: string;
  contentVersion?: string;
  parameters?: Record<string, ParameterDefinition>;
  triggers: Record<string, TriggerDefinition>;
  actions: Record<string, ActionDefinition>;
  outputs?: Record<string, unknown>;
}

export interface ConnectionReferenceEntry {
  runtimeSource?: string;
  connection?: { connectionReferenceLogicalName?: string; name?: string };
  api?: { name?: string };
  impersonation?: unknown;
}

/** The exported flow file: { properties: { connectionReferences, definition }, schemaVersion }. */
export interface FlowFile {
  properties: {
    connectionReferences?: Record<string, ConnectionReferenceEntry>;
    definition: WorkflowDefinition;
    displayName?: string;
    [k: string]: unknown;
  };
  schemaVersion?: string;
}

export interface ErrorInfo {
  code: string;
  message: string;
}

export interface RetryAttempt {
  startTime: string;
  endTime: string;
  code: string;
  statusCode?: number;
  /** The wait before the next attempt (ms), and where it came from. */
  delayMs?: number;
  delaySource?: "Retry-After" | "policy";
  error?: ErrorInfo;
}

export interface ActionRecord {
  name: string;
  type: string;
  status: StatusName;
  code?: string;
  startTime?: string;
  endTime?: string;
  durationMs?: number;
  inputs?: unknown;
  outputs?: unknown;
  error?: ErrorInfo;
  trackingId: string;
  clientTrackingId: string;
  retryHistory?: RetryAttempt[];
  /** If / Switch: which branch ran ("actions", "else", a case name or "default"). */
  branch?: string;
  /** Nested actions of Scope, If and Switch. */
  actions?: Record<string, ActionRecord>;
  /** Foreach and Until: one entry per repetition. */
  iterations?: IterationRecord[];
  /** The Foreach/Until repetition this record belongs to, outermost first. */
  repetition?: number[];
}

export interface IterationRecord {
  index: number;
  item?: unknown;
  status: StatusName;
  actions: Record<string, ActionRecord>;
}

export interface TriggerRecord {
  name: string;
  type: string;
  kind?: string;
  status: StatusName;
  startTime: string;
  endTime: string;
  inputs?: unknown;
  outputs: { headers: Record<string, string>; body: unknown; [k: string]: unknown };
  code?: string;
}

export interface RunRecord {
  /** Run name, e.g. 08584… (Logic Apps style). */
  id: string;
  workflowId: string;
  workflowName: string;
  status: StatusName;
  startTime: string;
  endTime?: string;
  durationMs?: number;
  trigger: TriggerRecord;
  actions: Record<string, ActionRecord>;
  error?: ErrorInfo;
  /** What a Response action sent back. */
  response?: { statusCode: number; headers: Record<string, string>; body: unknown };
  parentRunId?: string;
  /** Environment-variable parameters as resolved at run start (schema name → value source). */
  parameterSources?: Record<string, "current value" | "default value" | "definition default">;
  correlationId: string;
  /** Power Platform requests the run made, counted as Microsoft counts them (engine/requests.ts); set when it ends. */
  requests?: number;
}
