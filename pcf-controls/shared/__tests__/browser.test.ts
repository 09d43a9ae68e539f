/**
 * @jest-environment node
 *
 * Both controls in a real browser: Debian's headless Chromium (playwright-core) on our own harness
 * page (scripts/src/pcf/harness.ts), serving the production bundles from 127.0.0.1. Asserts what a
 * user sees, keyboard reach, the new-tab link, copy, the filter, forced-colors mode, 1,000 lines,
 * an empty console and no request off the harness; saves the screenshots under out/screenshots/pcf/.
 * The user's Dataverse time zone is Europe/Berlin while the browser runs in America/Los_Angeles,
 * so every local time shown proves the controls use the Dataverse setting, not the browser's.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Page } from "playwright-core";
import { SyncStatus } from "../../../plugins-ts/src/model/schema";
import { ensureBuilt, launchChromium, PCF_CONTROL_NAMES, startHarness, type Browser, type Harness } from "../../../scripts/src/pcf/harness";
import { COUNTRY_ERROR, LONG_ERROR, RAW_LINE, SAMPLE_NOW, SAMPLE_REFERRAL_LINK, bulkAudit, errorAudit, sampleAudit } from "../../../scripts/src/pcf/samples";

const ROOT = path.resolve(__dirname, "..", "..", "..");
/** The harness's pictures (sample data); the README shows the web app's instead (sandbox/web/test/browser.test.ts). */
const DOCS = path.join(ROOT, "out", "screenshots", "pcf");
const USER_TIME_ZONE = "Europe/Berlin";
const minutesAgo = (m: number): string => new Date(SAMPLE_NOW - m * 60_000).toISOString();

let harness: Harness;
let browser: Browser;
let page: Page;
const problems: string[] = [];
const offHarness: string[] = [];

beforeAll(async () => {
  for (const control of PCF_CONTROL_NAMES) ensureBuilt(ROOT, control);
  harness = await startHarness(ROOT);
  browser = await launchChromium({ timezoneId: "America/Los_Angeles", locale: "en-US", viewport: { width: 900, height: 900 } });
  // The Partner Center link is followed in one test: answer it locally, never from the network.
  await browser.context.route("https://partner.microsoft.com/**", (route) => route.fulfill({ status: 200, contentType: "text/html", body: "<title>Partner Center</title>" }));
  await browser.context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: harness.url.replace(/\/$/, "") });
  page = await browser.context.newPage();
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") problems.push(`${m.type()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("requestfailed", (r) => problems.push(`request failed: ${r.url()}`));
  page.on("request", (r) => {
    if (!r.url().startsWith(harness.url)) offHarness.push(r.url());
  });
  await page.clock.setFixedTime(new Date(SAMPLE_NOW));
  await page.goto(harness.url);
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await harness?.close();
});

async function mountSyncStatus(scenarios: Array<{ id: string; note: string; parameters: Record<string, unknown> }>): Promise<void> {
  await page.evaluate(
    ({ scenarios, timeZone }) => {
      const card = window.PcfHarness.card("Microsoft Partner Center", "sync-status-card");
      for (const s of scenarios) {
        const host = window.PcfHarness.field(card, "Partner Center Sync Status", s.note, s.id);
        window.PcfHarness.mount("PartnerCenterSync.SyncStatus", host, {
          parameters: s.parameters,
          types: { value: "OptionSet", lastSyncedOn: "DateAndTime.DateAndTime", referralLink: "SingleLine.URL", referralStatus: "SingleLine.Text", audit: "Multiple" },
          languageId: 1033,
          timeZone,
        });
      }
    },
    { scenarios, timeZone: USER_TIME_ZONE },
  );
}

async function mountTimeline(cardId: string, title: string, audit: string): Promise<void> {
  await page.evaluate(
    ({ cardId, title, audit, timeZone }) => {
      const card = window.PcfHarness.card(title, cardId);
      const host = window.PcfHarness.field(card, "Audit", "newest first");
      window.PcfHarness.mount("PartnerCenterSync.AuditTimeline", host, { parameters: { value: audit }, types: { value: "Multiple" }, languageId: 1033, timeZone });
    },
    { cardId, title, audit, timeZone: USER_TIME_ZONE },
  );
}

const text = (selector: string): Promise<string> => page.locator(selector).innerText();

describe("PCF controls in headless Chromium", () => {
  test("both bundles register under namespace.constructor, as the platform loads them", async () => {
    const registered = await page.evaluate(() => window.PcfHarness.registered());
    expect(registered.sort()).toEqual(["PartnerCenterSync.AuditTimeline", "PartnerCenterSync.SyncStatus"]);
  });

  test("Sync Status shows each state as a user sees it", async () => {
    await mountSyncStatus([
      {
        id: "ss-synced",
        note: "Synced",
        parameters: {
          value: SyncStatus.Synced,
          lastSyncedOn: { raw: new Date(minutesAgo(5)) },
          referralLink: SAMPLE_REFERRAL_LINK,
          referralStatus: "Active / Accepted",
          audit: sampleAudit().split("\n").slice(1).join("\n"),
        },
      },
      { id: "ss-pending", note: "Pending", parameters: { value: SyncStatus.Pending, lastSyncedOn: { raw: new Date(minutesAgo(125)) }, referralLink: SAMPLE_REFERRAL_LINK, referralStatus: "New / Pending" } },
      { id: "ss-error", note: "Error", parameters: { value: SyncStatus.Error, lastSyncedOn: { raw: new Date(minutesAgo(26 * 60)) }, referralStatus: "Active / Accepted", referralLink: SAMPLE_REFERRAL_LINK, audit: errorAudit() } },
      { id: "ss-never", note: "Not synced", parameters: { value: SyncStatus.NotSynced, lastSyncedOn: null, referralLink: null, referralStatus: null, audit: null } },
      { id: "ss-odd", note: "Unexpected values", parameters: { value: 123, lastSyncedOn: "not a date", referralLink: "javascript:alert(1)", referralStatus: "   ", audit: "garbage | | |" } },
    ]);

    expect(await text("#ss-synced .pcs-ss__label")).toBe("Synced");
    expect(await text("#ss-synced .pcs-ss__when")).toBe("Last synced 5 minutes ago");
    // 10:15 UTC is 11:15 in Berlin (the user's Dataverse zone), not 02:15 in the browser's zone.
    expect(await page.locator("#ss-synced .pcs-ss__when time").getAttribute("title")).toBe("Nov 22, 2026, 11:15 AM");
    expect(await text("#ss-synced .pcs-ss__meta")).toContain("Referral status: Active / Accepted");
    expect(await page.locator("#ss-synced .pcs-ss__error").count()).toBe(0);

    expect(await text("#ss-pending .pcs-ss__label")).toBe("Pending");
    expect(await text("#ss-pending .pcs-ss__when")).toBe("Last synced 2 hours ago");

    expect(await text("#ss-error .pcs-ss__label")).toBe("Error");
    expect(await text("#ss-error .pcs-ss__when")).toBe("Last synced yesterday");
    expect(await text("#ss-error .pcs-ss__error-heading")).toBe("Last error");
    expect(await text("#ss-error .pcs-ss__error-message")).toBe(COUNTRY_ERROR);
    expect(await text("#ss-error .pcs-ss__error-meta")).toBe("CRM → Partner Center · create · Nov 22, 2026, 11:17 AM");

    expect(await text("#ss-never .pcs-ss__label")).toBe("Not synced");
    expect(await text("#ss-never .pcs-ss__when")).toBe("Never synced with Partner Center");
    expect(await page.locator("#ss-never a").count()).toBe(0);

    expect(await text("#ss-odd .pcs-ss__label")).toBe("Unknown status (123)");
    expect(await page.locator("#ss-odd a").count()).toBe(0); // a javascript: URL is never a link
    expect(await page.locator("#ss-odd .pcs-ss__when").count()).toBe(0);

    // Screen readers: one polite status region per control, announcing the badge with its prefix.
    const regions = page.locator("#sync-status-card [role=status]");
    expect(await regions.count()).toBe(5);
    expect(await regions.first().getAttribute("aria-live")).toBe("polite");
    // What a screen reader reads: the static date, not the ticking "5 minutes ago".
    expect(await regions.nth(0).ariaSnapshot()).toBe('- status: "Partner Center sync status: Synced Last synced on Nov 22, 2026, 11:15 AM"');
    expect(await regions.nth(2).ariaSnapshot()).toBe(
      '- status: "Partner Center sync status: Error Last synced on Nov 21, 2026, 9:20 AM Last error ' +
        COUNTRY_ERROR +
        ' CRM → Partner Center · create · Nov 22, 2026, 11:17 AM"',
    );
    expect(await regions.nth(3).ariaSnapshot()).toBe('- status: "Partner Center sync status: Not synced Never synced with Partner Center"');
    expect(await page.locator("#ss-synced [role=group]").getAttribute("aria-label")).toBe("Partner Center sync");

    mkdirSync(DOCS, { recursive: true });
    await page.locator("#sync-status-card").screenshot({ path: path.join(DOCS, "sync-status.png") });
  });

  test("Sync Status is reachable with Tab, and its link opens Partner Center in a new tab without an opener", async () => {
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    const focused: string[] = [];
    for (let i = 0; i < 4; i++) {
      await page.keyboard.press("Tab");
      focused.push(await page.evaluate(() => {
        const a = document.activeElement as HTMLElement;
        return `${a.closest(".h-field")?.id}:${a.getAttribute("role") ?? a.tagName.toLowerCase()}`;
      }));
    }
    expect(focused).toEqual(["ss-synced:status", "ss-synced:a", "ss-pending:status", "ss-pending:a"]);

    const link = page.locator("#ss-synced a");
    expect(await link.innerText()).toContain("Open in Partner Center");
    expect(await link.getAttribute("href")).toBe(SAMPLE_REFERRAL_LINK);
    expect(await link.getAttribute("target")).toBe("_blank");
    expect((await link.getAttribute("rel"))?.split(" ")).toContain("noopener");
    expect(await link.textContent()).toContain("(opens in a new tab)");

    const requestsBefore = offHarness.length;
    const [tab] = await Promise.all([browser.context.waitForEvent("page"), link.click()]);
    await tab.waitForLoadState();
    expect(tab.url()).toBe(SAMPLE_REFERRAL_LINK);
    expect(await tab.evaluate(() => window.opener)).toBeNull();
    await tab.close();
    offHarness.splice(requestsBefore); // the deliberate click above; answered by the route, not the network
  });

  test("Audit Timeline shows the audit newest first with direction, outcome and local time", async () => {
    await mountTimeline("audit-card", "Sync audit", sampleAudit());
    const items = page.locator("#audit-card .pcs-at__item");
    expect(await items.count()).toBe(8);
    expect(await text("#audit-card .pcs-at__summary")).toBe("8 entries · 2 errors");

    const first = items.nth(0);
    expect(await first.locator(".pcs-at__outcome").innerText()).toBe("Error");
    expect(await first.locator(".pcs-at__dir").innerText()).toBe("CRM → Partner Center");
    expect(await first.locator(".pcs-at__op").innerText()).toBe("update");
    expect(await first.locator(".pcs-at__time").innerText()).toBe("Nov 22, 2026, 11:15 AM");
    const second = items.nth(1);
    expect(await second.locator(".pcs-at__outcome").innerText()).toBe("Succeeded");
    expect(await second.locator(".pcs-at__dir").innerText()).toBe("Partner Center → CRM");
    expect(await items.nth(7).locator(".pcs-at__time").innerText()).toBe("Nov 21, 2026, 9:20 AM");

    // outcome markers are drawn (CSS masks from the control's icons), one per row
    const marker = await first.evaluate((li) => {
      const s = getComputedStyle(li, "::after");
      return { mask: s.maskImage || s.getPropertyValue("-webkit-mask-image"), width: s.width, color: s.backgroundColor };
    });
    expect(marker.mask).toContain("data:image/svg+xml");
    expect(marker.width).toBe("16px");
    expect(marker.color).toBe("rgb(197, 15, 31)");

    const raw = items.nth(3);
    expect(await raw.locator(".pcs-at__outcome").innerText()).toBe("Unrecognised line");
    expect(await raw.locator(".pcs-at__msg").innerText()).toBe(RAW_LINE);

    // The long message is collapsed until asked for.
    const msg = first.locator(".pcs-at__msg");
    expect((await msg.innerText()).endsWith("…")).toBe(true);
    expect((await msg.innerText()).length).toBeLessThan(LONG_ERROR.length);
    mkdirSync(DOCS, { recursive: true });
    await page.locator("#audit-card").screenshot({ path: path.join(DOCS, "audit-timeline.png") });

    const more = first.locator(".pcs-at__more");
    expect(await more.getAttribute("aria-expanded")).toBe("false");
    await more.click();
    expect(await msg.innerText()).toBe(LONG_ERROR);
    expect(await more.getAttribute("aria-expanded")).toBe("true");
    expect(await more.innerText()).toBe("Show less");
    await more.click();
    expect((await msg.innerText()).endsWith("…")).toBe(true);
  });

  test("the errors-only filter leaves the errors and the unreadable line", async () => {
    const items = page.locator("#audit-card .pcs-at__item");
    await page.getByLabel("Errors only").check();
    expect(await items.filter({ visible: true }).count()).toBe(3);
    expect(await text("#audit-card .pcs-at__summary")).toBe("Showing 3 of 8");
    expect(await items.filter({ visible: true }).locator(".pcs-at__outcome").allInnerTexts()).toEqual(["Error", "Unrecognised line", "Error"]);
    await page.getByLabel("Errors only").uncheck();
    expect(await items.filter({ visible: true }).count()).toBe(8);
  });

  test("Copy puts the exact stored line on the clipboard", async () => {
    const second = page.locator("#audit-card .pcs-at__item").nth(1);
    await second.locator(".pcs-at__copy").click();
    await expect_(() => second.locator(".pcs-at__copy").innerText(), "Copied");
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied).toBe(sampleAudit().split("\n")[1]);
    expect(await page.locator("#audit-card [role=status]").textContent()).toBe("Copied");
  });

  test("forced-colors (Windows high contrast) keeps badges outlined and text in system colours", async () => {
    await page.emulateMedia({ forcedColors: "active" });
    const badge = await page.locator("#ss-synced .pcs-ss__badge").evaluate((b) => {
      const s = getComputedStyle(b);
      return { style: s.borderTopStyle, width: s.borderTopWidth, border: s.borderTopColor, color: s.color, background: s.backgroundColor };
    });
    expect(badge.style).toBe("solid");
    expect(badge.width).toBe("1px");
    expect(badge.border).not.toBe("rgba(0, 0, 0, 0)");
    expect(badge.border).toBe(badge.color);
    expect(badge.color).not.toBe(badge.background);
    // timeline markers stay visible: painted in the system text colour, not blanked
    const marker = await page.locator("#audit-card .pcs-at__item").first().evaluate((li) => getComputedStyle(li, "::after").backgroundColor);
    const canvasText = await page.locator("#audit-card .pcs-at__outcome").first().evaluate((e) => getComputedStyle(e).color);
    expect(marker).toBe(canvasText);
    await page.screenshot({ path: path.join(DOCS, "pcf-high-contrast.png"), fullPage: true });
    await page.emulateMedia({ forcedColors: "none" });
  });

  test("1,000 audit lines all render, unreadable ones included", async () => {
    await mountTimeline("bulk-card", "1,000 lines", bulkAudit(1000));
    expect(await page.locator("#bulk-card .pcs-at__item").count()).toBe(1000);
    expect(await page.locator("#bulk-card .pcs-at__item--raw").count()).toBe(20);
    expect(await text("#bulk-card .pcs-at__summary")).toBe("1,000 entries · 140 errors");
    await page.evaluate(() => document.getElementById("bulk-card")?.remove());
  });

  test("the console stayed clean and nothing was requested off the harness", () => {
    expect(problems).toEqual([]);
    expect(offHarness).toEqual([]);
  });
});

/** Polls until read() returns want (a click handler may finish after the click resolves). */
async function expect_(read: () => Promise<string>, want: string): Promise<void> {
  for (let i = 0; i < 50; i++) {
    if ((await read()) === want) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  expect(await read()).toBe(want);
}

declare global {
  interface Window {
    PcfHarness: {
      registered(): string[];
      card(title: string, id?: string): HTMLElement;
      field(card: HTMLElement, label: string, note?: string, id?: string): HTMLElement;
      mount(name: string, host: HTMLElement, options: Record<string, unknown>): { update(parameters: Record<string, unknown>): void; destroy(): void };
    };
  }
}
