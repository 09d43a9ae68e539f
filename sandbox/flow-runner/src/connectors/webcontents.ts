/**
 * "HTTP with Microsoft Entra ID (preauthorized)" (shared_webcontents), operation InvokeHttp:
 * parameters request/method, request/url (absolute, or relative to the connection's base resource
 * URL), request/headers, request/body. The connection is bound to one base resource URL, and a
 * request to any other host is refused, as the connector does.
 *
 * Strict rules:
 * - request/body is typed string (Microsoft's generated connector SDK, Webcontents.InvokeHttp
 *   `Func<string> requestbodyOfTheRequest`); an object or array is refused (webcontents-body-not-string).
 * - The connector works through a first-party app that is preauthorized for Microsoft Graph,
 *   SharePoint and some other Microsoft resources (learn.microsoft.com/connectors/webcontents);
 *   Partner Center is not documented among them, so a connection whose Entra ID resource is a
 *   Partner Center host fails every call with the connector's documented authorization failure
 *   (403 Authorization_RequestDenied, "Insufficient privileges to complete the operation.")
 *   (webcontents-not-preauthorized; the harsher reading of an undocumented case).
 *
 * Connection parameters: `baseResourceUrl` (where calls go; the emulator in the sandbox) and
 * `resourceUri`, the Entra ID resource the connection's token is for (the real connection's
 * "Microsoft Entra ID Resource URI"); without it the base resource URL stands for the resource.
 */
import { isObject, stringify, Value } from "../expression/values";
import type { CheckMode, OperationContract, Violation } from "./contract";
import { HttpResult } from "./http";
import { bearer, connectionBaseUrl, Connector, ConnectorCall, ConnectorError, contractsOf, enforceContract, requireParam, unflatten } from "./types";

export const WEBCONTENTS_API = "shared_webcontents";

/** Partner Center's API hosts (Referrals API; webhook registration API). */
export const PARTNER_CENTER_HOSTS: readonly string[] = ["api.partner.microsoft.com", "api.partnercenter.microsoft.com"];

function bodyIsString(params: Readonly<Record<string, unknown>>, mode: CheckMode): Violation[] {
  const b = params["request/body"];
  if (b === undefined || b === null || typeof b === "string") return []; // an "@expression" is checked again at run time
  return [
    {
      code: "webcontents-body-not-string",
      parameter: "request/body",
      message: `'request/body' is typed string; it is ${Array.isArray(b) ? "an array" : isObject(b as Value) ? "an object" : `of type ${typeof b}`}${mode === "lint" ? " (write the JSON text, e.g. @{string(…)} or a string value)" : ""}.`,
    },
  ];
}

export const WEBCONTENTS_CONTRACTS: readonly OperationContract[] = [
  {
    operationId: "InvokeHttp",
    closed: true,
    parameters: [
      { name: "request/method", type: "string", required: true, enum: ["GET", "DELETE", "PATCH", "POST", "PUT"] },
      { name: "request/url", type: "string", required: true },
      { name: "request/headers", type: "object" },
      { name: "request/body", type: "any" },
    ],
    rules: [bodyIsString],
  },
];

/** The Entra ID resource host the connection's token is for. */
export function resourceHost(call: Pick<ConnectorCall, "connection">): string {
  const r = call.connection.parameters.resourceUri ?? call.connection.parameters.baseResourceUrl;
  try {
    return new URL(String(r)).hostname.toLowerCase();
  } catch {
    return "";
  }
}

function notPreauthorized(host: string): HttpResult {
  return {
    statusCode: 403,
    headers: { "content-type": "application/json" },
    body: {
      error: {
        code: "Authorization_RequestDenied",
        message: `Insufficient privileges to complete the operation. The HTTP with Microsoft Entra ID (preauthorized) app is not preauthorized for ${host}; use the certified Partner Center connectors.`,
      },
    },
  };
}

export const webContentsConnector: Connector = {
  apiName: WEBCONTENTS_API,
  displayName: "HTTP with Microsoft Entra ID (preauthorized)",
  operations: ["InvokeHttp"],
  triggers: [],
  requiredParameters: ["baseResourceUrl", "token"],
  contracts: contractsOf(WEBCONTENTS_CONTRACTS),
  async invoke(call) {
    if (call.operationId !== "InvokeHttp") {
      throw new ConnectorError(`The HTTP with Microsoft Entra ID connector has no operation '${call.operationId}'.`, 400, "OperationNotFound");
    }
    enforceContract(webContentsConnector, call);
    const host = resourceHost(call);
    if (PARTNER_CENTER_HOSTS.includes(host)) return notPreauthorized(host);
    const p = call.parameters;
    const request = unflatten(p, "request") ?? {};
    const method = String(request.method ?? requireParam(p, "request/method", "InvokeHttp")).toUpperCase();
    const rawUrl = String(request.url ?? requireParam(p, "request/url", "InvokeHttp"));
    const base = connectionBaseUrl(call.connection, "baseResourceUrl");
    let url: string;
    if (/^https?:\/\//i.test(rawUrl)) {
      if (new URL(rawUrl).origin !== new URL(base).origin) {
        throw new ConnectorError(`The request URL '${rawUrl}' is not under the connection's base resource URL '${base}'.`, 400, "InvalidRequestUrl");
      }
      url = rawUrl;
    } else url = base + (rawUrl.startsWith("/") ? rawUrl : "/" + rawUrl);
    const headers: Record<string, string> = {};
    const h = request.headers;
    if (isObject(h)) for (const [k, v] of Object.entries(h)) headers[k] = stringify(v as Value);
    Object.assign(headers, bearer(call.connection), { "x-ms-correlation-request-id": call.correlationId });
    return call.http({ method, url, headers, body: request.body ?? undefined });
  },
};
