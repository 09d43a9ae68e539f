/**
 * Rule lookup-relationships: every lookup column the solution adds is the referencing column of one
 * one-to-many relationship the solution ships, from its own table, and every such relationship names
 * a column its referencing table has and a table that exists.
 *
 * Dataverse creates a lookup column only with its relationship (CreateOneToManyRequest takes both:
 * learn.microsoft.com/power-apps/developer/data-platform/create-update-entity-relationships), so an
 * import cannot give a lookup without one, nor a relationship whose column is not there. A table the
 * relationship points to must be in the target environment: the solution's own (publisher prefix)
 * tables only when it ships them (a system table such as opportunity is assumed present).
 */
import { relationships } from "../../solution/components";
import { entities, entityAttributes, entityName, manifest, originOf, type SolutionPackage } from "../../solution/package";
import { attr, child, childText } from "../../solution/xml";
import type { CheckRule, Problem } from "../types";

export const lookupRelationships: CheckRule = {
  id: "lookup-relationships",
  description: "each custom lookup has exactly one relationship, and each relationship names a column and a table that exist",
  check(pkg: SolutionPackage): Problem[] {
    const out: Problem[] = [];
    const m = manifest(pkg);
    const prefix = ((m ? childText(child(m, "Publisher") ?? m, "CustomizationPrefix") : undefined) ?? "").toLowerCase();
    const tables = new Map(entities(pkg).map((e) => [entityName(e).toLowerCase(), e]));
    const rels = relationships(pkg).filter((r) => (childText(r, "EntityRelationshipType") ?? "OneToMany") === "OneToMany");
    const key = (table: string | undefined, column: string | undefined): string => `${(table ?? "").toLowerCase()}.${(column ?? "").toLowerCase()}`;
    const byColumn = new Map<string, string[]>();
    for (const r of rels) {
      const k = key(childText(r, "ReferencingEntityName"), childText(r, "ReferencingAttributeName"));
      byColumn.set(k, [...(byColumn.get(k) ?? []), attr(r, "Name") ?? ""]);
    }

    for (const [table, e] of tables) {
      for (const a of entityAttributes(e)) {
        if (childText(a, "Type") !== "lookup" || childText(a, "IsCustomField") !== "1") continue;
        const column = childText(a, "LogicalName") ?? "";
        const found = byColumn.get(key(table, column)) ?? [];
        if (found.length === 1) continue;
        out.push({
          rule: "lookup-relationships",
          file: originOf(pkg, a),
          element: `<attribute PhysicalName="${attr(a, "PhysicalName")}"> of ${entityName(e)}`,
          message: found.length === 0 ? "is a lookup with no relationship: Dataverse creates a lookup only with its one-to-many relationship" : `is the referencing column of ${found.length} relationships (${found.join(", ")})`,
          fix: found.length === 0 ? "add the <EntityRelationship> (Other/Relationships/<referenced table>.xml) whose ReferencingAttributeName is this column" : "keep one relationship per lookup column",
        });
      }
    }

    for (const r of rels) {
      const where = { rule: "lookup-relationships", file: originOf(pkg, r), element: `<EntityRelationship Name="${attr(r, "Name")}">` };
      const referencing = (childText(r, "ReferencingEntityName") ?? "").toLowerCase();
      const referenced = (childText(r, "ReferencedEntityName") ?? "").toLowerCase();
      const column = (childText(r, "ReferencingAttributeName") ?? "").toLowerCase();
      const ours = (t: string): boolean => prefix !== "" && t.startsWith(`${prefix}_`);
      for (const t of [referencing, referenced]) {
        if (ours(t) && !tables.has(t)) out.push({ ...where, message: `names the table ${t}, which the solution does not ship`, fix: `ship ${t} (Entities/<SchemaName>) or point the relationship at a table that exists` });
      }
      const table = tables.get(referencing);
      // A system table's own columns (ownerid, createdby …) are the platform's; only columns of ours must be in the file.
      if (table && ours(column) && !entityAttributes(table).some((a) => (childText(a, "LogicalName") ?? "").toLowerCase() === column)) {
        out.push({ ...where, message: `names the column ${column}, which ${entityName(table)} does not have`, fix: `add the lookup column ${childText(r, "ReferencingAttributeName")} to ${entityName(table)}, or correct ReferencingAttributeName` });
      }
    }
    return out;
  },
};
