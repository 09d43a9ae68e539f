/**
 * The co-sell validation rules as data. validate.ts evaluates exactly this table, and a generator can
 * read it to write the same checks as Workflow Definition Language expressions (wdl.ts does), so the
 * form script, the flows and the command line cannot disagree.
 *
 * Vocabulary, deliberately small:
 * - a FACT is one value read from the snapshot (a column of a row, a count, an environment variable
 *   value or another fact), then passed through simple TRANSFORMS (trim, remove spaces, upper case,
 *   strip characters, look up in a table);
 * - a CHECK tests one fact (empty / not empty / true / not true / in a list / not in a list /
 *   less than a number / equals / not equals), or is `any` of several checks;
 * - a RULE fails when all of its checks hold, and then says its one message, with {placeholders}
 *   filled from facts or configuration. Rules of one topic exclude each other by their checks, so
 *   a topic yields at most one message.
 * The whole table applies only when APPLIES_WHEN holds (Sync with Partner Center = Yes).
 */
import { OPPORTUNITY } from "../model/schema";
import { COUNTRY_ALIASES, COUNTRY_ALIAS_STRIP, ISO3166_ALPHA2 } from "./countries";
import { ISO4217 } from "./currencies";
import type { MessageId } from "./messages";
import { CONTACT_COLUMNS, CURRENCY_COLUMNS, formattedValue, lookupTable, lookupValue, OPPORTUNITY_COLUMNS, RulebookConfig } from "./snapshot";

/** Named lists a fact can be checked against (contains). */
export const LISTS = {
  ISO3166_ALPHA2,
  ISO4217,
} as const;
export type ListName = keyof typeof LISTS;

/** Named tables a fact can be looked up in (key → value, "" when absent). */
export const LOOKUPS = {
  COUNTRY_ALIASES,
} as const;
export type LookupName = keyof typeof LOOKUPS;

export type Transform = "trim" | "removeSpaces" | "upper" | { strip: readonly string[] } | { lookup: LookupName };

/** Where a fact's value comes from. */
export type FactSource =
  /** A column of a snapshot row: the opportunity, the customer account, the first customer contact, the currency, or the previous values. */
  | { row: "opportunity" | "account" | "contact" | "currency" | "previous"; column: string | { config: keyof RulebookConfig } }
  /** How many rows a snapshot list holds. */
  | { count: "solutions" | "contacts" }
  /** Another fact's value (after that fact's own transforms), then this fact's transforms. */
  | { fact: string };

export interface FactSpec {
  /** How the raw value is read; "string" when absent. */
  type?: "string" | "number" | "boolean" | "count";
  from: FactSource;
  transforms?: readonly Transform[];
}

export const FACTS = {
  sync: {
    type: "boolean",
    from: { row: "opportunity", column: OPPORTUNITY.syncWithPartnerCenter },
  },
  visibility: {
    type: "boolean",
    from: { row: "opportunity", column: OPPORTUNITY.referralVisibility },
  },
  previousVisibility: {
    type: "boolean",
    from: { row: "previous", column: OPPORTUNITY.referralVisibility },
  },
  help: {
    type: "number",
    from: { row: "opportunity", column: OPPORTUNITY.microsoftHelp },
  },
  customerId: {
    from: { row: "opportunity", column: lookupValue(OPPORTUNITY_COLUMNS.customer) },
  },
  customerTable: {
    from: { row: "opportunity", column: lookupTable(OPPORTUNITY_COLUMNS.customer) },
  },
  countryValue: {
    from: { row: "account", column: { config: "customerCountryCodeField" } },
    transforms: ["trim"],
  },
  country: {
    from: { fact: "countryValue" },
    transforms: ["trim", "removeSpaces", "upper"],
  },
  countryHint: {
    from: { fact: "country" },
    transforms: [{ strip: COUNTRY_ALIAS_STRIP }, { lookup: "COUNTRY_ALIASES" }],
  },
  solutionCount: {
    type: "count",
    from: { count: "solutions" },
  },
  contactId: {
    from: { row: "opportunity", column: lookupValue(OPPORTUNITY_COLUMNS.contact) },
  },
  contactName: {
    from: { row: "contact", column: CONTACT_COLUMNS.fullName },
    transforms: ["trim"],
  },
  contactEmail: {
    from: { row: "contact", column: CONTACT_COLUMNS.email },
    transforms: ["trim"],
  },
  dealValue: {
    type: "number",
    from: { row: "opportunity", column: { config: "dealValueField" } },
  },
  currencyId: {
    from: { row: "opportunity", column: lookupValue(OPPORTUNITY_COLUMNS.currency) },
  },
  currencyName: {
    from: { row: "opportunity", column: formattedValue(lookupValue(OPPORTUNITY_COLUMNS.currency)) },
  },
  currencyCode: {
    from: { row: "currency", column: CURRENCY_COLUMNS.isoCode },
    transforms: ["trim", "upper"],
  },
  closeDate: {
    from: { row: "opportunity", column: OPPORTUNITY_COLUMNS.estimatedCloseDate },
  },
} as const satisfies Record<string, FactSpec>;

export type FactName = keyof typeof FACTS;

/** What each fact means, for people and generators (kept apart so the form script does not carry it). */
export const FACT_DESCRIPTIONS: Readonly<Record<FactName, string>> = {
  sync: "Sync with Partner Center (Yes/No).",
  visibility: "Microsoft Partner Center Referral Visibility (Yes/No).",
  previousVisibility: "The visibility before this change (form: as loaded; flow: the referral's consentToShareReferralWithMicrosoftSellers).",
  help: "How can Microsoft help? (choice value, empty when no help is asked).",
  customerId: "Potential Customer (id).",
  customerTable: "The table Potential Customer points to: account or contact.",
  countryValue: "The customer account's country as entered, in the column named by pcs_CustomerCountryCodeField.",
  country: "The country normalised: trimmed, spaces removed, upper case.",
  countryHint: "The alpha-2 code a mistaken country most likely means (USA → US), or empty.",
  solutionCount: "How many Microsoft solutions the opportunity has.",
  contactId: "The opportunity's Contact (the customer contact), id.",
  contactName: "The customer contact's full name.",
  contactEmail: "The customer contact's email address.",
  dealValue: "The deal value, in the column named by pcs_DealValueField.",
  currencyId: "Currency (id).",
  currencyName: "Currency (name).",
  currencyCode: "The currency's ISO code, trimmed, upper case.",
  closeDate: "Est. Close Date.",
};

export type Check =
  | { fact: FactName; is: "empty" | "notEmpty" | "true" | "notTrue" }
  | { fact: FactName; is: "in" | "notIn"; list: ListName }
  | { fact: FactName; is: "less"; than: number }
  | { fact: FactName; is: "equals" | "notEquals"; value: string | number | boolean }
  | { any: readonly Check[] };

export type ParamSource = { fact: FactName } | { config: keyof RulebookConfig };

export interface RuleSpec {
  /** Stable id, "<topic>.<failure>": rules of one topic exclude each other (topicOf). */
  id: string;
  message: MessageId;
  /** The column the message belongs to on the form (null: the form as a whole). */
  field: string | { config: keyof RulebookConfig } | null;
  /** The rule fails when every check holds. */
  when: readonly Check[];
  params?: Readonly<Record<string, ParamSource>>;
}

/** The table applies only while these checks hold. */
export const APPLIES_WHEN: readonly Check[] = [{ fact: "sync", is: "true" }];

const customerIsAccount: readonly Check[] = [
  { fact: "customerId", is: "notEmpty" },
  { fact: "customerTable", is: "notEquals", value: "contact" },
];
const countryField = { config: "customerCountryCodeField" } as const;
const dealValueField = { config: "dealValueField" } as const;

export const RULES = [
  {
    id: "customer.missing",
    message: "customerMissing",
    field: OPPORTUNITY_COLUMNS.customer,
    when: [{ fact: "customerId", is: "empty" }],
  },
  {
    id: "customer.notAccount",
    message: "customerNotAccount",
    field: OPPORTUNITY_COLUMNS.customer,
    when: [
      { fact: "customerId", is: "notEmpty" },
      { fact: "customerTable", is: "equals", value: "contact" },
    ],
  },
  {
    id: "country.missing",
    message: "countryMissing",
    field: OPPORTUNITY_COLUMNS.customer,
    when: [...customerIsAccount, { fact: "country", is: "empty" }],
    params: { field: countryField },
  },
  {
    id: "country.alias",
    message: "countryAlias",
    field: OPPORTUNITY_COLUMNS.customer,
    when: [
      ...customerIsAccount,
      { fact: "country", is: "notEmpty" },
      { fact: "country", is: "notIn", list: "ISO3166_ALPHA2" },
      { fact: "countryHint", is: "notEmpty" },
    ],
    params: { field: countryField, value: { fact: "countryValue" }, code: { fact: "countryHint" } },
  },
  {
    id: "country.invalid",
    message: "countryInvalid",
    field: OPPORTUNITY_COLUMNS.customer,
    when: [
      ...customerIsAccount,
      { fact: "country", is: "notEmpty" },
      { fact: "country", is: "notIn", list: "ISO3166_ALPHA2" },
      { fact: "countryHint", is: "empty" },
    ],
    params: { field: countryField, value: { fact: "countryValue" } },
  },
  {
    id: "solutions.missing",
    message: "solutionsMissing",
    field: null,
    when: [
      { any: [{ fact: "visibility", is: "true" }, { fact: "help", is: "notEmpty" }] },
      { fact: "solutionCount", is: "less", than: 1 },
    ],
  },
  {
    id: "contact.missing",
    message: "contactMissing",
    field: OPPORTUNITY_COLUMNS.contact,
    when: [
      { fact: "help", is: "notEmpty" },
      { fact: "contactId", is: "empty" },
    ],
  },
  {
    id: "contact.noEmail",
    message: "contactEmailMissing",
    field: OPPORTUNITY_COLUMNS.contact,
    when: [
      { fact: "help", is: "notEmpty" },
      { fact: "contactId", is: "notEmpty" },
      { fact: "contactEmail", is: "empty" },
    ],
    params: { value: { fact: "contactName" } },
  },
  {
    id: "dealValue.missing",
    message: "dealValueMissing",
    field: dealValueField,
    when: [{ fact: "dealValue", is: "empty" }],
    params: { field: dealValueField },
  },
  {
    id: "dealValue.negative",
    message: "dealValueNegative",
    field: dealValueField,
    when: [
      { fact: "dealValue", is: "notEmpty" },
      { fact: "dealValue", is: "less", than: 0 },
    ],
    params: { field: dealValueField, value: { fact: "dealValue" } },
  },
  {
    id: "currency.missing",
    message: "currencyMissing",
    field: OPPORTUNITY_COLUMNS.currency,
    when: [{ fact: "currencyId", is: "empty" }],
  },
  {
    id: "currency.unknown",
    message: "currencyUnknown",
    field: OPPORTUNITY_COLUMNS.currency,
    when: [
      { fact: "currencyId", is: "notEmpty" },
      { fact: "currencyCode", is: "notIn", list: "ISO4217" },
    ],
    params: { name: { fact: "currencyName" }, value: { fact: "currencyCode" } },
  },
  {
    id: "closeDate.missing",
    message: "closeDateMissing",
    field: OPPORTUNITY_COLUMNS.estimatedCloseDate,
    when: [{ fact: "closeDate", is: "empty" }],
  },
  {
    id: "visibility.reverted",
    message: "visibilityReverted",
    field: OPPORTUNITY.referralVisibility,
    when: [
      { fact: "previousVisibility", is: "true" },
      { fact: "visibility", is: "notTrue" },
    ],
  },
  {
    id: "visibility.neededForHelp",
    message: "helpNeedsVisibility",
    field: OPPORTUNITY.referralVisibility,
    when: [
      { fact: "help", is: "notEmpty" },
      { fact: "visibility", is: "notTrue" },
      { fact: "previousVisibility", is: "notTrue" },
    ],
  },
] as const satisfies readonly RuleSpec[];

export type RuleId = (typeof RULES)[number]["id"];

/** The topic of a rule: the part of its id before the dot. */
export const topicOf = (id: string): string => id.slice(0, id.indexOf("."));
export const RULE_IDS: readonly RuleId[] = RULES.map((r) => r.id);
