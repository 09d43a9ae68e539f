/**
 * "HTTP with Microsoft Entra ID (preauthorized)" (shared_webcontents), operation InvokeHttp:
 * parameters request/method, request/url (absolute, or relative to the connection's base resource
 * URL), request/headers, request/body. The connection is bound to one base resource URL, and a
 * request to any other host is refused, as the connector does. Used for the If-Match JSON Patch
 * on the Referrals API and for Partner Center webhook registration.
 */
import { isObject, stringify, Value } from "../expression/values";
import { bearer, connectionBaseUrl, Connector, ConnectorError, requireParam, unflatten } from "./types";

export const WEBCONTENTS_API = "shared_webcontents";

export const webContentsConnector: Connector = {
  apiName: WEBCONTENTS_API,
  displayName: "HTTP with Microsoft Entra ID (preauthorized)",
  operations: ["InvokeHttp"],
  triggers: [],
  requiredParameters: ["baseResourceUrl", "token"],
  async invoke(call) {
    if (call.operationId !== "InvokeHttp") {
      throw new ConnectorError(`The HTTP with Microsoft Entra ID connector has no operation '${call.operationId}'.`, 400, "OperationNotFound");
    }
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
