/**
 * Partner Center Referral JSON → the Dataverse changes it means (what flows 3/4 write): the reverse of
 * mapping-outbound.ts, honouring the configured deal value and country columns.
 *
 * Only what the referral carries is written: a referral without `details.notes` leaves the
 * description alone; a referral with notes "" clears it (null). Opportunity state changes are not
 * columns (Dataverse closes an opportunity through WinOpportunity / LoseOpportunity), so they come
 * back separately as `state` + `statuscode`. The currency comes back as its ISO code, which the flow
 * resolves to a transactioncurrency row; solutions come back as catalogue rows keyed by pcs_solutionid.
 *
 * Today's fields (partner-center-2026.md): the typed attributes (attributes.ts: purchase intent as its
 * choice; partner role, solution area and play as Partner Center IDs the flow finds by pcs_apiid), the
 * deal type, engagementId, acceptedDateTime, closedDateTime, the customer's DUNS, and the deal
 * registration's status and id. The sales stage is read in both spellings (sales-stage.ts).
 *
 * Partner Center's enums grow (an "Error" close, new stages, new intent ids): a value we do not know
 * never fails the mapping. It leaves its column alone and is listed in `unknown` for the Audit;
 * status and substatus still map (an unknown closed substatus is a lost opportunity) and the Referral
 * Status column shows them as sent.
 */
import { DEAL_REGISTRATION, MICROSOFT_HELP_OPTIONS, OPPORTUNITY, OPPORTUNITY_COSELL, SOLUTION_DETAIL, SOLUTION_TYPE_OPTIONS } from "../model/schema";
import { Member, Referral, REFERRAL_STATUSES, REFERRAL_SUBSTATUSES, REFERRAL_TYPES } from "../partner-center/referral";
import { fromAttributes, ReferenceKey } from "./attributes";
import { normalizeCountry } from "./countries";
import { normalizeCurrency } from "./currencies";
import { coSellDealTypeOfReferral, DealType, dealTypeOfReferral, dealTypeOptionOf, helpOptionOf } from "./deal-type";
import { salesStageIndexOf } from "./sales-stage";
import { COLUMNS, configOf, OpportunitySnapshot } from "./snapshot";
import {
  OpportunityState,
  opportunityStateOf,
  opportunityStatusCodeOf,
  referralStatusLabel,
} from "./status";

export type Row = Record<string, unknown>;

export interface InboundChanges {
  /** Opportunity columns to write (logical names; the deal value under pcs_DealValueField). */
  opportunity: Row;
  /** The opportunity state the referral status means, and the status reason to close it with. */
  state: OpportunityState;
  statuscode: number;
  /** The customer account's columns (find by name + postal code, else create); null when the referral names no customer. */
  account: Row | null;
  /** Customer contacts (customerProfile.team). */
  contacts: Row[];
  /** details.currency, upper case; null when absent. */
  currencyCode: string | null;
  /** Microsoft Solution Details rows for details.requirements.solutions, keyed by pcs_solutionid. */
  solutions: Row[];
  dealType: DealType;
  /** The Partner Center IDs of the partner role, solution area and play the referral names (rows found, or added, by pcs_apiid). */
  references: Partial<Record<ReferenceKey, string>>;
  /** Values Partner Center sent that we do not know, "<field>: <value>", left out of the columns (for the Audit). */
  unknown: string[];
}

const str = (v: unknown): string | null => (typeof v === "string" && v.trim() !== "" ? v.trim() : null);
const put = (row: Row, column: string, value: unknown): void => {
  if (value !== undefined) row[column] = value;
};

/** Partner Center's UTC closing date-time as a Dataverse date ("yyyy-MM-dd"). */
export function toDateOnly(value: unknown): string | null {
  if (typeof value !== "string" || value.trim() === "") return null;
  const v = value.trim();
  if (/^\d{4}-\d{2}-\d{2}(T[^+-]*)?$/.test(v)) return v.slice(0, 10);
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? null : d.toISOString().slice(0, 10);
}

export function contactOfMember(m: Member): Row {
  const row: Row = {};
  put(row, COLUMNS.contact.firstName, str(m.firstName) ?? undefined);
  put(row, COLUMNS.contact.lastName, str(m.lastName) ?? undefined);
  put(row, COLUMNS.contact.email, str(m.email) ?? undefined);
  put(row, COLUMNS.contact.phone, str(m.phoneNumber) ?? undefined);
  return row;
}

/** The Dataverse changes a referral means, with the configured column names. */
export function fromReferral(referral: Referral, config: OpportunitySnapshot["config"] = {}): InboundChanges {
  const { dealValueField, customerCountryCodeField } = configOf({ config });
  const details = referral.details;
  const opportunity: Row = {};
  put(opportunity, COLUMNS.opportunity.name, referral.name !== undefined ? str(referral.name) : undefined);
  put(opportunity, OPPORTUNITY.referralIdentifier, referral.id);
  put(opportunity, OPPORTUNITY.syncWithPartnerCenter, true);
  if (referral.status) put(opportunity, OPPORTUNITY.referralStatus, referralStatusLabel(referral.status, referral.substatus));
  put(opportunity, OPPORTUNITY.referralEtag, referral.eTag);
  if (referral.trackingInfo) put(opportunity, OPPORTUNITY.microsoftCrmIdentifier, str(referral.trackingInfo.microsoftMsxId));
  if (referral.consent && referral.consent.consentToShareReferralWithMicrosoftSellers !== undefined) {
    put(opportunity, OPPORTUNITY.referralVisibility, referral.consent.consentToShareReferralWithMicrosoftSellers === true);
  }
  const unknown: string[] = [];
  const known = (field: string, value: unknown, list: readonly string[]): void => {
    if (typeof value === "string" && value !== "" && !list.includes(value)) unknown.push(`${field}: ${value}`);
  };
  known("status", referral.status, REFERRAL_STATUSES);
  known("substatus", referral.substatus, REFERRAL_SUBSTATUSES);
  known("type", referral.type, REFERRAL_TYPES);
  if (referral.inviteContext) {
    const code = referral.inviteContext.assistanceRequestCode as string | undefined | null;
    // no code, or Unknown, is "no help asked"; a code we do not know leaves the choice as it is
    if (code && code !== "Unknown" && !MICROSOFT_HELP_OPTIONS.some((o) => o.code === code)) unknown.push(`inviteContext.assistanceRequestCode: ${code}`);
    else put(opportunity, OPPORTUNITY.microsoftHelp, helpOptionOf(code ?? undefined));
  }
  if (referral.salesStage !== undefined && referral.salesStage !== null) {
    const stage = salesStageIndexOf(referral.salesStage);
    if (stage === undefined) unknown.push(`salesStage: ${String(referral.salesStage)}`);
    else put(opportunity, COLUMNS.opportunity.salesStage, stage);
  }
  const attributes = fromAttributes(referral);
  unknown.push(...attributes.unknown);
  put(opportunity, OPPORTUNITY_COSELL.purchaseIntent, attributes.purchaseIntent);
  if (referral.consent || referral.inviteContext) put(opportunity, OPPORTUNITY_COSELL.dealType, dealTypeOptionOf(coSellDealTypeOfReferral(referral)));
  // Microsoft's side, read-only in the CRM
  put(opportunity, OPPORTUNITY_COSELL.engagementId, str(referral.engagementId) ?? undefined);
  put(opportunity, OPPORTUNITY_COSELL.acceptedOn, str(referral.acceptedDateTime) ?? undefined);
  put(opportunity, OPPORTUNITY_COSELL.closedOn, str(referral.closedDateTime) ?? undefined);
  put(opportunity, OPPORTUNITY_COSELL.customerDuns, dunsOf(referral) ?? undefined);
  put(opportunity, DEAL_REGISTRATION.status, str(referral.registrationStatus) ?? undefined);
  const registration = Array.isArray(referral.registrations) ? referral.registrations[0] : undefined;
  put(opportunity, DEAL_REGISTRATION.registrationId, str(registration?.id) ?? undefined);
  if (details) {
    if (details.dealValue !== undefined) put(opportunity, dealValueField, typeof details.dealValue === "number" ? details.dealValue : null);
    if (details.closingDateTime !== undefined) put(opportunity, COLUMNS.opportunity.estimatedCloseDate, toDateOnly(details.closingDateTime));
    if (details.notes !== undefined) put(opportunity, COLUMNS.opportunity.description, str(details.notes));
  }

  const profile = referral.customerProfile;
  let account: Row | null = null;
  if (profile && (profile.name || profile.address)) {
    account = {};
    put(account, COLUMNS.account.name, str(profile.name) ?? undefined);
    const a = profile.address ?? {};
    put(account, COLUMNS.account.line1, str(a.addressLine1) ?? undefined);
    put(account, COLUMNS.account.line2, str(a.addressLine2) ?? undefined);
    put(account, COLUMNS.account.city, str(a.city) ?? undefined);
    put(account, COLUMNS.account.state, str(a.state) ?? undefined);
    put(account, COLUMNS.account.postalCode, str(a.postalCode) ?? undefined);
    const country = normalizeCountry(a.country);
    if (country) account[customerCountryCodeField] = country;
  }

  const solutions = (details?.requirements?.solutions ?? [])
    .filter((s) => str(s.id))
    .map((s) => {
      const row: Row = { [SOLUTION_DETAIL.solutionId]: s.id.trim() };
      put(row, SOLUTION_DETAIL.name, str(s.name) ?? undefined);
      put(row, SOLUTION_DETAIL.publisherName, str(s.publisherName) ?? undefined);
      const type = SOLUTION_TYPE_OPTIONS.find((o) => o.code === s.solutionType);
      if (s.solutionType && !type) unknown.push(`solutionType of ${s.id.trim()}: ${s.solutionType}`);
      put(row, SOLUTION_DETAIL.solutionType, type?.value);
      return row;
    });

  return {
    opportunity,
    state: opportunityStateOf(referral.status, referral.substatus),
    statuscode: opportunityStatusCodeOf(referral.status, referral.substatus),
    account,
    contacts: (profile?.team ?? []).map(contactOfMember).filter((c) => Object.keys(c).length > 0),
    currencyCode: details?.currency ? normalizeCurrency(details.currency) || null : null,
    solutions,
    dealType: dealTypeOfReferral(referral),
    references: attributes.references,
    unknown,
  };
}

/** The customer's D-U-N-S number: customerProfile.ids[] with profileType Duns (any case). */
export function dunsOf(referral: Referral): string | null {
  const ids = referral.customerProfile?.ids;
  if (!Array.isArray(ids)) return null;
  const duns = ids.find((i) => i && typeof i === "object" && typeof i.profileType === "string" && i.profileType.toLowerCase() === "duns");
  return str(duns?.id);
}
