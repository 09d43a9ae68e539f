/**
 * The two tables the flows check (rules.ts RULE_TABLES.outbound and .locks) split validate()'s
 * table, RULE_TABLES.all, without losing or adding a rule: the requirements apply before the
 * create only, and the locks stand apart (the flows put a locked column back instead of stopping).
 */
import vectors from "../../../test-vectors/validation-cosell.json";
import { LOCKS, RULE_TABLES, topicOf } from "../rules";
import type { OpportunitySnapshot } from "../snapshot";
import { checkRules, validate } from "../validate";

const lockIds = new Set(LOCKS.map((l) => `${l.id}.changed`));
const requirementTopics = new Set(["intent", "partnerRole", "solutionArea", "solutionPlay"]);

describe("the flows' tables, on validation-cosell.json", () => {
  it.each(vectors.cases.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    const snapshot = c.snapshot as unknown as OpportunitySnapshot;
    const all = validate(snapshot).failures.map((f) => f.rule);
    const created = typeof snapshot.previous?.pcs_referralidentifier === "string" && snapshot.previous.pcs_referralidentifier.trim() !== "";
    const outbound = checkRules(RULE_TABLES.outbound, snapshot).failures.map((f) => f.rule);
    const locks = checkRules(RULE_TABLES.locks, snapshot).failures.map((f) => f.rule);
    expect(outbound).toEqual(all.filter((id) => !lockIds.has(id) && !(created && requirementTopics.has(topicOf(id)))));
    expect(locks).toEqual(all.filter((id) => lockIds.has(id)));
  });

  it("the vectors hold a referral that exists with a requirement missing (the case the outbound table lets through)", () => {
    const held = vectors.cases.filter((c) => {
      const snapshot = c.snapshot as unknown as OpportunitySnapshot;
      return !!snapshot.previous?.pcs_referralidentifier && validate(snapshot).failures.some((f) => requirementTopics.has(topicOf(f.rule)));
    });
    expect(held.length).toBeGreaterThan(0);
  });
});
