/**
 * 3. [Customize] Create or Get Details from Dynamics 365 flow (child flow): THE place an admin edits
 * to change how a Partner Center referral lands in Dynamics 365 — the field mapping
 * (rulebook/mapping-inbound.ts) and the defaults for mandatory lead and opportunity columns.
 *
 * - Create or get customer account: an account with the same name and postal code, else a new one
 *   (the country goes to the column pcs_CustomerCountryCodeField names).
 * - Create or get contacts: one per customer contact, found by e-mail, else created.
 * - Create or update opportunity / lead: by the referral id (the pcs_referralidentifier alternate
 *   key: upsert, so no duplicates), the deal value in the column pcs_DealValueField names.
 * - Microsoft solutions: the opportunity's Microsoft Partner Center Solutions rows follow the
 *   referral's solutions (catalogue rows are added to Microsoft Solution Details when missing).
 * The caller (flow 4) has marked the record Pending, so these writes trigger no outbound sync.
 */
import { LEAD, OPPORTUNITY, PARTNER_CENTER_SOLUTION, SOLUTION_DETAIL, SOLUTION_TYPE_OPTIONS, SyncStatus } from "../../../plugins-ts/src/model/schema";
import { MICROSOFT_HELP_OPTIONS } from "../../../plugins-ts/src/model/schema";
import { SALES_STAGES } from "../../../plugins-ts/src/rulebook/mapping-outbound";
import {
  configuredColumn,
  appendToArray,
  buttonTrigger,
  compose,
  condition,
  dataverse,
  FlowSpec,
  foreach,
  initVariable,
  respond,
  setVariable,
  Steps,
} from "../builder";
import { FLOWS } from "../ids";
import { and, body, call, coalesce, concat, equals, ex, iff, isEmpty, items, left, lit, not, objectOf, odataString, outputs, prop, propDyn, str, tpl, triggerBody, trimmed, variables } from "../wdl";

const R = outputs("Referral");
const d = (k: string) => prop(R, "details", k);
const profile = (k: string) => prop(R, "customerProfile", k);
const address = (k: string) => prop(R, "customerProfile", "address", k);
const firstMember = call("first", coalesce(profile("team"), "json('[]')"));

/** Sets a column only when the value is not empty (a null would clear it; a bind to nothing fails). */
const withIf = (obj: string, key: string, value: string, when: string = not(isEmpty(value))): string => iff(when, call("setProperty", obj, lit(key), value), obj);

export function customizeFlow(): FlowSpec {
  const steps = new Steps();
  steps.add("Referral", compose(ex(call("json", str(prop(triggerBody(), "referral"))))));
  steps.add("Initialize_account", initVariable("Account", "string", ""));
  steps.add("Initialize_contacts", initVariable("Contacts", "array", []));
  steps.add("Initialize_currency", initVariable("Currency", "string", ""));
  steps.add("Initialize_record", initVariable("Record", "string", ""));
  steps.add("Initialize_rows", initVariable("Rows", "string", ""));
  const isOpportunity = equals(prop(triggerBody(), "kind"), lit("opportunity"));

  // ---- Create or get customer account -------------------------------------------------------------
  const account = new Steps();
  const postal = trimmed(address("postalCode"));
  account.add(
    "Find_customer_account",
    dataverse.listRecords("accounts", {
      select: "accountid",
      filter: tpl(concat(lit("name eq '"), odataString(call("trim", str(profile("name")))), lit("'"), iff(call("empty", postal), lit(""), concat(lit(" and address1_postalcode eq '"), odataString(postal), lit("'"))))),
      top: 1,
    }),
  );
  const found = call("first", coalesce(prop(body("Find_customer_account"), "value"), "json('[]')"));
  const create = new Steps();
  const country = call("toUpper", call("replace", trimmed(address("country")), lit(" "), lit("")));
  const accountBase = objectOf([
    ["name", trimmed(profile("name"))],
    ["address1_line1", address("addressLine1")],
    ["address1_line2", address("addressLine2")],
    ["address1_city", address("city")],
    ["address1_stateorprovince", address("state")],
    ["address1_postalcode", address("postalCode")],
  ]);
  // The country goes to the column the "Customer Account Country Code" environment variable names.
  const accountItem = iff(call("empty", country), accountBase, call("setProperty", accountBase, configuredColumn("customerCountryCodeField"), country));
  create.add("Create_customer_account", dataverse.createRecord("accounts", ex(accountItem)));
  create.add("Remember_the_new_account", setVariable("Account", ex(prop(body("Create_customer_account"), "accountid"))));
  const use = new Steps();
  use.add("Remember_the_account", setVariable("Account", ex(prop(found, "accountid"))));
  account.add("If_the_account_exists", condition(equals(found, "null"), create, use));
  steps.add("Create_or_get_customer_account", condition(and(isOpportunity, not(isEmpty(profile("name")))), account));

  // ---- Create or get contacts ---------------------------------------------------------------------
  const contact = new Steps();
  const email = trimmed(prop(items("For_each_customer_contact"), "email"));
  contact.add(
    "Find_contact",
    dataverse.listRecords("contacts", { select: "contactid", filter: `emailaddress1 eq '${tpl(odataString(email))}'`, top: 1 }),
  );
  const foundContact = call("first", coalesce(prop(body("Find_contact"), "value"), "json('[]')"));
  const newContact = new Steps();
  const member = (k: string) => prop(items("For_each_customer_contact"), k);
  const contactItem = withIf(
    objectOf([
      ["firstname", member("firstName")],
      // lastname is required on contact: default to the e-mail address.
      ["lastname", iff(isEmpty(member("lastName")), email, trimmed(member("lastName")))],
      ["emailaddress1", email],
      ["telephone1", member("phoneNumber")],
    ]),
    "parentcustomerid_account@odata.bind",
    concat(lit("/accounts("), variables("Account"), lit(")")),
    not(call("empty", variables("Account"))),
  );
  newContact.add("Create_contact", dataverse.createRecord("contacts", ex(contactItem)));
  newContact.add("Remember_the_new_contact", appendToArray("Contacts", ex(prop(body("Create_contact"), "contactid"))));
  const known = new Steps();
  known.add("Remember_the_contact", appendToArray("Contacts", ex(prop(foundContact, "contactid"))));
  contact.add("If_the_contact_exists", condition(equals(foundContact, "null"), newContact, known));
  const contacts = new Steps();
  contacts.add("For_each_customer_contact", foreach(ex(coalesce(profile("team"), "json('[]')")), (() => {
    const s = new Steps();
    s.add("If_the_contact_has_an_email", condition(not(call("empty", email)), contact));
    return s;
  })()));
  steps.add("Create_or_get_contacts", condition(isOpportunity, contacts));

  // ---- Currency -----------------------------------------------------------------------------------
  const currency = new Steps();
  const code = call("toUpper", trimmed(d("currency")));
  currency.add("Find_currency", dataverse.listRecords("transactioncurrencies", { select: "transactioncurrencyid", filter: `isocurrencycode eq '${tpl(odataString(code))}'`, top: 1 }));
  currency.add("Remember_the_currency", setVariable("Currency", ex(str(prop(call("first", coalesce(prop(body("Find_currency"), "value"), "json('[]')")), "transactioncurrencyid")))));
  steps.add("Find_the_currency", condition(not(call("empty", code)), currency));

  // ---- Mapped values (rulebook/mapping-inbound.ts) --------------------------------------------------
  const helpValues = lit(JSON.stringify(Object.fromEntries(MICROSOFT_HELP_OPTIONS.map((h) => [h.code, h.value]))));
  const stages = lit(JSON.stringify(Object.fromEntries(SALES_STAGES.map((s, i) => [s, i]))));
  const closeDate = left(trimmed(d("closingDateTime")), 10);
  const referralId = prop(R, "id");
  const status = str(prop(R, "status"));

  // ---- Create or update opportunity ---------------------------------------------------------------
  const opportunity = new Steps();
  let opp = objectOf([
    // Mandatory: Topic. Default when the referral has no name.
    ["name", iff(isEmpty(prop(R, "name")), concat(lit("Partner Center referral "), referralId), trimmed(prop(R, "name")))],
    ["description", iff(isEmpty(d("notes")), "null", trimmed(d("notes")))],
    ["estimatedclosedate", iff(call("empty", closeDate), "null", closeDate)],
    [OPPORTUNITY.referralIdentifier, referralId],
    [OPPORTUNITY.syncWithPartnerCenter, "true"],
    [OPPORTUNITY.syncStatus, String(SyncStatus.Pending)],
    [OPPORTUNITY.referralVisibility, equals(prop(R, "consent", "consentToShareReferralWithMicrosoftSellers"), "true")],
    [OPPORTUNITY.microsoftHelp, propDyn(call("json", helpValues), str(prop(R, "inviteContext", "assistanceRequestCode")))],
    ["salesstage", propDyn(call("json", stages), str(prop(R, "salesStage")))],
  ]);
  // The deal value goes to the column the "Deal value" environment variable names.
  opp = call("setProperty", opp, configuredColumn("dealValueField"), d("dealValue"));
  // An open referral sets the status reason: not yet accepted (New) = On Hold, accepted = In Progress.
  opp = withIf(opp, "statuscode", iff(equals(status, lit("New")), "2", "1"), or2(equals(status, lit("New")), equals(status, lit("Active"))));
  opp = withIf(opp, "customerid_account@odata.bind", concat(lit("/accounts("), variables("Account"), lit(")")), not(call("empty", variables("Account"))));
  opp = withIf(opp, "parentcontactid@odata.bind", concat(lit("/contacts("), call("first", variables("Contacts")), lit(")")), not(call("empty", variables("Contacts"))));
  opp = withIf(opp, "transactioncurrencyid@odata.bind", concat(lit("/transactioncurrencies("), variables("Currency"), lit(")")), not(call("empty", variables("Currency"))));
  opportunity.add("Opportunity_columns", compose(ex(opp)));
  const oppKey = iff(call("empty", str(prop(triggerBody(), "recordId"))), concat(lit(`${OPPORTUNITY.referralIdentifier}='`), odataString(referralId), lit("'")), prop(triggerBody(), "recordId"));
  opportunity.add("Create_or_update_opportunity", dataverse.updateRecord(OPPORTUNITY.entitySetName, ex(oppKey), ex(outputs("Opportunity_columns"))));
  opportunity.add("Remember_the_opportunity", setVariable("Record", ex(prop(body("Create_or_update_opportunity"), OPPORTUNITY.primaryId))));
  addSolutions(opportunity);
  steps.add("Create_or_update_the_opportunity", condition(isOpportunity, opportunity));

  // ---- Create or update lead ----------------------------------------------------------------------
  const lead = new Steps();
  let leadColumns = objectOf([
    // Mandatory: Topic and Last Name. Defaults when the referral has none.
    ["subject", iff(isEmpty(prop(R, "name")), concat(lit("Partner Center lead "), referralId), trimmed(prop(R, "name")))],
    ["companyname", profile("name")],
    ["firstname", prop(firstMember, "firstName")],
    ["lastname", iff(isEmpty(prop(firstMember, "lastName")), iff(isEmpty(profile("name")), lit("(unknown)"), trimmed(profile("name"))), trimmed(prop(firstMember, "lastName")))],
    ["emailaddress1", prop(firstMember, "email")],
    ["telephone1", prop(firstMember, "phoneNumber")],
    ["description", iff(isEmpty(d("notes")), "null", trimmed(d("notes")))],
    ["estimatedamount", d("dealValue")],
    ["estimatedclosedate", iff(call("empty", closeDate), "null", closeDate)],
    ["address1_city", address("city")],
    ["address1_postalcode", address("postalCode")],
    ["address1_country", iff(call("empty", country), "null", country)],
    [LEAD.referralIdentifier, referralId],
    [LEAD.syncWithPartnerCenter, "true"],
    [LEAD.syncStatus, String(SyncStatus.Pending)],
  ]);
  leadColumns = withIf(leadColumns, "transactioncurrencyid@odata.bind", concat(lit("/transactioncurrencies("), variables("Currency"), lit(")")), not(call("empty", variables("Currency"))));
  lead.add("Lead_columns", compose(ex(leadColumns)));
  const leadKey = iff(call("empty", str(prop(triggerBody(), "recordId"))), concat(lit(`${LEAD.referralIdentifier}='`), odataString(referralId), lit("'")), prop(triggerBody(), "recordId"));
  lead.add("Create_or_update_lead", dataverse.updateRecord(LEAD.entitySetName, ex(leadKey), ex(outputs("Lead_columns"))));
  lead.add("Remember_the_lead", setVariable("Record", ex(prop(body("Create_or_update_lead"), LEAD.primaryId))));
  steps.add("Create_or_update_the_lead", condition(equals(prop(triggerBody(), "kind"), lit("lead")), lead));

  steps.add(
    "Respond",
    respond(
      { recordId: ex(variables("Record")), rows: ex(variables("Rows")) },
      { recordId: { title: "Record", type: "string" }, rows: { title: "Solution rows", type: "string" } },
    ),
    { Create_or_update_the_lead: ["Succeeded"] },
  );

  return {
    id: FLOWS.customize.id,
    name: FLOWS.customize.name,
    description:
      "The flow to edit: how a Partner Center referral becomes a Dynamics 365 account, contacts, and opportunity or lead — the field mapping and the defaults for mandatory columns.",
    connections: ["dataverse"],
    environmentVariables: ["dealValueField", "customerCountryCodeField"],
    triggers: buttonTrigger(
      {
        referral: { title: "Referral", type: "string", description: "The referral as Partner Center returns it (JSON)" },
        kind: { title: "Kind", type: "string", description: "opportunity or lead" },
        recordId: { title: "Record", type: "string", description: "The existing opportunity or lead, or empty to find it by referral id" },
      },
      ["referral", "kind"],
    ),
    steps,
  };
}

function or2(a: string, b: string): string {
  return call("or", a, b);
}

/** The opportunity's Microsoft Partner Center Solutions rows follow the referral's solutions. */
function addSolutions(steps: Steps): void {
  const oppId = variables("Record");
  const listLinks = (name: string) =>
    dataverse.listRecords(PARTNER_CENTER_SOLUTION.entitySetName, {
      select: PARTNER_CENTER_SOLUTION.primaryId,
      filter: `_${PARTNER_CENTER_SOLUTION.opportunity}_value eq ${tpl(oppId)}`,
      expand: `${PARTNER_CENTER_SOLUTION.solutionDetailNavigation}($select=${SOLUTION_DETAIL.solutionId})`,
    });
  steps.add("List_solution_rows", listLinks("List_solution_rows"));
  const linkedIds = "Linked_solution_ids";
  steps.add(linkedIds, { type: "Select", inputs: { from: ex(coalesce(prop(body("List_solution_rows"), "value"), "json('[]')")), select: ex(call("toUpper", trimmed(prop("item()", PARTNER_CENTER_SOLUTION.solutionDetailNavigation, SOLUTION_DETAIL.solutionId)))) } });
  steps.add("Referral_solution_ids", { type: "Select", inputs: { from: ex(coalesce(prop(R, "details", "requirements", "solutions"), "json('[]')")), select: ex(call("toUpper", trimmed(prop("item()", "id")))) } });

  // Add what the referral has and the opportunity lacks.
  const add = new Steps();
  const sol = (k: string) => prop(items("For_each_referral_solution"), k);
  const solId = trimmed(sol("id"));
  const types = lit(JSON.stringify(Object.fromEntries(SOLUTION_TYPE_OPTIONS.map((t) => [t.code, t.value]))));
  add.add(
    "Create_or_update_catalogue_row",
    dataverse.updateRecord(
      SOLUTION_DETAIL.entitySetName,
      ex(concat(lit(`${SOLUTION_DETAIL.solutionId}='`), odataString(solId), lit("'"))),
      ex(
        objectOf([
          [SOLUTION_DETAIL.name, iff(isEmpty(sol("name")), solId, trimmed(sol("name")))],
          [SOLUTION_DETAIL.publisherName, sol("publisherName")],
          [SOLUTION_DETAIL.solutionType, propDyn(call("json", types), str(sol("solutionType")))],
        ]),
      ),
    ),
  );
  add.add(
    "Link_solution",
    dataverse.createRecord(
      PARTNER_CENTER_SOLUTION.entitySetName,
      ex(
        objectOf([
          [PARTNER_CENTER_SOLUTION.name, iff(isEmpty(sol("name")), solId, trimmed(sol("name")))],
          [`${PARTNER_CENTER_SOLUTION.opportunityNavigation}@odata.bind`, concat(lit("/opportunities("), oppId, lit(")"))],
          [`${PARTNER_CENTER_SOLUTION.solutionDetailNavigation}@odata.bind`, concat(lit(`/${SOLUTION_DETAIL.entitySetName}(`), prop(body("Create_or_update_catalogue_row"), SOLUTION_DETAIL.primaryId), lit(")"))],
        ]),
      ),
    ),
  );
  const each = new Steps();
  each.add("If_the_solution_is_not_linked_yet", condition(and(not(call("empty", solId)), not(call("contains", body(linkedIds), call("toUpper", solId)))), add));
  steps.add("For_each_referral_solution", foreach(ex(coalesce(prop(R, "details", "requirements", "solutions"), "json('[]')")), each));

  // Remove what the opportunity has and the referral no longer lists.
  const remove = new Steps();
  remove.add("Remove_solution_row", dataverse.deleteRecord(PARTNER_CENTER_SOLUTION.entitySetName, ex(prop(items("For_each_linked_solution"), PARTNER_CENTER_SOLUTION.primaryId))));
  const eachLinked = new Steps();
  const linkedId = call("toUpper", trimmed(prop(items("For_each_linked_solution"), PARTNER_CENTER_SOLUTION.solutionDetailNavigation, SOLUTION_DETAIL.solutionId)));
  eachLinked.add("If_the_referral_no_longer_lists_it", condition(not(call("contains", body("Referral_solution_ids"), linkedId)), remove));
  steps.add("For_each_linked_solution", foreach(ex(coalesce(prop(body("List_solution_rows"), "value"), "json('[]')")), eachLinked));

  steps.add("List_solution_rows_now", listLinks("List_solution_rows_now"));
  steps.add("Solution_row_ids_now", { type: "Select", inputs: { from: ex(coalesce(prop(body("List_solution_rows_now"), "value"), "json('[]')")), select: ex(prop("item()", PARTNER_CENTER_SOLUTION.primaryId)) } });
  steps.add("Remember_the_rows", setVariable("Rows", ex(call("join", body("Solution_row_ids_now"), lit(",")))));
}

