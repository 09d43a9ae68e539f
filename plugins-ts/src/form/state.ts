/**
 * Per-page state of the form script. The web resource is loaded once and serves one opportunity form
 * at a time; onLoad starts a new page.
 */
import type { Remote, Values } from "./check";

export interface PageState {
  /** The columns' values as loaded: the record before this change ("previous" of the rulebook: visibility never back to No, the locks). */
  loadedValues: Values;
  /** Requirement levels as the form had them before this script changed them. */
  originalRequired: Map<string, Xrm.Attributes.RequirementLevel>;
  /** The latest reads (kept to apply the configuration between reads). */
  remote?: Remote;
  /** Bumped by every check, so an older, slower check never overwrites a newer one's notifications. */
  generation: number;
  /** The save this script started itself after a passing check (its OnSave must not check again). */
  resaving: boolean;
}

const fresh = (loadedValues: Values): PageState => ({ loadedValues, originalRequired: new Map(), generation: 0, resaving: false });

export let page: PageState = fresh(() => null);

export function newPage(loadedValues: Values = () => null): PageState {
  page = fresh(loadedValues);
  return page;
}

/** How long a save waits for the reads before it goes ahead with a warning. */
export const SAVE_CHECK_TIMEOUT_MS = 10000;

let pending: Promise<unknown> = Promise.resolve();

/** Tracks asynchronous work a handler started (a handler itself returns nothing to the form). */
export function track<T>(work: Promise<T>): Promise<T> {
  const all = Promise.all([pending, work]).then(() => undefined, () => undefined);
  pending = all;
  return work;
}

/** Resolves when every check and save started so far has finished (tests and diagnostics). */
export async function whenIdle(): Promise<void> {
  let seen: Promise<unknown>;
  do {
    seen = pending;
    await seen;
  } while (seen !== pending);
}
