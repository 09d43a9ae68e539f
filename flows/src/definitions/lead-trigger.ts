/**
 * 10. Dynamics 365 Lead to Partner Center (ours; a flow has one trigger, and leads need their own): a
 * lead that carries a Partner Center referral was closed by a seller in the CRM.
 * - Disqualified → the referral is declined (Closed / Declined, the disqualify reason as statusReason).
 * - Qualified → the referral is accepted (Active / Accepted) with the lead's revenue and closing date
 *   and the new opportunity as externalReferenceId; then the helper (flow 4) brings the accepted
 *   referral into that opportunity (customer, contacts, solutions, visibility) exactly as when the
 *   referral is accepted in Partner Center. One opportunity, carrying the referral (the solution's
 *   lead → opportunity map copied its id).
 * The trigger's row is the lead as closed: no read is needed.
 */
import { LEAD, SyncStatus } from "../../../plugins-ts/src/model/schema";
import { childFlow, condition, dataverse, dataverseTrigger, FlowSpec, referrals, Steps } from "../builder";
import { FLOWS } from "../ids";
import { partnerCenterError } from "../blocks/patch";
import { auditColumn, auditLine } from "../blocks/sync";
import { and, call, coalesce, concat, equals, ex, iff, left, lit, not, objectOf, or, prop, str, triggerBody } from "../wdl";

export function leadTriggerFlow(): FlowSpec {
  const steps = new Steps();
  const lead = triggerBody();
  const id = prop(lead, LEAD.primaryId);
  const referralId = str(prop(lead, LEAD.referralIdentifier));
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
  steps.add("Tell_Partner_Center", referrals.patch(ex(referralId), ex(iff(qualified, accept, decline))));
  const writeLead = (status: number, line: string) =>
    dataverse.updateOnlyRecord(LEAD.entitySetName, ex(id), {
      [LEAD.syncStatus]: ex(String(status)),
      [LEAD.syncAudit]: ex(auditColumn(prop(lead, LEAD.syncAudit), line)),
      [LEAD.referralStatus]: ex(iff(qualified, lit("Active / Accepted"), lit("Closed / Declined"))),
    });
  const accepted = new Steps();
  accepted.add("Bring_the_referral_into_the_opportunity", childFlow(FLOWS.helper.id, { referralId: ex(referralId) }));
  accepted.add("Record_the_acceptance", writeLead(SyncStatus.Synced, auditLine("CRM->PC", "Success", "accept", concat(lit("Lead qualified: the referral is accepted in Partner Center and carried into opportunity "), opportunityId, lit(".")))));
  const declined = new Steps();
  declined.add("Record_the_decline", writeLead(SyncStatus.Synced, auditLine("CRM->PC", "Success", "decline", concat(lit("Lead disqualified ("), reason, lit("): the referral is declined in Partner Center.")))));
  steps.onFailure("Tell_Partner_Center", "Record_the_failure", writeLead(SyncStatus.Error, auditLine("CRM->PC", "Error", "lead", partnerCenterError(call("outputs", lit("Tell_Partner_Center"))))));
  steps.add("If_the_lead_was_qualified", condition(qualified, accepted, declined));
  return {
    id: FLOWS.leadTrigger.id,
    name: FLOWS.leadTrigger.name,
    description: "When a lead that carries a Partner Center referral is qualified or disqualified: accepts the referral (and completes the new opportunity from it) or declines it.",
    connections: ["dataverse", "referrals"],
    triggers: dataverseTrigger("When_a_lead_is_qualified_or_disqualified", {
      entity: LEAD.logicalName,
      message: 3,
      filteringAttributes: "statecode",
      conditions: [
        ex(or(equals(prop(lead, "statecode"), "1"), equals(prop(lead, "statecode"), "2"))),
        ex(and(not(call("empty", referralId)), equals(prop(lead, LEAD.syncWithPartnerCenter), "true"))),
      ],
    }),
    steps,
  };
}
