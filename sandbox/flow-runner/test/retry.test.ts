/**
 * Retry policies (default, none, fixed, exponential) on 408/429/5xx, Retry-After on 429, and the
 * retry history the run keeps. Waits go through the injected sleep, so nothing here waits.
 */
import { actionOf, expectActionStatus, expectRunStatus } from "../src/testing";
import { DEFAULT_POLICY, parseDuration, resolvePolicy, retryAfterMs, retryDelay } from "../src/engine/retry";
import { activate, flowFile, makeRunner, runOnce, stubServer } from "./helpers";

/** A server that answers the scripted statuses in order, then 200. */
async function scripted(statuses: Array<{ status: number; headers?: Record<string, string> }>) {
  let i = 0;
  return stubServer(() => {
    const s = statuses[i++];
    return s ? { status: s.status, headers: s.headers, body: { error: { code: "throttled", message: `attempt ${i}` } } } : { status: 200, body: { ok: true, attempts: i } };
  });
}

const httpFlow = (uri: string, retryPolicy?: unknown) =>
  flowFile({ Call: { type: "Http", inputs: { method: "GET", uri, ...(retryPolicy ? { retryPolicy } : {}) } } });

describe("retry policies", () => {
  it("honours Retry-After on a 429 and records each retry", async () => {
    const stub = await scripted([{ status: 429, headers: { "Retry-After": "7" } }, { status: 429, headers: { "Retry-After": "2" } }]);
    try {
      const { runner, sleeps } = makeRunner();
      const id = await activate(runner, httpFlow(stub.url));
      const { run } = await runOnce(runner, id);
      expectRunStatus(run, "Succeeded");
      const call = actionOf(run, "Call");
      expect(call.outputs).toMatchObject({ statusCode: 200, body: { ok: true, attempts: 3 } });
      expect(sleeps).toEqual([7000, 2000]);
      expect(call.retryHistory).toHaveLength(2);
      expect(call.retryHistory![0]).toMatchObject({ code: "TooManyRequests", statusCode: 429, delayMs: 7000, delaySource: "Retry-After", error: { code: "throttled", message: "attempt 1" } });
      expect(stub.requests).toHaveLength(3);
    } finally {
      await stub.close();
    }
  });

  it("default policy: 4 retries with exponential intervals between 5 and 45 s, then fails", async () => {
    const stub = await scripted(Array.from({ length: 10 }, () => ({ status: 503 })));
    try {
      const { runner, sleeps } = makeRunner();
      const id = await activate(runner, httpFlow(stub.url));
      const { run } = await runOnce(runner, id);
      expectRunStatus(run, "Failed");
      const call = expectActionStatus(run, "Call", "Failed");
      expect(call.error?.code).toBe("ServiceUnavailable");
      expect(stub.requests).toHaveLength(5);
      expect(sleeps).toHaveLength(4);
      for (const s of sleeps) {
        expect(s).toBeGreaterThanOrEqual(5000);
        expect(s).toBeLessThanOrEqual(45000);
      }
      // with random() = 0.5 the waits grow: [5000..7500], [7500..15000], [15000..30000], [30000..45000]
      expect(sleeps).toEqual([6250, 11250, 22500, 37500]);
    } finally {
      await stub.close();
    }
  });

  it("none: no retry", async () => {
    const stub = await scripted([{ status: 500 }]);
    try {
      const { runner, sleeps } = makeRunner();
      const id = await activate(runner, httpFlow(stub.url, { type: "none" }));
      const { run } = await runOnce(runner, id);
      expect(expectActionStatus(run, "Call", "Failed").code).toBe("InternalServerError");
      expect(stub.requests).toHaveLength(1);
      expect(sleeps).toEqual([]);
    } finally {
      await stub.close();
    }
  });

  it("fixed: count retries, interval apart", async () => {
    const stub = await scripted([{ status: 500 }, { status: 408 }]);
    try {
      const { runner, sleeps } = makeRunner();
      const id = await activate(runner, httpFlow(stub.url, { type: "fixed", count: 2, interval: "PT30S" }));
      const { run } = await runOnce(runner, id);
      expectRunStatus(run, "Succeeded");
      expect(sleeps).toEqual([30000, 30000]);
    } finally {
      await stub.close();
    }
  });

  it("exponential: random intervals in the documented ranges", async () => {
    const stub = await scripted([{ status: 500 }, { status: 500 }, { status: 500 }]);
    try {
      const { runner, sleeps } = makeRunner();
      const id = await activate(runner, httpFlow(stub.url, { type: "exponential", count: 3, interval: "PT10S", minimumInterval: "PT5S", maximumInterval: "PT1H" }));
      const { run } = await runOnce(runner, id);
      expectRunStatus(run, "Succeeded");
      // retry 1: [max(0,5s), min(10s,1h)] → 7.5 s; retry 2: [10 s, 20 s] → 15 s; retry 3: [20 s, 40 s] → 30 s
      expect(sleeps).toEqual([7500, 15000, 30000]);
    } finally {
      await stub.close();
    }
  });

  it("does not retry a 4xx other than 408 and 429", async () => {
    const stub = await scripted([{ status: 412 }]);
    try {
      const { runner } = makeRunner();
      const id = await activate(runner, httpFlow(stub.url));
      const { run } = await runOnce(runner, id);
      expect(expectActionStatus(run, "Call", "Failed").code).toBe("PreconditionFailed");
      expect(stub.requests).toHaveLength(1);
    } finally {
      await stub.close();
    }
  });

  it("an invalid policy fails the action with a clear message", async () => {
    const { runner } = makeRunner();
    const id = await activate(runner, httpFlow("http://127.0.0.1:9", { type: "fixed", count: 200, interval: "PT5S" }));
    const { run } = await runOnce(runner, id);
    expect(expectActionStatus(run, "Call", "Failed").error?.message).toMatch(/count' must be an integer from 1 to 90/);
  });
});

describe("retry helpers", () => {
  it("parses ISO 8601 durations", () => {
    expect(parseDuration("PT5S")).toBe(5000);
    expect(parseDuration("PT1H30M")).toBe(5400000);
    expect(parseDuration("P1D")).toBe(86400000);
    expect(() => parseDuration("5s")).toThrow(/ISO 8601/);
  });
  it("reads Retry-After as seconds or an HTTP date", () => {
    expect(retryAfterMs("120", 0)).toBe(120000);
    expect(retryAfterMs("Wed, 21 Oct 2015 07:28:00 GMT", Date.parse("Wed, 21 Oct 2015 07:27:00 GMT"))).toBe(60000);
    expect(retryAfterMs(undefined, 0)).toBeUndefined();
  });
  it("default policy is the documented exponential policy", () => {
    expect(resolvePolicy(undefined)).toBe(DEFAULT_POLICY);
    expect(retryDelay(DEFAULT_POLICY, 1, () => 0)).toBe(5000);
    expect(retryDelay(DEFAULT_POLICY, 4, () => 1)).toBe(45000);
  });
});
