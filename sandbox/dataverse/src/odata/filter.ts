/**
 * $filter: parser and evaluator for the subset of OData the Dataverse Web API supports that our
 * flows and clients use: comparisons (eq ne gt ge lt le), and / or / not, parentheses,
 * contains / startswith / endswith, null checks, lookups by _x_value, single-valued navigation
 * paths (customerid_account/name), any/all over collection-valued navigation properties, and the
 * Microsoft.Dynamics.CRM.In / NotIn / Null / NotNull query functions. Strings compare
 * case-insensitively, as Dataverse's database collation does.
 * learn.microsoft.com/power-apps/developer/data-platform/webapi/query/filter-rows
 */
import { DataverseError, ErrorCodes, propertyNotFound, queryError } from "../errors";
import { FILTER_STEPS_PER_PARENTHESIS, MAX_FILTER_CONDITIONS, MAX_FILTER_RECURSION } from "../limits";
import { isLookupType, type Registry } from "../metadata/registry";
import type { AttributeMeta, EntityMeta } from "../metadata/types";
import { isLookupValue, type DataView, type Row, type Value } from "../store/store";
import { splitTopLevel, tokenize, type Token } from "./literals";

type Literal =
  | { type: "string"; value: string }
  | { type: "number"; value: number }
  | { type: "bool"; value: boolean }
  | { type: "null" }
  | { type: "guid"; value: string }
  | { type: "datetime"; value: string }
  | { type: "date"; value: string };

type EdmKind = "string" | "number" | "bool" | "guid" | "datetime" | "date";

interface PropRef {
  kind: "prop";
  /** Single-valued navigation hops before the final property. */
  navs: Array<{ nav: string; target: string; attribute: string }>;
  /** Final attribute, or the lookup attribute when addressed as _x_value. */
  attr: AttributeMeta;
  edm: EdmKind;
}

type Operand = PropRef | { kind: "lit"; lit: Literal };

export type FilterNode =
  | { kind: "and" | "or"; left: FilterNode; right: FilterNode }
  | { kind: "not"; expr: FilterNode }
  | { kind: "cmp"; op: "eq" | "ne" | "gt" | "ge" | "lt" | "le"; left: Operand; right: Operand }
  | { kind: "strfn"; fn: "contains" | "startswith" | "endswith"; prop: PropRef; text: string }
  | { kind: "boolprop"; prop: PropRef }
  | { kind: "in"; negate: boolean; prop: PropRef; values: Literal[] }
  | { kind: "isnull"; negate: boolean; prop: PropRef }
  | { kind: "lambda"; op: "any" | "all"; nav: string; parentPk: string; childEntity: string; childAttribute: string; variable: string; pred: FilterNode | null };

const CMP_OPS = new Set(["eq", "ne", "gt", "ge", "lt", "le"]);
const CMP_NAMES: Record<string, string> = { eq: "Equal", ne: "NotEqual", gt: "GreaterThan", ge: "GreaterThanOrEqual", lt: "LessThan", le: "LessThanOrEqual" };

export function edmOf(a: AttributeMeta): EdmKind {
  switch (a.type) {
    case "String":
    case "Memo":
    case "EntityName":
    case "MultiSelectPicklist":
      return "string";
    case "Integer":
    case "BigInt":
    case "Decimal":
    case "Double":
    case "Money":
    case "Picklist":
    case "State":
    case "Status":
      return "number";
    case "Boolean":
      return "bool";
    case "DateTime":
      return a.format === "DateOnly" ? "date" : "datetime";
    default:
      return "guid";
  }
}

const edmName = (k: EdmKind | "null"): string =>
  ({ string: "Edm.String", number: "Edm.Int32", bool: "Edm.Boolean", guid: "Edm.Guid", datetime: "Edm.DateTimeOffset", date: "Edm.Date", null: "null" })[k];

/** ODataLib's answer when a query option nests deeper than its parser's recursion limit ([odatalib] in limits.ts). */
export const tooDeep = (): DataverseError => queryError("Recursion depth exceeded allowed limit.");

/**
 * Refuse a query option nested deeper than ODataLib reads it, before anything recursive looks at
 * it: each parenthesis level costs the OData parser FILTER_STEPS_PER_PARENTHESIS of its
 * MAX_FILTER_RECURSION steps. Quoted text does not count.
 */
export function assertNesting(text: string): void {
  const maxLevels = Math.floor(MAX_FILTER_RECURSION / FILTER_STEPS_PER_PARENTHESIS) - 1;
  let depth = 0;
  let inQuote = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inQuote) {
      if (ch === "'") inQuote = false;
    } else if (ch === "'") inQuote = true;
    else if (ch === "(") {
      if (++depth > maxLevels) throw tooDeep();
    } else if (ch === ")") depth--;
  }
}

class Parser {
  private i = 0;
  private readonly toks: Token[];
  /** Recursion steps in use, counted as ODataLib counts them (see MAX_FILTER_RECURSION). */
  private steps = 0;

  private enter(n: number): void {
    this.steps += n;
    if (this.steps > MAX_FILTER_RECURSION) throw tooDeep();
  }

  constructor(
    private readonly src: string,
    private readonly registry: Registry,
    private readonly entity: EntityMeta,
  ) {
    this.toks = tokenize(src);
  }

  parse(): FilterNode {
    if (this.toks.length === 0) throw queryError("The $filter expression is empty.");
    const node = this.parseOr();
    if (this.i < this.toks.length) this.fail(this.toks[this.i]);
    return node;
  }

  private fail(t: Token | undefined): never {
    if (!t) throw queryError(`Syntax error: unexpected end of the $filter expression '${this.src}'.`);
    throw queryError(`Syntax error at position ${t.pos} in '${this.src}'.`);
  }

  private peek(): Token | undefined {
    return this.toks[this.i];
  }

  private next(): Token {
    const t = this.toks[this.i++];
    if (!t) this.fail(undefined);
    return t;
  }

  private expect(kind: Token["kind"]): Token {
    const t = this.next();
    if (t.kind !== kind) this.fail(t);
    return t;
  }

  private isWord(t: Token | undefined, w: string): boolean {
    return t?.kind === "ident" && t.text === w;
  }

  private parseOr(): FilterNode {
    this.enter(2); // expression, logical or
    let left = this.parseAnd();
    while (this.isWord(this.peek(), "or")) {
      this.i++;
      left = { kind: "or", left, right: this.parseAnd() };
    }
    this.steps -= 2;
    return left;
  }

  private parseAnd(): FilterNode {
    this.enter(1);
    let left = this.parseNot();
    while (this.isWord(this.peek(), "and")) {
      this.i++;
      left = { kind: "and", left, right: this.parseNot() };
    }
    this.steps -= 1;
    return left;
  }

  private parseNot(first = true): FilterNode {
    const cost = first ? 4 : 1; // comparison, additive, multiplicative, unary; each further 'not' one more
    this.enter(cost);
    let node: FilterNode;
    if (this.isWord(this.peek(), "not")) {
      this.i++;
      node = { kind: "not", expr: this.parseNot(false) };
    } else node = this.parsePredicate();
    this.steps -= cost;
    return node;
  }

  private parsePredicate(): FilterNode {
    this.enter(2); // in/has, primary
    try {
      return this.predicate();
    } finally {
      this.steps -= 2;
    }
  }

  private predicate(): FilterNode {
    const t = this.peek();
    if (!t) this.fail(undefined);
    if (t.kind === "lparen") {
      this.i++;
      const inner = this.parseOr();
      this.expect("rparen");
      return inner;
    }
    if (t.kind === "ident" && (t.text === "contains" || t.text === "startswith" || t.text === "endswith") && this.toks[this.i + 1]?.kind === "lparen") {
      this.i += 2;
      const prop = this.parseProp();
      this.expect("comma");
      const lit = this.parseLiteral();
      this.expect("rparen");
      if (prop.edm !== "string") throw queryError(`No function signature for the function with name '${t.text}' matches the specified arguments. The function signatures considered are: ${t.text}(Edm.String Nullable=true, Edm.String Nullable=true).`);
      if (lit.type !== "string") throw queryError(`No function signature for the function with name '${t.text}' matches the specified arguments.`);
      return { kind: "strfn", fn: t.text, prop, text: lit.value };
    }
    if (t.kind === "ident" && t.text.startsWith("Microsoft.Dynamics.CRM.")) return this.parseQueryFunction();
    const left = this.parseOperand();
    const op = this.peek();
    if (op && op.kind === "ident" && CMP_OPS.has(op.text)) {
      this.i++;
      const right = this.parseOperand();
      return this.makeCmp(op.text as "eq", left, right);
    }
    if (left.kind === "prop" && left.edm === "bool") return { kind: "boolprop", prop: left };
    this.fail(op);
  }

  private makeCmp(op: "eq" | "ne" | "gt" | "ge" | "lt" | "le", left: Operand, right: Operand): FilterNode {
    const kindOf = (o: Operand): EdmKind | "null" =>
      o.kind === "prop" ? o.edm : o.lit.type === "null" ? "null" : o.lit.type === "bool" ? "bool" : (o.lit.type as EdmKind);
    const lk = kindOf(left);
    const rk = kindOf(right);
    const compatible =
      lk === "null" ||
      rk === "null" ||
      lk === rk ||
      ((lk === "date" || lk === "datetime") && (rk === "date" || rk === "datetime"));
    if (!compatible) {
      throw queryError(
        `A binary operator with incompatible types was detected. Found operand types '${edmName(lk)}' and '${edmName(rk)}' for operator kind '${CMP_NAMES[op]}'.`,
      );
    }
    if ((lk === "null" || rk === "null") && op !== "eq" && op !== "ne") {
      throw queryError(`The operator '${op}' cannot be used with null.`);
    }
    return { kind: "cmp", op, left, right };
  }

  private parseQueryFunction(): FilterNode {
    const t = this.next();
    const fn = t.text.slice("Microsoft.Dynamics.CRM.".length);
    this.expect("lparen");
    const args: Record<string, { prop?: string; values?: Literal[]; value?: Literal }> = {};
    while (this.peek()?.kind !== "rparen") {
      const name = this.expect("ident").text;
      this.expect("eq");
      if (this.peek()?.kind === "lbracket") {
        this.i++;
        const values: Literal[] = [];
        while (this.peek()?.kind !== "rbracket") {
          values.push(this.parseLiteral());
          if (this.peek()?.kind === "comma") this.i++;
        }
        this.expect("rbracket");
        args[name] = { values };
      } else {
        args[name] = { value: this.parseLiteral() };
      }
      if (this.peek()?.kind === "comma") this.i++;
    }
    this.expect("rparen");
    const propName = args.PropertyName?.value;
    if (!propName || propName.type !== "string") throw queryError(`The query function '${fn}' needs a PropertyName parameter.`);
    const prop = this.resolvePath([propName.value]);
    switch (fn) {
      case "In":
      case "NotIn": {
        const values = args.PropertyValues?.values;
        if (!values) throw queryError(`The query function '${fn}' needs a PropertyValues parameter.`);
        return { kind: "in", negate: fn === "NotIn", prop, values };
      }
      case "Null":
      case "NotNull":
        return { kind: "isnull", negate: fn === "NotNull", prop };
      default:
        throw queryError(`The query function 'Microsoft.Dynamics.CRM.${fn}' is not supported by this emulator.`);
    }
  }

  private parseOperand(): Operand {
    const t = this.peek();
    if (!t) this.fail(undefined);
    if (t.kind === "ident" && !["true", "false", "null"].includes(t.text)) return this.parseProp();
    return { kind: "lit", lit: this.parseLiteral() };
  }

  private parseLiteral(): Literal {
    const t = this.next();
    switch (t.kind) {
      case "string":
        return { type: "string", value: String(t.value) };
      case "number":
        return { type: "number", value: Number(t.value) };
      case "guid":
        return { type: "guid", value: String(t.value) };
      case "datetime":
        return { type: "datetime", value: String(t.value) };
      case "date":
        return { type: "date", value: String(t.value) };
      case "ident":
        if (t.text === "true" || t.text === "false") return { type: "bool", value: t.text === "true" };
        if (t.text === "null") return { type: "null" };
        break;
      default:
        break;
    }
    this.fail(t);
  }

  /** A property path: name(/name)*, possibly ending in any(...) / all(...). */
  private parseProp(): PropRef {
    const segments: string[] = [this.expect("ident").text];
    while (this.peek()?.kind === "slash") {
      this.i++;
      const seg = this.expect("ident").text;
      if ((seg === "any" || seg === "all") && this.peek()?.kind === "lparen") {
        throw queryError("any/all must be used as a predicate.");
      }
      segments.push(seg);
    }
    return this.resolvePath(segments);
  }

  private resolvePath(segments: string[]): PropRef {
    let entity = this.entity;
    const navs: PropRef["navs"] = [];
    for (let k = 0; k < segments.length - 1; k++) {
      const nav = this.registry.singleNav(entity.logicalName, segments[k]);
      if (!nav) throw propertyNotFound(segments[k], entity.logicalName);
      navs.push({ nav: nav.name, target: nav.target, attribute: nav.attribute });
      const next = this.registry.entity(nav.target);
      if (!next) throw propertyNotFound(segments[k], entity.logicalName);
      entity = next;
    }
    const last = segments[segments.length - 1];
    const attr = resolveProperty(entity, last);
    if (!attr) throw propertyNotFound(last, entity.logicalName);
    return { kind: "prop", navs, attr, edm: edmOf(attr) };
  }

}

/** A $select / $filter / $orderby property of a table: a column, or _x_value for a lookup. */
export function resolveProperty(entity: EntityMeta, name: string): AttributeMeta | undefined {
  const m = /^_(.+)_value$/.exec(name);
  if (m) {
    const a = entity.attributes[m[1]];
    return a && isLookupType(a) && a.validForRead ? a : undefined;
  }
  const a = entity.attributes[name];
  if (!a || isLookupType(a) || !a.validForRead) return undefined;
  return a;
}

export interface CompiledFilter {
  node: FilterNode;
  test(row: Row, view: DataView): boolean;
}

export function compileFilter(src: string, registry: Registry, entity: EntityMeta): CompiledFilter {
  assertNesting(src);
  const node = parseWithLambdas(src, registry, entity);
  if (countConditions(node) > MAX_FILTER_CONDITIONS) {
    throw new DataverseError(400, ErrorCodes.TooManyConditionsInQuery, "Number of conditions in query exceeded maximum limit.");
  }
  return { node, test: (row, view) => evaluate(node, row, view, {}) };
}

/** Conditions as Dataverse counts them: every comparison, function and null test, lambda ones included. */
function countConditions(root: FilterNode): number {
  let n = 0;
  const stack: FilterNode[] = [root];
  while (stack.length) {
    const x = stack.pop()!;
    switch (x.kind) {
      case "and":
      case "or":
        stack.push(x.left, x.right);
        break;
      case "not":
        stack.push(x.expr);
        break;
      case "lambda":
        n++;
        if (x.pred) stack.push(x.pred);
        break;
      default:
        n++;
    }
  }
  return n;
}

/**
 * Lambda operators need the variable in scope while parsing the predicate, so they are parsed by
 * splitting the expression text: `nav/any(v:pred)` becomes a lambda node whose predicate is parsed
 * against the child table.
 */
function parseWithLambdas(src: string, registry: Registry, entity: EntityMeta): FilterNode {
  const re = /([A-Za-z_][\w]*)\/(any|all)\(/g;
  const lambdas: FilterNode[] = [];
  let text = "";
  let last = 0;
  for (let m = re.exec(src); m; m = re.exec(src)) {
    // find matching paren
    let depth = 1;
    let j = m.index + m[0].length;
    let inQuote = false;
    for (; j < src.length && depth > 0; j++) {
      const ch = src[j];
      if (inQuote) {
        if (ch === "'") inQuote = false;
      } else if (ch === "'") inQuote = true;
      else if (ch === "(") depth++;
      else if (ch === ")") depth--;
    }
    if (depth !== 0) throw queryError(`Syntax error: unbalanced parentheses in '${src}'.`);
    const inner = src.slice(m.index + m[0].length, j - 1);
    const nav = registry.collectionNav(entity.logicalName, m[1]);
    if (!nav) throw propertyNotFound(m[1], entity.logicalName);
    const child = registry.entity(nav.childEntity);
    if (!child) throw propertyNotFound(m[1], entity.logicalName);
    let pred: FilterNode | null = null;
    let variable = "";
    if (inner.trim()) {
      const colon = inner.indexOf(":");
      if (colon < 0) throw queryError(`Syntax error in lambda expression '${inner}'.`);
      variable = inner.slice(0, colon).trim();
      const body = inner.slice(colon + 1).replace(new RegExp(`\\b${variable}/`, "g"), "");
      pred = parseWithLambdas(body, registry, child);
    }
    lambdas.push({ kind: "lambda", op: m[2] as "any", nav: m[1], parentPk: entity.primaryIdAttribute, childEntity: nav.childEntity, childAttribute: nav.childAttribute, variable, pred });
    text += src.slice(last, m.index) + `__lambda${lambdas.length - 1} eq true`;
    last = j;
    re.lastIndex = j;
  }
  text += src.slice(last);
  if (lambdas.length === 0) return new Parser(src, registry, entity).parse();
  // Parse the outer text with placeholder boolean pseudo-columns, then substitute.
  const pseudo: EntityMeta = { ...entity, attributes: { ...entity.attributes } };
  lambdas.forEach((_, k) => {
    pseudo.attributes[`__lambda${k}`] = {
      logicalName: `__lambda${k}`,
      schemaName: `__lambda${k}`,
      type: "Boolean",
      displayName: "",
      requiredLevel: "None",
      isCustom: false,
      validForCreate: false,
      validForUpdate: false,
      validForRead: true,
      metadataId: "",
    };
  });
  const outer = new Parser(text, registry, pseudo).parse();
  const substitute = (n: FilterNode): FilterNode => {
    switch (n.kind) {
      case "and":
      case "or":
        return { ...n, left: substitute(n.left), right: substitute(n.right) };
      case "not":
        return { kind: "not", expr: substitute(n.expr) };
      case "cmp":
        if (n.left.kind === "prop" && n.left.attr.logicalName.startsWith("__lambda")) {
          return lambdas[Number(n.left.attr.logicalName.slice("__lambda".length))];
        }
        return n;
      default:
        return n;
    }
  };
  return substitute(outer);
}

// ---- evaluation ------------------------------------------------------------------------------

function propValue(p: PropRef, row: Row, view: DataView): Value | undefined {
  let current: Row | undefined = row;
  for (const hop of p.navs) {
    const v: Value | undefined = current?.[hop.attribute];
    if (!isLookupValue(v)) return null;
    current = view.get(v.entity, v.id);
    if (!current) return null;
  }
  const v = current?.[p.attr.logicalName];
  if (isLookupValue(v)) return v.id;
  return v ?? null;
}

function litValue(l: Literal): Value {
  switch (l.type) {
    case "null":
      return null;
    default:
      return l.value;
  }
}

function toComparable(v: Value | undefined, edm: EdmKind | "null"): string | number | boolean | null {
  if (v === null || v === undefined) return null;
  if (Array.isArray(v)) return v.join(",");
  if (typeof v === "object") return v.id;
  switch (edm) {
    case "string":
      return String(v).toLowerCase();
    case "guid":
      return String(v).toLowerCase();
    case "datetime":
      return Date.parse(String(v));
    case "date":
      return String(v).slice(0, 10);
    case "number":
      return Number(v);
    default:
      return v as string | number | boolean;
  }
}

/** SQL semantics, as Dataverse: a comparison with a null column value is false, except `eq/ne null`. */
function compare(op: string, a: string | number | boolean | null, b: string | number | boolean | null, nullLiteral: boolean): boolean {
  if (nullLiteral) return op === "eq" ? a === b : a !== b;
  if (a === null || b === null) return false;
  if (op === "eq") return a === b;
  if (op === "ne") return a !== b;
  switch (op) {
    case "gt":
      return a > b;
    case "ge":
      return a >= b;
    case "lt":
      return a < b;
    case "le":
      return a <= b;
    default:
      return false;
  }
}

function evaluate(n: FilterNode, row: Row, view: DataView, ctx: Record<string, Row>): boolean {
  switch (n.kind) {
    case "and":
      return evaluate(n.left, row, view, ctx) && evaluate(n.right, row, view, ctx);
    case "or":
      return evaluate(n.left, row, view, ctx) || evaluate(n.right, row, view, ctx);
    case "not":
      return !evaluate(n.expr, row, view, ctx);
    case "cmp": {
      const edm: EdmKind | "null" =
        n.left.kind === "prop" ? n.left.edm : n.right.kind === "prop" ? n.right.edm : "null";
      // A date-only column compared with a date-time literal compares the date part.
      const get = (o: Operand): string | number | boolean | null =>
        o.kind === "prop" ? toComparable(propValue(o, row, view), edm) : toComparable(litValue(o.lit), o.lit.type === "datetime" && edm === "date" ? "date" : edm);
      const nullLiteral = (n.left.kind === "lit" && n.left.lit.type === "null") || (n.right.kind === "lit" && n.right.lit.type === "null");
      return compare(n.op, get(n.left), get(n.right), nullLiteral);
    }
    case "strfn": {
      const v = propValue(n.prop, row, view);
      if (v === null || v === undefined) return false;
      const s = String(v).toLowerCase();
      const t = n.text.toLowerCase();
      return n.fn === "contains" ? s.includes(t) : n.fn === "startswith" ? s.startsWith(t) : s.endsWith(t);
    }
    case "boolprop":
      return propValue(n.prop, row, view) === true;
    case "in": {
      const v = toComparable(propValue(n.prop, row, view), n.prop.edm);
      const hit = n.values.some((l) => toComparable(litValue(l), n.prop.edm) === v);
      return n.negate ? !hit && v !== null : hit;
    }
    case "isnull": {
      const v = propValue(n.prop, row, view);
      const isNull = v === null || v === undefined;
      return n.negate ? !isNull : isNull;
    }
    case "lambda": {
      const id = row[n.parentPk];
      let any = false;
      let all = true;
      for (const child of view.scan(n.childEntity)) {
        const ref = child[n.childAttribute];
        if (!isLookupValue(ref) || ref.id !== id) continue;
        const ok = n.pred ? evaluate(n.pred, child, view, ctx) : true;
        if (ok) any = true;
        else all = false;
        if (n.op === "any" && any) return true;
        if (n.op === "all" && !all) return false;
      }
      return n.op === "any" ? any : all;
    }
  }
}

/** Parse an $orderby value into property references (validated against the table). */
export function parseOrderBy(src: string, entity: EntityMeta): Array<{ attr: AttributeMeta; desc: boolean }> {
  return splitTopLevel(src, ",").map((part) => {
    const [name, dir, extra] = part.split(/\s+/);
    if (extra !== undefined || (dir !== undefined && dir !== "asc" && dir !== "desc")) {
      throw queryError(`Syntax error at '${part}' in $orderby '${src}'.`);
    }
    const attr = resolveProperty(entity, name);
    if (!attr) throw propertyNotFound(name, entity.logicalName);
    return { attr, desc: dir === "desc" };
  });
}
