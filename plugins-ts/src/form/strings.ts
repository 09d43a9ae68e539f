/**
 * The form's strings: the message catalogue of the rulebook (../rulebook/messages.ts, the one place
 * every user-facing string lives) in the user's language, English (1033) as the fallback.
 */
import { DEFAULT_LANGUAGE, formText, FormMessageId } from "./rulebook";

/** The signed-in user's UI language (LCID), 1033 when it cannot be read. */
export function userLanguage(): number {
  try {
    const id = Xrm.Utility.getGlobalContext().userSettings.languageId;
    return typeof id === "number" && id > 0 ? id : DEFAULT_LANGUAGE;
  } catch {
    return DEFAULT_LANGUAGE;
  }
}

export function text(id: FormMessageId, params: Readonly<Record<string, string>> = {}): string {
  return formText(id, params, userLanguage());
}
