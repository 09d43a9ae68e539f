/**
 * 9. Dynamics 365 Microsoft Solutions to Partner Center: a Microsoft Partner Center Solutions row was
 * added or removed. Finds its opportunity (for a removed row, through the sync record, which keeps
 * the rows it last read: a Dataverse delete notification names only the deleted row) and, when that
 * opportunity is shared, sends the new solution list with the rest of its changes (blocks/outbound.ts,
 * inline: a child flow would cost three more requests). Not shared yet: when its last create stopped
 * at a rule, flow 2 creates the referral now; when a create is under way (and may have read the
 * solutions before this row), this run waits a minute at a time and sends what that run missed.
 */
import { OPPORTUNITY, PARTNER_CENTER_SOLUTION } from "../../../plugins-ts/src/model/schema";
import { BEING_WRITTEN } from "../../../plugins-ts/src/rulebook/sync-record";
import { childFlow, condition, dataverse, dataverseTrigger, delay, FlowSpec, Steps, switchOn, until } from "../builder";
import { FLOWS } from "../ids";
import { storedRecord } from "../blocks/record";
import { addOutboundSync } from "../blocks/outbound";
import { and, body, call, coalesce, concat, equals, ex, iff, lit, NEWLINE, not, odataString, or, prop, str, tpl, triggerBody } from "../wdl";

export function solutionsTriggerFlow(): FlowSpec {
  const steps = new Steps();
  const row = triggerBody();
  const deleted = equals(prop(row, "SdkMessage"), lit("Delete"));
  const filter = iff(
    deleted,
    concat(lit(`contains(${OPPORTUNITY.syncHash},'`), odataString(prop(row, PARTNER_CENTER_SOLUTION.primaryId)), lit("')")),
    concat(lit(`${OPPORTUNITY.primaryId} eq `), str(prop(row, `_${PARTNER_CENTER_SOLUTION.opportunity}_value`))),
  );
  steps.add(
    "Find_the_opportunity",
    dataverse.listRecords(OPPORTUNITY.entitySetName, {
      select: [OPPORTUNITY.primaryId, OPPORTUNITY.syncWithPartnerCenter, OPPORTUNITY.referralIdentifier, OPPORTUNITY.syncHash, OPPORTUNITY.syncAudit].join(","),
      filter: tpl(filter),
      top: 1,
    }),
  );
  const opp = call("first", coalesce(prop(body("Find_the_opportunity"), "value"), "json('[]')"));
  // Not shared, and its last create stopped at a rule (no solution, say): this row may be what it
  // waited for, so flow 2 creates now. Otherwise a create is under way (or has not begun): flow 2 would
  // only race it, so this run waits for it and sends the row if it read the solutions too early.
  const waitedForASolution = call("contains", call("first", call("split", str(prop(opp, OPPORTUNITY.syncAudit)), NEWLINE)), lit(" | CRM->PC | Error | validate | "));
  const shared = new Steps();
  addOutboundSync(shared, { opportunityId: prop(opp, OPPORTUNITY.primaryId), examine: "solutions" });
  const notShared = new Steps();
  const createNow = new Steps();
  createNow.add("Create_the_referral", childFlow(FLOWS.createReferral.id, { opportunityId: ex(prop(opp, OPPORTUNITY.primaryId)) }));
  notShared.add("If_its_create_stopped_at_a_rule", condition(waitedForASolution, createNow));
  // Another run was creating it and may have read the solutions before this row: once it is done, send what it missed.
  const afterThatRun = new Steps();
  // A minute at a time, until that run has written the referral id (a create takes seconds; the claim is taken over after 15 minutes).
  const wait = new Steps();
  wait.add("Wait_a_minute", delay(1, "Minute"));
  wait.add("Read_the_opportunity_again", dataverse.getItem(OPPORTUNITY.entitySetName, ex(prop(opp, OPPORTUNITY.primaryId)), { select: [OPPORTUNITY.referralIdentifier, OPPORTUNITY.syncHash].join(",") }));
  afterThatRun.add("Until_that_run_is_done", until(not(call("empty", str(prop(body("Read_the_opportunity_again"), OPPORTUNITY.referralIdentifier)))), wait, 16, "PT20M"));
  const again = body("Read_the_opportunity_again");
  const ids = { opportunityId: ex(prop(opp, OPPORTUNITY.primaryId)) };
  // The record keeps the solution rows the create read: did it see this change?
  const seen = call("contains", str(prop(storedRecord(prop(again, OPPORTUNITY.syncHash)), "rows")), str(prop(row, PARTNER_CENTER_SOLUTION.primaryId)));
  const sawIt = iff(deleted, not(seen), seen);
  const sendMissed = new Steps();
  sendMissed.add("Send_what_it_missed", childFlow(FLOWS.updateReferral.id, ids));
  const createAgain = new Steps();
  createAgain.add("Create_it_again", childFlow(FLOWS.createReferral.id, ids));
  afterThatRun.add(
    "What_that_run_left",
    switchOn(ex(iff(call("empty", str(prop(again, OPPORTUNITY.referralIdentifier))), lit("no referral yet"), iff(sawIt, lit("nothing"), lit("this change")))), {
      This_change: { value: "this change", steps: sendMissed },
      No_referral_yet: { value: "no referral yet", steps: createAgain },
    }),
  );
  // A create under way (flow 8's, or one flow 2 found): it may have read the solutions before this row.
  notShared.add("If_another_run_is_creating_it", condition(or(not(waitedForASolution), equals(prop(body("Create_the_referral"), "leftToAnotherRun"), "true")), afterThatRun));
  // A row the inbound sync links while it writes the opportunity is its own: nothing to send.
  const beingWritten = call("contains", str(prop(opp, OPPORTUNITY.syncHash)), lit(BEING_WRITTEN));
  const syncs = and(not(equals(opp, "null")), equals(prop(opp, OPPORTUNITY.syncWithPartnerCenter), "true"), not(beingWritten));
  steps.add(
    "Route_by_the_opportunity",
    switchOn(ex(iff(syncs, iff(call("empty", str(prop(opp, OPPORTUNITY.referralIdentifier))), lit("not shared"), lit("shared")), lit("not synced"))), {
      Shared: { value: "shared", steps: shared },
      Not_shared: { value: "not shared", steps: notShared },
    }),
  );
  return {
    id: FLOWS.solutionsTrigger.id,
    name: FLOWS.solutionsTrigger.name,
    description: "When a Microsoft solution is added to or removed from a shared opportunity: sends the new solution list to Partner Center.",
    connections: ["dataverse", "referrals"],
    environmentVariables: ["displayCheckMark", "dealValueField", "customerCountryCodeField"],
    // A row the inbound sync linked is its own (a delete notification carries no columns, so it passes).
    triggers: dataverseTrigger("When_a_solution_row_is_added_or_removed", {
      entity: PARTNER_CENTER_SOLUTION.logicalName,
      message: 5,
      conditions: [ex(not(equals(prop(row, PARTNER_CENTER_SOLUTION.linkedBySync), "true")))],
    }),
    steps,
  };
}
