/**
 * Column values between the Web API's JSON and the client API's values (pure):
 * - text, numbers, Booleans and choices are the same on both sides;
 * - a lookup is `_x_value` + its annotations on the wire and `[{ id: "{GUID}", name, entityType }]`
 *   in Xrm; it is written with `<navigation property>@odata.bind`;
 * - a date-only column is "yyyy-MM-dd" on the wire and a Date at local midnight in Xrm; a date and
 *   time is an ISO UTC string on the wire and a Date in Xrm.
 * (learn.microsoft.com/power-apps/developer/model-driven-apps/clientapi/reference/attributes/getvalue,
 *  …/data-platform/webapi/create-entity-web-api#associate-table-rows-on-create)
 */
import { type AttributeMeta, type EntityMeta, isLookup, knownEntitySet } from "../metadata";

export const FORMATTED = "@OData.Community.Display.V1.FormattedValue";
export const LOOKUP_TABLE = "@Microsoft.Dynamics.CRM.lookuplogicalname";

/** "{GUID}" upper case, as getId() and lookup values give ids. */
export const braced = (id: string): string => `{${bare(id).toUpperCase()}}`;
export const bare = (id: string): string => id.replace(/[{}]/g, "").toLowerCase();

export const isDateOnly = (a: AttributeMeta): boolean => a.type === "DateTime" && a.format === "DateOnly";

/** The $select name of a column (lookups are read as _x_value). */
export const selectName = (a: AttributeMeta): string => (isLookup(a) ? `_${a.logicalName}_value` : a.logicalName);

const pad = (n: number): string => String(n).padStart(2, "0");

/** A Date as "yyyy-MM-dd" in the user's calendar. */
export const dateOnlyText = (d: Date): string => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;

/** The Xrm value of a column in a Web API row. */
export function fromRow(a: AttributeMeta, row: Record<string, unknown>): unknown {
  if (isLookup(a)) {
    const key = selectName(a);
    const id = row[key];
    if (typeof id !== "string" || !id) return null;
    return [{ id: braced(id), name: String(row[key + FORMATTED] ?? ""), entityType: String(row[key + LOOKUP_TABLE] ?? a.targets?.[0] ?? "") }];
  }
  const v = row[a.logicalName];
  if (v === undefined || v === null) return null;
  if (a.type === "DateTime" && typeof v === "string") {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
    if (m) return new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
    return new Date(v);
  }
  return v;
}

/** What a new record's form shows before the user types: the column's default Yes/No or choice. */
export function defaultValue(a: AttributeMeta): unknown {
  if (a.type === "Boolean") return a.defaultValue === 1;
  if ((a.type === "Picklist" || a.type === "Status" || a.type === "State") && a.defaultValue !== undefined) return a.defaultValue;
  return null;
}

/** The payload entries that write an Xrm value to a column. */
export function toPayload(entity: EntityMeta, a: AttributeMeta, value: unknown): Record<string, unknown> {
  if (isLookup(a)) {
    const first = (value as Xrm.LookupValue[] | null)?.[0];
    if (!first) {
      const nav = entity.navigation.get(`${a.logicalName}|${a.targets?.[0] ?? ""}`) ?? navigationOf(entity, a.logicalName);
      return nav ? { [`${nav}@odata.bind`]: null } : {};
    }
    const nav = entity.navigation.get(`${a.logicalName}|${first.entityType}`);
    if (!nav) throw new Error(`${a.label} cannot point to a ${first.entityType}: the table has no such relationship.`);
    return { [`${nav}@odata.bind`]: `/${entitySetOf(first.entityType)}(${bare(first.id)})` };
  }
  if (value === null || value === undefined || value === "") return { [a.logicalName]: null };
  if (a.type === "DateTime") {
    const d = value as Date;
    return { [a.logicalName]: isDateOnly(a) ? dateOnlyText(d) : d.toISOString() };
  }
  return { [a.logicalName]: value };
}

function navigationOf(entity: EntityMeta, column: string): string | undefined {
  for (const [key, nav] of entity.navigation) if (key.startsWith(`${column}|`)) return nav;
  return undefined;
}

function entitySetOf(logicalName: string): string {
  const set = knownEntitySet(logicalName);
  if (!set) throw new Error(`The entity set of ${logicalName} is not known yet.`);
  return set;
}

/**
 * A column's text in a list or grid: the Web API's formatted value, except dates and times, which
 * the page shows in the user's time zone (the browser's) as the client does.
 */
export function cellText(a: AttributeMeta, row: Record<string, unknown>): string {
  const name = selectName(a);
  const raw = row[name];
  if (a.type === "DateTime" && typeof raw === "string") {
    const v = fromRow(a, row) as Date;
    return isDateOnly(a) ? v.toLocaleDateString("en-US") : v.toLocaleString("en-US", { dateStyle: "short", timeStyle: "short" });
  }
  const formatted = row[name + FORMATTED];
  if (formatted !== undefined && formatted !== null) return String(formatted);
  return raw === null || raw === undefined ? "" : String(raw);
}

/** Two Xrm values are the same column value (dates by instant, lookups by id). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof Date || b instanceof Date) return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  if (Array.isArray(a) || Array.isArray(b)) {
    const x = (a as Xrm.LookupValue[] | null)?.[0];
    const y = (b as Xrm.LookupValue[] | null)?.[0];
    return (!x && !y) || (!!x && !!y && bare(x.id) === bare(y.id));
  }
  return a === b;
}
