/**
 * The in-memory solution package: the packed (zip) shape, whichever way it was loaded.
 *
 * A source folder is merged into this shape by ./layout.ts (everything inline in
 * customizations.xml, as reference §1.1 describes); a zip is read into it by ./pack.ts. The checker
 * works on this one shape, so `npm run check` treats a folder, our zip and a real export alike.
 * Every element carries `origin`, the file it came from, so problems name the file to fix.
 */
import type { Problem } from "../check/types";
import { attr, child, childText, elements, type XmlDocument, type XmlElement } from "./xml";

export const SOLUTION_XML = "solution.xml";
export const CUSTOMIZATIONS_XML = "customizations.xml";

/** A part a component references but whose file was not found (folder packages: usually an unbuilt output). */
export interface MissingPart {
  /** The zip path the part would have. */
  part: string;
  /** The file that references it (e.g. the `.data.xml`). */
  origin: string;
  /** Where the file was looked for. */
  expectedAt: string;
  /** What references it, e.g. `WebResource pcs_/scripts/opportunity.js`. */
  component: string;
}

export interface SolutionPackage {
  source: { kind: "zip" | "folder"; path: string };
  /** solution.xml; undefined when missing or unreadable (a load problem says why). */
  solution?: XmlDocument;
  /** customizations.xml, merged; undefined when missing or unreadable. */
  customizations?: XmlDocument;
  /** Every other part, keyed by its zip path (no leading slash), e.g. `Workflows/X-GUID.json`. */
  files: Map<string, Uint8Array>;
  /** For each part: the file it was read from (for messages). */
  fileOrigins: Map<string, string>;
  /** Parts that components reference but that could not be found. */
  missing: MissingPart[];
  /** Problems found while loading (missing root files, XML syntax errors, dangling split files). */
  loadProblems: Problem[];
  /** Zip packages: the raw entry names in stored order, and the content-types part. */
  zipEntries?: string[];
  contentTypes?: Uint8Array;
  /** Display names of the root files, for messages. */
  origins: { solution: string; customizations: string; contentTypes: string };
}

/** The file an element came from (falls back to the customizations file). */
export function originOf(pkg: SolutionPackage, e: XmlElement | undefined): string {
  return e?.origin ?? pkg.origins.customizations;
}

/** Origin for a part (zip path). */
export function partOrigin(pkg: SolutionPackage, part: string): string {
  return pkg.fileOrigins.get(part) ?? (pkg.source.kind === "zip" ? `${pkg.source.path}:${part}` : part);
}

// ---------------------------------------------------------------------------------------------
// Accessors over the packed shape (shared by the checker, the tests and the emulator)

export function manifest(pkg: SolutionPackage): XmlElement | undefined {
  return pkg.solution ? child(pkg.solution.root, "SolutionManifest") : undefined;
}

export function section(pkg: SolutionPackage, name: string): XmlElement | undefined {
  return pkg.customizations ? child(pkg.customizations.root, name) : undefined;
}

export function sectionItems(pkg: SolutionPackage, sectionName: string, itemName: string): XmlElement[] {
  const s = section(pkg, sectionName);
  return s ? elements(s, itemName) : [];
}

export const entities = (pkg: SolutionPackage): XmlElement[] => sectionItems(pkg, "Entities", "Entity");

/** The entity's Name text (SchemaName casing, e.g. `Opportunity`, `pcs_PartnerCenterSolution`). */
export const entityName = (e: XmlElement): string => childText(e, "Name") ?? "";

export function entityInfo(e: XmlElement): XmlElement | undefined {
  const info = child(e, "EntityInfo");
  return info ? child(info, "entity") : undefined;
}

export function entityAttributes(e: XmlElement): XmlElement[] {
  const info = entityInfo(e);
  const attrs = info ? child(info, "attributes") : undefined;
  return attrs ? elements(attrs, "attribute") : [];
}

/** Every systemform of an entity with its form type (`main`, `quick`, `card`, `quickCreate`, …). */
export function entityForms(e: XmlElement): Array<{ type: string; form: XmlElement }> {
  const out: Array<{ type: string; form: XmlElement }> = [];
  const fx = child(e, "FormXml");
  if (!fx) return out;
  for (const forms of elements(fx, "forms")) for (const f of elements(forms, "systemform")) out.push({ type: attr(forms, "type") ?? "", form: f });
  return out;
}

export function entitySavedQueries(e: XmlElement): XmlElement[] {
  const sq = child(e, "SavedQueries");
  const inner = sq ? child(sq, "savedqueries") : undefined;
  return inner ? elements(inner, "savedquery") : [];
}

export function formName(form: XmlElement): string {
  const names = child(form, "LocalizedNames");
  const first = names ? elements(names, "LocalizedName")[0] : undefined;
  return first ? (attr(first, "description") ?? "") : "";
}

/** `systemform {id} "Name"` for messages. */
export function describeForm(entity: XmlElement, form: XmlElement): string {
  return `form ${childText(form, "formid") ?? "?"} "${formName(form)}" of entity ${entityName(entity)}`;
}

export function publisherPrefix(pkg: SolutionPackage): string | undefined {
  const m = manifest(pkg);
  const pub = m ? child(m, "Publisher") : undefined;
  return pub ? childText(pub, "CustomizationPrefix") : undefined;
}

/** Normalised GUID: lower case, no braces. */
export const normGuid = (g: string | undefined): string => (g ?? "").trim().replace(/^\{|\}$/g, "").toLowerCase();

