/**
 * 8. Dynamics 365 Opportunity to Partner Center: the outbound pipeline.
 *
 * Trigger: an opportunity added or modified, on the columns a referral is made of (and the sync
 * record), no concurrency limit (Power Automate keeps at most 10 + runs waiting behind a limit and
 * may drop the rest). Its conditions start a run only for an opportunity that syncs and whose synced
 * columns differ from the ones the sync last saw (rulebook/sync-record.ts): a save that changes
 * nothing synced, and every write the sync makes itself, start no run and cost nothing.
 *
 * Everything happens here, inline (a child flow would cost three more requests per change): the
 * referral created when there is none yet, the changes sent when there is (blocks/outbound.ts and
 * blocks/create.ts, the steps flow 2 also holds).
 */
import { OPPORTUNITY } from "../../../plugins-ts/src/model/schema";
import { CRM_KEY_COLUMNS } from "../../../plugins-ts/src/rulebook/sync-record";
import { configuredColumn, dataverseTrigger, FlowSpec, Steps } from "../builder";
import { FLOWS } from "../ids";
import { addOutboundSync } from "../blocks/outbound";
import { keyChangedCondition } from "../blocks/record";
import { call, equals, ex, not, prop, str, tpl, triggerBody } from "../wdl";

/** The trigger's filtering columns: every column of the CRM key (lookups by name, the deal value column from its variable), and the sync record. */
export const OPPORTUNITY_TRIGGER_COLUMNS = [
  ...CRM_KEY_COLUMNS.map(([c]) => (c === "dealValue" ? tpl(configuredColumn("dealValueField")) : c.replace(/^_(.*)_value$/, "$1"))),
  OPPORTUNITY.syncHash,
];

export function opportunityTriggerFlow(): FlowSpec {
  const steps = new Steps();
  const row = triggerBody();
  const id = prop(row, OPPORTUNITY.primaryId);
  addOutboundSync(steps, { opportunityId: id, examine: "columns", create: true });
  return {
    id: FLOWS.opportunityTrigger.id,
    name: FLOWS.opportunityTrigger.name,
    description: "When a synced opportunity's referral columns change: creates its referral (flow 2) or sends the changed fields.",
    connections: ["dataverse", "referrals"],
    environmentVariables: ["displayCheckMark", "dealValueField", "customerCountryCodeField"],
    triggers: dataverseTrigger("When_an_opportunity_is_added_or_modified", {
      entity: OPPORTUNITY.logicalName,
      message: 4,
      filteringAttributes: OPPORTUNITY_TRIGGER_COLUMNS.join(","),
      conditions: [
        ex(equals(prop(row, OPPORTUNITY.syncWithPartnerCenter), "true")),
        ex(keyChangedCondition(row)),
        // Made from a lead (the entity map copies the referral id, not the sync record): the helper completes it first.
        ex(call("or", call("empty", str(prop(row, OPPORTUNITY.referralIdentifier))), not(call("empty", str(prop(row, OPPORTUNITY.syncHash)))))),
      ],
    }),
    steps,
  };
}
