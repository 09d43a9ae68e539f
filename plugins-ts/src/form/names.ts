/**
 * The names the form script uses, taken once from ../model/schema.ts and ../rulebook/snapshot.ts into
 * flat constants (read at module level, the minifier inlines them and drops the rest of the schema).
 */
import { ENVIRONMENT_VARIABLES, OPPORTUNITY, OPPORTUNITY_COSELL, PARTNER_CENTER_SOLUTION, PUBLISHER, SOLUTION_DETAIL, SyncStatus } from "../model/schema";
import { CONTACT_COLUMNS as C, CURRENCY_COLUMNS, OPPORTUNITY_COLUMNS as O } from "../rulebook/snapshot";

export const OPPORTUNITY_TABLE = OPPORTUNITY.logicalName;
export const SYNC = OPPORTUNITY.syncWithPartnerCenter;
export const HELP = OPPORTUNITY.microsoftHelp;
export const VISIBILITY = OPPORTUNITY.referralVisibility;
export const SYNC_STATUS = OPPORTUNITY.syncStatus;
export const SYNC_AUDIT = OPPORTUNITY.syncAudit;
export const REFERRAL_ID = OPPORTUNITY.referralIdentifier;
export const INTENT = OPPORTUNITY_COSELL.purchaseIntent;
export const ROLE = OPPORTUNITY_COSELL.partnerRole;
export const AREA = OPPORTUNITY_COSELL.solutionArea;
export const PLAY = OPPORTUNITY_COSELL.solutionPlay;
export const STATUS_ERROR = SyncStatus.Error;
export const STATUS_PENDING = SyncStatus.Pending;

/** Written only by the sync: read-only on the form. */
export const LOCKED_COLUMNS: readonly string[] = [
  OPPORTUNITY.referralIdentifier,
  OPPORTUNITY.referralLink,
  OPPORTUNITY.microsoftCrmIdentifier,
  SYNC_AUDIT,
  SYNC_STATUS,
  OPPORTUNITY.lastSyncedOn,
  OPPORTUNITY.referralStatus,
  OPPORTUNITY.referralEtag,
  OPPORTUNITY.syncHash,
];

export const OPPORTUNITY_ID = O.id;
export const CUSTOMER = O.customer;
export const CONTACT = O.contact;
export const CURRENCY = O.currency;
export const CLOSE_DATE = O.estimatedCloseDate;

/** What the rules read of the customer contact (the account: only the configured country column). */
export const CONTACT_SELECT = `${C.fullName},${C.email}`;
export const ISO_CODE = CURRENCY_COLUMNS.isoCode;

export const SOLUTIONS_TABLE = PARTNER_CENTER_SOLUTION.logicalName;
/** The solution rows of an opportunity: SOLUTIONS_QUERY[0] + opportunity id + SOLUTIONS_QUERY[1]. */
export const SOLUTIONS_QUERY = [
  `?$select=${PARTNER_CENTER_SOLUTION.primaryId}&$filter=_${PARTNER_CENTER_SOLUTION.opportunity}_value eq `,
  `&$expand=${PARTNER_CENTER_SOLUTION.solutionDetailNavigation}($select=${SOLUTION_DETAIL.solutionType})`,
] as const;
export const SOLUTION_DETAIL_NAVIGATION = PARTNER_CENTER_SOLUTION.solutionDetailNavigation;

export const DEAL_VALUE_VARIABLE = ENVIRONMENT_VARIABLES.dealValueField.schemaName;
/** The solution's environment variables all start with the publisher's prefix. */
export const VARIABLE_PREFIX = `${PUBLISHER.prefix}_`;
export const COUNTRY_VARIABLE = ENVIRONMENT_VARIABLES.customerCountryCodeField.schemaName;
