/**
 * Connector operation contracts: the parameters an operation declares (name as the flow JSON writes
 * it, type, required, enum), checked the same way at two moments:
 *
 * - "lint": the flow JSON as saved. Power Automate validates connector parameters when a flow is
 *   saved or turned on ("Flow save failed with code 'OpenApiOperationParameterValidationFailed' and
 *   message 'Input parameter 'item' validation failed in workflow operation 'X': …'", error
 *   InvalidOpenApiFlow); a value that is an expression cannot be typed yet and is left to run time.
 * - "run": the evaluated parameters, just before the connector sends anything.
 *
 * A body parameter whose schema is an object is written by the designer as one key per property,
 * "<body>/<property>" (e.g. webcontents request/method, Teams body/body/messageBody); `flattened`
 * marks those keys.
 */
import { isTemplateString, parseTemplate } from "../expression/parser";
import { isIntegerValue, isNumber, isObject, typeName } from "../expression/values";

export type ParameterType = "string" | "integer" | "number" | "boolean" | "array" | "object" | "any";

export interface ParameterSpec {
  /** The key in inputs.parameters, e.g. "$top", "if-match", "request/body", "body/WebhookUrl". */
  name: string;
  type: ParameterType;
  required?: boolean;
  /** x-ms-visibility "internal": the connector fills it; flows never write it. */
  internal?: boolean;
  enum?: readonly string[];
  /** Type of each item of an array parameter. */
  items?: ParameterType;
}

export interface Violation {
  code: string;
  /** The parameter key the violation is about, when there is one. */
  parameter?: string;
  message: string;
}

export type CheckMode = "lint" | "run";

export interface OperationContract {
  operationId: string;
  parameters: readonly ParameterSpec[];
  /** Key prefixes of dynamic parameters the contract cannot list (Dataverse "item/<column>"). */
  dynamicPrefixes?: readonly string[];
  /** Whether a key not in `parameters` (nor under a dynamic prefix) is refused. */
  closed: boolean;
  /** Rules over the whole parameter set (JSON Patch paths, whole-item writes, row ids). */
  rules?: ReadonlyArray<(params: Readonly<Record<string, unknown>>, mode: CheckMode) => Violation[]>;
}

/** A value whose type is known only at run time: an "@expression" string (interpolations are strings). */
export function isDeferred(v: unknown, mode: CheckMode): boolean {
  if (mode === "run" || typeof v !== "string" || !isTemplateString(v)) return false;
  try {
    return parseTemplate(v).kind === "expression";
  } catch {
    return true; // a syntax error is lint's expression check's to report
  }
}

function matchesType(v: unknown, type: ParameterType, mode: CheckMode): boolean {
  if (type === "any" || v === null || isDeferred(v, mode)) return true;
  switch (type) {
    case "string":
      return typeof v === "string";
    case "integer":
      return isIntegerValue(v);
    case "number":
      return isNumber(v);
    case "boolean":
      return typeof v === "boolean";
    case "array":
      return Array.isArray(v);
    case "object":
      return isObject(v as never);
  }
}

/** Check an operation's parameters against its contract; an empty list means they conform. */
export function checkParameters(op: OperationContract, params: Readonly<Record<string, unknown>>, mode: CheckMode): Violation[] {
  const out: Violation[] = [];
  const byName = new Map(op.parameters.map((p) => [p.name, p]));
  const declared = op.parameters.filter((p) => !p.internal).map((p) => p.name);
  for (const [key, value] of Object.entries(params)) {
    const spec = byName.get(key);
    if (!spec) {
      if (op.closed && !op.dynamicPrefixes?.some((p) => key.startsWith(p))) {
        out.push({
          code: "openapi-unknown-parameter",
          parameter: key,
          message: `The API operation '${op.operationId}' has no parameter '${key}' (it declares ${declared.length ? declared.map((n) => `'${n}'`).join(", ") : "none"}).`,
        });
      }
      continue;
    }
    if (value === undefined) continue;
    if (!matchesType(value, spec.type, mode)) {
      out.push({ code: "openapi-parameter-type", parameter: key, message: `The API operation '${op.operationId}' expects '${key}' to be of type '${spec.type}'; it is of type '${typeName(value)}'.` });
      continue;
    }
    if (spec.items && Array.isArray(value)) {
      const bad = value.find((x) => !matchesType(x, spec.items!, mode));
      if (bad !== undefined) out.push({ code: "openapi-parameter-type", parameter: key, message: `The API operation '${op.operationId}' expects every item of '${key}' to be of type '${spec.items}'; one is of type '${typeName(bad)}'.` });
    }
    if (spec.enum && typeof value === "string" && !isDeferred(value, mode) && !isTemplateString(value) && !spec.enum.includes(value)) {
      out.push({ code: "openapi-parameter-enum", parameter: key, message: `The API operation '${op.operationId}' expects '${key}' to be one of ${spec.enum.map((e) => `'${e}'`).join(", ")}; it is '${value}'.` });
    }
  }
  for (const spec of op.parameters) {
    if (!spec.required || spec.internal) continue;
    const present = params[spec.name] !== undefined || Object.keys(params).some((k) => k.startsWith(spec.name + "/"));
    if (!present) out.push({ code: "openapi-missing-parameter", parameter: spec.name, message: `The API operation '${op.operationId}' is missing required parameter '${spec.name}'.` });
  }
  for (const rule of op.rules ?? []) out.push(...rule(params, mode));
  return out;
}

/** The message Power Automate's save validation gives, for one violation in one action. */
export function saveValidationMessage(action: string, v: Violation): string {
  return `Input parameter '${v.parameter ?? "(all)"}' validation failed in workflow operation '${action}': ${v.message}`;
}
