/**
 * Reading a request body within a size limit, and the JSON checks every service makes before it
 * parses one. Each service answers a refusal in its own error shape; the rules live here once.
 *
 * A body over the limit is never held in memory: a declared Content-Length over the limit is
 * refused before a byte is read, and a chunked body stops being kept at the limit. The rest of the
 * body is read and dropped (memory stays flat) so the client still receives the answer.
 */
import type { IncomingHttpHeaders, IncomingMessage } from "node:http";

export type BodyResult =
  | { ok: true; body: Buffer }
  | { ok: false; reason: "too-large"; limit: number; declared?: number }
  | { ok: false; reason: "aborted"; message: string };

/** Read the whole body when it is at most `limit` bytes; otherwise refuse without keeping it. */
export function readRequestBody(req: IncomingMessage, limit: number): Promise<BodyResult> {
  return new Promise((resolve) => {
    const declared = Number(req.headers["content-length"]);
    const refuse = (d?: number) => {
      // Drain and drop whatever else arrives, so the answer reaches the client.
      req.removeAllListeners("data");
      req.on("data", () => undefined);
      req.resume();
      resolve({ ok: false, reason: "too-large", limit, ...(d !== undefined ? { declared: d } : {}) });
    };
    req.on("error", (e) => resolve({ ok: false, reason: "aborted", message: e.message }));
    if (Number.isFinite(declared) && declared > limit) {
      refuse(declared);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on("data", (c: Buffer) => {
      if (done) return;
      size += c.length;
      if (size > limit) {
        done = true;
        chunks.length = 0;
        refuse();
        return;
      }
      chunks.push(c);
    });
    req.on("end", () => {
      if (!done) resolve({ ok: true, body: Buffer.concat(chunks) });
    });
  });
}

/** "application/json; charset=utf-8" → "application/json" (lower case); "" when absent. */
export function mediaType(headers: IncomingHttpHeaders | Record<string, string | undefined>, name = "content-type"): string {
  const raw = headers[name] ?? headers[name.toLowerCase()];
  const v = Array.isArray(raw) ? raw[0] : raw;
  return (v ?? "").split(";")[0]!.trim().toLowerCase();
}

/** True for application/json and the +json types (application/json-patch+json, …). */
export function isJsonMediaType(type: string): boolean {
  return type === "application/json" || (type.startsWith("application/") && type.endsWith("+json"));
}

/**
 * The deepest nesting of arrays and objects in a JSON text, found without recursion (a deeply
 * nested body must not exhaust the stack of the code that measures it). Stops counting once past
 * `stopAt`, so the caller learns "too deep" without scanning further.
 */
export function jsonNestingDepth(text: string, stopAt = Number.POSITIVE_INFINITY): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      depth++;
      if (depth > max) {
        max = depth;
        if (max > stopAt) return max;
      }
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) depth--;
  }
  return max;
}

/**
 * The request target as a URL, or undefined when it is not one. `new URL(target, base)` reads a target
 * starting with "//" as a host name (and throws on a bad one), so the base is prefixed instead.
 */
export function requestUrl(target: string | undefined): URL | undefined {
  const t = target ?? "/";
  try {
    return t.startsWith("/") ? new URL(`http://localhost${t}`) : new URL(t);
  } catch {
    return undefined;
  }
}
