/**
 * The webhook step, as the admin does it after turning the flows on (Microsoft's set-up guide):
 * copy the HTTP POST URL of "Partner Center to Dynamics 365" (the receiver's trigger callback URL),
 * run "Partner Center Webhook Registration" with it, the events to register and "Overwrite existing
 * trigger endpoints" = Yes, then check Partner Center now names that URL.
 *
 * The callback URL comes from the flow runner (POST /workflows/{id}/triggers/{t}/listCallbackUrl,
 * Power Automate's listCallbackUrl). The registration flow's inputs are matched by the titles of its
 * manual trigger's schema (Http Trigger Endpoint / Events to Register / Overwrite …), and each value
 * is written in the type the schema asks for (text, array, Yes/No choice or boolean).
 */
import { REFERRAL_EVENT_NAMES } from "../../../plugins-ts/src/partner-center/referral";
import type { SolutionFlow } from "./flows";

export const REGISTRATION_FLOW_NAME = "Partner Center Webhook Registration";
export const RECEIVER_FLOW_NAME = "Partner Center to Dynamics 365";
/** The four referral events the sync handles (Partner Center webhook event names). */
export const REFERRAL_EVENTS: readonly string[] = REFERRAL_EVENT_NAMES;

export interface WebhookOutcome {
  status: "registered" | "not registered";
  /** The receiver's callback URL (with its sig). */
  callbackUrl?: string;
  events?: string[];
  registrationRunId?: string;
  message: string;
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | undefined => (v && typeof v === "object" && !Array.isArray(v) ? (v as Json) : undefined);

export const findFlowByName = (flows: readonly SolutionFlow[], name: string): SolutionFlow | undefined =>
  flows.find((f) => f.name.trim().toLowerCase() === name.toLowerCase());

type Role = "endpoint" | "events" | "overwrite";
const ROLE_PATTERNS: Array<[Role, RegExp]> = [
  ["overwrite", /overwrite/i],
  ["events", /event/i],
  ["endpoint", /endpoint|url|callback/i],
];

function valueFor(role: Role, schema: Json, callbackUrl: string, events: readonly string[]): { value: unknown } | { error: string } {
  const type = String(schema.type ?? "string").toLowerCase();
  const choices = Array.isArray(schema.enum) ? (schema.enum as unknown[]).map(String) : [];
  const title = String(schema.title ?? "");
  if (role === "endpoint") return { value: callbackUrl };
  if (role === "events") {
    if (type === "array") return { value: [...events] };
    const joined = events.join(",");
    if (!choices.length || choices.includes(joined)) return { value: joined };
    const all = choices.find((c) => /\ball\b/i.test(c) || events.every((e) => c.includes(e)));
    return all ? { value: all } : { error: `'${title}' offers only ${choices.map((c) => `'${c}'`).join(", ")}, none of which names all of ${joined}` };
  }
  if (type === "boolean") return { value: true };
  if (!choices.length) return { value: "Yes" };
  const yes = choices.find((c) => /^(yes|true)$/i.test(c));
  return yes ? { value: yes } : { error: `'${title}' offers ${choices.map((c) => `'${c}'`).join(", ")}, none of which is Yes` };
}

/**
 * The registration flow's trigger inputs: one value per schema property, matched by title (or key).
 * Fails with the names of required inputs it cannot fill.
 */
export function registrationInputs(schema: Json | undefined, callbackUrl: string, events: readonly string[] = REFERRAL_EVENTS): { inputs: Json } | { error: string } {
  const props = obj(schema?.properties) ?? {};
  const required = new Set(Array.isArray(schema?.required) ? (schema!.required as string[]) : []);
  const inputs: Json = {};
  const found = new Set<Role>();
  const unknown: string[] = [];
  for (const [key, p] of Object.entries(props)) {
    const ps = obj(p) ?? {};
    // the title is what the admin sees; the description and key only when there is no title
    const label = typeof ps.title === "string" && ps.title.trim() ? ps.title : `${String(ps.description ?? "")} ${key}`;
    const role = ROLE_PATTERNS.find(([r, re]) => !found.has(r) && re.test(label))?.[0];
    if (!role) {
      if (required.has(key)) unknown.push(`'${String(ps.title ?? key)}'`);
      continue;
    }
    found.add(role);
    const v = valueFor(role, ps, callbackUrl, events);
    if ("error" in v) return { error: `its input ${v.error}` };
    inputs[key] = v.value;
  }
  if (unknown.length) return { error: `its manual trigger asks for ${unknown.join(", ")}, which the sandbox does not know how to fill (it fills the endpoint URL, the events and the overwrite choice)` };
  if (!found.has("endpoint")) return { error: "its manual trigger has no input for the HTTP trigger endpoint (a property titled like 'Http Trigger Endpoint')" };
  return { inputs };
}

export interface WebhookTargets {
  runnerUrl: string;
  partnerCenter: { partnerCenterBaseUrl: string; token: string };
}

async function json(res: Response): Promise<Json> {
  const text = await res.text();
  try {
    return (obj(JSON.parse(text)) ?? {}) as Json;
  } catch {
    return { text };
  }
}

const errorText = (body: Json): string => String(obj(body.error)?.message ?? body.message ?? body.text ?? JSON.stringify(body));

/** Runs the registration flow with the receiver's callback URL; never throws for a flow-level problem. */
export async function registerWebhook(flows: readonly SolutionFlow[], on: ReadonlySet<string>, t: WebhookTargets): Promise<WebhookOutcome> {
  const receiver = findFlowByName(flows, RECEIVER_FLOW_NAME);
  const registration = findFlowByName(flows, REGISTRATION_FLOW_NAME);
  const missing = [!receiver && RECEIVER_FLOW_NAME, !registration && REGISTRATION_FLOW_NAME].filter(Boolean).map((n) => `"${n}"`);
  if (missing.length) return { status: "not registered", message: `webhook not registered: the solution has no flow ${missing.join(" and no flow ")} yet` };
  if (!on.has(receiver!.id)) return { status: "not registered", message: `webhook not registered: "${RECEIVER_FLOW_NAME}" is not on, so it has no callback URL` };
  if (!on.has(registration!.id)) return { status: "not registered", message: `webhook not registered: "${REGISTRATION_FLOW_NAME}" is not on` };
  const trig = receiver!.trigger;
  if (!trig || trig.type.toLowerCase() !== "request" || (trig.kind ?? "Http").toLowerCase() !== "http") {
    return { status: "not registered", message: `webhook not registered: "${RECEIVER_FLOW_NAME}" does not have an HTTP request trigger (it has ${trig ? `${trig.type}/${trig.kind ?? "-"}` : "none"})` };
  }

  const cb = await fetch(`${t.runnerUrl}/workflows/${receiver!.id}/triggers/${encodeURIComponent(trig.name)}/listCallbackUrl`, { method: "POST", headers: { "Content-Type": "application/json" } });
  const cbBody = await json(cb);
  if (!cb.ok || typeof cbBody.value !== "string") return { status: "not registered", message: `webhook not registered: the flow runner gave no callback URL for "${RECEIVER_FLOW_NAME}": ${errorText(cbBody)}` };
  const callbackUrl = cbBody.value;

  const inputs = registrationInputs(registration!.trigger?.inputsSchema, callbackUrl);
  if ("error" in inputs) return { status: "not registered", callbackUrl, message: `webhook not registered: cannot run "${REGISTRATION_FLOW_NAME}": ${inputs.error}` };

  const run = await fetch(`${t.runnerUrl}/workflows/${registration!.id}/run`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(inputs.inputs) });
  const runBody = await json(run);
  const runId = typeof runBody.runId === "string" ? runBody.runId : undefined;
  if (!run.ok || runBody.status !== "Succeeded") {
    const why = run.ok ? `the run ended ${String(runBody.status)}${runBody.error ? `: ${errorText({ error: runBody.error })}` : ""}` : errorText(runBody);
    return { status: "not registered", callbackUrl, registrationRunId: runId, message: `webhook not registered: "${REGISTRATION_FLOW_NAME}" failed: ${why}${runId ? ` (history: ${t.runnerUrl}/runs/${runId}?format=text)` : ""}` };
  }

  // what Partner Center now has
  const reg = await fetch(`${t.partnerCenter.partnerCenterBaseUrl}/webhooks/v1/registration`, { headers: { Authorization: `Bearer ${t.partnerCenter.token}`, Accept: "application/json" } });
  const regBody = await json(reg);
  const url = regBody.WebhookUrl ?? regBody.webhookUrl;
  const events = (regBody.WebhookEvents ?? regBody.webhookEvents) as string[] | undefined;
  if (!reg.ok || url !== callbackUrl) {
    return {
      status: "not registered",
      callbackUrl,
      registrationRunId: runId,
      message: `webhook not registered: "${REGISTRATION_FLOW_NAME}" succeeded (run ${runId}) but Partner Center ${reg.ok ? `names ${String(url)}` : `has no registration (${reg.status})`}, not the receiver's callback URL`,
    };
  }
  const notRegistered = REFERRAL_EVENTS.filter((e) => !(events ?? []).includes(e));
  return {
    status: "registered",
    callbackUrl,
    events: events ?? [],
    registrationRunId: runId,
    message: `webhook registered by "${REGISTRATION_FLOW_NAME}" (run ${runId}): ${(events ?? []).join(", ")} → "${RECEIVER_FLOW_NAME}"${notRegistered.length ? ` (not registered: ${notRegistered.join(", ")})` : ""}`,
  };
}
