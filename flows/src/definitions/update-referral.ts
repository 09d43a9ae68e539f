/**
 * 7. Dynamics 365 to Partner Center (child flow): sends what changed on a synced opportunity.
 *
 * Reads the opportunity as the rulebook sees it, validates it (same messages as the form), maps it to
 * the referral it describes, and compares that referral's sync projection with the one stored in
 * pcs_synchash: nothing changed → no call and no write. Otherwise one JSON Patch of the changed
 * fields only (paths the connector allows), with If-Match and one re-read on 412; then the new eTag,
 * projection, status and Audit line are written back. Changes Partner Center does not accept by
 * update (name, "How can Microsoft help?", reopening a closed deal) stay in the CRM and are audited.
 */
import { OPPORTUNITY, SyncStatus } from "../../../plugins-ts/src/model/schema";
import { buttonTrigger, compose, condition, FlowSpec, initVariable, query, respond, setVariable, Steps } from "../builder";
import { FLOWS } from "../ids";
import { addDesiredReferral, addOpportunityReads, addValidation } from "../blocks/opportunity";
import { addPatch, initPatchResult } from "../blocks/patch";
import { addChangedFields, addProjection, changed, referralStatusLabel, storedProjection, syncHashText } from "../blocks/sync";
import { addErrorWrite, addSuccessWrite } from "../blocks/writes";
import { and, call, concat, equals, ex, iff, lit, not, objectOf, or, outputs, prop, str, triggerBody, variables } from "../wdl";

const CHANGED = "Changed_fields";

/** The JSON Patch operations for the changed fields (rulebook/patch.ts semantics, without a read). */
function operationsExpression(stored: string, desired: string, referral: string): string {
  const changedFields = outputs(CHANGED);
  const op = (path: string, value: string, storedField: string) =>
    objectOf([
      ["op", iff(call("empty", str(prop(stored, storedField))), lit("add"), lit("replace"))],
      ["path", lit(path)],
      ["value", value],
    ]);
  const when = (cond: string, ...ops: string[]) => iff(cond, call("createArray", ...ops), "json('[]')");
  const filled = (field: string) => not(call("empty", str(prop(desired, field))));
  const oldState = str(prop(stored, "state"));
  const newState = str(prop(desired, "state"));
  // Along the transition table only: a closed referral is final, accepting cannot be undone.
  const statusMoves = and(
    changed(changedFields, "state"),
    call("contains", "createArray('pending', 'open', '')", oldState),
    not(equals(newState, lit("pending"))),
    not(and(equals(oldState, lit("open")), equals(newState, lit("open")))),
  );
  const substatus = iff(
    equals(newState, lit("open")),
    lit("Accepted"),
    iff(equals(newState, lit("won")), lit("Won"), iff(equals(oldState, lit("pending")), lit("Declined"), lit("Lost"))),
  );
  const statusValue = iff(equals(newState, lit("open")), lit("Active"), lit("Closed"));
  const fixed = (path: string, value: string) => objectOf([["op", lit("replace")], ["path", lit(path)], ["value", value]]);
  return call(
    "union",
    when(and(changed(changedFields, "closingDate"), filled("closingDate")), op("/details/closingDateTime", prop(referral, "details", "closingDateTime"), "closingDate")),
    when(and(changed(changedFields, "contact"), filled("contact")), objectOf([["op", lit("add")], ["path", lit("/customerProfile/team/-")], ["value", call("first", prop(referral, "customerProfile", "team"))]])),
    when(and(changed(changedFields, "currency"), filled("currency")), op("/details/currency", prop(referral, "details", "currency"), "currency")),
    when(and(changed(changedFields, "dealValue"), filled("dealValue")), op("/details/dealValue", prop(referral, "details", "dealValue"), "dealValue")),
    when(and(changed(changedFields, "externalReferenceId"), filled("externalReferenceId")), op("/externalReferenceId", prop(referral, "externalReferenceId"), "externalReferenceId")),
    when(changed(changedFields, "notes"), op("/details/notes", str(prop(desired, "notes")), "notes")),
    when(and(changed(changedFields, "salesStage"), filled("salesStage")), op("/salesStage", prop(referral, "salesStage"), "salesStage")),
    when(and(changed(changedFields, "shared"), equals(prop(desired, "shared"), lit("true"))), fixed("/consent/consentToShareReferralWithMicrosoftSellers", "true")),
    when(changed(changedFields, "solutions"), fixed("/details/requirements/solutions", prop(referral, "details", "requirements", "solutions"))),
    when(statusMoves, fixed("/status", statusValue), fixed("/substatus", substatus)),
    when(and(statusMoves, equals(newState, lit("lost")), not(equals(prop(referral, "statusReason"), "null"))), fixed("/statusReason", prop(referral, "statusReason"))),
  );
}

/** Changed fields Partner Center does not take by update: they are kept in the CRM and audited. */
function notSentExpression(stored: string, desired: string): string {
  const changedFields = outputs(CHANGED);
  const oldState = str(prop(stored, "state"));
  const newState = str(prop(desired, "state"));
  const stateStays = and(
    changed(changedFields, "state"),
    or(call("contains", "createArray('won', 'lost')", oldState), equals(newState, lit("pending")), and(equals(oldState, lit("open")), equals(newState, lit("open")))),
  );
  return call(
    "union",
    iff(changed(changedFields, "name"), "createArray('name')", "json('[]')"),
    iff(changed(changedFields, "help"), "createArray('How can Microsoft help?')", "json('[]')"),
    iff(and(changed(changedFields, "shared"), not(equals(prop(desired, "shared"), lit("true")))), "createArray('visibility')", "json('[]')"),
    iff(stateStays, "createArray('state')", "json('[]')"),
  );
}

export function updateReferralFlow(): FlowSpec {
  const steps = new Steps();
  const id = prop(triggerBody(), "opportunityId");
  steps.add("Initialize_outcome", initVariable("Outcome", "string", "skipped"));
  steps.add("Initialize_message", initVariable("Message", "string", ""));
  steps.add("Initialize_patch_result", initPatchResult());
  const snap = addOpportunityReads(steps, id);
  const opp = snap.opportunity;
  const referralId = str(prop(opp, OPPORTUNITY.referralIdentifier));

  const sync = new Steps();
  sync.add("Stored_projection", compose(ex(storedProjection(prop(opp, OPPORTUNITY.syncHash)))));
  const stored = outputs("Stored_projection");
  const failures = addValidation(sync, snap, equals(prop(stored, "shared"), lit("true")));

  const valid = new Steps();
  const referral = addDesiredReferral(valid, snap);
  const desired = addProjection(valid, "Desired", referral);
  addChangedFields(valid, CHANGED, stored, desired);
  valid.add("Patch_operations", compose(ex(operationsExpression(stored, desired, referral))));
  valid.add("Not_sent", compose(ex(notSentExpression(stored, desired))));
  valid.add("Sent_fields", query(ex(outputs(CHANGED)), ex(not(call("contains", outputs("Not_sent"), "item()")))));
  const notSentNote = iff(call("empty", outputs("Not_sent")), lit(""), concat(lit(" Kept in the CRM only (Partner Center does not take them by update): "), call("join", outputs("Not_sent"), lit(", ")), lit(".")));
  const hash = (updated: string) => syncHashText(desired, { rows: snap.rowIds, updated });

  const send = new Steps();
  const patch = addPatch(send, referralId, prop(opp, OPPORTUNITY.referralEtag), outputs("Patch_operations"));
  const sent = new Steps();
  addSuccessWrite(sent, {
    name: "Record_sync",
    entitySet: OPPORTUNITY.entitySetName,
    recordId: id,
    row: opp,
    direction: "CRM->PC",
    operation: "update",
    message: concat(lit("Sent to Partner Center: "), call("join", call("body", lit("Sent_fields")), lit(", ")), lit("."), notSentNote),
    columns: [
      [OPPORTUNITY.referralEtag, prop(patch.referral, "eTag")],
      [OPPORTUNITY.lastSyncedOn, prop(patch.referral, "updatedDateTime")],
      [OPPORTUNITY.referralStatus, referralStatusLabel(patch.referral)],
      [OPPORTUNITY.syncHash, hash(prop(patch.referral, "updatedDateTime"))],
    ],
  });
  sent.add("Outcome_sent", setVariable("Outcome", "sent"));
  const notPatched = new Steps();
  addErrorWrite(notPatched, { name: "Record_failure", entitySet: OPPORTUNITY.entitySetName, recordId: id, row: opp, direction: "CRM->PC", operation: "update", message: patch.error });
  notPatched.add("Outcome_failed", setVariable("Outcome", "failed"));
  notPatched.add("Message_failed", setVariable("Message", ex(patch.error)));
  send.add("If_Partner_Center_took_the_patch", condition(patch.ok, sent, notPatched), { If_the_referral_changed_meanwhile: ["Succeeded", "Failed", "Skipped", "TimedOut"] });

  const keep = new Steps();
  addSuccessWrite(keep, {
    name: "Record_kept",
    entitySet: OPPORTUNITY.entitySetName,
    recordId: id,
    row: opp,
    direction: "CRM->PC",
    operation: "update",
    outcome: "Info",
    message: concat(lit("Nothing to send."), notSentNote),
    columns: [[OPPORTUNITY.syncHash, hash(prop(stored, "updated"))]],
  });
  keep.add("Outcome_kept", setVariable("Outcome", "kept"));

  const hasChanges = new Steps();
  hasChanges.add("If_there_is_something_to_send", condition(call("greater", call("length", outputs("Patch_operations")), "0"), send, keep));
  const unchanged = new Steps();
  unchanged.add("Outcome_unchanged", setVariable("Outcome", "unchanged"));
  valid.add("If_a_synced_field_changed", condition(not(call("empty", outputs(CHANGED))), hasChanges, unchanged));

  const invalid = new Steps();
  addErrorWrite(invalid, { name: "Record_invalid", entitySet: OPPORTUNITY.entitySetName, recordId: id, row: opp, direction: "CRM->PC", operation: "validate", message: failures });
  invalid.add("Outcome_invalid", setVariable("Outcome", "invalid"));
  invalid.add("Message_invalid", setVariable("Message", ex(failures)));
  sync.add("If_the_opportunity_can_be_shared", condition(call("empty", failures), valid, invalid));

  const shouldSync = and(
    equals(prop(opp, OPPORTUNITY.syncWithPartnerCenter), "true"),
    not(call("empty", referralId)),
    not(equals(prop(opp, OPPORTUNITY.syncStatus), String(SyncStatus.Pending))),
  );
  steps.add("If_the_opportunity_is_synced", condition(shouldSync, sync));
  steps.add("Respond", respond({ outcome: ex(variables("Outcome")), message: ex(variables("Message")) }, { outcome: { title: "Outcome", type: "string" }, message: { title: "Message", type: "string" } }), {
    If_the_opportunity_is_synced: ["Succeeded", "Failed", "Skipped", "TimedOut"],
  });

  return {
    id: FLOWS.updateReferral.id,
    name: FLOWS.updateReferral.name,
    description: "Child flow: sends the changed fields of a synced opportunity to Partner Center as one JSON Patch with If-Match (re-read and retried once on 412), and records the outcome.",
    connections: ["dataverse", "referrals", "referralsApi"],
    environmentVariables: ["displayCheckMark", "dealValueField", "customerCountryCodeField"],
    triggers: buttonTrigger({ opportunityId: { title: "Opportunity", type: "string", description: "The opportunity's id" } }, ["opportunityId"]),
    steps,
  };
}
