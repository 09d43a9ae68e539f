/**
 * PCF controls: each production bundle.js against its 30 KB budget, and the time the Audit
 * Timeline takes to show 1,000 audit lines in headless Chromium (Debian's /usr/bin/chromium via
 * playwright-core, our harness page on 127.0.0.1): from the control's init to the next frame,
 * i.e. script, style, layout and paint. Median of several fresh renders after a warm-up.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { controlOutDir, ensureBuilt, launchChromium, PCF_CONTROL_NAMES, startHarness } from "../pcf/harness";
import { bulkAudit, SAMPLE_NOW } from "../pcf/samples";
import type { BenchContext, BenchFigure } from "./types";

export const BUNDLE_BUDGET_KB = 30;
/** "Without a noticeable pause": a response within 100 ms feels instant (RAIL). */
export const RENDER_BUDGET_MS = 100;
const LINES = 1000;
const RUNS = 9;

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const round1 = (x: number): number => Math.round(x * 10) / 10;

export async function run(ctx: BenchContext): Promise<BenchFigure[]> {
  const figures: BenchFigure[] = [];
  for (const control of PCF_CONTROL_NAMES) {
    ensureBuilt(ctx.root, control, ctx.log);
    const bundle = readFileSync(path.join(controlOutDir(ctx.root, control), "bundle.js"));
    figures.push({
      name: `PCF ${control} bundle.js (production)`,
      value: round1(bundle.length / 1024),
      unit: "KB",
      budget: BUNDLE_BUDGET_KB,
      note: `${bundle.length} bytes, ${gzipSync(bundle).length} gzipped`,
    });
  }

  const harness = await startHarness(ctx.root);
  const browser = await launchChromium({ viewport: { width: 1024, height: 768 } });
  try {
    const page = await browser.context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(m.text());
    });
    await page.goto(harness.url);
    ctx.log(`PCF: rendering ${LINES} audit lines in Chromium, ${RUNS} runs after a warm-up`);
    const audit = bulkAudit(LINES, SAMPLE_NOW);
    const times = (await page.evaluate(
      ({ audit, runs }) =>
        (globalThis as unknown as { PcfHarness: { measureMount(name: string, options: object, runs: number, selector: string): Promise<unknown> } }).PcfHarness.measureMount(
          "PartnerCenterSync.AuditTimeline",
          { parameters: { value: audit }, languageId: 1033, timeZone: "Europe/Berlin" },
          runs,
          ".pcs-at__item",
        ),
      { audit, runs: RUNS },
    )) as Array<{ script: number; frame: number; items: number }>;
    if (errors.length) throw new Error(`PCF bench: the page reported errors: ${errors.join("; ")}`);
    if (times.some((t) => t.items !== LINES)) throw new Error(`PCF bench: expected ${LINES} rendered lines, got ${times.map((t) => t.items).join(", ")}`);
    const frames = times.map((t) => t.frame);
    figures.push({
      name: `PCF AuditTimeline: ${LINES.toLocaleString("en-US")} audit lines, init to next frame (Chromium)`,
      value: round1(median(frames)),
      unit: "ms",
      budget: RENDER_BUDGET_MS,
      note: `median of ${RUNS}; min ${round1(Math.min(...frames))}, max ${round1(Math.max(...frames))}; script + layout alone ${round1(median(times.map((t) => t.script)))} ms`,
    });
  } finally {
    await browser.close();
    await harness.close();
  }
  return figures;
}
