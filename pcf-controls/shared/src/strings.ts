/**
 * Localised strings from the control's resx (context.resources.getString) with {0}-style
 * placeholders. A missing resource never throws and never shows an empty label: it shows the key,
 * which a unit test makes sure cannot happen for the keys the controls use.
 */
export type Translate = (key: string, ...args: Array<string | number>) => string;

export function createTranslate(resources: { getString(id: string): string } | undefined | null): Translate {
  const cache = new Map<string, string>();
  return (key, ...args) => {
    let text = cache.get(key);
    if (text === undefined) {
      try {
        const value = resources?.getString(key);
        text = typeof value === "string" && value !== "" ? value : key;
      } catch {
        text = key;
      }
      cache.set(key, text);
    }
    return args.length === 0 ? text : text.replace(/\{(\d+)\}/g, (m, i: string) => (Number(i) < args.length ? String(args[Number(i)]) : m));
  };
}

/** The language the resx declares for itself (its "Language" entry), if it has one. */
export function stringsLanguage(t: Translate): string | undefined {
  const value = t("Language");
  return value && value !== "Language" ? value : undefined;
}
