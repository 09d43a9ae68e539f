/**
 * XML in expressions: xml(), json() of XML, and xpath(), as the Logic Apps engine does them
 * (learn.microsoft.com/azure/logic-apps/expression-functions-reference#xml, #xpath, #json).
 *
 * - An XML value is a content envelope {"$content-type": "application/xml;charset=utf-8", "$content": base64},
 *   as Logic Apps passes XML between actions; string() and @{…} give its text.
 * - JSON ↔ XML follows Json.NET's XmlNodeConverter, which the engine uses (the page's examples show its
 *   conventions): "@name" attributes, "#text", "#cdata-section", "?xml" declaration, arrays as repeated
 *   elements, a single root property.
 * - xpath() evaluates XPath 1.0, as .NET's System.Xml.XPath does, with the `xpath` package over an
 *   @xmldom/xmldom document (neither loads external entities or DTDs). As the page's return-value table
 *   says, one matching node is returned as that node and several as an array: elements as XML values,
 *   text and attribute nodes as strings; numbers, strings and booleans as they are.
 */
import { DOMParser, XMLSerializer, type Document, type Element, type Node } from "@xmldom/xmldom";
import * as xpathLib from "xpath";
import { binary, isBinary, isObject, stringify, type Value, type ValueObject } from "./values";

export class XmlError extends Error {}

export const XML_CONTENT_TYPE = "application/xml;charset=utf-8";

export const xmlValue = (text: string): ValueObject => binary(Buffer.from(text, "utf8"), XML_CONTENT_TYPE);

/** True for an XML content envelope. */
export function isXml(v: unknown): boolean {
  return isBinary(v) && /^(application|text)\/([\w.+-]*\+)?xml\b/i.test(v["$content-type"]);
}

/** Parse XML text; a document that is not well formed is an XmlError (no DTD or entity is loaded). */
export function parseXml(text: string): Document {
  let problem: string | undefined;
  let doc: Document;
  try {
    doc = new DOMParser({
      onError: (level, message) => {
        if (level !== "warning" && !problem) problem = message;
      },
    }).parseFromString(text, "text/xml");
  } catch (e) {
    throw new XmlError(`The XML is not well formed: ${problem ?? (e as Error).message}.`); // xmldom throws on fatal errors
  }
  if (problem || !doc.documentElement) throw new XmlError(`The XML is not well formed: ${problem ?? "there is no root element"}.`);
  return doc;
}

// ---------------------------------------------------------------- JSON → XML (DeserializeXmlNode)

const NAME = /^[A-Za-z_\u00C0-\uFFEF][\w.\-\u00B7\u00C0-\uFFEF]*(:[A-Za-z_\u00C0-\uFFEF][\w.\-\u00B7\u00C0-\uFFEF]*)?$/;

const escapeText = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const escapeAttr = (s: string) => escapeText(s).replace(/"/g, "&quot;");

function scalar(v: Value): string {
  if (typeof v === "boolean") return v ? "true" : "false"; // Json.NET writes XML booleans in lower case
  return stringify(v);
}

function checkName(name: string): void {
  if (!NAME.test(name)) {
    const bad = [...name].find((ch, i) => !NAME.test(i === 0 ? ch : `a${ch}`)) ?? name[0] ?? "";
    throw new XmlError(`The '${bad}' character, hexadecimal value 0x${(bad.codePointAt(0) ?? 0).toString(16).toUpperCase()}, cannot be included in a name ('${name}').`);
  }
}

function element(name: string, v: Value): string {
  if (Array.isArray(v)) return v.map((x) => element(name, x)).join("");
  checkName(name);
  if (v === null || v === undefined) return `<${name} />`;
  if (!isObject(v)) return `<${name}>${escapeText(scalar(v))}</${name}>`;
  let attrs = "";
  let inner = "";
  for (const [k, x] of Object.entries(v)) {
    if (k.startsWith("@")) {
      checkName(k.slice(1));
      attrs += ` ${k.slice(1)}="${escapeAttr(scalar(x))}"`;
    } else if (k === "#text") inner += escapeText(scalar(x));
    else if (k === "#cdata-section") inner += `<![CDATA[${scalar(x)}]]>`;
    else if (k === "#comment") inner += `<!--${scalar(x)}-->`;
    else inner += element(k, x);
  }
  return inner ? `<${name}${attrs}>${inner}</${name}>` : `<${name}${attrs} />`;
}

/** xml(): XML text (checked) or a JSON object with one root property → an XML value. */
export function toXml(v: Value): ValueObject {
  if (isXml(v)) return v as ValueObject;
  let source: Value = v;
  if (typeof v === "string") {
    const t = v.trim();
    if (t.startsWith("<")) {
      parseXml(t);
      return xmlValue(v);
    }
    try {
      source = JSON.parse(t) as Value;
    } catch {
      throw new XmlError("The provided value is neither XML nor a JSON object.");
    }
  }
  if (!isObject(source)) throw new XmlError("The provided value cannot be converted to XML: it must be XML or a JSON object with a single root property (not an array).");
  let declaration = "";
  const entries = Object.entries(source).filter(([k, x]) => {
    if (k !== "?xml") return true;
    const d = isObject(x) ? x : {};
    declaration = `<?xml${Object.entries(d).map(([a, val]) => ` ${a.replace(/^@/, "")}="${escapeAttr(stringify(val))}"`).join("")}?>`;
    return false;
  });
  if (entries.length !== 1) {
    throw new XmlError("JSON root object has multiple properties. The root object must have a single property in order to create a valid XML document.");
  }
  const [name, value] = entries[0]!;
  if (Array.isArray(value)) throw new XmlError(`The root property '${name}' is an array; XML needs a single root element.`);
  return xmlValue(declaration + element(name, value));
}

export const xmlTextOf = (v: Value): string => (isBinary(v) ? Buffer.from(v.$content, "base64").toString("utf8") : stringify(v));

// ---------------------------------------------------------------- XML → JSON (SerializeXmlNode)

const ELEMENT = 1;
const TEXT = 3;
const CDATA = 4;
const PI = 7;
const COMMENT = 8;

function elementJson(el: Element): Value {
  const out: ValueObject = {};
  for (let i = 0; i < el.attributes.length; i++) {
    const a = el.attributes.item(i)!;
    out[`@${a.name}`] = a.value;
  }
  const texts: string[] = [];
  const children = new Map<string, Value[]>();
  for (let n: Node | null = el.firstChild; n; n = n.nextSibling) {
    if (n.nodeType === ELEMENT) {
      const e = n as Element;
      const list = children.get(e.nodeName) ?? [];
      list.push(elementJson(e));
      children.set(e.nodeName, list);
    } else if (n.nodeType === TEXT) {
      if ((n.nodeValue ?? "").trim()) texts.push(n.nodeValue ?? "");
    } else if (n.nodeType === CDATA) out["#cdata-section"] = n.nodeValue ?? "";
    else if (n.nodeType === COMMENT) out["#comment"] = n.nodeValue ?? "";
  }
  for (const [k, list] of children) out[k] = list.length === 1 ? list[0]! : list;
  if (texts.length) {
    if (Object.keys(out).length === 0) return texts.join("");
    out["#text"] = texts.length === 1 ? texts[0]! : texts;
  }
  return Object.keys(out).length ? out : null;
}

/** json(<XML>): the document as Json.NET's SerializeXmlNode writes it. */
export function xmlToJson(v: Value): Value {
  const doc = parseXml(xmlTextOf(v));
  const out: ValueObject = {};
  for (let n: Node | null = doc.firstChild; n; n = n.nextSibling) {
    if (n.nodeType === PI && n.nodeName === "xml") {
      const decl: ValueObject = {};
      for (const m of (n as unknown as { data: string }).data.matchAll(/([\w:-]+)\s*=\s*["']([^"']*)["']/g)) decl[`@${m[1]}`] = m[2]!;
      out["?xml"] = decl;
    } else if (n.nodeType === ELEMENT) out[n.nodeName] = elementJson(n as Element);
  }
  return out;
}

// ---------------------------------------------------------------- xpath()

export function xpath(source: Value, expression: Value): Value {
  if (typeof expression !== "string") throw new XmlError("The XPath expression must be a string.");
  const text = isXml(source) ? xmlTextOf(source) : typeof source === "string" ? source : xmlTextOf(toXml(source));
  const doc = parseXml(text);
  let result: unknown;
  try {
    result = xpathLib.select(expression, doc as unknown as globalThis.Node);
  } catch (e) {
    throw new XmlError(`'${expression}' is not a valid XPath expression: ${(e as Error).message}.`);
  }
  if (typeof result === "number" || typeof result === "string" || typeof result === "boolean") return result; // sum(), string(), …
  const serializer = new XMLSerializer();
  const nodes = (result as Node[]).map((n): Value => (n.nodeType === ELEMENT || n.nodeType === 9 /* document */ ? xmlValue(serializer.serializeToString(n)) : (n.nodeValue ?? "")));
  // Documented: "An XML node when only a single node matches", an array when several do.
  return nodes.length === 1 ? nodes[0]! : nodes;
}
