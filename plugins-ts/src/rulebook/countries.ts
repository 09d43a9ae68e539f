/**
 * ISO 3166-1 alpha-2 country codes (the 249 officially assigned codes) and the hints the country rule
 * gives for common mistakes ("USA", "United States", "UK", "Deutschland" ...).
 * Data: Debian iso-codes 4.15.0 (/usr/share/iso-codes/json/iso_3166-1.json), packed as strings so the
 * form script stays small; the flows read the same lists through ISO3166_ALPHA2 / COUNTRY_ALIASES.
 */
import { unpackCodes } from "./packed-codes";

/** Alpha-2 codes, sorted, front-coded (packed-codes.ts): "Adefg…" is AD, AE, AF, AG, … */
const ALPHA2 = "AdefgilmoqrstuwxzBabdefghijlmnoqrstvwyzCacdfghiklmnoruvwxyzDejkmozEceghrstFijkmorGabdefghilmnpqrstuwyHkmnrtuIdelmnoqrstJemopKeghimnprwyzLabcikrstuvyMacdefghklmnopqrstuvwxyzNacefgilopruzOmPaefghklmnrstwyQaReosuwSabcdeghijklmnorstvxyzTcdfghjklmnortvwzUagmsyzVaceginuWfsYetZamw";
/**
 * The alpha-3 code of each alpha-2 code, in the same order, one token each, relative to its alpha-2
 * code: a lower-case letter is appended (AD + "d" → AND), an upper-case letter goes between the two
 * letters (AG + "T" → ATG), "." and three letters give the whole code (GS → ".SGS").
 */
const ALPHA3 = "NRgTabRG.ATAgmUsB.ALAe.BIHRGlarrD.BENmuRl.BESaHnta.BLRLnkOAOevOHrHlibPUrpeuiNamau.ESTySiphniLSRabrRoUyabRbILNc.SGSmm.GNBUgddvinn.IRL.ISRndtRnlayArnnzmr.COMa.PRKOt.CYMAonaeaBouxaBroaNADldirg.MACNTtrLsDiEsOmlrkacdrluIlnnrYNlAO.SPMCieRLRtuu.SRBsauLYnWpn.SVNmVerEmUdpLmrWaC.ATFoaklsKUnUoUna.UKRaiaRbttnbrmtLmm.MYTfbe";
/** English names of the largest co-sell markets and common synonyms (alias key:alpha-2). */
const NAMES = "AMERICA:US,AUSTRALIA:AU,AUSTRIA:AT,BELGIUM:BE,BRAZIL:BR,CANADA:CA,CHINA:CN,CZECHREPUBLIC:CZ,DENMARK:DK,DEUTSCHLAND:DE,ENGLAND:GB,ESPANA:ES,ESPAÑA:ES,FINLAND:FI,FRANCE:FR,GERMANY:DE,GREATBRITAIN:GB,HOLLAND:NL,INDIA:IN,IRELAND:IE,ISRAEL:IL,ITALY:IT,JAPAN:JP,KOREA:KR,MEXICO:MX,NETHERLANDS:NL,NEWZEALAND:NZ,NORWAY:NO,POLAND:PL,PORTUGAL:PT,RUSSIA:RU,SAUDIARABIA:SA,SCHWEIZ:CH,SCOTLAND:GB,SINGAPORE:SG,SOUTHAFRICA:ZA,SOUTHKOREA:KR,SPAIN:ES,SUISSE:CH,SWEDEN:SE,SWITZERLAND:CH,TURKEY:TR,UAE:AE,UK:GB,UNITEDARABEMIRATES:AE,UNITEDKINGDOM:GB,UNITEDSTATES:US,UNITEDSTATESOFAMERICA:US,WALES:GB";

/** The officially assigned ISO 3166-1 alpha-2 codes, sorted. */
export const ISO3166_ALPHA2: readonly string[] = unpackCodes(ALPHA2, 2);

/**
 * Alias key → alpha-2 code: every alpha-3 code, and English (and some local) names of the largest
 * markets. Keys are normalised with countryAliasKey; none is itself a valid alpha-2 code.
 */
export const COUNTRY_ALIASES: Readonly<Record<string, string>> = (() => {
  const map: Record<string, string> = {};
  const a3 = ALPHA3.match(/\.[A-Z]{3}|./g) ?? [];
  ISO3166_ALPHA2.forEach((code, i) => {
    const t = a3[i];
    map[t.length > 1 ? t.slice(1) : t >= "a" ? code + t.toUpperCase() : code[0] + t + code[1]] = code;
  });
  for (const pair of NAMES.split(",")) {
    const [name, code] = pair.split(":");
    map[name] = code;
  }
  return map;
})();

/** Characters removed (after upper-casing) to make an alias key: space . , - ' ( ) */
export const COUNTRY_ALIAS_STRIP: readonly string[] = [" ", ".", ",", "-", "'", "(", ")"];

/** The country rule's normalisation: trimmed, spaces removed, upper case (" us " → "US"). */
export function normalizeCountry(value: unknown): string {
  return typeof value === "string" ? value.trim().split(" ").join("").toUpperCase() : "";
}

/** The key a country value is looked up by in COUNTRY_ALIASES ("U.S.A." → "USA", "United States" → "UNITEDSTATES"). */
export function countryAliasKey(value: unknown): string {
  let key = normalizeCountry(value);
  for (const ch of COUNTRY_ALIAS_STRIP) key = key.split(ch).join("");
  return key;
}

export function isCountryCode(code: string): boolean {
  return code.length === 2 && ISO3166_ALPHA2.includes(code);
}

/** The alpha-2 code a mistaken value most likely means ("USA" → "US"), or "" when none is known. */
export function countryHint(value: unknown): string {
  return COUNTRY_ALIASES[countryAliasKey(value)] ?? "";
}
