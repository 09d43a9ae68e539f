/**
 * The sandbox killed with SIGKILL in the middle of writes (a real child process running npm start's
 * main, ../process.ts), then started again on the same state folder: every write either emulator
 * acknowledged is there, and the flow run the kill interrupted shows as Failed. Needs the built zip
 * (npm run build; npm test builds first).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { OPPORTUNITY, OPPORTUNITY_COSELL, PARTNER_CENTER_SOLUTION, SOLUTION_DETAIL } from "../../../../plugins-ts/src/model/schema";
import { startSandboxProcess, type SandboxProcess } from "../process";
import type { SandboxEndpoints } from "../endpoints";

jest.setTimeout(120_000);

const dirs: string[] = [];
const running: SandboxProcess[] = [];
afterAll(async () => {
  for (const p of running) await p.kill();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

async function start(stateDir: string): Promise<SandboxProcess> {
  const p = await startSandboxProcess({ stateDir, timeScale: 0.001 });
  running.push(p);
  return p;
}

/** One Web API or Partner Center call; resolves with the JSON answer, rejects on anything but 2xx or no answer. */
async function call(url: string, token: string, method: string, body?: unknown, headers: Record<string, string> = {}): Promise<any> {
  const res = await fetch(url, {
    method,
    headers: { Authorization: `Bearer ${token}`, Accept: "application/json", ...(body !== undefined ? { "Content-Type": "application/json" } : {}), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}
const dv = (e: SandboxEndpoints, method: string, p: string, body?: unknown) =>
  call(`${e.dataverse.webApiUrl}${p}`, e.dataverse.token, method, body, { Prefer: "return=representation" });
const pc = (e: SandboxEndpoints, method: string, p: string, body?: unknown) => call(`${e.partnerCenter.referralsBaseUrl}/v1.0/engagements/referrals${p}`, e.partnerCenter.token, method, body);
const control = (e: SandboxEndpoints, method: string, p: string, body?: unknown) =>
  fetch(`${e.partnerCenter.controlUrl}${p}`, { method, headers: { "Content-Type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });

const referralBody = (name: string) => ({
  name,
  type: "Independent",
  customerProfile: { name: "Kill Test Customer", address: { country: "US" } },
  consent: { consentToShareReferralWithMicrosoftSellers: false },
  details: { dealValue: 1000, currency: "USD", requirements: { additionalRequirements: { attributes: [{ type: "CustomerMarketplaceIntent", id: "HaveNotDecided" }] } } },
});

test("kill -9 during creates and updates on both emulators: every acknowledged write is there after the restart", async () => {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "pcs-kill-"));
  dirs.push(stateDir);
  const first = await start(stateDir);
  const e = first.endpoints;
  const account = (await dv(e, "GET", "accounts?$select=accountid&$top=1")).value[0].accountid as string;
  const referral = (await pc(e, "POST", "", referralBody("Patched while killed"))).id as string;
  // A create that Partner Center answers slowly keeps flow 8's run in progress when the kill comes.
  expect((await control(e, "POST", "/faults", { operation: "createReferral", delayMs: 60_000, count: 1000 })).status).toBe(201);
  const usd = (await dv(e, "GET", "transactioncurrencies?$select=transactioncurrencyid&$filter=isocurrencycode eq 'USD'")).value[0].transactioncurrencyid as string;
  const solution = (await dv(e, "GET", `${SOLUTION_DETAIL.entitySetName}?$select=${SOLUTION_DETAIL.primaryId}&$top=1`)).value[0][SOLUTION_DETAIL.primaryId] as string;
  const shared = (await dv(e, "POST", "opportunities", {
    name: "Being created when killed",
    estimatedvalue: 50000,
    estimatedclosedate: "2027-06-30",
    "customerid_account@odata.bind": `/accounts(${account})`,
    "transactioncurrencyid@odata.bind": `/transactioncurrencies(${usd})`,
    [OPPORTUNITY_COSELL.purchaseIntent]: 619300002, // Have not decided
  })).opportunityid as string;
  await dv(e, "POST", PARTNER_CENTER_SOLUTION.entitySetName, {
    [`${PARTNER_CENTER_SOLUTION.opportunityNavigation}@odata.bind`]: `/opportunities(${shared})`,
    [`${PARTNER_CENTER_SOLUTION.solutionDetailNavigation}@odata.bind`]: `/${SOLUTION_DETAIL.entitySetName}(${solution})`,
  });
  await dv(e, "PATCH", `opportunities(${shared})`, { [OPPORTUNITY.syncWithPartnerCenter]: true });
  const creating = async (): Promise<boolean> => {
    const res = (await (await fetch(`${e.flowRunner.url}/runs?status=Running`)).json()) as { value: Array<{ workflowName: string }> };
    return res.value.some((r) => r.workflowName === "Dynamics 365 Opportunity to Partner Center");
  };
  for (let i = 0; i < 500 && !(await creating()); i++) await new Promise((r) => setTimeout(r, 20));
  expect(await creating()).toBe(true);

  const acked = { contacts: [] as string[], opportunities: [] as string[], referrals: [] as string[], phone: 0, notes: 0 };
  let stop = false;
  let total = 0;
  const writer = async (write: () => Promise<void>) => {
    while (!stop) {
      try {
        await write();
        total++;
      } catch {
        return; // the kill: this write was never acknowledged
      }
    }
  };
  let n = 0;
  let phone = 0;
  let notes = 0;
  const writers = [
    writer(async () => {
      acked.contacts.push((await dv(e, "POST", "contacts", { lastname: `Killed ${n++}` })).contactid);
    }),
    writer(async () => {
      const v = ++phone;
      await dv(e, "PATCH", `accounts(${account})`, { telephone1: String(v) });
      acked.phone = v;
    }),
    writer(async () => {
      const o = await dv(e, "POST", "opportunities", {
        name: `Shared while killed ${n++}`,
        "customerid_account@odata.bind": `/accounts(${account})`,
        estimatedvalue: 1000,
        [OPPORTUNITY.syncWithPartnerCenter]: true,
      });
      acked.opportunities.push(o.opportunityid);
    }),
    writer(async () => {
      // shared by Microsoft (the control API: Partner Center's own write, not faulted)
      const res = await control(e, "POST", "/referrals", referralBody(`Created while killed ${n++}`));
      if (res.status !== 201) throw new Error(`share: ${res.status}`);
      acked.referrals.push(((await res.json()) as { id: string }).id);
    }),
    writer(async () => {
      const v = ++notes;
      await pc(e, "PATCH", `/${referral}`, [{ op: "replace", path: "/details/notes", value: String(v) }]);
      acked.notes = v;
    }),
  ];
  const killAt = 60 + Math.floor(Math.random() * 60);
  while (total < killAt) await new Promise((r) => setTimeout(r, 2));
  await first.kill();
  stop = true;
  await Promise.all(writers);

  const second = await start(stateDir);
  const e2 = second.endpoints;
  for (const id of acked.contacts) expect((await dv(e2, "GET", `contacts(${id})?$select=lastname`)).lastname).toMatch(/^Killed /);
  for (const id of acked.opportunities) expect((await dv(e2, "GET", `opportunities(${id})?$select=name`)).name).toMatch(/^Shared while killed/);
  // The update in flight when the kill came may or may not have been saved; an acknowledged one was.
  const savedPhone = Number((await dv(e2, "GET", `accounts(${account})?$select=telephone1`)).telephone1);
  expect(savedPhone).toBeGreaterThanOrEqual(acked.phone);
  expect(savedPhone).toBeLessThanOrEqual(phone);
  for (const id of acked.referrals) expect((await pc(e2, "GET", `/${id}`)).name).toMatch(/^Created while killed/);
  const savedNotes = Number((await pc(e2, "GET", `/${referral}`)).details.notes);
  expect(savedNotes).toBeGreaterThanOrEqual(acked.notes);
  expect(savedNotes).toBeLessThanOrEqual(notes);
  expect(acked.contacts.length + acked.opportunities.length + acked.referrals.length).toBeGreaterThan(10);

  // The run waiting on the slow create was in progress: it shows as Failed, interrupted, not resumed.
  const runs = (await (await fetch(`${e2.flowRunner.url}/runs?status=Failed`)).json()) as { value: Array<{ workflowName: string; error?: { code: string } }> };
  const interrupted = runs.value.filter((r) => r.error?.code === "RunInterrupted");
  expect(interrupted.map((r) => r.workflowName)).toContain("Dynamics 365 Opportunity to Partner Center");
  expect(second.output().join("\n")).toMatch(/in progress when the sandbox last stopped without closing/);

  // A clean stop leaves the state compacted into the snapshots, journals empty.
  await second.stop();
  expect(fs.statSync(path.join(stateDir, "dataverse.json.journal")).size).toBe(0);
  expect(fs.statSync(path.join(stateDir, "partner-center.json.journal")).size).toBe(0);
  for (const f of fs.readdirSync(stateDir)) expect([f, fs.statSync(path.join(stateDir, f)).mode & 0o077]).toEqual([f, 0]);
});
