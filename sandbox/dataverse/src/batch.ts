/**
 * $batch (multipart/mixed): requests run in order; a change set is one transaction — all of its
 * requests commit or none does — and its requests can refer to rows created earlier in it as $n
 * (Content-ID). Without `Prefer: odata.continue-on-error` the batch stops at the first failure and
 * answers 400 with the responses so far, the failure last; a failed change set answers only with
 * the failing request's response, as Dataverse does.
 * learn.microsoft.com/power-apps/developer/data-platform/webapi/execute-batch-operations-using-web-api
 */
import { dispatch } from "./api";
import type { Context, InternalRequest, InternalResponse } from "./context";
import { DataverseError, ErrorCodes } from "./errors";
import { baseHeaders, errorResponse, HTTP_REASON, parsePrefer } from "./http-util";
import type { LookupValue } from "./store/store";
import { MAX_BATCH_REQUESTS, MAX_BATCH_URL_LENGTH } from "./limits";
import { newGuid } from "./util";

interface HttpPart {
  kind: "request";
  partHeaders: Record<string, string>;
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

interface ChangesetPart {
  kind: "changeset";
  parts: HttpPart[];
}

const boundaryOf = (contentType: string | undefined): string | undefined => /boundary\s*=\s*"?([^";]+)"?/i.exec(contentType ?? "")?.[1];

/**
 * A malformed batch payload, answered as the OData library the Web API reads batches with answers it
 * (OData/odata.net ODataMultipartMixedBatchReaderStream and its SRResources messages).
 */
const malformed = (message: string): DataverseError => new DataverseError(400, ErrorCodes.ODataClientPayloadError, `Microsoft.OData.ODataException: ${message}`);
const UNEXPECTED_END = "Encountered an unexpected end of input while reading the batch payload.";

function splitHeaders(block: string): { headers: Record<string, string>; rest: string } {
  const m = /\r?\n\r?\n/.exec(block);
  const head = m ? block.slice(0, m.index) : block;
  const rest = m ? block.slice(m.index + m[0].length) : "";
  const headers: Record<string, string> = {};
  for (const line of head.split(/\r?\n/)) {
    if (!line.trim()) continue;
    const c = line.indexOf(":");
    if (c <= 0) throw malformed(`The message header '${line}' is invalid. The header value must be of the format '<header name>: <header value>'.`);
    const name = line.slice(0, c).trim().toLowerCase();
    if (name in headers) throw malformed(`The header '${line.slice(0, c).trim()}' was specified multiple times. Each header must appear only once in a batch part.`);
    headers[name] = line.slice(c + 1).trim();
  }
  return { headers, rest };
}

/** The parts between `--boundary` lines; the closing `--boundary--` must be there. */
function splitMultipart(body: string, boundary: string): string[] {
  const lines = body.split(/\r?\n/);
  const parts: string[] = [];
  let current: string[] | undefined;
  for (const line of lines) {
    const t = line.trimEnd();
    if (t === `--${boundary}--`) {
      if (current) parts.push(current.join("\r\n"));
      return parts;
    }
    if (t === `--${boundary}`) {
      if (current) parts.push(current.join("\r\n"));
      current = [];
      continue;
    }
    current?.push(line); // lines before the first boundary are the preamble
  }
  throw malformed(UNEXPECTED_END);
}

/** ODataLib's part rules: a Content-Type; application/http parts with binary transfer encoding; multipart/mixed change sets. */
function partKind(headers: Record<string, string>, inChangeset: boolean): "request" | "changeset" {
  const ct = headers["content-type"];
  if (ct === undefined) throw malformed("The 'Content-Type' header is missing. The 'Content-Type' header must be specified for each MIME part of a batch message.");
  if (/^application\/http\s*(;|$)/i.test(ct)) {
    if ((headers["content-transfer-encoding"] ?? "").toLowerCase() !== "binary") {
      throw malformed("A missing or invalid 'Content-Transfer-Encoding' header was found. The 'Content-Transfer-Encoding' header must be specified for each batch operation, and its value must be 'binary'.");
    }
    return "request";
  }
  if (/^multipart\/mixed\s*(;|$)/i.test(ct)) {
    if (inChangeset) throw malformed("Nested change sets in a batch payload are not supported.");
    return "changeset";
  }
  throw malformed(`The 'Content-Type' header value '${ct}' is invalid. When this is the start of the change set, the value must be 'multipart/mixed'; otherwise it must be 'application/http'.`);
}

function parseHttpPart(partHeaders: Record<string, string>, content: string): HttpPart {
  const trimmed = content.replace(/^(\r?\n)+/, "");
  if (!trimmed) throw malformed(UNEXPECTED_END);
  const nl = /\r?\n/.exec(trimmed);
  const requestLine = (nl ? trimmed.slice(0, nl.index) : trimmed).trim();
  const m = /^(GET|POST|PATCH|PUT|DELETE)\s+(\S+)\s+(\S+)$/i.exec(requestLine);
  if (!m) throw malformed(`The request line '${requestLine}' is invalid. The request line at the start of each operation must be of the format 'HttpMethod RequestUrl HttpVersion'.`);
  if (m[3] !== "HTTP/1.1") throw malformed(`The HTTP version '${m[3]}' used in a batch operation request or response is not valid. The value must be 'HTTP/1.1'.`);
  if (m[2].length > MAX_BATCH_URL_LENGTH) {
    throw malformed(`The request URL in the batch is ${m[2].length} characters long; URLs in a batch are limited to 64 KB (65,536 characters).`);
  }
  const after = nl ? trimmed.slice(nl.index + nl[0].length) : "";
  const noHeaders = /^\r?\n/.exec(after);
  const { headers, rest } = noHeaders ? { headers: {} as Record<string, string>, rest: after.slice(noHeaders[0].length) } : splitHeaders(after);
  return { kind: "request", partHeaders, method: m[1].toUpperCase(), url: m[2], headers, body: rest.replace(/(\r?\n)+$/, "") };
}

export function parseBatch(contentType: string | undefined, body: string): Array<HttpPart | ChangesetPart> {
  const boundary = boundaryOf(contentType);
  if (!boundary || !/^\s*multipart\/mixed\s*(;|$)/i.test(contentType ?? "")) {
    throw new DataverseError(400, ErrorCodes.ODataClientPayloadError, "A $batch request needs Content-Type: multipart/mixed with a boundary.");
  }
  const out: Array<HttpPart | ChangesetPart> = [];
  for (const raw of splitMultipart(body, boundary)) {
    const { headers, rest } = splitHeaders(raw);
    if (partKind(headers, false) === "changeset") {
      const cs = boundaryOf(headers["content-type"]);
      if (!cs) throw malformed("A change set needs a boundary in its Content-Type.");
      const parts = splitMultipart(rest, cs).map((p) => {
        const h = splitHeaders(p);
        partKind(h.headers, true);
        return parseHttpPart(h.headers, h.rest);
      });
      out.push({ kind: "changeset", parts });
    } else {
      out.push(parseHttpPart(headers, rest));
    }
  }
  return out;
}

/** A batch part URL (absolute, service-relative or $n) → resource path and query. */
function toInternal(part: HttpPart, batchHeaders: Record<string, string>): InternalRequest {
  let url = part.url;
  const abs = /^https?:\/\/[^/]+(\/.*)$/i.exec(url);
  if (abs) url = abs[1];
  url = url.replace(/^\/?api\/data\/v9\.\d\//i, "").replace(/^\//, "");
  const q = url.indexOf("?");
  const path = q < 0 ? url : url.slice(0, q);
  const headers: Record<string, string> = { ...part.headers };
  if (!headers.authorization && batchHeaders.authorization) headers.authorization = batchHeaders.authorization;
  if (!headers.prefer && batchHeaders.prefer) {
    // Response preferences of the batch apply to its requests; paging does not cross requests.
    const inherited = batchHeaders.prefer
      .split(",")
      .map((p) => p.trim())
      .filter((p) => /^odata\.include-annotations|^return=representation/i.test(p));
    if (inherited.length) headers.prefer = inherited.join(",");
  }
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    decoded = path; // a stray '%' names no resource; the router answers 404
  }
  return { method: part.method, path: decoded, query: q < 0 ? "" : url.slice(q + 1), headers, body: part.body };
}

function serializeResponse(res: InternalResponse, contentId?: string): string {
  const lines = ["Content-Type: application/http", "Content-Transfer-Encoding: binary"];
  if (contentId !== undefined) lines.push(`Content-ID: ${contentId}`);
  lines.push("", `HTTP/1.1 ${res.status} ${HTTP_REASON[res.status] ?? ""}`.trimEnd());
  for (const [k, v] of Object.entries(res.headers)) lines.push(`${k}: ${v}`);
  lines.push("", res.body ?? "");
  return lines.join("\r\n");
}

class ChangesetFailure extends Error {
  constructor(
    readonly response: InternalResponse,
    readonly contentId: string | undefined,
  ) {
    super("change set failed");
  }
}

export type InnerCallLogger = (req: InternalRequest, res: InternalResponse) => void;

export async function executeBatch(ctx: Context, req: InternalRequest, contentType: string | undefined, logInner: InnerCallLogger): Promise<InternalResponse> {
  if (req.method !== "POST") return errorResponse(new DataverseError(405, "", "$batch accepts POST only."));
  let parts: Array<HttpPart | ChangesetPart>;
  try {
    parts = parseBatch(contentType, req.body);
  } catch (e) {
    if (e instanceof DataverseError) return errorResponse(e);
    throw e;
  }
  const total = parts.reduce((n, p) => n + (p.kind === "changeset" ? p.parts.length : 1), 0);
  if (total > MAX_BATCH_REQUESTS) return errorResponse(new DataverseError(400, ErrorCodes.InvalidArgument, `The number of requests in a batch (${total}) exceeds the limit of ${MAX_BATCH_REQUESTS}.`));
  const continueOnError = parsePrefer(req.headers.prefer).continueOnError;
  const boundary = `batchresponse_${newGuid()}`;
  const chunks: string[] = [];
  let failed = false;
  for (const part of parts) {
    if (part.kind === "request") {
      const inner = toInternal(part, req.headers);
      const res = await dispatch(ctx, inner);
      logInner(inner, res);
      chunks.push(serializeResponse(res));
      if (res.status >= 400) {
        failed = true;
        if (!continueOnError) break;
      }
      continue;
    }
    const inners = part.parts.map((p) => ({ req: toInternal(p, req.headers), contentId: p.partHeaders["content-id"] }));
    try {
      const results = await ctx.write(async (s) => {
        const done: Array<{ res: InternalResponse; contentId?: string; req: InternalRequest }> = [];
        for (const inner of inners) {
          if (inner.req.method === "GET") {
            const res = errorResponse(new DataverseError(400, ErrorCodes.InvalidArgument, "GET requests are not allowed in a change set."));
            throw new ChangesetFailure(res, inner.contentId);
          }
          const out: { contentIdResult?: LookupValue } = {};
          const res = await dispatch(ctx, inner.req, (fn) => Promise.resolve(fn(s)), s.contentIds, out);
          if (res.status >= 400) throw new ChangesetFailure(res, inner.contentId);
          if (inner.contentId !== undefined && out.contentIdResult) s.contentIds.set(inner.contentId, out.contentIdResult);
          done.push({ res, contentId: inner.contentId, req: inner.req });
        }
        return done;
      });
      for (const r of results) logInner(r.req, r.res);
      const cs = `changesetresponse_${newGuid()}`;
      const body = [...results.map((r) => `--${cs}\r\n${serializeResponse(r.res, r.contentId)}`), `--${cs}--`].join("\r\n");
      chunks.push(`Content-Type: multipart/mixed; boundary=${cs}\r\n\r\n${body}`);
    } catch (e) {
      const failure =
        e instanceof ChangesetFailure ? e : new ChangesetFailure(errorResponse(e instanceof DataverseError ? e : new DataverseError(500, "", (e as Error).message)), undefined);
      const failedReq = inners.find((i) => i.contentId === failure.contentId)?.req ?? inners[0]?.req;
      if (failedReq) logInner(failedReq, failure.response);
      chunks.push(serializeResponse(failure.response, failure.contentId));
      failed = true;
      if (!continueOnError) break;
    }
  }
  const body = `${chunks.map((c) => `--${boundary}\r\n${c}`).join("\r\n")}\r\n--${boundary}--\r\n`;
  const status = failed && !continueOnError ? 400 : 200;
  return { status, headers: baseHeaders({ "Content-Type": `multipart/mixed; boundary=${boundary}` }), body };
}
