/**
 * OData query options for the referrals list (reference §2 "Filtering and paging"): $filter,
 * $orderby, $top, $skip, $count, $select, $expand; and safe construction of $filter text, so a
 * value with a quote in it can never change the meaning of a filter.
 */

export interface ReferralQuery {
  /** OData $filter, e.g. built with `odataFilter`. */
  filter?: string;
  /** "createdDateTime" or "updatedDateTime", optionally followed by " asc" / " desc". */
  orderBy?: string;
  /** Total number of referrals wanted across all pages. */
  top?: number;
  skip?: number;
  /** Ask for @odata.count (the number of matches, ignoring $top and $skip). */
  count?: boolean;
  select?: string | string[];
  expand?: string;
}

export type ODataValue = string | number | boolean | Date | null;

/** An OData literal: strings quoted with '' escaping, dates as unquoted ISO-8601 UTC. */
export function odataLiteral(value: ODataValue): string {
  if (value === null) return "null";
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new RangeError("odataLiteral: invalid Date");
    return value.toISOString();
  }
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new RangeError("odataLiteral: number must be finite");
    return String(value);
  }
  if (typeof value === "boolean") return value ? "true" : "false";
  return `'${value.replace(/'/g, "''")}'`;
}

/**
 * Tagged template that turns every interpolated value into a literal:
 * odataFilter`engagementId eq ${id} and updatedDateTime gt ${since}`.
 */
export function odataFilter(strings: TemplateStringsArray, ...values: ODataValue[]): string {
  let out = strings[0]!;
  values.forEach((v, i) => {
    out += odataLiteral(v) + strings[i + 1]!;
  });
  return out;
}

function checkCount(name: string, value: number | undefined): void {
  if (value !== undefined && (!Number.isInteger(value) || value < 0)) {
    throw new RangeError(`${name} must be a non-negative integer, got ${value}`);
  }
}

const ORDERABLE = /^(createdDateTime|updatedDateTime)(\s+(asc|desc))?$/;

/** The query string (with leading "?", or "" when empty). Throws on options the API rejects. */
export function buildQueryString(query: ReferralQuery = {}): string {
  checkCount("top", query.top);
  checkCount("skip", query.skip);
  if (query.orderBy !== undefined && !ORDERABLE.test(query.orderBy.trim())) {
    throw new RangeError(`orderBy supports createdDateTime or updatedDateTime with asc/desc, got "${query.orderBy}"`);
  }
  const parts: string[] = [];
  const add = (name: string, value: string) => parts.push(`${name}=${encodeURIComponent(value)}`);
  if (query.filter) add("$filter", query.filter);
  if (query.orderBy) add("$orderby", query.orderBy.trim());
  if (query.top !== undefined) add("$top", String(query.top));
  if (query.skip !== undefined) add("$skip", String(query.skip));
  if (query.count) add("$count", "true");
  if (query.select !== undefined) add("$select", Array.isArray(query.select) ? query.select.join(",") : query.select);
  if (query.expand) add("$expand", query.expand);
  return parts.length ? `?${parts.join("&")}` : "";
}
