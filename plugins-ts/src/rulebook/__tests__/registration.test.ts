/**
 * Deal registration (test-vectors/registration.json): eligibility with its reasons, the create body
 * CreateDealRegistrationByReferralId sends and the changed-only update PatchDealRegistrationByReferralId
 * sends, on the connector's paths only.
 */
import vectors from "../../../test-vectors/registration.json";
import { DEAL_REGISTRATION_CREATE_PATH, DEAL_REGISTRATION_PATCH_PATHS, DealRegistration } from "../../partner-center/referral";
import { createRegistrationPatch, updateRegistrationPatch } from "../registration";
import { RULE_TABLES } from "../rules";
import type { OpportunitySnapshot } from "../snapshot";
import { checkRegistration } from "../validate";

type Case = (typeof vectors.cases)[number] & { snapshot: OpportunitySnapshot; current?: DealRegistration; expected: { create?: unknown; update?: unknown } };
const cases = vectors.cases as unknown as Case[];

describe("deal registration (test-vectors/registration.json)", () => {
  it.each(cases.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    const r = checkRegistration(c.snapshot, { language: vectors.language });
    expect({ applies: r.applies, ok: r.ok, failures: r.failures.map(({ rule, messageId, message }) => ({ rule, messageId, message })), unchecked: r.unchecked }).toEqual({
      applies: c.expected.applies,
      ok: c.expected.ok,
      failures: c.expected.failures,
      unchecked: c.expected.unchecked,
    });
    expect(r.failures.map((f) => f.rule).sort()).toEqual([...c.rules].sort());
    if (c.expected.create !== undefined) expect(createRegistrationPatch(c.snapshot)).toEqual(c.expected.create);
    if (c.current) expect(updateRegistrationPatch(c.current, c.snapshot)).toEqual(c.expected.update);
  });

  it("has a case for every eligibility rule", () => {
    const failed = new Set(cases.flatMap((c) => c.expected.failures.map((f) => f.rule)));
    expect(RULE_TABLES.registration.rules.map((r) => r.id).filter((id) => !failed.has(id))).toEqual([]);
  });

  it("creates with one add on /registrations/- and updates only on the connector's paths", () => {
    for (const c of cases) {
      const create = createRegistrationPatch(c.snapshot);
      expect(create.map((o) => [o.op, o.path])).toEqual([["add", DEAL_REGISTRATION_CREATE_PATH]]);
      if (!c.current) continue;
      for (const op of updateRegistrationPatch(c.current, c.snapshot)) {
        expect((DEAL_REGISTRATION_PATCH_PATHS as readonly string[]).includes(op.path)).toBe(true);
        expect(["add", "replace"]).toContain(op.op);
      }
    }
  });

  it("sends a registration that round-trips as no change", () => {
    const eligible = cases.find((c) => c.expected.create)!;
    const registered = createRegistrationPatch(eligible.snapshot)[0].value as DealRegistration;
    expect(updateRegistrationPatch(registered, eligible.snapshot)).toEqual([]);
  });
});
