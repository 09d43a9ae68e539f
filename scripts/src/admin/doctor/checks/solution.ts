/** The solution: installed, managed, and the version (against the newest zip npm run build made, when there is one). */
import { SOLUTION } from "../../../../../plugins-ts/src/model/schema";
import { compareVersions } from "../../../sandbox/solution";
import { ok, type Check } from "../types";

export const solutionCheck: Check = {
  name: "solution",
  title: "Solution",
  async run(ctx) {
    const s = await ctx.solution();
    if (!s) {
      return [{ check: "solution", code: "solution-missing", severity: "error", message: `${SOLUTION.displayName} (${SOLUTION.uniqueName}) is not installed in this environment.`, fix: "npm run deploy -- <this environment> --settings <file> installs it (docs/admin.md)." }];
    }
    const out = [ok("solution", "solution-installed", `${s.uniquename} ${s.version} (${s.ismanaged ? "managed" : "unmanaged"}) is installed.`)];
    if (!s.ismanaged) {
      out.push({ check: "solution", code: "solution-unmanaged", severity: "warning", message: "It is installed unmanaged: an upgrade cannot remove what a new version drops, and uninstalling leaves its tables behind.", fix: "Production environments should run the managed zip (…_managed.zip)." });
    }
    const newest = ctx.options.newestZipVersion;
    if (newest && compareVersions(newest, s.version) > 0) {
      out.push({ check: "solution", code: "solution-outdated", severity: "warning", message: `Version ${newest} is built (dist/) and ${s.version} is installed.`, fix: "npm run deploy upgrades it; your records are kept." });
    }
    return out;
  },
};
