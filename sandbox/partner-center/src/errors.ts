/**
 * The documented error body (reference §2 "Concurrency and errors"):
 * { "error": { "code", "message", "target", "innerError": { ... } } }, with the documented codes.
 * Handlers throw ApiError; the server turns it into that body and records the call.
 */
import type { PartnerCenterErrorBody, PartnerCenterErrorCode } from "../../../plugins-ts/src/partner-center/referral";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: PartnerCenterErrorCode | string,
    message: string,
    readonly target?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  body(): PartnerCenterErrorBody {
    return { error: { code: this.code, message: this.message, ...(this.target ? { target: this.target } : {}) } };
  }
}

export const invalidRequest = (message: string, target?: string): ApiError => new ApiError(400, "invalidRequest", message, target);
export const itemNotFound = (message: string, target?: string): ApiError => new ApiError(404, "itemNotFound", message, target);
export const preconditionFailed = (message: string): ApiError => new ApiError(412, "preconditionFailed", message, "If-Match");
export const unauthenticated = (message: string): ApiError =>
  new ApiError(401, "unauthenticated", message, "Authorization", { "WWW-Authenticate": 'Bearer authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize"' });

/** Default code for a status the emulator is told to answer with (faults). */
export function codeForStatus(status: number): string {
  switch (status) {
    case 400: return "invalidRequest";
    case 401: return "unauthenticated";
    case 403: return "accessDenied";
    case 404: return "itemNotFound";
    case 409: return "resourceModified";
    case 412: return "preconditionFailed";
    case 503: return "serviceNotAvailable";
    default: return status >= 500 ? "generalException" : "invalidRequest";
  }
}

export function messageForStatus(status: number): string {
  switch (status) {
    case 401: return "Authentication failed. The request must carry a valid bearer token.";
    case 403: return "The caller does not have the rights to perform this operation.";
    case 404: return "The resource is not found.";
    case 409: return "The resource was modified by another request.";
    case 412: return "The eTag in If-Match does not match the current eTag of the resource.";
    case 500: return "The partner API service or one of its dependencies failed to fulfill the request. Callers may retry this.";
    case 502: return "Bad gateway.";
    case 503: return "The service is not available. Please retry later.";
    case 504: return "The service did not answer in time.";
    default: return `HTTP ${status}`;
  }
}
