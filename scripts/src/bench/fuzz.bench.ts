/**
 * The emulators' fuzz tests (sandbox/shared/src/fuzz.ts), run longer: 5,000 random and mutated
 * requests each (or 120 s), seed 14 unless $FUZZ_SEED says otherwise. Figures: requests tried,
 * distinct error codes answered, 5xx answers (budget 0) and other failures: no answer, unresponsive
 * afterwards, something stored from a refused request (budget 0).
 */
import { describeFailures, fuzz, type FuzzReport, type FuzzTarget } from "../../../sandbox/shared/src/fuzz";
import { startDataverseEmulator } from "../../../sandbox/dataverse/src";
import { dataverseFuzzTarget } from "../../../sandbox/dataverse/src/fuzz-corpus";
import { startPartnerCenterEmulator } from "../../../sandbox/partner-center/src";
import { partnerCenterFuzzTarget } from "../../../sandbox/partner-center/src/fuzz-corpus";
import type { BenchContext, BenchFigure } from "./types";

const COUNT = 5000;
const TIME_MS = 120_000;

function figures(name: string, r: FuzzReport): BenchFigure[] {
  const other = r.failures.filter((f) => f.kind !== "5xx").length;
  return [
    { name: `${name} fuzz: requests tried (seed ${r.seed})`, value: r.tried, unit: "count", note: `${Math.round(r.elapsedMs / 100) / 10} s; answers ${Object.entries(r.statuses).map(([s, n]) => `${s}×${n}`).join(" ")}` },
    { name: `${name} fuzz: distinct error codes answered`, value: r.errorCodes.length, unit: "count", note: r.errorCodes.join(" ") },
    { name: `${name} fuzz: 5xx answers`, value: r.serverErrors, unit: "count", budget: 0 },
    { name: `${name} fuzz: crashes, no answers, stored from refused requests`, value: other, unit: "count", budget: 0 },
  ];
}

async function one(ctx: BenchContext, name: string, target: () => Promise<{ target: FuzzTarget; close: () => Promise<void> }>, seed: number): Promise<BenchFigure[]> {
  const t = await target();
  try {
    ctx.log(`fuzz: ${name}, ${COUNT} requests, seed ${seed}`);
    const report = await fuzz(t.target, { seed, count: COUNT, timeMs: TIME_MS });
    if (report.failures.length) ctx.log(describeFailures(report, name));
    return figures(name, report);
  } finally {
    await t.close();
  }
}

export async function run(ctx: BenchContext): Promise<BenchFigure[]> {
  const seed = Number(process.env.FUZZ_SEED) || 14;
  return [
    ...(await one(
      ctx,
      "Dataverse emulator",
      async () => {
        const emu = await startDataverseEmulator({ port: 0, notificationRetries: 0, notificationTimeoutMs: 500 });
        return { target: await dataverseFuzzTarget(emu), close: () => emu.close() };
      },
      seed,
    )),
    ...(await one(
      ctx,
      "Partner Center emulator",
      async () => {
        const emu = await startPartnerCenterEmulator({ port: 0, sleep: async () => undefined, delivery: { maxAttempts: 1, timeoutMs: 500 } });
        return { target: await partnerCenterFuzzTarget(emu), close: () => emu.close() };
      },
      seed,
    )),
  ];
}
