/**
 * `npm run build [-- --version 1.2.3.4] [--pack-only] [--out <dir>]`
 *
 * 1. Builds every build output whose project exists: the form script (webpack, when
 *    plugins-ts/webpack.config.js exists) and each PCF control (every pcf-controls/<Ctrl> holding a
 *    ControlManifest.Input.xml). The steps run side by side; flows need no build. The sandbox's web
 *    app page (sandbox/web, not part of the solution) is bundled alongside, so `npm start` serves it.
 * 2. Copies each built PCF control into solution/src/Controls/<prefix>_<namespace>.<constructor>/,
 *    where SolutionPackager (and pac) read controls (./solution/stage-controls.ts). After these steps
 *    solution/src with solution/map.xml is what `pac solution pack` packs (README).
 * 3. Packs solution/src with solution/map.xml into dist/<UniqueName>_<version>.zip and
 *    dist/<UniqueName>_<version>_managed.zip. The check runs first; with any problem nothing is written.
 * The version comes from Other/Solution.xml <Version>; --version overrides it (four-part).
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { formatProblem } from "../check/types";
import { buildSolutionZips, PackRefusedError } from "../solution/pack";
import { MapFileError } from "../solution/mapfile";
import { stageBuiltControls, StageError } from "../solution/stage-controls";
import { versionError } from "../solution/version";
import { kb, parseArgs, processIo, repoRoot, UsageError, userPath, type Io } from "./common";

export interface BuildStep {
  name: string;
  command: string;
  args: string[];
  env?: Record<string, string>;
}

/** The build steps for the projects that exist in the repository. */
export function buildSteps(root: string): BuildStep[] {
  const steps: BuildStep[] = [];
  if (fs.existsSync(path.join(root, "plugins-ts", "webpack.config.js"))) {
    steps.push({
      name: "form script (webpack)",
      command: process.execPath,
      args: [path.join(root, "node_modules", "webpack", "bin", "webpack.js"), "--config", "plugins-ts/webpack.config.js", "--mode", "production"],
    });
  }
  if (fs.existsSync(path.join(root, "sandbox", "web", "webpack.config.js"))) {
    steps.push({
      name: "sandbox web app (webpack)",
      command: process.execPath,
      args: [path.join(root, "node_modules", "webpack", "bin", "webpack.js"), "--config", "sandbox/web/webpack.config.js", "--mode", "production"],
    });
  }
  const pcfRoot = path.join(root, "pcf-controls");
  const controls = fs.existsSync(pcfRoot) ? fs.readdirSync(pcfRoot, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort() : [];
  for (const ctrl of controls) {
    const dir = path.join(pcfRoot, ctrl);
    const hasManifest = fs.readdirSync(dir, { withFileTypes: true }).some((d) => d.isDirectory() && fs.existsSync(path.join(dir, d.name, "ControlManifest.Input.xml")));
    if (!hasManifest) continue;
    steps.push({
      name: `PCF control ${ctrl}`,
      command: process.platform === "win32" ? "npm.cmd" : "npm",
      args: ["run", "build", "--silent", "-w", `pcf-controls/${ctrl}`],
      env: { PP_TOOLS_TELEMETRY_OPTOUT: "1" },
    });
  }
  return steps;
}

function runStep(root: string, step: BuildStep, io: Io): Promise<{ ok: boolean; ms: number; output: string }> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(step.command, step.args, { cwd: root, env: { ...process.env, ...step.env }, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("error", (e) => {
      io.err(`${step.name}: cannot start ${step.command}: ${e.message}`);
      resolve({ ok: false, ms: Date.now() - started, output });
    });
    child.on("close", (code) => resolve({ ok: code === 0, ms: Date.now() - started, output }));
  });
}

/** Runs every step at once (webpack and each pcf-scripts build are separate processes) and reports each. */
async function runSteps(root: string, steps: BuildStep[], io: Io): Promise<boolean> {
  const results = await Promise.all(steps.map((step) => runStep(root, step, io).then((r) => ({ step, r }))));
  let ok = true;
  for (const { step, r } of results) {
    if (r.ok) io.out(`  built ${step.name} in ${(r.ms / 1000).toFixed(1)} s`);
    else {
      ok = false;
      io.err(`  ${step.name} FAILED (${step.command} ${step.args.join(" ")}):`);
      io.err(r.output.trim().split("\n").slice(-40).map((l) => "    " + l).join("\n"));
    }
  }
  return ok;
}

export async function main(argv: string[], io: Io = processIo, root = repoRoot()): Promise<number> {
  let opts: Record<string, string | boolean>;
  try {
    ({ opts } = parseArgs(argv, { values: ["version", "out"], flags: ["pack-only"] }));
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`build: ${e.message}\nusage: npm run build [-- --version 1.2.3.4] [--pack-only] [--out dist]`);
      return 2;
    }
    throw e;
  }
  const version = opts.version as string | undefined;
  if (version !== undefined) {
    const err = versionError(version);
    if (err) {
      io.err(`build: --version ${err}`);
      return 2;
    }
  }
  const started = Date.now();
  if (!opts["pack-only"]) {
    const steps = buildSteps(root);
    io.out(steps.length ? `Building ${steps.map((s) => s.name).join(", ")}` : "No build outputs to build yet (no plugins-ts/webpack.config.js, no PCF project)");
    if (!(await runSteps(root, steps, io))) {
      io.err("build: a build step failed; no zip written");
      return 1;
    }
  }
  const outDir = opts.out ? userPath(opts.out as string) : path.join(root, "dist");
  try {
    for (const c of stageBuiltControls(root)) io.out(`  copied ${c.name} (${c.files} files) into ${path.relative(root, c.to)}`);
    const built = buildSolutionZips({ folder: path.join(root, "solution", "src"), mapFile: path.join(root, "solution", "map.xml"), version, outDir });
    io.out(`Packed ${built.uniqueName} ${built.version}:`);
    io.out(`  ${path.relative(root, built.unmanaged.path)}  ${kb(built.unmanaged.bytes.length)}  (unmanaged)`);
    io.out(`  ${path.relative(root, built.managed.path)}  ${kb(built.managed.bytes.length)}  (managed)`);
    io.out(`Done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return 0;
  } catch (e) {
    if (e instanceof PackRefusedError) {
      for (const p of e.problems) io.err(formatProblem(p));
      io.err(`build: ${e.problems.length} problem${e.problems.length === 1 ? "" : "s"}; no zip written`);
      return 1;
    }
    if (e instanceof MapFileError || e instanceof StageError) {
      io.err(`build: ${e.message}`);
      return 1;
    }
    throw e;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (e) => {
      process.stderr.write(`build: ${(e as Error).stack ?? e}\n`);
      process.exitCode = 1;
    },
  );
}
