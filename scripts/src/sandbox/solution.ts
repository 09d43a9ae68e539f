/**
 * The solution step: find the managed zip `npm run build` wrote, and import it through the Web API
 * the way an admin (or `pac solution import --async`) does: ImportSolutionAsync with the zip as
 * CustomizationFile, then poll the asyncoperations row until it succeeds or fails.
 *
 * With saved state the zip is imported only when its version is newer than the installed one
 * (Dataverse would accept the same version again, but there is nothing to gain, and it refuses an
 * older one).
 */
import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { SOLUTION } from "../../../plugins-ts/src/model/schema";
import { packageUniqueName, packageVersion, readSolutionZip } from "../solution/pack";
import { manifest } from "../solution/package";
import { childText } from "../solution/xml";
import { odataString, type WebApi } from "./webapi";

export class SandboxSolutionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SandboxSolutionError";
  }
}

export interface SolutionZipInfo {
  /** Where it was read from (for messages). */
  path: string;
  bytes: Uint8Array;
  uniqueName: string;
  version: string;
  managed: boolean;
}

/** Four-part versions compared numerically. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(".").map(Number);
  const pb = b.split(".").map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d) return Math.sign(d);
  }
  return 0;
}

/** The highest-version `<UniqueName>_<version>_managed.zip` in distDir. */
export function findManagedZip(distDir: string, uniqueName: string = SOLUTION.uniqueName): string {
  const re = new RegExp(`^${uniqueName}_(\\d+\\.\\d+\\.\\d+\\.\\d+)_managed\\.zip$`);
  const found = fs.existsSync(distDir)
    ? fs
        .readdirSync(distDir)
        .map((f) => ({ f, m: re.exec(f) }))
        .filter((x): x is { f: string; m: RegExpExecArray } => !!x.m)
        .sort((a, b) => compareVersions(b.m[1], a.m[1]))
    : [];
  if (!found.length) {
    throw new SandboxSolutionError(`No managed solution zip (${uniqueName}_<version>_managed.zip) in ${distDir}. Run \`npm run build\` first (\`npm start\` does).`);
  }
  return path.join(distDir, found[0].f);
}

export function readZipInfo(bytes: Uint8Array, displayPath: string): SolutionZipInfo {
  const pkg = readSolutionZip(bytes, displayPath);
  const uniqueName = packageUniqueName(pkg);
  const version = packageVersion(pkg);
  if (!pkg.solution || !uniqueName || !version) {
    const why = pkg.loadProblems.map((p) => p.message).join("; ") || "solution.xml has no UniqueName or Version";
    throw new SandboxSolutionError(`${displayPath} is not a solution zip: ${why}`);
  }
  const m = manifest(pkg);
  return { path: displayPath, bytes, uniqueName, version, managed: (m ? childText(m, "Managed") : "") === "1" };
}

export function loadSolutionZip(source: string | Uint8Array, distDir: string): SolutionZipInfo {
  if (typeof source !== "string") return readZipInfo(source, "(solution zip)");
  if (!fs.existsSync(source)) throw new SandboxSolutionError(`The solution zip ${source} does not exist.`);
  return readZipInfo(new Uint8Array(fs.readFileSync(source)), path.relative(process.cwd(), source) || source);
}

export interface ImportOutcome {
  action: "imported" | "upgraded" | "kept";
  uniqueName: string;
  /** The zip's version. */
  version: string;
  /** What was installed before (undefined on a fresh environment). */
  previousVersion?: string;
  managed: boolean;
  zipPath: string;
  /** One line for the console. */
  message: string;
  /** Warnings from the import job (e.g. a flow that shipped on and could not be turned on). */
  warnings: string[];
}

export async function installedVersion(api: WebApi, uniqueName: string): Promise<string | undefined> {
  const rows = await api.list<{ version?: string }>(`solutions?$select=version,uniquename&$filter=uniquename eq ${odataString(uniqueName)}`);
  return rows[0]?.version;
}

export interface ImportOptions {
  /** Poll interval for the async import (ms). */
  pollMs?: number;
  /** Give up after (ms). */
  timeoutMs?: number;
}

/** Imports the zip unless the environment already has this version or a newer one. */
export async function importSolutionZip(api: WebApi, zip: SolutionZipInfo, opts: ImportOptions = {}): Promise<ImportOutcome> {
  const previousVersion = await installedVersion(api, zip.uniqueName);
  const base = { uniqueName: zip.uniqueName, version: zip.version, previousVersion, managed: zip.managed, zipPath: zip.path, warnings: [] as string[] };
  const kind = zip.managed ? "managed" : "unmanaged";
  if (previousVersion !== undefined && compareVersions(zip.version, previousVersion) <= 0) {
    const same = compareVersions(zip.version, previousVersion) === 0;
    return {
      ...base,
      action: "kept",
      message: same
        ? `${zip.uniqueName} ${previousVersion} is already installed (saved state); ${zip.path} has the same version, not re-imported`
        : `${zip.uniqueName} ${previousVersion} is installed (saved state), newer than ${zip.path} (${zip.version}); kept it. Run with --reset to start from the built zip`,
    };
  }
  const started = await api.post<{ AsyncOperationId?: string }>("ImportSolutionAsync", {
    CustomizationFile: Buffer.from(zip.bytes).toString("base64"),
    OverwriteUnmanagedCustomizations: true,
    PublishWorkflows: false,
    ImportJobId: randomUUID(),
  });
  const asyncId = started?.AsyncOperationId;
  if (!asyncId) throw new SandboxSolutionError(`ImportSolutionAsync of ${zip.path} answered without an AsyncOperationId.`);
  const deadline = Date.now() + (opts.timeoutMs ?? 120_000);
  for (;;) {
    const op = await api.get<{ statecode?: number; statuscode?: number; message?: string | null }>(`asyncoperations(${asyncId})?$select=statecode,statuscode,message`);
    if (op.statecode === 3) {
      if (op.statuscode !== 30) throw new SandboxSolutionError(`Importing ${zip.path} failed: ${op.message ?? `async operation ended with status ${op.statuscode}`}`);
      const warnings = (op.message ?? "").split("\n").filter(Boolean);
      const upgraded = previousVersion !== undefined;
      return {
        ...base,
        warnings,
        action: upgraded ? "upgraded" : "imported",
        message: upgraded
          ? `upgraded ${zip.uniqueName} ${previousVersion} → ${zip.version} from ${zip.path} (${kind})`
          : `imported ${zip.uniqueName} ${zip.version} from ${zip.path} (${kind})`,
      };
    }
    if (Date.now() > deadline) throw new SandboxSolutionError(`Importing ${zip.path} did not finish within ${(opts.timeoutMs ?? 120_000) / 1000} s (async operation ${asyncId}).`);
    await new Promise((r) => setTimeout(r, opts.pollMs ?? 20));
  }
}
