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
 * Merge order is deterministic (sorted by the key noted on SPLIT below), so the same folder always
 * packs to the same bytes, and packing what `unpack` wrote gives the zip back byte for byte.
 */
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

/** Folders the layout understands; everything else is copied as is. */
const KNOWN_TOP = new Set(["Other", "Entities", "Roles", "Workflows", "WebResources", "Controls", "OptionSets", "AppModules", "AppModuleSiteMaps", "SdkMessageProcessingSteps", "PluginAssemblies"]);

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

  // PCF controls: Controls/<name>/ControlManifest.xml.data.xml + the built files of the control -------------
  const controls: XmlElement[] = [];
  for (const f of inDir("Controls").filter((x) => x.endsWith("/ControlManifest.xml.data.xml"))) {
    consumed.add(f);
    const d = readXml(f);
    if (!d) continue;
    const cc = stripXsi(d.root);
    controls.push(cc);
    const dir = f.slice(0, f.lastIndexOf("/"));
    const manifestPart = (childText(cc, "FileName") ?? `/${dir}/ControlManifest.xml`).replace(/^\/+/, "");
    const zipDir = manifestPart.slice(0, manifestPart.lastIndexOf("/"));
    const name = `CustomControl ${childText(cc, "Name") ?? ""}`;
    addPart(manifestPart, `${dir}/${manifestPart.slice(zipDir.length + 1)}`, name, shown(f));
    for (const g of inDir(dir)) {
      if (g === f || consumed.has(g) || g.endsWith(".data.xml")) continue;
      addPart(`${zipDir}/${g.slice(dir.length + 1)}`, g, name, shown(f));
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

  // Everything else is carried as is (environmentvariabledefinitions/…, CanvasApps/…, …) ----------------------
  for (const f of all) {
    if (consumed.has(f)) continue;
    const top = f.split("/")[0];
    // An exported flow is named <Name>-<GUID>.json; other files a mapped flows folder holds are not parts.
    if (top === "Workflows" && /-[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\.(json|xaml)$/.test(f)) {
      problem(shown(f), "(file)", "flow definition without metadata: no Workflow element names it, so it would not be imported", `add ${f}.data.xml (the <Workflow> element with WorkflowId, Name and JsonFileName "/${f}") or delete the file`);
      continue;
    }
    if (top === "WebResources") {
      problem(shown(f), "(file)", "web resource content without metadata, so it would not be imported", `add ${f}.data.xml (the <WebResource> element) or delete the file`);
      continue;
    }
    if (KNOWN_TOP.has(top)) continue; // other stray files in known folders are not solution parts
    addPart(f, f, "file", shown(f));
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
export function packageToFolder(pkg: SolutionPackage): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  const put = (rel: string, doc: XmlElement | XmlDocument): void => {
    out.set(rel, serializeXmlBytes(doc, SOURCE_STYLE));
  };
  if (!pkg.solution || !pkg.customizations) throw new Error(`cannot unpack: ${!pkg.solution ? SOLUTION_XML : CUSTOMIZATIONS_XML} is missing or unreadable`);
  put("Other/Solution.xml", { ...pkg.solution, bom: true, declaration: true });
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
          put(`${base}/FormXml/${safe(type)}/${safe(id)}.xml`, withXsi(el("forms", {}, [sf])));
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
    if (rd && rd.children.length) {
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
    for (const item of take(kind.section)) put(`${kind.folder}/${safe(kind.key(item) || "item")}/${kind.file}`, withXsi(item));
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
