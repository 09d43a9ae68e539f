/**
 * Retry policies (learn.microsoft.com/azure/logic-apps/logic-apps-exception-handling#retry-policies):
 * a request that times out or answers 408, 429 or 5xx is resent per the action's
 * inputs.retryPolicy:
 * - default: exponential interval, up to 4 retries, intervals scaling by 7.5 s, capped 5–45 s;
 * - none: no retry;
 * - fixed: `count` retries, `interval` apart;
 * - exponential: `count` retries; retry n waits a uniform random interval in
 *   [max((2^(n-2))·interval, minimumInterval), min((2^(n-1))·interval, maximumInterval)]
 *   (retry 1: [max(0, minimumInterval), min(interval, maximumInterval)]).
 * Decision: a Retry-After header (seconds or HTTP date) on a 429 or 503 replaces the computed wait,
 * as Partner Center's throttling guidance asks (partner-center-api.md §2 Throttling).
 */

export class DurationError extends Error {}

/** ISO 8601 duration (PT5S, P1D, PT1H30M) → milliseconds. */
export function parseDuration(s: unknown): number {
  const m = /^P(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i.exec(String(s ?? ""));
  if (!m || String(s) === "P" || String(s).toUpperCase() === "PT") throw new DurationError(`'${String(s)}' is not an ISO 8601 duration such as PT30S.`);
  const [, y, mo, w, d, h, mi, sec] = m.map((x) => (x === undefined ? 0 : Number(x)));
  return ((((y * 365 + mo * 30 + w * 7 + d) * 24 + h) * 60 + mi) * 60 + sec) * 1000;
}

export interface RetryPolicy {
  type: "default" | "none" | "fixed" | "exponential";
  count: number;
  intervalMs: number;
  minimumIntervalMs: number;
  maximumIntervalMs: number;
}

export const DEFAULT_POLICY: RetryPolicy = {
  type: "default",
  count: 4,
  intervalMs: 7500,
  minimumIntervalMs: 5000,
  maximumIntervalMs: 45000,
};

export function resolvePolicy(p: unknown): RetryPolicy {
  if (!p || typeof p !== "object") return DEFAULT_POLICY;
  const r = p as Record<string, unknown>;
  const type = String(r.type ?? "default").toLowerCase();
  switch (type) {
    case "default":
      return DEFAULT_POLICY;
    case "none":
      return { ...DEFAULT_POLICY, type: "none", count: 0 };
    case "fixed":
    case "exponential": {
      const count = Number(r.count ?? 4);
      if (!Number.isInteger(count) || count < 1 || count > 90) throw new DurationError(`The retry policy 'count' must be an integer from 1 to 90; it is '${String(r.count)}'.`);
      return {
        type,
        count,
        intervalMs: parseDuration(r.interval ?? "PT7S"),
        minimumIntervalMs: type === "exponential" ? parseDuration(r.minimumInterval ?? "PT5S") : 0,
        maximumIntervalMs: type === "exponential" ? parseDuration(r.maximumInterval ?? "P1D") : Number.MAX_SAFE_INTEGER,
      };
    }
    default:
      throw new DurationError(`The retry policy type '${String(r.type)}' is not valid; use default, none, fixed or exponential.`);
  }
}

export const isRetryable = (status: number): boolean => status === 408 || status === 429 || status >= 500;

/** The wait before retry number n (1-based). */
export function retryDelay(policy: RetryPolicy, n: number, random: () => number): number {
  if (policy.type === "fixed") return policy.intervalMs;
  const lo = Math.max(n === 1 ? 0 : 2 ** (n - 2) * policy.intervalMs, policy.minimumIntervalMs);
  const hi = Math.max(lo, Math.min(2 ** (n - 1) * policy.intervalMs, policy.maximumIntervalMs));
  return Math.round(lo + random() * (hi - lo));
}

/** Retry-After: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(header: string | undefined, nowMs: number): number | undefined {
  if (!header) return undefined;
  const t = header.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return Math.round(Number(t) * 1000);
  const when = Date.parse(t);
  return Number.isNaN(when) ? undefined : Math.max(0, when - nowMs);
}
