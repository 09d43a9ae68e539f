/**
 * 10. Dynamics 365 Lead to Partner Center (ours; a flow has one trigger, and leads need their own):
 * a lead that carries a Partner Center referral was disqualified → the referral is declined
 * (Closed / Declined, the disqualify reason as statusReason), with If-Match and one re-read on 412.
 * Qualifying a lead needs no flow of its own: QualifyLead creates the opportunity, the solution's lead
 * → opportunity map carries the referral across, and flow 8 sends the acceptance.
 */
import { LEAD, SyncStatus } from "../../../../plugins-ts/src/model/schema";
import { condition, dataverse, dataverseTrigger, FlowSpec, Steps } from "../builder";
import { FLOWS } from "../ids";
import { addPatch, initPatchResult } from "../blocks/patch";
import { referralStatusLabel } from "../blocks/sync";
import { addErrorWrite, addSuccessWrite } from "../blocks/writes";
import { and, body, call, coalesce, concat, equals, ex, lit, not, objectOf, prop, str } from "../wdl";

const trigger = (column: string) => `triggerOutputs()?['body/${column}']`;

export function leadTriggerFlow(): FlowSpec {
  const steps = new Steps();
  const id = trigger(LEAD.primaryId);
  steps.add("Initialize_patch_result", initPatchResult());
  steps.add("Get_lead", dataverse.getItem(LEAD.entitySetName, ex(id), { select: [LEAD.referralIdentifier, LEAD.referralEtag, LEAD.syncAudit, LEAD.syncStatus, "statecode", "statuscode"].join(",") }));
  const lead = body("Get_lead");
  const reason = coalesce(prop(lead, "statuscode@OData.Community.Display.V1.FormattedValue"), lit("Disqualified"));
  const operations = call(
    "createArray",
    objectOf([["op", lit("replace")], ["path", lit("/status")], ["value", lit("Closed")]]),
    objectOf([["op", lit("replace")], ["path", lit("/substatus")], ["value", lit("Declined")]]),
    objectOf([["op", lit("replace")], ["path", lit("/statusReason")], ["value", reason]]),
  );
  const patch = addPatch(steps, str(prop(lead, LEAD.referralIdentifier)), prop(lead, LEAD.referralEtag), operations);
  const ok = new Steps();
  addSuccessWrite(ok, {
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
  const notOk = new Steps();
  addErrorWrite(notOk, { name: "Record_failure", entitySet: LEAD.entitySetName, recordId: id, row: lead, withMark: false, direction: "CRM->PC", operation: "decline", message: patch.error });
  steps.add("If_Partner_Center_took_the_decline", condition(patch.ok, ok, notOk), { If_the_referral_changed_meanwhile: ["Succeeded", "Failed", "Skipped", "TimedOut"] });

  return {
    id: FLOWS.leadTrigger.id,
    name: FLOWS.leadTrigger.name,
    description: "When a lead that carries a Partner Center referral is disqualified: declines the referral in Partner Center.",
    connections: ["dataverse", "referrals", "referralsApi"],
    triggers: dataverseTrigger("When_a_lead_is_disqualified", {
      entity: LEAD.logicalName,
      message: 3,
      filteringAttributes: "statecode",
      conditions: [
        ex(equals(trigger("statecode"), "2")),
        ex(not(call("empty", str(trigger(LEAD.referralIdentifier))))),
        ex(and(equals(trigger(LEAD.syncWithPartnerCenter), "true"), not(equals(trigger(LEAD.syncStatus), String(SyncStatus.Pending))))),
      ],
      concurrency: 1,
    }),
    steps,
  };
}
