/**
 * Opportunity snapshot → Partner Center Referral JSON (what flow 2 creates and flow 7 compares).
 *
 * | Referral                                   | Dataverse (snapshot)                                          |
 * |--------------------------------------------|---------------------------------------------------------------|
 * | name                                       | opportunity.name, sync check mark stripped                    |
 * | externalReferenceId                        | opportunity.opportunityid                                     |
 * | type                                       | Shared for co-sell, else Independent (deal-type.ts)           |
 * | status / substatus / statusReason          | opportunity.statecode / statuscode (status.ts)                |
 * | salesStage                                 | opportunity.salesstage 0..3 → Qualify, Develop, Propose, Close|
 * | customerProfile.name                       | account.name                                                  |
 * | customerProfile.address.*                  | account.address1_line1, _line2, _city, _stateorprovince, _postalcode |
 * | customerProfile.address.country            | account.<pcs_CustomerCountryCodeField>, trimmed, spaces removed, upper case |
 * | customerProfile.team[]                     | contacts: firstname, lastname, emailaddress1, telephone1      |
 * | team[]                                     | owner (systemuser): firstname, lastname, internalemailaddress, address1_telephone1 |
 * | details.dealValue                          | opportunity.<pcs_DealValueField>                              |
 * | details.currency                           | currency.isocurrencycode                                      |
 * | details.closingDateTime                    | opportunity.estimatedclosedate at 00:00:00Z                   |
 * | details.notes                              | opportunity.description ("" when empty)                       |
 * | details.requirements.solutions[]           | solutions: pcs_solutionid, pcs_name, pcs_publishername, pcs_solutiontype |
 * | consent.consentToShareReferralWithMicrosoftSellers | opportunity.pcs_referralvisibility                    |
 * | consent.consentToContact                   | true for co-sell (the seller names the contact Microsoft may reach) |
 * | inviteContext.assistanceRequestCode        | opportunity.pcs_microsofthelp (schema.ts MICROSOFT_HELP_OPTIONS) |
 * | target                                     | co-sell: Microsoft, [{ type: BusinessProfileLocation, id: msft }] (§2.1) |
 * | details.requirements.additionalRequirements.attributes | pcs_purchaseintent, and the Partner Center IDs of the partner role, solution area and play rows (attributes.ts) |
 *
 * A part of the snapshot that is not known (undefined) leaves its part of the referral out, so a
 * patch never clears what was simply not read; a column that is known and empty goes out empty.
 */
import { OPPORTUNITY, SOLUTION_DETAIL, SOLUTION_TYPE_OPTIONS } from "../model/schema";
import type { Address, Member, Referral, ReferralSolution, SalesStage } from "../partner-center/referral";
import { stripCheckMark } from "./check-mark";
import { normalizeCountry } from "./countries";
import { normalizeCurrency } from "./currencies";
import { toAttributes } from "./attributes";
import { assistanceCodeOf, dealTypeOf, referralTypeOf } from "./deal-type";
import { COLUMNS, configOf, OpportunitySnapshot, WebApiRow } from "./snapshot";
import { opportunityStateFromCode, referralStatusOf } from "./status";

/** opportunity.salesstage option values 0..3, in order. */
export const SALES_STAGES: readonly SalesStage[] = ["Qualify", "Develop", "Propose", "Close"];

const has = (row: WebApiRow | null | undefined, column: string): boolean =>
  !!row && Object.prototype.hasOwnProperty.call(row, column);

/** A trimmed non-empty string, or undefined. */
export function text(row: WebApiRow | null | undefined, column: string): string | undefined {
  const v = row?.[column];
  if (typeof v !== "string" && typeof v !== "number") return undefined;
  const s = String(v).trim();
  return s === "" ? undefined : s;
}

/** Drops undefined members so the JSON holds only what is known. */
function compact<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}

/** A Dataverse date ("2026-12-31") or date-time as Partner Center's UTC date-time at midnight. */
export function toClosingDateTime(value: unknown): string | undefined {
  if (typeof value !== "string" || value.trim() === "") return undefined;
  const v = value.trim();
  const day = /^\d{4}-\d{2}-\d{2}$/.test(v) ? v : /^\d{4}-\d{2}-\d{2}T[^+-]*(Z)?$/.test(v) ? v.slice(0, 10) : undefined;
  if (day) return `${day}T00:00:00Z`;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? undefined : `${d.toISOString().slice(0, 10)}T00:00:00Z`;
}

export function memberOfContact(contact: WebApiRow): Member {
  return compact<Member>({
    firstName: text(contact, COLUMNS.contact.firstName),
    lastName: text(contact, COLUMNS.contact.lastName),
    email: text(contact, COLUMNS.contact.email),
    phoneNumber: text(contact, COLUMNS.contact.phone),
  });
}

export function memberOfUser(user: WebApiRow): Member {
  return compact<Member>({
    firstName: text(user, COLUMNS.systemUser.firstName),
    lastName: text(user, COLUMNS.systemUser.lastName),
    email: text(user, COLUMNS.systemUser.email),
    phoneNumber: text(user, COLUMNS.systemUser.phone),
  });
}

export function solutionOf(row: WebApiRow): ReferralSolution {
  const type = SOLUTION_TYPE_OPTIONS.find((o) => o.value === row[SOLUTION_DETAIL.solutionType]);
  return compact<ReferralSolution>({
    type: "Name",
    id: text(row, SOLUTION_DETAIL.solutionId) ?? "",
    name: text(row, SOLUTION_DETAIL.name),
    publisherName: text(row, SOLUTION_DETAIL.publisherName),
    solutionType: type?.code,
  });
}

function addressOf(account: WebApiRow, countryField: string): Address {
  const country = normalizeCountry(account[countryField]);
  return compact<Address>({
    addressLine1: text(account, COLUMNS.account.line1),
    addressLine2: text(account, COLUMNS.account.line2),
    city: text(account, COLUMNS.account.city),
    state: text(account, COLUMNS.account.state),
    postalCode: text(account, COLUMNS.account.postalCode),
    country: country === "" ? undefined : country,
  });
}

/** The referral an opportunity snapshot describes. */
export function toReferral(snapshot: OpportunitySnapshot): Referral {
  const o = snapshot.opportunity;
  const config = configOf(snapshot);
  const help = o[OPPORTUNITY.microsoftHelp];
  const visibility = o[OPPORTUNITY.referralVisibility];
  const dealType = dealTypeOf(help, visibility);
  const status = referralStatusOf(opportunityStateFromCode(o[COLUMNS.opportunity.stateCode]), o[COLUMNS.opportunity.statusCode]);
  const stage = o[COLUMNS.opportunity.salesStage];
  const name = text(o, COLUMNS.opportunity.name);

  const referral: Referral = compact<Referral>({
    name: name === undefined ? undefined : stripCheckMark(name),
    externalReferenceId: text(o, COLUMNS.opportunity.id),
    type: referralTypeOf(dealType),
    status: status.status,
    substatus: status.substatus,
    statusReason: status.statusReason,
    salesStage: typeof stage === "number" ? SALES_STAGES[stage] : undefined,
  });

  if (snapshot.account !== undefined || snapshot.contacts !== undefined) {
    const account = snapshot.account ?? null;
    referral.customerProfile = compact({
      name: text(account, COLUMNS.account.name),
      address: account ? addressOf(account, config.customerCountryCodeField) : undefined,
      team: snapshot.contacts?.map(memberOfContact),
    });
  }
  if (snapshot.owner) referral.team = [memberOfUser(snapshot.owner)];

  // Won: what Partner Center records is the revenue the seller closed with (Actual Revenue), when set.
  const dealValue = o.statecode === 1 && typeof o.actualvalue === "number" ? o.actualvalue : o[config.dealValueField];
  referral.details = compact({
    dealValue: typeof dealValue === "number" ? dealValue : undefined,
    currency: snapshot.currency ? normalizeCurrency(snapshot.currency[COLUMNS.currency.isoCode]) || undefined : undefined,
    closingDateTime: toClosingDateTime(o[COLUMNS.opportunity.estimatedCloseDate]),
    notes: has(o, COLUMNS.opportunity.description) ? (text(o, COLUMNS.opportunity.description) ?? "") : undefined,
    requirements: requirementsOf(snapshot),
  });

  if (has(o, OPPORTUNITY.referralVisibility) || has(o, OPPORTUNITY.microsoftHelp)) {
    referral.consent = compact({
      consentToShareReferralWithMicrosoftSellers: visibility === true,
      consentToContact: dealType === "co-sell" ? true : undefined,
    });
  }
  const code = assistanceCodeOf(help);
  if (code) {
    referral.inviteContext = { assistanceRequestCode: code };
    referral.target = [{ type: "BusinessProfileLocation", id: MICROSOFT_ORGANIZATION }];
  }
  return referral;
}

/** Partner Center's organisation id for Microsoft (inviteContext.invitedBy, target of a co-sell invite). */
export const MICROSOFT_ORGANIZATION = "msft";

/** details.requirements: the solutions and the typed attributes, each when known. */
function requirementsOf(snapshot: OpportunitySnapshot): NonNullable<Referral["details"]>["requirements"] {
  const attributes = toAttributes(snapshot);
  if (!snapshot.solutions && !attributes) return undefined;
  return compact({ solutions: snapshot.solutions?.map(solutionOf), additionalRequirements: attributes ? { attributes } : undefined });
}
