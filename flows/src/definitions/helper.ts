/**
 * 4. Partner Center to Dynamics 365 - Helper (child flow): brings one referral into Dynamics 365.
 *
 * The webhook only names the referral (thin event), so nothing in it is trusted:
 * - an event no newer than the record's pcs_lastsyncedon (the updatedDateTime of the referral version
 *   the CRM already holds) is an echo of the sync's own write or a duplicate: no call, no write;
 * - otherwise the referral is read with our own credentials; same eTag as stored → nothing to do.
 * Then it goes where it belongs (reference §1.4): a lead referral not yet accepted → a lead; an
 * accepted one whose lead exists → the lead is qualified into one opportunity; anything else → the
 * opportunity (found by referral id, or by externalReferenceId when the CRM created it), created
 * when missing, closed as won or lost when the referral is. The record is marked Pending while
 * flow 3 writes it, so those writes send nothing back (flow 8's trigger condition); the final write
 * sets Synced with the referral's eTag and projection — and always unlocks, even after a failure.
 */
import { LEAD, OPPORTUNITY, SyncStatus } from "../../../plugins-ts/src/model/schema";
import { buttonTrigger, childFlow, completed, compose, condition, dataverse, failed, FlowSpec, initVariable, query, referrals, respond, setVariable, Steps, succeeded } from "../builder";
import { FLOWS } from "../ids";
import { REFERRAL_LINK_BASE } from "./create-referral";
import { addAudit, addProjection, auditLine, referralStatusLabel, referralSyncState, storedProjection, syncHashText } from "../blocks/sync";
import { addSuccessWrite } from "../blocks/writes";
import { and, body, call, coalesce, concat, equals, ex, iff, isEmpty, lit, not, objectOf, odataString, or, outputs, prop, str, tpl, triggerBody, trimmed, variables } from "../wdl";

const SYNC_COLUMNS = [
  OPPORTUNITY.primaryId,
  OPPORTUNITY.syncHash,
  "name",
  "statecode",
  OPPORTUNITY.lastSyncedOn,
  OPPORTUNITY.referralEtag,
  OPPORTUNITY.syncStatus,
  OPPORTUNITY.syncAudit,
  OPPORTUNITY.referralIdentifier,
].join(",");
const LEAD_COLUMNS = [LEAD.primaryId, "statecode", LEAD.referralEtag, LEAD.syncStatus, LEAD.syncAudit].join(",");

const first = (listAction: string) => call("first", coalesce(prop(body(listAction), "value"), "json('[]')"));
const ticksOf = (date: string) => call("ticks", iff(isEmpty(date), lit("1900-01-01T00:00:00Z"), str(date)));

/** Pending while flow 3 writes; Error (with the reason) when it failed, so the record never stays locked. */
function lockAndRun(steps: Steps, kind: "opportunity" | "lead", entitySet: string, existingAudit: string): void {
  const lock = new Steps();
  lock.add(`Mark_the_${kind}_pending`, dataverse.updateOnlyRecord(entitySet, ex(variables("RecordId")), { [OPPORTUNITY.syncStatus]: SyncStatus.Pending }));
  steps.add(`If_the_${kind}_exists`, condition(not(call("empty", variables("RecordId"))), lock));
  steps.add(
    `Write_the_${kind}`,
    childFlow(FLOWS.customize.id, { referral: ex(call("string", outputs("Referral"))), kind, recordId: ex(variables("RecordId")) }),
    { [`If_the_${kind}_exists`]: ["Succeeded"] },
  );
  const unlock = new Steps();
  const reason = concat(lit("The referral could not be written to Dynamics 365: "), coalesce(prop(call("outputs", lit(`Write_the_${kind}`)), "body", "error", "message"), lit("the [Customize] flow failed")), lit(" The next change in Partner Center retries."));
  const audit = addAudit(unlock, `Failure_${kind}_audit`, existingAudit, auditLine("PC->CRM", "Error", "inbound", reason));
  unlock.add(`Record_the_${kind}_failure`, dataverse.updateOnlyRecord(entitySet, ex(variables("RecordId")), ex(objectOf([[OPPORTUNITY.syncStatus, String(SyncStatus.Error)], [OPPORTUNITY.syncAudit, audit]]))));
  unlock.add(`Outcome_${kind}_failed`, setVariable("Outcome", "failed"));
  steps.add(`If_the_${kind}_could_not_be_written`, condition(not(call("empty", variables("RecordId"))), unlock), failed(`Write_the_${kind}`));
  // What follows continues from a successful write, not from the failure branch.
  steps.after(`Write_the_${kind}`);
}

export function helperFlow(): FlowSpec {
  const steps = new Steps();
  const referralId = prop(triggerBody(), "referralId");
  const changedOn = prop(triggerBody(), "changedOn");
  steps.add("Initialize_outcome", initVariable("Outcome", "string", "unchanged"));
  steps.add("Initialize_target", initVariable("Target", "string", ""));
  steps.add("Initialize_record", initVariable("RecordId", "string", ""));
  steps.add(
    "Find_opportunity",
    dataverse.listRecords(OPPORTUNITY.entitySetName, { select: SYNC_COLUMNS, filter: `${OPPORTUNITY.referralIdentifier} eq '${tpl(odataString(referralId))}'`, top: 1 }),
  );
  steps.add("Opportunity", compose(ex(first("Find_opportunity"))));
  const opp = outputs("Opportunity");
  // The version the CRM holds: its exact updatedDateTime from pcs_synchash (pcs_lastsyncedon is to the second).
  const heldVersion = coalesce(prop(storedProjection(prop(opp, OPPORTUNITY.syncHash)), "updated"), prop(opp, OPPORTUNITY.lastSyncedOn));
  const alreadyHeld = and(not(equals(opp, "null")), not(isEmpty(changedOn)), not(isEmpty(heldVersion)), call("lessOrEquals", ticksOf(changedOn), ticksOf(heldVersion)));

  // ---- read the referral and decide where it goes -------------------------------------------------
  const main = new Steps();
  main.add("Get_referral", referrals.get(ex(referralId)));
  main.add("Outcome_unreadable", setVariable("Outcome", "unreadable"), failed("Get_referral"));
  main.add("Referral", compose(ex(body("Get_referral"))), succeeded("Get_referral"));
  const R = outputs("Referral");
  const projection = addProjection(main, "Referral", R);
  const status = str(prop(R, "status"));
  const sameETag = (stored: string) => equals(str(stored), str(prop(R, "eTag")));

  const forOpportunity = new Steps();
  const changedOpp = new Steps();
  changedOpp.add("Target_the_opportunity", setVariable("Target", "opportunity"));
  changedOpp.add("Remember_the_opportunity", setVariable("RecordId", ex(prop(opp, OPPORTUNITY.primaryId))));
  forOpportunity.add("If_the_referral_changed", condition(not(sameETag(prop(opp, OPPORTUNITY.referralEtag))), changedOpp));

  const noOpportunity = new Steps();
  noOpportunity.add("Find_lead", dataverse.listRecords(LEAD.entitySetName, { select: LEAD_COLUMNS, filter: `${LEAD.referralIdentifier} eq '${tpl(odataString(referralId))}'`, top: 1 }));
  noOpportunity.add("Lead", compose(ex(first("Find_lead"))));
  const lead = outputs("Lead");

  const forLead = new Steps();
  const leadChanged = new Steps();
  leadChanged.add("Remember_the_lead", setVariable("RecordId", ex(prop(lead, LEAD.primaryId))));
  // Accepted in Partner Center: the lead becomes the opportunity. Still new or closed: the lead is updated.
  leadChanged.add("Target_the_lead", setVariable("Target", ex(iff(equals(status, lit("Active")), lit("qualify"), lit("lead")))));
  forLead.add("If_the_lead_is_open_and_the_referral_changed", condition(and(equals(prop(lead, "statecode"), "0"), not(sameETag(prop(lead, LEAD.referralEtag)))), leadChanged));

  const nothing = new Steps();
  const external = trimmed(prop(R, "externalReferenceId"));
  nothing.add(
    "Find_the_linked_opportunity",
    dataverse.listRecords(OPPORTUNITY.entitySetName, {
      select: `${OPPORTUNITY.primaryId},${OPPORTUNITY.referralIdentifier}`,
      // externalReferenceId is the opportunity id when the CRM created the referral; the Pending write-back may not have landed yet.
      filter: `${OPPORTUNITY.primaryId} eq ${tpl(iff(isGuid(external), external, lit("00000000-0000-0000-0000-000000000000")))}`,
      top: 1,
    }),
  );
  const linked = first("Find_the_linked_opportunity");
  const isLead = and(
    equals(str(prop(R, "type")), lit("Independent")),
    call("contains", "createArray('Direct', 'MarketingQualified', 'SalesQualified')", str(prop(R, "qualification"))),
    or(equals(str(prop(R, "inviteContext", "invitedBy", "organizationId")), lit("msft")), isEmpty(prop(R, "inviteContext", "invitedBy", "organizationId"))),
    equals(str(prop(R, "direction")), lit("Incoming")),
  );
  nothing.add(
    "Choose_the_target",
    setVariable(
      "Target",
      ex(
        iff(
          not(equals(linked, "null")),
          iff(isEmpty(prop(linked, OPPORTUNITY.referralIdentifier)), lit("opportunity"), lit("")),
          iff(equals(status, lit("Closed")), lit(""), iff(and(isLead, equals(status, lit("New"))), lit("lead"), lit("opportunity"))),
        ),
      ),
    ),
  );
  nothing.add("Remember_the_linked_opportunity", setVariable("RecordId", ex(str(prop(linked, OPPORTUNITY.primaryId)))));
  noOpportunity.add("If_a_lead_has_this_referral", condition(not(equals(lead, "null")), forLead, nothing));

  main.add("If_an_opportunity_has_this_referral", condition(not(equals(opp, "null")), forOpportunity, noOpportunity));

  // ---- qualify: the lead becomes one opportunity carrying the referral ------------------------------
  const qualify = new Steps();
  qualify.add("Mark_the_accepted_lead_pending", dataverse.updateOnlyRecord(LEAD.entitySetName, ex(variables("RecordId")), { [LEAD.syncStatus]: SyncStatus.Pending }));
  qualify.add(
    "Qualify_the_lead",
    dataverse.boundAction(LEAD.entitySetName, ex(variables("RecordId")), "Microsoft.Dynamics.CRM.QualifyLead", { CreateAccount: false, CreateContact: false, CreateOpportunity: true, Status: 3 }),
  );
  qualify.add("New_opportunity", query(ex(coalesce(prop(body("Qualify_the_lead"), "value"), "json('[]')")), ex(call("endsWith", str(prop("item()", "@odata.type")), lit("opportunity")))));
  qualify.add("Qualified_lead", compose(ex(variables("RecordId"))));
  qualify.add("Use_the_new_opportunity", setVariable("RecordId", ex(str(prop(call("first", body("New_opportunity")), OPPORTUNITY.primaryId)))));
  const leadAuditBefore = str(prop(outputs("Lead"), LEAD.syncAudit));
  const qualifiedAudit = addAudit(qualify, "Qualified_lead_audit", leadAuditBefore, auditLine("PC->CRM", "Success", "inbound", concat(lit("Accepted in Partner Center: the lead is qualified into opportunity "), variables("RecordId"), lit("."))));
  qualify.add(
    "Record_the_qualified_lead",
    dataverse.updateOnlyRecord(
      LEAD.entitySetName,
      ex(outputs("Qualified_lead")),
      ex(objectOf([[LEAD.syncStatus, String(SyncStatus.Synced)], [LEAD.referralStatus, referralStatusLabel(R)], [LEAD.referralEtag, prop(R, "eTag")], [LEAD.syncAudit, qualifiedAudit]])),
    ),
  );
  qualify.add("Target_the_new_opportunity", setVariable("Target", "opportunity"));
  main.add("If_the_lead_is_accepted", condition(equals(variables("Target"), lit("qualify")), qualify), completed("If_an_opportunity_has_this_referral"));

  // ---- opportunity ------------------------------------------------------------------------------
  const toOpportunity = new Steps();
  const oppAudit = iff(equals(opp, "null"), lit(""), str(prop(opp, OPPORTUNITY.syncAudit)));
  lockAndRun(toOpportunity, "opportunity", OPPORTUNITY.entitySetName, oppAudit);
  const written = body("Write_the_opportunity");
  const verb = iff(call("empty", variables("RecordId")), lit("created"), lit("updated"));
  addSuccessWrite(toOpportunity, {
    name: "Record_the_opportunity_sync",
    entitySet: OPPORTUNITY.entitySetName,
    recordId: prop(written, "recordId"),
    row: opp,
    existingAudit: oppAudit,
    nameBase: prop(R, "name"),
    direction: "PC->CRM",
    operation: "inbound",
    message: concat(lit("Referral "), prop(R, "id"), lit(" from Partner Center: opportunity "), verb, lit(" ("), referralStatusLabel(R), lit(").")),
    columns: [
      [OPPORTUNITY.referralIdentifier, prop(R, "id")],
      [OPPORTUNITY.referralLink, concat(lit(REFERRAL_LINK_BASE), prop(R, "id"))],
      [OPPORTUNITY.referralEtag, prop(R, "eTag")],
      [OPPORTUNITY.lastSyncedOn, prop(R, "updatedDateTime")],
      [OPPORTUNITY.referralStatus, referralStatusLabel(R)],
      [OPPORTUNITY.syncHash, syncHashText(projection, { rows: prop(written, "rows"), updated: prop(R, "updatedDateTime") })],
    ],
  });
  // Closed in Partner Center: close the opportunity too (after the write: a closed row stays as it is).
  const state = referralSyncState(R);
  const close = new Steps();
  const closeRecord = (won: boolean) =>
    dataverse.unboundAction(won ? "WinOpportunity" : "LoseOpportunity", {
      Status: won ? 3 : ex(iff(equals(str(prop(R, "substatus")), lit("Lost")), "5", "4")),
      OpportunityClose: {
        subject: ex(concat(lit(won ? "Won in Partner Center: " : "Closed in Partner Center: "), referralStatusLabel(R))),
        "opportunityid@odata.bind": ex(concat(lit("/opportunities("), prop(written, "recordId"), lit(")"))),
      },
    });
  const win = new Steps();
  win.add("Win_the_opportunity", closeRecord(true));
  const lose = new Steps();
  lose.add("Lose_the_opportunity", closeRecord(false));
  close.add("If_won", condition(equals(state, lit("won")), win, lose));
  const wasOpen = equals(coalesce(prop(opp, "statecode"), "0"), "0");
  toOpportunity.add("If_closed_in_Partner_Center", condition(and(call("contains", "createArray('won', 'lost')", state), wasOpen), close));
  toOpportunity.add("Outcome_opportunity", setVariable("Outcome", ex(concat(lit("opportunity "), verb))));
  main.add("If_the_referral_goes_to_an_opportunity", condition(equals(variables("Target"), lit("opportunity")), toOpportunity), completed("If_the_lead_is_accepted"));

  // ---- lead -------------------------------------------------------------------------------------
  const toLead = new Steps();
  const leadAudit = iff(equals(outputs("Lead"), "null"), lit(""), str(prop(outputs("Lead"), LEAD.syncAudit)));
  lockAndRun(toLead, "lead", LEAD.entitySetName, leadAudit);
  addSuccessWrite(toLead, {
    name: "Record_the_lead_sync",
    entitySet: LEAD.entitySetName,
    recordId: prop(body("Write_the_lead"), "recordId"),
    row: "null",
    existingAudit: leadAudit,
    withMark: false,
    direction: "PC->CRM",
    operation: "inbound",
    message: concat(lit("Lead referral "), prop(R, "id"), lit(" from Partner Center ("), referralStatusLabel(R), lit(").")),
    columns: [
      [LEAD.referralLink, concat(lit(REFERRAL_LINK_BASE), prop(R, "id"))],
      [LEAD.referralEtag, prop(R, "eTag")],
      [LEAD.referralStatus, referralStatusLabel(R)],
      [LEAD.syncHash, syncHashText(projection, { updated: prop(R, "updatedDateTime") })],
    ],
  });
  toLead.add("Outcome_lead", setVariable("Outcome", "lead"));
  main.add("If_the_referral_goes_to_a_lead", condition(equals(variables("Target"), lit("lead")), toLead), completed("If_the_referral_goes_to_an_opportunity"));

  const held = new Steps();
  held.add("Outcome_already_held", setVariable("Outcome", "already in the CRM"));
  steps.add("If_the_CRM_already_holds_this_change", condition(alreadyHeld, held, main));
  steps.add(
    "Respond",
    respond({ outcome: ex(variables("Outcome")), recordId: ex(variables("RecordId")) }, { outcome: { title: "Outcome", type: "string" }, recordId: { title: "Record", type: "string" } }),
    completed("If_the_CRM_already_holds_this_change"),
  );

  return {
    id: FLOWS.helper.id,
    name: FLOWS.helper.name,
    description: "Child flow: reads a referral named by a webhook event and creates or updates its lead or opportunity (through the [Customize] flow), unless the CRM already holds that version.",
    connections: ["dataverse", "referrals"],
    environmentVariables: ["displayCheckMark"],
    triggers: buttonTrigger(
      {
        referralId: { title: "Referral", type: "string", description: "The referral id the event names" },
        changedOn: { title: "Changed on", type: "string", description: "The event's ResourceChangeUtcDate" },
      },
      ["referralId"],
      // One at a time: the webhook receiver and flow 10 may both bring the same referral in; the second
      // run then finds the version already held instead of racing the first (duplicate rows).
      { concurrency: 1 },
    ),
    steps,
  };
}

/** A GUID-shaped string (36 characters with hyphens where a GUID has them). */
const isGuid = (e: string) => and(equals(call("length", e), "36"), equals(call("substring", call("concat", e, lit("                                    ")), "8", "1"), lit("-")), equals(call("substring", call("concat", e, lit("                                    ")), "23", "1"), lit("-")));
