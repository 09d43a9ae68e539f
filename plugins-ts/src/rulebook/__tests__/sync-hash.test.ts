import { createHash } from "crypto";
import vectors from "../../../test-vectors/sync-hash.json";
import { Referral } from "../../partner-center/referral";
import { sha256Hex } from "../sha256";
import { OpportunitySnapshot } from "../snapshot";
import { syncFingerprint, syncHash, syncHashOfSnapshot } from "../sync-hash";
import { toReferral } from "../mapping-outbound";

type Item = { snapshot?: OpportunitySnapshot; referral?: Referral };
const hashOf = (i: Item): string => (i.snapshot ? syncHashOfSnapshot(i.snapshot) : syncHash(i.referral!));
const fingerprintOf = (i: Item): string => syncFingerprint(i.snapshot ? toReferral(i.snapshot) : i.referral!);
const same = vectors.same as unknown as Array<{ name: string; fingerprint?: string; hash?: string; items: Item[] }>;
const changed = vectors.changed as unknown as Array<{ name: string; item: Item }>;

describe("sync hash (test-vectors/sync-hash.json)", () => {
  it.each(same.map((g) => [g.name, g] as const))("same hash: %s", (_name, g) => {
    const hashes = g.items.map(hashOf);
    expect(new Set(hashes).size).toBe(1);
    if (g.fingerprint) expect(fingerprintOf(g.items[0])).toBe(g.fingerprint);
    if (g.hash) expect(hashes[0]).toBe(g.hash);
    expect(hashes[0]).toMatch(/^v1:[0-9a-f]{64}$/);
  });

  it.each(changed.map((c) => [c.name, c] as const))("a synced change changes the hash: %s", (_name, c) => {
    expect(hashOf(c.item)).not.toBe(same[0].hash);
  });

  it("changes of different fields give different hashes", () => {
    const hashes = changed.map((c) => hashOf(c.item));
    expect(new Set(hashes).size).toBe(hashes.length);
  });
});

describe("SHA-256", () => {
  it.each(["", "abc", "a".repeat(55), "a".repeat(56), "a".repeat(64), "ü✔€𝄞 mixed", "x".repeat(1000)].map((t) => [`${t.length} chars: ${t.slice(0, 12)}`, t] as const))("matches node:crypto for %s", (_label, text) => {
    expect(sha256Hex(text)).toBe(createHash("sha256").update(text, "utf8").digest("hex"));
  });
  it("matches the FIPS 180-4 example", () => {
    expect(sha256Hex("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });
});
