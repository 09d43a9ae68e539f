/**
 * Reading a solution zip the way Dataverse's import reads it: the three root files, solution.xml
 * (manifest, publisher, root components, missing dependencies), customizations.xml (entities,
 * attributes, keys, relationships, option sets, entity maps, workflows, web resources, custom
 * controls, connection references) and the files they point to (Workflows/*.json, WebResources/*,
 * Controls/*, environmentvariabledefinitions/*). Format notes: shared/reference/dataverse-solution-format.md.
 */
import { strFromU8, unzipSync } from "fflate";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { ErrorCodes, importError } from "../errors";
import type { AttributeMeta, AttributeType, CascadeDelete, OptionMeta, RequiredLevel } from "../metadata/types";
import { normGuid, stableGuid } from "../util";

export interface ParsedAttribute extends AttributeMeta {
  /** IsCustomField in the export (custom columns must carry the publisher prefix). */
  customField: boolean;
  isPrimaryName: boolean;
  isPrimaryId: boolean;
}

export interface ParsedEntity {
  logicalName: string;
  schemaName: string;
  entitySetName?: string;
  displayName?: string;
  displayCollectionName?: string;
  ownershipType: "UserOwned" | "OrganizationOwned";
  attributes: ParsedAttribute[];
  keys: Array<{ logicalName: string; schemaName: string; displayName: string; attributes: string[] }>;
}

export interface ParsedRelationship {
  schemaName: string;
  type: "OneToMany" | "ManyToMany";
  referencingEntity: string;
  referencedEntity: string;
  referencingAttribute: string;
  referencingNavigation?: string;
  referencedNavigation?: string;
  cascadeDelete: CascadeDelete;
  firstEntity?: string;
  secondEntity?: string;
  intersectEntity?: string;
}

export interface ParsedWorkflow {
  id: string;
  name: string;
  jsonFileName?: string;
  clientdata?: string;
  category: number;
  type: number;
  mode: number;
  scope: number;
  runAs: number;
  onDemand: boolean;
  subprocess: boolean;
  stateCode: number;
  statusCode: number;
  primaryEntity: string;
  description?: string;
}

export interface ParsedEnvironmentVariable {
  schemaName: string;
  displayName: string;
  description?: string;
  type: number;
  defaultValue?: string;
  isRequired: boolean;
  valueSchema?: string;
  introducedVersion?: string;
  value?: { id?: string; value: string };
  /** Where it was defined (folder file or inline element), for messages. */
  source: string;
}

export interface ParsedSolution {
  uniqueName: string;
  displayName: string;
  description?: string;
  version: string;
  managed: boolean;
  packageVersion: string;
  publisher: { uniqueName: string; displayName: string; prefix: string; optionValuePrefix: number; description?: string };
  rootComponents: Array<{ type: number; schemaName?: string; id?: string; behavior: number }>;
  missingDependencies: Array<{ type: number; schemaName?: string; id?: string; displayName?: string; solution?: string }>;
  entities: ParsedEntity[];
  relationships: ParsedRelationship[];
  optionSets: Array<{ name: string; type: "picklist" | "bit"; options: OptionMeta[] }>;
  entityMaps: Array<{ source: string; target: string; attributes: Array<{ source: string; target: string }> }>;
  workflows: ParsedWorkflow[];
  webResources: Array<{ id: string; name: string; displayName?: string; description?: string; type: number; fileName?: string; content?: string }>;
  customControls: Array<{ name: string; fileName?: string; manifest?: string }>;
  environmentVariables: ParsedEnvironmentVariable[];
  connectionReferences: Array<{ logicalName: string; displayName: string; connectorId?: string; description?: string; promptingBehavior?: number; stateCode: number; statusCode: number }>;
  /** Security roles (<Roles><Role id name>): the privileges are not emulated, the roles are. */
  roles: Array<{ id: string; name: string }>;
}

const ARRAY_ELEMENTS = new Set([
  "Entity",
  "attribute",
  "option",
  "EntityKey",
  "KeyAttribute",
  "AttributeName",
  "EntityRelationship",
  "EntityRelationshipRole",
  "Workflow",
  "WebResource",
  "CustomControl",
  "Role",
  "connectionreference",
  "optionset",
  "RootComponent",
  "MissingDependency",
  "EntityMap",
  "AttributeMap",
  "label",
  "displayname",
  "LocalizedName",
  "LocalizedCollectionName",
  "Description",
  "environmentvariabledefinition",
]);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@_",
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  isArray: (name) => ARRAY_ELEMENTS.has(name),
});

// Loosely typed XML nodes from fast-xml-parser.
type X = Record<string, unknown>;

const asArray = (v: unknown): X[] => (Array.isArray(v) ? (v as X[]) : v === undefined || v === null || v === "" ? [] : [v as X]);
const obj = (v: unknown): X => (typeof v === "object" && v !== null ? (v as X) : {});
const text = (v: unknown): string | undefined => {
  if (v === undefined || v === null) return undefined;
  if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") return String(v);
  const t = (v as X)["#text"];
  return t === undefined ? undefined : String(t);
};
const attr = (v: unknown, name: string): string | undefined => {
  const a = obj(v)[`@_${name}`];
  return a === undefined ? undefined : String(a);
};
const num = (v: unknown, d: number): number => {
  const t = text(v);
  const n = t === undefined || t === "" ? NaN : Number(t);
  return Number.isFinite(n) ? n : d;
};
const flag = (v: unknown, d = false): boolean => {
  const t = text(v);
  return t === undefined || t === "" ? d : t === "1" || t.toLowerCase() === "true";
};

/** The en-US (or first) description of <displaynames>/<labels>/<LocalizedNames>. */
function label(container: unknown, element: string): string | undefined {
  const items = asArray(obj(container)[element]);
  const en = items.find((i) => attr(i, "languagecode") === "1033") ?? items[0];
  return en ? attr(en, "description") : undefined;
}

const stripBom = (s: string): string => (s.charCodeAt(0) === 0xfeff ? s.slice(1) : s);

function parseXml(name: string, xml: string): X {
  const src = stripBom(xml);
  const valid = XMLValidator.validate(src);
  if (valid !== true) {
    throw importError(
      ErrorCodes.ImportNonWellFormedFileError,
      `Invalid customization file. This file is not well formed. ${name}: ${valid.err.msg} (line ${valid.err.line}, column ${valid.err.col}).`,
    );
  }
  return parser.parse(src) as X;
}

/** Open the zip and check the three root files (0x80048060 when any is missing or nested). */
export function openSolutionZip(bytes: Uint8Array): Map<string, Uint8Array> {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes);
  } catch (e) {
    throw importError(
      ErrorCodes.ImportCustomizationsBadZipFileError,
      `The solution file is invalid. The compressed file must contain the following files at its root: solution.xml, customizations.xml, and [Content_Types].xml. Customization files exported from previous versions of Microsoft Dynamics 365 are not supported. (The file is not a readable zip: ${(e as Error).message})`,
    );
  }
  const files = new Map<string, Uint8Array>();
  for (const [name, data] of Object.entries(entries)) {
    if (name.endsWith("/")) continue;
    files.set(name.replace(/^\/+/, ""), data);
  }
  const lower = new Map([...files.keys()].map((k) => [k.toLowerCase(), k]));
  const missing = ["solution.xml", "customizations.xml", "[content_types].xml"].filter((f) => !lower.has(f));
  if (missing.length) {
    const nested = [...files.keys()].filter((k) => /(^|\/)(solution|customizations)\.xml$/i.test(k) && k.includes("/"));
    throw importError(
      ErrorCodes.ImportCustomizationsBadZipFileError,
      `The solution file is invalid. The compressed file must contain the following files at its root: solution.xml, customizations.xml, and [Content_Types].xml. Customization files exported from previous versions of Microsoft Dynamics 365 are not supported. Missing at the root: ${missing
        .map((m) => (m === "[content_types].xml" ? "[Content_Types].xml" : m))
        .join(", ")}${nested.length ? ` (found ${nested.join(", ")} in a folder: zip the folder's contents, not the folder)` : ""}.`,
    );
  }
  return files;
}

function file(files: Map<string, Uint8Array>, path: string): Uint8Array | undefined {
  const p = path.replace(/^\/+/, "");
  if (files.has(p)) return files.get(p);
  const lower = p.toLowerCase();
  for (const [k, v] of files) if (k.toLowerCase() === lower) return v;
  return undefined;
}

const TYPE_MAP: Record<string, AttributeType> = {
  primarykey: "Uniqueidentifier",
  uniqueidentifier: "Uniqueidentifier",
  nvarchar: "String",
  ntext: "Memo",
  memo: "Memo",
  int: "Integer",
  bigint: "BigInt",
  decimal: "Decimal",
  float: "Double",
  money: "Money",
  bit: "Boolean",
  datetime: "DateTime",
  picklist: "Picklist",
  multiselectpicklist: "MultiSelectPicklist",
  state: "State",
  status: "Status",
  lookup: "Lookup",
  customer: "Customer",
  owner: "Owner",
  entityname: "EntityName",
};

const REQUIRED: Record<string, RequiredLevel> = {
  none: "None",
  recommended: "Recommended",
  required: "ApplicationRequired",
  applicationrequired: "ApplicationRequired",
  systemrequired: "SystemRequired",
};

function parseOptions(optionset: unknown): OptionMeta[] {
  return asArray(obj(obj(optionset).options).option).map((o) => {
    const m: OptionMeta = { value: Number(attr(o, "value")), label: label(obj(o).labels, "label") ?? String(attr(o, "value")) };
    const st = attr(o, "state");
    if (st !== undefined) m.state = Number(st);
    const ds = attr(o, "defaultstatus");
    if (ds !== undefined) m.defaultStatus = Number(ds);
    return m;
  });
}

function parseAttribute(entityLogical: string, a: X): ParsedAttribute {
  const typeName = (text(a.Type) ?? "").toLowerCase();
  const type = TYPE_MAP[typeName];
  const logicalName = (text(a.LogicalName) ?? text(a.Name) ?? attr(a, "PhysicalName") ?? "").toLowerCase();
  if (!type) {
    throw importError(ErrorCodes.ImportSolutionError, `An error occurred while importing a Solution. Column '${logicalName}' of '${entityLogical}' has the unsupported type '${typeName}'.`);
  }
  const displayMask = text(a.DisplayMask) ?? "";
  const format = (text(a.Format) ?? "").toLowerCase();
  const out: ParsedAttribute = {
    logicalName,
    schemaName: attr(a, "PhysicalName") ?? logicalName,
    type,
    displayName: label(a.displaynames, "displayname") ?? logicalName,
    requiredLevel: REQUIRED[(text(a.RequiredLevel) ?? "none").toLowerCase()] ?? "None",
    isCustom: flag(a.IsCustomField, true),
    customField: flag(a.IsCustomField, true),
    validForCreate: flag(a.ValidForCreateApi, true),
    validForUpdate: flag(a.ValidForUpdateApi, true),
    validForRead: flag(a.ValidForReadApi, true),
    metadataId: stableGuid(`attr:${entityLogical}.${logicalName}`),
    isPrimaryName: displayMask.includes("PrimaryName"),
    isPrimaryId: typeName === "primarykey",
  };
  switch (type) {
    case "String":
      out.format = format === "url" ? "Url" : format === "email" ? "Email" : format === "phone" ? "Phone" : format === "textarea" ? "TextArea" : "Text";
      out.maxLength = num(a.MaxLength, 100);
      break;
    case "Memo":
      out.format = "TextArea";
      out.maxLength = num(a.MaxLength, 2000);
      break;
    case "Integer":
    case "BigInt":
      out.minValue = num(a.MinValue, -2147483648);
      out.maxValue = num(a.MaxValue, 2147483647);
      break;
    case "Decimal":
    case "Double":
    case "Money":
      out.precision = num(a.Precision ?? a.Accuracy, 2);
      if (text(a.MinValue) !== undefined) out.minValue = num(a.MinValue, -Infinity);
      if (text(a.MaxValue) !== undefined) out.maxValue = num(a.MaxValue, Infinity);
      break;
    case "DateTime":
      out.format = format === "date" || text(a.Behavior) === "2" ? "DateOnly" : "DateAndTime";
      break;
    case "Boolean": {
      const options = parseOptions(a.optionset ? asArray(a.optionset)[0] : undefined);
      out.options = options.length ? options : [{ value: 1, label: "Yes" }, { value: 0, label: "No" }];
      out.defaultValue = text(a.AppDefaultValue) === "1";
      break;
    }
    case "Picklist":
    case "MultiSelectPicklist":
    case "State":
    case "Status": {
      const os = a.optionset ? asArray(a.optionset)[0] : undefined;
      if (os) out.options = parseOptions(os);
      const name = text(a.OptionSetName);
      if (name) out.optionSetName = name.toLowerCase();
      const def = text(a.AppDefaultValue);
      if (def !== undefined && def !== "" && def !== "-1") out.defaultValue = Number(def);
      break;
    }
    default:
      break;
  }
  return out;
}

function parseEntity(e: X): ParsedEntity {
  const nameNode = e.Name;
  const schemaName = text(nameNode) ?? attr(obj(obj(e.EntityInfo).entity), "Name") ?? "";
  const logicalName = schemaName.toLowerCase();
  const info = obj(obj(e.EntityInfo).entity);
  const attributes = asArray(obj(info.attributes).attribute).map((a) => parseAttribute(logicalName, a));
  const keyContainers = [info.EntityKeys, e.EntityKeys].filter((k) => k !== undefined);
  // Keys appear as <EntityKey Name=…><KeyAttributes><KeyAttribute> or <EntityKey><Name>…<EntityKeyAttributes><AttributeName>.
  const keys = keyContainers.flatMap((k) =>
    asArray(obj(k).EntityKey).map((key) => {
      const name = attr(key, "Name") ?? text(obj(key).Name) ?? text(obj(key).SchemaName) ?? "";
      const attrNodes = [...asArray(obj(obj(key).KeyAttributes).KeyAttribute), ...asArray(obj(obj(key).EntityKeyAttributes).AttributeName)];
      return {
        logicalName: (text(obj(key).LogicalName) ?? name).toLowerCase(),
        schemaName: name,
        displayName: label(obj(key).displaynames, "displayname") ?? name,
        attributes: attrNodes.map((ka) => String(text(ka) ?? "").toLowerCase()),
      };
    }),
  );
  const ownership = (text(info.OwnershipTypeMask) ?? "UserOwned").toLowerCase();
  return {
    logicalName,
    schemaName,
    entitySetName: text(info.EntitySetName),
    displayName: label(info.LocalizedNames, "LocalizedName") ?? attr(nameNode, "LocalizedName"),
    displayCollectionName: label(info.LocalizedCollectionNames, "LocalizedCollectionName"),
    // Exports spell an organization-owned table "OrgOwned" (YarSol/deploytest alc_jax_entity); the
    // metadata API's name is OrganizationOwned. Anything else is user (or team) owned.
    ownershipType: ownership === "orgowned" || ownership === "organizationowned" ? "OrganizationOwned" : "UserOwned",
    attributes,
    keys,
  };
}

function parseRelationship(r: X): ParsedRelationship {
  const type = text(r.EntityRelationshipType) === "ManyToMany" ? "ManyToMany" : "OneToMany";
  let referencingNavigation: string | undefined;
  let referencedNavigation: string | undefined;
  for (const role of asArray(obj(r.EntityRelationshipRoles).EntityRelationshipRole)) {
    const nav = text(obj(role).NavigationPropertyName);
    if (text(obj(role).RelationshipRoleType) === "1") referencingNavigation = nav;
    else if (text(obj(role).RelationshipRoleType) === "0") referencedNavigation = nav;
  }
  const cascade = (text(r.CascadeDelete) ?? "RemoveLink") as CascadeDelete;
  return {
    schemaName: attr(r, "Name") ?? "",
    type,
    referencingEntity: (text(r.ReferencingEntityName) ?? "").toLowerCase(),
    referencedEntity: (text(r.ReferencedEntityName) ?? "").toLowerCase(),
    referencingAttribute: (text(r.ReferencingAttributeName) ?? "").toLowerCase(),
    referencingNavigation,
    referencedNavigation,
    cascadeDelete: ["Cascade", "RemoveLink", "Restrict", "NoCascade"].includes(cascade) ? cascade : "RemoveLink",
    firstEntity: text(r.FirstEntityName)?.toLowerCase(),
    secondEntity: text(r.SecondEntityName)?.toLowerCase(),
    intersectEntity: text(r.IntersectEntityName)?.toLowerCase(),
  };
}

function parseEnvVarDefinition(d: X, source: string): ParsedEnvironmentVariable {
  return {
    schemaName: attr(d, "schemaname") ?? text(d.schemaname) ?? "",
    displayName: label(asArray(d.displayname)[0], "label") ?? attr(asArray(d.displayname)[0], "default") ?? "",
    description: label(d.description, "label") ?? attr(d.description, "default"),
    type: num(d.type, 100000000),
    defaultValue: text(d.defaultvalue),
    isRequired: flag(d.isrequired),
    valueSchema: text(d.valueschema),
    introducedVersion: text(d.introducedversion),
    source,
  };
}

export function parseSolution(files: Map<string, Uint8Array>): ParsedSolution {
  const solutionXml = parseXml("solution.xml", strFromU8(file(files, "solution.xml") ?? new Uint8Array()));
  const customizations = parseXml("customizations.xml", strFromU8(file(files, "customizations.xml") ?? new Uint8Array()));
  const root = obj(solutionXml.ImportExportXml);
  const manifest = obj(root.SolutionManifest);
  if (!root.SolutionManifest) {
    throw importError(ErrorCodes.ImportSolutionError, "An error occurred while importing a Solution. solution.xml has no <ImportExportXml><SolutionManifest> element.");
  }
  const pub = obj(manifest.Publisher);
  const uniqueName = text(manifest.UniqueName) ?? "";
  if (!uniqueName) throw importError(ErrorCodes.ImportSolutionError, "An error occurred while importing a Solution. solution.xml has no <UniqueName>.");
  const version = text(manifest.Version) ?? "";
  const out: ParsedSolution = {
    uniqueName,
    displayName: label(manifest.LocalizedNames, "LocalizedName") ?? uniqueName,
    description: label(manifest.Descriptions, "Description"),
    version,
    managed: text(manifest.Managed) === "1",
    packageVersion: attr(root, "SolutionPackageVersion") ?? attr(root, "version") ?? "9.2",
    publisher: {
      uniqueName: text(pub.UniqueName) ?? "",
      displayName: label(pub.LocalizedNames, "LocalizedName") ?? text(pub.UniqueName) ?? "",
      prefix: text(pub.CustomizationPrefix) ?? "",
      optionValuePrefix: num(pub.CustomizationOptionValuePrefix, 10000),
      description: label(pub.Descriptions, "Description"),
    },
    rootComponents: asArray(obj(manifest.RootComponents).RootComponent).map((rc) => ({
      type: Number(attr(rc, "type")),
      schemaName: attr(rc, "schemaName"),
      id: attr(rc, "id") ? normGuid(String(attr(rc, "id"))) : undefined,
      behavior: Number(attr(rc, "behavior") ?? 0),
    })),
    missingDependencies: asArray(obj(manifest.MissingDependencies).MissingDependency).map((md) => {
      const req = obj(obj(md).Required);
      return {
        type: Number(attr(req, "type")),
        schemaName: attr(req, "schemaName"),
        id: attr(req, "id") ? normGuid(String(attr(req, "id"))) : undefined,
        displayName: attr(req, "displayName"),
        solution: attr(req, "solution"),
      };
    }),
    entities: [],
    relationships: [],
    optionSets: [],
    entityMaps: [],
    workflows: [],
    webResources: [],
    customControls: [],
    environmentVariables: [],
    connectionReferences: [],
    roles: [],
  };

  const cx = obj(customizations.ImportExportXml);
  if (!customizations.ImportExportXml) {
    throw importError(ErrorCodes.ImportSolutionError, "An error occurred while importing a Solution. customizations.xml has no <ImportExportXml> root element.");
  }
  out.entities = asArray(obj(cx.Entities).Entity).map(parseEntity);
  out.relationships = asArray(obj(cx.EntityRelationships).EntityRelationship).map(parseRelationship);
  out.optionSets = asArray(obj(cx.optionsets).optionset).map((os) => ({
    name: (attr(os, "Name") ?? "").toLowerCase(),
    type: (text(obj(os).OptionSetType) ?? "picklist") === "bit" ? "bit" : "picklist",
    options: parseOptions(os),
  }));
  out.entityMaps = asArray(obj(cx.EntityMaps).EntityMap).map((m) => ({
    source: (text(obj(m).EntitySource) ?? "").toLowerCase(),
    target: (text(obj(m).EntityTarget) ?? "").toLowerCase(),
    attributes: asArray(obj(obj(m).AttributeMaps).AttributeMap).map((am) => ({
      source: (text(obj(am).AttributeSource) ?? "").toLowerCase(),
      target: (text(obj(am).AttributeTarget) ?? "").toLowerCase(),
    })),
  }));

  for (const w of asArray(obj(cx.Workflows).Workflow)) {
    const jsonFileName = text(w.JsonFileName);
    let clientdata: string | undefined;
    if (jsonFileName) {
      const f = file(files, jsonFileName);
      if (f) clientdata = stripBom(strFromU8(f));
    }
    out.workflows.push({
      id: normGuid(attr(w, "WorkflowId") ?? ""),
      name: attr(w, "Name") ?? label(w.LocalizedNames, "LocalizedName") ?? "",
      jsonFileName,
      clientdata,
      category: num(w.Category, 0),
      type: num(w.Type, 1),
      mode: num(w.Mode, 0),
      scope: num(w.Scope, 4),
      runAs: num(w.RunAs, 1),
      onDemand: flag(w.OnDemand),
      subprocess: flag(w.Subprocess),
      stateCode: num(w.StateCode, 0),
      statusCode: num(w.StatusCode, 1),
      primaryEntity: text(w.PrimaryEntity) ?? "none",
      description: attr(w, "Description") ?? label(w.Descriptions, "Description"),
    });
  }

  for (const wr of asArray(obj(cx.WebResources).WebResource)) {
    const fileName = text(wr.FileName);
    const f = fileName ? file(files, fileName) : undefined;
    out.webResources.push({
      id: normGuid(text(wr.WebResourceId) ?? stableGuid(`webresource:${text(wr.Name)}`)),
      name: text(wr.Name) ?? "",
      displayName: text(wr.DisplayName),
      description: text(wr.Description),
      type: num(wr.WebResourceType, 3),
      fileName,
      content: f ? Buffer.from(f).toString("base64") : undefined,
    });
  }

  for (const cc of asArray(obj(cx.CustomControls).CustomControl)) {
    const fileName = text(cc.FileName);
    const f = fileName ? file(files, fileName) : undefined;
    out.customControls.push({ name: text(cc.Name) ?? "", fileName, manifest: f ? stripBom(strFromU8(f)) : undefined });
  }

  for (const r of asArray(obj(cx.Roles).Role)) {
    const name = attr(r, "name");
    if (name) out.roles.push({ id: normGuid(attr(r, "id") ?? stableGuid(`role:${name}`)), name });
  }

  for (const cr of asArray(obj(cx.connectionreferences).connectionreference)) {
    out.connectionReferences.push({
      logicalName: attr(cr, "connectionreferencelogicalname") ?? "",
      displayName: text(cr.connectionreferencedisplayname) ?? attr(cr, "connectionreferencelogicalname") ?? "",
      connectorId: text(cr.connectorid),
      description: text(cr.description),
      promptingBehavior: text(cr.promptingbehavior) !== undefined ? num(cr.promptingbehavior, 0) : undefined,
      stateCode: num(cr.statecode, 0),
      statusCode: num(cr.statuscode, 1),
    });
  }

  // Environment variables: folder form (what exports write) and inline form (tolerated).
  const byFolder = new Map<string, ParsedEnvironmentVariable>();
  for (const [path, data] of files) {
    const m = /^environmentvariabledefinitions\/([^/]+)\/environmentvariabledefinition\.xml$/i.exec(path);
    if (!m) continue;
    const doc = parseXml(path, strFromU8(data));
    const def = asArray(doc.environmentvariabledefinition)[0];
    if (!def) continue;
    const v = parseEnvVarDefinition(def, path);
    const valuesFile = file(files, `environmentvariabledefinitions/${m[1]}/environmentvariablevalues.json`);
    if (valuesFile) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(stripBom(strFromU8(valuesFile)));
      } catch (e) {
        throw importError(ErrorCodes.ImportNonWellFormedFileError, `Invalid customization file. This file is not well formed. environmentvariabledefinitions/${m[1]}/environmentvariablevalues.json: ${(e as Error).message}`);
      }
      const entry = obj(obj(obj(parsed).environmentvariablevalues).environmentvariablevalue);
      const val = Array.isArray(entry) ? obj(entry[0]) : entry;
      if (val.value !== undefined) v.value = { id: val["@environmentvariablevalueid"] ? normGuid(String(val["@environmentvariablevalueid"])) : undefined, value: String(val.value) };
    }
    byFolder.set(v.schemaName.toLowerCase(), v);
  }
  for (const def of asArray(obj(cx.environmentvariabledefinitions).environmentvariabledefinition)) {
    const v = parseEnvVarDefinition(def, "customizations.xml");
    if (!byFolder.has(v.schemaName.toLowerCase())) byFolder.set(v.schemaName.toLowerCase(), v);
  }
  out.environmentVariables = [...byFolder.values()];
  return out;
}
