/**
 * Every flow of the solution on (statecode 1), not suspended (statecode 2: Power Automate suspends a
 * flow that breaks a data policy, or one throttled for 14 days in a row). --fix turns the flows that
 * are off on again, children first, through the same Web API update deploy uses; a suspended flow is
 * left to a person (the cause is outside the flow).
 */
import { turnOnFlows } from "../../../sandbox/flows";
import { ok, type Check, type Finding } from "../types";

export const flowsCheck: Check = {
  name: "flows",
  title: "Flows",
  async run(ctx) {
    if (!(await ctx.solution())) return [];
    const flows = await ctx.flows();
    const out: Finding[] = [];
    for (const f of flows) {
      if (f.statecode === 2) {
        out.push({
          check: "flows",
          code: "flow-suspended",
          severity: "error",
          subject: f.name,
          message: `"${f.name}" is suspended (status reason ${f.statuscode}): Power Automate stopped it, so it runs no more.`,
          fix: "Open it in Power Automate: it says why (a data loss prevention policy that blocks one of its connectors, or throttling). Remove the cause, then turn it on; npm run doctor checks again.",
        });
      } else if (f.statecode !== 1) {
        const callers = flows.filter((p) => p.children.includes(f.id)).map((p) => `"${p.name}"`);
        out.push({
          check: "flows",
          code: "flow-off",
          severity: "error",
          subject: f.name,
          message: `"${f.name}" is off: ${f.trigger?.kind?.toLowerCase() === "button" || f.trigger?.kind?.toLowerCase() === "powerapp" ? `${callers.length ? `${callers.join(", ")} cannot call it` : "it cannot be called"}` : "what it handles is not synced"}.`,
          fix: "Turn it on (Power Automate → Solutions → the solution → the flow → Turn on), child flows first. npm run doctor -- --fix does it.",
          fixable: true,
        });
      }
    }
    if (!out.length) out.push(ok("flows", "flows-on", `All ${flows.length} flows are on.`));
    return out;
  },
  async repair(ctx, findings) {
    const flows = await ctx.flows();
    const outcomes = await turnOnFlows(ctx.api, flows);
    for (const f of findings) {
      const o = outcomes.find((x) => x.name === f.subject);
      if (o?.status === "on") f.fixed = "turned on";
      else f.fixFailed = o ? `it could not be turned on: ${o.message}` : "it is no longer in the solution";
    }
  },
};
