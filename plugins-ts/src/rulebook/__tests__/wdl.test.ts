/**
 * The generated WDL expressions, evaluated by a small interpreter of the functions they use (with
 * Power Automate's documented semantics), over every validation vector: the flows' checks must give
 * exactly the failures and messages validate() gives.
 */
import vectors from "../../../test-vectors/validation.json";
import cosellVectors from "../../../test-vectors/validation-cosell.json";
import registrationVectors from "../../../test-vectors/registration.json";
import { RULE_TABLES, RULES } from "../rules";
import { OpportunitySnapshot } from "../snapshot";
import { checkRules, validate } from "../validate";
import { anyRuleFailsExpression, appliesExpression, dealTypeExpression, factsObject, failuresTextExpression, listLiteral, lookupLiteral, ruleExpressions, wdlString, WdlSources } from "../wdl";
import { coSellDealTypeOf, dealTypeOptionOf } from "../deal-type";

type Value = unknown;

/** A recursive-descent interpreter for the WDL subset the generator emits. */
function evaluate(expression: string, vars: Record<string, Value>, params: Record<string, Value>): Value {
  let i = 0;
  const s = expression;
  const ws = (): void => {
    while (/\s/.test(s[i] ?? "")) i++;
  };
  const expect = (ch: string): void => {
    ws();
    if (s[i] !== ch) throw new Error(`expected ${ch} at ${i}: ${s.slice(i, i + 30)}`);
    i++;
  };
  const fns: Record<string, (...a: Value[]) => Value> = {
    and: (...a) => a.every((x) => x === true),
    or: (...a) => a.some((x) => x === true),
    not: (a) => a !== true,
    equals: (a, b) => (a ?? null) === (b ?? null),
    less: (a, b) => (a as number) < (b as number),
    if: (c, a, b) => (c === true ? a : b),
    empty: (a) => a === null || a === undefined || ((typeof a === "string" || Array.isArray(a)) && a.length === 0),
    contains: (c, v) => (Array.isArray(c) ? c.includes(v) : typeof c === "string" ? c.includes(String(v)) : Object.prototype.hasOwnProperty.call(c, String(v))),
    coalesce: (...a) => a.find((x) => x !== null && x !== undefined) ?? null,
    concat: (...a) => a.map((x) => (x === null || x === undefined ? "" : String(x))).join(""),
    replace: (t, a, b) => {
      if (typeof t !== "string") throw new Error("replace() needs a string");
      return t.split(a as string).join(b as string);
    },
    trim: (t) => {
      if (typeof t !== "string") throw new Error("trim() needs a string");
      return t.trim();
    },
    toUpper: (t) => {
      if (typeof t !== "string") throw new Error("toUpper() needs a string");
      return t.toUpperCase();
    },
    string: (v) => (typeof v === "string" ? v : JSON.stringify(v)),
    length: (v) => (v as unknown[]).length,
    split: (t, sep) => (t as string).split(sep as string),
    json: (t) => JSON.parse(t as string),
    join: (a, sep) => (a as unknown[]).join(sep as string),
    createArray: (...a) => a,
    variables: (name) => vars[name as string],
    parameters: (name) => params[name as string],
  };
  const primary = (): Value => {
    ws();
    const c = s[i];
    let value: Value;
    if (c === "'") {
      let out = "";
      i++;
      for (;;) {
        if (s[i] === "'" && s[i + 1] === "'") {
          out += "'";
          i += 2;
        } else if (s[i] === "'") {
          i++;
          break;
        } else out += s[i++];
      }
      value = out;
    } else if (/[-0-9]/.test(c)) {
      const m = /^-?\d+(\.\d+)?/.exec(s.slice(i))!;
      i += m[0].length;
      value = Number(m[0]);
    } else {
      const m = /^[A-Za-z]+/.exec(s.slice(i));
      if (!m) throw new Error(`unexpected ${s.slice(i, i + 20)}`);
      i += m[0].length;
      if (m[0] === "true" || m[0] === "false" || m[0] === "null") value = m[0] === "true" ? true : m[0] === "false" ? false : null;
      else {
        expect("(");
        const args: Value[] = [];
        ws();
        if (s[i] !== ")") {
          args.push(expr());
          for (ws(); s[i] === ","; ws()) {
            i++;
            args.push(expr());
          }
        }
        expect(")");
        const fn = fns[m[0]];
        if (!fn) throw new Error(`unknown function ${m[0]}`);
        value = fn(...args);
      }
    }
    for (ws(); s[i] === "?" && s[i + 1] === "["; ws()) {
      i += 2;
      const key = expr();
      expect("]");
      value = value === null || value === undefined ? null : ((value as Record<string, Value>)[String(key)] ?? null);
    }
    return value;
  };
  const expr = (): Value => primary();
  const result = expr();
  ws();
  if (i !== s.length) throw new Error(`trailing input at ${i}`);
  return result;
}

const sources: WdlSources = {
  rows: {
    opportunity: "variables('opportunity')",
    account: "variables('account')",
    contact: "variables('contact')",
    currency: "variables('currency')",
    previous: "variables('previous')",
  },
  lists: { solutions: "variables('solutions')", contacts: "variables('contacts')" },
  config: {
    dealValueField: "parameters('Deal value (pcs_DealValueField)')",
    customerCountryCodeField: "parameters('Customer Account Country Code (pcs_CustomerCountryCodeField)')",
  },
};

const complete = (vectors.cases as unknown as Array<{ name: string; snapshot: OpportunitySnapshot }>).filter(
  (c) => c.snapshot.account !== undefined && c.snapshot.contacts && c.snapshot.solutions && c.snapshot.currency !== undefined,
);

/** Today's co-sell and deal registration facts read a column of every solution: the flow gives each as an array (a Select). */
const withEach: WdlSources = {
  ...sources,
  each: { "solutions.pcs_solutiontype": "variables('solutionTypes')", "solutions.pcs_azureipcoselleligible": "variables('eligible')" },
};

function bind(snapshot: OpportunitySnapshot): [Record<string, Value>, Record<string, Value>] {
  const config = { dealValueField: "estimatedvalue", customerCountryCodeField: "address1_country", ...snapshot.config };
  const pick = (v: string | undefined, d: string): string => (v && v.trim() ? v.trim() : d);
  return [
    {
      opportunity: snapshot.opportunity,
      account: snapshot.account,
      contact: snapshot.contacts?.[0] ?? null,
      currency: snapshot.currency,
      previous: snapshot.previous ?? null,
      solutions: snapshot.solutions,
      contacts: snapshot.contacts,
      solutionTypes: snapshot.solutions?.map((s) => s.pcs_solutiontype ?? null),
      eligible: snapshot.solutions?.map((s) => s.pcs_azureipcoselleligible ?? null),
    },
    {
      "Deal value (pcs_DealValueField)": pick(config.dealValueField, "estimatedvalue"),
      "Customer Account Country Code (pcs_CustomerCountryCodeField)": pick(config.customerCountryCodeField, "address1_country"),
    },
  ];
}

describe("WDL expressions generated from the rule table", () => {
  const rules = ruleExpressions(sources);

  it.each(complete.map((c) => [c.name, c] as const))("give validate()'s failures and messages: %s", (_name, c) => {
    const [vars, params] = bind(c.snapshot);
    const expected = validate(c.snapshot);
    expect(evaluate(appliesExpression(sources), vars, params)).toBe(expected.applies);
    const failures = rules.filter((r) => evaluate(r.condition, vars, params) === true).map((r) => ({ rule: r.id, message: evaluate(r.message, vars, params) }));
    expect(failures).toEqual(expected.failures.map((f) => ({ rule: f.rule, message: f.message })));
    expect(evaluate(failuresTextExpression(sources, "\n"), vars, params)).toBe(expected.failures.map((f) => `${f.message}\n`).join(""));
  });

  it.each(complete.map((c) => [c.name, c] as const))("give the same in two stages (a facts object, then the rules on it): %s", (_name, c) => {
    const [vars, params] = bind(c.snapshot);
    const facts = Object.fromEntries(factsObject(sources).map(([k, e]) => [k, evaluate(e, vars, params)]));
    const staged: WdlSources = { ...sources, facts: "variables('facts')" };
    const withFacts = { ...vars, facts };
    const expected = validate(c.snapshot);
    expect(evaluate(anyRuleFailsExpression(staged), withFacts, params)).toBe(expected.failures.length > 0);
    expect(evaluate(failuresTextExpression(staged, "\n"), withFacts, params)).toBe(expected.failures.map((f) => `${f.message}\n`).join(""));
  });

  it("keeps the lists and the alias table out of the staged rule conditions", () => {
    const staged: WdlSources = { ...sources, facts: "variables('facts')" };
    expect(anyRuleFailsExpression(staged)).not.toContain("split('AD,");
    expect(anyRuleFailsExpression(staged)).not.toContain("UNITEDSTATES");
    expect(anyRuleFailsExpression(staged).length).toBeLessThan(2000);
    for (const [, e] of factsObject(sources)) expect(e.length).toBeLessThan(2000);
  });

  it("covers every rule with at least one vector the expressions are run on", () => {
    const failed = new Set(complete.flatMap((c) => validate(c.snapshot).failures.map((f) => f.rule)));
    expect(RULES.map((r) => r.id).filter((id) => !failed.has(id))).toEqual([]);
  });

  it("uses named Compose outputs for the lists and lookups when given", () => {
    const named = ruleExpressions({ ...sources, listExpressions: { ISO3166_ALPHA2: "outputs('ISO_3166')" }, lookupExpressions: { COUNTRY_ALIASES: "outputs('Country_aliases')" } });
    const country = named.find((r) => r.id === "country.alias")!;
    expect(country.condition).toContain("contains(outputs('ISO_3166'), ");
    expect(country.condition).toContain("outputs('Country_aliases')?[");
    expect(country.condition).not.toContain("split('AD,");
  });

  it("quotes literals the WDL way and builds list and lookup literals", () => {
    expect(wdlString("customer's")).toBe("'customer''s'");
    expect(evaluate(listLiteral("ISO4217"), {}, {})).toContain("USD");
    expect((evaluate(lookupLiteral("COUNTRY_ALIASES"), {}, {}) as Record<string, string>).UNITEDSTATES).toBe("US");
  });

  it("gives the configured column through its environment variable, in the condition and the message", () => {
    const deal = rules.find((r) => r.id === "dealValue.missing")!;
    expect(deal.field).toBe("parameters('Deal value (pcs_DealValueField)')");
    expect(deal.condition).toContain("variables('opportunity')?[parameters('Deal value (pcs_DealValueField)')]");
    expect(deal.message).toBe("concat('Deal value (', parameters('Deal value (pcs_DealValueField)'), ') is empty: enter the expected revenue, 0 or more.')");
  });
});

const isComplete = (s: OpportunitySnapshot): boolean => s.account !== undefined && !!s.contacts && !!s.solutions && s.currency !== undefined;

describe.each([
  ["today's co-sell rules (RULE_TABLES.cosell)", RULE_TABLES.cosell, [...vectors.cases, ...cosellVectors.cases]],
  ["every rule at once (RULE_TABLES.all)", RULE_TABLES.all, [...vectors.cases, ...cosellVectors.cases]],
  ["deal registration (RULE_TABLES.registration)", RULE_TABLES.registration, registrationVectors.cases],
] as const)("WDL expressions of %s", (_title, table, all) => {
  const src: WdlSources = { ...withEach, table };
  const cases = (all as unknown as Array<{ name: string; snapshot: OpportunitySnapshot }>).filter((c) => isComplete(c.snapshot));
  const rules = ruleExpressions(src);

  it.each(cases.map((c) => [c.name, c] as const))("give the rule table's failures and messages, directly and staged: %s", (_name, c) => {
    const [vars, params] = bind(c.snapshot);
    const expected = checkRules(table, c.snapshot);
    expect(evaluate(appliesExpression(src), vars, params)).toBe(expected.applies);
    const failures = rules.filter((r) => evaluate(r.condition, vars, params) === true).map((r) => ({ rule: r.id, message: evaluate(r.message, vars, params) }));
    expect(failures).toEqual(expected.failures.map((f) => ({ rule: f.rule, message: f.message })));
    const facts = Object.fromEntries(factsObject(src).map(([k, e]) => [k, evaluate(e, vars, params)]));
    const staged: WdlSources = { ...src, facts: "variables('facts')" };
    expect(evaluate(anyRuleFailsExpression(staged), { ...vars, facts }, params)).toBe(expected.failures.length > 0);
    expect(evaluate(failuresTextExpression(staged, "\n"), { ...vars, facts }, params)).toBe(expected.failures.map((f) => `${f.message}\n`).join(""));
  });

  it("covers every rule of the table with a vector, and keeps each expression short", () => {
    const failed = new Set(cases.flatMap((c) => checkRules(table, c.snapshot).failures.map((f) => f.rule)));
    expect(table.rules.map((r) => r.id).filter((id) => !failed.has(id))).toEqual([]);
    // Power Automate's limit is 8,192 characters; staged on a facts object, a condition stays readable
    const staged = ruleExpressions({ ...src, facts: "outputs('Check')?['facts']", lookupExpressions: { COUNTRY_ALIASES: "outputs('Country_aliases')" } });
    for (const r of rules) expect([r.id, r.condition.length < 8192]).toEqual([r.id, true]);
    for (const r of staged) expect([r.id, r.condition.length < 2000]).toEqual([r.id, true]);
  });

  it("asks the flow for the arrays WDL cannot map", () => {
    if (table === RULE_TABLES.sync) return;
    expect(() => ruleExpressions({ ...sources, table })).toThrow(/needs WdlSources\.each\["solutions\.pcs_/);
  });
});

describe("the Deal Type expression (deal-type.ts coSellDealTypeOf)", () => {
  const all = [...vectors.cases, ...cosellVectors.cases] as unknown as Array<{ name: string; snapshot: OpportunitySnapshot }>;
  it.each(all.filter((c) => c.snapshot.solutions).map((c) => [c.name, c] as const))("%s", (_name, c) => {
    const [vars, params] = bind(c.snapshot);
    const o = c.snapshot.opportunity;
    const expected = coSellDealTypeOf(o.pcs_microsofthelp ?? null, o.pcs_referralvisibility, c.snapshot.solutions!.map((s) => s.pcs_solutiontype));
    expect(evaluate(dealTypeExpression(withEach), vars, params)).toBe(dealTypeOptionOf(expected!));
  });
});
