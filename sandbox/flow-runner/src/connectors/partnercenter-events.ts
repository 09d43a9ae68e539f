/**
 * The certified "Partner Center Events" connector (shared_partnercenterevents), webhook
 * registration for referral events. Its definition is not in microsoft/PowerPlatformConnectors; the
 * operations come from the live definition as Microsoft's generated Logic Apps SDK shows it
 * (Microsoft.Azure.Workflows.Sdk.Connectors.Partnercenterevents; partner-center-2026.md §4):
 *
 * | operationId        | request                         | parameters (flow JSON keys) |
 * |--------------------|---------------------------------|-----------------------------|
 * | ViewRegistration   | GET  /webhooks/v1/registration  | none |
 * | EventRegistration  | POST /webhooks/v1/registration  | body/WebhookUrl, body/WebhookEvents, body/SignatureTokenToMsSignatureHeader |
 * | UpdateRegistration | PUT  /webhooks/v1/registration  | same |
 *
 * Host api.partnercenter.microsoft.com (the connection's `baseUrl` in the sandbox: the emulator).
 * All three body properties are optional; WebhookUrl is a string, WebhookEvents an array of strings
 * and SignatureTokenToMsSignatureHeader is typed **string** (the REST API's boolean): a JSON boolean
 * is refused, and the string is sent as written.
 *
 * How the flow JSON names them (decision, written down): the SDK names the parameters
 * `bodywebhookUrl`, `bodywebhookEvents`, `bodysignatureTokenToMsSignatureHeader`, i.e. the body
 * parameter `body` followed by each property; the same SDK names webcontents' InvokeHttp parameters
 * `requestmethod` / `requesturl…`, which real exports write `request/method` / `request/url`, and
 * real exports write the Teams connector's body parameter `body` as `body/body/messageBody`
 * (microsoft/Power-CAT-Copilot-Studio-Kit AgentComplianceRequestIntake). So: `body/<Property>`,
 * with the property spelled as the API spells it; a whole `body` object is refused, as for
 * Dataverse `item`.
 */
import type { OperationContract, ParameterSpec } from "./contract";
import { HttpResult } from "./http";
import { bearer, connectionBaseUrl, Connector, ConnectorCall, ConnectorError, contractsOf, enforceContract, unflatten } from "./types";

export const PARTNER_CENTER_EVENTS_API = "shared_partnercenterevents";
const PATH = "/webhooks/v1/registration";

const BODY: readonly ParameterSpec[] = [
  { name: "body/WebhookUrl", type: "string" },
  { name: "body/WebhookEvents", type: "array", items: "string" },
  { name: "body/SignatureTokenToMsSignatureHeader", type: "string" },
];

export const PARTNER_CENTER_EVENTS_CONTRACTS: readonly OperationContract[] = [
  { operationId: "ViewRegistration", closed: true, parameters: [] },
  { operationId: "EventRegistration", closed: true, parameters: BODY },
  { operationId: "UpdateRegistration", closed: true, parameters: BODY },
];

const METHOD: Record<string, string> = { ViewRegistration: "GET", EventRegistration: "POST", UpdateRegistration: "PUT" };

function send(call: ConnectorCall): Promise<HttpResult> {
  const method = METHOD[call.operationId];
  const body = method === "GET" ? undefined : (unflatten(call.parameters, "body") ?? {});
  return call.http({
    method,
    url: connectionBaseUrl(call.connection) + PATH,
    headers: { Accept: "application/json", "Content-Type": "application/json", "ms-correlationid": call.correlationId, ...bearer(call.connection) },
    body,
  });
}

export const partnerCenterEventsConnector: Connector = {
  apiName: PARTNER_CENTER_EVENTS_API,
  displayName: "Partner Center Events",
  operations: Object.keys(METHOD),
  triggers: [],
  requiredParameters: ["baseUrl", "token"],
  contracts: contractsOf(PARTNER_CENTER_EVENTS_CONTRACTS),
  async invoke(call) {
    if (!METHOD[call.operationId]) throw new ConnectorError(`The Partner Center Events connector has no operation '${call.operationId}'.`, 400, "OperationNotFound");
    enforceContract(partnerCenterEventsConnector, call);
    return send(call);
  },
};
