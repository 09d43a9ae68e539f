/**
 * Builds cloud flows in Power Automate's exported format (properties.connectionReferences +
 * definition), as a solution export writes them (reference §6): OpenApiConnection actions with
 * host { connectionName, operationId, apiId } and authentication, child flows through
 * Workflow/workflowReferenceName, Button and Http Request triggers, Response actions, environment
 * variables as definition.parameters with metadata.schemaName. One builder for every flow, so the
 * shapes are written once.
 */
import { CONNECTION_REFERENCES, connectorId, ENVIRONMENT_VARIABLES } from "../../plugins-ts/src/model/schema";

export type RunStatus = "Succeeded" | "Failed" | "Skipped" | "TimedOut";
export type RunAfter = Record<string, RunStatus[]>;

export interface Action {
  type: string;
  kind?: string;
  inputs?: unknown;
  runAfter?: RunAfter;
  expression?: unknown;
  actions?: Record<string, Action>;
  else?: { actions: Record<string, Action> };
  cases?: Record<string, { case: string; actions: Record<string, Action> }>;
  default?: { actions: Record<string, Action> };
  foreach?: string;
  runtimeConfiguration?: unknown;
  description?: string;
  [key: string]: unknown;
}

/** Ordered actions; each new action runs after the previous one unless told otherwise. */
export class Steps {
  readonly actions: Record<string, Action> = {};
  private previous?: string;
  private previousStatuses: RunStatus[] = ["Succeeded"];

  add(name: string, action: Action, runAfter?: RunAfter): string {
    if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`Action name "${name}" must use letters, digits and underscores`);
    if (this.actions[name]) throw new Error(`Action "${name}" is defined twice`);
    const after = runAfter ?? (this.previous ? { [this.previous]: this.previousStatuses } : {});
    this.actions[name] = { ...action, runAfter: after };
    this.previous = name;
    this.previousStatuses = ["Succeeded"];
    return name;
  }

  /**
   * Adds a failure handler (runs when `watched` failed or timed out) and makes the next action run
   * when the handler was skipped, i.e. when `watched` succeeded: one chain, so a handled failure
   * ends the run as Succeeded (a branch that ends in a skipped action takes its predecessor's status).
   */
  onFailure(watched: string, name: string, action: Action): string {
    this.add(name, action, failed(watched));
    this.previousStatuses = ["Skipped"];
    return name;
  }

  /** The name of the action added last (what the next one runs after). */
  get last(): string | undefined {
    return this.previous;
  }

  /** Make the next action run after `name` with the given statuses. */
  after(name: string): this {
    this.previous = name;
    return this;
  }
}

export const succeeded = (name: string): RunAfter => ({ [name]: ["Succeeded"] });
export const finished = (name: string): RunAfter => ({ [name]: ["Succeeded", "Failed", "Skipped", "TimedOut"] });
export const failed = (name: string): RunAfter => ({ [name]: ["Failed", "TimedOut"] });
/** Ran, whatever the outcome (not skipped). */
export const completed = (name: string): RunAfter => ({ [name]: ["Succeeded", "Failed", "TimedOut"] });

// ---- connections ---------------------------------------------------------------------------------

/** The key each flow uses in properties.connectionReferences (= host.connectionName). */
export const CONNECTIONS = {
  dataverse: { key: "shared_commondataserviceforapps", ref: CONNECTION_REFERENCES.dataverse },
  referrals: { key: "shared_partnercenterref", ref: CONNECTION_REFERENCES.partnerCenterReferrals },
  events: { key: "shared_partnercenterevents", ref: CONNECTION_REFERENCES.partnerCenterEvents },
} as const;
export type ConnectionName = keyof typeof CONNECTIONS;

function connectorAction(connection: ConnectionName, operationId: string, parameters: Record<string, unknown>, extra: Partial<Action> = {}): Action {
  const c = CONNECTIONS[connection];
  return {
    type: "OpenApiConnection",
    inputs: {
      host: { connectionName: c.key, operationId, apiId: connectorId(c.ref.apiName) },
      parameters,
      authentication: "@parameters('$authentication')",
    },
    ...extra,
  };
}

/** Dataverse (Microsoft Dataverse connector) operations with Power Automate's parameter names. */
export const dataverse = {
  getItem: (entitySet: string, recordId: string, options: { select?: string; expand?: string } = {}): Action =>
    connectorAction("dataverse", "GetItem", { entityName: entitySet, recordId, ...(options.select ? { $select: options.select } : {}), ...(options.expand ? { $expand: options.expand } : {}) }),
  listRecords: (entitySet: string, options: { select?: string; filter?: string; orderby?: string; expand?: string; top?: number } = {}): Action =>
    connectorAction("dataverse", "ListRecords", {
      entityName: entitySet,
      ...(options.select ? { $select: options.select } : {}),
      ...(options.filter ? { $filter: options.filter } : {}),
      ...(options.orderby ? { $orderby: options.orderby } : {}),
      ...(options.expand ? { $expand: options.expand } : {}),
      ...(options.top ? { $top: options.top } : {}),
    }),
  /** item: either an object/expression for the whole row, or item/<column> entries. */
  createRecord: (entitySet: string, item: Record<string, unknown> | string): Action => connectorAction("dataverse", "CreateRecord", { entityName: entitySet, ...itemParameters(item) }),
  /** "Update a row": creates the row when the id or alternate key does not exist (upsert). */
  updateRecord: (entitySet: string, recordId: string, item: Record<string, unknown> | string): Action =>
    connectorAction("dataverse", "UpdateRecord", { entityName: entitySet, recordId, ...itemParameters(item) }),
  /** Update only: fails when the row does not exist. */
  updateOnlyRecord: (entitySet: string, recordId: string, item: Record<string, unknown> | string): Action =>
    connectorAction("dataverse", "UpdateOnlyRecord", { entityName: entitySet, recordId, ...itemParameters(item) }),
  deleteRecord: (entitySet: string, recordId: string): Action => connectorAction("dataverse", "DeleteRecord", { entityName: entitySet, recordId }),
  boundAction: (entitySet: string, recordId: string, actionName: string, item: Record<string, unknown> | string): Action =>
    connectorAction("dataverse", "PerformBoundAction", { entityName: entitySet, recordId, actionName, ...itemParameters(item) }),
  unboundAction: (actionName: string, item: Record<string, unknown> | string): Action => connectorAction("dataverse", "PerformUnboundAction", { actionName, ...itemParameters(item) }),
};

function itemParameters(item: Record<string, unknown> | string): Record<string, unknown> {
  if (typeof item === "string") return { item };
  return Object.fromEntries(Object.entries(item).map(([k, v]) => [`item/${k}`, v]));
}

/** Partner Center Referrals (certified connector shared_partnercenterref) operations. */
export const referrals = {
  get: (id: string): Action => connectorAction("referrals", "GetReferralById", { id }),
  list: (options: { filter?: string; orderby?: string; top?: number; skip?: string | number } = {}): Action =>
    connectorAction("referrals", "GetAllReferrals", {
      ...(options.filter ? { $filter: options.filter } : {}),
      ...(options.orderby ? { $orderby: options.orderby } : {}),
      ...(options.top ? { $top: options.top } : {}),
      ...(options.skip !== undefined ? { $skip: options.skip } : {}),
    }),
  create: (referral: unknown): Action => connectorAction("referrals", "CreateReferral", { Referral: referral }),
  /** PatchReferralById: a JSON Patch (add / replace on the connector's paths); no If-Match (the connector has none). */
  patch: (id: string, operations: unknown): Action => connectorAction("referrals", "PatchReferralById", { id, Referral: operations }),
  /** CreateDealRegistrationByReferralId: one `add` of /registrations/- (partner-center-2026.md §2.5). */
  createRegistration: (id: string, operations: unknown): Action => connectorAction("referrals", "CreateDealRegistrationByReferralId", { id, Referral: operations }),
  /** PatchDealRegistrationByReferralId: add / replace on the connector's /registrations/0/… paths. */
  patchRegistration: (id: string, operations: unknown): Action => connectorAction("referrals", "PatchDealRegistrationByReferralId", { id, Referral: operations }),
};

/**
 * Partner Center Events (certified connector shared_partnercenterevents): the webhook registration,
 * /webhooks/v1/registration (reference partner-center-2026.md §4). The body's properties are passed
 * one by one (body/<property>), as exported flows pass a connector's body.
 */
export const events = {
  view: (): Action => connectorAction("events", "ViewRegistration", {}),
  register: (registration: Record<string, unknown>): Action => connectorAction("events", "EventRegistration", eventsBody(registration)),
  update: (registration: Record<string, unknown>): Action => connectorAction("events", "UpdateRegistration", eventsBody(registration)),
};
const eventsBody = (r: Record<string, unknown>) => Object.fromEntries(Object.entries(r).map(([k, v]) => [`body/${k}`, v]));

// ---- built-in actions ------------------------------------------------------------------------------

export const compose = (inputs: unknown): Action => ({ type: "Compose", inputs });

/** The action without Power Automate's default retries (4, exponential). The policy sits in the action's inputs, as the definition language places it. */
export const noRetry = (action: Action): Action => ({ ...action, inputs: { ...(action.inputs as Record<string, unknown>), retryPolicy: { type: "none" } } });
export const initVariable = (name: string, type: "string" | "boolean" | "integer" | "float" | "array" | "object", value?: unknown): Action => ({
  type: "InitializeVariable",
  inputs: { variables: [{ name, type, ...(value !== undefined ? { value } : {}) }] },
});
export const setVariable = (name: string, value: unknown): Action => ({ type: "SetVariable", inputs: { name, value } });
export const appendToArray = (name: string, value: unknown): Action => ({ type: "AppendToArrayVariable", inputs: { name, value } });
export const select = (from: string, map: unknown): Action => ({ type: "Select", inputs: { from, select: map } });
export const query = (from: string, where: string): Action => ({ type: "Query", inputs: { from, where } });
export const terminate = (runStatus: "Succeeded" | "Failed" | "Cancelled", error?: { code: string; message: string }): Action => ({
  type: "Terminate",
  inputs: { runStatus, ...(error && runStatus === "Failed" ? { runError: error } : {}) },
});

export function condition(expression: string | Record<string, unknown>, yes: Steps, no?: Steps): Action {
  return { type: "If", expression: typeof expression === "string" ? { and: [{ equals: [`@${expression}`, true] }] } : expression, actions: yes.actions, else: { actions: no?.actions ?? {} } };
}

export function scope(steps: Steps): Action {
  return { type: "Scope", actions: steps.actions };
}

export function foreach(items: string, steps: Steps, concurrency = 1): Action {
  return { type: "Foreach", foreach: items, actions: steps.actions, runtimeConfiguration: { concurrency: { repetitions: concurrency } } };
}

/** "Do until": runs the steps, then stops once the expression is true (or after count rounds, or the timeout). */
export function until(expression: string, steps: Steps, count: number, timeout: string): Action {
  return { type: "Until", expression: `@${expression}`, limit: { count, timeout }, actions: steps.actions };
}

export function switchOn(on: string, cases: Record<string, { value: string; steps: Steps }>, fallback?: Steps): Action {
  return {
    type: "Switch",
    expression: on,
    cases: Object.fromEntries(Object.entries(cases).map(([k, c]) => [k, { case: c.value, actions: c.steps.actions }])),
    default: { actions: fallback?.actions ?? {} },
  };
}

/** "Delay": a Wait action with an interval (counts one request, however long it waits). */
export const delay = (count: number, unit: "Second" | "Minute" | "Hour"): Action => ({ type: "Wait", inputs: { interval: { count, unit } } });

/** Call a child flow (same solution) by its WorkflowId. */
export const childFlow = (workflowId: string, body: Record<string, unknown>): Action => ({ type: "Workflow", inputs: { host: { workflowReferenceName: workflowId.toLowerCase() }, body } });

export interface SchemaProperty {
  title: string;
  type: "string" | "boolean" | "number" | "integer";
  description?: string;
}

/** The Response a child flow returns ("Respond to a PowerApp or flow"). */
export function respond(bodyValue: Record<string, unknown>, schema: Record<string, SchemaProperty>): Action {
  return {
    type: "Response",
    kind: "PowerApp",
    inputs: {
      statusCode: 200,
      body: bodyValue,
      schema: { type: "object", properties: Object.fromEntries(Object.entries(schema).map(([k, p]) => [k, { title: p.title, type: p.type, "x-ms-dynamically-added": true }])) },
    },
  };
}

// ---- triggers ------------------------------------------------------------------------------------

/** "Manually trigger a flow" / child-flow trigger: Request of kind Button with typed inputs. */
export function buttonTrigger(properties: Record<string, SchemaProperty>, required: string[], options: { concurrency?: number } = {}): Record<string, unknown> {
  return {
    manual: {
      type: "Request",
      kind: "Button",
      ...(options.concurrency ? { runtimeConfiguration: { concurrency: { runs: options.concurrency } } } : {}),
      inputs: {
        schema: {
          type: "object",
          properties: Object.fromEntries(
            Object.entries(properties).map(([k, p]) => [k, { title: p.title, type: p.type, ...(p.description ? { description: p.description } : {}), "x-ms-dynamically-added": true, "x-ms-content-hint": "TEXT" }]),
          ),
          required,
        },
      },
    },
  };
}

/**
 * "When a HTTP request is received": Request of kind Http with the body's JSON schema. "Who can
 * trigger the flow?" is Anyone (`triggerAuthenticationType: All`): Partner Center's webhook calls
 * carry no Entra ID token, and a new flow's default (any user in the tenant) would refuse them
 * (reference power-platform-limits.md); the signed URL and re-reading the referral protect it.
 */
export function httpTrigger(schema: Record<string, unknown>, runtimeConfiguration?: unknown): Record<string, unknown> {
  return { manual: { type: "Request", kind: "Http", inputs: { triggerAuthenticationType: "All", schema }, ...(runtimeConfiguration ? { runtimeConfiguration } : {}) } };
}

/** Dataverse "When a row is added, modified or deleted". message: 1 added, 2 deleted, 3 modified, 4 added or modified, 5 added or deleted … */
/** "Recurrence": every `interval` `frequency` (Minute, Hour, Day…). */
export function recurrenceTrigger(frequency: "Minute" | "Hour" | "Day", interval: number): Record<string, unknown> {
  return { Recurrence: { type: "Recurrence", recurrence: { frequency, interval } } };
}

export function dataverseTrigger(name: string, options: { entity: string; message: number; filteringAttributes?: string; conditions?: string[]; concurrency?: number }): Record<string, unknown> {
  return {
    [name]: {
      type: "OpenApiConnectionWebhook",
      inputs: {
        host: { connectionName: CONNECTIONS.dataverse.key, operationId: "SubscribeWebhookTrigger", apiId: connectorId(CONNECTIONS.dataverse.ref.apiName) },
        parameters: {
          "subscriptionRequest/message": options.message,
          "subscriptionRequest/entityname": options.entity,
          "subscriptionRequest/scope": 4,
          ...(options.filteringAttributes ? { "subscriptionRequest/filteringattributes": options.filteringAttributes } : {}),
        },
        authentication: "@parameters('$authentication')",
      },
      ...(options.conditions?.length ? { conditions: options.conditions.map((expression) => ({ expression })) } : {}),
      ...(options.concurrency ? { runtimeConfiguration: { concurrency: { runs: options.concurrency } } } : {}),
    },
  };
}

// ---- environment variables -------------------------------------------------------------------------

export type EnvKey = keyof typeof ENVIRONMENT_VARIABLES;
/** The parameter name a flow uses for an environment variable: "<Display name> (<schema name>)", as Power Automate writes it. */
export const envParameterName = (key: EnvKey): string => `${ENVIRONMENT_VARIABLES[key].displayName} (${ENVIRONMENT_VARIABLES[key].schemaName})`;
export const envParameter = (key: EnvKey): string => `parameters('${envParameterName(key).replace(/'/g, "''")}')`;

/**
 * A column named by an environment variable (deal value, customer country), trimmed, and the shipped
 * default when the admin left it blank — as the rulebook's configOf reads it.
 */
export function configuredColumn(key: "dealValueField" | "customerCountryCodeField", raw: string = envParameter(key)): string {
  const value = `trim(coalesce(${raw}, ''))`;
  return `if(empty(${value}), '${ENVIRONMENT_VARIABLES[key].defaultValue}', ${value})`;
}

function envParameterDefinition(key: EnvKey): [string, unknown] {
  const v = ENVIRONMENT_VARIABLES[key];
  const isBool = v.type === "Boolean";
  return [
    envParameterName(key),
    {
      defaultValue: isBool ? v.defaultValue === "yes" : v.defaultValue,
      type: isBool ? "Bool" : "String",
      metadata: { schemaName: v.schemaName, description: v.displayName },
    },
  ];
}

// ---- the flow file ---------------------------------------------------------------------------------

export interface FlowSpec {
  id: string;
  name: string;
  description: string;
  connections: ConnectionName[];
  environmentVariables?: EnvKey[];
  triggers: Record<string, unknown>;
  steps: Steps;
}

export interface FlowFile {
  properties: { connectionReferences: Record<string, unknown>; definition: Record<string, unknown> };
  schemaVersion: string;
}

export function flowFile(spec: FlowSpec): FlowFile {
  const connectionReferences = Object.fromEntries(
    spec.connections.map((name) => {
      const c = CONNECTIONS[name];
      return [c.key, { runtimeSource: "embedded", connection: { connectionReferenceLogicalName: c.ref.logicalName }, api: { name: c.ref.apiName } }];
    }),
  );
  return {
    properties: {
      connectionReferences,
      definition: {
        $schema: "https://schema.management.azure.com/providers/Microsoft.Logic/schemas/2016-06-01/workflowdefinition.json#",
        contentVersion: "1.0.0.0",
        parameters: {
          $connections: { defaultValue: {}, type: "Object" },
          $authentication: { defaultValue: {}, type: "SecureObject" },
          ...Object.fromEntries((spec.environmentVariables ?? []).map(envParameterDefinition)),
        },
        triggers: spec.triggers,
        actions: spec.steps.actions,
        outputs: {},
      },
    },
    schemaVersion: "1.0.0.0",
  };
}
