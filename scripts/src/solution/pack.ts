/**
 * Packing: source folder → checked package → reproducible unmanaged and managed zips; and reading
 * any solution zip (ours or a real export) back into the package shape.
 *
 * Zip shape (reference §1.1): flat, everything inline in customizations.xml; entries in a fixed order
 * (solution.xml, customizations.xml, the other parts sorted by path, then [Content_Types].xml), all
 * stamped 1980-01-01 00:00, no directory entries; solution.xml and customizations.xml written as a
 * 2025 Dataverse export writes them (no BOM, no declaration, CRLF, two-space indentation).
 *
 * MANAGED VS UNMANAGED. The two zips differ only in solution.xml <Managed> (0 / 1), plus any
 * `{formid}_managed.xml` (or AppModule_managed.xml …) variant the source holds; ours holds none, so
 * everything else is the same bytes. Reasons: SolutionPackager "can't convert one type to another"
 * and pac/Dataverse use the same vocabulary for both (reference §9, [C]); the managed properties
 * (IsCustomizable, IsRenameable, CanModify…) only take effect once a solution is managed, and the
 * values we ship (1, as exports carry) are the ones we want there: admins may extend our forms and
 * views. Flows ship off (StateCode 0) in both; turning them on is an admin step.
 *
 * OPPORTUNITY FORM: an added main form ("Partner Center Opportunity", its own formid, full FormXml),
 * not a diff of the out-of-the-box form (solutionaction). The OOB opportunity form ids and layouts
 * differ across Sales versions and apps, and the reference could not confirm how much ancestor path a
 * diff must repeat (§11), so a diff risks failed imports; an added form always imports and stays out
 * of Microsoft's layer. Admins make it the default through form order. The lead form is added the
 * same way ("Partner Center Lead"). No DisplayConditions: the form is available to every role.
 *
 * FACTS THE REFERENCE MARKS UNKNOWN, AND WHAT WE DO (each chosen as a real export does it):
 * - Import requirements of a brand-new table [?]: we ship everything a 2025 managed export carries
 *   for a user-owned table: primary key, primary name, the 16 system columns, the six system
 *   relationships (business_unit_, lk_…_createdby/modifiedby, owner_, team_, user_), seven views
 *   (active, inactive, my, quick find, advanced find, associated, lookup), card + main + quick forms
 *   and the empty RibbonDiffXml skeleton.
 * - Environment variable root components [I]: type 380 RootComponents are written (third-party
 *   reports say a definition without one imports but is not linked to the solution; CoE's export
 *   omits them, so the checker does not demand them). Definitions travel in the folder form
 *   environmentvariabledefinitions/<schema>/environmentvariabledefinition.xml, never inline.
 * - Connection references: no RootComponent (real exports list none, [C]); inline in customizations.
 * - Web resource file names with "/" [?]: the part is /WebResources/<name without "." and "/">
 *   <ID in upper case> (the export convention for dots, extended to slashes as third-party exports do),
 *   with a content-types Override because it has no extension.
 * - [Content_Types].xml without Overrides or with directory entries [?]: not tested; we write what
 *   the export writes (Default per extension, Override per extension-less part, no directories).
 * - FormXml formFactor 0/1/2 meaning [?]: every PCF binding is written for all three.
 * - Alternate keys: <EntityKeys> right after <attributes> in <entity>, each EntityKey with Name,
 *   LogicalName, IntroducedVersion, IsCustomizable, EntityKeyAttributes, displaynames ([I], the
 *   SDK XSD's element set).
 * - Parental cascade (including CascadeArchive = Cascade) from opportunity to its solution rows; a
 *   catalogue row in use cannot be deleted (Restrict) [I].
 * - Privilege depth names Basic/Local/Deep/Global and prvReadEnvironmentVariableValue [I].
 * - The source folder says <Managed>2</Managed> (both), as a SolutionPackager "Both" unpack does [C].
 * - Source files are UTF-8 with BOM and declaration (SolutionPackager) but LF line ends (git).
 * - Zip names keep the version's dots: PartnerCenterReferralsSync_1.0.0.0_managed.zip.
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
