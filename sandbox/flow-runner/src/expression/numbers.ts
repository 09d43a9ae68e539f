/**
 * .NET numeric format strings for formatNumber() and locale-aware number parsing for float() and
 * isFloat(), following learn.microsoft.com/dotnet/standard/base-types/standard-numeric-format-strings
 * and custom-numeric-format-strings. Culture data (separators, currency, patterns): ./culture.ts.
 */
import { CultureError, CURRENCY_PATTERNS_NEGATIVE, CURRENCY_PATTERNS_POSITIVE, numberCulture as cultureData, PERCENT_PATTERNS_NEGATIVE, PERCENT_PATTERNS_POSITIVE, type NumberCulture } from "./culture";

export class NumberFormatError extends Error {}

export function numberCulture(locale = "en-US"): NumberCulture {
  try {
    return cultureData(locale);
  } catch (e) {
    if (e instanceof CultureError) throw new NumberFormatError(e.message);
    throw e;
  }
}

/** |n| rounded half away from zero to `digits` decimals, as a plain digit string ("1234.50"). */
function fixed(abs: number, digits: number): string {
  if (!Number.isFinite(abs)) throw new NumberFormatError(`The number '${abs}' cannot be formatted.`);
  // Round the exact binary value half away from zero, as .NET Core formats: read 20 more digits
  // than needed (1.005 is 1.00499999999999989… and formats as 1.00 with F2).
  const scaled = abs >= 1e21 ? BigInt(abs).toString() : abs.toFixed(Math.min(digits + 20, 100));
  const [i, f = ""] = scaled.split(".");
  const keep = f.slice(0, digits);
  let result = BigInt(i + keep.padEnd(digits, "0"));
  if (f.charCodeAt(digits) - 48 >= 5) result += 1n;
  const txt = result.toString().padStart(digits + 1, "0");
  return digits > 0 ? `${txt.slice(0, txt.length - digits)}.${txt.slice(txt.length - digits)}` : txt;
}

function groupDigits(int: string, sep: string): string {
  return int.replace(/\B(?=(\d{3})+(?!\d))/g, sep);
}

/** "1234.5" → culture digits: grouped integer part (when asked), the culture's decimal separator. */
function localize(plain: string, c: NumberCulture, group: boolean): string {
  const [i, f] = plain.split(".");
  return (group ? groupDigits(i!, c.group) : i) + (f !== undefined ? c.decimal + f : "");
}

const fill = (pattern: string, number: string, symbol: string, minus: string): string =>
  pattern.replace("n", "\u0000").replace(/[$%]/, symbol).replace("-", minus).replace("\u0000", number);

/** Scientific notation: mantissa with `digits` decimals, exponent with at least `expDigits` digits. */
function exponential(abs: number, digits: number, c: NumberCulture, e: string, expDigits: number, expSign: "always" | "negative"): string {
  if (abs === 0) return `${localize(fixed(0, digits), c, false)}${e}${expSign === "always" ? "+" : ""}${"0".repeat(expDigits)}`;
  const [m, x] = abs.toExponential(digits).split("e");
  const exp = Number(x);
  const sign = exp < 0 ? c.negativeSign : expSign === "always" ? "+" : "";
  return `${m!.replace(".", c.decimal)}${e}${sign}${String(Math.abs(exp)).padStart(expDigits, "0")}`;
}

/**
 * "G" and "R": the shortest round-trip digits (or `precision` significant digits), in scientific
 * notation when the exponent is below -5 or at least the precision (15 without one).
 */
function general(n: number, precision: number | undefined, integral: boolean, c: NumberCulture, e: string): string {
  if (integral && precision === undefined) return (n < 0 ? c.negativeSign : "") + String(Math.abs(n));
  const abs = Math.abs(n);
  const sci = precision === undefined ? abs.toExponential() : abs.toExponential(Math.min(precision, 100) - 1);
  const [m, x] = sci.split("e") as [string, string];
  const digits = m.replace(".", "").replace(/0+$/, "") || "0";
  const exp = Number(x);
  let body: string;
  if (abs !== 0 && (exp < -5 || exp >= (precision ?? 15))) {
    body = `${digits[0]}${digits.length > 1 ? c.decimal + digits.slice(1) : ""}${e}${exp < 0 ? c.negativeSign : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
  } else if (exp >= 0) {
    const int = digits.slice(0, exp + 1).padEnd(exp + 1, "0");
    const frac = digits.slice(exp + 1);
    body = int + (frac ? c.decimal + frac : "");
  } else {
    body = `0${c.decimal}${"0".repeat(-exp - 1)}${digits}`;
  }
  return (n < 0 && abs !== 0 ? c.negativeSign : "") + body;
}

/**
 * Format a number like .NET's number.ToString(format, culture). `integral` says whether the WDL
 * value is an Integer (D and X need one; G prints all its digits).
 */
export function formatNumber(n: number, format: string, locale = "en-US", integral = Number.isInteger(n)): string {
  const c = numberCulture(locale);
  if (Number.isNaN(n)) return c.nan;
  if (!Number.isFinite(n)) return n < 0 ? c.negativeSign + c.infinity : c.infinity;
  const std = /^([CcDdEeFfGgNnPpRrXx])(\d{0,9})$/.exec(format);
  if (!std) return customFormat(n, format, c);
  const ch = std[1]!.toUpperCase();
  const p = std[2] === "" ? undefined : Number(std[2]);
  if (p !== undefined && p > 999_999_999) throw new NumberFormatError(`The format specifier '${format}' has a precision that is too large.`);
  const neg = n < 0;
  switch (ch) {
    case "C": {
      const body = localize(fixed(Math.abs(n), p ?? c.currencyDecimals), c, true);
      const zero = !/[1-9]/.test(body);
      return fill(neg && !zero ? CURRENCY_PATTERNS_NEGATIVE[c.currencyNegativePattern]! : CURRENCY_PATTERNS_POSITIVE[c.currencyPositivePattern]!, body, c.currencySymbol, c.negativeSign);
    }
    case "D":
      if (!integral) throw new NumberFormatError(`Format specifier '${format}' is only valid for integral types.`);
      return (neg ? c.negativeSign : "") + String(Math.abs(n)).padStart(p ?? 1, "0");
    case "E":
      return (neg ? c.negativeSign : "") + exponential(Math.abs(n), p ?? 6, c, std[1] === "e" ? "e" : "E", 3, "always");
    case "F": {
      const body = localize(fixed(Math.abs(n), p ?? c.numberDecimals), c, false);
      return (neg && /[1-9]/.test(body) ? c.negativeSign : "") + body;
    }
    case "N": {
      const body = localize(fixed(Math.abs(n), p ?? c.numberDecimals), c, true);
      return neg && /[1-9]/.test(body) ? ["(n)", "-n", "- n", "n-", "n -"][c.numberNegativePattern]!.replace("-", c.negativeSign).replace("n", body) : body;
    }
    case "P": {
      const body = localize(fixed(Math.abs(n) * 100, p ?? c.percentDecimals), c, true);
      const zero = !/[1-9]/.test(body);
      return fill(neg && !zero ? PERCENT_PATTERNS_NEGATIVE[c.percentNegativePattern]! : PERCENT_PATTERNS_POSITIVE[c.percentPositivePattern]!, body, c.percentSymbol, c.negativeSign);
    }
    case "G":
      return general(n, p || undefined, integral, c, std[1] === "g" ? "e" : "E");
    case "R":
      return general(n, undefined, integral, c, "E");
    case "X": {
      if (!integral) throw new NumberFormatError(`Format specifier '${format}' is only valid for integral types.`);
      const h = (neg ? BigInt(n) + (1n << 64n) : BigInt(n)).toString(16).padStart(p ?? 1, "0");
      return std[1] === "x" ? h : h.toUpperCase();
    }
  }
  return customFormat(n, format, c);
}

// ---------------------------------------------------------------- custom formats

type Token =
  | { kind: "digit"; ch: "0" | "#"; frac: boolean }
  | { kind: "point" }
  | { kind: "exp"; e: string; sign: "always" | "negative"; digits: number }
  | { kind: "literal"; text: string };

interface Section {
  tokens: Token[];
  /** Digit placeholders before the point; the first '0' among them (from the left). */
  intPlaceholders: number;
  minInt: number;
  maxFrac: number;
  minFrac: number;
  grouping: boolean;
  /** ×100 per '%', ×1000 per '‰', ÷1000 per comma right before the point or the end of the digits. */
  scale: number;
  exp?: Extract<Token, { kind: "exp" }>;
}

/** Split on ';' outside quotes and escapes (at most three sections: positive, negative, zero). */
function splitSections(f: string): string[] {
  const out: string[] = [];
  let cur = "";
  let q: string | null = null;
  for (let i = 0; i < f.length; i++) {
    const ch = f[i]!;
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
  return out.slice(0, 3);
}

function parseSection(fmt: string, c: NumberCulture): Section {
  const tokens: Token[] = [];
  let seenPoint = false;
  let scale = 1;
  let grouping = false;
  let pendingCommas = 0; // commas after the last integer placeholder, not yet known to be separators or scaling
  const lit = (text: string) => {
    const last = tokens[tokens.length - 1];
    if (last?.kind === "literal") last.text += text;
    else tokens.push({ kind: "literal", text });
  };
  const settleCommas = (beforeDigit: boolean) => {
    if (pendingCommas && !seenPoint) {
      if (beforeDigit) grouping = true;
      else scale /= 1000 ** pendingCommas;
    }
    pendingCommas = 0;
  };
  let exp: Section["exp"];
  for (let i = 0; i < fmt.length; i++) {
    const ch = fmt[i]!;
    if (ch === "'" || ch === '"') {
      const end = fmt.indexOf(ch, i + 1);
      lit(fmt.slice(i + 1, end < 0 ? fmt.length : end));
      i = end < 0 ? fmt.length : end;
      continue;
    }
    if (ch === "\\") {
      lit(fmt[i + 1] ?? "");
      i++;
      continue;
    }
    if (ch === "0" || ch === "#") {
      settleCommas(true);
      tokens.push({ kind: "digit", ch, frac: seenPoint });
      continue;
    }
    if (ch === ".") {
      settleCommas(false);
      if (!seenPoint) {
        seenPoint = true;
        tokens.push({ kind: "point" });
      }
      continue;
    }
    if (ch === ",") {
      if (!seenPoint && tokens.some((t) => t.kind === "digit")) pendingCommas++;
      continue;
    }
    settleCommas(false);
    if (ch === "%") {
      scale *= 100;
      lit(c.percentSymbol);
      continue;
    }
    if (ch === "‰") {
      scale *= 1000;
      lit(c.perMille);
      continue;
    }
    if ((ch === "E" || ch === "e") && !exp) {
      const m = /^([Ee])([+-]?)(0+)/.exec(fmt.slice(i));
      if (m) {
        exp = { kind: "exp", e: m[1]!, sign: m[2] === "+" ? "always" : "negative", digits: m[3]!.length };
        tokens.push(exp);
        i += m[0].length - 1;
        continue;
      }
    }
    lit(ch);
  }
  settleCommas(false);
  const ints = tokens.filter((t): t is Extract<Token, { kind: "digit" }> => t.kind === "digit" && !t.frac);
  const fracs = tokens.filter((t): t is Extract<Token, { kind: "digit" }> => t.kind === "digit" && t.frac);
  const firstZero = ints.findIndex((t) => t.ch === "0");
  let lastZero = -1;
  fracs.forEach((t, i) => {
    if (t.ch === "0") lastZero = i;
  });
  return {
    tokens,
    intPlaceholders: ints.length,
    minInt: firstZero < 0 ? 0 : ints.length - firstZero,
    maxFrac: fracs.length,
    minFrac: lastZero + 1,
    grouping,
    scale,
    ...(exp ? { exp } : {}),
  };
}

/** Custom numeric format: 0 # . , % ‰ E0 E+0 'literal' "literal" \x and up to three ; sections. */
function customFormat(n: number, format: string, c: NumberCulture): string {
  const sections = splitSections(format);
  let index = 0;
  if (n < 0 && sections.length > 1 && sections[1] !== "") index = 1;
  else if (n === 0 && sections.length > 2 && sections[2] !== "") index = 2;
  let s = parseSection(sections[index]!, c);
  let value = Math.abs(n) * s.scale;
  // A number that rounds to zero in its section is formatted with the zero section, when there is one.
  if (n !== 0 && index !== 2 && sections.length > 2 && sections[2] !== "" && !s.exp && Number(fixed(value, s.maxFrac)) === 0) {
    s = parseSection(sections[2]!, c);
    index = 2;
    value = 0;
  }

  let intDigits: string;
  let fracDigits: string;
  let expText = "";
  if (s.exp) {
    const intCount = Math.max(1, s.intPlaceholders);
    let e = value === 0 ? 0 : Math.floor(Math.log10(value)) - (intCount - 1);
    let mantissa = fixed(value / 10 ** e, s.maxFrac);
    if (mantissa.split(".")[0]!.length > intCount && value !== 0) {
      e++; // 9.999 rounded up to 10.00
      mantissa = fixed(value / 10 ** e, s.maxFrac);
    }
    [intDigits, fracDigits = ""] = mantissa.split(".") as [string, string?];
    const sign = e < 0 ? c.negativeSign : s.exp.sign === "always" ? "+" : "";
    expText = `${s.exp.e}${sign}${String(Math.abs(e)).padStart(s.exp.digits, "0")}`;
  } else {
    [intDigits, fracDigits = ""] = fixed(value, s.maxFrac).split(".") as [string, string?];
  }
  while (fracDigits.length > s.minFrac && fracDigits.endsWith("0")) fracDigits = fracDigits.slice(0, -1);
  if (/^0*$/.test(intDigits)) intDigits = "";
  intDigits = intDigits.padStart(s.minInt, "0");

  // Integer digits go right to left into the integer placeholders; the first placeholder takes
  // whatever is left over. With grouping, separators travel with the digit they precede.
  const cells = [...intDigits].map((d, i) => (s.grouping && i > 0 && (intDigits.length - i) % 3 === 0 ? c.group + d : d));
  const intSlots = s.intPlaceholders;
  const assigned: string[] = Array.from({ length: intSlots }, () => "");
  for (let k = intSlots - 1, j = cells.length - 1; k >= 0 && j >= 0; k--, j--) {
    assigned[k] = k === 0 ? cells.slice(0, j + 1).join("") : cells[j]!;
  }

  let out = "";
  let intIndex = 0;
  let fracIndex = 0;
  for (const t of s.tokens) {
    switch (t.kind) {
      case "digit":
        if (!t.frac) out += assigned[intIndex++] ?? "";
        else {
          const d = fracDigits[fracIndex++];
          if (d !== undefined) out += d;
        }
        break;
      case "point":
        if (fracDigits.length) out += c.decimal;
        break;
      case "exp":
        out += expText;
        break;
      case "literal":
        out += t.text;
    }
  }
  // A format without integer placeholders still shows digits a fraction cannot hold.
  if (intSlots === 0 && intDigits && !s.exp) out = intDigits + out;
  const negative = n < 0 && index === 0 && /[1-9]/.test(intDigits + fracDigits);
  return (negative ? c.negativeSign : "") + out;
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
