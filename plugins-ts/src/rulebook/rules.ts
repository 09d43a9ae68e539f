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
import { COLUMNS, formattedValue, lookupTable, lookupValue, RulebookConfig } from "./snapshot";

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
  type: "string" | "number" | "boolean" | "count";
  from: FactSource;
  transforms?: readonly Transform[];
  description: string;
}

export const FACTS = {
  sync: {
    type: "boolean",
    from: { row: "opportunity", column: OPPORTUNITY.syncWithPartnerCenter },
    description: "Sync with Partner Center (Yes/No).",
  },
  visibility: {
    type: "boolean",
    from: { row: "opportunity", column: OPPORTUNITY.referralVisibility },
    description: "Microsoft Partner Center Referral Visibility (Yes/No).",
  },
  previousVisibility: {
    type: "boolean",
    from: { row: "previous", column: OPPORTUNITY.referralVisibility },
    description: "The visibility before this change (form: as loaded; flow: the referral's consentToShareReferralWithMicrosoftSellers).",
  },
  help: {
    type: "number",
    from: { row: "opportunity", column: OPPORTUNITY.microsoftHelp },
    description: "How can Microsoft help? (choice value, empty when no help is asked).",
  },
  customerId: {
    type: "string",
    from: { row: "opportunity", column: lookupValue(COLUMNS.opportunity.customer) },
    description: "Potential Customer (id).",
  },
  customerTable: {
    type: "string",
    from: { row: "opportunity", column: lookupTable(COLUMNS.opportunity.customer) },
    description: "The table Potential Customer points to: account or contact.",
  },
  countryValue: {
    type: "string",
    from: { row: "account", column: { config: "customerCountryCodeField" } },
    transforms: ["trim"],
    description: "The customer account's country as entered, in the column named by pcs_CustomerCountryCodeField.",
  },
  country: {
    type: "string",
    from: { fact: "countryValue" },
    transforms: ["trim", "removeSpaces", "upper"],
    description: "The country normalised: trimmed, spaces removed, upper case.",
  },
  countryHint: {
    type: "string",
    from: { fact: "country" },
    transforms: [{ strip: COUNTRY_ALIAS_STRIP }, { lookup: "COUNTRY_ALIASES" }],
    description: "The alpha-2 code a mistaken country most likely means (USA → US), or empty.",
  },
  solutionCount: {
    type: "count",
    from: { count: "solutions" },
    description: "How many Microsoft solutions the opportunity has.",
  },
  contactId: {
    type: "string",
    from: { row: "opportunity", column: lookupValue(COLUMNS.opportunity.contact) },
    description: "The opportunity's Contact (the customer contact), id.",
  },
  contactName: {
    type: "string",
    from: { row: "contact", column: "fullname" },
    transforms: ["trim"],
    description: "The customer contact's full name.",
  },
  contactEmail: {
    type: "string",
    from: { row: "contact", column: COLUMNS.contact.email },
    transforms: ["trim"],
    description: "The customer contact's email address.",
  },
  dealValue: {
    type: "number",
    from: { row: "opportunity", column: { config: "dealValueField" } },
    description: "The deal value, in the column named by pcs_DealValueField.",
  },
  currencyId: {
    type: "string",
    from: { row: "opportunity", column: lookupValue(COLUMNS.opportunity.currency) },
    description: "Currency (id).",
  },
  currencyName: {
    type: "string",
    from: { row: "opportunity", column: formattedValue(lookupValue(COLUMNS.opportunity.currency)) },
    description: "Currency (name).",
  },
  currencyCode: {
    type: "string",
    from: { row: "currency", column: COLUMNS.currency.isoCode },
    transforms: ["trim", "upper"],
    description: "The currency's ISO code, trimmed, upper case.",
  },
  closeDate: {
    type: "string",
    from: { row: "opportunity", column: COLUMNS.opportunity.estimatedCloseDate },
    description: "Est. Close Date.",
  },
} as const satisfies Record<string, FactSpec>;

export type FactName = keyof typeof FACTS;

export type Check =
  | { fact: FactName; is: "empty" | "notEmpty" | "true" | "notTrue" }
  | { fact: FactName; is: "in" | "notIn"; list: ListName }
  | { fact: FactName; is: "less"; than: number }
  | { fact: FactName; is: "equals" | "notEquals"; value: string | number | boolean }
  | { any: readonly Check[] };

export type ParamSource = { fact: FactName } | { config: keyof RulebookConfig };

export interface RuleSpec {
  /** Stable id, "<topic>.<failure>". */
  id: string;
  topic: string;
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
    topic: "customer",
    message: "customerMissing",
    field: COLUMNS.opportunity.customer,
    when: [{ fact: "customerId", is: "empty" }],
  },
  {
    id: "customer.notAccount",
    topic: "customer",
    message: "customerNotAccount",
    field: COLUMNS.opportunity.customer,
    when: [
      { fact: "customerId", is: "notEmpty" },
      { fact: "customerTable", is: "equals", value: "contact" },
    ],
  },
  {
    id: "country.missing",
    topic: "country",
    message: "countryMissing",
    field: COLUMNS.opportunity.customer,
    when: [...customerIsAccount, { fact: "country", is: "empty" }],
    params: { field: countryField },
  },
  {
    id: "country.alias",
    topic: "country",
    message: "countryAlias",
    field: COLUMNS.opportunity.customer,
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
    topic: "country",
    message: "countryInvalid",
    field: COLUMNS.opportunity.customer,
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
    topic: "solutions",
    message: "solutionsMissing",
    field: null,
    when: [
      { any: [{ fact: "visibility", is: "true" }, { fact: "help", is: "notEmpty" }] },
      { fact: "solutionCount", is: "less", than: 1 },
    ],
  },
  {
    id: "contact.missing",
    topic: "contact",
    message: "contactMissing",
    field: COLUMNS.opportunity.contact,
    when: [
      { fact: "help", is: "notEmpty" },
      { fact: "contactId", is: "empty" },
    ],
  },
  {
    id: "contact.noEmail",
    topic: "contact",
    message: "contactEmailMissing",
    field: COLUMNS.opportunity.contact,
    when: [
      { fact: "help", is: "notEmpty" },
      { fact: "contactId", is: "notEmpty" },
      { fact: "contactEmail", is: "empty" },
    ],
    params: { value: { fact: "contactName" } },
  },
  {
    id: "dealValue.missing",
    topic: "dealValue",
    message: "dealValueMissing",
    field: dealValueField,
    when: [{ fact: "dealValue", is: "empty" }],
    params: { field: dealValueField },
  },
  {
    id: "dealValue.negative",
    topic: "dealValue",
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
    topic: "currency",
    message: "currencyMissing",
    field: COLUMNS.opportunity.currency,
    when: [{ fact: "currencyId", is: "empty" }],
  },
  {
    id: "currency.unknown",
    topic: "currency",
    message: "currencyUnknown",
    field: COLUMNS.opportunity.currency,
    when: [
      { fact: "currencyId", is: "notEmpty" },
      { fact: "currencyCode", is: "notIn", list: "ISO4217" },
    ],
    params: { name: { fact: "currencyName" }, value: { fact: "currencyCode" } },
  },
  {
    id: "closeDate.missing",
    topic: "closeDate",
    message: "closeDateMissing",
    field: COLUMNS.opportunity.estimatedCloseDate,
    when: [{ fact: "closeDate", is: "empty" }],
  },
  {
    id: "visibility.reverted",
    topic: "visibility",
    message: "visibilityReverted",
    field: OPPORTUNITY.referralVisibility,
    when: [
      { fact: "previousVisibility", is: "true" },
      { fact: "visibility", is: "notTrue" },
    ],
  },
  {
    id: "visibility.neededForHelp",
    topic: "visibility",
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
export const RULE_IDS: readonly RuleId[] = RULES.map((r) => r.id);
