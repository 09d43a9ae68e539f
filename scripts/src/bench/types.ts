/**
 * `npm run bench` loads every scripts/src/bench/*.bench.ts (compiled to out/) and prints what each
 * one measures. A bench module exports `run`, returning figures; nothing here is timed in tests.
 */
export interface BenchFigure {
  /** What is measured, e.g. "form script web resource (minified)". */
  name: string;
  value: number;
  unit: "bytes" | "KB" | "ms" | "s" | "calls" | "actions" | "count" | "ratio";
  /** The budget the figure must stay within, in the same unit; exceeding it fails `npm run bench`. */
  budget?: number;
  /** Optional note: the comparison figure, the workload, how it was produced. */
  note?: string;
}

export interface BenchContext {
  /** Repository root. */
  root: string;
  /** Log a progress line (stderr). */
  log(message: string): void;
}

export type BenchModule = { run(ctx: BenchContext): Promise<BenchFigure[]> };
