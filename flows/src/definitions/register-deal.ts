/**
 * 12. Partner Center Deal Registration (ours): a seller sets Register Deal = Yes on a won deal.
 *
 *   Get the opportunity ─ Eligible solutions (a Select) ─ Check the registration (the rulebook's
 *   REGISTRATION_RULES, before any call)
 *   └ If the deal can be registered
 *     ├ yes: Register the deal (CreateDealRegistrationByReferralId, or PatchDealRegistrationByReferralId
 *     │      when the deal has a registration) ─ Read the referral back ─ Record the registration
 *     │      (the call failed: Record the failure)
 *     └ no:  Record the refusal (Error, the reasons in the Audit, no call)
 *
 * Register Deal is a request: every path sets it back to No, so asking again is setting it to Yes
 * again. The trigger listens to that column alone, so the sync's other writes never start a run.
 * The body is rulebook/registration.ts toDealRegistration's (registration-parity.test.ts).
 */
import { CONTRACT_TERM_OPTIONS, DEAL_REGISTRATION, OPPORTUNITY, PARTNER_CENTER_SOLUTION, PRICING_MODEL_OPTIONS, PRIMARY_DEPLOYMENT_OPTIONS, SOLUTION_DETAIL, SOLUTION_DETAIL_COSELL, SyncStatus } from "../../../plugins-ts/src/model/schema";
import { DEAL_REGISTRATION_CREATE_PATH } from "../../../plugins-ts/src/partner-center/referral";
import { REGISTRATION_TYPE } from "../../../plugins-ts/src/rulebook/registration";
import { RULE_TABLES } from "../../../plugins-ts/src/rulebook/rules";
import { anyRuleFailsExpression, eachKey, factsObject, failureMessagesObject, failuresTextFromObject, WdlSources } from "../../../plugins-ts/src/rulebook/wdl";
import { compose, condition, configuredColumn, dataverse, dataverseTrigger, FlowSpec, query, referrals, select, Steps } from "../builder";
import { FLOWS } from "../ids";
import { partnerCenterError } from "../blocks/patch";
import { auditColumn, auditLine } from "../blocks/sync";
import { SOLUTION_ROWS } from "../blocks/outbound";
import { storedRecord } from "../blocks/record";
import { body, call, coalesce, concat, equals, ex, iff, left, lit, objectOf, outputs, prop, propDyn, str, trimmed, triggerBody } from "../wdl";

const R = DEAL_REGISTRATION;
const codes = (options: ReadonlyArray<{ value: number; code: string }>) => call("json", lit(JSON.stringify(Object.fromEntries(options.map((o) => [String(o.value), o.code])))));
const codeOf = (options: ReadonlyArray<{ value: number; code: string }>, value: string) => propDyn(codes(options), call("string", coalesce(value, "''")));
/** A Dataverse date as Partner Center's UTC date-time at midnight, or null (mapping-outbound.ts toClosingDateTime). */
const dateTime = (v: string) => iff(call("empty", str(v)), "null", concat(left(trimmed(v), 10), lit("T00:00:00Z")));

/** The registration the opportunity describes (registration.ts toDealRegistration), as an object expression. */
export function registrationOf(o: string, currency: string, eligibleId: string): string {
  const transacted = prop(o, R.marketplaceTransacted);
  const value = prop(o, R.contractValue);
  const term = codeOf(CONTRACT_TERM_OPTIONS, prop(o, R.contractTerm));
  const code = iff(call("empty", trimmed(currency)), "null", call("toUpper", trimmed(currency)));
  const transaction = objectOf([
    ["isMarketplaceTransacted", transacted],
    ["marketplaceTransactionDateTime", iff(equals(transacted, "true"), dateTime(prop(o, R.marketplaceTransactedOn)), "null")],
  ]);
  const solution = objectOf([
    ["id", str(eligibleId)],
    ["currency", code],
    ["value", value],
    ["isDeployedOnAzure", prop(o, R.deployedOnAzure)],
    ["primaryDeploymentOn", codeOf(PRIMARY_DEPLOYMENT_OPTIONS, prop(o, R.primaryDeployment))],
    ["pricingModel", codeOf(PRICING_MODEL_OPTIONS, prop(o, R.pricingModel))],
    ["marketplaceTransactionDetails", iff(equals(transacted, "null"), "null", transaction)],
  ]);
  const contract = objectOf([
    ["currency", code],
    ["value", value],
    ["term", term],
    ["startDateTime", dateTime(prop(o, R.contractStart))],
    ["endDateTime", iff(equals(term, lit("Finite")), dateTime(prop(o, R.contractEnd)), "null")],
    ["signDateTime", dateTime(prop(o, R.contractSigned))],
  ]);
  return objectOf([["type", lit(REGISTRATION_TYPE)], ["solutionDetails", call("createArray", solution)], ["contract", contract]]);
}

/** The PatchDealRegistrationByReferralId body: replace each of the connector's paths the registration gives a value. */
function registrationUpdate(registration: string): string {
  const op = (path: string, value: string) => iff(equals(value, "null"), "json('[]')", call("createArray", objectOf([["op", lit("replace")], ["path", lit(path)], ["value", value]])));
  const c = (k: string) => prop(registration, "contract", k);
  const s = (...k: string[]) => prop(call("first", prop(registration, "solutionDetails")), ...k);
  return call(
    "union",
    ...["startDateTime", "endDateTime", "signDateTime", "term", "value"].map((k) => op(`/registrations/0/contract/${k}`, c(k))),
    ...["value", "currency", "isDeployedOnAzure", "primaryDeploymentOn", "pricingModel"].map((k) => op(`/registrations/0/solutionDetails/0/${k}`, s(k))),
    op("/registrations/0/solutionDetails/0/marketplaceTransactionDetails/isMarketplaceTransacted", s("marketplaceTransactionDetails", "isMarketplaceTransacted")),
  );
}

export function registerDealFlow(): FlowSpec {
  const steps = new Steps();
  const id = prop(triggerBody(), OPPORTUNITY.primaryId);
  const details = [SOLUTION_DETAIL.solutionId, SOLUTION_DETAIL_COSELL.azureIpCoSellEligible].join(",");
  steps.add(
    "Get_the_opportunity",
    dataverse.getItem(OPPORTUNITY.entitySetName, ex(id), {
      expand: ["transactioncurrencyid($select=isocurrencycode)", `${SOLUTION_ROWS}($select=${PARTNER_CENTER_SOLUTION.primaryId};$expand=${PARTNER_CENTER_SOLUTION.solutionDetailNavigation}($select=${details}))`].join(","),
    }),
  );
  const o = body("Get_the_opportunity");
  const rows = coalesce(prop(o, SOLUTION_ROWS), "json('[]')");
  const detail = (k: string) => prop("item()", PARTNER_CENTER_SOLUTION.solutionDetailNavigation, k);
  // The eligibility flag of each solution (the rulebook's list fact), and the first eligible solution's id.
  steps.add("Eligible_solutions", select(ex(rows), ex(equals(detail(SOLUTION_DETAIL_COSELL.azureIpCoSellEligible), "true"))));
  steps.add("Eligible_solution_rows", query(ex(rows), ex(equals(detail(SOLUTION_DETAIL_COSELL.azureIpCoSellEligible), "true"))));
  const flags = body("Eligible_solutions");
  const firstEligible = prop(call("first", body("Eligible_solution_rows")), PARTNER_CENTER_SOLUTION.solutionDetailNavigation, SOLUTION_DETAIL.solutionId);
  const currency = prop(o, "transactioncurrencyid", "isocurrencycode");
  const sources: WdlSources = {
    rows: { opportunity: o, account: "null", contact: "null", currency: prop(o, "transactioncurrencyid"), previous: "null" },
    lists: { solutions: rows, contacts: "json('[]')" },
    config: { dealValueField: configuredColumn("dealValueField"), customerCountryCodeField: configuredColumn("customerCountryCodeField") },
    each: { [eachKey("solutions", SOLUTION_DETAIL_COSELL.azureIpCoSellEligible)]: flags },
    table: RULE_TABLES.registration,
  };
  steps.add("Check_the_registration", compose({ facts: Object.fromEntries(factsObject(sources).map(([k, e]) => [k, ex(e)])), registration: ex(registrationOf(o, str(currency), firstEligible)) }));
  const check = outputs("Check_the_registration");
  const staged: WdlSources = { ...sources, facts: prop(check, "facts") };
  const referralId = call("trim", str(prop(o, OPPORTUNITY.referralIdentifier)));
  const audit = prop(o, OPPORTUNITY.syncAudit);
  const registrationId = call("trim", str(prop(o, R.registrationId)));

  const register = new Steps();
  const isNew = call("empty", registrationId);
  const create = new Steps();
  create.add("Create_the_registration", referrals.createRegistration(ex(referralId), ex(call("createArray", objectOf([["op", lit("add")], ["path", lit(DEAL_REGISTRATION_CREATE_PATH)], ["value", prop(check, "registration")]])))));
  const update = new Steps();
  update.add("Update_the_registration", referrals.patchRegistration(ex(referralId), ex(registrationUpdate(prop(check, "registration")))));
  register.add("Register_the_deal", condition(isNew, create, update));
  const callFailed = concat(partnerCenterError(call("outputs", lit("Create_the_registration"))), partnerCenterError(call("outputs", lit("Update_the_registration"))));
  register.onFailure(
    "Register_the_deal",
    "Record_the_failure",
    dataverse.updateOnlyRecord(OPPORTUNITY.entitySetName, ex(id), {
      [R.register]: false,
      [OPPORTUNITY.syncAudit]: ex(auditColumn(audit, auditLine("CRM->PC", "Error", "register", callFailed))),
    }),
  );
  register.add("Read_the_referral_back", referrals.get(ex(referralId)));
  const back = body("Read_the_referral_back");
  const registered = call("first", coalesce(prop(back, "registrations"), "json('[]')"));
  register.add(
    "Record_the_registration",
    dataverse.updateOnlyRecord(OPPORTUNITY.entitySetName, ex(id), {
      [R.register]: false,
      [R.status]: ex(coalesce(prop(back, "registrationStatus"), prop(registered, "status"))),
      [R.registrationId]: ex(prop(registered, "id")),
      // The version the registration made is agreed (nothing the sync compares changed): its webhook echo costs no read.
      [OPPORTUNITY.syncHash]: ex(iff(call("startsWith", str(prop(o, OPPORTUNITY.syncHash)), lit("v3:")), concat(lit("v3:"), call("string", call("setProperty", storedRecord(prop(o, OPPORTUNITY.syncHash)), lit("updated"), str(prop(back, "updatedDateTime"))))), prop(o, OPPORTUNITY.syncHash))),
      [OPPORTUNITY.syncAudit]: ex(
        auditColumn(audit, auditLine("CRM->PC", "Success", "register", concat(iff(isNew, lit("Deal registered in Partner Center"), lit("Deal registration updated in Partner Center")), lit(": "), str(coalesce(prop(back, "registrationStatus"), prop(registered, "status"))), lit(".")))),
      ),
    }),
  );

  const refuse = new Steps();
  refuse.add("Registration_failures", compose(Object.fromEntries(failureMessagesObject(staged, " ").map(([rule, e]) => [rule, ex(e)]))));
  refuse.add(
    "Record_the_refusal",
    dataverse.updateOnlyRecord(OPPORTUNITY.entitySetName, ex(id), {
      [R.register]: false,
      [OPPORTUNITY.syncStatus]: ex(String(SyncStatus.Error)),
      [OPPORTUNITY.syncAudit]: ex(auditColumn(audit, auditLine("CRM->PC", "Error", "register", call("trim", failuresTextFromObject(outputs("Registration_failures"), RULE_TABLES.registration))))),
    }),
  );
  steps.add("If_the_deal_can_be_registered", condition(anyRuleFailsExpression(staged), refuse, register));
  return {
    id: FLOWS.registerDeal.id,
    name: FLOWS.registerDeal.name,
    description: "When a seller sets Register Deal on a won deal: checks its eligibility, registers it in Partner Center (Azure IP co-sell) and writes back the registration status.",
    connections: ["dataverse", "referrals"],
    environmentVariables: ["dealValueField", "customerCountryCodeField"],
    triggers: dataverseTrigger("When_a_seller_asks_to_register_the_deal", {
      entity: OPPORTUNITY.logicalName,
      message: 3,
      filteringAttributes: R.register,
      conditions: [ex(equals(prop(triggerBody(), R.register), "true"))],
    }),
    steps,
  };
}
