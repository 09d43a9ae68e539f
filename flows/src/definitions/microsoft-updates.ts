/**
 * 5. Partner Center Microsoft Co-sell Referral Updates to Dynamics 365 (child flow): Microsoft's side
 * of an engagement changed (a related-referral event names Microsoft's referral). Reads it, finds our
 * referral in the same engagement and its opportunity, and writes the Microsoft CRM Identifier
 * (trackingInfo.microsoftMsxId) and an Audit line with Microsoft's status, only when one of them is
 * new, so repeated deliveries write nothing. Neither column starts flow 8 (they are not in its key).
 */
import { OPPORTUNITY } from "../../../plugins-ts/src/model/schema";
import { buttonTrigger, condition, dataverse, FlowSpec, foreach, query, referrals, respond, Steps } from "../builder";
import { FLOWS } from "../ids";
import { auditAlreadySays, auditColumn, auditLine, referralStatusLabel } from "../blocks/sync";
import { and, body, call, coalesce, concat, equals, ex, iff, items, lit, not, odataString, or, prop, str, tpl, triggerBody } from "../wdl";

export function microsoftUpdatesFlow(): FlowSpec {
  const steps = new Steps();
  steps.add("Get_Microsofts_referral", referrals.get(ex(prop(triggerBody(), "referralId"))));
  const M = body("Get_Microsofts_referral");
  const engagement = str(prop(M, "engagementId"));
  steps.add("List_the_engagement", referrals.list({ filter: `engagementId eq '${tpl(odataString(engagement))}'` }));
  steps.add("Our_referrals", query(ex(coalesce(prop(body("List_the_engagement"), "value"), "json('[]')")), ex(not(equals(prop("item()", "id"), prop(M, "id"))))));
  const msx = str(prop(M, "trackingInfo", "microsoftMsxId"));
  const message = concat(lit("Microsoft's side of the engagement: "), referralStatusLabel(M), iff(call("empty", msx), lit(""), concat(lit(", Microsoft CRM id "), msx)), lit("."));

  const each = new Steps();
  each.add("Find_our_opportunity", dataverse.listRecords(OPPORTUNITY.entitySetName, { select: `${OPPORTUNITY.primaryId},${OPPORTUNITY.microsoftCrmIdentifier},${OPPORTUNITY.syncAudit}`, filter: `${OPPORTUNITY.referralIdentifier} eq '${tpl(odataString(prop(items("For_each_of_our_referrals"), "id")))}'`, top: 1 }));
  const opp = call("first", coalesce(prop(body("Find_our_opportunity"), "value"), "json('[]')"));
  const write = new Steps();
  write.add(
    "Record_Microsofts_side",
    dataverse.updateOnlyRecord(OPPORTUNITY.entitySetName, ex(prop(opp, OPPORTUNITY.primaryId)), {
      [OPPORTUNITY.microsoftCrmIdentifier]: ex(iff(call("empty", msx), prop(opp, OPPORTUNITY.microsoftCrmIdentifier), msx)),
      [OPPORTUNITY.syncAudit]: ex(auditColumn(prop(opp, OPPORTUNITY.syncAudit), auditLine("PC->CRM", "Info", "microsoft", message))),
    }),
  );
  const isNew = or(not(equals(str(prop(opp, OPPORTUNITY.microsoftCrmIdentifier)), msx)), not(auditAlreadySays(prop(opp, OPPORTUNITY.syncAudit), "PC->CRM", "Info", "microsoft", message)));
  each.add("If_Microsofts_side_is_news", condition(and(not(equals(opp, "null")), isNew), write));
  steps.add("For_each_of_our_referrals", foreach(ex(body("Our_referrals")), each), { Our_referrals: ["Succeeded"] });
  steps.add("Respond", respond({ microsoftCrmIdentifier: ex(msx) }, { microsoftCrmIdentifier: { title: "Microsoft CRM Identifier", type: "string" } }), {
    For_each_of_our_referrals: ["Succeeded", "Failed", "Skipped", "TimedOut"],
  });

  return {
    id: FLOWS.microsoftUpdates.id,
    name: FLOWS.microsoftUpdates.name,
    description: "Child flow: records Microsoft's side of a co-sell engagement (Microsoft CRM Identifier, status) on the opportunity.",
    connections: ["dataverse", "referrals"],
    triggers: buttonTrigger({ referralId: { title: "Microsoft's referral", type: "string", description: "The related referral the event names" } }, ["referralId"]),
    steps,
  };
}
