/**
 * 6. Partner Center to Dynamics 365: the webhook receiver ("When a HTTP request is received", callable
 * by anyone with its signed URL: Partner Center sends no Entra ID token). It answers 200 at once
 * (Partner Center retries slow or failing deliveries), then:
 * - referral-created / referral-updated: finds the opportunity that carries the referral; an event no
 *   newer than the version the CRM holds is an echo of the sync's own change or a repeat, and stops
 *   there; otherwise the referral is read and brought in, inline for an existing opportunity
 *   (blocks/inbound.ts), and for a referral no opportunity carries (new, or a lead's) with the helper's
 *   steps (helper.ts addBringIn: one source, no child-flow call); an opportunity the helper is
 *   completing from a lead waits a minute first (the event may be that write's echo);
 * - related-referral-*: Microsoft's side of the engagement goes to flow 5.
 * The event is trusted for nothing but the referral id: the referral is read with our own
 * credentials. No concurrency limit: Power Automate would drop events beyond 10 waiting runs.
 */
import { OPPORTUNITY } from "../../../plugins-ts/src/model/schema";
import { childFlow, condition, dataverse, delay, FlowSpec, httpTrigger, referrals, Steps, switchOn } from "../builder";
import { FLOWS } from "../ids";
import { addInboundSync, OPPORTUNITY_EXPAND } from "../blocks/inbound";
import { addBringIn } from "./helper";
import { storedRecord } from "../blocks/record";
import { and, body, call, coalesce, equals, ex, iff, isEmpty, lit, not, odataString, prop, str, tpl, triggerBody } from "../wdl";

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

const event = (k: string) => prop(triggerBody(), k);
/** The referral id: the last segment of the event's ResourceUri. */
export const EVENT_REFERRAL_ID = call("last", call("split", str(event("ResourceUri")), lit("/")));
const ticksOf = (date: string) => call("ticks", iff(isEmpty(date), lit("1900-01-01T00:00:00Z"), str(date)));

const findOpportunity = () =>
  dataverse.listRecords(OPPORTUNITY.entitySetName, { filter: `${OPPORTUNITY.referralIdentifier} eq '${tpl(odataString(EVENT_REFERRAL_ID))}'`, expand: OPPORTUNITY_EXPAND(), top: 1 });

/** The version the CRM holds is this change or newer: an echo of the sync's own write, or a repeat. */
function heldBy(opp: string): string {
  const held = prop(storedRecord(prop(opp, OPPORTUNITY.syncHash)), "updated");
  return and(not(isEmpty(event("ResourceChangeUtcDate"))), not(isEmpty(held)), call("lessOrEquals", ticksOf(event("ResourceChangeUtcDate")), ticksOf(held)));
}

export function receiverFlow(): FlowSpec {
  const steps = new Steps();
  steps.add("Acknowledge", { type: "Response", kind: "Http", inputs: { statusCode: 200, body: { status: "accepted" } } });

  steps.add("Find_the_opportunity", findOpportunity());
  const opp = call("first", coalesce(prop(body("Find_the_opportunity"), "value"), "json('[]')"));
  const alreadyHeld = heldBy(opp);
  const inline = new Steps();
  inline.add("Get_the_referral", referrals.get(ex(EVENT_REFERRAL_ID)));
  addInboundSync(inline, { referral: body("Get_the_referral"), opportunity: opp });
  // No opportunity carries it: a new referral, brought in here at once with the helper's steps (no
  // child-flow call). The echo of a create flows 2 and 8 are recording right now is found there too:
  // the referral's externalReferenceId names the opportunity, which is left to its create (one read,
  // only in that race).
  const fresh = new Steps();
  addBringIn(fresh, EVENT_REFERRAL_ID, { get: "Get_the_new_referral", find: "Find_the_opportunity_it_names", carried: "the helper" });
  // An opportunity carries it without a sync record: one made from a lead, which the helper is
  // completing right now. A minute's pause lets the helper find this version held, without a read.
  const unknown = new Steps();
  unknown.add("Wait_for_a_referral_being_created", delay(1, "Minute"));
  unknown.add("Find_the_opportunity_again", findOpportunity());
  const again = call("first", coalesce(prop(body("Find_the_opportunity_again"), "value"), "json('[]')"));
  const bringIn = new Steps();
  bringIn.add("Bring_the_new_referral_in", childFlow(FLOWS.helper.id, { referralId: ex(EVENT_REFERRAL_ID), changedOn: ex(str(event("ResourceChangeUtcDate"))) }));
  // Recorded meanwhile with this version or a newer one (the echo of a create): nothing to do.
  unknown.add("If_it_is_still_new", condition(not(heldBy(again)), bringIn));
  // One Switch routes everything (each routing step is a request): Microsoft's side goes to flow 5; an
  // opportunity the sync knows brings the change in here; none yet, or one made from a lead that the sync
  // has not completed, goes to the helper; a version the CRM already holds (an echo of the sync's own
  // change, or a repeat) stops here.
  const related = new Steps();
  related.add("Bring_Microsofts_side_in", childFlow(FLOWS.microsoftUpdates.id, { referralId: ex(EVENT_REFERRAL_ID) }));
  const name = str(event("EventName"));
  const kind = iff(
    call("startsWith", name, lit("related-referral-")),
    lit("microsoft"),
    iff(not(call("startsWith", name, lit("referral-"))), lit("other"), iff(equals(opp, "null"), lit("new"), iff(equals(prop(storedRecord(prop(opp, OPPORTUNITY.syncHash)), "pc"), "null"), lit("completing"), iff(alreadyHeld, lit("held"), lit("changed"))))),
  );
  steps.add(
    "Route_the_event",
    switchOn(ex(kind), {
      Changed: { value: "changed", steps: inline },
      New: { value: "new", steps: fresh },
      Being_completed: { value: "completing", steps: unknown },
      Microsofts_side: { value: "microsoft", steps: related },
    }),
  );

  return {
    id: FLOWS.receiver.id,
    name: FLOWS.receiver.name,
    description: "Webhook receiver for Partner Center referral events: acknowledges at once, then brings the named referral into Dynamics 365.",
    connections: ["dataverse", "referrals"],
    environmentVariables: ["displayCheckMark", "dealValueField", "customerCountryCodeField"],
    triggers: httpTrigger(WEBHOOK_EVENT_SCHEMA),
    steps,
  };
}
