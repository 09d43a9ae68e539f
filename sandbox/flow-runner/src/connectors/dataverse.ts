/**
 * Microsoft Dataverse connector (shared_commondataserviceforapps) over the Dataverse Web API v9.2,
 * with Power Automate's parameter shapes: entityName is the entity set name (opportunities),
 * recordId the row's GUID, OData options $select / $filter / $orderby / $expand / $top, and the row
 * as one item/<column> (or item/<navigation>@odata.bind) key per column.
 *
 * Strict rules (each refused at lint when the flow JSON shows it, else at run time):
 * - "Row ID" (recordId) is the row's GUID: learn.microsoft.com/connectors/commondataserviceforapps
 *   ("Row ID: … the unique identifier of the row"); alternate-key syntax such as
 *   pcs_referralidentifier='R-1' is refused (dataverse-row-id).
 * - Create / Update / Update-only take one item/<column> key per column: in 120 real exported
 *   create/update calls (pnp/powerplatform-samples, microsoft/powercat-*, Power-CAT-Copilot-Studio-Kit,
 *   coe-starter-kit) none passes a whole `item` object, so one is refused (dataverse-item-object;
 *   the harsher reading of an undocumented shape).
 * - "Update a row" (UpdateRecord) on an unknown GUID creates the row (documented upsert).
 * The connector's own definition is not public, so other parameter names are not checked.
 *
 * The trigger SubscribeWebhookTrigger is not invoked here: the runner registers it by creating a
 * callbackregistrations row (see service/runner.ts).
 */
import { isObject, Value } from "../expression/values";
import { isDeferred, type CheckMode, type OperationContract, type ParameterSpec, type Violation } from "./contract";
import { parseTemplate, isTemplateString, type Expr } from "../expression/parser";
import { HttpResult } from "./http";
import { bearer, connectionBaseUrl, Connector, ConnectorCall, ConnectorError, contractsOf, enforceContract, queryString, requireParam, unflatten } from "./types";

export const DATAVERSE_API = "shared_commondataserviceforapps";
export const WEB_API_PATH = "/api/data/v9.2/";

const GUID = /^\{?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}?$/i;

const ALTERNATE_KEY = /^\s*[A-Za-z_]\w*\s*=/;
/** The start of an alternate key written in an expression: a literal such as pcs_referralidentifier=' */
const ALTERNATE_KEY_START = /^\s*[A-Za-z_]\w*\s*=\s*'/;

function keySegment(call: ConnectorCall, recordId: Value, op: string): string {
  const s = String(recordId ?? "").trim();
  if (GUID.test(s)) return `(${s.replace(/[{}]/g, "").toLowerCase()})`;
  // Waived only by the temporary issue-11 opt-out (contract rule rowIdIsGuid refuses it otherwise).
  throw new ConnectorError(`The '${op}' operation expects 'recordId' (Row ID) to be the row's GUID; it is '${s}'.`);
}

/** String literals anywhere in an expression tree. */
function literals(e: Expr, out: string[] = []): string[] {
  if (e.kind === "literal") {
    if (typeof e.value === "string") out.push(e.value);
  } else if (e.kind === "call") e.args.forEach((a) => literals(a, out));
  else {
    literals(e.target, out);
    if (e.kind === "index") literals(e.index, out);
  }
  return out;
}

/**
 * recordId is a GUID. At lint: a literal that is not one, an interpolation that starts like
 * name=..., or an expression that builds one from a name=' literal (concat of pcs_x=' and a value)
 * is refused.
 */
function rowIdIsGuid(params: Readonly<Record<string, unknown>>, mode: CheckMode): Violation[] {
  const v = params.recordId;
  if (v === undefined || v === null) return [];
  if (isDeferred(v, mode)) {
    let built: string | undefined;
    try {
      const t = parseTemplate(String(v));
      if (t.kind === "expression") built = literals(t.expr).find((x) => ALTERNATE_KEY_START.test(x));
    } catch {
      return [];
    }
    return built === undefined
      ? []
      : [{ code: "dataverse-row-id", parameter: "recordId", message: `Row ID (recordId) must be the row's GUID; this expression builds alternate-key syntax ('${built}...'), which the connector does not accept (look the row up with List rows, or use its GUID).` }];
  }
  const bad = (shown: string): Violation[] => [
    { code: "dataverse-row-id", parameter: "recordId", message: `Row ID (recordId) must be the row's GUID; '${shown}' is not one${ALTERNATE_KEY.test(shown) ? " (alternate-key syntax is not accepted: look the row up with List rows, or use its GUID)" : ""}.` },
  ];
  if (typeof v !== "string") return bad(String(v));
  if (mode === "lint" && isTemplateString(v)) {
    let first: unknown;
    try {
      const t = parseTemplate(v);
      first = t.kind === "interpolation" ? t.parts[0] : undefined;
    } catch {
      return [];
    }
    return typeof first === "string" && ALTERNATE_KEY.test(first) ? bad(v) : [];
  }
  return GUID.test(v.trim()) ? [] : bad(v);
}

/** One item/<column> key per column; a whole `item` object is refused. */
function itemPerColumn(params: Readonly<Record<string, unknown>>): Violation[] {
  if (params.item === undefined) return [];
  return [
    {
      code: "dataverse-item-object",
      parameter: "item",
      message: "The row is passed as one 'item' object; the Dataverse connector takes one 'item/<column>' key per column (as every real exported create and update does).",
    },
  ];
}

const P = (name: string, type: ParameterSpec["type"], required = false): ParameterSpec => ({ name, type, required });
const ENTITY = P("entityName", "string", true);
const RECORD = P("recordId", "string", true);
const contract = (operationId: string, parameters: ParameterSpec[], rules: OperationContract["rules"] = []): OperationContract => ({
  operationId,
  parameters,
  closed: false,
  rules,
});

export const DATAVERSE_CONTRACTS: readonly OperationContract[] = [
  contract("ListRecords", [ENTITY, P("$select", "string"), P("$filter", "string"), P("$orderby", "string"), P("$expand", "string"), P("$top", "integer"), P("fetchXml", "string"), P("$skiptoken", "string")]),
  contract("GetItem", [ENTITY, RECORD, P("$select", "string"), P("$expand", "string")], [rowIdIsGuid]),
  contract("CreateRecord", [ENTITY], [itemPerColumn]),
  contract("UpdateRecord", [ENTITY, RECORD], [rowIdIsGuid, itemPerColumn]),
  contract("UpdateOnlyRecord", [ENTITY, RECORD], [rowIdIsGuid, itemPerColumn]),
  contract("DeleteRecord", [ENTITY, RECORD], [rowIdIsGuid]),
  contract("PerformBoundAction", [ENTITY, RECORD, P("actionName", "string", true)], [rowIdIsGuid]),
  contract("PerformUnboundAction", [P("actionName", "string", true)]),
];

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
    const key = keySegment(call, requireParam(p, "recordId", "GetItem"), "GetItem");
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
    const key = keySegment(call, requireParam(p, "recordId", "UpdateRecord"), "UpdateRecord");
    return send(call, "PATCH", set + key, unflatten(p, "item") ?? {}, { Prefer: "return=representation" });
  },
  /** "Update a row" without upsert: If-Match: * makes a missing row a 404. */
  async UpdateOnlyRecord(call) {
    const p = call.parameters;
    const set = entitySet(p, "UpdateOnlyRecord");
    const key = keySegment(call, requireParam(p, "recordId", "UpdateOnlyRecord"), "UpdateOnlyRecord");
    return send(call, "PATCH", set + key, unflatten(p, "item") ?? {}, { Prefer: "return=representation", "If-Match": "*" });
  },
  async DeleteRecord(call) {
    const p = call.parameters;
    const set = entitySet(p, "DeleteRecord");
    const key = keySegment(call, requireParam(p, "recordId", "DeleteRecord"), "DeleteRecord");
    return send(call, "DELETE", set + key);
  },
  async PerformBoundAction(call) {
    const p = call.parameters;
    const set = entitySet(p, "PerformBoundAction");
    const key = keySegment(call, requireParam(p, "recordId", "PerformBoundAction"), "PerformBoundAction");
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
  contracts: contractsOf(DATAVERSE_CONTRACTS),
  async invoke(call) {
    const op = OPERATIONS[call.operationId];
    if (!op) throw new ConnectorError(`The Dataverse connector has no operation '${call.operationId}'.`, 400, "OperationNotFound");
    enforceContract(dataverseConnector, call);
    const res = await op(call);
    // Power Automate hands back the row for create/update; a 204 from the service has no body.
    if (isObject(res.body)) delete (res.body as Record<string, Value>)["@odata.context"];
    return res;
  },
};
