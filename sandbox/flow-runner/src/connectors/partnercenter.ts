/**
 * The certified "Partner Center Referrals" connector (shared_partnercenterref), implemented from
 * microsoft/PowerPlatformConnectors certified-connectors/PartnerCenterReferrals/apiDefinition.swagger.json:
 * basePath /v1.0/engagements/, operations and parameter names exactly as the swagger declares them.
 *
 * | operationId                        | request                                   | parameters |
 * |------------------------------------|-------------------------------------------|------------|
 * | GetAllReferrals                    | GET /referrals                            | $expand $filter $select $orderby $top $skip $count, MS-CorrelationId, X-Caller-Id |
 * | CreateReferral                     | POST /referrals                           | body "Referral" (required) |
 * | GetReferralById                    | GET /referrals/{id}                       | id |
 * | UpdateReferralById                 | PUT /referrals/{id}                       | id, body "odataReferral", header "if-match" (required) |
 * | PatchReferralById                  | PATCH /referrals/{id}                     | id, body "Referral" (JSON Patch array; no if-match) |
 * | CreateDealRegistrationByReferralId | PATCH /referrals/{id}/                    | id, body "Referral" (add /registrations/-) |
 * | PatchDealRegistrationByReferralId  | PATCH /referrals/{id}//                   | id, body "Referral" (JSON Patch on /registrations/0/…) |
 *
 * Every operation also takes the headers MS-CorrelationId and X-Caller-Id (internal) and most an
 * internal content-type. A parameter the swagger does not declare (an if-match on
 * PatchReferralById) is refused, and so is a JSON Patch operation whose op or path is outside the
 * swagger's enums (PatchReferralById's 18 paths, partner-center-2026.md §2.4): at lint when the flow
 * JSON shows it, at run time otherwise.
 */
import { Value } from "../expression/values";
import { isDeferred, type CheckMode, type OperationContract, type ParameterSpec, type Violation } from "./contract";
import { HttpResult } from "./http";
import { bearer, connectionBaseUrl, Connector, ConnectorCall, ConnectorError, contractsOf, enforceContract, queryString, requireParam, unflatten } from "./types";

export const PARTNER_CENTER_API = "shared_partnercenterref";
/** The swagger's default for the internal X-Caller-Id header ("ID to identify the caller - Power Automate"). */
export const DEFAULT_CALLER_ID = "60858c1b-2062-40ad-b42c-996b6b5b047d";

const BASE_PATH = "/v1.0/engagements";

/** UpdateReferralDetails.items.path enum of the certified swagger (PatchReferralById). */
export const REFERRAL_PATCH_PATHS: readonly string[] = [
  "/campaignId",
  "/consent/consentToShareReferralWithMicrosoftSellers",
  "/customerProfile/team",
  "/customerProfile/team/-",
  "/details/closingDateTime",
  "/details/currency",
  "/details/dealValue",
  "/details/notes",
  "/details/requirements/solutions",
  "/details/requirements/solutions/-",
  "/externalReferenceId",
  "/referralProgram",
  "/salesStage",
  "/status",
  "/substatus",
  "/statusReason",
  "/team",
  "/team/-",
];

/** UpdateDealRegistration.items.path enum (PatchDealRegistrationByReferralId). */
const DEAL_REGISTRATION_PATCH_PATHS: readonly string[] = [
  ...["startDateTime", "endDateTime", "signDateTime", "term", "value"].map((f) => `/registrations/0/contract/${f}`),
  ...["value", "currency", "isDeployedOnAzure", "primaryDeploymentOn", "pricingModel", "marketplaceTransactionDetails/isMarketplaceTransacted", "marketplaceTransactionDetails/marketplaceTransactionDateTime"].map(
    (f) => `/registrations/0/solutionDetails/0/${f}`,
  ),
];

/** The body parameter named `name` is a JSON Patch array whose op and path come from these enums. */
function jsonPatch(name: string, ops: readonly string[], paths: readonly string[]) {
  return (params: Readonly<Record<string, unknown>>, mode: CheckMode): Violation[] => {
    const list = params[name];
    if (!Array.isArray(list)) return [];
    const out: Violation[] = [];
    list.forEach((entry, i) => {
      if (isDeferred(entry, mode)) return;
      if (!entry || typeof entry !== "object" || Array.isArray(entry)) {
        out.push({ code: "openapi-parameter-type", parameter: name, message: `Operation ${i + 1} of '${name}' must be an object {op, path, value}.` });
        return;
      }
      const { op, path } = entry as { op?: unknown; path?: unknown };
      if (!isDeferred(op, mode) && !ops.includes(String(op))) out.push({ code: "openapi-parameter-enum", parameter: name, message: `Operation ${i + 1} of '${name}' has op '${String(op)}'; the connector allows ${ops.map((o) => `'${o}'`).join(", ")}.` });
      if (!isDeferred(path, mode) && !paths.includes(String(path))) {
        out.push({ code: "partner-center-patch-path", parameter: name, message: `Operation ${i + 1} of '${name}' patches '${String(path)}', which is not one of the connector's ${paths.length} paths (${paths.join(", ")}).` });
      }
    });
    return out;
  };
}

const P = (name: string, type: ParameterSpec["type"], extra: Partial<ParameterSpec> = {}): ParameterSpec => ({ name, type, ...extra });
const HEADERS = [P("MS-CorrelationId", "string"), P("X-Caller-Id", "string", { internal: true })];
const CONTENT_TYPE = P("content-type", "string", { internal: true });
const ID = P("id", "string", { required: true });
const op = (operationId: string, parameters: ParameterSpec[], extra: Partial<OperationContract> = {}): OperationContract => ({ operationId, parameters, closed: true, ...extra });

/** Operations and parameters exactly as apiDefinition.swagger.json declares them. */
export const PARTNER_CENTER_CONTRACTS: readonly OperationContract[] = [
  op("GetAllReferrals", [P("$expand", "string"), P("$filter", "string"), P("$select", "string"), P("$orderby", "string"), P("$top", "integer"), P("$skip", "integer"), P("$count", "boolean"), CONTENT_TYPE, ...HEADERS]),
  // body "Referral" (object): whole, or flattened by the designer as Referral/<property>
  op("CreateReferral", [P("Referral", "object", { required: true }), ...HEADERS], { dynamicPrefixes: ["Referral/"] }),
  op("GetReferralById", [ID, CONTENT_TYPE, ...HEADERS]),
  op("UpdateReferralById", [ID, P("odataReferral", "object", { required: true }), P("if-match", "string", { required: true }), CONTENT_TYPE, ...HEADERS], { dynamicPrefixes: ["odataReferral/"] }),
  op("PatchReferralById", [ID, CONTENT_TYPE, ...HEADERS, P("Referral", "array", { required: true })], { rules: [jsonPatch("Referral", ["replace", "add"], REFERRAL_PATCH_PATHS)] }),
  op("CreateDealRegistrationByReferralId", [ID, CONTENT_TYPE, ...HEADERS, P("Referral", "array", { required: true })], { rules: [jsonPatch("Referral", ["add"], ["/registrations/-"])] }),
  op("PatchDealRegistrationByReferralId", [ID, CONTENT_TYPE, ...HEADERS, P("Referral", "array", { required: true })], { rules: [jsonPatch("Referral", ["replace", "add"], DEAL_REGISTRATION_PATCH_PATHS)] }),
];

function headers(call: ConnectorCall, extra: Record<string, string> = {}): Record<string, string> {
  const p = call.parameters;
  const h: Record<string, string> = {
    Accept: "application/json",
    "content-type": "application/json",
    "MS-CorrelationId": typeof p["MS-CorrelationId"] === "string" && p["MS-CorrelationId"] ? (p["MS-CorrelationId"] as string) : call.correlationId,
    "X-Caller-Id": typeof p["X-Caller-Id"] === "string" && p["X-Caller-Id"] ? (p["X-Caller-Id"] as string) : DEFAULT_CALLER_ID,
    ...bearer(call.connection),
    ...extra,
  };
  return h;
}

function body(call: ConnectorCall, name: string, op: string, required: boolean): Value | undefined {
  const p = call.parameters;
  const v = Array.isArray(p[name]) ? p[name] : unflatten(p, name);
  if (required && (v === undefined || v === null)) throw new ConnectorError(`The '${op}' operation requires the body parameter '${name}'.`);
  return v;
}

function idSegment(call: ConnectorCall, op: string): string {
  return encodeURIComponent(String(requireParam(call.parameters, "id", op)));
}

const OPERATIONS: Record<string, (call: ConnectorCall, base: string) => Promise<HttpResult>> = {
  GetAllReferrals: (call, base) =>
    call.http({
      method: "GET",
      url: `${base}/referrals${queryString(call.parameters, ["$expand", "$filter", "$select", "$orderby", "$top", "$skip", "$count"])}`,
      headers: headers(call),
    }),
  CreateReferral: (call, base) =>
    call.http({ method: "POST", url: `${base}/referrals`, headers: headers(call), body: body(call, "Referral", "CreateReferral", true) }),
  GetReferralById: (call, base) => call.http({ method: "GET", url: `${base}/referrals/${idSegment(call, "GetReferralById")}`, headers: headers(call) }),
  UpdateReferralById: (call, base) => {
    const ifMatch = requireParam(call.parameters, "if-match", "UpdateReferralById");
    return call.http({
      method: "PUT",
      url: `${base}/referrals/${idSegment(call, "UpdateReferralById")}`,
      headers: headers(call, { "If-Match": String(ifMatch) }),
      body: body(call, "odataReferral", "UpdateReferralById", true),
    });
  },
  PatchReferralById: (call, base) => {
    const ops = body(call, "Referral", "PatchReferralById", true);
    if (!Array.isArray(ops)) throw new ConnectorError(`The 'PatchReferralById' operation expects 'Referral' to be an array of {op, path, value} operations.`);
    return call.http({ method: "PATCH", url: `${base}/referrals/${idSegment(call, "PatchReferralById")}`, headers: headers(call), body: ops });
  },
  CreateDealRegistrationByReferralId: (call, base) => {
    const ops = body(call, "Referral", "CreateDealRegistrationByReferralId", true);
    return call.http({ method: "PATCH", url: `${base}/referrals/${idSegment(call, "CreateDealRegistrationByReferralId")}/`, headers: headers(call), body: ops });
  },
  PatchDealRegistrationByReferralId: (call, base) => {
    const ops = body(call, "Referral", "PatchDealRegistrationByReferralId", true);
    return call.http({ method: "PATCH", url: `${base}/referrals/${idSegment(call, "PatchDealRegistrationByReferralId")}//`, headers: headers(call), body: ops });
  },
};

export const partnerCenterConnector: Connector = {
  apiName: PARTNER_CENTER_API,
  displayName: "Partner Center Referrals",
  operations: Object.keys(OPERATIONS),
  triggers: [],
  requiredParameters: ["baseUrl", "token"],
  contracts: contractsOf(PARTNER_CENTER_CONTRACTS),
  async invoke(call) {
    const op = OPERATIONS[call.operationId];
    if (!op) throw new ConnectorError(`The Partner Center Referrals connector has no operation '${call.operationId}'.`, 400, "OperationNotFound");
    enforceContract(partnerCenterConnector, call);
    return op(call, connectionBaseUrl(call.connection) + BASE_PATH);
  },
};
