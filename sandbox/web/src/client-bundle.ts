/**
 * The page's script, sandbox/web/build/app.js, built by webpack from sandbox/web/client (and the
 * plugins-ts modules it imports). `npm run build` builds it; ensureClientBuilt() rebuilds it for tests
 * and the bench when it is missing or older than a source, so they never run a stale page.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { CLIENT_BUNDLE, WEB_ROOT } from "./server";

function newest(p: string): number {
  if (!existsSync(p)) return 0;
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let n = 0;
  for (const name of readdirSync(p)) if (name !== "__tests__") n = Math.max(n, newest(path.join(p, name)));
  return n;
}

export function clientSourcesMtime(): number {
  const repo = path.resolve(WEB_ROOT, "..", "..");
  return Math.max(
    newest(path.join(WEB_ROOT, "client")),
    newest(path.join(WEB_ROOT, "src", "form-model.ts")),
    newest(path.join(WEB_ROOT, "src", "assets.ts")),
    newest(path.join(WEB_ROOT, "webpack.config.js")),
    newest(path.join(WEB_ROOT, "tsconfig.client.json")),
    newest(path.join(repo, "plugins-ts", "src", "rulebook", "audit.ts")),
    newest(path.join(repo, "plugins-ts", "src", "partner-center", "referral.ts")),
  );
}

/** Builds build/app.js when it is missing or stale. Resolves with whether it built. */
export async function ensureClientBuilt(): Promise<boolean> {
  if (existsSync(CLIENT_BUNDLE) && statSync(CLIENT_BUNDLE).mtimeMs >= clientSourcesMtime()) return false;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const webpack = require("webpack") as (config: unknown, cb: (err: Error | null, stats?: { hasErrors(): boolean; toString(o: unknown): string }) => void) => void;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const config = require(path.join(WEB_ROOT, "webpack.config.js")) as unknown;
  await new Promise<void>((resolve, reject) =>
    webpack(config, (err, stats) => {
      if (err) reject(err);
      else if (stats?.hasErrors()) reject(new Error(`The web app's script did not build:\n${stats.toString({ all: false, errors: true })}`));
      else resolve();
    }),
  );
  return true;
}
