/**
 * Runs the rulebook on the form: reads what the form does not hold (data.ts), builds the opportunity
 * snapshot exactly as the Web API would return it, and validates it. A read that fails leaves its part
 * unknown, so its rules are unchecked (never failed) and the failure is reported for a warning.
 */
import { formattedValue, lookupTable, lookupValue, OpportunitySnapshot, RulebookConfig, WebApiRow } from "../rulebook/snapshot";
import { FormValidation, validateForm } from "./rulebook";
import { attribute, lookup, lookupOf, recordId, value } from "./columns";
import { FetchError, readAccount, readConfig, readContact, readCurrency, readDealValue, readSolutions } from "./data";
import { AREA, CLOSE_DATE, CONTACT, CURRENCY, CUSTOMER, HELP, INTENT, OPPORTUNITY_ID, PLAY, REFERRAL_ID, ROLE, SYNC, VISIBILITY } from "./names";

/** What was read with Xrm.WebApi for the record, its customer, contact and currency. */
export interface Remote {
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

async function settle<T>(errors: FetchError[], promise: Promise<T>): Promise<T | undefined> {
  try {
    return await promise;
  } catch (error) {
    errors.push(error instanceof FetchError ? error : new FetchError("data", String(error)));
    return undefined;
  }
}

export async function readRemote(form: Xrm.FormContext): Promise<Remote> {
  const remote: Remote = { errors: [] };
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
  const t = typeof v?.getTime === "function" ? v.getTime() : NaN;
  // the local calendar day: shift the instant by the zone's offset at that date, read it as UTC
  return Number.isNaN(t) ? null : new Date(t - v!.getTimezoneOffset() * 60000).toISOString().slice(0, 10);
}

/** The values of the form's columns now: a reader of one column. */
export type Values = (name: string) => unknown;

/** Every column's value as the form holds it now (taken on load: what "previous" means on the form). */
export function valuesOf(form: Xrm.FormContext): Values {
  const values = new Map<string, unknown>();
  form.getAttribute().forEach((a) => {
    values.set(a.getName(), a.getValue());
  });
  return (name) => values.get(name) ?? null;
}

/** The opportunity row, as the Web API returns it, of the given column values and what was read. */
function rowOf(form: Xrm.FormContext, get: Values, remote: Remote): Record<string, unknown> {
  const row: Record<string, unknown> = { [OPPORTUNITY_ID]: recordId(form) || null, [CLOSE_DATE]: dateOnly(get(CLOSE_DATE)), [SYNC]: get(SYNC) === true };
  // (the form checks RULE_TABLES.form and FORM_LOCKS: the description and the referral's status are not read)
  for (const name of [HELP, VISIBILITY, INTENT, REFERRAL_ID]) row[name] = get(name);
  for (const name of [CUSTOMER, CONTACT, CURRENCY, ROLE, AREA, PLAY]) {
    const l = lookupOf(get(name));
    row[lookupValue(name)] = l?.id ?? null;
    if (l) {
      row[lookupTable(name)] = l.table;
      row[formattedValue(lookupValue(name))] = l.name;
    }
  }
  if (remote.config) {
    const field = remote.config.dealValueField;
    row[field] = attribute(form, field) ? get(field) : (remote.savedDealValue?.value ?? null);
  }
  return row;
}

/** The opportunity snapshot of the form's current values and what was read; `loaded` gives the values as loaded. */
export function snapshotOf(form: Xrm.FormContext, remote: Remote, loaded: Values): OpportunitySnapshot {
  return {
    opportunity: rowOf(form, (name) => value(form, name), remote),
    account: remote.account,
    contacts: remote.contacts,
    currency: remote.currency,
    solutions: remote.solutions,
    config: remote.config,
    previous: rowOf(form, loaded, remote),
  };
}

/** Whether the deal value can be told: its column is on the form, or it was read. */
function dealValueKnown(form: Xrm.FormContext, remote: Remote): boolean {
  return !!remote.config && (!!attribute(form, remote.config.dealValueField) || remote.savedDealValue !== undefined);
}

/** Validates the form's current values with what was read (synchronous). */
export function evaluate(form: Xrm.FormContext, remote: Remote, loaded: Values, language: number): Outcome {
  const result = validateForm(snapshotOf(form, remote, loaded), language);
  if (!dealValueKnown(form, remote)) {
    const unknown = result.failures.filter((f) => f.topic === "dealValue");
    result.failures = result.failures.filter((f) => f.topic !== "dealValue");
    result.unchecked.push(...unknown.map((f) => f.rule));
    result.ok = result.failures.length === 0;
  }
  return { result, remote, isNew: recordId(form) === "" };
}
