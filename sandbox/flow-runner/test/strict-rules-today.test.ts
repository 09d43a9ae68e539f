/**
 * The flows as they were on main before issue 11 (test/fixtures/flows-before-issue-11.json.gz: the
 * eleven generated flows/*.json of main at 1bf5bdf, gzipped), run through the strict runner: each
 * defect issue 11 lists under "Why" is caught. Where a defect sits in one action or trigger of a flow
 * that cannot be turned on for other reasons, that action or trigger is run verbatim in a minimal
 * flow (said at each test).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { startPartnerCenterEmulator, type PartnerCenterEmulator } from "../../partner-center/src";
import { startFlowRunner, type FlowRunnerHandle } from "../src";
import { lintFlow, type LintProblem } from "../src/lint/lint";
import { waitingRunCap } from "../src/lint/limits";
import { ActionDefinition, FlowFile, TriggerDefinition } from "../src/engine/types";
import { FlowServiceError, type StartedRun } from "../src/service/runner";
import { expectActionStatus, workflowRow } from "../src/testing";
import { walkActions } from "../src/lint/walk";
import { activate, BUTTON_TRIGGER, flowFile, makeRunner, runOnce } from "./helpers";

const fixture = JSON.parse(gunzipSync(readFileSync(join(__dirname, "fixtures", "flows-before-issue-11.json.gz"))).toString("utf8")) as { files: Record<string, FlowFile> };

/** The shipped flows by number (the last digits of their workflow ids, docs/flows.md). */
function flowNo(n: number): FlowFile {
  const suffix = `-6B2F0A10-5C1E-4D7A-9A01-${n.toString(16).toUpperCase().padStart(12, "0")}.json`;
  const name = Object.keys(fixture.files).find((f) => f.endsWith(suffix));
  if (!name) throw new Error(`flow ${n} is not in the fixture`);
  return fixture.files[name];
}
const FLOWS = Array.from({ length: 11 }, (_, i) => i + 1);

const errorsOf = (n: number, code: string): LintProblem[] => lintFlow(flowNo(n)).filter((p) => p.severity === "error" && p.code === code);
/** The action name a lint path points into (the last segment before .inputs / .expression / .foreach). */
const actionAt = (path: string) => /\.([^.]+)\.(?:inputs|expression|foreach)(?:\.|\[|$)/.exec(path)?.[1];

function findAction(f: FlowFile, name: string): ActionDefinition {
  let found: ActionDefinition | undefined;
  walkActions(f.properties.definition.actions, "actions", (a) => {
    if (a.name === name) found = a.def;
  });
  if (!found) throw new Error(`no action ${name}`);
  return found;
}

it("the fixture holds the eleven flows", () => {
  expect(Object.keys(fixture.files)).toHaveLength(11);
});

describe("expressions over Power Automate's 8,192 characters", () => {
  it("names each one (flows 2 and 7: Validation_failures, Record_failure_item, Record_invalid_item; flow 3: Opportunity_columns), and those flows cannot be turned on", async () => {
    const found = FLOWS.flatMap((n) => errorsOf(n, "expression-too-long").map((p) => `${n} ${actionAt(p.path)} ${/has ([\d,]+) characters/.exec(p.message)![1]}`));
    expect(found.sort()).toEqual(
      [
        "2 Validation_failures 24,379",
        "2 Record_failure_item 11,023",
        "2 Record_invalid_item 11,023",
        "7 Validation_failures 24,379",
        "7 Record_failure_item 11,023",
        "7 Record_invalid_item 11,023",
        "3 Opportunity_columns 31,160",
      ].sort(),
    );
    for (const n of [2, 3, 7]) {
      const { runner } = makeRunner();
      await expect(runner.activate(`00000000-0000-4000-8000-00000000000${n}`, workflowRow(`00000000-0000-4000-8000-00000000000${n}`, `flow ${n}`, flowNo(n)))).rejects.toMatchObject({
        code: "InvalidTemplate",
        message: expect.stringContaining("[expression-too-long]"),
      });
    }
  });
});

describe("the receiver's HTTP trigger has no triggerAuthenticationType", () => {
  let pc: PartnerCenterEmulator;
  let fr: FlowRunnerHandle;
  beforeAll(async () => {
    pc = await startPartnerCenterEmulator({ port: 0, delivery: { maxAttempts: 2, retryDelayMs: () => 1 } });
    fr = await startFlowRunner({ sleepScale: 0 });
  });
  afterAll(async () => {
    await fr.close();
    await pc.close();
  });

  it("so it is tenant-only, and a Partner Center event delivery (no tenant token) is refused: no run", async () => {
    const receiver = flowNo(6);
    const trigger = receiver.properties.definition.triggers.manual;
    expect(trigger).toMatchObject({ type: "Request", kind: "Http" });
    expect(trigger.inputs?.triggerAuthenticationType).toBeUndefined();
    // the shipped trigger verbatim; its actions call child flows that cannot be turned on (above), so a stand-in answers
    const id = "6b2f0a10-5c1e-4d7a-9a01-000000000006";
    const standIn = flowFile({ Acknowledge: { type: "Response", kind: "Http", inputs: { statusCode: 200 } } }, { trigger });
    const flow = await fr.runner.activate(id, workflowRow(id, "Partner Center to Dynamics 365", standIn));
    const register = await fetch(`${pc.partnerCenterBaseUrl}/webhooks/v1/registration`, {
      method: "POST",
      headers: { Authorization: `Bearer ${pc.token}`, "Content-Type": "application/json" },
      body: JSON.stringify({ WebhookUrl: flow.callbackUrl, WebhookEvents: ["referral-created"], SignatureTokenToMsSignatureHeader: true }),
    });
    expect(register.status).toBe(200);
    await fetch(`${pc.controlUrl}/referrals`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ name: "Shared by Microsoft" }) });
    await pc.idle();
    const deliveries = (await (await fetch(`${pc.controlUrl}/deliveries`)).json()) as { value: Array<{ state: string; attempts: Array<{ status: number; responseText?: string }> }> };
    expect(deliveries.value).toHaveLength(1);
    expect(deliveries.value[0].state).toBe("failed");
    expect(deliveries.value[0].attempts.map((a) => a.status)).toEqual([401, 401]);
    expect(deliveries.value[0].attempts[0].responseText).toContain("DirectApiAuthorizationRequired");
    expect(fr.listRuns({ workflowId: id })).toEqual([]);
  });
});

describe("Partner Center reached through HTTP with Microsoft Entra ID (preauthorized)", () => {
  it("flows 1, 7 and 10 call Partner Center through shared_webcontents", () => {
    const users = FLOWS.filter((n) => Object.values(flowNo(n).properties.connectionReferences ?? {}).some((r) => r.api?.name === "shared_webcontents"));
    expect(users).toEqual([1, 7, 10]);
  });

  it("flow 1's read of the registration, verbatim, fails (403 Authorization_RequestDenied) and reaches nothing", async () => {
    const pc = await startPartnerCenterEmulator({ port: 0 });
    try {
      const { runner } = makeRunner();
      const conn = runner.createConnection({ apiName: "shared_webcontents", parameters: { baseResourceUrl: pc.url, resourceUri: "https://api.partnercenter.microsoft.com", token: pc.token } }).id;
      const read = findAction(flowNo(1), "Get_the_current_registration");
      const id = await activate(runner, flowFile({ Get_the_current_registration: { ...read, runAfter: {} } }, { connectionReferences: { [(read.inputs as { host: { connectionName: string } }).host.connectionName]: { connection: { name: conn }, api: { name: "shared_webcontents" } } } }));
      const before = ((await (await fetch(`${pc.controlUrl}/calls`)).json()) as { lastSeq: number }).lastSeq;
      const { run } = await runOnce(runner, id);
      const a = expectActionStatus(run, "Get_the_current_registration", "Failed");
      expect(a.outputs).toMatchObject({ statusCode: 403, body: { error: { code: "Authorization_RequestDenied" } } });
      expect(((await (await fetch(`${pc.controlUrl}/calls?after=${before}`)).json()) as { value: unknown[] }).value).toEqual([]);
    } finally {
      await pc.close();
    }
  });
});

describe("request/body is typed string", () => {
  it("flow 1 passes objects (refused at lint); flow 7's patch passes an array an expression builds (refused at run time)", async () => {
    expect(errorsOf(1, "webcontents-body-not-string").map((p) => actionAt(p.path)).sort()).toEqual(["Register", "Update_the_registration"]);
    const { runner } = makeRunner();
    const conn = runner.createConnection({ apiName: "shared_webcontents", parameters: { baseResourceUrl: "http://127.0.0.1:9", resourceUri: "https://api.partner.microsoft.com", token: "t" } }).id;
    const patch = findAction(flowNo(7), "Patch_referral");
    expect((patch.inputs as { parameters: Record<string, unknown> }).parameters["request/body"]).toBe("@outputs('Patch_operations')");
    // stand-ins for the two actions it reads; the patch itself verbatim
    const id = await activate(
      runner,
      flowFile(
        {
          Get_opportunity: { type: "Compose", inputs: { pcs_referralidentifier: "R-1", pcs_referraletag: '"e1"' } },
          Patch_operations: { type: "Compose", inputs: [{ op: "replace", path: "/details/notes", value: "n" }], runAfter: { Get_opportunity: ["Succeeded"] } },
          Patch_referral: { ...patch, runAfter: { Patch_operations: ["Succeeded"] } },
        },
        { connectionReferences: { [(patch.inputs as { host: { connectionName: string } }).host.connectionName]: { connection: { name: conn }, api: { name: "shared_webcontents" } } } },
      ),
    );
    const { run } = await runOnce(runner, id);
    expect(expectActionStatus(run, "Patch_referral", "Failed").error).toMatchObject({ code: "OpenApiOperationParameterValidationFailed", message: expect.stringContaining("'request/body' is typed string; it is an array") });
  });
});

describe("five triggers with concurrency runs: 1", () => {
  it("flows 4, 6, 8, 9 and 10: at most 11 waiting runs, so a burst of 13 firings loses one", async () => {
    const limited = FLOWS.filter((n) => Object.values(flowNo(n).properties.definition.triggers)[0].runtimeConfiguration?.concurrency?.runs !== undefined);
    expect(limited).toEqual([4, 6, 8, 9, 10]);
    for (const n of limited) {
      const shipped = Object.values(flowNo(n).properties.definition.triggers)[0];
      const c = shipped.runtimeConfiguration!.concurrency!;
      expect(c).toEqual({ runs: 1 });
      expect(waitingRunCap(c.runs!, c.maximumWaitingRuns)).toBe(11);
      // the trigger's concurrency verbatim on a stand-in (the Dataverse burst itself: concurrency.test.ts)
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      const { runner } = makeRunner({ sleep: () => held });
      const trigger: TriggerDefinition = { ...BUTTON_TRIGGER, runtimeConfiguration: shipped.runtimeConfiguration };
      const id = await activate(runner, flowFile({ Busy: { type: "Wait", inputs: { interval: { count: 1, unit: "Minute" } } } }, { trigger }));
      const started: StartedRun[] = [];
      const rejected: FlowServiceError[] = [];
      for (let i = 0; i < 13; i++) await runner.runManual(id, {}).then((s) => started.push(s), (e) => rejected.push(e));
      release();
      await Promise.all(started.map((s) => s.done));
      expect([n, started.length, rejected.map((e) => e.status)]).toEqual([n, 12, [429]]);
    }
  });
});

describe("Dataverse writes in shapes no real export uses", () => {
  it("whole-row 'item' objects (22) and Row IDs in alternate-key syntax (3)", () => {
    const items = FLOWS.flatMap((n) => errorsOf(n, "dataverse-item-object").map((p) => `${n} ${actionAt(p.path)}`));
    expect(items).toHaveLength(22);
    expect(items).toEqual(expect.arrayContaining(["2 Record_referral", "3 Create_or_update_opportunity", "3 Create_or_update_lead", "7 Record_sync", "4 Record_the_lead_sync"]));
    const rowIds = FLOWS.flatMap((n) => errorsOf(n, "dataverse-row-id").map((p) => `${n} ${actionAt(p.path)}`));
    expect(rowIds.sort()).toEqual(["3 Create_or_update_catalogue_row", "3 Create_or_update_lead", "3 Create_or_update_opportunity"]);
  });
});
