/**
 * `npm run unpack -- <solution.zip> <folder> [--packagetype both] [--overwrite]`
 *
 * Writes the layout SolutionPackager's Extract writes for a solution zip (ours or an export from an
 * environment), so it can be diffed with solution/src. `--packagetype both` takes the unmanaged zip
 * and its twin `<name>_managed.zip` next to it, as SolutionPackager's /packagetype:Both does, and
 * adds the `_managed` variant of every form, app and site map. The folder must be absent or empty;
 * --overwrite replaces a folder that already holds an unpacked solution (Other/Solution.xml), and
 * nothing else.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { packageManagedFlag, readSolutionZip, UnpackError, unpackZipToFolder, type ManagedTwin } from "../solution/pack";
import { ZipReadError } from "../solution/zip";
import { parseArgs, processIo, UsageError, userPath, type Io } from "./common";

const USAGE = "usage: npm run unpack -- <solution.zip> <folder> [--packagetype unmanaged|managed|both] [--overwrite]";

export async function main(argv: string[], io: Io = processIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs(argv, { flags: ["overwrite"], values: ["packagetype"] });
    if (parsed.positionals.length !== 2) throw new UsageError("expected a zip and a folder");
    const type = parsed.opts.packagetype;
    if (type !== undefined && !["unmanaged", "managed", "both"].includes(String(type).toLowerCase())) throw new UsageError(`--packagetype must be unmanaged, managed or both, not "${type}"`);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`unpack: ${e.message}\n${USAGE}`);
      return 2;
    }
    throw e;
  }
  const [zip, folder] = parsed.positionals.map(userPath);
  if (!fs.existsSync(zip) || !fs.statSync(zip).isFile()) {
    io.err(`unpack: ${zip} is not a file\n${USAGE}`);
    return 2;
  }
  if (fs.existsSync(folder)) {
    if (!fs.statSync(folder).isDirectory()) {
      io.err(`unpack: ${folder} exists and is not a folder`);
      return 2;
    }
    if (fs.readdirSync(folder).length > 0) {
      if (!parsed.opts.overwrite) {
        io.err(`unpack: ${folder} is not empty; choose an empty folder or pass --overwrite to replace an unpacked solution`);
        return 2;
      }
      if (!fs.existsSync(path.join(folder, "Other", "Solution.xml"))) {
        io.err(`unpack: ${folder} does not hold an unpacked solution (no Other/Solution.xml); refusing to overwrite it`);
        return 2;
      }
    }
  }
  const type = String(parsed.opts.packagetype ?? "").toLowerCase();
  let twin: ManagedTwin | undefined;
  if (type === "both") {
    // SolutionPackager's naming: AnyName.zip and AnyName_managed.zip in the same folder
    const managedZip = zip.replace(/\.zip$/i, "") + "_managed.zip";
    if (!fs.existsSync(managedZip)) {
      io.err(`unpack: --packagetype both needs the managed zip next to ${zip}: ${managedZip} does not exist`);
      return 2;
    }
    twin = { bytes: new Uint8Array(fs.readFileSync(managedZip)), displayPath: managedZip };
  }
  const bytes = new Uint8Array(fs.readFileSync(zip));
  if (type === "unmanaged" || type === "managed") {
    let flag: string | undefined;
    try {
      flag = packageManagedFlag(readSolutionZip(bytes, zip));
    } catch (e) {
      if (!(e instanceof ZipReadError)) throw e;
    }
    if (flag !== undefined && flag !== (type === "managed" ? "1" : "0")) {
      io.err(`unpack: ${zip} is ${flag === "1" ? "managed" : "unmanaged"} (<Managed>${flag}</Managed>), not ${type}`);
      return 1;
    }
  }
  let files: string[];
  try {
    // Read and split fully before touching the folder, so a bad zip changes nothing.
    const staging = fs.mkdtempSync(path.join(path.dirname(path.resolve(folder)), ".unpack-"));
    try {
      files = unpackZipToFolder(bytes, staging, zip, twin);
      if (fs.existsSync(folder)) fs.rmSync(folder, { recursive: true, force: true });
      fs.renameSync(staging, folder);
    } catch (e) {
      fs.rmSync(staging, { recursive: true, force: true });
      throw e;
    }
  } catch (e) {
    if (e instanceof ZipReadError || e instanceof UnpackError) {
      io.err(`unpack: ${zip}: ${e.message}`);
      return 1;
    }
    throw e;
  }
  io.out(`Unpacked ${zip} into ${folder} (${files.length} files)`);
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (e) => {
      process.stderr.write(`unpack: ${(e as Error).stack ?? e}\n`);
      process.exitCode = 1;
    },
  );
}
