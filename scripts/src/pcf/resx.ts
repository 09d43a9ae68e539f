/**
 * Reads a .resx string table (the PCF controls' strings/<Control>.1033.resx) into a plain object.
 * Used by the controls' unit-test mock context and the browser harness, so both show the strings
 * the control ships rather than a copy.
 */
import { readFileSync } from "node:fs";
import { XMLParser } from "fast-xml-parser";

export function parseResx(xml: string): Record<string, string> {
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: "@",
    parseTagValue: false,
    trimValues: false,
    isArray: (name) => name === "data",
  });
  const doc = parser.parse(xml) as { root?: { data?: Array<{ "@name"?: string; value?: unknown }> } };
  if (!doc.root) throw new Error("Not a resx file: no <root> element");
  const strings: Record<string, string> = {};
  for (const data of doc.root.data ?? []) {
    const name = data["@name"];
    if (!name) throw new Error("A resx <data> element has no name attribute");
    if (Object.prototype.hasOwnProperty.call(strings, name)) throw new Error(`Duplicate resx key "${name}"`);
    const value = data.value;
    strings[name] = typeof value === "string" ? value.trim() : value === undefined || value === null ? "" : String(value);
  }
  return strings;
}

export function readResx(file: string): Record<string, string> {
  try {
    return parseResx(readFileSync(file, "utf8"));
  } catch (error) {
    throw new Error(`Cannot read ${file}: ${(error as Error).message}`);
  }
}
