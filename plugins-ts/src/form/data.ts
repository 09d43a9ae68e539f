/**
 * What the form does not hold, read with Xrm.WebApi, only the columns the rules read: the environment
 * variable values, the customer account's country column, the customer contact's name and email, the
 * currency's ISO code, the solution type of the opportunity's Microsoft solutions and, when its column
 * is not on the form, the saved deal value.
 * Each read resolves to the row(s) or rejects with a FetchError naming what could not be read.
 */
import { DEFAULT_CONFIG, RulebookConfig, WebApiRow } from "../rulebook/snapshot";
import {
  CONTACT_SELECT,
  COUNTRY_VARIABLE,
  DEAL_VALUE_VARIABLE,
  VARIABLE_PREFIX,
  ISO_CODE,
  OPPORTUNITY_TABLE,
  SOLUTION_DETAIL_NAVIGATION,
  SOLUTIONS_QUERY,
  SOLUTIONS_TABLE,
} from "./names";

export class FetchError extends Error {
  constructor(
    /** What was being read: "environment variables", "account", "contact", "currency", "solutions", "opportunity". */
    readonly what: string,
    readonly detail: string,
  ) {
    super(`${what}: ${detail}`);
  }
}

async function read<T>(what: string, run: () => PromiseLike<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw new FetchError(what, String((error as { message?: unknown } | null)?.message ?? error));
  }
}

const api = (): Xrm.WebApi => Xrm.WebApi;
const VALUES = "environmentvariabledefinition_environmentvariablevalue";

/** pcs_DealValueField and pcs_CustomerCountryCodeField (read with the solution's other variables): current value, else default value, else the shipped default. */
export async function readConfig(): Promise<RulebookConfig> {
  const { entities } = await read("environment variables", () =>
    api().retrieveMultipleRecords(
      "environmentvariabledefinition",
      `?$select=schemaname,defaultvalue&$filter=startswith(schemaname,'${VARIABLE_PREFIX}')&$expand=${VALUES}($select=value)`,
    ),
  );
  const valueOf = (schemaName: string, fallback: string): string => {
    const row = entities.find((e) => e.schemaname === schemaName);
    for (const v of [row?.[VALUES]?.[0]?.value, row?.defaultvalue]) if (typeof v === "string" && v.trim()) return v.trim();
    return fallback;
  };
  return {
    dealValueField: valueOf(DEAL_VALUE_VARIABLE, DEFAULT_CONFIG.dealValueField),
    customerCountryCodeField: valueOf(COUNTRY_VARIABLE, DEFAULT_CONFIG.customerCountryCodeField),
  };
}

const retrieve = (what: string, table: string, id: string, columns: string): Promise<WebApiRow> =>
  read(what, () => api().retrieveRecord(table, id, `?$select=${columns}`));

/** The customer account's country, in the column pcs_CustomerCountryCodeField names (all the rules read of it). */
export const readAccount = (id: string, countryField: string): Promise<WebApiRow> => retrieve("account", "account", id, countryField);

export const readContact = (id: string): Promise<WebApiRow> => retrieve("contact", "contact", id, CONTACT_SELECT);

export const readCurrency = (id: string): Promise<WebApiRow> => retrieve("currency", "transactioncurrency", id, ISO_CODE);

/** The Microsoft Solution Details rows linked to the opportunity through pcs_partnercentersolution. */
export async function readSolutions(opportunityId: string): Promise<WebApiRow[]> {
  const { entities } = await read("solutions", () => api().retrieveMultipleRecords(SOLUTIONS_TABLE, SOLUTIONS_QUERY[0] + opportunityId + SOLUTIONS_QUERY[1]));
  return entities.map((row) => (row[SOLUTION_DETAIL_NAVIGATION] as WebApiRow | null) ?? {});
}

/** The saved deal value, for a configured column that is not on the form. */
export const readDealValue = async (opportunityId: string, field: string): Promise<unknown> =>
  (await retrieve("opportunity", OPPORTUNITY_TABLE, opportunityId, field))[field] ?? null;
