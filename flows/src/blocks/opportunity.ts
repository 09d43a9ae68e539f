/** The referral an opportunity describes (rulebook/mapping-outbound.ts), for flow 2's create. */
import { ATTRIBUTE_TYPES, COSELL_REFERENCE_TABLES, MICROSOFT_HELP_OPTIONS, OPPORTUNITY, OPPORTUNITY_COSELL, PURCHASE_INTENT_OPTIONS } from "../../../plugins-ts/src/model/schema";
import { REFERENCE_ATTRIBUTES } from "../../../plugins-ts/src/rulebook/attributes";
import { MICROSOFT_ORGANIZATION } from "../../../plugins-ts/src/rulebook/mapping-outbound";
import { LOST_STATUS_REASONS, OPPORTUNITY_STATUS_CODE } from "../../../plugins-ts/src/rulebook/status";
import { SALES_STAGES } from "../../../plugins-ts/src/rulebook/mapping-outbound";
import { configuredColumn, compose, Steps } from "../builder";
import { call, coalesce, equals, ex, iff, isEmpty, left, lit, not, objectOf, outputs, prop, propDyn, str, trimmed } from "../wdl";
import { nameWithoutMark } from "./sync";
import { dealValueOf, type OpportunityRows } from "./projection";

const member = (row: string, first: string, last: string, email: string, phone: string): string =>
  objectOf([
    ["firstName", prop(row, first)],
    ["lastName", prop(row, last)],
    ["email", prop(row, email)],
    ["phoneNumber", prop(row, phone)],
  ]);

/** The expanded partner role, solution area and solution play rows (each holds its Partner Center ID). */
export interface CoSellRows {
  opportunity: string;
  partnerRole: string;
  solutionArea: string;
  solutionPlay: string;
}

/**
 * The typed attributes (rulebook attributes.ts toAttributes): the purchase intent's code, then the
 * Partner Center ID of each reference row the opportunity names, leaving out what is empty.
 */
export function attributesOf(rows: CoSellRows): string {
  const intentCodes = lit(JSON.stringify(Object.fromEntries(PURCHASE_INTENT_OPTIONS.map((o) => [String(o.value), o.code]))));
  const intent = str(propDyn(call("json", intentCodes), call("string", coalesce(prop(rows.opportunity, OPPORTUNITY_COSELL.purchaseIntent), "''"))));
  const attribute = (type: string, id: string) => iff(call("empty", id), "json('[]')", call("createArray", objectOf([["type", lit(type)], ["id", id]])));
  const apiId = COSELL_REFERENCE_TABLES[0].apiId;
  return call("union", attribute(ATTRIBUTE_TYPES.purchaseIntent, intent), ...REFERENCE_ATTRIBUTES.map(({ key, type }) => attribute(type, trimmed(prop(rows[key], apiId)))));
}

/**
 * Referral_to_create: the referral the opportunity describes (mapping-outbound.ts toReferral), as a
 * Compose object read from one "Get the opportunity" (its owner is the partner team). Returns the
 * expression of that object without the optional enum fields the opportunity leaves empty (Partner
 * Center validates enum values, and null is none of them).
 */
export function addReferralToCreate(
  steps: Steps,
  rows: OpportunityRows & { owner?: string } & Partial<Omit<CoSellRows, "opportunity">>,
  solutions: string,
  config = { dealValueField: configuredColumn("dealValueField"), customerCountryCodeField: configuredColumn("customerCountryCodeField") },
): string {
  const o = rows.opportunity;
  const help = prop(o, OPPORTUNITY.microsoftHelp);
  const helpCodes = lit(JSON.stringify(Object.fromEntries(MICROSOFT_HELP_OPTIONS.map((h) => [String(h.value), h.code]))));
  const code = propDyn(call("json", helpCodes), call("string", coalesce(help, "''")));
  const hasHelp = not(equals(help, "null"));
  const state = prop(o, "statecode");
  const statuscode = prop(o, "statuscode");
  const lostReasons = lit(JSON.stringify(LOST_STATUS_REASONS));
  const onHold = equals(statuscode, String(OPPORTUNITY_STATUS_CODE.onHold));
  const status = iff(equals(state, "1"), lit("Closed"), iff(equals(state, "2"), lit("Closed"), iff(onHold, lit("New"), lit("Active"))));
  const substatus = iff(equals(state, "1"), lit("Won"), iff(equals(state, "2"), lit("Lost"), iff(onHold, lit("Pending"), lit("Accepted"))));
  const statusReason = iff(equals(state, "2"), propDyn(call("json", lostReasons), call("string", coalesce(statuscode, "0"))), "null");
  const stage = prop(o, "salesstage");
  const stages = call("createArray", ...SALES_STAGES.map(lit));
  const closeDate = str(prop(o, "estimatedclosedate"));
  const country = call("toUpper", call("replace", trimmed(propDyn(rows.account, config.customerCountryCodeField)), lit(" "), lit("")));

  const referral: Record<string, unknown> = {
    name: ex(nameWithoutMark(prop(o, "name"))),
    externalReferenceId: ex(prop(o, OPPORTUNITY.primaryId)),
    type: ex(iff(hasHelp, lit("Shared"), lit("Independent"))),
    status: ex(status),
    substatus: ex(substatus),
    statusReason: ex(statusReason),
    salesStage: ex(iff(equals(stage, "null"), "null", `${stages}?[${call("int", coalesce(stage, "0"))}]`)),
    customerProfile: {
      name: ex(prop(rows.account, "name")),
      address: {
        addressLine1: ex(prop(rows.account, "address1_line1")),
        addressLine2: ex(prop(rows.account, "address1_line2")),
        city: ex(prop(rows.account, "address1_city")),
        state: ex(prop(rows.account, "address1_stateorprovince")),
        postalCode: ex(prop(rows.account, "address1_postalcode")),
        country: ex(iff(call("empty", country), "null", country)),
      },
      team: ex(iff(equals(rows.contact, "null"), "json('[]')", call("createArray", member(rows.contact, "firstname", "lastname", "emailaddress1", "telephone1")))),
    },
    ...(rows.owner ? { team: ex(iff(equals(rows.owner, "null"), "json('[]')", call("createArray", member(rows.owner, "firstname", "lastname", "internalemailaddress", "address1_telephone1")))) } : {}),
    details: {
      dealValue: ex(dealValueOf(o, config.dealValueField)),
      currency: ex(iff(isEmpty(prop(rows.currency, "isocurrencycode")), "null", call("toUpper", trimmed(prop(rows.currency, "isocurrencycode"))))),
      closingDateTime: ex(iff(call("empty", closeDate), "null", call("concat", left(closeDate, 10), lit("T00:00:00Z")))),
      notes: ex(trimmed(prop(o, "description"))),
      requirements: { solutions: ex(solutions) },
    },
    consent: {
      consentToShareReferralWithMicrosoftSellers: ex(equals(prop(o, OPPORTUNITY.referralVisibility), "true")),
      consentToContact: ex(hasHelp),
    },
    inviteContext: { assistanceRequestCode: ex(iff(hasHelp, code, "null")) },
  };
  if (rows.partnerRole) {
    (referral.details as Record<string, unknown>).requirements = { solutions: ex(solutions), additionalRequirements: { attributes: ex(attributesOf(rows as CoSellRows)) } };
    referral.target = ex(iff(hasHelp, call("createArray", objectOf([["type", lit("BusinessProfileLocation")], ["id", lit(MICROSOFT_ORGANIZATION)]])), "null"));
  }
  steps.add("Referral_to_create", compose(referral));
  const r = outputs("Referral_to_create");
  return ["salesStage", "statusReason", "inviteContext", ...(rows.partnerRole ? ["target"] : [])].reduce(
    (acc, k) => iff(equals(k === "inviteContext" ? prop(r, k, "assistanceRequestCode") : prop(r, k), "null"), call("removeProperty", acc, lit(k)), acc),
    r,
  );
}
