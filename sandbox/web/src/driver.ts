/**
 * Driving the page from playwright-core, shared by the browser tests (../test/browser.test.ts) and
 * the bench (scripts/src/bench/web.bench.ts): where a record's form is ready, a control's input,
 * and the Sync Status control's badge.
 */
import type { Locator, Page } from "playwright-core";

/** The page sets body[data-form-ready="<table>:<id|new>"] once the form's OnLoad ran and its grids were read. */
export async function openRecord(page: Page, webUrl: string, table: string, id: string | "new"): Promise<void> {
  await page.goto(`${webUrl}#/${table}/${id}`);
  await waitForForm(page, table, id);
}

export async function waitForForm(page: Page, table: string, id: string | "new", timeout = 30_000): Promise<void> {
  await page.waitForSelector(`body[data-form-ready="${table}:${id}"]`, { timeout });
}

/** The input, select or textarea of a form control (by its FormXml control id, e.g. estimatedvalue, header_ownerid). */
export const controlInput = (page: Page, controlId: string): Locator => page.locator(`[data-control="${controlId}"] :is(input, select, textarea)`).first();

/** The Sync Status PCF control's badge text (Not synced, Pending, Synced, Error). */
export const syncBadge = (page: Page): Locator => page.locator('[data-control="pcs_syncstatus"] .pcs-ss__label');

/** The page's document as these in-page functions use it (this module compiles without the DOM library). */
export type PageDocument = { querySelector(selector: string): { textContent: string | null } | null };
export const pageDocument = (): PageDocument => (globalThis as unknown as { document: PageDocument }).document;

/** Resolves when the Sync Status control shows `label` (exactly). */
export async function waitForSyncStatus(page: Page, label: string, timeout = 30_000): Promise<void> {
  await page.waitForFunction(
    (want) => (globalThis as unknown as { document: PageDocument }).document.querySelector('[data-control="pcs_syncstatus"] .pcs-ss__label')?.textContent?.trim() === want,
    label,
    { timeout, polling: 50 },
  );
}
