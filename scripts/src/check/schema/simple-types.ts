/**
 * The simple types the CRM SDK schemas use (XML Schema built-ins and the schemas' own restrictions),
 * with XML Schema's whitespace rule: values of every type but xs:string are collapsed (leading and
 * trailing whitespace ignored) before they are checked.
 */
import type { SimpleType } from "./model";

const simple = (name: string, check: (v: string) => string | undefined, preserve = false): SimpleType => ({
  kind: "simple",
  name,
  check: (raw) => check(preserve ? raw : raw.replace(/\s+/g, " ").trim()),
});

const intIn = (name: string, min: bigint | undefined, max: bigint | undefined): SimpleType =>
  simple(name, (v) => {
    if (!/^[+-]?\d+$/.test(v)) return `'${v}' is not a valid value of the atomic type '${name}'`;
    const n = BigInt(v);
    if ((min !== undefined && n < min) || (max !== undefined && n > max)) return `'${v}' is out of range for '${name}'`;
    return undefined;
  });

/** An integer restriction with optional bounds, e.g. maxWidth (minInclusive 400). */
export const integerRange = (name: string, min?: number, max?: number): SimpleType => intIn(name, min === undefined ? undefined : BigInt(min), max === undefined ? undefined : BigInt(max));

export const string = simple("xs:string", () => undefined, true);
export const integer = intIn("xs:integer", undefined, undefined);
export const int = intIn("xs:int", -2147483648n, 2147483647n);
export const nonNegativeInteger = intIn("xs:nonNegativeInteger", 0n, undefined);
export const positiveInteger = intIn("xs:positiveInteger", 1n, undefined);
export const unsignedInt = intIn("xs:unsignedInt", 0n, 4294967295n);
export const unsignedShort = intIn("xs:unsignedShort", 0n, 65535n);
export const byte = intIn("xs:byte", -128n, 127n);
export const double = simple("xs:double", (v) => (/^([+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|INF|-INF|NaN)$/.test(v) ? undefined : `'${v}' is not a valid value of the atomic type 'xs:double'`));
export const boolean = simple("xs:boolean", (v) => (["true", "false", "1", "0"].includes(v) ? undefined : `'${v}' is not a valid value of the atomic type 'xs:boolean' (true, false, 1 or 0)`));

/** An enumeration restriction of xs:string (or another base). */
export const enumeration = (name: string, values: readonly string[]): SimpleType =>
  simple(name, (v) => (values.includes(v) ? undefined : `'${v}' is not an element of the set {'${values.join("', '")}'} of '${name}'`));

/** A pattern restriction (XML Schema patterns match the whole value). */
export const pattern = (name: string, re: RegExp, base: SimpleType = string): SimpleType =>
  simple(name, (v) => base.check(v) ?? (new RegExp(`^(?:${re.source})$`).test(v) ? undefined : `'${v}' is not accepted by the pattern of '${name}' (${re.source})`));

/** A union of member types: the value fits one of them. */
export const union = (name: string, members: SimpleType[]): SimpleType =>
  simple(name, (v) => (members.some((m) => m.check(v) === undefined) ? undefined : `'${v}' is not a valid value of '${name}' (${members.map((m) => m.name).join(" | ")})`));

/** A length restriction of xs:string. */
export const stringLength = (name: string, min: number, max = Infinity): SimpleType =>
  simple(name, (v) => (v.length < min ? `'${v}' is shorter than ${min} character${min === 1 ? "" : "s"} ('${name}')` : v.length > max ? `'${v}' is longer than ${max} characters ('${name}')` : undefined), true);

// ---- the schemas' own simple types --------------------------------------------------------------

export const TrueFalse01 = enumeration("TrueFalse01Type", ["0", "1"]);
export const TrueFalse = enumeration("TrueFalseType", ["True", "False"]);
export const Guid = pattern("GuidType", /\{?[a-fA-F0-9]{8}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{12}\}?/);
export const Version = pattern("VersionType", /[0-9]+(\.[0-9]+){1,3}/);
export const ObjectTypeCode = intIn("ObjectTypeCodeType", 1n, undefined);
export const EntityAttributeName = stringLength("EntityAttributeNameBaseType", 1, 50);
export const EntityAttributeLocalizedName = stringLength("EntityAttributeLocalizedNameBaseType", 1);
export const Length = union("LengthType", [positiveInteger, pattern("LengthMax", /max/), pattern("LengthMinusOne", /-1/)]);
export const Percentage = pattern("PercentageType", /(100|[0-9]{1,2})%/);
