/**
 * startSandbox on a fixture solution with small flows shaped like the product's (a child, a parent
 * with a Dataverse trigger, an HTTP-triggered receiver calling a helper, the manual registration
 * flow): every admin step is checked through the public surfaces (Web API, Partner Center API,
 * control APIs, the flow runner's routes), then a second start on the saved state, a newer build
 * and --reset.
 */
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { startDataverseEmulator } from "../../../../sandbox/dataverse/src";
import { CONNECTION_REFERENCES, OPPORTUNITY, SOLUTION, SOLUTION_DETAIL } from "../../../../plugins-ts/src/model/schema";
import type { Fixture } from "../../solution/__tests__/fixture";
import { connectionIdFor, REFERRAL_EVENTS, SEED_ACCOUNT, SEED_CONTACT, SEED_SOLUTIONS, startSandbox, type Sandbox, type SandboxOptions } from "..";
import { fixtureWithFlows, IDS, MAIN_FLOWS, packFixture, REFUSAL_FLOWS } from "./fixture";

jest.setTimeout(60_000);

const tmp: string[] = [];
const fixtures: Fixture[] = [];
const mkdir = (): string => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), "pcs-sandbox-"));
  tmp.push(d);
  return d;
};
afterAll(() => {
  for (const d of tmp) fs.rmSync(d, { recursive: true, force: true });
  for (const f of fixtures) f.cleanup();
});

const fast: Partial<SandboxOptions> = { flowRunner: { sleepScale: 0 }, partnerCenter: { sleep: async () => undefined } };

async function get(url: string, token?: string): Promise<{ status: number; body: any }> {
  const res = await fetch(url, { headers: { Accept: "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) } });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* text */
  }
  return { status: res.status, body };
}

const canListen = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const s = net.createServer();
    s.once("error", () => resolve(false));
    s.listen(port, "127.0.0.1", () => s.close(() => resolve(true)));
  });

describe("a first start on a fixture solution", () => {
  let fx: Fixture;
  let zip: Uint8Array;
  let dir: string;
  let sb: Sandbox;
  const lines: string[] = [];

  beforeAll(async () => {
    fx = fixtureWithFlows(MAIN_FLOWS);
    fixtures.push(fx);
    zip = packFixture(fx);
    dir = mkdir();
    sb = await startSandbox({ ...fast, port: 0, stateDir: dir, solutionZip: zip, log: (l) => lines.push(l) });
  });
  afterAll(async () => {
    await sb?.close();
  });

  it("imports the managed zip through the Web API", async () => {
    expect(sb.report.reusedState).toBe(false);
    expect(sb.report.solution).toMatchObject({ action: "imported", version: "1.0.0.0", managed: true });
    const api = sb.dataverseClient();
    const sols = await api.retrieveMultiple<{ uniquename: string; version: string; ismanaged: boolean }>({ collection: "solutions", select: ["uniquename", "version", "ismanaged"], filter: `uniquename eq '${SOLUTION.uniqueName}'` });
    expect(sols.value).toEqual([expect.objectContaining({ uniquename: SOLUTION.uniqueName, version: "1.0.0.0", ismanaged: true })]);
    expect(sb.dataverse.calls().some((c) => c.method === "POST" && c.path.endsWith("/ImportSolutionAsync") && c.status === 200)).toBe(true);
  });

  it("binds every connection reference to a flow-runner connection for its service", async () => {
    const refs = await sb.webApi.list<{ connectionreferencelogicalname: string; connectionid: string }>("connectionreferences?$select=connectionreferencelogicalname,connectionid");
    const shipped = Object.values(CONNECTION_REFERENCES).map((r) => r.logicalName).sort();
    expect(refs.map((r) => r.connectionreferencelogicalname).sort()).toEqual(shipped);
    for (const r of refs) expect(r.connectionid).toBe(connectionIdFor(r.connectionreferencelogicalname));
    const conns = (await get(`${sb.endpoints.flowRunner.url}/connections`)).body.value as Array<{ id: string; properties: { apiName: string; parameters: Record<string, string> } }>;
    const params = (logical: string) => conns.find((c) => c.id === connectionIdFor(logical))!.properties;
    expect(params(CONNECTION_REFERENCES.dataverse.logicalName)).toMatchObject({ apiName: "shared_commondataserviceforapps", parameters: { environmentUrl: sb.endpoints.dataverse.url, token: "(hidden)" } });
    expect(params(CONNECTION_REFERENCES.partnerCenterReferrals.logicalName)).toMatchObject({ apiName: "shared_partnercenterref", parameters: { baseUrl: sb.endpoints.partnerCenter.referralsBaseUrl } });
    expect(params(CONNECTION_REFERENCES.partnerCenterEvents.logicalName)).toMatchObject({ apiName: "shared_partnercenterevents", parameters: { baseUrl: sb.endpoints.partnerCenter.webhooksBaseUrl } });
    expect(sb.report.connections.every((c) => c.status === "bound")).toBe(true);
  });

  it("turns every flow on, each child before the flows that call it, through the Web API", async () => {
    const order = sb.report.flows.map((f) => f.id);
    expect(sb.report.flows.map((f) => [f.name, f.status])).toEqual(expect.arrayContaining(MAIN_FLOWS.map((f) => [f.name, "on"])));
    expect(order).toHaveLength(MAIN_FLOWS.length);
    expect(order.indexOf(IDS.child)).toBeLessThan(order.indexOf(IDS.parent));
    expect(order.indexOf(IDS.helper)).toBeLessThan(order.indexOf(IDS.receiver));
    // the order the Web API saw: one PATCH per flow, children first
    const patches = sb.dataverse
      .calls()
      .filter((c) => c.method === "PATCH" && /\/workflows\(/.test(c.path))
      .map((c) => /workflows\(([^)]+)\)/.exec(c.path)![1]);
    expect(patches).toEqual(order);
    const rows = await sb.webApi.list<{ workflowid: string; statecode: number; statuscode: number }>("workflows?$select=workflowid,statecode,statuscode&$filter=category eq 5");
    expect(rows).toHaveLength(MAIN_FLOWS.length);
    for (const r of rows) expect([r.statecode, r.statuscode]).toEqual([1, 2]);
    const active = (await get(`${sb.endpoints.flowRunner.url}/workflows`)).body.value as Array<{ id: string }>;
    expect(active.map((a) => a.id).sort()).toEqual(MAIN_FLOWS.map((f) => f.id).sort());
    const regs = await sb.webApi.list<{ name: string; entityname: string }>("callbackregistrations?$select=name,entityname");
    expect(regs).toEqual([expect.objectContaining({ entityname: "opportunity", name: expect.stringContaining(IDS.parent) })]);
  });

  it("registers the webhook by running the registration flow with the receiver's callback URL", async () => {
    const receiver = (await get(`${sb.endpoints.flowRunner.url}/workflows/${IDS.receiver}`)).body as { trigger: { callbackUrl: string } };
    expect(receiver.trigger.callbackUrl).toMatch(/\/workflows\/.+\/triggers\/manual\/paths\/invoke\?.*sig=/);
    expect(sb.report.webhook).toMatchObject({ status: "registered", callbackUrl: receiver.trigger.callbackUrl });
    const runs = sb.flowRunner.listRuns({ workflowId: IDS.registration });
    expect(runs.map((r) => r.status)).toEqual(["Succeeded"]);
    expect(runs[0].trigger.outputs).toMatchObject({ body: { text: receiver.trigger.callbackUrl, text_1: REFERRAL_EVENTS.join(","), text_2: "Yes" } });
    const registration = await sb.partnerCenterClient().getWebhookRegistration();
    expect(registration).toMatchObject({ WebhookUrl: receiver.trigger.callbackUrl });
    expect([...(registration!.WebhookEvents ?? [])].sort()).toEqual([...REFERRAL_EVENTS].sort());
    expect(sb.endpoints.webhookCallbackUrl).toBe(receiver.trigger.callbackUrl);
  });

  it("seeds a catalogue of solutions, an account with a two-letter country and a contact", async () => {
    const api = sb.dataverseClient();
    const sols = await api.retrieveMultiple<Record<string, unknown>>({ collection: SOLUTION_DETAIL.entitySetName, select: [SOLUTION_DETAIL.solutionId, SOLUTION_DETAIL.name, SOLUTION_DETAIL.publisherName, SOLUTION_DETAIL.solutionType], orderBy: [SOLUTION_DETAIL.solutionId] });
    expect(sols.value.map((s) => [s[SOLUTION_DETAIL.solutionId], s[SOLUTION_DETAIL.name], s[SOLUTION_DETAIL.publisherName], s[SOLUTION_DETAIL.solutionType]])).toEqual(SEED_SOLUTIONS.map((s) => [s.id, s.name, s.publisher, s.type]));
    for (const s of SEED_SOLUTIONS) expect(s.id).toMatch(/^SOL-\d{5}-[A-Z]{3}$/);
    const accounts = await api.retrieveMultiple<{ accountid: string; name: string; address1_country: string }>({ collection: "accounts", select: ["accountid", "name", "address1_country"] });
    expect(accounts.value).toEqual([expect.objectContaining({ name: SEED_ACCOUNT.name, address1_country: "US" })]);
    const contacts = await api.retrieveMultiple<Record<string, unknown>>({ collection: "contacts", select: ["fullname", "emailaddress1", "_parentcustomerid_value"] });
    expect(contacts.value).toEqual([expect.objectContaining({ fullname: `${SEED_CONTACT.firstname} ${SEED_CONTACT.lastname}`, emailaddress1: SEED_CONTACT.emailaddress1, _parentcustomerid_value: accounts.value[0].accountid })]);
  });

  it("writes endpoints.json whose URLs and tokens work, and prints the same", async () => {
    const e = JSON.parse(fs.readFileSync(path.join(dir, "endpoints.json"), "utf8"));
    expect(e).toEqual(JSON.parse(JSON.stringify(sb.endpoints)));
    expect((await get(`${e.dataverse.webApiUrl}WhoAmI`, e.dataverse.token)).body).toMatchObject({ UserId: expect.any(String) });
    expect((await get(`${e.dataverse.webApiUrl}WhoAmI`)).status).toBe(401);
    expect((await get(`${e.partnerCenter.referralsBaseUrl}/v1.0/engagements/referrals`, e.partnerCenter.token)).status).toBe(200);
    expect((await get(`${e.partnerCenter.webhooksBaseUrl}/webhooks/v1/registration`, e.partnerCenter.token)).body).toMatchObject({ WebhookUrl: e.webhookCallbackUrl });
    expect((await get(`${e.dataverse.controlUrl}/state`)).status).toBe(200);
    expect((await get(e.partnerCenter.controlUrl)).status).toBe(200);
    expect((await get(e.flowRunner.runsUrl)).status).toBe(200);
    expect(e.pid).toBe(process.pid);
    const printed = lines.join("\n");
    for (const url of [e.dataverse.webApiUrl, e.dataverse.controlUrl, e.dataverse.token, e.partnerCenter.referralsBaseUrl, e.partnerCenter.controlUrl, e.partnerCenter.token, e.flowRunner.url]) expect(printed).toContain(url);
    expect(printed).not.toContain(e.webhookCallbackUrl); // its sig is shortened on the console
    expect(printed).toContain("sig=…");
  });

  it("leaves the flows working: an opportunity runs parent and child, a shared referral reaches the receiver", async () => {
    const api = sb.dataverseClient();
    const opp = (await api.create({ collection: OPPORTUNITY.entitySetName, data: { name: "Contoso sandbox deal" }, returnRepresentation: true })) as { opportunityid: string };
    const shared = await fetch(`${sb.endpoints.partnerCenter.controlUrl}/referrals`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ name: "Shared by Microsoft" }) });
    expect(shared.status).toBe(201);
    await sb.waitForQuiet();
    const [parentRun] = sb.flowRunner.listRuns({ workflowId: IDS.parent });
    expect(parentRun.status).toBe("Succeeded");
    expect(sb.flowRunner.listRuns({ workflowId: IDS.child }).map((r) => r.status)).toEqual(["Succeeded"]);
    const after = await api.retrieve<{ description: string }>({ collection: OPPORTUNITY.entitySetName, key: opp.opportunityid, select: ["description"] });
    expect(after.description).toBe("Checked by the child: Contoso sandbox deal");
    expect(sb.flowRunner.listRuns({ workflowId: IDS.receiver }).map((r) => r.status)).toEqual(["Succeeded"]);
    const helper = sb.flowRunner.listRuns({ workflowId: IDS.helper });
    expect(helper.map((r) => r.status)).toEqual(["Succeeded"]);
    expect(helper[0].response?.body).toEqual({ name: "Shared by Microsoft" });
    const deliveries = (await get(`${sb.endpoints.partnerCenter.controlUrl}/deliveries`)).body as { value: Array<{ eventName: string; state: string }> };
    expect(deliveries.value.map((d) => [d.eventName, d.state])).toEqual([["referral-created", "delivered"]]);
  });

  it("close() stops everything, frees every port and saves the state", async () => {
    const ports = Object.values(sb.ports);
    expect(new Set(ports).size).toBe(5); // Dataverse, Partner Center, its certificates, the flow runner, the web page
    await sb.close();
    for (const p of ports) expect(await canListen(p)).toBe(true);
    expect(fs.existsSync(path.join(dir, "dataverse.json"))).toBe(true);
    expect(fs.existsSync(path.join(dir, "partner-center.json"))).toBe(true);
    expect(fs.existsSync(path.join(dir, "sandbox.lock"))).toBe(false);
    await sb.close(); // twice is harmless
  });

  describe("then, on the saved state", () => {
    beforeAll(() => sb.close()); // (the close test does it too; this keeps a filtered run honest)

    it("a second start re-imports nothing, re-seeds nothing, removes the old runner's subscriptions and turns the flows on again", async () => {
      // a subscription the previous runner would have left behind had it not closed cleanly
      const dv = await startDataverseEmulator({ port: 0, dataFile: path.join(dir, "dataverse.json") });
      const r = await fetch(`${dv.apiUrl}callbackregistrations`, {
        method: "POST",
        headers: { Authorization: `Bearer ${dv.token}`, "Content-Type": "application/json" },
        body: JSON.stringify({ name: `A Fixture parent (${IDS.parent})`, entityname: "opportunity", message: 1, scope: 4, url: "http://127.0.0.1:9/gone" }),
      });
      expect(r.status).toBeLessThan(300);
      await dv.close();

      const again = await startSandbox({ ...fast, port: 0, stateDir: dir, solutionZip: zip });
      try {
        expect(again.report.reusedState).toBe(true);
        expect(again.report.solution).toMatchObject({ action: "kept", previousVersion: "1.0.0.0" });
        expect(again.report.seed).toMatchObject({ solutions: { created: [], existing: SEED_SOLUTIONS.map((s) => s.id) }, account: { created: false }, contact: { created: false } });
        expect(again.report.connections.map((c) => c.status)).toEqual(Object.values(CONNECTION_REFERENCES).map(() => "already bound"));
        expect(again.report.flows.every((f) => f.status === "on")).toBe(true);
        expect(again.report.webhook.status).toBe("registered");
        const regs = await again.webApi.list<{ name: string }>("callbackregistrations?$select=name");
        expect(regs).toHaveLength(1);
        const api = again.dataverseClient();
        expect((await api.retrieveMultiple({ collection: "accounts", select: ["name"] })).value).toHaveLength(1);
        expect((await api.retrieveMultiple({ collection: SOLUTION_DETAIL.entitySetName, select: [SOLUTION_DETAIL.solutionId] })).value).toHaveLength(SEED_SOLUTIONS.length);
        // the rows of the first session are still there, and the flows run in the new runner
        const opps = await api.retrieveMultiple<{ name: string }>({ collection: OPPORTUNITY.entitySetName, select: ["name"] });
        expect(opps.value.map((o) => o.name)).toEqual(["Contoso sandbox deal"]);
        await api.create({ collection: OPPORTUNITY.entitySetName, data: { name: "Second session deal" } });
        await again.waitForQuiet();
        expect(again.flowRunner.listRuns({ workflowId: IDS.parent }).map((x) => x.status)).toEqual(["Succeeded"]);
      } finally {
        await again.close();
      }
    });

    it("a newer build is imported over the saved state; an older one is not", async () => {
      const newer = await startSandbox({ ...fast, port: 0, stateDir: dir, solutionZip: packFixture(fx, "1.0.0.1") });
      await newer.close();
      expect(newer.report.solution).toMatchObject({ action: "upgraded", previousVersion: "1.0.0.0", version: "1.0.0.1" });
      const older = await startSandbox({ ...fast, port: 0, stateDir: dir, solutionZip: zip });
      await older.close();
      expect(older.report.solution).toMatchObject({ action: "kept", previousVersion: "1.0.0.1", version: "1.0.0.0" });
      expect(older.report.solution.message).toContain("--reset");
    });

    it("reset: true starts from a fresh environment", async () => {
      const fresh = await startSandbox({ ...fast, port: 0, stateDir: dir, solutionZip: zip, reset: true });
      try {
        expect(fresh.report.reusedState).toBe(false);
        expect(fresh.report.solution).toMatchObject({ action: "imported", version: "1.0.0.0" });
        expect((await fresh.dataverseClient().retrieveMultiple({ collection: OPPORTUNITY.entitySetName, select: ["name"] })).value).toEqual([]);
        expect((await get(`${fresh.endpoints.partnerCenter.controlUrl}/referrals`)).body).toMatchObject({ count: 0 });
      } finally {
        await fresh.close();
      }
    });
  });
});

describe("flows that cannot be turned on, and the flows the webhook needs missing", () => {
  it("reports the runner's refusal, skips the flows above it and still starts", async () => {
    const fx = fixtureWithFlows(REFUSAL_FLOWS);
    fixtures.push(fx);
    const lines: string[] = [];
    const sb = await startSandbox({ ...fast, port: 0, stateDir: null, solutionZip: packFixture(fx), log: (l) => lines.push(l) });
    try {
      expect(sb.report.flows.map((f) => [f.name, f.status])).toEqual([
        ["Fixture no-response child", "on"],
        ["Fixture middle child", "refused"],
        ["Fixture top parent", "skipped"],
      ]);
      const [, refused, skipped] = sb.report.flows;
      expect(refused.message).toContain("while trying to activate the flow 'Fixture middle child'");
      expect(refused.message).toContain("has no 'Respond to a PowerApp or flow' (Response) action");
      expect(skipped.message).toBe("not turned on: it calls 'Fixture middle child', which is not on");
      expect(sb.report.webhook).toEqual({ status: "not registered", message: 'webhook not registered: the solution has no flow "Partner Center to Dynamics 365" and no flow "Partner Center Webhook Registration" yet' });
      const printed = lines.join("\n");
      expect(printed).toContain("✖ Fixture middle child: refused: Flow client error");
      expect(printed).toContain("Webhook: webhook not registered: the solution has no flow");
      const states = await sb.webApi.list<{ name: string; statecode: number }>("workflows?$select=name,statecode&$filter=category eq 5&$orderby=name");
      expect(states.map((s) => [s.name, s.statecode])).toEqual([
        ["Fixture middle child", 0],
        ["Fixture no-response child", 1],
        ["Fixture top parent", 0],
      ]);
    } finally {
      await sb.close();
    }
  });
});

describe("saved state that cannot be used", () => {
  it("names the file and --reset, and leaves nothing running or locked", async () => {
    const fx = fixtureWithFlows([]);
    fixtures.push(fx);
    const dir = mkdir();
    fs.writeFileSync(path.join(dir, "dataverse.json"), "{not json");
    await expect(startSandbox({ ...fast, port: 0, stateDir: dir, solutionZip: packFixture(fx) })).rejects.toThrow(/^The saved state .*dataverse\.json cannot be used: .*JSON.*Start with --reset to begin from a fresh environment\.$/);
    expect(fs.existsSync(path.join(dir, "sandbox.lock"))).toBe(false);
    const sb = await startSandbox({ ...fast, port: 0, stateDir: dir, solutionZip: packFixture(fx), reset: true });
    await sb.close();
    expect(sb.report).toMatchObject({ reusedState: false, solution: { action: "imported" }, flows: [] });
  });
});
