import { DataverseError } from "./errors";
import type { InternalResponse } from "./context";
import { newGuid } from "./util";

export const JSON_TYPE = "application/json; odata.metadata=minimal";

export function baseHeaders(extra: Record<string, string> = {}): Record<string, string> {
  return { "OData-Version": "4.0", REQ_ID: newGuid(), ...extra };
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): InternalResponse {
  return { status, headers: baseHeaders({ "Content-Type": JSON_TYPE, ...headers }), body: JSON.stringify(body) };
}

export function empty(status: number, headers: Record<string, string> = {}): InternalResponse {
  return { status, headers: baseHeaders(headers) };
}

export function errorResponse(e: DataverseError): InternalResponse {
  return { status: e.status, headers: baseHeaders({ "Content-Type": JSON_TYPE, ...e.headers }), body: JSON.stringify(e.toJSON()) };
}

/** Parsed Prefer header preferences. */
export interface Prefer {
  returnRepresentation: boolean;
  maxPageSize?: number;
  annotations?: string;
  continueOnError: boolean;
  raw?: string;
}

export function parsePrefer(h: string | undefined): Prefer {
  const p: Prefer = { returnRepresentation: false, continueOnError: false, raw: h };
  if (!h) return p;
  for (const part of h.split(",")) {
    const t = part.trim();
    if (t === "return=representation") p.returnRepresentation = true;
    else if (/^odata\.maxpagesize\s*=/i.test(t)) p.maxPageSize = Number(t.split("=")[1].replace(/"/g, ""));
    else if (/^odata\.include-annotations/i.test(t)) p.annotations = t;
    else if (/^odata\.continue-on-error/i.test(t)) p.continueOnError = true;
  }
  return p;
}

export const HTTP_REASON: Record<number, string> = {
  200: "OK",
  201: "Created",
  204: "No Content",
  304: "Not Modified",
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  412: "Precondition Failed",
  415: "Unsupported Media Type",
  500: "Internal Server Error",
  502: "Bad Gateway",
};
