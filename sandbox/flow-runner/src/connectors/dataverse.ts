/**
 * Microsoft Dataverse connector (shared_commondataserviceforapps) over the Dataverse Web API v9.2,
 * with Power Automate's parameter shapes: entityName is the entity set name (opportunities),
 * recordId a GUID (or an alternate key such as pcs_referralidentifier='R-1'), OData options
 * $select / $filter / $orderby / $expand / $top, and the row as item/<column> and
 * item/<navigation>@odata.bind.
 *
 * The trigger SubscribeWebhookTrigger is not invoked here: the runner registers it by creating a
 * callbackregistrations row (see service/triggers.ts).
 */
import { isObject, Value } from "../expression/values";
import { HttpResult } from "./http";
import { bearer, connectionBaseUrl, Connector, ConnectorCall, ConnectorError, queryString, requireParam, unflatten } from "./types";

export const DATAVERSE_API = "shared_commondataserviceforapps";
export const WEB_API_PATH = "/api/data/v9.2/";

const GUID = /^\{?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}?$/i;

function keySegment(recordId: Value, op: string): string {
  const s = String(recordId ?? "").trim();
  if (GUID.test(s)) return `(${s.replace(/[{}]/g, "").toLowerCase()})`;
  if (/^[A-Za-z_][\w]*\s*=/.test(s)) return `(${s})`; // alternate key: name='value'[,name2=...]
  throw new ConnectorError(`The '${op}' operation expects 'recordId' to be a GUID or an alternate key (name='value'); it is '${s}'.`);
}

function entitySet(params: Record<string, Value>, op: string): string {
  const e = String(requireParam(params, "entityName", op));
  if (!/^[A-Za-z_][\w]*$/.test(e)) throw new ConnectorError(`The '${op}' operation expects 'entityName' to be an entity set name such as 'opportunities'; it is '${e}'.`);
  return e;
}

export function dataverseBase(call: Pick<ConnectorCall, "connection">): string {
  return connectionBaseUrl(call.connection, "environmentUrl", "organizationUrl") + WEB_API_PATH;
}

const STANDARD_HEADERS = {
  Accept: "application/json",
  "OData-MaxVersion": "4.0",
  "OData-Version": "4.0",
};

async function send(call: ConnectorCall, method: string, path: string, body?: unknown, extra: Record<string, string> = {}): Promise<HttpResult> {
  return call.http({
    method,
    url: dataverseBase(call) + path,
    headers: { ...STANDARD_HEADERS, ...bearer(call.connection), "x-ms-correlation-request-id": call.correlationId, ...extra },
    body,
  });
}

const OPERATIONS: Record<string, (call: ConnectorCall) => Promise<HttpResult>> = {
  async ListRecords(call) {
    const p = call.parameters;
    const set = entitySet(p, "ListRecords");
    const q = queryString(p, ["$select", "$filter", "$orderby", "$expand", "$top", "fetchXml", "$skiptoken"]);
    return send(call, "GET", set + q, undefined, { Prefer: 'odata.include-annotations="*"' });
  },
  async GetItem(call) {
    const p = call.parameters;
    const set = entitySet(p, "GetItem");
    const key = keySegment(requireParam(p, "recordId", "GetItem"), "GetItem");
    return send(call, "GET", set + key + queryString(p, ["$select", "$expand"]), undefined, { Prefer: 'odata.include-annotations="*"' });
  },
  async CreateRecord(call) {
    const p = call.parameters;
    const set = entitySet(p, "CreateRecord");
    return send(call, "POST", set, unflatten(p, "item") ?? {}, { Prefer: "return=representation" });
  },
  /** "Update a row": an upsert (PATCH without If-Match creates the row when it does not exist). */
  async UpdateRecord(call) {
    const p = call.parameters;
    const set = entitySet(p, "UpdateRecord");
    const key = keySegment(requireParam(p, "recordId", "UpdateRecord"), "UpdateRecord");
    return send(call, "PATCH", set + key, unflatten(p, "item") ?? {}, { Prefer: "return=representation" });
  },
  /** "Update a row" without upsert: If-Match: * makes a missing row a 404. */
  async UpdateOnlyRecord(call) {
    const p = call.parameters;
    const set = entitySet(p, "UpdateOnlyRecord");
    const key = keySegment(requireParam(p, "recordId", "UpdateOnlyRecord"), "UpdateOnlyRecord");
    return send(call, "PATCH", set + key, unflatten(p, "item") ?? {}, { Prefer: "return=representation", "If-Match": "*" });
  },
  async DeleteRecord(call) {
    const p = call.parameters;
    const set = entitySet(p, "DeleteRecord");
    const key = keySegment(requireParam(p, "recordId", "DeleteRecord"), "DeleteRecord");
    return send(call, "DELETE", set + key);
  },
  async PerformBoundAction(call) {
    const p = call.parameters;
    const set = entitySet(p, "PerformBoundAction");
    const key = keySegment(requireParam(p, "recordId", "PerformBoundAction"), "PerformBoundAction");
    const action = qualify(String(requireParam(p, "actionName", "PerformBoundAction")));
    return send(call, "POST", `${set}${key}/${action}`, unflatten(p, "item") ?? {});
  },
  async PerformUnboundAction(call) {
    const p = call.parameters;
    const action = String(requireParam(p, "actionName", "PerformUnboundAction"));
    return send(call, "POST", action.replace(/^Microsoft\.Dynamics\.CRM\./, ""), unflatten(p, "item") ?? {});
  },
};

function qualify(action: string): string {
  return action.includes(".") ? action : `Microsoft.Dynamics.CRM.${action}`;
}

export const dataverseConnector: Connector = {
  apiName: DATAVERSE_API,
  displayName: "Microsoft Dataverse",
  operations: Object.keys(OPERATIONS),
  triggers: ["SubscribeWebhookTrigger"],
  requiredParameters: ["baseUrl", "token"],
  async invoke(call) {
    const op = OPERATIONS[call.operationId];
    if (!op) throw new ConnectorError(`The Dataverse connector has no operation '${call.operationId}'.`, 400, "OperationNotFound");
    const res = await op(call);
    // Power Automate hands back the row for create/update; a 204 from the service has no body.
    if (isObject(res.body)) delete (res.body as Record<string, Value>)["@odata.context"];
    return res;
  },
};
