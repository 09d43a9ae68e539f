import { parseResx } from "../../../scripts/src/pcf/resx";
import { el, safeHttpUrl } from "../src/dom";
import { lcidToTag, phraseLocale, resolveLocale } from "../src/locale";
import { createTranslate, stringsLanguage } from "../src/strings";
import { formatRelative, toDate, userDateTimeFormatter, userOffsetMinutes } from "../src/time";

const NOW = Date.parse("2026-11-22T10:20:00Z");
const ago = (seconds: number): Date => new Date(NOW - seconds * 1000);

describe("locale", () => {
  test("Dataverse LCIDs map to BCP 47 tags", () => {
    expect(lcidToTag(1033)).toBe("en-US");
    expect(lcidToTag(2057)).toBe("en-GB");
    expect(lcidToTag(1031)).toBe("de-DE");
    expect(lcidToTag(1041)).toBe("ja-JP");
    expect(lcidToTag(3082)).toBe("es-ES");
    expect(lcidToTag(99999)).toBeUndefined();
    expect(lcidToTag("1033")).toBeUndefined();
  });

  test("unknown or missing language falls back to the browser's, then en-US", () => {
    expect(resolveLocale(1036)).toBe("fr-FR");
    expect(resolveLocale(undefined, "nl-BE")).toBe("nl-BE");
    expect(resolveLocale(12345, "not a locale!!")).toBe("en-US");
    expect(resolveLocale(null, "")).toMatch(/^[a-z]{2}/);
  });

  test("words inside a sentence follow the strings' language unless the user's is the same language", () => {
    expect(phraseLocale("de-DE", "en")).toBe("en");
    expect(phraseLocale("en-GB", "en")).toBe("en-GB");
    expect(phraseLocale("de-DE", "de")).toBe("de-DE");
    expect(phraseLocale("fr-FR", undefined)).toBe("fr-FR");
    expect(phraseLocale("fr-FR", "%%")).toBe("fr-FR");
  });
});

describe("strings", () => {
  test("placeholders, caching and a missing key", () => {
    const getString = jest.fn((id: string) => ({ A: "Last synced {0}", B: "{1} of {0}", Language: "en" })[id] ?? "");
    const t = createTranslate({ getString });
    expect(t("A", "5 minutes ago")).toBe("Last synced 5 minutes ago");
    expect(t("B", 3, 8)).toBe("8 of 3");
    expect(t("B", 3)).toBe("{1} of 3");
    expect(t("Missing")).toBe("Missing");
    t("A");
    expect(getString.mock.calls.filter(([id]) => id === "A")).toHaveLength(1);
    expect(stringsLanguage(t)).toBe("en");
  });

  test("no resources or a throwing lookup gives the key", () => {
    expect(createTranslate(undefined)("X")).toBe("X");
    const t = createTranslate({
      getString: () => {
        throw new Error("boom");
      },
    });
    expect(t("Y", 1)).toBe("Y");
    expect(stringsLanguage(t)).toBeUndefined();
  });
});

describe("time", () => {
  test("relative times in words, past and future, with the largest fitting unit", () => {
    expect(formatRelative(ago(30), NOW, "en-US")).toBe("");
    expect(formatRelative(ago(-30), NOW, "en-US")).toBe("");
    expect(formatRelative(ago(60), NOW, "en-US")).toBe("1 minute ago");
    expect(formatRelative(ago(5 * 60 + 59), NOW, "en-US")).toBe("5 minutes ago");
    expect(formatRelative(ago(3 * 3600), NOW, "en-US")).toBe("3 hours ago");
    expect(formatRelative(ago(86400 + 5), NOW, "en-US")).toBe("yesterday");
    expect(formatRelative(ago(3 * 86400), NOW, "en-US")).toBe("3 days ago");
    expect(formatRelative(ago(15 * 86400), NOW, "en-US")).toBe("2 weeks ago");
    expect(formatRelative(ago(70 * 86400), NOW, "en-US")).toBe("2 months ago");
    expect(formatRelative(ago(800 * 86400), NOW, "en-US")).toBe("2 years ago");
    expect(formatRelative(ago(-10 * 60), NOW, "en-US")).toBe("in 10 minutes");
    expect(formatRelative(ago(5 * 60), NOW, "fr-FR")).toBe("il y a 5 minutes");
  });

  test("without Intl.RelativeTimeFormat the caller gets undefined (and shows a date)", () => {
    const original = Intl.RelativeTimeFormat;
    (Intl as { RelativeTimeFormat?: unknown }).RelativeTimeFormat = undefined;
    try {
      expect(formatRelative(ago(300), NOW, "en-US")).toBeUndefined();
    } finally {
      (Intl as { RelativeTimeFormat?: unknown }).RelativeTimeFormat = original;
    }
  });

  test("toDate accepts dates, ISO strings and epoch numbers; rejects the rest", () => {
    expect(toDate(new Date(NOW))?.getTime()).toBe(NOW);
    expect(toDate("2026-11-22T10:20:00Z")?.getTime()).toBe(NOW);
    expect(toDate(NOW)?.getTime()).toBe(NOW);
    for (const bad of [null, undefined, "", "  ", "nope", new Date("x"), {}, [], NaN, Infinity]) expect(toDate(bad)).toBeUndefined();
  });

  test("wall time in the user's Dataverse zone, per date, in the user's locale", () => {
    const berlin = { getTimeZoneOffsetMinutes: (d?: Date) => ((d?.getUTCMonth() ?? 0) >= 3 && (d?.getUTCMonth() ?? 0) <= 9 ? 120 : 60) };
    const us = userDateTimeFormatter("en-US", berlin);
    expect(us(new Date("2026-11-22T10:15:00Z"))).toBe("Nov 22, 2026, 11:15 AM");
    expect(us(new Date("2026-07-01T10:15:00Z"))).toBe("Jul 1, 2026, 12:15 PM");
    expect(userDateTimeFormatter("ja-JP", { getTimeZoneOffsetMinutes: () => 540 })(new Date("2026-11-22T23:30:00Z"))).toBe("2026/11/23 8:30");
    expect(userDateTimeFormatter("xx-not-a-locale-at-all-!!", null)(new Date(NOW))).toMatch(/2026/);
  });

  test("offset falls back to the browser's when the platform gives none or nonsense", () => {
    const d = new Date(NOW);
    expect(userOffsetMinutes(undefined, d)).toBe(-d.getTimezoneOffset());
    expect(userOffsetMinutes({ getTimeZoneOffsetMinutes: () => NaN }, d)).toBe(-d.getTimezoneOffset());
    expect(userOffsetMinutes({ getTimeZoneOffsetMinutes: () => 330 }, d)).toBe(330);
  });
});

describe("dom", () => {
  test("only http(s) URLs become links", () => {
    expect(safeHttpUrl("https://partner.microsoft.com/x?y=1")).toBe("https://partner.microsoft.com/x?y=1");
    expect(safeHttpUrl("  http://example.com  ")).toBe("http://example.com/");
    for (const bad of ["javascript:alert(1)", "JAVASCRIPT:alert(1)", "data:text/html,x", "vbscript:x", "file:///etc/passwd", "partner center", "", null, 7, {}]) {
      expect(safeHttpUrl(bad)).toBeUndefined();
    }
  });

  test("el() sets text, never HTML", () => {
    const node = el("p", "c", "<b>x</b>");
    expect(node.className).toBe("c");
    expect(node.children).toHaveLength(0);
    expect(node.textContent).toBe("<b>x</b>");
  });
});

describe("resx reader", () => {
  test("reads names and values; rejects a duplicate key and a non-resx file", () => {
    const xml = `<?xml version="1.0" encoding="utf-8"?><root><data name="A" xml:space="preserve"><value>CRM → Partner Center &amp; more</value></data><data name="B"><value/></data></root>`;
    expect(parseResx(xml)).toEqual({ A: "CRM → Partner Center & more", B: "" });
    expect(() => parseResx(`<root><data name="A"><value>1</value></data><data name="A"><value>2</value></data></root>`)).toThrow('Duplicate resx key "A"');
    expect(() => parseResx(`<manifest/>`)).toThrow("Not a resx file");
  });
});
