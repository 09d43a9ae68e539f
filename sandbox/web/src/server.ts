/**
 * The sandbox's web app: one loopback HTTP server for the page and everything it talks to.
 *
 *   GET  /                              the page (sandbox/web/client, bundled into build/app.js)
 *   GET  /app/app.js, /app/app.css      its script and style
 *   GET  /_web/info                     the solution the page runs (zip, version), the tables with a form
 *   GET  /_web/forms/{table}            the table's main form from the zip (./form-model.ts), its PCF
 *                                       controls and subgrid views (./assets.ts)
 *   GET  /WebResources/{name}           a web resource from the zip, byte for byte (the form script)
 *   GET  /Controls/{folder}/{file}      a PCF control's file from the zip (bundle.js, css)
 *   *    /api/data/v9.2/**              Dataverse Web API (./proxy.ts adds the token)
 *   GET, POST /_pc/referrals; GET, PATCH /_pc/referrals/{id}   Partner Center, as Microsoft
 *   GET  /_runs, /_runs/{runId}         flow run history
 *
 * Every route goes through refuseNonLocal (sandbox/shared/src/local-guard.ts) first: loopback Host,
 * loopback Origin, JSON content type on state-changing calls. Errors: ./errors.ts.
 */
import { existsSync, readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import path from "node:path";
import { repoRoot } from "../../../scripts/src/cli/common";
import { refuseNonLocal } from "../../shared/src/local-guard";
import type { SolutionAssets } from "./assets";
import { sendError, WebError } from "./errors";
import { proxyDataverse, proxyPartnerCenter, proxyRuns, type Upstreams } from "./proxy";

/** sandbox/web in the repository (also when this runs compiled from out/). */
export const WEB_ROOT = path.join(repoRoot(__dirname), "sandbox", "web");
/** Where webpack writes the page's script (sandbox/web/webpack.config.js). */
export const CLIENT_BUNDLE = path.join(WEB_ROOT, "build", "app.js");
export const CLIENT_CSS = path.join(WEB_ROOT, "client", "app.css");

export interface WebAppOptions {
  port?: number;
  host?: string;
  assets: SolutionAssets;
  upstreams: Upstreams;
  /** Paths of the page's script and style (default: the built bundle and client/app.css). */
  clientBundle?: string;
  clientCss?: string;
}

export interface WebApp {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Headers on every answer: the page runs only our own scripts and styles, and is never framed. */
const SECURITY_HEADERS: Record<string, string> = {
  // 'unsafe-inline' styles: the PCF controls and the form set style attributes, as in Dynamics 365.
  "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Resource-Policy": "same-origin",
};

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Partner Center Referrals Sync · sandbox</title>
<link rel="stylesheet" href="/app/app.css">
</head>
<body>
<a class="skip-link" href="#main">Skip to content</a>
<header class="topbar">
  <span class="brand">Partner Center Referrals Sync <small>sandbox</small></span>
  <nav aria-label="Areas">
    <a href="#/opportunities">Opportunities</a>
    <a href="#/leads">Leads</a>
    <a href="#/partner-center">Partner Center</a>
    <a href="#/runs">Flow runs</a>
  </nav>
  <span class="solution" id="solution-info"></span>
</header>
<main id="main" tabindex="-1"></main>
<div id="announcer" class="visually-hidden" role="status" aria-live="polite"></div>
<script src="/app/app.js"></script>
</body>
</html>
`;

function send(res: ServerResponse, status: number, body: string | Uint8Array, type: string): void {
  res.writeHead(status, { "Content-Type": type, "Cache-Control": "no-store" });
  res.end(body);
}

const sendJson = (res: ServerResponse, value: unknown): void => send(res, 200, JSON.stringify(value), "application/json; charset=utf-8");

function staticFile(res: ServerResponse, file: string, type: string): void {
  if (!existsSync(file)) throw new WebError("ClientNotBuilt", `${path.relative(process.cwd(), file) || file} is missing: run npm run build (it bundles the web app's script).`);
  send(res, 200, readFileSync(file), type);
}

async function route(req: IncomingMessage, res: ServerResponse, o: WebAppOptions): Promise<void> {
  const method = (req.method ?? "GET").toUpperCase();
  const url = new URL(req.url ?? "/", "http://web");
  const p = url.pathname;
  if (p.startsWith("/api/data/v9.2/") || p === "/api/data/v9.2") return proxyDataverse(req, res, o.upstreams.dataverse);
  if (p === "/_pc" || p.startsWith("/_pc/")) return proxyPartnerCenter(req, res, o.upstreams.partnerCenter);
  if (p === "/_runs" || p.startsWith("/_runs/")) return proxyRuns(req, res, o.upstreams.flowRunner);
  if (method !== "GET" && method !== "HEAD") throw new WebError("MethodNotAllowed", `${method} is not allowed on ${p}: the page and its files are read-only.`);
  if (p === "/" || p === "/index.html") return send(res, 200, PAGE, "text/html; charset=utf-8");
  if (p === "/app/app.js") return staticFile(res, o.clientBundle ?? CLIENT_BUNDLE, "text/javascript; charset=utf-8");
  if (p === "/app/app.css") return staticFile(res, o.clientCss ?? CLIENT_CSS, "text/css; charset=utf-8");
  if (p === "/favicon.ico") {
    res.writeHead(204).end();
    return;
  }
  if (p === "/_web/info") {
    const a = o.assets;
    return sendJson(res, { solution: { uniqueName: a.uniqueName, version: a.version, managed: a.managed, source: a.source }, forms: a.formEntities });
  }
  const form = /^\/_web\/forms\/([a-z0-9_]+)$/i.exec(p);
  if (form) {
    const bundle = o.assets.form(form[1]);
    if (!bundle) throw new WebError("NotFound", `The solution has no main form for the table '${form[1]}' (forms: ${o.assets.formEntities.join(", ")}).`);
    return sendJson(res, bundle);
  }
  if (p.startsWith("/WebResources/") || p.startsWith("/Controls/")) {
    const file = o.assets.file(decodeURIComponent(p));
    if (!file) throw new WebError("NotFound", `${decodeURIComponent(p)} is not in ${o.assets.source}.`);
    return send(res, 200, file.bytes, file.type);
  }
  throw new WebError("NotFound", `No page or route ${p}.`);
}

/** Starts the web app on loopback (port 0: the OS picks). */
export async function startWebApp(options: WebAppOptions): Promise<WebApp> {
  const host = options.host ?? "127.0.0.1";
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
    const refused = refuseNonLocal(req.method, req.headers);
    if (refused) {
      req.resume();
      sendError(res, refused.code, refused.message);
      return;
    }
    route(req, res, options).catch((e: unknown) => {
      if (e instanceof WebError) sendError(res, e.code, e.message);
      else if (e instanceof URIError) sendError(res, "NotFound", `The path is not valid URL encoding: ${e.message}`);
      else {
        // Not reachable by any input we know of; answer and keep serving.
        res.statusCode = 500;
        res.end(JSON.stringify({ error: { code: "InternalError", message: (e as Error).message } }));
      }
    });
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}/`,
    port,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      })),
  };
}
