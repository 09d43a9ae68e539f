/**
 * The conformance table (expression-conformance.json): every case is a JSON string value as it
 * appears in a workflow definition, with the result Microsoft documents for it.
 */
import table from "./expression-conformance.json";
import { EvalContext, evaluateString, ExpressionError, isBinary, toPlain, typeName, Value, WorkflowAccess } from "../src/expression";
import { isXml, xmlTextOf } from "../src/expression/xml";

interface Case {
  id: number;
  expression: string;
  expected?: unknown;
  expectError?: string;
  expectedPattern?: string;
  expectedOneOf?: unknown[];
  type?: string;
  /**
   * binaryText / binaryBase64: a binary value, compared by its text or base64 content.
   * xmlText: XML values (also inside arrays) compared as their XML text with whitespace between tags
   * removed (the page prints XML indented). xmlStringValue: XML values compared as their text content
   * (the page prints matching nodes by their values).
   */
  compare?: "binaryText" | "binaryBase64" | "xmlText" | "xmlStringValue";
  source: string;
  erratum?: string;
  context?: {
    parameters?: Record<string, Value>;
    variables?: Record<string, Value>;
    actions?: Record<string, Value>;
    trigger?: Value;
    item?: Value;
    items?: Record<string, Value>;
    iterationIndexes?: Record<string, Value>;
    workflow?: Value;
    results?: Record<string, Value>;
    now?: string;
  };
}

function contextFor(c: Case): EvalContext {
  const k = c.context ?? {};
  const missing = (what: string, name: string): never => {
    throw new ExpressionError(`The ${what} '${name}' does not exist in the test context.`);
  };
  const workflow: WorkflowAccess = {
    trigger: () => k.trigger ?? missing("trigger", "trigger"),
    action: (n) => k.actions?.[n] ?? missing("action", n),
    variable: (n) => (k.variables && n in k.variables ? k.variables[n] : missing("variable", n)),
    parameter: (n) => (k.parameters && n in k.parameters ? k.parameters[n] : missing("parameter", n)),
    item: () => k.item ?? missing("item", "item()"),
    items: (n) => k.items?.[n] ?? missing("loop", n),
    iterationIndexes: (n) => k.iterationIndexes?.[n] ?? missing("loop", n),
    result: (n) => k.results?.[n] ?? missing("scope", n),
    workflow: () => k.workflow ?? missing("workflow", "workflow()"),
    listCallbackUrl: () => missing("callback", "listCallbackUrl()"),
    currentAction: () => missing("action", "action()"),
  };
  return {
    now: () => k.now ?? "2018-04-15T13:00:00Z",
    newGuid: () => "c2ecc88d-88c8-4096-912c-d6f2e2b138ce",
    random: () => 0.6,
    workflow,
  };
}

const cases = (table as { cases: Case[] }).cases;

describe("expression conformance table", () => {
  it("has at least 150 cases, each with a documentation source", () => {
    expect(cases.length).toBeGreaterThanOrEqual(150);
    for (const c of cases) expect(c.source).toMatch(/^https:\/\/learn\.microsoft\.com\//);
  });

  it.each(cases.map((c) => [c.id, c.expression, c] as const))("#%i %s", (_id, _expr, c) => {
    const ctx = contextFor(c);
    if (c.expectError !== undefined) {
      expect(() => evaluateString(c.expression, ctx)).toThrow(ExpressionError);
      expect(() => evaluateString(c.expression, ctx)).toThrow(new RegExp(c.expectError.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), "i"));
      return;
    }
    const raw = evaluateString(c.expression, ctx);
    if (c.type) expect(typeName(raw)).toBe(c.type);
    if (c.compare === "binaryText" || c.compare === "binaryBase64") {
      expect(isBinary(raw)).toBe(true);
      const b64 = (raw as { $content: string }).$content;
      expect(c.compare === "binaryText" ? Buffer.from(b64, "base64").toString("utf8") : b64).toEqual(c.expected);
      return;
    }
    if (c.compare === "xmlText" || c.compare === "xmlStringValue") {
      const norm = (x: string) => x.replace(/>\s+</g, "><").trim();
      const show = (v: Value): unknown => {
        if (Array.isArray(v)) return v.map(show);
        if (!isXml(v)) return toPlain(v);
        const text = xmlTextOf(v);
        return c.compare === "xmlText" ? norm(text) : text.replace(/<[^>]*>/g, "");
      };
      const expected = (e: unknown): unknown => (Array.isArray(e) ? e.map(expected) : typeof e === "string" && c.compare === "xmlText" ? norm(e) : e);
      expect(show(raw)).toEqual(expected(c.expected));
      return;
    }
    const value = toPlain(raw);
    if (c.expectedPattern) expect(String(value)).toMatch(new RegExp(c.expectedPattern));
    else if (c.expectedOneOf) expect(c.expectedOneOf).toContainEqual(value);
    else expect(value).toEqual(c.expected);
  });
});
