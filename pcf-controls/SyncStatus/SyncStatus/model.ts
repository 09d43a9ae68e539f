/**
 * What the Sync Status control shows, read from the PCF context without ever throwing: every input
 * may be missing, null, of the wrong type or (for the choice) a value this version does not know.
 */
import { latestError, type AuditEntry } from "../../../plugins-ts/src/rulebook/audit";
import { SyncStatus } from "../../../plugins-ts/src/model/schema";
import { safeHttpUrl } from "../../shared/src/dom";
import { toDate } from "../../shared/src/time";
import type { IInputs } from "./inputs";

export type StatusKind = "notSynced" | "pending" | "synced" | "error" | "unknown";

export interface SyncStatusModel {
  kind: StatusKind;
  /** The choice value as a number, when it is one. */
  value: number | null;
  /** How the "unknown" badge names a value this version cannot read. */
  unknownText?: string;
  lastSyncedOn?: Date;
  /** The platform's own formatting of lastSyncedOn (user's format and time zone), when given. */
  lastSyncedOnFormatted?: string;
  referralUrl?: string;
  referralStatus?: string;
  /** The newest audit entry, when it is an error (shown only in the Error state). */
  error?: AuditEntry;
}

const KIND_BY_VALUE = new Map<number, StatusKind>([
  [SyncStatus.NotSynced, "notSynced"],
  [SyncStatus.Pending, "pending"],
  [SyncStatus.Synced, "synced"],
  [SyncStatus.Error, "error"],
]);

function raw(parameters: Partial<IInputs> | undefined, name: keyof IInputs): unknown {
  try {
    const property = parameters?.[name] as { raw?: unknown } | undefined | null;
    return property && typeof property === "object" ? property.raw : undefined;
  } catch {
    return undefined;
  }
}

function formatted(parameters: Partial<IInputs> | undefined, name: keyof IInputs): string | undefined {
  try {
    const property = parameters?.[name] as { formatted?: unknown } | undefined | null;
    const text = property && typeof property === "object" ? property.formatted : undefined;
    return typeof text === "string" && text.trim() !== "" ? text.trim() : undefined;
  } catch {
    return undefined;
  }
}

function text(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
}

/** The choice value as a number: OptionSet raw is a number; tolerate a numeric string. */
export function choiceValue(value: unknown): number | null {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "string" && /^\s*-?\d+\s*$/.test(value)) return Number(value);
  return null;
}

export function readModel(parameters: Partial<IInputs> | undefined): SyncStatusModel {
  const rawValue = raw(parameters, "value");
  const value = choiceValue(rawValue);
  // No value means the row has never been through the sync: show it as Not synced. Anything else
  // that is not one of the four choices is shown as unknown, never silently as another state.
  const empty = rawValue === null || rawValue === undefined || (typeof rawValue === "string" && rawValue.trim() === "");
  const kind: StatusKind = empty ? "notSynced" : value === null ? "unknown" : (KIND_BY_VALUE.get(value) ?? "unknown");
  const unknownText = kind !== "unknown" ? undefined : value !== null ? String(value) : typeof rawValue === "string" ? rawValue.trim().slice(0, 40) : "?";
  const lastSyncedOn = toDate(raw(parameters, "lastSyncedOn"));
  const audit = raw(parameters, "audit");
  let error: AuditEntry | undefined;
  if (kind === "error" && typeof audit === "string") {
    try {
      error = latestError(audit);
    } catch {
      error = undefined;
    }
  }
  return {
    kind,
    value,
    unknownText,
    lastSyncedOn,
    lastSyncedOnFormatted: lastSyncedOn ? formatted(parameters, "lastSyncedOn") : undefined,
    referralUrl: safeHttpUrl(raw(parameters, "referralLink")),
    referralStatus: text(raw(parameters, "referralStatus")),
    error,
  };
}

/** Equal models render equally: updateView skips the DOM when nothing it shows has changed. */
export function modelKey(model: SyncStatusModel): string {
  return JSON.stringify([
    model.kind,
    model.value,
    model.unknownText ?? null,
    model.lastSyncedOn?.getTime() ?? null,
    model.lastSyncedOnFormatted ?? null,
    model.referralUrl ?? null,
    model.referralStatus ?? null,
    model.error ? [model.error.timestamp, model.error.direction, model.error.operation, model.error.message] : null,
  ]);
}
