/**
 * 2. Create Co-sell Referral – Dynamics 365 to Partner Center (child flow): shares an opportunity
 * with Partner Center for the first time.
 *
 * Reads the opportunity (account, contact, currency, owner and solutions in one read) and checks it
 * with the rulebook: a failing rule costs no Partner Center call; the opportunity gets Error, an Audit
 * line naming the field and ✖. Otherwise one CreateReferral (externalReferenceId = the opportunity),
 * and one write back: the referral id, link, eTag, status, and the sync record (what was sent, and
 * the CRM key it was read with, so a change the seller made meanwhile starts flow 8 again).
 *
 * One create per opportunity: a run first claims it (a Partner Center Referral Creation row whose id is
 * the opportunity's; Dataverse refuses a second). A run that finds an earlier claim leaves a recent one
 * to its run, and takes an old one over after looking for a referral whose externalReferenceId is this
 * opportunity (a create that timed out may have committed), adopting it when there is one.
 */
import { OPPORTUNITY, SyncStatus } from "../../../plugins-ts/src/model/schema";
import { buttonTrigger, completed, compose, condition, dataverse, FlowSpec, referrals, respond, scope, Steps, switchOn } from "../builder";
import { FLOWS } from "../ids";
import { addReferralToCreate } from "../blocks/opportunity";
import { addGetOpportunity, addRuleFailures, addSolutionList, ruleSources, writeOpportunity } from "../blocks/outbound";
import { partnerCenterError } from "../blocks/patch";
import { addSolutionIds, crmProjectionFields } from "../blocks/projection";
import { crmKey, recordText } from "../blocks/record";
import { auditColumn, auditLine, nameWithMark, referralStatusLabel } from "../blocks/sync";
import { body, call, coalesce, concat, equals, ex, iff, lit, not, outputs, prop, str, tpl, triggerBody } from "../wdl";
import { anyRuleFailsExpression, factsObject } from "../../../plugins-ts/src/rulebook/wdl";
import { PARTNER_CENTER_SOLUTION, REFERRAL_CREATION, SOLUTION_DETAIL } from "../../../plugins-ts/src/model/schema";

/**
 * How long a claim protects a create: longer than any run takes to create and record a referral (the
 * connector's calls time out after 2 minutes, and the create is not retried).
 */
export const STALE_CLAIM_MINUTES = 15;

/** Where a seller opens the referral in Partner Center (inferred from the dashboard's URL scheme). */
export const REFERRAL_LINK_BASE = "https://partner.microsoft.com/dashboard/referrals/v2/opportunities/";

export function createReferralFlow(): FlowSpec {
  const steps = new Steps();
  const id = prop(triggerBody(), "opportunityId");
  const read = addGetOpportunity(steps, "Get_the_opportunity", id, { solutionDetails: true, owner: true });
  const o = read.rows.opportunity;
  const ids = addSolutionIds(steps, "Solution_ids_in_the_CRM", read.solutionRows, (it) => prop(it, PARTNER_CENTER_SOLUTION.solutionDetailNavigation, SOLUTION_DETAIL.solutionId));
  const sources = ruleSources(read, "false");
  const check = outputs("Check_the_opportunity");
  steps.add(
    "Check_the_opportunity",
    compose({
      facts: Object.fromEntries(factsObject(sources).map(([k, e]) => [k, ex(e)])),
      crm: Object.fromEntries(Object.entries(crmProjectionFields(read.rows, ids)).map(([k, e]) => [k, ex(e)])),
      key: ex(crmKey(o)),
      rows: ex(call("string", read.solutionRows)),
    }),
  );
  const audit = prop(o, OPPORTUNITY.syncAudit);

  // ---- the rules pass: create (or adopt what an earlier attempt left) ---------------------------------
  const valid = new Steps();
  const solutions = addSolutionList(valid, "Solutions_as_Partner_Center_takes_them", read.solutionRows);
  const desired = addReferralToCreate(valid, { ...read.rows, owner: prop(o, "owninguser") }, solutions);
  const earlier = call("first", coalesce(prop(body("Find_an_earlier_referral"), "value"), "json('[]')"));
  // One create per opportunity, however many runs want it (flows 8, 9, 10 and 11 may all call at once):
  // the run that creates the claim row (its id is the opportunity's; Dataverse refuses a second one
  // with 412) creates the referral. Another run looks at the claim: a recent one belongs to a run at
  // work, which records the result; an old one (STALE_CLAIM_MINUTES) is taken over, after looking for
  // a referral that run's create may have left (a create that timed out may have committed).
  const claim = (): Record<string, unknown> => ({
    [REFERRAL_CREATION.primaryId]: ex(id),
    [REFERRAL_CREATION.name]: ex(call("substring", str(prop(o, "name")), "0", call("min", "300", call("length", str(prop(o, "name")))))),
    [`${REFERRAL_CREATION.opportunityNavigation}@odata.bind`]: `/${OPPORTUNITY.entitySetName}(${tpl(id)})`,
    [REFERRAL_CREATION.attemptedOn]: ex("utcNow()"),
  });
  valid.add("Claim_the_create", dataverse.createRecord(REFERRAL_CREATION.entitySetName, claim()));
  const earlierClaim = new Steps();
  earlierClaim.add("Get_the_claim", dataverse.getItem(REFERRAL_CREATION.entitySetName, ex(id), { select: REFERRAL_CREATION.attemptedOn }));
  const stale = call("less", call("ticks", str(prop(body("Get_the_claim"), REFERRAL_CREATION.attemptedOn))), call("ticks", call("addMinutes", "utcNow()", String(-STALE_CLAIM_MINUTES))));
  const over = new Steps();
  over.add("Find_an_earlier_referral", referrals.list({ filter: `externalReferenceId eq '${tpl(id)}'`, top: 1 }));
  over.onFailure("Find_an_earlier_referral", "Record_the_failure_to_look", createFailure(id, o, check, audit, "Find_an_earlier_referral"));
  const takeOver = new Steps();
  // Two runs taking over at once: only one deletes the row (the other gets 404) and only one creates it again.
  takeOver.add("Release_the_old_claim", dataverse.deleteRecord(REFERRAL_CREATION.entitySetName, ex(id)));
  takeOver.add("Claim_it_again", dataverse.createRecord(REFERRAL_CREATION.entitySetName, claim()));
  over.add("If_it_left_no_referral", condition(equals(earlier, "null"), takeOver));
  earlierClaim.add("If_the_earlier_attempt_is_over", condition(stale, over));
  valid.onFailure("Claim_the_create", "Look_at_the_earlier_claim", scope(earlierClaim));
  // create: the claim is this run's; adopt: an earlier attempt's referral exists; leave: another run is at work.
  const statusOf = (action: string) => str(prop(call("actions", lit(action)), "status"));
  valid.add(
    "How_to_go_on",
    compose(ex(iff(equals(statusOf("Claim_the_create"), lit("Succeeded")), lit("create"), iff(not(equals(earlier, "null")), lit("adopt"), iff(equals(statusOf("Claim_it_again"), lit("Succeeded")), lit("create"), lit("leave")))))),
    { Look_at_the_earlier_claim: ["Succeeded", "Failed", "Skipped", "TimedOut"] },
  );
  const adopt = new Steps();
  adopt.add("Record_the_earlier_referral", recordReferral(id, o, check, earlier, audit, lit("A referral an earlier attempt created was found and adopted.")));
  const create = new Steps();
  // No retry of a create: one that timed out may have committed; the next attempt looks for it first.
  create.add("Create_the_referral", { ...referrals.create(ex(desired)), retryPolicy: { type: "none" } });
  // A failed create leaves its claim old at once: the next attempt looks for what it may have committed, then creates.
  create.onFailure("Create_the_referral", "Let_the_next_attempt_look_first", dataverse.updateOnlyRecord(REFERRAL_CREATION.entitySetName, ex(id), { [REFERRAL_CREATION.attemptedOn]: "1900-01-01T00:00:00Z" }));
  create.add("Record_the_failure", createFailure(id, o, check, audit, "Create_the_referral"), { Let_the_next_attempt_look_first: ["Succeeded", "Failed"] });
  const created = body("Create_the_referral");
  create.add("Record_the_referral", recordReferral(id, o, check, created, audit, concat(lit("Created in Partner Center ("), dealTypeOf(o), lit(")."))), { Record_the_failure: ["Skipped"] });
  valid.add("Create_or_adopt", switchOn(ex(outputs("How_to_go_on")), { Create: { value: "create", steps: create }, Adopt: { value: "adopt", steps: adopt } }));

  // ---- a rule fails: no Partner Center call ---------------------------------------------------------
  const invalid = new Steps();
  const failures = addRuleFailures(invalid, { ...sources, facts: prop(check, "facts") });
  invalid.add(
    "Record_the_rule_failure",
    writeOpportunity(id, [
      [OPPORTUNITY.syncStatus, String(SyncStatus.Error)],
      [OPPORTUNITY.syncAudit, auditColumn(audit, auditLine("CRM->PC", "Error", "validate", failures))],
      [OPPORTUNITY.syncHash, recordText({ pc: "json('{}')", crm: prop(check, "key"), updated: lit(""), rows: prop(check, "rows") })],
      ["name", nameWithMark(prop(o, "name"), false)],
    ]),
  );
  steps.add("If_the_opportunity_passes_the_rules", condition(not(anyRuleFailsExpression({ ...sources, facts: prop(check, "facts") })), valid, invalid));
  // "leave": another run is creating this referral and records it; a caller that saw a change that run may have missed looks again later (flow 9).
  steps.add(
    "Respond",
    respond({ opportunityId: ex(id), leftToAnotherRun: ex(equals(str(prop(call("actions", lit("How_to_go_on")), "outputs")), lit("leave"))) }, { opportunityId: { title: "Opportunity", type: "string" }, leftToAnotherRun: { title: "Left to another run", type: "boolean" } }),
    completed("If_the_opportunity_passes_the_rules"),
  );

  return {
    id: FLOWS.createReferral.id,
    name: FLOWS.createReferral.name,
    description: "Child flow: checks an opportunity and creates its Partner Center referral (externalReferenceId = the opportunity), then writes the referral id, link and eTag back.",
    connections: ["dataverse", "referrals"],
    environmentVariables: ["displayCheckMark", "dealValueField", "customerCountryCodeField"],
    triggers: buttonTrigger({ opportunityId: { title: "Opportunity", type: "string", description: "The opportunity's id" } }, ["opportunityId"]),
    steps,
  };
}

/** The one write after a create (or an adoption): the referral's id, link, eTag and status, and the sync record. */
function recordReferral(id: string, o: string, check: string, referral: string, audit: string, message: string) {
  const referralId = prop(referral, "id");
  return writeOpportunity(id, [
    [OPPORTUNITY.referralIdentifier, referralId],
    [OPPORTUNITY.referralLink, concat(lit(REFERRAL_LINK_BASE), referralId)],
    [OPPORTUNITY.referralEtag, prop(referral, "eTag")],
    [OPPORTUNITY.lastSyncedOn, prop(referral, "updatedDateTime")],
    [OPPORTUNITY.referralStatus, referralStatusLabel(referral)],
    [OPPORTUNITY.syncStatus, String(SyncStatus.Synced)],
    [OPPORTUNITY.syncAudit, auditColumn(audit, auditLine("CRM->PC", "Success", "create", concat(lit("Referral "), referralId, lit(": "), message)))],
    [OPPORTUNITY.syncHash, recordText({ pc: prop(check, "crm"), crm: prop(check, "key"), updated: prop(referral, "updatedDateTime"), rows: prop(check, "rows") })],
    ["name", nameWithMark(prop(o, "name"), true)],
  ]);
}

/** co-sell (help asked), partner-led (shared, no help) or private (rulebook/deal-type.ts). */
const dealTypeOf = (o: string) => iff(not(equals(prop(o, OPPORTUNITY.microsoftHelp), "null")), lit("co-sell"), iff(equals(prop(o, OPPORTUNITY.referralVisibility), "true"), lit("partner-led"), lit("private")));

/** The write after a Partner Center call of the create failed: Error, the Audit line, ✖; no agreement, the key as read. */
function createFailure(id: string, o: string, check: string, audit: string, action: string) {
  return writeOpportunity(id, [
    [OPPORTUNITY.syncStatus, String(SyncStatus.Error)],
    [OPPORTUNITY.syncAudit, auditColumn(audit, auditLine("CRM->PC", "Error", "create", partnerCenterError(call("outputs", lit(action)))))],
    [OPPORTUNITY.syncHash, recordText({ pc: "json('{}')", crm: prop(check, "key"), updated: lit(""), rows: prop(check, "rows") })],
    ["name", nameWithMark(prop(o, "name"), false)],
  ]);
}
