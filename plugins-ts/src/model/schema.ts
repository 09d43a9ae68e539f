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

// ── Today's co-sell (../shared/reference/partner-center-2026.md): purchase intent, partner role,
// solution area and play, deal types, the Microsoft-side fields and deal registration. ──

/**
 * pcs_purchaseintent "Customer Purchase Intent": Partner Center's "Customer marketplace intent",
 * required on co-sell deals since May 2023 and sent as the typed attribute
 * `{ type: "CustomerMarketplaceIntent", id }` (§1.4). Only HaveNotDecided is confirmed (the create
 * sample); Yes and No are inferred from the UI labels.
 */
export const PURCHASE_INTENT_OPTIONS = [
  { value: optionValue(0), label: "Yes", code: "Yes", inferred: true },
  { value: optionValue(1), label: "No", code: "No", inferred: true },
  { value: optionValue(2), label: "Have not decided", code: "HaveNotDecided", inferred: false },
] as const;

/** The typed attribute types of details.requirements.additionalRequirements.attributes (§1.4). */
export const ATTRIBUTE_TYPES = {
  purchaseIntent: "CustomerMarketplaceIntent",
  partnerRole: "PartnerRole",
  solutionArea: "SolutionArea",
  solutionPlay: "SolutionPlay",
} as const;

/**
 * pcs_dealtype "Deal Type" (§2.1), computed from "How can Microsoft help?", the visibility and the
 * solutions (rulebook deal-type.ts) and shown read-only to the seller.
 */
export const DEAL_TYPE_OPTIONS = [
  { value: optionValue(0), label: "Private", code: "private" },
  { value: optionValue(1), label: "Partner-led", code: "partner-led" },
  { value: optionValue(2), label: "Co-sell: Services", code: "co-sell-services" },
  { value: optionValue(3), label: "Co-sell: IP", code: "co-sell-ip" },
] as const;

/** Deal registration contract term, pricing model and primary deployment (connector swagger, §1.3). */
export const CONTRACT_TERM_OPTIONS = [
  { value: optionValue(0), label: "Perpetual", code: "Perpetual" },
  { value: optionValue(1), label: "Finite", code: "Finite" },
] as const;
export const PRICING_MODEL_OPTIONS = [
  { value: optionValue(0), label: "Pay as you go", code: "PayAsYouGo" },
  { value: optionValue(1), label: "Other", code: "Other" },
] as const;
export const PRIMARY_DEPLOYMENT_OPTIONS = [
  { value: optionValue(0), label: "Customer", code: "Customer" },
  { value: optionValue(1), label: "Partner", code: "Partner" },
] as const;

/** The co-sell columns the solution adds to opportunity (logical names; lookups with their navigation properties). */
export const OPPORTUNITY_COSELL = {
  purchaseIntent: "pcs_purchaseintent",
  partnerRole: "pcs_partnerroleid",
  partnerRoleNavigation: "pcs_PartnerRoleId",
  solutionArea: "pcs_solutionareaid",
  solutionAreaNavigation: "pcs_SolutionAreaId",
  solutionPlay: "pcs_solutionplayid",
  solutionPlayNavigation: "pcs_SolutionPlayId",
  dealType: "pcs_dealtype",
  // Microsoft's side, read-only, written by the sync:
  /** engagementId: the same on every referral of one engagement. */
  engagementId: "pcs_engagementid",
  /** acceptedDateTime (for a referral we created: its creation time). */
  acceptedOn: "pcs_acceptedon",
  /** closedDateTime. */
  closedOn: "pcs_closedon",
  /** customerProfile.ids[] with profileType Duns (fixed at create). */
  customerDuns: "pcs_customerduns",
} as const;

/** The same Microsoft-side columns on lead (a referral not yet accepted), carried to the opportunity on qualify. */
export const LEAD_COSELL = {
  engagementId: "pcs_engagementid",
  closedOn: "pcs_closedon",
  customerDuns: "pcs_customerduns",
} as const;

export const LEAD_TO_OPPORTUNITY_COSELL_MAP: ReadonlyArray<readonly [string, string]> = [
  [LEAD_COSELL.engagementId, OPPORTUNITY_COSELL.engagementId],
  [LEAD_COSELL.customerDuns, OPPORTUNITY_COSELL.customerDuns],
];

/**
 * Deal registration (Azure IP co-sell incentives, §2.5) on the opportunity: the seller sets Register
 * Deal and fills the contract; the sync registers the won deal (CreateDealRegistrationByReferralId)
 * and writes back what Partner Center answers.
 */
export const DEAL_REGISTRATION = {
  /** "Register Deal" (Yes/No): the seller's request; the sync acts on it once the deal is won. */
  register: "pcs_registerdeal",
  /** contract.value, in the opportunity's currency (contract.currency). */
  contractValue: "pcs_contractvalue",
  contractTerm: "pcs_contractterm",
  contractStart: "pcs_contractstartdate",
  contractEnd: "pcs_contractenddate",
  contractSigned: "pcs_contractsigneddate",
  pricingModel: "pcs_pricingmodel",
  primaryDeployment: "pcs_primarydeployment",
  deployedOnAzure: "pcs_deployedonazure",
  marketplaceTransacted: "pcs_marketplacetransacted",
  marketplaceTransactedOn: "pcs_marketplacetransactedon",
  // written by the sync, read-only:
  /** registrationStatus of the referral (None, ReviewPending, …; any value Partner Center sends, kept as text). */
  status: "pcs_registrationstatus",
  /** registrations[0].id. */
  registrationId: "pcs_registrationid",
} as const;

/** Microsoft Solution Details: whether a solution is Azure IP co-sell eligible (deal registration needs one). */
export const SOLUTION_DETAIL_COSELL = {
  azureIpCoSellEligible: "pcs_azureipcoselleligible",
} as const;

/**
 * A co-sell reference table an administrator maintains (organization-owned): one row per value
 * Partner Center accepts, with its display name, its API id (alternate key) and whether that id is
 * inferred. Deactivate a row to retire a value; next fiscal year's values are new rows.
 */
interface ReferenceTable {
  logicalName: string;
  schemaName: string;
  entitySetName: string;
  primaryId: string;
  /** Display name (primary name column). */
  name: "pcs_name";
  /** The id Partner Center takes in `attributes[].id`. */
  apiId: "pcs_apiid";
  /** Yes when the API id is inferred from the display name, not read in Partner Center's documentation. */
  idInferred: "pcs_idinferred";
  apiIdKey: string;
  /** The opportunity lookup's relationship. */
  opportunityRelationship: string;
}

export const PARTNER_ROLE = {
  logicalName: "pcs_partnerrole",
  schemaName: "pcs_PartnerRole",
  entitySetName: "pcs_partnerroles",
  primaryId: "pcs_partnerroleid",
  name: "pcs_name",
  apiId: "pcs_apiid",
  idInferred: "pcs_idinferred",
  apiIdKey: "pcs_partnerrole_apiid_key",
  opportunityRelationship: "pcs_partnerrole_opportunity",
} as const satisfies ReferenceTable;

export const SOLUTION_AREA = {
  logicalName: "pcs_solutionarea",
  schemaName: "pcs_SolutionArea",
  entitySetName: "pcs_solutionareas",
  primaryId: "pcs_solutionareaid",
  name: "pcs_name",
  apiId: "pcs_apiid",
  idInferred: "pcs_idinferred",
  apiIdKey: "pcs_solutionarea_apiid_key",
  opportunityRelationship: "pcs_solutionarea_opportunity",
} as const satisfies ReferenceTable;

export const SOLUTION_PLAY = {
  logicalName: "pcs_solutionplay",
  schemaName: "pcs_SolutionPlay",
  entitySetName: "pcs_solutionplays",
  primaryId: "pcs_solutionplayid",
  name: "pcs_name",
  apiId: "pcs_apiid",
  idInferred: "pcs_idinferred",
  apiIdKey: "pcs_solutionplay_apiid_key",
  opportunityRelationship: "pcs_solutionplay_opportunity",
  /** The play's solution area (lookup); a play belongs to one area. */
  solutionArea: "pcs_solutionareaid",
  solutionAreaNavigation: "pcs_SolutionAreaId",
  solutionAreaRelationship: "pcs_solutionarea_pcs_solutionplay",
} as const satisfies ReferenceTable & { solutionArea: string; solutionAreaNavigation: string; solutionAreaRelationship: string };

export const COSELL_REFERENCE_TABLES = [PARTNER_ROLE, SOLUTION_AREA, SOLUTION_PLAY] as const;

/**
 * Security roles the solution ships (solution/src/Roles), by name (Dataverse finds a role by name;
 * its id differs per business unit). Sellers need the seller role; admins the administrator role.
 */
export const SECURITY_ROLES = {
  seller: "Partner Center Sync Seller",
  administrator: "Partner Center Sync Administrator",
} as const;
