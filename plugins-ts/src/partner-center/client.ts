/**
 * Partner Center client: the Referrals API (https://api.partner.microsoft.com/v1.0/engagements)
 * and the webhook registration API (https://api.partnercenter.microsoft.com/webhooks/v1), per
 * ../shared/reference/partner-center-api.md §2 and §3. Both base URLs are configurable so the
 * same client talks to the local emulator.
 *
 * Every call carries MS-CorrelationId (one per operation, shared by its retries) and MS-RequestId
 * (one per operation, so a retried call is recognisably the same request), has a timeout, is
 * retried on 429 (Retry-After honoured) / 5xx / network errors within a bound, and fails with a
 * typed error (errors.ts). Tokens come from a TokenProvider and never reach a log or an error.
 */
import { randomUUID } from "node:crypto";
import {
  errorFromResponse,
  PartnerCenterError,
  PartnerCenterInputError,
  PartnerCenterNetworkError,
  PartnerCenterNotFoundError,
  PartnerCenterTimeoutError,
  PartnerCenterTokenError,
} from "./errors";
import { buildQueryString, odataFilter, ReferralQuery } from "./odata";
import {
  JsonPatchOperation,
  PATCHABLE_PATHS,
  Referral,
  ReferralListPage,
  WebhookRegistration,
  WebhookRegistrationResponse,
  WebhookValidationEvent,
} from "./referral";
import { backoffDelay, isRetryableStatus, parseRetryAfter, realSleep, resolvePolicy, RetryPolicy, Sleep } from "./retry";
import { PartnerCenterApi, RESOURCE_OF, TokenProvider } from "./tokens";

export const DEFAULT_REFERRALS_BASE_URL = "https://api.partner.microsoft.com";
export const DEFAULT_PARTNER_CENTER_BASE_URL = "https://api.partnercenter.microsoft.com";
export const REFERRALS_PATH = "/v1.0/engagements/referrals";
export const WEBHOOK_REGISTRATION_PATH = "/webhooks/v1/registration";

/** One attempt, reported to `onCall` (for logs and metrics). Carries no token and no body. */
export interface CallRecord {
  operation: string;
  method: string;
  /** URL without its query string. */
  url: string;
  /** HTTP status, or 0 when no answer came. */
  status: number;
  attempt: number;
  durationMs: number;
  correlationId: string;
  /** Set when the client will retry: how long it waits first. */
  retryInMs?: number;
  /** Network or timeout error text when status is 0. */
  error?: string;
}

export interface PartnerCenterClientOptions {
  tokenProvider: TokenProvider;
  /** Referrals API origin; default https://api.partner.microsoft.com. */
  referralsBaseUrl?: string;
  /** Partner Center API origin (webhooks); default https://api.partnercenter.microsoft.com. */
  partnerCenterBaseUrl?: string;
  retry?: Partial<RetryPolicy>;
  /** Per-attempt timeout, response body included; default 30 s. */
  timeoutMs?: number;
  /** Injectable waits, clock, jitter and ids so tests never wait for real. */
  sleep?: Sleep;
  now?: () => number;
  random?: () => number;
  newId?: () => string;
  fetch?: typeof fetch;
  onCall?: (record: CallRecord) => void;
  /** Sent as User-Agent. */
  userAgent?: string;
}

export interface CallOptions {
  /** MS-CorrelationId for this operation (default: a new GUID). */
  correlationId?: string;
  signal?: AbortSignal;
}

export interface IfMatchOptions extends CallOptions {
  /** The eTag to send in If-Match (default: referral.eTag where the method has one). */
  ifMatch?: string;
}

export interface PatchOptions extends IfMatchOptions {
  /** Send Prefer: return=representation and return the updated referral. */
  returnRepresentation?: boolean;
}

export interface PatchResult {
  /** 204 without representation, 200 with. */
  status: number;
  referral?: Referral;
  /** The new eTag, from the ETag header or the representation, when the server sent one. */
  eTag?: string;
}

interface RequestSpec {
  operation: string;
  api: PartnerCenterApi;
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  url: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** Safe to repeat after an unknown outcome. */
  idempotent: boolean;
  options?: CallOptions;
}

interface RawResponse {
  method: string;
  status: number;
  headers: Headers;
  text: string;
}

const VERSION = "1.0.0";
const READ_ONLY_ON_WRITE = ["links", "@odata.context", "@odata.etag"] as const;

function trimBase(url: string, name: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new RangeError(`${name} is not an absolute URL: ${url}`);
  }
  if (u.protocol !== "https:" && u.protocol !== "http:") throw new RangeError(`${name} must be http(s): ${url}`);
  return url.replace(/\/+$/, "");
}

const stripQuery = (url: string): string => url.split("?")[0]!;

function networkCode(e: unknown): string | undefined {
  const cause = (e as { cause?: { code?: string } })?.cause;
  return cause?.code ?? (e as { code?: string })?.code;
}

export class PartnerCenterClient {
  readonly referralsBaseUrl: string;
  readonly partnerCenterBaseUrl: string;
  private readonly policy: RetryPolicy;
  private readonly timeoutMs: number;
  private readonly sleep: Sleep;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly newId: () => string;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: PartnerCenterClientOptions) {
    if (!options?.tokenProvider) throw new TypeError("PartnerCenterClient needs a tokenProvider");
    this.referralsBaseUrl = trimBase(options.referralsBaseUrl ?? DEFAULT_REFERRALS_BASE_URL, "referralsBaseUrl");
    this.partnerCenterBaseUrl = trimBase(options.partnerCenterBaseUrl ?? DEFAULT_PARTNER_CENTER_BASE_URL, "partnerCenterBaseUrl");
    this.policy = resolvePolicy(options.retry);
    this.timeoutMs = options.timeoutMs ?? 30_000;
    if (!(this.timeoutMs > 0)) throw new RangeError("timeoutMs must be > 0");
    this.sleep = options.sleep ?? realSleep;
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.newId = options.newId ?? randomUUID;
    this.fetchImpl = options.fetch ?? fetch;
  }

  // ───────────────────────────── referrals ─────────────────────────────

  /**
   * Every referral matching the query, fetched one page at a time as the caller iterates
   * (following @odata.nextLink); stopping the loop stops the paging.
   */
  async *listReferrals(query: ReferralQuery = {}, options: CallOptions = {}): AsyncGenerator<Referral, void, undefined> {
    for await (const page of this.listReferralPages(query, options)) {
      for (const referral of page.value) yield referral;
    }
  }

  /** The raw pages (with @odata.count when query.count is set). */
  async *listReferralPages(query: ReferralQuery = {}, options: CallOptions = {}): AsyncGenerator<ReferralListPage, void, undefined> {
    let url: string | undefined = `${this.referralsBaseUrl}${REFERRALS_PATH}${buildQueryString(query)}`;
    // One correlation id for the whole listing, so its pages can be found together.
    options = { ...options, correlationId: options.correlationId ?? this.newId() };
    const seen = new Set<string>();
    let page = 0;
    while (url) {
      seen.add(url);
      page++;
      const res = await this.send({ operation: "listReferrals", api: "referrals", method: "GET", url, idempotent: true, options });
      const body: ReferralListPage = this.json<ReferralListPage>(res, "listReferrals", url, options);
      if (!Array.isArray(body?.value)) throw this.protocolError("listReferrals", "GET", url, options, "the list answer has no value array");
      yield body;
      const next: string | undefined = body["@odata.nextLink"];
      url = next ? this.checkNextLink(next, url, options) : undefined;
      if (url && seen.has(url)) throw this.protocolError("listReferrals", "GET", url, options, `page ${page} links back to a page already read`);
    }
  }

  async getReferral(id: string, options: CallOptions = {}): Promise<Referral> {
    const url = this.referralUrl(id, "getReferral", options);
    const res = await this.send({ operation: "getReferral", api: "referrals", method: "GET", url, idempotent: true, options });
    return this.withETag(this.json<Referral>(res, "getReferral", url, options), res);
  }

  /** POST a new referral; returns it as Partner Center stored it (id, engagementId, eTag, status). */
  async createReferral(referral: Referral, options: CallOptions = {}): Promise<Referral> {
    if (!referral || typeof referral !== "object" || Array.isArray(referral)) throw this.inputError("createReferral", "the referral must be an object", options);
    const url = `${this.referralsBaseUrl}${REFERRALS_PATH}`;
    const body = this.writable(referral);
    delete body.eTag;
    const res = await this.send({ operation: "createReferral", api: "referrals", method: "POST", url, body, idempotent: false, options });
    return this.withETag(this.json<Referral>(res, "createReferral", url, options), res);
  }

  /**
   * Full update (PUT, "deprecated" in the connector but documented): If-Match is required and
   * `links` is removed before sending, as the documentation says.
   */
  async updateReferral(referral: Referral, options: IfMatchOptions = {}): Promise<Referral> {
    if (!referral?.id) throw this.inputError("updateReferral", "the referral has no id", options);
    const ifMatch = options.ifMatch ?? referral.eTag;
    if (!ifMatch) throw this.inputError("updateReferral", "If-Match is required: pass the eTag of the last read (referral.eTag or options.ifMatch)", options, "If-Match");
    const url = this.referralUrl(referral.id, "updateReferral", options);
    const res = await this.send({
      operation: "updateReferral", api: "referrals", method: "PUT", url, body: this.writable(referral),
      headers: { "If-Match": ifMatch }, idempotent: true, options,
    });
    return this.withETag(this.json<Referral>(res, "updateReferral", url, options), res);
  }

  /**
   * JSON Patch (RFC 6902) with only `replace` and `add` on the connector's patchable paths.
   * If-Match is sent when given; 204 unless returnRepresentation asks for the referral back.
   */
  async patchReferral(id: string, operations: JsonPatchOperation[], options: PatchOptions = {}): Promise<PatchResult> {
    this.validatePatch(operations, options);
    const url = this.referralUrl(id, "patchReferral", options);
    const headers: Record<string, string> = {};
    if (options.ifMatch) headers["If-Match"] = options.ifMatch;
    if (options.returnRepresentation) headers["Prefer"] = "return=representation";
    const res = await this.send({ operation: "patchReferral", api: "referrals", method: "PATCH", url, body: operations, headers, idempotent: true, options });
    const eTagHeader = res.headers.get("etag") ?? undefined;
    if (res.status === 204 || !res.text) return { status: res.status, eTag: eTagHeader };
    const referral = this.withETag(this.json<Referral>(res, "patchReferral", url, options), res);
    return { status: res.status, referral, eTag: referral.eTag ?? eTagHeader };
  }

  /** The referrals of one engagement (yours and, for co-sell, Microsoft's side). */
  async getRelatedReferrals(engagementId: string, options: CallOptions = {}): Promise<Referral[]> {
    if (!engagementId) throw this.inputError("getRelatedReferrals", "engagementId is required", options);
    const out: Referral[] = [];
    for await (const r of this.listReferrals({ filter: odataFilter`engagementId eq ${engagementId}` }, options)) out.push(r);
    return out;
  }

  // ───────────────────────────── webhooks ─────────────────────────────

  async listWebhookEvents(options: CallOptions = {}): Promise<string[]> {
    const url = `${this.partnerCenterBaseUrl}${WEBHOOK_REGISTRATION_PATH}/events`;
    const res = await this.send({ operation: "listWebhookEvents", api: "webhooks", method: "GET", url, idempotent: true, options });
    const body = this.json<unknown>(res, "listWebhookEvents", url, options);
    if (!Array.isArray(body) || body.some((e) => typeof e !== "string")) throw this.protocolError("listWebhookEvents", "GET", url, options, "expected an array of event names");
    return body as string[];
  }

  /** The tenant's registration, or undefined when there is none. */
  async getWebhookRegistration(options: CallOptions = {}): Promise<WebhookRegistrationResponse | undefined> {
    const url = `${this.partnerCenterBaseUrl}${WEBHOOK_REGISTRATION_PATH}`;
    try {
      const res = await this.send({ operation: "getWebhookRegistration", api: "webhooks", method: "GET", url, idempotent: true, options });
      return this.json<WebhookRegistrationResponse>(res, "getWebhookRegistration", url, options);
    } catch (e) {
      if (e instanceof PartnerCenterNotFoundError) return undefined;
      throw e;
    }
  }

  /** POST: create the registration (one per tenant; it replaces an existing one). */
  registerWebhook(registration: WebhookRegistration, options: CallOptions = {}): Promise<WebhookRegistrationResponse> {
    return this.writeRegistration("registerWebhook", "POST", registration, options);
  }

  /** PUT: replace the registration's URL and events. */
  updateWebhookRegistration(registration: WebhookRegistration, options: CallOptions = {}): Promise<WebhookRegistrationResponse> {
    return this.writeRegistration("updateWebhookRegistration", "PUT", registration, options);
  }

  /** DELETE the registration; false when there was none. */
  async deleteWebhookRegistration(options: CallOptions = {}): Promise<boolean> {
    const url = `${this.partnerCenterBaseUrl}${WEBHOOK_REGISTRATION_PATH}`;
    try {
      await this.send({ operation: "deleteWebhookRegistration", api: "webhooks", method: "DELETE", url, idempotent: true, options });
      return true;
    } catch (e) {
      if (e instanceof PartnerCenterNotFoundError) return false;
      throw e;
    }
  }

  /** Ask Partner Center to send a test-created event (the registration must include test-created). */
  async sendValidationEvent(options: CallOptions = {}): Promise<{ correlationId: string }> {
    const url = `${this.partnerCenterBaseUrl}${WEBHOOK_REGISTRATION_PATH}/validationEvents`;
    const res = await this.send({ operation: "sendValidationEvent", api: "webhooks", method: "POST", url, idempotent: false, options });
    const body = this.json<unknown>(res, "sendValidationEvent", url, options);
    // Documented as "returns a correlationId": accept { correlationId } and a bare JSON string.
    const correlationId = typeof body === "string" ? body : (body as { correlationId?: unknown })?.correlationId;
    if (typeof correlationId !== "string" || !correlationId) throw this.protocolError("sendValidationEvent", "POST", url, options, "no correlationId in the answer");
    return { correlationId };
  }

  async getValidationEvent(correlationId: string, options: CallOptions = {}): Promise<WebhookValidationEvent> {
    if (!correlationId) throw this.inputError("getValidationEvent", "correlationId is required", options);
    const url = `${this.partnerCenterBaseUrl}${WEBHOOK_REGISTRATION_PATH}/validationEvents/${encodeURIComponent(correlationId)}`;
    const res = await this.send({ operation: "getValidationEvent", api: "webhooks", method: "GET", url, idempotent: true, options });
    return this.json<WebhookValidationEvent>(res, "getValidationEvent", url, options);
  }

  // ───────────────────────────── internals ─────────────────────────────

  private async writeRegistration(operation: string, method: "POST" | "PUT", registration: WebhookRegistration, options: CallOptions): Promise<WebhookRegistrationResponse> {
    if (!registration?.WebhookUrl) throw this.inputError(operation, "WebhookUrl is required", options, "WebhookUrl");
    if (!Array.isArray(registration.WebhookEvents) || registration.WebhookEvents.length === 0) {
      throw this.inputError(operation, "WebhookEvents must name at least one event", options, "WebhookEvents");
    }
    const url = `${this.partnerCenterBaseUrl}${WEBHOOK_REGISTRATION_PATH}`;
    // Registration replaces the tenant's single registration: repeating it is harmless.
    const res = await this.send({ operation, api: "webhooks", method, url, body: registration, idempotent: true, options });
    return this.json<WebhookRegistrationResponse>(res, operation, url, options);
  }

  private referralUrl(id: string, operation: string, options: CallOptions): string {
    if (typeof id !== "string" || !id.trim()) throw this.inputError(operation, "a referral id is required", options, "id");
    return `${this.referralsBaseUrl}${REFERRALS_PATH}/${encodeURIComponent(id)}`;
  }

  private writable(referral: Referral): Referral & Record<string, unknown> {
    const copy = { ...referral } as Referral & Record<string, unknown>;
    for (const k of READ_ONLY_ON_WRITE) delete copy[k];
    return copy;
  }

  private validatePatch(operations: JsonPatchOperation[], options: CallOptions): void {
    if (!Array.isArray(operations) || operations.length === 0) throw this.inputError("patchReferral", "a JSON Patch needs at least one operation", options);
    operations.forEach((op, i) => {
      if (op?.op !== "replace" && op?.op !== "add") {
        throw this.inputError("patchReferral", `operation ${i}: only "replace" and "add" are accepted, got ${JSON.stringify(op?.op)}`, options, `[${i}].op`);
      }
      if (!(PATCHABLE_PATHS as readonly string[]).includes(op.path)) {
        throw this.inputError("patchReferral", `operation ${i}: path ${JSON.stringify(op.path)} is not patchable`, options, `[${i}].path`);
      }
      if (op.path.endsWith("/-") && op.op !== "add") {
        throw this.inputError("patchReferral", `operation ${i}: "${op.path}" appends to an array and needs op "add"`, options, `[${i}].op`);
      }
    });
  }

  private withETag(referral: Referral, res: RawResponse): Referral {
    const header = res.headers.get("etag");
    if (referral && typeof referral === "object" && !referral.eTag && header) referral.eTag = header;
    return referral;
  }

  private json<T>(res: RawResponse, operation: string, url: string, options: CallOptions): T {
    try {
      return JSON.parse(res.text) as T;
    } catch {
      throw this.protocolError(operation, res.method, url, options, `HTTP ${res.status} answer is not JSON`);
    }
  }

  private checkNextLink(next: string, current: string, options: CallOptions): string {
    let resolved: URL;
    try {
      resolved = new URL(next, current);
    } catch {
      throw this.protocolError("listReferrals", "GET", current, options, "@odata.nextLink is not a URL");
    }
    // The token must never be sent to another origin than the configured one.
    if (resolved.origin !== new URL(this.referralsBaseUrl).origin) {
      throw this.protocolError("listReferrals", "GET", current, options, `@odata.nextLink points to another origin (${resolved.origin})`);
    }
    return resolved.toString();
  }

  private inputError(operation: string, message: string, options: CallOptions, target?: string): PartnerCenterInputError {
    return new PartnerCenterInputError({
      status: 0, code: "invalidInput", message, target, operation, method: "", url: "",
      correlationId: options.correlationId ?? "", attempts: 0,
    });
  }

  private protocolError(operation: string, method: string, url: string, options: CallOptions, message: string): PartnerCenterError {
    return new PartnerCenterError({
      status: 0, code: "unexpectedResponse", message, operation, method, url: stripQuery(url),
      correlationId: options.correlationId ?? "", attempts: 1,
    });
  }

  /** One operation: token, headers, timeout, retries; returns the successful raw response. */
  private async send(spec: RequestSpec): Promise<RawResponse> {
    const correlationId = spec.options?.correlationId ?? this.newId();
    const requestId = this.newId();
    const resource = RESOURCE_OF[spec.api];
    const baseContext = { operation: spec.operation, method: spec.method, url: stripQuery(spec.url), correlationId, requestId: undefined as string | undefined };
    let forceRefresh = false;
    let refreshedAfter401 = false;

    for (let attempt = 1; ; attempt++) {
      let token: string;
      try {
        token = await this.options.tokenProvider.getToken({ api: spec.api, resource, forceRefresh });
      } catch (e) {
        throw new PartnerCenterTokenError({
          ...baseContext, status: 0, code: "tokenUnavailable",
          message: e instanceof Error ? e.message : "the token provider failed", attempts: attempt, cause: e,
        });
      }
      const headers: Record<string, string> = {
        Accept: "application/json",
        Authorization: `Bearer ${token}`,
        "MS-CorrelationId": correlationId,
        "MS-RequestId": requestId,
        "User-Agent": this.options.userAgent ?? `partner-center-referrals-sync/${VERSION}`,
        ...spec.headers,
      };
      let payload: string | undefined;
      if (spec.body !== undefined) {
        payload = JSON.stringify(spec.body);
        headers["Content-Type"] = "application/json";
      }

      const started = this.now();
      let res: RawResponse | undefined;
      let failure: unknown;
      let timedOut = false;
      const controller = new AbortController();
      const timer = setTimeout(() => {
        timedOut = true;
        controller.abort(new Error("timeout"));
      }, this.timeoutMs);
      const onAbort = () => controller.abort(spec.options?.signal?.reason);
      spec.options?.signal?.addEventListener("abort", onAbort, { once: true });
      try {
        if (spec.options?.signal?.aborted) throw spec.options.signal.reason;
        const r = await this.fetchImpl(spec.url, { method: spec.method, headers, body: payload, signal: controller.signal, redirect: "manual" });
        res = { method: spec.method, status: r.status, headers: r.headers, text: await r.text() };
      } catch (e) {
        failure = e;
      } finally {
        clearTimeout(timer);
        spec.options?.signal?.removeEventListener("abort", onAbort);
      }
      const durationMs = this.now() - started;

      if (!res) {
        if (spec.options?.signal?.aborted) throw spec.options.signal.reason;
        const code = timedOut ? "timeout" : networkCode(failure) ?? "networkError";
        const neverSent = code === "ECONNREFUSED" || code === "ENOTFOUND" || code === "EAI_AGAIN";
        const canRetry = attempt < this.policy.maxAttempts && (spec.idempotent || neverSent);
        const retryInMs = canRetry ? backoffDelay(attempt, this.policy, this.random) : undefined;
        const message = timedOut ? `no answer within ${this.timeoutMs} ms` : `network error (${code})`;
        this.options.onCall?.({ ...baseContext, status: 0, attempt, durationMs, retryInMs, error: message });
        if (canRetry) {
          await this.sleep(retryInMs!, spec.options?.signal);
          continue;
        }
        const Cls = timedOut ? PartnerCenterTimeoutError : PartnerCenterNetworkError;
        throw new Cls({ ...baseContext, status: 0, code, message, attempts: attempt, mayHaveCommitted: !spec.idempotent && !neverSent, cause: failure });
      }

      const serverRequestId = res.headers.get("request-id") ?? res.headers.get("ms-requestid") ?? undefined;
      if (res.status >= 200 && res.status < 300) {
        this.options.onCall?.({ ...baseContext, status: res.status, attempt, durationMs });
        return res;
      }

      const retryAfterMs = parseRetryAfter(res.headers.get("retry-after"), this.now());
      let retryInMs: number | undefined;
      if (res.status === 401 && !refreshedAfter401) {
        // One fresh token after a 401 (an expired cached token), then it is final.
        refreshedAfter401 = true;
        forceRefresh = true;
        retryInMs = 0;
      } else if (attempt < this.policy.maxAttempts && isRetryableStatus(res.status, spec.idempotent)) {
        if (retryAfterMs !== undefined) {
          if (retryAfterMs <= this.policy.maxRetryAfterMs) retryInMs = retryAfterMs;
        } else {
          retryInMs = backoffDelay(attempt, this.policy, this.random);
        }
      }
      this.options.onCall?.({ ...baseContext, status: res.status, attempt, durationMs, retryInMs });
      if (retryInMs !== undefined) {
        if (retryInMs > 0) await this.sleep(retryInMs, spec.options?.signal);
        continue;
      }
      throw errorFromResponse(res.status, res.text, {
        ...baseContext, requestId: serverRequestId, retryAfterMs, attempts: attempt,
        mayHaveCommitted: !spec.idempotent && res.status >= 500 && res.status !== 503,
      });
    }
  }
}
