/**
 * `npm run check -- [<zip or folder> …] [--map <mapping file>]`
 *
 * Validates solution zips (ours, or one exported from a real environment) and source folders with
 * every rule in ../check/rules. With no argument it checks solution/src through solution/map.xml,
 * exactly what packing checks. A folder's mapping file defaults to map.xml next to the folder.
 * Prints each problem as file: element: what is wrong, and how to fix it; exits 1 on any problem.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { checkPackage } from "../check";
import { formatProblem, type Problem } from "../check/types";
import { loadSolutionFolder } from "../solution/layout";
import { MapFileError, readMapFile } from "../solution/mapfile";
import { readSolutionZip } from "../solution/pack";
import { ZipReadError } from "../solution/zip";
import { parseArgs, processIo, repoRoot, UsageError, userPath, type Io } from "./common";

const USAGE = "usage: npm run check -- [<solution.zip | solution folder> …] [--map <map.xml>]";

export function checkTarget(target: string, mapFile: string | undefined, io: Io): Problem[] {
  // The project's solution/ folder (src/ + map.xml) means its source: solution/src.
  if (!fs.existsSync(path.join(target, "Other")) && fs.existsSync(path.join(target, "src", "Other"))) target = path.join(target, "src");
  const stat = fs.statSync(target);
  const shown = path.relative(process.cwd(), target) || target;
  if (stat.isDirectory()) {
    let map = mapFile;
    if (!map) {
      const sibling = path.join(path.dirname(path.resolve(target)), "map.xml");
      if (fs.existsSync(sibling)) {
        map = sibling;
        io.out(`(${shown}: using mapping file ${path.relative(process.cwd(), sibling)})`);
      }
    }
    const pkg = loadSolutionFolder(target, { mappings: map ? readMapFile(map) : [] });
    return checkPackage(pkg);
  }
  return checkPackage(readSolutionZip(new Uint8Array(fs.readFileSync(target)), shown));
}

export async function main(argv: string[], io: Io = processIo, root = repoRoot()): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs(argv, { values: ["map"] });
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`check: ${e.message}\n${USAGE}`);
      return 2;
    }
    throw e;
  }
  const targets = parsed.positionals.length ? parsed.positionals.map(userPath) : [path.join(root, "solution", "src")];
  const map = parsed.opts.map ? userPath(parsed.opts.map as string) : undefined;
  let failed = false;
  for (const t of targets) {
    if (!fs.existsSync(t)) {
      io.err(`check: ${t} does not exist\n${USAGE}`);
      return 2;
    }
    let problems: Problem[];
    try {
      problems = checkTarget(t, map, io);
    } catch (e) {
      if (e instanceof ZipReadError || e instanceof MapFileError) {
        io.err(`${t}: ${e.message}`);
        failed = true;
        continue;
      }
      throw e;
    }
    for (const p of problems) io.err(formatProblem(p));
    const shown = path.relative(process.cwd(), t) || t;
    if (problems.length) {
      failed = true;
      io.err(`${shown}: ${problems.length} problem${problems.length === 1 ? "" : "s"}`);
    } else io.out(`${shown}: OK`);
  }
  return failed ? 1 : 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (e) => {
      process.stderr.write(`check: ${(e as Error).stack ?? e}\n`);
      process.exitCode = 1;
    },
  );
}
