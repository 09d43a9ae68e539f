/**
 * Condition trees of If, Until and trigger conditions as the designer writes them:
 * {"and":[{"equals":["@x","y"]},{"not":{"contains":["@a","b"]}}]}, or a plain "@expr" string.
 * Operands are JSON values whose strings may be templates. Per the function reference's note on
 * logical comparisons, null operands compare as the empty string; a string operand is compared
 * case-insensitively with a Boolean operand ("true" equals true in a Condition, while the
 * equals() function keeps them different).
 */
import { compareValues } from "../expression/functions";
import { EvalContext, evaluateValue, ExpressionError } from "../expression";
import { deepEqual, isObject, stringify, Value } from "../expression/values";

const LOGICAL = new Set(["and", "or", "not"]);
const BINARY = new Set(["equals", "greater", "greaterorequals", "less", "lessorequals", "contains", "startswith", "endswith"]);

export function evaluateCondition(cond: unknown, ctx: EvalContext): boolean {
  if (typeof cond === "string" || typeof cond === "boolean") {
    const v = typeof cond === "string" ? evaluateValue(cond, ctx) : cond;
    if (typeof v === "boolean") return v;
    if (typeof v === "string" && /^(true|false)$/i.test(v)) return v.toLowerCase() === "true";
    throw new ExpressionError(`The condition must evaluate to a Boolean; it evaluated to '${stringify(v)}'.`);
  }
  if (!isObject(cond as Value)) throw new ExpressionError("A condition must be an expression string or an object such as {\"and\": [...]}.");
  const entries = Object.entries(cond as Record<string, unknown>);
  if (entries.length !== 1) throw new ExpressionError(`A condition object must have exactly one operator; found '${entries.map(([k]) => k).join(", ")}'.`);
  const [op, arg] = entries[0];
  const lower = op.toLowerCase();
  if (LOGICAL.has(lower)) {
    if (lower === "not") return !evaluateCondition(arg, ctx);
    if (!Array.isArray(arg)) throw new ExpressionError(`The '${op}' condition expects an array of conditions.`);
    return lower === "and" ? arg.every((c) => evaluateCondition(c, ctx)) : arg.some((c) => evaluateCondition(c, ctx));
  }
  if (BINARY.has(lower)) {
    if (!Array.isArray(arg) || arg.length !== 2) throw new ExpressionError(`The '${op}' condition expects two operands.`);
    const a = norm(evaluateValue(arg[0], ctx));
    const b = norm(evaluateValue(arg[1], ctx));
    switch (lower) {
      case "equals":
        return conditionEquals(a, b);
      case "greater":
        return compareValues(a, b, op) > 0;
      case "greaterorequals":
        return compareValues(a, b, op) >= 0;
      case "less":
        return compareValues(a, b, op) < 0;
      case "lessorequals":
        return compareValues(a, b, op) <= 0;
      case "contains":
        if (Array.isArray(a)) return a.some((x) => deepEqual(x, b));
        if (isObject(a)) return Object.prototype.hasOwnProperty.call(a, stringify(b));
        return stringify(a).includes(stringify(b));
      case "startswith":
        return stringify(a).toLowerCase().startsWith(stringify(b).toLowerCase());
      case "endswith":
        return stringify(a).toLowerCase().endsWith(stringify(b).toLowerCase());
    }
  }
  throw new ExpressionError(`The condition operator '${op}' is not supported.`);
}

function norm(v: Value): Value {
  return v === null || v === undefined ? "" : v;
}

function conditionEquals(a: Value, b: Value): boolean {
  if (typeof a === "string" && typeof b === "boolean") return a.toLowerCase() === String(b);
  if (typeof b === "string" && typeof a === "boolean") return b.toLowerCase() === String(a);
  return deepEqual(a, b);
}

/** Every template string inside a condition tree (for lint). */
export function conditionStrings(cond: unknown, out: string[] = []): string[] {
  if (typeof cond === "string") out.push(cond);
  else if (Array.isArray(cond)) cond.forEach((c) => conditionStrings(c, out));
  else if (cond && typeof cond === "object") Object.values(cond).forEach((c) => conditionStrings(c, out));
  return out;
}
