/**
 * The user's locale for Intl formatting. Dataverse gives the user's UI language as a Windows LCID
 * (context.userSettings.languageId); Intl wants a BCP 47 tag. The table covers the languages a
 * Dynamics 365 environment can enable; anything else falls back to the browser's language, then
 * en-US, so formatting never fails.
 */
const LCID_TO_TAG: Record<number, string> = {
  1025: "ar-SA", 1026: "bg-BG", 1027: "ca-ES", 1028: "zh-TW", 1029: "cs-CZ", 1030: "da-DK",
  1031: "de-DE", 1032: "el-GR", 1033: "en-US", 1035: "fi-FI", 1036: "fr-FR", 1037: "he-IL",
  1038: "hu-HU", 1040: "it-IT", 1041: "ja-JP", 1042: "ko-KR", 1043: "nl-NL", 1044: "nb-NO",
  1045: "pl-PL", 1046: "pt-BR", 1048: "ro-RO", 1049: "ru-RU", 1050: "hr-HR", 1051: "sk-SK",
  1053: "sv-SE", 1054: "th-TH", 1055: "tr-TR", 1057: "id-ID", 1058: "uk-UA", 1060: "sl-SI",
  1061: "et-EE", 1062: "lv-LV", 1063: "lt-LT", 1066: "vi-VN", 1069: "eu-ES", 1081: "hi-IN",
  1086: "ms-MY", 1087: "kk-KZ", 1110: "gl-ES", 2052: "zh-CN", 2057: "en-GB", 2070: "pt-PT",
  2074: "sr-Latn-RS", 3076: "zh-HK", 3082: "es-ES", 3084: "fr-CA", 3098: "sr-Cyrl-RS",
};

function supported(tag: string | undefined): string | undefined {
  if (!tag) return undefined;
  try {
    return Intl.DateTimeFormat.supportedLocalesOf([tag]).length > 0 ? tag : undefined;
  } catch {
    return undefined;
  }
}

/** BCP 47 tag for a Windows LCID, or undefined when the LCID is not one we know. */
export function lcidToTag(lcid: unknown): string | undefined {
  return typeof lcid === "number" ? LCID_TO_TAG[lcid] : undefined;
}

/** The locale to format with: the user's Dataverse language, else the browser's, else en-US. */
export function resolveLocale(languageId: unknown, browserLanguage?: string): string {
  return (
    supported(lcidToTag(languageId)) ??
    supported(browserLanguage ?? (typeof navigator !== "undefined" ? navigator.language : undefined)) ??
    "en-US"
  );
}

/**
 * The locale for words that sit inside a resx sentence ("Last synced {0}", "{0} entries"): the
 * user's locale when the strings are in the user's language, otherwise the strings' own language,
 * so a German user served the English resx never reads "Last synced vor 5 Minuten". Dates and
 * numbers on their own still follow the user's locale.
 */
export function phraseLocale(userLocale: string, stringsLanguage: string | undefined): string {
  const language = (stringsLanguage ?? "").trim();
  if (!language || !supported(language)) return userLocale;
  const base = (tag: string): string => tag.split("-")[0].toLowerCase();
  return base(userLocale) === base(language) ? userLocale : language;
}
