/**
 * A small vocabulary for writing down an XML Schema's rules in TypeScript: element particles with
 * occurrence (`"Name?"`, `"Name*"`, `"Name+"`, `"Name{1,3}"`), sequence / choice / all groups,
 * attributes with simple types, and simple types that check a value. The CRM SDK schemas
 * (CustomizationsSolution.xsd, FormXml.xsd, Fetch.xsd, SDK 9.0.0.2090) are written down with it in
 * ./customizations.ts, ./formxml.ts and ./fetch.ts; ./validate.ts checks an element tree against it.
 *
 * `newer` marks what real exports carry and the 2018 schema lacks: the real export that shows it.
 */

/** A simple type: checks one text value (element content or attribute value). */
export interface SimpleType {
  kind: "simple";
  /** How messages name the type, e.g. "xs:integer" or "TrueFalse01Type (0 or 1)". */
  name: string;
  /** Why the value does not fit, or undefined when it does. Receives the value as written. */
  check(value: string): string | undefined;
}

/** Where a real export shows something the 2018 schema does not have: repository and path. */
export interface Evidence {
  repo: string;
  path: string;
  /** Optional detail, e.g. which element of that file. */
  note?: string;
}

export interface ElementParticle {
  kind: "element";
  name: string;
  type: TypeRef;
  min: number;
  max: number;
  newer?: Evidence;
}

export interface GroupParticle {
  kind: "sequence" | "choice";
  items: Particle[];
  min: number;
  max: number;
}

/** xs:all: each item at most once (or exactly once when min is 1), in any order. */
export interface AllParticle {
  kind: "all";
  items: ElementParticle[];
}

export type Particle = ElementParticle | GroupParticle | AllParticle;

export interface AttributeDecl {
  type: SimpleType;
  required: boolean;
  newer?: Evidence;
}

export interface ComplexType {
  kind: "complex";
  /** Element children (a particle), text of a simple type, no content ("empty"), or unchecked ("any"). */
  content: Particle | SimpleType | "empty" | "any";
  attributes: Record<string, AttributeDecl>;
  /** xs:anyAttribute */
  anyAttribute?: boolean;
  /** Text may appear between child elements. */
  mixed?: boolean;
}

/** A type, or a function returning it (for recursive types). */
export type TypeRef = SimpleType | ComplexType | (() => ComplexType);

export const resolveType = (t: TypeRef): SimpleType | ComplexType => (typeof t === "function" ? t() : t);

// ---------------------------------------------------------------------------------------------
// Occurrence syntax

/** Parses "Name", "Name?", "Name*", "Name+", "Name{0,3}" / "Name{1,unbounded}". */
export function parseSpec(spec: string): { name: string; min: number; max: number } {
  const m = /^([^?*+{]+)(\?|\*|\+|\{(\d+),(\d+|unbounded)\})?$/.exec(spec);
  if (!m) throw new Error(`bad element spec "${spec}"`);
  const [, name, occ, lo, hi] = m;
  if (!occ) return { name, min: 1, max: 1 };
  if (occ === "?") return { name, min: 0, max: 1 };
  if (occ === "*") return { name, min: 0, max: Infinity };
  if (occ === "+") return { name, min: 1, max: Infinity };
  return { name, min: Number(lo), max: hi === "unbounded" ? Infinity : Number(hi) };
}

const occurrence = (occ: string | undefined): { min: number; max: number } => parseSpec(`x${occ ?? ""}`);

// ---------------------------------------------------------------------------------------------
// Builders

/** One element particle: el("Name?", type) or el("Name*", type, newer). */
export function el(spec: string, type: TypeRef, newer?: Evidence): ElementParticle {
  const { name, min, max } = parseSpec(spec);
  return { kind: "element", name, type, min, max, newer };
}

/** A map of "Spec" → type (or [type, newer]) turned into element particles, in order. */
export type ElementMap = Record<string, TypeRef | [TypeRef, Evidence]>;

function elementsOf(map: ElementMap): ElementParticle[] {
  return Object.entries(map).map(([spec, t]) => (Array.isArray(t) ? el(spec, t[0], t[1]) : el(spec, t)));
}

type Item = Particle | ElementMap;
const PARTICLE_KINDS = new Set(["element", "sequence", "choice", "all"]);
const isParticle = (i: Item): i is Particle => typeof (i as { kind?: unknown }).kind === "string" && PARTICLE_KINDS.has((i as { kind: string }).kind);
const items = (list: Item[]): Particle[] => list.flatMap((i) => (isParticle(i) ? [i] : elementsOf(i)));

/** xs:sequence; `occ` is "", "?", "*", "+" or "{m,n}". */
export const seq = (occ: string, ...list: Item[]): GroupParticle => ({ kind: "sequence", items: items(list), ...occurrence(occ || undefined) });
/** xs:choice */
export const choice = (occ: string, ...list: Item[]): GroupParticle => ({ kind: "choice", items: items(list), ...occurrence(occ || undefined) });
/** xs:all */
export const all = (map: ElementMap): AllParticle => ({ kind: "all", items: elementsOf(map) });

/** Attribute map: "name" (optional) or "name!" (required) → type, or [type, newer]. */
export type AttributeMap = Record<string, SimpleType | [SimpleType, Evidence]>;

function attributesOf(map: AttributeMap = {}): Record<string, AttributeDecl> {
  const out: Record<string, AttributeDecl> = {};
  for (const [spec, t] of Object.entries(map)) {
    const required = spec.endsWith("!");
    const [type, newer] = Array.isArray(t) ? t : [t, undefined];
    out[required ? spec.slice(0, -1) : spec] = { type, required, newer };
  }
  return out;
}

/** A complex type with element content. */
export function complex(content: Particle | "empty" | "any", attributes?: AttributeMap, opts: { anyAttribute?: boolean; mixed?: boolean } = {}): ComplexType {
  return { kind: "complex", content, attributes: attributesOf(attributes), ...opts };
}

/** A complex type with simple content (text of a simple type) and attributes. */
export function simpleContent(text: SimpleType, attributes?: AttributeMap, opts: { anyAttribute?: boolean } = {}): ComplexType {
  return { kind: "complex", content: text, attributes: attributesOf(attributes), ...opts };
}

/** An element that only carries attributes. */
export const empty = (attributes?: AttributeMap): ComplexType => complex("empty", attributes);

/** Element children the schema leaves open (xs:any processContents="skip"); attributes still checked. */
export const anyChildren = (attributes?: AttributeMap): ComplexType => complex("any", attributes);

/** Content this validator does not model (outside what the schema defines, or a section we never ship). */
export const unchecked = (attributes?: AttributeMap): ComplexType => complex("any", attributes, { anyAttribute: true });
