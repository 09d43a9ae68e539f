/**
 * Null-safe access to the form's columns (getAttribute returns null for a column not on the form) and
 * the columns that become required while Sync with Partner Center is Yes.
 */
import type { RulebookConfig } from "../rulebook/snapshot";
import { CLOSE_DATE, CONTACT, CURRENCY, CUSTOMER, INTENT } from "./names";

/** Business-required while sync is Yes (the contact only while help is asked). */
export function requiredColumns(config: RulebookConfig, helpAsked: boolean): string[] {
  const columns = [CUSTOMER, CLOSE_DATE, CURRENCY, config.dealValueField, INTENT];
  if (helpAsked) columns.push(CONTACT);
  return columns;
}

export const attribute = (form: Xrm.FormContext, name: string): Xrm.Attributes.Attribute | null => form.getAttribute(name) ?? null;

export const value = (form: Xrm.FormContext, name: string): unknown => attribute(form, name)?.getValue() ?? null;

/** The controls of a column (a column can sit on the form more than once, e.g. in the header). */
export function controlsOf(form: Xrm.FormContext, name: string): Xrm.Controls.StandardControl[] {
  const list: Xrm.Controls.StandardControl[] = [];
  attribute(form, name)?.controls?.forEach((c) => {
    list.push(c as Xrm.Controls.StandardControl);
  });
  return list;
}

const bare = (id: string): string => id.replace(/[{}]/g, "").toLowerCase();

/** A lookup value's first row: id without braces, lower case; its table and name. */
export function lookupOf(v: unknown): { id: string; table: string; name: string } | null {
  const first = (v as Xrm.LookupValue[] | null)?.[0];
  return first?.id ? { id: bare(first.id), table: first.entityType, name: first.name ?? "" } : null;
}

/** A lookup column's first value (lookupOf). */
export const lookup = (form: Xrm.FormContext, name: string): ReturnType<typeof lookupOf> => lookupOf(value(form, name));

/** The record's id without braces, lower case; "" while the record is not saved yet. */
export const recordId = (form: Xrm.FormContext): string => bare(form.data?.entity?.getId() ?? "");
