/**
 * Emulator state behind a small interface: referrals, the tenant's webhook registration and the
 * validation (test) events. In memory by default; JsonFileStore also keeps it on disk, every change
 * saved before the handler that made it answers, and reads it back on start.
 * Calls, faults and deliveries are runtime observations, not state, and are not saved: an event
 * raised but not yet delivered when the process dies is not delivered after a restart (README).
 */
import { Journal } from "../../shared/src/journal";
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
  /** Release files (persistent stores); the emulator's close() calls it. */
  close?(): void;
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
  }
  getRegistration(): StoredRegistration | undefined {
    return this.registration ? structuredClone(this.registration) : undefined;
  }
  setRegistration(registration: StoredRegistration | undefined): void {
    this.registration = registration ? structuredClone(registration) : undefined;
  }
  getValidationEvent(correlationId: string): WebhookValidationEvent | undefined {
    const v = this.validationEvents.get(key(correlationId));
    return v ? structuredClone(v) : undefined;
  }
  putValidationEvent(event: WebhookValidationEvent): void {
    this.validationEvents.set(key(event.correlationId), structuredClone(event));
  }
  clear(): void {
    this.referrals.clear();
    this.registration = undefined;
    this.validationEvents.clear();
  }
  snapshot(): EmulatorStateSnapshot {
    return structuredClone({
      version: 1 as const,
      referrals: [...this.referrals.values()],
      ...(this.registration ? { registration: this.registration } : {}),
      validationEvents: [...this.validationEvents.values()],
    });
  }
}

/** One change, as the journal keeps it. */
type StoreChange =
  | { t: "referral"; referral: Referral }
  | { t: "registration"; registration?: StoredRegistration }
  | { t: "validation"; event: WebhookValidationEvent }
  | { t: "clear" };

/**
 * MemoryStore kept in a JSON file (`path`) and its journal (`<path>.journal`,
 * ../../shared/src/journal.ts): each change is appended and fdatasync'd before it is made, so
 * before the request that made it is answered; a killed emulator loses nothing it acknowledged. The
 * file is rewritten when the journal grows past its limit, after clear(), on start and on close.
 */
export class JsonFileStore extends MemoryStore {
  private readonly journal: Journal<EmulatorStateSnapshot, StoreChange>;

  constructor(
    readonly path: string,
    options: { compactBytes?: number } = {},
  ) {
    super();
    this.journal = new Journal<EmulatorStateSnapshot, StoreChange>(path, options);
    let loaded: ReturnType<Journal<EmulatorStateSnapshot, StoreChange>["load"]>;
    try {
      loaded = this.journal.load();
    } catch (e) {
      throw new Error(`cannot read emulator state ${path}: ${(e as Error).message}`);
    }
    if (loaded.snapshot) this.load(loaded.snapshot);
    for (const c of loaded.entries) this.apply(c);
    this.journal.compact(this.snapshot());
  }

  override putReferral(referral: Referral): void {
    if (!referral.id) throw new Error("a stored referral needs an id");
    this.save({ t: "referral", referral });
    super.putReferral(referral);
  }
  override setRegistration(registration: StoredRegistration | undefined): void {
    this.save(registration ? { t: "registration", registration } : { t: "registration" });
    super.setRegistration(registration);
  }
  override putValidationEvent(event: WebhookValidationEvent): void {
    this.save({ t: "validation", event });
    super.putValidationEvent(event);
  }
  override clear(): void {
    super.clear();
    this.journal.compact(this.snapshot());
  }
  close(): void {
    this.journal.compact(this.snapshot());
    this.journal.close();
  }

  private save(change: StoreChange): void {
    this.journal.append(change, () => this.snapshot());
  }

  private apply(c: StoreChange): void {
    if (c.t === "referral") super.putReferral(c.referral);
    else if (c.t === "registration") super.setRegistration(c.registration);
    else if (c.t === "validation") super.putValidationEvent(c.event);
    else super.clear();
  }
}
