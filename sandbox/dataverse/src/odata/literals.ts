/** OData URL literal tokens shared by $filter and key segments. */
import { queryError } from "../errors";

export type TokenKind = "lparen" | "rparen" | "comma" | "slash" | "colon" | "lbracket" | "rbracket" | "eq" | "string" | "number" | "guid" | "datetime" | "date" | "ident";

export interface Token {
  kind: TokenKind;
  text: string;
  pos: number;
  value?: string | number;
}

const GUID_AT = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}(?![\w-])/;
const DATETIME_AT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,7})?)?(?:Z|[+-]\d{2}:\d{2})?(?![\w:])/;
const DATE_AT = /^\d{4}-\d{2}-\d{2}(?![\w:-])/;
const NUMBER_AT = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?(?:[mMdDfFlL])?(?![\w.])/;
const IDENT_AT = /^[A-Za-z_$][\w.$]*/;

export function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const ch = src[i];
    if (ch === " " || ch === "\t" || ch === "\r" || ch === "\n") {
      i++;
      continue;
    }
    const rest = src.slice(i);
    const single: Record<string, TokenKind> = { "(": "lparen", ")": "rparen", ",": "comma", "/": "slash", ":": "colon", "[": "lbracket", "]": "rbracket", "=": "eq" };
    if (single[ch]) {
      out.push({ kind: single[ch], text: ch, pos: i });
      i++;
      continue;
    }
    if (ch === "'") {
      let j = i + 1;
      let s = "";
      for (;;) {
        if (j >= src.length) throw queryError(`Syntax error: unterminated string literal at position ${i} in '${src}'.`);
        if (src[j] === "'") {
          if (src[j + 1] === "'") {
            s += "'";
            j += 2;
            continue;
          }
          break;
        }
        s += src[j];
        j++;
      }
      out.push({ kind: "string", text: src.slice(i, j + 1), pos: i, value: s });
      i = j + 1;
      continue;
    }
    let m = GUID_AT.exec(rest);
    if (m) {
      out.push({ kind: "guid", text: m[0], pos: i, value: m[0].toLowerCase() });
      i += m[0].length;
      continue;
    }
    m = DATETIME_AT.exec(rest);
    if (m) {
      out.push({ kind: "datetime", text: m[0], pos: i, value: m[0] });
      i += m[0].length;
      continue;
    }
    m = DATE_AT.exec(rest);
    if (m) {
      out.push({ kind: "date", text: m[0], pos: i, value: m[0] });
      i += m[0].length;
      continue;
    }
    m = NUMBER_AT.exec(rest);
    if (m) {
      out.push({ kind: "number", text: m[0], pos: i, value: Number(m[0].replace(/[mMdDfFlL]$/, "")) });
      i += m[0].length;
      continue;
    }
    m = IDENT_AT.exec(rest);
    if (m) {
      out.push({ kind: "ident", text: m[0], pos: i });
      i += m[0].length;
      continue;
    }
    throw queryError(`Syntax error: character '${ch}' is not valid at position ${i} in '${src}'.`);
  }
  return out;
}

/** Split on a separator at nesting depth 0, outside quotes (for $expand, $orderby, key lists). */
export function splitTopLevel(src: string, sep: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let inQuote = false;
  let start = 0;
  for (let i = 0; i < src.length; i++) {
    const ch = src[i];
    if (inQuote) {
      if (ch === "'") {
        if (src[i + 1] === "'") i++;
        else inQuote = false;
      }
      continue;
    }
    if (ch === "'") inQuote = true;
    else if (ch === "(") depth++;
    else if (ch === ")") depth--;
    else if (ch === sep && depth === 0) {
      parts.push(src.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(src.slice(start));
  return parts.map((p) => p.trim()).filter((p) => p.length > 0);
}
