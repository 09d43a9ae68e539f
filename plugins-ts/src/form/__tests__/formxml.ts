/**
 * The handlers of this web resource that the opportunity FormXml (solution/src/Entities/Opportunity/FormXml)
 * registers, as it spells them: what the form calls, for the bundle test and for the harness, which
 * runs a column's FormXml OnChange handlers as the form does after a user edit.
 */
import * as fs from "fs";
import * as path from "path";
import { XMLParser } from "fast-xml-parser";
import { FORM_SCRIPT } from "../../model/schema";

const REPO = path.resolve(__dirname, "../../../..");
export const FORM_XML_DIR = path.join(REPO, "solution/src/Entities/Opportunity/FormXml");

export interface RegisteredHandler {
  functionName: string;
  event: string;
  attribute?: string;
  passExecutionContext: boolean;
  file: string;
}

export function xmlFiles(dir: string = FORM_XML_DIR): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? xmlFiles(path.join(dir, e.name)) : e.name.endsWith(".xml") ? [path.join(dir, e.name)] : [],
  );
}

/** Every Handler of our library in the opportunity forms, as the FormXml spells it. */
export function formXmlHandlers(): RegisteredHandler[] {
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "", isArray: (name) => ["event", "Handler"].includes(name) });
  const out: RegisteredHandler[] = [];
  const visit = (node: unknown, file: string): void => {
    if (!node || typeof node !== "object") return;
    const events = (node as { events?: { event?: Array<Record<string, unknown>> } }).events?.event;
    for (const event of events ?? []) {
      for (const h of (event.Handlers as { Handler?: Array<Record<string, string>> } | undefined)?.Handler ?? []) {
        if (h.libraryName !== FORM_SCRIPT.webResourceName) continue;
        out.push({
          functionName: h.functionName,
          event: String(event.name),
          attribute: event.attribute as string | undefined,
          passExecutionContext: h.passExecutionContext === "true",
          file: path.relative(REPO, file),
        });
      }
    }
    for (const child of Object.values(node)) visit(child, file);
  };
  for (const file of xmlFiles()) visit(parser.parse(fs.readFileSync(file, "utf8")), file);
  return out;
}

/** A dotted function name (PartnerCenterSync.Opportunity.onLoad) looked up from `root`, as the form does on the page's global object. */
export const resolveName = (root: unknown, name: string): unknown =>
  name.split(".").reduce<unknown>((o, key) => (o !== null && (typeof o === "object" || typeof o === "function") ? (o as Record<string, unknown>)[key] : undefined), root);
