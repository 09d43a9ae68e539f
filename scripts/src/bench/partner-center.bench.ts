/**
 * Partner Center client and emulator figures: how many calls and how long it takes to read 1,000
 * referrals through the client (pages of 100), and how long a referral write takes to reach a
 * webhook receiver as a signed event, then to be verified.
 */
import { PartnerCenterClient } from "../../../plugins-ts/src/partner-center/client";
import { StaticTokenProvider } from "../../../plugins-ts/src/partner-center/tokens";
import { WebhookSignatureVerifier } from "../../../plugins-ts/src/partner-center/webhook-signature";
import { startPartnerCenterEmulator, startWebhookReceiver } from "../../../sandbox/partner-center/src";
import type { BenchContext, BenchFigure } from "./types";

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

export async function run(ctx: BenchContext): Promise<BenchFigure[]> {
  const emu = await startPartnerCenterEmulator();
  const receiver = await startWebhookReceiver();
  try {
    const control = (method: string, path: string, body?: unknown) =>
      fetch(`${emu.controlUrl}${path}`, { method, headers: { "Content-Type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) }).then((r) => r.json() as Promise<Record<string, any>>); // eslint-disable-line @typescript-eslint/no-explicit-any

    ctx.log("partner-center: seeding 1,000 referrals");
    await control("POST", "/referrals", Array.from({ length: 1000 }, (_, i) => ({ name: `Bench ${i}` })));
    const client = new PartnerCenterClient({ tokenProvider: new StaticTokenProvider(emu.token), referralsBaseUrl: emu.url, partnerCenterBaseUrl: emu.url });
    const before = (await control("GET", "/calls")).lastSeq as number;
    const started = performance.now();
    let n = 0;
    for await (const _ of client.listReferrals({ orderBy: "updatedDateTime asc" })) n++;
    const listMs = performance.now() - started;
    const listCalls = (await control("GET", `/calls?after=${before}`)).count as number;
    if (n !== 1000) throw new Error(`expected 1000 referrals, read ${n}`);

    ctx.log("partner-center: webhook latency over 50 writes");
    await client.registerWebhook({ WebhookUrl: receiver.url, WebhookEvents: ["referral-created", "referral-updated"] });
    const verifier = new WebhookSignatureVerifier({ trustedRoots: [emu.rootCertificatePem], allowedCertificateHosts: emu.allowedCertificateHosts, httpsCa: emu.rootCertificatePem });
    const latencies: number[] = [];
    const verifyTimes: number[] = [];
    const seeded = (await control("GET", "/referrals")).value as Array<{ id: string }>;
    for (let i = 0; i < 50; i++) {
      receiver.clear();
      const t0 = performance.now();
      await client.patchReferral(seeded[i]!.id, [{ op: "replace", path: "/details/notes", value: `bench ${i}` }]);
      const [req] = await receiver.waitFor(1);
      latencies.push(performance.now() - t0);
      const t1 = performance.now();
      const v = await verifier.verify({ headers: req!.headers, body: req!.body });
      verifyTimes.push(performance.now() - t1);
      if (!v.ok) throw new Error(`signature rejected: ${v.message}`);
    }
    return [
      { name: "Partner Center calls to read 1,000 referrals", value: listCalls, unit: "calls", budget: 10, note: "client.listReferrals following @odata.nextLink, pages of 100" },
      { name: "read 1,000 referrals through the client (emulator)", value: Math.round(listMs), unit: "ms" },
      { name: "referral write → signed webhook at the receiver, median of 50 (emulator)", value: Math.round(median(latencies) * 10) / 10, unit: "ms" },
      { name: "webhook signature verification, median of 50 (certificate cached)", value: Math.round(median(verifyTimes) * 100) / 100, unit: "ms" },
    ];
  } finally {
    await receiver.close();
    await emu.close();
  }
}
