/**
 * The check mark the sync appends to the opportunity name when pcs_DisplayCheckMark is Yes:
 * " ✔" after a successful sync, " ✖" after a failed one. The mapping strips it (and Microsoft's older
 * "✘") so the referral name never carries it and a mark change is never a synced change.
 */
export const CHECK_MARK_SUCCESS = "\u2714"; // ✔
export const CHECK_MARK_ERROR = "\u2716"; // ✖
const ALL_MARKS = [CHECK_MARK_SUCCESS, CHECK_MARK_ERROR, "\u2718"] as const;

/** Marks out of the name, in the order and rounds the flows strip them. */
export const STRIP_ROUNDS = 2;
export const STRIP_ORDER = ALL_MARKS;
/** An end-of-name marker that no name contains. */
export const END = "\u0001";

/**
 * The name without the sync's trailing marks: up to two rounds of "✔, ✖, ✘ just before the end (and
 * one space before it)". The flows strip with the same replaces (flows/src/blocks/sync.ts), which
 * keeps their expression short; two rounds clear a name that still carries Microsoft's older mark.
 */
export function stripCheckMark(name: string): string {
  let text = name.trim() + END;
  for (let round = 0; round < STRIP_ROUNDS; round++) {
    for (const mark of STRIP_ORDER) text = text.replace(mark + END, END).replace(" " + END, END);
  }
  return text.replace(END, "").trim();
}

/** The name with the mark for the sync outcome (the previous mark replaced). */
export function withCheckMark(name: string, succeeded: boolean): string {
  return `${stripCheckMark(name)} ${succeeded ? CHECK_MARK_SUCCESS : CHECK_MARK_ERROR}`;
}
