/**
 * ISO 4217 alphabetic currency codes a deal value may be in. Data: Debian iso-codes 4.15.0
 * (/usr/share/iso-codes/json/iso_4217.json) plus the codes added since (XCG Caribbean guilder, ZWG
 * Zimbabwe Gold), without XTS (reserved for testing) and XXX (no currency).
 * Sorted and front-coded (packed-codes.ts): "AEdFn…" is AED, AFN, …
 */
import { unpackCodes } from "./packed-codes";

const CODES = "AEdFnLlMdNgOaRsUdWgZnBAmBdDtGnHdIfMdNdObvRlSdTnWpYnZdCAdDfHefwLfpNyOpuRcUcpVeZkDJfKkOpZdEGpRnTbUrFJdKpGBpElHsIpMdNfTqYdHKdNlRkTgUfIDrLsNrQdRrSkJMdOdPyKEsGsHrMfPwRwWdYdZtLAkBpKrRdSlYdMAdDlGaKdMkNtOpRuUrVrWkXnvYrZnNAdGnIoOkPrZdOMrPAbEnGkHpKrLnYgQArROnSdUbWfSArBdCrDgEkGdHpLelOsRdSpTnVcYpZlTHbJsMtNdOpRyTdWdZsUAhGxSdnYiuwZsVEdsNdUvWStXAfguBabcdCdgDrOfPdftSuUaYErZArMwWgl";

/** The accepted ISO 4217 codes, sorted, three upper-case letters each. */
export const ISO4217: readonly string[] = unpackCodes(CODES, 3);

/** The currency rule's normalisation: trimmed, upper case (" usd" → "USD"). */
export function normalizeCurrency(value: unknown): string {
  return typeof value === "string" ? value.trim().toUpperCase() : "";
}

export function isCurrencyCode(code: string): boolean {
  return code.length === 3 && ISO4217.includes(code);
}
