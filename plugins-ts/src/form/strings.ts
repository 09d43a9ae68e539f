/**
 * The form's strings: the message catalogue of the rulebook (../rulebook/messages.ts, the one place
 * every user-facing string lives) in the user's language, English (1033) as the fallback.
 */
import { DEFAULT_LANGUAGE, FORM_TEXT, formText } from "./rulebook";

/** The signed-in user's UI language (LCID), 1033 when it cannot be read. */
export function userLanguage(): number {
  try {
    // (a value that is no positive number, or a language without a catalogue, gets English)
    const id = Xrm.Utility.getGlobalContext().userSettings.languageId;
    return id > 0 ? id : DEFAULT_LANGUAGE;
  } catch {
    return DEFAULT_LANGUAGE;
  }
}

/** A form message in the user's language: text(FORM_TEXT.formSaveBlocked). */
export function text(id: (typeof FORM_TEXT)[keyof typeof FORM_TEXT], params: Readonly<Record<string, string>> = {}): string {
  return formText(id, params, userLanguage());
}

export { FORM_TEXT };
