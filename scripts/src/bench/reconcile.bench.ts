/**
 * What the hourly reconciliation (flow 11) costs, in Power Platform requests as Microsoft counts them:
 * a run with nothing to do, a run with 1,000 referrals changed in Partner Center while the webhook was
 * down (each brought in), and a run over the same 1,000 synced opportunities when they all agree.
 */
import { FLOWS } from "../../../flows/src/ids";
import { totalRequests } from "../../../sandbox/flow-runner/src/engine/requests";
import { startSandbox } from "../sandbox";
import type { BenchContext, BenchFigure } from "./types";

const REFERRALS = 1000;

export async function run(ctx: BenchContext): Promise<BenchFigure[]> {
  const sb = await startSandbox({ port: 0, stateDir: null, flowRunner: { maxRuns: 1_000_000, sleep: (ms: number) => new Promise((r) => setTimeout(r, ms / 100)) }, partnerCenter: { sleep: async () => undefined } });
  try {
    const control = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${sb.endpoints.partnerCenter.controlUrl}${path}`, { method, headers: { "Content-Type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
      return res.status === 204 ? undefined : res.json();
    };
    const pc = sb.partnerCenterClient();
    const reconcile = async (label: string) => {
      const before = sb.flowRunner.listRuns({ top: 1_000_000 }).length;
      const t0 = Date.now();
      const res = await fetch(`${sb.endpoints.flowRunner.url}/workflows/${FLOWS.recovery.id}/recurrence`, { method: "POST", headers: { "Content-Type": "application/json" } });
      if (!res.ok) throw new Error(`recurrence: ${res.status}`);
      await sb.waitForQuiet({ timeoutMs: 900_000 });
      const all = sb.flowRunner.listRuns({ top: 1_000_000 });
      const runs = all.slice(0, all.length - before);
      const requests = totalRequests(runs);
      ctx.log(`${label}: ${runs.length} runs, ${requests} requests, ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      return { runs: runs.length, requests };
    };
    await sb.waitForQuiet({ timeoutMs: 60_000 });
    await reconcile("first run (nothing in Partner Center yet)");
    const idle = await reconcile("idle");

    const registration = await pc.getWebhookRegistration();
    await pc.deleteWebhookRegistration();
    for (let i = 0; i < REFERRALS; i++) {
      await control("POST", "/referrals", {
        name: `Missed ${i}`,
        type: "Shared",
        qualification: "SalesQualified",
        status: "Active",
        substatus: "Accepted",
        customerProfile: { name: `Customer ${i}`, address: { city: "Seattle", postalCode: `98${String(i % 1000).padStart(3, "0")}`, country: "US" }, team: [{ firstName: "Ana", lastName: `Contact ${i}`, email: `c${i}@missed.example` }] },
        consent: { consentToShareReferralWithMicrosoftSellers: true },
        details: { dealValue: 1000 + i, currency: "USD", closingDateTime: "2027-02-28T00:00:00Z", notes: "", requirements: { solutions: [{ id: "SOL-12345-ABC" }] } },
        inviteContext: { assistanceRequestCode: "GeneralOrOther", invitedBy: { organizationId: "msft" } },
      });
    }
    await pc.registerWebhook({ WebhookUrl: registration!.WebhookUrl, WebhookEvents: registration!.WebhookEvents, SignatureTokenToMsSignatureHeader: true });
    const missed = await reconcile(`${REFERRALS} referrals missed`);
    await reconcile("the run after (our own write-backs listed once)");
    const agreeing = await reconcile(`${REFERRALS} synced opportunities that agree`);
    return [
      { name: "reconciliation run with nothing to do", value: idle.requests, unit: "count", note: `${idle.runs} run; ${idle.requests * 24} requests a day, hourly` },
      { name: `reconciliation run over ${REFERRALS} synced opportunities that agree`, value: agreeing.requests, unit: "count", note: "one Dataverse list and one Filter array compare them all; no request per record" },
      { name: `reconciliation run bringing in ${REFERRALS} referrals missed`, value: missed.requests / REFERRALS, unit: "count", note: `requests per referral (${missed.requests} in ${missed.runs} runs): the helper and the [Customize] flow for each` },
    ];
  } finally {
    await sb.close();
  }
}
