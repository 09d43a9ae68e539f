/**
 * How a referral lands on an opportunity: its columns from the referral (rulebook/mapping-inbound.ts).
 * The [Customize] flow writes them when it makes the opportunity; flows 4 and 6 write them when
 * Partner Center changed it ("Update the opportunity"), one source for both. The deal value is the
 * exception: its column is the admin's choice (the "Deal value" environment variable, and the
 * [Customize] flow edited to match, as Microsoft's connector documents it), so an update sends it
 * through the [Customize] flow ("Set the deal value, currency and contact"), never from here.
 */
import { DEAL_REGISTRATION, MICROSOFT_HELP_OPTIONS, OPPORTUNITY, OPPORTUNITY_COSELL } from "../../../plugins-ts/src/model/schema";
import { SALES_STAGES } from "../../../plugins-ts/src/rulebook/mapping-outbound";
import { SALES_STAGE_PERCENTAGES } from "../../../plugins-ts/src/rulebook/sales-stage";
import { call, coalesce, concat, equals, ex, iff, isEmpty, left, lit, prop, propDyn, str, trimmed } from "../wdl";

const helpValues = lit(JSON.stringify(Object.fromEntries(MICROSOFT_HELP_OPTIONS.map((h) => [h.code, h.value]))));
/** Both spellings of the sales stage (rulebook sales-stage.ts): Qualify..Close in any case, or the UI's 20 / 40 / 60 / 100 as text. */
const stages = lit(JSON.stringify(Object.fromEntries(SALES_STAGES.flatMap((s, i) => [[s.toLowerCase(), i], [String(SALES_STAGE_PERCENTAGES[i]), i]]))));

/** The opportunity's columns from the referral `R` (an object expression), with the sync record the write carries. */
export function opportunityColumns(R: string, syncRecord: string, options: { dealValue: boolean } = { dealValue: true }): Record<string, string> {
  const d = (k: string) => prop(R, "details", k);
  const referralId = prop(R, "id");
  const status = str(prop(R, "status"));
  const closeDate = left(trimmed(d("closingDateTime")), 10);
  return {
    // Mandatory: Topic. Default when the referral has no name.
    name: ex(iff(isEmpty(prop(R, "name")), concat(lit("Partner Center referral "), referralId), trimmed(prop(R, "name")))),
    description: ex(iff(isEmpty(d("notes")), "null", trimmed(d("notes")))),
    estimatedclosedate: ex(iff(call("empty", closeDate), "null", closeDate)),
    // The deal value column: keep it equal to the "Deal value" environment variable.
    ...(options.dealValue ? { estimatedvalue: ex(d("dealValue")) } : {}),
    // Status reason of an open referral: not yet accepted (New) = On Hold, accepted = In Progress.
    statuscode: ex(iff(equals(status, lit("New")), "2", "1")),
    salesstage: ex(propDyn(call("json", stages), call("toLower", trimmed(call("string", coalesce(prop(R, "salesStage"), "''")))))),
    [OPPORTUNITY.referralVisibility]: ex(equals(prop(R, "consent", "consentToShareReferralWithMicrosoftSellers"), "true")),
    [OPPORTUNITY.microsoftHelp]: ex(propDyn(call("json", helpValues), str(prop(R, "inviteContext", "assistanceRequestCode")))),
    [OPPORTUNITY.microsoftCrmIdentifier]: ex(prop(R, "trackingInfo", "microsoftMsxId")),
    // Microsoft's side, read-only: written as Partner Center gives them.
    [OPPORTUNITY_COSELL.engagementId]: ex(prop(R, "engagementId")),
    [OPPORTUNITY_COSELL.acceptedOn]: ex(prop(R, "acceptedDateTime")),
    [OPPORTUNITY_COSELL.closedOn]: ex(prop(R, "closedDateTime")),
    [DEAL_REGISTRATION.status]: ex(prop(R, "registrationStatus")),
    [OPPORTUNITY.referralIdentifier]: ex(referralId),
    [OPPORTUNITY.syncWithPartnerCenter]: ex("true"),
    // Written by the sync: keeps flow 8 from sending this write back. Do not change.
    [OPPORTUNITY.syncHash]: ex(syncRecord),
  };
}
