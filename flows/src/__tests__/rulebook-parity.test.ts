/**
 * The flows apply the very rules the form script applies: the expressions the shipped flows are
 * built from (validation, outbound mapping, sync projection, audit line) run in the flow runner on
 * the rulebook's own test vectors and must give the rulebook's results exactly.
 */
import auditVectors from "../../../plugins-ts/test-vectors/audit.json";
import mappingVectors from "../../../plugins-ts/test-vectors/mapping-outbound.json";
import syncVectors from "../../../plugins-ts/test-vectors/sync-hash.json";
import validationVectors from "../../../plugins-ts/test-vectors/validation.json";
import type { Referral } from "../../../plugins-ts/src/partner-center/referral";
import { AuditEntry, formatAuditLine } from "../../../plugins-ts/src/rulebook/audit";
import { toReferral } from "../../../plugins-ts/src/rulebook/mapping-outbound";
import { OpportunitySnapshot } from "../../../plugins-ts/src/rulebook/snapshot";
import { syncHash, syncHashOfSnapshot } from "../../../plugins-ts/src/rulebook/sync-hash";
import { validate } from "../../../plugins-ts/src/rulebook/validate";
import { FlowRunnerHandle, startFlowRunner, workflowRow } from "../../../sandbox/flow-runner/src";
import { buttonTrigger, compose, configuredColumn, flowFile, respond, Steps } from "../builder";
import { addDesiredReferral, addValidation, OpportunitySnapshotRefs } from "../blocks/opportunity";
import { addProjection, auditLine, syncHashText } from "../blocks/sync";
import { call, coalesce, equals, ex, outputs, prop } from "../wdl";

let fr: FlowRunnerHandle;
beforeAll(async () => {
  fr = await startFlowRunner({ clock: () => Date.UTC(2026, 10, 22, 10, 15, 3) });
});
afterAll(async () => {
  await fr?.close();
});

let flowCount = 0;
async function activate(steps: Steps, inputs: string[]): Promise<string> {
  const id = `00000000-0000-4000-8000-${String(++flowCount).padStart(12, "0")}`;
  const file = flowFile({
    id,
    name: `parity ${flowCount}`,
    description: "",
    connections: [],
    triggers: buttonTrigger(Object.fromEntries(inputs.map((i) => [i, { title: i, type: "string" as const }])), inputs),
    steps,
  });
  await fr.runner.activate(id, workflowRow(id, `parity ${flowCount}`, file as unknown as Parameters<typeof workflowRow>[2]));
  return id;
}

async function run(id: string, inputs: Record<string, string>): Promise<Record<string, unknown>> {
  const { run: r, response } = await fr.runManual(id, inputs);
  if (r.status !== "Succeeded") throw new Error(fr.formatRun(r.id));
  return response!.body as Record<string, unknown>;
}

/** Snapshot parts as the flows' reads provide them, from a JSON snapshot input. */
const S = "json(triggerBody()?['snapshot'])";
const snapshotRefs: OpportunitySnapshotRefs = {
  opportunity: prop(S, "opportunity"),
  account: prop(S, "account"),
  contact: call("first", coalesce(prop(S, "contacts"), "json('[]')")),
  currency: prop(S, "currency"),
  solutions: coalesce(prop(S, "solutions"), "json('[]')"),
  rowIds: "''",
};
/** The vector's configuration stands in for the environment variables' values, read as the flows read them. */
const configRefs = {
  dealValueField: configuredColumn("dealValueField", prop(S, "config", "dealValueField")),
  customerCountryCodeField: configuredColumn("customerCountryCodeField", prop(S, "config", "customerCountryCodeField")),
};

describe("validation (test-vectors/validation.json): the flows' messages are the rulebook's", () => {
  let flow: string;
  beforeAll(async () => {
    const steps = new Steps();
    const failures = addValidation(steps, snapshotRefs, equals(prop(S, "previous", "pcs_referralvisibility"), "true"), configRefs);
    steps.add("Respond", respond({ failures: ex(failures) }, { failures: { title: "Failures", type: "string" } }));
    flow = await activate(steps, ["snapshot"]);
  });

  // A flow reads every part of the snapshot, so only vectors whose parts are all known apply.
  const complete = validationVectors.cases.filter((c) => !(c.expected as { unchecked?: unknown[] }).unchecked?.length);
  it.each(complete.map((c) => [c.name, c] as const))("%s", async (_name, c) => {
    const snapshot = c.snapshot as unknown as OpportunitySnapshot;
    const expected = validate(snapshot).failures.map((f) => f.message);
    expect(expected).toEqual(c.expected.failures.map((f: { message: string }) => f.message)); // the vector agrees with the rulebook
    const out = await run(flow, { snapshot: JSON.stringify(snapshot) });
    expect(out.failures).toBe(expected.join(" "));
  });
});

describe("outbound mapping and sync hash (mapping-outbound.json, sync-hash.json)", () => {
  let fromSnapshot: string;
  let fromReferral: string;
  beforeAll(async () => {
    const a = new Steps();
    const referral = addDesiredReferral(a, snapshotRefs, prop(S, "owner"), configRefs);
    const projection = addProjection(a, "Desired", referral);
    a.add("Respond", respond({ referral: ex(call("string", referral)), hash: ex(syncHashText(projection)) }, { referral: { title: "Referral", type: "string" }, hash: { title: "Hash", type: "string" } }));
    fromSnapshot = await activate(a, ["snapshot"]);
    const b = new Steps();
    b.add("Referral", compose(ex("json(triggerBody()?['referral'])")));
    const p = addProjection(b, "Referral", outputs("Referral"));
    b.add("Respond", respond({ hash: ex(syncHashText(p)) }, { hash: { title: "Hash", type: "string" } }));
    fromReferral = await activate(b, ["referral"]);
  });

  it.each(mappingVectors.cases.map((c) => [c.name, c] as const))("mapping: %s", async (_name, c) => {
    const snapshot = c.snapshot as unknown as OpportunitySnapshot;
    if (snapshot.account === undefined || snapshot.contacts === undefined || snapshot.solutions === undefined || snapshot.currency === undefined) return; // flows read every part
    const expected = toReferral(snapshot);
    const out = await run(fromSnapshot, { snapshot: JSON.stringify(snapshot) });
    const r = JSON.parse(out.referral as string) as Referral;
    expect(out.hash).toBe(syncHashOfSnapshot(snapshot));
    expect({
      name: r.name,
      externalReferenceId: r.externalReferenceId,
      type: r.type,
      status: r.status,
      substatus: r.substatus,
      statusReason: r.statusReason ?? undefined,
      salesStage: r.salesStage ?? undefined,
      dealValue: r.details?.dealValue ?? undefined,
      currency: r.details?.currency ?? undefined,
      closingDateTime: r.details?.closingDateTime ?? undefined,
      notes: r.details?.notes,
      solutions: r.details?.requirements?.solutions?.map((s) => s.id),
      country: r.customerProfile?.address?.country ?? undefined,
      shared: r.consent?.consentToShareReferralWithMicrosoftSellers,
      help: r.inviteContext?.assistanceRequestCode ?? undefined,
    }).toEqual({
      name: expected.name,
      externalReferenceId: expected.externalReferenceId,
      type: expected.type,
      status: expected.status,
      substatus: expected.substatus,
      statusReason: expected.statusReason,
      salesStage: expected.salesStage,
      dealValue: expected.details?.dealValue,
      currency: expected.details?.currency,
      closingDateTime: expected.details?.closingDateTime,
      notes: expected.details?.notes ?? "",
      solutions: expected.details?.requirements?.solutions?.map((s) => s.id),
      country: expected.customerProfile?.address?.country,
      shared: expected.consent?.consentToShareReferralWithMicrosoftSellers ?? false,
      help: expected.inviteContext?.assistanceRequestCode,
    });
  });

  type Item = { snapshot?: OpportunitySnapshot; referral?: Referral };
  const items: Item[] = [...syncVectors.same.flatMap((g) => g.items as unknown as Item[]), ...syncVectors.changed.map((c) => c.item as unknown as Item)];
  it.each(items.map((item, i) => [i, item] as const))("sync hash of item %i equals the rulebook's", async (_i, item) => {
    if (item.referral) {
      expect((await run(fromReferral, { referral: JSON.stringify(item.referral) })).hash).toBe(syncHash(item.referral));
    } else {
      expect((await run(fromSnapshot, { snapshot: JSON.stringify(item.snapshot) })).hash).toBe(syncHashOfSnapshot(item.snapshot!));
    }
  });
});

describe("audit lines (test-vectors/audit.json): the flows write the rulebook's format", () => {
  it("formats every vector as formatAuditLine does (after the timestamp)", async () => {
    const steps = new Steps();
    const entries = auditVectors.format.map((v) => v.entry as AuditEntry);
    const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;
    entries.forEach((entry, i) => steps.add(`Line_${i}`, compose(ex(auditLine(entry.direction, entry.outcome, entry.operation, literal(entry.message), entry.run ? literal(entry.run) : undefined)))));
    steps.add("Respond", respond(Object.fromEntries(entries.map((_e, i) => [`line${i}`, ex(outputs(`Line_${i}`))])), Object.fromEntries(entries.map((_e, i) => [`line${i}`, { title: `line ${i}`, type: "string" as const }]))));
    const out = await run(await activate(steps, []), {});
    entries.forEach((entry, i) => {
      const line = out[`line${i}`] as string;
      expect(line.slice(0, 20)).toBe("2026-11-22T10:15:03Z");
      // the flows do not mask bearer tokens: they never have one in a message
      // without a run given, the line names the run that wrote it
      const run = entry.run ?? /\| run (\S+)$/.exec(line)?.[1];
      expect(run).toMatch(/^[0-9a-f-]{36}\/\S+$/i);
      if (!/Bearer/.test(entry.message)) expect(line.slice(20)).toBe(formatAuditLine({ ...entry, run }).slice(20));
    });
  });
});
