/**
 * `npm run doctor`: every check, in the order an admin would look (is it installed → does it run →
 * does it reach Partner Center → is it set up right → what is failing now), each with a named
 * finding and its fix. With fix: the fixable findings are repaired, then every check runs again,
 * so the report shows the environment as it is after the repairs.
 */
import { DoctorContext } from "./context";
import { connectionsCheck } from "./checks/connections";
import { currenciesCheck } from "./checks/currencies";
import { flowsCheck } from "./checks/flows";
import { microsoftCheck } from "./checks/microsoft";
import { recordsCheck } from "./checks/records";
import { rolesCheck } from "./checks/roles";
import { runsCheck } from "./checks/runs";
import { solutionCheck } from "./checks/solution";
import { variablesCheck } from "./checks/variables";
import { webhookCheck } from "./checks/webhook";
import type { Check, Finding } from "./types";
import type { SettingsFile } from "../settings";
import type { AdminClients } from "../target";

export type { Finding, Check, CheckName, Severity } from "./types";

/** Connections before flows: turning a flow on needs its connection bound first. */
export const CHECKS: readonly Check[] = [solutionCheck, connectionsCheck, flowsCheck, webhookCheck, variablesCheck, currenciesCheck, rolesCheck, microsoftCheck, recordsCheck, runsCheck];

export interface DoctorOptions {
  fix?: boolean;
  settings?: SettingsFile;
  /** The newest version npm run build made (dist/), to say when the installed one is older. */
  newestZipVersion?: string;
  now?: () => Date;
  /** Called as each check starts (progress). */
  onCheck?: (check: Check, index: number, total: number) => void;
}

export interface DoctorReport {
  findings: Finding[];
  /** The findings --fix worked on (with fixed / fixFailed), when it ran. */
  repairs: Finding[];
  errors: number;
  warnings: number;
  healthy: boolean;
}

async function runChecks(ctx: DoctorContext, o: DoctorOptions): Promise<Finding[]> {
  const out: Finding[] = [];
  for (const [i, c] of CHECKS.entries()) {
    o.onCheck?.(c, i, CHECKS.length);
    try {
      out.push(...(await c.run(ctx)));
    } catch (e) {
      out.push({ check: c.name, code: "check-failed", severity: "error", message: `The ${c.title.toLowerCase()} check could not run: ${(e as Error).message}`, fix: "Check the sign-in and the environment URL, then run doctor again." });
    }
  }
  return out;
}

export async function runDoctor(clients: AdminClients, o: DoctorOptions = {}): Promise<DoctorReport> {
  const ctx = new DoctorContext(clients, { settings: o.settings, now: o.now, newestZipVersion: o.newestZipVersion });
  let findings = await runChecks(ctx, o);
  const repairs: Finding[] = [];
  if (o.fix) {
    for (const c of CHECKS) {
      const mine = findings.filter((f) => f.check === c.name && f.fixable && f.severity !== "ok");
      if (!mine.length || !c.repair) continue;
      try {
        await c.repair(ctx, mine);
      } catch (e) {
        for (const f of mine) f.fixFailed ??= (e as Error).message;
      }
      repairs.push(...mine);
      ctx.forget();
    }
    if (repairs.length) findings = await runChecks(ctx, o);
  }
  const errors = findings.filter((f) => f.severity === "error").length;
  const warnings = findings.filter((f) => f.severity === "warning").length;
  return { findings, repairs, errors, warnings, healthy: errors === 0 };
}
