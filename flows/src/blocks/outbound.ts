/**
 * Sending an opportunity's changes to Partner Center: the steps flows 7, 8 and 9 share (each flow
 * holds its own copy, generated from here: a child flow call costs three requests, so the row
 * triggers do the common work themselves).
 *
 *   Get the opportunity ─ Check the opportunity (rules, the CRM side, the stored agreement)
 *   └ Route the change
 *     ├ compare: Get the referral ─ Compare with Partner Center (the conflict policy, field by field)
 *     │          └ If there is something to send
 *     │            ├ yes: Send the changes (JSON Patch) ─ Read the referral back ─ Result of the sync
 *     │            │      (what was sent, kept, taken; what Partner Center changed meanwhile) ─ Record the sync
 *     │            │      (the patch failed: Record the failure)
 *     │            └ no:  Result of the check ─ Record the check
 *     ├ create:  (flows 2 and 8, no referral yet) blocks/create.ts
 *     ├ rules:   Rule failures ─ Record the rule failure (no Partner Center call)
 *     └ kept:    Record the kept change (only what Partner Center does not take by update changed)
 *
 * Every path ends in one write of the opportunity, which stores the CRM key of the row as read: if the
 * seller changed the opportunity meanwhile, that write's own trigger firing sees a row that differs
 * from the key and runs flow 8 again, so a change made during a sync is sent, never lost; otherwise it
 * starts nothing. A Partner Center change the CRM did not make (the policy says "take") is left for
 * the webhook to bring in: the agreement keeps the CRM's value, so the inbound sync sees it as
 * Partner Center's change.
 */
import { OPPORTUNITY, OPPORTUNITY_COSELL, PARTNER_CENTER_SOLUTION, PARTNER_ROLE, SOLUTION_AREA, SOLUTION_DETAIL, SOLUTION_PLAY, SOLUTION_TYPE_OPTIONS, SyncStatus } from "../../../plugins-ts/src/model/schema";
import type { CoSellRows } from "./opportunity";
import { addPutBack, previousFacts } from "./locks";
import { FIELD_LABELS, FIELD_POLICY } from "../../../plugins-ts/src/rulebook/merge";
import { SYNC_FIELDS, SyncField } from "../../../plugins-ts/src/rulebook/sync-hash";
import { anyRuleFailsExpression, dealTypeExpression, eachKey, factExpression, factsObject, failureMessagesObject, failuresTextFromObject, ruleConditionExpression, tableOf, WdlSources } from "../../../plugins-ts/src/rulebook/wdl";
import { LOOKUPS, RULE_TABLES, RuleSpec, RuleTable } from "../../../plugins-ts/src/rulebook/rules";
import { LOST_STATUS_REASONS } from "../../../plugins-ts/src/rulebook/status";
import { compose, condition, configuredColumn, dataverse, failed, referrals, select, Steps, switchOn } from "../builder";
import { addCreate } from "./create";
import { and, body, call, coalesce, concat, equals, ex, iff, lit, not, objectOf, outputs, prop, propDyn, str, trimmed } from "../wdl";
import { actionExpression } from "./merge";
import { partnerCenterError } from "./patch";
import { addSolutionIds, crmProjectionFields, dealValueOf, OpportunityRows, pcProjectionFields, readBackDiffers } from "./projection";
import { crmKey, joinedKey, recordText, storedKey, storedRecord } from "./record";
import { CRM_KEY_COLUMNS } from "../../../plugins-ts/src/rulebook/sync-record";
import { auditColumn, auditLine, nameWithMark, referralStatusLabel } from "./sync";

export const SOLUTION_ROWS = PARTNER_CENTER_SOLUTION.opportunityRelationship;
const ACCOUNT_COLUMNS = "name,address1_line1,address1_line2,address1_city,address1_stateorprovince,address1_postalcode";
const CONTACT_COLUMNS = "fullname,firstname,lastname,emailaddress1,telephone1";
const DETAIL_COLUMNS = [SOLUTION_DETAIL.solutionId, SOLUTION_DETAIL.name, SOLUTION_DETAIL.publisherName, SOLUTION_DETAIL.solutionType].join(",");

/** The co-sell reference rows an opportunity looks up, by the key addReferralToCreate reads them under. */
const COSELL_ROWS = [
  { key: "partnerRole", navigation: OPPORTUNITY_COSELL.partnerRoleNavigation, table: PARTNER_ROLE },
  { key: "solutionArea", navigation: OPPORTUNITY_COSELL.solutionAreaNavigation, table: SOLUTION_AREA },
  { key: "solutionPlay", navigation: OPPORTUNITY_COSELL.solutionPlayNavigation, table: SOLUTION_PLAY },
] as const;

export interface OpportunityRead {
  rows: OpportunityRows & Partial<Omit<CoSellRows, "opportunity">>;
  /** The expanded Microsoft Partner Center Solutions rows (array). */
  solutionRows: string;
}

/** "Get the opportunity": the row with its account, contact, currency and solution rows in one read. */
export function addGetOpportunity(steps: Steps, name: string, opportunityId: string, options: { solutionDetails: boolean; owner?: boolean }): OpportunityRead {
  const country = configuredColumn("customerCountryCodeField");
  const solutions = options.solutionDetails
    ? `${SOLUTION_ROWS}($select=${PARTNER_CENTER_SOLUTION.primaryId};$expand=${PARTNER_CENTER_SOLUTION.solutionDetailNavigation}($select=${DETAIL_COLUMNS}))`
    : `${SOLUTION_ROWS}($select=${PARTNER_CENTER_SOLUTION.primaryId})`;
  const expand = [
    `customerid_account($select=${ACCOUNT_COLUMNS},@{${country}})`,
    `parentcontactid($select=${CONTACT_COLUMNS})`,
    "transactioncurrencyid($select=isocurrencycode)",
    solutions,
    ...(options.owner ? ["owninguser($select=firstname,lastname,internalemailaddress,address1_telephone1)"] : []),
    // A create sends the partner role, solution area and play by their Partner Center IDs.
    ...(options.owner ? COSELL_ROWS.map((r) => `${r.navigation}($select=${r.table.apiId})`) : []),
  ].join(",");
  steps.add(name, dataverse.getItem(OPPORTUNITY.entitySetName, ex(opportunityId), { expand }));
  const o = body(name);
  return {
    rows: {
      opportunity: o,
      account: prop(o, "customerid_account"),
      contact: prop(o, "parentcontactid"),
      currency: prop(o, "transactioncurrencyid"),
      ...(options.owner ? Object.fromEntries(COSELL_ROWS.map((r) => [r.key, prop(o, r.navigation)])) : {}),
    },
    solutionRows: coalesce(prop(o, SOLUTION_ROWS), "json('[]')"),
  };
}

/** The rulebook's sources for one read opportunity (rows, lists, the environment variables). */
/**
 * The facts the flows' check computes: those of the outbound rules (RULE_TABLES.outbound) and of the
 * locks (RULE_TABLES.locks); each table's condition and messages are then read from them.
 */
export const CHECKED_TABLE: RuleTable = { appliesWhen: RULE_TABLES.outbound.appliesWhen, rules: [...RULE_TABLES.outbound.rules, ...RULE_TABLES.locks.rules] };

export function ruleSources(read: OpportunityRead, previousShared: string, facts?: string): WdlSources {
  return {
    rows: { opportunity: read.rows.opportunity, account: read.rows.account, contact: read.rows.contact, currency: read.rows.currency, previous: objectOf([[OPPORTUNITY.referralVisibility, iff(previousShared, "true", "null")]]) },
    lists: { solutions: read.solutionRows, contacts: iff(equals(read.rows.contact, "null"), "json('[]')", call("createArray", read.rows.contact)) },
    config: { dealValueField: configuredColumn("dealValueField"), customerCountryCodeField: configuredColumn("customerCountryCodeField") },
    ...(facts ? { facts } : {}),
  };
}

/**
 * The failure branch's messages: Country aliases (a literal table, no expression), the Country hint
 * a mistyped country gets (USA → US), then Rule failures (the rulebook's messages, in rule order).
 */
export function addRuleFailures(steps: Steps, sources: WdlSources): string {
  steps.add("Country_aliases", compose(LOOKUPS.COUNTRY_ALIASES));
  steps.add("Country_hint", compose(ex(factExpression("countryHint", { ...sources, lookupExpressions: { COUNTRY_ALIASES: outputs("Country_aliases") } }))));
  // One message per rule (empty when it passes): each expression stays short.
  steps.add("Rule_failures", compose(Object.fromEntries(failureMessagesObject({ ...sources, factExpressions: { countryHint: outputs("Country_hint") } }, " ").map(([id, e]) => [id, ex(e)]))));
  return call("trim", failuresTextFromObject(outputs("Rule_failures"), tableOf(sources)));
}

/** One "Update a row" of the opportunity with one item/<column> per column. */
export const writeOpportunity = (id: string, columns: ReadonlyArray<readonly [string, string]>) =>
  dataverse.updateOnlyRecord(OPPORTUNITY.entitySetName, ex(id), Object.fromEntries(columns.map(([c, v]) => [c, ex(v)])));

export interface OutboundOptions {
  opportunityId: string;
  /**
   * What this flow compares: "all" (flow 7), "columns" (flow 8: everything but the solutions, which
   * it does not read) or "solutions" (flow 9: the solution list alone; flow 8 sends the rest). A field
   * not compared is left as agreed.
   */
  examine: "all" | "columns" | "solutions";
  /** Create the referral when the opportunity has none yet (flows 2 and 8; blocks/create.ts). */
  create?: boolean;
}

/** The agreement an outbound sync stores: what the CRM holds (what it sent, or what it leaves for the webhook to bring in), the key and rows it read. */
const agreementText = (check: string, updated: string) => recordText({ pc: prop(check, "crm"), crm: prop(check, "key"), updated, rows: prop(check, "rows") });
/** The agreement unchanged (nothing was agreed), with the key as read: the same values do not start another run. */
const unchangedAgreement = (check: string) => recordText({ pc: prop(check, "agreed", "pc"), crm: prop(check, "key"), updated: prop(check, "agreed", "updated"), rows: prop(check, "agreed", "rows") });

/**
 * The JSON Patch operations for each field the policy sends: the connector's paths only (reference
 * partner-center-2026.md §2.4), one expression per field. The rulebook's patchForPlan (plan-apply.ts)
 * is the same in TypeScript: ../__tests__/patch-parity.test.ts holds them equal on its vectors.
 */
export function patchOperations(check: string, compare: string, read: OpportunityRead, solutionList: string | undefined, dealValueColumn?: string): Record<string, string> {
  const action = (f: SyncField) => prop(compare, "action", f);
  const C = (f: SyncField) => prop(check, "crm", f);
  const opOf = (f: SyncField) => iff(call("empty", prop(compare, "pc", f)), lit("add"), lit("replace"));
  const op = (f: SyncField, path: string, value: string, kind: string = opOf(f)) => objectOf([["op", kind], ["path", lit(path)], ["value", value]]);
  const when = (f: SyncField, ...ops: string[]) => iff(equals(action(f), lit("send")), call("createArray", ...ops), "json('[]')");
  const contact = read.rows.contact;
  const member = objectOf([["firstName", prop(contact, "firstname")], ["lastName", prop(contact, "lastname")], ["email", prop(contact, "emailaddress1")], ["phoneNumber", prop(contact, "telephone1")]]);
  const state = C("state");
  const status = iff(equals(state, lit("open")), lit("Active"), lit("Closed"));
  // Closing a referral that was never accepted (still New) as lost is declining it.
  const substatus = iff(equals(state, lit("open")), lit("Accepted"), iff(equals(state, lit("won")), lit("Won"), iff(equals(prop(compare, "pc", "state"), lit("pending")), lit("Declined"), lit("Lost"))));
  const lostReason = str(propDyn(call("json", lit(JSON.stringify(LOST_STATUS_REASONS))), call("string", prop(read.rows.opportunity, "statuscode"))));
  const replace = lit("replace");
  const ops: Record<string, string> = {
    closingDate: when("closingDate", op("closingDate", "/details/closingDateTime", concat(C("closingDate"), lit("T00:00:00Z")))),
    contact: when("contact", op("contact", "/customerProfile/team/-", member, lit("add"))),
    currency: when("currency", op("currency", "/details/currency", C("currency"))),
    dealValue: when("dealValue", op("dealValue", "/details/dealValue", dealValueOf(read.rows.opportunity, dealValueColumn))),
    externalReferenceId: when("externalReferenceId", op("externalReferenceId", "/externalReferenceId", C("externalReferenceId"))),
    notes: when("notes", op("notes", "/details/notes", C("notes"))),
    salesStage: when("salesStage", op("salesStage", "/salesStage", C("salesStage"))),
    shared: when("shared", op("shared", "/consent/consentToShareReferralWithMicrosoftSellers", "true", replace)),
    state: when("state", op("state", "/status", status, replace), op("state", "/substatus", substatus, replace)),
    statusReason: iff(call("and", equals(action("state"), lit("send")), equals(state, lit("lost")), not(call("empty", lostReason))), call("createArray", op("state", "/statusReason", lostReason, replace)), "json('[]')"),
  };
  if (solutionList) ops.solutions = when("solutions", op("solutions", "/details/requirements/solutions", solutionList, replace));
  return ops;
}

/** The solutions as Partner Center takes them (mapping-outbound.ts), from the expanded rows. */
export function addSolutionList(steps: Steps, name: string, solutionRows: string): string {
  const d = (k: string) => prop("item()", PARTNER_CENTER_SOLUTION.solutionDetailNavigation, k);
  const types = lit(JSON.stringify(Object.fromEntries(SOLUTION_TYPE_OPTIONS.map((t) => [String(t.value), t.code]))));
  steps.add(
    name,
    select(ex(solutionRows), {
      type: "Name",
      id: ex(trimmed(d(SOLUTION_DETAIL.solutionId))),
      name: ex(d(SOLUTION_DETAIL.name)),
      publisherName: ex(d(SOLUTION_DETAIL.publisherName)),
      solutionType: ex(propDyn(call("json", types), call("string", coalesce(d(SOLUTION_DETAIL.solutionType), "''")))),
    }),
  );
  return body(name);
}

/** The write after a Partner Center call failed: Error, the Audit line, ✖; the agreement unchanged, the key as read. */
function failureWrite(id: string, audit: string, check: string, name: (ok: boolean | string) => string, operation: string, message: string) {
  return writeOpportunity(id, [
    [OPPORTUNITY.syncStatus, String(SyncStatus.Error)],
    [OPPORTUNITY.syncAudit, auditColumn(audit, auditLine("CRM->PC", "Error", operation, message))],
    [OPPORTUNITY.syncHash, unchangedAgreement(check)],
    ["name", name(false)],
  ]);
}

/** "a, b": the labels whose condition holds (each condition a boolean expression). */
function fieldList(items: ReadonlyArray<readonly [string, string]>): string {
  const list = concat(...items.map(([cond, label]) => iff(cond, lit(`${label}, `), lit(""))));
  return call("trim", call("replace", call("replace", concat(list, lit("|")), lit(", |"), lit("")), lit("|"), lit("")));
}

/** The labels of the fields whose action is `action`, "a, b" (from a decisions object). */
export function fieldsWith(actions: string, action: string): string {
  return fieldList(SYNC_FIELDS.map((f) => [equals(prop(actions, f), lit(action)), FIELD_LABELS[f]] as const));
}

/**
 * Partner Center's values the CRM's replaced (both changed: the CRM won), "Label (value), …": a
 * two-way field sent while Partner Center's value is not the agreed one (none agreed: nothing lost).
 */
export function replacedText(actions: string, pc: string, agreed: string): string {
  const twoWay = SYNC_FIELDS.filter((f) => FIELD_POLICY[f] === "twoWay");
  const list = concat(...twoWay.map((f) => iff(and(equals(prop(actions, f), lit("send")), not(equals(prop(pc, f), coalesce(prop(agreed, f), prop(pc, f))))), concat(lit(`${FIELD_LABELS[f]} (`), call("take", prop(pc, f), "60"), lit("), ")), lit(""))));
  return call("trim", call("replace", call("replace", concat(list, lit("|")), lit(", |"), lit("")), lit("|"), lit("")));
}

/** The shared steps (see the file header). Every path writes the opportunity once. Returns the last step's name. */
export function addOutboundSync(steps: Steps, options: OutboundOptions): string {
  const id = options.opportunityId;
  const solutionsToo = options.examine !== "columns";
  const examined = (f: SyncField) => (options.examine === "solutions" ? f === "solutions" : options.examine === "columns" ? f !== "solutions" : true);
  // A create sends the solutions' details: read them when this flow may create.
  const read = addGetOpportunity(steps, "Get_the_opportunity", id, { solutionDetails: solutionsToo || options.create === true, owner: options.create });
  const o = read.rows.opportunity;
  const stored = storedRecord(prop(o, OPPORTUNITY.syncHash));
  const crmIds = solutionsToo
    ? addSolutionIds(steps, "Solution_ids_in_the_CRM", read.solutionRows, (it) => prop(it, PARTNER_CENTER_SOLUTION.solutionDetailNavigation, SOLUTION_DETAIL.solutionId))
    : str(prop(stored, "pc", "solutions"));

  // ---- Check the opportunity: the rules' facts, the CRM side, the stored agreement ------------------
  const check = outputs("Check_the_opportunity");
  // "Visibility never goes back to No" compares with what Partner Center was last agreed to share.
  // The solution types (a list fact: Services or IP co-sell) are looked up in the rows' text: a Select would cost a request per run.
  // The locks compare with the values the referral was agreed with: the key the sync record stores.
  const sources: WdlSources = {
    ...ruleSources(read, equals(prop(stored, "pc", "shared"), lit("true"))),
    table: CHECKED_TABLE,
    eachText: { [eachKey("solutions", SOLUTION_DETAIL.solutionType)]: call("replace", call("string", read.solutionRows), lit(" "), lit("")) },
    factExpressions: previousFacts(o, stored),
  };
  steps.add(
    "Check_the_opportunity",
    compose({
      facts: Object.fromEntries(factsObject(sources).map(([k, e]) => [k, ex(e)])),
      // A field this flow does not compare stands as agreed (or as the CRM has it, when nothing is agreed yet).
      crm: Object.fromEntries(Object.entries(crmProjectionFields(read.rows, crmIds)).map(([k, e]) => [k, ex(examined(k as SyncField) ? e : coalesce(prop(stored, "pc", k), e))])),
      // Flow 9 looks at the solutions only: it keeps the key recorded, so a column change still to send
      // (an inbound "to send", a lost flow 8 run) stays visible to the reconciliation (chaos seed 7036).
      key: ex(options.examine === "solutions" ? coalesce(prop(stored, "crm"), crmKey(o)) : crmKey(o)),
      agreed: ex(stored),
      rows: ex(solutionsToo ? call("string", read.solutionRows) : str(prop(stored, "rows"))),
      // The Deal Type the seller sees (deal-type.ts coSellDealTypeOf), written with the referral.
      dealType: ex(dealTypeExpression(sources)),
      // Each lock's verdict, computed here from the row and the stored key (one expression each, all short).
      locks: Object.fromEntries((RULE_TABLES.locks.rules as readonly RuleSpec[]).map((rule) => [rule.id, ex(ruleConditionExpression(rule, { ...sources, table: RULE_TABLES.locks }))])),
    }),
  );
  const C = (f: SyncField) => prop(check, "crm", f);
  const A = (f: SyncField) => prop(check, "agreed", "pc", f);
  const referralId = str(prop(o, OPPORTUNITY.referralIdentifier));
  const audit = prop(o, OPPORTUNITY.syncAudit);
  const name = (ok: boolean | string) => nameWithMark(C("name"), ok, true);

  // ---- the rules pass: compare with Partner Center -------------------------------------------------
  const valid = new Steps();
  valid.add("Get_the_referral", referrals.get(ex(referralId)));
  // Partner Center could not be read: recorded (Error, ✖, the agreement unchanged), a handled failure.
  valid.onFailure("Get_the_referral", "Record_the_failure_to_read", failureWrite(id, audit, check, name, "read", partnerCenterError(call("outputs", lit("Get_the_referral")))));
  const R = body("Get_the_referral");
  const pcIds = solutionsToo
    ? addSolutionIds(valid, "Solution_ids_in_Partner_Center", prop(R, "details", "requirements", "solutions"), (it) => prop(it, "id"))
    : A("solutions");
  const pcFields = pcProjectionFields(R, pcIds, C("contact"));
  const compare = outputs("Compare_with_Partner_Center");
  valid.add(
    "Compare_with_Partner_Center",
    compose({
      pc: Object.fromEntries(Object.entries(pcFields).map(([k, e]) => [k, ex(examined(k as SyncField) ? e : C(k as SyncField))])),
      action: Object.fromEntries(SYNC_FIELDS.map((f) => [f, ex(examined(f) ? actionExpression(f, C(f), pcFields[f], A(f)) : lit("none"))])),
    }),
  );
  const actions = prop(compare, "action");
  const has = (action: string) => call("contains", call("string", actions), lit(`"${action}"`));
  const send = new Steps();
  const solutionList = solutionsToo ? addSolutionList(send, "Solutions_as_Partner_Center_takes_them", read.solutionRows) : undefined;
  const ops = patchOperations(check, compare, read, solutionList ? body("Solutions_as_Partner_Center_takes_them") : undefined);
  // What the policy decided, as the Audit says it (one Compose after the call: a plan before it would cost a request per edit).
  const outcome = (extra: Record<string, unknown> = {}) =>
    compose({
      send: ex(fieldsWith(actions, "send")),
      keep: ex(fieldsWith(actions, "keep")),
      take: ex(fieldsWith(actions, "take")),
      refuse: ex(fieldsWith(actions, "refuse")),
      replaced: ex(replacedText(actions, prop(compare, "pc"), prop(check, "agreed", "pc"))),
      status: ex(iff(has("refuse"), String(SyncStatus.Error), iff(has("take"), String(SyncStatus.Pending), String(SyncStatus.Synced)))),
      ...extra,
    });
  const notesOf = (plan: string) =>
    concat(
      iff(call("empty", prop(plan, "replaced")), lit(""), concat(lit(" The CRM's change replaced Partner Center's: "), prop(plan, "replaced"), lit("."))),
      iff(call("empty", prop(plan, "keep")), lit(""), concat(lit(" Kept in the CRM only (Partner Center does not take it by update): "), prop(plan, "keep"), lit("."))),
      iff(call("empty", prop(plan, "take")), lit(""), concat(lit(" Changed in Partner Center, being brought in: "), prop(plan, "take"), lit("."))),
      iff(call("empty", prop(plan, "refuse")), lit(""), concat(lit(" Closed differently on each side (settle it in Partner Center): "), prop(plan, "refuse"), lit("."))),
    );
  const refusedIn = (plan: string) => not(call("empty", prop(plan, "refuse")));
  // The JSON Patch: one operation list per field the policy sends (patchOperations), in one expression.
  const patchBody = call("union", ...Object.values(ops));
  send.add("Send_the_changes", referrals.patch(ex(referralId), ex(patchBody)));
  send.onFailure("Send_the_changes", "Record_the_failure", failureWrite(id, audit, check, name, "update", partnerCenterError(call("outputs", lit("Send_the_changes")))));
  send.add("Read_the_referral_back", referrals.get(ex(referralId)));
  const back = body("Read_the_referral_back");
  // What Partner Center changed between the patch and the read-back (no If-Match): each examined field
  // the read-back holds other than this sync sent or read (chaos seed 9009: hidden in the agreed version).
  const changed = readBackDiffers(back, R, (f) => iff(equals(prop(actions, f), lit("send")), C(f), prop(compare, "pc", f)), C("contact"));
  // Solutions the sync sent are not compared with the ones it read.
  const differs = (f: SyncField) => (f === "solutions" ? and(not(equals(prop(actions, f), lit("send"))), changed(f)) : changed(f));
  send.add("Result_of_the_sync", outcome({ meanwhile: ex(fieldList(SYNC_FIELDS.filter(examined).map((f) => [differs(f), FIELD_LABELS[f]] as const))) }));
  const plan = outputs("Result_of_the_sync");
  const meanwhile = prop(plan, "meanwhile");
  const settled = and(call("empty", prop(plan, "take")), call("empty", meanwhile));
  send.add(
    "Record_the_sync",
    writeOpportunity(id, [
      [OPPORTUNITY.syncStatus, iff(call("empty", meanwhile), prop(plan, "status"), String(SyncStatus.Pending))],
      [
        OPPORTUNITY.syncAudit,
        auditColumn(audit, auditLine("CRM->PC", "Success", "update", concat(lit("Sent to Partner Center: "), prop(plan, "send"), lit("."), notesOf(plan), iff(call("empty", meanwhile), lit(""), concat(lit(" Changed in Partner Center meanwhile, being brought in: "), meanwhile, lit(".")))))),
      ],
      // Something to bring in: the version stays the one agreed before, so Partner Center's change
      // (its webhook, or the reconciliation's list) is not taken for an echo of this send (chaos D3).
      [OPPORTUNITY.syncHash, agreementText(check, iff(settled, prop(back, "updatedDateTime"), prop(check, "agreed", "updated")))],
      [OPPORTUNITY.referralEtag, prop(back, "eTag")],
      [OPPORTUNITY.lastSyncedOn, prop(back, "updatedDateTime")],
      [OPPORTUNITY.referralStatus, referralStatusLabel(back)],
      [OPPORTUNITY_COSELL.dealType, prop(check, "dealType")],
      ["name", name(not(refusedIn(plan)))],
    ]),
  );
  const nothing = new Steps();
  nothing.add("Result_of_the_check", outcome());
  const checked = outputs("Result_of_the_check");
  nothing.add(
    "Record_the_check",
    writeOpportunity(id, [
      [OPPORTUNITY.syncStatus, prop(checked, "status")],
      [OPPORTUNITY.syncAudit, auditColumn(audit, auditLine("CRM->PC", { expression: iff(refusedIn(checked), lit("Error"), lit("Info")) }, "update", concat(lit("Nothing to send."), notesOf(checked))))],
      [OPPORTUNITY.syncHash, agreementText(check, prop(check, "agreed", "updated"))],
      ["name", name(not(refusedIn(checked)))],
    ]),
  );
  valid.add("If_there_is_something_to_send", condition(has("send"), send, nothing));

  // ---- a rule fails: no Partner Center call ---------------------------------------------------------
  const invalid = new Steps();
  // From here on every fact is read from the check's facts object (the previous ones included): each expression stays short.
  const staged = { ...sources, facts: prop(check, "facts"), factExpressions: undefined };
  const outbound = { ...staged, table: RULE_TABLES.outbound };
  const failures = addRuleFailures(invalid, outbound);
  invalid.add(
    "Record_the_rule_failure",
    writeOpportunity(id, [
      [OPPORTUNITY.syncStatus, String(SyncStatus.Error)],
      [OPPORTUNITY.syncAudit, auditColumn(audit, auditLine("CRM->PC", "Error", "validate", failures))],
      [OPPORTUNITY.syncHash, unchangedAgreement(check)],
      ["name", name(false)],
    ]),
  );
  // ---- only what Partner Center does not take by update changed: nothing to ask Partner Center -------
  const keptOnly = new Steps();
  const kept = concat(...SYNC_FIELDS.filter((f) => FIELD_POLICY[f] === "crmOnCreate").map((f) => iff(equals(C(f), A(f)), lit(""), lit(`${FIELD_LABELS[f]}, `))));
  keptOnly.add(
    "Record_the_kept_change",
    writeOpportunity(id, [
      [OPPORTUNITY.syncStatus, iff(equals(prop(o, OPPORTUNITY.syncStatus), String(SyncStatus.Error)), String(SyncStatus.Synced), str(prop(o, OPPORTUNITY.syncStatus)))],
      [OPPORTUNITY.syncAudit, auditColumn(audit, auditLine("CRM->PC", "Info", "update", iff(call("empty", kept), lit("No change Partner Center takes."), concat(lit("Kept in the CRM only (Partner Center does not take it by update): "), call("trim", call("replace", call("replace", concat(kept, lit("|")), lit(", |"), lit("")), lit("|"), lit(""))), lit(".")))))],
      [OPPORTUNITY.syncHash, recordText({ pc: call("setProperty", call("setProperty", prop(check, "agreed", "pc"), lit("name"), C("name")), lit("help"), C("help")), crm: prop(check, "key"), updated: prop(check, "agreed", "updated"), rows: prop(check, "rows") })],
      ["name", name(true)],
    ]),
  );
  // Partner Center is read only when the rules pass and the CRM changed something it takes (or no agreement exists yet).
  const sendable = SYNC_FIELDS.filter((f) => FIELD_POLICY[f] !== "crmOnCreate" && examined(f));
  const crmChanged = call("or", equals(prop(check, "agreed", "pc"), "null"), ...sendable.map((f) => not(equals(C(f), A(f)))));
  const notShared = call("empty", referralId);
  const create = new Steps();
  if (options.create) addCreate(create, { id, read, check, crmIds: solutionsToo ? crmIds : undefined });
  // Nothing to do at all: no field Partner Center keeps apart changed and the key is the one recorded (flow 9 for a row the create already read).
  const untouched = and(equals(kept, lit("")), equals(joinedKey(prop(check, "key")), storedKey(prop(check, "agreed"))));
  // ---- a column Partner Center will not change was changed another way: put back, no call ------------
  const locked = new Steps();
  const agreedKey = (dealValueKept: string) => {
    const i = CRM_KEY_COLUMNS.findIndex(([c]) => c === "dealValue");
    return call("createArray", ...CRM_KEY_COLUMNS.map((_c, k) => (k === i ? iff(dealValueKept, `${prop(check, "key")}?[${k}]`, `${prop(check, "agreed", "crm")}?[${k}]`) : `${prop(check, "agreed", "crm")}?[${k}]`)));
  };
  addPutBack(
    locked,
    id,
    o,
    staged,
    (message) => auditColumn(audit, auditLine("CRM->PC", "Info", "validate", message)),
    (dealValueKept) => recordText({ pc: prop(check, "agreed", "pc"), crm: agreedKey(dealValueKept), updated: prop(check, "agreed", "updated"), rows: prop(check, "agreed", "rows") }),
  );
  const lockedColumn = call("or", ...(RULE_TABLES.locks.rules as readonly RuleSpec[]).map((rule) => equals(prop(check, "locks", rule.id), "true")));
  // A lock first: a rule failure stores the key as read, which would take the locked value as agreed.
  const route = iff(lockedColumn, lit("locked"), iff(anyRuleFailsExpression(outbound), lit("rules"), iff(options.create ? notShared : "false", lit("create"), iff(crmChanged, lit("compare"), iff(untouched, lit("none"), lit("kept"))))));
  return steps.add(
    "Route_the_change",
    switchOn(ex(route), {
      Compare_with_Partner_Center: { value: "compare", steps: valid },
      ...(options.create ? { Create_the_referral: { value: "create", steps: create } } : {}),
      A_rule_fails: { value: "rules", steps: invalid },
      A_locked_column_changed: { value: "locked", steps: locked },
      Nothing_Partner_Center_takes: { value: "kept", steps: keptOnly },
    }),
  );
}
