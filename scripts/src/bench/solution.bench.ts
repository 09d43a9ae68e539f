/**
 * Solution package figures: wall time of a full `npm run build` (compile, build outputs, pack both
 * zips; budget 90 s on 2 cores) and the sizes of the two zips it writes.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { loadSolutionFolder } from "../solution/layout";
import { packageUniqueName, packageVersion, zipFileNames } from "../solution/pack";
import type { BenchContext, BenchFigure } from "./types";

export async function run(ctx: BenchContext): Promise<BenchFigure[]> {
  ctx.log("timing npm run build");
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const started = process.hrtime.bigint();
  const r = spawnSync(npm, ["run", "build", "--silent"], { cwd: ctx.root, encoding: "utf8", env: { ...process.env, PP_TOOLS_TELEMETRY_OPTOUT: "1" } });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (r.status !== 0) throw new Error(`npm run build failed (exit ${r.status}):\n${(r.stderr || r.stdout || "").slice(-4000)}`);
  const pkg = loadSolutionFolder(path.join(ctx.root, "solution", "src"));
  const names = zipFileNames(packageUniqueName(pkg) ?? "solution", packageVersion(pkg) ?? "0.0.0.0");
  const size = (f: string): number => fs.statSync(path.join(ctx.root, "dist", f)).size;
  return [
    { name: "npm run build (both zips)", value: Math.round(seconds * 10) / 10, unit: "s", budget: 90, note: "compile + form script + PCF controls + pack, wall clock" },
    { name: `${names.unmanaged} size`, value: size(names.unmanaged), unit: "bytes" },
    { name: `${names.managed} size`, value: size(names.managed), unit: "bytes" },
  ];
}
