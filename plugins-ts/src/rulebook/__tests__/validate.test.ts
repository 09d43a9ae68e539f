import vectors from "../../../test-vectors/validation.json";
import { MESSAGE_IDS, MESSAGES_1033, placeholdersOf } from "../messages";
import { FACTS, RULE_IDS, RULES } from "../rules";
import { OpportunitySnapshot } from "../snapshot";
import { evaluateFacts, validate } from "../validate";

type Vector = (typeof vectors.cases)[number];
const cases = vectors.cases as unknown as Array<Vector & { snapshot: OpportunitySnapshot }>;

describe("validation (test-vectors/validation.json)", () => {
  it.each(cases.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    const result = validate(c.snapshot, { language: vectors.language });
    expect({
      applies: result.applies,
      ok: result.ok,
      failures: result.failures.map(({ rule, messageId, field, message }) => ({ rule, messageId, field, message })),
      unchecked: result.unchecked,
    }).toEqual(c.expected);
  });

  it("has a failing case for every rule, and every rule's message is reachable", () => {
    const failed = new Set(cases.flatMap((c) => c.expected.failures.map((f) => f.rule)));
    expect([...RULE_IDS].filter((id) => !failed.has(id))).toEqual([]);
  });

  it("says one message per failing rule and at most one per topic", () => {
    for (const c of cases) {
      const topics = validate(c.snapshot).failures.map((f) => f.topic);
      expect(new Set(topics).size).toBe(topics.length);
    }
  });

  it("does not change the snapshot it validates", () => {
    const snapshot = JSON.parse(JSON.stringify(cases[0].snapshot));
    const before = JSON.stringify(snapshot);
    validate(snapshot);
    expect(JSON.stringify(snapshot)).toBe(before);
  });

  it("is unaffected by the order of the row's properties", () => {
    for (const c of cases) {
      const reversed = { ...c.snapshot, opportunity: Object.fromEntries(Object.entries(c.snapshot.opportunity).reverse()) };
      expect(validate(reversed)).toEqual(validate(c.snapshot));
    }
  });

  it("checks the rules on demand even when sync is No", () => {
    const off = cases.find((c) => c.name.startsWith("sync is No"))!;
    const result = validate(off.snapshot, { ignoreSyncFlag: true });
    expect(result.applies).toBe(true);
    expect(result.failures.map((f) => f.rule)).toEqual(expect.arrayContaining(["customer.missing", "closeDate.missing", "dealValue.negative"]));
  });
});

describe("rule table (rules.ts) is well formed for generators", () => {
  it("names only facts, messages and placeholders that exist", () => {
    const factNames = new Set(Object.keys(FACTS));
    const visit = (check: unknown): void => {
      const c = check as { any?: unknown[]; fact?: string };
      if (c.any) c.any.forEach(visit);
      else expect(factNames.has(c.fact!)).toBe(true);
    };
    for (const rule of RULES) {
      rule.when.forEach(visit);
      expect(MESSAGE_IDS).toContain(rule.message);
      const params = Object.keys((rule as { params?: object }).params ?? {}).sort();
      expect(placeholdersOf(MESSAGES_1033[rule.message]).sort()).toEqual(params);
    }
    for (const spec of Object.values(FACTS)) {
      if ("fact" in spec.from) expect(factNames.has(spec.from.fact)).toBe(true);
    }
  });

  it("has unique rule ids", () => {
    expect(new Set(RULE_IDS).size).toBe(RULE_IDS.length);
  });

  it("evaluates every fact of a complete snapshot as known", () => {
    const facts = evaluateFacts(cases[0].snapshot);
    expect(Object.entries(facts).filter(([, v]) => !v.known)).toEqual([]);
  });
});
