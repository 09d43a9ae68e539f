/**
 * 10. Dynamics 365 Lead to Partner Center (ours; a flow has one trigger, and leads need their own): a
 * lead that carries a Partner Center referral was closed by a seller in the CRM.
 * - Disqualified → the referral is declined (Closed / Declined, the disqualify reason as statusReason).
 * - Qualified → the referral is accepted (Active / Accepted) with the lead's revenue and closing date
 *   and the new opportunity as externalReferenceId; then the helper (flow 4) brings the accepted
 *   referral into that opportunity — customer, contacts, solutions, visibility — and turns its sync
 *   on, exactly as when the referral is accepted in Partner Center. One opportunity, carrying the
 *   referral (the solution's lead → opportunity map copied its id).
 * Both patches use If-Match with one re-read on 412.
 */
import { LEAD, SyncStatus } from "../../../plugins-ts/src/model/schema";
import { childFlow, condition, dataverse, dataverseTrigger, FlowSpec, Steps } from "../builder";
import { FLOWS } from "../ids";
import { addPatch, initPatchResult } from "../blocks/patch";
import { referralStatusLabel } from "../blocks/sync";
import { addErrorWrite, addSuccessWrite } from "../blocks/writes";
import { and, body, call, coalesce, concat, equals, ex, iff, left, lit, not, objectOf, or, prop, str } from "../wdl";

const trigger = (column: string) => `triggerOutputs()?['body/${column}']`;

export function leadTriggerFlow(): FlowSpec {
  const steps = new Steps();
  const id = trigger(LEAD.primaryId);
  steps.add("Initialize_patch_result", initPatchResult());
  steps.add(
    "Get_lead",
    dataverse.getItem(LEAD.entitySetName, ex(id), {
      select: [LEAD.referralIdentifier, LEAD.referralEtag, LEAD.syncAudit, LEAD.syncStatus, "statecode", "statuscode", "estimatedamount", "estimatedclosedate", "_qualifyingopportunityid_value"].join(","),
    }),
  );
  const lead = body("Get_lead");
  const qualified = equals(prop(lead, "statecode"), "1");
  const opportunityId = str(prop(lead, "_qualifyingopportunityid_value"));
  const reason = coalesce(prop(lead, "statuscode@OData.Community.Display.V1.FormattedValue"), lit("Disqualified"));
  const op = (path: string, value: string) => objectOf([["op", lit("replace")], ["path", lit(path)], ["value", value]]);
  const decline = call("createArray", op("/status", lit("Closed")), op("/substatus", lit("Declined")), op("/statusReason", reason));
  // The seller qualified with revenue and a closing date: they go with the acceptance.
  const closeDate = left(str(prop(lead, "estimatedclosedate")), 10);
  const accept = call(
    "union",
    call("createArray", op("/status", lit("Active")), op("/substatus", lit("Accepted")), op("/externalReferenceId", opportunityId)),
    iff(equals(prop(lead, "estimatedamount"), "null"), "json('[]')", call("createArray", op("/details/dealValue", prop(lead, "estimatedamount")))),
    iff(call("empty", closeDate), "json('[]')", call("createArray", op("/details/closingDateTime", concat(closeDate, lit("T00:00:00Z"))))),
  );
  const patch = addPatch(steps, str(prop(lead, LEAD.referralIdentifier)), prop(lead, LEAD.referralEtag), iff(qualified, accept, decline));

  const ok = new Steps();
  const accepted = new Steps();
  accepted.add("Bring_the_referral_into_the_opportunity", childFlow(FLOWS.helper.id, { referralId: ex(str(prop(lead, LEAD.referralIdentifier))) }));
  addSuccessWrite(accepted, {
    name: "Record_the_acceptance",
    entitySet: LEAD.entitySetName,
    recordId: id,
    row: lead,
    withMark: false,
    direction: "CRM->PC",
    operation: "accept",
    message: concat(lit("Lead qualified: the referral is accepted in Partner Center and carried into opportunity "), opportunityId, lit(".")),
    columns: [
      [LEAD.referralEtag, prop(patch.referral, "eTag")],
      [LEAD.referralStatus, referralStatusLabel(patch.referral)],
    ],
  });
  const declined = new Steps();
  addSuccessWrite(declined, {
    name: "Record_the_decline",
    entitySet: LEAD.entitySetName,
    recordId: id,
    row: lead,
    withMark: false,
    direction: "CRM->PC",
    operation: "decline",
    message: concat(lit("Lead disqualified ("), reason, lit("): the referral is declined in Partner Center.")),
    columns: [
      [LEAD.referralEtag, prop(patch.referral, "eTag")],
      [LEAD.referralStatus, referralStatusLabel(patch.referral)],
    ],
  });
  ok.add("If_the_lead_was_qualified", condition(qualified, accepted, declined));
  const notOk = new Steps();
  addErrorWrite(notOk, {
    name: "Record_failure",
    entitySet: LEAD.entitySetName,
    recordId: id,
    row: lead,
    withMark: false,
    direction: "CRM->PC",
    operation: "lead",
    message: patch.error,
  });
  steps.add("If_Partner_Center_took_the_change", condition(patch.ok, ok, notOk), { If_the_referral_changed_meanwhile: ["Succeeded", "Failed", "Skipped", "TimedOut"] });
  return {
    id: FLOWS.leadTrigger.id,
    name: FLOWS.leadTrigger.name,
    description: "When a lead that carries a Partner Center referral is qualified or disqualified: accepts the referral (and completes the new opportunity from it) or declines it.",
    connections: ["dataverse", "referrals", "referralsApi"],
    triggers: dataverseTrigger("When_a_lead_is_qualified_or_disqualified", {
      entity: LEAD.logicalName,
      message: 3,
      filteringAttributes: "statecode",
      conditions: [
        ex(or(equals(trigger("statecode"), "1"), equals(trigger("statecode"), "2"))),
        ex(not(call("empty", str(trigger(LEAD.referralIdentifier))))),
        ex(and(equals(trigger(LEAD.syncWithPartnerCenter), "true"), not(equals(trigger(LEAD.syncStatus), String(SyncStatus.Pending))))),
      ],
      concurrency: 1,
    }),
    steps,
  };
}

