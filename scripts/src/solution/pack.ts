/**
 * Packing: source folder → checked package → reproducible unmanaged and managed zips; and reading
 * any solution zip (ours or a real export) back into the package shape.
 *
 * Zip shape (reference §1.1): flat, everything inline in customizations.xml; entries in a fixed order
 * (solution.xml, customizations.xml, the other parts sorted by path, then [Content_Types].xml);
 * solution.xml and customizations.xml written as Dataverse writes them (no BOM, no declaration, CRLF).
 *
 * Managed vs unmanaged: the two zips differ only in solution.xml <Managed> (0 / 1), plus any
 * `{formid}_managed.xml` form variant the source holds (ours holds none, so the form XML is the same
 * bytes). Reasons: SolutionPackager itself "can't convert one type to another" and both pac and
 * Dataverse keep the same element vocabulary in both (reference §9); the managed properties
 * (IsCustomizable, CanModify…, IsRenameable) are identical in both because they only take effect once
 * the solution is managed, and the values we ship are the ones we want enforced there.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { checkPackage } from "../check";
import type { Problem } from "../check/types";
import { buildContentTypes, CONTENT_TYPES_PATH } from "./content-types";
import { loadSolutionFolder, packageToFolder } from "./layout";
import { readMapFile } from "./mapfile";
import { CUSTOMIZATIONS_XML, manifest, SOLUTION_XML, type SolutionPackage } from "./package";
import { child, childText, cloneElement, parseXml, serializeXmlBytes, setText, stampOrigin, XmlParseError, ZIP_STYLE } from "./xml";
import { versionError } from "./version";
import { readZip, writeZip, type ZipEntry } from "./zip";

export { VERSION_RE, versionError } from "./version";

export class PackRefusedError extends Error {
  constructor(readonly problems: Problem[]) {
    super(`packing refused: ${problems.length} problem${problems.length === 1 ? "" : "s"} found by the solution check`);
    this.name = "PackRefusedError";
  }
}

export interface FolderOptions {
  /** The source folder (SolutionPackager layout), e.g. solution/src. */
  folder: string;
  /** Optional SolutionPackager mapping file, e.g. solution/map.xml. */
  mapFile?: string;
  /** Overrides Other/Solution.xml <Version> (four-part). */
  version?: string;
}

// ---------------------------------------------------------------------------------------------
// Reading zips

/** Reads a solution zip (ours or exported from an environment). Never throws on content problems: they become load problems. */
export function readSolutionZip(bytes: Uint8Array, displayPath = "solution.zip"): SolutionPackage {
  const { names, files } = readZip(bytes);
  const pkg: SolutionPackage = {
    source: { kind: "zip", path: displayPath },
    files: new Map(),
    fileOrigins: new Map(),
    missing: [],
    loadProblems: [],
    zipEntries: names,
    origins: { solution: `${displayPath}:${SOLUTION_XML}`, customizations: `${displayPath}:${CUSTOMIZATIONS_XML}`, contentTypes: `${displayPath}:${CONTENT_TYPES_PATH}` },
  };
  const parse = (name: string, origin: string) => {
    const data = files.get(name);
    if (!data) return undefined;
    try {
      const doc = parseXml(data);
      stampOrigin(doc.root, origin);
      return doc;
    } catch (e) {
      if (!(e instanceof XmlParseError)) throw e;
      pkg.loadProblems.push({ rule: "load", file: origin, element: "(document)", message: `not well-formed XML: ${e.message}`, fix: "repair the XML syntax" });
      return undefined;
    }
  };
  pkg.solution = parse(SOLUTION_XML, pkg.origins.solution);
  pkg.customizations = parse(CUSTOMIZATIONS_XML, pkg.origins.customizations);
  pkg.contentTypes = files.get(CONTENT_TYPES_PATH);
  for (const [name, data] of files) {
    if (name === SOLUTION_XML || name === CUSTOMIZATIONS_XML || name === CONTENT_TYPES_PATH) continue;
    pkg.files.set(name, data);
    pkg.fileOrigins.set(name, `${displayPath}:${name}`);
  }
  return pkg;
}

// ---------------------------------------------------------------------------------------------
// Writing zips

/** Returns a copy of the package whose solution.xml has the given Managed flag and (optionally) version. */
export function stampPackage(pkg: SolutionPackage, opts: { managed: boolean; version?: string }): SolutionPackage {
  if (!pkg.solution) return pkg;
  const root = cloneElement(pkg.solution.root);
  const m = child(root, "SolutionManifest");
  if (m) {
    const managed = child(m, "Managed");
    if (managed) setText(managed, opts.managed ? "1" : "0");
    const version = child(m, "Version");
    if (version && opts.version) setText(version, opts.version);
  }
  return { ...pkg, solution: { ...pkg.solution, root } };
}

/** Serialises a package into zip bytes (no checking: see packSolutionFolder). */
export function packageToZip(pkg: SolutionPackage): Uint8Array {
  if (!pkg.solution || !pkg.customizations) throw new Error("cannot write a zip without solution.xml and customizations.xml");
  const parts = [...pkg.files.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const entries: ZipEntry[] = [
    { path: SOLUTION_XML, data: serializeXmlBytes({ ...pkg.solution, prolog: [] }, ZIP_STYLE) },
    { path: CUSTOMIZATIONS_XML, data: serializeXmlBytes({ ...pkg.customizations, prolog: [] }, ZIP_STYLE) },
    ...parts.map((p) => ({ path: p, data: pkg.files.get(p)! })),
  ];
  entries.push({ path: CONTENT_TYPES_PATH, data: buildContentTypes(entries.map((e) => e.path)) });
  return writeZip(entries);
}

/** The version in Other/Solution.xml (or a zip's solution.xml). */
export function packageVersion(pkg: SolutionPackage): string | undefined {
  const m = manifest(pkg);
  return m ? childText(m, "Version") : undefined;
}

export function packageUniqueName(pkg: SolutionPackage): string | undefined {
  const m = manifest(pkg);
  return m ? childText(m, "UniqueName") : undefined;
}

/** Loads a folder the way packing does (mapping file applied). */
export function loadFolderForPack(opts: FolderOptions & { managed: boolean }): SolutionPackage {
  const mappings = opts.mapFile ? readMapFile(opts.mapFile) : [];
  return loadSolutionFolder(opts.folder, { mappings, managed: opts.managed });
}

/**
 * Packs one zip from a source folder. Runs every check rule on the stamped package and throws
 * PackRefusedError (with the problems) instead of returning bytes when any rule fails.
 * This is the call for tests and emulators that need a zip of a fixture folder.
 */
export function packSolutionFolder(opts: FolderOptions & { managed: boolean }): Uint8Array {
  if (opts.version !== undefined) {
    const err = versionError(opts.version);
    if (err) throw new PackRefusedError([{ rule: "versions", file: "(command line)", element: "--version", message: err, fix: "pass a version such as 1.2.3.4" }]);
  }
  const pkg = stampPackage(loadFolderForPack(opts), { managed: opts.managed, version: opts.version });
  const problems = checkPackage(pkg);
  if (problems.length) throw new PackRefusedError(problems);
  return packageToZip(pkg);
}

export interface BuiltZips {
  version: string;
  uniqueName: string;
  unmanaged: { path: string; bytes: Uint8Array };
  managed: { path: string; bytes: Uint8Array };
}

/**
 * `<UniqueName>_<version>.zip` and `<UniqueName>_<version>_managed.zip`, version with its dots
 * (e.g. PartnerCenterReferralsSync_1.0.0.0_managed.zip). Dataverse's own export writes underscores
 * (…_1_0_0_0.zip); import does not care about the file name.
 */
export function zipFileNames(uniqueName: string, version: string): { unmanaged: string; managed: string } {
  return { unmanaged: `${uniqueName}_${version}.zip`, managed: `${uniqueName}_${version}_managed.zip` };
}

/**
 * Packs both zips and writes them to outDir. Nothing is written unless both pass the check.
 * Throws PackRefusedError with every problem of both packages (deduplicated).
 */
export function buildSolutionZips(opts: FolderOptions & { outDir: string }): BuiltZips {
  const problems: Problem[] = [];
  const seen = new Set<string>();
  const collect = (ps: Problem[]): void => {
    for (const p of ps) {
      const k = `${p.rule}|${p.file}|${p.element}|${p.message}`;
      if (!seen.has(k)) {
        seen.add(k);
        problems.push(p);
      }
    }
  };
  const zips: Uint8Array[] = [];
  for (const managed of [false, true]) {
    try {
      zips.push(packSolutionFolder({ ...opts, managed }));
    } catch (e) {
      if (e instanceof PackRefusedError) collect(e.problems);
      else throw e;
    }
  }
  if (problems.length) throw new PackRefusedError(problems);
  const pkg = loadFolderForPack({ ...opts, managed: false });
  const version = opts.version ?? packageVersion(pkg) ?? "0.0.0.0";
  const uniqueName = packageUniqueName(pkg) ?? "solution";
  const names = zipFileNames(uniqueName, version);
  fs.mkdirSync(opts.outDir, { recursive: true });
  const unmanagedPath = path.join(opts.outDir, names.unmanaged);
  const managedPath = path.join(opts.outDir, names.managed);
  fs.writeFileSync(unmanagedPath, zips[0]);
  fs.writeFileSync(managedPath, zips[1]);
  return { version, uniqueName, unmanaged: { path: unmanagedPath, bytes: zips[0] }, managed: { path: managedPath, bytes: zips[1] } };
}

// ---------------------------------------------------------------------------------------------
// Unpacking

export class UnpackError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UnpackError";
  }
}

/** The folder layout for a zip, as path → bytes (nothing written). */
export function unpackZipToFiles(bytes: Uint8Array, displayPath = "solution.zip"): Map<string, Uint8Array> {
  const pkg = readSolutionZip(bytes, displayPath);
  if (!pkg.solution || !pkg.customizations) {
    const why = pkg.loadProblems.map((p) => `${p.file}: ${p.message}`).join("; ");
    throw new UnpackError(`${displayPath} is not a solution zip${why ? `: ${why}` : ": solution.xml or customizations.xml is missing at the zip root"}`);
  }
  return packageToFolder(pkg);
}

/** Writes the unpacked layout into an empty (or absent) folder. */
export function unpackZipToFolder(bytes: Uint8Array, folder: string, displayPath = "solution.zip"): string[] {
  const files = unpackZipToFiles(bytes, displayPath);
  const written: string[] = [];
  for (const [rel, data] of [...files].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const target = path.join(folder, ...rel.split("/"));
    if (!path.resolve(target).startsWith(path.resolve(folder) + path.sep)) throw new UnpackError(`zip entry "${rel}" would be written outside ${folder}`);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, data);
    written.push(rel);
  }
  return written;
}
