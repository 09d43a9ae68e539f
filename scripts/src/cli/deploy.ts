/**
 * `npm run deploy -- --url https://<org>.crm.dynamics.com [--settings <file>]` (or --sandbox): a
 * working, verified installation in one run (../admin/deploy.ts), ending with the doctor's report.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { findManagedZip, loadSolutionZip } from "../sandbox/solution";
import { readSolutionZip } from "../solution/pack";
import { EXIT, guarded } from "../admin/cli-support";
import { deploy, type DeployStep } from "../admin/deploy";
import { runDoctor } from "../admin/doctor";
import { formatDoctor } from "../admin/doctor/format";
import { stderrProgress, type ProgressOutput } from "../admin/progress";
import { readSettings, settingsTemplate, writeSettings } from "../admin/settings";
import { clientsFor, resolveTarget, TARGET_FLAGS, TARGET_HELP, TARGET_VALUES } from "../admin/target";
import { parseArgs, processIo, repoRoot, UsageError, userPath, type Io } from "./common";

const USAGE = "npm run deploy -- (--url <https://org.crm.dynamics.com> | --sandbox) [--settings <file>] [--solution <zip>] [--write-settings <file>] [--json] [--help]";

export const HELP = `${USAGE}

Installs or upgrades Partner Center Referrals Sync in a Dataverse environment and sets it up:
  1. imports the managed solution (ImportSolutionAsync, with a progress bar); over an older
     version it upgrades (StageAndUpgradeAsync: what the new version dropped goes, your records stay);
  2. sets the environment variables the settings file gives (each checked first: a column must exist);
  3. binds each connection reference to the connection the settings file names;
  4. turns the flows on, child flows first;
  5. registers the Partner Center webhook: the receiver flow's URL for the four referral events;
then runs the doctor and prints its report. Running it again changes nothing that is already right.

  --settings <file>        the deployment settings (pac solution create-settings format)
  --write-settings <file>  write a settings template for the solution and stop (with --sandbox, the
                           sandbox's connection ids are filled in)
  --solution <zip>         the solution zip (default: the newest dist/*_managed.zip; npm run build)
  --json                   print the report as JSON (for scripts)

${TARGET_HELP}

Exit code: 0 installed and healthy, 1 a step failed or the doctor found a problem, 2 could not run.
Details: docs/admin.md`;

const MARK: Record<DeployStep["status"], string> = { changed: "✔", unchanged: "✔", failed: "✖", skipped: "–" };
const TITLE: Record<DeployStep["step"], string> = { solution: "Solution", variables: "Environment variables", connections: "Connections", flows: "Flows", webhook: "Webhook" };

export interface DeployDeps {
  progress?: ProgressOutput;
  env?: NodeJS.ProcessEnv;
  /** Import polling in tests. */
  pollMs?: number;
}

export async function main(argv: string[], io: Io = processIo, deps: DeployDeps = {}): Promise<number> {
  return guarded("deploy", io, USAGE, async () => {
    const { opts, positionals } = parseArgs(argv, { values: [...TARGET_VALUES, "settings", "solution", "write-settings"], flags: [...TARGET_FLAGS, "json", "help"] });
    if (opts.help) {
      io.out(HELP);
      return EXIT.ok;
    }
    if (positionals.length) throw new UsageError(`unexpected argument ${positionals[0]}`);
    const target = resolveTarget(opts, io, deps.env);
    const dist = path.join(repoRoot(), "dist");
    const zip = loadSolutionZip(typeof opts.solution === "string" ? userPath(opts.solution) : findManagedZip(dist), dist);

    if (typeof opts["write-settings"] === "string") {
      const file = userPath(opts["write-settings"]);
      const template = settingsTemplate(readSolutionZip(zip.bytes, zip.path), target.sandbox?.connections);
      if (fs.existsSync(file)) throw new UsageError(`${file} exists already; give another name (nothing was written)`);
      writeSettings(file, template);
      io.out(`Wrote ${file}: ${template.EnvironmentVariables.length} environment variables and ${template.ConnectionReferences.length} connection references of ${zip.uniqueName} ${zip.version}.`);
      io.out("Fill each ConnectionId with a connection's id from Power Automate (Connections: the id is in the connection's URL), and a Value where the default does not fit; then deploy with --settings.");
      return EXIT.ok;
    }

    const settings = typeof opts.settings === "string" ? readSettings(userPath(opts.settings)) : undefined;
    const json = opts.json === true;
    const say = (l: string) => (json ? undefined : io.out(l));
    say(`Deploying ${zip.uniqueName} ${zip.version} (${zip.managed ? "managed" : "unmanaged"}) to ${target.label}, signed in with ${target.tokens.describe()}.`);
    const clients = clientsFor(target);
    // Sign in and reach the environment first (WhoAmI): a wrong URL or sign-in stops here, before anything changes.
    await clients.api.get("WhoAmI");
    const report = await deploy(clients, {
      zip,
      ...(settings ? { settings } : {}),
      progress: json ? undefined : (deps.progress ?? stderrProgress),
      ...(deps.pollMs !== undefined ? { pollMs: deps.pollMs } : {}),
      onStep: (s) => {
        say("");
        say(`${MARK[s.status]} ${TITLE[s.step]}${s.status === "unchanged" ? " (nothing to change)" : s.status === "failed" ? " (failed)" : ""}`);
        for (const l of s.lines) say(`  ${l}`);
      },
    });
    const doctor = await runDoctor(clients, { settings, newestZipVersion: zip.version });
    if (json) io.out(JSON.stringify({ deploy: report, doctor }, null, 2));
    else {
      say("");
      say(report.ok ? (report.changed ? "Deployed." : "Deployed already: nothing was changed.") : "Deploy did not finish: see ✖ above.");
      say("");
      for (const l of formatDoctor(doctor, target.label)) say(l);
    }
    return report.ok && doctor.healthy ? EXIT.ok : EXIT.problems;
  });
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
