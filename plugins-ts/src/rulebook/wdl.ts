/**
 * Workflow Definition Language (Power Automate expression) pieces generated from the rule table, so
 * the cloud flows check exactly what validate() checks and say exactly the same messages.
 *
 * A flow says where its data is (WdlSources: an expression for each snapshot row, list and
 * environment variable), and gets for each rule a condition expression (true = the rule fails) and
 * a message expression (concat of the template's pieces), plus one expression that joins every
 * failing rule's message. Only functions Power Automate documents are used: and, or, not, equals,
 * less, if, empty, contains, coalesce, concat, replace, trim, toUpper, string, length, split, json,
 * join, createArray. Expressions are returned without the leading "@"; wrap them as "@{…}" or "@…".
 *
 * Semantics match validate() for complete data (a flow reads every part; "unchecked" does not exist):
 * string facts are coalesced to '' before they are transformed, numbers stay null when empty.
 */
import { MessageId, messageTemplate, templatePieces, DEFAULT_LANGUAGE } from "./messages";
import {
  Check,
  FactName,
  FACTS,
  FactSpec,
  LISTS,
  ListName,
  LOOKUPS,
  LookupName,
  ParamSource,
  RuleId,
  RuleSpec,
  RULE_TABLES,
  RuleTable,
  tableFacts,
  Transform,
} from "./rules";
import { DEAL_TYPE_OPTIONS, SOLUTION_TYPE_OPTIONS } from "../model/schema";
import type { RulebookConfig } from "./snapshot";

export type WdlRow = "opportunity" | "account" | "contact" | "currency" | "previous";

export interface WdlSources {
  /** An expression for each row object, e.g. opportunity: "triggerOutputs()?['body']", account: "body('Get_account')". */
  rows: Readonly<Record<WdlRow, string>>;
  /** An expression for each list (array) whose length is counted, e.g. solutions: "body('List_solutions')?['value']". */
  lists: Readonly<Record<"solutions" | "contacts", string>>;
  /** An expression for each environment variable value, e.g. "parameters('Deal value (pcs_DealValueField)')". */
  config: Readonly<Record<keyof RulebookConfig, string>>;
  /** Expressions for the named lists and lookups (e.g. outputs of Compose actions); inlined when absent. */
  listExpressions?: Partial<Readonly<Record<ListName, string>>>;
  lookupExpressions?: Partial<Readonly<Record<LookupName, string>>>;
  /**
   * A facts object computed earlier (factsObject's entries in a Compose, e.g. "outputs('Check')?['facts']"):
   * facts it holds, and list memberships, are read from it instead of being written out again, so no
   * expression repeats the lists or the transforms.
   */
  facts?: string;
  /** Expressions that give a fact's value outright (e.g. a Compose's output). */
  factExpressions?: Partial<Readonly<Record<FactName, string>>>;
  /**
   * For a list fact (rules.ts `each`), keyed "<list>.<column>" (e.g. "solutions.pcs_solutiontype"):
   * an expression of the array of that column's values, e.g. the output of a Select whose `select`
   * is `@item()?['pcs_solutiontype']` over the solution rows. WDL has no map function, so the flow
   * provides it; a table whose rules read a list fact needs it.
   */
  each?: Partial<Readonly<Record<string, string>>>;
  /**
   * Instead of `each`, and at no request: the rows' JSON text with its spaces taken out, e.g.
   * `replace(string(<rows>), ' ', '')`, in which a row's column shows as "column":value. The list
   * fact's value is then that text, and includes / excludes look for "column":value followed by `,`
   * or `}` (a quote inside a string value is escaped, so text never matches). For a check of one
   * column's values (choice values, flags) where a Select would cost a request per run.
   */
  eachText?: Partial<Readonly<Record<string, string>>>;
  /**
   * The rule table the expressions check (rules.ts RULE_TABLES). Default RULE_TABLES.sync, the rules
   * the shipped flows check today; RULE_TABLES.cosell adds today's co-sell rules (a flow checks both
   * tables, or RULE_TABLES.all at once); RULE_TABLES.registration is the deal registration check.
   */
  table?: RuleTable;
}

/** The table a source checks. */
export const tableOf = (src: WdlSources): RuleTable => src.table ?? RULE_TABLES.sync;

/** The key of a list fact's array in WdlSources.each. */
export const eachKey = (list: string, column: string): string => `${list}.${column}`;

/** Facts that need a lookup table: left out of the facts object and computed only where a message needs them. */
const MESSAGE_ONLY_FACTS: ReadonlySet<FactName> = new Set(
  (Object.keys(FACTS) as FactName[]).filter((n) => (FACTS[n] as FactSpec).transforms?.some((t) => typeof t === "object" && "lookup" in t)),
);

/** The name under which the facts object holds "fact is in list". */
export const membershipKey = (fact: FactName, list: ListName): string => `${fact}In${list}`;

/** The facts object's key for "list fact `fact` includes `value`" (an includes / excludes check, computed once). */
export const includesKey = (fact: FactName, value: string | number | boolean): string => `${fact}Has${String(value)}`;

/** The distinct values `pick` gives for the table's checks (its gate's included, `any` groups opened), by key. */
function distinctChecks<T>(table: RuleTable, pick: (c: Exclude<Check, { any: unknown }>) => [string, T] | undefined): T[] {
  const out = new Map<string, T>();
  const visit = (c: Check): void => {
    if ("any" in c) c.any.forEach(visit);
    else {
      const picked = pick(c);
      if (picked) out.set(picked[0], picked[1]);
    }
  };
  for (const rule of table.rules) rule.when.forEach(visit);
  table.appliesWhen.forEach(visit);
  return [...out.values()];
}

/** Every (fact, value) pair an includes / excludes check of the table reads. */
const includesChecks = (table: RuleTable): Array<[FactName, string | number | boolean]> =>
  distinctChecks(table, (c) => (c.is === "includes" || c.is === "excludes" ? [includesKey(c.fact, c.value), [c.fact, c.value]] : undefined));

/** Every (fact, list) pair a rule of the table checks. */
const listChecks = (table: RuleTable): Array<[FactName, ListName]> =>
  distinctChecks(table, (c) => (c.is === "in" || c.is === "notIn" ? [membershipKey(c.fact, c.list), [c.fact, c.list]] : undefined));

/**
 * The facts object: [key, expression] for every fact the table reads (lookups aside, in FACTS order)
 * and every list membership, computed from the rows. Put them in one Compose and pass its output as `facts`.
 */
export function factsObject(src: WdlSources): Array<[string, string]> {
  const plain: WdlSources = { ...src, facts: undefined };
  const used = tableFacts(tableOf(src));
  const facts = (Object.keys(FACTS) as FactName[]).filter((n) => used.has(n) && !MESSAGE_ONLY_FACTS.has(n)).map((n): [string, string] => [n, factExpression(n, plain)]);
  const memberships = listChecks(tableOf(src)).map(([fact, list]): [string, string] => [membershipKey(fact, list), call("contains", src.listExpressions?.[list] ?? listLiteral(list), factExpression(fact, plain))]);
  const includes = includesChecks(tableOf(src)).map(([fact, value]): [string, string] => [includesKey(fact, value), listIncludes(fact, value, plain)]);
  return [...facts, ...memberships, ...includes];
}

const usesMessageOnlyFact = (c: Check): boolean => ("any" in c ? c.any.some(usesMessageOnlyFact) : MESSAGE_ONLY_FACTS.has(c.fact));

/**
 * True when any rule fails (the table's gate included): the one condition that stops a Partner
 * Center call. A check on a message-only fact only chooses between rules of one topic that fail
 * either way (country.alias / country.invalid: with or without a hint), so it is left out here and
 * the lookup table stays in the failure message alone.
 */
export function anyRuleFailsExpression(src: WdlSources): string {
  const rules = [...new Set(tableOf(src).rules.map((rule) => all(rule.when.filter((c) => !usesMessageOnlyFact(c)).map((c) => checkExpression(c, src)))))];
  return all([appliesExpression(src), rules.length === 1 ? rules[0] : call("or", ...rules)]);
}

/** A WDL string literal: single quotes, a quote doubled. */
export const wdlString = (text: string): string => `'${text.replace(/'/g, "''")}'`;

/** A named list as an array expression: split('AD,AE,…', ','). */
export function listLiteral(name: ListName): string {
  return `split(${wdlString(LISTS[name].join(","))}, ',')`;
}

/** A named lookup table as an object expression: json('{"USA":"US",…}'). */
export function lookupLiteral(name: LookupName): string {
  return `json(${wdlString(JSON.stringify(LOOKUPS[name]))})`;
}

const call = (fn: string, ...args: string[]): string => `${fn}(${args.join(", ")})`;

function typeOf(spec: FactSpec): NonNullable<FactSpec["type"]> {
  return spec.type ?? "string";
}

function transform(expr: string, t: Transform, src: WdlSources): string {
  if (t === "trim") return call("trim", expr);
  if (t === "removeSpaces") return call("replace", expr, "' '", "''");
  if (t === "upper") return call("toUpper", expr);
  if ("strip" in t) return t.strip.reduce((e, ch) => call("replace", e, wdlString(ch), "''"), expr);
  const table = src.lookupExpressions?.[t.lookup] ?? lookupLiteral(t.lookup);
  return call("coalesce", `${table}?[${expr}]`, "''");
}

/** The expression of a fact's value (a string fact is never null: '' stands for empty). */
export function factExpression(name: FactName, src: WdlSources): string {
  const given = src.factExpressions?.[name];
  if (given) return given;
  if (src.facts && !MESSAGE_ONLY_FACTS.has(name)) return `${src.facts}?[${wdlString(name)}]`;
  const spec: FactSpec = FACTS[name];
  const from = spec.from;
  let expr: string;
  if ("row" in from) {
    const key = typeof from.column === "string" ? wdlString(from.column) : src.config[from.column.config];
    expr = `${src.rows[from.row]}?[${key}]`;
  } else if ("count" in from) {
    expr = call("length", call("coalesce", src.lists[from.count], "json('[]')"));
  } else if ("each" in from && src.eachText?.[eachKey(from.each, from.column)]) {
    expr = src.eachText[eachKey(from.each, from.column)]!;
  } else if ("each" in from) {
    const given = src.each?.[eachKey(from.each, from.column)];
    if (!given) throw new Error(`wdl: the fact ${name} needs WdlSources.each["${eachKey(from.each, from.column)}"], the array of ${from.column} of every row of ${from.each} (a Select over the rows)`);
    expr = call("coalesce", given, "json('[]')");
  } else {
    expr = factExpression(from.fact as FactName, src);
  }
  const type = typeOf(spec);
  if (type === "string" && !("fact" in from)) expr = call("coalesce", expr, "''");
  for (const t of spec.transforms ?? []) expr = transform(expr, t, src);
  return expr;
}

/** A check as a boolean expression. */
export function checkExpression(check: Check, src: WdlSources): string {
  if ("any" in check) return check.any.length === 1 ? checkExpression(check.any[0], src) : call("or", ...check.any.map((c) => checkExpression(c, src)));
  const f = factExpression(check.fact, src);
  const type = typeOf(FACTS[check.fact]);
  const empty = type === "string" ? call("empty", call("trim", f)) : call("equals", f, "null");
  const literal = (v: string | number | boolean): string => (typeof v === "string" ? wdlString(v) : String(v));
  switch (check.is) {
    case "empty":
      return empty;
    case "notEmpty":
      return call("not", empty);
    case "true":
      return call("equals", f, "true");
    case "notTrue":
      return call("not", call("equals", f, "true"));
    case "in":
      return src.facts ? call("equals", `${src.facts}?[${wdlString(membershipKey(check.fact, check.list))}]`, "true") : call("contains", src.listExpressions?.[check.list] ?? listLiteral(check.list), f);
    case "notIn":
      return src.facts ? call("not", call("equals", `${src.facts}?[${wdlString(membershipKey(check.fact, check.list))}]`, "true")) : call("not", call("contains", src.listExpressions?.[check.list] ?? listLiteral(check.list), f));
    case "less":
      return call("less", call("if", call("equals", f, "null"), String(check.than), f), String(check.than));
    case "equals":
      return call("equals", f, literal(check.value));
    case "notEquals":
      return call("not", call("equals", f, literal(check.value)));
    case "includes":
      return listIncludes(check.fact, check.value, src);
    case "excludes":
      return call("not", listIncludes(check.fact, check.value, src));
    case "changed": {
      // validate.ts sameValue: equal, or both empty
      // (a number or yes/no that is empty is null on both sides, which equals already covers)
      const g = factExpression(check.from, src);
      if (type !== "string") return call("not", call("equals", f, g));
      return call("not", call("or", call("equals", f, g), call("and", empty, call("empty", call("trim", g)))));
    }
  }
}

const all = (parts: string[]): string => (parts.length === 1 ? parts[0] : call("and", ...parts));

/** True when the rule table applies (sync table: Sync with Partner Center = Yes). */
export function appliesExpression(src: WdlSources): string {
  return all(tableOf(src).appliesWhen.map((c) => checkExpression(c, src)));
}

/** True when the rule fails (the table's gate included). */
export function ruleConditionExpression(rule: RuleSpec, src: WdlSources): string {
  return all([...tableOf(src).appliesWhen, ...rule.when].map((c) => checkExpression(c, src)));
}

function paramExpression(source: ParamSource, src: WdlSources): string {
  if ("config" in source) return src.config[source.config];
  if ("text" in source) return wdlString(source.text);
  const type = typeOf(FACTS[source.fact]);
  const f = factExpression(source.fact, src);
  return type === "string" ? f : call("if", call("equals", f, "null"), "''", call("string", f));
}

/** The rule's message: concat of the template's literal pieces and its placeholder values. */
export function messageExpression(rule: RuleSpec, src: WdlSources, language: number = DEFAULT_LANGUAGE): string {
  const params = (rule.params ?? {}) as Readonly<Record<string, ParamSource>>;
  const pieces = templatePieces(messageTemplate(rule.message as MessageId, language)).map((p) =>
    typeof p === "string" ? wdlString(p) : params[p.placeholder] ? paramExpression(params[p.placeholder], src) : "''",
  );
  return pieces.length === 1 ? pieces[0] : call("concat", ...pieces);
}

export interface RuleExpressions {
  id: RuleId;
  /** The form column the message belongs to (a configured one as its environment variable's expression). */
  field: string | null;
  condition: string;
  message: string;
}

/** Condition and message expressions of every rule, in rule order. */
export function ruleExpressions(src: WdlSources, language: number = DEFAULT_LANGUAGE): RuleExpressions[] {
  return (tableOf(src).rules as readonly (RuleSpec & { id: RuleId })[]).map((rule) => ({
    id: rule.id,
    field: rule.field === null || typeof rule.field === "string" ? rule.field : src.config[rule.field.config],
    condition: ruleConditionExpression(rule, src),
    message: messageExpression(rule, src, language),
  }));
}

/**
 * One expression: the messages of every failing rule, in rule order, each followed by `separator`
 * ('' when the opportunity passes). Suits a Compose action whose output decides the flow's path and
 * goes into the Audit line.
 */
export function failuresTextExpression(src: WdlSources, separator = " ", language: number = DEFAULT_LANGUAGE): string {
  const parts = ruleExpressions(src, language).map((r) => call("if", r.condition, call("concat", r.message, wdlString(separator)), "''"));
  return call("join", call("createArray", ...parts), "''");
}

/**
 * The same, in two steps that keep every expression short: one [rule id, expression] per rule (its
 * message and the separator when it fails, '' when it passes) for a Compose, then the text from that
 * Compose's output (`failures` names it), in rule order.
 */
export function failureMessagesObject(src: WdlSources, separator = " ", language: number = DEFAULT_LANGUAGE): Array<[RuleId, string]> {
  return ruleExpressions(src, language).map((r): [RuleId, string] => [r.id, call("if", r.condition, call("concat", r.message, wdlString(separator)), "''")]);
}
export function failuresTextFromObject(failures: string, table: RuleTable = RULE_TABLES.sync): string {
  return call("concat", ...table.rules.map((r) => `${failures}?[${wdlString(r.id)}]`));
}

/** True when a list fact holds `value`: contains() on its array, or on its rows' text (WdlSources.eachText). */
function listIncludes(fact: FactName, value: string | number | boolean, src: WdlSources): string {
  // Computed once in the facts object (factsObject) when the table checks it: read from there.
  if (src.facts && includesChecks(tableOf(src)).some(([f, v]) => f === fact && v === value)) return call("equals", `${src.facts}?[${wdlString(includesKey(fact, value))}]`, "true");
  const f = factExpression(fact, src);
  const from = FACTS[fact].from;
  if ("each" in from && src.eachText?.[eachKey(from.each, from.column)]) {
    const pair = `"${from.column}":${JSON.stringify(value)}`;
    return call("or", call("contains", f, wdlString(`${pair},`)), call("contains", f, wdlString(`${pair}}`)));
  }
  return call("contains", f, typeof value === "string" ? wdlString(value) : String(value));
}

/**
 * The Deal Type (pcs_dealtype choice value) of the opportunity, as deal-type.ts coSellDealTypeOf
 * computes it: private or partner-led without help asked, then IP co-sell with a co-sell ready partner
 * solution, Services co-sell without one. Needs WdlSources.each["solutions.pcs_solutiontype"].
 */
export function dealTypeExpression(src: WdlSources): string {
  const value = (code: string): string => String(DEAL_TYPE_OPTIONS.find((o) => o.code === code)!.value);
  const help = factExpression("help", src);
  const visibility = factExpression("visibility", src);
  const partnerSolution = String(SOLUTION_TYPE_OPTIONS.find((o) => o.code === "3P")!.value);
  return call(
    "if",
    call("equals", help, "null"),
    call("if", call("equals", visibility, "true"), value("partner-led"), value("private")),
    call("if", listIncludes("solutionTypes", Number(partnerSolution), src), value("co-sell-ip"), value("co-sell-services")),
  );
}
