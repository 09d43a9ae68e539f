import vectors from "../../../test-vectors/validation.json";
import cosellVectors from "../../../test-vectors/validation-cosell.json";
import { MESSAGE_IDS, MESSAGES_1033, placeholdersOf } from "../messages";
import { FACTS, LOCKS, RULE_IDS, RULE_TABLES, RULES, RuleSpec } from "../rules";
import { OpportunitySnapshot } from "../snapshot";
import { activeLocks, evaluateFacts, validate } from "../validate";

type Vector = (typeof vectors.cases)[number];
const cases = vectors.cases as unknown as Array<Vector & { snapshot: OpportunitySnapshot }>;
const cosellCases = cosellVectors.cases as unknown as Array<Vector & { snapshot: OpportunitySnapshot; expected: Vector["expected"] & { locks: unknown[] } }>;
const ALL_RULES = RULE_TABLES.all.rules as readonly RuleSpec[];

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

describe("today's co-sell rules and locks (test-vectors/validation-cosell.json)", () => {
  it.each(cosellCases.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    const result = validate(c.snapshot, { language: cosellVectors.language });
    expect({
      applies: result.applies,
      ok: result.ok,
      failures: result.failures.map(({ rule, messageId, field, message }) => ({ rule, messageId, field, message })),
      unchecked: result.unchecked,
      locks: activeLocks(c.snapshot, { language: cosellVectors.language }),
    }).toEqual(c.expected);
    // the case is about what it says it is about
    const about = new Set([...result.failures.map((f) => f.rule), ...result.unchecked.filter((r) => !RULE_IDS.includes(r))]);
    for (const r of c.rules) expect([r, about.has(r)]).toEqual([r, true]);
  });

  it("has a failing case for every co-sell rule and a case for every lock", () => {
    const all = [...cases, ...cosellCases];
    const failed = new Set(all.flatMap((c) => c.expected.failures.map((f) => f.rule)));
    expect(ALL_RULES.map((r) => r.id).filter((id) => !failed.has(id))).toEqual([]);
    const locked = new Set(cosellCases.flatMap((c) => c.expected.locks.map((l) => (l as { lock: string }).lock)));
    expect(LOCKS.map((l) => l.id).filter((id) => !locked.has(id))).toEqual([]);
  });

  it("says at most one message per topic", () => {
    for (const c of cosellCases) {
      const topics = validate(c.snapshot).failures.map((f) => f.topic);
      expect(new Set(topics).size).toBe(topics.length);
    }
  });

  it("locks from the record as loaded, whether it syncs or not, and nothing before the referral exists", () => {
    const created = cosellCases.find((c) => c.name.startsWith("created referral, nothing changed"))!;
    const locks = activeLocks(created.snapshot);
    expect(locks.length).toBeGreaterThan(0);
    expect(activeLocks({ ...created.snapshot, opportunity: { ...created.snapshot.opportunity, pcs_syncwithpartnercenter: false } })).toEqual(locks);
    expect(activeLocks({ ...created.snapshot, previous: { ...created.snapshot.previous, pcs_referralidentifier: null } })).toEqual([]);
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
    for (const rule of [...ALL_RULES, ...RULE_TABLES.registration.rules]) {
      rule.when.forEach(visit);
      expect(MESSAGE_IDS).toContain(rule.message);
      const params = Object.keys((rule as { params?: object }).params ?? {}).sort();
      expect(placeholdersOf(MESSAGES_1033[rule.message]).sort()).toEqual(params);
    }
    for (const spec of Object.values(FACTS)) {
      if ("fact" in spec.from) expect(factNames.has(spec.from.fact)).toBe(true);
    }
  });

  it("has unique rule ids in each table", () => {
    expect(new Set(RULE_IDS).size).toBe(RULE_IDS.length);
    for (const table of Object.values(RULE_TABLES)) expect(new Set(table.rules.map((r) => r.id)).size).toBe(table.rules.length);
    expect(RULES.every((r) => ALL_RULES.includes(r))).toBe(true);
  });

  it("evaluates every fact of a complete snapshot as known", () => {
    const facts = evaluateFacts(cosellCases[0].snapshot);
    expect(Object.entries(facts).filter(([, v]) => !v.known)).toEqual([]);
  });
});
