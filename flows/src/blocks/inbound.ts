/**
 * Bringing a referral's changes into its opportunity: the steps flows 4 and 6 share (flow 6 holds
 * its own copy, generated from here: a child flow call costs three requests per event).
 *
 *   Solution ids (both sides) ─ Compare with the CRM (the conflict policy, field by field)
 *   └ If the CRM takes a change
 *     ├ yes: (Read the opportunity again: the seller has not saved since)
 *     │      Update the opportunity (its columns) ─ If Partner Center changed more than columns:
 *     │      Write the rest (the [Customize] flow: currency, contact, solutions, closing) ─ Record the sync
 *     └ no:  Record the check
 *
 * The opportunity is written with a "being written" sync record, so flow 8 does not send that write
 * back; the record write that follows stores the agreement and the CRM key of the row as written. A seller's change made in between is therefore not lost:
 * that write's trigger firing sees a row that differs from the key and runs flow 8. A CRM change
 * Partner Center has not got yet (the policy says "send") is left to flow 8 the same way: the
 * record is stored without a key, which starts it.
 */
import { DEAL_REGISTRATION, OPPORTUNITY, OPPORTUNITY_COSELL, PARTNER_CENTER_SOLUTION, SOLUTION_DETAIL, SyncStatus } from "../../../plugins-ts/src/model/schema";
import { SYNC_FIELDS, SyncField } from "../../../plugins-ts/src/rulebook/sync-hash";
import { childFlow, compose, condition, configuredColumn, dataverse, Steps } from "../builder";
import { FLOWS } from "../ids";
import { body, call, coalesce, concat, equals, ex, iff, left, lit, not, outputs, prop, propDyn, str } from "../wdl";
import { opportunityColumns } from "./landing";
import { actionExpression } from "./merge";
import { fieldsWith, replacedText, SOLUTION_ROWS, writeOpportunity } from "./outbound";
import { addSolutionIds, crmProjectionFields, pcProjectionFields } from "./projection";
import { crmKey, joinedKey, recordText, storedRecord } from "./record";
import { BEING_WRITTEN } from "../../../plugins-ts/src/rulebook/sync-record";
import { auditColumn, auditLine, nameWithMark, referralStatusLabel } from "./sync";

/** Where a seller opens the referral in Partner Center (inferred from the dashboard's URL scheme). */
export const REFERRAL_LINK_BASE = "https://partner.microsoft.com/dashboard/referrals/v2/opportunities/";

export const beingWrittenRecord = (agreed: string) => recordText({ pc: prop(agreed, "pc"), crm: `createArray('${BEING_WRITTEN}')`, updated: prop(agreed, "updated"), rows: prop(agreed, "rows") });

export interface InboundOptions {
  /** The referral as read (an object expression). */
  referral: string;
  /** The opportunity as read, with its account, contact, currency and solution rows (and details) expanded. */
  opportunity: string;
}

/** The read an opportunity needs for an inbound sync: the same expands as an outbound one, solution details included. */
export const OPPORTUNITY_EXPAND = (): string =>
  [
    `customerid_account($select=name,address1_postalcode,@{${configuredColumn("customerCountryCodeField")}})`,
    "parentcontactid($select=fullname,firstname,lastname,emailaddress1,telephone1)",
    "transactioncurrencyid($select=isocurrencycode)",
    `${SOLUTION_ROWS}($select=${PARTNER_CENTER_SOLUTION.primaryId};$expand=${PARTNER_CENTER_SOLUTION.solutionDetailNavigation}($select=${SOLUTION_DETAIL.solutionId}))`,
  ].join(",");

export function addInboundSync(steps: Steps, options: InboundOptions): void {
  const R = options.referral;
  const o = options.opportunity;
  const rows = { opportunity: o, account: prop(o, "customerid_account"), contact: prop(o, "parentcontactid"), currency: prop(o, "transactioncurrencyid") };
  const solutionRows = coalesce(prop(o, SOLUTION_ROWS), "json('[]')");
  const crmIds = addSolutionIds(steps, "Solution_ids_in_the_CRM", solutionRows, (it) => prop(it, PARTNER_CENTER_SOLUTION.solutionDetailNavigation, SOLUTION_DETAIL.solutionId));
  const pcIds = addSolutionIds(steps, "Solution_ids_in_Partner_Center", prop(R, "details", "requirements", "solutions"), (it) => prop(it, "id"));
  const crmFields = crmProjectionFields(rows, crmIds);
  const stored = storedRecord(prop(o, OPPORTUNITY.syncHash));
  const pcFields = pcProjectionFields(R, pcIds, crmFields.contact);
  const cmp = outputs("Compare_with_the_CRM");
  steps.add(
    "Compare_with_the_CRM",
    compose({
      crm: Object.fromEntries(Object.entries(crmFields).map(([k, e]) => [k, ex(e)])),
      pc: Object.fromEntries(Object.entries(pcFields).map(([k, e]) => [k, ex(e)])),
      agreed: ex(stored),
      key: ex(crmKey(o)),
      action: Object.fromEntries(SYNC_FIELDS.map((f) => [f, ex(actionExpression(f, crmFields[f], pcFields[f], prop(stored, "pc", f)))])),
    }),
  );
  const C = (f: SyncField) => prop(cmp, "crm", f);
  const P = (f: SyncField) => prop(cmp, "pc", f);
  const actions = prop(cmp, "action");
  const takes = (f: SyncField) => equals(prop(actions, f), lit("take"));
  const has = (action: string) => call("contains", call("string", actions), lit(`"${action}"`));
  const plan = outputs("Plan_the_sync");
  const rawState = iff(equals(prop(o, "statecode"), "1"), lit("won"), iff(equals(prop(o, "statecode"), "2"), lit("lost"), lit("open")));
  const closeDate = str(prop(o, "estimatedclosedate"));
  steps.add(
    "Plan_the_sync",
    compose({
      take: ex(fieldsWith(actions, "take")),
      send: ex(fieldsWith(actions, "send")),
      refuse: ex(fieldsWith(actions, "refuse")),
      replaced: ex(replacedText(actions, prop(cmp, "pc"), prop(cmp, "agreed", "pc"))),
      status: ex(iff(has("refuse"), String(SyncStatus.Error), iff(has("send"), String(SyncStatus.Pending), String(SyncStatus.Synced)))),
      // The referral as the CRM should hold it: what the CRM keeps goes back as it is, what Partner Center changed comes from the referral.
      referral: {
        id: ex(prop(R, "id")),
        name: ex(prop(o, "name")),
        status: ex(iff(takes("state"), prop(R, "status"), iff(equals(rawState, lit("open")), iff(equals(C("state"), lit("pending")), lit("New"), lit("Active")), lit("Closed")))),
        substatus: ex(iff(takes("state"), prop(R, "substatus"), iff(equals(rawState, lit("won")), lit("Won"), iff(equals(rawState, lit("lost")), lit("Lost"), iff(equals(C("state"), lit("pending")), lit("Pending"), lit("Accepted")))))),
        closedDateTime: ex(prop(R, "closedDateTime")),
        // Microsoft's side, read-only in the CRM: always as Partner Center has it.
        engagementId: ex(prop(R, "engagementId")),
        acceptedDateTime: ex(prop(R, "acceptedDateTime")),
        registrationStatus: ex(prop(R, "registrationStatus")),
        salesStage: ex(iff(call("empty", C("salesStage")), "null", C("salesStage"))),
        customerProfile: ex(prop(R, "customerProfile")),
        consent: { consentToShareReferralWithMicrosoftSellers: ex(iff(takes("shared"), "true", equals(prop(o, OPPORTUNITY.referralVisibility), "true"))) },
        inviteContext: { assistanceRequestCode: ex(iff(call("empty", C("help")), "null", C("help"))) },
        details: {
          dealValue: ex(iff(takes("dealValue"), prop(R, "details", "dealValue"), propDyn(o, configuredColumn("dealValueField")))),
          currency: ex(iff(takes("currency"), prop(R, "details", "currency"), C("currency"))),
          closingDateTime: ex(iff(takes("closingDate"), prop(R, "details", "closingDateTime"), iff(call("empty", closeDate), "null", concat(left(closeDate, 10), lit("T00:00:00Z"))))),
          notes: ex(iff(takes("notes"), prop(R, "details", "notes"), prop(o, "description"))),
          requirements: { solutions: ex(prop(R, "details", "requirements", "solutions")) },
        },
        trackingInfo: ex(prop(R, "trackingInfo")),
      },
      close: ex(iff(call("and", takes("state"), call("contains", "createArray('won', 'lost')", P("state"))), P("state"), lit(""))),
    }),
  );
  const message = concat(
    iff(call("empty", prop(plan, "take")), lit("Partner Center and the CRM agree."), concat(lit("From Partner Center: "), prop(plan, "take"), lit("."))),
    iff(call("empty", prop(plan, "replaced")), lit(""), concat(lit(" Partner Center's change lost to the CRM's, which goes to Partner Center: "), prop(plan, "replaced"), lit("."))),
    iff(call("empty", prop(plan, "send")), lit(""), concat(lit(" To send: "), prop(plan, "send"), lit("."))),
    iff(call("empty", prop(plan, "refuse")), lit(""), concat(lit(" Closed differently on each side (settle it in Partner Center): "), prop(plan, "refuse"), lit("."))),
  );
  const outcome = { expression: iff(has("refuse"), lit("Error"), iff(has("take"), lit("Success"), lit("Info"))) };
  const recordColumns = (key: string, solutionRowsText: string): Array<[string, string]> => [
    [OPPORTUNITY.syncStatus, prop(plan, "status")],
    [OPPORTUNITY.syncAudit, auditColumn(prop(o, OPPORTUNITY.syncAudit), auditLine("PC->CRM", outcome, "inbound", message))],
    // The agreement is Partner Center's side; a CRM change still to send leaves no key, so flow 8 sends it.
    // Solutions still to send leave no rows read: flow 8 sends columns only, so the reconciliation's
    // row count (flows 9 and 7 send solutions) finds them (chaos seed 1000).
    [OPPORTUNITY.syncHash, recordText({ pc: prop(cmp, "pc"), crm: iff(has("send"), "json('[]')", key), updated: prop(R, "updatedDateTime"), rows: iff(equals(prop(actions, "solutions"), lit("send")), lit(""), solutionRowsText) })],
    [OPPORTUNITY.referralEtag, prop(R, "eTag")],
    [OPPORTUNITY.lastSyncedOn, prop(R, "updatedDateTime")],
    [OPPORTUNITY.referralStatus, referralStatusLabel(R)],
    // Microsoft's side (read-only in the CRM), as Partner Center now has it: no extra request, and no key column.
    [OPPORTUNITY_COSELL.engagementId, prop(R, "engagementId")],
    [OPPORTUNITY_COSELL.acceptedOn, prop(R, "acceptedDateTime")],
    [OPPORTUNITY_COSELL.closedOn, prop(R, "closedDateTime")],
    [DEAL_REGISTRATION.status, prop(R, "registrationStatus")],
  ];

  // ---- take: the columns written here (blocks/landing.ts), the rest by the [Customize] flow ----------
  const take = new Steps();
  const oppId = prop(o, OPPORTUNITY.primaryId);
  // The "being written" sync record keeps flow 8 from sending this write back; Record the sync follows.
  take.add("Update_the_opportunity", dataverse.updateOnlyRecord(OPPORTUNITY.entitySetName, ex(oppId), opportunityColumns(prop(plan, "referral"), beingWrittenRecord(prop(cmp, "agreed")), { dealValue: false })));
  // The deal value (its column is the admin's choice), currency and contact (lookups), solutions (rows)
  // and closing (Win / Lose): through the [Customize] flow, only when Partner Center changed one of them.
  const rest = new Steps();
  rest.add(
    "Write_the_rest",
    childFlow(FLOWS.customize.id, {
      referral: ex(call("string", prop(plan, "referral"))),
      kind: "opportunity",
      route: "update",
      recordId: ex(oppId),
      // Lookups the CRM keeps are passed as they are; an empty one is looked up from the referral.
      currencyId: ex(iff(takes("currency"), lit(""), str(prop(o, "_transactioncurrencyid_value")))),
      contactId: ex(iff(takes("contact"), lit(""), str(prop(o, "_parentcontactid_value")))),
      solutions: ex(iff(takes("solutions"), lit("follow"), lit("keep"))),
      close: ex(prop(plan, "close")),
      syncRecord: ex(beingWrittenRecord(prop(cmp, "agreed"))),
    }),
  );
  const more = call("or", takes("dealValue"), takes("currency"), takes("contact"), takes("solutions"), not(call("empty", prop(plan, "close"))));
  take.add("If_Partner_Center_changed_more_than_columns", condition(more, rest));
  const written = call("body", lit("Write_the_rest"));
  // The row as the writes left it: the [Customize] flow's when it ran, otherwise this flow's own.
  const row = iff(call("empty", str(prop(written, "row"))), body("Update_the_opportunity"), call("json", str(prop(written, "row"))));
  // Closing comes after those writes: the key says closed, as the row now is.
  const won = equals(prop(plan, "close"), lit("won"));
  const closing = not(call("empty", prop(plan, "close")));
  const closedKey = crmKey(row, configuredColumn("dealValueField"), {
    statecode: iff(closing, iff(won, "1", "2"), prop(row, "statecode")),
    statuscode: iff(closing, iff(won, "3", iff(equals(prop(R, "substatus"), lit("Lost")), "5", "4")), prop(row, "statuscode")),
  });
  take.add(
    "Record_the_sync",
    writeOpportunity(oppId, [
      ...recordColumns(closedKey, iff(call("empty", str(prop(written, "rows"))), call("string", solutionRows), prop(written, "rows"))),
      ["name", nameWithMark(prop(row, "name"), not(has("refuse")))],
    ]),
  );
  // The seller may have saved since the opportunity was read (Partner Center's change and the seller's
  // edit moments apart): read it again just before writing; when its synced columns changed, write
  // nothing: the seller's save started flow 8, which settles both changes by the conflict policy (chaos
  // seeds 1009, 7011: Partner Center's value written over the seller's). The connector's "Update a row"
  // has no If-Match, so a save in the milliseconds between this read and the write is still possible.
  const guarded = new Steps();
  guarded.add("Read_the_opportunity_again", dataverse.getItem(OPPORTUNITY.entitySetName, ex(prop(o, OPPORTUNITY.primaryId)), { expand: OPPORTUNITY_EXPAND() }));
  guarded.add("If_the_seller_has_not_saved_since", condition(equals(joinedKey(crmKey(body("Read_the_opportunity_again"))), joinedKey(prop(cmp, "key"))), take));
  const keep = new Steps();
  keep.add("Record_the_check", writeOpportunity(prop(o, OPPORTUNITY.primaryId), [...recordColumns(prop(cmp, "key"), call("string", solutionRows)), ["name", nameWithMark(C("name"), not(has("refuse")), true)]]));
  steps.add("If_the_CRM_takes_a_change", condition(has("take"), guarded, keep));
}
