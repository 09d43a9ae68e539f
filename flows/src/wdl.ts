/**
 * Small helpers for writing Workflow Definition Language expressions as TypeScript strings.
 * Every expression here is written to be safe under eager evaluation: Power Automate evaluates all
 * arguments of if(), so a branch never relies on the other branch's guard (substring/first/json are
 * always given inputs that cannot fail).
 */
import { wdlString } from "../../plugins-ts/src/rulebook/wdl";

export const lit = wdlString;
export const call = (fn: string, ...args: Array<string | number>): string => `${fn}(${args.join(", ")})`;
/** A whole-value expression: "@expr" (keeps the value's type). */
export const ex = (expr: string): string => `@${expr}`;
/** String interpolation: "@{expr}". */
export const tpl = (expr: string): string => `@{${expr}}`;

export const NEWLINE = "decodeUriComponent('%0A')";

export const body = (action: string): string => call("body", lit(action));
export const outputs = (action: string): string => call("outputs", lit(action));
export const variables = (name: string): string => call("variables", lit(name));
export const parameters = (name: string): string => call("parameters", lit(name));
export const triggerBody = (): string => "triggerBody()";
export const item = (): string => "item()";
export const items = (loop: string): string => call("items", lit(loop));

/** `expr?['a']?['b']` */
export const prop = (expr: string, ...path: string[]): string => path.reduce((e, p) => `${e}?[${lit(p)}]`, expr);
/** `expr?[keyExpr]` for a computed key. */
export const propDyn = (expr: string, keyExpr: string): string => `${expr}?[${keyExpr}]`;

export const coalesce = (...args: string[]): string => call("coalesce", ...args);
export const str = (expr: string): string => coalesce(expr, "''");
export const trimmed = (expr: string): string => call("trim", str(expr));
export const isEmpty = (expr: string): string => call("empty", trimmed(expr));
export const equals = (a: string, b: string): string => call("equals", a, b);
export const not = (a: string): string => call("not", a);
export const and = (...a: string[]): string => (a.length === 1 ? a[0] : call("and", ...a));
export const or = (...a: string[]): string => (a.length === 1 ? a[0] : call("or", ...a));
export const iff = (cond: string, yes: string, no: string): string => call("if", cond, yes, no);
export const concat = (...a: string[]): string => call("concat", ...a);

/** The first `n` characters (or fewer), without failing on short text. */
export const left = (expr: string, n: number): string => call("substring", expr, "0", call("min", String(n), call("length", expr)));

/** An OData string literal inside a $filter: quotes doubled. */
export const odataString = (expr: string): string => call("replace", str(expr), lit("'"), lit("''"));

/** A JSON object from key → expression pairs, keys in the given order (setProperty keeps insertion order). */
export function objectOf(pairs: ReadonlyArray<readonly [string, string]>): string {
  return pairs.reduce((o, [k, v]) => call("setProperty", o, lit(k), v), "json('{}')");
}
