/** Mock PCF context for the Sync Status control: its five bound properties from plain values. */
import { controlStrings, MockContext, property, type MockOptions } from "../../../shared/__mocks__/mock-context";
import type { IInputs } from "../inputs";

export interface SyncStatusValues {
  value?: unknown;
  lastSyncedOn?: unknown;
  /** The platform's formatted text of lastSyncedOn (user format and zone). */
  lastSyncedOnFormatted?: string;
  referralLink?: unknown;
  referralStatus?: unknown;
  audit?: unknown;
}

export const STRINGS = controlStrings("SyncStatus");

export function syncStatusParameters(values: SyncStatusValues): IInputs {
  return {
    value: property("OptionSet", values.value ?? null),
    lastSyncedOn: property("DateAndTime.DateAndTime", values.lastSyncedOn ?? null, values.lastSyncedOnFormatted),
    referralLink: property("SingleLine.URL", values.referralLink ?? null),
    referralStatus: property("SingleLine.Text", values.referralStatus ?? null),
    audit: property("Multiple", values.audit ?? null),
  } as unknown as IInputs;
}

export function syncStatusContext(values: SyncStatusValues = {}, options: MockOptions = {}): MockContext<IInputs> {
  return new MockContext<IInputs>(syncStatusParameters(values), STRINGS, options);
}
