/**
 * Webhook event delivery (reference §3.3–3.5): each event is POSTed to the URL registered for its
 * name, signed, with up to 10 attempts and back-off between them (the schedule is injectable; the
 * real one is not documented). At-least-once: an attempt that gets no 2xx is retried, and
 * POST /_emulator/deliveries/repeat re-delivers recent events, optionally out of order.
 *
 * First attempts go out in the order the events happened; retries run on their own timers, so a
 * failing event does not hold back the ones after it (and may arrive after them, as in the cloud).
 */
import { randomUUID } from "node:crypto";
import * as http from "node:http";
import * as https from "node:https";
import type { WebhookEvent } from "../../../../plugins-ts/src/partner-center/referral";
import type { StoredRegistration } from "../store";
import type { SigningService } from "./signing";

export interface DeliveryOptions {
  /** Attempts per delivery, first included (documented: 10). */
  maxAttempts: number;
  /** Wait after failed attempt n (1-based) before attempt n + 1. */
  retryDelayMs: (attempt: number) => number;
  /** Per-attempt timeout. */
  timeoutMs: number;
}

export const DEFAULT_DELIVERY: DeliveryOptions = {
  maxAttempts: 10,
  retryDelayMs: (n) => Math.min(60_000, 1000 * 2 ** (n - 1)),
  timeoutMs: 10_000,
};

export interface EmittedEvent {
  id: string;
  seq: number;
  /** Emulator time the event was raised. */
  time: string;
  payload: WebhookEvent;
  /** Exact body bytes (as text) every delivery of this event sends. */
  body: string;
  resourceId: string;
  /** Set when no delivery was started: why. */
  skipped?: string;
}

export interface DeliveryAttempt {
  attempt: number;
  time: string;
  /** Receiver's HTTP status; 0 when none. */
  status: number;
  responseText?: string;
  error?: string;
  durationMs: number;
}

export interface Delivery {
  id: string;
  eventId: string;
  eventName: string;
  resourceId: string;
  url: string;
  /** True for deliveries made by POST /_emulator/deliveries/repeat. */
  repeat: boolean;
  state: "pending" | "delivered" | "failed" | "cancelled";
  attempts: DeliveryAttempt[];
}

export interface DispatcherDeps {
  signing: SigningService;
  registration: () => StoredRegistration | undefined;
  now: () => Date;
  sleep: (ms: number) => Promise<void>;
  options: DeliveryOptions;
  random: () => number;
  /** Called after each attempt (validation events record their results). */
  onAttempt?: (event: EmittedEvent, delivery: Delivery, attempt: DeliveryAttempt) => void;
  onSettled?: (event: EmittedEvent, delivery: Delivery) => void;
  /** CA for https receivers (default Node's). */
  receiverCa?: string | Buffer | Array<string | Buffer>;
}

const MAX_EVENTS = 5000;

export function toChangeDate(iso: string): string {
  // Documented form: 2018-02-17T00:05:39.5485487+00:00
  return iso.replace(/Z$/, "+00:00");
}

export class EventDispatcher {
  private events: EmittedEvent[] = [];
  private readonly deliveriesList: Delivery[] = [];
  private seq = 0;
  private generation = 0;
  private pending = 0;
  private waiters: Array<() => void> = [];
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly deps: DispatcherDeps) {}

  /** Raise an event; delivered when the registration lists its name. */
  emit(payload: WebhookEvent, resourceId: string): EmittedEvent {
    const event: EmittedEvent = {
      id: randomUUID(), seq: ++this.seq, time: this.deps.now().toISOString(), payload, body: JSON.stringify(payload), resourceId,
    };
    this.events.push(event);
    if (this.events.length > MAX_EVENTS) this.events.splice(0, this.events.length - MAX_EVENTS);
    const started = this.start(event, false);
    if (!started) event.skipped = this.skipReason(event.payload.EventName);
    return event;
  }

  /**
   * Re-deliver recent events: the last `last` events (default all kept, oldest first), each
   * `times` more times, in original, reverse or shuffled order.
   */
  repeat(opts: { last?: number; times?: number; order?: "original" | "reverse" | "shuffle"; eventName?: string; resourceId?: string }): Delivery[] {
    let chosen = this.events.filter(
      (e) => (!opts.eventName || e.payload.EventName === opts.eventName) && (!opts.resourceId || e.resourceId.toLowerCase() === opts.resourceId.toLowerCase()),
    );
    if (opts.last !== undefined) chosen = chosen.slice(-opts.last);
    const list: EmittedEvent[] = [];
    for (let i = 0; i < (opts.times ?? 1); i++) list.push(...chosen);
    if (opts.order === "reverse") list.reverse();
    if (opts.order === "shuffle") {
      for (let i = list.length - 1; i > 0; i--) {
        const j = Math.floor(this.deps.random() * (i + 1));
        [list[i], list[j]] = [list[j]!, list[i]!];
      }
    }
    const out: Delivery[] = [];
    for (const e of list) {
      const d = this.start(e, true);
      if (d) out.push(d);
    }
    return out;
  }

  recentEvents(): EmittedEvent[] {
    return this.events.map((e) => ({ ...e }));
  }

  deliveries(filter: { eventName?: string; resourceId?: string; state?: string } = {}): Delivery[] {
    return this.deliveriesList
      .filter(
        (d) =>
          (!filter.eventName || d.eventName === filter.eventName) &&
          (!filter.resourceId || d.resourceId.toLowerCase() === filter.resourceId.toLowerCase()) &&
          (!filter.state || d.state === filter.state),
      )
      .map((d) => ({ ...d, attempts: d.attempts.map((a) => ({ ...a })) }));
  }

  /** Resolves when no delivery is pending (true) or after timeoutMs (false). */
  idle(timeoutMs = 30_000): Promise<boolean> {
    if (this.pending === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== done);
        resolve(false);
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        resolve(true);
      };
      this.waiters.push(done);
    });
  }

  /** Forget events and deliveries; deliveries in flight stop before their next attempt. */
  reset(): void {
    this.generation++;
    for (const d of this.deliveriesList) if (d.state === "pending") d.state = "cancelled";
    this.deliveriesList.length = 0;
    this.events = [];
    this.pending = 0;
    this.wake();
  }

  private skipReason(name: string): string {
    const reg = this.deps.registration();
    if (!reg) return "no webhook registration";
    return `the registration does not include ${name}`;
  }

  private start(event: EmittedEvent, repeat: boolean): Delivery | undefined {
    const reg = this.deps.registration();
    if (!reg || !reg.WebhookEvents.some((n) => n.toLowerCase() === event.payload.EventName.toLowerCase())) return undefined;
    const delivery: Delivery = {
      id: randomUUID(), eventId: event.id, eventName: event.payload.EventName, resourceId: event.resourceId,
      url: reg.WebhookUrl, repeat, state: "pending", attempts: [],
    };
    this.deliveriesList.push(delivery);
    const useMsHeader = reg.SignatureTokenToMsSignatureHeader;
    const generation = this.generation;
    this.pending++;
    // First attempts in event order; later attempts on their own schedule.
    this.queue = this.queue.then(async () => {
      const ok = await this.attempt(event, delivery, useMsHeader, generation);
      if (ok !== undefined) {
        this.settle(event, delivery, generation);
        return;
      }
      void this.retry(event, delivery, useMsHeader, generation);
    });
    return delivery;
  }

  private async retry(event: EmittedEvent, delivery: Delivery, useMsHeader: boolean, generation: number): Promise<void> {
    for (;;) {
      await this.deps.sleep(this.deps.options.retryDelayMs(delivery.attempts.length));
      const ok = await this.attempt(event, delivery, useMsHeader, generation);
      if (ok !== undefined) return this.settle(event, delivery, generation);
    }
  }

  /** One attempt; returns true (delivered), false (gave up / cancelled) or undefined (retry). */
  private async attempt(event: EmittedEvent, delivery: Delivery, useMsHeader: boolean, generation: number): Promise<boolean | undefined> {
    if (generation !== this.generation || delivery.state === "cancelled") {
      delivery.state = "cancelled";
      return false;
    }
    const body = Buffer.from(event.body, "utf8");
    const started = Date.now();
    const attempt: DeliveryAttempt = { attempt: delivery.attempts.length + 1, time: this.deps.now().toISOString(), status: 0, durationMs: 0 };
    try {
      const res = await this.post(delivery.url, body, this.deps.signing.headers(body, useMsHeader));
      attempt.status = res.status;
      attempt.responseText = res.text;
    } catch (e) {
      attempt.error = (e as Error).message;
    }
    attempt.durationMs = Date.now() - started;
    delivery.attempts.push(attempt);
    try {
      this.deps.onAttempt?.(event, delivery, attempt);
    } catch {
      /* bookkeeping must not stop deliveries */
    }
    if (attempt.status >= 200 && attempt.status < 300) {
      delivery.state = "delivered";
      return true;
    }
    if (delivery.attempts.length >= this.deps.options.maxAttempts) {
      // After the last attempt the cloud parks the event in an offline queue; nothing more is sent.
      delivery.state = "failed";
      return false;
    }
    return undefined;
  }

  private settle(event: EmittedEvent, delivery: Delivery, generation: number): void {
    if (generation !== this.generation) return;
    try {
      this.deps.onSettled?.(event, delivery);
    } catch {
      /* bookkeeping must not stop deliveries */
    }
    this.pending--;
    if (this.pending === 0) this.wake();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  private post(url: string, body: Buffer, headers: Record<string, string>): Promise<{ status: number; text: string }> {
    return new Promise((resolve, reject) => {
      let target: URL;
      try {
        target = new URL(url);
      } catch {
        reject(new Error(`invalid webhook URL ${url}`));
        return;
      }
      const lib = target.protocol === "https:" ? https : http;
      const req = lib.request(
        target,
        {
          method: "POST",
          timeout: this.deps.options.timeoutMs,
          headers: { "Content-Type": "application/json; charset=utf-8", "Content-Length": body.length, "User-Agent": "PartnerCenter-Webhooks (emulator)", ...headers },
          ...(target.protocol === "https:" && this.deps.receiverCa ? { ca: this.deps.receiverCa } : {}),
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on("data", (c: Buffer) => {
            if (size < 1024) chunks.push(c);
            size += c.length;
          });
          res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8").slice(0, 1024) }));
          res.on("error", reject);
        },
      );
      req.on("timeout", () => req.destroy(new Error(`no answer within ${this.deps.options.timeoutMs} ms`)));
      req.on("error", reject);
      req.end(body);
    });
  }
}
