/**
 * 1. Partner Center Webhook Registration (run by an admin): registers the "Partner Center to
 * Dynamics 365" flow's HTTP URL for the referral events through the documented webhook registration
 * API (https://api.partnercenter.microsoft.com/webhooks/v1/registration), called with the "HTTP with
 * Microsoft Entra ID (preauthorized)" connector: the Partner Center Events connector's operations are
 * not published. Partner Center keeps one URL per event ("last registration wins"), so an existing
 * registration for another URL is replaced only when the admin says Overwrite = Yes.
 * SignatureTokenToMsSignatureHeader puts the signature in x-ms-signature, which a flow's HTTP trigger
 * can see.
 */
import { REFERRAL_EVENT_NAMES } from "../../../plugins-ts/src/partner-center/referral";
import { buttonTrigger, completed, compose, condition, FlowSpec, invokeHttp, query, Steps, terminate } from "../builder";
import { FLOWS } from "../ids";
import { and, call, coalesce, equals, ex, iff, isEmpty, lit, not, outputs, prop, str, trimmed, triggerBody } from "../wdl";

export const REGISTRATION_INPUTS = {
  endpoint: { title: "Http Trigger Endpoint", type: "string" as const, description: "The HTTP POST URL of the 'Partner Center to Dynamics 365' flow" },
  events: { title: "Events to Register", type: "string" as const, description: `Comma-separated; empty = all: ${REFERRAL_EVENT_NAMES.join(", ")}` },
  overwrite: { title: "Overwrite existing trigger endpoints if present?", type: "boolean" as const },
};

export function webhookRegistrationFlow(): FlowSpec {
  const steps = new Steps();
  const input = (k: string) => prop(triggerBody(), k);
  const allEvents = REFERRAL_EVENT_NAMES.join(",");
  steps.add("Requested_events", query(ex(call("split", call("replace", iff(isEmpty(input("events")), lit(allEvents), str(input("events"))), lit(" "), lit("")), lit(","))), ex(not(call("empty", "item()")))));
  steps.add("Get_the_current_registration", invokeHttp("webhooksApi", "GET", "/webhooks/v1/registration"));
  steps.add(
    "Current_registration",
    compose(ex(iff(equals(prop(outputs("Get_the_current_registration"), "statusCode"), "200"), prop(outputs("Get_the_current_registration"), "body"), "null"))),
    completed("Get_the_current_registration"),
  );
  const current = outputs("Current_registration");
  const otherUrl = and(not(equals(current, "null")), not(equals(str(prop(current, "WebhookUrl")), trimmed(input("endpoint")))));
  const refuse = new Steps();
  refuse.add(
    "Stop_without_overwriting",
    terminate("Failed", { code: "RegistrationExists", message: "@{concat('Partner Center already sends these events to ', outputs('Current_registration')?['WebhookUrl'], '. Run again with Overwrite = Yes to replace it (Partner Center keeps one URL per event).')}" }),
  );
  steps.add("If_another_endpoint_is_registered", condition(and(otherUrl, not(equals(input("overwrite"), "true"))), refuse));
  const body = { WebhookUrl: ex(trimmed(input("endpoint"))), WebhookEvents: ex(call("body", lit("Requested_events"))), SignatureTokenToMsSignatureHeader: true };
  const update = new Steps();
  update.add("Update_the_registration", invokeHttp("webhooksApi", "PUT", "/webhooks/v1/registration", { headers: { "Content-Type": "application/json" }, body }));
  const register = new Steps();
  register.add("Register", invokeHttp("webhooksApi", "POST", "/webhooks/v1/registration", { headers: { "Content-Type": "application/json" }, body }));
  steps.add("If_a_registration_exists", condition(not(equals(current, "null")), update, register));
  steps.add(
    "Registration",
    compose(ex(coalesce(prop(outputs("Update_the_registration"), "body"), prop(outputs("Register"), "body")))),
  );

  return {
    id: FLOWS.webhookRegistration.id,
    name: FLOWS.webhookRegistration.name,
    description: "Registers the 'Partner Center to Dynamics 365' flow's URL for Partner Center's referral events (run it once after turning the flows on).",
    connections: ["webhooksApi"],
    triggers: buttonTrigger(REGISTRATION_INPUTS, ["endpoint"]),
    steps,
  };
}
