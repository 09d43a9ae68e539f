/**
 * The list query of GET /v1.0/engagements/referrals: $filter, $orderby (createdDateTime /
 * updatedDateTime), $top, $skip, $count, $select, and server-driven paging with an absolute
 * @odata.nextLink carrying $skiptoken (reference §2 "Filtering and paging").
 *
 * The skiptoken is a keyset cursor (the last item's sort keys and id), not an offset: a referral
 * updated while a client pages by updatedDateTime moves behind the cursor and is read again later
 * instead of making another one be skipped.
 */
import type { Referral } from "../../../../plugins-ts/src/partner-center/referral";
import { invalidRequest } from "../errors";
import { checkLiterals, FilterNode, FilterSyntaxError, FilterTypeError, matches, parseFilter, pinsEngagement } from "./filter";

export const ORDERABLE = ["createdDateTime", "updatedDateTime"] as const;
type OrderKey = { field: (typeof ORDERABLE)[number]; desc: boolean };

/** Top-level properties $select accepts (the Referral resource's). */
export const SELECTABLE = new Set([
  "id", "engagementId", "name", "externalReferenceId", "organizationId", "organizationName", "createdDateTime",
  "updatedDateTime", "expirationDateTime", "acceptedDateTime", "closedDateTime", "status", "substatus", "statusReason",
  "type", "qualification", "referralProgram", "campaignId", "salesStage", "direction", "customerProfile", "consent",
  "details", "team", "inviteContext", "target", "links", "eTag", "trackingInfo", "favorite", "lastModifiedVia",
  "lastRunId", "mpnId", "callToAction", "referralSource", "quality", "isSpam", "tags", "registrations",
  "registrationStatus", "offerId",
]);

export interface ParsedListQuery {
  filterText?: string;
  filter?: FilterNode;
  orderByText?: string;
  order: OrderKey[];
  top?: number;
  skip: number;
  count: boolean;
  select?: string[];
  cursor?: Cursor;
}

interface Cursor {
  /** Sort key values of the last item returned, then its id. */
  k: Array<string | null>;
  /** $top still to serve, when the client gave one. */
  r?: number;
}

function nonNegativeInt(name: string, value: string | null): number | undefined {
  if (value === null) return undefined;
  if (!/^\d+$/.test(value.trim())) throw invalidRequest(`The value '${value}' of ${name} is not a non-negative integer.`, name);
  return Number(value.trim());
}

export function parseListQuery(params: URLSearchParams): ParsedListQuery {
  for (const name of params.keys()) {
    if (name.startsWith("$") && !["$filter", "$orderby", "$top", "$skip", "$count", "$select", "$expand", "$skiptoken"].includes(name)) {
      throw invalidRequest(`The query option '${name}' is not supported.`, name);
    }
  }
  const q: ParsedListQuery = { order: [], skip: 0, count: false };
  const filterText = params.get("$filter");
  if (filterText !== null) {
    try {
      q.filter = parseFilter(filterText);
      checkLiterals(q.filter);
    } catch (e) {
      if (e instanceof FilterSyntaxError || e instanceof FilterTypeError) throw invalidRequest(`Invalid $filter: ${e.message}.`, "$filter");
      throw e;
    }
    q.filterText = filterText;
  }
  const orderBy = params.get("$orderby");
  if (orderBy !== null) {
    q.orderByText = orderBy;
    for (const part of orderBy.split(",")) {
      const m = part.trim().match(/^(\w+)(?:\s+(asc|desc))?$/);
      if (!m || !(ORDERABLE as readonly string[]).includes(m[1]!)) {
        throw invalidRequest(`Invalid $orderby '${part.trim()}': ordering is supported on createdDateTime and updatedDateTime, asc or desc.`, "$orderby");
      }
      q.order.push({ field: m[1] as OrderKey["field"], desc: m[2] === "desc" });
    }
  }
  q.top = nonNegativeInt("$top", params.get("$top"));
  q.skip = nonNegativeInt("$skip", params.get("$skip")) ?? 0;
  const count = params.get("$count");
  if (count !== null) {
    if (count !== "true" && count !== "false") throw invalidRequest(`The value '${count}' of $count must be true or false.`, "$count");
    q.count = count === "true";
  }
  const select = params.get("$select");
  if (select !== null && select.trim() !== "") {
    q.select = select.split(",").map((s) => s.trim());
    const bad = q.select.find((s) => !SELECTABLE.has(s));
    if (bad !== undefined) throw invalidRequest(`Invalid $select: could not find a property named '${bad}' on type 'Referral'.`, "$select");
  }
  const token = params.get("$skiptoken");
  if (token !== null) {
    try {
      const c = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as Cursor;
      if (!Array.isArray(c.k) || c.k.length !== (q.order.length || 1) + 1) throw new Error("shape");
      q.cursor = c;
    } catch {
      throw invalidRequest("The $skiptoken is not valid for this query. Start again from the first page.", "$skiptoken");
    }
  }
  return q;
}

function sortKeys(r: Referral, order: OrderKey[]): Array<string | null> {
  const keys = (order.length ? order : [{ field: "createdDateTime", desc: false } as OrderKey]).map((o) => {
    const v = r[o.field];
    return typeof v === "string" ? new Date(v).toISOString() : null;
  });
  keys.push((r.id ?? "").toLowerCase());
  return keys;
}

function compareKeys(a: Array<string | null>, b: Array<string | null>, order: OrderKey[]): number {
  const effective = order.length ? order : [{ field: "createdDateTime", desc: false } as OrderKey];
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ?? "";
    const y = b[i] ?? "";
    if (x === y) continue;
    const desc = i < effective.length ? effective[i]!.desc : false;
    return (x < y ? -1 : 1) * (desc ? -1 : 1);
  }
  return 0;
}

export interface ListPageResult {
  value: Referral[];
  count?: number;
  /** Query string (without "?") of the next page, when there is one. */
  nextQuery?: string;
}

/**
 * Run the query over all referrals. `isOwn` tells the partner's own referrals from the other
 * side of an engagement, which are listed only by an engagementId query (related referrals).
 */
export function runListQuery(all: readonly Referral[], q: ParsedListQuery, pageSize: number, isOwn: (r: Referral) => boolean): ListPageResult {
  const related = pinsEngagement(q.filter);
  const matched = all.filter((r) => (related || isOwn(r)) && matches(q.filter, r));
  const keyed = matched.map((r) => ({ r, k: sortKeys(r, q.order) }));
  keyed.sort((a, b) => compareKeys(a.k, b.k, q.order));

  let start: number;
  let remaining: number | undefined;
  if (q.cursor) {
    start = keyed.findIndex((x) => compareKeys(x.k, q.cursor!.k, q.order) > 0);
    if (start < 0) start = keyed.length;
    remaining = q.cursor.r;
  } else {
    start = Math.min(q.skip, keyed.length);
    remaining = q.top;
  }
  const size = Math.min(pageSize, remaining ?? Infinity);
  const slice = keyed.slice(start, start + size);
  const left = remaining === undefined ? undefined : remaining - slice.length;
  const more = start + slice.length < keyed.length && (left === undefined || left > 0) && slice.length > 0;

  let nextQuery: string | undefined;
  if (more) {
    const cursor: Cursor = { k: slice[slice.length - 1]!.k, ...(left !== undefined ? { r: left } : {}) };
    // "$" stays literal, as in the documented nextLink; values are percent-encoded.
    const parts: string[] = [];
    const add = (name: string, value: string) => parts.push(`${name}=${encodeURIComponent(value)}`);
    if (q.filterText !== undefined) add("$filter", q.filterText);
    if (q.orderByText !== undefined) add("$orderby", q.orderByText);
    if (q.count) add("$count", "true");
    if (q.select) add("$select", q.select.join(","));
    add("$skiptoken", Buffer.from(JSON.stringify(cursor), "utf8").toString("base64url"));
    nextQuery = parts.join("&");
  }
  return {
    value: slice.map((x) => x.r),
    ...(q.count ? { count: keyed.length } : {}),
    ...(nextQuery ? { nextQuery } : {}),
  };
}

export function project(r: Record<string, unknown>, select: string[] | undefined): Record<string, unknown> {
  if (!select) return r;
  const out: Record<string, unknown> = {};
  for (const k of select) if (k in r) out[k] = r[k];
  return out;
}
