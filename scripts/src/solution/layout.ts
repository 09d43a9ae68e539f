/**
 * The SolutionPackager / `pac solution unpack` folder layout, both ways:
 * - loadSolutionFolder: merges a source folder (plus mapped build outputs) into the packed shape;
 * - packageToFolder: splits a package into the folder layout (what `npm run unpack` writes).
 *
 * Layout (reference §1.2, confirmed from Microsoft's CoE kit and a D365 Sales solution):
 *   Other/Solution.xml, Other/Customizations.xml (skeleton; connection references stay inline),
 *   Other/Relationships.xml (+ Other/Relationships/<ReferencedEntity>.xml), Other/EntityMaps.xml,
 *   Entities/<SchemaName>/Entity.xml, FormXml/<type>/{formid}.xml, SavedQueries/{id}.xml, RibbonDiff.xml,
 *   OptionSets/<name>.xml, Roles/<name>.xml, Workflows/<file>.json + .json.data.xml,
 *   WebResources/<name> + <name>.data.xml, Controls/<name>/ControlManifest.xml.data.xml + built files,
 *   environmentvariabledefinitions/<schema>/environmentvariabledefinition.xml (copied as is).
 * Split files carry `xmlns:xsi` on their root; it is removed when merged, added when split.
 * Any other file in the folder is carried into the zip at the same path (and back on unpack).
 *
 * As SolutionPackager does (9.1.1.146, checked by packing and extracting our zips with it):
 * components are found by listing the folder itself; files are read through the mapping file
 * (./mapfile.ts), which redirects reads and never adds components; a control is read from
 * Controls/<name>/ only. packageToFolder writes what its Extract writes, byte for byte but for line
 * ends (LF here, CRLF from .NET on Windows): RootComponents sorted, every entity's RibbonDiff.xml,
 * `_managed` variants for /packagetype:Both and for a managed zip alone.
 *
 * Merge order is deterministic (sorted by the key noted on SPLIT below), so the same folder always
 * packs to the same bytes, and packing what `unpack` wrote gives the zip back byte for byte.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { SourceTree, type Mapping } from "./mapfile";
import { CUSTOMIZATIONS_XML, SOLUTION_XML, type MissingPart, type SolutionPackage } from "./package";
import {
  attr,
  child,
  childText,
  cloneElement,
  el,
  elements,
  parseXml,
  removeAttr,
  serializeXmlBytes,
  SOURCE_STYLE,
  stampOrigin,
  XmlParseError,
  type XmlDocument,
  type XmlElement,
} from "./xml";

export const XSI = "http://www.w3.org/2001/XMLSchema-instance";

/** customizations.xml top-level order (reference §3.1, from the SDK XSD and real exports). */
export const CUSTOMIZATIONS_ORDER = [
  "Entities",
  "Roles",
  "Workflows",
  "FieldSecurityProfiles",
  "Templates",
  "EntityImageConfigs",
  "AttributeImageConfigs",
  "RibbonDiffXml",
  "IsvConfig",
  "RelationshipRoles",
  "ConnectionRoles",
  "SiteMap",
  "EntityMaps",
  "EntityRelationships",
  "OrganizationSettings",
  "optionsets",
  "Reports",
  "Dashboards",
  "WebResources",
  "CustomControls",
  "SolutionPluginAssemblies",
  "SdkMessageProcessingSteps",
  "ServiceEndpoints",
  "AppModuleSiteMaps",
  "AppModules",
  "EntityDataProviders",
  "CanvasApps",
  "Connectors",
  "connectionreferences",
  "Languages",
];

const ci = (a: string, b: string): number => {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x < y ? -1 : x > y ? 1 : a < b ? -1 : a > b ? 1 : 0;
};

/**
 * Folders that hold a component type (SolutionPackager's "legacy component directories": Other,
 * Resources, bin, obj and each component processor's folder). Files in any other folder are copied
 * into the zip as they are.
 */
export const COMPONENT_FOLDERS: ReadonlySet<string> = new Set(["Other", "Resources", "bin", "obj", "Entities", "Roles", "Workflows", "WebResources", "Controls", "OptionSets", "AppModules", "AppModuleSiteMaps", "SdkMessageProcessingSteps", "PluginAssemblies", "Reports", "Templates", "Dashboards", "Dialogs"]);

/**
 * Component kinds SolutionPackager keeps one folder per component for, merged into a section of
 * customizations.xml: `<Folder>/<name>/<File>` (with an optional `<File minus .xml>_managed.xml`).
 */
const FOLDER_KINDS: Array<{ folder: string; file: string; section: string; key: (e: XmlElement) => string }> = [
  { folder: "AppModuleSiteMaps", file: "AppModuleSiteMap.xml", section: "AppModuleSiteMaps", key: (e) => childText(e, "SiteMapUniqueName") ?? "" },
  { folder: "AppModules", file: "AppModule.xml", section: "AppModules", key: (e) => childText(e, "UniqueName") ?? "" },
];

export interface LoadOptions {
  /** SolutionPackager mapping file (see ./mapfile.ts). */
  mappings?: Mapping[];
  /** Prefer `{formid}_managed.xml` variants (packing the managed zip). */
  managed?: boolean;
}

const stripXsi = (e: XmlElement): XmlElement => {
  if (attr(e, "xmlns:xsi") === XSI) removeAttr(e, "xmlns:xsi");
  return e;
};

const withXsi = (e: XmlElement): XmlElement => {
  const c = cloneElement(e);
  if (attr(c, "xmlns:xsi") === undefined) c.attrs.push(["xmlns:xsi", XSI]);
  return c;
};

/** Puts `content` as the section's children, creating the section in canonical position if missing. */
export function setSection(root: XmlElement, name: string, items: XmlElement[]): void {
  let s = child(root, name);
  if (!s) {
    if (items.length === 0) return;
    s = el(name);
    const rank = CUSTOMIZATIONS_ORDER.indexOf(name);
    const idx = root.children.findIndex((c) => c.kind === "element" && CUSTOMIZATIONS_ORDER.indexOf(c.name) > rank);
    if (idx < 0) root.children.push(s);
    else root.children.splice(idx, 0, s);
  }
  const inline = elements(s);
  s.children = [...inline, ...items];
  s.selfClosing = s.children.length === 0;
}

// ---------------------------------------------------------------------------------------------
// Load (pack direction)

export function loadSolutionFolder(folder: string, opts: LoadOptions = {}): SolutionPackage {
  const tree = new SourceTree(path.resolve(folder), opts.mappings ?? []);
  const shown = (rel: string): string => tree.display(tree.resolve(rel).path);
  const pkg: SolutionPackage = {
    source: { kind: "folder", path: folder },
    files: new Map(),
    fileOrigins: new Map(),
    missing: [],
    loadProblems: [],
    origins: { solution: shown("Other/Solution.xml"), customizations: shown("Other/Customizations.xml"), contentTypes: "[Content_Types].xml" },
  };
  const problem = (file: string, element: string, message: string, fix: string): void => {
    pkg.loadProblems.push({ rule: element === "(file)" && /Other\/(Solution|Customizations)\.xml$/.test(file) ? "root-files" : "load", file, element, message, fix });
  };
  const readXml = (rel: string): XmlDocument | undefined => {
    const r = tree.resolve(rel);
    if (r.mapped && !r.found) {
      // SolutionPackager: "Matched file '…' was not found in any mapping. Pack operation is aborted."
      problem(shown(rel), "(file)", `is matched by the mapping at ${r.directive!.at}, which sends it to ${tree.display(r.path)}, where there is no such file; SolutionPackager does not fall back to the solution folder ("Matched file … was not found in any mapping")`, "narrow the mapping so it matches only the build outputs, or put the file where the mapping points");
      return undefined;
    }
    const bytes = tree.read(rel);
    if (!bytes) return undefined;
    try {
      const doc = parseXml(bytes);
      stampOrigin(doc.root, shown(rel));
      return doc;
    } catch (e) {
      if (e instanceof XmlParseError) problem(shown(rel), "(document)", `not well-formed XML: ${e.message}`, "repair the XML syntax");
      else throw e;
      return undefined;
    }
  };
  const all = tree.list("");
  const inDir = (dir: string): string[] => all.filter((f) => f.startsWith(dir + "/"));
  const consumed = new Set<string>();

  // Root files -------------------------------------------------------------------------------
  const solution = readXml("Other/Solution.xml");
  if (solution) {
    if (solution.root.name !== "ImportExportXml" || !child(solution.root, "SolutionManifest"))
      problem(shown("Other/Solution.xml"), `<${solution.root.name}>`, "is not a solution manifest (expected <ImportExportXml><SolutionManifest>)", "restore Other/Solution.xml from a real export or `npm run unpack`");
    else pkg.solution = solution;
  } else if (!tree.resolve("Other/Solution.xml").found) {
    problem(shown("Other/Solution.xml"), "(file)", "missing: the zip needs solution.xml at its root and it comes from Other/Solution.xml", "add Other/Solution.xml (SolutionManifest with UniqueName, Version, Managed, Publisher, RootComponents)");
  }
  const custom = readXml("Other/Customizations.xml");
  if (custom) {
    if (custom.root.name !== "ImportExportXml") problem(shown("Other/Customizations.xml"), `<${custom.root.name}>`, "root element must be <ImportExportXml>", "restore the skeleton from a real export or `npm run unpack`");
    else pkg.customizations = custom;
  } else if (!tree.resolve("Other/Customizations.xml").found) {
    problem(shown("Other/Customizations.xml"), "(file)", "missing: the zip needs customizations.xml at its root and it comes from Other/Customizations.xml", "add Other/Customizations.xml (the <ImportExportXml> skeleton with <Languages>)");
  }
  consumed.add("Other/Solution.xml").add("Other/Customizations.xml");
  const root = pkg.customizations?.root ?? el("ImportExportXml");

  const addPart = (part: string, rel: string, component: string, referencedBy: string): void => {
    const r = tree.resolve(rel);
    consumed.add(rel);
    if (r.found) {
      pkg.files.set(part, tree.read(rel)!);
      pkg.fileOrigins.set(part, tree.display(r.path));
    } else {
      const m: MissingPart = { part, origin: referencedBy, expectedAt: tree.display(r.path), component };
      pkg.missing.push(m);
    }
  };

  // Entities ----------------------------------------------------------------------------------
  const entityDirs = [...new Set(inDir("Entities").map((f) => f.split("/")[1]))].sort(ci);
  const entityEls: XmlElement[] = [];
  for (const dir of entityDirs) {
    const base = `Entities/${dir}`;
    const doc = readXml(`${base}/Entity.xml`);
    consumed.add(`${base}/Entity.xml`);
    const files = inDir(base);
    if (!doc) {
      if (!files.includes(`${base}/Entity.xml`)) problem(tree.display(path.join(tree.root, base)), "(folder)", "has no Entity.xml", `add ${base}/Entity.xml or remove the folder`);
      files.forEach((f) => consumed.add(f));
      continue;
    }
    const ent = stripXsi(doc.root);
    if (ent.name !== "Entity") problem(shown(`${base}/Entity.xml`), `<${ent.name}>`, "root element must be <Entity>", "restore the file from `npm run unpack`");
    // Forms: FormXml/<type>/{id}.xml, preferring {id}_managed.xml when packing managed.
    const formFiles = files.filter((f) => f.startsWith(`${base}/FormXml/`) && f.endsWith(".xml"));
    const byType = new Map<string, Map<string, { plain?: string; managed?: string }>>();
    for (const f of formFiles) {
      consumed.add(f);
      const [, , , type, file] = f.split("/");
      if (!file) continue;
      const id = file.replace(/(_managed)?\.xml$/, "");
      const t = byType.get(type) ?? new Map<string, { plain?: string; managed?: string }>();
      byType.set(type, t);
      const v = t.get(id) ?? {};
      if (file.endsWith("_managed.xml")) v.managed = f;
      else v.plain = f;
      t.set(id, v);
    }
    const formsEls: XmlElement[] = [];
    for (const type of [...byType.keys()].sort(ci)) {
      const group = el("forms", { type });
      for (const id of [...byType.get(type)!.keys()].sort(ci)) {
        const v = byType.get(type)!.get(id)!;
        // SolutionPackager keeps {formid}_managed.xml next to the unmanaged file; with none, the
        // unmanaged file serves both (pac's --useUnmanagedFileForMissingManaged behaviour).
        const fdoc = readXml((opts.managed ? (v.managed ?? v.plain) : (v.plain ?? v.managed))!);
        if (!fdoc) continue;
        const forms = stripXsi(fdoc.root);
        for (const sf of elements(forms, "systemform")) group.children.push(sf);
      }
      group.selfClosing = group.children.length === 0;
      formsEls.push(group);
    }
    if (formsEls.length) replaceOrInsert(ent, "FormXml", el("FormXml", {}, formsEls), "EntityInfo");
    // Views: SavedQueries/{id}.xml
    const viewFiles = files.filter((f) => f.startsWith(`${base}/SavedQueries/`) && f.endsWith(".xml")).sort(ci);
    const views: XmlElement[] = [];
    for (const f of viewFiles) {
      consumed.add(f);
      const vdoc = readXml(f);
      if (vdoc) views.push(...elements(stripXsi(vdoc.root), "savedquery"));
    }
    if (views.length) replaceOrInsert(ent, "SavedQueries", el("SavedQueries", {}, [el("savedqueries", {}, views)]), "FormXml");
    // Ribbon: RibbonDiff.xml
    if (files.includes(`${base}/RibbonDiff.xml`)) {
      consumed.add(`${base}/RibbonDiff.xml`);
      const rdoc = readXml(`${base}/RibbonDiff.xml`);
      if (rdoc) replaceOrInsert(ent, "RibbonDiffXml", stripXsi(rdoc.root), "SavedQueries");
    }
    files.forEach((f) => consumed.add(f));
    entityEls.push(ent);
  }
  entityEls.sort((a, b) => ci(childText(a, "Name") ?? "", childText(b, "Name") ?? ""));
  setSection(root, "Entities", entityEls);

  // Roles ---------------------------------------------------------------------------------------
  const roles: XmlElement[] = [];
  for (const f of inDir("Roles").filter((x) => x.endsWith(".xml"))) {
    consumed.add(f);
    const d = readXml(f);
    if (d) roles.push(stripXsi(d.root));
  }
  roles.sort((a, b) => ci(attr(a, "name") ?? "", attr(b, "name") ?? ""));
  setSection(root, "Roles", roles);

  // Workflows (cloud flows: <file>.json + <file>.json.data.xml; classic: .xaml + .xaml.data.xml) --------
  const workflows: XmlElement[] = [];
  for (const f of inDir("Workflows").filter((x) => x.endsWith(".data.xml"))) {
    consumed.add(f);
    const d = readXml(f);
    if (!d) continue;
    const wf = stripXsi(d.root);
    workflows.push(wf);
    const fileName = childText(wf, "JsonFileName") ?? childText(wf, "XamlFileName");
    if (fileName) {
      const part = fileName.replace(/^\/+/, "");
      addPart(part, f.replace(/\.data\.xml$/, ""), `Workflow ${attr(wf, "Name") ?? attr(wf, "WorkflowId") ?? ""}`, shown(f));
    }
  }
  workflows.sort((a, b) => ci(attr(a, "WorkflowId") ?? "", attr(b, "WorkflowId") ?? ""));
  setSection(root, "Workflows", workflows);

  // Entity maps and relationships -----------------------------------------------------------------
  if (all.includes("Other/EntityMaps.xml")) {
    consumed.add("Other/EntityMaps.xml");
    const d = readXml("Other/EntityMaps.xml");
    if (d) {
      const maps = elements(d.root, "EntityMap").sort((a, b) => ci(`${childText(a, "EntitySource")}>${childText(a, "EntityTarget")}`, `${childText(b, "EntitySource")}>${childText(b, "EntityTarget")}`));
      setSection(root, "EntityMaps", maps);
    }
  }
  const rels: XmlElement[] = [];
  for (const f of inDir("Other/Relationships").filter((x) => x.endsWith(".xml"))) {
    consumed.add(f);
    const d = readXml(f);
    if (d) rels.push(...elements(d.root, "EntityRelationship"));
  }
  rels.sort((a, b) => ci(attr(a, "Name") ?? "", attr(b, "Name") ?? ""));
  if (all.includes("Other/Relationships.xml")) {
    consumed.add("Other/Relationships.xml");
    const d = readXml("Other/Relationships.xml");
    if (d) {
      const defined = new Set(rels.map((r) => attr(r, "Name")));
      for (const r of elements(d.root, "EntityRelationship")) {
        const name = attr(r, "Name") ?? "";
        if (!defined.has(name))
          problem(shown("Other/Relationships.xml"), `<EntityRelationship Name="${name}">`, "is listed but defined in no Other/Relationships/*.xml file", `define it in Other/Relationships/<ReferencedEntity>.xml or remove the line`);
      }
    }
  }
  setSection(root, "EntityRelationships", rels);

  // Global option sets --------------------------------------------------------------------------------
  const optionsets: XmlElement[] = [];
  for (const f of inDir("OptionSets").filter((x) => x.endsWith(".xml"))) {
    consumed.add(f);
    const d = readXml(f);
    if (d) optionsets.push(stripXsi(d.root));
  }
  optionsets.sort((a, b) => ci(attr(a, "Name") ?? "", attr(b, "Name") ?? ""));
  setSection(root, "optionsets", optionsets);

  // Web resources: <name>.data.xml next to the content file <name> (the content may be mapped) ------------
  const webResources: XmlElement[] = [];
  for (const f of inDir("WebResources").filter((x) => x.endsWith(".data.xml"))) {
    consumed.add(f);
    const d = readXml(f);
    if (!d) continue;
    const wr = stripXsi(d.root);
    webResources.push(wr);
    const fileName = childText(wr, "FileName");
    if (fileName) addPart(fileName.replace(/^\/+/, ""), f.replace(/\.data\.xml$/, ""), `WebResource ${childText(wr, "Name") ?? ""}`, shown(f));
  }
  webResources.sort((a, b) => ci(childText(a, "Name") ?? "", childText(b, "Name") ?? ""));
  setSection(root, "WebResources", webResources);

  // PCF controls: Controls/<name>/ControlManifest.xml (+ .data.xml) and every other file of that folder.
  // SolutionPackager finds controls by their ControlManifest.xml in the folder itself and reads the
  // control's files from there, whatever the mappings say (SolutionPackagerLib 9.1.1.146,
  // CustomControlsProcessor): the built control must sit in Controls/<name>/ (npm run build copies
  // it there). A mapping under Controls/ only hides the .data.xml, so it is refused.
  for (const m of tree.directivesUnder("Controls"))
    problem(m.at, `<${m.kind} map="${m.map}">`, "maps files under Controls/, which SolutionPackager reads only from the solution folder (a Folder mapping there even hides ControlManifest.xml.data.xml)", "remove the mapping; put the built control in Controls/<prefix>_<namespace>.<constructor>/ (npm run build copies pcf-controls/<Ctrl>/out/controls/<Ctrl> there)");
  const controls: XmlElement[] = [];
  const controlDirs = [...new Set(inDir("Controls").filter((x) => /\/ControlManifest\.xml(\.data\.xml)?$/.test(x)).map((x) => x.slice(0, x.lastIndexOf("/"))))].sort(ci);
  for (const dir of controlDirs) {
    const dataFile = `${dir}/ControlManifest.xml.data.xml`;
    const manifestFile = `${dir}/ControlManifest.xml`;
    inDir(dir).forEach((f) => consumed.add(f));
    if (!all.includes(dataFile)) {
      problem(shown(manifestFile), "(file)", "has no ControlManifest.xml.data.xml next to it, so the control has no <CustomControl> metadata (SolutionPackager makes one up and warns)", `add ${dataFile} (<CustomControl><Name>…</Name><FileName>/${manifestFile}</FileName></CustomControl>)`);
      continue;
    }
    const d = readXml(dataFile);
    if (!d) continue;
    const cc = stripXsi(d.root);
    controls.push(cc);
    const name = `CustomControl ${childText(cc, "Name") ?? ""}`;
    const manifestPart = (childText(cc, "FileName") ?? `/${manifestFile}`).replace(/^\/+/, "");
    const zipDir = manifestPart.slice(0, manifestPart.lastIndexOf("/"));
    if (!all.includes(manifestFile)) {
      // not built yet: SolutionPackager would silently leave the control out
      pkg.missing.push({ part: manifestPart, origin: shown(dataFile), expectedAt: tree.display(path.join(tree.root, ...manifestFile.split("/"))), component: name });
      continue;
    }
    for (const g of inDir(dir)) {
      if (g === dataFile) continue;
      pkg.files.set(`${zipDir}/${g.slice(dir.length + 1)}`, new Uint8Array(fs.readFileSync(path.join(tree.root, ...g.split("/")))));
      pkg.fileOrigins.set(`${zipDir}/${g.slice(dir.length + 1)}`, tree.display(path.join(tree.root, ...g.split("/"))));
    }
  }
  controls.sort((a, b) => ci(childText(a, "Name") ?? "", childText(b, "Name") ?? ""));
  setSection(root, "CustomControls", controls);

  // Model-driven apps and their site maps: <Folder>/<name>/<File>, managed variant preferred when packing managed.
  for (const kind of FOLDER_KINDS) {
    const items: XmlElement[] = [];
    const dirs = [...new Set(inDir(kind.folder).map((f) => f.split("/")[1]))].sort(ci);
    for (const d of dirs) {
      const plain = `${kind.folder}/${d}/${kind.file}`;
      const managedFile = plain.replace(/\.xml$/, "_managed.xml");
      inDir(`${kind.folder}/${d}`).forEach((f) => consumed.add(f));
      const use = opts.managed && all.includes(managedFile) ? managedFile : all.includes(plain) ? plain : managedFile;
      const doc = readXml(use);
      if (doc) items.push(stripXsi(doc.root));
    }
    items.sort((a, b) => ci(kind.key(a), kind.key(b)));
    setSection(root, kind.section, items);
  }

  // Plug-in steps: SdkMessageProcessingSteps/{id}.xml
  const steps: XmlElement[] = [];
  for (const f of inDir("SdkMessageProcessingSteps").filter((x) => x.endsWith(".xml"))) {
    consumed.add(f);
    const d = readXml(f);
    if (d) steps.push(stripXsi(d.root));
  }
  steps.sort((a, b) => ci(attr(a, "SdkMessageProcessingStepId") ?? "", attr(b, "SdkMessageProcessingStepId") ?? ""));
  setSection(root, "SdkMessageProcessingSteps", steps);

  // Plug-in assemblies: PluginAssemblies/<dir>/<file>.dll.data.xml next to the assembly
  const assemblies: XmlElement[] = [];
  for (const f of inDir("PluginAssemblies").filter((x) => x.endsWith(".data.xml"))) {
    consumed.add(f);
    const d = readXml(f);
    if (!d) continue;
    const pa = stripXsi(d.root);
    assemblies.push(pa);
    const fileName = childText(pa, "FileName");
    if (fileName) addPart(fileName.replace(/^\/+/, ""), f.replace(/\.data\.xml$/, ""), `PluginAssembly ${attr(pa, "FullName") ?? ""}`, shown(f));
  }
  assemblies.sort((a, b) => ci(attr(a, "FullName") ?? "", attr(b, "FullName") ?? ""));
  setSection(root, "SolutionPluginAssemblies", assemblies);

  // Everything else is carried as is (environmentvariabledefinitions/…, CanvasApps/…, …), plus the
  // files Folder/FileToFile mappings provide for such folders (SolutionPackager's "sharded" files) ---
  for (const f of all) {
    if (consumed.has(f)) continue;
    const top = f.split("/")[0];
    if (top === "Workflows" && /-[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\.(json|xaml)$/.test(f)) {
      problem(shown(f), "(file)", "flow definition without metadata: no Workflow element names it, so it would not be imported", `add ${f}.data.xml (the <Workflow> element with WorkflowId, Name and JsonFileName "/${f}") or delete the file`);
      continue;
    }
    if (top === "WebResources") {
      problem(shown(f), "(file)", "web resource content without metadata, so it would not be imported", `add ${f}.data.xml (the <WebResource> element) or delete the file`);
      continue;
    }
    if (COMPONENT_FOLDERS.has(top)) continue; // other stray files in component folders are not solution parts
    addPart(f, f, "file", shown(f));
  }
  for (const x of tree.extraFiles(COMPONENT_FOLDERS)) {
    if (pkg.files.has(x.rel)) continue;
    pkg.files.set(x.rel, new Uint8Array(fs.readFileSync(x.path)));
    pkg.fileOrigins.set(x.rel, tree.display(x.path));
  }
  return pkg;
}

function replaceOrInsert(parent: XmlElement, name: string, replacement: XmlElement, after: string): void {
  const idx = parent.children.findIndex((c) => c.kind === "element" && c.name === name);
  if (idx >= 0) {
    parent.children[idx] = replacement;
    return;
  }
  const a = parent.children.findIndex((c) => c.kind === "element" && c.name === after);
  parent.children.splice(a >= 0 ? a + 1 : parent.children.length, 0, replacement);
  parent.selfClosing = false;
}

// ---------------------------------------------------------------------------------------------
// Split (unpack direction)

/** File-system-safe name (roles are named by their display name). */
const safe = (s: string): string => s.replace(/[<>:"/\\|?*\x00-\x1f]/g, "_");

/** The folder files for a package: path (forward slashes, relative to the folder) → bytes. */
export interface UnpackOptions {
  /**
   * The managed twin of an unmanaged package (SolutionPackager /packagetype:Both): every form, app
   * and site map is also written as its `_managed` variant, and Other/Solution.xml says Managed 2.
   */
  managed?: SolutionPackage;
}

/**
 * RootComponents in SolutionPackager's order: by type compared as text ("1" < "20" < "29" < "380" <
 * "61" < "9"), then by name or id. Extract writes them so (our zip's solution.xml through
 * SolutionPackager 9.1.1.146), and pac-packed exports keep that order (pnp/powerplatform-samples
 * samples/incident-reporting/solution/incident-reporting.zip: types 1, 29, 300, 60, 62, 80, 9).
 */
export function sortRootComponents(solutionRoot: XmlElement): void {
  const rc = child(child(solutionRoot, "SolutionManifest") ?? solutionRoot, "RootComponents");
  if (!rc) return;
  const key = (e: XmlElement): [string, string] => [attr(e, "type") ?? "", attr(e, "schemaName") ?? attr(e, "id") ?? ""];
  const sorted = elements(rc, "RootComponent").sort((a, b) => {
    const [ta, na] = key(a);
    const [tb, nb] = key(b);
    return ta < tb ? -1 : ta > tb ? 1 : ci(na, nb);
  });
  rc.children = [...elements(rc).filter((e) => e.name !== "RootComponent"), ...sorted];
}

const isManagedPackage = (pkg: SolutionPackage): boolean => {
  const m = pkg.solution ? child(pkg.solution.root, "SolutionManifest") : undefined;
  return (m ? childText(m, "Managed") : undefined)?.trim() === "1";
};

/** Forms of a package by entity name and form id (lower case), for writing `_managed` variants. */
function formsById(pkg: SolutionPackage): Map<string, XmlElement> {
  const out = new Map<string, XmlElement>();
  const ents = pkg.customizations ? child(pkg.customizations.root, "Entities") : undefined;
  for (const ent of ents ? elements(ents, "Entity") : []) {
    const fx = child(ent, "FormXml");
    for (const forms of fx ? elements(fx, "forms") : [])
      for (const sf of elements(forms, "systemform")) out.set(`${(childText(ent, "Name") ?? "").toLowerCase()}|${(childText(sf, "formid") ?? "").toLowerCase()}`, sf);
  }
  return out;
}

export function packageToFolder(pkg: SolutionPackage, opts: UnpackOptions = {}): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  const put = (rel: string, doc: XmlElement | XmlDocument): void => {
    out.set(rel, serializeXmlBytes(doc, SOURCE_STYLE));
  };
  if (!pkg.solution || !pkg.customizations) throw new Error(`cannot unpack: ${!pkg.solution ? SOLUTION_XML : CUSTOMIZATIONS_XML} is missing or unreadable`);
  // Which variants SolutionPackager writes: Both → plain and `_managed`; a managed zip alone → `_managed` only.
  const both = opts.managed !== undefined;
  const managedOnly = !both && isManagedPackage(pkg);
  const managedForms = both ? formsById(opts.managed!) : new Map<string, XmlElement>();
  const solutionRoot = cloneElement(pkg.solution.root);
  sortRootComponents(solutionRoot);
  if (both) {
    const managedFlag = child(child(solutionRoot, "SolutionManifest")!, "Managed");
    if (managedFlag) managedFlag.children = [{ kind: "text", text: "2" }];
  }
  put("Other/Solution.xml", { ...pkg.solution, root: solutionRoot, bom: true, declaration: true });
  const custom = cloneElement(pkg.customizations.root);
  const take = (name: string): XmlElement[] => {
    const s = child(custom, name);
    if (!s) return [];
    const items = elements(s);
    s.children = [];
    s.selfClosing = true;
    return items;
  };
  const consumedParts = new Set<string>();
  const copyPart = (part: string, rel: string): void => {
    const data = pkg.files.get(part);
    if (data) {
      out.set(rel, data);
      consumedParts.add(part);
    }
  };

  for (const ent of take("Entities")) {
    const e = cloneElement(ent);
    const name = safe(childText(e, "Name") ?? "entity");
    const base = `Entities/${name}`;
    const fx = child(e, "FormXml");
    if (fx) {
      for (const forms of elements(fx, "forms")) {
        const type = attr(forms, "type") ?? "main";
        for (const sf of elements(forms, "systemform")) {
          const id = childText(sf, "formid") ?? "form";
          const file = `${base}/FormXml/${safe(type)}/${safe(id)}`;
          put(managedOnly ? `${file}_managed.xml` : `${file}.xml`, withXsi(el("forms", {}, [sf])));
          const twin = managedForms.get(`${(childText(ent, "Name") ?? "").toLowerCase()}|${id.toLowerCase()}`);
          if (twin) put(`${file}_managed.xml`, withXsi(el("forms", {}, [twin])));
        }
      }
      fx.children = [];
      fx.selfClosing = true;
    }
    const sq = child(e, "SavedQueries");
    if (sq) {
      const inner = child(sq, "savedqueries");
      for (const v of inner ? elements(inner, "savedquery") : []) {
        put(`${base}/SavedQueries/${safe(childText(v, "savedqueryid") ?? "view")}.xml`, withXsi(el("savedqueries", {}, [v])));
      }
      sq.children = [];
      sq.selfClosing = true;
    }
    const rd = child(e, "RibbonDiffXml");
    // SolutionPackager writes RibbonDiff.xml for every entity that has the element, even an empty one.
    if (rd) {
      put(`${base}/RibbonDiff.xml`, withXsi(rd));
      const idx = e.children.indexOf(rd);
      e.children[idx] = el("RibbonDiffXml");
    }
    put(`${base}/Entity.xml`, withXsi(e));
  }
  for (const r of take("Roles")) put(`Roles/${safe(attr(r, "name") ?? attr(r, "id") ?? "role")}.xml`, withXsi(r));
  for (const wf of take("Workflows")) {
    const fileName = (childText(wf, "JsonFileName") ?? childText(wf, "XamlFileName") ?? "").replace(/^\/+/, "");
    const baseName = fileName ? fileName.slice(fileName.lastIndexOf("/") + 1) : safe(attr(wf, "WorkflowId") ?? "workflow");
    put(`Workflows/${baseName}.data.xml`, withXsi(wf));
    if (fileName) copyPart(fileName, `Workflows/${baseName}`);
  }
  const maps = take("EntityMaps");
  if (maps.length) put("Other/EntityMaps.xml", withXsi(el("EntityMaps", {}, maps)));
  const rels = take("EntityRelationships");
  if (rels.length) {
    put("Other/Relationships.xml", withXsi(el("EntityRelationships", {}, rels.map((r) => el("EntityRelationship", { Name: attr(r, "Name") ?? "" })))));
    const byEntity = new Map<string, XmlElement[]>();
    for (const r of rels) {
      const type = childText(r, "EntityRelationshipType");
      const key = (type === "ManyToMany" ? childText(r, "FirstEntityName") : childText(r, "ReferencedEntityName")) ?? "Other";
      byEntity.set(key, [...(byEntity.get(key) ?? []), r]);
    }
    for (const [ent, list] of byEntity) put(`Other/Relationships/${safe(ent)}.xml`, withXsi(el("EntityRelationships", {}, list)));
  }
  for (const o of take("optionsets")) put(`OptionSets/${safe(attr(o, "Name") ?? "optionset")}.xml`, withXsi(o));
  for (const wr of take("WebResources")) {
    const name = childText(wr, "Name") ?? "webresource";
    const rel = `WebResources/${name.split("/").map(safe).join("/")}`;
    put(`${rel}.data.xml`, withXsi(wr));
    const fileName = (childText(wr, "FileName") ?? "").replace(/^\/+/, "");
    if (fileName) copyPart(fileName, rel);
  }
  for (const cc of take("CustomControls")) {
    const name = safe(childText(cc, "Name") ?? "control");
    const manifestPart = (childText(cc, "FileName") ?? `/Controls/${name}/ControlManifest.xml`).replace(/^\/+/, "");
    const zipDir = manifestPart.slice(0, manifestPart.lastIndexOf("/"));
    put(`Controls/${name}/ControlManifest.xml.data.xml`, withXsi(cc));
    for (const part of pkg.files.keys()) if (part.startsWith(zipDir + "/")) copyPart(part, `Controls/${name}/${part.slice(zipDir.length + 1)}`);
  }
  for (const kind of FOLDER_KINDS) {
    const twins = new Map<string, XmlElement>();
    const twinSection = both && opts.managed!.customizations ? child(opts.managed!.customizations.root, kind.section) : undefined;
    for (const item of twinSection ? elements(twinSection) : []) twins.set(kind.key(item).toLowerCase(), item);
    for (const item of take(kind.section)) {
      const file = `${kind.folder}/${safe(kind.key(item) || "item")}/${kind.file}`;
      put(managedOnly ? file.replace(/\.xml$/, "_managed.xml") : file, withXsi(item));
      const twin = twins.get(kind.key(item).toLowerCase());
      if (twin) put(file.replace(/\.xml$/, "_managed.xml"), withXsi(twin));
    }
  }
  for (const step of take("SdkMessageProcessingSteps")) put(`SdkMessageProcessingSteps/${safe(attr(step, "SdkMessageProcessingStepId") ?? "step")}.xml`, withXsi(step));
  for (const pa of take("SolutionPluginAssemblies")) {
    const fileName = (childText(pa, "FileName") ?? "").replace(/^\/+/, "");
    const rel = fileName || `PluginAssemblies/${safe(attr(pa, "FullName") ?? "assembly")}.dll`;
    put(`${rel}.data.xml`, withXsi(pa));
    if (fileName) copyPart(fileName, rel);
  }
  put("Other/Customizations.xml", { root: custom, prolog: [], bom: true, declaration: true });
  for (const [part, data] of pkg.files) if (!consumedParts.has(part)) out.set(part, data);
  return out;
}
