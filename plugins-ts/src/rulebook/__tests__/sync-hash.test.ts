import vectors from "../../../test-vectors/sync-hash.json";
import { Referral } from "../../partner-center/referral";
import { OpportunitySnapshot } from "../snapshot";
import {
  changedSyncFields,
  formatAmount,
  parseSyncHash,
  SYNC_FIELDS,
  syncFingerprint,
  syncHash,
  syncHashOfSnapshot,
} from "../sync-hash";
import { toReferral } from "../mapping-outbound";

type Item = { snapshot?: OpportunitySnapshot; referral?: Referral };
const hashOf = (i: Item): string => (i.snapshot ? syncHashOfSnapshot(i.snapshot) : syncHash(i.referral!));
const fingerprintOf = (i: Item): string => syncFingerprint(i.snapshot ? toReferral(i.snapshot) : i.referral!);
const same = vectors.same as unknown as Array<{ name: string; fingerprint?: string; hash?: string; items: Item[] }>;
const changed = vectors.changed as unknown as Array<{ name: string; item: Item }>;

describe("sync hash v2 (test-vectors/sync-hash.json)", () => {
  it.each(same.map((g) => [g.name, g] as const))("same hash: %s", (_name, g) => {
    const hashes = g.items.map(hashOf);
    expect(new Set(hashes).size).toBe(1);
    if (g.fingerprint) expect(fingerprintOf(g.items[0])).toBe(g.fingerprint);
    if (g.hash) expect(hashes[0]).toBe(g.hash);
    expect(hashes[0].startsWith("v2:{")).toBe(true);
  });

  it.each(changed.map((c) => [c.name, c] as const))("a synced change changes the hash: %s", (_name, c) => {
    expect(hashOf(c.item)).not.toBe(same[0].hash);
    expect(changedSyncFields(same[0].hash, hashOf(c.item)).length).toBeGreaterThan(0);
  });

  it("changes of different fields give different hashes", () => {
    const hashes = changed.map((c) => hashOf(c.item));
    expect(new Set(hashes).size).toBe(hashes.length);
  });
});

describe("reading a stored sync hash", () => {
  const stored = same[0].hash!;

  it("gives back every field and names exactly the fields that changed", () => {
    const p = parseSyncHash(stored)!;
    expect(Object.keys(p)).toEqual([...SYNC_FIELDS]);
    const bumped = stored.replace('"dealValue":"250000.00"', '"dealValue":"260000.00"').replace('"notes":"', '"notes":"Updated. ');
    expect(changedSyncFields(stored, bumped)).toEqual(["dealValue", "notes"]);
    expect(changedSyncFields(stored, stored)).toEqual([]);
  });

  it("ignores the solution row ids a flow adds", () => {
    const withRows = stored.replace(/}$/, ',"rows":"4f0c5a2e-0000-4000-8000-000000000001"}');
    expect(changedSyncFields(withRows, stored)).toEqual([]);
  });

  it("treats a missing or foreign value as everything changed", () => {
    expect(changedSyncFields(null, stored)).toEqual([...SYNC_FIELDS]);
    expect(changedSyncFields("v1:e22eb1e087e3ae05", stored)).toEqual([...SYNC_FIELDS]);
    expect(parseSyncHash("v2:{not json")).toBeUndefined();
  });
});

describe("amounts", () => {
  it.each([
    [250000, "250000.00"],
    [0, "0.00"],
    [1234.5, "1234.50"],
    [0.125, "0.13"],
    [1000.005, "1000.01"],
    [-12.345, "-12.35"],
    [-0.001, "0.00"],
  ])("%p → %s (two decimals, half away from zero)", (value, text) => {
    expect(formatAmount(value)).toBe(text);
  });
});
