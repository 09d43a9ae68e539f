/**
 * Every user-facing string of the rulebook and the opportunity form script, in one place.
 *
 * Templates are plain text with {placeholder} slots and nothing else: no plural forms, no computed
 * grammar. A value is substituted as is, so a flow builds the same text with WDL
 * `concat('…', value, '…')` (see templatePieces, and wdl.ts which generates those expressions).
 *
 * Languages are keyed by Dataverse language code (LCID). English (1033) is complete; another
 * language adds `MESSAGES[<lcid>] = { … }` with any subset of the ids and falls back to 1033 for
 * the rest.
 */

/** English (United States), LCID 1033: the complete catalogue. */
export const MESSAGES_1033 = {
  // ── rule failures (shared with the flows; placeholders come from rules.ts params) ──
  customerMissing: "Potential Customer is empty: choose the customer's account, because Partner Center needs its country.",
  customerNotAccount: "Potential Customer is a contact: choose the customer's account instead, because Partner Center needs the account's country.",
  countryMissing: "Country on the customer account ({field}) is empty: it must be a two-letter ISO 3166 code such as US.",
  countryAlias: "Country on the customer account ({field}) is \"{value}\": use the two-letter ISO 3166 code {code} instead.",
  countryInvalid: "Country on the customer account ({field}) must be a two-letter ISO 3166 code such as US, not \"{value}\".",
  solutionsMissing: "Microsoft Solutions is empty: add at least one solution before the referral is shared with Microsoft.",
  contactMissing: "Contact is empty: choose the customer contact Microsoft can reach, required when \"How can Microsoft help?\" has a value.",
  contactEmailMissing: "Contact {value} has no email address (emailaddress1): Microsoft needs it to reach the customer when \"How can Microsoft help?\" has a value.",
  dealValueMissing: "Deal value ({field}) is empty: enter the expected revenue, 0 or more.",
  dealValueNegative: "Deal value ({field}) is {value}: it must be 0 or more.",
  currencyMissing: "Currency is empty: choose the currency of the deal value.",
  currencyUnknown: "Currency {name} has the code \"{value}\", which is not an ISO 4217 currency code: choose a currency such as USD.",
  closeDateMissing: "Est. Close Date is empty: enter the date you expect to close the deal.",
  visibilityReverted: "Microsoft Partner Center Referral Visibility cannot go back to No once it is Yes: set it to Yes.",
  helpNeedsVisibility: "How can Microsoft help? has a value, so the referral must be shared with Microsoft: set Microsoft Partner Center Referral Visibility to Yes.",
  // today's co-sell (COSELL_RULES, LOCKS)
  intentMissing: "Customer Purchase Intent is empty: choose whether the customer will buy through the Microsoft marketplace (Yes, No or Have not decided), because Partner Center requires it.",
  servicesCoSellNeeds: "{field} is empty: Partner Center requires it for a Services co-sell deal (help asked, no co-sell ready partner solution).",
  lockedAtCreate: "{field} cannot change once the referral is in Partner Center, which takes it only at create.",
  lockedOnceCoSell: "{field} cannot change once the deal is shared with Microsoft for co-sell.",
  lockedClosed: "The referral is {status} in Partner Center, which takes no more changes to it.",
  // deal registration (REGISTRATION_RULES)
  registrationNotWon: "The deal cannot be registered yet: Partner Center registers won deals only. Close the opportunity as won.",
  registrationNoReferral: "The deal cannot be registered: it is not in Partner Center (Referral Identifier is empty). Set Sync with Partner Center to Yes first.",
  registrationPrivate: "The deal cannot be registered: it is private. Partner Center registers partner-led and co-sell deals only: set Microsoft Partner Center Referral Visibility to Yes.",
  registrationNoEligibleSolution: "The deal cannot be registered: none of its Microsoft Solutions is Azure IP co-sell eligible (Azure IP Co-sell Eligible on Microsoft Solution Details).",
  registrationValueTooLow: "The deal cannot be registered: its contract value is {value} USD, below the 25,000 USD Partner Center requires.",
  registrationFieldMissing: "The deal cannot be registered: {field} is empty, and Partner Center needs it.",

  // ── form script ──
  formSaveBlocked: "Not saved: this opportunity cannot be synced to Partner Center yet. Fix what the messages say, or set Sync with Partner Center to No.",
  formCheckFailed: "Could not check the Partner Center rules ({detail}). You can still save: the sync checks again and reports in the Audit column.",
  formConfigFieldInvalid: "Environment variable {variable} names the column \"{field}\", which the {table} table does not have: ask an administrator to correct it.",
  formSolutionsAfterSave: "After saving, add a solution in Microsoft Solutions: the referral is shared with Microsoft only once it has one.",
  formSyncPending: "Partner Center sync is pending: the latest changes are on their way to Partner Center.",
  formSyncError: "Partner Center sync failed: {message}",
  formSyncErrorNoDetail: "Partner Center sync failed: see the Audit column for details.",
} as const;

export type MessageId = keyof typeof MESSAGES_1033;
export type MessageCatalog = Readonly<Record<MessageId, string>>;

export const DEFAULT_LANGUAGE = 1033;

/** Catalogues by LCID; every language but 1033 may be partial. */
export const MESSAGES: Readonly<Record<number, Partial<MessageCatalog>>> = {
  1033: MESSAGES_1033,
};

export const MESSAGE_IDS = Object.keys(MESSAGES_1033) as MessageId[];

/** The template of a message in a language, falling back to English. */
export function messageTemplate(id: MessageId, language: number = DEFAULT_LANGUAGE): string {
  return MESSAGES[language]?.[id] ?? MESSAGES_1033[id];
}

/** A template cut into literal text and {placeholder} slots, in order. */
export type TemplatePiece = string | { placeholder: string };

export function templatePieces(template: string): TemplatePiece[] {
  const pieces: TemplatePiece[] = [];
  const re = /\{([a-zA-Z][a-zA-Z0-9]*)\}/g;
  let last = 0;
  for (let m = re.exec(template); m; m = re.exec(template)) {
    if (m.index > last) pieces.push(template.slice(last, m.index));
    pieces.push({ placeholder: m[1] });
    last = m.index + m[0].length;
  }
  if (last < template.length) pieces.push(template.slice(last));
  return pieces;
}

/** The placeholder names a template uses, each once, in order of first use. */
export function placeholdersOf(template: string): string[] {
  const names: string[] = [];
  for (const p of templatePieces(template)) if (typeof p !== "string" && !names.includes(p.placeholder)) names.push(p.placeholder);
  return names;
}

/**
 * A message with its placeholders filled: each {name} becomes params[name] verbatim (one pass, so a
 * value that itself contains braces is never substituted again). A missing value leaves "" .
 */
export function formatMessage(id: MessageId, params: Readonly<Record<string, string>> = {}, language: number = DEFAULT_LANGUAGE): string {
  return templatePieces(messageTemplate(id, language))
    .map((p) => (typeof p === "string" ? p : (params[p.placeholder] ?? "")))
    .join("");
}
