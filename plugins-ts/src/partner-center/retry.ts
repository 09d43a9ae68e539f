/**
 * Retry policy for Partner Center calls (reference §2 "Throttling"): a 429 waits exactly what
 * Retry-After says, then exponential back-off applies; 5xx, 408 and network errors back off
 * exponentially with full jitter, up to a bound on attempts and on each wait.
 */

export interface RetryPolicy {
  /** Total attempts including the first (≥ 1). */
  maxAttempts: number;
  /** First back-off step; attempt n (1-based retry) waits up to base × 2^(n-1). */
  baseDelayMs: number;
  /** Cap on any computed back-off. */
  maxDelayMs: number;
  /**
   * Longest Retry-After the client will honour; a server asking for longer makes the call fail at
   * once with a throttled error carrying retryAfterMs, so a caller can reschedule instead of hanging.
   */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 1000,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 120_000,
};

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** Real sleep, cancellable. */
export const realSleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });

/**
 * Retry-After as milliseconds: delta-seconds ("120") or an HTTP-date. Undefined when absent or
 * unparseable; never negative.
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (value == null) return undefined;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const date = Date.parse(v);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}

/** Full-jitter exponential back-off for retry number `retry` (1 = first retry). */
export function backoffDelay(retry: number, policy: RetryPolicy, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry - 1));
  // Full jitter, with a floor of half the step so consecutive retries still spread out.
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);

/**
 * Whether a status may be retried for a call. Non-idempotent calls (a POST that creates) are
 * retried only when the server certainly did not act on them: 429 and 503 Service Unavailable.
 */
export function isRetryableStatus(status: number, idempotent: boolean): boolean {
  if (!RETRYABLE_STATUSES.has(status)) return false;
  return idempotent || status === 429 || status === 503;
}

export function resolvePolicy(partial?: Partial<RetryPolicy>): RetryPolicy {
  const p = { ...DEFAULT_RETRY_POLICY, ...(partial ?? {}) };
  if (!Number.isInteger(p.maxAttempts) || p.maxAttempts < 1) throw new RangeError("retry.maxAttempts must be an integer ≥ 1");
  for (const k of ["baseDelayMs", "maxDelayMs", "maxRetryAfterMs"] as const) {
    if (!(p[k] >= 0)) throw new RangeError(`retry.${k} must be ≥ 0`);
  }
  return p;
}
