/**
 * Sample data for the PCF harness (browser test, screenshots, benchmark). Audit lines are written
 * with the rulebook's own formatAuditLine, so they are exactly what the flows store.
 */
import { auditTimestamp, formatAuditLine, type AuditDirection, type AuditOutcome } from "../../../plugins-ts/src/rulebook/audit";

/** The fixed "now" of the screenshots: 22 Nov 2026, 10:20 UTC. */
export const SAMPLE_NOW = Date.parse("2026-11-22T10:20:00Z");
export const SAMPLE_REFERRAL_ID = "7c9e6679-7425-40de-944b-e07fc1f90ae7";
export const SAMPLE_REFERRAL_LINK = `https://partner.microsoft.com/en-us/dashboard/referrals/v2/leads/${SAMPLE_REFERRAL_ID}`;

const at = (now: number, minutesAgo: number): string => auditTimestamp(new Date(now - minutesAgo * 60_000));
const line = (now: number, minutesAgo: number, direction: AuditDirection, outcome: AuditOutcome, operation: string, message: string): string =>
  formatAuditLine({ timestamp: at(now, minutesAgo), direction, outcome, operation, message });

export const LONG_ERROR =
  "Partner Center rejected the update with 412 Precondition Failed after one re-read and retry: the referral was changed in " +
  "Partner Center at the same time. Open the referral, check the latest values and save the opportunity again to retry. " +
  "Correlation id 4f1c2a9e-7d3b-4a8e-9c21-5b6f0e7d8a13.";
export const RAW_LINE = "Referral re-linked manually by admin (support case 2611220042)";
export const COUNTRY_ERROR = "Country on the customer account (address1_country) must be a two-letter ISO 3166 code such as US.";

/** A realistic audit, newest first: errors, successes, a skipped echo, an info line and one raw line. */
export function sampleAudit(now = SAMPLE_NOW): string {
  return [
    line(now, 5, "CRM->PC", "Error", "update", LONG_ERROR),
    line(now, 8, "PC->CRM", "Success", "inbound", `Referral ${SAMPLE_REFERRAL_ID} updated: dealValue, closingDateTime.`),
    line(now, 22, "CRM->PC", "Skipped", "update", "Nothing to send: synced fields unchanged (hash match)."),
    RAW_LINE,
    line(now, 40, "CRM->PC", "Success", "solutions", "2 Microsoft solutions shared: SOL-12345-ABC, SOL-67890-XYZ."),
    line(now, 49, "CRM->PC", "Error", "create", COUNTRY_ERROR),
    line(now, 50, "CRM->PC", "Info", "validate", "Validation started for opportunity Contoso – Azure migration."),
    line(now, 26 * 60, "PC->CRM", "Success", "inbound", "Referral created from Partner Center: Contoso – Azure migration (co-sell, Microsoft-sourced)."),
  ].join("\n");
}

/** An audit whose newest line is the country error: what the Error badge shows. */
export function errorAudit(now = SAMPLE_NOW): string {
  return [
    line(now, 3, "CRM->PC", "Error", "create", COUNTRY_ERROR),
    line(now, 4, "CRM->PC", "Info", "validate", "Validation started for opportunity Contoso – Azure migration."),
  ].join("\n");
}

/**
 * n lines, newest first, one a minute: mostly successes, every 7th an error, every 11th a long
 * message, every 50th a line not in the format. The stress input of the timeline's benchmark.
 */
export function bulkAudit(n: number, now = SAMPLE_NOW): string {
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    if (i % 50 === 49) lines.push(`${RAW_LINE} #${i}`);
    else if (i % 7 === 3) lines.push(line(now, i, "CRM->PC", "Error", "update", i % 11 === 0 ? LONG_ERROR : COUNTRY_ERROR));
    else if (i % 11 === 0) lines.push(line(now, i, "PC->CRM", "Info", "inbound", LONG_ERROR));
    else lines.push(line(now, i, i % 2 ? "PC->CRM" : "CRM->PC", "Success", i % 2 ? "inbound" : "update", `Referral ${SAMPLE_REFERRAL_ID} updated: dealValue, closingDateTime (${i}).`));
  }
  return lines.join("\n");
}
