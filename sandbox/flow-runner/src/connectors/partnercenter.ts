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
 * | PatchDealRegistrationByReferralId  | PATCH /referrals/{id}/                    | id, body "Referral", X-Caller-Id (required) |
 */
import { Value } from "../expression/values";
import { HttpResult } from "./http";
import { bearer, connectionBaseUrl, Connector, ConnectorCall, ConnectorError, queryString, requireParam, unflatten } from "./types";

export const PARTNER_CENTER_API = "shared_partnercenterref";
/** The swagger's default for the internal X-Caller-Id header ("ID to identify the caller - Power Automate"). */
export const DEFAULT_CALLER_ID = "60858c1b-2062-40ad-b42c-996b6b5b047d";

const BASE_PATH = "/v1.0/engagements";

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
  PatchDealRegistrationByReferralId: (call, base) => {
    const ops = body(call, "Referral", "PatchDealRegistrationByReferralId", true);
    return call.http({ method: "PATCH", url: `${base}/referrals/${idSegment(call, "PatchDealRegistrationByReferralId")}/`, headers: headers(call), body: ops });
  },
};

export const partnerCenterConnector: Connector = {
  apiName: PARTNER_CENTER_API,
  displayName: "Partner Center Referrals",
  operations: Object.keys(OPERATIONS),
  triggers: [],
  requiredParameters: ["baseUrl", "token"],
  async invoke(call) {
    const op = OPERATIONS[call.operationId];
    if (!op) throw new ConnectorError(`The Partner Center Referrals connector has no operation '${call.operationId}'.`, 400, "OperationNotFound");
    return op(call, connectionBaseUrl(call.connection) + BASE_PATH);
  },
};
