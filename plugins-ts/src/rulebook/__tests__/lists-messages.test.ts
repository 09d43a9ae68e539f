import { COUNTRY_ALIASES, countryAliasKey, countryHint, isCountryCode, ISO3166_ALPHA2, normalizeCountry } from "../countries";
import { isCurrencyCode, ISO4217, normalizeCurrency } from "../currencies";
import { formatMessage, MESSAGE_IDS, MESSAGES, MESSAGES_1033, messageTemplate, placeholdersOf, templatePieces } from "../messages";

describe("ISO 3166-1 alpha-2", () => {
  it("holds the 249 assigned codes, sorted and unique", () => {
    expect(ISO3166_ALPHA2).toHaveLength(249);
    expect([...ISO3166_ALPHA2].sort()).toEqual(ISO3166_ALPHA2);
    expect(new Set(ISO3166_ALPHA2).size).toBe(249);
    for (const code of ["US", "GB", "DE", "FR", "JP", "IN", "BR", "AU", "ZA", "AX", "SS"]) expect(isCountryCode(code)).toBe(true);
    for (const code of ["UK", "EU", "EL", "XK", "USA", "U", ""]) expect(isCountryCode(code)).toBe(false);
  });
  it("normalises case and spaces only", () => {
    expect(normalizeCountry(" u s ")).toBe("US");
    expect(normalizeCountry("U.S.")).toBe("U.S.");
    expect(normalizeCountry(null)).toBe("");
    expect(countryAliasKey(" U.S.A. ")).toBe("USA");
  });
  it("has hints that are valid codes, for keys that are not codes", () => {
    for (const [key, code] of Object.entries(COUNTRY_ALIASES)) {
      expect(isCountryCode(code)).toBe(true);
      expect(isCountryCode(key)).toBe(false);
      expect(countryAliasKey(key)).toBe(key);
    }
    expect(Object.keys(COUNTRY_ALIASES).length).toBeGreaterThan(249);
    expect(countryHint("USA")).toBe("US");
    expect(countryHint("United States")).toBe("US");
    expect(countryHint("Great Britain")).toBe("GB");
    expect(countryHint("AUT")).toBe("AT");
    expect(countryHint("Narnia")).toBe("");
  });
});

describe("ISO 4217", () => {
  it("holds the active codes without XTS and XXX", () => {
    expect(ISO4217.length).toBeGreaterThan(170);
    for (const code of ["USD", "EUR", "GBP", "JPY", "INR", "CHF", "XCG", "ZWG"]) expect(isCurrencyCode(code)).toBe(true);
    for (const code of ["XXX", "XTS", "US", "usd", "EURO", ""]) expect(isCurrencyCode(code)).toBe(false);
    expect(normalizeCurrency(" usd ")).toBe("USD");
  });
});

describe("message catalogue", () => {
  it("uses only {name} placeholders, no other braces", () => {
    for (const id of MESSAGE_IDS) {
      const text = MESSAGES_1033[id];
      const literal = templatePieces(text).filter((p): p is string => typeof p === "string").join("");
      expect(literal).not.toMatch(/[{}]/);
      expect(text).toBe(text.trim());
    }
  });
  it("cuts templates into literal pieces and placeholders", () => {
    expect(templatePieces("A ({field}) is \"{value}\": use {code}.")).toEqual([
      "A (", { placeholder: "field" }, ") is \"", { placeholder: "value" }, "\": use ", { placeholder: "code" }, ".",
    ]);
    expect(placeholdersOf("{a} {b} {a}")).toEqual(["a", "b"]);
  });
  it("substitutes values verbatim and only once", () => {
    expect(formatMessage("countryAlias", { field: "address1_country", value: "{code}", code: "US" })).toBe(
      'Country on the customer account (address1_country) is "{code}": use the two-letter ISO 3166 code US instead.',
    );
  });
  it("falls back to English for a language or id a catalogue lacks", () => {
    (MESSAGES as Record<number, Record<string, string>>)[1031] = { closeDateMissing: "Voraussichtliches Abschlussdatum fehlt." };
    try {
      expect(messageTemplate("closeDateMissing", 1031)).toBe("Voraussichtliches Abschlussdatum fehlt.");
      expect(messageTemplate("currencyMissing", 1031)).toBe(MESSAGES_1033.currencyMissing);
      expect(messageTemplate("currencyMissing", 1036)).toBe(MESSAGES_1033.currencyMissing);
    } finally {
      delete (MESSAGES as Record<number, unknown>)[1031];
    }
  });
});
