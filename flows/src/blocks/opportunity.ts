/**
 * Reading an opportunity the way the rulebook sees it (rulebook/snapshot.ts), validating it with the
 * rulebook's own generated expressions (rulebook/wdl.ts), and mapping it to the referral it
 * describes (rulebook/mapping-outbound.ts). Flows 2 (create) and 7 (update) share these.
 */
import { MICROSOFT_HELP_OPTIONS, OPPORTUNITY, PARTNER_CENTER_SOLUTION, SOLUTION_DETAIL, SOLUTION_TYPE_OPTIONS } from "../../../plugins-ts/src/model/schema";
import { failuresTextExpression, WdlSources } from "../../../plugins-ts/src/rulebook/wdl";
import { LOST_STATUS_REASONS, OPPORTUNITY_STATUS_CODE } from "../../../plugins-ts/src/rulebook/status";
import { SALES_STAGES } from "../../../plugins-ts/src/rulebook/mapping-outbound";
import { configuredColumn, compose, dataverse, select, Steps } from "../builder";
import { body, call, coalesce, equals, ex, iff, isEmpty, left, lit, not, objectOf, outputs, prop, propDyn, str, tpl, trimmed } from "../wdl";
import { nameWithoutMark } from "./sync";

const ACCOUNT_COLUMNS = "name,address1_line1,address1_line2,address1_city,address1_stateorprovince,address1_postalcode";
const CONTACT_COLUMNS = "fullname,firstname,lastname,emailaddress1,telephone1";

export interface OpportunitySnapshotRefs {
  opportunity: string;
  account: string;
  contact: string;
  currency: string;
  /** Microsoft Solution Details rows (array). */
  solutions: string;
  /** The Microsoft Partner Center Solutions row ids, comma separated. */
  rowIds: string;
}

/** Get_opportunity (with its account, contact and currency) and its solution rows. */
export function addOpportunityReads(steps: Steps, opportunityId: string): OpportunitySnapshotRefs {
  const country = configuredColumn("customerCountryCodeField");
  steps.add(
    "Get_opportunity",
    dataverse.getItem(OPPORTUNITY.entitySetName, ex(opportunityId), {
      expand: `customerid_account($select=${ACCOUNT_COLUMNS},${tpl(country)}),parentcontactid($select=${CONTACT_COLUMNS}),transactioncurrencyid($select=isocurrencycode)`,
    }),
  );
  steps.add(
    "List_solutions",
    dataverse.listRecords(PARTNER_CENTER_SOLUTION.entitySetName, {
      select: PARTNER_CENTER_SOLUTION.primaryId,
      filter: `_${PARTNER_CENTER_SOLUTION.opportunity}_value eq ${tpl(opportunityId)}`,
      expand: `${PARTNER_CENTER_SOLUTION.solutionDetailNavigation}($select=${[SOLUTION_DETAIL.solutionId, SOLUTION_DETAIL.name, SOLUTION_DETAIL.publisherName, SOLUTION_DETAIL.solutionType].join(",")})`,
    }),
  );
  const rows = coalesce(prop(body("List_solutions"), "value"), "json('[]')");
  steps.add("Solution_details", select(ex(rows), ex(prop("item()", PARTNER_CENTER_SOLUTION.solutionDetailNavigation))));
  steps.add("Solution_row_ids", select(ex(rows), ex(prop("item()", PARTNER_CENTER_SOLUTION.primaryId))));
  const opp = body("Get_opportunity");
  return {
    opportunity: opp,
    account: prop(opp, "customerid_account"),
    contact: prop(opp, "parentcontactid"),
    currency: prop(opp, "transactioncurrencyid"),
    solutions: body("Solution_details"),
    rowIds: call("join", body("Solution_row_ids"), lit(",")),
  };
}

/**
 * Validation_failures: the messages of every rule the opportunity fails, joined by spaces ("" when it
 * passes) — exactly validate()'s messages. `previousShared` is true when Partner Center already shares
 * the referral with Microsoft (the stored projection), for "visibility never goes back to No".
 */
export function addValidation(
  steps: Steps,
  snap: OpportunitySnapshotRefs,
  previousShared: string,
  config: WdlSources["config"] = { dealValueField: configuredColumn("dealValueField"), customerCountryCodeField: configuredColumn("customerCountryCodeField") },
): string {
  const sources: WdlSources = {
    rows: {
      opportunity: snap.opportunity,
      account: snap.account,
      contact: snap.contact,
      currency: snap.currency,
      previous: outputs("Previous_values"),
    },
    lists: {
      solutions: snap.solutions,
      contacts: iff(equals(snap.contact, "null"), "json('[]')", call("createArray", snap.contact)),
    },
    config,
  };
  steps.add("Previous_values", compose(ex(objectOf([[OPPORTUNITY.referralVisibility, iff(previousShared, "true", "null")]]))));
  steps.add("Validation_failures", compose(ex(call("trim", failuresTextExpression(sources, " ")))));
  return outputs("Validation_failures");
}

const member = (row: string, first: string, last: string, email: string, phone: string): string =>
  objectOf([
    ["firstName", prop(row, first)],
    ["lastName", prop(row, last)],
    ["email", prop(row, email)],
    ["phoneNumber", prop(row, phone)],
  ]);

/**
 * Desired_referral: the referral the opportunity describes (mapping-outbound.ts toReferral), as a
 * Compose object. `owner` (a systemuser row) fills the partner team when given (create only).
 */
export function addDesiredReferral(
  steps: Steps,
  snap: OpportunitySnapshotRefs,
  owner?: string,
  config: WdlSources["config"] = { dealValueField: configuredColumn("dealValueField"), customerCountryCodeField: configuredColumn("customerCountryCodeField") },
): string {
  const o = snap.opportunity;
  const help = prop(o, OPPORTUNITY.microsoftHelp);
  const helpCodes = lit(JSON.stringify(Object.fromEntries(MICROSOFT_HELP_OPTIONS.map((h) => [String(h.value), h.code]))));
  const code = propDyn(call("json", helpCodes), call("string", coalesce(help, "''")));
  const hasHelp = not(equals(help, "null"));
  const state = prop(o, "statecode");
  const statuscode = prop(o, "statuscode");
  const lostReasons = lit(JSON.stringify(LOST_STATUS_REASONS));
  const onHold = equals(statuscode, String(OPPORTUNITY_STATUS_CODE.onHold));
  const status = iff(equals(state, "1"), lit("Closed"), iff(equals(state, "2"), lit("Closed"), iff(onHold, lit("New"), lit("Active"))));
  const substatus = iff(equals(state, "1"), lit("Won"), iff(equals(state, "2"), lit("Lost"), iff(onHold, lit("Pending"), lit("Accepted"))));
  const statusReason = iff(equals(state, "2"), propDyn(call("json", lostReasons), call("string", coalesce(statuscode, "0"))), "null");
  const stage = prop(o, "salesstage");
  const stages = call("createArray", ...SALES_STAGES.map(lit));
  const closeDate = str(prop(o, "estimatedclosedate"));
  const country = call("toUpper", call("replace", trimmed(propDyn(snap.account, config.customerCountryCodeField)), lit(" "), lit("")));
  const solutionTypes = lit(JSON.stringify(Object.fromEntries(SOLUTION_TYPE_OPTIONS.map((t) => [String(t.value), t.code]))));

  steps.add(
    "Desired_solutions",
    select(ex(snap.solutions), {
      type: "Name",
      id: ex(trimmed(prop("item()", SOLUTION_DETAIL.solutionId))),
      name: ex(prop("item()", SOLUTION_DETAIL.name)),
      publisherName: ex(prop("item()", SOLUTION_DETAIL.publisherName)),
      solutionType: ex(propDyn(call("json", solutionTypes), call("string", coalesce(prop("item()", SOLUTION_DETAIL.solutionType), "''")))),
    }),
  );

  const referral: Record<string, unknown> = {
    name: ex(nameWithoutMark(prop(o, "name"))),
    externalReferenceId: ex(prop(o, OPPORTUNITY.primaryId)),
    type: ex(iff(hasHelp, lit("Shared"), lit("Independent"))),
    status: ex(status),
    substatus: ex(substatus),
    statusReason: ex(statusReason),
    salesStage: ex(iff(equals(stage, "null"), "null", `${stages}?[${call("int", coalesce(stage, "0"))}]`)),
    customerProfile: {
      name: ex(prop(snap.account, "name")),
      address: {
        addressLine1: ex(prop(snap.account, "address1_line1")),
        addressLine2: ex(prop(snap.account, "address1_line2")),
        city: ex(prop(snap.account, "address1_city")),
        state: ex(prop(snap.account, "address1_stateorprovince")),
        postalCode: ex(prop(snap.account, "address1_postalcode")),
        country: ex(iff(call("empty", country), "null", country)),
      },
      team: ex(iff(equals(snap.contact, "null"), "json('[]')", call("createArray", member(snap.contact, "firstname", "lastname", "emailaddress1", "telephone1")))),
    },
    ...(owner ? { team: ex(iff(equals(owner, "null"), "json('[]')", call("createArray", member(owner, "firstname", "lastname", "internalemailaddress", "address1_telephone1")))) } : {}),
    details: {
      dealValue: ex(propDyn(o, config.dealValueField)),
      currency: ex(iff(isEmpty(prop(snap.currency, "isocurrencycode")), "null", call("toUpper", trimmed(prop(snap.currency, "isocurrencycode"))))),
      closingDateTime: ex(iff(call("empty", closeDate), "null", call("concat", left(closeDate, 10), lit("T00:00:00Z")))),
      notes: ex(trimmed(prop(o, "description"))),
      requirements: { solutions: ex(body("Desired_solutions")) },
    },
    consent: {
      consentToShareReferralWithMicrosoftSellers: ex(equals(prop(o, OPPORTUNITY.referralVisibility), "true")),
      consentToContact: ex(hasHelp),
    },
    inviteContext: { assistanceRequestCode: ex(iff(hasHelp, code, "null")) },
  };
  steps.add("Desired_referral", compose(referral));
  return outputs("Desired_referral");
}
