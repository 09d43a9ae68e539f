/**
 * Every error the web app's own routes answer, in one place (the README lists them). The body is
 * always `{"error":{"code","message"}}`. Answers the proxied services give (Dataverse Web API errors,
 * the Partner Center control API's, the flow runner's) pass through unchanged.
 */
import type { ServerResponse } from "node:http";

export const WEB_ERRORS = {
  /** refuseNonLocal (sandbox/shared/src/local-guard.ts): Host is not a loopback name. */
  LocalOnlyHost: 403,
  /** refuseNonLocal: Origin is not loopback, or the request came from another site. */
  LocalOnlyOrigin: 403,
  /** refuseNonLocal: a state-changing request without Content-Type: application/json. */
  LocalOnlyContentType: 415,
  /** No such route, table form, web resource or control file. */
  NotFound: 404,
  /** The route exists but not for this method. */
  MethodNotAllowed: 405,
  /** A request body over MAX_BODY_BYTES. */
  BodyTooLarge: 413,
  /** The emulator or runner behind a proxied route did not answer. */
  UpstreamUnavailable: 502,
  /** The page's script bundle has not been built (npm run build). */
  ClientNotBuilt: 503,
} as const;

export type WebErrorCode = keyof typeof WEB_ERRORS;

export class WebError extends Error {
  readonly status: number;
  constructor(
    readonly code: WebErrorCode,
    message: string,
  ) {
    super(message);
    this.status = WEB_ERRORS[code];
  }
}

export function sendError(res: ServerResponse, code: WebErrorCode, message: string, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(WEB_ERRORS[code], { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store", ...headers });
  res.end(JSON.stringify({ error: { code, message } }));
}
