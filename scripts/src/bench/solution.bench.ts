/**
 * Solution package figures: wall time of a cold `npm run build` (compile, form script, PCF controls,
 * pack both zips; budget 90 s on 2 cores), the time of the check every build runs, and the sizes of
 * the two zips it writes.
 * "Cold": the build outputs (plugins-ts/build, pcf-controls/<Ctrl>/out, dist) and tsc's incremental
 * build info are removed first, so every step does its full work.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { loadSolutionFolder } from "../solution/layout";
import { checkPackage } from "../check";
import { loadFolderForPack, packageUniqueName, packageVersion, zipFileNames } from "../solution/pack";
import type { BenchContext, BenchFigure } from "./types";

export const BUILD_BUDGET_S = 90;

export async function run(ctx: BenchContext): Promise<BenchFigure[]> {
  const rm = (p: string): void => fs.rmSync(path.join(ctx.root, p), { recursive: true, force: true });
  rm("plugins-ts/build");
  rm("dist");
  rm("out/.tsbuildinfo");
  const pcf = path.join(ctx.root, "pcf-controls");
  for (const d of fs.existsSync(pcf) ? fs.readdirSync(pcf) : []) rm(`pcf-controls/${d}/out`);
  ctx.log("timing a cold npm run build");
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const started = process.hrtime.bigint();
  const r = spawnSync(npm, ["run", "build", "--silent"], { cwd: ctx.root, encoding: "utf8", env: { ...process.env, PP_TOOLS_TELEMETRY_OPTOUT: "1" } });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (r.status !== 0) throw new Error(`npm run build failed (exit ${r.status}):\n${(r.stderr || r.stdout || "").slice(-4000)}`);
  const pkg = loadSolutionFolder(path.join(ctx.root, "solution", "src"));
  const names = zipFileNames(packageUniqueName(pkg) ?? "solution", packageVersion(pkg) ?? "0.0.0.0");
  const size = (f: string): number => fs.statSync(path.join(ctx.root, "dist", f)).size;
  // the check every build runs (all rules, the schema rule included), on solution/src with its map: median of 5
  const checks: number[] = [];
  for (let k = 0; k < 5; k++) {
    const t0 = process.hrtime.bigint();
    const problems = checkPackage(loadFolderForPack({ folder: path.join(ctx.root, "solution", "src"), mapFile: path.join(ctx.root, "solution", "map.xml"), managed: false }));
    checks.push(Number(process.hrtime.bigint() - t0) / 1e6);
    if (problems.length) throw new Error(`the solution check found ${problems.length} problems`);
  }
  checks.sort((a, b) => a - b);
  return [
    { name: "npm run check of solution/src (load + every rule)", value: Math.round(checks[2]), unit: "ms", note: "median of 5, schema rule included" },
    { name: "npm run build, cold (both zips)", value: Math.round(seconds * 10) / 10, unit: "s", budget: BUILD_BUDGET_S, note: "tsc + webpack form script + 2 PCF controls + check + pack, wall clock" },
    { name: `${names.unmanaged}`, value: size(names.unmanaged), unit: "bytes", note: "unmanaged zip size" },
    { name: `${names.managed}`, value: size(names.managed), unit: "bytes", note: "managed zip size" },
  ];
}
