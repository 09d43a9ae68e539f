/**
 * The check mark the sync appends to the opportunity name when pcs_DisplayCheckMark is Yes:
 * " ✔" after a successful sync, " ✖" after a failed one. The mapping strips it (and Microsoft's older
 * "✘") so the referral name never carries it and a mark change is never a synced change.
 */
export const CHECK_MARK_SUCCESS = "\u2714"; // ✔
export const CHECK_MARK_ERROR = "\u2716"; // ✖
const ALL_MARKS = [CHECK_MARK_SUCCESS, CHECK_MARK_ERROR, "\u2718"];

export function stripCheckMark(name: string): string {
  let text = name.trimEnd();
  for (let again = true; again; ) {
    again = false;
    for (const mark of ALL_MARKS) {
      if (text.endsWith(mark)) {
        text = text.slice(0, -mark.length).trimEnd();
        again = true;
      }
    }
  }
  return text;
}

/** The name with the mark for the sync outcome (the previous mark replaced). */
export function withCheckMark(name: string, succeeded: boolean): string {
  return `${stripCheckMark(name)} ${succeeded ? CHECK_MARK_SUCCESS : CHECK_MARK_ERROR}`;
}
