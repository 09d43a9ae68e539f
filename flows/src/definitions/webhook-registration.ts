/**
 * 1. Partner Center Webhook Registration (run by an admin): registers the "Partner Center to
 * Dynamics 365" flow's HTTP URL for the referral events through the certified Partner Center Events
 * connector (ViewRegistration, EventRegistration, UpdateRegistration on /webhooks/v1/registration).
 * Partner Center keeps one URL per event ("last registration wins"), so an existing registration
 * for another URL is replaced only when the admin says Overwrite = Yes.
 * SignatureTokenToMsSignatureHeader puts the signature in x-ms-signature, which a flow's HTTP trigger
 * can see (the connector types it as a string).
 */
import { REFERRAL_EVENT_NAMES } from "../../../plugins-ts/src/partner-center/referral";
import { buttonTrigger, completed, compose, condition, events, FlowSpec, query, Steps, terminate } from "../builder";
import { FLOWS } from "../ids";
import { and, call, equals, ex, iff, isEmpty, lit, not, outputs, prop, str, trimmed, triggerBody } from "../wdl";

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
  steps.add("Get_the_current_registration", events.view());
  const view = call("outputs", lit("Get_the_current_registration"));
  // 404: nothing registered yet.
  steps.add("Current_registration", compose(ex(iff(equals(prop(view, "statusCode"), "200"), prop(view, "body"), "null"))), completed("Get_the_current_registration"));
  const current = outputs("Current_registration");
  const otherUrl = and(not(equals(current, "null")), not(call("empty", str(prop(current, "WebhookUrl")))), not(equals(str(prop(current, "WebhookUrl")), trimmed(input("endpoint")))));
  const refuse = new Steps();
  refuse.add(
    "Stop_without_overwriting",
    terminate("Failed", { code: "RegistrationExists", message: "@{concat('Partner Center already sends these events to ', outputs('Current_registration')?['WebhookUrl'], '. Run again with Overwrite = Yes to replace it (Partner Center keeps one URL per event).')}" }),
  );
  steps.add("If_another_endpoint_is_registered", condition(and(otherUrl, not(equals(input("overwrite"), "true"))), refuse));
  const registration = { WebhookUrl: ex(trimmed(input("endpoint"))), WebhookEvents: ex(call("body", lit("Requested_events"))), SignatureTokenToMsSignatureHeader: "true" };
  const update = new Steps();
  update.add("Update_the_registration", events.update(registration));
  const register = new Steps();
  register.add("Register", events.register(registration));
  steps.add("If_a_registration_exists", condition(not(equals(current, "null")), update, register));

  return {
    id: FLOWS.webhookRegistration.id,
    name: FLOWS.webhookRegistration.name,
    description: "Registers the 'Partner Center to Dynamics 365' flow's URL for Partner Center's referral events (run it once after turning the flows on).",
    connections: ["events"],
    triggers: buttonTrigger(REGISTRATION_INPUTS, ["endpoint"]),
    steps,
  };
}
