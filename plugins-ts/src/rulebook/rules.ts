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
import { DEAL_REGISTRATION, OPPORTUNITY, OPPORTUNITY_COSELL, SOLUTION_DETAIL, SOLUTION_DETAIL_COSELL, SOLUTION_TYPE_OPTIONS } from "../model/schema";
import { COUNTRY_ALIASES, COUNTRY_ALIAS_STRIP, ISO3166_ALPHA2 } from "./countries";
import { ISO4217 } from "./currencies";
import { TERMINAL_REFERRAL_STATUSES } from "./status";
import type { MessageId } from "./messages";
import { CONTACT_COLUMNS, CURRENCY_COLUMNS, formattedValue, lookupTable, lookupValue, OPPORTUNITY_COLUMNS, RulebookConfig } from "./snapshot";

/** Named lists a fact can be checked against (contains). */
export const LISTS = {
  ISO3166_ALPHA2,
  ISO4217,
  TERMINAL_REFERRAL_STATUSES,
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
  /** One column of every row of a snapshot list, as a list (checked with includes / excludes). */
  | { each: "solutions"; column: string }
  /** Another fact's value (after that fact's own transforms), then this fact's transforms. */
  | { fact: string };

export interface FactSpec {
  /** How the raw value is read; "string" when absent. A "list" fact reads `each`. */
  type?: "string" | "number" | "boolean" | "count" | "list";
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
  // ── today's co-sell (COSELL_RULES) ──
  intent: {
    type: "number",
    from: { row: "opportunity", column: OPPORTUNITY_COSELL.purchaseIntent },
  },
  partnerRoleId: {
    from: { row: "opportunity", column: lookupValue(OPPORTUNITY_COSELL.partnerRole) },
  },
  solutionAreaId: {
    from: { row: "opportunity", column: lookupValue(OPPORTUNITY_COSELL.solutionArea) },
  },
  solutionPlayId: {
    from: { row: "opportunity", column: lookupValue(OPPORTUNITY_COSELL.solutionPlay) },
  },
  solutionTypes: {
    type: "list",
    from: { each: "solutions", column: SOLUTION_DETAIL.solutionType },
  },
  description: {
    from: { row: "opportunity", column: OPPORTUNITY_COLUMNS.description },
    transforms: ["trim"],
  },
  previousReferralId: {
    from: { row: "previous", column: OPPORTUNITY.referralIdentifier },
    transforms: ["trim"],
  },
  previousReferralStatus: {
    from: { row: "previous", column: OPPORTUNITY.referralStatus },
    transforms: ["trim"],
  },
  previousCustomerId: {
    from: { row: "previous", column: lookupValue(OPPORTUNITY_COLUMNS.customer) },
  },
  previousContactId: {
    from: { row: "previous", column: lookupValue(OPPORTUNITY_COLUMNS.contact) },
  },
  previousHelp: {
    type: "number",
    from: { row: "previous", column: OPPORTUNITY.microsoftHelp },
  },
  previousIntent: {
    type: "number",
    from: { row: "previous", column: OPPORTUNITY_COSELL.purchaseIntent },
  },
  previousPartnerRoleId: {
    from: { row: "previous", column: lookupValue(OPPORTUNITY_COSELL.partnerRole) },
  },
  previousSolutionAreaId: {
    from: { row: "previous", column: lookupValue(OPPORTUNITY_COSELL.solutionArea) },
  },
  previousSolutionPlayId: {
    from: { row: "previous", column: lookupValue(OPPORTUNITY_COSELL.solutionPlay) },
  },
  previousDealValue: {
    type: "number",
    from: { row: "previous", column: { config: "dealValueField" } },
  },
  previousCurrencyId: {
    from: { row: "previous", column: lookupValue(OPPORTUNITY_COLUMNS.currency) },
  },
  previousCloseDate: {
    from: { row: "previous", column: OPPORTUNITY_COLUMNS.estimatedCloseDate },
  },
  previousDescription: {
    from: { row: "previous", column: OPPORTUNITY_COLUMNS.description },
    transforms: ["trim"],
  },
  // ── deal registration (REGISTRATION_RULES) ──
  referralId: {
    from: { row: "opportunity", column: OPPORTUNITY.referralIdentifier },
    transforms: ["trim"],
  },
  register: {
    type: "boolean",
    from: { row: "opportunity", column: DEAL_REGISTRATION.register },
  },
  stateCode: {
    type: "number",
    from: { row: "opportunity", column: OPPORTUNITY_COLUMNS.stateCode },
  },
  eligibleSolutions: {
    type: "list",
    from: { each: "solutions", column: SOLUTION_DETAIL_COSELL.azureIpCoSellEligible },
  },
  contractValue: {
    type: "number",
    from: { row: "opportunity", column: DEAL_REGISTRATION.contractValue },
  },
  contractTerm: {
    type: "number",
    from: { row: "opportunity", column: DEAL_REGISTRATION.contractTerm },
  },
  contractStart: {
    from: { row: "opportunity", column: DEAL_REGISTRATION.contractStart },
  },
  contractEnd: {
    from: { row: "opportunity", column: DEAL_REGISTRATION.contractEnd },
  },
  contractSigned: {
    from: { row: "opportunity", column: DEAL_REGISTRATION.contractSigned },
  },
  pricingModel: {
    type: "number",
    from: { row: "opportunity", column: DEAL_REGISTRATION.pricingModel },
  },
  primaryDeployment: {
    type: "number",
    from: { row: "opportunity", column: DEAL_REGISTRATION.primaryDeployment },
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
  intent: "Customer Purchase Intent (choice value).",
  partnerRoleId: "Partner Role (id of the Partner Role row).",
  solutionAreaId: "Solution Area (id of the Solution Area row).",
  solutionPlayId: "Solution Play (id of the Solution Play row).",
  solutionTypes: "The solution type (3P partner co-sell ready, 1P Microsoft) of each of the opportunity's Microsoft solutions.",
  description: "Description (the referral's notes), trimmed.",
  previousReferralId: "The Referral Identifier before this change: not empty once the referral exists in Partner Center.",
  previousReferralStatus: "The Referral Status before this change (form: as loaded; flow: the referral as Partner Center has it), e.g. Closed / Won.",
  previousCustomerId: "Potential Customer before this change (form: as loaded; flow: as the referral was created).",
  previousContactId: "Contact before this change (form: as loaded; flow: as last agreed with Partner Center).",
  previousHelp: "How can Microsoft help? before this change (form: as loaded; flow: as the referral was created).",
  previousIntent: "Customer Purchase Intent before this change.",
  previousPartnerRoleId: "Partner Role before this change.",
  previousSolutionAreaId: "Solution Area before this change.",
  previousSolutionPlayId: "Solution Play before this change.",
  previousDealValue: "The deal value before this change.",
  previousCurrencyId: "Currency before this change.",
  previousCloseDate: "Est. Close Date before this change.",
  previousDescription: "Description before this change, trimmed.",
  referralId: "Referral Identifier, trimmed: empty while the referral is not in Partner Center.",
  register: "Register Deal (Yes/No).",
  stateCode: "The opportunity's state: 0 open, 1 won, 2 lost.",
  eligibleSolutions: "Azure IP Co-sell Eligible (Yes/No) of each of the opportunity's Microsoft solutions.",
  contractValue: "Contract Value (deal registration).",
  contractTerm: "Contract Term (choice value).",
  contractStart: "Contract Start Date.",
  contractEnd: "Contract End Date.",
  contractSigned: "Contract Signed On.",
  pricingModel: "Pricing Model (choice value).",
  primaryDeployment: "Primary Deployment (choice value).",
};

export type Check =
  | { fact: FactName; is: "empty" | "notEmpty" | "true" | "notTrue" }
  | { fact: FactName; is: "in" | "notIn"; list: ListName }
  | { fact: FactName; is: "less"; than: number }
  | { fact: FactName; is: "equals" | "notEquals"; value: string | number | boolean }
  /** A list fact holds (or does not hold) the value. */
  | { fact: FactName; is: "includes" | "excludes"; value: string | number | boolean }
  /** The fact's value differs from another fact's (two empty values are the same). */
  | { fact: FactName; is: "changed"; from: FactName }
  | { any: readonly Check[] };

/** A placeholder's value: a fact, a configured column name, or fixed text (a column's display name). */
export type ParamSource = { fact: FactName } | { config: keyof RulebookConfig } | { text: string };

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

/** A rule's id, "<topic>.<failure>" (any table's). */
export type RuleId = string;

/** The topic of a rule: the part of its id before the dot. */
export const topicOf = (id: string): string => id.slice(0, id.indexOf("."));
export const RULE_IDS: readonly RuleId[] = RULES.map((r) => r.id);

// ── Today's co-sell (partner-center-2026.md §2): new requirements, and what Partner Center will not change ──

/** The value of a partner (3P, co-sell ready IP) solution: a co-sell deal that names one is an IP co-sell. */
const PARTNER_SOLUTION = SOLUTION_TYPE_OPTIONS.find((o) => o.code === "3P")!.value;

/**
 * A Services co-sell deal (§2.1 [I]): help asked from Microsoft and no co-sell ready partner (3P)
 * solution among the Microsoft Solutions; one with a partner solution is an IP co-sell. Partner
 * Center documents no co-sell-type field, so the solutions decide (deal-type.ts says the same).
 */
export const SERVICES_CO_SELL: readonly Check[] = [
  { fact: "help", is: "notEmpty" },
  { fact: "solutionTypes", is: "excludes", value: PARTNER_SOLUTION },
];

const referralExists: Check = { fact: "previousReferralId", is: "notEmpty" };
const referralClosed: Check = { fact: "previousReferralStatus", is: "in", list: "TERMINAL_REFERRAL_STATUSES" };

/**
 * A column Partner Center does not let change: the form locks it (and says why) when `when` holds
 * for the record as loaded, whether it syncs or not (the referral exists either way), and a rule
 * generated from the lock fails when a value arrives changed another way (import, API), so the flows
 * make no call and audit it.
 */
export interface LockSpec {
  /** Topic of the lock's rule ("<id>.changed"). */
  id: string;
  message: MessageId;
  /** When the columns are locked (facts of the record before the change). */
  when: readonly Check[];
  /** The locked columns: the form column, the fact of its value now and the fact of its value before. */
  columns: ReadonlyArray<{ column: string | { config: keyof RulebookConfig }; fact: FactName; previous: FactName }>;
  params?: Readonly<Record<string, ParamSource>>;
}

const fixedAtCreate = (id: string, column: string, fact: FactName, previous: FactName, label: string): LockSpec => ({
  id,
  message: "lockedAtCreate",
  when: [referralExists],
  columns: [{ column, fact, previous }],
  params: { field: { text: label } },
});

/**
 * What Partner Center will not change (§2.3, §2.4): the customer and the typed attributes after
 * create (no PATCH path takes them: the harsher reading is that they are fixed), the customer
 * contact and the help asked once the deal is shared for co-sell, and anything once the referral is
 * Won, Lost, Declined or Expired. (Visibility Yes → No is the older rule visibility.reverted.)
 */
export const LOCKS: readonly LockSpec[] = [
  fixedAtCreate("customerLock", OPPORTUNITY_COLUMNS.customer, "customerId", "previousCustomerId", "Potential Customer"),
  fixedAtCreate("intentLock", OPPORTUNITY_COSELL.purchaseIntent, "intent", "previousIntent", "Customer Purchase Intent"),
  fixedAtCreate("partnerRoleLock", OPPORTUNITY_COSELL.partnerRole, "partnerRoleId", "previousPartnerRoleId", "Partner Role"),
  fixedAtCreate("solutionAreaLock", OPPORTUNITY_COSELL.solutionArea, "solutionAreaId", "previousSolutionAreaId", "Solution Area"),
  fixedAtCreate("solutionPlayLock", OPPORTUNITY_COSELL.solutionPlay, "solutionPlayId", "previousSolutionPlayId", "Solution Play"),
  {
    id: "contactLock",
    message: "lockedOnceCoSell",
    when: [referralExists, { fact: "previousHelp", is: "notEmpty" }],
    columns: [{ column: OPPORTUNITY_COLUMNS.contact, fact: "contactId", previous: "previousContactId" }],
    params: { field: { text: "Contact" } },
  },
  {
    id: "helpLock",
    message: "lockedOnceCoSell",
    when: [referralExists, { fact: "previousHelp", is: "notEmpty" }],
    columns: [{ column: OPPORTUNITY.microsoftHelp, fact: "help", previous: "previousHelp" }],
    params: { field: { text: "How can Microsoft help?" } },
  },
  {
    id: "closedLock",
    message: "lockedClosed",
    when: [referralExists, referralClosed],
    columns: [
      { column: { config: "dealValueField" }, fact: "dealValue", previous: "previousDealValue" },
      { column: OPPORTUNITY_COLUMNS.currency, fact: "currencyId", previous: "previousCurrencyId" },
      { column: OPPORTUNITY_COLUMNS.estimatedCloseDate, fact: "closeDate", previous: "previousCloseDate" },
      { column: OPPORTUNITY_COLUMNS.description, fact: "description", previous: "previousDescription" },
      { column: OPPORTUNITY_COLUMNS.contact, fact: "contactId", previous: "previousContactId" },
      { column: OPPORTUNITY.microsoftHelp, fact: "help", previous: "previousHelp" },
      { column: OPPORTUNITY.referralVisibility, fact: "visibility", previous: "previousVisibility" },
    ],
    params: { status: { fact: "previousReferralStatus" } },
  },
];

/** The rule a lock gives: it fails when a locked column's value changed. */
export function lockRule(lock: LockSpec): RuleSpec {
  const changed: Check[] = lock.columns.map((c) => ({ fact: c.fact, is: "changed", from: c.previous }));
  return {
    id: `${lock.id}.changed`,
    message: lock.message,
    field: lock.columns.length === 1 ? lock.columns[0].column : null,
    when: [...lock.when, changed.length === 1 ? changed[0] : { any: changed }],
    params: lock.params,
  };
}

const servicesNeeds = (id: string, fact: FactName, column: string, label: string): RuleSpec => ({
  id,
  message: "servicesCoSellNeeds",
  field: column,
  when: [...SERVICES_CO_SELL, { fact, is: "empty" }],
  params: { field: { text: label } },
});

/** Today's co-sell requirements (§2.2): purchase intent always, partner role, solution area and play for a Services co-sell. */
export const COSELL_REQUIREMENTS: readonly RuleSpec[] = [
  {
    id: "intent.missing",
    message: "intentMissing",
    field: OPPORTUNITY_COSELL.purchaseIntent,
    when: [{ fact: "intent", is: "empty" }],
  },
  servicesNeeds("partnerRole.missing", "partnerRoleId", OPPORTUNITY_COSELL.partnerRole, "Partner Role"),
  servicesNeeds("solutionArea.missing", "solutionAreaId", OPPORTUNITY_COSELL.solutionArea, "Solution Area"),
  servicesNeeds("solutionPlay.missing", "solutionPlayId", OPPORTUNITY_COSELL.solutionPlay, "Solution Play"),
];

/** Today's co-sell rules, checked with RULES while Sync with Partner Center is Yes: the requirements and the locks' rules. */
export const COSELL_RULES: readonly RuleSpec[] = [...COSELL_REQUIREMENTS, ...LOCKS.map(lockRule)];

/**
 * The locks the form script applies: all but the closed referral's. A referral Partner Center closed
 * (Won, Lost, Declined, Expired) closes its opportunity, which Dataverse makes read-only; one reopened
 * in the CRM is stopped by the lock's rule in the flows, which make no call and audit it.
 */
export const FORM_LOCKS: readonly LockSpec[] = LOCKS.filter((lock) => lock.id !== "closedLock");

// ── Deal registration eligibility (§2.1 "Deal registration", [C G4]) ──

/** The smallest contract value Partner Center registers, in US dollars. */
export const REGISTRATION_MINIMUM_USD = 25000;
const registrationNeeds = (id: string, fact: FactName, label: string, also: readonly Check[] = []): RuleSpec => ({
  id,
  message: "registrationFieldMissing",
  field: null,
  when: [...also, { fact, is: "empty" }],
  params: { field: { text: label } },
});
const FINITE_TERM = 619300001; // schema.ts CONTRACT_TERM_OPTIONS Finite (the rule table stays plain data)

/**
 * Whether a deal can be registered (checked while Register Deal is Yes, by the sync before
 * CreateDealRegistrationByReferralId): won; in Partner Center; partner-led or co-sell (not private);
 * an Azure IP co-sell eligible solution; at least USD 25,000; the contract filled. Not checkable from
 * the CRM and left to Partner Center: a Microsoft-managed customer account, Microsoft's acceptance
 * of a co-sell deal, 72 hours between creating and winning the deal, the value of a non-USD contract.
 */
export const REGISTRATION_RULES: readonly RuleSpec[] = [
  { id: "registration.notWon", message: "registrationNotWon", field: null, when: [{ fact: "stateCode", is: "notEquals", value: 1 }] },
  { id: "referral.missing", message: "registrationNoReferral", field: null, when: [{ fact: "referralId", is: "empty" }] },
  {
    id: "dealType.private",
    message: "registrationPrivate",
    field: null,
    when: [
      { fact: "help", is: "empty" },
      { fact: "visibility", is: "notTrue" },
    ],
  },
  { id: "solution.notEligible", message: "registrationNoEligibleSolution", field: null, when: [{ fact: "eligibleSolutions", is: "excludes", value: true }] },
  {
    id: "contractValue.tooLow",
    message: "registrationValueTooLow",
    field: null,
    when: [
      { fact: "contractValue", is: "notEmpty" },
      { fact: "currencyCode", is: "equals", value: "USD" },
      { fact: "contractValue", is: "less", than: REGISTRATION_MINIMUM_USD },
    ],
    params: { value: { fact: "contractValue" } },
  },
  registrationNeeds("contractValue.missing", "contractValue", "Contract Value"),
  registrationNeeds("contractTerm.missing", "contractTerm", "Contract Term"),
  registrationNeeds("contractStart.missing", "contractStart", "Contract Start Date"),
  registrationNeeds("contractEnd.missing", "contractEnd", "Contract End Date", [{ fact: "contractTerm", is: "equals", value: FINITE_TERM }]),
  registrationNeeds("contractSigned.missing", "contractSigned", "Contract Signed On"),
  registrationNeeds("pricingModel.missing", "pricingModel", "Pricing Model"),
  registrationNeeds("primaryDeployment.missing", "primaryDeployment", "Primary Deployment"),
];

/** The referral does not exist yet (in a flow: the opportunity has no Referral Identifier). */
export const BEFORE_CREATE: Check = { fact: "previousReferralId", is: "empty" };

/** A rule table: its rules apply while every check of appliesWhen holds. */
export interface RuleTable {
  appliesWhen: readonly Check[];
  rules: readonly RuleSpec[];
}

export const RULE_TABLES = {
  /** The rules the shipped flows check today (RULES); the wdl.ts default, so the flows stay as generated. */
  sync: { appliesWhen: APPLIES_WHEN, rules: RULES },
  /** Today's co-sell rules alone (COSELL_RULES): what the flows add when they are wired to them. */
  cosell: { appliesWhen: APPLIES_WHEN, rules: COSELL_RULES },
  /** Every rule of a synced opportunity: what validate() checks. */
  all: { appliesWhen: APPLIES_WHEN, rules: [...RULES, ...COSELL_RULES] },
  /**
   * What the form script checks: every rule but the locks' own. The form locks those columns from the
   * record as loaded (FORM_LOCKS), so a seller cannot change them there; their rules are for a value
   * that arrives another way (import, API), which the flows stop and audit.
   */
  form: { appliesWhen: APPLIES_WHEN, rules: [...RULES, ...COSELL_REQUIREMENTS] },
  /**
   * What the flows check before a Partner Center call: the sync rules, and today's co-sell requirements
   * before the create only. The typed attributes travel in the create alone (no PATCH path takes them,
   * partner-center-2026.md §2.4), so requiring them of an update could only block it: a referral shared
   * from Partner Center without them would never sync again.
   */
  outbound: { appliesWhen: APPLIES_WHEN, rules: [...RULES, ...COSELL_REQUIREMENTS.map((rule) => ({ ...rule, when: [BEFORE_CREATE, ...rule.when] }))] },
  /**
   * The locks' rules alone, as the flows apply them: a locked column changed another way (import, API)
   * makes no call; the flow puts it back and audits why (docs/flows.md "Locked columns").
   */
  locks: { appliesWhen: APPLIES_WHEN, rules: LOCKS.map(lockRule) },
  /** Deal registration eligibility, while Register Deal is Yes. */
  registration: { appliesWhen: [{ fact: "register", is: "true" }], rules: REGISTRATION_RULES },
} as const satisfies Record<string, RuleTable>;

/** The facts a table reads (its checks and its messages' placeholders), with the facts they derive from. */
export function tableFacts(table: RuleTable): Set<FactName> {
  const used = new Set<FactName>();
  const add = (name: FactName): void => {
    if (used.has(name)) return;
    used.add(name);
    const from = (FACTS[name] as FactSpec).from;
    if ("fact" in from) add(from.fact as FactName);
  };
  const visit = (c: Check): void => {
    if ("any" in c) return c.any.forEach(visit);
    add(c.fact);
    if (c.is === "changed") add(c.from);
  };
  table.appliesWhen.forEach(visit);
  for (const rule of table.rules) {
    rule.when.forEach(visit);
    for (const p of Object.values(rule.params ?? {}) as ParamSource[]) if ("fact" in p) add(p.fact);
  }
  return used;
}

