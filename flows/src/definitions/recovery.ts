/**
 * 11. Partner Center Sync Recovery (ours): the reconciliation. Whatever happened before it (missed
 * webhooks, lost trigger firings, crashes, outages, half-done creates), one run brings the two sides
 * into agreement under the conflict policy (docs/flows.md). Every hour, and on demand (run it by hand):
 * - Partner Center's side: every referral changed since the watermark (the environment variable
 *   "Partner Center sync watermark", the newest change an earlier run brought in; empty at install, so
 *   the first run brings in every referral that exists), page by page, oldest first, with no window
 *   and no page limit short of the run's hour, goes to the helper, which stops at once for a version
 *   the CRM holds and otherwise brings it in (or creates its opportunity or lead).
 * - The CRM's side: every opportunity that syncs is compared with its sync record in one Filter
 *   array (no request per record): one whose synced columns differ from the record (a change whose
 *   trigger was lost), one not shared yet (a create that never ran or never finished), one left
 *   Pending or Not synced, and one in Error for a reason that may have gone (Partner Center failed;
 *   or a rule failed and its account or contact changed since) goes to flow 7 or flow 2, which decide
 *   and record the outcome. Agreeing records cost nothing.
 */
import { ENVIRONMENT_VARIABLES, OPPORTUNITY, PARTNER_CENTER_SOLUTION, SyncStatus } from "../../../plugins-ts/src/model/schema";
import { childFlow, condition, dataverse, envParameter, FlowSpec, foreach, initVariable, query, recurrenceTrigger, referrals, setVariable, Steps, until } from "../builder";
import { FLOWS } from "../ids";
import { keyChangedCondition, storedRecord } from "../blocks/record";
import { SOLUTION_ROWS } from "../blocks/outbound";
import { and, body, call, coalesce, concat, equals, ex, iff, isEmpty, items, lit, NEWLINE, not, or, prop, str, tpl, variables } from "../wdl";

const PAGE = 100;
/** Pages one run reads at most (20,000 changes); a run that stops there saves its place and the next goes on. */
const MAX_PAGES = 200;
const BEGINNING = "1900-01-01T00:00:00Z";
/** Child flows called at once per loop: the helper and flows 2 and 7 are safe to run side by side. */
const PARALLEL = 5;

export function recoveryFlow(): FlowSpec {
  const steps = new Steps();
  const watermark = trimStr(envParameter("syncWatermark"));
  steps.add("Initialize_since", initVariable("Since", "string", ex(iff(call("empty", watermark), lit(BEGINNING), watermark))));
  steps.add("Initialize_more", initVariable("More", "boolean", true));
  steps.add("Initialize_pages", initVariable("Pages", "integer", 0));

  // ---- Partner Center's side: every change since the watermark ------------------------------------
  const page = new Steps();
  // Keyset paging (updatedDateTime after the last one read), stable while referrals change meanwhile.
  page.add("List_changed_referrals", referrals.list({ filter: `updatedDateTime gt ${tpl(variables("Since"))}`, orderby: "updatedDateTime asc", top: PAGE }));
  const changed = coalesce(prop(body("List_changed_referrals"), "value"), "json('[]')");
  const each = new Steps();
  const referral = items("For_each_changed_referral");
  each.add("Bring_the_referral_in", childFlow(FLOWS.helper.id, { referralId: ex(prop(referral, "id")), changedOn: ex(str(prop(referral, "updatedDateTime"))) }));
  page.add("For_each_changed_referral", foreach(ex(changed), each, PARALLEL));
  page.add("Remember_the_newest_change", setVariable("Since", ex(iff(call("empty", changed), variables("Since"), str(prop(call("last", changed), "updatedDateTime"))))));
  page.add("Another_page", setVariable("More", ex(equals(call("length", changed), String(PAGE)))));
  page.add("Count_the_page", { type: "IncrementVariable", inputs: { name: "Pages", value: 1 } });
  steps.add("Until_every_change_is_read", until(or(equals(variables("More"), "false"), call("greaterOrEquals", variables("Pages"), String(MAX_PAGES))), page, MAX_PAGES + 1, "PT55M"));

  // The watermark moves only past what was read: the next run starts after it.
  const save = new Steps();
  const ev = ENVIRONMENT_VARIABLES.syncWatermark.schemaName;
  save.add("Find_the_watermark", dataverse.listRecords("environmentvariabledefinitions", { select: "environmentvariabledefinitionid", filter: `schemaname eq '${ev}'`, top: 1 }));
  const definitionId = prop(call("first", coalesce(prop(body("Find_the_watermark"), "value"), "json('[]')")), "environmentvariabledefinitionid");
  save.add("Find_its_value", dataverse.listRecords("environmentvariablevalues", { select: "environmentvariablevalueid", filter: `_environmentvariabledefinitionid_value eq ${tpl(definitionId)}`, top: 1 }));
  const valueId = prop(call("first", coalesce(prop(body("Find_its_value"), "value"), "json('[]')")), "environmentvariablevalueid");
  save.add(
    "Record_the_watermark",
    // "Update a row" with a new GUID creates the value row the first time.
    dataverse.updateRecord("environmentvariablevalues", ex(coalesce(valueId, "guid()")), {
      value: ex(variables("Since")),
      schemaname: `${ev}_value`,
      "EnvironmentVariableDefinitionId@odata.bind": `/environmentvariabledefinitions(${tpl(definitionId)})`,
    }),
  );
  steps.add("If_the_watermark_moved", condition(not(equals(variables("Since"), iff(call("empty", watermark), lit(BEGINNING), watermark))), save), {
    Until_every_change_is_read: ["Succeeded", "Failed", "TimedOut"],
  });

  // ---- the CRM's side: every opportunity that syncs, compared with its record in one step -------------
  steps.add(
    "List_synced_opportunities",
    dataverse.listRecords(OPPORTUNITY.entitySetName, {
      filter: `${OPPORTUNITY.syncWithPartnerCenter} eq true`,
      expand: `customerid_account($select=modifiedon),parentcontactid($select=modifiedon),${SOLUTION_ROWS}($select=${PARTNER_CENTER_SOLUTION.primaryId})`,
      top: 5000,
    }),
    { If_the_watermark_moved: ["Succeeded", "Failed", "Skipped", "TimedOut"] },
  );
  const o = "item()";
  const status = prop(o, OPPORTUNITY.syncStatus);
  const newest = call("first", call("split", str(prop(o, OPPORTUNITY.syncAudit)), NEWLINE));
  const ruleFailure = call("contains", newest, lit(" | CRM->PC | Error | validate | "));
  const failedAt = call("ticks", concat(call("substring", concat(newest, lit(" ".repeat(20))), "0", "19"), lit("Z")));
  const changedSince = (row: string) => and(not(isEmpty(prop(o, row, "modifiedon"))), call("greater", call("ticks", str(prop(o, row, "modifiedon"))), failedAt));
  // A rule failure is the seller's to fix; it is worth another look once its account or contact changed.
  const worthAnotherLook = or(not(ruleFailure), changedSince("customerid_account"), changedSince("parentcontactid"));
  steps.add(
    "Opportunities_needing_a_look",
    query(
      ex(coalesce(prop(body("List_synced_opportunities"), "value"), "json('[]')")),
      ex(
        or(
          and(call("empty", str(prop(o, OPPORTUNITY.referralIdentifier))), worthAnotherLook),
          equals(status, String(SyncStatus.NotSynced)),
          equals(status, String(SyncStatus.Pending)),
          equals(status, "null"),
          and(equals(status, String(SyncStatus.Error)), worthAnotherLook),
          keyChangedCondition(o),
          and(not(call("empty", str(prop(o, OPPORTUNITY.referralIdentifier)))), worthAnotherLook, solutionRowsChanged(o)),
        ),
      ),
    ),
  );
  const one = items("For_each_opportunity_needing_a_look");
  const ids = { opportunityId: ex(prop(one, OPPORTUNITY.primaryId)) };
  const shared = new Steps();
  shared.add("Bring_it_into_agreement", childFlow(FLOWS.updateReferral.id, ids));
  const notShared = new Steps();
  notShared.add("Create_its_referral", childFlow(FLOWS.createReferral.id, ids));
  const look = new Steps();
  look.add("If_it_is_shared", condition(not(call("empty", str(prop(one, OPPORTUNITY.referralIdentifier)))), shared, notShared));
  steps.add("For_each_opportunity_needing_a_look", foreach(ex(body("Opportunities_needing_a_look")), look, PARALLEL));

  return {
    id: FLOWS.recovery.id,
    name: FLOWS.recovery.name,
    description: "Hourly reconciliation: brings in every Partner Center change since the last run (the first run, every referral), and brings every synced opportunity that differs from its record, is not shared yet, or is stuck into agreement.",
    connections: ["dataverse", "referrals"],
    environmentVariables: ["syncWatermark", "dealValueField"],
    triggers: recurrenceTrigger("Hour", 1),
    steps,
  };
}

const trimStr = (e: string) => call("trim", str(e));

/**
 * A solution added or removed whose flow 9 run never happened (a lost trigger, a kill): the rows the
 * opportunity has now are not as many as the rows its sync record read (each row read carries its id
 * once). A row swapped for another with both triggers lost keeps the count and waits for the next
 * change of the opportunity (chaos seed 1000).
 */
function solutionRowsChanged(o: string): string {
  const stored = str(prop(storedRecord(prop(o, OPPORTUNITY.syncHash)), "rows"));
  const rowsRead = call("sub", call("length", call("split", stored, lit(`"${PARTNER_CENTER_SOLUTION.primaryId}":`))), "1");
  return not(equals(call("length", coalesce(prop(o, SOLUTION_ROWS), "json('[]')")), rowsRead));
}
