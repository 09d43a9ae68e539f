import vectors from "../../../test-vectors/patch.json";
import { PATCHABLE_PATHS, Referral } from "../../partner-center/referral";
import { toReferral } from "../mapping-outbound";
import { buildPatch, isPatchablePath } from "../patch";
import { OpportunitySnapshot } from "../snapshot";

const cases = vectors.cases as unknown as Array<{ name: string; current: Referral; snapshot: OpportunitySnapshot; expected: unknown }>;

/** Applies a patch the way RFC 6902 does (add / replace; "-" appends), to check it reaches the target. */
function apply(doc: Referral, ops: ReturnType<typeof buildPatch>["operations"]): Referral {
  const out = JSON.parse(JSON.stringify(doc));
  for (const op of ops) {
    const keys = op.path.split("/").slice(1);
    const last = keys.pop()!;
    let node = out;
    for (const k of keys) node = node[k] ??= {};
    if (last === "-") node.push(op.value);
    else node[last] = op.value;
  }
  return out;
}

describe("JSON Patch builder (test-vectors/patch.json)", () => {
  it.each(cases.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    expect(buildPatch(c.current, toReferral(c.snapshot))).toEqual(c.expected);
  });

  it("only ever uses the connector's patchable paths with add or replace", () => {
    for (const c of cases) {
      for (const op of buildPatch(c.current, toReferral(c.snapshot)).operations) {
        expect(PATCHABLE_PATHS).toContain(op.path);
        expect(["add", "replace"]).toContain(op.op);
      }
    }
  });

  it("is idempotent: once applied, the same desired state needs no further patch", () => {
    for (const c of cases) {
      const desired = toReferral(c.snapshot);
      const { operations } = buildPatch(c.current, desired);
      expect(buildPatch(apply(c.current, operations), desired).operations).toEqual([]);
    }
  });

  it("does not change its inputs", () => {
    const c = cases.find((x) => x.name.startsWith("a changed contact"))!;
    const current = JSON.stringify(c.current);
    const desired = toReferral(c.snapshot);
    const before = JSON.stringify(desired);
    buildPatch(c.current, desired);
    expect(JSON.stringify(c.current)).toBe(current);
    expect(JSON.stringify(desired)).toBe(before);
  });

  it("knows which paths are patchable", () => {
    expect(isPatchablePath("/details/dealValue")).toBe(true);
    expect(isPatchablePath("/name")).toBe(false);
  });
});
