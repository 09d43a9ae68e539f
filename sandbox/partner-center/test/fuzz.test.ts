/**
 * Issue 14: random and mutated requests (../../shared/src/fuzz.ts, corpus src/fuzz-corpus.ts) never
 * get a 500, never crash the emulator, and a refused request stores nothing and raises no event.
 * Seeded ($FUZZ_SEED replays a run) and bounded in count and time; `npm run bench` runs it longer.
 */
import { describeFailures, fuzz, fuzzSeed } from "../../shared/src/fuzz";
import { startPartnerCenterEmulator, type PartnerCenterEmulator } from "../src";
import { partnerCenterFuzzTarget } from "../src/fuzz-corpus";

jest.setTimeout(30_000);

let emu: PartnerCenterEmulator;
beforeAll(async () => {
  emu = await startPartnerCenterEmulator({ port: 0, sleep: async () => undefined, delivery: { maxAttempts: 1, timeoutMs: 500 } });
});
afterAll(async () => {
  await emu.close();
});

test("400 random and mutated requests: no 500, no crash, nothing stored or raised from a refused request", async () => {
  const seed = fuzzSeed();
  const report = await fuzz(await partnerCenterFuzzTarget(emu), { seed, count: 400, timeMs: 15_000 });
  if (report.failures.length) throw new Error(describeFailures(report, "Partner Center emulator"));
  expect(report.serverErrors).toBe(0);
  expect(report.tried).toBeGreaterThan(50);
  expect(Object.keys(report.statuses).some((s) => Number(s) >= 400)).toBe(true);
  expect(Object.keys(report.statuses).some((s) => Number(s) < 300)).toBe(true);
});
