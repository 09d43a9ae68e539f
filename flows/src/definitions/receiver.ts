/**
 * 6. Partner Center to Dynamics 365: the webhook receiver ("When a HTTP request is received"). It
 * answers 200 at once (Partner Center retries slow or failing deliveries), then hands the referral
 * the event names to the helper (referral-created / -updated) or to flow 5 (related-referral-*:
 * Microsoft's side of an engagement). The event is trusted for nothing but the referral id: the
 * referral is always read again with our own credentials. One run at a time keeps two deliveries of
 * the same event from racing each other.
 */
import { childFlow, compose, FlowSpec, httpTrigger, Steps, switchOn } from "../builder";
import { FLOWS } from "../ids";
import { call, ex, lit, outputs, prop, str, triggerBody } from "../wdl";

export const WEBHOOK_EVENT_SCHEMA = {
  type: "object",
  properties: {
    EventName: { type: "string" },
    ResourceUri: { type: "string" },
    ResourceName: { type: "string" },
    AuditUri: { type: ["string", "null"] },
    ResourceChangeUtcDate: { type: "string" },
  },
  required: ["EventName", "ResourceUri"],
};

export function receiverFlow(): FlowSpec {
  const steps = new Steps();
  steps.add("Acknowledge", { type: "Response", kind: "Http", inputs: { statusCode: 200, body: { status: "accepted" } } });
  steps.add("Referral_id", compose(ex(call("last", call("split", str(prop(triggerBody(), "ResourceUri")), lit("/"))))));
  const helper = () => {
    const s = new Steps();
    s.add("Bring_the_referral_in", childFlow(FLOWS.helper.id, { referralId: ex(outputs("Referral_id")), changedOn: ex(str(prop(triggerBody(), "ResourceChangeUtcDate"))) }));
    return s;
  };
  const related = () => {
    const s = new Steps();
    s.add("Bring_Microsofts_side_in", childFlow(FLOWS.microsoftUpdates.id, { referralId: ex(outputs("Referral_id")) }));
    return s;
  };
  steps.add(
    "Route_the_event",
    switchOn(ex(str(prop(triggerBody(), "EventName"))), {
      Referral_created: { value: "referral-created", steps: helper() },
      Referral_updated: { value: "referral-updated", steps: rename(helper(), "Bring_the_updated_referral_in") },
      Related_referral_created: { value: "related-referral-created", steps: related() },
      Related_referral_updated: { value: "related-referral-updated", steps: rename(related(), "Bring_Microsofts_updated_side_in") },
    }),
  );
  return {
    id: FLOWS.receiver.id,
    name: FLOWS.receiver.name,
    description: "Webhook receiver for Partner Center referral events: acknowledges at once, then brings the named referral into Dynamics 365.",
    connections: [],
    triggers: httpTrigger(WEBHOOK_EVENT_SCHEMA, { concurrency: { runs: 1 } }),
    steps,
  };
}

/** Action names are unique per flow: the second case's copy gets its own name. */
function rename(steps: Steps, name: string): Steps {
  const out = new Steps();
  for (const [, action] of Object.entries(steps.actions)) out.add(name, { ...action, runAfter: undefined });
  return out;
}
