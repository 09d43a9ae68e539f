/**
 * Microsoft's own "Partner Center Referrals Synchronization for Dynamics 365" beside ours: both would
 * sync the same referrals (double sync), and Partner Center sends its events to one URL only.
 *
 * Its solution's unique name is not published (shared/reference/partner-center-api.md §5: only the
 * display name is). It is found by any of: a solution with that display name other than ours; cloud
 * flows with its documented names, "(Insider Preview)" suffix included; its opportunity column
 * msft_microsoftpartnercenterreferralsync (reference §5.2, from a real organization). Nothing is
 * repaired automatically: turning off or uninstalling someone's solution is a person's decision.
 */
import { SOLUTION } from "../../../../../plugins-ts/src/model/schema";
import { odataString } from "../../../sandbox/webapi";
import { column } from "../../environment";
import { ok, type Check } from "../types";

/** Microsoft's documented flow names (troubleshooting page and set-up guide), without the suffix. */
export const MICROSOFT_FLOW_NAMES = [
  "Partner Center Webhook Registration",
  "Create Co-sell Referral – Dynamics 365 to Partner Center",
  "Partner Center to Dynamics 365 - Helper",
  "Partner Center Microsoft Co-sell Referral Updates to Dynamics 365",
  "Partner Center to Dynamics 365",
  "Dynamics 365 to Partner Center",
  "Dynamics 365 Opportunity to Partner Center",
  "Dynamics 365 Microsoft Solutions to Partner Center",
];
export const MICROSOFT_SYNC_COLUMN = "msft_microsoftpartnercenterreferralsync";

export const microsoftCheck: Check = {
  name: "microsoft",
  title: "Microsoft's connector",
  async run(ctx) {
    const solutions = await ctx.api.list<{ uniquename: string; version: string }>(`solutions?$select=uniquename,version&$filter=friendlyname eq ${odataString(SOLUTION.displayName)} and uniquename ne ${odataString(SOLUTION.uniqueName)}`);
    const flows = await ctx.api.list<{ name: string; statecode: number }>(`workflows?$select=name,statecode&$filter=category eq 5 and endswith(name,'(Insider Preview)')`);
    const theirs = flows.filter((f) => MICROSOFT_FLOW_NAMES.some((n) => f.name.replace(/\s*\(Insider Preview\)\s*$/, "").trim().toLowerCase() === n.toLowerCase()));
    const msftColumn = await column(ctx.api, "opportunity", MICROSOFT_SYNC_COLUMN);
    if (!solutions.length && !theirs.length && !msftColumn) return [ok("microsoft", "microsoft-absent", "Microsoft's Partner Center connector is not installed here.")];
    const evidence = [
      ...solutions.map((s) => `solution ${s.uniquename} ${s.version}`),
      ...(theirs.length ? [`${theirs.filter((f) => f.statecode === 1).length} of its ${theirs.length} flows on`] : []),
      ...(msftColumn ? [`the opportunity column ${MICROSOFT_SYNC_COLUMN}`] : []),
    ];
    return [
      {
        check: "microsoft",
        code: "microsoft-connector",
        severity: "error",
        message: `Microsoft's "${SOLUTION.displayName}" is installed beside this one (${evidence.join("; ")}): both sync the same referrals, and Partner Center sends its events to one of them only.`,
        fix: `Move to this solution (docs/admin.md, "Moving from Microsoft's connector"): turn off its flows${theirs.length ? ` (${theirs.slice(0, 2).map((f) => `"${f.name}"`).join(", ")}${theirs.length > 2 ? ", …" : ""})` : ""}, then uninstall it, and check the webhook again.`,
      },
    ];
  },
};
