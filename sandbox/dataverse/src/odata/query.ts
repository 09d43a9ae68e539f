/** Query options ($select, $filter, $orderby, $top, $count, $expand, $skiptoken) and key segments. */
import { DataverseError, ErrorCodes, propertyNotFound, queryError } from "../errors";
import type { Registry } from "../metadata/registry";
import type { AttributeMeta, EntityMeta } from "../metadata/types";
import { isGuid, normGuid } from "../util";
import { assertNesting, compileFilter, parseOrderBy, resolveProperty, type CompiledFilter } from "./filter";
import { splitTopLevel, tokenize } from "./literals";

export interface ExpandOption {
  nav: string;
  kind: "single" | "collection";
  target: string;
  /** Single: the lookup attribute on the row; collection: the lookup attribute on the child rows. */
  attribute: string;
  options: QueryOptions;
}

export interface QueryOptions {
  select?: AttributeMeta[];
  selectNames?: string[];
  filter?: CompiledFilter;
  orderby?: Array<{ attr: AttributeMeta; desc: boolean }>;
  top?: number;
  count?: boolean;
  expand?: ExpandOption[];
  skiptoken?: string;
}

/** Raw query string → map, decoding %xx but keeping '+' literal (OData clients encode spaces as %20). */
export function parseQueryString(qs: string): Map<string, string> {
  const out = new Map<string, string>();
  if (!qs) return out;
  for (const part of qs.split("&")) {
    if (!part) continue;
    const eq = part.indexOf("=");
    const decode = (text: string): string => {
      try {
        return decodeURIComponent(text);
      } catch {
        throw queryError(`The query string is not valid: '${text.slice(0, 100)}' is not percent-encoded correctly.`);
      }
    };
    const k = decode(eq < 0 ? part : part.slice(0, eq));
    const v = eq < 0 ? "" : decode(part.slice(eq + 1));
    out.set(k, v);
  }
  return out;
}

const SUPPORTED = new Set(["$select", "$filter", "$orderby", "$top", "$count", "$expand", "$skiptoken"]);

export function parseQueryOptions(params: Map<string, string>, registry: Registry, entity: EntityMeta, collection: boolean): QueryOptions {
  for (const [k, v] of params) {
    if (k.startsWith("$") && !SUPPORTED.has(k)) throw queryError(`The query parameter ${k} is not supported`);
    assertNesting(v); // before anything recursive reads a nested $expand or $filter
    if (!k.startsWith("$") && k.startsWith("@")) continue; // parameter aliases are not used by our clients
  }
  const raw: Record<string, string | undefined> = {};
  for (const k of SUPPORTED) raw[k] = params.get(k);
  if (!collection) {
    for (const k of ["$filter", "$orderby", "$top", "$count", "$skiptoken"]) {
      if (raw[k] !== undefined) throw queryError(`The query parameter ${k} is not supported for a single record.`);
    }
  }
  return buildOptions(raw, registry, entity);
}

function buildOptions(raw: Record<string, string | undefined>, registry: Registry, entity: EntityMeta): QueryOptions {
  const o: QueryOptions = {};
  if (raw.$select !== undefined) {
    const names = splitTopLevel(raw.$select, ",");
    o.selectNames = names;
    o.select = names.map((n) => {
      const a = resolveProperty(entity, n);
      if (!a) throw propertyNotFound(n, entity.logicalName);
      return a;
    });
  }
  if (raw.$filter !== undefined) o.filter = compileFilter(raw.$filter, registry, entity);
  if (raw.$orderby !== undefined) o.orderby = parseOrderBy(raw.$orderby, entity);
  if (raw.$top !== undefined) {
    if (!/^\d+$/.test(raw.$top)) throw queryError(`Invalid value '${raw.$top}' for $top query option found. The $top query option requires a non-negative integer value.`);
    o.top = Number(raw.$top);
  }
  if (raw.$count !== undefined) {
    if (raw.$count !== "true" && raw.$count !== "false") throw queryError(`'${raw.$count}' is not a valid count option.`);
    o.count = raw.$count === "true";
  }
  if (raw.$skiptoken !== undefined) o.skiptoken = raw.$skiptoken;
  if (raw.$expand !== undefined) o.expand = splitTopLevel(raw.$expand, ",").map((item) => parseExpandItem(item, registry, entity));
  return o;
}

function parseExpandItem(item: string, registry: Registry, entity: EntityMeta): ExpandOption {
  const p = item.indexOf("(");
  const nav = (p < 0 ? item : item.slice(0, p)).trim();
  let inner: Record<string, string | undefined> = {};
  if (p >= 0) {
    if (!item.endsWith(")")) throw queryError(`Syntax error in $expand item '${item}'.`);
    inner = {};
    for (const opt of splitTopLevel(item.slice(p + 1, -1), ";")) {
      const eq = opt.indexOf("=");
      if (eq < 0) throw queryError(`Syntax error in $expand option '${opt}'.`);
      const k = opt.slice(0, eq).trim();
      if (!SUPPORTED.has(k) || k === "$skiptoken" || k === "$count") throw queryError(`The query option ${k} is not supported inside $expand.`);
      inner[k] = opt.slice(eq + 1);
    }
  }
  const single = registry.singleNav(entity.logicalName, nav);
  if (single) {
    const target = registry.entity(single.target);
    if (!target) throw propertyNotFound(nav, entity.logicalName);
    if (inner.$filter || inner.$orderby || inner.$top) {
      throw queryError(`Only $select is allowed when expanding the single-valued navigation property '${nav}'.`);
    }
    return { nav, kind: "single", target: single.target, attribute: single.attribute, options: buildOptions(inner, registry, target) };
  }
  const coll = registry.collectionNav(entity.logicalName, nav);
  if (coll) {
    const target = registry.entity(coll.childEntity);
    if (!target) throw propertyNotFound(nav, entity.logicalName);
    return { nav, kind: "collection", target: coll.childEntity, attribute: coll.childAttribute, options: buildOptions(inner, registry, target) };
  }
  throw propertyNotFound(nav, entity.logicalName);
}

// ---- keys ----------------------------------------------------------------------------------------

export type KeyRef = { kind: "id"; id: string } | { kind: "alternate"; values: Record<string, string | number | boolean | null> };

/** Parse the text inside `entityset(...)`: a GUID, or name=value pairs of an alternate key. */
export function parseKey(text: string, entity: EntityMeta): KeyRef {
  const t = text.trim();
  const bare = t.replace(/^\{|\}$/g, "");
  if (isGuid(bare)) return { kind: "id", id: normGuid(bare) };
  const values: Record<string, string | number | boolean | null> = {};
  for (const part of splitTopLevel(t, ",")) {
    const eq = part.indexOf("=");
    if (eq < 0) throw new DataverseError(400, ErrorCodes.QueryInvalid, `Bad Request - Error in query syntax: the key '${t}' is not valid for the ${entity.logicalName} entity.`);
    const name = part.slice(0, eq).trim();
    const toks = tokenize(part.slice(eq + 1));
    if (toks.length !== 1) throw queryError(`Bad Request - Error in query syntax: the key value '${part.slice(eq + 1)}' is not valid.`);
    const tok = toks[0];
    let value: string | number | boolean | null;
    if (tok.kind === "string" || tok.kind === "guid" || tok.kind === "datetime" || tok.kind === "date") value = String(tok.value);
    else if (tok.kind === "number") value = Number(tok.value);
    else if (tok.kind === "ident" && (tok.text === "true" || tok.text === "false")) value = tok.text === "true";
    else if (tok.kind === "ident" && tok.text === "null") value = null;
    else throw queryError(`Bad Request - Error in query syntax: the key value '${part.slice(eq + 1)}' is not valid.`);
    values[name] = value;
  }
  if (Object.keys(values).length === 0) throw queryError(`The key '${t}' is not valid for the ${entity.logicalName} entity.`);
  return { kind: "alternate", values };
}

/** Find the alternate key whose attributes are exactly the ones named. */
export function matchAlternateKey(entity: EntityMeta, values: Record<string, unknown>): { name: string; attributes: string[] } {
  const names = Object.keys(values).sort();
  for (const k of entity.keys) {
    const attrs = [...k.attributes].sort();
    if (attrs.length === names.length && attrs.every((a, i) => a === names[i])) return { name: k.logicalName, attributes: k.attributes };
  }
  throw new DataverseError(400, ErrorCodes.EntityKeyNotDefined, `The specified key attributes are not a defined key for the ${entity.logicalName} entity`);
}

// ---- resource path -------------------------------------------------------------------------------

export interface PathSegment {
  name: string;
  /** Text inside parentheses, if any (key or function arguments). */
  args?: string;
}

/** Split a decoded resource path into segments, honouring quotes and parentheses. */
export function splitPath(path: string): PathSegment[] {
  const segs: PathSegment[] = [];
  let cur = "";
  let depth = 0;
  let inQuote = false;
  const push = () => {
    if (!cur) return;
    const p = cur.indexOf("(");
    if (p >= 0 && cur.endsWith(")")) segs.push({ name: cur.slice(0, p), args: cur.slice(p + 1, -1) });
    else segs.push({ name: cur });
    cur = "";
  };
  for (let i = 0; i < path.length; i++) {
    const ch = path[i];
    if (inQuote) {
      cur += ch;
      if (ch === "'") {
        if (path[i + 1] === "'") {
          cur += "'";
          i++;
        } else inQuote = false;
      }
      continue;
    }
    if (ch === "'") inQuote = true;
    if (ch === "(") depth++;
    if (ch === ")") depth--;
    if (ch === "/" && depth === 0) {
      push();
      continue;
    }
    cur += ch;
  }
  push();
  return segs;
}
