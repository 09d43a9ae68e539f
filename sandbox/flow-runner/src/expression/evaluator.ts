/**
 * Evaluator for parsed WDL expressions and for whole JSON values that contain templates.
 * Errors are ExpressionError with code InvalidTemplate and the message style Power Automate uses
 * ("The template language function 'x' expects ...").
 */
import { randomUUID } from "node:crypto";
import { ExpressionError } from "./errors";
import { FUNCTIONS } from "./functions";
import { Expr, parseExpression, parseTemplate, Template } from "./parser";
import { isObject, stringify, typeName, Value, WdlFloat } from "./values";

export { ExpressionError };

/** What workflow functions (trigger(), body(), variables(), ...) read; supplied by the engine. */
export interface WorkflowAccess {
  trigger(): Value;
  /** The actions('name') object: name, inputs, outputs, status, code, startTime, endTime, error. */
  action(name: string): Value;
  variable(name: string): Value;
  parameter(name: string): Value;
  item(): Value;
  items(loopName: string): Value;
  iterationIndexes(loopName: string): Value;
  result(scopeName: string): Value;
  workflow(): Value;
  listCallbackUrl(): Value;
  currentAction(): Value;
}

export interface EvalContext {
  /** Current time: ms since the epoch, or an ISO timestamp with up to 7 fraction digits (injectable clock). */
  now(): number | string;
  /** A new GUID, lower-case "D" format (injectable). */
  newGuid(): string;
  /** Uniform random in [0, 1) (injectable, for rand()). */
  random(): number;
  workflow?: WorkflowAccess;
}

export const defaultContext = (): EvalContext => ({
  now: () => Date.now(),
  newGuid: () => randomUUID(),
  random: Math.random,
});

/** Re-print an expression (for error messages). */
export function unparse(e: Expr): string {
  switch (e.kind) {
    case "literal":
      if (typeof e.value === "string") return `'${e.value.replace(/'/g, "''")}'`;
      if (e.value === null) return "null";
      if (typeof e.value === "number" && e.float && Number.isInteger(e.value)) return `${e.value}.0`;
      return String(e.value);
    case "call":
      return `${e.name}(${e.args.map(unparse).join(", ")})`;
    case "member":
      return `${unparse(e.target)}${e.safe ? "?" : ""}.${e.name}`;
    case "index":
      return `${unparse(e.target)}${e.safe ? "?" : ""}[${unparse(e.index)}]`;
  }
}

export function evaluate(e: Expr, ctx: EvalContext): Value {
  switch (e.kind) {
    case "literal":
      if (typeof e.value === "number" && e.float && Number.isInteger(e.value)) {
        return new WdlFloat(e.value); // the literal 5.0 stays a Float
      }
      return e.value;
    case "call": {
      const def = FUNCTIONS.get(e.name.toLowerCase());
      if (!def) throw new ExpressionError(`The template language function '${e.name}' is not defined or not valid.`);
      const n = e.args.length;
      if (n < def.min || (def.max !== undefined && n > def.max)) {
        const expects =
          def.max === def.min
            ? `${def.min} parameter${def.min === 1 ? "" : "s"}`
            : def.max === undefined
              ? `at least ${def.min} parameter${def.min === 1 ? "" : "s"}`
              : `between ${def.min} and ${def.max} parameters`;
        throw new ExpressionError(`The template language function '${def.name}' expects ${expects}. The function was invoked with '${n}' parameter${n === 1 ? "" : "s"}.`);
      }
      if (def.lazy) return def.lazy(e.args.map((a) => () => evaluate(a, ctx)), ctx, def.name);
      const args = e.args.map((a) => evaluate(a, ctx));
      return def.impl!(args, ctx, def.name);
    }
    case "member":
      return access(evaluate(e.target, ctx), e.name, e.safe, e, true);
    case "index": {
      const target = evaluate(e.target, ctx);
      const idx = evaluate(e.index, ctx);
      return access(target, idx, e.safe, e, false);
    }
  }
}

function access(target: Value, key: Value, safe: boolean, e: Expr, dotted: boolean): Value {
  const where = () => unparse(e);
  if (target === null || target === undefined) {
    if (safe) return null;
    throw new ExpressionError(
      `The template language expression '${where()}' cannot be evaluated because property '${stringify(key)}' cannot be selected. Property selection is not supported on values of type 'Null'.`,
    );
  }
  if (Array.isArray(target)) {
    if (typeof key === "number" && Number.isInteger(key)) {
      if (key >= 0 && key < target.length) return target[key];
      if (safe) return null;
      throw new ExpressionError(
        `The template language expression '${where()}' cannot be evaluated because array index '${key}' is outside bounds (0 - ${target.length - 1}) of array.`,
      );
    }
    if (safe) return null;
    throw new ExpressionError(
      `The template language expression '${where()}' cannot be evaluated because property '${stringify(key)}' cannot be selected. Array elements can only be selected using an integer index.`,
    );
  }
  if (isObject(target)) {
    const k = typeof key === "string" ? key : stringify(key);
    const hit = lookup(target, k);
    if (hit.found) return hit.value;
    // Power Automate alias paths: ['body/value'] walks body → value
    if (!dotted && k.includes("/")) {
      let cur: Value = target;
      for (const seg of k.split("/").filter((s) => s !== "")) {
        if (cur === null || cur === undefined) {
          if (safe) return null;
          break;
        }
        if (Array.isArray(cur) && /^\d+$/.test(seg)) {
          cur = cur[Number(seg)] ?? null;
          continue;
        }
        if (!isObject(cur)) {
          cur = undefined as unknown as Value;
          break;
        }
        const h = lookup(cur, seg);
        if (!h.found) {
          if (safe) return null;
          cur = undefined as unknown as Value;
          break;
        }
        cur = h.value;
      }
      if (cur !== undefined) return cur;
    }
    if (safe) return null;
    const available = Object.keys(target).join(", ");
    throw new ExpressionError(
      `The template language expression '${where()}' cannot be evaluated because property '${k}' doesn't exist, available properties are '${available}'. Please see https://aka.ms/logicexpressions for usage details.`,
    );
  }
  if (safe) return null;
  throw new ExpressionError(
    `The template language expression '${where()}' cannot be evaluated because property '${stringify(key)}' cannot be selected. Property selection is not supported on values of type '${typeName(target)}'.`,
  );
}

function lookup(obj: Record<string, Value>, k: string): { found: boolean; value: Value } {
  if (Object.prototype.hasOwnProperty.call(obj, k)) return { found: true, value: obj[k] };
  const lower = k.toLowerCase();
  for (const key of Object.keys(obj)) if (key.toLowerCase() === lower) return { found: true, value: obj[key] };
  return { found: false, value: null };
}

// ---------------------------------------------------------------- templates

const templateCache = new Map<string, Template>();

export function compileTemplate(s: string): Template {
  let t = templateCache.get(s);
  if (!t) {
    t = parseTemplate(s);
    if (templateCache.size > 5000) templateCache.clear();
    templateCache.set(s, t);
  }
  return t;
}

/** Evaluate one JSON string value: "@expr" typed, "..@{expr}.." a string, plain text as is. */
export function evaluateString(s: string, ctx: EvalContext): Value {
  let t: Template;
  try {
    t = compileTemplate(s);
  } catch (err) {
    throw new ExpressionError((err as Error).message);
  }
  switch (t.kind) {
    case "text":
      return t.text;
    case "expression":
      return evaluate(t.expr, ctx);
    case "interpolation":
      return t.parts.map((p) => (typeof p === "string" ? p : stringify(evaluate(p.expr, ctx)))).join("");
  }
}

/** Evaluate every template inside a JSON value (object keys are templates too). */
export function evaluateValue(v: unknown, ctx: EvalContext): Value {
  if (typeof v === "string") return evaluateString(v, ctx);
  if (Array.isArray(v)) return v.map((x) => evaluateValue(x, ctx));
  if (isObject(v)) {
    const out: Record<string, Value> = {};
    for (const [k, x] of Object.entries(v)) {
      const key = k.includes("@") ? stringify(evaluateString(k, ctx)) : k;
      out[key] = evaluateValue(x, ctx);
    }
    return out;
  }
  return (v === undefined ? null : v) as Value;
}

/** Parse and evaluate a bare expression (no leading '@'). */
export function evaluateExpression(source: string, ctx: EvalContext): Value {
  let e: Expr;
  try {
    e = parseExpression(source);
  } catch (err) {
    throw new ExpressionError((err as Error).message);
  }
  return evaluate(e, ctx);
}
