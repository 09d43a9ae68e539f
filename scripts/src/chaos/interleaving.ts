/**
 * One interleaving: a fresh sandbox (a child process on a state folder of its own), a plan of steps
 * (from a seed, or given), then quiet (faults cleared first), and twice: the services' clocks an hour
 * on and the hourly recovery fired, as the cloud's schedule would; quiet again, and the invariants
 * checked (./invariants.ts), the seller's last edits included.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { FLOWS } from "../../../flows/src/ids";
import { OPPORTUNITY } from "../../../plugins-ts/src/model/schema";
import { checkInvariants, checkLastWrites, type InvariantReport } from "./invariants";
import { ChaosSandbox } from "./remote";
import { describeStep, perform, planOf, prepare, WorkloadState, type PlanOptions, type Step } from "./workload";

export interface InterleavingOptions extends Partial<PlanOptions> {
  seed: number;
  /** Steps to run instead of the seed's plan (a reduced scenario). */
  plan?: Step[];
  /** Multiplies the sandbox's waits (default 0.001: a minute's wait is 60 ms). */
  timeScale?: number;
  /** A progress line per step (default: none). */
  log?: (line: string) => void;
}

export interface InterleavingResult {
  seed: number;
  plan: Step[];
  /** Steps carried out (a burst's steps each count). */
  operations: number;
  /** Partner Center calls the plan asked to fail or answer slowly. */
  faultedCalls: number;
  /** Webhook events delivered again (duplicated, reordered). */
  redeliveries: number;
  kills: number;
  report: InvariantReport;
  /** Calls of the suite's own that the sandbox refused (a broken step, not a finding). */
  stepErrors: string[];
  /** The runs that failed, readable (for a failure message). */
  failedRuns: string[];
  durationMs: number;
}

export const DEFAULT_PLAN: PlanOptions = { steps: 24, kills: 1 };

export async function runInterleaving(options: InterleavingOptions): Promise<InterleavingResult> {
  const started = Date.now();
  const plan = options.plan ?? planOf(options.seed, { steps: options.steps ?? DEFAULT_PLAN.steps, kills: options.kills ?? DEFAULT_PLAN.kills });
  const log = options.log ?? (() => undefined);
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), `pcs-chaos-${options.seed}-`));
  const sb = await ChaosSandbox.start(stateDir, options.timeScale ?? 0.001);
  const state = new WorkloadState();
  try {
    await prepare(sb, state);
    for (const [i, step] of plan.entries()) {
      log(`#${i} ${describeStep(step)}`);
      if (step.op === "kill") {
        state.operations++;
        await sb.killAndRestart();
      } else {
        await perform(sb, state, step);
      }
    }
    log("settling: faults cleared, quiet, recovery ×2");
    await sb.pcControl("DELETE", "/faults");
    await sb.quiet();
    for (let i = 0; i < 2; i++) {
      // an hour on, as the cloud's schedule: claims and waits that count in minutes have run out
      await sb.advanceClock(60 * 60 * 1000);
      await sb.fireRecurrence(FLOWS.recovery.id);
      await sb.quiet();
    }
    const report = await checkInvariants(sb);
    const edits = await checkLastWrites(sb, state.lastWrites);
    report.violations.push(...edits.violations);
    report.editsChecked = edits.checked;
    const failedRuns: string[] = [];
    if (report.violations.length) {
      for (const v of report.violations) {
        const id = /\(([0-9a-f-]{36})\)$/.exec(v.record)?.[1];
        if (id && v.record.startsWith("opportunity")) {
          const o = await sb.dv.retrieve({ collection: OPPORTUNITY.entitySetName, key: id, select: [OPPORTUNITY.syncAudit] }).catch(() => undefined);
          const audit = String(o?.[OPPORTUNITY.syncAudit] ?? "").split("\n").slice(0, 6);
          v.detail += `\n      Audit: ${audit.join("\n             ")}`;
        }
      }
      for (const r of (await sb.runs("Failed")).slice(0, 10)) failedRuns.push(await sb.runText(r.id));
    }
    return {
      seed: options.seed,
      plan,
      operations: state.operations,
      faultedCalls: state.faultedCalls,
      redeliveries: state.redeliveries,
      kills: sb.kills,
      report,
      stepErrors: state.stepErrors,
      failedRuns,
      durationMs: Date.now() - started,
    };
  } finally {
    await sb.kill().catch(() => undefined);
    fs.rmSync(stateDir, { recursive: true, force: true });
  }
}

/** The seed to use: $CHAOS_SEED when set (to replay a failure), else a fresh one. */
export function chaosSeed(env: NodeJS.ProcessEnv = process.env): number {
  const fromEnv = Number(env.CHAOS_SEED);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : 1 + Math.floor(Math.random() * 2 ** 31);
}

/** A failure report a person can act on: the seed to replay, the plan, what was found (and the failed runs, unless runs: false). */
export function formatResult(r: InterleavingResult, options: { runs?: boolean } = {}): string {
  const lines = [
    `chaos seed ${r.seed} (replay: CHAOS_SEED=${r.seed} npx jest tests/chaos): ${r.operations} operations, ${r.faultedCalls} faulted calls, ${r.redeliveries} re-deliveries, ${r.kills} kills, ${r.report.recordsChecked} records and ${r.report.editsChecked ?? 0} seller edits checked, ${r.report.violations.length} violations, ${(r.durationMs / 1000).toFixed(1)} s`,
  ];
  if (r.report.violations.length || r.stepErrors.length) {
    lines.push("plan:", ...r.plan.map((s, i) => `  #${i} ${describeStep(s)}`));
    if (r.report.violations.length) lines.push("violations:", ...r.report.violations.map((v) => `  ${v.kind}: ${v.record}: ${v.detail}`));
    if (r.stepErrors.length) lines.push("steps the sandbox refused:", ...r.stepErrors.map((e) => `  ${e}`));
    if (r.failedRuns.length && options.runs !== false) lines.push("failed runs (newest first, at most 10):", ...r.failedRuns.map((t) => t.split("\n").slice(0, 40).join("\n")));
  }
  return lines.join("\n");
}
