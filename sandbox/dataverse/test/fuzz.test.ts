/**
 * Issue 14: random and mutated requests (../../shared/src/fuzz.ts, corpus src/fuzz-corpus.ts) never
 * get a 500, never crash the emulator, and a refused request stores nothing. Seeded ($FUZZ_SEED
 * replays a run) and bounded in count and time; `npm run bench` runs the same fuzzer longer.
 */
import { describeFailures, fuzz, fuzzSeed } from "../../shared/src/fuzz";
import { startDataverseEmulator, type DataverseEmulator } from "../src";
import { dataverseFuzzTarget } from "../src/fuzz-corpus";

jest.setTimeout(30_000);

let emu: DataverseEmulator;
beforeAll(async () => {
  emu = await startDataverseEmulator({ port: 0, notificationRetries: 0, notificationTimeoutMs: 500 });
});
afterAll(async () => {
  await emu.close();
});

test("400 random and mutated requests: no 500, no crash, nothing stored from a refused request", async () => {
  const seed = fuzzSeed();
  const report = await fuzz(await dataverseFuzzTarget(emu), { seed, count: 400, timeMs: 15_000 });
  if (report.failures.length) throw new Error(describeFailures(report, "Dataverse emulator"));
  expect(report.serverErrors).toBe(0);
  expect(report.tried).toBeGreaterThan(50);
  // the mutations reach the refusals they are meant to reach, not only the happy path
  expect(Object.keys(report.statuses).some((s) => Number(s) >= 400)).toBe(true);
  expect(Object.keys(report.statuses).some((s) => Number(s) < 300)).toBe(true);
});
