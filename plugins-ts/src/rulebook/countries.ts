/**
 * ISO 3166-1 alpha-2 country codes (the 249 officially assigned codes) and the hints the country rule
 * gives for common mistakes ("USA", "United States", "UK", "Deutschland" ...).
 * Data: Debian iso-codes 4.15.0 (/usr/share/iso-codes/json/iso_3166-1.json), packed as strings so the
 * form script stays small; the flows read the same lists through ISO3166_ALPHA2 / COUNTRY_ALIASES.
 */

/** Alpha-2 codes, sorted, two characters each. */
const ALPHA2 = "ADAEAFAGAIALAMAOAQARASATAUAWAXAZBABBBDBEBFBGBHBIBJBLBMBNBOBQBRBSBTBVBWBYBZCACCCDCFCGCHCICKCLCMCNCOCRCUCVCWCXCYCZDEDJDKDMDODZECEEEGEHERESETFIFJFKFMFOFRGAGBGDGEGFGGGHGIGLGMGNGPGQGRGSGTGUGWGYHKHMHNHRHTHUIDIEILIMINIOIQIRISITJEJMJOJPKEKGKHKIKMKNKPKRKWKYKZLALBLCLILKLRLSLTLULVLYMAMCMDMEMFMGMHMKMLMMMNMOMPMQMRMSMTMUMVMWMXMYMZNANCNENFNGNINLNONPNRNUNZOMPAPEPFPGPHPKPLPMPNPRPSPTPWPYQARERORSRURWSASBSCSDSESGSHSISJSKSLSMSNSOSRSSSTSVSXSYSZTCTDTFTGTHTJTKTLTMTNTOTRTTTVTWTZUAUGUMUSUYUZVAVCVEVGVIVNVUWFWSYEYTZAZMZW";
/** The alpha-3 code of each alpha-2 code above, in the same order, three characters each. */
const ALPHA3 = "ANDAREAFGATGAIAALBARMAGOATAARGASMAUTAUSABWALAAZEBIHBRBBGDBELBFABGRBHRBDIBENBLMBMUBRNBOLBESBRABHSBTNBVTBWABLRBLZCANCCKCODCAFCOGCHECIVCOKCHLCMRCHNCOLCRICUBCPVCUWCXRCYPCZEDEUDJIDNKDMADOMDZAECUESTEGYESHERIESPETHFINFJIFLKFSMFROFRAGABGBRGRDGEOGUFGGYGHAGIBGRLGMBGINGLPGNQGRCSGSGTMGUMGNBGUYHKGHMDHNDHRVHTIHUNIDNIRLISRIMNINDIOTIRQIRNISLITAJEYJAMJORJPNKENKGZKHMKIRCOMKNAPRKKORKWTCYMKAZLAOLBNLCALIELKALBRLSOLTULUXLVALBYMARMCOMDAMNEMAFMDGMHLMKDMLIMMRMNGMACMNPMTQMRTMSRMLTMUSMDVMWIMEXMYSMOZNAMNCLNERNFKNGANICNLDNORNPLNRUNIUNZLOMNPANPERPYFPNGPHLPAKPOLSPMPCNPRIPSEPRTPLWPRYQATREUROUSRBRUSRWASAUSLBSYCSDNSWESGPSHNSVNSJMSVKSLESMRSENSOMSURSSDSTPSLVSXMSYRSWZTCATCDATFTGOTHATJKTKLTLSTKMTUNTONTURTTOTUVTWNTZAUKRUGAUMIUSAURYUZBVATVCTVENVGBVIRVNMVUTWLFWSMYEMMYTZAFZMBZWE";
/** English names of the largest co-sell markets and common synonyms (alias key:alpha-2). */
const NAMES = "AMERICA:US,AUSTRALIA:AU,AUSTRIA:AT,BELGIUM:BE,BRAZIL:BR,CANADA:CA,CHINA:CN,CZECHREPUBLIC:CZ,DENMARK:DK,DEUTSCHLAND:DE,ENGLAND:GB,ESPANA:ES,ESPAÑA:ES,FINLAND:FI,FRANCE:FR,GERMANY:DE,GREATBRITAIN:GB,HOLLAND:NL,INDIA:IN,IRELAND:IE,ISRAEL:IL,ITALY:IT,JAPAN:JP,KOREA:KR,MEXICO:MX,NETHERLANDS:NL,NEWZEALAND:NZ,NORWAY:NO,POLAND:PL,PORTUGAL:PT,RUSSIA:RU,SAUDIARABIA:SA,SCHWEIZ:CH,SCOTLAND:GB,SINGAPORE:SG,SOUTHAFRICA:ZA,SOUTHKOREA:KR,SPAIN:ES,SUISSE:CH,SWEDEN:SE,SWITZERLAND:CH,TURKEY:TR,UAE:AE,UK:GB,UNITEDARABEMIRATES:AE,UNITEDKINGDOM:GB,UNITEDSTATES:US,UNITEDSTATESOFAMERICA:US,WALES:GB";

const chunks = (s: string, n: number): string[] => s.match(new RegExp(`.{${n}}`, "g")) ?? [];

/** The officially assigned ISO 3166-1 alpha-2 codes, sorted. */
export const ISO3166_ALPHA2: readonly string[] = chunks(ALPHA2, 2);

/**
 * Alias key → alpha-2 code: every alpha-3 code, and English (and some local) names of the largest
 * markets. Keys are normalised with countryAliasKey; none is itself a valid alpha-2 code.
 */
export const COUNTRY_ALIASES: Readonly<Record<string, string>> = (() => {
  const map: Record<string, string> = {};
  const a3 = chunks(ALPHA3, 3);
  ISO3166_ALPHA2.forEach((code, i) => (map[a3[i]] = code));
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
