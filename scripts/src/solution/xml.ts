/**
 * A small XML tree, parser and serializer for Dataverse solution files.
 *
 * Why our own: the packer has to round-trip bytes (pack → unpack → pack is byte-stable) and write
 * the exact shape Dataverse exports use (two-space indentation, `<a />` with a space, attribute
 * order kept, `<X></X>` kept distinct from `<X />`, .NET-style escaping). A generic parser/builder
 * pair normalises some of those away. The grammar handled here is what solution files contain:
 * declaration, comments, CDATA, elements, attributes, character and predefined entity references.
 * A DOCTYPE is refused (solution files never have one, and refusing it rules out entity expansion).
 */

export interface XmlElement {
  kind: "element";
  name: string;
  /** Attributes in document order. */
  attrs: Array<[string, string]>;
  children: XmlNode[];
  /** `<X />` rather than `<X></X>`; only meaningful when there are no children. */
  selfClosing: boolean;
  /** The file this element came from (set by the folder loader); inherited by descendants. */
  origin?: string;
}
export interface XmlText {
  kind: "text";
  text: string;
}
export interface XmlCData {
  kind: "cdata";
  text: string;
}
export interface XmlComment {
  kind: "comment";
  text: string;
}
export type XmlNode = XmlElement | XmlText | XmlCData | XmlComment;

export interface XmlDocument {
  /** The root element. */
  root: XmlElement;
  /** Comments before the root element (after any declaration). */
  prolog: XmlComment[];
  /** The source started with a UTF-8 byte order mark. */
  bom: boolean;
  /** The source had an `<?xml …?>` declaration. */
  declaration: boolean;
}

export class XmlParseError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(`${message} (line ${line}, column ${column})`);
    this.name = "XmlParseError";
  }
}

// ---------------------------------------------------------------------------------------------
// Construction helpers

export function el(name: string, attrs: Record<string, string | number | boolean | undefined> | Array<[string, string]> = {}, children: Array<XmlNode | string | null | undefined | false> = []): XmlElement {
  const attrList: Array<[string, string]> = Array.isArray(attrs)
    ? attrs
    : Object.entries(attrs)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, String(v)]);
  const kids: XmlNode[] = [];
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    kids.push(typeof c === "string" ? { kind: "text", text: c } : c);
  }
  return { kind: "element", name, attrs: attrList, children: kids, selfClosing: kids.length === 0 };
}

/** `<name>text</name>`; an empty string gives `<name></name>` (not self-closing). */
export function textEl(name: string, text: string | number, attrs: Record<string, string | number | undefined> = {}): XmlElement {
  const e = el(name, attrs, String(text) === "" ? [] : [String(text)]);
  e.selfClosing = false;
  return e;
}

// ---------------------------------------------------------------------------------------------
// Navigation helpers

export const isElement = (n: XmlNode | undefined): n is XmlElement => !!n && n.kind === "element";

export function attr(e: XmlElement, name: string): string | undefined {
  for (const [k, v] of e.attrs) if (k === name) return v;
  return undefined;
}

export function setAttr(e: XmlElement, name: string, value: string): void {
  for (const a of e.attrs) {
    if (a[0] === name) {
      a[1] = value;
      return;
    }
  }
  e.attrs.push([name, value]);
}

export function removeAttr(e: XmlElement, name: string): void {
  e.attrs = e.attrs.filter(([k]) => k !== name);
}

export function elements(e: XmlElement, name?: string): XmlElement[] {
  const out: XmlElement[] = [];
  for (const c of e.children) if (c.kind === "element" && (name === undefined || c.name === name)) out.push(c);
  return out;
}

export function child(e: XmlElement, name: string): XmlElement | undefined {
  for (const c of e.children) if (c.kind === "element" && c.name === name) return c;
  return undefined;
}

/** Case-insensitive child lookup (real exports are consistent; hand-edited files sometimes are not). */
export function childCI(e: XmlElement, name: string): XmlElement | undefined {
  const n = name.toLowerCase();
  for (const c of e.children) if (c.kind === "element" && c.name.toLowerCase() === n) return c;
  return undefined;
}

/** All descendant elements with the given name, in document order. */
export function descendants(e: XmlElement, name: string): XmlElement[] {
  const out: XmlElement[] = [];
  const walk = (x: XmlElement): void => {
    for (const c of x.children) {
      if (c.kind !== "element") continue;
      if (c.name === name) out.push(c);
      walk(c);
    }
  };
  walk(e);
  return out;
}

/** Text content of an element (concatenated text and CDATA children, not descendants). */
export function text(e: XmlElement | undefined): string {
  if (!e) return "";
  let s = "";
  for (const c of e.children) if (c.kind === "text" || c.kind === "cdata") s += c.text;
  return s;
}

export function childText(e: XmlElement, name: string): string | undefined {
  const c = child(e, name);
  return c ? text(c) : undefined;
}

export function setText(e: XmlElement, value: string): void {
  e.children = value === "" ? [] : [{ kind: "text", text: value }];
  e.selfClosing = false;
}

/** Sets `origin` on every element of the subtree that has none (children inherit from parents). */
export function stampOrigin(e: XmlElement, origin: string): void {
  const walk = (x: XmlElement, o: string): void => {
    if (!x.origin) x.origin = o;
    for (const c of x.children) if (c.kind === "element") walk(c, x.origin);
  };
  walk(e, origin);
}

export function cloneElement(e: XmlElement): XmlElement {
  return {
    kind: "element",
    name: e.name,
    attrs: e.attrs.map(([k, v]) => [k, v]),
    children: e.children.map((c) => (c.kind === "element" ? cloneElement(c) : { ...c })),
    selfClosing: e.selfClosing,
    origin: e.origin,
  };
}

// ---------------------------------------------------------------------------------------------
// Parser

const PREDEFINED: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function decodeEntities(s: string, at: () => [number, number]): string {
  if (s.indexOf("&") < 0) return s;
  return s.replace(/&([^;&\s]*);?/g, (m, body: string) => {
    if (!m.endsWith(";")) {
      const [l, c] = at();
      throw new XmlParseError(`Unterminated entity reference "${m}"`, l, c);
    }
    if (body.startsWith("#x") || body.startsWith("#X")) {
      const cp = parseInt(body.slice(2), 16);
      if (!Number.isFinite(cp)) throw new XmlParseError(`Bad character reference "${m}"`, ...at());
      return String.fromCodePoint(cp);
    }
    if (body.startsWith("#")) {
      const cp = parseInt(body.slice(1), 10);
      if (!Number.isFinite(cp)) throw new XmlParseError(`Bad character reference "${m}"`, ...at());
      return String.fromCodePoint(cp);
    }
    const v = PREDEFINED[body];
    if (v === undefined) throw new XmlParseError(`Unknown entity "${m}"`, ...at());
    return v;
  });
}

const NAME_START = /[A-Za-z_:\u00C0-\uFFFF]/;
const NAME_CHAR = /[A-Za-z0-9_:.\-\u00B7\u00C0-\uFFFF]/;

/** Parses XML text or UTF-8 bytes. Line endings are normalised to LF, as the XML spec requires. */
export function parseXml(input: string | Uint8Array): XmlDocument {
  let src = typeof input === "string" ? input : Buffer.from(input).toString("utf8");
  let bom = false;
  if (src.charCodeAt(0) === 0xfeff) {
    bom = true;
    src = src.slice(1);
  }
  src = src.replace(/\r\n?/g, "\n");
  let i = 0;
  const n = src.length;
  const pos = (p = i): [number, number] => {
    let line = 1;
    let last = -1;
    for (let k = 0; k < p && k < n; k++) {
      if (src.charCodeAt(k) === 10) {
        line++;
        last = k;
      }
    }
    return [line, p - last];
  };
  const fail = (msg: string, p = i): never => {
    const [l, c] = pos(p);
    throw new XmlParseError(msg, l, c);
  };
  const skipWs = (): void => {
    while (i < n && /\s/.test(src[i])) i++;
  };
  const readName = (): string => {
    const start = i;
    if (i >= n || !NAME_START.test(src[i])) fail("Expected a name");
    i++;
    while (i < n && NAME_CHAR.test(src[i])) i++;
    return src.slice(start, i);
  };

  // XML 1.0 §2.5: "--" may not occur inside a comment (and a comment may not end in "-"); .NET's
  // reader, and so SolutionPackager, refuses such a file, so we do too.
  const readComment = (): string => {
    const start = i;
    const end = src.indexOf("-->", i + 4);
    if (end < 0) fail("Unterminated comment", start);
    const body = src.slice(i + 4, end);
    const dash = body.indexOf("--");
    if (dash >= 0 || body.endsWith("-")) fail('"--" is not allowed inside an XML comment', dash >= 0 ? i + 4 + dash : end - 1);
    i = end + 3;
    return body;
  };

  let declaration = false;
  const prolog: XmlComment[] = [];
  skipWs();
  if (src.startsWith("<?xml", i)) {
    const end = src.indexOf("?>", i);
    if (end < 0) fail("Unterminated XML declaration");
    declaration = true;
    i = end + 2;
  }
  for (;;) {
    skipWs();
    if (src.startsWith("<!--", i)) {
      prolog.push({ kind: "comment", text: readComment() });
    } else if (src.startsWith("<?", i)) {
      const end = src.indexOf("?>", i);
      if (end < 0) fail("Unterminated processing instruction");
      i = end + 2;
    } else if (src.startsWith("<!DOCTYPE", i)) {
      fail("DOCTYPE is not allowed in solution files");
    } else break;
  }
  if (src[i] !== "<") fail("Expected the root element");

  const parseElement = (): XmlElement => {
    const openAt = i;
    i++; // <
    const name = readName();
    const attrs: Array<[string, string]> = [];
    const seen = new Set<string>();
    for (;;) {
      const before = i;
      skipWs();
      if (src.startsWith("/>", i)) {
        i += 2;
        return { kind: "element", name, attrs, children: [], selfClosing: true };
      }
      if (src[i] === ">") {
        i++;
        break;
      }
      if (i >= n) fail(`Unterminated start tag <${name}>`, openAt);
      if (before === i) fail(`Expected whitespace before an attribute in <${name}>`);
      const aStart = i;
      const an = readName();
      skipWs();
      if (src[i] !== "=") fail(`Expected "=" after attribute ${an}`);
      i++;
      skipWs();
      const q = src[i];
      if (q !== '"' && q !== "'") fail(`Expected a quoted value for attribute ${an}`);
      const end = src.indexOf(q, i + 1);
      if (end < 0) fail(`Unterminated value for attribute ${an}`);
      const raw = src.slice(i + 1, end);
      if (raw.includes("<")) fail(`"<" in the value of attribute ${an}`, i);
      if (seen.has(an)) fail(`Duplicate attribute ${an} in <${name}>`, aStart);
      seen.add(an);
      const vStart = i + 1;
      // Attribute-value normalisation: literal whitespace characters become spaces; references are kept.
      const value = decodeEntities(raw.replace(/[\t\n]/g, " "), () => pos(vStart));
      attrs.push([an, value]);
      i = end + 1;
    }
    const children: XmlNode[] = [];
    for (;;) {
      if (i >= n) fail(`Element <${name}> is not closed`, openAt);
      if (src.startsWith("</", i)) {
        i += 2;
        const close = readName();
        if (close !== name) fail(`Closing tag </${close}> does not match <${name}>`);
        skipWs();
        if (src[i] !== ">") fail(`Expected ">" to close </${close}>`);
        i++;
        return { kind: "element", name, attrs, children, selfClosing: false };
      }
      if (src.startsWith("<!--", i)) {
        children.push({ kind: "comment", text: readComment() });
        continue;
      }
      if (src.startsWith("<![CDATA[", i)) {
        const end = src.indexOf("]]>", i + 9);
        if (end < 0) fail("Unterminated CDATA section");
        children.push({ kind: "cdata", text: src.slice(i + 9, end) });
        i = end + 3;
        continue;
      }
      if (src.startsWith("<?", i)) {
        const end = src.indexOf("?>", i);
        if (end < 0) fail("Unterminated processing instruction");
        i = end + 2;
        continue;
      }
      if (src[i] === "<") {
        children.push(parseElement());
        continue;
      }
      const start = i;
      const next = src.indexOf("<", i);
      const end = next < 0 ? n : next;
      const raw = src.slice(start, end);
      children.push({ kind: "text", text: decodeEntities(raw, () => pos(start)) });
      i = end;
    }
  };

  const root = parseElement();
  for (;;) {
    skipWs();
    if (i >= n) break;
    if (src.startsWith("<!--", i)) {
      readComment();
      continue;
    }
    if (src.startsWith("<?", i)) {
      const end = src.indexOf("?>", i);
      if (end < 0) fail("Unterminated processing instruction");
      i = end + 2;
      continue;
    }
    fail("Content after the root element");
  }
  return { root, prolog, bom, declaration };
}

// ---------------------------------------------------------------------------------------------
// Serializer

export interface SerializeOptions {
  /** Line separator: "\r\n" in zips (Dataverse export), "\n" in the source folder. */
  newline: "\n" | "\r\n";
  /** Write a UTF-8 byte order mark. */
  bom: boolean;
  /** Write `<?xml version="1.0" encoding="utf-8"?>`. */
  declaration: boolean;
  /** Write a line break after the root element. */
  finalNewline?: boolean;
}

/**
 * solution.xml and customizations.xml inside our zips, as `pac solution pack` / SolutionPackager write
 * them: UTF-8 BOM, `<?xml version="1.0" encoding="utf-8"?>`, two-space indentation, LF (pac and
 * SolutionPackager on Linux; pnp/powerplatform-samples samples/contoso-school/solution/ContosoSchool.zip
 * and 61 more of its 67 zips). A zip exported straight from Dataverse has no BOM or declaration and
 * CRLF (samples/dynamic-forms/solution/DynamicFormsSample_1_0_0_1.zip); import takes both.
 */
export const ZIP_STYLE: SerializeOptions = { newline: "\n", bom: true, declaration: true };
/** SolutionPackager style for the unpacked source (BOM + declaration), with LF line ends for git. */
export const SOURCE_STYLE: SerializeOptions = { newline: "\n", bom: true, declaration: true };

const escText = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const escAttr = (s: string): string =>
  s
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/\n/g, "&#xA;")
    .replace(/\r/g, "&#xD;")
    .replace(/\t/g, "&#x9;");

function openTag(e: XmlElement): string {
  let s = "<" + e.name;
  for (const [k, v] of e.attrs) s += ` ${k}="${escAttr(v)}"`;
  return s;
}

function isBlank(c: XmlNode): boolean {
  return c.kind === "text" && /^\s*$/.test(c.text);
}

function inline(node: XmlNode, nl: string): string {
  switch (node.kind) {
    case "text":
      return escText(node.text).replace(/\n/g, nl);
    case "cdata":
      return `<![CDATA[${node.text.replace(/\n/g, nl)}]]>`;
    case "comment":
      return `<!--${node.text.replace(/\n/g, nl)}-->`;
    case "element": {
      if (node.children.length === 0) return node.selfClosing ? openTag(node) + " />" : openTag(node) + `></${node.name}>`;
      return openTag(node) + ">" + node.children.map((c) => inline(c, nl)).join("") + `</${node.name}>`;
    }
  }
}

function write(e: XmlElement, depth: number, nl: string, out: string[]): void {
  const pad = "  ".repeat(depth);
  if (e.children.length === 0) {
    out.push(pad + (e.selfClosing ? openTag(e) + " />" : openTag(e) + `></${e.name}>`));
    return;
  }
  const hasStructure = e.children.some((c) => c.kind === "element" || c.kind === "comment");
  const hasContentText = e.children.some((c) => (c.kind === "text" && !isBlank(c)) || c.kind === "cdata");
  if (!hasStructure || hasContentText) {
    // Text-only or mixed content: written inline, byte for byte.
    out.push(pad + openTag(e) + ">" + e.children.map((c) => inline(c, nl)).join("") + `</${e.name}>`);
    return;
  }
  out.push(pad + openTag(e) + ">");
  for (const c of e.children) {
    if (c.kind === "element") write(c, depth + 1, nl, out);
    else if (c.kind === "comment") out.push("  ".repeat(depth + 1) + inline(c, nl));
  }
  out.push(pad + `</${e.name}>`);
}

export function serializeXml(doc: XmlDocument | XmlElement, opts: SerializeOptions): string {
  const d: XmlDocument = "kind" in doc ? { root: doc, prolog: [], bom: opts.bom, declaration: opts.declaration } : doc;
  const out: string[] = [];
  if (opts.declaration) out.push('<?xml version="1.0" encoding="utf-8"?>');
  for (const c of d.prolog) out.push(inline(c, opts.newline));
  write(d.root, 0, opts.newline, out);
  return (opts.bom ? "\uFEFF" : "") + out.join(opts.newline) + (opts.finalNewline ? opts.newline : "");
}

export function serializeXmlBytes(doc: XmlDocument | XmlElement, opts: SerializeOptions): Uint8Array {
  return new Uint8Array(Buffer.from(serializeXml(doc, opts), "utf8"));
}
