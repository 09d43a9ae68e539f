/**
 * What each environment variable of the solution must hold, checked the same way by deploy (before
 * it sets a value) and doctor (on what is set):
 *
 *   pcs_DisplayCheckMark          yes / no (a Boolean variable: Dataverse stores "yes"/"no" or "true"/"false")
 *   pcs_DealValueField            an opportunity column holding a number (Money, Decimal, Double, Integer, BigInt)
 *   pcs_CustomerCountryCodeField  an account text column, holding two-letter ISO 3166 codes
 *   pcs_SyncWatermark             empty, or a date and time (the reconciliation writes it; clearing it
 *                                 makes the next run look at every referral again)
 */
import { ENVIRONMENT_VARIABLES } from "../../../plugins-ts/src/model/schema";
import type { WebApi } from "../sandbox/webapi";
import { column } from "./environment";

const NUMERIC = new Set(["Money", "Decimal", "Double", "Integer", "BigInt"]);

export interface VariableProblem {
  problem: string;
  fix: string;
}

/** Why a value cannot be used for the variable, or undefined when it can. */
export async function variableProblem(api: WebApi, schemaName: string, value: string): Promise<VariableProblem | undefined> {
  const v = value.trim();
  const def = Object.values(ENVIRONMENT_VARIABLES).find((d) => d.schemaName.toLowerCase() === schemaName.toLowerCase());
  if (!def) return { problem: `${schemaName} is not one of this solution's environment variables`, fix: `use one of ${Object.values(ENVIRONMENT_VARIABLES).map((d) => d.schemaName).join(", ")}` };
  if (def.schemaName === ENVIRONMENT_VARIABLES.displayCheckMark.schemaName) {
    return /^(yes|no|true|false)$/i.test(v) ? undefined : { problem: `"${def.displayName}" must be yes or no, not "${value}"`, fix: "set it to yes or no" };
  }
  if (def.schemaName === ENVIRONMENT_VARIABLES.syncWatermark.schemaName) {
    return v === "" || !Number.isNaN(Date.parse(v)) ? undefined : { problem: `"${def.displayName}" must be empty or a date and time, not "${value}"`, fix: "clear it: the next reconciliation looks at every referral again and sets it" };
  }
  const table = def.schemaName === ENVIRONMENT_VARIABLES.dealValueField.schemaName ? "opportunity" : "account";
  const c = await column(api, table, v);
  if (!c) {
    return {
      problem: `"${def.displayName}" (${def.schemaName}) names ${table}.${v || "(nothing)"}, which does not exist`,
      fix: `set it to the logical name of an existing ${table} column (default ${def.defaultValue}), or create that column first`,
    };
  }
  if (table === "opportunity" && !NUMERIC.has(c.type)) {
    return { problem: `"${def.displayName}" names opportunity.${c.logicalName}, a ${c.type} column; the deal value must be a number`, fix: `name a Currency or Decimal column of opportunity (default ${def.defaultValue})` };
  }
  if (table === "account" && c.type !== "String") {
    return { problem: `"${def.displayName}" names account.${c.logicalName}, a ${c.type} column; it must be a text column holding two-letter country codes`, fix: `name a text column of account (default ${def.defaultValue}); for a lookup country, add a text column and fill it` };
  }
  return undefined;
}
