/**
 * 9. Dynamics 365 Microsoft Solutions to Partner Center: a Microsoft Partner Center Solutions row was
 * added or removed. Finds its opportunity (for a removed row, through the row ids kept in the
 * opportunity's pcs_synchash, since a delete notification names only the row) and, when that
 * opportunity syncs and is not in the middle of an inbound update, marks it changed so flow 8 — the
 * one outbound pipeline, one run at a time — sends the new solution list.
 */
import { OPPORTUNITY, PARTNER_CENTER_SOLUTION, SyncStatus } from "../../../plugins-ts/src/model/schema";
import { condition, dataverse, dataverseTrigger, FlowSpec, initVariable, setVariable, Steps } from "../builder";
import { FLOWS } from "../ids";
import { and, body, call, coalesce, equals, ex, lit, not, prop, str, tpl, variables } from "../wdl";

const trigger = (column: string) => `triggerOutputs()?['body/${column}']`;

export function solutionsTriggerFlow(): FlowSpec {
  const steps = new Steps();
  const deleted = equals(trigger("SdkMessage"), lit("Delete"));
  const rowId = trigger(PARTNER_CENTER_SOLUTION.primaryId);
  steps.add("Initialize_opportunity", initVariable("Opportunity", "string", ex(str(trigger(`_${PARTNER_CENTER_SOLUTION.opportunity}_value`)))));
  const removed = new Steps();
  removed.add(
    "Find_the_opportunity_of_the_removed_row",
    dataverse.listRecords(OPPORTUNITY.entitySetName, { select: OPPORTUNITY.primaryId, filter: `contains(${OPPORTUNITY.syncHash},'${tpl(str(rowId))}')`, top: 1 }),
  );
  removed.add("Remember_the_opportunity", setVariable("Opportunity", ex(str(prop(call("first", coalesce(prop(body("Find_the_opportunity_of_the_removed_row"), "value"), "json('[]')")), OPPORTUNITY.primaryId)))));
  steps.add("If_the_row_was_removed", condition(deleted, removed));
  const found = new Steps();
  found.add("Get_opportunity", dataverse.getItem(OPPORTUNITY.entitySetName, ex(variables("Opportunity")), { select: `${OPPORTUNITY.syncWithPartnerCenter},${OPPORTUNITY.syncStatus}` }));
  const opp = body("Get_opportunity");
  const touch = new Steps();
  // Writing Sync with Partner Center (same value) fires flow 8, which sends the new list.
  touch.add("Mark_the_opportunity_changed", dataverse.updateOnlyRecord(OPPORTUNITY.entitySetName, ex(variables("Opportunity")), { [OPPORTUNITY.syncWithPartnerCenter]: true }));
  found.add("If_the_opportunity_syncs", condition(and(equals(prop(opp, OPPORTUNITY.syncWithPartnerCenter), "true"), not(equals(prop(opp, OPPORTUNITY.syncStatus), String(SyncStatus.Pending)))), touch));
  steps.add("If_the_opportunity_is_known", condition(not(call("empty", variables("Opportunity"))), found));

  return {
    id: FLOWS.solutionsTrigger.id,
    name: FLOWS.solutionsTrigger.name,
    description: "When a Microsoft solution is added to or removed from an opportunity: hands the opportunity to flow 8 so the solution list is sent.",
    connections: ["dataverse"],
    triggers: dataverseTrigger("When_a_solution_row_is_added_or_removed", { entity: PARTNER_CENTER_SOLUTION.logicalName, message: 5, concurrency: 1 }),
    steps,
  };
}
