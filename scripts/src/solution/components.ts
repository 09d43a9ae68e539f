/**
 * Component lookups over a package (packed shape): what the solution defines, by kind and name.
 * Shared by the check rules, the tests and anything that reads a built zip (e.g. an emulator import).
 */
import { entities, entityName, normGuid, section, sectionItems, manifest, entityForms, entitySavedQueries, type SolutionPackage } from "./package";
import { attr, child, childText, elements, parseXml, type XmlElement } from "./xml";

export interface EnvVarDefinition {
  schemaName: string;
  /** The definition element (from environmentvariabledefinitions/<schema>/environmentvariabledefinition.xml or inline). */
  element: XmlElement;
  /** The part it was read from, when it came from a file. */
  part?: string;
}

export interface MissingDependency {
  type: string;
  schemaName?: string;
  id?: string;
}

export const webResources = (pkg: SolutionPackage): XmlElement[] => sectionItems(pkg, "WebResources", "WebResource");
export const customControls = (pkg: SolutionPackage): XmlElement[] => sectionItems(pkg, "CustomControls", "CustomControl");
export const workflows = (pkg: SolutionPackage): XmlElement[] => sectionItems(pkg, "Workflows", "Workflow");

/** A cloud flow's exported JSON part, read (a workflow whose JsonFileName names no part is left out). */
export interface FlowDocument {
  workflow: XmlElement;
  /** The part's path in the package (without the leading slash). */
  part: string;
  /** The parsed JSON, or why it could not be parsed. */
  doc: { ok: true; value: unknown } | { ok: false; error: string };
}

export function flowDocuments(pkg: SolutionPackage): FlowDocument[] {
  const out: FlowDocument[] = [];
  for (const workflow of workflows(pkg)) {
    const jsonName = childText(workflow, "JsonFileName");
    if (!jsonName) continue;
    const part = jsonName.replace(/^\/+/, "");
    const data = pkg.files.get(part);
    if (!data) continue; // the referenced-files rule reports it
    try {
      out.push({ workflow, part, doc: { ok: true, value: JSON.parse(Buffer.from(data).toString("utf8").replace(/^\uFEFF/, "")) } });
    } catch (e) {
      out.push({ workflow, part, doc: { ok: false, error: (e as Error).message } });
    }
  }
  return out;
}
export const roles = (pkg: SolutionPackage): XmlElement[] => sectionItems(pkg, "Roles", "Role");
export const relationships = (pkg: SolutionPackage): XmlElement[] => sectionItems(pkg, "EntityRelationships", "EntityRelationship");
export const entityMaps = (pkg: SolutionPackage): XmlElement[] => sectionItems(pkg, "EntityMaps", "EntityMap");
export const globalOptionSets = (pkg: SolutionPackage): XmlElement[] => sectionItems(pkg, "optionsets", "optionset");
export const connectionReferences = (pkg: SolutionPackage): XmlElement[] => sectionItems(pkg, "connectionreferences", "connectionreference");

export function rootComponents(pkg: SolutionPackage): XmlElement[] {
  const m = manifest(pkg);
  const rc = m ? child(m, "RootComponents") : undefined;
  return rc ? elements(rc, "RootComponent") : [];
}

export function missingDependencies(pkg: SolutionPackage): MissingDependency[] {
  const m = manifest(pkg);
  const md = m ? child(m, "MissingDependencies") : undefined;
  if (!md) return [];
  const out: MissingDependency[] = [];
  for (const d of elements(md, "MissingDependency")) {
    const r = child(d, "Required");
    if (r) out.push({ type: attr(r, "type") ?? "", schemaName: attr(r, "schemaName"), id: attr(r, "id") });
  }
  return out;
}

/** True when solution.xml declares the component as a missing (target-provided) dependency. */
export function isDeclaredDependency(pkg: SolutionPackage, type: string, key: string): boolean {
  const k = key.toLowerCase();
  return missingDependencies(pkg).some((d) => d.type === type && ((d.schemaName ?? "").toLowerCase() === k || normGuid(d.id) === normGuid(key)));
}

/** Environment variable definitions: folder form (zip parts) and any inline definitions. */
export function envVarDefinitions(pkg: SolutionPackage): EnvVarDefinition[] {
  const out: EnvVarDefinition[] = [];
  for (const [part, data] of pkg.files) {
    if (!/^environmentvariabledefinitions\/[^/]+\/environmentvariabledefinition\.xml$/i.test(part)) continue;
    try {
      const root = parseXml(data).root;
      root.origin = pkg.fileOrigins.get(part) ?? part;
      out.push({ schemaName: attr(root, "schemaname") ?? part.split("/")[1], element: root, part });
    } catch {
      // reported by the load/parse checks of the env-var rule
      out.push({ schemaName: part.split("/")[1], element: { kind: "element", name: "environmentvariabledefinition", attrs: [], children: [], selfClosing: true, origin: part }, part });
    }
  }
  const inline = section(pkg, "environmentvariabledefinitions");
  if (inline) for (const d of elements(inline, "environmentvariabledefinition")) out.push({ schemaName: attr(d, "schemaname") ?? "", element: d });
  return out;
}

export function findEntity(pkg: SolutionPackage, logicalName: string): XmlElement | undefined {
  return entities(pkg).find((e) => entityName(e).toLowerCase() === logicalName.toLowerCase());
}

export function allForms(pkg: SolutionPackage): Array<{ entity: XmlElement; type: string; form: XmlElement }> {
  return entities(pkg).flatMap((entity) => entityForms(entity).map((f) => ({ entity, ...f })));
}

export function allSavedQueries(pkg: SolutionPackage): Array<{ entity: XmlElement; view: XmlElement }> {
  return entities(pkg).flatMap((entity) => entitySavedQueries(entity).map((view) => ({ entity, view })));
}

/** The zip folder of a custom control (from its FileName), e.g. `Controls/pcs_X.Y`. */
export function controlFolder(cc: XmlElement): string {
  const file = (childText(cc, "FileName") ?? `/Controls/${childText(cc, "Name") ?? ""}/ControlManifest.xml`).replace(/^\/+/, "");
  return file.slice(0, file.lastIndexOf("/"));
}

/** The control's ControlManifest.xml part path. */
export function controlManifestPart(cc: XmlElement): string {
  return (childText(cc, "FileName") ?? `/Controls/${childText(cc, "Name") ?? ""}/ControlManifest.xml`).replace(/^\/+/, "");
}
