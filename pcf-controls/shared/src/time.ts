/**
 * Dates for people: "5 minutes ago" and wall-clock time in the user's Dataverse time zone.
 *
 * Dataverse's time zone is the user's setting, not the browser's, so absolute times are computed
 * from context.userSettings.getTimeZoneOffsetMinutes(date) (DST-aware, per date) and formatted with
 * Intl in UTC after shifting by that offset. Nothing here throws: bad input yields undefined.
 */

export interface TimeZoneSource {
  getTimeZoneOffsetMinutes?(date?: Date): number;
}

/** A Date from a Date, an ISO string or epoch milliseconds; undefined when it is not a valid instant. */
export function toDate(value: unknown): Date | undefined {
  let date: Date | undefined;
  if (value instanceof Date) date = value;
  else if (typeof value === "string" && value.trim() !== "") date = new Date(value);
  else if (typeof value === "number") date = new Date(value);
  return date && Number.isFinite(date.getTime()) ? date : undefined;
}

const UNITS: ReadonlyArray<readonly [Intl.RelativeTimeFormatUnit, number]> = [
  ["year", 365 * 86400],
  ["month", 30 * 86400],
  ["week", 7 * 86400],
  ["day", 86400],
  ["hour", 3600],
  ["minute", 60],
];

/** Below this many seconds either way a time is "just now". */
export const JUST_NOW_SECONDS = 60;

/**
 * "5 minutes ago", "yesterday", "in 2 hours" in the locale; "" for under a minute (the caller says
 * "just now" in its own words); undefined when Intl.RelativeTimeFormat is missing.
 */
export function formatRelative(date: Date, now: number, locale: string): string | undefined {
  const seconds = (date.getTime() - now) / 1000;
  const abs = Math.abs(seconds);
  if (abs < JUST_NOW_SECONDS) return "";
  if (typeof Intl === "undefined" || typeof Intl.RelativeTimeFormat !== "function") return undefined;
  const rtf = new Intl.RelativeTimeFormat(locale, { numeric: "auto" });
  for (const [unit, size] of UNITS) {
    if (abs >= size) return rtf.format(Math.sign(seconds) * Math.floor(abs / size), unit);
  }
  return rtf.format(Math.sign(seconds), "minute");
}

/** Offset in minutes of the user's Dataverse time zone at that date; the browser's when unknown. */
export function userOffsetMinutes(zone: TimeZoneSource | undefined | null, date: Date): number {
  try {
    const offset = zone?.getTimeZoneOffsetMinutes?.(date);
    if (typeof offset === "number" && Number.isFinite(offset)) return offset;
  } catch {
    /* fall through to the browser's zone */
  }
  return -date.getTimezoneOffset();
}

export type DateTimeFormatter = (date: Date) => string;

/**
 * A reusable formatter (one Intl.DateTimeFormat for any number of dates) showing the user's wall
 * time, e.g. "22 Nov 2026, 11:15" in en-GB or "Nov 22, 2026, 11:15 AM" in en-US.
 */
export function userDateTimeFormatter(locale: string, zone: TimeZoneSource | undefined | null): DateTimeFormatter {
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });
  } catch {
    format = new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });
  }
  // The offset can only change at a time-zone transition, and those fall on quarter hours: ask the
  // platform once per quarter hour of UTC time, not once per date (a long audit repeats hours).
  const offsets = new Map<number, number>();
  return (date) => {
    const quarter = Math.floor(date.getTime() / QUARTER_HOUR_MS);
    let offset = offsets.get(quarter);
    if (offset === undefined) {
      offset = userOffsetMinutes(zone, date);
      offsets.set(quarter, offset);
    }
    return format.format(new Date(date.getTime() + offset * 60000));
  };
}

const QUARTER_HOUR_MS = 15 * 60 * 1000;
