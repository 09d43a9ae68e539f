/**
 * The sync projection (rulebook/sync-hash.ts) of each side, as object expressions:
 * - crmProjection: what the opportunity says, straight from one "Get a row" with its account,
 *   contact and currency expanded (rulebook: syncProjection(toReferral(snapshot)));
 * - pcProjection: what the referral says (rulebook: syncProjection(referral, { crmContact })).
 * The solution ids need a Select (an array cannot be mapped in an expression), so each takes the
 * solutions value as an expression: a Select's sorted ids where the flow reads them, or the agreed
 * value where it does not examine them.
 */
import { MICROSOFT_HELP_OPTIONS, OPPORTUNITY } from "../../../plugins-ts/src/model/schema";
import { SALES_STAGES } from "../../../plugins-ts/src/rulebook/mapping-outbound";
import { SALES_STAGE_NUMBERS } from "../../../plugins-ts/src/rulebook/sync-hash";
import { OPPORTUNITY_STATUS_CODE } from "../../../plugins-ts/src/rulebook/status";
import { configuredColumn, select, Steps } from "../builder";
import { and, body, call, coalesce, concat, equals, ex, iff, left, lit, not, or, prop, propDyn, str, trimmed } from "../wdl";
import { projectionOf } from "./record";
import { SYNC_FIELDS, SyncField } from "../../../plugins-ts/src/rulebook/sync-hash";

const fieldsOf = (value: (f: SyncField) => string): Record<SyncField, string> => Object.fromEntries(SYNC_FIELDS.map((f) => [f, value(f)])) as Record<SyncField, string>;
import { nameWithoutMark, referralSyncState } from "./sync";

/** The rows one "Get a row" of an opportunity gives (expand names as expressions on its body). */
export interface OpportunityRows {
  opportunity: string;
  account: string;
  contact: string;
  currency: string;
}

const amount = (v: string) => iff(equals(v, "null"), lit(""), call("formatNumber", v, lit("0.00"), lit("en-US")));
const HELP_CODES = lit(JSON.stringify(Object.fromEntries(MICROSOFT_HELP_OPTIONS.map((h) => [String(h.value), h.code]))));

/** The CRM side's projection. `solutions` is the sorted, comma-joined solution ids (or the agreed value). */
export function crmProjection(rows: OpportunityRows, solutions: string, dealValueColumn: string = configuredColumn("dealValueField")): string {
  const fields = crmProjectionFields(rows, solutions, dealValueColumn);
  return projectionOf((f) => fields[f]);
}

/** The CRM side's projection, one expression per field (for a Compose whose inputs name each field). */
/** The deal value the CRM holds (mapping-outbound.ts): a won opportunity's Actual Revenue when set, else the configured column. */
export function dealValueOf(o: string, dealValueColumn: string = configuredColumn("dealValueField")): string {
  return iff(and(equals(prop(o, "statecode"), "1"), not(equals(prop(o, "actualvalue"), "null"))), prop(o, "actualvalue"), propDyn(o, dealValueColumn));
}

export function crmProjectionFields(rows: OpportunityRows, solutions: string, dealValueColumn: string = configuredColumn("dealValueField")): Record<SyncField, string> {
  const o = rows.opportunity;
  const state = iff(
    equals(prop(o, "statecode"), "1"),
    lit("won"),
    iff(equals(prop(o, "statecode"), "2"), lit("lost"), iff(equals(prop(o, "statuscode"), String(OPPORTUNITY_STATUS_CODE.onHold)), lit("pending"), lit("open"))),
  );
  const stage = prop(o, "salesstage");
  return fieldsOf((f) => {
    switch (f) {
      case "closingDate":
        return left(trimmed(prop(o, "estimatedclosedate")), 10);
      case "contact":
        return call("toLower", trimmed(prop(rows.contact, "emailaddress1")));
      case "currency":
        return call("toUpper", trimmed(prop(rows.currency, "isocurrencycode")));
      case "dealValue":
        return amount(dealValueOf(o, dealValueColumn));
      case "externalReferenceId":
        return trimmed(prop(o, OPPORTUNITY.primaryId));
      case "help":
        return str(propDyn(call("json", HELP_CODES), call("string", prop(o, OPPORTUNITY.microsoftHelp))));
      case "name":
        return nameWithoutMark(prop(o, "name"));
      case "notes":
        return trimmed(prop(o, "description"));
      case "salesStage":
        return iff(equals(stage, "null"), lit(""), str(`${call("createArray", ...SALES_STAGES.map(lit))}?[${stage}]`));
      case "shared":
        return iff(equals(prop(o, OPPORTUNITY.referralVisibility), "true"), lit("true"), lit("false"));
      case "solutions":
        return solutions;
      case "state":
        return state;
    }
  });
}

/** The Partner Center side's projection; `crmContact` is the CRM projection's contact (team membership). */
export function pcProjection(referral: string, solutions: string, crmContact: string): string {
  const fields = pcProjectionFields(referral, solutions, crmContact);
  return projectionOf((f) => fields[f]);
}

/** The Partner Center side's projection, one expression per field. */
export function pcProjectionFields(referral: string, solutions: string, crmContact: string): Record<SyncField, string> {
  const d = (k: string) => prop(referral, "details", k);
  const team = call("toLower", call("string", coalesce(prop(referral, "customerProfile", "team"), "json('[]')")));
  const firstEmail = call("toLower", trimmed(prop(call("first", coalesce(prop(referral, "customerProfile", "team"), "json('[]')")), "email")));
  const code = str(prop(referral, "inviteContext", "assistanceRequestCode"));
  const stage = str(prop(referral, "salesStage"));
  return fieldsOf((f) => {
    switch (f) {
      case "closingDate":
        return call("trim", left(str(d("closingDateTime")), 10));
      case "contact":
        // Partner Center has the CRM's contact when any member has its e-mail (members are JSON objects).
        return iff(
          call("and", not(call("empty", crmContact)), call("contains", team, concat(lit('"email":"'), crmContact, lit('"')))),
          crmContact,
          firstEmail,
        );
      case "currency":
        return call("toUpper", trimmed(d("currency")));
      case "dealValue":
        return amount(d("dealValue"));
      case "externalReferenceId":
        return trimmed(prop(referral, "externalReferenceId"));
      case "help":
        return iff(equals(code, lit("Unknown")), lit(""), code);
      case "name":
        return nameWithoutMark(prop(referral, "name"));
      case "notes":
        return trimmed(d("notes"));
      case "salesStage":
        return coalesce(propDyn(call("json", lit(JSON.stringify(SALES_STAGE_NUMBERS))), stage), stage);
      case "shared":
        return iff(equals(prop(referral, "consent", "consentToShareReferralWithMicrosoftSellers"), "true"), lit("true"), lit("false"));
      case "solutions":
        return solutions;
      case "state":
        return referralSyncState(referral);
    }
  });
}

/** Adds a Select of sorted-ready solution ids (upper case, trimmed) from `from`; returns the joined, sorted ids. */
/**
 * A test for each field of a referral read back after the sync wrote to it: true when it differs from
 * what the sync expects it to hold, i.e. Partner Center changed it between the sync's read and the
 * read-back (PatchReferralById has no If-Match). `expected` gives the projection value of every field
 * but the solutions, which compare with the ones read (`read`), as Partner Center lists them. Used
 * after an outbound patch (blocks/outbound.ts) and after a new referral's CRM id is sent (helper.ts).
 */
export function readBackDiffers(back: string, read: string, expected: (f: SyncField) => string, crmContact: string): (f: SyncField) => string {
  const backFields = pcProjectionFields(back, lit(""), crmContact);
  const solutionsText = (r: string) => call("string", prop(r, "details", "requirements", "solutions"));
  return (f) => (f === "solutions" ? not(equals(solutionsText(back), solutionsText(read))) : not(equals(backFields[f], expected(f))));
}

export function addSolutionIds(steps: Steps, name: string, from: string, id: (item: string) => string): string {
  steps.add(name, select(ex(coalesce(from, "json('[]')")), ex(call("toUpper", trimmed(id("item()"))))));
  // Duplicates merged (union) and an empty id dropped (sorted first), as the rulebook does.
  const sorted = call("sort", call("union", body(name), "json('[]')"));
  return call("join", call("skip", sorted, iff(equals(call("first", sorted), lit("")), "1", "0")), lit(","));
}

export const isEmptyText = (v: string): string => or(equals(v, "null"), call("empty", v));
