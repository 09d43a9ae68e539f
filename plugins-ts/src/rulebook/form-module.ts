/**
 * The rule table as compact JavaScript for the opportunity form script, generated at build time (as
 * wdl.ts generates it as Power Automate expressions for the flows), so the web resource carries the
 * checks as a few lines of straight code instead of the table, its interpreter and the catalogue.
 *
 * plugins-ts/form-rulebook-loader.js calls formRulebookModule() while webpack bundles the form script;
 * the generated ES module replaces src/form/rulebook.ts (whose source calls validate() and
 * formatMessage(), for the jest tests of the form) in the bundle only. Nothing generated is committed.
 * The generated validateForm() returns what validate() returns for each failure the form uses (rule,
 * topic, field, message), with the same `applies`, `ok` and `unchecked`; ruleFields() names the
 * columns the rules show messages on, as the rule table does; formText() says what formatMessage()
 * says. __tests__/form-module.test.ts holds them equal on every validation vector, thousands of
 * random snapshots and every message.
 *
 * How the generated code mirrors validate.ts (the reference):
 * - a fact is a local constant, all read up front; `undefined` stands for "not known" (validate's
 *   { known: false }), since a known value is never undefined (coercion turns a missing one into null);
 * - a row fact reads the row (undefined row: not known; null row: value null) and coerces it by the
 *   fact's type; a count fact is the list's length; transforms leave a value that is not known as is;
 * - a check is three-valued (true / false / undefined = cannot be told); a rule's checks combine as
 *   evaluateAll does, an `any` as evaluateCheck does; a rule is unchecked when its outcome is undefined.
 * What keeps it small:
 * - named lists and lookups are imported from the module that exports them (countries.ts,
 *   currencies.ts), column names as references to the constants the form script already imports
 *   (snapshot.ts, schema.ts), so neither is in the bundle twice;
 * - only the messages the form shows: the rule messages and the "form…" ones, by index. Each template
 *   is cut into pieces at build time by templatePieces() (literal, placeholder, literal, …, joined by
 *   a character no template contains), and phrases that recur across templates ("Partner Center",
 *   " the ", …) are stored once, each template naming them by a one-character token that expand()
 *   replaces at run time (compressPhrases). The text a user sees is the catalogue's, character for character.
 */
import { DEFAULT_LANGUAGE, MESSAGE_IDS, MESSAGES, MessageId, templatePieces } from "./messages";
import { OPPORTUNITY, OPPORTUNITY_COSELL, SOLUTION_DETAIL } from "../model/schema";
import * as countries from "./countries";
import * as currencies from "./currencies";
import * as status from "./status";
import { CONTACT_COLUMNS, CURRENCY_COLUMNS, formattedValue, lookupTable, lookupValue, OPPORTUNITY_COLUMNS } from "./snapshot";
import { Check, FactName, FACTS, FactSpec, FORM_LOCKS, LISTS, ListName, LockSpec, LOOKUPS, LookupName, ParamSource, RULE_TABLES, RuleSpec, tableFacts, Transform } from "./rules";

export interface FormModuleOptions {
  /** The rulebook folder (this file's), as the bundler resolves imports of the generated code from it. */
  rulebookDir: string;
}

/** The modules that hold the named lists and lookups; the generated code imports them from there. */
const DATA_MODULES: Readonly<Record<string, Readonly<Record<string, unknown>>>> = { countries, currencies, status };

/** The messages the form script shows itself (besides the rule messages): ids starting "form". */
export const FORM_MESSAGE_IDS: readonly MessageId[] = MESSAGE_IDS.filter((id) => id.startsWith("form"));

/**
 * Printable characters that may mark message pieces and phrases, each only if no template uses it:
 * the first free one separates a template's pieces, the next separates the phrases, the rest stand
 * for phrases.
 */
const MARKERS = "|~#$%&*+<=>@_`{}^!;[]\\¡¢£¤¥¦§¨©ª«¬®¯°±²³´µ¶·¸¹º»¼½¾¿×÷";

const js = (value: unknown): string => JSON.stringify(value);

/**
 * Column names as the form script already spells them: the tables it imports (snapshot.ts, schema.ts)
 * and the Web API names built from them. A name found here is emitted as that expression, not as a
 * second copy of the string, so the bundle holds each name once.
 */
const NAME_TABLES: ReadonlyArray<readonly [string, "snapshot" | "schema", Readonly<Record<string, unknown>>]> = [
  ["OPPORTUNITY_COLUMNS", "snapshot", OPPORTUNITY_COLUMNS],
  ["CONTACT_COLUMNS", "snapshot", CONTACT_COLUMNS],
  ["CURRENCY_COLUMNS", "snapshot", CURRENCY_COLUMNS],
  ["OPPORTUNITY", "schema", OPPORTUNITY],
  ["OPPORTUNITY_COSELL", "schema", OPPORTUNITY_COSELL],
  ["SOLUTION_DETAIL", "schema", SOLUTION_DETAIL],
];

/** An expression and the imports it needs ([module, name] pairs). */
interface NameExpression {
  expression: string;
  uses: ReadonlyArray<readonly [string, string]>;
}

function nameExpressions(): Map<string, NameExpression> {
  const names = new Map<string, NameExpression>();
  const add = (value: string, expression: string, ...uses: Array<readonly [string, string]>): void => {
    if (!names.has(value)) names.set(value, { expression, uses });
  };
  const fn = (name: string): readonly [string, string] => ["snapshot", name];
  for (const [table, module, columns] of NAME_TABLES) {
    for (const [key, value] of Object.entries(columns)) {
      if (typeof value !== "string") continue;
      const ref = `${table}.${key}`;
      const t = [module, table] as const;
      add(value, ref, t);
      add(lookupValue(value), `lookupValue(${ref})`, t, fn("lookupValue"));
      add(lookupTable(value), `lookupTable(${ref})`, t, fn("lookupTable"));
      add(formattedValue(lookupValue(value)), `formattedValue(lookupValue(${ref}))`, t, fn("formattedValue"), fn("lookupValue"));
    }
  }
  return names;
}

/** The runtime helpers the generated code calls (validate.ts semantics, see the header). */
const HELPERS = `const U = undefined;
const asString = (raw) => raw == null ? null : typeof raw == "string" ? raw : String(raw);
const asBoolean = (raw) => raw == null ? null : raw === true || raw === 1 || raw === "true";
const asNumber = (raw) => {
  if (raw == null) return null;
  if (typeof raw == "number") return raw;
  const n = typeof raw == "string" && raw.trim() !== "" ? Number(raw) : NaN;
  return Number.isNaN(n) ? String(raw) : n;
};
const read = (row, column, as) => row === U ? U : as(row === null ? null : row[column]);
const count = (list) => list === U ? U : list.length;
const each = (list, column) => list === U ? U : list.map((row) => row[column] ?? null);
const trim = (v) => typeof v == "string" ? v.trim() : v;
const removeSpaces = (v) => typeof v == "string" ? v.split(" ").join("") : v;
const upper = (v) => typeof v == "string" ? v.toUpperCase() : v;
const strip = (v, chars) => typeof v == "string" ? chars.reduce((s, ch) => s.split(ch).join(""), v) : v;
const lookup = (v, table) => v === U ? U : v === null ? "" : table[String(v)] ?? "";
const isEmpty = (v) => v == null || typeof v == "string" && v.trim() === "";
const empty = (v) => v === U ? U : isEmpty(v);
const notEmpty = (v) => v === U ? U : !isEmpty(v);
const isTrue = (v) => v === U ? U : v === true;
const notTrue = (v) => v === U ? U : v !== true;
const inList = (v, list) => v === U ? U : typeof v == "string" && list.includes(v);
const notInList = (v, list) => v === U ? U : !(typeof v == "string" && list.includes(v));
const less = (v, than) => v === U ? U : typeof v == "number" && v < than;
const equals = (v, value) => v === U ? U : v === value;
const notEquals = (v, value) => v === U ? U : v !== value;
const includes = (v, value) => v === U ? U : Array.isArray(v) && v.includes(value);
const excludes = (v, value) => v === U ? U : !(Array.isArray(v) && v.includes(value));
const changed = (v, w) => v === U || w === U ? U : !(v === w || isEmpty(v) && isEmpty(w));
const any = (...r) => r.includes(true) || (r.includes(U) ? U : false);
const all = (...r) => !r.includes(false) && (r.includes(U) ? U : true);
const param = (v) => v == null ? "" : String(v);
`;

const ROW_EXPRESSIONS: Readonly<Record<string, string>> = {
  opportunity: "s.opportunity",
  account: "s.account",
  currency: "s.currency",
  previous: "s.previous ?? null",
  contact: "s.contacts === U ? U : s.contacts[0] ?? null",
};

const COERCE: Readonly<Record<NonNullable<FactSpec["type"]>, string>> = {
  string: "asString",
  boolean: "asBoolean",
  number: "asNumber",
  count: "asNumber",
  list: "",
};

const factVar = (name: string): string => `f_${name}`;

/** What the generated code imports, collected while it is written. */
class Imports {
  private readonly names = nameExpressions();
  private readonly used = new Map<string, Set<string>>();

  use(module: string, name: string): string {
    if (!this.used.has(module)) this.used.set(module, new Set());
    this.used.get(module)!.add(name);
    return name;
  }

  /** A column name: a reference to the form's own constant when there is one, else the string. */
  name(value: string): string {
    const known = this.names.get(value);
    if (!known) return js(value);
    for (const [module, name] of known.uses) this.use(module, name);
    return known.expression;
  }

  /** A string value of a check: a column name as above, anything else as the string. */
  value(value: string | number | boolean): string {
    return typeof value === "string" ? this.name(value) : js(value);
  }

  /** A named list or lookup, imported from the data module that exports that very value. */
  data(name: string): string {
    const named: Readonly<Record<string, unknown>> = { ...LISTS, ...LOOKUPS };
    const file = Object.keys(DATA_MODULES).find((f) => DATA_MODULES[f][name] !== undefined && DATA_MODULES[f][name] === named[name]);
    if (!file) throw new Error(`form module: no data module exports the list or lookup ${name} under that name`);
    return this.use(file, name);
  }

  statements(rulebookDir: string): string[] {
    const path = (module: string): string => (module === "schema" ? `${rulebookDir}/../model/schema` : `${rulebookDir}/${module}`);
    return [...this.used.entries()].map(([module, names]) => `import { ${[...names].sort().join(", ")} } from ${js(path(module))};`);
  }
}

function transformExpression(value: string, t: Transform, imports: Imports): string {
  if (t === "trim") return `trim(${value})`;
  if (t === "removeSpaces") return `removeSpaces(${value})`;
  if (t === "upper") return `upper(${value})`;
  if ("strip" in t) return `strip(${value}, ${js(t.strip)})`;
  return `lookup(${value}, ${imports.data(t.lookup)})`;
}

/** The rows the facts read, then one const per fact, dependencies first, in the order of FACTS. */
function factStatements(imports: Imports): string[] {
  const rows = new Set<string>();
  const done = new Set<string>();
  const out: string[] = [];
  const emit = (fact: FactName): void => {
    if (done.has(fact)) return;
    const spec: FactSpec = FACTS[fact];
    const from = spec.from;
    let value: string;
    if ("row" in from) {
      if (!ROW_EXPRESSIONS[from.row]) throw new Error(`form module: fact ${fact} reads an unknown row "${from.row}"`);
      rows.add(from.row);
      const column = typeof from.column === "string" ? imports.name(from.column) : `config.${from.column.config}`;
      value = `read(row_${from.row}, ${column}, ${COERCE[spec.type ?? "string"]})`;
    } else if ("count" in from) {
      value = `count(s.${from.count})`;
    } else if ("each" in from) {
      value = `each(s.${from.each}, ${imports.name(from.column)})`;
    } else {
      emit(from.fact as FactName);
      value = factVar(from.fact);
    }
    for (const t of spec.transforms ?? []) value = transformExpression(value, t, imports);
    out.push(`const ${factVar(fact)} = ${value};`);
    done.add(fact);
  };
  const used = tableFacts({ appliesWhen: RULE_TABLES.form.appliesWhen, rules: [...RULE_TABLES.form.rules, ...FORM_LOCKS.map((l) => ({ id: l.id, message: l.message, field: null, when: l.when, params: l.params }))] });
  for (const fact of Object.keys(FACTS) as FactName[]) if (used.has(fact)) emit(fact);
  return [...[...rows].map((row) => `const row_${row} = ${ROW_EXPRESSIONS[row]};`), ...out];
}

function checkExpression(check: Check, imports: Imports): string {
  if ("any" in check) return `any(${check.any.map((c) => checkExpression(c, imports)).join(", ")})`;
  const v = factVar(check.fact);
  switch (check.is) {
    case "empty":
      return `empty(${v})`;
    case "notEmpty":
      return `notEmpty(${v})`;
    case "true":
      return `isTrue(${v})`;
    case "notTrue":
      return `notTrue(${v})`;
    case "in":
      return `inList(${v}, ${imports.data(check.list)})`;
    case "notIn":
      return `notInList(${v}, ${imports.data(check.list)})`;
    case "less":
      return `less(${v}, ${js(check.than)})`;
    case "equals":
      return `equals(${v}, ${imports.value(check.value)})`;
    case "notEquals":
      return `notEquals(${v}, ${imports.value(check.value)})`;
    case "includes":
      return `includes(${v}, ${imports.value(check.value)})`;
    case "excludes":
      return `excludes(${v}, ${imports.value(check.value)})`;
    case "changed":
      return `changed(${v}, ${factVar(check.from)})`;
  }
}

/** The free markers (see MARKERS) for a set of templates: characters their literal text does not use (placeholders are replaced by name). */
function freeMarkers(templates: readonly string[]): { pieces: string; phrases: string; tokens: string } {
  const literal = templates.map((t) => templatePieces(t).filter((p): p is string => typeof p === "string").join(""));
  const free = [...MARKERS].filter((m) => literal.every((t) => !t.includes(m)));
  if (free.length < 2) throw new Error(`form module: the message templates use nearly every marker character (${MARKERS})`);
  return { pieces: free[0], phrases: free[1], tokens: free.slice(2).join("") };
}

/**
 * Phrases that occur more than once across the texts, each replaced by one token character, chosen
 * greedily by UTF-8 bytes saved (a token outside ASCII costs two bytes per use; a phrase may contain
 * the token of an earlier one). Deterministic: the same texts give the same phrases. expand() in the
 * generated code undoes it.
 */
export function compressPhrases(texts: readonly string[], tokens: string): { texts: string[]; phrases: string[] } {
  let out = [...texts];
  const phrases: string[] = [];
  const occurrences = (s: string): number => {
    let n = 0;
    for (const t of out) for (let k = t.indexOf(s); k >= 0; k = t.indexOf(s, k + s.length)) n++;
    return n;
  };
  const bytes = (x: string): number => Buffer.byteLength(x, "utf8");
  for (const token of tokens) {
    const tb = bytes(token);
    let best = "";
    let bestGain = 0;
    const seen = new Set<string>();
    for (const t of out) {
      for (let i = 0; i < t.length; i++) {
        for (let end = i + 3; end <= Math.min(t.length, i + 80); end++) {
          const s = t.slice(i, end);
          if (seen.has(s)) continue;
          seen.add(s);
          const n = occurrences(s);
          if (n < 2) break;
          // Each use shrinks to the token; the phrase list (with its separator), the token list and the regex pay once.
          const gain = n * (bytes(s) - tb) - (bytes(s) + 1 + 2 * tb);
          if (gain > bestGain) [best, bestGain] = [s, gain];
        }
      }
    }
    if (!best) break;
    out = out.map((t) => t.split(best).join(token));
    phrases.push(best);
  }
  return { texts: out, phrases };
}

/** A template as literal and placeholder pieces, strictly alternating (literal first), joined by sep. */
function packTemplate(template: string, sep: string): string {
  const parts: string[] = [];
  for (const piece of templatePieces(template)) {
    const isLiteral = typeof piece === "string";
    if ((parts.length % 2 === 0) !== isLiteral) parts.push("");
    parts.push(isLiteral ? piece : piece.placeholder);
  }
  return parts.join(sep);
}

interface Catalogue {
  /** The generated statements: PHRASES, expand, MESSAGES. */
  code: string;
  /** The character between a template's pieces. */
  sep: string;
}

/** The catalogues (default language first) of the given message ids, in that order, as generated code. */
function catalogue(ids: readonly MessageId[]): Catalogue {
  const languages = Object.keys(MESSAGES)
    .map(Number)
    .sort((a, b) => (a === DEFAULT_LANGUAGE ? -1 : b === DEFAULT_LANGUAGE ? 1 : a - b));
  if (!languages.includes(DEFAULT_LANGUAGE)) throw new Error(`form module: no catalogue for the default language ${DEFAULT_LANGUAGE}`);
  const raw = languages.flatMap((lcid) => ids.map((id) => MESSAGES[lcid][id]).filter((t): t is string => t !== undefined));
  const markers = freeMarkers(raw);
  for (const id of ids) if (MESSAGES[DEFAULT_LANGUAGE][id] === undefined) throw new Error(`form module: the ${DEFAULT_LANGUAGE} catalogue lacks ${id}`);
  const packed = compressPhrases(
    raw.map((t) => packTemplate(t, markers.pieces)),
    markers.tokens,
  );
  const texts = [...packed.texts];
  const lines = languages.map((lcid) => {
    // A message a partial catalogue lacks is a hole (undefined): the default language fills it.
    const templates = ids.map((id) => (MESSAGES[lcid][id] === undefined ? "" : js(texts.shift())));
    return `  ${lcid}: [${templates.join(", ")}${templates[templates.length - 1] === "" ? ", " : ""}],`;
  });
  const tokens = markers.tokens.slice(0, packed.phrases.length);
  const tokenClass = `[${tokens.replace(/[\\\]^-]/g, "\\$&")}]`;
  const expand = packed.phrases.length
    ? `const PHRASES = ${js(packed.phrases.join(markers.phrases))}.split(${js(markers.phrases)});
/** A template with each phrase token replaced by its phrase (phrases may hold tokens of earlier ones). */
const expand = (t) => t.replace(/${tokenClass}/g, (c) => expand(PHRASES[${js(tokens)}.indexOf(c)]));`
    : "const expand = (t) => t;";
  return {
    sep: markers.pieces,
    code: `${expand}
/** Message templates by LCID, indexed; pieces alternate literal text and placeholder names. */
const MESSAGES = {
${lines.join("\n")}
};`,
  };
}

/** The generated ES module: exports validateForm(snapshot, language), ruleFields(config) and formText(id, params, language). */
export function formRulebookModule(options: FormModuleOptions): string {
  const table = RULE_TABLES.form;
  const rules = table.rules as readonly (RuleSpec & { id: string })[];
  const locks = FORM_LOCKS as readonly LockSpec[];
  const imports = new Imports();
  imports.use("snapshot", "configOf");

  const ids: MessageId[] = [];
  for (const id of [...rules.map((r) => r.message), ...locks.map((l) => l.message), ...FORM_MESSAGE_IDS]) if (!ids.includes(id)) ids.push(id);
  const messages = catalogue(ids);

  const paramsObject = (params: RuleSpec["params"]): string | undefined => {
    // A lone fixed {field} (a column's display name) is written as the string; format() takes either.
    const only = Object.entries(params ?? {});
    if (only.length === 1 && only[0][0] === "field" && "text" in only[0][1]) return js(only[0][1].text);
    const entries = Object.entries(params ?? {}).map(
      ([name, source]) => `${name}: ${"config" in source ? `config.${source.config}` : "text" in source ? js(source.text) : `param(${factVar(source.fact)})`}`,
    );
    return entries.length ? `{ ${entries.join(", ")} }` : undefined;
  };
  const facts = factStatements(imports);
  // A check that several rules share is computed once, as a const; one used once is written in place.
  // (Checks cannot throw, so computing one later changes nothing; facts stay consts, read up front.)
  const uses = new Map<string, number>();
  for (const check of [...table.appliesWhen, ...rules.flatMap((r) => r.when), ...locks.flatMap((l) => l.when)]) {
    const expression = checkExpression(check, imports);
    uses.set(expression, (uses.get(expression) ?? 0) + 1);
  }
  const checks = new Map<string, string>();
  const outcome = (when: readonly Check[]): string => {
    const parts = when.map((check) => {
      const expression = checkExpression(check, imports);
      if (uses.get(expression)! < 2) return expression;
      if (!checks.has(expression)) checks.set(expression, `c${checks.size}`);
      return checks.get(expression)!;
    });
    return parts.length === 1 ? parts[0] : `all(${parts.join(", ")})`;
  };
  const applies = outcome(table.appliesWhen);
  const fieldExpression = (rule: RuleSpec): string =>
    rule.field === null ? "null" : typeof rule.field === "string" ? imports.name(rule.field) : `config.${rule.field.config}`;
  const fields = [...new Set(rules.filter((rule) => rule.field !== null).map(fieldExpression))];
  const ruleRows = rules.map((rule) => {
    const params = paramsObject(rule.params);
    const row = [js(rule.id), String(ids.indexOf(rule.message)), fieldExpression(rule), outcome(rule.when)];
    if (params) row.push(params);
    return `    [${row.join(", ")}],`;
  });
  const lockRows = locks.map((lock) => {
    const columns = lock.columns.map((c) => (typeof c.column === "string" ? imports.name(c.column) : `config.${c.column.config}`));
    const params = paramsObject(lock.params);
    const row = [`[${columns.join(", ")}]`, String(ids.indexOf(lock.message)), outcome(lock.when)];
    if (params) row.push(params);
    return `    [${row.join(", ")}],`;
  });
  const checkStatements = [...checks.entries()].map(([expression, name]) => `const ${name} = ${expression};`);
  const formIndexes = FORM_MESSAGE_IDS.map((id) => `${id}: ${ids.indexOf(id)}`).join(", ");

  return `// Generated by plugins-ts/src/rulebook/form-module.ts from rules.ts and messages.ts at build time. Do not edit.
${imports.statements(options.rulebookDir).join("\n")}

${HELPERS}
${messages.code}
/** The form's own messages: their indexes in MESSAGES. */
export const FORM_TEXT = { ${formIndexes} };

/** A message with its placeholders filled; \`params\` may be a string: the value of {field}. */
const format = (i, params, language) =>
  expand(MESSAGES[language]?.[i] ?? MESSAGES[${DEFAULT_LANGUAGE}][i])
    .split(${js(messages.sep)})
    .map((piece, k) => (k % 2 ? (typeof params == "string" ? { field: params } : params)[piece] ?? "" : piece))
    .join("");

export const DEFAULT_LANGUAGE = ${DEFAULT_LANGUAGE};

/** formatMessage for the form's own messages (id: a FORM_TEXT value). */
export const formText = (id, params = {}, language = ${DEFAULT_LANGUAGE}) => format(id, params, language);

/** The columns the rules show their messages on (each once, in rule order), the configured ones as configured. */
export const ruleFields = (config) => [${fields.join(", ")}];

/** validate(snapshot, { language }) with each failure's rule, topic, field and message, and activeLocks(). */
export function validateForm(s, language = ${DEFAULT_LANGUAGE}) {
  const config = configOf(s);
  ${facts.join("\n  ")}
  ${checkStatements.join("\n  ")}
  const result = { applies: ${applies} === true, ok: true, failures: [], unchecked: [], locks: [] };
  const locks = [
${lockRows.join("\n")}
  ];
  for (const [columns, message, on, params = {}] of locks) if (on === true) result.locks.push({ columns, message: format(message, params, language) });
  if (!result.applies) return result;
  const rules = [
${ruleRows.join("\n")}
  ];
  for (const [rule, message, field, outcome, params = {}] of rules) {
    if (outcome === U) result.unchecked.push(rule);
    else if (outcome) result.failures.push({ rule, topic: rule.slice(0, rule.indexOf(".")), field, message: format(message, params, language) });
  }
  result.ok = result.failures.length === 0;
  return result;
}
`;
}
