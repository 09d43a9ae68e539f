/**
 * Runs the rulebook on the form: reads what the form does not hold (data.ts), builds the opportunity
 * snapshot exactly as the Web API would return it, and validates it. A read that fails leaves its part
 * unknown, so its rules are unchecked (never failed) and the failure is reported for a warning.
 */
import { formattedValue, lookupTable, lookupValue, OpportunitySnapshot, RulebookConfig, WebApiRow } from "../rulebook/snapshot";
import { FormValidation, validateForm } from "./rulebook";
import { attribute, lookup, recordId, value } from "./columns";
import { FetchError, readAccount, readConfig, readContact, readCurrency, readDealValue, readSolutions } from "./data";
import { CLOSE_DATE, CONTACT, CURRENCY, CUSTOMER, HELP, OPPORTUNITY_ID, SYNC, VISIBILITY } from "./names";

/** What was read with Xrm.WebApi for one combination of record, customer, contact and currency. */
export interface Remote {
  key: string;
  config?: RulebookConfig;
  account?: WebApiRow | null;
  contacts?: WebApiRow[];
  currency?: WebApiRow | null;
  solutions?: WebApiRow[];
  /** The saved deal value, read when its configured column is not on the form. */
  savedDealValue?: { value: unknown };
  errors: FetchError[];
}

export interface Outcome {
  result: FormValidation;
  remote: Remote;
  /** The record is not saved yet, so it cannot have solutions yet. */
  isNew: boolean;
}

let configRead: Promise<RulebookConfig> | undefined;

/** The environment variable values, read once per page (a failed read is retried next time). */
export function config(): Promise<RulebookConfig> {
  configRead ??= readConfig().catch((error) => {
    configRead = undefined;
    throw error;
  });
  return configRead;
}

/** Forget what was read (a new page load). */
export function resetConfig(): void {
  configRead = undefined;
}

/** The inputs the remote reads depend on. */
export function remoteKey(form: Xrm.FormContext): string {
  return [recordId(form), ...[CUSTOMER, CONTACT, CURRENCY].map((name) => lookup(form, name)?.id)].join("|");
}

async function settle<T>(errors: FetchError[], promise: Promise<T>): Promise<T | undefined> {
  try {
    return await promise;
  } catch (error) {
    errors.push(error instanceof FetchError ? error : new FetchError("data", String(error)));
    return undefined;
  }
}

export async function readRemote(form: Xrm.FormContext): Promise<Remote> {
  const remote: Remote = { key: remoteKey(form), errors: [] };
  const id = recordId(form);
  const customer = lookup(form, CUSTOMER);
  const contact = lookup(form, CONTACT);
  const currency = lookup(form, CURRENCY);
  remote.config = await settle(remote.errors, config());
  const cfg = remote.config;
  const [account, contactRow, currencyRow, solutions, saved] = await Promise.all([
    customer?.table !== "account" ? Promise.resolve(null) : cfg ? settle(remote.errors, readAccount(customer.id, cfg.customerCountryCodeField)) : undefined,
    contact ? settle(remote.errors, readContact(contact.id)) : Promise.resolve(null),
    currency ? settle(remote.errors, readCurrency(currency.id)) : Promise.resolve(null),
    id ? settle(remote.errors, readSolutions(id)) : Promise.resolve(undefined),
    cfg && id && !attribute(form, cfg.dealValueField) ? settle(remote.errors, readDealValue(id, cfg.dealValueField)) : Promise.resolve(undefined),
  ]);
  remote.account = account;
  remote.contacts = contactRow === undefined ? undefined : contactRow === null ? [] : [contactRow];
  remote.currency = currencyRow;
  remote.solutions = solutions;
  if (saved !== undefined) remote.savedDealValue = { value: saved };
  return remote;
}

/** A date column's value as "yyyy-MM-dd" in the user's calendar (duck-typed: the form's Date may come from another realm). */
function dateOnly(value: unknown): string | null {
  const v = value as Date | null;
  if (typeof v?.getTime !== "function" || Number.isNaN(v.getTime())) return null;
  const pad = (n: number): string => String(n).padStart(2, "0");
  return `${v.getFullYear()}-${pad(v.getMonth() + 1)}-${pad(v.getDate())}`;
}

/** The opportunity snapshot of the form's current values and what was read. */
export function snapshotOf(form: Xrm.FormContext, remote: Remote, initialVisibility: boolean | null): OpportunitySnapshot {
  const row: Record<string, unknown> = {
    [OPPORTUNITY_ID]: recordId(form) || null,
    [CLOSE_DATE]: dateOnly(value(form, CLOSE_DATE)),
    [SYNC]: value(form, SYNC) === true,
    [HELP]: value(form, HELP),
    [VISIBILITY]: value(form, VISIBILITY),
  };
  for (const name of [CUSTOMER, CONTACT, CURRENCY]) {
    const l = lookup(form, name);
    row[lookupValue(name)] = l?.id ?? null;
    if (l) {
      row[lookupTable(name)] = l.table;
      row[formattedValue(lookupValue(name))] = l.name;
    }
  }
  if (remote.config) {
    const field = remote.config.dealValueField;
    row[field] = attribute(form, field) ? value(form, field) : (remote.savedDealValue?.value ?? null);
  }
  return {
    opportunity: row,
    account: remote.account,
    contacts: remote.contacts,
    currency: remote.currency,
    solutions: remote.solutions,
    config: remote.config,
    previous: { [VISIBILITY]: initialVisibility },
  };
}

/** Whether the deal value can be told: its column is on the form, or it was read. */
function dealValueKnown(form: Xrm.FormContext, remote: Remote): boolean {
  return !!remote.config && (!!attribute(form, remote.config.dealValueField) || remote.savedDealValue !== undefined);
}

/** Validates the form's current values with what was read (synchronous). */
export function evaluate(form: Xrm.FormContext, remote: Remote, initialVisibility: boolean | null, language: number): Outcome {
  const result = validateForm(snapshotOf(form, remote, initialVisibility), language);
  if (!dealValueKnown(form, remote)) {
    const unknown = result.failures.filter((f) => f.topic === "dealValue");
    result.failures = result.failures.filter((f) => f.topic !== "dealValue");
    result.unchecked.push(...unknown.map((f) => f.rule));
    result.ok = result.failures.length === 0;
  }
  return { result, remote, isNew: recordId(form) === "" };
}
