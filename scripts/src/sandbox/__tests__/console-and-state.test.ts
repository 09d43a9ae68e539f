/**
 * Issue 14: what `npm start` leaves on disk is readable by its owner only, and while it runs the
 * console says what happened: one line per sync run and per error (flow, record, outcome), with no
 * secret in it, and a line when run history starts dropping old runs.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { OPPORTUNITY } from "../../../../plugins-ts/src/model/schema";
import type { RunRecord } from "../../../../sandbox/flow-runner/src";
import type { Fixture } from "../../solution/__tests__/fixture";
import { errorLine, redact, runActivity, runLine, startSandbox, type Sandbox, type SandboxOptions } from "..";
import { fixtureWithFlows, IDS, MAIN_FLOWS, packFixture } from "./fixture";

jest.setTimeout(60_000);

const fast: Partial<SandboxOptions> = { flowRunner: { sleepScale: 0 }, partnerCenter: { sleep: async () => undefined } };
const mode = (p: string) => fs.statSync(p).mode & 0o777;

describe("npm start's state folder and console", () => {
  let fx: Fixture;
  let dir: string;
  let sb: Sandbox;
  const lines: string[] = [];

  beforeAll(async () => {
    fx = fixtureWithFlows(MAIN_FLOWS);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "pcs-sandbox-"));
    // a state file an older version left readable by everyone
    fs.writeFileSync(path.join(dir, "sandbox.json"), JSON.stringify({ signingKey: "k".repeat(43), createdAt: "2026-01-01T00:00:00Z" }), { mode: 0o644 });
    fs.chmodSync(path.join(dir, "sandbox.json"), 0o644);
    sb = await startSandbox({ ...fast, port: 0, stateDir: dir, solutionZip: packFixture(fx), maxRuns: 5, log: (l) => lines.push(l) });
  });
  afterAll(async () => {
    await sb?.close();
    fs.rmSync(dir, { recursive: true, force: true });
    fx?.cleanup();
  });

  it("prints a line per sync run naming flow, record and outcome; failed child runs too, with their history", async () => {
    const started = lines.length;
    const api = sb.dataverseClient();
    const opp = (await api.create({ collection: OPPORTUNITY.entitySetName, data: { name: "Console deal" }, returnRepresentation: true })) as { opportunityid: string };
    const shared = await fetch(`${sb.endpoints.partnerCenter.controlUrl}/referrals`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ name: "Shared by Microsoft" }) });
    const referral = ((await shared.json()) as { id: string }).id;
    // an event naming a referral that does not exist: the helper's read fails
    await fetch(sb.endpoints.webhookCallbackUrl!, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ EventName: "referral-updated", ResourceUri: `${sb.endpoints.partnerCenter.referralsBaseUrl}/engagements/v1/referrals/00000000-0000-4000-8000-00000000dead` }) });
    await sb.waitForQuiet();
    const printed = lines.slice(started);
    expect(printed).toContainEqual(expect.stringMatching(new RegExp(`✔ A Fixture parent · opportunity ${opp.opportunityid} · Succeeded in \\d+ ms$`)));
    expect(printed).toContainEqual(expect.stringMatching(new RegExp(`✔ Partner Center to Dynamics 365 · referral-created referral ${referral} · Succeeded`)));
    const failed = printed.find((l) => l.includes("Fixture event helper (child flow)"));
    expect(failed).toMatch(/✖ Fixture event helper \(child flow\) · .* · Failed: .*\(history: http:\/\/127\.0\.0\.1:\d+\/runs\/\w+\?format=text\)$/);
    expect(printed.some((l) => l.includes("Z Fixture child"))).toBe(false); // a child that succeeded is part of its parent's line
    for (const l of printed) {
      expect(l).not.toMatch(/sig=[^…]/);
      expect(l).not.toContain(sb.endpoints.dataverse.token);
      expect(l).not.toContain(sb.endpoints.partnerCenter.token);
    }
  });

  it("keeps the run history to --max-runs and says once that old runs are dropped", async () => {
    for (let i = 0; i < 4; i++) await fetch(sb.endpoints.webhookCallbackUrl!, { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" });
    await sb.waitForQuiet();
    expect(sb.flowRunner.listRuns().length).toBe(5);
    expect(lines.filter((l) => l.includes("run history holds the newest 5 runs"))).toHaveLength(1);
  });

  it("writes every state file for its owner only (0600, folder 0700), an older readable file included", async () => {
    await sb.close();
    expect(mode(dir)).toBe(0o700);
    for (const f of ["dataverse.json", "dataverse.json.journal", "partner-center.json", "partner-center.json.journal", "flow-runs.journal", "sandbox.json", "endpoints.json"]) expect([f, mode(path.join(dir, f))]).toEqual([f, 0o600]);
    // partner-center.json holds the webhook registration's callback URL, sig included (dataverse.json holds
    // the trigger subscriptions' while the sandbox runs; the runner removes them when it stops)
    expect(fs.readFileSync(path.join(dir, "partner-center.json"), "utf8").includes("sig=")).toBe(true);
  });
});

describe("console lines", () => {
  const run = (over: Partial<RunRecord>): RunRecord => ({
    id: "08584000000000000000000001CU00",
    workflowId: "w",
    workflowName: "Dynamics 365 Opportunity to Partner Center",
    status: "Succeeded",
    startTime: "2026-05-01T10:42:07.000Z",
    endTime: "2026-05-01T10:42:07.084Z",
    durationMs: 84,
    trigger: { name: "t", type: "OpenApiConnectionWebhook", status: "Succeeded", startTime: "", endTime: "", inputs: { parameters: { "subscriptionRequest/entityname": "opportunity" } }, outputs: { headers: {}, body: { ItemInternalId: "5f1c" } } },
    actions: {},
    correlationId: "c",
    ...over,
  });

  it("say flow, record and outcome, and cut out signatures and bearer tokens", () => {
    expect(runLine(run({}), "http://127.0.0.1:7103")).toBe("10:42:07 ✔ Dynamics 365 Opportunity to Partner Center · opportunity 5f1c · Succeeded in 84 ms");
    const failed = runLine(run({ status: "Failed", error: { code: "ActionFailed", message: "POST https://x/invoke?sig=SECRET&a=1 with Bearer eyJ.abc.def failed\n  at line 2" } }), "http://127.0.0.1:7103");
    expect(failed).toBe("10:42:07 ✖ Dynamics 365 Opportunity to Partner Center · opportunity 5f1c · Failed: ActionFailed: POST https://x/invoke?sig=…&a=1 with Bearer … failed at line 2 (history: http://127.0.0.1:7103/runs/08584000000000000000000001CU00?format=text)");
    expect(errorLine("Dataverse emulator", "internal error on POST accounts: TypeError: x\n    at a.js:1")).toMatch(/^\d\d:\d\d:\d\d ✖ Dataverse emulator: internal error on POST accounts: TypeError: x$/);
    expect(redact("notification 3 to http://127.0.0.1:7103/workflows/x/triggers/t/run?api-version=1&sig=abc failed")).toBe("notification 3 to http://127.0.0.1:7103/workflows/x/triggers/t/run?api-version=1&sig=… failed");
  });

  it("print succeeded child runs not at all and the history-full line once", () => {
    const out: string[] = [];
    const listen = runActivity((l) => out.push(l), () => "http://r", 2);
    listen(run({ parentRunId: "p" }));
    listen(run({}));
    listen(run({}));
    listen(run({}));
    expect(out.filter((l) => l.includes("✔"))).toHaveLength(3);
    expect(out.filter((l) => l.includes("run history holds the newest 2 runs"))).toHaveLength(1);
  });
});
