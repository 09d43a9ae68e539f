/**
 * The Audit column (pcs_syncaudit): one line per sync outcome, newest first, capped so the column
 * never overflows. Flows write it (same format, same caps, in WDL), the form script and the PCF
 * controls read it. Pure functions; no clock of its own.
 *
 * A line:  2026-11-22T10:15:03Z | CRM->PC | Error | create | Customer account country ... is missing | run 6b2f…/0858…
 *          timestamp (UTC, seconds) | direction | outcome | operation | message (single line) [| run <flow>/<run>]
 * The optional last part names the flow run that wrote the line (workflow()'s name and run name), so
 * an admin can open it in the run history.
 */

export type AuditDirection = "CRM->PC" | "PC->CRM";
export type AuditOutcome = "Success" | "Error" | "Skipped" | "Info";

export const AUDIT_DIRECTIONS: readonly AuditDirection[] = ["CRM->PC", "PC->CRM"];
export const AUDIT_OUTCOMES: readonly AuditOutcome[] = ["Success", "Error", "Skipped", "Info"];
export const AUDIT_SEPARATOR = " | ";

/** Caps shared with the flows (their expressions use the same numbers). */
export const AUDIT_MAX_LINES = 50;
export const AUDIT_MAX_CHARS = 10000;
export const AUDIT_MAX_MESSAGE_CHARS = 500;

export interface AuditEntry {
  /** ISO-8601 UTC to the second, e.g. 2026-11-22T10:15:03Z. */
  timestamp: string;
  direction: AuditDirection;
  outcome: AuditOutcome;
  /** Short verb naming what was attempted: create, update, inbound, solutions, close, validate… */
  operation: string;
  message: string;
  /** The flow run that wrote the line: "<workflow name>/<run name>", as workflow() gives them. */
  run?: string;
}

/** A parsed line, or the raw text of a line that is not in the format (never dropped). */
export type ParsedAuditLine = ({ kind: "entry" } & AuditEntry) | { kind: "raw"; text: string };

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const OPERATION = /^[a-z][a-z0-9-]*$/;
const RUN = /^run ([A-Za-z0-9-]+\/[A-Za-z0-9-]+)$/;

/** UTC timestamp to the second, the form the flows write with formatDateTime(utcNow(), 'yyyy-MM-ddTHH:mm:ssZ'). */
export function auditTimestamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/**
 * Keeps a message to one line, without secrets, and short: newlines become spaces, bearer tokens and
 * signatures are masked, and the text is cut to AUDIT_MAX_MESSAGE_CHARS with an ellipsis.
 */
export function sanitizeAuditMessage(message: string): string {
  let text = String(message ?? "")
    .replace(/[\r\n\t]+/g, " ")
    .replace(/\b(Bearer|Signature)\s+[A-Za-z0-9\-._~+/]+=*/gi, "$1 ***")
    .replace(/ {2,}/g, " ")
    .trim();
  if (text.length > AUDIT_MAX_MESSAGE_CHARS) text = text.slice(0, AUDIT_MAX_MESSAGE_CHARS - 1) + "…";
  return text;
}

export function formatAuditLine(entry: AuditEntry): string {
  if (!TIMESTAMP.test(entry.timestamp)) throw new Error(`Audit timestamp must be UTC to the second (yyyy-MM-ddTHH:mm:ssZ), got "${entry.timestamp}"`);
  if (!AUDIT_DIRECTIONS.includes(entry.direction)) throw new Error(`Audit direction must be one of ${AUDIT_DIRECTIONS.join(", ")}, got "${entry.direction}"`);
  if (!AUDIT_OUTCOMES.includes(entry.outcome)) throw new Error(`Audit outcome must be one of ${AUDIT_OUTCOMES.join(", ")}, got "${entry.outcome}"`);
  if (!OPERATION.test(entry.operation)) throw new Error(`Audit operation must be a lower-case word, got "${entry.operation}"`);
  if (entry.run !== undefined && !RUN.test(`run ${entry.run}`)) throw new Error(`Audit run must be "<workflow name>/<run name>", got "${entry.run}"`);
  const parts = [entry.timestamp, entry.direction, entry.outcome, entry.operation, sanitizeAuditMessage(entry.message)];
  return (entry.run ? [...parts, `run ${entry.run}`] : parts).join(AUDIT_SEPARATOR);
}

export function parseAuditLine(line: string): ParsedAuditLine {
  const parts = line.split(AUDIT_SEPARATOR);
  if (parts.length >= 5) {
    const [timestamp, direction, outcome, operation, ...rest] = parts;
    if (
      TIMESTAMP.test(timestamp) &&
      (AUDIT_DIRECTIONS as readonly string[]).includes(direction) &&
      (AUDIT_OUTCOMES as readonly string[]).includes(outcome) &&
      OPERATION.test(operation)
    ) {
      const run = rest.length > 1 ? RUN.exec(rest[rest.length - 1]) : null;
      return {
        kind: "entry",
        timestamp,
        direction: direction as AuditDirection,
        outcome: outcome as AuditOutcome,
        operation,
        message: (run ? rest.slice(0, -1) : rest).join(AUDIT_SEPARATOR),
        ...(run ? { run: run[1] } : {}),
      };
    }
  }
  return { kind: "raw", text: line };
}

/** Every non-empty line of the column, in stored (newest-first) order. */
export function parseAudit(text: string | null | undefined): ParsedAuditLine[] {
  if (!text) return [];
  return text
    .split(/\r?\n/)
    .filter((l) => l.trim() !== "")
    .map(parseAuditLine);
}

/**
 * Caps a newest-first audit text: at most maxLines lines, then whole lines dropped from the oldest
 * end until it fits maxChars (a single over-long newest line is cut, never dropped).
 */
export function capAudit(text: string, maxLines = AUDIT_MAX_LINES, maxChars = AUDIT_MAX_CHARS): string {
  const lines = text.split("\n").filter((l) => l !== "").slice(0, maxLines);
  let joined = lines.join("\n");
  while (joined.length > maxChars && lines.length > 1) {
    lines.pop();
    joined = lines.join("\n");
  }
  return joined.length > maxChars ? joined.slice(0, maxChars) : joined;
}

/**
 * Room kept for the newest line: a line is at most this long (timestamp, direction, outcome,
 * operation, a 500-character message and the run), so the history can be capped before the line is
 * known, which keeps the flows' expression short (they write the same: flows/src/blocks/sync.ts).
 */
export const AUDIT_LINE_RESERVE = 700;

/** The column's new value after recording one entry: the new line first, then the history capped to leave it room. */
export function prependAudit(existing: string | null | undefined, entry: AuditEntry, maxLines = AUDIT_MAX_LINES, maxChars = AUDIT_MAX_CHARS): string {
  const line = formatAuditLine(entry);
  const history = existing ? capAudit(existing, maxLines - 1, maxChars - AUDIT_LINE_RESERVE) : "";
  return history ? `${line}\n${history}` : line;
}

/** The newest entry whose outcome is Error, if the newest outcome of any kind is an error. */
export function latestError(text: string | null | undefined): AuditEntry | undefined {
  const newest = parseAudit(text).find((l) => l.kind === "entry");
  return newest && newest.kind === "entry" && newest.outcome === "Error" ? newest : undefined;
}

/** One audit line, whole (parseAuditLine's checks in one expression): outcome, then the rest. */
const ENTRY_LINE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z \| (?:CRM->PC|PC->CRM) \| (Success|Error|Skipped|Info) \| [a-z][a-z0-9-]* \| (.*)$/;
const RUN_SUFFIX = / \| run [A-Za-z0-9-]+\/[A-Za-z0-9-]+$/;

/**
 * latestError(text)?.message, in the few bytes the form script can spend: the message of the newest
 * entry when that entry is an error (the form's notification reads only this).
 */
export function latestErrorMessage(text: string | null | undefined): string | undefined {
  for (const line of (text ?? "").split(/\r?\n/)) {
    const m = ENTRY_LINE.exec(line);
    if (m) return m[1] === "Error" ? m[2].replace(RUN_SUFFIX, "") : undefined;
  }
  return undefined;
}
