/**
 * Records in Error, grouped by cause: the newest Audit line of each opportunity and lead whose sync
 * status is Error (the flows write the reason there, rulebook/audit.ts). A cause shared by many
 * records is usually one setting to fix; the Audit says what the seller must change otherwise.
 */
import { LEAD, OPPORTUNITY, SyncStatus } from "../../../../../plugins-ts/src/model/schema";
import { latestError, parseAudit } from "../../../../../plugins-ts/src/rulebook/audit";
import { stripCheckMark } from "../../../../../plugins-ts/src/rulebook/check-mark";
import { ok, type Check, type Finding } from "../types";

/** The cause without the values that make each record's message unique (quoted values, ids, numbers). */
export function causeOf(message: string): string {
  return message
    .replace(/"[^"]*"|'[^']*'/g, "…")
    .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, "…")
    .replace(/\d+([.,]\d+)?/g, "#")
    .trim();
}

export const recordsCheck: Check = {
  name: "records",
  title: "Records in Error",
  async run(ctx) {
    if (!(await ctx.solution())) return [];
    const groups = new Map<string, { example: string; names: string[] }>();
    let total = 0;
    for (const t of [
      { set: OPPORTUNITY.entitySetName, id: OPPORTUNITY.primaryId, kind: "opportunity" },
      { set: LEAD.entitySetName, id: LEAD.primaryId, kind: "lead" },
    ]) {
      const name = t.kind === "lead" ? "fullname" : "name";
      const rows = await ctx.api.list<Record<string, unknown>>(`${t.set}?$select=${name},${OPPORTUNITY.syncAudit}&$filter=${OPPORTUNITY.syncStatus} eq ${SyncStatus.Error}`);
      for (const r of rows) {
        total++;
        const audit = r[OPPORTUNITY.syncAudit] as string | null;
        const err = latestError(audit);
        const newest = parseAudit(audit)[0];
        const message = err?.message ?? (newest?.kind === "entry" ? newest.message : newest?.kind === "raw" ? newest.text : "no Audit line says why");
        const key = causeOf(message);
        const g = groups.get(key) ?? { example: message, names: [] };
        g.names.push(`${t.kind} "${stripCheckMark(String(r[name] ?? r[t.id]))}"`);
        groups.set(key, g);
      }
    }
    if (!total) return [ok("records", "records-none", "No opportunity or lead is in Error.")];
    return [...groups.values()]
      .sort((a, b) => b.names.length - a.names.length)
      .map(
        (g): Finding => ({
          check: "records",
          code: "records-in-error",
          severity: "warning",
          subject: causeOf(g.example),
          message: `${g.names.length} record${g.names.length === 1 ? "" : "s"} in Error: ${g.example} (${g.names.slice(0, 3).join(", ")}${g.names.length > 3 ? ", …" : ""}).`,
          fix: "Fix what the message names on those records (or the setting behind it), then save them again; their Audit says the same.",
        }),
      );
  },
};
