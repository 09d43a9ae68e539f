import vectors from "../../../test-vectors/plan-apply.json";
import { PATCHABLE_PATHS, type Referral } from "../../partner-center/referral";
import { planSync } from "../merge";
import { crmChangesForPlan, patchForPlan } from "../plan-apply";
import type { SyncProjection } from "../sync-hash";

describe("carrying out a sync plan (test-vectors/plan-apply.json)", () => {
  it.each(vectors.cases.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    const plan = planSync(c.crm as SyncProjection, c.pc as SyncProjection, c.agreed as SyncProjection);
    expect(patchForPlan(plan, c.pc as SyncProjection, c.desired as Referral)).toEqual(c.patch);
    expect(crmChangesForPlan(plan, c.referral as Referral, c.config)).toEqual(c.crmChanges);
  });

  it("every operation is on a path the certified connector takes", () => {
    const ops = vectors.cases.flatMap((c) => c.patch as Array<{ op: string; path: string }>);
    expect(ops.length).toBeGreaterThan(10);
    for (const op of ops) {
      expect(["add", "replace"]).toContain(op.op);
      expect(PATCHABLE_PATHS).toContain(op.path);
    }
  });
});
