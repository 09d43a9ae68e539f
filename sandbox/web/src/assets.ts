/**
 * What the page runs, taken from the built solution zip and nothing else: each table's main form
 * (FormXml → ./form-model.ts), the views its subgrids use, the web resources (the form script) and
 * the PCF controls' files (bundle.js, css, resx strings). The zip is read once at start; the page
 * gets the files byte for byte as the zip holds them, under the paths Dataverse serves them from
 * (/WebResources/<name>, and the control's folder under /Controls/).
 */
import { parseResx } from "../../../scripts/src/pcf/resx";
import { controlFolder, controlManifestPart, customControls, webResources } from "../../../scripts/src/solution/components";
import { entities, entityForms, entityName, entitySavedQueries, manifest, normGuid } from "../../../scripts/src/solution/package";
import { readSolutionZip } from "../../../scripts/src/solution/pack";
import { attr, child, childText, descendants, elements, parseXml, type XmlElement } from "../../../scripts/src/solution/xml";
import { formCells, formColumns, formModel, type FormModel } from "./form-model";

/** A PCF control as the page hosts it. */
export interface ControlAsset {
  /** customControl name, e.g. pcs_PartnerCenterSync.SyncStatus. */
  name: string;
  /** The name the bundle registers under (manifest namespace.constructor). */
  registeredAs: string;
  /** URLs of the files, in manifest order. */
  bundle: string;
  css: string[];
  /** The control's resx strings (first resx of the manifest). */
  strings: Record<string, string>;
  /** Manifest properties: name → of-type and usage. */
  properties: Record<string, { ofType: string; usage: string }>;
}

/** A saved query as a subgrid needs it (FetchXML's simple conditions become a Web API $filter in the page). */
export interface ViewAsset {
  id: string;
  entity: string;
  name: string;
  columns: Array<{ name: string; width: number }>;
  order: Array<{ attribute: string; descending: boolean }>;
  conditions: Array<{ attribute: string; operator: string; value: string }>;
}

/** What GET /_web/forms/{entity} answers. */
export interface FormBundle {
  form: FormModel;
  controls: Record<string, ControlAsset>;
  views: Record<string, ViewAsset>;
  /** Every column the form shows (the record is read with exactly these). */
  columns: string[];
}

export interface SolutionAssets {
  /** Where the zip came from (for the page header and errors). */
  source: string;
  uniqueName: string;
  version: string;
  managed: boolean;
  /** Logical names of the tables that have a main form in the zip. */
  formEntities: string[];
  form(entity: string): FormBundle | undefined;
  /** A file the page may load: /WebResources/<name> or /Controls/<folder>/<file>. */
  file(urlPath: string): { bytes: Uint8Array; type: string } | undefined;
}

/** Web resource types (learn.microsoft.com/power-apps/developer/data-platform/reference/entities/webresource, webresourcetype). */
const WEB_RESOURCE_TYPES: Record<string, string> = {
  "1": "text/html; charset=utf-8",
  "2": "text/css; charset=utf-8",
  "3": "text/javascript; charset=utf-8",
  "4": "application/xml; charset=utf-8",
  "5": "image/png",
  "6": "image/jpeg",
  "7": "image/gif",
  "9": "application/xml; charset=utf-8",
  "10": "image/x-icon",
  "11": "image/svg+xml",
  "12": "application/xml; charset=utf-8",
};
const CONTROL_FILE_TYPES: Record<string, string> = { js: "text/javascript; charset=utf-8", css: "text/css; charset=utf-8", resx: "application/xml; charset=utf-8", xml: "application/xml; charset=utf-8" };

export class SolutionAssetsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SolutionAssetsError";
  }
}

const utf8 = (b: Uint8Array): string => Buffer.from(b).toString("utf8").replace(/^\uFEFF/, "");

function viewAsset(entity: string, q: XmlElement): ViewAsset {
  const layout = child(q, "layoutxml");
  const row = layout ? descendants(layout, "row")[0] : undefined;
  const fetch = child(q, "fetchxml");
  const fetchEntity = fetch ? descendants(fetch, "entity")[0] : undefined;
  const names = child(q, "LocalizedNames");
  const first = names ? elements(names, "LocalizedName")[0] : undefined;
  return {
    id: normGuid(childText(q, "savedqueryid")),
    entity,
    name: first ? (attr(first, "description") ?? "") : "",
    columns: (row ? elements(row, "cell") : []).map((c) => ({ name: attr(c, "name") ?? "", width: Number(attr(c, "width")) || 150 })),
    order: (fetchEntity ? elements(fetchEntity, "order") : []).map((o) => ({ attribute: attr(o, "attribute") ?? "", descending: attr(o, "descending") === "true" })),
    conditions: (fetchEntity ? descendants(fetchEntity, "condition") : []).map((c) => ({ attribute: attr(c, "attribute") ?? "", operator: attr(c, "operator") ?? "", value: attr(c, "value") ?? "" })),
  };
}

function controlAsset(files: Map<string, Uint8Array>, cc: XmlElement): ControlAsset {
  const name = childText(cc, "Name") ?? "";
  const folder = controlFolder(cc);
  const manifestBytes = files.get(controlManifestPart(cc));
  if (!manifestBytes) throw new SolutionAssetsError(`The zip has no ${controlManifestPart(cc)} for the control ${name}.`);
  const control = child(parseXml(manifestBytes).root, "control");
  if (!control) throw new SolutionAssetsError(`${controlManifestPart(cc)} has no <control> element.`);
  const resources = child(control, "resources");
  const paths = (tag: string): string[] => (resources ? elements(resources, tag) : []).map((e) => attr(e, "path") ?? "").filter(Boolean);
  const url = (p: string): string => `/${folder}/${p}`;
  const [bundle] = paths("code");
  if (!bundle || !files.has(`${folder}/${bundle}`)) throw new SolutionAssetsError(`The zip has no code file for the control ${name} (${folder}/${bundle ?? "?"}).`);
  const [resx] = paths("resx");
  const resxBytes = resx ? files.get(`${folder}/${resx}`) : undefined;
  const properties: ControlAsset["properties"] = {};
  for (const p of elements(control, "property")) properties[attr(p, "name") ?? ""] = { ofType: attr(p, "of-type") ?? "", usage: attr(p, "usage") ?? "" };
  return {
    name,
    registeredAs: `${attr(control, "namespace") ?? ""}.${attr(control, "constructor") ?? ""}`,
    bundle: url(bundle),
    css: paths("css").map(url),
    strings: resxBytes ? parseResx(utf8(resxBytes)) : {},
    properties,
  };
}

/** Reads a built solution zip. Throws SolutionAssetsError when it is not one the page can run. */
export function readSolutionAssets(bytes: Uint8Array, source: string): SolutionAssets {
  let pkg: ReturnType<typeof readSolutionZip>;
  try {
    pkg = readSolutionZip(bytes, source);
  } catch (e) {
    throw new SolutionAssetsError(`${source} cannot be read: ${(e as Error).message}`);
  }
  if (!pkg.customizations || !pkg.solution) {
    throw new SolutionAssetsError(`${source} is not a solution zip: ${pkg.loadProblems.map((p) => p.message).join("; ") || "no customizations.xml"}`);
  }
  const m = manifest(pkg);
  // Files by URL path: web resources under their names (as Dataverse serves /WebResources/<name>), controls as zipped.
  const served = new Map<string, { bytes: Uint8Array; type: string }>();
  for (const wr of webResources(pkg)) {
    const name = childText(wr, "Name") ?? "";
    const data = pkg.files.get((childText(wr, "FileName") ?? "").replace(/^\/+/, ""));
    if (name && data) served.set(`/WebResources/${name}`, { bytes: data, type: WEB_RESOURCE_TYPES[childText(wr, "WebResourceType") ?? ""] ?? "application/octet-stream" });
  }
  for (const [part, data] of pkg.files) {
    const ext = part.slice(part.lastIndexOf(".") + 1).toLowerCase();
    if (part.startsWith("Controls/") && CONTROL_FILE_TYPES[ext]) served.set(`/${part}`, { bytes: data, type: CONTROL_FILE_TYPES[ext] });
  }
  const controls = new Map(customControls(pkg).map((cc) => [childText(cc, "Name") ?? "", cc] as const));
  const views = new Map<string, ViewAsset>();
  const forms = new Map<string, FormModel>();
  for (const e of entities(pkg)) {
    const logical = entityName(e).toLowerCase();
    for (const q of entitySavedQueries(e)) {
      const v = viewAsset(logical, q);
      views.set(v.id, v);
    }
    const main = entityForms(e).find((f) => f.type === "main");
    if (main && !forms.has(logical)) forms.set(logical, formModel(logical, main.form));
  }
  const bundles = new Map<string, FormBundle>();
  return {
    source,
    uniqueName: (m && childText(m, "UniqueName")) ?? "",
    version: (m && childText(m, "Version")) ?? "",
    managed: (m && childText(m, "Managed")) === "1",
    formEntities: [...forms.keys()],
    form(entity) {
      const key = entity.toLowerCase();
      const form = forms.get(key);
      if (!form) return undefined;
      let bundle = bundles.get(key);
      if (!bundle) {
        const out: FormBundle = { form, controls: {}, views: {}, columns: formColumns(form) };
        for (const cell of formCells(form)) {
          const c = cell.control;
          if (c?.kind === "field" && c.pcf && !out.controls[c.pcf.name]) {
            const cc = controls.get(c.pcf.name);
            if (!cc) throw new SolutionAssetsError(`The ${key} form binds the control ${c.pcf.name}, which the zip does not contain.`);
            out.controls[c.pcf.name] = controlAsset(pkg.files, cc);
          }
          if (c?.kind === "subgrid") {
            const v = views.get(c.viewId);
            if (v) out.views[v.id] = v;
          }
        }
        bundle = out;
        bundles.set(key, bundle);
      }
      return bundle;
    },
    file: (urlPath) => served.get(urlPath),
  };
}
