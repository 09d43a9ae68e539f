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

function splitHeaders(block: string): { headers: Record<string, string>; rest: string } {
  const m = /\r?\n\r?\n/.exec(block);
  const head = m ? block.slice(0, m.index) : block;
  const rest = m ? block.slice(m.index + m[0].length) : "";
  const headers: Record<string, string> = {};
  for (const line of head.split(/\r?\n/)) {
    const c = line.indexOf(":");
    if (c > 0) headers[line.slice(0, c).trim().toLowerCase()] = line.slice(c + 1).trim();
  }
  return { headers, rest };
}

function splitMultipart(body: string, boundary: string): string[] {
  const delimiter = `--${boundary}`;
  const chunks = body.split(delimiter);
  const parts: string[] = [];
  for (let i = 1; i < chunks.length; i++) {
    const c = chunks[i];
    if (c.startsWith("--")) break;
    parts.push(c.replace(/^\r?\n/, ""));
  }
  return parts;
}

function parseHttpPart(partHeaders: Record<string, string>, content: string): HttpPart {
  const trimmed = content.replace(/^(\r?\n)+/, "");
  const nl = /\r?\n/.exec(trimmed);
  const requestLine = nl ? trimmed.slice(0, nl.index) : trimmed;
  const m = /^(GET|POST|PATCH|PUT|DELETE)\s+(\S+)(?:\s+HTTP\/1\.[01])?$/i.exec(requestLine.trim());
  if (!m) throw new DataverseError(400, ErrorCodes.ODataClientPayloadError, `The batch request line '${requestLine.trim()}' is not valid.`);
  const after = nl ? trimmed.slice(nl.index + nl[0].length) : "";
  const noHeaders = /^\r?\n/.exec(after);
  const { headers, rest } = noHeaders ? { headers: {} as Record<string, string>, rest: after.slice(noHeaders[0].length) } : splitHeaders(after);
  return { kind: "request", partHeaders, method: m[1].toUpperCase(), url: m[2], headers, body: rest.replace(/(\r?\n)+$/, "") };
}

export function parseBatch(contentType: string | undefined, body: string): Array<HttpPart | ChangesetPart> {
  const boundary = boundaryOf(contentType);
  if (!boundary || !/multipart\/mixed/i.test(contentType ?? "")) {
    throw new DataverseError(400, ErrorCodes.ODataClientPayloadError, "A $batch request needs Content-Type: multipart/mixed with a boundary.");
  }
  const out: Array<HttpPart | ChangesetPart> = [];
  for (const raw of splitMultipart(body, boundary)) {
    const { headers, rest } = splitHeaders(raw);
    const ct = headers["content-type"] ?? "";
    if (/multipart\/mixed/i.test(ct)) {
      const cs = boundaryOf(ct);
      if (!cs) throw new DataverseError(400, ErrorCodes.ODataClientPayloadError, "A change set needs a boundary.");
      const parts = splitMultipart(rest, cs).map((p) => {
        const h = splitHeaders(p);
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
  return { method: part.method, path: decodeURIComponent(path), query: q < 0 ? "" : url.slice(q + 1), headers, body: part.body };
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
  if (total > 1000) return errorResponse(new DataverseError(400, ErrorCodes.InvalidArgument, `The number of requests in a batch (${total}) exceeds the limit of 1000.`));
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
