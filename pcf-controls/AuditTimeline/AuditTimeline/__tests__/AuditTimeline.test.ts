import vectors from "../../../../plugins-ts/test-vectors/audit.json";
import { formatAuditLine, type AuditEntry } from "../../../../plugins-ts/src/rulebook/audit";
import { AuditTimeline } from "../index";
import { COLLAPSE_OVER_CHARS } from "../model";
import { STRING_KEYS } from "../strings";
import { STRINGS, auditContext, auditParameters } from "../__mocks__/mock-context";
import { type MockOptions } from "../../../shared/__mocks__/mock-context";
import { describeManifestContract } from "../../../shared/__mocks__/manifest-contract";

const NOW = Date.parse("2026-11-22T10:20:00Z");
const LONG = "Partner Center rejected the update with 412 Precondition Failed after one re-read and retry: the referral was changed in Partner Center at the same time. Open the referral, check the latest values and save the opportunity again to retry.";
const line = (entry: Partial<AuditEntry>): string =>
  formatAuditLine({ timestamp: "2026-11-22T10:15:03Z", direction: "CRM->PC", outcome: "Success", operation: "update", message: "ok", ...entry });

const SAMPLE = [
  line({ outcome: "Error", message: LONG }),
  line({ timestamp: "2026-11-22T10:12:40Z", direction: "PC->CRM", operation: "inbound", message: "Referral updated: dealValue." }),
  "Referral re-linked manually by admin",
  line({ timestamp: "2026-11-22T09:31:27Z", outcome: "Error", operation: "create", message: "Country must be a two-letter ISO 3166 code." }),
  line({ timestamp: "2026-11-22T09:30:02Z", outcome: "Skipped", message: "Nothing to send." }),
  line({ timestamp: "2026-11-21T09:20:00Z", direction: "PC->CRM", outcome: "Info", operation: "inbound", message: "Referral read." }),
].join("\n");

let container: HTMLDivElement;
let control: AuditTimeline | undefined;

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

function mount(audit: unknown, options?: MockOptions) {
  const context = auditContext(audit, options);
  control = new AuditTimeline();
  control.init(context, jest.fn(), {}, container);
  control.updateView(context);
  return context;
}

const items = (): HTMLLIElement[] => Array.from(container.querySelectorAll<HTMLLIElement>(".pcs-at__item"));
/** jsdom has no layout: an item is visible unless the errors-only CSS rule would hide it. */
const visible = (): HTMLLIElement[] => {
  const errorsOnly = container.querySelector(".pcs-at")?.classList.contains("pcs-at--errors-only");
  return items().filter((li) => !errorsOnly || li.classList.contains("pcs-at__item--error") || li.classList.contains("pcs-at__item--raw"));
};
const part = (li: Element, name: string): string | null => li.querySelector(`.pcs-at__${name}`)?.textContent ?? null;
const summary = (): string | null => container.querySelector(".pcs-at__summary")?.textContent ?? null;
const root = (): HTMLElement => container.querySelector(".pcs-at") as HTMLElement;

describe("Audit Timeline: what the seller sees", () => {
  test("every line, newest first as stored, with outcome, direction, operation and local time", () => {
    mount(SAMPLE, { timeZoneOffsetMinutes: 60 });
    const li = items();
    expect(li).toHaveLength(6);
    expect(li.map((x) => part(x, "outcome"))).toEqual(["Error", "Succeeded", "Unrecognised line", "Error", "Skipped", "Info"]);
    expect(part(li[0], "dir")).toBe("CRM → Partner Center");
    expect(part(li[1], "dir")).toBe("Partner Center → CRM");
    expect(part(li[0], "op")).toBe("update");
    expect(part(li[0], "time")).toBe("Nov 22, 2026, 11:15 AM");
    expect(li[0].querySelector("time")?.getAttribute("datetime")).toBe("2026-11-22T10:15:03Z");
    expect(part(li[5], "time")).toBe("Nov 21, 2026, 10:20 AM");
    expect(summary()).toBe("6 entries · 2 errors");
    expect(li[0].classList.contains("pcs-at__item--error")).toBe(true);
  });

  test("local time follows the user's time zone per date (daylight saving)", () => {
    const summer = line({ timestamp: "2026-07-01T10:00:00Z" });
    const winter = line({ timestamp: "2026-12-01T10:00:00Z" });
    // Europe/Berlin: +120 in summer, +60 in winter
    mount(`${winter}\n${summer}`, { timeZoneOffsetMinutes: (d) => (d.getUTCMonth() >= 3 && d.getUTCMonth() <= 9 ? 120 : 60), languageId: 2057 });
    expect(items().map((x) => part(x, "time"))).toEqual(["1 Dec 2026, 11:00", "1 Jul 2026, 12:00"]);
  });

  test("the shared audit vectors: each formatted line is an entry, each raw line is shown exactly", () => {
    const lines = [...vectors.format.map((v) => v.line), ...vectors.raw];
    mount(lines.join("\n"));
    const li = items();
    expect(li).toHaveLength(lines.length);
    vectors.format.forEach((v, i) => {
      expect(li[i].classList.contains("pcs-at__item--raw")).toBe(false);
      expect(part(li[i], "op")).toBe(v.entry.operation);
      expect(part(li[i], "msg")).toBe(v.parsedMessage ?? v.entry.message);
    });
    vectors.raw.forEach((raw, j) => {
      const item = li[vectors.format.length + j];
      expect(item.classList.contains("pcs-at__item--raw")).toBe(true);
      expect(part(item, "outcome")).toBe("Unrecognised line");
      expect(part(item, "msg")).toBe(raw);
    });
  });

  test("long messages are collapsed, and expand and collapse again on request", () => {
    mount(SAMPLE);
    const first = items()[0];
    const msg = first.querySelector(".pcs-at__msg") as HTMLElement;
    const more = first.querySelector(".pcs-at__more") as HTMLButtonElement;
    expect(LONG.length).toBeGreaterThan(COLLAPSE_OVER_CHARS);
    expect(msg.textContent?.endsWith("…")).toBe(true);
    expect(LONG.startsWith(msg.textContent!.slice(0, -1))).toBe(true);
    expect(more.textContent).toBe("Show more");
    expect(more.getAttribute("aria-expanded")).toBe("false");
    expect(more.getAttribute("aria-controls")).toBe(msg.id);
    more.click();
    expect(msg.textContent).toBe(LONG);
    expect(more.getAttribute("aria-expanded")).toBe("true");
    expect(more.textContent).toBe("Show less");
    more.click();
    expect(msg.textContent?.endsWith("…")).toBe(true);
    // short messages have no button
    expect(items()[1].querySelector(".pcs-at__more")).toBeNull();
  });

  test("a long unreadable line is collapsed too, and still shown exactly when expanded", () => {
    const raw = "x".repeat(300) + " | not | an | audit | line";
    mount(raw);
    const li = items()[0];
    (li.querySelector(".pcs-at__more") as HTMLButtonElement).click();
    expect(part(li, "msg")).toBe(raw);
  });

  test("an empty audit says so and shows no toolbar", () => {
    for (const value of [null, undefined, "", "\n\n  \n", 42, { text: "x" }]) {
      control?.destroy();
      mount(value);
      expect(items()).toHaveLength(0);
      expect(root().classList.contains("pcs-at--empty")).toBe(true);
      expect(container.querySelector(".pcs-at__empty")?.textContent).toBe("No sync activity yet.");
      expect((container.querySelector(".pcs-at__toolbar") as HTMLElement).hidden).toBe(true);
    }
  });

  test("CRLF line endings and blank lines between entries", () => {
    mount(SAMPLE.split("\n").join("\r\n\r\n"));
    expect(items()).toHaveLength(6);
    expect(part(items()[2], "msg")).toBe("Referral re-linked manually by admin");
  });

  test("text is never HTML", () => {
    mount(`${line({ outcome: "Error", message: "<img src=x onerror=alert(1)> <b>bold</b>" })}\n<script>alert(1)</script>`);
    expect(container.querySelector("img, b, script")).toBeNull();
    expect(part(items()[1], "msg")).toBe("<script>alert(1)</script>");
  });
});

describe("Audit Timeline: errors-only filter", () => {
  test("keeps errors and unreadable lines, counts them, announces the change", () => {
    mount(SAMPLE);
    const box = container.querySelector<HTMLInputElement>("input[type=checkbox]")!;
    expect(box.labels?.[0]?.textContent).toBe("Errors only");
    box.click();
    expect(root().classList.contains("pcs-at--errors-only")).toBe(true);
    expect(visible().map((x) => part(x, "outcome"))).toEqual(["Error", "Unrecognised line", "Error"]);
    expect(summary()).toBe("Showing 3 of 6");
    expect(container.querySelector("[role=status]")?.textContent).toBe("Showing 3 of 6");
    box.click();
    expect(visible()).toHaveLength(6);
    expect(summary()).toBe("6 entries · 2 errors");
  });

  test("stays on when the audit changes, and says when there is no error", () => {
    const context = mount(SAMPLE);
    container.querySelector<HTMLInputElement>("input[type=checkbox]")!.click();
    context.parameters = auditParameters(line({ message: "all good" }));
    control?.updateView(context);
    expect(container.querySelector<HTMLInputElement>("input[type=checkbox]")!.checked).toBe(true);
    expect(root().classList.contains("pcs-at--no-errors")).toBe(true);
    expect(container.querySelector(".pcs-at__no-errors")?.textContent).toBe("No errors in the audit.");
    expect(summary()).toBe("Showing 0 of 1");
  });
});

describe("Audit Timeline: copy one entry", () => {
  const setClipboard = (clipboard: unknown): void => {
    Object.defineProperty(window.navigator, "clipboard", { value: clipboard, configurable: true });
  };
  afterEach(() => setClipboard(undefined));

  test("copies the exact stored line with the Clipboard API, says so, then resets", async () => {
    const writeText = jest.fn().mockResolvedValue(undefined);
    setClipboard({ writeText });
    mount(SAMPLE);
    const button = items()[1].querySelector<HTMLButtonElement>(".pcs-at__copy")!;
    expect(button.getAttribute("aria-label")).toBe("Copy entry: Succeeded, Nov 22, 2026, 10:12 AM");
    button.click();
    await Promise.resolve();
    await Promise.resolve();
    expect(writeText).toHaveBeenCalledWith(SAMPLE.split("\n")[1]);
    expect(button.textContent).toBe("Copied");
    expect(container.querySelector("[role=status]")?.textContent).toBe("Copied");
    jest.advanceTimersByTime(2000);
    expect(button.textContent).toBe("Copy");
  });

  test("an unreadable line is copied as it is", async () => {
    const writeText = jest.fn().mockResolvedValue(undefined);
    setClipboard({ writeText });
    mount(SAMPLE);
    items()[2].querySelector<HTMLButtonElement>(".pcs-at__copy")!.click();
    await Promise.resolve();
    expect(writeText).toHaveBeenCalledWith("Referral re-linked manually by admin");
  });

  test("falls back to execCommand when the Clipboard API is refused", async () => {
    setClipboard({ writeText: jest.fn().mockRejectedValue(new Error("denied")) });
    let copied = "";
    const exec = jest.fn(() => {
      copied = (document.activeElement as HTMLTextAreaElement | null)?.value ?? "";
      return true;
    });
    (document as unknown as { execCommand: unknown }).execCommand = exec;
    mount(SAMPLE);
    const button = items()[3].querySelector<HTMLButtonElement>(".pcs-at__copy")!;
    button.focus();
    button.click();
    for (let i = 0; i < 5; i++) await Promise.resolve();
    expect(exec).toHaveBeenCalledWith("copy");
    expect(copied).toBe(SAMPLE.split("\n")[3]);
    expect(button.textContent).toBe("Copied");
    expect(document.activeElement).toBe(button);
    expect(document.querySelector("textarea")).toBeNull();
  });

  test("says how to copy by hand when nothing works", async () => {
    setClipboard(undefined);
    (document as unknown as { execCommand: unknown }).execCommand = jest.fn(() => false);
    mount(SAMPLE);
    const button = items()[0].querySelector<HTMLButtonElement>(".pcs-at__copy")!;
    button.click();
    for (let i = 0; i < 5; i++) await Promise.resolve();
    expect(button.textContent).toBe("Copy");
    expect(container.querySelector("[role=status]")?.textContent).toBe("Could not copy. Select the text and copy it instead.");
  });
});

describe("Audit Timeline: size, updates and lifecycle", () => {
  test("1,000 lines: every one rendered, none dropped", () => {
    const lines: string[] = [];
    for (let i = 0; i < 1000; i++) lines.push(i % 100 === 99 ? `not a line ${i}` : line({ timestamp: new Date(NOW - i * 60_000).toISOString().replace(/\.\d{3}Z$/, "Z"), outcome: i % 10 === 0 ? "Error" : "Success" }));
    mount(lines.join("\n"));
    expect(items()).toHaveLength(1000);
    expect(container.querySelectorAll(".pcs-at__item--raw")).toHaveLength(10);
    expect(summary()).toBe("1,000 entries · 100 errors");
  });

  test("updateView with the same audit keeps the DOM; a new audit re-renders", () => {
    const context = mount(SAMPLE);
    const first = items()[0];
    control?.updateView(context);
    expect(items()[0]).toBe(first);
    context.parameters = auditParameters(`${line({ message: "newer" })}\n${SAMPLE}`);
    control?.updateView(context);
    expect(items()).toHaveLength(7);
    expect(part(items()[0], "msg")).toBe("newer");
  });

  test("a language change re-renders with the new locale", () => {
    const context = mount(SAMPLE);
    expect(part(items()[0], "time")).toBe("Nov 22, 2026, 10:15 AM");
    context.userSettings.languageId = 1031;
    control?.updateView(context);
    expect(part(items()[0], "time")).toBe("22.11.2026, 10:15");
  });

  test("no network, no writes, no platform calls; destroy cleans up", () => {
    const fetchSpy = jest.fn();
    (globalThis as { fetch?: unknown }).fetch = fetchSpy;
    const notify = jest.fn();
    const context = auditContext(SAMPLE);
    control = new AuditTimeline();
    control.init(context, notify, {}, container);
    control.updateView(context);
    items()[0].querySelector<HTMLButtonElement>(".pcs-at__more")!.click();
    expect(control.getOutputs()).toEqual({});
    expect(notify).not.toHaveBeenCalled();
    expect(context.outboundCalls()).toBe(0);
    expect(fetchSpy).not.toHaveBeenCalled();
    delete (globalThis as { fetch?: unknown }).fetch;
    control.destroy();
    control = undefined;
    expect(container.children).toHaveLength(0);
    expect(jest.getTimerCount()).toBe(0);
  });

  test("never throws: missing parameters, a throwing resource lookup, a throwing time zone", () => {
    control = new AuditTimeline();
    const context = auditContext(SAMPLE);
    context.resources.getString = () => {
      throw new Error("no resx");
    };
    context.userSettings.getTimeZoneOffsetMinutes = () => {
      throw new Error("no zone");
    };
    expect(() => control?.init(context, jest.fn(), {}, container)).not.toThrow();
    expect(items()).toHaveLength(6);
    expect(part(items()[0], "outcome")).toBe("Outcome_Error");
    expect(() => control?.updateView({} as never)).not.toThrow();
    expect(() => control?.updateView(null as never)).not.toThrow();
  });

  test("keyboard: the scrolling list, the filter and every button are reachable", () => {
    mount(SAMPLE);
    expect(container.querySelector<HTMLElement>(".pcs-at__list")!.tabIndex).toBe(0);
    expect(container.querySelector(".pcs-at__list")!.getAttribute("aria-label")).toBe("Partner Center sync audit, newest first");
    for (const b of container.querySelectorAll("button")) expect(b.getAttribute("type")).toBe("button");
    expect(container.querySelectorAll(".pcs-at__copy")).toHaveLength(6);
  });
});

describeManifestContract("Audit Timeline", "auditTimeline", STRINGS, STRING_KEYS);

