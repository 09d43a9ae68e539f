/**
 * Recent failed flow runs, from Dataverse's flowrun table (cloud flow run history in Dataverse,
 * kept 28 days): the runs of our flows in the last 24 hours that ended Failed, grouped by flow and
 * error code. The sync's flows end a handled failure Succeeded (the record says why), so a Failed
 * run is a problem of the flow itself: a connection whose sign-in expired, a throttled connector, a
 * changed environment. An authorization error is a connection that no longer works.
 */
import { ok, type Check, type Finding } from "../types";

const WINDOW_HOURS = 24;
const AUTH = /unauthori[sz]ed|forbidden|authenticat|authoriz|token|credential|consent|\b40[13]\b/i;

export const runsCheck: Check = {
  name: "runs",
  title: "Recent flow runs",
  async run(ctx) {
    if (!(await ctx.solution())) return [];
    const flows = await ctx.flows();
    const ours = new Set(flows.map((f) => f.id));
    const since = new Date(ctx.now().getTime() - WINDOW_HOURS * 3_600_000).toISOString().replace(/\.\d{3}Z$/, "Z");
    const runs = await ctx.api.list<{ name: string; workflowid: string; workflowname: string; errorcode: string | null; errormessage: string | null; starttime: string }>(
      `flowruns?$select=name,workflowid,workflowname,errorcode,errormessage,starttime&$filter=status eq 'Failed' and starttime ge ${since}&$orderby=starttime desc`,
    );
    const failed = runs.filter((r) => ours.has(String(r.workflowid).toLowerCase()));
    if (!failed.length) return [ok("runs", "runs-ok", `No run of the solution's flows failed in the last ${WINDOW_HOURS} hours.`)];
    const groups = new Map<string, typeof failed>();
    for (const r of failed) {
      const key = `${r.workflowname}\u0000${r.errorcode ?? ""}`;
      groups.set(key, [...(groups.get(key) ?? []), r]);
    }
    return [...groups.values()].map((g): Finding => {
      const r = g[0];
      const auth = AUTH.test(`${r.errorcode ?? ""} ${r.errormessage ?? ""}`);
      return {
        check: "runs",
        code: auth ? "connection-failing" : "runs-failed",
        severity: auth ? "error" : "warning",
        subject: r.workflowname,
        message: `${g.length} run${g.length === 1 ? "" : "s"} of "${r.workflowname}" failed in the last ${WINDOW_HOURS} hours${r.errorcode ? ` (${r.errorcode}${r.errormessage ? `: ${r.errormessage.slice(0, 200)}` : ""})` : ""}; the latest is run ${r.name}.`,
        fix: auth
          ? "A connection of this flow no longer signs in: open the connection in Power Automate (Connections), fix or re-create it, and resubmit the failed runs."
          : "Open the run in Power Automate (the flow's 28-day run history) to see the step that failed; fix its cause and resubmit the run.",
      };
    });
  },
};
