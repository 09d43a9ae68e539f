/**
 * Changed-fields-only JSON Patch (RFC 6902, `replace` and `add` only) from the referral as Partner
 * Center has it (`current`, freshly read) to the referral the opportunity describes (`desired`,
 * mapping-outbound.ts). Every operation's path is one of referral.ts PATCHABLE_PATHS; a desired
 * change Partner Center does not accept by PATCH is reported in `skipped`, never sent.
 *
 * - A field absent from `desired` is not known there and is left alone.
 * - `add` is used where Partner Center has no value yet, `replace` where it has one.
 * - Contacts (customerProfile.team) and the partner team (team) are merged by email: members the
 *   CRM does not know stay; a new member is appended with `/…/team/-`; a changed member (same email)
 *   replaces the whole array with the merged list. The CRM holds one customer contact per
 *   opportunity, so it must never delete the others Partner Center knows.
 * - Solutions follow the CRM exactly (the subgrid is the list): new ones are appended with
 *   `/details/requirements/solutions/-`; a removal replaces the whole array.
 * - Status and substatus go together and only along referral.ts STATUS_TRANSITIONS; closing a
 *   referral still New as lost declines it (Closed / Declined).
 * - Visibility (consentToShareReferralWithMicrosoftSellers) never goes from true back to false.
 * - The typed attributes are taken at create only: a change is reported as skipped (rules.ts LOCKS
 *   stops it before any call; this is the second line).
 */
import {
  JsonPatchOperation,
  Member,
  PATCHABLE_PATHS,
  PatchablePath,
  Referral,
  ReferralSolution,
} from "../partner-center/referral";
import { attributesKey } from "./attributes";
import { isAllowedTransition } from "./status";

export type PatchSkipReason = "notPatchable" | "visibilityCannotRevert" | "statusTransition";

export interface PatchSkip {
  /** JSON Pointer of the desired change. */
  path: string;
  reason: PatchSkipReason;
  /** What Partner Center has and what the CRM wants, as JSON. */
  current: unknown;
  desired: unknown;
}

export interface PatchResult {
  /** The operations to send, in PATCHABLE_PATHS order (status before substatus); empty when nothing changed. */
  operations: JsonPatchOperation[];
  skipped: PatchSkip[];
}

export function isPatchablePath(path: string): path is PatchablePath {
  return (PATCHABLE_PATHS as readonly string[]).includes(path);
}

const clean = (v: unknown): string => (typeof v === "string" ? v.trim() : "");
const lower = (v: unknown): string => clean(v).toLowerCase();

/** Identity of a member: email (case-insensitive), else first + last name. */
export function memberKey(m: Member): string {
  const email = lower(m.email);
  return email ? `email:${email}` : `name:${lower(m.firstName)} ${lower(m.lastName)}`;
}

/** A member with trimmed text and a lower-case email, without empty fields (for comparing). */
export function normalizeMember(m: Member): Member {
  const out: Member = {};
  if (clean(m.firstName)) out.firstName = clean(m.firstName);
  if (clean(m.lastName)) out.lastName = clean(m.lastName);
  if (lower(m.email)) out.email = lower(m.email);
  if (clean(m.phoneNumber)) out.phoneNumber = clean(m.phoneNumber);
  return out;
}

const sameMember = (a: Member, b: Member): boolean => JSON.stringify(normalizeMember(a)) === JSON.stringify(normalizeMember(b));

/** Day part of a date-time (Partner Center keeps a time, the CRM a date). */
const day = (v: unknown): string => clean(v).slice(0, 10);

function pointerGet(referral: Referral, path: string): unknown {
  let node: unknown = referral;
  for (const key of path.split("/").slice(1)) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** An address compared as the sync sees it: trimmed, country in upper case, empty parts left out. */
function addressText(a: unknown): string {
  const o = (a ?? {}) as Record<string, unknown>;
  return ["addressLine1", "addressLine2", "city", "state", "postalCode", "country"]
    .map((k) => (k === "country" ? clean(o[k]).toUpperCase() : clean(o[k])))
    .join("\n");
}

/** Scalar paths and how two values are compared. */
const SCALARS: ReadonlyArray<readonly [PatchablePath, (a: unknown, b: unknown) => boolean]> = [
  ["/campaignId", (a, b) => clean(a) === clean(b)],
  ["/details/closingDateTime", (a, b) => day(a) === day(b)],
  ["/details/currency", (a, b) => clean(a).toUpperCase() === clean(b).toUpperCase()],
  ["/details/dealValue", (a, b) => typeof a === "number" && typeof b === "number" && Math.abs(a - b) < 0.005],
  ["/details/notes", (a, b) => clean(a) === clean(b)],
  ["/externalReferenceId", (a, b) => lower(a) === lower(b)],
  ["/referralProgram", (a, b) => clean(a) === clean(b)],
  ["/salesStage", (a, b) => a === b],
];

/** Fields the CRM maps that Partner Center does not take in a PATCH. */
const NOT_PATCHABLE: ReadonlyArray<readonly [string, (a: unknown, b: unknown) => boolean]> = [
  ["/name", (a, b) => clean(a) === clean(b)],
  ["/type", (a, b) => a === b],
  ["/customerProfile/name", (a, b) => clean(a) === clean(b)],
  ["/customerProfile/address", (a, b) => addressText(a) === addressText(b)],
  ["/inviteContext/assistanceRequestCode", (a, b) => (a ?? "Unknown") === (b ?? "Unknown")],
  ["/consent/consentToContact", (a, b) => (a === true) === (b === true)],
  // the typed attributes (purchase intent, partner role, solution area, play): no connector path takes them (§2.4)
  ["/details/requirements/additionalRequirements/attributes", (a, b) => attributesKey(a as never) === attributesKey(b as never)],
];

function mergeMembers(
  operations: JsonPatchOperation[],
  path: "/customerProfile/team" | "/team",
  current: Member[] | undefined,
  desired: Member[] | undefined,
): void {
  if (!desired) return;
  const have = current ?? [];
  const merged = [...have];
  const appended: Member[] = [];
  let changed = false;
  for (const m of desired) {
    const i = merged.findIndex((c) => memberKey(c) === memberKey(m));
    if (i < 0) {
      merged.push(m);
      appended.push(m);
    } else if (!sameMember(merged[i], m)) {
      merged[i] = { ...merged[i], ...m };
      changed = true;
    }
  }
  if (changed || (appended.length > 0 && current === undefined)) {
    operations.push({ op: current === undefined ? "add" : "replace", path, value: merged });
  } else {
    for (const m of appended) operations.push({ op: "add", path: `${path}/-` as PatchablePath, value: m });
  }
}

function mergeSolutions(operations: JsonPatchOperation[], current: ReferralSolution[] | undefined, desired: ReferralSolution[] | undefined): void {
  if (!desired) return;
  const id = (s: ReferralSolution): string => clean(s.id).toUpperCase();
  const have = current ?? [];
  const wanted = new Set(desired.map(id));
  const removed = have.some((s) => !wanted.has(id(s)));
  const added = desired.filter((s) => !have.some((c) => id(c) === id(s)));
  if (removed || (current === undefined && added.length > 0)) {
    operations.push({ op: current === undefined ? "add" : "replace", path: "/details/requirements/solutions", value: desired });
  } else {
    for (const s of added) operations.push({ op: "add", path: "/details/requirements/solutions/-", value: s });
  }
}

/** The JSON Patch that brings `current` to `desired` on the fields Partner Center lets us patch. */
export function buildPatch(current: Referral, desired: Referral): PatchResult {
  const ops: JsonPatchOperation[] = [];
  const skipped: PatchSkip[] = [];

  for (const [path, equal] of SCALARS) {
    const want = pointerGet(desired, path);
    if (want === undefined) continue;
    const have = pointerGet(current, path);
    if (have !== undefined && equal(have, want)) continue;
    if (have === undefined && (want === "" || want === null)) continue;
    ops.push({ op: have === undefined ? "add" : "replace", path, value: want });
  }

  const shareWant = desired.consent?.consentToShareReferralWithMicrosoftSellers;
  const shareHave = current.consent?.consentToShareReferralWithMicrosoftSellers;
  if (shareWant !== undefined && shareWant !== (shareHave === true)) {
    const path = "/consent/consentToShareReferralWithMicrosoftSellers";
    if (shareHave === true && shareWant === false) skipped.push({ path, reason: "visibilityCannotRevert", current: true, desired: false });
    else ops.push({ op: shareHave === undefined ? "add" : "replace", path, value: shareWant });
  }

  let statusAccepted = true;
  // Declined, Expired and Lost are all a lost opportunity: a referral closed as any of them is already where a lost one should be.
  const alreadyLost = current.status === "Closed" && desired.status === "Closed" && desired.substatus === "Lost" && ["Lost", "Declined", "Expired"].includes(current.substatus ?? "");
  if (desired.status && !alreadyLost && (desired.status !== current.status || desired.substatus !== current.substatus)) {
    // Closing a referral that was never accepted (still New) as lost is declining it.
    const declines = current.status === "New" && desired.status === "Closed" && desired.substatus === "Lost";
    const substatus = declines ? "Declined" : (desired.substatus ?? "None");
    statusAccepted = isAllowedTransition(current.status, desired.status, substatus);
    if (statusAccepted) {
      if (desired.status !== current.status) ops.push({ op: current.status === undefined ? "add" : "replace", path: "/status", value: desired.status });
      if (substatus !== current.substatus) ops.push({ op: current.substatus === undefined ? "add" : "replace", path: "/substatus", value: substatus });
    } else {
      skipped.push({
        path: "/status",
        reason: "statusTransition",
        current: { status: current.status, substatus: current.substatus },
        desired: { status: desired.status, substatus: desired.substatus },
      });
    }
  }

  if (statusAccepted && !alreadyLost && desired.statusReason !== undefined && clean(desired.statusReason) !== clean(current.statusReason)) {
    ops.push({ op: current.statusReason === undefined ? "add" : "replace", path: "/statusReason", value: desired.statusReason });
  }

  mergeMembers(ops, "/customerProfile/team", current.customerProfile?.team, desired.customerProfile?.team);
  mergeMembers(ops, "/team", current.team, desired.team);
  mergeSolutions(ops, current.details?.requirements?.solutions, desired.details?.requirements?.solutions);

  for (const [path, equal] of NOT_PATCHABLE) {
    const want = pointerGet(desired, path);
    if (want === undefined) continue;
    const have = pointerGet(current, path);
    if (!equal(have, want)) skipped.push({ path, reason: "notPatchable", current: have ?? null, desired: want });
  }

  const order = (p: string): number => PATCHABLE_PATHS.indexOf(p as PatchablePath);
  for (const op of ops) if (!isPatchablePath(op.path)) throw new Error(`Internal error: ${op.path} is not a patchable path`);
  ops.sort((a, b) => order(a.path) - order(b.path));
  return { operations: ops, skipped };
}
