/**
 * Typed errors for Partner Center calls. Every documented error body
 * ({ error: { code, message, target, innerError } }, reference §2) and the throttling body
 * ({ statusCode, message }) becomes one of these, carrying the HTTP status, the code, the message,
 * the target and the correlation id of the call. Nothing here ever holds a token or a header value
 * other than the correlation and request ids.
 */
import type { PartnerCenterErrorBody } from "./referral";

export interface PartnerCenterErrorDetails {
  /** HTTP status; 0 when no response was received. */
  status: number;
  /** Documented error code (e.g. preconditionFailed), or a synthesized one for non-JSON answers. */
  code: string;
  message: string;
  target?: string;
  innerError?: { code?: string; message?: string; [k: string]: unknown };
  /** The client operation, e.g. "patchReferral". */
  operation: string;
  method: string;
  /** Request URL without query string (the query can carry customer data in $filter). */
  url: string;
  correlationId: string;
  /** Server request id (request-id response header), when present. */
  requestId?: string;
  /** Milliseconds the server asked us to wait (Retry-After), when present. */
  retryAfterMs?: number;
  /** Attempts made, including the one that produced this error. */
  attempts: number;
  /**
   * True when the request may have been applied although no success was seen (a non-idempotent
   * call that timed out or got a 5xx): re-read before repeating it.
   */
  mayHaveCommitted?: boolean;
  cause?: unknown;
}

export class PartnerCenterError extends Error {
  readonly status: number;
  readonly code: string;
  readonly target?: string;
  readonly innerError?: PartnerCenterErrorDetails["innerError"];
  readonly operation: string;
  readonly method: string;
  readonly url: string;
  readonly correlationId: string;
  readonly requestId?: string;
  readonly retryAfterMs?: number;
  readonly attempts: number;
  readonly mayHaveCommitted: boolean;
  /** The server's message alone (`message` adds operation, status, code and correlation id). */
  readonly serverMessage: string;

  constructor(d: PartnerCenterErrorDetails) {
    super(`Partner Center ${d.operation} failed: ${d.status ? `HTTP ${d.status} ` : ""}${d.code}: ${d.message}${d.target ? ` (target: ${d.target})` : ""} [MS-CorrelationId ${d.correlationId}]`, d.cause !== undefined ? { cause: d.cause } : undefined);
    this.name = new.target.name;
    this.status = d.status;
    this.code = d.code;
    this.target = d.target;
    this.innerError = d.innerError;
    this.operation = d.operation;
    this.method = d.method;
    this.url = d.url;
    this.correlationId = d.correlationId;
    this.requestId = d.requestId;
    this.retryAfterMs = d.retryAfterMs;
    this.attempts = d.attempts;
    this.mayHaveCommitted = d.mayHaveCommitted ?? false;
    this.serverMessage = d.message;
  }

}

/** 400 / 422: the request was invalid (bad field, invalid transition, bad $filter). */
export class PartnerCenterBadRequestError extends PartnerCenterError {}
/** 401: no or bad token. */
export class PartnerCenterAuthenticationError extends PartnerCenterError {}
/** 403: authenticated but not allowed (role, Conditional Access `insufficent_claims`). */
export class PartnerCenterForbiddenError extends PartnerCenterError {}
/** 404: the referral (or registration, validation event) does not exist. */
export class PartnerCenterNotFoundError extends PartnerCenterError {}
/**
 * 412 preconditionFailed or 409 resourceModified: the If-Match eTag is stale. Re-read the
 * referral, re-apply the change, retry once.
 */
export class PartnerCenterConflictError extends PartnerCenterError {}
/** 429 after the retry budget was spent (or Retry-After beyond the allowed wait). */
export class PartnerCenterThrottledError extends PartnerCenterError {}
/** 5xx after the retry budget was spent. */
export class PartnerCenterServiceError extends PartnerCenterError {}
/** No HTTP answer: connection refused or reset, DNS, TLS. */
export class PartnerCenterNetworkError extends PartnerCenterError {}
/** No answer within the timeout. */
export class PartnerCenterTimeoutError extends PartnerCenterNetworkError {}
/** Rejected by the client before any call (e.g. a JSON Patch path the API does not accept). */
export class PartnerCenterInputError extends PartnerCenterError {}
/** The token provider could not supply a token. */
export class PartnerCenterTokenError extends PartnerCenterError {}

function classFor(status: number): typeof PartnerCenterError {
  if (status === 400 || status === 422) return PartnerCenterBadRequestError;
  if (status === 401) return PartnerCenterAuthenticationError;
  if (status === 403) return PartnerCenterForbiddenError;
  if (status === 404) return PartnerCenterNotFoundError;
  if (status === 409 || status === 412) return PartnerCenterConflictError;
  if (status === 429) return PartnerCenterThrottledError;
  if (status >= 500) return PartnerCenterServiceError;
  return PartnerCenterError;
}

const DEFAULT_CODES: Record<number, string> = {
  400: "invalidRequest",
  401: "unauthenticated",
  403: "accessDenied",
  404: "itemNotFound",
  409: "resourceModified",
  412: "preconditionFailed",
  422: "invalidRequest",
  429: "tooManyRequests",
  500: "generalException",
  502: "badGateway",
  503: "serviceNotAvailable",
  504: "gatewayTimeout",
};

const MAX_MESSAGE = 1024;
const clip = (s: string): string => (s.length > MAX_MESSAGE ? `${s.slice(0, MAX_MESSAGE)}…` : s);

/** Parse any error answer into code / message / target, tolerating every body shape seen. */
export function parseErrorBody(status: number, bodyText: string): Pick<PartnerCenterErrorDetails, "code" | "message" | "target" | "innerError"> {
  const fallbackCode = DEFAULT_CODES[status] ?? (status >= 500 ? "generalException" : `http${status}`);
  let parsed: unknown;
  try {
    parsed = bodyText ? JSON.parse(bodyText) : undefined;
  } catch {
    parsed = undefined;
  }
  if (parsed && typeof parsed === "object") {
    const body = parsed as Partial<PartnerCenterErrorBody> & { statusCode?: number; message?: unknown; code?: unknown; description?: unknown };
    if (body.error && typeof body.error === "object") {
      const e = body.error;
      return {
        code: typeof e.code === "string" && e.code ? e.code : fallbackCode,
        message: clip(typeof e.message === "string" && e.message ? e.message : `HTTP ${status}`),
        target: typeof e.target === "string" && e.target ? e.target : undefined,
        innerError: e.innerError && typeof e.innerError === "object" ? e.innerError : undefined,
      };
    }
    // Throttling / gateway shape: { "statusCode": 429, "message": "Rate limit is exceeded. ..." }
    if (typeof body.message === "string") {
      return { code: typeof body.code === "string" ? body.code : fallbackCode, message: clip(body.message) };
    }
    if (typeof body.description === "string") return { code: fallbackCode, message: clip(body.description) };
  }
  const text = bodyText.trim();
  return { code: fallbackCode, message: clip(text && text.length < 300 && !text.startsWith("<") ? text : `HTTP ${status} with no error body`) };
}

export function errorFromResponse(
  status: number,
  bodyText: string,
  context: Omit<PartnerCenterErrorDetails, "status" | "code" | "message" | "target" | "innerError">,
): PartnerCenterError {
  const Cls = classFor(status);
  return new Cls({ status, ...parseErrorBody(status, bodyText), ...context });
}
