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
 * A create call that failed may still have reached Partner Center (a timeout after it committed): the
 * next attempt first looks for a referral whose externalReferenceId is this opportunity and adopts it.
 */
import { OPPORTUNITY, SyncStatus } from "../../../plugins-ts/src/model/schema";
import { buttonTrigger, completed, compose, condition, FlowSpec, referrals, respond, Steps } from "../builder";
import { FLOWS } from "../ids";
import { addReferralToCreate } from "../blocks/opportunity";
import { addGetOpportunity, addRuleFailures, addSolutionList, ruleSources, writeOpportunity } from "../blocks/outbound";
import { partnerCenterError } from "../blocks/patch";
import { addSolutionIds, crmProjectionFields } from "../blocks/projection";
import { crmKey, recordText } from "../blocks/record";
import { auditColumn, auditLine, nameWithMark, referralStatusLabel } from "../blocks/sync";
import { body, call, coalesce, concat, equals, ex, iff, lit, not, outputs, prop, tpl, triggerBody } from "../wdl";
import { anyRuleFailsExpression, factsObject } from "../../../plugins-ts/src/rulebook/wdl";
import { PARTNER_CENTER_SOLUTION, SOLUTION_DETAIL } from "../../../plugins-ts/src/model/schema";

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
  // A create call that timed out may have committed: never create blind, look for this opportunity's referral first.
  valid.add("Find_an_earlier_referral", referrals.list({ filter: `externalReferenceId eq '${tpl(id)}'`, top: 1 }));
  valid.onFailure("Find_an_earlier_referral", "Record_the_failure_to_look", createFailure(id, o, check, audit, "Find_an_earlier_referral"));
  const earlier = call("first", coalesce(prop(body("Find_an_earlier_referral"), "value"), "json('[]')"));
  const adopt = new Steps();
  adopt.add("Record_the_earlier_referral", recordReferral(id, o, check, earlier, audit, lit("A referral an earlier attempt created was found and adopted.")));
  const create = new Steps();
  // No retry of a create: one that timed out may have committed; the next attempt looks for it first.
  create.add("Create_the_referral", { ...referrals.create(ex(desired)), retryPolicy: { type: "none" } });
  create.onFailure("Create_the_referral", "Record_the_failure", createFailure(id, o, check, audit, "Create_the_referral"));
  const created = body("Create_the_referral");
  create.add("Record_the_referral", recordReferral(id, o, check, created, audit, concat(lit("Created in Partner Center ("), dealTypeOf(o), lit(")."))));
  valid.add("If_an_earlier_attempt_created_it", condition(not(equals(earlier, "null")), adopt, create));

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
  steps.add("Respond", respond({ opportunityId: ex(id) }, { opportunityId: { title: "Opportunity", type: "string" } }), completed("If_the_opportunity_passes_the_rules"));

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
