import { randomUUID } from "node:crypto";
import { EmulatorContext, jsonBody, HandlerRequest } from "../../context";
import { invalidRequest, itemNotFound } from "../../errors";
import type { StoredRegistration } from "../../store";

/**
 * Events the registration API accepts (GET /registration/events). The referral events and
 * test-created are the ones the emulator raises; the others are listed because Partner Center
 * lists them (reference §3.2) and a registration may name them.
 */
export const SUPPORTED_EVENTS = [
  "test-created",
  "referral-created",
  "referral-updated",
  "related-referral-created",
  "related-referral-updated",
  "subscription-updated",
  "usagerecords-thresholdExceeded",
  "invoice-ready",
  "azure-fraud-event-detected",
  "dap-admin-relationship-approved",
  "dap-admin-relationship-terminated",
  "dap-admin-relationship-terminated-by-microsoft",
  "reseller-relationship-accepted-by-customer",
  "indirect-reseller-relationship-accepted-by-customer",
] as const;

function prop(body: Record<string, unknown>, name: string): unknown {
  const key = Object.keys(body).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : body[key];
}

/** Validate a POST/PUT body; property names match case-insensitively, as in the .NET service. */
export function parseRegistration(req: HandlerRequest, subscriberId: string | undefined): StoredRegistration {
  const body = jsonBody(req);
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw invalidRequest("The request body must be a registration object with WebhookUrl and WebhookEvents.");
  const b = body as Record<string, unknown>;
  const url = prop(b, "WebhookUrl");
  if (typeof url !== "string" || !url) throw invalidRequest("Required property is missing: WebhookUrl.", "WebhookUrl");
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalidRequest(`WebhookUrl '${url}' is not an absolute URL.`, "WebhookUrl");
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") throw invalidRequest("WebhookUrl must be an http(s) URL.", "WebhookUrl");
  const events = prop(b, "WebhookEvents");
  if (!Array.isArray(events) || events.length === 0) throw invalidRequest("WebhookEvents must list at least one event.", "WebhookEvents");
  const names: string[] = [];
  for (const e of events) {
    const known = typeof e === "string" ? SUPPORTED_EVENTS.find((s) => s.toLowerCase() === e.toLowerCase()) : undefined;
    if (!known) throw invalidRequest(`Event ${JSON.stringify(e)} is not supported. GET /webhooks/v1/registration/events lists the supported events.`, "WebhookEvents");
    if (!names.includes(known)) names.push(known);
  }
  // A boolean; the JSON strings "true"/"false" bind too, as a .NET service's model binding converts
  // them, and as the certified Partner Center Events connector sends it (typed string; flow-runner
  // connectors/partnercenter-events.ts).
  const raw = prop(b, "SignatureTokenToMsSignatureHeader");
  const flag = typeof raw === "string" && /^(true|false)$/i.test(raw.trim()) ? raw.trim().toLowerCase() === "true" : raw;
  if (flag !== undefined && flag !== null && typeof flag !== "boolean") {
    throw invalidRequest("SignatureTokenToMsSignatureHeader must be true or false.", "SignatureTokenToMsSignatureHeader");
  }
  return { SubscriberId: subscriberId ?? randomUUID(), WebhookUrl: url, WebhookEvents: names, SignatureTokenToMsSignatureHeader: flag === true };
}

export function currentRegistration(ctx: EmulatorContext): StoredRegistration {
  const reg = ctx.store.getRegistration();
  if (!reg) throw itemNotFound("No webhook registration exists for this partner. Create one with POST /webhooks/v1/registration.");
  return reg;
}

export const registrationBody = (r: StoredRegistration) => ({
  SubscriberId: r.SubscriberId,
  WebhookUrl: r.WebhookUrl,
  WebhookEvents: r.WebhookEvents,
  SignatureTokenToMsSignatureHeader: r.SignatureTokenToMsSignatureHeader,
});
