/**
 * Sorted lists of upper-case letter codes (ISO 3166-1 alpha-2, ISO 4217), front-coded so the form
 * script carries them in about half the characters. Reading left to right, upper-case letters replace
 * the end of the current prefix (a code without its last letter) and each lower-case letter completes
 * one code with the current prefix:
 *   length 2: "AdeBa"   → AD, AE, BA
 *   length 3: "AEdFnBAm" → AED, AFN, BAM   ("F" replaces the E of AE, "BA" replaces both letters)
 * The tests re-pack every list and compare, so a packed string is always the canonical one.
 */
export function unpackCodes(packed: string, length: number): string[] {
  const codes: string[] = [];
  let prefix = "";
  let run = "";
  for (const ch of packed) {
    if (ch < "a") run += ch;
    else {
      prefix = prefix.slice(0, length - 1 - run.length) + run;
      run = "";
      codes.push(prefix + ch.toUpperCase());
    }
  }
  return codes;
}
