/**
 * 11. Partner Center Sync Recovery (ours): what Microsoft's connector lacks, a backfill and a retry.
 * Every hour:
 * - Missed webhooks: the referrals Partner Center changed in the last 24 hours (pages of 100, oldest
 *   change first) go to the helper, which stops at once for a version the CRM already holds.
 * - Failed sends: opportunities whose last attempt failed on Partner Center's side (Audit: Error on
 *   create or update; a rule the opportunity breaks is the seller's to fix and is left alone) are sent
 *   again (flow 2 or flow 7), so an outage heals without anyone touching the record.
 */
import { OPPORTUNITY, SyncStatus } from "../../../plugins-ts/src/model/schema";
import { childFlow, compose, condition, dataverse, FlowSpec, foreach, initVariable, query, recurrenceTrigger, referrals, setVariable, Steps } from "../builder";
import { FLOWS } from "../ids";
import { body, call, coalesce, equals, ex, items, lit, NEWLINE, or, outputs, prop, str, tpl, variables } from "../wdl";

const PAGE = 100;
const MAX_PAGES = 20;
const WINDOW_HOURS = 24;

export function recoveryFlow(): FlowSpec {
  const steps = new Steps();
  steps.add("Initialize_page", initVariable("Page", "integer", 0));
  steps.add("Initialize_more", initVariable("More", "boolean", true));
  steps.add("Changed_since", compose(ex(call("addHours", "utcNow()", String(-WINDOW_HOURS), lit("yyyy-MM-ddTHH:mm:ssZ")))));

  // ---- missed webhooks --------------------------------------------------------------------------
  const page = new Steps();
  page.add(
    "List_changed_referrals",
    referrals.list({ filter: `updatedDateTime gt ${tpl(outputs("Changed_since"))}`, orderby: "updatedDateTime asc", top: PAGE, skip: ex(call("mul", variables("Page"), String(PAGE))) }),
  );
  const changed = coalesce(prop(body("List_changed_referrals"), "value"), "json('[]')");
  const each = new Steps();
  each.add("Bring_the_referral_in", childFlow(FLOWS.helper.id, { referralId: ex(prop(items("For_each_changed_referral"), "id")), changedOn: ex(str(prop(items("For_each_changed_referral"), "updatedDateTime"))) }));
  page.add("For_each_changed_referral", foreach(ex(changed), each));
  page.add("Another_page", setVariable("More", ex(equals(call("length", changed), String(PAGE)))));
  page.add("Next_page", { type: "IncrementVariable", inputs: { name: "Page", value: 1 } });
  steps.add("Until_every_changed_referral_is_read", {
    type: "Until",
    expression: `@or(equals(variables('More'), false), greaterOrEquals(variables('Page'), ${MAX_PAGES}))`,
    limit: { count: MAX_PAGES + 1, timeout: "PT1H" },
    actions: page.actions,
  });

  // ---- failed sends -----------------------------------------------------------------------------
  steps.add(
    "List_failed_opportunities",
    dataverse.listRecords(OPPORTUNITY.entitySetName, {
      select: `${OPPORTUNITY.primaryId},${OPPORTUNITY.syncAudit},${OPPORTUNITY.referralIdentifier}`,
      filter: `${OPPORTUNITY.syncWithPartnerCenter} eq true and ${OPPORTUNITY.syncStatus} eq ${SyncStatus.Error}`,
      top: 500,
    }),
    { Until_every_changed_referral_is_read: ["Succeeded", "Failed", "TimedOut"] },
  );
  const newest = call("first", call("split", str(prop("item()", OPPORTUNITY.syncAudit)), NEWLINE));
  steps.add(
    "Failed_on_Partner_Centers_side",
    query(ex(coalesce(prop(body("List_failed_opportunities"), "value"), "json('[]')")), ex(or(call("contains", newest, lit(" | CRM->PC | Error | create | ")), call("contains", newest, lit(" | CRM->PC | Error | update | "))))),
  );
  const retry = new Steps();
  const failedOne = items("For_each_failed_opportunity");
  const update = new Steps();
  update.add("Send_the_changes_again", childFlow(FLOWS.updateReferral.id, { opportunityId: ex(prop(failedOne, OPPORTUNITY.primaryId)) }));
  const create = new Steps();
  create.add("Create_the_referral_again", childFlow(FLOWS.createReferral.id, { opportunityId: ex(prop(failedOne, OPPORTUNITY.primaryId)) }));
  retry.add("If_the_referral_exists", condition(call("not", call("empty", str(prop(failedOne, OPPORTUNITY.referralIdentifier)))), update, create));
  steps.add("For_each_failed_opportunity", foreach(ex(body("Failed_on_Partner_Centers_side")), retry));

  return {
    id: FLOWS.recovery.id,
    name: FLOWS.recovery.name,
    description: "Hourly: brings in referrals whose webhook was missed (changed in Partner Center in the last 24 hours) and retries opportunities whose last send failed on Partner Center's side.",
    connections: ["dataverse", "referrals"],
    triggers: recurrenceTrigger("Hour", 1),
    steps,
  };
}
