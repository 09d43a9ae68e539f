/**
 * The opportunity snapshot the rulebook works on: rows exactly as the Dataverse Web API returns them
 * (logical names, `_x_value` lookups with their annotations, option values as numbers, DateOnly
 * columns as "yyyy-MM-dd"), plus the environment variable values that name the configured columns.
 *
 * The form script builds one from the form and Xrm.WebApi, the flows from their Dataverse actions,
 * the tests from test-vectors/*.json. `undefined` means "not known" (not fetched, or the fetch
 * failed): rules that need it are reported as unchecked instead of failing. `null` / `[]` mean
 * "known to be empty".
 */
import { ENVIRONMENT_VARIABLES, OPPORTUNITY } from "../model/schema";

/** One row as the Web API returns it (JSON). */
export type WebApiRow = Readonly<Record<string, unknown>>;

/** The values of the environment variables that name columns (current value, else default value). */
export interface RulebookConfig {
  /** pcs_DealValueField: the opportunity column holding the deal value (default estimatedvalue). */
  dealValueField: string;
  /** pcs_CustomerCountryCodeField: the account column holding the ISO 3166 alpha-2 code (default address1_country). */
  customerCountryCodeField: string;
}

export const DEFAULT_CONFIG: RulebookConfig = {
  dealValueField: ENVIRONMENT_VARIABLES.dealValueField.defaultValue,
  customerCountryCodeField: ENVIRONMENT_VARIABLES.customerCountryCodeField.defaultValue,
};

/** Keys of RulebookConfig with the environment variable each comes from. */
export const CONFIG_VARIABLES: Readonly<Record<keyof RulebookConfig, string>> = {
  dealValueField: ENVIRONMENT_VARIABLES.dealValueField.schemaName,
  customerCountryCodeField: ENVIRONMENT_VARIABLES.customerCountryCodeField.schemaName,
};

export interface OpportunitySnapshot {
  /**
   * The opportunity: opportunityid, name, description, estimatedclosedate, statecode, statuscode,
   * salesstage, `_customerid_value` (+ `@Microsoft.Dynamics.CRM.lookuplogicalname`),
   * `_parentcontactid_value`, the configured deal value column and the pcs_ columns.
   */
  opportunity: WebApiRow;
  /** The customer account (Potential Customer when it is an account): name, address1_*, the configured country column. */
  account?: WebApiRow | null;
  /** The customer contacts (the opportunity's Contact, parentcontactid): firstname, lastname, emailaddress1, telephone1. */
  contacts?: readonly WebApiRow[];
  /** The Microsoft Solution Details rows linked to the opportunity: pcs_solutionid, pcs_name, pcs_publishername, pcs_solutiontype. */
  solutions?: readonly WebApiRow[];
  /** The opportunity's transaction currency: isocurrencycode. */
  currency?: WebApiRow | null;
  /** The opportunity owner (systemuser): firstname, lastname, internalemailaddress, address1_telephone1 — the partner team. */
  owner?: WebApiRow | null;
  /** Environment variable values; missing keys take DEFAULT_CONFIG. */
  config?: Partial<RulebookConfig>;
  /**
   * The opportunity before this change, in the opportunity row's shape: on the form, the record as
   * loaded; in a flow, what Partner Center has (the visibility is the referral's
   * consentToShareReferralWithMicrosoftSellers, the Referral Status its status) and what the
   * referral was created with. Drives what cannot change: visibility back to No, and the locks
   * (rules.ts LOCKS: customer, attributes, co-sell contact and help, a closed referral). Left out: all
   * empty (nothing is locked).
   */
  previous?: WebApiRow & { [OPPORTUNITY.referralVisibility]?: boolean | null };
  /**
   * The Partner Role, Solution Area and Solution Play rows the opportunity looks up (pcs_name,
   * pcs_apiid): their Partner Center ids go out as typed attributes (mapping-outbound.ts).
   */
  partnerRole?: WebApiRow | null;
  solutionArea?: WebApiRow | null;
  solutionPlay?: WebApiRow | null;
}

/** Standard opportunity columns the rulebook reads and writes (logical names). */
export const OPPORTUNITY_COLUMNS = {
  id: "opportunityid",
  name: "name",
  description: "description",
  estimatedCloseDate: "estimatedclosedate",
  stateCode: "statecode",
  statusCode: "statuscode",
  salesStage: "salesstage",
  customer: "customerid",
  contact: "parentcontactid",
  currency: "transactioncurrencyid",
  owner: "ownerid",
} as const;
export const ACCOUNT_COLUMNS = {
  id: "accountid",
  name: "name",
  line1: "address1_line1",
  line2: "address1_line2",
  city: "address1_city",
  state: "address1_stateorprovince",
  postalCode: "address1_postalcode",
} as const;
export const CONTACT_COLUMNS = {
  id: "contactid",
  fullName: "fullname",
  firstName: "firstname",
  lastName: "lastname",
  email: "emailaddress1",
  phone: "telephone1",
} as const;
export const SYSTEM_USER_COLUMNS = {
  id: "systemuserid",
  firstName: "firstname",
  lastName: "lastname",
  email: "internalemailaddress",
  phone: "address1_telephone1",
} as const;
export const CURRENCY_COLUMNS = { id: "transactioncurrencyid", isoCode: "isocurrencycode" } as const;

/** All of the above by table. */
export const COLUMNS = {
  opportunity: OPPORTUNITY_COLUMNS,
  account: ACCOUNT_COLUMNS,
  contact: CONTACT_COLUMNS,
  systemUser: SYSTEM_USER_COLUMNS,
  currency: CURRENCY_COLUMNS,
} as const;

/** The Web API property of a lookup column: customerid → _customerid_value. */
export const lookupValue = (column: string): string => `_${column}_value`;
/** The annotation naming the table a lookup points to (needs Prefer: odata.include-annotations). */
export const lookupTable = (column: string): string => `${lookupValue(column)}@Microsoft.Dynamics.CRM.lookuplogicalname`;
/** The annotation holding a column's formatted value (a lookup's primary name, a choice's label). */
export const formattedValue = (property: string): string => `${property}@OData.Community.Display.V1.FormattedValue`;

export function configOf(snapshot: Pick<OpportunitySnapshot, "config">): RulebookConfig {
  const c = snapshot.config ?? {};
  const pick = (v: string | undefined, d: string): string => (typeof v === "string" && v.trim() !== "" ? v.trim() : d);
  return {
    dealValueField: pick(c.dealValueField, DEFAULT_CONFIG.dealValueField),
    customerCountryCodeField: pick(c.customerCountryCodeField, DEFAULT_CONFIG.customerCountryCodeField),
  };
}
