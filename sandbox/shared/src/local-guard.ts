/**
 * The one guard for every local-only route of the sandbox: the emulators' control APIs
 * (`/_emulator`), the flow runner's management routes and the local web app.
 *
 * A page the user visits in a browser can send requests to 127.0.0.1, so a loopback listener alone
 * is not protection:
 * - a cross-site page can POST with a CORS-safelisted content type (`text/plain`, forms) and no
 *   preflight, so a state-changing call must carry `Content-Type: application/json`, which a
 *   cross-site page can only send after a preflight we never answer;
 * - a browser names the page's origin in `Origin` (and `Sec-Fetch-Site`), which must be loopback;
 * - DNS rebinding points an attacker's name at 127.0.0.1, and the browser then sends that name in
 *   `Host`, so `Host` must be a loopback name too.
 * Tools that are not browsers (tests, the CLI, curl) send no Origin and pass unchanged.
 */
import type { IncomingHttpHeaders } from "node:http";

export interface GuardRefusal {
  status: 403 | 415;
  code: "LocalOnlyHost" | "LocalOnlyOrigin" | "LocalOnlyContentType";
  message: string;
}

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** The host name of a Host header value ("127.0.0.1:8080" → "127.0.0.1", "[::1]:80" → "[::1]"). */
function hostName(value: string): string {
  const v = value.trim().toLowerCase();
  if (v.startsWith("[")) return v.slice(0, v.indexOf("]") + 1);
  const colon = v.indexOf(":");
  return colon === -1 ? v : v.slice(0, colon);
}

/** True for a loopback name (127.0.0.0/8, localhost, ::1). */
export function isLoopbackName(name: string): boolean {
  const n = name.toLowerCase();
  return LOOPBACK_HOSTS.has(n) || /^127(\.\d{1,3}){3}$/.test(n) || n.endsWith(".localhost");
}

function isLoopbackOrigin(origin: string): boolean {
  try {
    const u = new URL(origin);
    return (u.protocol === "http:" || u.protocol === "https:") && isLoopbackName(u.hostname);
  } catch {
    return false;
  }
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * Undefined when a local-only request may proceed; otherwise why not. `method` is the HTTP method;
 * a state-changing one (anything but GET, HEAD, OPTIONS) also needs a JSON content type.
 */
export function refuseNonLocal(method: string | undefined, headers: IncomingHttpHeaders): GuardRefusal | undefined {
  const host = header(headers, "host");
  if (!host || !isLoopbackName(hostName(host))) {
    return { status: 403, code: "LocalOnlyHost", message: `This route answers only requests addressed to a loopback name (127.0.0.1, localhost, [::1]); Host was '${host ?? ""}'.` };
  }
  const origin = header(headers, "origin");
  if (origin !== undefined && origin !== "null" && !isLoopbackOrigin(origin)) {
    return { status: 403, code: "LocalOnlyOrigin", message: `This route answers only local tools and pages; Origin '${origin}' is not a loopback origin.` };
  }
  if (origin === "null" || header(headers, "sec-fetch-site") === "cross-site") {
    return { status: 403, code: "LocalOnlyOrigin", message: "This route answers only local tools and pages; the request came from another site." };
  }
  if (!SAFE_METHODS.has((method ?? "GET").toUpperCase())) {
    const type = (header(headers, "content-type") ?? "").split(";")[0].trim().toLowerCase();
    if (type !== "application/json") {
      return { status: 415, code: "LocalOnlyContentType", message: `A state-changing request to this route must send 'Content-Type: application/json' (got '${type || "none"}').` };
    }
  }
  return undefined;
}
