/**
 * Table metadata from the Web API (EntityDefinitions), read once per table and page session: what
 * the form needs to render and convert each column (type, label, requirement, choices, lookup
 * targets and navigation properties) and what Xrm.WebApi needs (the entity set name).
 */
import { getJson } from "./http";
import { API } from "./webapi-url";

export interface OptionMeta {
  value: number;
  label: string;
  state?: number;
}

export interface AttributeMeta {
  logicalName: string;
  /** Dataverse AttributeType: String, Memo, Integer, Decimal, Double, Money, Boolean, DateTime, Picklist, State, Status, Lookup, Customer, Owner, Uniqueidentifier, … */
  type: string;
  label: string;
  /** Xrm requirement level. */
  requiredLevel: Xrm.Attributes.RequirementLevel;
  maxLength?: number;
  /** DateTime: DateOnly or DateAndTime; String: Text, Email, Url, Phone, TextArea. */
  format?: string;
  min?: number;
  max?: number;
  precision?: number;
  options?: OptionMeta[];
  targets?: string[];
  /** DefaultFormValue of a Yes/No or choice column: what a new record's form starts with. */
  defaultValue?: number;
  validForCreate: boolean;
  validForUpdate: boolean;
}

export interface EntityMeta {
  logicalName: string;
  entitySetName: string;
  primaryId: string;
  primaryName: string;
  displayName: string;
  attributes: Map<string, AttributeMeta>;
  /** `${column}|${target}` → single-valued navigation property (for @odata.bind). */
  navigation: Map<string, string>;
  /** 1:N relationships by schema name: the child table and its lookup column. */
  oneToMany: Map<string, { referencingEntity: string; referencingAttribute: string }>;
}

interface Label {
  UserLocalizedLabel?: { Label?: string } | null;
}
const labelText = (l: Label | undefined): string => l?.UserLocalizedLabel?.Label ?? "";

const REQUIRED: Record<string, Xrm.Attributes.RequirementLevel> = { None: "none", Recommended: "recommended", ApplicationRequired: "required", SystemRequired: "required" };

const cache = new Map<string, Promise<EntityMeta>>();
/** Entity set names of the tables read so far (lookups bind to them). */
const entitySets = new Map<string, string>();
export const knownEntitySet = (logicalName: string): string | undefined => entitySets.get(logicalName);

async function load(logicalName: string): Promise<EntityMeta> {
  const base = `${API}EntityDefinitions(LogicalName='${logicalName}')`;
  const [entity, manyToOne, oneToMany, ...optionSets] = await Promise.all([
    getJson<Record<string, unknown> & { Attributes: Array<Record<string, unknown>> }>(`${base}?$select=LogicalName,EntitySetName,PrimaryIdAttribute,PrimaryNameAttribute,DisplayName&$expand=Attributes`),
    getJson<{ value: Array<Record<string, string>> }>(`${base}/ManyToOneRelationships?$select=ReferencingAttribute,ReferencedEntity,ReferencingEntityNavigationPropertyName`),
    getJson<{ value: Array<Record<string, string>> }>(`${base}/OneToManyRelationships?$select=SchemaName,ReferencingEntity,ReferencingAttribute`),
    ...["Picklist", "Status", "State", "Boolean"].map((t) =>
      getJson<{ value: Array<{ LogicalName: string; OptionSet?: Record<string, unknown> }> }>(`${base}/Attributes/Microsoft.Dynamics.CRM.${t}AttributeMetadata?$select=LogicalName&$expand=OptionSet`),
    ),
  ]);
  const attributes = new Map<string, AttributeMeta>();
  for (const a of entity.Attributes) {
    const meta: AttributeMeta = {
      logicalName: String(a.LogicalName),
      type: String(a.AttributeType),
      label: labelText(a.DisplayName as Label) || String(a.LogicalName),
      requiredLevel: REQUIRED[String((a.RequiredLevel as { Value?: string } | undefined)?.Value)] ?? "none",
      validForCreate: a.IsValidForCreate !== false,
      validForUpdate: a.IsValidForUpdate !== false,
    };
    if (typeof a.MaxLength === "number") meta.maxLength = a.MaxLength;
    if (typeof a.Format === "string") meta.format = a.Format;
    if (typeof a.MinValue === "number") meta.min = a.MinValue;
    if (typeof a.MaxValue === "number") meta.max = a.MaxValue;
    if (typeof a.Precision === "number") meta.precision = a.Precision;
    if (Array.isArray(a.Targets)) meta.targets = a.Targets as string[];
    if (typeof a.DefaultFormValue === "number" && a.DefaultFormValue !== -1) meta.defaultValue = a.DefaultFormValue;
    attributes.set(meta.logicalName, meta);
  }
  type Opt = { Value: number; Label?: Label; State?: number } | null | undefined;
  const option = (o: Opt): OptionMeta | undefined => (o ? { value: o.Value, label: labelText(o.Label), ...(o.State !== undefined ? { state: o.State } : {}) } : undefined);
  for (const set of optionSets) {
    for (const a of set.value) {
      const meta = attributes.get(a.LogicalName);
      const os = a.OptionSet as { Options?: Opt[]; TrueOption?: Opt; FalseOption?: Opt } | undefined;
      if (!meta || !os) continue;
      if (os.Options) meta.options = os.Options.map(option).filter((o): o is OptionMeta => !!o);
      else meta.options = [option(os.FalseOption) ?? { value: 0, label: "No" }, option(os.TrueOption) ?? { value: 1, label: "Yes" }];
    }
  }
  const navigation = new Map<string, string>();
  for (const r of manyToOne.value) navigation.set(`${r.ReferencingAttribute}|${r.ReferencedEntity}`, r.ReferencingEntityNavigationPropertyName);
  const oneToManyMap = new Map<string, { referencingEntity: string; referencingAttribute: string }>();
  for (const r of oneToMany.value) oneToManyMap.set(r.SchemaName, { referencingEntity: r.ReferencingEntity, referencingAttribute: r.ReferencingAttribute });
  entitySets.set(logicalName, String(entity.EntitySetName));
  return {
    logicalName,
    entitySetName: String(entity.EntitySetName),
    primaryId: String(entity.PrimaryIdAttribute),
    primaryName: String(entity.PrimaryNameAttribute),
    displayName: labelText(entity.DisplayName as Label) || logicalName,
    attributes,
    navigation,
    oneToMany: oneToManyMap,
  };
}

/** The table's metadata (read once; a failed read is tried again next time). */
export function entityMeta(logicalName: string): Promise<EntityMeta> {
  const key = logicalName.toLowerCase();
  let p = cache.get(key);
  if (!p) {
    p = load(key).catch((e) => {
      cache.delete(key);
      throw e;
    });
    cache.set(key, p);
  }
  return p;
}

const summaries = new Map<string, Promise<EntityMeta>>();

/**
 * A table's names only (entity set, primary id and name, display name; no columns): enough to list
 * its rows in a lookup and bind to them. One request instead of the seven entityMeta makes.
 */
export function entitySummary(logicalName: string): Promise<EntityMeta> {
  const key = logicalName.toLowerCase();
  const full = cache.get(key);
  if (full) return full;
  let p = summaries.get(key);
  if (!p) {
    p = getJson<Record<string, unknown>>(`${API}EntityDefinitions(LogicalName='${key}')?$select=LogicalName,EntitySetName,PrimaryIdAttribute,PrimaryNameAttribute,DisplayName`).then((e) => {
      entitySets.set(key, String(e.EntitySetName));
      return {
        logicalName: key,
        entitySetName: String(e.EntitySetName),
        primaryId: String(e.PrimaryIdAttribute),
        primaryName: String(e.PrimaryNameAttribute),
        displayName: labelText(e.DisplayName as Label) || key,
        attributes: new Map(),
        navigation: new Map(),
        oneToMany: new Map(),
      };
    });
    p.catch(() => summaries.delete(key));
    summaries.set(key, p);
  }
  return p;
}

/** Whether a column holds a reference to another row. */
export const isLookup = (a: AttributeMeta | undefined): boolean => !!a && (a.type === "Lookup" || a.type === "Customer" || a.type === "Owner");
