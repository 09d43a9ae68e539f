/**
 * Runtime values of the Workflow Definition Language (WDL).
 *
 * WDL values are JSON values, with two distinctions JSON itself does not carry and the language
 * documents (expression-functions-reference#div, #decimal):
 * - Integer versus Float: `div(11, 5)` is the Integer 2, `div(11, 5.0)` the Float 2.2. A JavaScript
 *   number that is not whole is a Float; a whole Float (the literal `5.0`, `float('10')`,
 *   `mul(1.5, 2)`) is boxed in {@link WdlFloat} so the distinction survives.
 * - Decimal: `decimal('1.2345678912312131')` keeps all its digits ({@link WdlDecimal}).
 * Both serialise to plain JSON numbers (toJSON), so they can sit inside ordinary outputs.
 */

export class WdlFloat {
  constructor(readonly value: number) {}
  toJSON(): number {
    return this.value;
  }
  valueOf(): number {
    return this.value;
  }
}

/** A base-10 number with exact digits: value = digits × 10^-scale. */
export class WdlDecimal {
  constructor(
    readonly digits: bigint,
    readonly scale: number,
  ) {}
  static parse(text: string): WdlDecimal | undefined {
    const m = /^\s*([+-])?(\d*)(?:\.(\d*))?\s*$/.exec(text);
    if (!m || (m[2] === "" && (m[3] ?? "") === "")) return undefined;
    const frac = m[3] ?? "";
    let digits = BigInt((m[2] || "0") + frac);
    if (m[1] === "-") digits = -digits;
    return new WdlDecimal(digits, frac.length).normalize();
  }
  static fromNumber(n: number): WdlDecimal {
    return WdlDecimal.parse(Number.isInteger(n) ? n.toFixed(0) : String(n)) ?? new WdlDecimal(0n, 0);
  }
  normalize(): WdlDecimal {
    let d = this.digits;
    let s = this.scale;
    while (s > 0 && d % 10n === 0n) {
      d /= 10n;
      s--;
    }
    return new WdlDecimal(d, s);
  }
  withScale(scale: number): bigint {
    return this.digits * 10n ** BigInt(scale - this.scale);
  }
  toString(): string {
    const neg = this.digits < 0n;
    const abs = (neg ? -this.digits : this.digits).toString().padStart(this.scale + 1, "0");
    const int = abs.slice(0, abs.length - this.scale);
    const frac = abs.slice(abs.length - this.scale);
    return (neg ? "-" : "") + int + (frac ? "." + frac : "");
  }
  toNumber(): number {
    return Number(this.toString());
  }
  toJSON(): number {
    return this.toNumber();
  }
  valueOf(): number {
    return this.toNumber();
  }
}

export type Value =
  | null
  | boolean
  | number
  | bigint
  | string
  | WdlFloat
  | WdlDecimal
  | Value[]
  | { [key: string]: Value };

export type ValueObject = { [key: string]: Value };

/** Integers beyond ±2^53 (ticks(), large sums) are bigint so they stay exact. */
export type WdlNumber = number | bigint | WdlFloat | WdlDecimal;

export const isNumber = (v: unknown): v is WdlNumber =>
  typeof v === "number" || typeof v === "bigint" || v instanceof WdlFloat || v instanceof WdlDecimal;

export const isFloatValue = (v: unknown): boolean =>
  v instanceof WdlFloat || (typeof v === "number" && !Number.isInteger(v));

export const isIntegerValue = (v: unknown): v is number | bigint =>
  typeof v === "bigint" || (typeof v === "number" && Number.isInteger(v));

/** An integer result: a number when it is exactly representable, else a bigint. */
export const makeInteger = (n: bigint): number | bigint =>
  n <= BigInt(Number.MAX_SAFE_INTEGER) && n >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(n) : n;

export const isObject = (v: unknown): v is ValueObject =>
  typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof WdlFloat) && !(v instanceof WdlDecimal);

export const toNumber = (v: WdlNumber): number =>
  typeof v === "number" ? v : typeof v === "bigint" ? Number(v) : v instanceof WdlFloat ? v.value : v.toNumber();

/** A Float result: boxed when whole so that it stays a Float. */
export const makeFloat = (n: number): number | WdlFloat => (Number.isInteger(n) ? new WdlFloat(n) : n);

/** The WDL type name used in error messages ("Integer", "Float", "String", ...). */
export function typeName(v: unknown): string {
  if (v === null || v === undefined) return "Null";
  if (typeof v === "boolean") return "Boolean";
  if (typeof v === "string") return "String";
  if (v instanceof WdlDecimal) return "Decimal";
  if (isFloatValue(v)) return "Float";
  if (typeof v === "number" || typeof v === "bigint") return "Integer";
  if (Array.isArray(v)) return "Array";
  return "Object";
}

/** Plain JSON (numbers unboxed), for outputs, HTTP bodies and comparisons in tests. */
export function toPlain(v: unknown): unknown {
  if (typeof v === "bigint") return Number(v);
  if (v instanceof WdlFloat) return v.value;
  if (v instanceof WdlDecimal) return v.toNumber();
  if (Array.isArray(v)) return v.map(toPlain);
  if (isObject(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = toPlain(x);
    return out;
  }
  return v === undefined ? null : v;
}

/** Deep copy keeping the WDL number boxes. */
export function cloneValue<T>(v: T): T {
  if (Array.isArray(v)) return v.map(cloneValue) as unknown as T;
  if (isObject(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = cloneValue(x);
    return out as T;
  }
  return v;
}

/** Binary content as Logic Apps represents it: a base64 envelope. */
export interface BinaryContent {
  "$content-type": string;
  $content: string;
}
export const isBinary = (v: unknown): v is BinaryContent =>
  isObject(v) && typeof v["$content"] === "string" && typeof v["$content-type"] === "string";
export const binary = (buf: Buffer, contentType = "application/octet-stream"): ValueObject => ({
  "$content-type": contentType,
  $content: buf.toString("base64"),
});

/**
 * .NET-style string conversion, as string() and @{...} interpolation do: null → "", booleans
 * "True"/"False", objects and arrays compact JSON, binary content decoded as UTF-8.
 */
export function stringify(v: unknown): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "string") return v;
  if (typeof v === "boolean") return v ? "True" : "False";
  if (v instanceof WdlDecimal) return v.toString();
  if (typeof v === "bigint") return v.toString();
  if (v instanceof WdlFloat) return formatDouble(v.value);
  if (typeof v === "number") return Number.isInteger(v) ? v.toFixed(0) : formatDouble(v);
  if (isBinary(v)) return Buffer.from(v.$content, "base64").toString("utf8");
  return toJsonText(v);
}

/** JSON text of a value; bigints are written with all their digits. */
export function toJsonText(v: unknown, indent?: number): string {
  const marks: string[] = [];
  const text = JSON.stringify(
    v,
    (_k, x) => {
      if (typeof x === "bigint") {
        marks.push(x.toString());
        return `\u0000bigint${marks.length - 1}\u0000`;
      }
      return x;
    },
    indent,
  );
  if (text === undefined) return "null";
  return marks.length ? text.replace(/"\\u0000bigint(\d+)\\u0000"/g, (_m, i) => marks[Number(i)]) : text;
}

/** A double as .NET Core prints it (shortest round-trip; exponent form like 1E+21). */
export function formatDouble(n: number): string {
  if (Number.isNaN(n)) return "NaN";
  if (!Number.isFinite(n)) return n > 0 ? "∞" : "-∞";
  const s = String(n);
  const m = /^(-?[\d.]+)e([+-])(\d+)$/.exec(s);
  if (m) return `${m[1]}E${m[2]}${m[3].padStart(2, "0")}`;
  return s;
}

/** Deep equality the way equals() compares: numbers by value, booleans as 1/0 against numbers. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === undefined) a = null;
  if (b === undefined) b = null;
  if (isNumber(a) || typeof a === "boolean") {
    if (isNumber(b) || typeof b === "boolean") {
      const x = asNumberish(a);
      const y = asNumberish(b);
      if (typeof x === "bigint" || typeof y === "bigint") {
        return Number.isInteger(Number(x)) && Number.isInteger(Number(y)) && BigInt(x) === BigInt(y);
      }
      return x === y;
    }
    return false;
  }
  if (typeof a === "string" || typeof b === "string") return a === b;
  if (a === null || b === null) return a === b;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => deepEqual(x, b[i]));
  }
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    if (ka.length !== kb.length) return false;
    return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

function asNumberish(v: unknown): number | bigint {
  if (typeof v === "boolean") return v ? 1 : 0;
  if (typeof v === "bigint") return v;
  return toNumber(v as number);
}
