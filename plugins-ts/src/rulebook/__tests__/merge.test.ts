import vectors from "../../../test-vectors/merge.json";
import { decideField, FIELD_POLICY, planSync } from "../merge";
import { SYNC_FIELDS, SyncField, SyncProjection } from "../sync-hash";

describe("conflict policy (test-vectors/merge.json)", () => {
  it.each(vectors.fields.map((v) => [v.name, v] as const))("%s", (_name, v) => {
    const d = decideField(v.field as SyncField, v.crm, v.pc, "agreed" in v ? v.agreed : undefined);
    expect(d).toEqual({ action: v.action, value: v.value, ...("replaced" in v ? { replaced: v.replaced } : {}) });
  });

  it("has a policy and a vector for every synced field", () => {
    for (const f of SYNC_FIELDS) {
      expect(FIELD_POLICY[f]).toBeDefined();
      expect(vectors.fields.some((v) => v.field === f)).toBe(true);
    }
  });
});

describe("planSync", () => {
  const base: SyncProjection = {
    closingDate: "2027-01-31", contact: "ana@contoso.com", currency: "USD", dealValue: "100.00", externalReferenceId: "opp-1", help: "",
    name: "Contoso", notes: "", salesStage: "Qualify", shared: "true", solutions: "SOL-1", state: "open",
  };

  it("sends what the CRM changed, takes what Partner Center changed, and says whose value lost", () => {
    const crm = { ...base, dealValue: "200.00", notes: "new" };
    const pc = { ...base, dealValue: "300.00", closingDate: "2027-03-31" };
    const plan = planSync(crm, pc, base);
    expect(plan.send).toEqual(["dealValue", "notes"]);
    expect(plan.take).toEqual(["closingDate"]);
    expect(plan.replaced).toEqual([{ field: "dealValue", pc: "300.00" }]);
    expect(plan.merged).toEqual({ ...base, dealValue: "200.00", notes: "new", closingDate: "2027-03-31" });
  });

  it("leaves a field it did not examine as agreed, whatever either side says", () => {
    const plan = planSync({ ...base, solutions: "SOL-2" }, { ...base, solutions: "SOL-3" }, base, SYNC_FIELDS.filter((f) => f !== "solutions"));
    expect(plan.send).toEqual([]);
    expect(plan.take).toEqual([]);
    expect(plan.merged.solutions).toBe("SOL-1");
  });
});
