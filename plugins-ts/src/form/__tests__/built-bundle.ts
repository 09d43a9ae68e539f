/**
 * The built web resource for tests: plugins-ts/build/webresources/pcs_/scripts/opportunity.js, exactly
 * the file the solution packer ships. Rebuilt with plugins-ts/webpack.config.js when it is missing or
 * older than any source it is made from, so a test never passes against a stale bundle.
 */
import * as fs from "fs";
import * as path from "path";

const PLUGINS_TS = path.resolve(__dirname, "../../..");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const config = require(path.join(PLUGINS_TS, "webpack.config.js"));
export const BUNDLE_PATH: string = path.join(config.output.path, config.output.filename);

function newestSource(): number {
  let newest = 0;
  const visit = (p: string): void => {
    const st = fs.statSync(p);
    if (st.isDirectory()) {
      for (const name of fs.readdirSync(p)) if (name !== "__tests__") visit(path.join(p, name));
    } else if (/\.(ts|js|json)$/.test(p)) newest = Math.max(newest, st.mtimeMs);
  };
  for (const p of ["src/form", "src/rulebook", "src/model", "src/partner-center", "webpack.config.js", "form-rulebook-loader.js", "form-properties.js", "tsconfig.form.json"]) {
    const full = path.join(PLUGINS_TS, p);
    if (fs.existsSync(full)) visit(full);
  }
  return newest;
}

export async function builtBundle(): Promise<string> {
  const fresh = fs.existsSync(BUNDLE_PATH) && fs.statSync(BUNDLE_PATH).mtimeMs >= newestSource();
  if (!fresh) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const webpack = require("webpack");
    await new Promise<void>((resolve, reject) => {
      webpack(config, (err: Error | null, stats: { hasErrors(): boolean; toString(o: unknown): string }) => {
        if (err) reject(err);
        else if (stats.hasErrors()) reject(new Error(stats.toString({ all: false, errors: true })));
        else resolve();
      });
    });
  }
  return fs.readFileSync(BUNDLE_PATH, "utf8");
}
