/**
 * What the web resource pcs_/scripts/opportunity.js is made of, beyond how it behaves (bundle.test.ts):
 * - only the form script and the rulebook modules it needs at run time: the rule table, validate(),
 *   the message catalogue, the flow (WDL) generator and Node-side code stay out (the rules arrive as
 *   the code form-module.ts generates, see webpack.config.js);
 * - the property names the minifier may shorten (form-properties.js) are never names that Xrm, the
 *   Web API, the FormXml or a message template uses.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { FORM_SCRIPT } from "../../model/schema";
import * as schema from "../../model/schema";
import { MESSAGES, placeholdersOf } from "../../rulebook/messages";
import { FACT_DESCRIPTIONS } from "../../rulebook/rules";
import * as snapshot from "../../rulebook/snapshot";

const PLUGINS_TS = path.resolve(__dirname, "../../..");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const config = require(path.join(PLUGINS_TS, "webpack.config.js"));
// eslint-disable-next-line @typescript-eslint/no-require-imports
const INTERNAL_PROPERTIES: string[] = require(path.join(PLUGINS_TS, "form-properties.js"));

interface StatsModule {
  name?: string;
  orphan?: boolean;
  modules?: StatsModule[];
}

describe("the modules in the form script bundle", () => {
  let modules: string[] = [];
  let code = "";
  let dir = "";

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "pcs-form-bundle-"));
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const webpack = require("webpack");
    const json = await new Promise<{ modules: StatsModule[] }>((resolve, reject) => {
      webpack({ ...config, output: { ...config.output, path: dir } }, (err: Error | null, stats: { hasErrors(): boolean; toString(o: unknown): string; toJson(o: unknown): never }) => {
        if (err) reject(err);
        else if (stats.hasErrors()) reject(new Error(stats.toString({ all: false, errors: true })));
        else resolve(stats.toJson({ all: false, modules: true, nestedModules: true }));
      });
    });
    // The modules in the chunk (orphans are the ones webpack ran at build time, e.g. form-module.ts).
    const walk = (ms: StatsModule[] = []): string[] => ms.filter((m) => !m.orphan).flatMap((m) => (m.modules ? walk(m.modules) : [m.name ?? ""]));
    modules = [...new Set(walk(json.modules))].sort();
    code = fs.readFileSync(path.join(dir, config.output.filename), "utf8");
  }, 120_000);

  afterAll(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("holds the form script and, of the rulebook, only what it needs at run time", () => {
    expect(modules.filter((m) => !m.startsWith("./src/form/"))).toEqual([
      "./src/model/schema.ts",
      "./src/rulebook/audit.ts",
      "./src/rulebook/countries.ts",
      "./src/rulebook/currencies.ts",
      "./src/rulebook/packed-codes.ts",
      "./src/rulebook/snapshot.ts",
    ]);
    expect(modules).toContain("./src/form/rulebook.ts");
  });

  it("carries the generated rules, not the rule table, its descriptions or the catalogue's ids", () => {
    for (const description of Object.values(FACT_DESCRIPTIONS)) expect(code).not.toContain(description);
    for (const word of ["customerMissing", "notEmpty", "removeSpaces", "ISO3166_ALPHA2", "createArray"]) expect(code).not.toContain(word);
    expect(code).toContain('"country.alias"');
  });

  it("has no webpack module runtime: the entry sets PartnerCenterSync.Opportunity itself", () => {
    expect(code).not.toContain("__esModule");
    expect(code).toContain("PartnerCenterSync.Opportunity=");
  });
});

describe("property names the minifier may shorten (form-properties.js)", () => {
  it("are unique identifiers", () => {
    for (const name of INTERNAL_PROPERTIES) expect(name).toMatch(/^[A-Za-z_$][\w$]*$/);
    expect(new Set(INTERNAL_PROPERTIES).size).toBe(INTERNAL_PROPERTIES.length);
  });

  it("are no property or method name that @types/xrm declares", () => {
    const xrm = fs.readFileSync(require.resolve("@types/xrm/index.d.ts"), "utf8");
    // Every declaration that starts a line (properties, methods, and the odd parameter: erring on the safe side).
    const declared = new Set([...xrm.matchAll(/^\s*(?:readonly\s+)?([A-Za-z_$][\w$]*)\??\s*[:(<]/gm)].map((m) => m[1]));
    expect(INTERNAL_PROPERTIES.filter((name) => declared.has(name))).toEqual([]);
  });

  it("are no {placeholder} of any message", () => {
    const placeholders = new Set(Object.values(MESSAGES).flatMap((catalogue) => Object.values(catalogue).flatMap((t) => placeholdersOf(t ?? ""))));
    expect(INTERNAL_PROPERTIES.filter((name) => placeholders.has(name))).toEqual([]);
  });

  it("are no handler, table, column or variable name, nor a Web API name the form reads", () => {
    const names = new Set<string>(["schemaname", "defaultvalue", "value", "entities", "account", "contact", "transactioncurrency"]);
    const walk = (v: unknown): void => {
      if (typeof v === "string") v.split(/[.,]/).forEach((part) => names.add(part));
      else if (v && typeof v === "object") Object.values(v).forEach(walk);
    };
    walk(schema);
    walk(snapshot);
    walk(FORM_SCRIPT);
    expect(INTERNAL_PROPERTIES.filter((name) => names.has(name))).toEqual([]);
  });
});
