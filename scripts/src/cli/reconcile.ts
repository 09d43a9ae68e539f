/**
 * `npm run reconcile -- --url https://<org>.crm.dynamics.com [--apply]` (or --sandbox): every synced
 * opportunity against its referral under the conflict policy (../admin/reconcile.ts). A dry run by
 * default; --apply carries it out.
 */
import { EXIT, guarded } from "../admin/cli-support";
import { stderrProgress, type ProgressOutput } from "../admin/progress";
import { reconcile, type ReconcileReport } from "../admin/reconcile";
import { clientsFor, resolveTarget, TARGET_FLAGS, TARGET_HELP, TARGET_VALUES } from "../admin/target";
import { parseArgs, processIo, UsageError, type Io } from "./common";

const USAGE = "npm run reconcile -- (--url <https://org.crm.dynamics.com> | --sandbox) [--apply] [--json] [--help]";

export const HELP = `${USAGE}

Compares every opportunity that syncs with its Partner Center referral, field by field, under the
conflict policy (docs/flows.md): the side that changed since the last sync wins; both changed, the
CRM wins and Partner Center's value goes to the Audit; a close in Partner Center is final.

Without --apply nothing is changed: it reports every difference and what would be done.
  --apply  send the CRM's values to Partner Center and bring Partner Center's into the CRM as the
           policy says, and record the new agreement, Audit lines and sync status on each record
  --json   print the report as JSON (for scripts)

It also lists opportunities set to sync that have no referral yet, and referrals no CRM record
carries; it does not create either (the flows do: a new referral is created when the opportunity is
saved, and the hourly recovery flow brings referrals in).

${TARGET_HELP}

Exit code: 0 both sides agree (after --apply: everything was reconciled), 1 differences remain,
2 could not run. Details: docs/admin.md`;

export function formatReconcile(r: ReconcileReport, target: string): string[] {
  const lines = [`Reconcile: ${target}${r.applied ? "" : " (dry run)"}`, ""];
  const agree = r.records.filter((x) => x.status === "agrees");
  lines.push(`Compared ${r.compared} synced opportunit${r.compared === 1 ? "y" : "ies"} with their referrals: ${agree.length} agree.`);
  for (const x of r.records.filter((y) => y.status !== "agrees")) {
    lines.push("", `${x.failed || x.status === "unreadable" ? "✖" : r.applied ? "✔" : "≠"} "${x.name}" (referral ${x.referralId})`);
    if (x.problem) lines.push(`    ${x.problem}`);
    for (const d of x.differences) {
      const what = { send: "send the CRM's value to Partner Center", take: "bring Partner Center's value into the CRM", keep: "nothing (by design)", refuse: "nothing: a person must decide" }[d.action];
      lines.push(`    ${d.label}: CRM ${JSON.stringify(d.crm)}, Partner Center ${JSON.stringify(d.pc)} → ${what}; ${d.why}`);
    }
    if (x.staleRecord) lines.push(`    both sides agree, but ${x.staleRecord} → record the agreement (Synced)`);
    if (x.applied?.length) lines.push(`    done: ${x.applied.join("; ")}`);
    if (x.failed) lines.push(`    not done: ${x.failed}`);
  }
  if (r.notShared.length) lines.push("", `${r.notShared.length} opportunit${r.notShared.length === 1 ? "y is" : "ies are"} set to sync but ha${r.notShared.length === 1 ? "s" : "ve"} no referral yet (${r.notShared.slice(0, 3).map((o) => `"${o.name}"`).join(", ")}${r.notShared.length > 3 ? ", …" : ""}): the flows create it when the opportunity is saved; its Audit says why not.`);
  if (r.partnerCenterOnly.length) lines.push("", `${r.partnerCenterOnly.length} referral${r.partnerCenterOnly.length === 1 ? " is" : "s are"} in Partner Center only (${r.partnerCenterOnly.slice(0, 3).map((o) => `"${o.name}"`).join(", ")}${r.partnerCenterOnly.length > 3 ? ", …" : ""}): the hourly "Partner Center Sync Recovery" flow brings in recent ones; older ones arrive when they change in Partner Center.`);
  lines.push("");
  const todo = r.records.filter((x) => x.status !== "agrees").length;
  if (!r.applied) lines.push(todo ? `Nothing was changed. npm run reconcile -- --apply carries out the ${todo === 1 ? "change" : `${todo} changes`} above.` : "Both sides agree: nothing to do.");
  else lines.push(r.remaining ? `${r.remaining} record${r.remaining === 1 ? "" : "s"} could not be reconciled: see ✖ above.` : todo ? `Reconciled ${todo} record${todo === 1 ? "" : "s"}.` : "Both sides agree: nothing was changed.");
  return lines;
}

export interface ReconcileDeps {
  progress?: ProgressOutput;
  env?: NodeJS.ProcessEnv;
}

export async function main(argv: string[], io: Io = processIo, deps: ReconcileDeps = {}): Promise<number> {
  return guarded("reconcile", io, USAGE, async () => {
    const { opts, positionals } = parseArgs(argv, { values: TARGET_VALUES, flags: [...TARGET_FLAGS, "apply", "json", "help"] });
    if (opts.help) {
      io.out(HELP);
      return EXIT.ok;
    }
    if (positionals.length) throw new UsageError(`unexpected argument ${positionals[0]}`);
    const target = resolveTarget(opts, io, deps.env);
    const json = opts.json === true;
    const report = await reconcile(clientsFor(target), { apply: opts.apply === true, progress: json ? undefined : (deps.progress ?? stderrProgress) });
    if (json) io.out(JSON.stringify(report, null, 2));
    else for (const l of formatReconcile(report, target.label)) io.out(l);
    const differences = report.records.some((x) => x.status !== "agrees");
    return (report.applied ? report.remaining : differences) ? EXIT.problems : EXIT.ok;
  });
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
