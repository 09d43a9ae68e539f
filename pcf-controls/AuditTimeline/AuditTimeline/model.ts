/**
 * The timeline's rows, from the Audit column text, through the rulebook's own parser
 * (plugins-ts/src/rulebook/audit.ts): stored order is newest first and is kept; a line that is not
 * in the format becomes a "raw" row shown as it is, never dropped.
 */
import { AUDIT_SEPARATOR, parseAudit, type AuditEntry } from "../../../plugins-ts/src/rulebook/audit";

export type TimelineRow =
  | { kind: "entry"; entry: AuditEntry; date: Date | undefined; line: string; isError: boolean }
  | { kind: "raw"; line: string; isError: false };

/** The column value as text; anything that is not a string shows as an empty audit. */
export function auditText(raw: unknown): string {
  return typeof raw === "string" ? raw : "";
}

export function readRows(text: string): TimelineRow[] {
  return parseAudit(text).map((parsed): TimelineRow => {
    if (parsed.kind === "raw") return { kind: "raw", line: parsed.text, isError: false };
    const { kind: _kind, ...entry } = parsed;
    const time = Date.parse(entry.timestamp);
    return {
      kind: "entry",
      entry,
      date: Number.isFinite(time) ? new Date(time) : undefined,
      // The exact stored line: parseAuditLine splits on the separator and keeps the rest of the
      // message joined with it, so joining the fields back gives the original text.
      line: [entry.timestamp, entry.direction, entry.outcome, entry.operation, entry.message].join(AUDIT_SEPARATOR),
      isError: entry.outcome === "Error",
    };
  });
}

/** Messages longer than this are collapsed to a preview with a "Show more" button. */
export const COLLAPSE_OVER_CHARS = 180;
export const PREVIEW_CHARS = 140;

/** A preview cut at a word boundary when one is near, with an ellipsis; the full text if short. */
export function preview(text: string): string {
  if (text.length <= COLLAPSE_OVER_CHARS) return text;
  const cut = text.slice(0, PREVIEW_CHARS);
  const space = cut.lastIndexOf(" ");
  return (space > PREVIEW_CHARS * 0.7 ? cut.slice(0, space) : cut).trimEnd() + "…";
}
