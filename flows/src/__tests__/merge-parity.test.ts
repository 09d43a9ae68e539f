/**
 * The flows' sync record and conflict policy expressions give the rulebook's results on its own
 * vectors (sync-record.json, merge.json), run in the flow runner.
 */
import mergeVectors from "../../../plugins-ts/test-vectors/merge.json";
import syncVectors from "../../../plugins-ts/test-vectors/sync-hash.json";
import type { Referral } from "../../../plugins-ts/src/partner-center/referral";
import { toReferral } from "../../../plugins-ts/src/rulebook/mapping-outbound";
import type { OpportunitySnapshot } from "../../../plugins-ts/src/rulebook/snapshot";
import { SALES_STAGE_NUMBERS, syncProjection } from "../../../plugins-ts/src/rulebook/sync-hash";
import { addSolutionIds, crmProjection, pcProjection } from "../blocks/projection";
import recordVectors from "../../../plugins-ts/test-vectors/sync-record.json";
import { decideField } from "../../../plugins-ts/src/rulebook/merge";
import { DEFAULT_CONFIG } from "../../../plugins-ts/src/rulebook/snapshot";
import { crmKey as tsCrmKey, parseSyncRecord } from "../../../plugins-ts/src/rulebook/sync-record";
import type { SyncField } from "../../../plugins-ts/src/rulebook/sync-hash";
import { compose, configuredColumn, respond, Steps } from "../builder";
import { actionExpression, replacedExpression } from "../blocks/merge";
import { crmKey, joinedKey, storedKey, storedRecord } from "../blocks/record";
import { call, coalesce, ex, outputs, prop } from "../wdl";
import { expressionHarness, ExpressionHarness } from "./harness";

let h: ExpressionHarness;
beforeAll(async () => {
  h = await expressionHarness();
});
afterAll(() => h?.close());

const input = (name: string) => `triggerBody()?['${name}']`;

describe("CRM key (sync-record.json)", () => {
  let flow: string;
  beforeAll(async () => {
    const s = new Steps();
    const row = call("json", input("row"));
    s.add("Key", compose(ex(crmKey(row, configuredColumn("dealValueField", input("dealValueField"))))));
    s.add("Respond", respond({ key: ex(call("string", outputs("Key"))) }, { key: { title: "key", type: "string" } }));
    flow = await h.activate(s, ["row", "dealValueField"]);
  });
  it.each(recordVectors.keys.map((v) => [v.name, v] as const))("%s", async (_name, v) => {
    const out = await h.run(flow, { row: JSON.stringify(v.row), dealValueField: (v.config as { dealValueField?: string }).dealValueField ?? "" });
    const expected = tsCrmKey(v.row, { ...DEFAULT_CONFIG, ...v.config });
    expect(expected).toEqual(v.key);
    expect(JSON.parse(out.key as string)).toEqual(expected);
  });
});

describe("stored record (sync-record.json)", () => {
  let flow: string;
  beforeAll(async () => {
    const s = new Steps();
    s.add("Record", compose(ex(storedRecord(input("text")))));
    s.add("Respond", respond({ pc: ex(call("string", prop(outputs("Record"), "pc"))), key: ex(storedKey(outputs("Record"))), updated: ex(call("string", prop(outputs("Record"), "updated"))) }, {
      pc: { title: "pc", type: "string" }, key: { title: "key", type: "string" }, updated: { title: "updated", type: "string" },
    }));
    flow = await h.activate(s, ["text"]);
  });
  const readable = recordVectors.records.filter((v) => v.record !== null);
  it.each(readable.map((v) => [v.name, v] as const))("%s", async (_name, v) => {
    const out = await h.run(flow, { text: v.text });
    const r = parseSyncRecord(v.text)!;
    expect(out.updated).toBe(r.updated ?? "");
    expect(out.key).toBe((r.crm ?? []).join("\u001f"));
    const pc = out.pc ? JSON.parse(out.pc as string) : {};
    for (const [k, value] of Object.entries(r.pc)) expect(pc[k] ?? "").toBe(value);
  });
  it("joins a key as the trigger condition compares it", async () => {
    const s = new Steps();
    s.add("Respond", respond({ key: ex(joinedKey("createArray('a', '', 'b')")) }, { key: { title: "key", type: "string" } }));
    const out = await h.run(await h.activate(s, []), {});
    expect(out.key).toBe("a\u001f\u001fb");
  });
});

describe("conflict policy (merge.json)", () => {
  let flow: string;
  beforeAll(async () => {
    const s = new Steps();
    const c = input("crm");
    const p = input("pc");
    const a = `if(equals(${input("hasAgreed")}, 'yes'), ${input("agreed")}, null)`;
    // One Compose per policy field so each vector runs the expression of its own field.
    const fields = [...new Set(mergeVectors.fields.map((v) => v.field))] as SyncField[];
    const pick = (expr: (f: SyncField) => string) => fields.reduceRight((acc, f) => `if(equals(${input("field")}, '${f}'), ${expr(f)}, ${acc})`, "''");
    s.add("Action", compose(ex(pick((f) => actionExpression(f, c, p, a)))));
    s.add("Replaced", compose(ex(pick((f) => replacedExpression(f, c, p, a)))));
    s.add("Respond", respond({ action: ex(outputs("Action")), replaced: ex(call("string", outputs("Replaced"))) }, { action: { title: "a", type: "string" }, replaced: { title: "r", type: "string" } }));
    flow = await h.activate(s, ["field", "crm", "pc", "agreed", "hasAgreed"]);
  });
  it.each(mergeVectors.fields.map((v) => [v.name, v] as const))("%s", async (_name, v) => {
    const agreed = "agreed" in v ? (v.agreed as string) : undefined;
    const out = await h.run(flow, { field: v.field, crm: v.crm, pc: v.pc, agreed: agreed ?? "", hasAgreed: agreed === undefined ? "no" : "yes" });
    const d = decideField(v.field as SyncField, v.crm, v.pc, agreed);
    expect(out.action).toBe(d.action);
    expect(out.replaced).toBe(d.replaced !== undefined ? "True" : "False");
  });
});

describe("projections of both sides (sync-hash.json)", () => {
  type Item = { snapshot?: OpportunitySnapshot; referral?: Referral };
  const items: Item[] = [...syncVectors.same.flatMap((g) => g.items as unknown as Item[]), ...syncVectors.changed.map((c) => c.item as unknown as Item)];
  let crmFlow: string;
  let pcFlow: string;
  beforeAll(async () => {
    const S = call("json", input("snapshot"));
    const a = new Steps();
    const ids = addSolutionIds(a, "Solution_ids", prop(S, "solutions"), (it) => prop(it, "pcs_solutionid"));
    const rows = { opportunity: prop(S, "opportunity"), account: prop(S, "account"), contact: call("first", coalesce(prop(S, "contacts"), "json('[]')")), currency: prop(S, "currency") };
    a.add("Projection", compose(ex(crmProjection(rows, ids, configuredColumn("dealValueField", prop(S, "config", "dealValueField"))))));
    a.add("Respond", respond({ p: ex(call("string", outputs("Projection"))) }, { p: { title: "p", type: "string" } }));
    crmFlow = await h.activate(a, ["snapshot"]);
    const b = new Steps();
    const R = call("json", input("referral"));
    const pcIds = addSolutionIds(b, "Solution_ids", prop(R, "details", "requirements", "solutions"), (it) => prop(it, "id"));
    b.add("Projection", compose(ex(pcProjection(R, pcIds, input("crmContact")))));
    b.add("Respond", respond({ p: ex(call("string", outputs("Projection"))) }, { p: { title: "p", type: "string" } }));
    pcFlow = await h.activate(b, ["referral", "crmContact"]);
  });

  it.each(items.map((item, i) => [i, item] as const))("item %i projects as the rulebook projects it", async (_i, item) => {
    if (item.snapshot) {
      const out = await h.run(crmFlow, { snapshot: JSON.stringify(item.snapshot) });
      expect(JSON.parse(out.p as string)).toEqual(syncProjection(toReferral(item.snapshot)));
    } else {
      for (const crmContact of ["", "someone.else@contoso.com", ...(item.referral!.customerProfile?.team ?? []).map((m) => String(m.email ?? "").trim().toLowerCase())]) {
        const out = await h.run(pcFlow, { referral: JSON.stringify(item.referral), crmContact });
        expect(JSON.parse(out.p as string)).toEqual(syncProjection(item.referral!, { crmContact }));
      }
    }
  });

  it("reads a numeric sales stage as its name, as the rulebook does", async () => {
    for (const [n, name] of Object.entries(SALES_STAGE_NUMBERS)) {
      const out = await h.run(pcFlow, { referral: JSON.stringify({ salesStage: n }), crmContact: "" });
      expect(JSON.parse(out.p as string).salesStage).toBe(name);
    }
  });
});
