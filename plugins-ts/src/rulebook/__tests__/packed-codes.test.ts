/**
 * The front-coded code lists (packed-codes.ts) and the packed country and currency data: they decode to
 * exactly the ISO lists of Debian iso-codes (when installed here; countries.ts and currencies.ts name
 * the version), and the packing is lossless for any sorted list of codes.
 */
import * as fs from "fs";
import { COUNTRY_ALIASES, ISO3166_ALPHA2 } from "../countries";
import { ISO4217 } from "../currencies";
import { unpackCodes } from "../packed-codes";

/** The packer the packed strings were made with: the inverse of unpackCodes. */
function packCodes(codes: readonly string[], length: number): string {
  let prefix = "";
  let out = "";
  for (const code of codes) {
    const p = code.slice(0, length - 1);
    if (p !== prefix) {
      let k = 0;
      while (k < p.length && p[k] === prefix[k]) k++;
      out += p.slice(k);
      prefix = p;
    }
    out += code[length - 1].toLowerCase();
  }
  return out;
}

const ISO_CODES = "/usr/share/iso-codes/json";
const withIsoCodes = fs.existsSync(`${ISO_CODES}/iso_3166-1.json`) ? it : it.skip;

describe("unpackCodes", () => {
  it("reads the documented examples", () => {
    expect(unpackCodes("AdeBa", 2)).toEqual(["AD", "AE", "BA"]);
    expect(unpackCodes("AEdFnBAm", 3)).toEqual(["AED", "AFN", "BAM"]);
    expect(unpackCodes("", 2)).toEqual([]);
  });

  it("gives back any sorted list of codes the packer packed", () => {
    let seed = 7;
    const next = (): number => (seed = (seed * 48271) % 2147483647) / 2147483647;
    for (const length of [2, 3, 4]) {
      for (let round = 0; round < 50; round++) {
        const codes = new Set<string>();
        const n = Math.floor(next() * 60);
        for (let i = 0; i < n; i++) codes.add(Array.from({ length }, () => String.fromCharCode(65 + Math.floor(next() * 26))).join(""));
        const sorted = [...codes].sort();
        expect(unpackCodes(packCodes(sorted, length), length)).toEqual(sorted);
      }
    }
  });

  it("round-trips the shipped lists", () => {
    expect(unpackCodes(packCodes(ISO3166_ALPHA2, 2), 2)).toEqual(ISO3166_ALPHA2);
    expect(unpackCodes(packCodes(ISO4217, 3), 3)).toEqual(ISO4217);
  });
});

describe("packed ISO data", () => {
  withIsoCodes("ISO 3166-1: every alpha-2 code, and each alpha-3 code as its alias, as in iso-codes", () => {
    const countries = (JSON.parse(fs.readFileSync(`${ISO_CODES}/iso_3166-1.json`, "utf8"))["3166-1"] as Array<{ alpha_2: string; alpha_3: string }>);
    expect(ISO3166_ALPHA2).toEqual(countries.map((c) => c.alpha_2).sort());
    for (const c of countries) expect([c.alpha_3, COUNTRY_ALIASES[c.alpha_3]]).toEqual([c.alpha_3, c.alpha_2]);
  });

  withIsoCodes("ISO 4217: iso-codes without XTS and XXX, with XCG and ZWG", () => {
    const codes = (JSON.parse(fs.readFileSync(`${ISO_CODES}/iso_4217.json`, "utf8"))["4217"] as Array<{ alpha_3: string }>).map((c) => c.alpha_3);
    expect(ISO4217).toEqual([...codes.filter((c) => c !== "XTS" && c !== "XXX"), "XCG", "ZWG"].sort());
  });
});
