/**
 * The Partner Center webhook, as deploy sets it and doctor checks it:
 *
 * 1. the receiver's URL: the HTTP trigger URL of "Partner Center to Dynamics 365", from Power
 *    Automate (POST {flow API}/providers/Microsoft.ProcessSimple/environments/{env}/flows/{flow}/
 *    triggers/{trigger}/listCallbackUrl, the Power Automate Management connector's "List Callback
 *    URL"; the environment id from RetrieveCurrentOrganization), or the URL the admin copied from the
 *    trigger and gave as --webhook-url;
 * 2. Partner Center's registration (GET/POST/PUT /webhooks/v1/registration, the documented REST API
 *    the Partner Center Events connector and flow 1 call): one registration per partner tenant
 *    naming the URL and the four referral events.
 *
 * [I] The flow's id in Power Automate's API is its Dataverse workflowid (solution flows); not
 * stated in the documentation. When the call fails, --webhook-url is the documented manual way.
 */
import { REFERRAL_EVENT_NAMES, type WebhookRegistrationResponse } from "../../../plugins-ts/src/partner-center/referral";
import { findFlowByName, RECEIVER_FLOW_NAME } from "../sandbox/webhook";
import { environmentId, type EnvironmentFlow } from "./environment";
import type { AdminClients } from "./target";

export const FLOW_API_VERSION = "2016-11-01";

export type ReceiverUrl = { url: string; source: "given" | "power automate" } | { error: string };

export async function receiverUrl(c: AdminClients, flows: readonly EnvironmentFlow[]): Promise<ReceiverUrl> {
  if (c.target.webhookUrl) return { url: c.target.webhookUrl, source: "given" };
  const receiver = findFlowByName(flows, RECEIVER_FLOW_NAME);
  if (!receiver) return { error: `the solution has no flow "${RECEIVER_FLOW_NAME}"` };
  if (receiver.statecode !== 1) return { error: `"${RECEIVER_FLOW_NAME}" is not on, so it has no URL yet` };
  if (!receiver.trigger) return { error: `"${RECEIVER_FLOW_NAME}" has no trigger in its definition` };
  let env: string;
  try {
    env = c.target.environmentId ?? (await environmentId(c.api));
  } catch (e) {
    return { error: `the environment id could not be read (${(e as Error).message})` };
  }
  const url = `${c.target.flowApiUrl}/providers/Microsoft.ProcessSimple/environments/${encodeURIComponent(env)}/flows/${encodeURIComponent(receiver.id)}/triggers/${encodeURIComponent(receiver.trigger.name)}/listCallbackUrl?api-version=${FLOW_API_VERSION}`;
  let res: Response;
  try {
    res = await fetch(url, { method: "POST", headers: { Authorization: `Bearer ${await c.target.tokens.token("flow")}`, "Content-Type": "application/json", Accept: "application/json" }, body: "{}" });
  } catch (e) {
    return { error: `Power Automate (${c.target.flowApiUrl}) could not be reached: ${(e as { cause?: { code?: string } }).cause?.code ?? (e as Error).message}` };
  }
  const body = (await res.json().catch(() => ({}))) as { value?: unknown; error?: { code?: string; message?: string } };
  if (!res.ok || typeof body.value !== "string") {
    return { error: `Power Automate did not give the URL of "${RECEIVER_FLOW_NAME}" (${res.status}${body.error?.code ? ` ${body.error.code}` : ""}${body.error?.message ? `: ${body.error.message}` : ""})` };
  }
  return { url: body.value, source: "power automate" };
}

/** The URL without its signature, for the console (the sig is a secret: whoever has it can call the flow). */
export const hideSignature = (url: string): string => url.replace(/([?&]sig=)[^&]+/i, "$1…");

export interface RegistrationCheck {
  /** Partner Center's registration, if any. */
  registration?: WebhookRegistrationResponse;
  pointsHere: boolean;
  missingEvents: string[];
  /** The signature travels in x-ms-signature, where the receiver's HTTP trigger can read it (as flow 1 registers it). */
  signatureHeader: boolean;
}

export function compareRegistration(registration: WebhookRegistrationResponse | undefined, url: string): RegistrationCheck {
  const events = registration?.WebhookEvents ?? [];
  return {
    ...(registration ? { registration } : {}),
    pointsHere: !!registration && registration.WebhookUrl === url,
    missingEvents: REFERRAL_EVENT_NAMES.filter((e) => !events.includes(e)),
    signatureHeader: registration?.SignatureTokenToMsSignatureHeader === true,
  };
}

/** Registers the URL for the four referral events; "unchanged" when Partner Center already has exactly that. */
export async function registerReceiver(c: AdminClients, url: string): Promise<{ action: "registered" | "updated" | "unchanged"; replaced?: string }> {
  const current = await c.partnerCenter.getWebhookRegistration();
  const check = compareRegistration(current, url);
  if (check.pointsHere && !check.missingEvents.length && check.signatureHeader) return { action: "unchanged" };
  const registration = { WebhookUrl: url, WebhookEvents: [...REFERRAL_EVENT_NAMES], SignatureTokenToMsSignatureHeader: true };
  if (!current) {
    await c.partnerCenter.registerWebhook(registration);
    return { action: "registered" };
  }
  await c.partnerCenter.updateWebhookRegistration(registration);
  return { action: "updated", ...(current.WebhookUrl && current.WebhookUrl !== url ? { replaced: current.WebhookUrl } : {}) };
}
