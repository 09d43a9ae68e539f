/** The doctor's report in plain words on the terminal (--json prints the report object instead). */
import { CHECKS, type DoctorReport } from ".";

const MARK = { ok: "✔", warning: "!", error: "✖" } as const;

export function formatDoctor(report: DoctorReport, target: string): string[] {
  const lines: string[] = [`Doctor: ${target}`];
  if (report.repairs.length) {
    lines.push("", "Repairs (--fix):");
    for (const r of report.repairs) lines.push(`  ${r.fixed ? "✔" : "✖"} ${r.message}`, `      ${r.fixed ? `done: ${r.fixed}` : `not repaired: ${r.fixFailed ?? "unknown reason"}`}`);
    lines.push("", "After the repairs:");
  }
  for (const c of CHECKS) {
    const mine = report.findings.filter((f) => f.check === c.name);
    if (!mine.length) continue;
    lines.push("", c.title);
    for (const f of mine) {
      lines.push(`  ${MARK[f.severity]} ${f.message}`);
      if (f.fix && f.severity !== "ok") lines.push(`      fix: ${f.fix}`);
    }
  }
  const fixable = report.findings.filter((f) => f.fixable && f.severity !== "ok").length;
  lines.push("");
  if (report.healthy) lines.push(report.warnings ? `Healthy, with ${report.warnings} warning${report.warnings === 1 ? "" : "s"} to look at.` : "Healthy: nothing is wrong.");
  else {
    lines.push(
      `${report.errors} problem${report.errors === 1 ? "" : "s"}${report.warnings ? ` and ${report.warnings} warning${report.warnings === 1 ? "" : "s"}` : ""}.` +
        (fixable ? ` npm run doctor -- --fix repairs ${fixable === 1 ? "the one" : `the ${fixable}`} marked "npm run doctor -- --fix".` : ""),
    );
  }
  return lines;
}
