/**
 * Per-page state of the form script. The web resource is loaded once and serves one opportunity form
 * at a time; onLoad starts a new page.
 */
import type { Remote } from "./check";

export interface PageState {
  /** Microsoft Partner Center Referral Visibility as loaded (for "never back to No"). */
  initialVisibility: boolean | null;
  /** Requirement levels as the form had them before this script changed them. */
  originalRequired: Map<string, Xrm.Attributes.RequirementLevel>;
  /** The latest reads (kept to apply the configuration between reads). */
  remote?: Remote;
  /** Bumped by every check, so an older, slower check never overwrites a newer one's notifications. */
  generation: number;
  /** The save this script started itself after a passing check (its OnSave must not check again). */
  resaving: boolean;
}

export let page: PageState = newPage();

export function newPage(initialVisibility: boolean | null = null): PageState {
  page = { initialVisibility, originalRequired: new Map(), generation: 0, resaving: false };
  return page;
}

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
