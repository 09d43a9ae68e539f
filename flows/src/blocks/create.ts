/**
 * Creating an opportunity's referral, once (the steps flows 2 and 8 share; see docs/flows.md "Runs on
 * the same record at the same time"):
 *
 *   Solutions for the new referral ─ Referral to create ─ Claim the create
 *   (the claim exists: Look at the earlier claim ─ Count the claims ─ Get the claim (the latest) ─
 *    an old one is taken over, after looking for what it left, by claiming the next attempt)
 *   └ How to go on: create ─ Create the referral ─ Record the referral (failed: the claim made old, Record the failed create)
 *                  adopt  ─ What the earlier referral holds ─ Record the earlier referral (Pending) ─ Send what the CRM changed since (flow 7)
 *                  leave  (another run is creating it and records the result)
 *
 * A run first claims the create: a Partner Center Referral Creation row whose id is the opportunity's
 * (Dataverse refuses a second one with 412). A run that finds an earlier claim leaves a recent one to
 * its run, and takes an old one over after looking for a referral whose externalReferenceId is this
 * opportunity (a create that timed out may have committed), adopting it when there is one.
 *
 * A takeover claims the next attempt: a new row whose id is made from the opportunity's and the
 * attempt's number (claimId), never a delete and create of the old row. Two runs that read the same
 * old claim both ask for the same next id, and Dataverse lets only one have it (chaos seeds 7017,
 * 9009: with a delete, the later run removed the earlier one's new claim and both created).
 */
import { OPPORTUNITY, OPPORTUNITY_COSELL, PARTNER_CENTER_SOLUTION, REFERRAL_CREATION, SOLUTION_DETAIL, SyncStatus } from "../../../plugins-ts/src/model/schema";
import { addSolutionIds, pcProjectionFields } from "./projection";
import { childFlow, compose, condition, dataverse, noRetry, referrals, scope, Steps, switchOn } from "../builder";
import { FLOWS } from "../ids";
import { FIELD_POLICY } from "../../../plugins-ts/src/rulebook/merge";
import { SYNC_FIELDS } from "../../../plugins-ts/src/rulebook/sync-hash";
import { body, call, coalesce, concat, equals, ex, iff, left, lit, not, outputs, prop, str, tpl } from "../wdl";
import { REFERRAL_LINK_BASE } from "./inbound";
import { addReferralToCreate } from "./opportunity";
import { addSolutionList, OpportunityRead, writeOpportunity } from "./outbound";
import { partnerCenterError } from "./patch";
import { recordText } from "./record";
import { auditColumn, auditLine, nameWithMark, referralStatusLabel } from "./sync";

/**
 * How long a claim protects a create: longer than any run takes to create and record a referral (the
 * connector's calls time out after 2 minutes, and the create is not retried).
 */
export const STALE_CLAIM_MINUTES = 15;


const statusOf = (action: string) => str(prop(call("actions", lit(action)), "status"));
const earlier = call("first", coalesce(prop(body("Find_an_earlier_referral"), "value"), "json('[]')"));
/**
 * How a create goes on: "create" (the claim is this run's), "adopt" (an earlier attempt's referral
 * exists), "leave" (another run is creating it and records the result), or "none" (no create ran).
 */
const RUN_NAME = "workflow()?['run']?['name']";
/** The claim found is this run's own: its create was answered late or lost, retried, and refused as a duplicate. */
const claimIsOurs = call("endsWith", str(prop(body("Get_the_claim"), REFERRAL_CREATION.name)), RUN_NAME);

/**
 * The id of attempt `n` (an integer expression) to create an opportunity's referral: the opportunity's
 * id for the first; for a later one, its first 24 characters (8-4-4-4, which set it apart from every
 * other opportunity's, random and sequential GUIDs alike) and the attempt's number in the last 12.
 * Attempts are claimed one after the other, so the claims' count is the latest attempt's number.
 */
export const claimId = (opportunityId: string, n: string): string =>
  iff(equals(n, "1"), opportunityId, concat(call("substring", opportunityId, "0", "24"), call("substring", concat(lit("000000000000"), call("string", n)), call("length", call("string", n)), "12")));
const CLAIMS = call("length", coalesce(prop(body("Count_the_claims"), "value"), "json('[]')"));
export const HOW_TO_GO_ON = iff(
  equals(statusOf("Claim_the_create"), lit("Succeeded")),
  lit("create"),
  iff(
    not(equals(statusOf("Claim_the_create"), lit("Failed"))),
    lit("none"),
    iff(claimIsOurs, lit("create"), iff(not(equals(earlier, "null")), lit("adopt"), iff(equals(statusOf("Claim_it_again"), lit("Succeeded")), lit("create"), lit("leave")))),
  ),
);

export interface CreateContext {
  /** The opportunity id expression. */
  id: string;
  /** The opportunity as read, with its owner and solution details. */
  read: OpportunityRead;
  /** The Check_the_opportunity outputs ({crm, key, …}). */
  check: string;
  /** The CRM's solution ids, when the caller computed them (examine "all"); otherwise a Select here does. */
  crmIds?: string;
}

/** What a create records: the CRM side it sent, the key and the solution rows it read. */
interface Agreement {
  /** The Deal Type choice value the check computed. */
  dealType: string;
  crm: string;
  key: string;
  rows: string;
}

export function addCreate(steps: Steps, ctx: CreateContext): void {
  const { id, read } = ctx;
  const o = read.rows.opportunity;
  const audit = prop(o, OPPORTUNITY.syncAudit);
  const ids = ctx.crmIds ?? addSolutionIds(steps, "Solution_ids_for_the_new_referral", read.solutionRows, (it) => prop(it, PARTNER_CENTER_SOLUTION.solutionDetailNavigation, SOLUTION_DETAIL.solutionId));
  // What the create agrees on: the CRM side as checked, with the solutions it sends, and the rows it read.
  const check = { crm: call("setProperty", prop(ctx.check, "crm"), lit("solutions"), ids), key: prop(ctx.check, "key"), rows: call("string", read.solutionRows), dealType: prop(ctx.check, "dealType") };
  const solutions = addSolutionList(steps, "Solutions_for_the_new_referral", read.solutionRows);
  const desired = addReferralToCreate(steps, { ...read.rows, owner: prop(o, "owninguser") }, solutions);
  const claim = (claimRowId: string = id): Record<string, unknown> => ({
    [REFERRAL_CREATION.primaryId]: ex(claimRowId),
    // The opportunity's name and the run that claims it (a claim whose create was retried is found to be this run's own).
    [REFERRAL_CREATION.name]: ex(concat(left(str(prop(o, "name")), 200), lit(" · run "), RUN_NAME)),
    [`${REFERRAL_CREATION.opportunityNavigation}@odata.bind`]: `/${OPPORTUNITY.entitySetName}(${tpl(id)})`,
    [REFERRAL_CREATION.attemptedOn]: ex("utcNow()"),
  });
  steps.add("Claim_the_create", dataverse.createRecord(REFERRAL_CREATION.entitySetName, claim()));
  const earlierClaim = new Steps();
  earlierClaim.add("Count_the_claims", dataverse.listRecords(REFERRAL_CREATION.entitySetName, { select: REFERRAL_CREATION.primaryId, filter: `_${REFERRAL_CREATION.opportunity}_value eq ${tpl(id)}` }));
  earlierClaim.add("Get_the_claim", dataverse.getItem(REFERRAL_CREATION.entitySetName, ex(claimId(id, CLAIMS)), { select: [REFERRAL_CREATION.name, REFERRAL_CREATION.attemptedOn].join(",") }));
  const stale = call("less", call("ticks", str(prop(body("Get_the_claim"), REFERRAL_CREATION.attemptedOn))), call("ticks", call("addMinutes", "utcNow()", String(-STALE_CLAIM_MINUTES))));
  const over = new Steps();
  over.add("Find_an_earlier_referral", referrals.list({ filter: `externalReferenceId eq '${tpl(id)}'`, top: 1 }));
  over.onFailure("Find_an_earlier_referral", "Record_the_failure_to_look", createFailure(id, o, check, audit, "Find_an_earlier_referral"));
  const takeOver = new Steps();
  // Two runs taking over at once ask for the same id: Dataverse gives it to one, the other leaves.
  takeOver.add("Claim_it_again", dataverse.createRecord(REFERRAL_CREATION.entitySetName, claim(claimId(id, call("add", CLAIMS, "1")))));
  over.add("If_it_left_no_referral", condition(equals(earlier, "null"), takeOver));
  earlierClaim.add("If_the_earlier_attempt_is_over", condition(call("and", stale, not(claimIsOurs)), over));
  steps.onFailure("Claim_the_create", "Look_at_the_earlier_claim", scope(earlierClaim));
  // Adopted: the earlier attempt sent the CRM as it was then, and the seller may have changed it since.
  // The agreement is what Partner Center holds and the row Pending, so the reconciliation's next look
  // sends what differs (chaos seeds 1004, 1005: recorded as agreeing, the difference was never sent).
  const adopt = new Steps();
  const pcIds = addSolutionIds(adopt, "Solution_ids_of_the_earlier_referral", prop(earlier, "details", "requirements", "solutions"), (it) => prop(it, "id"));
  const held = pcProjectionFields(earlier, pcIds, prop(ctx.check, "crm", "contact"));
  adopt.add("What_the_earlier_referral_holds", compose(Object.fromEntries(Object.entries(held).map(([k, e]) => [k, ex(e)]))));
  const adopted = { ...check, crm: outputs("What_the_earlier_referral_holds") };
  // Only what Partner Center takes by update counts: the rest stays as created (flow 7 would find nothing to send).
  const sendable = SYNC_FIELDS.filter((f) => FIELD_POLICY[f] !== "crmOnCreate");
  const crmValue = (f: string) => (f === "solutions" ? ids : prop(ctx.check, "crm", f));
  adopt.add("Changed_in_the_CRM_since", compose(ex(call("or", ...sendable.map((f) => not(equals(prop(adopted.crm, f), crmValue(f))))))));
  const sinceChanged = equals(outputs("Changed_in_the_CRM_since"), "true");
  const status = iff(sinceChanged, String(SyncStatus.Pending), String(SyncStatus.Synced));
  adopt.add("Record_the_earlier_referral", recordReferral(id, o, adopted, earlier, audit, concat(lit("A referral an earlier attempt created was found and adopted."), iff(sinceChanged, lit(" What the CRM changed since goes next."), lit(""))), status));
  // Flow 7 compares and sends in the same run, so an adopted row is not left Pending until the next hour.
  const since = new Steps();
  since.add("Send_what_the_CRM_changed_since", childFlow(FLOWS.updateReferral.id, { opportunityId: ex(id) }));
  adopt.add("If_the_CRM_changed_since", condition(sinceChanged, since));
  const create = new Steps();
  // No retry of a create: one that timed out may have committed; the next attempt looks for it first.
  create.add("Create_the_referral", noRetry(referrals.create(ex(desired))));
  // A failed create leaves its claim old at once: the next attempt looks for what it may have committed, then creates.
  // The claim this run holds: the first, its own found again (a retried create), or the next attempt it took.
  const heldClaim = iff(equals(statusOf("Claim_the_create"), lit("Succeeded")), id, iff(claimIsOurs, claimId(id, CLAIMS), claimId(id, call("add", CLAIMS, "1"))));
  create.onFailure("Create_the_referral", "Let_the_next_attempt_look_first", dataverse.updateOnlyRecord(REFERRAL_CREATION.entitySetName, ex(heldClaim), { [REFERRAL_CREATION.attemptedOn]: "1900-01-01T00:00:00Z" }));
  create.add("Record_the_failed_create", createFailure(id, o, check, audit, "Create_the_referral"), { Let_the_next_attempt_look_first: ["Succeeded", "Failed"] });
  create.add("Record_the_referral", recordReferral(id, o, check, body("Create_the_referral"), audit, concat(lit("Created in Partner Center ("), dealTypeOf(o), lit(")."))), { Record_the_failed_create: ["Skipped"] });
  steps.add("Create_or_adopt", switchOn(ex(HOW_TO_GO_ON), { Create: { value: "create", steps: create }, Adopt: { value: "adopt", steps: adopt } }), { Look_at_the_earlier_claim: ["Succeeded", "Failed", "Skipped", "TimedOut"] });
}

/** The one write after a create (or an adoption): the referral's id, link, eTag and status, and the sync record. */
function recordReferral(id: string, o: string, check: Agreement, referral: string, audit: string, message: string, status: string = String(SyncStatus.Synced)) {
  const referralId = prop(referral, "id");
  return writeOpportunity(id, [
    [OPPORTUNITY.referralIdentifier, referralId],
    [OPPORTUNITY.referralLink, concat(lit(REFERRAL_LINK_BASE), referralId)],
    [OPPORTUNITY.referralEtag, prop(referral, "eTag")],
    [OPPORTUNITY.lastSyncedOn, prop(referral, "updatedDateTime")],
    [OPPORTUNITY.referralStatus, referralStatusLabel(referral)],
    [OPPORTUNITY.syncStatus, status],
    [OPPORTUNITY.syncAudit, auditColumn(audit, auditLine("CRM->PC", "Success", "create", concat(lit("Referral "), referralId, lit(": "), message)))],
    [OPPORTUNITY.syncHash, recordText({ pc: check.crm, crm: check.key, updated: prop(referral, "updatedDateTime"), rows: check.rows })],
    [OPPORTUNITY_COSELL.dealType, check.dealType],
    ["name", nameWithMark(prop(o, "name"), true)],
  ]);
}

/** co-sell (help asked), partner-led (shared, no help) or private (rulebook/deal-type.ts). */
const dealTypeOf = (o: string) => iff(not(equals(prop(o, OPPORTUNITY.microsoftHelp), "null")), lit("co-sell"), iff(equals(prop(o, OPPORTUNITY.referralVisibility), "true"), lit("partner-led"), lit("private")));

/** The write after a Partner Center call of the create failed: Error, the Audit line, ✖; no agreement, the key as read. */
function createFailure(id: string, o: string, check: Agreement, audit: string, action: string) {
  return writeOpportunity(id, [
    [OPPORTUNITY.syncStatus, String(SyncStatus.Error)],
    [OPPORTUNITY.syncAudit, auditColumn(audit, auditLine("CRM->PC", "Error", "create", partnerCenterError(call("outputs", lit(action)))))],
    [OPPORTUNITY.syncHash, recordText({ pc: "json('{}')", crm: check.key, updated: lit(""), rows: check.rows })],
    ["name", nameWithMark(prop(o, "name"), false)],
  ]);
}
