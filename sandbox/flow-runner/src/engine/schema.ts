/**
 * The JSON Schema subset flow definitions use (Request trigger schemas, Parse JSON schemas):
 * type (string or array of types, "integer", "number", "boolean", "object", "array", "string",
 * "null"), properties, required, items, enum. Errors are reported with their JSON path, as Parse
 * JSON's "ValidationFailed" lists them.
 */
import { isIntegerValue, isNumber, isObject, Value } from "../expression/values";

export interface SchemaError {
  path: string;
  message: string;
}

type Schema = {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  [k: string]: unknown;
};

function matchesType(v: Value, t: string): boolean {
  switch (t) {
    case "string":
      return typeof v === "string";
    case "integer":
      return isIntegerValue(v);
    case "number":
      return isNumber(v);
    case "boolean":
      return typeof v === "boolean";
    case "object":
      return isObject(v);
    case "array":
      return Array.isArray(v);
    case "null":
      return v === null;
    case "any":
      return true;
    default:
      return true;
  }
}

const describe = (v: Value): string => (v === null ? "Null" : Array.isArray(v) ? "Array" : isObject(v) ? "Object" : typeof v === "string" ? "String" : typeof v === "boolean" ? "Boolean" : isIntegerValue(v) ? "Integer" : "Float");

export function validateSchema(value: Value, schema: unknown, path = "$"): SchemaError[] {
  const s = (schema ?? {}) as Schema;
  const errors: SchemaError[] = [];
  if (s.type !== undefined) {
    const types = Array.isArray(s.type) ? s.type : [s.type];
    if (!types.some((t) => matchesType(value, String(t).toLowerCase()))) {
      errors.push({ path, message: `Invalid type. Expected ${types.map((t) => String(t)[0].toUpperCase() + String(t).slice(1)).join(", ")} but got ${describe(value)}.` });
      return errors;
    }
  }
  if (s.enum && !s.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) {
    errors.push({ path, message: `Value ${JSON.stringify(value)} is not defined in enum.` });
  }
  if (isObject(value)) {
    for (const r of s.required ?? []) {
      if (!Object.prototype.hasOwnProperty.call(value, r)) errors.push({ path, message: `Required properties are missing from object: ${r}.` });
    }
    for (const [k, sub] of Object.entries(s.properties ?? {})) {
      if (Object.prototype.hasOwnProperty.call(value, k)) errors.push(...validateSchema(value[k], sub, `${path}.${k}`));
    }
  }
  if (Array.isArray(value) && s.items) value.forEach((x, i) => errors.push(...validateSchema(x, s.items, `${path}[${i}]`)));
  return errors;
}
