/**
 * The flows apply the very rules the form script applies: the expressions the shipped flows are
 * built from (validation, outbound mapping, sync projection, audit line) run in the flow runner on
 * the rulebook's own test vectors and must give the rulebook's results exactly.
 */
import auditVectors from "../../../plugins-ts/test-vectors/audit.json";
import mappingVectors from "../../../plugins-ts/test-vectors/mapping-outbound.json";
import validationVectors from "../../../plugins-ts/test-vectors/validation.json";
import cosellVectors from "../../../plugins-ts/test-vectors/validation-cosell.json";
import { RULE_TABLES } from "../../../plugins-ts/src/rulebook/rules";
import { checkRules } from "../../../plugins-ts/src/rulebook/validate";
import type { Referral } from "../../../plugins-ts/src/partner-center/referral";
import { AuditEntry, formatAuditLine } from "../../../plugins-ts/src/rulebook/audit";
import { toReferral } from "../../../plugins-ts/src/rulebook/mapping-outbound";
import { OpportunitySnapshot } from "../../../plugins-ts/src/rulebook/snapshot";
import { validate } from "../../../plugins-ts/src/rulebook/validate";
import { FlowRunnerHandle, startFlowRunner, workflowRow } from "../../../sandbox/flow-runner/src";
import { buttonTrigger, compose, configuredColumn, flowFile, respond, Steps } from "../builder";
import { anyRuleFailsExpression, eachKey, factsObject, failureMessagesObject, failuresTextFromObject, WdlSources } from "../../../plugins-ts/src/rulebook/wdl";
import { addReferralToCreate } from "../blocks/opportunity";
import { addRuleFailures } from "../blocks/outbound";
import { auditColumn, auditLine } from "../blocks/sync";
import { call, coalesce, ex, objectOf, outputs, prop } from "../wdl";
import { SOLUTION_TYPE_OPTIONS } from "../../../plugins-ts/src/model/schema";

const SOLUTION_TYPES = Object.fromEntries(SOLUTION_TYPE_OPTIONS.map((t) => [String(t.value), t.code]));
import { prependAudit } from "../../../plugins-ts/src/rulebook/audit";

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
/** The vector's configuration stands in for the environment variables' values, read as the flows read them. */
const configRefs = {
  dealValueField: configuredColumn("dealValueField", prop(S, "config", "dealValueField")),
  customerCountryCodeField: configuredColumn("customerCountryCodeField", prop(S, "config", "customerCountryCodeField")),
};
const contact = call("first", coalesce(prop(S, "contacts"), "json('[]')"));
const sources: WdlSources = {
  rows: { opportunity: prop(S, "opportunity"), account: prop(S, "account"), contact, currency: prop(S, "currency"), previous: objectOf([["pcs_referralvisibility", prop(S, "previous", "pcs_referralvisibility")]]) },
  lists: { solutions: coalesce(prop(S, "solutions"), "json('[]')"), contacts: iffContacts() },
  config: configRefs,
};
function iffContacts(): string {
  return `if(equals(${contact}, null), json('[]'), createArray(${contact}))`;
}

describe("validation (test-vectors/validation.json): the flows' messages are the rulebook's", () => {
  let flow: string;
  beforeAll(async () => {
    // As the flows do it: a Compose of facts, the one "any rule fails" condition, then the messages.
    const steps = new Steps();
    steps.add("Check", compose({ facts: Object.fromEntries(factsObject(sources).map(([k, e]) => [k, ex(e)])) }));
    const staged: WdlSources = { ...sources, facts: prop(outputs("Check"), "facts") };
    const failures = addRuleFailures(steps, staged);
    steps.add("Respond", respond({ failures: ex(failures), fails: ex(call("string", anyRuleFailsExpression(staged))) }, { failures: { title: "Failures", type: "string" }, fails: { title: "Fails", type: "string" } }));
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
    expect(out.fails).toBe(expected.length > 0 ? "True" : "False");
  });
});

describe("today's co-sell (validation-cosell.json): the flows' outbound and locks tables say the rulebook's messages", () => {
  const tables = { outbound: RULE_TABLES.outbound, locks: RULE_TABLES.locks };
  // A list fact (the solution types) two ways: as a Select's array, and as the rows' text (what flows 2, 7, 8 and 9 ship).
  const modes = ["select", "text"] as const;
  const flows: Record<string, string> = {};
  beforeAll(async () => {
    for (const [name, table] of Object.entries(tables)) for (const mode of modes) {
      const steps = new Steps();
      const solutions = coalesce(prop(S, "solutions"), "json('[]')");
      if (mode === "select") steps.add("Solution_types", { type: "Select", inputs: { from: ex(solutions), select: ex("item()?['pcs_solutiontype']") } });
      const list = mode === "select" ? { each: { [eachKey("solutions", "pcs_solutiontype")]: "body('Solution_types')" } } : { eachText: { [eachKey("solutions", "pcs_solutiontype")]: call("replace", call("string", solutions), "' '", "''") } };
      const src: WdlSources = { ...sources, rows: { ...sources.rows, previous: coalesce(prop(S, "previous"), "json('{}')") }, ...list, table };
      steps.add("Check", compose({ facts: Object.fromEntries(factsObject(src).map(([k, e]) => [k, ex(e)])) }));
      const staged: WdlSources = { ...src, facts: prop(outputs("Check"), "facts") };
      steps.add("Failures", compose(Object.fromEntries(failureMessagesObject(staged, " ").map(([id, e]) => [id, ex(e)]))));
      steps.add("Respond", respond({ failures: ex(call("trim", failuresTextFromObject(outputs("Failures"), table))), fails: ex(call("string", anyRuleFailsExpression(staged))) }, { failures: { title: "Failures", type: "string" }, fails: { title: "Fails", type: "string" } }));
      flows[`${name} ${mode}`] = await activate(steps, ["snapshot"]);
    }
  });

  // A flow reads every part of the snapshot, so only vectors whose parts are all known apply.
  const complete = cosellVectors.cases.filter((c) => !checkRules(RULE_TABLES.all, c.snapshot as unknown as OpportunitySnapshot).unchecked.length);
  it.each(complete.flatMap((c) => Object.keys(tables).flatMap((t) => modes.map((m) => [`${t} (${m}): ${c.name}`, t, m, c] as const))))("%s", async (_name, t, m, c) => {
    const snapshot = c.snapshot as unknown as OpportunitySnapshot;
    const expected = checkRules(tables[t as keyof typeof tables], snapshot).failures.map((f) => f.message);
    const out = await run(flows[`${t} ${m}`], { snapshot: JSON.stringify(snapshot) });
    expect(out.failures).toBe(expected.join(" "));
    expect(out.fails).toBe(expected.length > 0 ? "True" : "False");
  });
});

describe("outbound mapping (mapping-outbound.json)", () => {
  let fromSnapshot: string;
  beforeAll(async () => {
    const a = new Steps();
    // The flows read solution rows with their detail expanded, and turn them into Partner Center's shape with a Select.
    a.add("Solutions", { type: "Select", inputs: { from: ex(coalesce(prop(S, "solutions"), "json('[]')")), select: { type: "Name", id: ex("trim(coalesce(item()?['pcs_solutionid'], ''))"), name: ex("item()?['pcs_name']"), publisherName: ex("item()?['pcs_publishername']"), solutionType: ex(`json('${JSON.stringify(SOLUTION_TYPES)}')?[string(coalesce(item()?['pcs_solutiontype'], ''))]`) } } });
    const cosell = { partnerRole: prop(S, "partnerRole"), solutionArea: prop(S, "solutionArea"), solutionPlay: prop(S, "solutionPlay") };
    const referral = addReferralToCreate(a, { opportunity: prop(S, "opportunity"), account: prop(S, "account"), contact, currency: prop(S, "currency"), owner: prop(S, "owner"), ...cosell }, "body('Solutions')", configRefs);
    a.add("Respond", respond({ referral: ex(call("string", referral)) }, { referral: { title: "Referral", type: "string" } }));
    fromSnapshot = await activate(a, ["snapshot"]);
  });

  it.each(mappingVectors.cases.map((c) => [c.name, c] as const))("mapping: %s", async (_name, c) => {
    const snapshot = c.snapshot as unknown as OpportunitySnapshot;
    if (snapshot.account === undefined || snapshot.contacts === undefined || snapshot.solutions === undefined || snapshot.currency === undefined) return; // flows read every part
    const expected = toReferral(snapshot);
    const out = await run(fromSnapshot, { snapshot: JSON.stringify(snapshot) });
    const r = JSON.parse(out.referral as string) as Referral;
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
      target: r.target,
      consentToContact: r.consent?.consentToContact === true ? true : undefined,
      // the flow sends [] where the rulebook leaves the attributes out (a create without them is refused either way)
      attributes: r.details?.requirements?.additionalRequirements?.attributes?.length ? r.details.requirements.additionalRequirements.attributes : undefined,
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
      target: expected.target,
      consentToContact: expected.consent?.consentToContact,
      attributes: expected.details?.requirements?.additionalRequirements?.attributes,
    });
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

describe("the Audit column: the flows cap it as the rulebook does", () => {
  it("keeps the newest lines within the caps, oldest whole lines dropped first", async () => {
    const steps = new Steps();
    steps.add("Respond", respond({ column: ex(auditColumn("triggerBody()?['existing']", "triggerBody()?['line']")) }, { column: { title: "column", type: "string" } }));
    const flow = await activate(steps, ["existing", "line"]);
    const entry = (i: number, length: number): AuditEntry => ({ timestamp: "2026-11-22T10:15:03Z", direction: "CRM->PC", outcome: "Info", operation: "update", message: `${i} ${"x".repeat(length)}` });
    let existing = "";
    for (const [i, length] of [[1, 10], [2, 499], [3, 300], [4, 5]].concat(Array.from({ length: 60 }, (_, k) => [5 + k, (k * 37) % 480]))) {
      const line = formatAuditLine(entry(i, length));
      const out = await run(flow, { existing, line });
      const expected = prependAudit(existing, entry(i, length));
      expect(out.column).toBe(expected);
      existing = expected;
    }
    expect(existing.split("\n").length).toBeLessThanOrEqual(50);
  });
});
