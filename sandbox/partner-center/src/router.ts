/**
 * The route table: one handler module per operation (Azurite style). Operation names are what
 * the call log records and what faults match on.
 */
import type { Handler } from "./context";
import { controlListCalls, controlClearCalls } from "./handlers/control/calls";
import { controlCreateReferral } from "./handlers/control/create-referral";
import { controlListDeliveries, controlListEvents, controlRepeatDeliveries } from "./handlers/control/deliveries";
import { controlAddFault, controlClearFaults, controlListFaults } from "./handlers/control/faults";
import { controlInfo } from "./handlers/control/info";
import { controlGetReferral, controlListReferrals } from "./handlers/control/list-referrals";
import { controlPatchReferral } from "./handlers/control/patch-referral";
import { controlRelatedReferral } from "./handlers/control/related-referral";
import { controlReset } from "./handlers/control/reset";
import { controlGetSigning, controlSetSigning } from "./handlers/control/signing";
import { createReferral } from "./handlers/referrals/create";
import { getReferral } from "./handlers/referrals/get";
import { listReferrals } from "./handlers/referrals/list";
import { patchReferral } from "./handlers/referrals/patch";
import { updateReferral } from "./handlers/referrals/update";
import { createWebhookRegistration } from "./handlers/webhooks/create-registration";
import { createValidationEvent } from "./handlers/webhooks/create-validation-event";
import { deleteWebhookRegistration } from "./handlers/webhooks/delete-registration";
import { getWebhookRegistration } from "./handlers/webhooks/get-registration";
import { getValidationEvent } from "./handlers/webhooks/get-validation-event";
import { listWebhookEvents } from "./handlers/webhooks/list-events";
import { updateWebhookRegistration } from "./handlers/webhooks/update-registration";

export type Api = "referrals" | "webhooks" | "control";

export interface Route {
  operation: string;
  api: Api;
  method: string;
  pattern: string;
  handler: Handler;
}

const R = (api: Api, method: string, pattern: string, operation: string, handler: Handler): Route => ({ api, method, pattern, operation, handler });

export const ROUTES: readonly Route[] = [
  // Referrals API (host api.partner.microsoft.com)
  R("referrals", "GET", "/v1.0/engagements/referrals", "listReferrals", listReferrals),
  R("referrals", "POST", "/v1.0/engagements/referrals", "createReferral", createReferral),
  R("referrals", "GET", "/v1.0/engagements/referrals/{id}", "getReferral", getReferral),
  R("referrals", "PUT", "/v1.0/engagements/referrals/{id}", "updateReferral", updateReferral),
  R("referrals", "PATCH", "/v1.0/engagements/referrals/{id}", "patchReferral", patchReferral),
  // Event ResourceUri shape (host api.partnercenter.microsoft.com), GET only, as older samples use it.
  R("referrals", "GET", "/engagements/v1/referrals/{id}", "getReferralByResourceUri", getReferral),
  // Webhook registration API (host api.partnercenter.microsoft.com)
  R("webhooks", "GET", "/webhooks/v1/registration/events", "listWebhookEvents", listWebhookEvents),
  R("webhooks", "GET", "/webhooks/v1/registration", "getWebhookRegistration", getWebhookRegistration),
  R("webhooks", "POST", "/webhooks/v1/registration", "createWebhookRegistration", createWebhookRegistration),
  R("webhooks", "PUT", "/webhooks/v1/registration", "updateWebhookRegistration", updateWebhookRegistration),
  R("webhooks", "DELETE", "/webhooks/v1/registration", "deleteWebhookRegistration", deleteWebhookRegistration),
  R("webhooks", "POST", "/webhooks/v1/registration/validationEvents", "createValidationEvent", createValidationEvent),
  R("webhooks", "GET", "/webhooks/v1/registration/validationEvents/{correlationId}", "getValidationEvent", getValidationEvent),
  // Control API (tests and the sandbox; no token, not logged)
  R("control", "GET", "/_emulator", "info", controlInfo),
  R("control", "GET", "/_emulator/referrals", "controlListReferrals", controlListReferrals),
  R("control", "POST", "/_emulator/referrals", "controlCreateReferral", controlCreateReferral),
  R("control", "GET", "/_emulator/referrals/{id}", "controlGetReferral", controlGetReferral),
  R("control", "PATCH", "/_emulator/referrals/{id}", "controlPatchReferral", controlPatchReferral),
  R("control", "POST", "/_emulator/referrals/{id}/related", "controlRelatedReferral", controlRelatedReferral),
  R("control", "GET", "/_emulator/calls", "controlListCalls", controlListCalls),
  R("control", "DELETE", "/_emulator/calls", "controlClearCalls", controlClearCalls),
  R("control", "POST", "/_emulator/faults", "controlAddFault", controlAddFault),
  R("control", "GET", "/_emulator/faults", "controlListFaults", controlListFaults),
  R("control", "DELETE", "/_emulator/faults", "controlClearFaults", controlClearFaults),
  R("control", "GET", "/_emulator/deliveries", "controlListDeliveries", controlListDeliveries),
  R("control", "POST", "/_emulator/deliveries/repeat", "controlRepeatDeliveries", controlRepeatDeliveries),
  R("control", "GET", "/_emulator/events", "controlListEvents", controlListEvents),
  R("control", "GET", "/_emulator/signing", "controlGetSigning", controlGetSigning),
  R("control", "POST", "/_emulator/signing", "controlSetSigning", controlSetSigning),
  R("control", "GET", "/_emulator/certificates", "controlGetCertificates", controlGetSigning),
  R("control", "POST", "/_emulator/reset", "controlReset", controlReset),
];

function segments(path: string): string[] {
  return path.replace(/\/+$/, "").split("/");
}

export type RouteMatch =
  | { kind: "route"; route: Route; params: Record<string, string> }
  | { kind: "method"; allowed: string[]; api: Api }
  | { kind: "none"; api: Api };

/**
 * The operation a call is logged (and faults match) under: the route's, except that the connector's
 * deal registration operations, which reach the referral's PATCH with a trailing slash
 * (CreateDealRegistrationByReferralId: /referrals/{id}/) or two (PatchDealRegistrationByReferralId:
 * /referrals/{id}//), are named for what they are.
 */
export function operationOf(route: Route, path: string): string {
  if (route.operation !== "patchReferral") return route.operation;
  return path.endsWith("//") ? "patchDealRegistration" : path.endsWith("/") ? "createDealRegistration" : route.operation;
}

export function matchRoute(method: string, path: string): RouteMatch {
  const actual = segments(path);
  const allowed: string[] = [];
  let api: Api | undefined;
  for (const route of ROUTES) {
    const pattern = segments(route.pattern);
    if (pattern.length !== actual.length) continue;
    const params: Record<string, string> = {};
    let ok = true;
    for (let i = 0; i < pattern.length && ok; i++) {
      const p = pattern[i]!;
      const a = actual[i]!;
      if (p.startsWith("{") && p.endsWith("}")) {
        if (!a) ok = false;
        else {
          try {
            params[p.slice(1, -1)] = decodeURIComponent(a);
          } catch {
            ok = false;
          }
        }
      } else if (p.toLowerCase() !== a.toLowerCase()) ok = false;
    }
    if (!ok) continue;
    if (route.method === method) return { kind: "route", route, params };
    allowed.push(route.method);
    api = route.api;
  }
  const guess: Api = path.toLowerCase().startsWith("/_emulator") ? "control" : path.toLowerCase().startsWith("/webhooks") ? "webhooks" : "referrals";
  return allowed.length ? { kind: "method", allowed, api: api! } : { kind: "none", api: guess };
}
