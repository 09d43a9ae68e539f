/**
 * `[Content_Types].xml`, the OPC part list Dataverse requires at the zip root.
 *
 * Written as `pac solution pack` writes it (pnp/powerplatform-samples
 * samples/contoso-school/solution/ContosoSchool.zip, and 61 more of that repository's 67 zips):
 * UTF-8 BOM, XML declaration, one line, one `Default` per file extension in the order extensions
 * first appear in the zip, then one `Override` per part without an extension (web resource files are
 * stored extension-less). `xml` is `text/xml` (62 of 67 there; SolutionPackager 9.1.1.146 writes the
 * same); everything else `application/octet-stream`. (A zip exported straight from Dataverse says
 * `application/octet-stream` for xml too, e.g. samples/dynamic-forms/solution/DynamicFormsSample_1_0_0_1.zip;
 * import takes both.)
 */
import { attr, elements, parseXml, type XmlElement } from "./xml";

export const CONTENT_TYPES_PATH = "[Content_Types].xml";
const NS = "http://schemas.openxmlformats.org/package/2006/content-types";
const OCTET = "application/octet-stream";
const TYPE_OF = (ext: string): string => (ext === "xml" ? "text/xml" : OCTET);

/** Extension of a zip part ("" when the last segment has no dot), lower case. */
export function partExtension(path: string): string {
  const last = path.slice(path.lastIndexOf("/") + 1);
  const dot = last.lastIndexOf(".");
  return dot <= 0 ? "" : last.slice(dot + 1).toLowerCase();
}

const esc = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** Builds the file for the given part paths (zip entry names, without the content-types part). */
export function buildContentTypes(paths: string[]): Uint8Array {
  const exts: string[] = [];
  const overrides: string[] = [];
  for (const p of paths) {
    const ext = partExtension(p);
    if (ext === "") overrides.push(p);
    else if (!exts.includes(ext)) exts.push(ext);
  }
  let s = `\uFEFF<?xml version="1.0" encoding="utf-8"?><Types xmlns="${NS}">`;
  for (const e of exts) s += `<Default Extension="${esc(e)}" ContentType="${TYPE_OF(e)}" />`;
  for (const p of overrides) s += `<Override PartName="/${esc(p)}" ContentType="${OCTET}" />`;
  s += "</Types>";
  return new Uint8Array(Buffer.from(s, "utf8"));
}

export interface ContentTypes {
  defaults: Map<string, string>;
  overrides: Map<string, string>;
}

/** Parses an existing `[Content_Types].xml` (from any zip, ours or an export). */
export function parseContentTypes(bytes: Uint8Array): ContentTypes {
  const root: XmlElement = parseXml(bytes).root;
  const defaults = new Map<string, string>();
  const overrides = new Map<string, string>();
  for (const d of elements(root, "Default")) defaults.set((attr(d, "Extension") ?? "").toLowerCase(), attr(d, "ContentType") ?? "");
  for (const o of elements(root, "Override")) overrides.set((attr(o, "PartName") ?? "").replace(/^\//, ""), attr(o, "ContentType") ?? "");
  return { defaults, overrides };
}

/** True when the content-types file gives the part a content type. */
export function coversPart(ct: ContentTypes, path: string): boolean {
  if (ct.overrides.has(path)) return true;
  const ext = partExtension(path);
  return ext !== "" && ct.defaults.has(ext);
}
