/**
 * The rulebook as the form script uses it: validate an opportunity snapshot, name the columns the
 * rules show their messages on, and say the form's own messages. This source calls validate() and formatMessage() directly (the jest tests of the form run
 * it). In the web resource, webpack replaces this module with the compact code that
 * ../rulebook/form-module.ts generates from the same rules.ts and messages.ts at build time
 * (../../form-rulebook-loader.js); ../rulebook/__tests__/form-module.test.ts holds the two equal.
 * Keep the exports and their meaning in step with the generated module.
 */
import { DEFAULT_LANGUAGE, formatMessage, MESSAGE_IDS, MessageId } from "../rulebook/messages";
import { FORM_LOCKS, RULE_TABLES, RuleSpec } from "../rulebook/rules";
import type { OpportunitySnapshot, RulebookConfig } from "../rulebook/snapshot";
import { ActiveLock, activeLocks, checkRules, ruleField, ValidationFailure, ValidationResult } from "../rulebook/validate";

export { DEFAULT_LANGUAGE };

/** The messages the form shows itself (the generated module carries these and the rule messages). */
export type FormMessageId = Extract<MessageId, `form${string}`>;

/** What the form uses of a failure. */
export type FormFailure = Pick<ValidationFailure, "rule" | "topic" | "field" | "message">;

export interface FormValidation extends Omit<ValidationResult, "failures"> {
  failures: FormFailure[];
  /** The columns Partner Center will not let change, and why (activeLocks() of FORM_LOCKS), whether the record syncs or not. */
  locks: Array<Pick<ActiveLock, "columns" | "message">>;
}

/**
 * The form's rules (RULE_TABLES.form: every rule but the locks' own, as the form locks those columns),
 * each failure cut to what the form uses, with the locks in force.
 */
export function validateForm(snapshot: OpportunitySnapshot, language: number): FormValidation {
  const result = checkRules(RULE_TABLES.form, snapshot, { language });
  return {
    ...result,
    failures: result.failures.map(({ rule, topic, field, message }) => ({ rule, topic, field, message })),
    locks: activeLocks(snapshot, { language, locks: FORM_LOCKS }).map(({ columns, message }) => ({ columns, message })),
  };
}

/** The columns the rules show their messages on (each once, in rule order), the configured ones as configured. */
export function ruleFields(config: RulebookConfig): string[] {
  const fields = (RULE_TABLES.form.rules as readonly RuleSpec[]).map((rule) => ruleField(rule, config));
  return [...new Set(fields.filter((field): field is string => field !== null))];
}

/**
 * The form's own messages by id, as formText() takes them. Here each is its id; in the generated module
 * its index in the catalogue, under a property name the minifier shortens (form-properties.js).
 */
export const FORM_TEXT = Object.fromEntries(MESSAGE_IDS.filter((id): id is FormMessageId => id.startsWith("form")).map((id) => [id, id])) as { readonly [K in FormMessageId]: K };

/** A form message (a FORM_TEXT value) in the language, its {placeholders} filled. */
export function formText(id: FormMessageId, params: Readonly<Record<string, string>>, language: number): string {
  return formatMessage(id, params, language);
}
