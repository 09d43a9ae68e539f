/** Pure parts of the client: retry arithmetic, OData building, error bodies. */
import { errorFromResponse, parseErrorBody, PartnerCenterConflictError, PartnerCenterThrottledError } from "../errors";
import { buildQueryString, odataFilter, odataLiteral } from "../odata";
import { backoffDelay, DEFAULT_RETRY_POLICY, isRetryableStatus, parseRetryAfter, resolvePolicy } from "../retry";

describe("retry", () => {
  test("Retry-After in seconds or as an HTTP date", () => {
    const now = Date.parse("2026-05-01T10:00:00Z");
    expect(parseRetryAfter("57", now)).toBe(57_000);
    expect(parseRetryAfter("1.5", now)).toBe(1500);
    expect(parseRetryAfter("Fri, 01 May 2026 10:00:30 GMT", now)).toBe(30_000);
    expect(parseRetryAfter("Fri, 01 May 2026 09:00:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  test("exponential back-off with jitter, capped", () => {
    const p = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 1000, maxDelayMs: 5000 };
    expect(backoffDelay(1, p, () => 0)).toBe(500);
    expect(backoffDelay(1, p, () => 1)).toBe(1000);
    expect(backoffDelay(3, p, () => 1)).toBe(4000);
    expect(backoffDelay(10, p, () => 1)).toBe(5000);
  });

  test("what is retried: 408/429/5xx for idempotent calls; only 429 and 503 for a create", () => {
    expect([408, 429, 500, 502, 503, 504].every((s) => isRetryableStatus(s, true))).toBe(true);
    expect([400, 401, 404, 409, 412].some((s) => isRetryableStatus(s, true))).toBe(false);
    expect([429, 503].every((s) => isRetryableStatus(s, false))).toBe(true);
    expect([500, 502, 504].some((s) => isRetryableStatus(s, false))).toBe(false);
  });

  test("a nonsensical policy is refused", () => {
    expect(() => resolvePolicy({ maxAttempts: 0 })).toThrow(/maxAttempts/);
    expect(() => resolvePolicy({ baseDelayMs: -1 })).toThrow(/baseDelayMs/);
  });
});

describe("odata", () => {
  test("literals: quotes doubled, dates unquoted ISO", () => {
    expect(odataLiteral("O'Brien")).toBe("'O''Brien'");
    expect(odataLiteral(new Date("2026-01-01T00:00:00Z"))).toBe("2026-01-01T00:00:00.000Z");
    expect(odataLiteral(3)).toBe("3");
    expect(odataLiteral(null)).toBe("null");
    expect(() => odataLiteral(Number.NaN)).toThrow();
    expect(odataFilter`externalReferenceId eq ${"x' or status eq 'New"}`).toBe("externalReferenceId eq 'x'' or status eq ''New'");
  });

  test("query string: $ kept, values encoded, invalid options refused", () => {
    expect(buildQueryString({ filter: "status eq 'New'", orderBy: "updatedDateTime asc", top: 5, skip: 10, count: true, select: ["id", "name"] }))
      .toBe("?$filter=status%20eq%20'New'&$orderby=updatedDateTime%20asc&$top=5&$skip=10&$count=true&$select=id%2Cname");
    expect(buildQueryString()).toBe("");
    expect(() => buildQueryString({ orderBy: "name" })).toThrow(/createdDateTime or updatedDateTime/);
    expect(() => buildQueryString({ top: -1 })).toThrow(/top/);
  });
});

describe("error bodies", () => {
  test("documented body, throttling body, empty and HTML answers", () => {
    expect(parseErrorBody(412, JSON.stringify({ error: { code: "preconditionFailed", message: "stale", target: "If-Match", innerError: { code: "x" } } })))
      .toEqual({ code: "preconditionFailed", message: "stale", target: "If-Match", innerError: { code: "x" } });
    expect(parseErrorBody(429, JSON.stringify({ statusCode: 429, message: "Rate limit is exceeded. Try again in 57 seconds." })))
      .toEqual({ code: "tooManyRequests", message: "Rate limit is exceeded. Try again in 57 seconds." });
    expect(parseErrorBody(503, "")).toEqual({ code: "serviceNotAvailable", message: "HTTP 503 with no error body" });
    expect(parseErrorBody(502, "<html>bad gateway</html>").message).toBe("HTTP 502 with no error body");
    expect(parseErrorBody(500, JSON.stringify({ error: { message: "x".repeat(3000) } })).message.length).toBeLessThanOrEqual(1025);
  });

  test("status → typed class", () => {
    const ctx = { operation: "op", method: "GET", url: "u", correlationId: "c", attempts: 1 };
    expect(errorFromResponse(409, "", ctx)).toBeInstanceOf(PartnerCenterConflictError);
    expect(errorFromResponse(412, "", ctx)).toBeInstanceOf(PartnerCenterConflictError);
    const t = errorFromResponse(429, "", { ...ctx, retryAfterMs: 5000 });
    expect(t).toBeInstanceOf(PartnerCenterThrottledError);
    expect(t.message).toBe("Partner Center op failed: HTTP 429 tooManyRequests: HTTP 429 with no error body [MS-CorrelationId c]");
  });
});
