/**
 * Lexer and parser for Workflow Definition Language expressions (the text after `@` or inside
 * `@{...}`), per learn.microsoft.com/azure/logic-apps/logic-apps-workflow-definition-language:
 * string literals in single quotes ('' escapes a quote), integer and float literals, true / false /
 * null, function calls (names are case-insensitive), and the operators `.`, `[...]` and `?`
 * (null-safe access) after any primary. There are no infix operators.
 *
 * Power Automate writes "alias paths" such as `outputs('Get')?['body/value']`; a bracket index that
 * is a string literal containing '/' keeps its raw text and is resolved as a path when the object
 * has no property with that exact name (see evaluator).
 */

export type Expr =
  | { kind: "literal"; value: null | boolean | number | string; float?: boolean; pos: number }
  | { kind: "call"; name: string; args: Expr[]; pos: number }
  | { kind: "member"; target: Expr; name: string; safe: boolean; pos: number }
  | { kind: "index"; target: Expr; index: Expr; safe: boolean; pos: number };

export class ExpressionSyntaxError extends Error {
  constructor(
    message: string,
    readonly expression: string,
    readonly position: number,
  ) {
    super(message);
    this.name = "ExpressionSyntaxError";
  }
}

type Token =
  | { t: "str"; v: string; pos: number }
  | { t: "num"; v: number; float: boolean; pos: number }
  | { t: "id"; v: string; pos: number }
  | { t: "punct"; v: "(" | ")" | "[" | "]" | "." | "," | "?"; pos: number }
  | { t: "eof"; pos: number };

function lex(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const fail = (msg: string, at: number): never => {
    throw new ExpressionSyntaxError(`The expression '${src}' is not valid: ${msg} at position ${at + 1}.`, src, at);
  };
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "'") {
      const start = i;
      let v = "";
      i++;
      for (;;) {
        if (i >= src.length) fail("unterminated string literal", start);
        if (src[i] === "'") {
          if (src[i + 1] === "'") {
            v += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        v += src[i++];
      }
      out.push({ t: "str", v, pos: start });
      continue;
    }
    const prev = out[out.length - 1];
    // A number may start where a primary is expected: at the start or after '(' ',' '['.
    const primaryExpected = !prev || (prev.t === "punct" && (prev.v === "(" || prev.v === "," || prev.v === "["));
    const next = src[i + 1] ?? "";
    if (
      primaryExpected &&
      (/[0-9]/.test(c) || ((c === "-" || c === "+") && /[0-9.]/.test(next)) || (c === "." && /[0-9]/.test(next)))
    ) {
      const m = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/.exec(src.slice(i));
      if (!m) return fail("invalid number", i);
      const text = m[0];
      out.push({ t: "num", v: Number(text), float: /[.eE]/.test(text), pos: i });
      i += text.length;
      continue;
    }
    if (/[A-Za-z_$]/.test(c)) {
      const text = /^[A-Za-z_$][A-Za-z0-9_$]*/.exec(src.slice(i))![0];
      out.push({ t: "id", v: text, pos: i });
      i += text.length;
      continue;
    }
    if ("()[].,?".includes(c)) {
      out.push({ t: "punct", v: c as "(", pos: i });
      i++;
      continue;
    }
    fail(`unexpected character '${c}'`, i);
  }
  out.push({ t: "eof", pos: src.length });
  return out;
}

export function parseExpression(src: string): Expr {
  const toks = lex(src);
  let p = 0;
  const peek = () => toks[p];
  const fail = (msg: string, at = peek().pos): never => {
    throw new ExpressionSyntaxError(`The expression '${src}' is not valid: ${msg} at position ${at + 1}.`, src, at);
  };
  const isPunct = (v: string) => {
    const t = peek();
    return t.t === "punct" && t.v === v;
  };
  const expectPunct = (v: string) => {
    if (!isPunct(v)) fail(`expected '${v}'`);
    p++;
  };

  function primary(): Expr {
    const t = peek();
    if (t.t === "str") {
      p++;
      return { kind: "literal", value: t.v, pos: t.pos };
    }
    if (t.t === "num") {
      p++;
      return { kind: "literal", value: t.v, float: t.float, pos: t.pos };
    }
    if (t.t === "id") {
      p++;
      if (isPunct("(")) {
        p++;
        const args: Expr[] = [];
        if (!isPunct(")")) {
          for (;;) {
            args.push(expr());
            if (isPunct(",")) {
              p++;
              continue;
            }
            break;
          }
        }
        expectPunct(")");
        return { kind: "call", name: t.v, args, pos: t.pos };
      }
      const lower = t.v.toLowerCase();
      if (lower === "true") return { kind: "literal", value: true, pos: t.pos };
      if (lower === "false") return { kind: "literal", value: false, pos: t.pos };
      if (lower === "null") return { kind: "literal", value: null, pos: t.pos };
      return fail(`'${t.v}' is not a function call or a literal`, t.pos);
    }
    if (t.t === "eof") return fail("unexpected end of expression");
    return fail(`unexpected '${t.v}'`);
  }

  function expr(): Expr {
    let e = primary();
    for (;;) {
      let safe = false;
      const save = p;
      if (isPunct("?")) {
        p++;
        safe = true;
      }
      if (isPunct(".")) {
        p++;
        const t = peek();
        if (t.t !== "id") fail("expected a property name after '.'");
        p++;
        e = { kind: "member", target: e, name: (t as { v: string }).v, safe, pos: t.pos };
        continue;
      }
      if (isPunct("[")) {
        const pos = peek().pos;
        p++;
        const index = expr();
        expectPunct("]");
        e = { kind: "index", target: e, index, safe, pos };
        continue;
      }
      if (safe) {
        p = save;
        fail("'?' must be followed by '.' or '['");
      }
      break;
    }
    return e;
  }

  if (peek().t === "eof") fail("the expression is empty", 0);
  const e = expr();
  if (peek().t !== "eof") fail(`unexpected '${(peek() as { v?: string }).v ?? "token"}' after the end of the expression`);
  return e;
}

/** A parsed JSON string value: a typed expression, an interpolated string, or plain text. */
export type Template =
  | { kind: "text"; text: string }
  | { kind: "expression"; expr: Expr; source: string }
  | { kind: "interpolation"; parts: Array<string | { expr: Expr; source: string }> };

/** Whether a JSON string value is (or contains) an expression. */
export function isTemplateString(s: string): boolean {
  return s.startsWith("@") || s.includes("@{");
}

/**
 * Parse a JSON string value of a workflow definition:
 * - "@expr" (the whole string) is an expression with a typed result;
 * - "...@{expr}..." interpolates; the result is always a string;
 * - "@@" escapes a leading '@' and "@@{" a literal "@{".
 */
export function parseTemplate(s: string): Template {
  if (s.startsWith("@") && !s.startsWith("@@") && !s.startsWith("@{")) {
    const source = s.slice(1);
    return { kind: "expression", expr: parseExpression(source), source };
  }
  const parts: Array<string | { expr: Expr; source: string }> = [];
  let buf = "";
  let i = 0;
  if (s.startsWith("@@")) {
    buf = "@";
    i = 2;
  }
  while (i < s.length) {
    if (s[i] === "@" && s[i + 1] === "@" && s[i + 2] === "{") {
      buf += "@{";
      i += 3;
      continue;
    }
    if (s[i] === "@" && s[i + 1] === "{") {
      const end = findClosingBrace(s, i + 2);
      if (end < 0) throw new ExpressionSyntaxError(`The template '${s}' has an '@{' without a matching '}'.`, s, i);
      const source = s.slice(i + 2, end);
      if (buf) parts.push(buf);
      buf = "";
      parts.push({ expr: parseExpression(source), source });
      i = end + 1;
      continue;
    }
    buf += s[i++];
  }
  if (buf) parts.push(buf);
  if (parts.every((x) => typeof x === "string")) return { kind: "text", text: parts.join("") };
  return { kind: "interpolation", parts };
}

function findClosingBrace(s: string, from: number): number {
  let inStr = false;
  for (let i = from; i < s.length; i++) {
    const c = s[i];
    if (inStr) {
      if (c === "'") {
        if (s[i + 1] === "'") i++;
        else inStr = false;
      }
      continue;
    }
    if (c === "'") inStr = true;
    else if (c === "}") return i;
  }
  return -1;
}

/** Every function name called in an expression tree (for lint). */
export function collectCalls(e: Expr, out: Array<{ name: string; args: Expr[] }> = []): Array<{ name: string; args: Expr[] }> {
  switch (e.kind) {
    case "call":
      out.push({ name: e.name, args: e.args });
      e.args.forEach((a) => collectCalls(a, out));
      break;
    case "member":
      collectCalls(e.target, out);
      break;
    case "index":
      collectCalls(e.target, out);
      collectCalls(e.index, out);
      break;
  }
  return out;
}
