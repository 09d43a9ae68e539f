/**
 * 2. Create Co-sell Referral – Dynamics 365 to Partner Center (child flow): shares an opportunity
 * with Partner Center for the first time.
 *
 * Validates first (same messages as the form): a failing rule costs no Partner Center call — the
 * opportunity gets the Error status, an Audit line naming the problem and ✖. Otherwise one
 * CreateReferral with externalReferenceId = the opportunity id, and the referral id, link, eTag,
 * status and sync projection are written back in one update.
 *
 * Idempotency: flow 8 runs one at a time per environment, so two saves cannot both create. If the
 * last attempt's create call failed (Audit: Error | create), the referral may exist already (a create
 * that timed out after Partner Center committed it): the flow first looks for a referral whose
 * externalReferenceId is this opportunity and adopts it instead of creating a second one.
 */
import { OPPORTUNITY, SyncStatus } from "../../../plugins-ts/src/model/schema";
import { buttonTrigger, compose, condition, dataverse, failed, FlowSpec, initVariable, referrals, respond, setVariable, Steps, succeeded } from "../builder";
import { FLOWS } from "../ids";
import { addDesiredReferral, addOpportunityReads, addValidation } from "../blocks/opportunity";
import { partnerCenterError } from "../blocks/patch";
import { addProjection, referralStatusLabel, syncHashText } from "../blocks/sync";
import { addErrorWrite, addSuccessWrite } from "../blocks/writes";
import { and, body, call, coalesce, concat, equals, ex, iff, lit, NEWLINE, not, outputs, prop, str, tpl, triggerBody, variables } from "../wdl";

/** Where a seller opens the referral in Partner Center (inferred from the dashboard's URL scheme). */
export const REFERRAL_LINK_BASE = "https://partner.microsoft.com/dashboard/referrals/v2/opportunities/";

export function createReferralFlow(): FlowSpec {
  const steps = new Steps();
  const id = prop(triggerBody(), "opportunityId");
  steps.add("Initialize_outcome", initVariable("Outcome", "string", "skipped"));
  steps.add("Initialize_message", initVariable("Message", "string", ""));
  steps.add("Initialize_created", initVariable("Created", "object", {}));
  const snap = addOpportunityReads(steps, id);
  steps.add("Get_owner", dataverse.getItem("systemusers", ex(prop(snap.opportunity, "_ownerid_value")), { select: "firstname,lastname,internalemailaddress,address1_telephone1" }));
  const opp = snap.opportunity;

  const create = new Steps();
  const failures = addValidation(create, snap, "false");

  const valid = new Steps();
  const referral = addDesiredReferral(valid, snap, body("Get_owner"));
  const desired = addProjection(valid, "Desired", referral);

  const recover = new Steps();
  recover.add("Find_an_earlier_referral", referrals.list({ filter: `externalReferenceId eq '${tpl(prop(opp, OPPORTUNITY.primaryId))}'`, top: 1 }));
  recover.add("Adopt_the_earlier_referral", setVariable("Created", ex(coalesce(call("first", coalesce(prop(body("Find_an_earlier_referral"), "value"), "json('[]')")), "json('{}')"))));
  // Only a failed create call can have left a referral behind (a validation error sent nothing).
  const createFailedLast = call("contains", call("first", call("split", str(prop(opp, OPPORTUNITY.syncAudit)), NEWLINE)), lit(" | CRM->PC | Error | create | "));
  valid.add("If_an_earlier_attempt_failed", condition(and(equals(prop(opp, OPPORTUNITY.syncStatus), String(SyncStatus.Error)), createFailedLast), recover));

  const doCreate = new Steps();
  // Optional fields the opportunity leaves empty are left out (Partner Center validates enum values, and null is none of them).
  const withoutEmpty = ["salesStage", "statusReason", "inviteContext"].reduce(
    (o, k) => iff(equals(k === "inviteContext" ? prop(referral, k, "assistanceRequestCode") : prop(referral, k), "null"), call("removeProperty", o, lit(k)), o),
    referral,
  );
  doCreate.add("Create_body", compose(ex(withoutEmpty)));
  doCreate.add("Create_referral", referrals.create(ex(outputs("Create_body"))));
  doCreate.add("Remember_the_referral", setVariable("Created", ex(body("Create_referral"))), succeeded("Create_referral"));
  doCreate.add(
    "Remember_the_failure",
    setVariable("Message", ex(partnerCenterError(call("outputs", lit("Create_referral"))))),
    failed("Create_referral"),
  );
  valid.add("If_no_referral_exists_yet", condition(call("empty", variables("Created")), doCreate), { If_an_earlier_attempt_failed: ["Succeeded", "Failed", "Skipped", "TimedOut"] });

  const created = prop(variables("Created"), "id");
  const dealType = iff(not(equals(prop(opp, OPPORTUNITY.microsoftHelp), "null")), lit("co-sell"), iff(equals(prop(opp, OPPORTUNITY.referralVisibility), "true"), lit("partner-led"), lit("private")));
  const ok = new Steps();
  addSuccessWrite(ok, {
    name: "Record_referral",
    entitySet: OPPORTUNITY.entitySetName,
    recordId: id,
    row: opp,
    direction: "CRM->PC",
    operation: "create",
    message: concat(lit("Referral "), created, lit(" created in Partner Center ("), dealType, lit(").")),
    columns: [
      [OPPORTUNITY.referralIdentifier, created],
      [OPPORTUNITY.referralLink, concat(lit(REFERRAL_LINK_BASE), created)],
      [OPPORTUNITY.referralEtag, prop(variables("Created"), "eTag")],
      [OPPORTUNITY.lastSyncedOn, prop(variables("Created"), "updatedDateTime")],
      [OPPORTUNITY.referralStatus, referralStatusLabel(variables("Created"))],
      [OPPORTUNITY.syncHash, syncHashText(desired, { rows: snap.rowIds, updated: prop(variables("Created"), "updatedDateTime") })],
    ],
  });
  ok.add("Outcome_created", setVariable("Outcome", "created"));
  const notCreated = new Steps();
  addErrorWrite(notCreated, { name: "Record_failure", entitySet: OPPORTUNITY.entitySetName, recordId: id, row: opp, direction: "CRM->PC", operation: "create", message: variables("Message") });
  notCreated.add("Outcome_failed", setVariable("Outcome", "failed"));
  valid.add("If_the_referral_exists", condition(not(call("empty", str(created))), ok, notCreated), { If_no_referral_exists_yet: ["Succeeded", "Failed", "Skipped", "TimedOut"] });

  const invalid = new Steps();
  addErrorWrite(invalid, { name: "Record_invalid", entitySet: OPPORTUNITY.entitySetName, recordId: id, row: opp, direction: "CRM->PC", operation: "validate", message: failures });
  invalid.add("Outcome_invalid", setVariable("Outcome", "invalid"));
  invalid.add("Message_invalid", setVariable("Message", ex(failures)));
  create.add("If_the_opportunity_can_be_shared", condition(call("empty", failures), valid, invalid));

  const shouldCreate = and(equals(prop(opp, OPPORTUNITY.syncWithPartnerCenter), "true"), call("empty", str(prop(opp, OPPORTUNITY.referralIdentifier))));
  steps.add("If_the_opportunity_is_not_shared_yet", condition(shouldCreate, create));
  steps.add(
    "Respond",
    respond(
      { outcome: ex(variables("Outcome")), message: ex(variables("Message")), referralId: ex(str(prop(variables("Created"), "id"))) },
      { outcome: { title: "Outcome", type: "string" }, message: { title: "Message", type: "string" }, referralId: { title: "Referral", type: "string" } },
    ),
    { If_the_opportunity_is_not_shared_yet: ["Succeeded", "Failed", "Skipped", "TimedOut"] },
  );

  return {
    id: FLOWS.createReferral.id,
    name: FLOWS.createReferral.name,
    description: "Child flow: validates an opportunity and creates its Partner Center referral (externalReferenceId = the opportunity), then writes the referral id, link and eTag back.",
    connections: ["dataverse", "referrals"],
    environmentVariables: ["displayCheckMark", "dealValueField", "customerCountryCodeField"],
    triggers: buttonTrigger({ opportunityId: { title: "Opportunity", type: "string", description: "The opportunity's id" } }, ["opportunityId"]),
    steps,
  };
}
