/**
 * `npm run doctor -- --url https://<org>.crm.dynamics.com [--fix] [--json]` (or --sandbox): what is
 * wrong with an installation, each finding with its fix (../admin/doctor/).
 */
import * as path from "node:path";
import { findManagedZip, loadSolutionZip } from "../sandbox/solution";
import { EXIT, guarded } from "../admin/cli-support";
import { CHECKS, runDoctor } from "../admin/doctor";
import { formatDoctor } from "../admin/doctor/format";
import { progress, stderrProgress, type ProgressOutput } from "../admin/progress";
import { readSettings } from "../admin/settings";
import { clientsFor, resolveTarget, TARGET_FLAGS, TARGET_HELP, TARGET_VALUES } from "../admin/target";
import { parseArgs, processIo, repoRoot, UsageError, userPath, type Io } from "./common";

const USAGE = "npm run doctor -- (--url <https://org.crm.dynamics.com> | --sandbox) [--fix [--settings <file>]] [--json] [--help]";

export const HELP = `${USAGE}

Checks an installation of Partner Center Referrals Sync and says what is wrong and how to fix it:
${CHECKS.map((c) => `  - ${c.title}`).join("\n")}

  --fix             repair what is safe to repair (turn flows on, bind a connection the settings
                    file names, register the webhook), then check again
  --settings <file> the deployment settings (pac format): connections --fix may bind
  --json            print the findings as JSON (for scripts)

${TARGET_HELP}

Exit code: 0 nothing is wrong (warnings may be listed), 1 a problem was found, 2 could not check.
Details: docs/admin.md`;

export interface DoctorDeps {
  progress?: ProgressOutput;
  env?: NodeJS.ProcessEnv;
}

export async function main(argv: string[], io: Io = processIo, deps: DoctorDeps = {}): Promise<number> {
  return guarded("doctor", io, USAGE, async () => {
    const { opts, positionals } = parseArgs(argv, { values: [...TARGET_VALUES, "settings"], flags: [...TARGET_FLAGS, "fix", "json", "help"] });
    if (opts.help) {
      io.out(HELP);
      return EXIT.ok;
    }
    if (positionals.length) throw new UsageError(`unexpected argument ${positionals[0]}`);
    if (opts.settings !== undefined && !opts.fix) throw new UsageError("--settings is for --fix (the connections it may bind)");
    const target = resolveTarget(opts, io, deps.env);
    const settings = typeof opts.settings === "string" ? readSettings(userPath(opts.settings)) : undefined;
    let newest: string | undefined;
    try {
      const dist = path.join(repoRoot(), "dist");
      newest = loadSolutionZip(findManagedZip(dist), dist).version;
    } catch {
      newest = undefined; // no build here: the version is not compared
    }
    const json = opts.json === true;
    const bar = progress(json ? undefined : (deps.progress ?? stderrProgress), "Checking");
    const report = await runDoctor(clientsFor(target), {
      fix: opts.fix === true,
      ...(settings ? { settings } : {}),
      ...(newest ? { newestZipVersion: newest } : {}),
      onCheck: (c, i, n) => bar.update(i / n, c.title.toLowerCase()),
    });
    bar.done(`Checked ${target.label}.`);
    if (json) io.out(JSON.stringify(report, null, 2));
    else for (const l of formatDoctor(report, `${target.label}, signed in with ${target.tokens.describe()}`)) io.out(l);
    return report.healthy ? EXIT.ok : EXIT.problems;
  });
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
