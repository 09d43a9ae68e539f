import { SYNC_STATUS_LABELS, SyncStatus as STATUS } from "../../../../plugins-ts/src/model/schema";
import { formatAuditLine } from "../../../../plugins-ts/src/rulebook/audit";
import { SyncStatus } from "../index";
import { STRING_KEYS } from "../strings";
import { STRINGS, syncStatusContext, syncStatusParameters, type SyncStatusValues } from "../__mocks__/mock-context";
import { type MockOptions } from "../../../shared/__mocks__/mock-context";
import { describeManifestContract } from "../../../shared/__mocks__/manifest-contract";

const NOW = Date.parse("2026-11-22T10:20:00Z");
const ago = (minutes: number): Date => new Date(NOW - minutes * 60_000);
const LINK = "https://partner.microsoft.com/en-us/dashboard/referrals/v2/leads/7c9e6679-7425-40de-944b-e07fc1f90ae7";
const COUNTRY = "Country on the customer account (address1_country) must be a two-letter ISO 3166 code such as US.";
const errorLine = formatAuditLine({ timestamp: "2026-11-22T10:17:00Z", direction: "CRM->PC", outcome: "Error", operation: "create", message: COUNTRY });
const infoLine = formatAuditLine({ timestamp: "2026-11-22T10:16:00Z", direction: "PC->CRM", outcome: "Info", operation: "inbound", message: "Referral read." });

let container: HTMLDivElement;
let control: SyncStatus | undefined;

beforeEach(() => {
  jest.useFakeTimers({ now: NOW });
  container = document.createElement("div");
  document.body.appendChild(container);
});

afterEach(() => {
  control?.destroy();
  control = undefined;
  container.remove();
  jest.useRealTimers();
});

function mount(values: SyncStatusValues, options?: MockOptions) {
  const context = syncStatusContext(values, options);
  control = new SyncStatus();
  control.init(context, jest.fn(), {}, container);
  control.updateView(context);
  return context;
}

const q = (selector: string): HTMLElement | null => container.querySelector<HTMLElement>(selector);
const txt = (selector: string): string | null => q(selector)?.textContent ?? null;

describe("Sync Status: each state", () => {
  test.each([
    [STATUS.NotSynced, "Not synced", "notSynced"],
    [STATUS.Pending, "Pending", "pending"],
    [STATUS.Synced, "Synced", "synced"],
    [STATUS.Error, "Error", "error"],
  ])("choice %i shows the %s badge", (value, label, kind) => {
    mount({ value, lastSyncedOn: ago(5) });
    expect(txt(".pcs-ss__label")).toBe(label);
    expect(q(".pcs-ss__badge")?.classList.contains(`pcs-ss__badge--${kind}`)).toBe(true);
    expect(q(".pcs-ss__badge svg")?.getAttribute("aria-hidden")).toBe("true");
  });

  test("an empty choice is a record never synced", () => {
    mount({ value: null });
    expect(txt(".pcs-ss__label")).toBe("Not synced");
    expect(txt(".pcs-ss__when")).toBe("Never synced with Partner Center");
    expect(q("a")).toBeNull();
    expect(q(".pcs-ss__error")).toBeNull();
  });

  test("a choice value this version does not know is shown, not hidden", () => {
    mount({ value: 619300099 });
    expect(txt(".pcs-ss__label")).toBe("Unknown status (619300099)");
    expect(q(".pcs-ss__badge--unknown")).not.toBeNull();
  });

  test("Synced: 'Last synced 5 minutes ago', the referral status and the Partner Center link", () => {
    mount({ value: STATUS.Synced, lastSyncedOn: ago(5), referralLink: LINK, referralStatus: "Active / Accepted" });
    expect(txt(".pcs-ss__when")).toBe("Last synced 5 minutes ago");
    expect(txt(".pcs-ss__referral-status")).toBe("Referral status: Active / Accepted");
    const link = q("a") as HTMLAnchorElement;
    expect(link.href).toBe(LINK);
    expect(link.target).toBe("_blank");
    expect(link.rel.split(" ")).toEqual(expect.arrayContaining(["noopener", "noreferrer"]));
    expect(link.textContent).toBe("Open in Partner Center (opens in a new tab)");
  });

  test("Pending, hours ago and yesterday", () => {
    mount({ value: STATUS.Pending, lastSyncedOn: ago(125) });
    expect(txt(".pcs-ss__when")).toBe("Last synced 2 hours ago");
    control?.updateView(syncStatusContext({ value: STATUS.Pending, lastSyncedOn: ago(26 * 60) }));
    expect(txt(".pcs-ss__when")).toBe("Last synced yesterday");
  });

  test("under a minute is 'just now'", () => {
    mount({ value: STATUS.Synced, lastSyncedOn: new Date(NOW - 20_000) });
    expect(txt(".pcs-ss__when")).toBe("Last synced just now");
  });

  test("Error: the latest error's message, direction, operation and local time from the Audit", () => {
    mount({ value: STATUS.Error, lastSyncedOn: ago(60), audit: `${errorLine}\n${infoLine}` }, { timeZoneOffsetMinutes: 60 });
    expect(txt(".pcs-ss__error-heading")).toBe("Last error");
    expect(txt(".pcs-ss__error-message")).toBe(COUNTRY);
    expect(txt(".pcs-ss__error-meta")).toBe("CRM → Partner Center · create · Nov 22, 2026, 11:17 AM");
  });

  test("Error without a newest error line in the Audit says so rather than showing an old error", () => {
    mount({ value: STATUS.Error, audit: `${infoLine}\n${errorLine}` });
    expect(txt(".pcs-ss__error-message")).toBe("The last sync failed. The Audit has no details of the error.");
    control?.updateView(syncStatusContext({ value: STATUS.Error, audit: null }));
    expect(txt(".pcs-ss__error-message")).toBe("The last sync failed. The Audit has no details of the error.");
    control?.updateView(syncStatusContext({ value: STATUS.Error, audit: "just some text\nno format | at all" }));
    expect(txt(".pcs-ss__error-message")).toBe("The last sync failed. The Audit has no details of the error.");
  });

  test("an error in the Audit is not shown when the status is not Error", () => {
    mount({ value: STATUS.Synced, audit: errorLine });
    expect(q(".pcs-ss__error")).toBeNull();
  });
});

describe("Sync Status: locale and time zone", () => {
  test("absolute time is in the user's Dataverse time zone, not the browser's", () => {
    mount({ value: STATUS.Synced, lastSyncedOn: new Date("2026-11-22T10:15:00Z") }, { timeZoneOffsetMinutes: -300 });
    const time = q(".pcs-ss__when time") as HTMLTimeElement;
    expect(time.dateTime).toBe("2026-11-22T10:15:00.000Z");
    expect(time.title).toBe("Nov 22, 2026, 5:15 AM");
    expect(txt(".pcs-sr-only:not(.pcs-ss__badge *)")).toBe("Last synced on Nov 22, 2026, 5:15 AM");
  });

  test("the platform's own formatted value is preferred for the absolute time", () => {
    mount({ value: STATUS.Synced, lastSyncedOn: ago(5), lastSyncedOnFormatted: "22/11/2026 11:15" });
    expect((q(".pcs-ss__when time") as HTMLElement).title).toBe("22/11/2026 11:15");
  });

  test("dates follow the user's locale (en-GB, de-DE)", () => {
    mount({ value: STATUS.Synced, lastSyncedOn: new Date("2026-11-22T10:15:00Z") }, { languageId: 2057 });
    expect((q(".pcs-ss__when time") as HTMLElement).title).toBe("22 Nov 2026, 10:15");
    control?.destroy();
    mount({ value: STATUS.Synced, lastSyncedOn: new Date("2026-11-22T10:15:00Z") }, { languageId: 1031 });
    expect((q(".pcs-ss__when time") as HTMLElement).title).toBe("22.11.2026, 10:15");
  });

  test("relative words stay in the language of the strings: no 'Last synced vor 5 Minuten'", () => {
    mount({ value: STATUS.Synced, lastSyncedOn: ago(5) }, { languageId: 1031 });
    expect(txt(".pcs-ss__when")).toBe("Last synced 5 minutes ago");
    control?.destroy();
    const german = { ...STRINGS, Language: "de", LastSynced: "Zuletzt synchronisiert {0}" };
    mount({ value: STATUS.Synced, lastSyncedOn: ago(5) }, { languageId: 1031, strings: german });
    expect(txt(".pcs-ss__when")).toBe("Zuletzt synchronisiert vor 5 Minuten");
  });

  test("right-to-left users get dir=rtl", () => {
    mount({ value: STATUS.Synced }, { isRTL: true, languageId: 1037 });
    expect((container.firstElementChild as HTMLElement).dir).toBe("rtl");
  });

  test("the relative time keeps up while the form stays open, without re-rendering the rest", () => {
    mount({ value: STATUS.Synced, lastSyncedOn: ago(5) });
    const badge = q(".pcs-ss__badge");
    jest.advanceTimersByTime(60_000);
    expect(txt(".pcs-ss__when")).toBe("Last synced 6 minutes ago");
    jest.advanceTimersByTime(60 * 60_000);
    expect(txt(".pcs-ss__when")).toBe("Last synced 1 hour ago");
    expect(q(".pcs-ss__badge")).toBe(badge);
  });
});

describe("Sync Status: accessibility", () => {
  test("a polite status region, reachable with Tab, labelled for screen readers", () => {
    mount({ value: STATUS.Error, lastSyncedOn: ago(5), audit: errorLine, referralLink: LINK });
    const region = q("[role=status]") as HTMLElement;
    expect(region.getAttribute("aria-live")).toBe("polite");
    expect(region.getAttribute("aria-atomic")).toBe("true");
    expect(region.tabIndex).toBe(0);
    expect(region.querySelector(".pcs-ss__badge")?.textContent).toBe("Partner Center sync status: Error");
    expect(region.querySelector(".pcs-ss__error")).not.toBeNull();
    // the ticking text is hidden from screen readers, which get the static date instead
    expect(q(".pcs-ss__when")?.getAttribute("aria-hidden")).toBe("true");
    expect(region.textContent).toContain("Last synced on Nov 22, 2026, 10:15 AM");
    const group = container.firstElementChild as HTMLElement;
    expect(group.getAttribute("role")).toBe("group");
    expect(group.getAttribute("aria-label")).toBe("Partner Center sync");
    expect((q("a") as HTMLAnchorElement).tabIndex).toBe(0);
  });
});

describe("Sync Status: malformed input never throws", () => {
  test.each<[string, SyncStatusValues]>([
    ["a choice given as a numeric string", { value: String(STATUS.Synced) }],
    ["a choice that is text", { value: "Synced" }],
    ["a choice that is an object", { value: { id: 1 } }],
    ["an invalid date", { value: STATUS.Synced, lastSyncedOn: new Date("nope") }],
    ["a date string", { value: STATUS.Synced, lastSyncedOn: "2026-11-22T10:15:00Z" }],
    ["a date that is garbage", { value: STATUS.Synced, lastSyncedOn: "yesterday-ish" }],
    ["a link that is not a URL", { value: STATUS.Synced, referralLink: "partner center" }],
    ["a javascript: link", { value: STATUS.Synced, referralLink: "javascript:alert(1)" }],
    ["a data: link", { value: STATUS.Synced, referralLink: "data:text/html,<b>x</b>" }],
    ["an audit that is a number", { value: STATUS.Error, audit: 42 }],
    ["an audit of separators", { value: STATUS.Error, audit: " | | | | \n\n | " }],
    ["a referral status that is an array", { value: STATUS.Synced, referralStatus: ["Active"] }],
    ["HTML in the error message", { value: STATUS.Error, audit: formatAuditLine({ timestamp: "2026-11-22T10:17:00Z", direction: "CRM->PC", outcome: "Error", operation: "update", message: "<img src=x onerror=alert(1)>" }) }],
  ])("%s", (_name, values) => {
    expect(() => mount(values)).not.toThrow();
    expect(q(".pcs-ss__label")?.textContent).toBeTruthy();
    expect(q("img")).toBeNull();
    const link = q("a") as HTMLAnchorElement | null;
    if (link) expect(link.protocol).toMatch(/^https?:$/);
  });

  test("a choice that is not a number is shown as unknown, never as another state", () => {
    mount({ value: "Synced" });
    expect(txt(".pcs-ss__label")).toBe("Unknown status (Synced)");
    control?.updateView(syncStatusContext({ value: { id: 1 } }));
    expect(txt(".pcs-ss__label")).toBe("Unknown status (?)");
    control?.updateView(syncStatusContext({ value: "  " }));
    expect(txt(".pcs-ss__label")).toBe("Not synced");
  });

  test("a numeric-string choice is read as the number; the date string is used", () => {
    mount({ value: String(STATUS.Synced), lastSyncedOn: "2026-11-22T10:15:00Z" });
    expect(txt(".pcs-ss__label")).toBe("Synced");
    expect(txt(".pcs-ss__when")).toBe("Last synced 5 minutes ago");
  });

  test("no parameters at all, or a context with nothing in it", () => {
    control = new SyncStatus();
    const context = syncStatusContext({});
    (context as unknown as { parameters: unknown }).parameters = undefined;
    expect(() => control?.init(context, jest.fn(), {}, container)).not.toThrow();
    expect(txt(".pcs-ss__label")).toBe("Not synced");
    expect(() => control?.updateView({} as never)).not.toThrow();
    expect(() => control?.updateView(null as never)).not.toThrow();
  });

  test("a resource lookup that throws falls back to the key instead of breaking the form", () => {
    const context = syncStatusContext({ value: STATUS.Synced });
    context.resources.getString = () => {
      throw new Error("no resx");
    };
    control = new SyncStatus();
    expect(() => control?.init(context, jest.fn(), {}, container)).not.toThrow();
    expect(txt(".pcs-ss__label")).toBe("Status_Synced");
  });

  test("a time zone lookup that throws falls back to the browser's zone", () => {
    const context = syncStatusContext({ value: STATUS.Synced, lastSyncedOn: ago(5) });
    context.userSettings.getTimeZoneOffsetMinutes = () => {
      throw new Error("no zone");
    };
    control = new SyncStatus();
    expect(() => control?.init(context, jest.fn(), {}, container)).not.toThrow();
    expect(txt(".pcs-ss__when")).toBe("Last synced 5 minutes ago");
  });
});

describe("Sync Status: lifecycle", () => {
  test("updateView with nothing changed leaves the DOM alone; a change re-renders", () => {
    const context = mount({ value: STATUS.Pending, lastSyncedOn: ago(5) });
    const before = q(".pcs-ss__badge");
    control?.updateView(context);
    expect(q(".pcs-ss__badge")).toBe(before);
    context.parameters = syncStatusParameters({ value: STATUS.Synced, lastSyncedOn: ago(1) });
    control?.updateView(context);
    expect(q(".pcs-ss__badge")).not.toBe(before);
    expect(txt(".pcs-ss__label")).toBe("Synced");
  });

  test("no network, no navigation, no writes: outputs are empty and no platform call is made", () => {
    const fetchSpy = jest.fn();
    (globalThis as { fetch?: unknown }).fetch = fetchSpy;
    const notify = jest.fn();
    const context = syncStatusContext({ value: STATUS.Error, lastSyncedOn: ago(5), audit: errorLine, referralLink: LINK });
    control = new SyncStatus();
    control.init(context, notify, {}, container);
    control.updateView(context);
    jest.advanceTimersByTime(120_000);
    expect(control.getOutputs()).toEqual({});
    expect(notify).not.toHaveBeenCalled();
    expect(context.outboundCalls()).toBe(0);
    expect(fetchSpy).not.toHaveBeenCalled();
    delete (globalThis as { fetch?: unknown }).fetch;
  });

  test("destroy removes the DOM and stops the clock", () => {
    mount({ value: STATUS.Synced, lastSyncedOn: ago(5) });
    expect(jest.getTimerCount()).toBe(1);
    control?.destroy();
    control = undefined;
    expect(jest.getTimerCount()).toBe(0);
    expect(container.children.length).toBe(0);
  });
});

describeManifestContract("Sync Status", "syncStatus", STRINGS, STRING_KEYS);

test("the badge labels are the choice labels", () => {
  expect(STRINGS.Status_NotSynced).toBe(SYNC_STATUS_LABELS[STATUS.NotSynced]);
  expect(STRINGS.Status_Pending).toBe(SYNC_STATUS_LABELS[STATUS.Pending]);
  expect(STRINGS.Status_Synced).toBe(SYNC_STATUS_LABELS[STATUS.Synced]);
  expect(STRINGS.Status_Error).toBe(SYNC_STATUS_LABELS[STATUS.Error]);
});

