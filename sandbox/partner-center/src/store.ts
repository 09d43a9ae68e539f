/**
 * Emulator state behind a small interface: referrals, the tenant's webhook registration and the
 * validation (test) events. In memory by default; JsonFileStore also writes every change to a JSON
 * file (atomically: temporary file, then rename) and reads it back on start.
 * Calls, faults and deliveries are runtime observations, not state, and are not saved.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { Referral, WebhookValidationEvent } from "../../../plugins-ts/src/partner-center/referral";

export interface StoredRegistration {
  SubscriberId: string;
  WebhookUrl: string;
  WebhookEvents: string[];
  SignatureTokenToMsSignatureHeader: boolean;
}

export interface EmulatorStateSnapshot {
  version: 1;
  referrals: Referral[];
  registration?: StoredRegistration;
  validationEvents: WebhookValidationEvent[];
}

export interface PartnerCenterStore {
  /** A copy; undefined when unknown. Ids match case-insensitively (they are GUIDs). */
  getReferral(id: string): Referral | undefined;
  /** Every referral, in insertion order. Callers must not modify the returned objects. */
  allReferrals(): readonly Referral[];
  putReferral(referral: Referral): void;
  getRegistration(): StoredRegistration | undefined;
  setRegistration(registration: StoredRegistration | undefined): void;
  getValidationEvent(correlationId: string): WebhookValidationEvent | undefined;
  putValidationEvent(event: WebhookValidationEvent): void;
  clear(): void;
  snapshot(): EmulatorStateSnapshot;
}

const key = (id: string): string => id.toLowerCase();

export class MemoryStore implements PartnerCenterStore {
  protected referrals = new Map<string, Referral>();
  protected registration?: StoredRegistration;
  protected validationEvents = new Map<string, WebhookValidationEvent>();

  constructor(initial?: EmulatorStateSnapshot) {
    if (initial) this.load(initial);
  }

  protected load(s: EmulatorStateSnapshot): void {
    if (s.version !== 1 || !Array.isArray(s.referrals)) throw new Error("unsupported emulator state file (expected version 1)");
    this.referrals = new Map(s.referrals.map((r) => [key(r.id!), r]));
    this.registration = s.registration;
    this.validationEvents = new Map((s.validationEvents ?? []).map((v) => [key(v.correlationId), v]));
  }

  getReferral(id: string): Referral | undefined {
    const r = this.referrals.get(key(id));
    return r ? structuredClone(r) : undefined;
  }
  allReferrals(): readonly Referral[] {
    return [...this.referrals.values()];
  }
  putReferral(referral: Referral): void {
    if (!referral.id) throw new Error("a stored referral needs an id");
    this.referrals.set(key(referral.id), structuredClone(referral));
    this.changed();
  }
  getRegistration(): StoredRegistration | undefined {
    return this.registration ? structuredClone(this.registration) : undefined;
  }
  setRegistration(registration: StoredRegistration | undefined): void {
    this.registration = registration ? structuredClone(registration) : undefined;
    this.changed();
  }
  getValidationEvent(correlationId: string): WebhookValidationEvent | undefined {
    const v = this.validationEvents.get(key(correlationId));
    return v ? structuredClone(v) : undefined;
  }
  putValidationEvent(event: WebhookValidationEvent): void {
    this.validationEvents.set(key(event.correlationId), structuredClone(event));
    this.changed();
  }
  clear(): void {
    this.referrals.clear();
    this.registration = undefined;
    this.validationEvents.clear();
    this.changed();
  }
  snapshot(): EmulatorStateSnapshot {
    return structuredClone({
      version: 1 as const,
      referrals: [...this.referrals.values()],
      ...(this.registration ? { registration: this.registration } : {}),
      validationEvents: [...this.validationEvents.values()],
    });
  }
  /** Hook for persistent stores. */
  protected changed(): void {}
}

/** MemoryStore saved to a JSON file after every change. */
export class JsonFileStore extends MemoryStore {
  constructor(readonly path: string) {
    super();
    if (existsSync(path)) {
      let parsed: EmulatorStateSnapshot;
      try {
        parsed = JSON.parse(readFileSync(path, "utf8")) as EmulatorStateSnapshot;
      } catch (e) {
        throw new Error(`cannot read emulator state ${path}: ${(e as Error).message}`);
      }
      this.load(parsed);
    }
  }
  protected override changed(): void {
    mkdirSync(dirname(this.path), { recursive: true });
    const tmp = `${this.path}.${process.pid}.tmp`;
    // Readable by the owner only: the webhook registration's URL carries the receiver's sig.
    writeFileSync(tmp, JSON.stringify(this.snapshot(), null, 1), { mode: 0o600 });
    chmodSync(tmp, 0o600); // a leftover temporary file keeps its old mode otherwise
    renameSync(tmp, this.path);
  }
}
