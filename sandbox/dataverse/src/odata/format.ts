/**
 * Rows as the Web API writes them: lookups as `_x_value`, dates to the second with a Z (date-only
 * columns as yyyy-MM-dd), `@odata.etag`, and, when the caller asks with
 * `Prefer: odata.include-annotations`, the formatted values and lookup annotations:
 *   x@OData.Community.Display.V1.FormattedValue
 *   _x_value@Microsoft.Dynamics.CRM.lookuplogicalname
 *   _x_value@Microsoft.Dynamics.CRM.associatednavigationproperty
 * learn.microsoft.com/power-apps/developer/data-platform/webapi/query/select-columns#formatted-values
 */
import { isLookupType, type Registry } from "../metadata/registry";
import type { AttributeMeta, EntityMeta } from "../metadata/types";
import { isLookupValue, type DataView, type Row, type Value } from "../store/store";
import type { ExpandOption } from "./query";

export const FORMATTED = "OData.Community.Display.V1.FormattedValue";
export const LOOKUP_NAME = "Microsoft.Dynamics.CRM.lookuplogicalname";
export const ASSOCIATED_NAV = "Microsoft.Dynamics.CRM.associatednavigationproperty";

/** Which instance annotations the caller asked for (Prefer: odata.include-annotations="…"). */
export class AnnotationFilter {
  private readonly patterns: string[];

  constructor(header: string | undefined) {
    this.patterns = [];
    if (!header) return;
    for (const part of header.split(",")) {
      const m = /odata\.include-annotations\s*=\s*"?([^"]*)"?/i.exec(part.trim());
      if (m) this.patterns.push(...m[1].split(",").map((s) => s.trim()).filter(Boolean));
    }
  }

  get any(): boolean {
    return this.patterns.length > 0;
  }

  get headerValue(): string {
    return `odata.include-annotations="${this.patterns.join(",")}"`;
  }

  wants(annotation: string): boolean {
    return this.patterns.some((p) => {
      if (p.startsWith("-")) return false;
      if (p === "*") return true;
      if (p.endsWith(".*")) return annotation.startsWith(p.slice(0, -1));
      return p === annotation;
    });
  }
}

export const etagOf = (row: Row): string => `W/"${String(row.versionnumber ?? 0)}"`;

const USD = { symbol: "$", precision: 2 };

function formatNumber(n: number, fraction: number): string {
  return n.toLocaleString("en-US", { minimumFractionDigits: fraction, maximumFractionDigits: fraction });
}

/** Text of a value as the model-driven UI shows it (en-US), for FormattedValue annotations. */
export function formattedValue(a: AttributeMeta, v: Value, row: Row, view: DataView): string | undefined {
  if (v === null || v === undefined) return undefined;
  switch (a.type) {
    case "Boolean":
    case "Picklist":
    case "State":
    case "Status": {
      const key = a.type === "Boolean" ? (v ? 1 : 0) : Number(v);
      return a.options?.find((o) => o.value === key)?.label;
    }
    case "MultiSelectPicklist": {
      const vals = Array.isArray(v) ? v : String(v).split(",").map(Number);
      return vals.map((x) => a.options?.find((o) => o.value === x)?.label ?? String(x)).join("; ");
    }
    case "Money": {
      const cur = row.transactioncurrencyid;
      let symbol = USD.symbol;
      let precision = USD.precision;
      if (isLookupValue(cur)) {
        const c = view.get("transactioncurrency", cur.id);
        if (c) {
          symbol = String(c.currencysymbol ?? symbol);
          precision = typeof c.currencyprecision === "number" ? c.currencyprecision : precision;
        }
      }
      const n = Number(v);
      return `${n < 0 ? "-" : ""}${symbol}${formatNumber(Math.abs(n), precision)}`;
    }
    case "Integer":
    case "BigInt":
      return formatNumber(Number(v), 0);
    case "Decimal":
    case "Double":
      return formatNumber(Number(v), a.precision ?? 2);
    case "DateTime": {
      const s = String(v);
      if (a.format === "DateOnly") {
        const [y, m, d] = s.slice(0, 10).split("-").map(Number);
        return `${m}/${d}/${y}`;
      }
      const d = new Date(s);
      const h = d.getUTCHours();
      const hh = h % 12 === 0 ? 12 : h % 12;
      const mm = String(d.getUTCMinutes()).padStart(2, "0");
      return `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()} ${hh}:${mm} ${h < 12 ? "AM" : "PM"}`;
    }
    case "Lookup":
    case "Customer":
    case "Owner": {
      if (!isLookupValue(v)) return undefined;
      const target = view.registry.entity(v.entity);
      const r = view.get(v.entity, v.id);
      if (!target || !r) return undefined;
      const name = r[target.primaryNameAttribute];
      return name === null || name === undefined ? undefined : String(name);
    }
    default:
      return undefined;
  }
}

export interface FormatOptions {
  select?: AttributeMeta[];
  expand?: ExpandOption[];
  annotations: AnnotationFilter;
  /** Base of @odata.context and nested ids. */
  apiUrl: string;
  context?: string;
}

/** Write one column (and its annotations) into `out`. */
function writeAttribute(out: Record<string, unknown>, entity: EntityMeta, a: AttributeMeta, row: Row, view: DataView, registry: Registry, ann: AnnotationFilter): void {
  const v = row[a.logicalName];
  if (isLookupType(a)) {
    const key = `_${a.logicalName}_value`;
    const lookup = isLookupValue(v) ? v : null;
    if (lookup && ann.any) {
      if (ann.wants(FORMATTED)) {
        const f = formattedValue(a, lookup, row, view);
        if (f !== undefined) out[`${key}@${FORMATTED}`] = f;
      }
      if (ann.wants(ASSOCIATED_NAV)) {
        const nav = registry.navigationFor(entity.logicalName, a.logicalName, lookup.entity);
        if (nav) out[`${key}@${ASSOCIATED_NAV}`] = nav;
      }
      if (ann.wants(LOOKUP_NAME)) out[`${key}@${LOOKUP_NAME}`] = lookup.entity;
    }
    out[key] = lookup ? lookup.id : null;
    return;
  }
  let value: unknown = v === undefined ? null : v;
  if (a.type === "MultiSelectPicklist" && Array.isArray(v)) value = v.join(",");
  if (ann.any && ann.wants(FORMATTED) && value !== null) {
    const f = formattedValue(a, v as Value, row, view);
    if (f !== undefined) out[`${a.logicalName}@${FORMATTED}`] = f;
  }
  out[a.logicalName] = value;
}

/** The JSON representation of a row (no @odata.context; callers add it at the top level). */
export function formatRow(entity: EntityMeta, row: Row, view: DataView, o: FormatOptions): Record<string, unknown> {
  const registry = view.registry;
  const out: Record<string, unknown> = { "@odata.etag": etagOf(row) };
  const attrs = o.select ?? Object.values(entity.attributes).filter((a) => a.validForRead);
  const pk = entity.attributes[entity.primaryIdAttribute];
  for (const a of attrs) writeAttribute(out, entity, a, row, view, registry, o.annotations);
  if (o.select && pk && !o.select.includes(pk)) writeAttribute(out, entity, pk, row, view, registry, o.annotations);
  for (const x of o.expand ?? []) {
    const target = registry.entity(x.target);
    if (!target) continue;
    const childOpts: FormatOptions = { select: x.options.select, expand: x.options.expand, annotations: o.annotations, apiUrl: o.apiUrl };
    if (x.kind === "single") {
      const ref = row[x.attribute];
      const related = isLookupValue(ref) && ref.entity === x.target ? view.get(ref.entity, ref.id) : undefined;
      out[x.nav] = related ? formatRow(target, related, view, childOpts) : null;
    } else {
      const parentId = row[entity.primaryIdAttribute];
      let children: Row[] = [];
      for (const child of view.scan(x.target)) {
        const ref = child[x.attribute];
        if (isLookupValue(ref) && ref.id === parentId && (!x.options.filter || x.options.filter.test(child, view))) children.push(child);
      }
      if (x.options.orderby) children = sortRows(children, x.options.orderby);
      if (x.options.top !== undefined) children = children.slice(0, x.options.top);
      out[x.nav] = children.map((c) => formatRow(target, c, view, childOpts));
    }
  }
  return out;
}

/** Sort key comparison used by $orderby and paging (nulls first ascending, as SQL Server). */
export function compareValues(a: Value | undefined, b: Value | undefined): number {
  const na = a === null || a === undefined;
  const nb = b === null || b === undefined;
  if (na || nb) return na && nb ? 0 : na ? -1 : 1;
  const av = isLookupValue(a) ? a.id : Array.isArray(a) ? a.join(",") : a;
  const bv = isLookupValue(b) ? b.id : Array.isArray(b) ? b.join(",") : b;
  if (typeof av === "string" && typeof bv === "string") {
    const x = av.toLowerCase();
    const y = bv.toLowerCase();
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (typeof av === "boolean" || typeof bv === "boolean") return Number(av) - Number(bv);
  return Number(av) - Number(bv);
}

export function sortRows(rows: Row[], orderby: Array<{ attr: AttributeMeta; desc: boolean }>): Row[] {
  return [...rows].sort((x, y) => {
    for (const o of orderby) {
      const c = compareValues(x[o.attr.logicalName], y[o.attr.logicalName]);
      if (c !== 0) return o.desc ? -c : c;
    }
    return (x.$seq ?? 0) - (y.$seq ?? 0);
  });
}

/** @odata.context for a collection or entity, with the selected columns as Dataverse writes it. */
export function contextUrl(apiUrl: string, entitySet: string, selectNames: string[] | undefined, single: boolean): string {
  const sel = selectNames && selectNames.length ? `(${selectNames.join(",")})` : "";
  return `${apiUrl}$metadata#${entitySet}${sel}${single ? "/$entity" : ""}`;
}
