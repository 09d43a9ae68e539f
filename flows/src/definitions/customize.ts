/**
 * 3. [Customize] Create or Get Details from Dynamics 365 flow (child flow): THE place an admin edits
 * to change how a Partner Center referral lands in Dynamics 365: which column gets which value, and
 * the defaults for mandatory lead and opportunity columns (rulebook/mapping-inbound.ts).
 *
 * Every write names its columns one by one (item/<column>), so the designer shows them as fields. As
 * Microsoft's connector documents it, a deal value or country column other than estimatedvalue and
 * address1_country is set here (change the column in "Create or update the opportunity" / "Create or
 * update the customer account") and in the environment variable (which the sync reads).
 *
 * The opportunity's columns (blocks/landing.ts) are written here for a new opportunity, and by flows
 * 4 and 6 ("Update the opportunity", generated from the same source) when Partner Center changes one:
 * an update that only changes columns then costs no child flow run.
 *
 * Routes (the caller says which): a new opportunity (customer account found by name and postal code
 * or created, contacts found by e-mail or created, solutions linked), an opportunity update (what
 * Partner Center changed beyond the columns: deal value, currency, contact, solutions; closed when
 * Partner Center closed it), a new lead, a lead update. Rows it
 * creates for a referral get ids made from the referral id, so a second delivery of the same event
 * writes the same rows instead of duplicates. Returns the record id, the row as written, and its
 * solution rows.
 */
import {
  ATTRIBUTE_TYPES,
  LEAD,
  LEAD_COSELL,
  OPPORTUNITY,
  OPPORTUNITY_COSELL,
  PARTNER_CENTER_SOLUTION,
  PARTNER_ROLE,
  PURCHASE_INTENT_OPTIONS,
  SOLUTION_AREA,
  SOLUTION_DETAIL,
  SOLUTION_PLAY,
  SOLUTION_TYPE_OPTIONS,
} from "../../../plugins-ts/src/model/schema";
import { opportunityColumns } from "../blocks/landing";
import { buttonTrigger, compose, condition, dataverse, FlowSpec, foreach, respond, select, Steps, switchOn } from "../builder";
import { FLOWS } from "../ids";
import { and, body, call, coalesce, concat, equals, ex, iff, isEmpty, items, left, lit, not, odataString, or, outputs, prop, propDyn, str, triggerBody, trimmed } from "../wdl";

const input = (k: string) => prop(triggerBody(), k);
const R = call("json", str(input("referral")));
const d = (k: string) => prop(R, "details", k);
const profile = (k: string) => prop(R, "customerProfile", k);
const address = (k: string) => prop(R, "customerProfile", "address", k);
const members = coalesce(profile("team"), "json('[]')");
const firstMember = call("first", members);
const referralId = prop(R, "id");
/** An id made from the referral id for a row created for it: a second delivery upserts the same row. */
const derivedId = (prefix: string) => concat(lit(prefix), call("substring", str(referralId), "8"));
const first = (list: string) => call("first", coalesce(prop(body(list), "value"), "json('[]')"));
const closeDate = left(trimmed(d("closingDateTime")), 10);
const status = str(prop(R, "status"));
const country = call("toUpper", call("replace", trimmed(address("country")), lit(" "), lit("")));
const bind = (set: string, id: string) => iff(call("empty", str(id)), "null", concat(lit(`/${set}(`), id, lit(")")));

export function customizeFlow(): FlowSpec {
  const steps = new Steps();

  // ---- a new opportunity -------------------------------------------------------------------------------
  const created = new Steps();
  const postal = trimmed(address("postalCode"));
  created.add(
    "Find_the_customer_account",
    dataverse.listRecords("accounts", {
      select: "accountid",
      filter: `@{concat('name eq ''', ${odataString(call("trim", str(profile("name"))))}, '''', if(empty(${postal}), '', concat(' and address1_postalcode eq ''', ${odataString(postal)}, '''')))}`,
      top: 1,
    }),
  );
  const accountId = coalesce(prop(first("Find_the_customer_account"), "accountid"), derivedId("a0000000"));
  created.add(
    "Create_or_update_the_customer_account",
    dataverse.updateRecord("accounts", ex(accountId), {
      name: ex(trimmed(profile("name"))),
      address1_line1: ex(address("addressLine1")),
      address1_line2: ex(address("addressLine2")),
      address1_city: ex(address("city")),
      address1_stateorprovince: ex(address("state")),
      address1_postalcode: ex(address("postalCode")),
      // The country column: keep it equal to the "Customer Account Country Code" environment variable.
      address1_country: ex(iff(call("empty", country), "null", country)),
    }),
  );
  created.add(
    "Find_the_customer_contact",
    dataverse.listRecords("contacts", { select: "contactid", filter: `emailaddress1 eq '@{${odataString(trimmed(prop(firstMember, "email")))}}'`, top: 1 }),
  );
  const contactId = coalesce(prop(first("Find_the_customer_contact"), "contactid"), derivedId("c0000000"));
  const newContact = new Steps();
  newContact.add(
    "Create_or_update_the_customer_contact",
    dataverse.updateRecord("contacts", ex(contactId), {
      firstname: ex(prop(firstMember, "firstName")),
      // lastname is required on contact: the e-mail address when there is none.
      lastname: ex(iff(isEmpty(prop(firstMember, "lastName")), trimmed(prop(firstMember, "email")), trimmed(prop(firstMember, "lastName")))),
      emailaddress1: ex(trimmed(prop(firstMember, "email"))),
      telephone1: ex(prop(firstMember, "phoneNumber")),
      "parentcustomerid_account@odata.bind": ex(concat(lit("/accounts("), accountId, lit(")"))),
    }),
  );
  created.add("If_the_referral_has_a_contact", condition(not(isEmpty(prop(firstMember, "email"))), newContact));
  created.add("Find_the_currency", dataverse.listRecords("transactioncurrencies", { select: "transactioncurrencyid", filter: `isocurrencycode eq '@{${odataString(call("toUpper", trimmed(d("currency"))))}}'`, top: 1 }));
  addTypedAttributes(created);
  created.add(
    "Create_the_opportunity",
    // A new opportunity's id is the referral's: a second delivery updates it instead of adding another.
    // (A lead qualified into an opportunity passes that opportunity: it is completed the same way.)
    dataverse.updateRecord(OPPORTUNITY.entitySetName, ex(iff(call("empty", str(input("recordId"))), referralId, input("recordId"))), {
      ...opportunityColumns(R, input("syncRecord")),
      "customerid_account@odata.bind": ex(concat(lit("/accounts("), accountId, lit(")"))),
      "parentcontactid@odata.bind": ex(iff(isEmpty(prop(firstMember, "email")), "null", concat(lit("/contacts("), contactId, lit(")")))),
      "transactioncurrencyid@odata.bind": ex(bind("transactioncurrencies", prop(first("Find_the_currency"), "transactioncurrencyid"))),
      ...typedAttributeColumns(),
    }),
  );
  addSolutionLinks(created, prop(body("Create_the_opportunity"), OPPORTUNITY.primaryId), "new");

  // ---- an opportunity update: deal value, lookups, closing, solutions (flows 4 and 6 write the other columns) ----
  const updated = new Steps();
  const oppId = input("recordId");
  const lookups = new Steps();
  lookups.add("Find_the_new_currency", dataverse.listRecords("transactioncurrencies", { select: "transactioncurrencyid", filter: `isocurrencycode eq '@{${odataString(call("toUpper", trimmed(d("currency"))))}}'`, top: 1 }));
  lookups.add("Find_the_new_contact", dataverse.listRecords("contacts", { select: "contactid", filter: `emailaddress1 eq '@{${odataString(trimmed(prop(firstMember, "email")))}}'`, top: 1 }));
  const keptOr = (hint: string, found: string) => coalesce(iff(call("empty", str(hint)), "null", hint), found);
  const newContactId = keptOr(input("contactId"), coalesce(prop(first("Find_the_new_contact"), "contactid"), iff(isEmpty(prop(firstMember, "email")), "null", derivedId("c1000000"))));
  lookups.add(
    "Create_or_update_the_new_contact",
    dataverse.updateRecord("contacts", ex(coalesce(newContactId, derivedId("c1000000"))), {
      firstname: ex(prop(firstMember, "firstName")),
      lastname: ex(iff(isEmpty(prop(firstMember, "lastName")), trimmed(prop(firstMember, "email")), trimmed(prop(firstMember, "lastName")))),
      emailaddress1: ex(trimmed(prop(firstMember, "email"))),
      telephone1: ex(prop(firstMember, "phoneNumber")),
    }),
  );
  updated.add("If_Partner_Center_changed_the_currency_or_contact", condition(or(call("empty", str(input("currencyId"))), call("empty", str(input("contactId")))), lookups));
  updated.add(
    "Set_the_deal_value_currency_and_contact",
    dataverse.updateOnlyRecord(OPPORTUNITY.entitySetName, ex(oppId), {
      // The deal value column: keep it equal to the "Deal value" environment variable.
      estimatedvalue: ex(d("dealValue")),
      "transactioncurrencyid@odata.bind": ex(bind("transactioncurrencies", keptOr(input("currencyId"), prop(first("Find_the_new_currency"), "transactioncurrencyid")))),
      "parentcontactid@odata.bind": ex(bind("contacts", newContactId)),
    }),
  );
  const close = (won: boolean) =>
    dataverse.unboundAction(won ? "WinOpportunity" : "LoseOpportunity", {
      Status: won ? 3 : ex(iff(equals(str(prop(R, "substatus")), lit("Lost")), "5", "4")),
      OpportunityClose: {
        subject: ex(concat(lit(won ? "Won in Partner Center: " : "Closed in Partner Center: "), status, lit(" / "), str(prop(R, "substatus")))),
        // Won and lost carry the deal value and the date Partner Center closed it.
        actualrevenue: ex(d("dealValue")),
        actualend: ex(left(coalesce(prop(R, "closedDateTime"), "utcNow()"), 10)),
        "opportunityid@odata.bind": ex(concat(lit("/opportunities("), oppId, lit(")"))),
      },
    });
  const win = new Steps();
  win.add("Win_the_opportunity", close(true));
  const lose = new Steps();
  lose.add("Lose_the_opportunity", close(false));
  updated.add("Close_as_Partner_Center_did", switchOn(ex(str(input("close"))), { Won: { value: "won", steps: win }, Lost: { value: "lost", steps: lose } }));
  addSolutionLinks(updated, oppId, "update");

  // ---- a lead -----------------------------------------------------------------------------------------------
  const lead = new Steps();
  // A new lead's id is the referral's, like a new opportunity's.
  const leadId = iff(call("empty", str(input("recordId"))), referralId, input("recordId"));
  lead.add(
    "Create_or_update_the_lead",
    dataverse.updateRecord(LEAD.entitySetName, ex(leadId), {
      // Mandatory: Topic and Last Name. Defaults when the referral has none.
      subject: ex(iff(isEmpty(prop(R, "name")), concat(lit("Partner Center lead "), referralId), trimmed(prop(R, "name")))),
      companyname: ex(profile("name")),
      firstname: ex(prop(firstMember, "firstName")),
      lastname: ex(iff(isEmpty(prop(firstMember, "lastName")), iff(isEmpty(profile("name")), lit("(unknown)"), trimmed(profile("name"))), trimmed(prop(firstMember, "lastName")))),
      emailaddress1: ex(prop(firstMember, "email")),
      telephone1: ex(prop(firstMember, "phoneNumber")),
      description: ex(iff(isEmpty(d("notes")), "null", trimmed(d("notes")))),
      estimatedamount: ex(d("dealValue")),
      estimatedclosedate: ex(iff(call("empty", closeDate), "null", closeDate)),
      address1_city: ex(address("city")),
      address1_postalcode: ex(address("postalCode")),
      address1_country: ex(iff(call("empty", country), "null", country)),
      [LEAD.referralIdentifier]: ex(referralId),
      // Microsoft's side, read-only (carried to the opportunity on qualify).
      [LEAD_COSELL.engagementId]: ex(prop(R, "engagementId")),
      [LEAD_COSELL.closedOn]: ex(prop(R, "closedDateTime")),
      [LEAD.syncWithPartnerCenter]: ex("true"),
    }),
  );

  steps.add(
    "Route",
    switchOn(
      ex(concat(str(input("kind")), lit("-"), coalesce(iff(call("empty", str(input("route"))), "null", input("route")), iff(call("empty", str(input("recordId"))), lit("new"), lit("update"))))),
      { New_opportunity: { value: "opportunity-new", steps: created }, Opportunity_update: { value: "opportunity-update", steps: updated } },
      lead,
    ),
  );
  // One answer for whichever route ran (the others' actions did not run and give nothing).
  steps.add(
    "Respond",
    respondWith(
      coalesce(prop(body("Create_the_opportunity"), OPPORTUNITY.primaryId), prop(body("Create_or_update_the_lead"), LEAD.primaryId), input("recordId")),
      coalesce(body("Create_the_opportunity"), body("Set_the_deal_value_currency_and_contact"), body("Create_or_update_the_lead")),
      // The solution rows as listed after linking (a route that did not link gives none).
      iff(equals(body("List_solution_rows_now_new"), "null"), iff(equals(body("List_solution_rows_now_update"), "null"), lit(""), rowsText("update")), rowsText("new")),
    ),
  );

  return {
    id: FLOWS.customize.id,
    name: FLOWS.customize.name,
    description: "The flow to edit: how a Partner Center referral becomes a Dynamics 365 account, contact, and opportunity or lead; the field mapping and the defaults for mandatory columns.",
    connections: ["dataverse"],
    triggers: buttonTrigger(
      {
        referral: { title: "Referral", type: "string", description: "The referral as it should land (JSON)" },
        kind: { title: "Kind", type: "string", description: "opportunity or lead" },
        route: { title: "Route", type: "string", description: "new (create it, or complete a record just made, with its customer, contact and solutions) or update (what Partner Center changed)" },
        recordId: { title: "Record", type: "string", description: "The existing opportunity or lead, or empty for a new one" },
        currencyId: { title: "Currency", type: "string", description: "The currency to keep, or empty to look it up from the referral" },
        contactId: { title: "Contact", type: "string", description: "The contact to keep, or empty to look it up from the referral" },
        solutions: { title: "Solutions", type: "string", description: "follow: the opportunity's solutions follow the referral's; keep: leave them" },
        close: { title: "Close", type: "string", description: "won or lost: close the opportunity as Partner Center did" },
        syncRecord: { title: "Sync record", type: "string", description: "Written by the sync; do not change" },
      },
      ["referral", "kind"],
    ),
    steps,
  };
}

/** The text of the solution rows one route listed after linking them (what the sync record stores). */
const rowsText = (route: "new" | "update") => call("string", coalesce(prop(body(`List_solution_rows_now_${route}`), "value"), "json('[]')"));

function respondWith(recordId: string, row: string, rows: string) {
  return respond(
    { recordId: ex(recordId), row: ex(call("string", row)), rows: ex(str(rows)), unknown: ex(unknownAttributes()) },
    {
      recordId: { title: "Record", type: "string" },
      row: { title: "Row as written", type: "string" },
      rows: { title: "Solution rows", type: "string" },
      unknown: { title: "Values the CRM could not hold", type: "string", description: "Type: id, … of typed attributes no row (or choice) has; empty when none" },
    },
  );
}

/**
 * Microsoft Solutions: the opportunity's Microsoft Partner Center Solutions rows follow the
 * referral's solutions. A solution the catalogue (Microsoft Solution Details) lacks is added to it;
 * an existing catalogue row is never overwritten by what a referral says (it may know only the id).
 * `route` names the copy (action names are unique in a flow); an update follows only when asked.
 */
function addSolutionLinks(steps: Steps, opportunityId: string, route: "new" | "update"): void {
  const n = (name: string) => `${name}_${route}`;
  const s = new Steps();
  const listRows = () =>
    dataverse.listRecords(PARTNER_CENTER_SOLUTION.entitySetName, {
      select: PARTNER_CENTER_SOLUTION.primaryId,
      filter: `_${PARTNER_CENTER_SOLUTION.opportunity}_value eq @{${opportunityId}}`,
      expand: `${PARTNER_CENTER_SOLUTION.solutionDetailNavigation}($select=${SOLUTION_DETAIL.solutionId})`,
    });
  s.add(n("List_solution_rows"), listRows());
  const linked = coalesce(prop(body(n("List_solution_rows")), "value"), "json('[]')");
  const wanted = coalesce(prop(R, "details", "requirements", "solutions"), "json('[]')");
  s.add(n("Linked_solution_ids"), select(ex(linked), ex(call("toUpper", trimmed(prop("item()", PARTNER_CENTER_SOLUTION.solutionDetailNavigation, SOLUTION_DETAIL.solutionId))))));
  s.add(n("Referral_solution_ids"), select(ex(wanted), ex(call("toUpper", trimmed(prop("item()", "id"))))));

  const loop = n("For_each_referral_solution");
  const sol = (k: string) => prop(items(loop), k);
  const solId = trimmed(sol("id"));
  const types = lit(JSON.stringify(Object.fromEntries(SOLUTION_TYPE_OPTIONS.map((t) => [t.code, t.value]))));
  const link = (name: string, detailId: string) =>
    dataverse.createRecord(PARTNER_CENTER_SOLUTION.entitySetName, {
      [PARTNER_CENTER_SOLUTION.name]: ex(iff(isEmpty(sol("name")), solId, trimmed(sol("name")))),
      [`${PARTNER_CENTER_SOLUTION.opportunityNavigation}@odata.bind`]: ex(concat(lit("/opportunities("), opportunityId, lit(")"))),
      [`${PARTNER_CENTER_SOLUTION.solutionDetailNavigation}@odata.bind`]: ex(concat(lit(`/${SOLUTION_DETAIL.entitySetName}(`), detailId, lit(")"))),
      // Marks the row as the sync's own: flow 9 starts no run for it.
      [PARTNER_CENTER_SOLUTION.linkedBySync]: true,
    });
  const add = new Steps();
  add.add(n("Find_the_catalogue_row"), dataverse.listRecords(SOLUTION_DETAIL.entitySetName, { select: SOLUTION_DETAIL.primaryId, filter: `${SOLUTION_DETAIL.solutionId} eq '@{${odataString(solId)}}'`, top: 1 }));
  const catalogueRow = prop(first(n("Find_the_catalogue_row")), SOLUTION_DETAIL.primaryId);
  const missing = new Steps();
  missing.add(
    n("Add_it_to_the_catalogue"),
    dataverse.createRecord(SOLUTION_DETAIL.entitySetName, {
      [SOLUTION_DETAIL.solutionId]: ex(solId),
      [SOLUTION_DETAIL.name]: ex(iff(isEmpty(sol("name")), solId, trimmed(sol("name")))),
      [SOLUTION_DETAIL.publisherName]: ex(sol("publisherName")),
      [SOLUTION_DETAIL.solutionType]: ex(propDyn(call("json", types), str(sol("solutionType")))),
    }),
  );
  missing.add(n("Link_the_new_catalogue_solution"), link(n("Link_the_new_catalogue_solution"), prop(body(n("Add_it_to_the_catalogue")), SOLUTION_DETAIL.primaryId)));
  const known = new Steps();
  known.add(n("Link_the_solution"), link(n("Link_the_solution"), catalogueRow));
  add.add(n("If_the_catalogue_lacks_it"), condition(equals(catalogueRow, "null"), missing, known));
  const each = new Steps();
  each.add(n("If_the_solution_is_not_linked_yet"), condition(and(not(call("empty", solId)), not(call("contains", body(n("Linked_solution_ids")), call("toUpper", solId)))), add));
  s.add(loop, foreach(ex(wanted), each));

  const linkedLoop = n("For_each_linked_solution");
  const remove = new Steps();
  remove.add(n("Remove_the_solution_row"), dataverse.deleteRecord(PARTNER_CENTER_SOLUTION.entitySetName, ex(prop(items(linkedLoop), PARTNER_CENTER_SOLUTION.primaryId))));
  const eachLinked = new Steps();
  const linkedId = call("toUpper", trimmed(prop(items(linkedLoop), PARTNER_CENTER_SOLUTION.solutionDetailNavigation, SOLUTION_DETAIL.solutionId)));
  eachLinked.add(n("If_the_referral_no_longer_lists_it"), condition(not(call("contains", body(n("Referral_solution_ids")), linkedId)), remove));
  s.add(linkedLoop, foreach(ex(linked), eachLinked));
  s.add(n("List_solution_rows_now"), listRows());
  if (route === "update") steps.add("If_the_solutions_follow_the_referral", condition(equals(input("solutions"), lit("follow")), s));
  else for (const [name, action] of Object.entries(s.actions)) steps.add(name, { ...action, runAfter: undefined });
}

// ---- today's co-sell: the typed attributes and the customer's DUNS, read at create --------------------

/**
 * The referral's typed attributes and customer ids as one object keyed by their type in lower case
 * ({"customermarketplaceintent":["Yes"],"duns":["123"],…}): a Select makes one "key":[id] text per
 * entry (string() of an array is JSON, so any id is quoted safely), joined into a JSON object. Types
 * are compared without case, as the rulebook reads them (attributes.ts fromAttributes).
 */
const TYPED = "Typed_attributes";
const typed = (type: string) => call("first", coalesce(prop(call("json", concat(lit("{"), call("join", coalesce(body(TYPED), "json('[]')"), lit(",")), lit("}"))), type.toLowerCase()), "json('[]')"));
const REFERENCE_ROWS = [
  { table: PARTNER_ROLE, type: ATTRIBUTE_TYPES.partnerRole, navigation: OPPORTUNITY_COSELL.partnerRoleNavigation, action: "Find_the_partner_role" },
  { table: SOLUTION_AREA, type: ATTRIBUTE_TYPES.solutionArea, navigation: OPPORTUNITY_COSELL.solutionAreaNavigation, action: "Find_the_solution_area" },
  { table: SOLUTION_PLAY, type: ATTRIBUTE_TYPES.solutionPlay, navigation: OPPORTUNITY_COSELL.solutionPlayNavigation, action: "Find_the_solution_play" },
] as const;

function addTypedAttributes(steps: Steps): void {
  const entries = call("union", coalesce(prop(R, "details", "requirements", "additionalRequirements", "attributes"), "json('[]')"), call("json", call("replace", call("string", coalesce(profile("ids"), "json('[]')")), lit('"profileType"'), lit('"type"'))));
  const key = call("toLower", call("replace", trimmed(prop("item()", "type")), lit('"'), lit("")));
  steps.add(TYPED, select(ex(entries), ex(concat(lit('"'), key, lit('":'), call("string", call("createArray", trimmed(prop("item()", "id"))))))));
  // The role, area and play rows by their Partner Center ID (an id no row has is kept out, and said in the Audit).
  for (const r of REFERENCE_ROWS) {
    steps.add(r.action, dataverse.listRecords(r.table.entitySetName, { select: r.table.primaryId, filter: `${r.table.apiId} eq '@{${odataString(str(typed(r.type)))}}' and statecode eq 0`, top: 1 }));
  }
}

/** The create's co-sell columns: intent (a value we do not know is left empty), DUNS, and the rows found. */
function typedAttributeColumns(): Record<string, string> {
  const intentValues = lit(JSON.stringify(Object.fromEntries(PURCHASE_INTENT_OPTIONS.map((o) => [o.code.toLowerCase(), o.value]))));
  return {
    [OPPORTUNITY_COSELL.purchaseIntent]: ex(propDyn(call("json", intentValues), call("toLower", str(typed(ATTRIBUTE_TYPES.purchaseIntent))))),
    [OPPORTUNITY_COSELL.customerDuns]: ex(typed("Duns")),
    ...Object.fromEntries(REFERENCE_ROWS.map((r) => [`${r.navigation}@odata.bind`, ex(bind(r.table.entitySetName, prop(first(r.action), r.table.primaryId)))])),
  };
}

/**
 * The values of the referral the CRM could not hold, "Type: id" (an intent we do not know, a role,
 * area or play no active row has), for the Audit; '' when none. Only meaningful after the create route.
 */
export function unknownAttributes(): string {
  const intent = str(typed(ATTRIBUTE_TYPES.purchaseIntent));
  const intentCodes = lit(JSON.stringify(PURCHASE_INTENT_OPTIONS.map((o) => o.code.toLowerCase())));
  const parts = [
    iff(call("or", call("empty", intent), call("contains", call("json", intentCodes), call("toLower", intent))), lit(""), concat(lit(`${ATTRIBUTE_TYPES.purchaseIntent}: `), intent, lit(", "))),
    ...REFERENCE_ROWS.map((r) => iff(call("or", call("empty", str(typed(r.type))), not(equals(first(r.action), "null"))), lit(""), concat(lit(`${r.type}: `), str(typed(r.type)), lit(", ")))),
  ];
  return call("trim", call("replace", call("replace", concat(...parts, lit("|")), lit(", |"), lit("")), lit("|"), lit("")));
}
