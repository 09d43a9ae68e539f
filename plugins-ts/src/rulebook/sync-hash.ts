/**
 * The sync hash (pcs_synchash): a fingerprint of the values the sync keeps equal on both sides, so
 * "nothing synced changed" is one string comparison and a write the sync made itself is recognised.
 *
 * Algorithm "v1" (documented so any implementation can reproduce it, see test-vectors/sync-hash.json):
 * 1. Project the referral onto the synced fields (syncProjection): name without check mark; the
 *    opportunity state (open / won / lost) instead of status + substatus; salesStage; customer name,
 *    address (country upper case) and contacts; partner team; deal value (rounded to cents);
 *    currency (upper case); closing date (yyyy-MM-dd); notes; solution ids (upper case, unique,
 *    sorted); visibility; assistance request code. Strings are trimmed; members are trimmed with
 *    lower-case emails and sorted; empty strings, empty lists and absent values are left out.
 *    Nothing else (ids, eTags, timestamps, links, fields we do not sync) takes part.
 * 2. Serialise it as canonical JSON: object keys sorted (by UTF-16 code units), no whitespace,
 *    strings and numbers as ECMAScript JSON.stringify writes them (= RFC 8785 JCS for these values).
 * 3. Hash the UTF-8 bytes with SHA-256; the hash is "v1:" + 64 lower-case hex digits.
 *
 * Order-independent (lists that are sets are sorted; object keys are sorted) and unaffected by
 * unsynced fields. Compute it from the CRM side as syncHashOfSnapshot(snapshot) and from the
 * Partner Center side as syncHash(referral); both go through the same projection.
 *
 * Workflow Definition Language has no digest function, so a cloud flow cannot compute this hash
 * itself: a flow compares hash strings (the stored pcs_synchash against one produced by the rulebook
 * for the same data) or falls back to comparing pcs_referraletag; syncFingerprint gives the exact
 * text that is hashed, for any implementation that wants to check its canonical form.
 */
import type { Member, Referral } from "../partner-center/referral";
import { stripCheckMark } from "./check-mark";
import { toReferral } from "./mapping-outbound";
import { normalizeMember } from "./patch";
import { sha256Hex } from "./sha256";
import type { OpportunitySnapshot } from "./snapshot";
import { opportunityStateOf } from "./status";

export const SYNC_HASH_VERSION = "v1";

type Json = string | number | boolean | Json[] | { [k: string]: Json };

const str = (v: unknown): string | undefined => (typeof v === "string" && v.trim() !== "" ? v.trim() : undefined);

function members(list: Member[] | undefined): Json[] | undefined {
  if (!list || list.length === 0) return undefined;
  const normalized = list.map((m) => normalizeMember(m) as { [k: string]: Json }).filter((m) => Object.keys(m).length > 0);
  const byKey = new Map(normalized.map((m) => [canonicalJson(m), m] as const));
  return [...byKey.keys()].sort().map((k) => byKey.get(k)!);
}

function prune(o: Record<string, Json | undefined>): { [k: string]: Json } | undefined {
  const out: { [k: string]: Json } = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return Object.keys(out).length ? out : undefined;
}

/** The synced fields of a referral, normalised (step 1). */
export function syncProjection(r: Referral): { [k: string]: Json } {
  const a = r.customerProfile?.address;
  const d = r.details;
  const ids = [...new Set((d?.requirements?.solutions ?? []).map((s) => str(s.id)?.toUpperCase()).filter((x): x is string => !!x))].sort();
  const code = r.inviteContext?.assistanceRequestCode;
  return (
    prune({
      name: r.name !== undefined ? str(stripCheckMark(r.name)) : undefined,
      state: r.status ? opportunityStateOf(r.status, r.substatus) : undefined,
      salesStage: r.salesStage,
      customer: prune({
        name: str(r.customerProfile?.name),
        address: a
          ? prune({
              addressLine1: str(a.addressLine1),
              addressLine2: str(a.addressLine2),
              city: str(a.city),
              state: str(a.state),
              postalCode: str(a.postalCode),
              country: str(a.country)?.toUpperCase(),
            })
          : undefined,
        contacts: members(r.customerProfile?.team),
      }),
      team: members(r.team),
      dealValue: typeof d?.dealValue === "number" ? Math.round(d.dealValue * 100) / 100 : undefined,
      currency: str(d?.currency)?.toUpperCase(),
      closingDate: str(d?.closingDateTime)?.slice(0, 10),
      notes: str(d?.notes),
      solutions: ids.length ? ids : undefined,
      shared: r.consent?.consentToShareReferralWithMicrosoftSellers,
      help: code && code !== "Unknown" ? code : undefined,
    }) ?? {}
  );
}

/** Canonical JSON (step 2): keys sorted, no whitespace. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const o = value as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value);
}

/** The canonical text the hash is taken of (steps 1–2). */
export function syncFingerprint(referral: Referral): string {
  return canonicalJson(syncProjection(referral));
}

/** "v1:" + SHA-256 hex of the fingerprint (step 3). */
export function syncHash(referral: Referral): string {
  return `${SYNC_HASH_VERSION}:${sha256Hex(syncFingerprint(referral))}`;
}

/** The sync hash of what an opportunity snapshot would send. */
export function syncHashOfSnapshot(snapshot: OpportunitySnapshot): string {
  return syncHash(toReferral(snapshot));
}
