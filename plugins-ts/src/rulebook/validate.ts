/**
 * Validation of an opportunity snapshot: evaluates rules.ts (FACTS, checks, RULES) and renders one
 * message per failure from messages.ts. Pure; the only entry point the form and the command line need.
 */
import { formatMessage, DEFAULT_LANGUAGE, MessageId } from "./messages";
import {
  Check,
  FactName,
  FACTS,
  FactSpec,
  LISTS,
  LOCKS,
  LockSpec,
  LOOKUPS,
  ParamSource,
  RuleId,
  RuleSpec,
  RULE_TABLES,
  RuleTable,
  topicOf,
  Transform,
} from "./rules";
import { configOf, OpportunitySnapshot, RulebookConfig, WebApiRow } from "./snapshot";

/** A fact's value; `unknown: true` when its source is not known (not fetched, or the fetch failed). */
export type FactValue = { known: true; value: Scalar | readonly Scalar[] } | { known: false };
type Scalar = string | number | boolean | null;

export interface ValidationFailure {
  rule: RuleId;
  topic: string;
  messageId: MessageId;
  /** The column the message belongs to (the configured one for the deal value), or null for the form. */
  field: string | null;
  /** The placeholder values, as substituted. */
  params: Record<string, string>;
  /** The rendered message. */
  message: string;
}

export interface ValidationResult {
  /** False when the rules do not apply (Sync with Partner Center is not Yes): then nothing fails. */
  applies: boolean;
  /** True when no rule fails (rules that could not be checked do not count). */
  ok: boolean;
  failures: ValidationFailure[];
  /** Rules not checked because a value they need is not known. */
  unchecked: RuleId[];
}

export interface ValidateOptions {
  /** LCID of the messages; default 1033. */
  language?: number;
  /** Check the rules even when the table's gate (Sync with Partner Center, Register Deal) is not Yes. */
  ignoreSyncFlag?: boolean;
}

const UNKNOWN: FactValue = { known: false };

function isEmpty(v: unknown): boolean {
  return v === null || v === undefined || (typeof v === "string" && v.trim() === "");
}

function sourceRow(snapshot: OpportunitySnapshot, row: string): WebApiRow | null | undefined {
  switch (row) {
    case "opportunity":
      return snapshot.opportunity;
    case "account":
      return snapshot.account;
    case "currency":
      return snapshot.currency;
    case "previous":
      return snapshot.previous ?? null;
    case "contact":
      return snapshot.contacts === undefined ? undefined : (snapshot.contacts[0] ?? null);
    default:
      return undefined;
  }
}

function applyTransform(value: Scalar | readonly Scalar[], t: Transform): Scalar | readonly Scalar[] {
  if (Array.isArray(value)) return value;
  if (value === null || typeof value !== "string") {
    if (typeof t === "object" && "lookup" in t) return value === null ? "" : (LOOKUPS[t.lookup][String(value)] ?? "");
    return value;
  }
  if (t === "trim") return value.trim();
  if (t === "removeSpaces") return value.split(" ").join("");
  if (t === "upper") return value.toUpperCase();
  if ("strip" in t) return t.strip.reduce((s, ch) => s.split(ch).join(""), value);
  return LOOKUPS[t.lookup][value] ?? "";
}

function coerce(spec: FactSpec, raw: unknown): Scalar {
  if (raw === undefined || raw === null) return null;
  switch (spec.type) {
    case "boolean":
      return raw === true || raw === 1 || raw === "true";
    case "number":
    case "count": {
      if (typeof raw === "number") return raw;
      const n = typeof raw === "string" && raw.trim() !== "" ? Number(raw) : NaN;
      return Number.isNaN(n) ? String(raw) : n;
    }
    default:
      return typeof raw === "string" ? raw : String(raw);
  }
}

/** Every fact of rules.ts FACTS for a snapshot. */
export function evaluateFacts(snapshot: OpportunitySnapshot): Record<FactName, FactValue> {
  const config = configOf(snapshot);
  const out = {} as Record<FactName, FactValue>;
  const evaluate = (name: FactName): FactValue => {
    if (out[name]) return out[name];
    const spec: FactSpec = FACTS[name];
    let base: FactValue;
    const from = spec.from;
    if ("row" in from) {
      const row = sourceRow(snapshot, from.row);
      if (row === undefined) base = UNKNOWN;
      else {
        const column = typeof from.column === "string" ? from.column : config[from.column.config];
        base = { known: true, value: coerce(spec, row === null ? null : row[column]) };
      }
    } else if ("count" in from) {
      const list = snapshot[from.count];
      base = list === undefined ? UNKNOWN : { known: true, value: list.length };
    } else if ("each" in from) {
      const list = snapshot[from.each];
      base = list === undefined ? UNKNOWN : { known: true, value: list.map((row) => (row[from.column] ?? null) as Scalar) };
    } else {
      base = evaluate(from.fact as FactName);
    }
    let result = base;
    if (base.known && spec.transforms) {
      result = { known: true, value: spec.transforms.reduce(applyTransform, base.value) };
    }
    out[name] = result;
    return result;
  };
  for (const name of Object.keys(FACTS) as FactName[]) evaluate(name);
  return out;
}

/** Two values the same for "changed": equal, or both empty. */
export function sameValue(a: unknown, b: unknown): boolean {
  return (isEmpty(a) && isEmpty(b)) || a === b;
}

/** A check's outcome: true / false, or undefined when a fact it reads is not known. */
export function evaluateCheck(check: Check, facts: Readonly<Record<FactName, FactValue>>): boolean | undefined {
  if ("any" in check) {
    const results = check.any.map((c) => evaluateCheck(c, facts));
    if (results.includes(true)) return true;
    return results.includes(undefined) ? undefined : false;
  }
  const fact = facts[check.fact];
  if (!fact.known) return undefined;
  const v = fact.value;
  switch (check.is) {
    case "empty":
      return isEmpty(v);
    case "notEmpty":
      return !isEmpty(v);
    case "true":
      return v === true;
    case "notTrue":
      return v !== true;
    case "in":
      return typeof v === "string" && (LISTS[check.list] as readonly string[]).includes(v);
    case "notIn":
      return !(typeof v === "string" && (LISTS[check.list] as readonly string[]).includes(v));
    case "less":
      return typeof v === "number" && v < check.than;
    case "equals":
      return v === check.value;
    case "notEquals":
      return v !== check.value;
    case "includes":
      return Array.isArray(v) && v.includes(check.value);
    case "excludes":
      return !(Array.isArray(v) && v.includes(check.value));
    case "changed": {
      const from = facts[check.from];
      return from.known ? !sameValue(v, from.value) : undefined;
    }
  }
}

/** Checks in a list all hold (true), one does not (false), or one cannot be told (undefined). */
export function evaluateAll(checks: readonly Check[], facts: Readonly<Record<FactName, FactValue>>): boolean | undefined {
  let unknown = false;
  for (const c of checks) {
    const r = evaluateCheck(c, facts);
    if (r === false) return false;
    if (r === undefined) unknown = true;
  }
  return unknown ? undefined : true;
}

function paramValue(source: ParamSource, facts: Readonly<Record<FactName, FactValue>>, config: RulebookConfig): string {
  if ("config" in source) return config[source.config];
  if ("text" in source) return source.text;
  const f = facts[source.fact];
  return f.known && f.value !== null ? String(f.value) : "";
}

/** The column a rule's message belongs to, with the configured column name resolved. */
export function ruleField(rule: RuleSpec, config: RulebookConfig): string | null {
  return rule.field === null || typeof rule.field === "string" ? rule.field : config[rule.field.config];
}

/**
 * Validates an opportunity snapshot against the co-sell rules (RULE_TABLES.all: the sync rules and
 * today's co-sell rules). Each failing rule gives one message naming the field and what is expected;
 * rules whose inputs are unknown are listed as unchecked.
 */
export function validate(snapshot: OpportunitySnapshot, options: ValidateOptions = {}): ValidationResult {
  return checkRules(RULE_TABLES.all, snapshot, options);
}

/**
 * Whether the deal can be registered (RULE_TABLES.registration, while Register Deal is Yes): each
 * reason it cannot is a failure with its message. `ignoreSyncFlag` checks even when Register Deal is No.
 */
export function checkRegistration(snapshot: OpportunitySnapshot, options: ValidateOptions = {}): ValidationResult {
  return checkRules(RULE_TABLES.registration, snapshot, options);
}

/** Evaluates one rule table on a snapshot (validate() and checkRegistration() name theirs). */
export function checkRules(table: RuleTable, snapshot: OpportunitySnapshot, options: ValidateOptions = {}): ValidationResult {
  const language = options.language ?? DEFAULT_LANGUAGE;
  const facts = evaluateFacts(snapshot);
  const config = configOf(snapshot);
  const applies = options.ignoreSyncFlag === true || evaluateAll(table.appliesWhen, facts) === true;
  const result: ValidationResult = { applies, ok: true, failures: [], unchecked: [] };
  if (!applies) return result;
  for (const rule of table.rules as readonly (RuleSpec & { id: RuleId })[]) {
    const outcome = evaluateAll(rule.when, facts);
    if (outcome === undefined) result.unchecked.push(rule.id);
    if (outcome !== true) continue;
    const params: Record<string, string> = {};
    for (const [name, source] of Object.entries(rule.params ?? {})) params[name] = paramValue(source, facts, config);
    result.failures.push({
      rule: rule.id,
      topic: topicOf(rule.id),
      messageId: rule.message,
      field: ruleField(rule, config),
      params,
      message: formatMessage(rule.message, params, language),
    });
  }
  result.ok = result.failures.length === 0;
  return result;
}

/** A lock in force: its columns (the configured ones as configured) and the message saying why. */
export interface ActiveLock {
  lock: string;
  columns: string[];
  message: string;
}

/**
 * The locks (rules.ts LOCKS, or the ones given) in force for a snapshot: each lock whose conditions
 * hold for the record before the change (on the form: as loaded), whether it syncs or not. The form
 * locks these columns and says why; a lock that cannot be told is not in force.
 */
export function activeLocks(snapshot: OpportunitySnapshot, options: ValidateOptions & { locks?: readonly LockSpec[] } = {}): ActiveLock[] {
  const language = options.language ?? DEFAULT_LANGUAGE;
  const facts = evaluateFacts(snapshot);
  const config = configOf(snapshot);
  return (options.locks ?? LOCKS)
    .filter((lock) => evaluateAll(lock.when, facts) === true)
    .map((lock) => {
      const params: Record<string, string> = {};
      for (const [name, source] of Object.entries(lock.params ?? {})) params[name] = paramValue(source, facts, config);
      return {
        lock: lock.id,
        columns: lock.columns.map((c) => (typeof c.column === "string" ? c.column : config[c.column.config])),
        message: formatMessage(lock.message, params, language),
      };
    });
}
