/**
 * 4. Partner Center to Dynamics 365 - Helper (child flow): brings one referral into Dynamics 365,
 * wherever it belongs (reference partner-center-api.md §1.4):
 * - an opportunity carries it (by referral id, or by externalReferenceId when the CRM created it and
 *   the id is not written back yet): its changes come in under the conflict policy (blocks/inbound.ts);
 * - a lead carries it: accepted in Partner Center → the lead is qualified into one opportunity, which
 *   the [Customize] flow completes from the referral; otherwise the lead is updated;
 * - nothing carries it: a lead referral not yet accepted becomes a lead, any other open referral an
 *   opportunity (a referral already closed in Partner Center is not brought in).
 * The recovery and flow 10 call it for anything. The webhook receiver (flow 6) holds the same steps
 * (addBringIn, generated from here) for a referral no opportunity carries, so a new referral costs no
 * child-flow call; it calls the helper only when an opportunity carrying the referral was recorded
 * since it looked. Rows it creates for a referral get ids made from the referral id, so two runs for
 * the same referral never make two of anything.
 */
import { LEAD, OPPORTUNITY, SyncStatus } from "../../../plugins-ts/src/model/schema";
import { buttonTrigger, childFlow, completed, compose, condition, dataverse, FlowSpec, referrals, respond, Steps, switchOn } from "../builder";
import { FLOWS } from "../ids";
import { addInboundSync, beingWrittenRecord, OPPORTUNITY_EXPAND, REFERRAL_LINK_BASE } from "../blocks/inbound";
import { writeOpportunity } from "../blocks/outbound";
import { addSolutionIds, pcProjectionFields, readBackDiffers } from "../blocks/projection";
import { crmKey, projectionOf, recordText, storedRecord } from "../blocks/record";
import { SYNC_FIELDS } from "../../../plugins-ts/src/rulebook/sync-hash";
import { auditColumn, auditLine, nameWithMark, referralStatusLabel } from "../blocks/sync";
import { and, body, call, coalesce, concat, equals, ex, iff, isEmpty, lit, not, objectOf, odataString, or, outputs, prop, str, tpl, triggerBody, trimmed } from "../wdl";

const first = (list: string) => call("first", coalesce(prop(body(list), "value"), "json('[]')"));
/** A GUID-shaped string (36 characters with hyphens where a GUID has them). */
const isGuid = (e: string) => and(equals(call("length", e), "36"), equals(call("substring", concat(e, lit(" ".repeat(36))), "8", "1"), lit("-")), equals(call("substring", concat(e, lit(" ".repeat(36))), "23", "1"), lit("-")));
const NO_ID = "00000000-0000-0000-0000-000000000000";

export function helperFlow(): FlowSpec {
  const outer = new Steps();
  const referralId = prop(triggerBody(), "referralId");
  const changedOn = prop(triggerBody(), "changedOn");
  // The recovery names the version it saw: one that the CRM already holds costs one read, no Partner Center call.
  outer.add("Find_the_version_held", dataverse.listRecords(OPPORTUNITY.entitySetName, { select: OPPORTUNITY.syncHash, filter: `${OPPORTUNITY.referralIdentifier} eq '${tpl(odataString(referralId))}'`, top: 1 }));
  const held = prop(storedRecord(prop(first("Find_the_version_held"), OPPORTUNITY.syncHash)), "updated");
  const ticksOf = (date: string) => call("ticks", iff(isEmpty(date), lit("1900-01-01T00:00:00Z"), str(date)));
  const alreadyHeld = and(not(isEmpty(changedOn)), not(isEmpty(held)), call("lessOrEquals", ticksOf(changedOn), ticksOf(held)));
  const steps = new Steps();
  addBringIn(steps, referralId, { get: "Get_the_referral", find: "Find_the_opportunity", carried: "here" });
  outer.add("If_the_CRM_does_not_hold_this_version", condition(not(alreadyHeld), steps));
  outer.add("Respond", respond({ referralId: ex(referralId) }, { referralId: { title: "Referral", type: "string" } }), completed("If_the_CRM_does_not_hold_this_version"));

  return {
    id: FLOWS.helper.id,
    name: FLOWS.helper.name,
    description: "Child flow: reads a referral and brings it into its opportunity or lead (through the [Customize] flow), creating one when none carries it.",
    connections: ["dataverse", "referrals"],
    environmentVariables: ["displayCheckMark", "dealValueField", "customerCountryCodeField"],
    triggers: buttonTrigger(
      {
        referralId: { title: "Referral", type: "string", description: "The referral to bring in" },
        changedOn: { title: "Changed on", type: "string", description: "The referral's updatedDateTime when the caller listed it (optional)" },
      },
      ["referralId"],
    ),
    steps: outer,
  };
}

export interface BringInOptions {
  /** The names of the referral's read and of the opportunity's look-up (unique in the flow). */
  get: string;
  find: string;
  /**
   * An opportunity that carries the referral (by its id: one the sync knows, or one made from a lead to
   * complete): brought in "here" (the helper), or by "the helper" (flow 6, which calls this for a
   * referral it found no opportunity carrying: one recorded since is a rare race, left to the helper).
   */
  carried: "here" | "the helper";
}

/**
 * Reading a referral and bringing it in wherever it belongs (the file header): the helper's steps, and
 * flow 6's for a referral no opportunity carries (a new referral costs no child-flow call there).
 */
export function addBringIn(steps: Steps, referralId: string, options: BringInOptions): void {
  steps.add(options.get, referrals.get(ex(referralId)));
  const R = body(options.get);
  const external = trimmed(prop(R, "externalReferenceId"));
  steps.add(
    options.find,
    dataverse.listRecords(OPPORTUNITY.entitySetName, {
      // externalReferenceId is the opportunity when the CRM created the referral: its id may not be written back yet.
      filter: `${OPPORTUNITY.referralIdentifier} eq '${tpl(odataString(referralId))}' or ${OPPORTUNITY.primaryId} eq ${tpl(iff(isGuid(external), external, lit(NO_ID)))}`,
      expand: OPPORTUNITY_EXPAND(),
      top: 1,
    }),
  );
  const opp = first(options.find);
  steps.add("Referral_solution_ids", { type: "Select", inputs: { from: ex(coalesce(prop(R, "details", "requirements", "solutions"), "json('[]')")), select: ex("toUpper(trim(coalesce(item()?['id'], '')))") } });
  steps.add("Referral_as_the_sync_sees_it", compose(ex(projectionOf((f) => pcProjectionFields(R, idsOf(body("Referral_solution_ids")), lit(""))[f]))));
  const projection = outputs("Referral_as_the_sync_sees_it");
  const newRecord = (kind: "opportunity" | "lead", recordId: string) =>
    childFlow(FLOWS.customize.id, {
      referral: ex(call("string", R)),
      kind,
      route: "new",
      recordId: ex(recordId),
      currencyId: "",
      contactId: "",
      solutions: "follow",
      close: "",
      syncRecord: ex(beingWrittenRecord("json('{}')")),
    });

  // An opportunity carries it by its id: brought in here (the helper), or handed to the helper (flow 6,
  // where one recorded, or made from a lead, since flow 6 looked is a rare race).
  const carried = (handOver: string, here: (s: Steps) => void): Steps => {
    const s = new Steps();
    if (options.carried === "here") here(s);
    else s.add(handOver, childFlow(FLOWS.helper.id, { referralId: ex(referralId), changedOn: "" }));
    return s;
  };

  // ---- an opportunity the sync knows carries it --------------------------------------------------------
  const known = carried("Bring_it_in_with_the_helper", (s) => addInboundSync(s, { referral: R, opportunity: opp }));

  // ---- a second referral for an opportunity that carries another (a create repeated blind elsewhere):
  // reported on the opportunity, nothing of it taken; a person closes it in Partner Center.
  const orphan = new Steps();
  orphan.add(
    "Report_the_other_referral",
    dataverse.updateOnlyRecord(OPPORTUNITY.entitySetName, ex(prop(opp, OPPORTUNITY.primaryId)), {
      [OPPORTUNITY.syncAudit]: ex(
        auditColumn(
          prop(opp, OPPORTUNITY.syncAudit),
          auditLine("PC->CRM", "Error", "reconcile", concat(lit("Partner Center holds another referral for this opportunity: "), prop(R, "id"), lit(" ("), referralStatusLabel(R), lit("). The sync keeps "), prop(opp, OPPORTUNITY.referralIdentifier), lit("; close or decline the other in Partner Center."))),
        ),
      ),
    }),
  );

  // ---- one made from a lead (the entity map copies the referral id, not the sync record): completed from the referral
  const complete = carried("Complete_it_with_the_helper", (s) => {
    s.add("Complete_the_opportunity", newRecord("opportunity", str(prop(opp, OPPORTUNITY.primaryId))));
    recordOpportunity(s, "Record_the_completed_opportunity", body("Complete_the_opportunity"), R, projection, "completed from the referral", "completed");
  });

  // ---- no opportunity carries it ----------------------------------------------------------------------
  const other = new Steps();
  other.add("Find_the_lead", dataverse.listRecords(LEAD.entitySetName, { filter: `${LEAD.referralIdentifier} eq '${tpl(odataString(referralId))}'`, top: 1 }));
  const lead = first("Find_the_lead");
  const status = str(prop(R, "status"));
  const isLeadReferral = and(
    equals(str(prop(R, "type")), lit("Independent")),
    call("contains", "createArray('Direct', 'MarketingQualified', 'SalesQualified')", str(prop(R, "qualification"))),
    or(equals(str(prop(R, "inviteContext", "invitedBy", "organizationId")), lit("msft")), isEmpty(prop(R, "inviteContext", "invitedBy", "organizationId"))),
    equals(str(prop(R, "direction")), lit("Incoming")),
  );
  const route = iff(
    not(equals(lead, "null")),
    iff(not(equals(prop(lead, "statecode"), "0")), lit("none"), iff(equals(status, lit("Active")), lit("qualify"), lit("lead"))),
    iff(equals(status, lit("Closed")), lit("none"), iff(and(isLeadReferral, equals(status, lit("New"))), lit("lead"), lit("opportunity"))),
  );

  // a new opportunity
  const toOpportunity = new Steps();
  toOpportunity.add("Write_the_new_opportunity", newRecord("opportunity", "''"));
  recordOpportunity(toOpportunity, "Record_the_new_opportunity", body("Write_the_new_opportunity"), R, projection, "created", "new");

  // a lead (new or updated)
  const toLead = new Steps();
  toLead.add("Write_the_lead", newRecord("lead", str(prop(lead, LEAD.primaryId))));
  const leadId = prop(body("Write_the_lead"), "recordId");
  toLead.add(
    "Record_the_lead_sync",
    dataverse.updateOnlyRecord(LEAD.entitySetName, ex(leadId), {
      [LEAD.syncStatus]: ex(String(SyncStatus.Synced)),
      [LEAD.syncAudit]: ex(auditColumn(prop(lead, LEAD.syncAudit), auditLine("PC->CRM", "Success", "inbound", concat(lit("Lead referral "), prop(R, "id"), lit(" from Partner Center ("), referralStatusLabel(R), lit(")."))))),
      [LEAD.referralLink]: ex(concat(lit(REFERRAL_LINK_BASE), prop(R, "id"))),
      [LEAD.referralEtag]: ex(prop(R, "eTag")),
      [LEAD.referralStatus]: ex(referralStatusLabel(R)),
      [LEAD.syncHash]: ex(recordText({ pc: projection, crm: "json('[]')", updated: prop(R, "updatedDateTime"), rows: lit("") })),
    }),
  );

  // accepted in Partner Center: the lead becomes the opportunity that carries the referral
  const qualify = new Steps();
  qualify.add(
    "Qualify_the_lead",
    dataverse.boundAction(LEAD.entitySetName, ex(prop(lead, LEAD.primaryId)), "Microsoft.Dynamics.CRM.QualifyLead", { CreateAccount: false, CreateContact: false, CreateOpportunity: true, Status: 3 }),
  );
  qualify.add("New_opportunity", { type: "Query", inputs: { from: ex(coalesce(prop(body("Qualify_the_lead"), "value"), "json('[]')")), where: ex(call("endsWith", str(prop("item()", "@odata.type")), lit("opportunity"))) } });
  const newOpp = str(prop(call("first", body("New_opportunity")), OPPORTUNITY.primaryId));
  qualify.add("Complete_the_qualified_opportunity", newRecord("opportunity", newOpp));
  recordOpportunity(qualify, "Record_the_qualified_opportunity", body("Complete_the_qualified_opportunity"), R, projection, "qualified from its lead", "qualified");
  qualify.add(
    "Record_the_qualified_lead",
    dataverse.updateOnlyRecord(LEAD.entitySetName, ex(prop(lead, LEAD.primaryId)), {
      [LEAD.syncStatus]: ex(String(SyncStatus.Synced)),
      [LEAD.referralStatus]: ex(referralStatusLabel(R)),
      [LEAD.referralEtag]: ex(prop(R, "eTag")),
      [LEAD.syncAudit]: ex(auditColumn(prop(lead, LEAD.syncAudit), auditLine("PC->CRM", "Success", "inbound", concat(lit("Accepted in Partner Center: the lead is qualified into opportunity "), newOpp, lit("."))))),
    }),
  );

  other.add(
    "Route_the_new_referral",
    switchOn(ex(route), {
      Opportunity: { value: "opportunity", steps: toOpportunity },
      Lead: { value: "lead", steps: toLead },
      Qualify: { value: "qualify", steps: qualify },
    }),
  );
  const sees = prop(storedRecord(prop(opp, OPPORTUNITY.syncHash)), "pc");
  steps.add(
    "Route_the_referral",
    // An opportunity the CRM is sharing right now (found by externalReferenceId, its referral id not written back yet) is left to flow 2.
    switchOn(
      ex(
        iff(
          equals(opp, "null"),
          lit("other"),
          iff(
            call("empty", str(prop(opp, OPPORTUNITY.referralIdentifier))),
            lit("being created"),
            iff(not(equals(call("toLower", str(prop(opp, OPPORTUNITY.referralIdentifier))), call("toLower", str(referralId)))), lit("orphan"), iff(equals(sees, "null"), lit("complete"), lit("known"))),
          ),
        ),
      ),
      {
        Known: { value: "known", steps: known },
        Complete: { value: "complete", steps: complete },
        Orphan: { value: "orphan", steps: orphan },
        Other: { value: "other", steps: other },
      },
    ),
  );
}

/** Sorted, comma-joined ids from a Select of ids (empty one dropped), as blocks/projection.ts does. */
function idsOf(selected: string): string {
  const sorted = call("sort", call("union", selected, "json('[]')"));
  return call("join", call("skip", sorted, iff(equals(call("first", sorted), lit("")), "1", "0")), lit(","));
}

/**
 * After the [Customize] flow made an opportunity for the referral: the CRM's id goes to Partner
 * Center (externalReferenceId; a field Partner Center's users do not edit, so no read is needed
 * first), the referral is read back for its new version (so the webhook echo costs nothing), and one
 * write records id, link, eTag, status and the sync record with the row's key as written: flow 8
 * starts no run for it. Should the send fail, the record keeps no key, so flow 8 runs once and sends it.
 */
function recordOpportunity(steps: Steps, name: string, written: string, R: string, projection: string, verb: string, suffix: string): void {
  const row = call("json", str(prop(written, "row")));
  const recordId = prop(written, "recordId");
  // Typed attributes the CRM has no row (or choice) for: the opportunity is made without them, and the Audit says which.
  const unknownNote = iff(isEmpty(prop(written, "unknown")), lit(""), concat(lit(" Not in the CRM, so left empty (add the row, then set it): "), str(prop(written, "unknown")), lit(".")));
  // meanwhile: a boolean expression, true when Partner Center changed the referral after it was read.
  const columns = (back: string, key: string, pc: string, sent: string, meanwhile?: string) => [
    [OPPORTUNITY.referralIdentifier, prop(R, "id")],
    [OPPORTUNITY.referralLink, concat(lit(REFERRAL_LINK_BASE), prop(R, "id"))],
    [OPPORTUNITY.referralEtag, prop(back, "eTag")],
    [OPPORTUNITY.lastSyncedOn, prop(back, "updatedDateTime")],
    [OPPORTUNITY.referralStatus, referralStatusLabel(R)],
    [OPPORTUNITY.syncStatus, meanwhile ? iff(meanwhile, String(SyncStatus.Pending), String(SyncStatus.Synced)) : String(SyncStatus.Synced)],
    [
      OPPORTUNITY.syncAudit,
      auditColumn(
        prop(row, OPPORTUNITY.syncAudit),
        auditLine("PC->CRM", "Success", "inbound", concat(lit("Referral "), prop(R, "id"), lit(` from Partner Center: opportunity ${verb} (`), referralStatusLabel(R), lit(`).${sent}`), unknownNote, ...(meanwhile ? [iff(meanwhile, lit(" Changed in Partner Center meanwhile, being brought in."), lit(""))] : []))),
      ),
    ],
    // Changed meanwhile: the version stays the one read, so that change is not taken for one the CRM holds.
    [OPPORTUNITY.syncHash, recordText({ pc, crm: key, updated: meanwhile ? iff(meanwhile, prop(R, "updatedDateTime"), prop(back, "updatedDateTime")) : prop(back, "updatedDateTime"), rows: prop(written, "rows") })],
    ["name", nameWithMark(prop(row, "name"), true)],
  ] as const;
  const send = `Send_the_CRM_id_${suffix}`;
  const back = `Read_the_referral_back_${suffix}`;
  const withId = call("setProperty", projection, lit("externalReferenceId"), recordId);
  const sendIt = new Steps();
  sendIt.add(send, referrals.patch(ex(prop(R, "id")), ex(call("createArray", objectOf([["op", iff(isEmpty(prop(R, "externalReferenceId")), lit("add"), lit("replace"))], ["path", lit("/externalReferenceId")], ["value", recordId]])))));
  // Not sent: what Partner Center has is agreed, with no key, so flow 8 runs once and sends what it lacks.
  sendIt.onFailure(send, `${name}_for_a_later_send`, writeOpportunity(recordId, columns(R, "json('[]')", projection, "")));
  sendIt.add(back, referrals.get(ex(prop(R, "id"))));
  // What Partner Center changed between the read and the read-back (Microsoft editing a referral it just
  // shared; chaos seeds 7003, 7017): each synced field of the read-back against the projection written.
  const changed = readBackDiffers(body(back), R, (f) => prop(projection, f), lit(""));
  const check = `Changed_in_Partner_Center_meanwhile_${suffix}`;
  // The CRM id itself was just sent: not compared.
  sendIt.add(check, compose(ex(call("or", ...(["solutions", ...SYNC_FIELDS.filter((f) => f !== "solutions" && f !== "externalReferenceId")] as const).map(changed)))));
  sendIt.add(name, writeOpportunity(recordId, columns(body(back), crmKey(row), withId, " Its CRM id was sent back.", equals(outputs(check), "true"))));
  // Partner Center has it already (a repeated event, or a lead's opportunity completed again): no call, no echo.
  const known = new Steps();
  known.add(`${name}_as_it_is`, writeOpportunity(recordId, columns(R, crmKey(row), projection, "")));
  steps.add(`If_Partner_Center_lacks_the_CRM_id_${suffix}`, condition(not(equals(trimmed(prop(R, "externalReferenceId")), recordId)), sendIt, known));
}
