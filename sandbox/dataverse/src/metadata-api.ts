/**
 * EntityDefinitions: table metadata as the Web API serves it
 * (learn.microsoft.com/power-apps/developer/data-platform/webapi/query-metadata-web-api):
 *   EntityDefinitions[?$select=…&$filter=LogicalName eq '…']
 *   EntityDefinitions(LogicalName='x') | EntityDefinitions(<MetadataId>)   [$select, $expand=Attributes,Keys,…]
 *   …/Attributes[(LogicalName='y')][/Microsoft.Dynamics.CRM.<Type>AttributeMetadata][?$expand=OptionSet]
 *   …/Keys, …/ManyToOneRelationships, …/OneToManyRelationships
 */
import type { HandlerEnv } from "./api";
import type { InternalResponse } from "./context";
import { DataverseError, ErrorCodes, queryError, segmentNotFound } from "./errors";
import { json } from "./http-util";
import { isLookupType, type Registry } from "./metadata/registry";
import type { AttributeMeta, EntityMeta, OptionMeta } from "./metadata/types";
import { splitTopLevel, tokenize } from "./odata/literals";
import { parseQueryString, type PathSegment } from "./odata/query";
import { isGuid, normGuid } from "./util";

const label = (text: string) => {
  const l = { Label: text, LanguageCode: 1033, IsManaged: false, MetadataId: null, HasChanged: null };
  return { LocalizedLabels: [l], UserLocalizedLabel: l };
};

const TYPE_NAMES: Record<AttributeMeta["type"], [string, string]> = {
  String: ["StringAttributeMetadata", "StringType"],
  Memo: ["MemoAttributeMetadata", "MemoType"],
  Integer: ["IntegerAttributeMetadata", "IntegerType"],
  BigInt: ["BigIntAttributeMetadata", "BigIntType"],
  Decimal: ["DecimalAttributeMetadata", "DecimalType"],
  Double: ["DoubleAttributeMetadata", "DoubleType"],
  Money: ["MoneyAttributeMetadata", "MoneyType"],
  Boolean: ["BooleanAttributeMetadata", "BooleanType"],
  DateTime: ["DateTimeAttributeMetadata", "DateTimeType"],
  Picklist: ["PicklistAttributeMetadata", "PicklistType"],
  State: ["StateAttributeMetadata", "StateType"],
  Status: ["StatusAttributeMetadata", "StatusType"],
  MultiSelectPicklist: ["MultiSelectPicklistAttributeMetadata", "MultiSelectPicklistType"],
  Lookup: ["LookupAttributeMetadata", "LookupType"],
  Customer: ["LookupAttributeMetadata", "CustomerType"],
  Owner: ["LookupAttributeMetadata", "OwnerType"],
  Uniqueidentifier: ["UniqueIdentifierAttributeMetadata", "UniqueidentifierType"],
  EntityName: ["EntityNameAttributeMetadata", "EntityNameType"],
};

const optionJson = (o: OptionMeta) => ({
  Value: o.value,
  Label: label(o.label),
  ...(o.state !== undefined ? { State: o.state } : {}),
  ...(o.defaultStatus !== undefined ? { DefaultStatus: o.defaultStatus } : {}),
});

function attributeJson(e: EntityMeta, a: AttributeMeta, withOptionSet: boolean): Record<string, unknown> {
  const [odataType, typeName] = TYPE_NAMES[a.type];
  const out: Record<string, unknown> = {
    "@odata.type": `#Microsoft.Dynamics.CRM.${odataType}`,
    MetadataId: a.metadataId,
    LogicalName: a.logicalName,
    SchemaName: a.schemaName,
    EntityLogicalName: e.logicalName,
    AttributeType: a.type === "Uniqueidentifier" ? "Uniqueidentifier" : a.type,
    AttributeTypeName: { Value: typeName },
    DisplayName: label(a.displayName),
    RequiredLevel: { Value: a.requiredLevel, CanBeChanged: !a.requiredLevel.startsWith("System"), ManagedPropertyLogicalName: "canmodifyrequirementlevelsettings" },
    IsCustomAttribute: a.isCustom,
    IsPrimaryId: a.logicalName === e.primaryIdAttribute,
    IsPrimaryName: a.logicalName === e.primaryNameAttribute,
    IsValidForCreate: a.validForCreate,
    IsValidForUpdate: a.validForUpdate,
    IsValidForRead: a.validForRead,
    IsLogical: false,
    IntroducedVersion: "1.0",
  };
  if (a.maxLength !== undefined) out.MaxLength = a.maxLength;
  if (a.type === "String" || a.type === "Memo") out.Format = a.format ?? "Text";
  if (a.minValue !== undefined) out.MinValue = a.minValue;
  if (a.maxValue !== undefined) out.MaxValue = a.maxValue;
  if (a.precision !== undefined) out.Precision = a.precision;
  if (a.type === "DateTime") {
    out.Format = a.format ?? "DateAndTime";
    out.DateTimeBehavior = { Value: a.format === "DateOnly" ? "DateOnly" : "UserLocal" };
  }
  if (isLookupType(a)) out.Targets = a.targets ?? [];
  if (a.defaultValue !== undefined && (a.type === "Picklist" || a.type === "Boolean")) out.DefaultFormValue = typeof a.defaultValue === "boolean" ? Number(a.defaultValue) : a.defaultValue;
  if (withOptionSet && a.options) {
    if (a.type === "Boolean") {
      const t = a.options.find((o) => o.value === 1);
      const f = a.options.find((o) => o.value === 0);
      out.OptionSet = { OptionSetType: "Boolean", TrueOption: t ? optionJson(t) : null, FalseOption: f ? optionJson(f) : null };
    } else {
      out.OptionSet = { Name: a.optionSetName ?? `${e.logicalName}_${a.logicalName}`, IsGlobal: !!a.optionSetName, OptionSetType: a.type === "State" ? "State" : a.type === "Status" ? "Status" : "Picklist", Options: a.options.map(optionJson) };
    }
  }
  return out;
}

function keyJson(e: EntityMeta, k: EntityMeta["keys"][number]) {
  return {
    MetadataId: k.metadataId,
    LogicalName: k.logicalName,
    SchemaName: k.schemaName || k.logicalName,
    EntityLogicalName: e.logicalName,
    KeyAttributes: k.attributes,
    DisplayName: label(k.displayName || k.logicalName),
    EntityKeyIndexStatus: "Active",
    IsManaged: false,
  };
}

function relationshipsJson(registry: Registry, e: EntityMeta, which: "ManyToOne" | "OneToMany") {
  return registry.model.relationships
    .filter((r) => (which === "ManyToOne" ? r.referencingEntity === e.logicalName : r.referencedEntity === e.logicalName))
    .map((r) => ({
      MetadataId: r.metadataId,
      SchemaName: r.schemaName,
      RelationshipType: "OneToManyRelationship",
      ReferencedEntity: r.referencedEntity,
      ReferencedAttribute: r.referencedAttribute,
      ReferencingEntity: r.referencingEntity,
      ReferencingAttribute: r.referencingAttribute,
      ReferencedEntityNavigationPropertyName: r.referencedNavigation,
      ReferencingEntityNavigationPropertyName: r.referencingNavigation,
      IsCustomRelationship: r.isCustom,
      CascadeConfiguration: { Delete: r.cascadeDelete, Assign: "NoCascade", Share: "NoCascade", Unshare: "NoCascade", Reparent: "NoCascade", Merge: "NoCascade" },
    }));
}

function entityJson(registry: Registry, e: EntityMeta): Record<string, unknown> {
  return {
    MetadataId: e.metadataId,
    LogicalName: e.logicalName,
    SchemaName: e.schemaName,
    EntitySetName: e.entitySetName,
    LogicalCollectionName: e.entitySetName,
    CollectionSchemaName: `${e.schemaName}s`,
    PrimaryIdAttribute: e.primaryIdAttribute,
    PrimaryNameAttribute: e.primaryNameAttribute,
    ObjectTypeCode: e.objectTypeCode,
    OwnershipType: e.ownershipType === "UserOwned" ? "UserOwned" : e.ownershipType === "OrganizationOwned" ? "OrganizationOwned" : "None",
    IsCustomEntity: e.isCustom,
    IsActivity: e.isActivity,
    IsManaged: false,
    IsOptimisticConcurrencyEnabled: true,
    ChangeTrackingEnabled: false,
    DisplayName: label(e.displayName),
    DisplayCollectionName: label(e.displayCollectionName),
    IntroducedVersion: "1.0",

  };
}

interface Options {
  select?: string[];
  filter?: string;
  expand: Map<string, Options>;
}

function parseOptions(raw: Map<string, string>): Options {
  const o: Options = { expand: new Map() };
  for (const k of raw.keys()) {
    if (k.startsWith("$") && !["$select", "$filter", "$expand"].includes(k)) throw queryError(`The query parameter ${k} is not supported`);
  }
  const sel = raw.get("$select");
  if (sel) o.select = splitTopLevel(sel, ",");
  const f = raw.get("$filter");
  if (f) o.filter = f;
  const ex = raw.get("$expand");
  if (ex) {
    for (const item of splitTopLevel(ex, ",")) {
      const p = item.indexOf("(");
      const name = p < 0 ? item : item.slice(0, p);
      const inner = new Map<string, string>();
      if (p >= 0) for (const opt of splitTopLevel(item.slice(p + 1, -1), ";")) inner.set(opt.slice(0, opt.indexOf("=")), opt.slice(opt.indexOf("=") + 1));
      o.expand.set(name, parseOptions(inner));
    }
  }
  return o;
}

function project(obj: Record<string, unknown>, select: string[] | undefined, typeName: string, always: string[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!select) {
    for (const [k, v] of Object.entries(obj)) if (!k.startsWith("_")) out[k] = v;
    return out;
  }
  for (const k of always) if (k in obj) out[k] = obj[k];
  for (const s of select) {
    if (!(s in obj)) {
      // Type-specific properties (MaxLength on a lookup) are absent rather than wrong.
      const known = ["MaxLength", "Format", "Targets", "MinValue", "MaxValue", "Precision", "OptionSet", "DateTimeBehavior", "DefaultFormValue"];
      if (known.includes(s)) continue;
      throw new DataverseError(400, ErrorCodes.QueryInvalid, `Could not find a property named '${s}' on type 'Microsoft.Dynamics.CRM.${typeName}'.`);
    }
    out[s] = obj[s];
  }
  return out;
}

/** `Property eq 'value'` (and `or`/`and` of them) over metadata objects. */
function metadataFilter(src: string): (o: Record<string, unknown>) => boolean {
  const toks = tokenize(src);
  let i = 0;
  const parseOr = (): ((o: Record<string, unknown>) => boolean) => {
    let left = parseAnd();
    while (toks[i]?.text === "or") {
      i++;
      const l = left;
      const r = parseAnd();
      left = (o) => l(o) || r(o);
    }
    return left;
  };
  const parseAnd = (): ((o: Record<string, unknown>) => boolean) => {
    let left = parseCmp();
    while (toks[i]?.text === "and") {
      i++;
      const l = left;
      const r = parseCmp();
      left = (o) => l(o) && r(o);
    }
    return left;
  };
  const parseCmp = (): ((o: Record<string, unknown>) => boolean) => {
    if (toks[i]?.kind === "lparen") {
      i++;
      const inner = parseOr();
      if (toks[i++]?.kind !== "rparen") throw queryError(`Syntax error in $filter '${src}'.`);
      return inner;
    }
    const prop = toks[i++];
    const op = toks[i++];
    const val = toks[i++];
    if (!prop || prop.kind !== "ident" || !op || (op.text !== "eq" && op.text !== "ne") || !val) throw queryError(`Syntax error in $filter '${src}'.`);
    const want = val.kind === "ident" ? val.text === "true" : val.value;
    return (o) => {
      const eq = String(o[prop.text]).toLowerCase() === String(want).toLowerCase();
      return op.text === "eq" ? eq : !eq;
    };
  };
  const f = parseOr();
  if (i < toks.length) throw queryError(`Syntax error in $filter '${src}'.`);
  return f;
}

function findEntity(registry: Registry, args: string | undefined): EntityMeta {
  if (args === undefined) throw segmentNotFound("EntityDefinitions");
  const a = args.trim();
  if (isGuid(a)) {
    const e = registry.entities().find((x) => x.metadataId === normGuid(a));
    if (e) return e;
  } else {
    const m = /^LogicalName\s*=\s*'([^']*)'$/.exec(a);
    const e = m ? registry.entity(m[1]) : undefined;
    if (e) return e;
  }
  throw new DataverseError(404, ErrorCodes.ObjectDoesNotExist, `Could not find entity with ${a}.`);
}

function renderEntity(registry: Registry, e: EntityMeta, o: Options): Record<string, unknown> {
  const base = entityJson(registry, e);
  const out = project(base, o.select, "EntityMetadata", ["MetadataId"]);
  for (const [nav, inner] of o.expand) {
    if (nav === "Attributes") {
      const withOptions = inner.expand.has("OptionSet");
      out.Attributes = Object.values(e.attributes).map((a) => project(attributeJson(e, a, withOptions), inner.select, "AttributeMetadata", ["@odata.type", "MetadataId", ...(withOptions ? ["OptionSet"] : [])]));
    }
    else if (nav === "Keys") out.Keys = e.keys.map((k) => project(keyJson(e, k), inner.select, "EntityKeyMetadata", ["MetadataId"]));
    else if (nav === "ManyToOneRelationships" || nav === "OneToManyRelationships") out[nav] = relationshipsJson(registry, e, nav === "ManyToOneRelationships" ? "ManyToOne" : "OneToMany");
    else throw new DataverseError(400, ErrorCodes.QueryInvalid, `Could not find a property named '${nav}' on type 'Microsoft.Dynamics.CRM.EntityMetadata'.`);
  }
  return out;
}

export function metadataHandler(env: HandlerEnv, segs: PathSegment[]): InternalResponse {
  if (env.req.method !== "GET") throw new DataverseError(405, ErrorCodes.NotSupported, "Only GET is supported on EntityDefinitions by this emulator.");
  const registry = env.ctx.store.registry;
  const api = env.ctx.apiUrl();
  const o = parseOptions(parseQueryString(env.req.query));
  if (segs[0].args === undefined) {
    if (segs.length > 1) throw segmentNotFound(segs[1].name);
    let list = registry.entities().map((e) => entityJson(registry, e));
    if (o.filter) {
      const f = metadataFilter(o.filter);
      list = list.filter(f);
    }
    return json(200, {
      "@odata.context": `${api}$metadata#EntityDefinitions${o.select ? `(${o.select.join(",")})` : ""}`,
      value: list.map((x) => renderEntity(registry, registry.entity(String(x.LogicalName)) as EntityMeta, o)),
    });
  }
  const e = findEntity(registry, segs[0].args);
  if (segs.length === 1) {
    return json(200, { "@odata.context": `${api}$metadata#EntityDefinitions${o.select ? `(${o.select.join(",")})` : ""}/$entity`, ...renderEntity(registry, e, o) });
  }
  const sub = segs[1];
  const ctxBase = `${api}$metadata#EntityDefinitions(${e.metadataId})/${sub.name}`;
  if (sub.name === "Attributes") {
    const cast = segs[2]?.name.startsWith("Microsoft.Dynamics.CRM.") ? segs[2].name.slice("Microsoft.Dynamics.CRM.".length) : undefined;
    let attrs = Object.values(e.attributes);
    if (sub.args !== undefined) {
      const m = /^LogicalName\s*=\s*'([^']*)'$/.exec(sub.args.trim());
      const byId = isGuid(sub.args.trim()) ? attrs.find((a) => a.metadataId === normGuid(sub.args as string)) : undefined;
      const a = m ? e.attributes[m[1]] : byId;
      if (!a) throw new DataverseError(404, ErrorCodes.ObjectDoesNotExist, `Could not find attribute with ${sub.args} on ${e.logicalName}.`);
      attrs = [a];
    }
    if (cast) attrs = attrs.filter((a) => TYPE_NAMES[a.type][0] === cast);
    const withOptions = o.expand.has("OptionSet") || o.expand.has("GlobalOptionSet");
    const always = ["@odata.type", "MetadataId", ...(withOptions ? ["OptionSet"] : [])];
    const items = attrs.map((a) => project(attributeJson(e, a, withOptions), o.select, cast ?? "AttributeMetadata", always));
    if (o.filter) {
      const f = metadataFilter(o.filter);
      const filtered = attrs.map((a) => attributeJson(e, a, withOptions)).map((x, k) => [x, items[k]] as const).filter(([x]) => f(x)).map(([, y]) => y);
      return json(200, { "@odata.context": ctxBase, value: filtered });
    }
    if (sub.args !== undefined) {
      if (!items.length) throw new DataverseError(404, ErrorCodes.ObjectDoesNotExist, `The attribute ${sub.args} is not of type ${cast}.`);
      return json(200, { "@odata.context": `${ctxBase}/$entity`, ...items[0] });
    }
    return json(200, { "@odata.context": ctxBase, value: items });
  }
  if (sub.name === "Keys") return json(200, { "@odata.context": ctxBase, value: e.keys.map((k) => project(keyJson(e, k), o.select, "EntityKeyMetadata", ["MetadataId"])) });
  if (sub.name === "ManyToOneRelationships" || sub.name === "OneToManyRelationships") {
    return json(200, { "@odata.context": ctxBase, value: relationshipsJson(registry, e, sub.name === "ManyToOneRelationships" ? "ManyToOne" : "OneToMany") });
  }
  throw segmentNotFound(sub.name);
}
