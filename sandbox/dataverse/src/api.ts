/**
 * The Web API resource handlers: one per operation (service document, EntityDefinitions, create,
 * retrieve, retrieve multiple, update/upsert, delete, single-property and $ref operations, actions
 * and functions). Each returns a response; errors are Dataverse-shaped.
 * Wire reference: learn.microsoft.com/power-apps/developer/data-platform/webapi/overview
 */
import type { Context, InternalRequest, InternalResponse } from "./context";
import { Session } from "./engine";
import { DataverseError, ErrorCodes, notFound, payloadError, propertyNotFound, queryError, segmentNotFound } from "./errors";
import { empty, errorResponse, json, parsePrefer, type Prefer } from "./http-util";
import { metadataHandler } from "./metadata-api";
import { isLookupType } from "./metadata/registry";
import type { AttributeMeta, EntityMeta, ManyToManyMeta } from "./metadata/types";
import { actionHandlers, boundActionHandlers } from "./actions";
import { AnnotationFilter, compareValues, contextUrl, etagOf, formatRow, sortRows } from "./odata/format";
import { coerce, EDM_TYPES, parsePayload } from "./odata/payload";
import { parseKey, parseQueryOptions, parseQueryString, splitPath, type KeyRef, type PathSegment, type QueryOptions } from "./odata/query";
import { isLookupValue, type DataView, type LookupValue, type Row, type Value } from "./store/store";
import { jsonNestingDepth, mediaType } from "../../shared/src/request-body";
import { MAX_JSON_DEPTH } from "./limits";
import { newGuid, normGuid } from "./util";

/** How writes are applied: on their own (commit per request) or inside a $batch change set. */
export type Runner = <T>(fn: (s: Session) => T | Promise<T>) => Promise<T>;

export interface HandlerEnv {
  ctx: Context;
  req: InternalRequest;
  prefer: Prefer;
  annotations: AnnotationFilter;
  run: Runner;
  contentIds?: Map<string, LookupValue>;
  /** Set by writes so a $batch can resolve Content-ID references. */
  contentIdResult?: LookupValue;
}

export const MAX_PAGE_SIZE = 5000;

export async function dispatch(
  ctx: Context,
  req: InternalRequest,
  run?: Runner,
  contentIds?: Map<string, LookupValue>,
  out?: { contentIdResult?: LookupValue },
): Promise<InternalResponse> {
  const prefer = parsePrefer(req.headers.prefer);
  const env: HandlerEnv = {
    ctx,
    req,
    prefer,
    annotations: new AnnotationFilter(prefer.annotations),
    run: run ?? ((fn) => ctx.write(fn)),
    contentIds,
  };
  try {
    const res = await route(env);
    if (out) out.contentIdResult = env.contentIdResult;
    return res;
  } catch (e) {
    if (e instanceof DataverseError) return errorResponse(e);
    ctx.options.log(`internal error on ${req.method} ${req.path}: ${(e as Error).stack ?? String(e)}`);
    return errorResponse(new DataverseError(500, "", `An unexpected error occurred. ${(e as Error).message}`));
  }
}

function methodNotAllowed(req: InternalRequest): DataverseError {
  return new DataverseError(405, "", `No HTTP resource was found that matches the request URI '${req.path}' for method ${req.method}.`);
}

async function route(env: HandlerEnv): Promise<InternalResponse> {
  const { req, ctx } = env;
  let segs = splitPath(req.path);
  // $n Content-ID reference at the start of a path inside a change set
  if (segs[0]?.name.startsWith("$") && /^\$\d+$|^\$[\w-]+$/.test(segs[0].name) && segs[0].name !== "$metadata" && segs[0].name !== "$batch") {
    const ref = env.contentIds?.get(segs[0].name.slice(1));
    if (!ref) throw new DataverseError(400, ErrorCodes.InvalidArgument, `Content-ID Reference: '${segs[0].name}' does not exist in the batch context.`);
    const e = ctx.store.registry.entity(ref.entity);
    segs = [{ name: e?.entitySetName ?? ref.entity, args: ref.id }, ...segs.slice(1)];
  }
  const view = ctx.store;
  if (segs.length === 0) {
    if (req.method !== "GET") throw methodNotAllowed(req);
    return json(200, {
      "@odata.context": `${ctx.apiUrl()}$metadata`,
      value: view.registry.entities().map((e) => ({ name: e.entitySetName, kind: "EntitySet", url: e.entitySetName })),
    });
  }
  const first = segs[0];
  if (first.name === "$metadata") return metadataDocument(env);
  if (first.name === "EntityDefinitions") return metadataHandler(env, segs);
  const action = actionHandlers[first.name];
  if (action) {
    if (segs.length !== 1) throw segmentNotFound(segs[1].name);
    return action(env, first);
  }
  const entity = view.registry.entityBySet(first.name);
  if (!entity) throw segmentNotFound(first.name);

  if (first.args === undefined) {
    if (segs.length === 1) {
      if (req.method === "GET") return retrieveMultiple(env, entity, view);
      if (req.method === "POST") return create(env, entity);
      throw methodNotAllowed(req);
    }
    if (segs.length === 2 && segs[1].name === "$count" && req.method === "GET") return countRows(env, entity);
    throw segmentNotFound(segs[1].name);
  }

  const key = parseKey(first.args, entity);
  if (segs.length === 1) {
    switch (req.method) {
      case "GET":
        return retrieve(env, entity, key);
      case "PATCH":
        return updateOrUpsert(env, entity, key);
      case "DELETE":
        return remove(env, entity, key);
      default:
        throw methodNotAllowed(req);
    }
  }
  const second = segs[1];
  if (second.name.startsWith("Microsoft.Dynamics.CRM.")) {
    const bound = boundActionHandlers[second.name.slice("Microsoft.Dynamics.CRM.".length)];
    if (!bound || req.method !== "POST") throw segmentNotFound(second.name);
    const id = requireId(env, view, entity, key);
    return bound(env, entity, id);
  }
  return propertyOrNavigation(env, entity, key, segs.slice(1));
}

// ---- helpers ---------------------------------------------------------------------------------------

export function parseBody(env: HandlerEnv, entitySet: string): unknown {
  const text = env.req.body.trim();
  if (!text) return {};
  // A JSON body must say so: ODataLib reads a payload by its Content-Type, and a browser page can send
  // text/plain across sites without asking first. Wording: ODataLib's MediaTypeUtils / ODataMessageReader.
  const type = mediaType(env.req.headers);
  if (!type) {
    throw payloadError(entitySet, "Microsoft.OData.ODataContentTypeException: A missing or empty content type header was found when trying to read a message. The content type header is required.");
  }
  if (type !== "application/json") {
    throw payloadError(entitySet, `Microsoft.OData.ODataContentTypeException: A supported MIME type could not be found that matches the content type of the response. None of the supported type(s) 'application/json' matches the content type '${type}'.`);
  }
  if (jsonNestingDepth(text, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) {
    throw payloadError(entitySet, `Microsoft.OData.ODataException: The maximum recursion depth limit was reached. The depth of nested values in a single property cannot exceed ${MAX_JSON_DEPTH}.`);
  }
  let value: unknown;
  try {
    const v = JSON.parse(text) as unknown;
    // Some clients send the JSON twice encoded (a JSON string holding the object).
    value = typeof v === "string" && v.trim().startsWith("{") ? (JSON.parse(v) as unknown) : v;
  } catch (e) {
    throw payloadError(entitySet, `Microsoft.OData.ODataException: The request body is not valid JSON (${(e as Error).message}).`);
  }
  // Every body the Web API reads (a row, action parameters, {"value"}, {"@odata.id"}) is an object.
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw payloadError(entitySet, "Microsoft.OData.ODataException: The request body must be a JSON object.");
  }
  return value;
}

function entityUrl(env: HandlerEnv, entity: EntityMeta, id: string): string {
  return `${env.ctx.apiUrl()}${entity.entitySetName}(${id})`;
}

function notFoundByKey(entity: EntityMeta): DataverseError {
  return new DataverseError(404, ErrorCodes.RecordNotFoundByEntityKey, `A record with the specified key values does not exist in ${entity.logicalName} entity`);
}

function requireId(env: HandlerEnv, view: DataView, entity: EntityMeta, key: KeyRef): string {
  const id = env.ctx.engine.resolveKey(view, entity, key);
  if (!id) throw notFoundByKey(entity);
  if (!view.get(entity.logicalName, id)) throw notFound(entity.logicalName, id);
  return id;
}

function formatOptions(env: HandlerEnv, o: QueryOptions) {
  return { select: o.select, expand: o.expand, annotations: env.annotations, apiUrl: env.ctx.apiUrl() };
}

function withPreferenceApplied(env: HandlerEnv, headers: Record<string, string>, extra: string[] = []): Record<string, string> {
  const applied = [...extra];
  if (env.annotations.any) applied.push(env.annotations.headerValue);
  if (applied.length) headers["Preference-Applied"] = applied.join(",");
  return headers;
}

// ---- create ----------------------------------------------------------------------------------------

async function create(env: HandlerEnv, entity: EntityMeta): Promise<InternalResponse> {
  const params = parseQueryString(env.req.query);
  const opts = parseQueryOptions(params, env.ctx.store.registry, entity, false);
  const body = parseBody(env, entity.entitySetName);
  const row = await env.run((s) => {
    const payload = parsePayload(s.tx, entity, body, (t) => env.ctx.engine.resolveReference(s.tx, t, env.contentIds ?? s.contentIds));
    const r = env.ctx.engine.create(s, entity, payload.values);
    return { row: r, view: s.tx as DataView };
  });
  const id = String(row.row[entity.primaryIdAttribute]);
  const location = entityUrl(env, entity, id);
  env.contentIdResult = { entity: entity.logicalName, id };
  if (env.prefer.returnRepresentation) {
    const out = formatRow(entity, row.row, env.ctx.store.get(entity.logicalName, id) ? env.ctx.store : row.view, formatOptions(env, opts));
    return json(201, { "@odata.context": contextUrl(env.ctx.apiUrl(), entity.entitySetName, opts.selectNames, true), ...out }, withPreferenceApplied(env, { "OData-EntityId": location, Location: location, ETag: etagOf(row.row) }, ["return=representation"]));
  }
  return empty(204, { "OData-EntityId": location, Location: location });
}

// ---- retrieve -----------------------------------------------------------------------------------------

function retrieve(env: HandlerEnv, entity: EntityMeta, key: KeyRef): InternalResponse {
  const view = env.ctx.store;
  const params = parseQueryString(env.req.query);
  const opts = parseQueryOptions(params, view.registry, entity, false);
  const id = env.ctx.engine.resolveKey(view, entity, key);
  if (!id) throw notFoundByKey(entity);
  const row = view.get(entity.logicalName, id);
  if (!row) throw notFound(entity.logicalName, id);
  const etag = etagOf(row);
  const inm = env.req.headers["if-none-match"];
  if (inm && inm !== "null" && !opts.expand && !env.annotations.any && inm.split(",").map((t) => t.trim()).includes(etag)) {
    return empty(304, { ETag: etag });
  }
  const out = formatRow(entity, row, view, formatOptions(env, opts));
  return json(200, { "@odata.context": contextUrl(env.ctx.apiUrl(), entity.entitySetName, opts.selectNames, true), ...out }, withPreferenceApplied(env, { ETag: etag }));
}

// ---- retrieve multiple ---------------------------------------------------------------------------------

interface SkipToken {
  page: number;
  key: Array<Value | undefined>;
  seq: number;
}

function encodeSkipToken(t: SkipToken): string {
  const cookie = Buffer.from(JSON.stringify({ k: t.key, s: t.seq })).toString("base64url");
  return `<cookie pagenumber="${t.page}" pagingcookie="${cookie}" istracking="False" />`;
}

function decodeSkipToken(raw: string): SkipToken {
  const page = /pagenumber="(\d+)"/.exec(raw);
  const cookie = /pagingcookie="([^"]*)"/.exec(raw);
  if (!page || !cookie) throw queryError(`The $skiptoken '${raw}' is not valid.`);
  try {
    const parsed = JSON.parse(Buffer.from(cookie[1], "base64url").toString("utf8")) as { k: Array<Value | undefined>; s: number };
    return { page: Number(page[1]), key: parsed.k, seq: parsed.s };
  } catch {
    throw queryError(`The $skiptoken '${raw}' is not valid.`);
  }
}

/** Compare a row's sort position with a paging cookie's (order by columns, then creation order). */
function afterKey(row: Row, orderby: QueryOptions["orderby"], token: SkipToken): boolean {
  const cols = orderby ?? [];
  for (let i = 0; i < cols.length; i++) {
    const c = compareValues(row[cols[i].attr.logicalName], token.key[i] ?? null);
    if (c !== 0) return cols[i].desc ? c < 0 : c > 0;
  }
  return (row.$seq ?? 0) > token.seq;
}

export function runQuery(
  env: HandlerEnv,
  entity: EntityMeta,
  view: DataView,
  opts: QueryOptions,
  scope?: (row: Row) => boolean,
): { rows: Row[]; next?: SkipToken; count?: number } {
  const pageSize = Math.min(env.prefer.maxPageSize && env.prefer.maxPageSize > 0 ? env.prefer.maxPageSize : MAX_PAGE_SIZE, MAX_PAGE_SIZE);
  const token = opts.skiptoken ? decodeSkipToken(opts.skiptoken) : undefined;
  const matches = (row: Row): boolean => (!scope || scope(row)) && (!opts.filter || opts.filter.test(row, view));
  const limit = opts.top !== undefined ? Math.min(opts.top, MAX_PAGE_SIZE) : pageSize;
  let count: number | undefined;
  let rows: Row[] = [];
  let more = false;
  if (opts.orderby) {
    // Sorting needs every match; only references are held, and only for this request.
    const all: Row[] = [];
    for (const r of view.scan(entity.logicalName)) if (matches(r)) all.push(r);
    if (opts.count) count = all.length;
    const sorted = sortRows(all, opts.orderby);
    const start = token ? sorted.findIndex((r) => afterKey(r, opts.orderby, token)) : 0;
    const from = start < 0 ? sorted.length : start;
    rows = sorted.slice(from, from + limit);
    more = sorted.length > from + limit;
  } else {
    // Creation order: stream the table and stop as soon as the page is full (flat memory).
    let n = 0;
    for (const r of view.scan(entity.logicalName)) {
      if (!matches(r)) continue;
      n++;
      if (token && !afterKey(r, undefined, token)) continue;
      if (rows.length < limit) rows.push(r);
      else {
        more = true;
        if (!opts.count) break;
      }
    }
    if (opts.count) count = n;
  }
  let next: SkipToken | undefined;
  if (more && opts.top === undefined && rows.length) {
    const last = rows[rows.length - 1];
    next = { page: (token?.page ?? 1) + 1, key: (opts.orderby ?? []).map((o) => last[o.attr.logicalName] ?? null), seq: last.$seq ?? 0 };
  }
  return { rows, next, count: count === undefined ? undefined : Math.min(count, MAX_PAGE_SIZE) };
}

function collectionResponse(env: HandlerEnv, entity: EntityMeta, view: DataView, opts: QueryOptions, basePath: string, scope?: (row: Row) => boolean): InternalResponse {
  const { rows, next, count } = runQuery(env, entity, view, opts, scope);
  const fo = formatOptions(env, opts);
  const body: Record<string, unknown> = { "@odata.context": contextUrl(env.ctx.apiUrl(), entity.entitySetName, opts.selectNames, false) };
  if (count !== undefined) body["@odata.count"] = count;
  body.value = rows.map((r) => formatRow(entity, r, view, fo));
  if (next) {
    const params = env.req.query
      .split("&")
      .filter((p) => p && !p.startsWith("$skiptoken=") && !p.startsWith("%24skiptoken="))
      .join("&");
    body["@odata.nextLink"] = `${env.ctx.apiUrl()}${basePath}?${params ? `${params}&` : ""}$skiptoken=${encodeURIComponent(encodeSkipToken(next))}`;
  }
  const applied: string[] = [];
  if (env.prefer.maxPageSize) applied.push(`odata.maxpagesize=${Math.min(env.prefer.maxPageSize, MAX_PAGE_SIZE)}`);
  return json(200, body, withPreferenceApplied(env, {}, applied));
}

function retrieveMultiple(env: HandlerEnv, entity: EntityMeta, view: DataView): InternalResponse {
  const params = parseQueryString(env.req.query);
  if (params.has("fetchXml")) throw new DataverseError(405, ErrorCodes.NotSupported, "FetchXML queries are not supported by this emulator; use OData query options.");
  const opts = parseQueryOptions(params, view.registry, entity, true);
  return collectionResponse(env, entity, view, opts, entity.entitySetName);
}

function countRows(env: HandlerEnv, entity: EntityMeta): InternalResponse {
  const n = Math.min(env.ctx.store.count(entity.logicalName), MAX_PAGE_SIZE);
  return { status: 200, headers: { "OData-Version": "4.0", "Content-Type": "text/plain" }, body: String(n) };
}

// ---- update / upsert ----------------------------------------------------------------------------------------

async function updateOrUpsert(env: HandlerEnv, entity: EntityMeta, key: KeyRef): Promise<InternalResponse> {
  const params = parseQueryString(env.req.query);
  const opts = parseQueryOptions(params, env.ctx.store.registry, entity, false);
  const body = parseBody(env, entity.entitySetName);
  const ifMatch = env.req.headers["if-match"];
  const ifNoneMatch = env.req.headers["if-none-match"];
  const result = await env.run((s) => {
    const engine = env.ctx.engine;
    const payload = parsePayload(s.tx, entity, body, (t) => engine.resolveReference(s.tx, t, env.contentIds ?? s.contentIds));
    const id = engine.resolveKey(s.tx, entity, key);
    const existing = id ? s.tx.get(entity.logicalName, id) : undefined;
    if (existing) {
      if (ifNoneMatch && ifNoneMatch.trim() === "*") {
        // [cond] Prevent update in upsert: 412 "A record with matching key values already exists."
        throw new DataverseError(412, ErrorCodes.DuplicateRecordEntityKey, "A record with matching key values already exists.");
      }
      const row = engine.update(s, entity, String(id), payload.values, { ifMatch });
      return { row, created: false, view: s.tx as DataView };
    }
    if (ifMatch) {
      // [cond] Prevent create in upsert: 404 "<entity> With Id = <id> Does Not Exist"
      if (key.kind === "id") throw notFound(entity.logicalName, key.id);
      throw notFoundByKey(entity);
    }
    const values = new Map(payload.values);
    if (key.kind === "id") {
      values.set(entity.primaryIdAttribute, key.id);
    } else {
      for (const [k, v] of Object.entries(key.values)) {
        const a = entity.attributes[k];
        if (!a) throw propertyNotFound(k, entity.logicalName);
        const kv = coerce(entity, a, v);
        const given = values.get(k);
        if (given !== undefined && String(given) !== String(kv)) {
          throw payloadError(entity.entitySetName, `Microsoft.Crm.CrmException: The value of '${k}' in the request body does not match the value in the key.`);
        }
        values.set(k, kv);
      }
    }
    const row = engine.create(s, entity, values);
    return { row, created: true, view: s.tx as DataView };
  });
  const id = String(result.row[entity.primaryIdAttribute]);
  env.contentIdResult = { entity: entity.logicalName, id };
  const location = entityUrl(env, entity, id);
  if (env.prefer.returnRepresentation) {
    const view = env.ctx.store.get(entity.logicalName, id) ? env.ctx.store : result.view;
    const out = formatRow(entity, result.row, view, formatOptions(env, opts));
    return json(result.created ? 201 : 200, { "@odata.context": contextUrl(env.ctx.apiUrl(), entity.entitySetName, opts.selectNames, true), ...out }, withPreferenceApplied(env, { "OData-EntityId": location, ETag: etagOf(result.row) }, ["return=representation"]));
  }
  return empty(204, { "OData-EntityId": location, ETag: etagOf(result.row) });
}

// ---- delete ------------------------------------------------------------------------------------------------

async function remove(env: HandlerEnv, entity: EntityMeta, key: KeyRef): Promise<InternalResponse> {
  const ifMatch = env.req.headers["if-match"];
  await env.run((s) => {
    const id = env.ctx.engine.resolveKey(s.tx, entity, key);
    if (!id) throw notFoundByKey(entity);
    env.ctx.engine.delete(s, entity, id, { ifMatch });
  });
  return empty(204);
}

// ---- single property, navigation and $ref -------------------------------------------------------------------

async function propertyOrNavigation(env: HandlerEnv, entity: EntityMeta, key: KeyRef, rest: PathSegment[]): Promise<InternalResponse> {
  const { req, ctx } = env;
  const view = ctx.store;
  const registry = view.registry;
  const name = rest[0].name;
  const attr = entity.attributes[name];
  const single = registry.singleNav(entity.logicalName, name);
  const coll = registry.collectionNav(entity.logicalName, name);

  if (attr && !isLookupType(attr) && (rest.length === 1 || (rest.length === 2 && rest[1].name === "$value"))) {
    if (req.method === "GET") {
      const id = requireId(env, view, entity, key);
      const row = view.get(entity.logicalName, id) as Row;
      const v = row[attr.logicalName] ?? null;
      if (!attr.validForRead) throw propertyNotFound(name, entity.logicalName);
      if (rest.length === 2) {
        if (v === null) return empty(204);
        return { status: 200, headers: { "OData-Version": "4.0", "Content-Type": "text/plain" }, body: Array.isArray(v) ? v.join(",") : String(v) };
      }
      return json(200, { "@odata.context": `${ctx.apiUrl()}$metadata#${entity.entitySetName}(${String(id)})/${name}`, value: Array.isArray(v) ? v.join(",") : v });
    }
    if (req.method === "PUT" || req.method === "DELETE") {
      let value: unknown = null;
      if (req.method === "PUT") {
        const body = parseBody(env, entity.entitySetName) as { value?: unknown };
        if (typeof body !== "object" || body === null || !("value" in body)) {
          throw payloadError(entity.entitySetName, "Microsoft.OData.ODataException: A single-property update needs a body of the form {\"value\": …}.");
        }
        value = body.value;
      }
      await env.run((s) => {
        const id = env.ctx.engine.resolveKey(s.tx, entity, key);
        if (!id) throw notFoundByKey(entity);
        env.ctx.engine.update(s, entity, id, new Map([[attr.logicalName, coerce(entity, attr, value)]]));
      });
      return empty(204);
    }
    throw methodNotAllowed(req);
  }

  if (single) {
    if (rest.length === 2 && rest[1].name === "$ref") {
      if (req.method === "DELETE") {
        await env.run((s) => {
          const id = requireId(env, s.tx, entity, key);
          env.ctx.engine.update(s, entity, id, new Map([[single.attribute, null]]));
        });
        return empty(204);
      }
      if (req.method === "PUT") {
        const body = parseBody(env, entity.entitySetName) as { "@odata.id"?: unknown };
        const ref = body["@odata.id"];
        if (typeof ref !== "string") throw payloadError(entity.entitySetName, "Microsoft.OData.ODataException: A $ref body needs \"@odata.id\".");
        await env.run((s) => {
          const id = requireId(env, s.tx, entity, key);
          const target = env.ctx.engine.resolveReference(s.tx, ref, env.contentIds ?? s.contentIds);
          if (target.entity !== single.target) throw payloadError(entity.entitySetName, `Microsoft.OData.ODataException: '${name}' refers to '${single.target}', not '${target.entity}'.`);
          if (!s.tx.get(target.entity, target.id)) throw notFound(target.entity, target.id);
          env.ctx.engine.update(s, entity, id, new Map<string, Value>([[single.attribute, target]]));
        });
        return empty(204);
      }
      throw methodNotAllowed(req);
    }
    if (rest.length === 1 && req.method === "GET") {
      const id = requireId(env, view, entity, key);
      const row = view.get(entity.logicalName, id) as Row;
      const ref = row[single.attribute];
      const target = registry.entity(single.target);
      if (!target) throw segmentNotFound(name);
      if (!isLookupValue(ref) || ref.entity !== single.target) return empty(204);
      const related = view.get(ref.entity, ref.id);
      if (!related) return empty(204);
      const opts = parseQueryOptions(parseQueryString(req.query), registry, target, false);
      const out = formatRow(target, related, view, formatOptions(env, opts));
      return json(200, { "@odata.context": contextUrl(ctx.apiUrl(), target.entitySetName, opts.selectNames, true), ...out }, withPreferenceApplied(env, {}));
    }
    throw methodNotAllowed(req);
  }

  if (coll) {
    const child = registry.entity(coll.childEntity);
    if (!child) throw segmentNotFound(name);
    if (rest.length === 1 && req.method === "GET") {
      const id = requireId(env, view, entity, key);
      const opts = parseQueryOptions(parseQueryString(req.query), registry, child, true);
      const scope = (r: Row) => {
        const v = r[coll.childAttribute];
        return isLookupValue(v) && v.id === id;
      };
      return collectionResponse(env, child, view, opts, `${entity.entitySetName}(${id})/${name}`, scope);
    }
    const last = rest[rest.length - 1];
    if (last.name === "$ref" && (req.method === "POST" || req.method === "DELETE")) {
      await env.run((s) => {
        const id = requireId(env, s.tx, entity, key);
        let childId: string;
        if (req.method === "POST") {
          const body = parseBody(env, entity.entitySetName) as { "@odata.id"?: unknown };
          if (typeof body["@odata.id"] !== "string") throw payloadError(entity.entitySetName, "Microsoft.OData.ODataException: A $ref body needs \"@odata.id\".");
          const ref = env.ctx.engine.resolveReference(s.tx, body["@odata.id"], env.contentIds ?? s.contentIds);
          if (ref.entity !== coll.childEntity) throw payloadError(entity.entitySetName, `Microsoft.OData.ODataException: '${name}' holds '${coll.childEntity}' rows, not '${ref.entity}'.`);
          childId = ref.id;
        } else {
          const childKey = rest.length === 2 && rest[0].args ? rest[0].args : parseQueryString(req.query).get("$id");
          if (!childKey) throw queryError("Disassociating from a collection needs the child key: .../nav(childid)/$ref.");
          const ck = childKey.includes("(") ? env.ctx.engine.resolveReference(s.tx, childKey, env.contentIds).id : parseKey(childKey, child);
          childId = typeof ck === "string" ? ck : (env.ctx.engine.resolveKey(s.tx, child, ck) ?? "");
        }
        if (!s.tx.get(child.logicalName, childId)) throw notFound(child.logicalName, childId);
        const value: Value = req.method === "POST" ? { id, entity: entity.logicalName } : null;
        env.ctx.engine.update(s, child, childId, new Map([[coll.childAttribute, value]]));
      });
      return empty(204);
    }
    throw methodNotAllowed(req);
  }
  const nn = registry.model.manyToMany.find((m) => m.schemaName === name && (m.entity1 === entity.logicalName || m.entity2 === entity.logicalName));
  if (nn) return manyToManyNavigation(env, entity, key, rest, nn);
  if (attr && isLookupType(attr)) throw propertyNotFound(name, entity.logicalName);
  throw segmentNotFound(name);
}

/**
 * An N:N navigation property (e.g. systemusers(id)/systemuserroles_association): GET lists the
 * related rows; POST …/$ref {"@odata.id": …} associates, DELETE …(otherid)/$ref disassociates
 * (webapi/associate-disassociate-entities-using-web-api). The pairs live in the intersect table,
 * one column per side named after that side's primary key.
 */
async function manyToManyNavigation(env: HandlerEnv, entity: EntityMeta, key: KeyRef, rest: PathSegment[], nn: ManyToManyMeta): Promise<InternalResponse> {
  const { req, ctx } = env;
  const registry = ctx.store.registry;
  const other = registry.entity(nn.entity1 === entity.logicalName ? nn.entity2 : nn.entity1);
  const intersect = registry.entity(nn.intersectEntity);
  if (!other || !intersect) throw segmentNotFound(nn.schemaName);
  const mine = entity.primaryIdAttribute;
  const theirs = other.primaryIdAttribute;
  const pairs = (view: { scan(e: string): Iterable<Row> }, id: string) => [...view.scan(intersect.logicalName)].filter((r) => r[mine] === id);
  if (rest.length === 1 && req.method === "GET") {
    const id = requireId(env, ctx.store, entity, key);
    const related = new Set(pairs(ctx.store, id).map((r) => String(r[theirs])));
    const opts = parseQueryOptions(parseQueryString(req.query), registry, other, true);
    return collectionResponse(env, other, ctx.store, opts, `${entity.entitySetName}(${id})/${nn.schemaName}`, (r) => related.has(String(r[theirs])));
  }
  const last = rest[rest.length - 1];
  if (last.name !== "$ref" || (req.method !== "POST" && req.method !== "DELETE")) throw methodNotAllowed(req);
  await env.run((s) => {
    const id = requireId(env, s.tx, entity, key);
    let otherId: string;
    if (req.method === "POST") {
      const body = parseBody(env, entity.entitySetName) as { "@odata.id"?: unknown };
      if (typeof body["@odata.id"] !== "string") throw payloadError(entity.entitySetName, "Microsoft.OData.ODataException: A $ref body needs \"@odata.id\".");
      const ref = env.ctx.engine.resolveReference(s.tx, body["@odata.id"], env.contentIds ?? s.contentIds);
      if (ref.entity !== other.logicalName) throw payloadError(entity.entitySetName, `Microsoft.OData.ODataException: '${nn.schemaName}' relates '${other.logicalName}' rows, not '${ref.entity}'.`);
      if (!s.tx.get(other.logicalName, ref.id)) throw notFound(other.logicalName, ref.id);
      if (pairs(s.tx, id).some((r) => r[theirs] === ref.id)) throw new DataverseError(412, ErrorCodes.DuplicateRecord, "Cannot insert duplicate key.");
      env.ctx.engine.platformPut(s, intersect.logicalName, newGuid(), { [mine]: id, [theirs]: ref.id });
      return;
    }
    const childKey = rest.length === 2 && rest[0].args ? rest[0].args : parseQueryString(req.query).get("$id");
    if (!childKey) throw queryError("Disassociating needs the other row's key: .../nav(otherid)/$ref.");
    if (childKey.includes("(")) otherId = env.ctx.engine.resolveReference(s.tx, childKey, env.contentIds).id;
    else {
      const k = parseKey(childKey, other);
      otherId = typeof k === "string" ? k : (env.ctx.engine.resolveKey(s.tx, other, k) ?? "");
    }
    const pair = pairs(s.tx, id).find((r) => r[theirs] === normGuid(otherId));
    if (!pair) throw notFound(intersect.logicalName, normGuid(otherId));
    s.tx.delete(intersect.logicalName, String(pair[intersect.primaryIdAttribute]));
  });
  return empty(204);
}

// ---- $metadata ---------------------------------------------------------------------------------------------

/** A CSDL document listing entity types, their properties and navigation properties, and entity sets. */
function metadataDocument(env: HandlerEnv): InternalResponse {
  const registry = env.ctx.store.registry;
  const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
  const types = registry
    .entities()
    .map((e) => {
      const props = Object.values(e.attributes)
        .filter((a) => a.validForRead)
        .map((a) => {
          const n = isLookupType(a) ? `_${a.logicalName}_value` : a.logicalName;
          const t = a.type === "DateTime" && a.format === "DateOnly" ? "Edm.Date" : EDM_TYPES[a.type] ?? "Edm.String";
          return `<Property Name="${esc(n)}" Type="${t}"/>`;
        })
        .join("");
      const navs = [
        ...registry.singleNavsOf(e.logicalName).map((n) => `<NavigationProperty Name="${esc(n.name)}" Type="mscrm.${n.target}" Partner="${esc(n.relationship.referencedNavigation)}"/>`),
        ...registry.collectionNavsOf(e.logicalName).map((n) => `<NavigationProperty Name="${esc(n.name)}" Type="Collection(mscrm.${n.childEntity})" Partner="${esc(n.relationship.referencingNavigation)}"/>`),
      ].join("");
      return `<EntityType Name="${e.logicalName}"><Key><PropertyRef Name="${e.primaryIdAttribute}"/></Key>${props}${navs}</EntityType>`;
    })
    .join("");
  const sets = registry
    .entities()
    .map((e) => `<EntitySet Name="${e.entitySetName}" EntityType="Microsoft.Dynamics.CRM.${e.logicalName}"/>`)
    .join("");
  const xml = `<?xml version="1.0" encoding="utf-8"?><edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx"><edmx:DataServices><Schema Namespace="Microsoft.Dynamics.CRM" Alias="mscrm" xmlns="http://docs.oasis-open.org/odata/ns/edm">${types}<EntityContainer Name="System">${sets}</EntityContainer></Schema></edmx:DataServices></edmx:Edmx>`;
  return { status: 200, headers: { "OData-Version": "4.0", "Content-Type": "application/xml" }, body: xml };
}

export { Session };
