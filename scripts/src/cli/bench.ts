/**
 * `npm run bench`: loads every out/scripts/src/bench/*.bench.js, runs it, prints one table of
 * figures with their budgets, and exits 1 when any figure is over its budget (or a module fails).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { BenchFigure, BenchModule } from "../bench/types";
import { processIo, repoRoot, type Io } from "./common";

export interface BenchRow extends BenchFigure {
  module: string;
  over: boolean;
}

export function formatTable(rows: BenchRow[]): string[] {
  const cells = rows.map((r) => [r.module, r.name, `${fmt(r.value)} ${r.unit}`, r.budget === undefined ? "-" : `${fmt(r.budget)} ${r.unit}`, r.budget === undefined ? "" : r.over ? "OVER" : "ok", r.note ?? ""]);
  const head = ["module", "figure", "value", "budget", "", "note"];
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]): string => c.map((x, i) => x.padEnd(widths[i])).join("  ").trimEnd();
  return [line(head), line(widths.map((w) => "-".repeat(w))), ...cells.map(line)];
}

const fmt = (n: number): string => (Number.isInteger(n) ? String(n) : n.toFixed(n < 10 ? 2 : 1));

export async function main(argv: string[], io: Io = processIo, root = repoRoot()): Promise<number> {
  const dir = path.join(root, "out", "scripts", "src", "bench");
  const only = argv.filter((a) => !a.startsWith("--"));
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith(".bench.js")).sort() : [];
  const selected = only.length ? files.filter((f) => only.some((o) => f.startsWith(o))) : files;
  if (!selected.length) {
    io.err(`bench: no bench modules in ${path.relative(root, dir)} (run npm run compile)`);
    return 1;
  }
  const rows: BenchRow[] = [];
  let failed = false;
  for (const f of selected) {
    const name = f.replace(/\.bench\.js$/, "");
    io.err(`bench: running ${name}`);
    try {
      const mod = require(path.join(dir, f)) as BenchModule;
      const figures = await mod.run({ root, log: (m) => io.err(`  [${name}] ${m}`) });
      for (const fig of figures) rows.push({ ...fig, module: name, over: fig.budget !== undefined && fig.value > fig.budget });
    } catch (e) {
      failed = true;
      io.err(`bench: ${name} failed: ${(e as Error).stack ?? e}`);
    }
  }
  for (const l of formatTable(rows)) io.out(l);
  const over = rows.filter((r) => r.over);
  if (over.length) io.err(`bench: ${over.length} figure${over.length === 1 ? "" : "s"} over budget: ${over.map((r) => `${r.module}/${r.name}`).join(", ")}`);
  return failed || over.length ? 1 : 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (e) => {
      process.stderr.write(`bench: ${(e as Error).stack ?? e}\n`);
      process.exitCode = 1;
    },
  );
}
