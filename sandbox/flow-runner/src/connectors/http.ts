/**
 * A small HTTP client on node:http / node:https. Bodies: JSON when the content type says so (parsed
 * with the WDL JSON reader, so 5.0 stays a Float and big integers stay exact), text otherwise,
 * base64 envelope for binary types.
 */
import http from "node:http";
import https from "node:https";
import { parseJsonValue } from "../expression/json";
import { binary, isBinary, toJsonText, Value } from "../expression/values";

export interface HttpRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  /** A string is sent as is; anything else as JSON. */
  body?: unknown;
  timeoutMs?: number;
}

export interface HttpResult {
  statusCode: number;
  headers: Record<string, string>;
  body: Value;
}

export type HttpClient = (req: HttpRequest) => Promise<HttpResult>;

export class HttpTransportError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

const TEXTUAL = /^(text\/|application\/(json|[\w.+-]*\+json|xml|[\w.+-]*\+xml|x-www-form-urlencoded|javascript))/i;

export function decodeBody(buf: Buffer, contentType: string | undefined): Value {
  if (buf.length === 0) return null;
  const ct = contentType ?? "";
  if (/json/i.test(ct) || (!ct && /^\s*[[{]/.test(buf.toString("utf8", 0, Math.min(buf.length, 64))))) {
    const text = buf.toString("utf8");
    try {
      return parseJsonValue(text);
    } catch {
      return text;
    }
  }
  if (!ct || TEXTUAL.test(ct)) return buf.toString("utf8");
  return binary(buf, ct.split(";")[0]);
}

export function encodeBody(body: unknown, headers: Record<string, string>): Buffer | undefined {
  if (body === undefined || body === null) return undefined;
  const hasType = Object.keys(headers).some((k) => k.toLowerCase() === "content-type");
  if (typeof body === "string") {
    if (!hasType) headers["Content-Type"] = "text/plain; charset=utf-8";
    return Buffer.from(body, "utf8");
  }
  if (isBinary(body)) {
    if (!hasType) headers["Content-Type"] = body["$content-type"];
    return Buffer.from(body.$content, "base64");
  }
  if (!hasType) headers["Content-Type"] = "application/json";
  return Buffer.from(toJsonText(body), "utf8");
}

// No keep-alive: loopback services in tests and the sandbox close without waiting for idle sockets.
const httpAgent = new http.Agent({ keepAlive: false });
const httpsAgent = new https.Agent({ keepAlive: false });

export const httpRequest: HttpClient = (req) =>
  new Promise<HttpResult>((resolve, reject) => {
    let url: URL;
    try {
      url = new URL(req.url);
    } catch {
      reject(new HttpTransportError(`The URI '${req.url}' is not a valid absolute URI.`, "InvalidUri"));
      return;
    }
    const headers: Record<string, string> = { ...(req.headers ?? {}) };
    const payload = encodeBody(req.body, headers);
    if (payload) headers["Content-Length"] = String(payload.length);
    const mod = url.protocol === "https:" ? https : http;
    const r = mod.request(
      url,
      { method: req.method.toUpperCase(), headers, timeout: req.timeoutMs ?? 100_000, agent: url.protocol === "https:" ? httpsAgent : httpAgent },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const h: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) h[k] = Array.isArray(v) ? v.join(", ") : v;
          resolve({ statusCode: res.statusCode ?? 0, headers: h, body: decodeBody(Buffer.concat(chunks), res.headers["content-type"]) });
        });
        res.on("error", (e) => reject(new HttpTransportError(e.message, "ResponseError")));
      },
    );
    r.on("timeout", () => r.destroy(new HttpTransportError(`The request to '${url.origin}' timed out.`, "RequestTimeout")));
    r.on("error", (e) => reject(e instanceof HttpTransportError ? e : new HttpTransportError(`The request to '${url.origin}' failed: ${e.message}`, "ServiceUnavailable")));
    if (payload) r.write(payload);
    r.end();
  });

/** Case-insensitive header lookup. */
export function header(h: Record<string, string> | undefined, name: string): string | undefined {
  if (!h) return undefined;
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(h)) if (k.toLowerCase() === lower) return v;
  return undefined;
}

/** Status code → the reason phrase Logic Apps uses as an action's code (NotFound, TooManyRequests…). */
export function statusCodeName(status: number): string {
  const names: Record<number, string> = {
    200: "OK",
    201: "Created",
    202: "Accepted",
    204: "NoContent",
    400: "BadRequest",
    401: "Unauthorized",
    403: "Forbidden",
    404: "NotFound",
    405: "MethodNotAllowed",
    408: "RequestTimeout",
    409: "Conflict",
    412: "PreconditionFailed",
    413: "RequestEntityTooLarge",
    415: "UnsupportedMediaType",
    422: "UnprocessableEntity",
    429: "TooManyRequests",
    500: "InternalServerError",
    501: "NotImplemented",
    502: "BadGateway",
    503: "ServiceUnavailable",
    504: "GatewayTimeout",
  };
  return names[status] ?? `Status${status}`;
}
