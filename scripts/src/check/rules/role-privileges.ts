/**
 * Rule role-privileges: a role's privileges on an organization-owned table the solution ships are
 * ones such a table has, at the one depth it allows.
 * - Depth: "Some tables are owned by the organization. These access levels can only be Global or
 *   None" (learn.microsoft.com/power-apps/developer/data-platform/security-concepts).
 * - Assign and Share: an organization-owned row has no owner to assign or share, and the platform
 *   creates no prvAssign/prvShare privilege for such a table (not stated in one sentence of the
 *   docs; the harsher reading: a role naming one would not import as written).
 */
import { roles } from "../../solution/components";
import { entities, entityInfo, entityName, originOf, type SolutionPackage } from "../../solution/package";
import { attr, childText, descendants } from "../../solution/xml";
import type { CheckRule, Problem } from "../types";

/** Privilege name prefixes, longest first so prvAppendTo is not read as prvAppend + "To…". */
const OPERATIONS = ["AppendTo", "Append", "Assign", "Create", "Delete", "Read", "Share", "Write"];

export const rolePrivileges: CheckRule = {
  id: "role-privileges",
  description: "roles grant only Global Create/Read/Write/Delete/Append/AppendTo on organization-owned tables",
  check(pkg: SolutionPackage): Problem[] {
    const orgOwned = new Map<string, string>(); // lower-cased schema name -> schema name
    for (const e of entities(pkg)) {
      const info = entityInfo(e);
      const ownership = (info ? childText(info, "OwnershipTypeMask") : undefined) ?? "";
      if (/^org(anization)?owned$/i.test(ownership)) orgOwned.set(entityName(e).toLowerCase(), entityName(e));
    }
    if (orgOwned.size === 0) return [];
    const out: Problem[] = [];
    for (const role of roles(pkg)) {
      for (const p of descendants(role, "RolePrivilege")) {
        const name = attr(p, "name") ?? "";
        const op = OPERATIONS.find((o) => name.startsWith(`prv${o}`));
        const table = op ? orgOwned.get(name.slice(3 + op.length).toLowerCase()) : undefined;
        if (!op || !table) continue;
        const where = { rule: "role-privileges", file: originOf(pkg, role), element: `<RolePrivilege name="${name}" level="${attr(p, "level")}"> in role "${attr(role, "name")}"` };
        if (op === "Assign" || op === "Share") {
          out.push({ ...where, message: `${table} is organization-owned: it has no ${op} privilege (its rows have no owner)`, fix: `remove the privilege; ${table} takes Create, Read, Write, Delete, Append and AppendTo only` });
        } else if (attr(p, "level") !== "Global") {
          out.push({ ...where, message: `${table} is organization-owned: its privileges are Global or none, not ${attr(p, "level")}`, fix: 'set level="Global", or remove the privilege to grant none' });
        }
      }
    }
    return out;
  },
};
