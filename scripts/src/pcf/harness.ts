/**
 * Our own harness for the PCF controls in a real browser: a loopback HTTP server that serves the
 * built bundles (pcf-controls/<Control>/out/controls/<Control>/), their CSS, their resx strings and
 * a small PCF-like runtime (harness-client.js), plus helpers to build the controls when their
 * bundle is missing or older than their sources and to start Debian's Chromium through
 * playwright-core. Used by the browser test (pcf-controls/shared/__tests__/browser.test.ts) and by
 * the PCF benchmark (scripts/src/bench/pcf.bench.ts).
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { PCF_CONTROLS } from "../../../plugins-ts/src/model/schema";
import { readResx } from "./resx";

/** The control folders, named by their constructors (pcf-controls/<Control>/<Control>/). */
export const PCF_CONTROL_NAMES: readonly string[] = Object.values(PCF_CONTROLS).map((c) => c.constructor);

export const CHROMIUM_PATH = "/usr/bin/chromium";
export const CHROMIUM_ARGS: readonly string[] = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export function controlProjectDir(root: string, control: string): string {
  return path.join(root, "pcf-controls", control);
}

export function controlOutDir(root: string, control: string): string {
  return path.join(controlProjectDir(root, control), "out", "controls", control);
}

function newestMtime(target: string, skip: (name: string) => boolean): number {
  if (!existsSync(target)) return 0;
  const stat = statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const name of readdirSync(target)) {
    if (skip(name)) continue;
    newest = Math.max(newest, newestMtime(path.join(target, name), skip));
  }
  return newest;
}

/** Every file that goes into a control's bundle or output folder. */
function sourceMtime(root: string, control: string): number {
  const skip = (name: string): boolean => ["__tests__", "__mocks__", "generated", "node_modules", "out"].includes(name);
  return Math.max(
    newestMtime(path.join(controlProjectDir(root, control), control), skip),
    newestMtime(path.join(controlProjectDir(root, control), "pcfconfig.json"), skip),
    newestMtime(path.join(controlProjectDir(root, control), "tsconfig.json"), skip),
    newestMtime(path.join(root, "pcf-controls", "shared", "src"), skip),
    newestMtime(path.join(root, "plugins-ts", "src", "rulebook", "audit.ts"), skip),
    newestMtime(path.join(root, "plugins-ts", "src", "model", "schema.ts"), skip),
  );
}

/**
 * Runs the control's `npm run build` (pcf-scripts, production) when its bundle is missing or older
 * than any of its sources. Returns whether it built.
 */
export function ensureBuilt(root: string, control: string, log: (line: string) => void = () => undefined): boolean {
  const bundle = path.join(controlOutDir(root, control), "bundle.js");
  if (existsSync(bundle) && statSync(bundle).mtimeMs >= sourceMtime(root, control)) return false;
  log(`building PCF control ${control} (pcf-scripts, production)`);
  try {
    execFileSync("npm", ["run", "build", "--silent"], {
      cwd: controlProjectDir(root, control),
      env: { ...process.env, PP_TOOLS_TELEMETRY_OPTOUT: "1" },
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 180_000,
    });
  } catch (error) {
    const e = error as { stdout?: Buffer; stderr?: Buffer; message: string };
    throw new Error(`npm run build failed in pcf-controls/${control}: ${e.message}\n${e.stdout?.toString() ?? ""}${e.stderr?.toString() ?? ""}`);
  }
  if (!existsSync(bundle)) throw new Error(`npm run build in pcf-controls/${control} produced no ${bundle}`);
  return true;
}

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Partner Center Referrals Sync: PCF controls</title>
__CSS__
<style>
  html, body { margin: 0; background: #f5f5f5; }
  body { font-family: "Segoe UI", -apple-system, BlinkMacSystemFont, Roboto, "Helvetica Neue", Arial, sans-serif; color: #242424; font-size: 14px; }
  #harness { padding: 16px; display: flex; flex-direction: column; gap: 16px; }
  .h-card { background: #fff; border-radius: 8px; box-shadow: 0 0 2px rgba(0,0,0,.12), 0 2px 4px rgba(0,0,0,.14); padding: 12px 20px 16px; }
  .h-card > h2 { font-size: 16px; font-weight: 600; margin: 0 0 8px; padding-bottom: 8px; border-bottom: 1px solid #e0e0e0; }
  .h-field { display: grid; grid-template-columns: 180px minmax(0, 1fr); gap: 12px; padding: 8px 0; }
  .h-field + .h-field { border-top: 1px solid #f0f0f0; }
  .h-label { color: #616161; padding-top: 2px; }
  .h-label small { display: block; color: #8a8a8a; font-size: 12px; }
  @media (forced-colors: active) { .h-card { border: 1px solid CanvasText; } .h-label, .h-label small { color: CanvasText; } }
</style>
</head>
<body>
<main id="harness"></main>
<script src="/harness-client.js"></script>
<script src="/strings.js"></script>
__BUNDLES__
</body>
</html>
`;

const TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".html": "text/html; charset=utf-8",
  ".xml": "application/xml; charset=utf-8",
};

export interface Harness {
  /** http://127.0.0.1:<port>/ : the page that loads every control. */
  url: string;
  /** Every path the page asked for, in order. */
  requests: string[];
  close(): Promise<void>;
}

/** Serves the built controls on 127.0.0.1 (port picked by the OS). Build them first (ensureBuilt). */
export async function startHarness(root: string, controls: readonly string[] = PCF_CONTROL_NAMES): Promise<Harness> {
  const files = new Map<string, { body: Buffer; type: string }>();
  const css: string[] = [];
  const bundles: string[] = [];
  const strings: Record<string, Record<string, string>> = {};
  for (const control of controls) {
    const out = controlOutDir(root, control);
    const bundle = path.join(out, "bundle.js");
    if (!existsSync(bundle)) throw new Error(`No ${bundle}: run npm run build in pcf-controls/${control}`);
    files.set(`/controls/${control}/bundle.js`, { body: readFileSync(bundle), type: TYPES[".js"] });
    for (const name of existsSync(path.join(out, "css")) ? readdirSync(path.join(out, "css")) : []) {
      files.set(`/controls/${control}/css/${name}`, { body: readFileSync(path.join(out, "css", name)), type: TYPES[".css"] });
      css.push(`<link rel="stylesheet" href="/controls/${control}/css/${name}">`);
    }
    strings[control] = readResx(path.join(out, "strings", `${control}.1033.resx`));
    bundles.push(`<script src="/controls/${control}/bundle.js"></script>`);
  }
  files.set("/harness-client.js", { body: readFileSync(path.join(root, "scripts", "src", "pcf", "harness-client.js")), type: TYPES[".js"] });
  files.set("/strings.js", { body: Buffer.from(`window.PCF_STRINGS = ${JSON.stringify(strings)};\n`), type: TYPES[".js"] });
  files.set("/", { body: Buffer.from(PAGE.replace("__CSS__", css.join("\n")).replace("__BUNDLES__", bundles.join("\n"))), type: TYPES[".html"] });

  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    const pathname = new URL(req.url ?? "/", "http://127.0.0.1").pathname;
    requests.push(pathname);
    const file = req.method === "GET" ? files.get(pathname) : undefined;
    if (pathname === "/favicon.ico") {
      res.writeHead(204).end();
      return;
    }
    if (!file) {
      res.writeHead(404, { "content-type": "text/plain" }).end(`not found: ${pathname}`);
      return;
    }
    res.writeHead(200, { "content-type": file.type, "cache-control": "no-store" }).end(file.body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface Browser {
  context: import("playwright-core").BrowserContext;
  close(): Promise<void>;
}

/**
 * Debian's Chromium through playwright-core with a fresh profile. Fails with a clear message when
 * /usr/bin/chromium is missing (CI installs it; nothing is ever downloaded).
 */
export async function launchChromium(options: { timezoneId?: string; locale?: string; viewport?: { width: number; height: number } } = {}): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium is not installed at ${CHROMIUM_PATH}. Install Debian's package: apt-get install -y chromium (.ci/run does this in CI; never download a browser).`);
  }
  const { chromium } = await import("playwright-core");
  const userDataDir = mkdtempSync(path.join(tmpdir(), "pcs-chromium-"));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...CHROMIUM_ARGS],
    timezoneId: options.timezoneId ?? "UTC",
    locale: options.locale ?? "en-US",
    viewport: options.viewport ?? { width: 960, height: 720 },
    deviceScaleFactor: 1,
  });
  return {
    context,
    close: async () => {
      await context.close().catch(() => undefined);
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
