/**
 * .NET numeric format strings for formatNumber() and locale-aware number parsing for float() and
 * isFloat() (learn.microsoft.com/dotnet/standard/base-types/standard-numeric-format-strings and
 * custom-numeric-format-strings). Separators come from ICU (Intl.NumberFormat); currency symbols
 * and patterns from a small table of the cultures we use (default en-US).
 */

export class NumberFormatError extends Error {}

interface NumberCulture {
  group: string;
  decimal: string;
  currency: { symbol: string; prefix: boolean; space: boolean };
}

const CURRENCIES: Record<string, NumberCulture["currency"]> = {
  "en-us": { symbol: "$", prefix: true, space: false },
  "en-gb": { symbol: "£", prefix: true, space: false },
  "en-ca": { symbol: "$", prefix: true, space: false },
  "en-au": { symbol: "$", prefix: true, space: false },
  "is-is": { symbol: "kr", prefix: false, space: true },
  "de-de": { symbol: "€", prefix: false, space: true },
  "fr-fr": { symbol: "€", prefix: false, space: true },
  "es-es": { symbol: "€", prefix: false, space: true },
  "it-it": { symbol: "€", prefix: false, space: true },
  "nl-nl": { symbol: "€", prefix: true, space: true },
  "ja-jp": { symbol: "¥", prefix: true, space: false },
  "invariant": { symbol: "¤", prefix: true, space: false },
};

const cultures = new Map<string, NumberCulture>();

export function numberCulture(locale = "en-US"): NumberCulture {
  const hit = cultures.get(locale.toLowerCase());
  if (hit) return hit;
  const c = makeNumberCulture(locale);
  cultures.set(locale.toLowerCase(), c);
  return c;
}

function makeNumberCulture(locale: string): NumberCulture {
  let canonical: string;
  try {
    canonical = Intl.getCanonicalLocales(locale)[0];
    if (!Intl.NumberFormat.supportedLocalesOf([canonical]).length) throw new Error();
  } catch {
    throw new NumberFormatError(`The provided locale '${locale}' is not valid or doesn't have an associated culture.`);
  }
  const parts = new Intl.NumberFormat(canonical).formatToParts(1234567.5);
  const group = parts.find((p) => p.type === "group")?.value ?? ",";
  const decimal = parts.find((p) => p.type === "decimal")?.value ?? ".";
  return {
    group: group === "\u202f" ? "\u00a0" : group,
    decimal,
    currency: CURRENCIES[canonical.toLowerCase()] ?? { symbol: "¤", prefix: true, space: false },
  };
}

function groupDigits(int: string, sep: string): string {
  return int.replace(/\B(?=(\d{3})+(?!\d))/g, sep);
}

/** Round half away from zero to `digits` decimals, as .NET formatting does. */
function fixed(n: number, digits: number): string {
  const neg = n < 0;
  const abs = Math.abs(n);
  // Round the exact binary value half away from zero, as .NET Core formats: read 20 more digits
  // than needed (1.005 is 1.00499999999999989… and formats as 1.00 with F2).
  if (!Number.isFinite(abs)) throw new NumberFormatError(`The number '${n}' cannot be formatted.`);
  const scaled = abs >= 1e21 ? BigInt(abs).toString() : abs.toFixed(Math.min(digits + 20, 100));
  let [i, f = ""] = scaled.split(".");
  const keep = f.slice(0, digits);
  const next = f.charCodeAt(digits) - 48;
  let result = BigInt(i + keep.padEnd(digits, "0"));
  if (next >= 5) result += 1n;
  let txt = result.toString().padStart(digits + 1, "0");
  i = txt.slice(0, txt.length - digits);
  f = txt.slice(txt.length - digits);
  txt = digits > 0 ? `${i}.${f}` : i;
  return (neg && /[1-9]/.test(txt) ? "-" : "") + txt;
}

function localize(s: string, c: NumberCulture, group: boolean): string {
  const neg = s.startsWith("-");
  const body = neg ? s.slice(1) : s;
  const [i, f] = body.split(".");
  const int = group ? groupDigits(i, c.group) : i;
  return (neg ? "-" : "") + int + (f !== undefined ? c.decimal + f : "");
}

export function formatNumber(n: number, format: string, locale = "en-US"): string {
  const c = numberCulture(locale);
  const std = /^([CcDdEeFfGgNnPpRrXx])(\d{0,2})$/.exec(format);
  if (std) {
    const ch = std[1].toUpperCase();
    const p = std[2] === "" ? undefined : Number(std[2]);
    switch (ch) {
      case "C": {
        const v = localize(fixed(Math.abs(n), p ?? 2), c, true);
        const cur = c.currency;
        const body = cur.prefix ? cur.symbol + (cur.space ? " " : "") + v : v + (cur.space ? " " : "") + cur.symbol;
        return n < 0 ? (cur.prefix ? "-" + body : "-" + body) : body;
      }
      case "D":
        if (!Number.isInteger(n)) throw new NumberFormatError(`Format specifier '${format}' is only valid for integral types.`);
        return (n < 0 ? "-" : "") + String(Math.abs(n)).padStart(p ?? 1, "0");
      case "E": {
        const s = Math.abs(n).toExponential(p ?? 6);
        const [m, e] = s.split("e");
        const exp = (e.startsWith("-") ? "-" : "+") + e.replace(/^[+-]/, "").padStart(3, "0");
        return (n < 0 ? "-" : "") + m.replace(".", c.decimal) + (std[1] === "e" ? "e" : "E") + exp;
      }
      case "F":
        return localize(fixed(n, p ?? 2), c, false);
      case "N":
        return localize(fixed(n, p ?? 2), c, true);
      case "P":
        return localize(fixed(n * 100, p ?? 2), c, true) + (c.decimal === "." ? "%" : " %");
      case "G":
      case "R":
        return localize(p ? String(Number(n.toPrecision(p))) : String(n), c, false);
      case "X":
        if (!Number.isInteger(n)) throw new NumberFormatError(`Format specifier '${format}' is only valid for integral types.`);
        {
          const h = (n < 0 ? (BigInt(n) + (1n << 64n)) : BigInt(n)).toString(16).padStart(p ?? 1, "0");
          return std[1] === "x" ? h : h.toUpperCase();
        }
    }
  }
  return customFormat(n, format, c);
}

/** Custom numeric format: 0 # . , % ‰ E0 'literal' "literal" \x and ; sections. */
function customFormat(n: number, format: string, c: NumberCulture): string {
  const sections = splitSections(format);
  let fmt = sections[0];
  let value = n;
  if (n < 0 && sections[1] !== undefined) {
    fmt = sections[1];
    value = -n;
  } else if (n === 0 && sections[2] !== undefined) fmt = sections[2];
  // analyse the pattern
  let intPart = "";
  let fracPart = "";
  let seenDot = false;
  let scale = 1;
  let useGroups = false;
  const literalsBefore: string[] = [];
  const literalsAfter: string[] = [];
  let i = 0;
  let phase: "pre" | "num" | "post" = "pre";
  const pushLit = (s: string) => (phase === "post" ? literalsAfter : literalsBefore).push(s);
  while (i < fmt.length) {
    const ch = fmt[i];
    if (ch === "'" || ch === '"') {
      const end = fmt.indexOf(ch, i + 1);
      pushLit(fmt.slice(i + 1, end < 0 ? fmt.length : end));
      i = end < 0 ? fmt.length : end + 1;
      continue;
    }
    if (ch === "\\") {
      pushLit(fmt[i + 1] ?? "");
      i += 2;
      continue;
    }
    if (ch === "0" || ch === "#") {
      phase = "num";
      if (seenDot) fracPart += ch;
      else intPart += ch;
      i++;
      continue;
    }
    if (ch === ".") {
      phase = "num";
      seenDot = true;
      i++;
      continue;
    }
    if (ch === ",") {
      if (phase === "num" && !seenDot) {
        // thousands separator when followed by a digit placeholder, else scaling by 1000
        const rest = fmt.slice(i + 1);
        if (/^[,]*[0#]/.test(rest)) useGroups = true;
        else scale /= 1000;
      }
      i++;
      continue;
    }
    if (ch === "%") {
      scale *= 100;
      pushLit("%");
      i++;
      continue;
    }
    if (ch === "‰") {
      scale *= 1000;
      pushLit("‰");
      i++;
      continue;
    }
    if (phase === "num") phase = "post";
    pushLit(ch);
    i++;
  }
  value *= scale;
  const minInt = (intPart.match(/0/g) ?? []).length === 0 ? 0 : intPart.length - intPart.indexOf("0");
  const maxFrac = fracPart.length;
  const minFrac = fracPart.lastIndexOf("0") + 1;
  let s = fixed(Math.abs(value), maxFrac);
  let [ip, fp = ""] = s.split(".");
  while (fp.length > minFrac && fp.endsWith("0")) fp = fp.slice(0, -1);
  if (ip === "0" && minInt === 0) ip = "";
  ip = ip.padStart(minInt, "0");
  if (useGroups) ip = groupDigits(ip, c.group);
  s = ip + (fp ? c.decimal + fp : "");
  const neg = value < 0 && sections[1] === undefined && /[1-9]/.test(s);
  return (neg ? "-" : "") + literalsBefore.join("") + s + literalsAfter.join("");
}

function splitSections(f: string): string[] {
  const out: string[] = [];
  let cur = "";
  let q: string | null = null;
  for (let i = 0; i < f.length; i++) {
    const ch = f[i];
    if (q) {
      cur += ch;
      if (ch === q) q = null;
      continue;
    }
    if (ch === "'" || ch === '"') q = ch;
    if (ch === "\\") {
      cur += ch + (f[i + 1] ?? "");
      i++;
      continue;
    }
    if (ch === ";") {
      out.push(cur);
      cur = "";
      continue;
    }
    cur += ch;
  }
  out.push(cur);
  return out;
}

/**
 * Parse a number the way float() does with NumberStyles.Float | AllowThousands: group separators
 * are ignored wherever they appear in the integer part, a trailing sign is allowed
 * (expression-functions-reference#float documents '1234567,8+' → 12345678).
 */
export function parseLocaleFloat(text: string, locale?: string): number | undefined {
  const c = locale ? numberCulture(locale) : { group: ",", decimal: "." };
  let s = text.trim();
  if (!s) return undefined;
  let sign = 1;
  const lead = /^[+-]/.exec(s);
  if (lead) {
    if (lead[0] === "-") sign = -1;
    s = s.slice(1);
  } else {
    const trail = /[+-]$/.exec(s);
    if (trail) {
      if (trail[0] === "-") sign = -1;
      s = s.slice(0, -1);
    }
  }
  const decIdx = s.indexOf(c.decimal);
  let int = decIdx >= 0 ? s.slice(0, decIdx) : s;
  let frac = decIdx >= 0 ? s.slice(decIdx + c.decimal.length) : "";
  const groupRe = new RegExp(escapeRe(c.group === "\u00a0" ? "\u00a0" : c.group), "g");
  int = int.replace(groupRe, "");
  let exp = "";
  const em = /[eE][+-]?\d+$/.exec(frac || int);
  if (em) {
    exp = em[0];
    if (frac) frac = frac.slice(0, -exp.length);
    else int = int.slice(0, -exp.length);
  }
  if (!/^\d*$/.test(int) || !/^\d*$/.test(frac) || (int === "" && frac === "")) return undefined;
  return sign * Number(`${int || "0"}.${frac || "0"}${exp}`);
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
