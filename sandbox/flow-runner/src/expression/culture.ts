/**
 * Culture data for formatNumber(), formatDateTime() and friends, as .NET's CultureInfo has it: .NET
 * (since 5, on every platform) reads its culture data from ICU, as Node's Intl does, so the data is
 * taken from Intl and shaped the way .NET shapes it (learn.microsoft.com/dotnet/core/extensions/
 * globalization-icu):
 *   - short date patterns get a four-digit year (.NET's FixDefaultShortDatePattern);
 *   - the long date pattern is ICU's "full" date, long time its "medium" time;
 *   - currency and percent layouts become .NET's pattern numbers (NumberFormatInfo.CurrencyPositivePattern …);
 *   - month names come in the nominative and the genitive form (MonthGenitiveNames).
 * Where Microsoft documents a value that differs from ICU's, OVERRIDES holds it, with its source.
 */

export class CultureError extends Error {}

export interface NumberCulture {
  name: string;
  group: string;
  decimal: string;
  negativeSign: string;
  percentSymbol: string;
  perMille: string;
  nan: string;
  infinity: string;
  numberDecimals: number;
  /** NumberFormatInfo.NumberNegativePattern: 0 "(n)", 1 "-n", 2 "- n", 3 "n-", 4 "n -". */
  numberNegativePattern: number;
  currencySymbol: string;
  currencyDecimals: number;
  /** 0 "$n", 1 "n$", 2 "$ n", 3 "n $" */
  currencyPositivePattern: number;
  /** 0 "($n)", 1 "-$n", 2 "$-n", 3 "$n-", 4 "(n$)", 5 "-n$", 6 "n-$", 7 "n$-", 8 "-n $", 9 "-$ n", 10 "n $-", 11 "$ n-", 12 "$ -n", 13 "n- $", 14 "($ n)", 15 "(n $)", 16 "$- n" */
  currencyNegativePattern: number;
  percentDecimals: number;
  /** 0 "n %", 1 "n%", 2 "%n", 3 "% n" */
  percentPositivePattern: number;
  /** 0 "-n %", 1 "-n%", 2 "-%n", 3 "%-n", 4 "%n-", 5 "n-%", 6 "n%-", 7 "-% n", 8 "n %-", 9 "% n-", 10 "% -n", 11 "n- %" */
  percentNegativePattern: number;
}

export interface DateCulture {
  name: string;
  monthNames: string[];
  monthGenitiveNames: string[];
  monthAbbr: string[];
  monthGenitiveAbbr: string[];
  dayNames: string[];
  dayAbbr: string[];
  am: string;
  pm: string;
  dateSep: string;
  timeSep: string;
  /** Standard format patterns d D f F g G M m t T Y y, in .NET custom-format syntax. */
  patterns: Record<string, string>;
  /** The short date pattern puts the day before the month (parsing "20/10/2014"). */
  dayFirst: boolean;
}

export const CURRENCY_PATTERNS_POSITIVE = ["$n", "n$", "$ n", "n $"];
export const CURRENCY_PATTERNS_NEGATIVE = ["($n)", "-$n", "$-n", "$n-", "(n$)", "-n$", "n-$", "n$-", "-n $", "-$ n", "n $-", "$ n-", "$ -n", "n- $", "($ n)", "(n $)", "$- n"];
export const PERCENT_PATTERNS_POSITIVE = ["n %", "n%", "%n", "% n"];
export const PERCENT_PATTERNS_NEGATIVE = ["-n %", "-n%", "-%n", "%-n", "%n-", "n-%", "n%-", "-% n", "n %-", "% n-", "% -n", "n- %"];

/**
 * Values Microsoft documents that differ from ICU's (each with its page).
 *   [wdl] learn.microsoft.com/azure/logic-apps/expression-functions-reference#formatNumber:
 *         formatNumber(17.35, 'C2', 'is-IS') is "17,35 kr".
 *   [std] learn.microsoft.com/dotnet/standard/base-types/standard-numeric-format-strings:
 *         123.456 "C" with ja-JP is "¥123" (ICU's Japanese symbol is the full-width ￥).
 */
const NUMBER_OVERRIDES: Record<string, Partial<NumberCulture>> = {
  "is-is": { currencySymbol: "kr" }, // [wdl]
  "ja-jp": { currencySymbol: "¥" }, // [std]
};

/** The invariant culture's fixed data (CultureInfo.InvariantCulture). */
const INVARIANT_NUMBERS: NumberCulture = {
  name: "",
  group: ",",
  decimal: ".",
  negativeSign: "-",
  percentSymbol: "%",
  perMille: "‰",
  nan: "NaN",
  infinity: "Infinity",
  numberDecimals: 2,
  numberNegativePattern: 1,
  currencySymbol: "¤",
  currencyDecimals: 2,
  currencyPositivePattern: 0,
  currencyNegativePattern: 0,
  percentDecimals: 2,
  percentPositivePattern: 0,
  percentNegativePattern: 0,
};

/** ISO 4217 currency of a region (the currency a culture formats with "C"). */
const REGION_CURRENCY: Record<string, string> = {
  US: "USD", GB: "GBP", IE: "EUR", DE: "EUR", AT: "EUR", FR: "EUR", BE: "EUR", NL: "EUR", LU: "EUR", ES: "EUR", PT: "EUR",
  IT: "EUR", FI: "EUR", GR: "EUR", SK: "EUR", SI: "EUR", EE: "EUR", LV: "EUR", LT: "EUR", MT: "EUR", CY: "EUR", HR: "EUR",
  CH: "CHF", LI: "CHF", SE: "SEK", NO: "NOK", DK: "DKK", IS: "ISK", PL: "PLN", CZ: "CZK", HU: "HUF", RO: "RON", BG: "BGN",
  RU: "RUB", UA: "UAH", TR: "TRY", IL: "ILS", SA: "SAR", AE: "AED", EG: "EGP", ZA: "ZAR", NG: "NGN", KE: "KES", IN: "INR",
  PK: "PKR", BD: "BDT", CN: "CNY", HK: "HKD", TW: "TWD", JP: "JPY", KR: "KRW", SG: "SGD", MY: "MYR", TH: "THB", ID: "IDR",
  PH: "PHP", VN: "VND", AU: "AUD", NZ: "NZD", CA: "CAD", MX: "MXN", BR: "BRL", AR: "ARS", CL: "CLP", CO: "COP", PE: "PEN",
};

function canonicalLocale(locale: string): string {
  try {
    const c = Intl.getCanonicalLocales(locale)[0];
    if (!c || !Intl.NumberFormat.supportedLocalesOf([c]).length || !Intl.DateTimeFormat.supportedLocalesOf([c]).length) throw new Error("unsupported");
    return c;
  } catch {
    throw new CultureError(`The provided locale '${locale}' is not valid or doesn't have an associated culture.`);
  }
}

const isInvariant = (locale: string): boolean => locale === "" || locale.toLowerCase() === "invariant" || locale.toLowerCase() === "iv";

/** Which .NET pattern a list of parts (number, symbol, sign, spaces) is. */
function patternIndex(parts: Intl.NumberFormatPart[], symbolType: "currency" | "percentSign", table: string[]): number {
  let shape = "";
  for (const p of parts) {
    if (p.type === "minusSign") shape += "-";
    else if (p.type === symbolType) shape += symbolType === "currency" ? "$" : "%";
    else if (p.type === "literal" && /^\s+$/.test(p.value)) shape += " ";
    else if (p.type === "literal" && p.value === "(") shape += "(";
    else if (p.type === "literal" && p.value === ")") shape += ")";
    else if (!shape.endsWith("n") && ["integer", "group", "decimal", "fraction"].includes(p.type)) shape += "n";
  }
  const i = table.indexOf(shape);
  return i < 0 ? table.indexOf(symbolType === "currency" ? (shape.startsWith("-") ? "-$n" : "$n") : shape.startsWith("-") ? "-n%" : "n%") : i;
}

const numberCache = new Map<string, NumberCulture>();

export function numberCulture(locale = "en-US"): NumberCulture {
  const key = locale.toLowerCase();
  const hit = numberCache.get(key);
  if (hit) return hit;
  let c: NumberCulture;
  if (isInvariant(locale)) c = INVARIANT_NUMBERS;
  else {
    const name = canonicalLocale(locale);
    const plain = new Intl.NumberFormat(name).formatToParts(-1234567.5);
    const part = (type: string, fallback: string) => plain.find((p) => p.type === type)?.value ?? fallback;
    const group = part("group", ",");
    const region = new Intl.Locale(name).maximize().region ?? "";
    const currency = REGION_CURRENCY[region];
    const cur = currency ? new Intl.NumberFormat(name, { style: "currency", currency }) : undefined;
    const pct = new Intl.NumberFormat(name, { style: "percent" });
    c = {
      name,
      group: group === "\u202f" ? "\u00a0" : group, // .NET maps ICU's narrow no-break space to a no-break space
      decimal: part("decimal", "."),
      negativeSign: part("minusSign", "-"),
      percentSymbol: pct.formatToParts(1).find((p) => p.type === "percentSign")?.value ?? "%",
      perMille: "‰",
      nan: "NaN",
      infinity: "∞",
      numberDecimals: 2,
      numberNegativePattern: 1,
      currencySymbol: cur?.formatToParts(1).find((p) => p.type === "currency")?.value ?? "¤",
      currencyDecimals: cur?.resolvedOptions().maximumFractionDigits ?? 2,
      currencyPositivePattern: cur ? patternIndex(cur.formatToParts(1), "currency", CURRENCY_PATTERNS_POSITIVE) : 0,
      currencyNegativePattern: cur ? patternIndex(cur.formatToParts(-1), "currency", CURRENCY_PATTERNS_NEGATIVE) : 1,
      percentDecimals: 2,
      percentPositivePattern: patternIndex(pct.formatToParts(1), "percentSign", PERCENT_PATTERNS_POSITIVE),
      percentNegativePattern: patternIndex(pct.formatToParts(-1), "percentSign", PERCENT_PATTERNS_NEGATIVE),
      ...NUMBER_OVERRIDES[name.toLowerCase()],
    };
  }
  numberCache.set(key, c);
  return c;
}

// ---------------------------------------------------------------- dates

const dateCache = new Map<string, DateCulture>();

const quote = (literal: string): string => (literal ? `'${literal.replace(/\u202f/g, " ").replace(/'/g, "''")}'` : "");

/** A .NET custom pattern for what Intl prints with `opts`, read from two sample dates. */
function icuPattern(locale: string, opts: Intl.DateTimeFormatOptions, names: { monthLong: string[]; monthShort: string[] }): string {
  const fmt = new Intl.DateTimeFormat(locale, { ...opts, timeZone: "UTC" });
  // 2009-06-05 09:05:07 pads day, month, hour and minute where the culture pads them
  const parts = fmt.formatToParts(new Date(Date.UTC(2009, 5, 5, 9, 5, 7)));
  const h12 = fmt.resolvedOptions().hourCycle === "h12" || fmt.resolvedOptions().hourCycle === "h11";
  let out = "";
  for (const p of parts) {
    switch (p.type) {
      case "year":
        out += p.value.length <= 2 ? "yy" : "yyyy";
        break;
      case "month":
        if (/^\d+$/.test(p.value)) out += p.value.length === 2 ? "MM" : "M";
        else if (names.monthShort[5] === p.value && names.monthLong[5] !== p.value) out += "MMM";
        else out += "MMMM";
        break;
      case "day":
        out += p.value.length === 2 ? "dd" : "d";
        break;
      case "weekday":
        out += opts.weekday === "short" ? "ddd" : "dddd";
        break;
      case "hour":
        out += (h12 ? "h" : "H").repeat(p.value.length === 2 ? 2 : 1);
        break;
      case "minute":
        out += "mm";
        break;
      case "second":
        out += "ss";
        break;
      case "dayPeriod":
        out += "tt";
        break;
      default:
        out += quote(p.value);
    }
  }
  return out;
}

function intlNames(locale: string, opt: Intl.DateTimeFormatOptions, dates: Date[], part: "month" | "weekday"): string[] {
  const fmt = new Intl.DateTimeFormat(locale, { ...opt, timeZone: "UTC" });
  return dates.map((d) => fmt.formatToParts(d).find((p) => p.type === part)?.value ?? "");
}

const EN_ABBR = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

export function dateCulture(locale = "en-US"): DateCulture {
  const key = locale.toLowerCase();
  const hit = dateCache.get(key);
  if (hit) return hit;
  // The invariant culture formats like en-US with its own fixed patterns.
  const name = isInvariant(locale) ? "en-US" : canonicalLocale(locale);
  const months = Array.from({ length: 12 }, (_, i) => new Date(Date.UTC(2001, i, 15)));
  const days = Array.from({ length: 7 }, (_, i) => new Date(Date.UTC(2001, 0, 7 + i))); // 2001-01-07 was a Sunday
  const english = name.split("-")[0] === "en";
  const monthNames = intlNames(name, { month: "long" }, months, "month");
  const monthGenitiveNames = intlNames(name, { month: "long", day: "numeric" }, months, "month");
  const monthAbbr = english ? EN_ABBR : intlNames(name, { month: "short" }, months, "month");
  const monthGenitiveAbbr = english ? EN_ABBR : intlNames(name, { month: "short", day: "numeric" }, months, "month");
  const names = { monthLong: monthGenitiveNames, monthShort: monthGenitiveAbbr };
  const period = (h: number) => new Intl.DateTimeFormat(name, { hour: "numeric", hourCycle: "h12", timeZone: "UTC" }).formatToParts(new Date(Date.UTC(2001, 0, 1, h))).find((p) => p.type === "dayPeriod")?.value ?? "";
  const d = icuPattern(name, { dateStyle: "short" }, names).replace(/(^|[^y])yy(?!y)/, "$1yyyy"); // .NET: a short date shows the whole year
  const D = icuPattern(name, { dateStyle: "full" }, { monthLong: monthGenitiveNames, monthShort: monthGenitiveAbbr });
  const t = icuPattern(name, { timeStyle: "short" }, names);
  const T = icuPattern(name, { timeStyle: "medium" }, names);
  const M = icuPattern(name, { month: "long", day: "numeric" }, names);
  const Y = icuPattern(name, { year: "numeric", month: "long" }, { monthLong: monthNames, monthShort: monthAbbr });
  const sep = (pattern: string, fallback: string) => /'([^']*)'/.exec(pattern)?.[1]?.trim() || fallback;
  const c: DateCulture = {
    name,
    monthNames,
    monthGenitiveNames,
    monthAbbr,
    monthGenitiveAbbr,
    dayNames: intlNames(name, { weekday: "long" }, days, "weekday"),
    dayAbbr: intlNames(name, { weekday: "short" }, days, "weekday"),
    am: period(9).replace(/\u202f/g, " "),
    pm: period(15).replace(/\u202f/g, " "),
    dateSep: sep(d, "/"),
    timeSep: sep(T, ":"),
    patterns: { d, D, f: `${D} ${t}`, F: `${D} ${T}`, g: `${d} ${t}`, G: `${d} ${T}`, M, m: M, t, T, Y, y: Y },
    dayFirst: d.indexOf("d") < d.indexOf("M"),
  };
  if (isInvariant(locale)) {
    // CultureInfo.InvariantCulture's fixed patterns
    Object.assign(c, { name: "", dateSep: "/", timeSep: ":", patterns: { d: "MM/dd/yyyy", D: "dddd, dd MMMM yyyy", f: "dddd, dd MMMM yyyy HH:mm", F: "dddd, dd MMMM yyyy HH:mm:ss", g: "MM/dd/yyyy HH:mm", G: "MM/dd/yyyy HH:mm:ss", M: "MMMM dd", m: "MMMM dd", t: "HH:mm", T: "HH:mm:ss", Y: "yyyy MMMM", y: "yyyy MMMM" } });
  }
  dateCache.set(key, c);
  return c;
}
