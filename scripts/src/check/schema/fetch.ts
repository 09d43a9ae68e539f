/**
 * FetchXML as Fetch.xsd (CRM SDK 9.0.0.2090) defines it: the <fetch> inside a view's <fetchxml>.
 */
import { choice, complex, el, empty, simpleContent, type ComplexType } from "./model";
import { boolean, enumeration, integer, string, TrueFalse01, union } from "./simple-types";

const nmtokenBool = enumeration("FetchBoolType", ["true", "false", "1", "0"]);
const aggregate = enumeration("AggregateType", ["count", "countcolumn", "sum", "avg", "min", "max"]);
const rowAggregate = enumeration("RowAggregateType", ["countchildren"]);
const dateGrouping = enumeration("DateGroupingType", ["day", "week", "month", "quarter", "year", "fiscal-period", "fiscal-year"]);
const build = enumeration("build", ["1.504021", "1.003017"]);
const intOrEmpty = union("IntOrEmpty", [integer, enumeration("empty", [""])]);

/** The condition operators Fetch.xsd allows. */
export const FETCH_OPERATORS = [
  "eq", "neq", "ne", "gt", "ge", "le", "lt", "like", "not-like", "in", "not-in", "between", "not-between", "null", "not-null",
  "yesterday", "today", "tomorrow", "last-seven-days", "next-seven-days", "last-week", "this-week", "next-week", "last-month",
  "this-month", "next-month", "on", "on-or-before", "on-or-after", "last-year", "this-year", "next-year", "last-x-hours",
  "next-x-hours", "last-x-days", "next-x-days", "last-x-weeks", "next-x-weeks", "last-x-months", "next-x-months",
  "olderthan-x-months", "olderthan-x-years", "olderthan-x-weeks", "olderthan-x-days", "olderthan-x-hours", "olderthan-x-minutes",
  "last-x-years", "next-x-years", "eq-userid", "ne-userid", "eq-userteams", "eq-useroruserteams", "eq-useroruserhierarchy",
  "eq-useroruserhierarchyandteams", "eq-businessid", "ne-businessid", "eq-userlanguage", "this-fiscal-year", "this-fiscal-period",
  "next-fiscal-year", "next-fiscal-period", "last-fiscal-year", "last-fiscal-period", "last-x-fiscal-years", "last-x-fiscal-periods",
  "next-x-fiscal-years", "next-x-fiscal-periods", "in-fiscal-year", "in-fiscal-period", "in-fiscal-period-and-year",
  "in-or-before-fiscal-period-and-year", "in-or-after-fiscal-period-and-year", "begins-with", "not-begin-with", "ends-with",
  "not-end-with", "under", "eq-or-under", "not-under", "above", "eq-or-above", "contain-values", "not-contain-values",
] as const;
export const fetchOperator = enumeration("operator", FETCH_OPERATORS);

const condition: ComplexType = complex(choice("*", { "value*": simpleContent(string, { uiname: string, uitype: string }) }), {
  column: string,
  attribute: string,
  entityname: string,
  "operator!": fetchOperator,
  value: string,
  aggregate,
  rowaggregate: rowAggregate,
  alias: string,
  uiname: string,
  uitype: string,
  uihidden: TrueFalse01,
});

const filter = (): ComplexType =>
  complex(choice("*", el("condition{0,500}", condition), el("filter*", filter)), {
    type: enumeration("filter type", ["and", "or"]),
    isquickfindfields: boolean,
  });

const attribute = empty({
  "name!": string,
  build,
  addedby: string,
  alias: string,
  aggregate,
  groupby: nmtokenBool,
  dategrouping: dateGrouping,
  usertimezone: nmtokenBool,
  distinct: nmtokenBool,
});

const order = empty({ attribute: string, alias: string, descending: boolean });

const linkEntity = (): ComplexType =>
  complex(choice("*", el("all-attributes?", empty()), el("attribute*", attribute), el("order?", order), el("filter?", filter), el("link-entity", linkEntity)), {
    "name!": string,
    to: string,
    from: string,
    alias: string,
    "link-type": string,
    visible: boolean,
    intersect: boolean,
    enableprefiltering: boolean,
    prefilterparametername: string,
  });

const entity = complex(choice("*", el("all-attributes?", empty()), el("attribute*", attribute), el("order*", order), el("link-entity", linkEntity), el("filter?", filter)), {
  "name!": string,
  enableprefiltering: boolean,
  prefilterparametername: string,
});

export const FetchType: ComplexType = complex(choice("*", { entity, order }), {
  version: string,
  count: integer,
  page: integer,
  "paging-cookie": string,
  "utc-offset": intOrEmpty,
  aggregate: boolean,
  distinct: boolean,
  top: integer,
  mapping: enumeration("mapping", ["internal", "logical"]),
  "min-active-row-version": boolean,
  "output-format": enumeration("output-format", ["xml-ado", "xml-auto", "xml-elements", "xml-raw", "xml-platform"]),
  returntotalrecordcount: boolean,
  "no-lock": boolean,
});

/** A filter element (shared with the columnset of a view). */
export const FetchFilter = filter;
