/**
 * The chaos soak (`npm run bench -- chaos`): the chaos suite's interleavings (scripts/src/chaos/),
 * longer and more of them than CI runs, each on a fresh sandbox in a child process with its kills,
 * faults, duplicated and reordered webhooks and outages, then quiet, the hourly recovery twice and
 * the invariants. Reports what ran and what was found once quiet; found problems are over budget (0).
 *
 * CHAOS_SOAK=<interleavings> (default 10), CHAOS_STEPS (default 40), CHAOS_KILLS (default 2),
 * CHAOS_SEED=<first seed> (default a fresh one, printed). Every interleaving that found something is
 * printed in full with its seed and plan.
 */
import { chaosSeed, formatResult, runInterleaving, type InterleavingResult } from "../chaos/interleaving";
import type { BenchContext, BenchFigure } from "./types";

const int = (v: string | undefined, d: number): number => (v !== undefined && /^\d+$/.test(v) ? Number(v) : d);

export async function run(ctx: BenchContext): Promise<BenchFigure[]> {
  const count = int(process.env.CHAOS_SOAK, 10);
  const steps = int(process.env.CHAOS_STEPS, 40);
  const kills = int(process.env.CHAOS_KILLS, 2);
  const first = chaosSeed();
  ctx.log(`chaos: ${count} interleavings of ${steps} steps with ${kills} kills each, seeds ${first}…${first + count - 1}`);
  const results: InterleavingResult[] = [];
  const started = Date.now();
  for (let i = 0; i < count; i++) {
    const r = await runInterleaving({ seed: first + i, steps, kills, timeScale: 0.01 });
    results.push(r);
    const found = r.report.violations.length;
    ctx.log(`chaos: seed ${r.seed}: ${r.operations} operations, ${r.kills} kills, ${r.report.recordsChecked} records checked, ${found} found${r.stepErrors.length ? `, ${r.stepErrors.length} steps refused` : ""} (${(r.durationMs / 1000).toFixed(1)} s)`);
    if (found || r.stepErrors.length) ctx.log(formatResult(r));
  }
  const sum = (f: (r: InterleavingResult) => number) => results.reduce((n, r) => n + f(r), 0);
  const kind = (k: string) => sum((r) => r.report.violations.filter((v) => v.kind === k).length);
  const failing = results.filter((r) => r.report.violations.length).map((r) => r.seed);
  const note = `seeds ${first}…${first + count - 1}, ${steps} steps, timeScale 0.01${failing.length ? `; found in seeds ${failing.join(", ")}` : ""}`;
  return [
    { name: "chaos: interleavings run", value: count, unit: "count", note },
    { name: "chaos: operations (steps carried out, bursts' steps each)", value: sum((r) => r.operations), unit: "count" },
    { name: "chaos: Partner Center calls faulted (429, 5xx, slow)", value: sum((r) => r.faultedCalls), unit: "count" },
    { name: "chaos: webhook events delivered again (duplicated, reordered)", value: sum((r) => r.redeliveries), unit: "count" },
    { name: "chaos: sandbox kills (SIGKILL, restarted on its state)", value: sum((r) => r.kills), unit: "count" },
    { name: "chaos: records checked once quiet", value: sum((r) => r.report.recordsChecked), unit: "count" },
    { name: "chaos: divergences after quiescence (Synced but different, or never brought in)", value: kind("divergence"), unit: "count", budget: 0 },
    { name: "chaos: errors a seller cannot act on after quiescence", value: kind("unactionable error"), unit: "count", budget: 0 },
    { name: "chaos: duplicate referrals or opportunities", value: kind("duplicate referral") + kind("duplicate opportunity"), unit: "count", budget: 0 },
    { name: "chaos: stuck rows (Sync = Yes, Not synced or Pending)", value: kind("stuck"), unit: "count", budget: 0 },
    { name: "chaos: seller edits lost (the seller's last write of a field not what the CRM holds)", value: kind("lost seller edit"), unit: "count", budget: 0, note: `${sum((r) => r.report.editsChecked ?? 0)} last edits checked` },
    { name: "chaos: steps the sandbox refused (the suite's own calls)", value: sum((r) => r.stepErrors.length), unit: "count", budget: 0 },
    { name: "chaos: soak wall time", value: Math.round((Date.now() - started) / 1000), unit: "s" },
  ];
}
