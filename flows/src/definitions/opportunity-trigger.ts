/**
 * 8. Dynamics 365 Opportunity to Partner Center: the one outbound pipeline. A row trigger on
 * opportunity (added or modified, only the synced columns as filtering attributes — never the sync's
 * own pcs_ bookkeeping columns), one run at a time, and only for opportunities that sync and are not
 * in the middle of an inbound update (pcs_syncstatus Pending). Not shared yet → flow 2 (create);
 * shared → flow 7 (changed fields only).
 */
import { OPPORTUNITY, SyncStatus } from "../../../plugins-ts/src/model/schema";
import { configuredColumn, childFlow, condition, dataverseTrigger, FlowSpec, Steps } from "../builder";
import { FLOWS } from "../ids";
import { call, coalesce, equals, ex, not, tpl } from "../wdl";

/** The columns whose change can change the referral (the deal value column comes from its environment variable). */
export const OPPORTUNITY_SYNCED_COLUMNS = [
  "name",
  "description",
  "estimatedclosedate",
  "transactioncurrencyid",
  "parentcontactid",
  "customerid",
  "salesstage",
  "statecode",
  "statuscode",
  OPPORTUNITY.syncWithPartnerCenter,
  OPPORTUNITY.microsoftHelp,
  OPPORTUNITY.referralVisibility,
];

const body = (column: string) => `triggerOutputs()?['body/${column}']`;

export function opportunityTriggerFlow(): FlowSpec {
  const steps = new Steps();
  const id = body(OPPORTUNITY.primaryId);
  const notShared = call("empty", coalesce(body(OPPORTUNITY.referralIdentifier), "''"));
  const create = new Steps();
  create.add("Create_the_referral", childFlow(FLOWS.createReferral.id, { opportunityId: ex(id) }));
  const update = new Steps();
  update.add("Send_the_changes", childFlow(FLOWS.updateReferral.id, { opportunityId: ex(id) }));
  steps.add("If_the_opportunity_is_not_shared_yet", condition(notShared, create, update));
  return {
    id: FLOWS.opportunityTrigger.id,
    name: FLOWS.opportunityTrigger.name,
    description: "When a synced opportunity is added or changed: creates its referral (flow 2) or sends the changed fields (flow 7). One run at a time.",
    connections: ["dataverse"],
    environmentVariables: ["dealValueField"],
    triggers: dataverseTrigger("When_an_opportunity_is_added_or_modified", {
      entity: OPPORTUNITY.logicalName,
      message: 4,
      filteringAttributes: `${OPPORTUNITY_SYNCED_COLUMNS.join(",")},${tpl(configuredColumn("dealValueField"))}`,
      conditions: [ex(equals(body(OPPORTUNITY.syncWithPartnerCenter), "true")), ex(not(equals(body(OPPORTUNITY.syncStatus), String(SyncStatus.Pending))))],
      concurrency: 1,
    }),
    steps,
  };
}
