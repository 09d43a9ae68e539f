/**
 * Packing: source folder → checked package → reproducible unmanaged and managed zips; and reading
 * any solution zip (ours or a real export) back into the package shape.
 *
 * THE JUDGE. Our zips are what `pac solution pack` / SolutionPackager make of solution/src with
 * solution/map.xml: SolutionPackager 9.1.1.146 extracts both zips and packs the extract with no
 * warning, and packs the source with our map into the same components (README, "Packing with
 * Microsoft's tools"). Every choice below names the real artifact it follows.
 *
 * ZIP SHAPE (what pac writes; 62 of the 67 zips in pnp/powerplatform-samples, e.g.
 * samples/contoso-school/solution/ContosoSchool.zip; the other 5 are straight Dataverse exports):
 * - entries customizations.xml, solution.xml, the other parts (sorted by path), [Content_Types].xml;
 *   every entry stamped 1980-01-01 00:00 and no directory entries, so the same source gives the same bytes;
 * - solution.xml and customizations.xml with UTF-8 BOM, XML declaration, two-space indentation and
 *   LF (see ZIP_STYLE in ./xml.ts); [Content_Types].xml with xml as text/xml (./content-types.ts);
 * - files the source carries as they are (environment variable definitions without BOM or
 *   declaration, as all 84 in those zips are).
 *
 * ROOT COMPONENTS (Other/Solution.xml, kept in SolutionPackager's order): every entity, role, flow,
 * web resource, control and global choice. No type 380 for environment variable definitions: none
 * of the 21 pnp exports that ship definitions lists one (e.g. samples/contoso-school/solution/
 * ContosoSchool.zip, 2 definitions), and SolutionPackager warns that such a root component is "not
 * defined in customizations". Connection references: none either (reference §2.2, [C]).
 *
 * SYSTEM TABLES WE EXTEND (lead, opportunity: behavior 2, no views shipped): no <SavedQueries>
 * element at all, as real exports write such a table (pnp samples/incident-reporting: Team;
 * samples/create-notes-from-canvas: Account, Annotation). An empty <SavedQueries /> breaks the
 * official schema ("Expected is ( savedqueries )") and crashes SolutionPackager's Extract
 * (ArgumentNullException). The ribbon is Entities/<name>/RibbonDiff.xml, as Extract writes it.
 *
 * FLOWS ship on (StateCode 1, StatusCode 2), as 44 of the 45 flows in the pnp exports do; import
 * turns them on once their connection references have connections (./flows.ts).
 *
 * MANAGED VS UNMANAGED. The two zips differ in solution.xml <Managed> (0 / 1) and in any component
 * whose source has a `_managed` variant ({formid}_managed.xml, AppModule_managed.xml,
 * AppModuleSiteMap_managed.xml), which the managed zip takes, as SolutionPackager does. Ours has
 * none, so the managed zip otherwise carries the same bytes, as Dataverse exports them: the export
 * pair ChrisMayor/D365SwotMatrix managedSolutions/SWOTMatrixforOpportunity_1_0_0_0.zip and
 * …_managed.zip (an opportunity form, columns, web resources) differs in <Managed> alone. Where
 * real pairs differ (microsoft/powercat-business-approvals-kit: 7 of 100 forms), it is cell labels
 * Dataverse leaves empty in the managed export, not a rule a packer can follow; SolutionPackager's
 * Extract keeps such a variant next to the form, and packing the managed zip takes it. The managed
 * properties (IsCustomizable, IsRenameable, CanModify…) are the same in both zips and take effect
 * only once the solution is imported managed (reference §9); the values we ship (1, as exports
 * carry) let admins extend our forms and views. Dataverse cannot import a managed zip over the
 * unmanaged solution of the same name or the reverse (the emulator refuses it, 0x80048040/41).
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
 * - Environment variable definitions travel in the folder form
 *   environmentvariabledefinitions/<schema>/environmentvariabledefinition.xml, never inline.
 * - Web resource file names with "/" [?]: the part is /WebResources/<name without "." and "/">
 *   <ID in upper case> (the export convention for dots, extended to slashes as third-party exports do),
 *   with a content-types Override because it has no extension.
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
  // Entry order as pac and SolutionPackager write it: customizations.xml, solution.xml, the parts,
  // [Content_Types].xml last (62 of pnp/powerplatform-samples' 67 zips, e.g. samples/contoso-school/
  // solution/ContosoSchool.zip). The parts are sorted by path so the same source gives the same bytes.
  const entries: ZipEntry[] = [
    { path: CUSTOMIZATIONS_XML, data: serializeXmlBytes({ ...pkg.customizations, prolog: [] }, ZIP_STYLE) },
    { path: SOLUTION_XML, data: serializeXmlBytes({ ...pkg.solution, prolog: [] }, ZIP_STYLE) },
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

/** solution.xml <Managed>: "0" unmanaged, "1" managed, "2" both (source folders). */
export function packageManagedFlag(pkg: SolutionPackage): string | undefined {
  const m = manifest(pkg);
  return m ? childText(m, "Managed")?.trim() : undefined;
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

function readForUnpack(bytes: Uint8Array, displayPath: string): SolutionPackage {
  const pkg = readSolutionZip(bytes, displayPath);
  if (!pkg.solution || !pkg.customizations) {
    const why = pkg.loadProblems.map((p) => `${p.file}: ${p.message}`).join("; ");
    throw new UnpackError(`${displayPath} is not a solution zip${why ? `: ${why}` : ": solution.xml or customizations.xml is missing at the zip root"}`);
  }
  return pkg;
}

/** A zip to unpack together with an unmanaged one (SolutionPackager /packagetype:Both). */
export interface ManagedTwin {
  bytes: Uint8Array;
  displayPath: string;
}

/**
 * The folder layout for a zip, as path → bytes (nothing written). With `managed` (the managed zip of
 * the same solution), the layout SolutionPackager's Extract /packagetype:Both writes: the unmanaged
 * components, a `_managed` variant of every form, app and site map, and Managed 2.
 */
export function unpackZipToFiles(bytes: Uint8Array, displayPath = "solution.zip", managed?: ManagedTwin): Map<string, Uint8Array> {
  const pkg = readForUnpack(bytes, displayPath);
  if (!managed) return packageToFolder(pkg);
  const twin = readForUnpack(managed.bytes, managed.displayPath);
  const flag = packageManagedFlag;
  if (flag(pkg) !== "0") throw new UnpackError(`${displayPath} is not an unmanaged solution (<Managed>${flag(pkg)}</Managed>); unpack both from the unmanaged zip and its _managed twin`);
  if (flag(twin) !== "1") throw new UnpackError(`${managed.displayPath} is not a managed solution (<Managed>${flag(twin)}</Managed>)`);
  if (packageUniqueName(pkg) !== packageUniqueName(twin) || packageVersion(pkg) !== packageVersion(twin))
    throw new UnpackError(`${displayPath} (${packageUniqueName(pkg)} ${packageVersion(pkg)}) and ${managed.displayPath} (${packageUniqueName(twin)} ${packageVersion(twin)}) are not the same solution and version`);
  return packageToFolder(pkg, { managed: twin });
}

/** Writes the unpacked layout into an empty (or absent) folder. */
export function unpackZipToFolder(bytes: Uint8Array, folder: string, displayPath = "solution.zip", managed?: ManagedTwin): string[] {
  const files = unpackZipToFiles(bytes, displayPath, managed);
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
