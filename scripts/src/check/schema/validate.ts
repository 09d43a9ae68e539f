/**
 * Checks an element tree against rules written with ./model.ts, the way a validating XML Schema
 * processor does: child elements against the content model (order, cardinality, choice, all),
 * attributes (allowed, required, typed), text against simple types. Messages follow libxml2's
 * wording ("This element is not expected. Expected is one of ( … )", "Missing child element(s)"),
 * so a finding reads the same as `xmllint --schema` on the official XSD would print it.
 */
import type { XmlElement } from "../../solution/xml";
import { resolveType, type AllParticle, type ComplexType, type ElementParticle, type Particle, type SimpleType, type TypeRef } from "./model";

export interface SchemaFinding {
  /** The offending element (for its origin file). */
  element: XmlElement;
  /** Readable path from the validated root, e.g. `ImportExportXml/Entities/Entity[Opportunity]/…`. */
  path: string;
  message: string;
  fix: string;
}

const childElements = (e: XmlElement): XmlElement[] => e.children.filter((c): c is XmlElement => c.kind === "element");
const textOf = (e: XmlElement): string => e.children.map((c) => (c.kind === "text" || c.kind === "cdata" ? c.text : "")).join("");

/** A path segment that tells siblings apart: Entity[Opportunity], attribute[pcs_Audit], tab[{id}] … */
function segment(e: XmlElement): string {
  const name = e.attrs.find(([k]) => ["Name", "name", "PhysicalName", "schemaname", "connectionreferencelogicalname", "WorkflowId", "id"].includes(k))?.[1];
  if (name) return `${e.name}[${name}]`;
  if (e.name === "Entity" || e.name === "systemform" || e.name === "savedquery" || e.name === "WebResource" || e.name === "CustomControl") {
    const key = childElements(e).find((c) => ["Name", "formid", "savedqueryid"].includes(c.name));
    if (key) return `${e.name}[${textOf(key).trim()}]`;
  }
  return e.name;
}

/** Names of the element particles in a particle tree (first declaration wins, as XSD requires one type per name). */
function declarations(p: Particle, out = new Map<string, ElementParticle>()): Map<string, ElementParticle> {
  if (p.kind === "element") {
    if (!out.has(p.name)) out.set(p.name, p);
  } else for (const i of p.items) declarations(i, out);
  return out;
}

/** Where matching stopped: the furthest position tried and what was expected there. */
class Trail {
  furthest = -1;
  expected = new Set<string>();
  note(pos: number, name: string): void {
    if (pos > this.furthest) {
      this.furthest = pos;
      this.expected = new Set();
    }
    if (pos === this.furthest) this.expected.add(name);
  }
}

const union = (sets: Iterable<Set<number>>): Set<number> => {
  const out = new Set<number>();
  for (const s of sets) for (const v of s) out.add(v);
  return out;
};

/** Repeats `step` between min and max times from `start`; returns every end position. */
function repeat(step: (pos: number) => Set<number>, start: number, min: number, max: number): Set<number> {
  const results = new Set<number>();
  if (min === 0) results.add(start);
  let frontier = new Set([start]);
  const seen = new Set<string>();
  for (let k = 1; k <= max && frontier.size; k++) {
    const next = union([...frontier].map(step));
    if (k >= min) for (const v of next) results.add(v);
    // stop when nothing moves on (a group that matched nothing would repeat forever)
    const key = [...next].sort().join(",");
    if (seen.has(key) || [...next].every((v) => frontier.has(v))) {
      if (k < min && next.size) for (const v of next) results.add(v); // empty iterations can fill the minimum
      break;
    }
    seen.add(key);
    frontier = next;
  }
  return results;
}

function match(p: Particle, kids: XmlElement[], start: number, trail: Trail): Set<number> {
  switch (p.kind) {
    case "element":
      return repeat(
        (pos) => {
          if (pos < kids.length && kids[pos].name === p.name) return new Set([pos + 1]);
          trail.note(pos, p.name);
          return new Set();
        },
        start,
        p.min,
        p.max,
      );
    case "sequence":
      return repeat((pos) => p.items.reduce((set, item) => union([...set].map((s) => match(item, kids, s, trail))), new Set([pos])), start, p.min, p.max);
    case "choice":
      return repeat((pos) => union(p.items.map((item) => match(item, kids, pos, trail))), start, p.min, p.max);
    case "all":
      throw new Error("xs:all can only be the whole content of a type");
  }
}

const list = (names: Iterable<string>): string => `( ${[...names].join(", ")} )`;

export class SchemaValidator {
  readonly findings: SchemaFinding[] = [];

  private report(element: XmlElement, path: string, message: string, fix: string): void {
    this.findings.push({ element, path, message, fix });
  }

  /** Validates `e` (at `path`) against `type`. */
  validate(e: XmlElement, type: TypeRef, path = e.name): void {
    const t = resolveType(type);
    if (t.kind === "simple") {
      this.checkAttributes(e, path, {}, false);
      this.checkSimple(e, path, t);
      return;
    }
    this.checkAttributes(e, path, t.attributes, !!t.anyAttribute);
    if (e.attrs.some(([k, v]) => k === "xsi:nil" && v === "true")) return;
    const content = t.content;
    if (content === "any") return;
    if (content === "empty") {
      if (childElements(e).length) this.report(e, path, `Element '${e.name}': This element is not expected to have child elements (its content type is empty); found <${childElements(e)[0].name}>.`, `remove the child elements of <${e.name}>`);
      else if (textOf(e).trim()) this.report(e, path, `Element '${e.name}': Character content is not allowed, because the content type is empty.`, `remove the text of <${e.name}>`);
      return;
    }
    if (content.kind === "simple") {
      this.checkSimple(e, path, content);
      return;
    }
    this.checkContent(e, path, content, t);
  }

  private checkSimple(e: XmlElement, path: string, t: SimpleType): void {
    const kids = childElements(e);
    if (kids.length) {
      this.report(e, path, `Element '${e.name}': Element content is not allowed, because the content type is a simple type definition (${t.name}); found <${kids[0].name}>.`, `write <${e.name}> as text only`);
      return;
    }
    const why = t.check(textOf(e));
    if (why) this.report(e, path, `Element '${e.name}': ${why}.`, `write a ${t.name} value in <${e.name}>`);
  }

  private checkAttributes(e: XmlElement, path: string, declared: ComplexType["attributes"], anyAttribute: boolean): void {
    for (const [k, v] of e.attrs) {
      if (k === "xmlns" || k.startsWith("xmlns:") || k.startsWith("xsi:")) continue;
      const d = declared[k];
      if (!d) {
        if (!anyAttribute) this.report(e, path, `Element '${e.name}', attribute '${k}': The attribute '${k}' is not allowed.`, `remove ${k}="…" from <${e.name}> (allowed: ${Object.keys(declared).join(", ") || "none"})`);
        continue;
      }
      const why = d.type.check(v);
      if (why) this.report(e, path, `Element '${e.name}', attribute '${k}': ${why}.`, `write a ${d.type.name} value in ${k}`);
    }
    for (const [k, d] of Object.entries(declared)) {
      if (d.required && !e.attrs.some(([a]) => a === k)) this.report(e, path, `Element '${e.name}': The attribute '${k}' is required but missing.`, `add ${k}="…" to <${e.name}>`);
    }
  }

  /**
   * A node of a diff FormXml marked Modified or Removed (solutionaction, Microsoft's form-alm.md)
   * carries only what changed, so its required children are not asked for.
   */
  private partial(e: XmlElement): boolean {
    return e.attrs.some(([k, v]) => k === "solutionaction" && (v === "Modified" || v === "Removed"));
  }

  private checkContent(e: XmlElement, path: string, p: Particle, t: ComplexType): void {
    if (!t.mixed && textOf(e).trim()) this.report(e, path, `Element '${e.name}': Character content other than whitespace is not allowed because the content type is 'element-only'.`, `remove the text "${textOf(e).trim().slice(0, 40)}" from <${e.name}>`);
    const kids = childElements(e);
    const decls = declarations(p);
    if (p.kind === "all") this.checkAll(e, path, p, kids);
    else {
      const trail = new Trail();
      const ends = match(p, kids, 0, trail);
      if (!ends.has(kids.length)) {
        const reached = Math.max(trail.furthest, ...ends);
        if (reached >= kids.length) {
          if (!this.partial(e)) this.report(e, path, `Element '${e.name}': Missing child element(s). Expected is ${list(trail.expected)}.`, `add ${[...trail.expected].map((n) => `<${n}>`).join(" or ")} to <${e.name}>, in schema order`);
        }
        else {
          const bad = kids[reached];
          const expected = reached === trail.furthest ? trail.expected : new Set<string>();
          this.report(
            bad,
            `${path}/${segment(bad)}`,
            `Element '${bad.name}': This element is not expected.${expected.size ? ` Expected is ${expected.size > 1 ? "one of " : ""}${list(expected)}.` : ""}`,
            decls.has(bad.name) ? `move <${bad.name}> to where the schema puts it in <${e.name}>, or remove the extra one` : `remove <${bad.name}> (not part of <${e.name}>; allowed: ${[...decls.keys()].join(", ") || "none"})`,
          );
        }
      }
    }
    for (const k of kids) {
      const d = decls.get(k.name);
      if (d) this.validate(k, d.type, `${path}/${segment(k)}`);
    }
  }

  private checkAll(e: XmlElement, path: string, p: AllParticle, kids: XmlElement[]): void {
    const decls = new Map(p.items.map((i) => [i.name, i]));
    const seen = new Set<string>();
    for (const k of kids) {
      const d = decls.get(k.name);
      if (!d || seen.has(k.name)) {
        const remaining = p.items.filter((i) => !seen.has(i.name)).map((i) => i.name);
        this.report(k, `${path}/${segment(k)}`, `Element '${k.name}': This element is not expected.${remaining.length ? ` Expected is one of ${list(remaining)}.` : ""}`, d ? `keep one <${k.name}> in <${e.name}>` : `remove <${k.name}> (not part of <${e.name}>)`);
        continue;
      }
      seen.add(k.name);
    }
    const missing = p.items.filter((i) => i.min > 0 && !seen.has(i.name)).map((i) => i.name);
    if (missing.length && !this.partial(e)) this.report(e, path, `Element '${e.name}': Missing child element(s). Expected is ${list(missing)}.`, `add ${missing.map((n) => `<${n}>`).join(", ")} to <${e.name}>`);
  }
}

/** Validates a root element against the element particle that declares it. */
export function validateRoot(root: XmlElement, decl: ElementParticle): SchemaFinding[] {
  const v = new SchemaValidator();
  if (root.name !== decl.name) {
    v.findings.push({ element: root, path: root.name, message: `Element '${root.name}': No matching global declaration available for the validation root (expected <${decl.name}>).`, fix: `the root element must be <${decl.name}>` });
    return v.findings;
  }
  v.validate(root, decl.type);
  return v.findings;
}
