/**
 * The code form-module.ts generates for the form script (what the web resource runs instead of the
 * rule table and validate()) says exactly what validate() and formatMessage() say: on every
 * validation vector, on thousands of random snapshots (known, unknown, empty and odd values), for
 * every message and placeholder, in English and in a language without a catalogue. It names the
 * columns the rules show messages on as the rule table does.
 */
import * as path from "path";
import * as ts from "typescript";
import vectors from "../../../test-vectors/validation.json";
import cosellVectors from "../../../test-vectors/validation-cosell.json";
import { compressPhrases, FORM_MESSAGE_IDS, formRulebookModule } from "../form-module";
import { formatMessage, MESSAGE_IDS, MESSAGES_1033, MessageId, placeholdersOf } from "../messages";
import { FORM_LOCKS, RULE_TABLES } from "../rules";
import { ruleFields } from "../../form/rulebook";
import { DEFAULT_CONFIG, type OpportunitySnapshot, type RulebookConfig } from "../snapshot";
import { activeLocks, checkRules } from "../validate";

const RULEBOOK_DIR = path.resolve(__dirname, "..");

interface Generated {
  validateForm(snapshot: OpportunitySnapshot, language?: number): unknown;
  FORM_TEXT: Record<string, number>;
  formText(id: number, params?: Record<string, string>, language?: number): string;
  ruleFields(config: RulebookConfig): string[];
}

/** The generated ES module, transpiled to CommonJS and run with this test's module registry. */
function loadGenerated(source: string): Generated {
  const { outputText } = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } });
  const exports = {} as Generated;
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  new Function("require", "exports", outputText)(require, exports);
  return exports;
}

const source = formRulebookModule({ rulebookDir: RULEBOOK_DIR });
const generated = loadGenerated(source);

/** The form's rules (RULE_TABLES.form) cut to what the form uses, with its locks in force, as form/rulebook.ts does. */
function reference(snapshot: OpportunitySnapshot, language: number): unknown {
  const r = checkRules(RULE_TABLES.form, snapshot, { language });
  return {
    ...r,
    failures: r.failures.map(({ rule, topic, field, message }) => ({ rule, topic, field, message })),
    locks: activeLocks(snapshot, { language, locks: FORM_LOCKS }).map(({ columns, message }) => ({ columns, message })),
  };
}

/** A small deterministic PRNG (mulberry32), so a failure names a reproducible seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ODD_STRINGS = ["", "  ", "US", " us ", "usa", "U.S.A.", "United States", "Deutschland", "FRA", "XX", "x", "12", "0", "-5", " 7 ", "true", "contact", "account", "USD", " eur ", "XXX", "{code}", "|value|", "#%&", "$&", "constructor"];
const ODD_VALUES: unknown[] = [undefined, null, true, false, 0, 1, -1, -0.5, 250000, 619300000, 619300001, NaN, ...ODD_STRINGS];
/** Few distinct values, so a previous value often equals the current one (the locks' rules compare them). */
const IDS: unknown[] = [undefined, null, "", "6a1d0c3e-5555-4e9f-8a01-000000000011", "6a1d0c3e-5555-4e9f-8a01-000000000012", 619300001, 619300002];
const STATUSES: unknown[] = [undefined, null, "", "Active / Accepted", "Closed / Won", "Closed / Lost", "Closed / Declined", "Closed / Expired", " Closed / Won ", "New / Pending"];

function randomSnapshot(next: () => number): OpportunitySnapshot {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)];
  const maybe = <T>(value: () => T): T | undefined => (next() < 0.8 ? value() : undefined);
  const row = (columns: readonly string[], values: readonly unknown[] = ODD_VALUES): Record<string, unknown> => {
    const r: Record<string, unknown> = {};
    for (const c of columns) {
      const v = pick(values);
      if (v !== undefined || next() < 0.5) r[c] = v;
    }
    return r;
  };
  const LOCKED = ["_customerid_value", "_parentcontactid_value", "pcs_microsofthelp", "pcs_purchaseintent", "_pcs_partnerroleid_value", "_pcs_solutionareaid_value", "_pcs_solutionplayid_value", "_transactioncurrencyid_value", "estimatedclosedate", "description", "pcs_referralvisibility"];
  const opportunity = row([
    "pcs_syncwithpartnercenter",
    "pcs_referralvisibility",
    "pcs_microsofthelp",
    "_customerid_value",
    "_customerid_value@Microsoft.Dynamics.CRM.lookuplogicalname",
    "_parentcontactid_value",
    "estimatedvalue",
    "new_dealvalue",
    "_transactioncurrencyid_value",
    "_transactioncurrencyid_value@OData.Community.Display.V1.FormattedValue",
    "estimatedclosedate",
  ]);
  Object.assign(opportunity, row(LOCKED, IDS));
  if (next() < 0.7) opportunity.pcs_syncwithpartnercenter = true;
  const snapshot: OpportunitySnapshot = {
    opportunity,
    account: maybe(() => (next() < 0.15 ? null : row(["address1_country", "new_countrycode", "name"]))),
    contacts: maybe(() => (next() < 0.2 ? [] : [row(["fullname", "emailaddress1"])])),
    currency: maybe(() => (next() < 0.15 ? null : row(["isocurrencycode"]))),
    solutions: maybe(() => Array.from({ length: Math.floor(next() * 3) }, () => row(["pcs_solutiontype"], [undefined, null, 619300000, 619300001, "619300000"]))),
    config: maybe(() => ({
      dealValueField: pick([undefined, "", " ", "estimatedvalue", "new_dealvalue", " new_dealvalue "]),
      customerCountryCodeField: pick([undefined, "", "address1_country", "new_countrycode"]),
    })),
    previous: maybe(() => ({
      ...row(LOCKED, IDS),
      ...row(["estimatedvalue", "new_dealvalue"], [undefined, null, 0, 250000]),
      pcs_referralvisibility: pick([undefined, null, true, false]),
      ...row(["pcs_referralidentifier"], [undefined, null, "", " ", "b6f1c9a2-0000-4000-8000-000000000001"]),
      ...row(["pcs_referralstatus"], STATUSES),
    })),
  };
  return snapshot;
}

describe("generated form rulebook (form-module.ts) ≡ checkRules(RULE_TABLES.form) and activeLocks(FORM_LOCKS)", () => {
  const cases = [...vectors.cases, ...cosellVectors.cases] as unknown as Array<{ name: string; snapshot: OpportunitySnapshot }>;

  it.each(cases.map((c) => [c.name, c.snapshot] as const))("vector: %s", (_name, snapshot) => {
    for (const language of [1033, 1036]) expect(generated.validateForm(snapshot, language)).toEqual(reference(snapshot, language));
  });

  it("agrees on 5000 random snapshots, which make every rule fail and every rule that reads a fetched row unchecked", () => {
    const next = prng(20261122);
    const failed = new Set<string>();
    const unchecked = new Set<string>();
    for (let i = 0; i < 5000; i++) {
      const snapshot = randomSnapshot(next);
      const expected = reference(snapshot, 1033) as { failures: Array<{ rule: string }>; unchecked: string[] };
      const actual = generated.validateForm(snapshot, 1033);
      if (JSON.stringify(actual) !== JSON.stringify(expected)) expect({ i, snapshot, actual }).toEqual({ i, snapshot, actual: expected });
      expected.failures.forEach((f) => failed.add(f.rule));
      expected.unchecked.forEach((r) => unchecked.add(r));
    }
    expect(RULE_TABLES.form.rules.map((r) => r.id).filter((id) => !failed.has(id))).toEqual([]);
    // Only the account, contact, currency and solutions can be unknown (the form reads them).
    expect([...unchecked].sort()).toEqual(["contact.noEmail", "country.alias", "country.invalid", "country.missing", "currency.unknown", "partnerRole.missing", "solutionArea.missing", "solutionPlay.missing", "solutions.missing"]);
  });

  it("says every form message as formatMessage does, whatever the values", () => {
    for (const id of FORM_MESSAGE_IDS) {
      const names = placeholdersOf(MESSAGES_1033[id]);
      for (const values of [["x"], ["{detail}", "|", "#$%&*+<=>@_`{}^~"], ["$&", "$1"], [""]]) {
        const params = Object.fromEntries(names.map((n, i) => [n, values[i % values.length]]));
        expect(generated.formText(generated.FORM_TEXT[id], params, 1033)).toBe(formatMessage(id, params, 1033));
        expect(generated.formText(generated.FORM_TEXT[id], params, 1031)).toBe(formatMessage(id, params, 1031));
      }
      expect(generated.formText(generated.FORM_TEXT[id])).toBe(formatMessage(id));
    }
  });

  it("names the columns the rules show messages on as the rule table does, the configured deal value column as configured", () => {
    for (const config of [DEFAULT_CONFIG, { dealValueField: "pcs_dealvalue", customerCountryCodeField: "pcs_countrycode" }]) {
      expect(generated.ruleFields(config)).toEqual(ruleFields(config));
    }
    expect(generated.ruleFields({ ...DEFAULT_CONFIG, dealValueField: "pcs_dealvalue" })).toContain("pcs_dealvalue");
  });

  it("carries exactly the rule messages and the form's own ones", () => {
    expect(FORM_MESSAGE_IDS).toEqual(MESSAGE_IDS.filter((id: MessageId) => id.startsWith("form")));
    expect(FORM_MESSAGE_IDS.length).toBeGreaterThan(0);
  });

  it("imports neither the rule table, nor validate(), nor the message catalogue", () => {
    const imported = [...source.matchAll(/^import .* from "(.*)";$/gm)].map((m) => path.relative(RULEBOOK_DIR, m[1]).split(path.sep).join("/"));
    expect(imported.sort()).toEqual(["../model/schema", "countries", "currencies", "snapshot"]);
  });

  it("is the same text every time", () => {
    expect(formRulebookModule({ rulebookDir: RULEBOOK_DIR })).toBe(source);
  });
});

describe("compressPhrases", () => {
  const expand = (text: string, phrases: readonly string[], tokens: string): string =>
    [...text].map((c) => (tokens.indexOf(c) >= 0 && tokens.indexOf(c) < phrases.length ? expand(phrases[tokens.indexOf(c)], phrases, tokens) : c)).join("");

  it("replaces repeated phrases with tokens that expand back to the texts", () => {
    const texts = Object.values(MESSAGES_1033);
    const { texts: packed, phrases } = compressPhrases(texts, "#$%&*+");
    expect(phrases.length).toBe(6);
    expect(packed.map((t) => expand(t, phrases, "#$%&*+"))).toEqual(texts);
    expect(packed.join("").length).toBeLessThan(texts.join("").length);
  });

  it("leaves texts without repetition alone", () => {
    expect(compressPhrases(["abc", "xyz"], "#$")).toEqual({ texts: ["abc", "xyz"], phrases: [] });
  });
});
