/**
 * The WDL function library, per learn.microsoft.com/azure/logic-apps/expression-functions-reference
 * (names are case-insensitive). Each entry states its arity; implementations follow the
 * documented results, and where the documentation is silent they follow .NET behaviour
 * (see README "Decisions").
 */
import {
  addUnits,
  DateTimeError,
  dateFromMs,
  formatDate,
  formatTimeSpan,
  fromUtc,
  ianaZone,
  parseTimestamp,
  parseUnit,
  parseWithLocale,
  ticksOf,
  toUtc,
  WdlDate,
} from "./datetime";
import { ExpressionError } from "./errors";
import type { EvalContext } from "./evaluator";
import { JsonSyntaxError, parseJsonValue } from "./json";
import { formatNumber, NumberFormatError, parseLocaleFloat } from "./numbers";
import { FormDataError, formValues, multipartParts, type Part } from "./form-data";
import { isXml, toXml, xmlToJson, XmlError, xpath } from "./xml";
import {
  binary,
  cloneValue,
  deepEqual,
  isBinary,
  isFloatValue,
  isIntegerValue,
  isNumber,
  isObject,
  makeFloat,
  makeInteger,
  stringify,
  toNumber,
  typeName,
  Value,
  ValueObject,
  WdlDecimal,
  WdlFloat,
  WdlNumber,
} from "./values";

export interface FunctionDef {
  name: string;
  min: number;
  max?: number;
  impl?: (args: Value[], ctx: EvalContext, name: string) => Value;
  /** Lazily evaluated arguments (if, and, or). */
  lazy?: (args: Array<() => Value>, ctx: EvalContext, name: string) => Value;
  category: string;
}

export const FUNCTIONS = new Map<string, FunctionDef>();

function def(
  category: string,
  name: string,
  min: number,
  max: number | undefined,
  impl: (args: Value[], ctx: EvalContext, name: string) => Value,
): void {
  FUNCTIONS.set(name.toLowerCase(), { name, min, max, impl, category });
}
function lazy(category: string, name: string, min: number, max: number | undefined, impl: FunctionDef["lazy"]): void {
  FUNCTIONS.set(name.toLowerCase(), { name, min, max, lazy: impl, category });
}

// ---------------------------------------------------------------- argument helpers

const ORD = ["first", "second", "third", "fourth", "fifth", "sixth"];
const err = (m: string) => new ExpressionError(m);

function typeErr(fn: string, i: number, expected: string, v: Value): ExpressionError {
  return err(
    `The template language function '${fn}' expects its ${ORD[i] ?? `${i + 1}th`} parameter to be ${expected}. The provided value is of type '${typeName(v)}'.`,
  );
}
function str(fn: string, args: Value[], i: number): string {
  const v = args[i];
  if (typeof v !== "string") throw typeErr(fn, i, "of type string", v);
  return v;
}
function optStr(fn: string, args: Value[], i: number): string | undefined {
  return args[i] === undefined || args[i] === null ? undefined : str(fn, args, i);
}
function int(fn: string, args: Value[], i: number): number {
  const v = args[i];
  if (typeof v === "number" && Number.isInteger(v)) return v;
  if (typeof v === "bigint") return Number(v);
  if (v instanceof WdlFloat && Number.isInteger(v.value)) return v.value;
  throw typeErr(fn, i, "an integer", v);
}
function num(fn: string, args: Value[], i: number): WdlNumber {
  const v = args[i];
  if (isNumber(v)) return v;
  throw typeErr(fn, i, "an integer or a decimal number", v);
}
function arr(fn: string, args: Value[], i: number): Value[] {
  const v = args[i];
  if (!Array.isArray(v)) throw typeErr(fn, i, "an array", v);
  return v;
}
function date(fn: string, v: Value): WdlDate {
  try {
    return parseTimestamp(v, fn);
  } catch (e) {
    throw err((e as Error).message);
  }
}
function dt<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof DateTimeError || e instanceof NumberFormatError) throw err(e.message);
    throw e;
  }
}
const fmtDate = (d: WdlDate, format?: string, locale?: string) => dt(() => formatDate(d, format ?? "o", locale ?? "en-US"));

// ---------------------------------------------------------------- string

def("string", "concat", 1, undefined, (a) => a.map((x) => stringify(x)).join(""));
def("string", "endsWith", 2, 2, (a, _c, fn) => str(fn, a, 0).toLowerCase().endsWith(str(fn, a, 1).toLowerCase()));
def("string", "startsWith", 2, 2, (a, _c, fn) => str(fn, a, 0).toLowerCase().startsWith(str(fn, a, 1).toLowerCase()));
def("string", "formatNumber", 2, 3, (a, _c, fn) => {
  const v = num(fn, a, 0);
  return dt(() => formatNumber(toNumber(v), str(fn, a, 1), optStr(fn, a, 2) ?? "en-US", isIntegerValue(v)));
});
def("string", "guid", 0, 1, (a, c, fn) => {
  const g = c.newGuid().toLowerCase();
  const f = (optStr(fn, a, 0) ?? "D").toUpperCase();
  const hex = g.replace(/-/g, "");
  switch (f) {
    case "N":
      return hex;
    case "D":
      return g;
    case "B":
      return `{${g}}`;
    case "P":
      return `(${g})`;
    case "X": {
      const h = (s: string) => "0x" + s;
      const bytes = hex.slice(16).match(/../g)!.map(h).join(",");
      return `{${h(hex.slice(0, 8))},${h(hex.slice(8, 12))},${h(hex.slice(12, 16))},{${bytes}}}`;
    }
    default:
      throw err(`The template language function 'guid' was invoked with a format '${f}' that is not valid. Use 'N', 'D', 'B', 'P' or 'X'.`);
  }
});
def("string", "indexOf", 2, 2, (a, _c, fn) => str(fn, a, 0).toLowerCase().indexOf(str(fn, a, 1).toLowerCase()));
def("string", "lastIndexOf", 2, 2, (a, _c, fn) => {
  const text = str(fn, a, 0);
  const search = str(fn, a, 1);
  if (text === "") return search === "" ? 0 : -1;
  if (search === "") return text.length - 1;
  return text.toLowerCase().lastIndexOf(search.toLowerCase());
});
def("string", "nthIndexOf", 3, 3, (a, _c, fn) => {
  const text = str(fn, a, 0).toLowerCase();
  const search = str(fn, a, 1).toLowerCase();
  const n = int(fn, a, 2);
  if (n === 0) throw err(`The template language function 'nthIndexOf' expects its third parameter 'occurrence' to be a non-zero integer.`);
  if (n > 0) {
    let at = -1;
    for (let k = 0; k < n; k++) {
      at = text.indexOf(search, at + 1);
      if (at < 0) return -1;
    }
    return at;
  }
  let at = text.length;
  for (let k = 0; k < -n; k++) {
    at = text.lastIndexOf(search, at - 1);
    if (at < 0) return -1;
  }
  return at;
});
def("string", "isInt", 1, 1, (a, _c, fn) => {
  const s = str(fn, a, 0).trim();
  if (!/^[+-]?\d+$/.test(s)) return false;
  const b = BigInt(s);
  return b >= -(2n ** 63n) && b < 2n ** 63n;
});
def("string", "isFloat", 1, 2, (a, _c, fn) => {
  const s = str(fn, a, 0);
  return dt(() => parseLocaleFloat(s, optStr(fn, a, 1))) !== undefined;
});
def("string", "replace", 3, 3, (a, _c, fn) => {
  const text = str(fn, a, 0);
  const old = str(fn, a, 1);
  if (old === "") throw err(`The template language function 'replace' expects its second parameter to be a non-empty string.`);
  return text.split(old).join(a[2] === null ? "" : stringify(a[2]));
});
def("string", "slice", 2, 3, (a, _c, fn) => {
  const text = str(fn, a, 0);
  const len = text.length;
  const norm = (i: number) => (i < 0 ? Math.max(0, len + i) : Math.min(i, len));
  const start = norm(int(fn, a, 1));
  const end = a.length > 2 && a[2] !== null ? norm(int(fn, a, 2)) : len;
  return start >= end ? "" : text.slice(start, end);
});
def("string", "split", 2, 2, (a, _c, fn) => {
  const text = str(fn, a, 0);
  const d = str(fn, a, 1);
  return d === "" ? [text] : text.split(d);
});
def("string", "substring", 2, 3, (a, _c, fn) => {
  const text = str(fn, a, 0);
  const start = int(fn, a, 1);
  const length = a.length > 2 ? int(fn, a, 2) : text.length - start;
  if (start < 0 || length < 0 || start + length > text.length) {
    throw err(
      `The template language function 'substring' parameters are out of range: 'start index' and 'length' must be non-negative integers and their sum must be no larger than the length of the string.`,
    );
  }
  return text.substr(start, length);
});
def("string", "toLower", 1, 1, (a, _c, fn) => str(fn, a, 0).toLowerCase());
def("string", "toUpper", 1, 1, (a, _c, fn) => str(fn, a, 0).toUpperCase());
def("string", "trim", 1, 1, (a, _c, fn) => str(fn, a, 0).trim());
def("string", "chunk", 2, 2, (a, _c, fn) => {
  const size = int(fn, a, 1);
  if (size <= 0) throw err(`The template language function 'chunk' expects its second parameter to be a positive integer.`);
  const c = a[0];
  const out: Value[] = [];
  if (typeof c === "string") {
    for (let i = 0; i < c.length; i += size) out.push(c.slice(i, i + size));
    return out;
  }
  const xs = arr(fn, a, 0);
  for (let i = 0; i < xs.length; i += size) out.push(xs.slice(i, i + size));
  return out;
});

// ---------------------------------------------------------------- collection

def("collection", "contains", 2, 2, (a, _c, fn) => {
  const c = a[0];
  const v = a[1];
  if (typeof c === "string") return c.includes(stringify(v));
  if (Array.isArray(c)) return c.some((x) => deepEqual(x, v));
  if (isObject(c)) return Object.prototype.hasOwnProperty.call(c, stringify(v));
  if (c === null) return false;
  throw typeErr(fn, 0, "a string, an array or an object", c);
});
def("collection", "empty", 1, 1, (a, _c, fn) => {
  const c = a[0];
  if (c === null || c === undefined) return true;
  if (typeof c === "string" || Array.isArray(c)) return c.length === 0;
  if (isObject(c)) return Object.keys(c).length === 0;
  throw typeErr(fn, 0, "a string, an array or an object", c);
});
def("collection", "first", 1, 1, (a, _c, fn) => {
  const c = a[0];
  if (typeof c === "string") return c.length ? c[0] : "";
  if (Array.isArray(c)) return c.length ? c[0] : null;
  if (c === null) return null;
  throw typeErr(fn, 0, "a string or an array", c);
});
def("collection", "last", 1, 1, (a, _c, fn) => {
  const c = a[0];
  if (typeof c === "string") return c.length ? c[c.length - 1] : "";
  if (Array.isArray(c)) return c.length ? c[c.length - 1] : null;
  if (c === null) return null;
  throw typeErr(fn, 0, "a string or an array", c);
});
def("collection", "length", 1, 1, (a, _c, fn) => {
  const c = a[0];
  if (typeof c === "string" || Array.isArray(c)) return c.length;
  if (isObject(c)) return Object.keys(c).length;
  throw typeErr(fn, 0, "a string or an array", c);
});
def("collection", "intersection", 2, undefined, (a, _c, fn) => {
  if (a.every(Array.isArray)) {
    const [first, ...rest] = a as Value[][];
    const out: Value[] = [];
    for (const x of first) {
      if (out.some((y) => deepEqual(x, y))) continue;
      if (rest.every((r) => r.some((y) => deepEqual(x, y)))) out.push(x);
    }
    return out;
  }
  if (a.every(isObject)) {
    const objs = a as ValueObject[];
    const out: ValueObject = {};
    for (const k of Object.keys(objs[0])) {
      if (objs.every((o) => Object.prototype.hasOwnProperty.call(o, k) && deepEqual(o[k], objs[0][k]))) out[k] = objs[objs.length - 1][k];
    }
    return out;
  }
  throw err(`The template language function '${fn}' expects parameters of type array or object, and all of the same type.`);
});
def("collection", "union", 2, undefined, (a, _c, fn) => {
  if (a.every(Array.isArray)) {
    const out: Value[] = [];
    for (const xs of a as Value[][]) for (const x of xs) if (!out.some((y) => deepEqual(x, y))) out.push(x);
    return out;
  }
  if (a.every(isObject)) return Object.assign({}, ...(a as ValueObject[]));
  throw err(`The template language function '${fn}' expects parameters of type array or object, and all of the same type.`);
});
def("collection", "join", 2, 2, (a, _c, fn) => {
  const xs = arr(fn, a, 0);
  const d = a[1] === null ? "" : str(fn, a, 1);
  return xs.map((x) => stringify(x)).join(d);
});
def("collection", "reverse", 1, 1, (a, _c, fn) => [...arr(fn, a, 0)].reverse());
def("collection", "skip", 2, 2, (a, _c, fn) => {
  const n = Math.max(0, int(fn, a, 1));
  if (typeof a[0] === "string") return a[0].slice(n);
  return arr(fn, a, 0).slice(n);
});
def("collection", "take", 2, 2, (a, _c, fn) => {
  const n = Math.max(0, int(fn, a, 1));
  if (typeof a[0] === "string") return a[0].slice(0, n);
  return arr(fn, a, 0).slice(0, n);
});
def("collection", "sort", 1, 2, (a, _c, fn) => {
  const xs = [...arr(fn, a, 0)];
  const key = optStr(fn, a, 1);
  const pick = (x: Value): Value => {
    if (key === undefined) return x;
    if (!isObject(x)) throw err(`The template language function 'sort' can sort by '${key}' only when every item is an object.`);
    return x[key] ?? null;
  };
  return xs
    .map((x, i) => ({ x, i, k: pick(x) }))
    .sort((p, q) => compareValues(p.k, q.k, "sort") || p.i - q.i)
    .map((p) => p.x);
});
def("collection", "item", 0, 0, (_a, c) => wf(c, "item").item());

// ---------------------------------------------------------------- logical

lazy("logical", "and", 1, undefined, (thunks, _c, fn) => {
  for (let i = 0; i < thunks.length; i++) {
    const v = thunks[i]();
    if (typeof v !== "boolean") throw typeErr(fn, i, "a boolean", v);
    if (!v) return false;
  }
  return true;
});
lazy("logical", "or", 1, undefined, (thunks, _c, fn) => {
  for (let i = 0; i < thunks.length; i++) {
    const v = thunks[i]();
    if (typeof v !== "boolean") throw typeErr(fn, i, "a boolean", v);
    if (v) return true;
  }
  return false;
});
lazy("logical", "if", 3, 3, (thunks, _c, fn) => {
  const c = thunks[0]();
  if (typeof c !== "boolean") throw typeErr(fn, 0, "a boolean", c);
  return c ? thunks[1]() : thunks[2]();
});
def("logical", "not", 1, 1, (a, _c, fn) => {
  if (typeof a[0] !== "boolean") throw typeErr(fn, 0, "a boolean", a[0]);
  return !a[0];
});
def("logical", "equals", 2, 2, (a) => deepEqual(a[0], a[1]));
def("logical", "greater", 2, 2, (a, _c, fn) => compareValues(a[0], a[1], fn) > 0);
def("logical", "greaterOrEquals", 2, 2, (a, _c, fn) => compareValues(a[0], a[1], fn) >= 0);
def("logical", "less", 2, 2, (a, _c, fn) => compareValues(a[0], a[1], fn) < 0);
def("logical", "lessOrEquals", 2, 2, (a, _c, fn) => compareValues(a[0], a[1], fn) <= 0);

/**
 * Order two values for greater/less/sort: numbers by value, strings ordinally, booleans false <
 * true. The reference's logical-functions note: null compares as the empty string.
 */
export function compareValues(x: Value, y: Value, fn: string): number {
  if (x === null || x === undefined) x = "";
  if (y === null || y === undefined) y = "";
  if (isNumber(x) && isNumber(y)) {
    if (typeof x === "bigint" || typeof y === "bigint") {
      const bx = typeof x === "bigint" ? x : BigInt(Math.trunc(toNumber(x)));
      const by = typeof y === "bigint" ? y : BigInt(Math.trunc(toNumber(y)));
      return bx < by ? -1 : bx > by ? 1 : 0;
    }
    const nx = toNumber(x);
    const ny = toNumber(y);
    return nx < ny ? -1 : nx > ny ? 1 : 0;
  }
  if (typeof x === "string" && typeof y === "string") return x < y ? -1 : x > y ? 1 : 0;
  if (typeof x === "boolean" && typeof y === "boolean") return Number(x) - Number(y);
  throw err(
    `The template language function '${fn}' expects two parameters of matching types (integer, float, string or boolean). The provided values are of types '${typeName(x)}' and '${typeName(y)}'.`,
  );
}

// ---------------------------------------------------------------- conversion

def("conversion", "array", 1, 1, (a) => [a[0]]);
def("conversion", "createArray", 1, undefined, (a) => [...a]);
def("conversion", "base64", 1, 1, (a) => (isBinary(a[0]) ? a[0].$content : Buffer.from(stringify(a[0]), "utf8").toString("base64")));
def("conversion", "base64ToString", 1, 1, (a, _c, fn) => Buffer.from(str(fn, a, 0), "base64").toString("utf8"));
def("conversion", "decodeBase64", 1, 1, (a, _c, fn) => Buffer.from(str(fn, a, 0), "base64").toString("utf8"));
def("conversion", "base64ToBinary", 1, 1, (a, _c, fn) => binary(Buffer.from(str(fn, a, 0), "base64")));
def("conversion", "binary", 1, 1, (a) => (isBinary(a[0]) ? a[0] : binary(Buffer.from(stringify(a[0]), "utf8"))));
def("conversion", "dataUri", 1, 1, (a) => `data:text/plain;charset=utf-8;base64,${Buffer.from(stringify(a[0]), "utf8").toString("base64")}`);
const parseDataUri = (fn: string, s: string): { type: string; bytes: Buffer } => {
  const m = /^data:([^,]*?)(;base64)?,(.*)$/s.exec(s);
  if (!m) throw err(`The template language function '${fn}' expects its parameter to be a data URI. The provided value '${s}' is not a data URI.`);
  const type = m[1].split(";")[0] || "text/plain";
  const bytes = m[2] ? Buffer.from(m[3], "base64") : Buffer.from(decodeURIComponent(m[3]), "utf8");
  return { type, bytes };
};
def("conversion", "dataUriToBinary", 1, 1, (a, _c, fn) => {
  const d = parseDataUri(fn, str(fn, a, 0));
  return binary(d.bytes, d.type);
});
def("conversion", "decodeDataUri", 1, 1, (a, _c, fn) => {
  const d = parseDataUri(fn, str(fn, a, 0));
  return binary(d.bytes, d.type);
});
def("conversion", "dataUriToString", 1, 1, (a, _c, fn) => parseDataUri(fn, str(fn, a, 0)).bytes.toString("utf8"));
/** Uri.EscapeDataString: everything but RFC 3986 unreserved characters is escaped. */
const escapeData = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());
def("conversion", "encodeUriComponent", 1, 1, (a) => escapeData(stringify(a[0])));
def("conversion", "uriComponent", 1, 1, (a) => escapeData(stringify(a[0])));
const unescape = (fn: string, s: string) => {
  try {
    return decodeURIComponent(s);
  } catch {
    throw err(`The template language function '${fn}' was invoked with a value that is not a valid URI-encoded string.`);
  }
};
def("conversion", "decodeUriComponent", 1, 1, (a, _c, fn) => unescape(fn, str(fn, a, 0)));
def("conversion", "uriComponentToString", 1, 1, (a, _c, fn) => unescape(fn, str(fn, a, 0)));
def("conversion", "uriComponentToBinary", 1, 1, (a, _c, fn) => binary(Buffer.from(unescape(fn, str(fn, a, 0)), "utf8")));
def("conversion", "bool", 1, 1, (a, _c, fn) => {
  const v = a[0];
  if (typeof v === "boolean") return v;
  if (isNumber(v)) return toNumber(v) !== 0;
  if (typeof v === "string") {
    const s = v.trim().toLowerCase();
    if (s === "true") return true;
    if (s === "false") return false;
    if (/^[+-]?\d+$/.test(s)) return Number(s) !== 0;
  }
  throw err(`The template language function '${fn}' was invoked with a parameter that is not valid. The value '${stringify(v)}' cannot be converted to the target type 'Boolean'.`);
});
def("conversion", "int", 1, 1, (a, _c, fn) => {
  const v = a[0];
  if (isIntegerValue(v)) return v;
  if (isNumber(v)) return roundHalfEven(toNumber(v));
  if (typeof v === "string" && /^\s*[+-]?\d+\s*$/.test(v)) {
    const b = BigInt(v.trim());
    if (b >= -(2n ** 63n) && b < 2n ** 63n) return makeInteger(b);
  }
  if (typeof v === "boolean") return v ? 1 : 0;
  throw err(`The template language function '${fn}' was invoked with a parameter that is not valid. The value cannot be converted to the target type.`);
});
def("conversion", "float", 1, 2, (a, _c, fn) => {
  const v = a[0];
  if (isNumber(v)) return makeFloat(toNumber(v));
  if (typeof v === "string") {
    const n = dt(() => parseLocaleFloat(v, optStr(fn, a, 1)));
    if (n !== undefined) return makeFloat(n);
  }
  throw err(`The template language function '${fn}' was invoked with a parameter that is not valid. The value cannot be converted to the target type.`);
});
def("conversion", "decimal", 1, 1, (a, _c, fn) => {
  const v = a[0];
  if (v instanceof WdlDecimal) return v;
  if (isNumber(v)) return WdlDecimal.fromNumber(toNumber(v));
  const d = typeof v === "string" ? WdlDecimal.parse(v) : undefined;
  if (!d) throw err(`The template language function '${fn}' was invoked with a parameter that is not valid. The value cannot be converted to the target type.`);
  return d;
});
def("conversion", "string", 1, 1, (a) => stringify(a[0]));
def("conversion", "json", 1, 1, (a, _c, fn) => {
  const v = a[0];
  if (v === null) return {};
  if (isXml(v)) return xmlCall(fn, () => xmlToJson(v)); // Json.NET's SerializeXmlNode (xml.ts)
  if (typeof v !== "string") return isBinary(v) ? parseJsonText(fn, Buffer.from(v.$content, "base64").toString("utf8")) : cloneValue(v);
  return parseJsonText(fn, v);
});
def("conversion", "xml", 1, 1, (a, _c, fn) => xmlCall(fn, () => toXml(a[0])));

/** Run an XML operation, answering its problems as the function's error. */
function xmlCall<T>(fn: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof XmlError) throw err(`The template language function '${fn}' parameter is not valid. ${e.message}`);
    throw e;
  }
}
function parseJsonText(fn: string, s: string): Value {
  try {
    return parseJsonValue(s);
  } catch (e) {
    if (e instanceof JsonSyntaxError) {
      throw err(`The template language function '${fn}' parameter is not valid. The provided value '${s}' cannot be parsed: '${e.message}'.`);
    }
    throw e;
  }
}

function roundHalfEven(n: number): number {
  const f = Math.floor(n);
  const diff = n - f;
  if (diff > 0.5) return f + 1;
  if (diff < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

// ---------------------------------------------------------------- math

type Op = "add" | "sub" | "mul" | "div" | "mod";

function arith(fn: Op, a: Value[]): Value {
  const x = num(fn, a, 0);
  const y = num(fn, a, 1);
  if (x instanceof WdlDecimal || y instanceof WdlDecimal) {
    const dx = x instanceof WdlDecimal ? x : WdlDecimal.fromNumber(toNumber(x));
    const dy = y instanceof WdlDecimal ? y : WdlDecimal.fromNumber(toNumber(y));
    const scale = Math.max(dx.scale, dy.scale);
    const p = dx.withScale(scale);
    const q = dy.withScale(scale);
    switch (fn) {
      case "add":
        return new WdlDecimal(p + q, scale).normalize();
      case "sub":
        return new WdlDecimal(p - q, scale).normalize();
      case "mul":
        return new WdlDecimal(dx.digits * dy.digits, dx.scale + dy.scale).normalize();
      case "div": {
        if (q === 0n) throw err("Attempted to divide by zero.");
        const extra = 28;
        return new WdlDecimal((p * 10n ** BigInt(extra)) / q, extra).normalize();
      }
      case "mod":
        if (q === 0n) throw err("Attempted to divide by zero.");
        return new WdlDecimal(p % q, scale).normalize();
    }
  }
  const floaty = isFloatValue(x) || isFloatValue(y);
  if (!floaty) {
    const bx = BigInt(x as number | bigint);
    const by = BigInt(y as number | bigint);
    switch (fn) {
      case "add":
        return makeInteger(bx + by);
      case "sub":
        return makeInteger(bx - by);
      case "mul":
        return makeInteger(bx * by);
      case "div":
        if (by === 0n) throw err("Attempted to divide by zero.");
        return makeInteger(bx / by); // truncates toward zero, as .NET integer division
      case "mod":
        if (by === 0n) throw err("Attempted to divide by zero.");
        return makeInteger(bx % by); // sign of the dividend
    }
  }
  const nx = toNumber(x);
  const ny = toNumber(y);
  switch (fn) {
    case "add":
      return makeFloat(nx + ny);
    case "sub":
      return makeFloat(roundFloat(nx - ny));
    case "mul":
      return makeFloat(nx * ny);
    case "div":
      if (ny === 0) throw err("Attempted to divide by zero.");
      return makeFloat(nx / ny);
    case "mod":
      if (ny === 0) throw err("Attempted to divide by zero.");
      return makeFloat(nx % ny);
  }
}
/** Trim binary noise so sub(10.3, .3) is 10, as the reference shows (values kept to 15 digits). */
function roundFloat(n: number): number {
  return Number(n.toPrecision(15));
}

def("math", "add", 2, 2, (a) => arith("add", a));
def("math", "sub", 2, 2, (a) => arith("sub", a));
def("math", "mul", 2, 2, (a) => arith("mul", a));
def("math", "div", 2, 2, (a) => arith("div", a));
def("math", "mod", 2, 2, (a) => arith("mod", a));
const extreme = (fn: string, a: Value[], pickMax: boolean): Value => {
  const xs = a.length === 1 && Array.isArray(a[0]) ? a[0] : a;
  if (!xs.length) throw err(`The template language function '${fn}' expects at least one number.`);
  let best: Value = null;
  xs.forEach((x, i) => {
    if (!isNumber(x)) throw typeErr(fn, i, "an integer or a decimal number", x);
    if (best === null || (pickMax ? compareValues(x, best, fn) > 0 : compareValues(x, best, fn) < 0)) best = x;
  });
  return best;
};
def("math", "max", 1, undefined, (a, _c, fn) => extreme(fn, a, true));
def("math", "min", 1, undefined, (a, _c, fn) => extreme(fn, a, false));
def("math", "rand", 2, 2, (a, c, fn) => {
  const lo = int(fn, a, 0);
  const hi = int(fn, a, 1);
  if (hi <= lo) throw err(`The template language function 'rand' expects its second parameter to be greater than its first.`);
  return lo + Math.floor(c.random() * (hi - lo));
});
def("math", "range", 2, 2, (a, _c, fn) => {
  const start = int(fn, a, 0);
  const count = int(fn, a, 1);
  if (count < 0 || count > 100000) throw err(`The template language function 'range' expects its second parameter 'count' to be a positive integer no larger than 100000.`);
  return Array.from({ length: count }, (_, i) => start + i);
});

// ---------------------------------------------------------------- date and time

const nowDate = (c: EvalContext): WdlDate => {
  const ms = c.now();
  if (typeof ms === "string") return { ...parseTimestamp(ms, "utcNow"), kind: "utc" };
  const whole = Math.floor(ms);
  return dateFromMs(whole, "utc", Math.round((ms - whole) * 10000));
};

const addFn = (name: string, unit: "day" | "hour" | "minute" | "second") =>
  def("datetime", name, 2, 3, (a, _c, fn) => fmtDate(addUnits(date(fn, a[0]), toNumber(num(fn, a, 1)), unit), optStr(fn, a, 2)));
addFn("addDays", "day");
addFn("addHours", "hour");
addFn("addMinutes", "minute");
addFn("addSeconds", "second");
def("datetime", "addToTime", 3, 4, (a, _c, fn) =>
  fmtDate(addUnits(date(fn, a[0]), int(fn, a, 1), dt(() => parseUnit(a[2]))), optStr(fn, a, 3)),
);
def("datetime", "subtractFromTime", 3, 4, (a, _c, fn) =>
  fmtDate(addUnits(date(fn, a[0]), -int(fn, a, 1), dt(() => parseUnit(a[2]))), optStr(fn, a, 3)),
);
def("datetime", "getFutureTime", 2, 3, (a, c, fn) => fmtDate(addUnits(nowDate(c), int(fn, a, 0), dt(() => parseUnit(a[1]))), optStr(fn, a, 2)));
def("datetime", "getPastTime", 2, 3, (a, c, fn) => fmtDate(addUnits(nowDate(c), -int(fn, a, 0), dt(() => parseUnit(a[1]))), optStr(fn, a, 2)));
def("datetime", "utcNow", 0, 1, (a, c, fn) => fmtDate(nowDate(c), optStr(fn, a, 0)));
def("datetime", "formatDateTime", 1, 3, (a, _c, fn) => fmtDate(date(fn, a[0]), optStr(fn, a, 1), optStr(fn, a, 2)));
def("datetime", "parseDateTime", 1, 3, (a, _c, fn) => {
  const s = str(fn, a, 0);
  return fmtDate(dt(() => parseWithLocale(s, optStr(fn, a, 1) ?? "en-US", optStr(fn, a, 2))));
});
const startOf = (name: string, cut: (d: Date) => void) =>
  def("datetime", name, 1, 2, (a, _c, fn) => {
    const d = date(fn, a[0]);
    const x = new Date(d.ms);
    cut(x);
    return fmtDate({ ms: x.getTime(), sub: 0, kind: d.kind }, optStr(fn, a, 1));
  });
startOf("startOfDay", (x) => x.setUTCHours(0, 0, 0, 0));
startOf("startOfHour", (x) => x.setUTCMinutes(0, 0, 0));
startOf("startOfMonth", (x) => {
  x.setUTCDate(1);
  x.setUTCHours(0, 0, 0, 0);
});
def("datetime", "dayOfMonth", 1, 1, (a, _c, fn) => new Date(date(fn, a[0]).ms).getUTCDate());
def("datetime", "dayOfWeek", 1, 1, (a, _c, fn) => new Date(date(fn, a[0]).ms).getUTCDay());
def("datetime", "dayOfYear", 1, 1, (a, _c, fn) => {
  const x = new Date(date(fn, a[0]).ms);
  return Math.floor((x.getTime() - Date.UTC(x.getUTCFullYear(), 0, 1)) / 86400000) + 1;
});
def("datetime", "ticks", 1, 1, (a, _c, fn) => makeInteger(ticksOf(date(fn, a[0]))));
def("datetime", "dateDifference", 2, 2, (a, _c, fn) => formatTimeSpan(ticksOf(date(fn, a[1])) - ticksOf(date(fn, a[0]))));
def("datetime", "convertFromUtc", 2, 3, (a, _c, fn) => {
  const d = date(fn, a[0]);
  const zone = dt(() => ianaZone(a[1]));
  return fmtDate(dt(() => fromUtc({ ...d, kind: "utc" }, zone)), optStr(fn, a, 2));
});
def("datetime", "convertToUtc", 2, 3, (a, _c, fn) => {
  const d = date(fn, a[0]);
  const zone = dt(() => ianaZone(a[1]));
  return fmtDate(dt(() => toUtc(d, zone)), optStr(fn, a, 2));
});
def("datetime", "convertTimeZone", 3, 4, (a, _c, fn) => {
  const d = date(fn, a[0]);
  const src = dt(() => ianaZone(a[1]));
  const dst = dt(() => ianaZone(a[2]));
  const utc = dt(() => toUtc(d, src));
  return fmtDate(dt(() => fromUtc(utc, dst)), optStr(fn, a, 3));
});

// ---------------------------------------------------------------- workflow

function wf(c: EvalContext, fn: string) {
  if (!c.workflow) throw err(`The template language function '${fn}' is not available outside a workflow run.`);
  return c.workflow;
}
def("workflow", "trigger", 0, 0, (_a, c, fn) => wf(c, fn).trigger());
def("workflow", "triggerOutputs", 0, 0, (_a, c, fn) => {
  const t = wf(c, fn).trigger();
  return isObject(t) ? (t.outputs ?? null) : null;
});
def("workflow", "triggerBody", 0, 0, (_a, c, fn) => {
  const t = wf(c, fn).trigger();
  const o = isObject(t) ? t.outputs : null;
  return isObject(o) ? (o.body ?? null) : null;
});
def("workflow", "actions", 1, 1, (a, c, fn) => wf(c, fn).action(str(fn, a, 0)));
def("workflow", "action", 0, 0, (_a, c, fn) => wf(c, fn).currentAction());
const outputsOf = (c: EvalContext, fn: string, name: string): Value => {
  const r = wf(c, fn).action(name);
  return isObject(r) ? (r.outputs ?? null) : null;
};
const bodyOf = (c: EvalContext, fn: string, name: string): Value => {
  const r = wf(c, fn).action(name);
  if (!isObject(r)) return null;
  const o = r.outputs;
  if (isObject(o) && Object.prototype.hasOwnProperty.call(o, "body")) return o.body;
  // Compose and similar actions: the outputs are the value itself
  return r.type === "Compose" ? (o ?? null) : null;
};
def("workflow", "outputs", 1, 1, (a, c, fn) => outputsOf(c, fn, str(fn, a, 0)));
def("workflow", "actionOutputs", 1, 1, (a, c, fn) => outputsOf(c, fn, str(fn, a, 0)));
def("workflow", "body", 1, 1, (a, c, fn) => bodyOf(c, fn, str(fn, a, 0)));
def("workflow", "actionBody", 1, 1, (a, c, fn) => bodyOf(c, fn, str(fn, a, 0)));
def("workflow", "items", 1, 1, (a, c, fn) => wf(c, fn).items(str(fn, a, 0)));
def("workflow", "iterationIndexes", 1, 1, (a, c, fn) => wf(c, fn).iterationIndexes(str(fn, a, 0)));
def("workflow", "variables", 1, 1, (a, c, fn) => wf(c, fn).variable(str(fn, a, 0)));
def("workflow", "parameters", 1, 1, (a, c, fn) => wf(c, fn).parameter(str(fn, a, 0)));
def("workflow", "result", 1, 1, (a, c, fn) => wf(c, fn).result(str(fn, a, 0)));
def("workflow", "workflow", 0, 0, (_a, c, fn) => wf(c, fn).workflow());
def("workflow", "listCallbackUrl", 0, 0, (_a, c, fn) => wf(c, fn).listCallbackUrl());

const triggerOutputs = (c: EvalContext, fn: string): Value => {
  const t = wf(c, fn).trigger();
  return isObject(t) ? (t.outputs ?? null) : null;
};
const formCall = <T>(fn: string, f: () => T): T => {
  try {
    return f();
  } catch (e) {
    if (e instanceof FormDataError) throw err(`The template language function '${fn}' cannot be evaluated: ${e.message}`);
    throw e;
  }
};
/** Documented: "If the function finds more than one match, the function throws an error." [I] none: null. */
const single = (fn: string, key: string, values: Value[]): Value => {
  if (values.length > 1) throw err(`The template language function '${fn}' found ${values.length} values for the key '${key}'; use ${fn.replace("Value", "MultiValues")}() to get them all.`);
  return values[0] ?? null;
};
const part = (fn: string, parts: Part[], index: number): Value => {
  if (index < 0 || index >= parts.length) throw err(`The template language function '${fn}' was given the index ${index}, but the body has ${parts.length} parts.`);
  return parts[index]!.body;
};
def("workflow", "formDataValue", 2, 2, (a, c, fn) => formCall(fn, () => single(fn, str(fn, a, 1), formValues(outputsOf(c, fn, str(fn, a, 0)), str(fn, a, 1)))));
def("workflow", "formDataMultiValues", 2, 2, (a, c, fn) => formCall(fn, () => formValues(outputsOf(c, fn, str(fn, a, 0)), str(fn, a, 1))));
def("workflow", "triggerFormDataValue", 1, 1, (a, c, fn) => formCall(fn, () => single(fn, str(fn, a, 0), formValues(triggerOutputs(c, fn), str(fn, a, 0)))));
def("workflow", "triggerFormDataMultiValues", 1, 1, (a, c, fn) => formCall(fn, () => formValues(triggerOutputs(c, fn), str(fn, a, 0))));
def("workflow", "multipartBody", 2, 2, (a, c, fn) => formCall(fn, () => part(fn, multipartParts(outputsOf(c, fn, str(fn, a, 0))), int(fn, a, 1))));
def("workflow", "triggerMultipartBody", 1, 1, (a, c, fn) => formCall(fn, () => part(fn, multipartParts(triggerOutputs(c, fn)), int(fn, a, 0))));

// ---------------------------------------------------------------- URI parsing

const uri = (fn: string, a: Value[]): URL => {
  const s = str(fn, a, 0);
  try {
    return new URL(s);
  } catch {
    throw err(`The template language function '${fn}' expects its parameter to be a valid absolute URI. The provided value '${s}' is not valid.`);
  }
};
const DEFAULT_PORTS: Record<string, number> = { "http:": 80, "https:": 443, "ftp:": 21, "ws:": 80, "wss:": 443 };
def("uri", "uriHost", 1, 1, (a, _c, fn) => uri(fn, a).hostname);
def("uri", "uriPath", 1, 1, (a, _c, fn) => uri(fn, a).pathname || "/");
def("uri", "uriPathAndQuery", 1, 1, (a, _c, fn) => {
  const u = uri(fn, a);
  return (u.pathname || "/") + u.search;
});
def("uri", "uriPort", 1, 1, (a, _c, fn) => {
  const u = uri(fn, a);
  return u.port ? Number(u.port) : (DEFAULT_PORTS[u.protocol] ?? -1);
});
def("uri", "uriQuery", 1, 1, (a, _c, fn) => uri(fn, a).search);
def("uri", "uriScheme", 1, 1, (a, _c, fn) => uri(fn, a).protocol.replace(/:$/, ""));

// ---------------------------------------------------------------- manipulation

def("manipulation", "addProperty", 3, 3, (a, _c, fn) => {
  const o = a[0];
  if (!isObject(o)) throw typeErr(fn, 0, "an object", o);
  const k = str(fn, a, 1);
  if (Object.prototype.hasOwnProperty.call(o, k)) {
    throw err(`The template language function 'addProperty' cannot add the property '${k}' because it already exists. Use setProperty() to change an existing property.`);
  }
  return { ...cloneValue(o), [k]: a[2] };
});
def("manipulation", "setProperty", 3, 3, (a, _c, fn) => {
  const o = a[0];
  if (!isObject(o)) throw typeErr(fn, 0, "an object", o);
  return { ...cloneValue(o), [str(fn, a, 1)]: a[2] };
});
def("manipulation", "removeProperty", 2, 2, (a, _c, fn) => {
  const o = a[0];
  if (!isObject(o)) throw typeErr(fn, 0, "an object", o);
  const out = cloneValue(o);
  delete out[str(fn, a, 1)];
  return out;
});
def("manipulation", "coalesce", 1, undefined, (a) => a.find((x) => x !== null && x !== undefined) ?? null);
def("manipulation", "xpath", 2, 2, (a, _c, fn) => xmlCall(fn, () => xpath(a[0], a[1])));

/** Every implemented function name, in its documented spelling. */
export const IMPLEMENTED_FUNCTIONS: readonly string[] = [...FUNCTIONS.values()].map((f) => f.name).sort();
