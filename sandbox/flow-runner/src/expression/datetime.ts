/**
 * Timestamps the way the WDL date functions see them (.NET DateTime semantics):
 * 100-nanosecond precision, a kind (UTC when the text says Z or carries an offset, otherwise
 * "unspecified"), .NET standard and custom format strings
 * (learn.microsoft.com/dotnet/standard/base-types/standard-date-and-time-format-strings and
 * custom-date-and-time-format-strings) and Windows time zone names.
 *
 * Decision: a timestamp with an explicit offset (+02:00) is converted to UTC. .NET would give a
 * Local-kind value converted to the server's zone; Power Automate's servers run in UTC, so the
 * instant is the same, and printing 'Z' is the stable choice.
 */

import { CultureError, dateCulture, type DateCulture } from "./culture";

export type DateKind = "utc" | "unspecified";

export interface WdlDate {
  /** Milliseconds since 1970-01-01 of the wall-clock fields (UTC instant when kind is utc). */
  ms: number;
  /** Extra 100 ns ticks below the millisecond, 0..9999. */
  sub: number;
  kind: DateKind;
}

export class DateTimeError extends Error {}

const TICKS_AT_EPOCH = 621355968000000000n;

export function dateFromMs(ms: number, kind: DateKind = "utc", sub = 0): WdlDate {
  return { ms, sub, kind };
}

export function ticksOf(d: WdlDate): bigint {
  return BigInt(Math.round(d.ms)) * 10000n + BigInt(d.sub) + TICKS_AT_EPOCH;
}

export function dateFromTicks(t: bigint, kind: DateKind): WdlDate {
  const rel = t - TICKS_AT_EPOCH;
  let ms = rel / 10000n;
  let sub = rel % 10000n;
  if (sub < 0n) {
    sub += 10000n;
    ms -= 1n;
  }
  return { ms: Number(ms), sub: Number(sub), kind };
}

// ---------------------------------------------------------------- culture data

type Culture = DateCulture;

/** Culture data (./culture.ts): patterns, names and separators as .NET has them for the locale. */
export function culture(locale = "en-US"): Culture {
  try {
    return dateCulture(locale);
  } catch (e) {
    if (e instanceof CultureError) throw new DateTimeError(e.message);
    throw e;
  }
}

// ---------------------------------------------------------------- parsing

const pad = (n: number, w: number) => String(Math.trunc(Math.abs(n))).padStart(w, "0");

function build(y: number, mo: number, d: number, h: number, mi: number, s: number, fracText: string | undefined): { ms: number; sub: number } {
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || s > 59) {
    throw new DateTimeError("out of range");
  }
  const frac = (fracText ?? "").slice(0, 7).padEnd(7, "0");
  const ticks = Number(frac);
  const base = Date.UTC(y, mo - 1, d, h, mi, s);
  const dt = new Date(base);
  if (y < 100) dt.setUTCFullYear(y);
  return { ms: dt.getTime() + Math.floor(ticks / 10000), sub: ticks % 10000 };
}

export function daysInMonth(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

const ISO = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[Tt ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;
const US = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?\s*([AaPp][Mm])?)?\s*(Z|[+-]\d{2}:?\d{2})?$/;

function applyZone(r: { ms: number; sub: number }, zone: string | undefined): WdlDate {
  if (!zone) return { ...r, kind: "unspecified" };
  if (zone === "Z" || zone === "z") return { ...r, kind: "utc" };
  const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone)!;
  const off = (Number(m[2]) * 60 + Number(m[3] ?? 0)) * (m[1] === "-" ? -1 : 1);
  return { ms: r.ms - off * 60000, sub: r.sub, kind: "utc" };
}

/**
 * Parse a timestamp as the WDL date functions accept it: ISO 8601 (with or without time, fraction
 * and zone), the invariant culture's M/d/yyyy [h:mm[:ss] [AM|PM]], and RFC 1123 dates.
 */
export function parseTimestamp(text: unknown, fn = "the function"): WdlDate {
  if (typeof text !== "string") {
    throw new DateTimeError(`The template language function '${fn}' expects its parameter to be a string that contains a timestamp. The provided value is of type '${text === null ? "Null" : typeof text}'.`);
  }
  const s = text.trim();
  let m = ISO.exec(s);
  try {
    if (m) {
      const r = build(+m[1], +m[2], +m[3], +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0), m[7]);
      return applyZone(r, m[8]);
    }
    m = US.exec(s);
    if (m) {
      let h = +(m[4] ?? 0);
      const ampm = m[8]?.toUpperCase();
      if (ampm === "PM" && h < 12) h += 12;
      if (ampm === "AM" && h === 12) h = 0;
      const r = build(+m[3], +m[1], +m[2], h, +(m[5] ?? 0), +(m[6] ?? 0), m[7]);
      return applyZone(r, m[9]);
    }
  } catch {
    /* fall through to the error below */
  }
  if (/^[A-Za-z]{3}, \d{1,2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} (GMT|UTC|Z)$/.test(s)) {
    const ms = Date.parse(s);
    if (!Number.isNaN(ms)) return { ms, sub: 0, kind: "utc" };
  }
  throw new DateTimeError(
    `The template language function '${fn}' expects its parameter to be a string that contains a valid timestamp. The provided value '${s}' is not a valid timestamp.`,
  );
}

/**
 * parseDateTime(): without a format, try ISO and the invariant forms, then the locale's own
 * day/month order with localized month names ("20 octobre 2010", "martes 20 octubre 2020").
 */
export function parseWithLocale(text: string, locale: string, format?: string): WdlDate {
  const c = culture(locale);
  if (format) return parseExact(text, format, c);
  const trimmed = text.trim();
  if (ISO.test(trimmed)) return parseTimestamp(trimmed, "parseDateTime");
  const norm = (x: string) => x.normalize("NFD").replace(/[\u0300-\u036f.]/g, "").toLowerCase();
  const tokens = trimmed.split(/[\s,/.-]+/).filter(Boolean);
  let y: number | undefined;
  let mo: number | undefined;
  let d: number | undefined;
  let h = 0;
  let mi = 0;
  let sec = 0;
  const nums: number[] = [];
  for (const tok of tokens) {
    const tm = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(tok);
    if (tm) {
      h = +tm[1];
      mi = +tm[2];
      sec = +(tm[3] ?? 0);
      continue;
    }
    if (/^\d+$/.test(tok)) {
      if (tok.length === 4) y = +tok;
      else nums.push(+tok);
      continue;
    }
    const n = norm(tok);
    const find = (list: string[]) => list.findIndex((x) => norm(x) === n);
    const mIdx = [find(c.monthNames), find(c.monthGenitiveNames)].find((k) => k >= 0) ?? -1;
    const aIdx = [find(c.monthAbbr), find(c.monthGenitiveAbbr)].find((k) => k >= 0) ?? -1;
    if (mIdx >= 0 || aIdx >= 0) {
      mo = (mIdx >= 0 ? mIdx : aIdx) + 1;
      continue;
    }
    if (c.dayNames.some((x) => norm(x) === n) || c.dayAbbr.some((x) => norm(x) === n)) continue;
    if (/^(a\.?m\.?|p\.?m\.?)$/i.test(tok)) {
      if (/^p/i.test(tok) && h < 12) h += 12;
      if (/^a/i.test(tok) && h === 12) h = 0;
      continue;
    }
    throw new DateTimeError(`The provided value '${text}' could not be parsed as a timestamp for locale '${locale}'.`);
  }
  if (mo === undefined) {
    if (nums.length < 2) throw new DateTimeError(`The provided value '${text}' could not be parsed as a timestamp for locale '${locale}'.`);
    [d, mo] = c.dayFirst ? [nums[0], nums[1]] : [nums[1], nums[0]];
  } else {
    d = nums[0];
  }
  if (y === undefined || d === undefined) throw new DateTimeError(`The provided value '${text}' could not be parsed as a timestamp for locale '${locale}'.`);
  try {
    return { ...build(y, mo, d, h, mi, sec, undefined), kind: "unspecified" };
  } catch {
    throw new DateTimeError(`The provided value '${text}' could not be parsed as a timestamp for locale '${locale}'.`);
  }
}

/** Parse with a .NET custom format (digits, names, literals, escapes). */
export function parseExact(text: string, format: string, c: Culture): WdlDate {
  const fmt = format.length === 1 ? c.patterns[format] ?? STANDARD_FIXED[format] ?? format : format;
  let pos = 0;
  let y = 1;
  let mo = 1;
  let d = 1;
  let h = 0;
  let mi = 0;
  let s = 0;
  let frac = "";
  let pm: boolean | undefined;
  let zone: string | undefined;
  const fail = (): never => {
    throw new DateTimeError(`String '${text}' was not recognized as a valid DateTime for the format '${format}'.`);
  };
  const digits = (min: number, max: number): number => {
    const m = new RegExp(`^\\d{${min},${max}}`).exec(text.slice(pos));
    if (!m) fail();
    pos += m![0].length;
    return Number(m![0]);
  };
  for (const tok of tokenize(fmt)) {
    if (tok.kind === "literal") {
      if (text.slice(pos, pos + tok.text.length) !== tok.text) fail();
      pos += tok.text.length;
      continue;
    }
    const { ch, n } = tok;
    if (ch === "/" || ch === ":") {
      const sep = ch === "/" ? c.dateSep : c.timeSep;
      if (text.slice(pos, pos + sep.length) !== sep) fail();
      pos += sep.length;
      continue;
    }
    switch (ch) {
      case "y":
        y = n <= 2 ? 2000 + digits(2, 2) : digits(n, Math.max(n, 4));
        break;
      case "M":
        if (n <= 2) mo = digits(n, 2);
        else {
          const lists = n === 3 ? [c.monthGenitiveAbbr, c.monthAbbr] : [c.monthGenitiveNames, c.monthNames];
          const rest = text.slice(pos).toLowerCase();
          const names = lists.find((l) => l.some((x) => rest.startsWith(x.toLowerCase()))) ?? lists[0];
          const idx = names.findIndex((x) => rest.startsWith(x.toLowerCase()));
          if (idx < 0) fail();
          pos += names[idx].length;
          mo = idx + 1;
        }
        break;
      case "d":
        if (n <= 2) d = digits(n, 2);
        else {
          const names = n === 3 ? c.dayAbbr : c.dayNames;
          const idx = names.findIndex((x) => text.slice(pos).toLowerCase().startsWith(x.toLowerCase()));
          if (idx < 0) fail();
          pos += names[idx].length;
        }
        break;
      case "H":
        h = digits(n, 2);
        break;
      case "h":
        h = digits(n, 2) % 12;
        break;
      case "m":
        mi = digits(n, 2);
        break;
      case "s":
        s = digits(n, 2);
        break;
      case "f":
      case "F": {
        const m = /^\d+/.exec(text.slice(pos));
        if (!m && ch === "f") fail();
        frac = m ? m[0].slice(0, n) : "";
        pos += frac.length;
        break;
      }
      case "t": {
        const rest = text.slice(pos).toUpperCase();
        if (rest.startsWith("AM") || rest.startsWith("PM")) {
          pm = rest.startsWith("PM");
          pos += n === 1 ? 1 : 2;
        } else if (rest.startsWith("A") || rest.startsWith("P")) {
          pm = rest.startsWith("P");
          pos += 1;
        } else fail();
        break;
      }
      case "K":
      case "z": {
        const m = /^(Z|[+-]\d{2}(?::?\d{2})?)/.exec(text.slice(pos));
        if (m) {
          zone = m[0];
          pos += m[0].length;
        } else if (ch === "z") fail();
        break;
      }
      default:
        fail();
    }
  }
  if (pos !== text.length) fail();
  if (pm !== undefined) h = (h % 12) + (pm ? 12 : 0);
  try {
    return applyZone(build(y, mo, d, h, mi, s, frac), zone);
  } catch {
    return fail();
  }
}

// ---------------------------------------------------------------- formatting

type FmtToken = { kind: "literal"; text: string } | { kind: "spec"; ch: string; n: number };

const SPEC_CHARS = "dfFghHKmMstyz";

function tokenize(fmt: string): FmtToken[] {
  const out: FmtToken[] = [];
  const lit = (t: string) => {
    const last = out[out.length - 1];
    if (last && last.kind === "literal") last.text += t;
    else out.push({ kind: "literal", text: t });
  };
  let i = 0;
  while (i < fmt.length) {
    const c = fmt[i];
    if (c === "'" || c === '"') {
      const end = fmt.indexOf(c, i + 1);
      if (end < 0) throw new DateTimeError(`Cannot find a matching quote character for the character '${c}' in the format '${fmt}'.`);
      lit(fmt.slice(i + 1, end));
      i = end + 1;
      continue;
    }
    if (c === "\\") {
      if (i + 1 < fmt.length) lit(fmt[i + 1]);
      i += 2;
      continue;
    }
    if (c === "%") {
      i++;
      continue;
    }
    if (c === ":" || c === "/") {
      // .NET: '/' is the culture's date separator, ':' its time separator
      out.push({ kind: "spec", ch: c, n: 1 });
      i++;
      continue;
    }
    if (SPEC_CHARS.includes(c)) {
      let n = 1;
      while (fmt[i + n] === c) n++;
      out.push({ kind: "spec", ch: c, n });
      i += n;
      continue;
    }
    lit(c);
    i++;
  }
  return out;
}

/** Standard specifiers that are culture-invariant. */
const STANDARD_FIXED: Record<string, string> = {
  o: "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffffK",
  O: "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffffK",
  s: "yyyy'-'MM'-'dd'T'HH':'mm':'ss",
  u: "yyyy'-'MM'-'dd HH':'mm':'ss'Z'",
  r: "ddd, dd MMM yyyy HH':'mm':'ss 'GMT'",
  R: "ddd, dd MMM yyyy HH':'mm':'ss 'GMT'",
};

/** Format a timestamp with a .NET standard or custom format string (default 'o'). */
export function formatDate(d: WdlDate, format = "o", locale = "en-US"): string {
  if (format === "") format = "o";
  const c = format === "r" || format === "R" || format === "o" || format === "O" || format === "s" || format === "u" ? culture("en-US") : culture(locale);
  let pattern: string;
  let date = d;
  if (format.length === 1) {
    if (format === "U") {
      pattern = c.patterns.F;
      date = { ...d, kind: "utc" };
    } else {
      const p = STANDARD_FIXED[format] ?? c.patterns[format];
      if (!p) throw new DateTimeError(`The provided format '${format}' isn't valid. It must be a valid standard or custom date and time format string.`);
      pattern = p;
    }
  } else pattern = format;
  const dt = new Date(date.ms);
  const Y = dt.getUTCFullYear();
  const Mo = dt.getUTCMonth() + 1;
  const D = dt.getUTCDate();
  const H = dt.getUTCHours();
  const Mi = dt.getUTCMinutes();
  const S = dt.getUTCSeconds();
  const fracTicks = dt.getUTCMilliseconds() * 10000 + date.sub;
  const frac7 = String(fracTicks).padStart(7, "0");
  const dow = dt.getUTCDay();
  const en = culture("en-US");
  const names = format === "r" || format === "R" ? en : c;
  let out = "";
  const tokens = tokenize(pattern);
  // .NET writes month names in the genitive when the pattern also shows the day of the month
  const genitive = tokens.some((t) => t.kind === "spec" && t.ch === "d" && t.n <= 2);
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.kind === "literal") {
      out += t.text;
      continue;
    }
    const { ch, n } = t;
    switch (ch) {
      case "d":
        out += n === 1 ? String(D) : n === 2 ? pad(D, 2) : n === 3 ? names.dayAbbr[dow] : names.dayNames[dow];
        break;
      case "M":
        out += n === 1 ? String(Mo) : n === 2 ? pad(Mo, 2) : (n === 3 ? (genitive ? names.monthGenitiveAbbr : names.monthAbbr) : genitive ? names.monthGenitiveNames : names.monthNames)[Mo - 1];
        break;
      case "/":
        out += names.dateSep;
        break;
      case ":":
        out += names.timeSep;
        break;
      case "y":
        out += n === 1 ? String(Y % 100) : n === 2 ? pad(Y % 100, 2) : pad(Y, n);
        break;
      case "h":
        out += n === 1 ? String(H % 12 || 12) : pad(H % 12 || 12, 2);
        break;
      case "H":
        out += n === 1 ? String(H) : pad(H, 2);
        break;
      case "m":
        out += n === 1 ? String(Mi) : pad(Mi, 2);
        break;
      case "s":
        out += n === 1 ? String(S) : pad(S, 2);
        break;
      case "f":
        if (n > 7) throw new DateTimeError(`The provided format '${format}' isn't valid.`);
        out += frac7.slice(0, n);
        break;
      case "F": {
        if (n > 7) throw new DateTimeError(`The provided format '${format}' isn't valid.`);
        const v = frac7.slice(0, n).replace(/0+$/, "");
        if (v === "" && out.endsWith(".")) out = out.slice(0, -1);
        out += v;
        break;
      }
      case "t": {
        const des = H < 12 ? c.am : c.pm;
        out += n === 1 ? des.slice(0, 1) : des;
        break;
      }
      case "g":
        out += "A.D.";
        break;
      case "K":
        out += date.kind === "utc" ? "Z" : "";
        break;
      case "z":
        out += n === 1 ? "+0" : n === 2 ? "+00" : "+00:00";
        break;
    }
  }
  return out;
}

// ---------------------------------------------------------------- arithmetic

export type TimeUnit = "second" | "minute" | "hour" | "day" | "week" | "month" | "year";

export function parseUnit(u: unknown): TimeUnit {
  const s = String(u).toLowerCase().replace(/s$/, "");
  if (["second", "minute", "hour", "day", "week", "month", "year"].includes(s)) return s as TimeUnit;
  throw new DateTimeError(`The time unit '${String(u)}' is not valid. Use Second, Minute, Hour, Day, Week, Month or Year.`);
}

export function addUnits(d: WdlDate, amount: number, unit: TimeUnit): WdlDate {
  const ticks = (n: number) => dateFromTicks(ticksOf(d) + BigInt(Math.round(n * 1e7)), d.kind);
  switch (unit) {
    case "second":
      return ticks(amount);
    case "minute":
      return ticks(amount * 60);
    case "hour":
      return ticks(amount * 3600);
    case "day":
      return ticks(amount * 86400);
    case "week":
      return ticks(amount * 7 * 86400);
    case "month":
    case "year": {
      const months = unit === "year" ? amount * 12 : amount;
      const dt = new Date(d.ms);
      const total = dt.getUTCFullYear() * 12 + dt.getUTCMonth() + Math.trunc(months);
      const y = Math.floor(total / 12);
      const m = total - y * 12;
      const day = Math.min(dt.getUTCDate(), daysInMonth(y, m + 1));
      const n = new Date(dt.getTime());
      n.setUTCFullYear(y, m, day);
      return { ms: n.getTime(), sub: d.sub, kind: d.kind };
    }
  }
}

/** TimeSpan "c" format: [-][d.]hh:mm:ss[.fffffff] */
export function formatTimeSpan(ticks: bigint): string {
  const neg = ticks < 0n;
  let t = neg ? -ticks : ticks;
  const frac = t % 10000000n;
  t /= 10000000n;
  const s = t % 60n;
  t /= 60n;
  const m = t % 60n;
  t /= 60n;
  const h = t % 24n;
  const days = t / 24n;
  const p2 = (x: bigint) => x.toString().padStart(2, "0");
  return (neg ? "-" : "") + (days > 0n ? `${days}.` : "") + `${p2(h)}:${p2(m)}:${p2(s)}` + (frac > 0n ? "." + frac.toString().padStart(7, "0") : "");
}

// ---------------------------------------------------------------- time zones

/** Windows time zone ids (as convertTimeZone takes them) → IANA ids. */
export const WINDOWS_ZONES: Record<string, string> = {
  UTC: "UTC",
  "Coordinated Universal Time": "UTC",
  "GMT Standard Time": "Europe/London",
  "Greenwich Standard Time": "Atlantic/Reykjavik",
  "W. Europe Standard Time": "Europe/Berlin",
  "Central Europe Standard Time": "Europe/Budapest",
  "Central European Standard Time": "Europe/Warsaw",
  "Romance Standard Time": "Europe/Paris",
  "E. Europe Standard Time": "Europe/Chisinau",
  "FLE Standard Time": "Europe/Kiev",
  "GTB Standard Time": "Europe/Bucharest",
  "Turkey Standard Time": "Europe/Istanbul",
  "Russian Standard Time": "Europe/Moscow",
  "Israel Standard Time": "Asia/Jerusalem",
  "Egypt Standard Time": "Africa/Cairo",
  "South Africa Standard Time": "Africa/Johannesburg",
  "W. Central Africa Standard Time": "Africa/Lagos",
  "Arab Standard Time": "Asia/Riyadh",
  "Arabian Standard Time": "Asia/Dubai",
  "Pakistan Standard Time": "Asia/Karachi",
  "India Standard Time": "Asia/Kolkata",
  "Nepal Standard Time": "Asia/Kathmandu",
  "Bangladesh Standard Time": "Asia/Dhaka",
  "SE Asia Standard Time": "Asia/Bangkok",
  "China Standard Time": "Asia/Shanghai",
  "Singapore Standard Time": "Asia/Singapore",
  "Taipei Standard Time": "Asia/Taipei",
  "Tokyo Standard Time": "Asia/Tokyo",
  "Korea Standard Time": "Asia/Seoul",
  "W. Australia Standard Time": "Australia/Perth",
  "Cen. Australia Standard Time": "Australia/Adelaide",
  "E. Australia Standard Time": "Australia/Brisbane",
  "AUS Eastern Standard Time": "Australia/Sydney",
  "New Zealand Standard Time": "Pacific/Auckland",
  "Hawaiian Standard Time": "Pacific/Honolulu",
  "Alaskan Standard Time": "America/Anchorage",
  "Pacific Standard Time": "America/Los_Angeles",
  "US Mountain Standard Time": "America/Phoenix",
  "Mountain Standard Time": "America/Denver",
  "Central Standard Time": "America/Chicago",
  "Central Standard Time (Mexico)": "America/Mexico_City",
  "Canada Central Standard Time": "America/Regina",
  "Eastern Standard Time": "America/New_York",
  "SA Pacific Standard Time": "America/Bogota",
  "Atlantic Standard Time": "America/Halifax",
  "Newfoundland Standard Time": "America/St_Johns",
  "E. South America Standard Time": "America/Sao_Paulo",
  "Argentina Standard Time": "America/Argentina/Buenos_Aires",
};

export function ianaZone(name: unknown): string {
  const s = String(name ?? "");
  const direct = WINDOWS_ZONES[s] ?? Object.entries(WINDOWS_ZONES).find(([k]) => k.replace(/[^A-Za-z]/g, "").toLowerCase() === s.replace(/[^A-Za-z]/g, "").toLowerCase())?.[1];
  if (direct) return direct;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: s });
    return s;
  } catch {
    throw new DateTimeError(`The provided time zone '${s}' isn't valid. Use a Windows time zone name such as 'Pacific Standard Time'.`);
  }
}

/** Offset of a zone from UTC (minutes) at a UTC instant. */
export function zoneOffsetMinutes(zone: string, utcMs: number): number {
  const fmt = new Intl.DateTimeFormat("en-US", {
    timeZone: zone,
    hourCycle: "h23",
    year: "numeric",
    month: "numeric",
    day: "numeric",
    hour: "numeric",
    minute: "numeric",
    second: "numeric",
  });
  const parts = Object.fromEntries(fmt.formatToParts(new Date(utcMs)).map((p) => [p.type, p.value]));
  const asUtc = Date.UTC(+parts.year, +parts.month - 1, +parts.day, +parts.hour % 24, +parts.minute, +parts.second);
  return Math.round((asUtc - Math.floor(utcMs / 1000) * 1000) / 60000);
}

/** UTC instant → wall clock of a zone (unspecified kind). */
export function fromUtc(d: WdlDate, zone: string): WdlDate {
  const off = zoneOffsetMinutes(zone, d.ms);
  return { ms: d.ms + off * 60000, sub: d.sub, kind: "unspecified" };
}

/** Wall clock of a zone → UTC instant. */
export function toUtc(d: WdlDate, zone: string): WdlDate {
  if (d.kind === "utc") return d;
  let guess = d.ms - zoneOffsetMinutes(zone, d.ms) * 60000;
  guess = d.ms - zoneOffsetMinutes(zone, guess) * 60000;
  return { ms: guess, sub: d.sub, kind: "utc" };
}
