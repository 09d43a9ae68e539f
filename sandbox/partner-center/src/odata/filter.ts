/**
 * OData $filter for referrals: parser and evaluator.
 *
 * Grammar (OData v4 subset the Partner Center docs use, reference §2 "Filtering and paging"):
 *   expr    := and ("or" and)*
 *   and     := unary ("and" unary)*
 *   unary   := "not" unary | compare
 *   compare := operand (("eq"|"ne"|"gt"|"ge"|"lt"|"le") operand)?
 *   operand := "(" expr ")" | literal | path | path "/" ("any"|"all") "(" [var ":" expr] ")"
 *   literal := 'string' ('' escapes) | number | true | false | null | ISO date-time | GUID | datetime'…'
 * Properties are checked against the filterable set; errors name the position and the problem.
 */

import { MAX_FILTER_RECURSION } from "../limits";

export type FilterNode =
  | { kind: "or" | "and"; left: FilterNode; right: FilterNode }
  | { kind: "not"; operand: FilterNode }
  | { kind: "compare"; op: CompareOp; left: Operand; right: Operand }
  | { kind: "lambda"; quantifier: "any" | "all"; collection: string; variable?: string; body?: FilterNode }
  | { kind: "truthy"; operand: Operand };

export type CompareOp = "eq" | "ne" | "gt" | "ge" | "lt" | "le";
export type Operand =
  | { kind: "property"; path: string; variable?: string }
  | { kind: "literal"; value: string | number | boolean | null; type: "string" | "number" | "boolean" | "null" | "datetime" };

export class FilterSyntaxError extends Error {
  constructor(message: string, readonly position: number) {
    super(message);
  }
}

type PropertyType = "string" | "enum" | "guid" | "datetime";

/** Top-level filterable properties (the issue's list plus createdDateTime, id, organizationId). */
export const FILTERABLE: Readonly<Record<string, PropertyType>> = {
  id: "guid",
  engagementId: "guid",
  organizationId: "string",
  externalReferenceId: "string",
  status: "enum",
  substatus: "enum",
  direction: "enum",
  type: "enum",
  qualification: "enum",
  createdDateTime: "datetime",
  updatedDateTime: "datetime",
  "customerProfile/address/country": "string",
};
/** Collections usable with any/all, and their filterable item properties. */
export const FILTERABLE_COLLECTIONS: Readonly<Record<string, Readonly<Record<string, PropertyType>>>> = {
  team: { email: "string", firstName: "string", lastName: "string" },
  "customerProfile/team": { email: "string", firstName: "string", lastName: "string" },
};

interface Token {
  type: "punct" | "string" | "number" | "word" | "datetime" | "guid";
  text: string;
  value?: string | number;
  pos: number;
}

const DATETIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2}))?/;
const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}(?![\w-])/;

function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const ch = src[i]!;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if ("()/,:".includes(ch)) {
      tokens.push({ type: "punct", text: ch, pos: i });
      i++;
      continue;
    }
    if (ch === "'") {
      let j = i + 1;
      let value = "";
      for (;;) {
        if (j >= src.length) throw new FilterSyntaxError(`unterminated string literal starting at position ${i}`, i);
        if (src[j] === "'") {
          if (src[j + 1] === "'") {
            value += "'";
            j += 2;
            continue;
          }
          break;
        }
        value += src[j];
        j++;
      }
      tokens.push({ type: "string", text: src.slice(i, j + 1), value, pos: i });
      i = j + 1;
      continue;
    }
    const rest = src.slice(i);
    const guid = rest.match(GUID);
    if (guid) {
      tokens.push({ type: "guid", text: guid[0], value: guid[0], pos: i });
      i += guid[0].length;
      continue;
    }
    const dt = rest.match(DATETIME);
    if (dt && dt[1]) {
      tokens.push({ type: "datetime", text: dt[0], value: dt[0], pos: i });
      i += dt[0].length;
      continue;
    }
    const num = rest.match(/^-?\d+(\.\d+)?([eE][+-]?\d+)?(?![\w])/);
    if (num) {
      tokens.push({ type: "number", text: num[0], value: Number(num[0]), pos: i });
      i += num[0].length;
      continue;
    }
    const word = rest.match(/^[A-Za-z_$][A-Za-z0-9_]*/);
    if (word) {
      // datetime'2020-01-01T00:00:00Z' (OData v3 form).
      if (word[0] === "datetime" || word[0] === "datetimeoffset") {
        const m = rest.slice(word[0].length).match(/^'([^']*)'/);
        if (m) {
          tokens.push({ type: "datetime", text: word[0] + m[0], value: m[1], pos: i });
          i += word[0].length + m[0].length;
          continue;
        }
      }
      tokens.push({ type: "word", text: word[0], pos: i });
      i += word[0].length;
      continue;
    }
    throw new FilterSyntaxError(`unexpected character '${ch}' at position ${i}`, i);
  }
  return tokens;
}

const COMPARE_OPS = new Set(["eq", "ne", "gt", "ge", "lt", "le"]);
const KEYWORDS = new Set(["and", "or", "not", ...COMPARE_OPS, "true", "false", "null"]);

class Parser {
  private i = 0;
  private readonly variables: string[] = [];
  /** Recursion steps in use, counted the way ODataLib counts them (limits.ts MAX_FILTER_RECURSION). */
  private steps = 0;
  constructor(private readonly tokens: Token[], private readonly src: string) {}

  /** Run one grammar level that costs `n` of the parser's recursion steps. */
  private level<T>(n: number, f: () => T): T {
    this.steps += n;
    if (this.steps > MAX_FILTER_RECURSION) {
      const t = this.peek();
      throw new FilterSyntaxError(`recursion depth exceeded allowed limit (${MAX_FILTER_RECURSION}) at position ${t ? t.pos : this.src.length}`, t ? t.pos : this.src.length);
    }
    try {
      return f();
    } finally {
      this.steps -= n;
    }
  }

  parse(): FilterNode {
    if (!this.tokens.length) throw new FilterSyntaxError("the filter is empty", 0);
    const node = this.expr();
    const t = this.peek();
    if (t) throw new FilterSyntaxError(`unexpected '${t.text}' at position ${t.pos}`, t.pos);
    return node;
  }

  private peek(): Token | undefined {
    return this.tokens[this.i];
  }
  private isWord(text: string): boolean {
    const t = this.peek();
    return t?.type === "word" && t.text === text;
  }
  private isPunct(text: string): boolean {
    const t = this.peek();
    return t?.type === "punct" && t.text === text;
  }
  private expect(text: string): void {
    const t = this.peek();
    if (!t || t.text !== text) throw new FilterSyntaxError(`expected '${text}' at position ${t ? t.pos : this.src.length}${t ? `, found '${t.text}'` : " (end of filter)"}`, t ? t.pos : this.src.length);
    this.i++;
  }

  private expr(): FilterNode {
    return this.level(2, () => this.orChain()); // expression, or
  }
  private orChain(): FilterNode {
    let left = this.and();
    while (this.isWord("or")) {
      this.i++;
      left = { kind: "or", left, right: this.and() };
    }
    return left;
  }
  private and(): FilterNode {
    return this.level(1, () => this.andChain());
  }
  private andChain(): FilterNode {
    let left = this.unary();
    while (this.isWord("and")) {
      this.i++;
      left = { kind: "and", left, right: this.unary() };
    }
    return left;
  }
  private unary(first = true): FilterNode {
    // comparison, additive, multiplicative, unary; each further 'not' one more
    return this.level(first ? 4 : 1, () => {
      if (this.isWord("not")) {
        this.i++;
        return { kind: "not", operand: this.unary(false) };
      }
      return this.compare();
    });
  }
  private compare(): FilterNode {
    return this.level(2, () => this.primary()); // in/has, primary
  }
  private primary(): FilterNode {
    if (this.isPunct("(")) {
      this.i++;
      const inner = this.expr();
      this.expect(")");
      return inner;
    }
    const left = this.operand();
    if (left.kind === "lambda") return left;
    const t = this.peek();
    if (t?.type === "word" && COMPARE_OPS.has(t.text)) {
      this.i++;
      const right = this.operand();
      if (right.kind === "lambda") throw new FilterSyntaxError(`a lambda cannot be compared (position ${t.pos})`, t.pos);
      return { kind: "compare", op: t.text as CompareOp, left, right };
    }
    if (left.kind === "literal" && left.type === "boolean") return { kind: "truthy", operand: left };
    const pos = t ? t.pos : this.src.length;
    throw new FilterSyntaxError(`expected a comparison operator (eq, ne, gt, ge, lt, le) at position ${pos}${t ? `, found '${t.text}'` : ""}`, pos);
  }

  private operand(): Operand | Extract<FilterNode, { kind: "lambda" }> {
    const t = this.peek();
    if (!t) throw new FilterSyntaxError(`expected a property or a value at the end of the filter`, this.src.length);
    this.i++;
    switch (t.type) {
      case "string":
        return { kind: "literal", value: t.value as string, type: "string" };
      case "number":
        return { kind: "literal", value: t.value as number, type: "number" };
      case "datetime":
        return { kind: "literal", value: t.value as string, type: "datetime" };
      case "guid":
        return { kind: "literal", value: t.value as string, type: "string" };
      case "punct":
        throw new FilterSyntaxError(`unexpected '${t.text}' at position ${t.pos}`, t.pos);
      case "word": {
        if (t.text === "true" || t.text === "false") return { kind: "literal", value: t.text === "true", type: "boolean" };
        if (t.text === "null") return { kind: "literal", value: null, type: "null" };
        if (KEYWORDS.has(t.text)) throw new FilterSyntaxError(`unexpected '${t.text}' at position ${t.pos}`, t.pos);
        if (this.isPunct("(")) throw new FilterSyntaxError(`function '${t.text}' is not supported (position ${t.pos})`, t.pos);
        const segments = [t.text];
        let variable: string | undefined;
        if (this.variables.includes(t.text)) {
          variable = t.text;
          segments.pop();
        }
        while (this.isPunct("/")) {
          this.i++;
          const seg = this.peek();
          if (seg?.type !== "word") throw new FilterSyntaxError(`expected a property name after '/' at position ${seg ? seg.pos : this.src.length}`, seg ? seg.pos : this.src.length);
          this.i++;
          if ((seg.text === "any" || seg.text === "all") && this.isPunct("(")) {
            return this.lambda(seg.text, segments.join("/"), t.pos);
          }
          segments.push(seg.text);
        }
        if (variable && !segments.length) throw new FilterSyntaxError(`'${variable}' must be followed by a property (position ${t.pos})`, t.pos);
        return { kind: "property", path: segments.join("/"), ...(variable ? { variable } : {}) };
      }
    }
  }

  private lambda(quantifier: "any" | "all", collection: string, pos: number): Extract<FilterNode, { kind: "lambda" }> {
    this.expect("(");
    if (this.isPunct(")")) {
      this.i++;
      if (quantifier === "all") throw new FilterSyntaxError(`all() needs a lambda expression (position ${pos})`, pos);
      return { kind: "lambda", quantifier, collection };
    }
    const v = this.peek();
    if (v?.type !== "word" || KEYWORDS.has(v.text)) throw new FilterSyntaxError(`expected a lambda variable at position ${v ? v.pos : this.src.length}`, v ? v.pos : this.src.length);
    this.i++;
    this.expect(":");
    this.variables.push(v.text);
    const body = this.expr();
    this.variables.pop();
    this.expect(")");
    return { kind: "lambda", quantifier, collection, variable: v.text, body };
  }
}

/** Parse and check property names; throws FilterSyntaxError with a position and a reason. */
export function parseFilter(src: string): FilterNode {
  const node = new Parser(tokenize(src), src).parse();
  check(node, undefined);
  return node;
}

function check(node: FilterNode, collection: string | undefined): void {
  switch (node.kind) {
    case "or":
    case "and":
      check(node.left, collection);
      check(node.right, collection);
      return;
    case "not":
      check(node.operand, collection);
      return;
    case "truthy":
      return;
    case "lambda":
      if (!FILTERABLE_COLLECTIONS[node.collection]) {
        throw new FilterSyntaxError(`'${node.collection}' is not a collection that can be filtered with ${node.quantifier}()`, 0);
      }
      if (node.body) check(node.body, node.collection);
      return;
    case "compare":
      for (const side of [node.left, node.right]) {
        if (side.kind !== "property") continue;
        if (side.variable) {
          if (!collection || !FILTERABLE_COLLECTIONS[collection]![side.path]) {
            throw new FilterSyntaxError(`could not find a property named '${side.path}' on the items of '${collection}'`, 0);
          }
        } else if (!FILTERABLE[side.path]) {
          throw new FilterSyntaxError(`could not find a filterable property named '${side.path}' on type 'Referral'`, 0);
        }
      }
  }
}

/** True when the filter pins engagementId with eq (a related-referrals query). */
export function pinsEngagement(node: FilterNode | undefined): boolean {
  if (!node) return false;
  switch (node.kind) {
    case "and":
    case "or":
      return pinsEngagement(node.left) || pinsEngagement(node.right);
    case "compare":
      return node.op === "eq" && [node.left, node.right].some((s) => s.kind === "property" && !s.variable && s.path === "engagementId");
    default:
      return false;
  }
}

function getPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const seg of path.split("/")) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[seg];
  }
  return cur;
}

type Scope = { root: unknown; vars: Record<string, unknown>; collection?: string };

function typeOf(operand: Operand, scope: Scope): PropertyType | undefined {
  if (operand.kind !== "property") return undefined;
  return operand.variable ? FILTERABLE_COLLECTIONS[scope.collection!]?.[operand.path] : FILTERABLE[operand.path];
}

function valueOf(operand: Operand, scope: Scope): unknown {
  if (operand.kind === "literal") return operand.value;
  return operand.variable ? getPath(scope.vars[operand.variable], operand.path) : getPath(scope.root, operand.path);
}

export class FilterTypeError extends Error {}

function toTime(v: unknown, what: string): number | null {
  if (v === null || v === undefined) return null;
  if (typeof v !== "string") throw new FilterTypeError(`${what} is not a date-time`);
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw new FilterTypeError(`'${v}' is not a valid date-time`);
  return t;
}

function compare(op: CompareOp, a: unknown, b: unknown): boolean {
  if (a === null || a === undefined || b === null || b === undefined) {
    const an = a === null || a === undefined;
    const bn = b === null || b === undefined;
    if (op === "eq") return an && bn;
    if (op === "ne") return an !== bn;
    return false;
  }
  if (op === "eq") return a === b;
  if (op === "ne") return a !== b;
  if (typeof a !== typeof b) return false;
  const x = a as string | number;
  const y = b as string | number;
  switch (op) {
    case "gt": return x > y;
    case "ge": return x >= y;
    case "lt": return x < y;
    case "le": return x <= y;
  }
}

function evalNode(node: FilterNode, scope: Scope): boolean {
  switch (node.kind) {
    case "or": return evalNode(node.left, scope) || evalNode(node.right, scope);
    case "and": return evalNode(node.left, scope) && evalNode(node.right, scope);
    case "not": return !evalNode(node.operand, scope);
    case "truthy": return node.operand.kind === "literal" && node.operand.value === true;
    case "lambda": {
      const items = getPath(scope.root, node.collection);
      const list = Array.isArray(items) ? items : [];
      if (!node.body) return list.length > 0;
      const test = (item: unknown) => evalNode(node.body!, { root: scope.root, vars: { ...scope.vars, [node.variable!]: item }, collection: node.collection });
      return node.quantifier === "any" ? list.some(test) : list.every(test);
    }
    case "compare": {
      const type = typeOf(node.left, scope) ?? typeOf(node.right, scope);
      let a = valueOf(node.left, scope);
      let b = valueOf(node.right, scope);
      if (type === "datetime") {
        a = toTime(a, "the left side");
        b = toTime(b, "the right side");
      } else if (type === "enum" || type === "guid") {
        // Enum names and GUIDs compare without regard to case.
        if (typeof a === "string") a = a.toLowerCase();
        if (typeof b === "string") b = b.toLowerCase();
      }
      return compare(node.op, a, b);
    }
  }
}

/** Validate literal types against property types once, so a bad date fails the request as a whole. */
export function checkLiterals(node: FilterNode, collection?: string): void {
  switch (node.kind) {
    case "or":
    case "and":
      checkLiterals(node.left, collection);
      checkLiterals(node.right, collection);
      return;
    case "not":
      checkLiterals(node.operand, collection);
      return;
    case "lambda":
      if (node.body) checkLiterals(node.body, node.collection);
      return;
    case "compare": {
      const scope: Scope = { root: {}, vars: {}, collection };
      const type = typeOf(node.left, scope) ?? typeOf(node.right, scope);
      for (const side of [node.left, node.right]) {
        if (side.kind !== "literal" || side.type === "null") continue;
        if (type === "datetime") {
          if (side.type !== "datetime" && side.type !== "string") throw new FilterTypeError(`a date-time property cannot be compared with ${side.type} ${JSON.stringify(side.value)}`);
          toTime(side.value, "the value");
        } else if (type && side.type !== "string" && side.type !== "datetime") {
          throw new FilterTypeError(`a text property cannot be compared with ${side.type} ${JSON.stringify(side.value)}`);
        }
      }
      return;
    }
    default:
      return;
  }
}

export function matches(node: FilterNode | undefined, referral: unknown): boolean {
  return node ? evalNode(node, { root: referral, vars: {} }) : true;
}
