/**
 * What every handler gets: the state, the clock, the call log, the fault registry, event delivery
 * and signing, and the emulator's configuration.
 */
import type { IncomingHttpHeaders } from "node:http";
import type { Referral } from "../../../plugins-ts/src/partner-center/referral";
import type { CallLog } from "./calls";
import { ApiError, invalidRequest } from "./errors";
import { isJsonMediaType, jsonNestingDepth, mediaType } from "../../shared/src/request-body";
import { MAX_JSON_DEPTH } from "./limits";
import type { FaultRegistry } from "./faults";
import { MICROSOFT_ORGANIZATION_ID, REFERRALS_PATH } from "./referral-model";
import type { PartnerCenterStore } from "./store";
import { EventDispatcher, toChangeDate } from "./webhooks/dispatcher";
import type { SigningService } from "./webhooks/signing";

export interface EmulatorConfig {
  /** The partner organisation the API caller belongs to (owner of "our" referrals). */
  partnerOrganizationId: string;
  partnerOrganizationName: string;
  /** Bearer tokens the API accepts. */
  tokens: ReadonlySet<string>;
  /** Referrals per list page (documented: 100). */
  pageSize: number;
  /** Throttle of POST validationEvents (documented: 2 per minute). */
  validationEventsPerMinute: number;
  /** Refuse a create without today's co-sell requirements (cosell-rules.ts checkCreate). */
  coSellCreateRules: boolean;
}

export interface EmulatorContext {
  config: EmulatorConfig;
  store: PartnerCenterStore;
  calls: CallLog;
  faults: FaultRegistry;
  dispatcher: EventDispatcher;
  signing: SigningService;
  /** Origin the emulator answers on, e.g. http://127.0.0.1:7071 (both API hosts map to it). */
  baseUrl(): string;
  now(): Date;
  /** A write timestamp: the clock, but strictly after the previous write's. */
  writeTime(): string;
  /** Time (ms) of the last write; writeTime() never goes back before it. Reset empties it. */
  lastWriteMs: number;
  /** Times (ms) of recent POST validationEvents, for the throttle. */
  validationSends: number[];
}

export interface HandlerRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  params: Record<string, string>;
  rawBody: Buffer;
}

export interface HandlerResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type Handler = (ctx: EmulatorContext, req: HandlerRequest) => HandlerResult | Promise<HandlerResult>;

/**
 * Parse the JSON body; the documented 400 when it is missing or malformed. The body must be declared
 * JSON (the media types ASP.NET Core's JSON input formatter reads: application/json, text/json,
 * application/*+json; anything else is 415 [I]) and nest at most MAX_JSON_DEPTH levels.
 */
export function jsonBody(req: HandlerRequest): unknown {
  const text = req.rawBody.toString("utf8").trim();
  if (!text) throw invalidRequest("The request body is empty; a JSON body is required.");
  const type = mediaType(req.headers);
  if (!isJsonMediaType(type) && type !== "text/json") {
    throw new ApiError(415, "invalidRequest", `The request body must be JSON: send 'Content-Type: application/json' (got '${type || "none"}').`, "Content-Type");
  }
  if (jsonNestingDepth(text, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) {
    throw invalidRequest(`The request body nests arrays and objects deeper than ${MAX_JSON_DEPTH} levels.`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw invalidRequest("The request body is not valid JSON.");
  }
}

export function header(req: HandlerRequest, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

/** A referral of the caller's own organisation (not Microsoft's side of an engagement). */
export function isOwn(ctx: EmulatorContext, r: Referral): boolean {
  return (r.organizationId ?? ctx.config.partnerOrganizationId) === ctx.config.partnerOrganizationId;
}

/** Event ResourceUri: the Partner Center API host and path shape (reference §3.3). */
export function resourceUri(ctx: EmulatorContext, referralId: string): string {
  return `${ctx.baseUrl()}/engagements/v1/referrals/${referralId}`;
}

export function emitReferralEvent(ctx: EmulatorContext, name: string, referral: Referral): void {
  ctx.dispatcher.emit(
    {
      EventName: name,
      ResourceUri: resourceUri(ctx, referral.id!),
      ResourceName: "referral",
      AuditUri: null,
      ResourceChangeUtcDate: toChangeDate(referral.updatedDateTime ?? ctx.now().toISOString()),
    },
    referral.id!,
  );
}

export const referralSelfUrl = (ctx: EmulatorContext, id: string): string => `${ctx.baseUrl()}${REFERRALS_PATH}/${id}`;
export { MICROSOFT_ORGANIZATION_ID };
