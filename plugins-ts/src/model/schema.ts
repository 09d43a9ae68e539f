/**
 * The data model, named once. Solution XML, form script, PCF controls, flows, emulators and tests
 * all take table, column, choice and variable names from here (or are checked against it), so a
 * rename is one edit and a typo is a compile error. Names follow ../shared/ARCHITECTURE.md.
 */

export const PUBLISHER = {
  uniqueName: "cosellconnectors",
  displayName: "Co-sell Connectors",
  prefix: "pcs",
  /** Choice values are prefix × 10000 + n, as Dataverse assigns them for this publisher. */
  optionValuePrefix: 61930,
} as const;

export const SOLUTION = {
  uniqueName: "PartnerCenterReferralsSync",
  displayName: "Partner Center Referrals Synchronization for Dynamics 365",
} as const;

/** The value Dataverse gives the n-th option of a choice defined by our publisher. */
export const optionValue = (n: number): number => PUBLISHER.optionValuePrefix * 10000 + n;

/** Columns the solution adds to opportunity (logical names). */
export const OPPORTUNITY = {
  logicalName: "opportunity",
  entitySetName: "opportunities",
  primaryId: "opportunityid",
  syncWithPartnerCenter: "pcs_syncwithpartnercenter",
  referralIdentifier: "pcs_referralidentifier",
  referralLink: "pcs_referrallink",
  microsoftHelp: "pcs_microsofthelp",
  referralVisibility: "pcs_referralvisibility",
  microsoftCrmIdentifier: "pcs_microsoftcrmidentifier",
  syncAudit: "pcs_syncaudit",
  syncStatus: "pcs_syncstatus",
  lastSyncedOn: "pcs_lastsyncedon",
  referralStatus: "pcs_referralstatus",
  referralEtag: "pcs_referraletag",
  syncHash: "pcs_synchash",
  /** Alternate key on pcs_referralidentifier: the upsert target that makes duplicates impossible. */
  referralKey: "pcs_referralidentifier_key",
} as const;

/** Sync columns the solution adds to lead; same logical names as on opportunity. */
export const LEAD = {
  logicalName: "lead",
  entitySetName: "leads",
  primaryId: "leadid",
  syncWithPartnerCenter: "pcs_syncwithpartnercenter",
  referralIdentifier: "pcs_referralidentifier",
  referralLink: "pcs_referrallink",
  referralStatus: "pcs_referralstatus",
  syncStatus: "pcs_syncstatus",
  syncAudit: "pcs_syncaudit",
  referralEtag: "pcs_referraletag",
  syncHash: "pcs_synchash",
  referralKey: "pcs_lead_referralidentifier_key",
} as const;

/**
 * Lead columns carried to the opportunity when a lead is qualified (the solution's entity map): the
 * referral and its Audit. "Sync with Partner Center", the sync status and the sync record are not
 * copied: an opportunity that carries a referral but no sync record is new to the sync, which
 * completes it from the referral (customer, contact, solutions, visibility) and turns its sync on,
 * so it never goes out half-filled.
 */
export const LEAD_TO_OPPORTUNITY_MAP: ReadonlyArray<readonly [string, string]> = [
  [LEAD.referralIdentifier, OPPORTUNITY.referralIdentifier],
  [LEAD.referralLink, OPPORTUNITY.referralLink],
  [LEAD.referralStatus, OPPORTUNITY.referralStatus],
  [LEAD.syncAudit, OPPORTUNITY.syncAudit],
  [LEAD.referralEtag, OPPORTUNITY.referralEtag],
];

/** "Microsoft Solution Details": the catalogue of co-sell ready and Microsoft solutions. */
export const SOLUTION_DETAIL = {
  logicalName: "pcs_microsoftsolutiondetail",
  schemaName: "pcs_MicrosoftSolutionDetail",
  entitySetName: "pcs_microsoftsolutiondetails",
  primaryId: "pcs_microsoftsolutiondetailid",
  name: "pcs_name",
  /** Partner Center id such as SOL-12345-ABC; alternate key. */
  solutionId: "pcs_solutionid",
  publisherName: "pcs_publishername",
  solutionType: "pcs_solutiontype",
  solutionIdKey: "pcs_solutionid_key",
} as const;

/** "Microsoft Partner Center Solutions": one row per opportunity and solution. */
export const PARTNER_CENTER_SOLUTION = {
  logicalName: "pcs_partnercentersolution",
  schemaName: "pcs_PartnerCenterSolution",
  entitySetName: "pcs_partnercentersolutions",
  primaryId: "pcs_partnercentersolutionid",
  name: "pcs_name",
  /** Lookup to opportunity; navigation property (for @odata.bind) is the schema name. */
  opportunity: "pcs_opportunityid",
  opportunityNavigation: "pcs_OpportunityId",
  /** Lookup to pcs_microsoftsolutiondetail. */
  solutionDetail: "pcs_solutiondetailid",
  solutionDetailNavigation: "pcs_SolutionDetailId",
  opportunityRelationship: "pcs_opportunity_pcs_partnercentersolution",
  solutionDetailRelationship: "pcs_microsoftsolutiondetail_pcs_partnercentersolution",
  /** Yes when the inbound sync linked the row (flow 9's trigger condition skips it). */
  linkedBySync: "pcs_linkedbysync",
} as const;

/** pcs_syncstatus choice (opportunity and lead). */
export const SyncStatus = {
  NotSynced: optionValue(0),
  Pending: optionValue(1),
  Synced: optionValue(2),
  Error: optionValue(3),
} as const;
export type SyncStatusValue = (typeof SyncStatus)[keyof typeof SyncStatus];
export const SYNC_STATUS_LABELS: Record<SyncStatusValue, string> = {
  [SyncStatus.NotSynced]: "Not synced",
  [SyncStatus.Pending]: "Pending",
  [SyncStatus.Synced]: "Synced",
  [SyncStatus.Error]: "Error",
};

/**
 * pcs_microsofthelp choice ("How can Microsoft help?"), 1:1 with inviteContext.assistanceRequestCode.
 * Order follows Partner Center's own numbering (bulk-operations CSV: 1 … 6).
 */
export const MICROSOFT_HELP_OPTIONS = [
  { value: optionValue(0), label: "Workload-specific value proposition", code: "WorkloadSpecificValueProposition" },
  { value: optionValue(1), label: "Customer technical architecture", code: "CustomerTechnicalArchitecture" },
  { value: optionValue(2), label: "Proof of concept or demo", code: "ProofOfConceptOrDemo" },
  { value: optionValue(3), label: "Quotes or licensing", code: "QuotesOrLicensing" },
  { value: optionValue(4), label: "Post-sales customer success", code: "PostSalesCustomerSuccess" },
  { value: optionValue(5), label: "General or other", code: "GeneralOrOther" },
] as const;

/** pcs_solutiontype choice on the solution catalogue; values are Partner Center's solutionType. */
export const SOLUTION_TYPE_OPTIONS = [
  { value: optionValue(0), label: "Partner solution (co-sell ready)", code: "3P" },
  { value: optionValue(1), label: "Microsoft solution", code: "1P" },
] as const;

/** Environment variable definitions (schema names), their types and defaults. */
export const ENVIRONMENT_VARIABLES = {
  displayCheckMark: {
    schemaName: "pcs_DisplayCheckMark",
    displayName: "Display check mark in the opportunity name",
    type: "Boolean",
    defaultValue: "yes",
  },
  dealValueField: {
    schemaName: "pcs_DealValueField",
    displayName: "Deal value",
    type: "String",
    defaultValue: "estimatedvalue",
  },
  customerCountryCodeField: {
    schemaName: "pcs_CustomerCountryCodeField",
    displayName: "Customer Account Country Code",
    type: "String",
    defaultValue: "address1_country",
  },
  /** Written by the reconciliation (flow 11): the newest Partner Center change it has brought in. */
  syncWatermark: {
    schemaName: "pcs_SyncWatermark",
    displayName: "Partner Center sync watermark",
    type: "String",
    defaultValue: "",
  },
} as const;

/**
 * Connection references shipped in the solution, keyed by purpose. Partner Center is reached only
 * through its certified connectors (reference partner-center-2026.md): Partner Center Referrals for
 * referrals, Partner Center Events for the webhook registration. "HTTP with Microsoft Entra ID
 * (preauthorized)" is not used: its first-party app is not documented as preauthorized for Partner
 * Center.
 */
export const CONNECTION_REFERENCES = {
  partnerCenterReferrals: {
    logicalName: "pcs_sharedpartnercenterref_referrals",
    displayName: "Partner Center Referrals (Partner Center Referrals Sync)",
    apiName: "shared_partnercenterref",
  },
  partnerCenterEvents: {
    logicalName: "pcs_sharedpartnercenterevents_events",
    displayName: "Partner Center Events (Partner Center Referrals Sync)",
    apiName: "shared_partnercenterevents",
  },
  dataverse: {
    logicalName: "pcs_sharedcommondataserviceforapps_dataverse",
    displayName: "Dataverse (Partner Center Referrals Sync)",
    apiName: "shared_commondataserviceforapps",
  },
} as const;

export const connectorId = (apiName: string): string => `/providers/Microsoft.PowerApps/apis/${apiName}`;

/**
 * Web resource of the opportunity form script and the handler names the packed FormXml registers
 * (each passes the execution context). A test resolves every name in the built bundle. OnChange here
 * only for the columns that decide which rules apply; the script itself adds OnChange to every column
 * a rule shows its message on (the rule table's fields, a configured one included: the FormXml
 * cannot name a column an environment variable chooses).
 */
export const FORM_SCRIPT = {
  webResourceName: "pcs_/scripts/opportunity.js",
  namespace: "PartnerCenterSync",
  handlers: {
    onLoad: "PartnerCenterSync.Opportunity.onLoad",
    onSave: "PartnerCenterSync.Opportunity.onSave",
    onChange: {
      pcs_syncwithpartnercenter: "PartnerCenterSync.Opportunity.onSyncChange",
      pcs_microsofthelp: "PartnerCenterSync.Opportunity.onMicrosoftHelpChange",
    },
  },
} as const;

/**
 * PCF controls: <prefix>_<namespace>.<constructor>, and the manifest properties the form binds.
 * Every property is usage="bound"; the form's controlDescription maps each to a column.
 */
export const PCF_CONTROLS = {
  syncStatus: {
    namespace: "PartnerCenterSync",
    constructor: "SyncStatus",
    name: "pcs_PartnerCenterSync.SyncStatus",
    properties: {
      value: { ofType: "OptionSet", column: OPPORTUNITY.syncStatus },
      lastSyncedOn: { ofType: "DateAndTime.DateAndTime", column: OPPORTUNITY.lastSyncedOn },
      referralLink: { ofType: "SingleLine.URL", column: OPPORTUNITY.referralLink },
      referralStatus: { ofType: "SingleLine.Text", column: OPPORTUNITY.referralStatus },
      audit: { ofType: "Multiple", column: OPPORTUNITY.syncAudit },
    },
  },
  auditTimeline: {
    namespace: "PartnerCenterSync",
    constructor: "AuditTimeline",
    name: "pcs_PartnerCenterSync.AuditTimeline",
    properties: {
      value: { ofType: "Multiple", column: OPPORTUNITY.syncAudit },
    },
  },
} as const;

/**
 * pcs_referralcreation "Partner Center Referral Creation" (organization-owned): one row per
 * opportunity shared with Partner Center, whose primary key IS the opportunity's id. The sync
 * creates it (giving pcs_referralcreationid) before creating the referral, so a second concurrent
 * create for the same opportunity is refused by Dataverse (412, 0x80040237 DuplicateRecord) and
 * never reaches Partner Center. Deleting the opportunity deletes the row (cascade).
 */
export const REFERRAL_CREATION = {
  logicalName: "pcs_referralcreation",
  schemaName: "pcs_ReferralCreation",
  entitySetName: "pcs_referralcreations",
  primaryId: "pcs_referralcreationid",
  /** The opportunity's name when the create was claimed. */
  name: "pcs_name",
  /** Lookup to opportunity; navigation property (for @odata.bind) is the lookup's schema name. */
  opportunity: "pcs_opportunityid",
  opportunityNavigation: "pcs_OpportunityId",
  opportunityRelationship: "pcs_opportunity_pcs_referralcreation",
  referralIdentifier: "pcs_referralidentifier",
  /** When the create was attempted (date and time, stored in UTC). */
  attemptedOn: "pcs_attemptedon",
} as const;

/**
 * Security roles the solution ships (solution/src/Roles), by name (Dataverse finds a role by name;
 * its id differs per business unit). Sellers need the seller role; admins the administrator role.
 */
export const SECURITY_ROLES = {
  seller: "Partner Center Sync Seller",
  administrator: "Partner Center Sync Administrator",
} as const;
