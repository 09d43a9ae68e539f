/**
 * Roles: the solution's roles are in the environment and assigned (sellers cannot see or set the
 * sync columns without "Partner Center Sync Seller"), and the signed-in admin has what deploy and
 * the flows' owner need (System Administrator or System Customizer, Microsoft's troubleshooting
 * page: "access denied"). Read through roles and the systemuserroles_association relationship;
 * assigning roles is left to a person (who is a seller is not this tool's to decide).
 */
import { SECURITY_ROLES } from "../../../../../plugins-ts/src/model/schema";
import { odataString } from "../../../sandbox/webapi";
import { ok, type Check, type Finding } from "../types";

const ADMIN_ROLES = ["System Administrator", "System Customizer"];

export const rolesCheck: Check = {
  name: "roles",
  title: "Roles",
  async run(ctx) {
    const out: Finding[] = [];
    const me = await ctx.api.get<{ UserId: string }>("WhoAmI");
    const mine = await ctx.api.list<{ name: string }>(`systemusers(${me.UserId})/systemuserroles_association?$select=name`);
    if (!mine.some((r) => ADMIN_ROLES.includes(r.name))) {
      out.push({
        check: "roles",
        code: "admin-role-missing",
        severity: "warning",
        message: `The signed-in user has ${mine.length ? mine.map((r) => `"${r.name}"`).join(", ") : "no role"}, not System Administrator or System Customizer: deploy and --fix may be refused (access denied).`,
        fix: "Run deploy and doctor as a System Administrator (Power Platform admin center → the environment → Users).",
      });
    }
    if (!(await ctx.solution())) return out;
    for (const name of Object.values(SECURITY_ROLES)) {
      const roles = await ctx.api.list<{ roleid: string }>(`roles?$select=roleid&$filter=name eq ${odataString(name)}`);
      if (!roles.length) {
        out.push({ check: "roles", code: "role-missing", severity: "error", subject: name, message: `The role "${name}" is not in the environment.`, fix: "Deploy the solution again (npm run deploy): it brings its roles." });
        continue;
      }
      let users = 0;
      for (const r of roles) users += (await ctx.api.list<{ systemuserid: string }>(`roles(${r.roleid})/systemuserroles_association?$select=systemuserid`)).length;
      if (!users) {
        out.push({
          check: "roles",
          code: "role-unassigned",
          severity: "warning",
          subject: name,
          message: `Nobody has the role "${name}"${name === SECURITY_ROLES.seller ? ": sellers cannot set Sync with Partner Center or see the sync status" : ""}.`,
          fix: `Give it to ${name === SECURITY_ROLES.seller ? "your sellers" : "the admins who run the sync"} (Power Platform admin center → the environment → Users → Manage security roles).`,
        });
      } else out.push(ok("roles", "role-assigned", `${users} user${users === 1 ? " has" : "s have"} the role "${name}".`, name));
    }
    return out;
  },
};
