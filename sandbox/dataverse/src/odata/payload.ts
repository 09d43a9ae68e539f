/**
 * Request bodies → typed column values. Rejects what Dataverse rejects: unknown properties, values of
 * the wrong JSON type, text over the column's maximum length, integers out of range, choice values
 * that are not options, @odata.bind to a missing navigation property or row.
 */
import { DataverseError, ErrorCodes, notFound, payloadError } from "../errors";
import { isLookupType } from "../metadata/registry";
import type { AttributeMeta, EntityMeta } from "../metadata/types";
import type { DataView, LookupValue, Value } from "../store/store";
import { isGuid, isoSeconds, isPlainObject, normGuid } from "../util";

export interface Payload {
  /** Column logical name → value (lookups as {id, entity}). */
  values: Map<string, Value>;
}

/** Resolves the text of an @odata.bind (entity set URL, relative path or $content-id). */
export type BindResolver = (text: string) => LookupValue;

/** The OData (EDM) type each column type has on the wire: payload errors and $metadata use it. */
export const EDM_TYPES: Partial<Record<AttributeMeta["type"], string>> = {
  String: "Edm.String",
  Memo: "Edm.String",
  EntityName: "Edm.String",
  MultiSelectPicklist: "Edm.String",
  Integer: "Edm.Int32",
  Picklist: "Edm.Int32",
  State: "Edm.Int32",
  Status: "Edm.Int32",
  BigInt: "Edm.Int64",
  Decimal: "Edm.Decimal",
  Money: "Edm.Decimal",
  Double: "Edm.Double",
  Boolean: "Edm.Boolean",
  DateTime: "Edm.DateTimeOffset",
  Uniqueidentifier: "Edm.Guid",
  Lookup: "Edm.Guid",
  Customer: "Edm.Guid",
  Owner: "Edm.Guid",
};

export function parsePayload(view: DataView, entity: EntityMeta, body: unknown, resolveBind: BindResolver): Payload {
  const registry = view.registry;
  if (!isPlainObject(body)) {
    throw payloadError(entity.entitySetName, "Microsoft.OData.ODataException: The request body must be a JSON object.");
  }
  const values = new Map<string, Value>();
  const boundBy = new Map<string, string>();
  for (const [key, raw] of Object.entries(body)) {
    if (key.endsWith("@odata.bind")) {
      const navName = key.slice(0, -"@odata.bind".length);
      const nav = registry.singleNav(entity.logicalName, navName);
      if (!nav) {
        throw payloadError(
          entity.entitySetName,
          `Microsoft.OData.ODataException: An undeclared property '${navName}' which only has property annotations in the payload but no property value was found in the payload. In OData, only declared navigation properties and declared named streams can be represented as properties without values.`,
        );
      }
      const previous = boundBy.get(nav.attribute);
      if (previous && previous !== navName) {
        throw payloadError(entity.entitySetName, `Microsoft.OData.ODataException: '${previous}' and '${navName}' both set the column '${nav.attribute}'.`);
      }
      boundBy.set(nav.attribute, navName);
      if (raw === null) {
        values.set(nav.attribute, null);
        continue;
      }
      if (typeof raw !== "string") {
        throw payloadError(entity.entitySetName, `Microsoft.OData.ODataException: The value of '${key}' must be an entity reference URL.`);
      }
      const ref = resolveBind(raw);
      if (ref.entity !== nav.target) {
        throw payloadError(
          entity.entitySetName,
          `Microsoft.OData.ODataException: The navigation property '${navName}' refers to '${nav.target}', not '${ref.entity}'.`,
        );
      }
      if (!view.get(ref.entity, ref.id)) throw notFound(ref.entity, ref.id);
      values.set(nav.attribute, ref);
      continue;
    }
    if (key.includes("@")) continue; // instance annotations in a payload are ignored
    const attr = entity.attributes[key];
    if (!attr || isLookupType(attr)) {
      if (registry.collectionNav(entity.logicalName, key) || registry.singleNav(entity.logicalName, key)) {
        throw new DataverseError(
          405,
          ErrorCodes.NotSupported,
          `Deep insert through the navigation property '${key}' is not supported by this emulator; create the related rows and bind them with @odata.bind.`,
        );
      }
      throw payloadError(
        entity.entitySetName,
        `Microsoft.Crm.CrmException: Invalid property '${key}' was found in entity 'Microsoft.Dynamics.CRM.${entity.logicalName}'. ---> Microsoft.OData.ODataException: Does not support untyped value in non-open type.`,
      );
    }
    values.set(attr.logicalName, coerce(entity, attr, raw));
  }
  return { values };
}

function typeError(entity: EntityMeta, a: AttributeMeta, raw: unknown): DataverseError {
  const literal = typeof raw === "string" ? raw : JSON.stringify(raw);
  return payloadError(
    entity.entitySetName,
    `Microsoft.OData.ODataException: Cannot convert the literal '${literal}' to the expected type '${EDM_TYPES[a.type] ?? "Edm.String"}'.`,
  );
}

/** Validate and normalise one column value. */
export function coerce(entity: EntityMeta, a: AttributeMeta, raw: unknown): Value {
  if (raw === null) return null;
  switch (a.type) {
    case "String":
    case "Memo":
    case "EntityName": {
      if (typeof raw !== "string") throw typeError(entity, a, raw);
      if (a.maxLength !== undefined && raw.length > a.maxLength) {
        throw new DataverseError(
          400,
          ErrorCodes.MaxLengthExceeded,
          `A validation error occurred.  The length of the '${a.logicalName}' attribute of the '${entity.logicalName}' entity exceeded the maximum allowed length of '${a.maxLength}'.`,
        );
      }
      return raw;
    }
    case "Integer":
    case "BigInt": {
      if (typeof raw !== "number" || !Number.isInteger(raw)) throw typeError(entity, a, raw);
      if ((a.minValue !== undefined && raw < a.minValue) || (a.maxValue !== undefined && raw > a.maxValue)) {
        throw new DataverseError(400, ErrorCodes.IntegerValueOutOfRange, "A validation error occurred. An integer provided is outside of the allowed values for this attribute.");
      }
      return raw;
    }
    case "Decimal":
    case "Money":
    case "Double": {
      const n = typeof raw === "number" ? raw : typeof raw === "string" && raw.trim() !== "" && Number.isFinite(Number(raw)) ? Number(raw) : NaN;
      if (!Number.isFinite(n)) throw typeError(entity, a, raw);
      if ((a.minValue !== undefined && n < a.minValue) || (a.maxValue !== undefined && n > a.maxValue)) {
        throw new DataverseError(
          400,
          ErrorCodes.InvalidArgument,
          `A validation error occurred. The value ${n} of '${a.logicalName}' on record of type '${entity.logicalName}' is outside the valid range.`,
        );
      }
      return n;
    }
    case "Boolean":
      if (typeof raw !== "boolean") throw typeError(entity, a, raw);
      return raw;
    case "DateTime": {
      if (typeof raw !== "string") throw typeError(entity, a, raw);
      const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(raw);
      const t = Date.parse(dateOnly ? `${raw}T00:00:00Z` : raw);
      if (!Number.isFinite(t)) throw typeError(entity, a, raw);
      if (a.format === "DateOnly") return dateOnly ? raw : new Date(t).toISOString().slice(0, 10);
      return isoSeconds(new Date(t));
    }
    case "Picklist":
    case "State":
    case "Status": {
      if (typeof raw !== "number" || !Number.isInteger(raw)) throw typeError(entity, a, raw);
      if (a.options && !a.options.some((o) => o.value === raw)) {
        throw new DataverseError(400, ErrorCodes.PicklistValueOutOfRange, `A validation error occurred. The value ${raw} of '${a.logicalName}' on record of type '${entity.logicalName}' is outside the valid range. Accepted Values: ${a.options.map((o) => o.value).join(",")}`);
      }
      return raw;
    }
    case "MultiSelectPicklist": {
      if (typeof raw !== "string") throw typeError(entity, a, raw);
      const vals = raw === "" ? [] : raw.split(",").map((s) => Number(s.trim()));
      for (const v of vals) {
        if (!Number.isInteger(v) || (a.options && !a.options.some((o) => o.value === v))) {
          throw new DataverseError(400, ErrorCodes.PicklistValueOutOfRange, `A validation error occurred. The value ${v} of '${a.logicalName}' on record of type '${entity.logicalName}' is outside the valid range.`);
        }
      }
      return vals;
    }
    case "Uniqueidentifier": {
      if (typeof raw !== "string" || !isGuid(raw.replace(/^\{|\}$/g, ""))) throw typeError(entity, a, raw);
      return normGuid(raw);
    }
    default:
      throw typeError(entity, a, raw);
  }
}
