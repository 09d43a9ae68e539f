/**
 * The Partner Center Referral resource as it travels on the wire (camelCase JSON), per
 * ../shared/reference/partner-center-api.md §1 (connector swagger 2023 + REST docs).
 * Shared by the client, the emulator, the rulebook mappings and the tests.
 */

export type ReferralStatus = "None" | "New" | "Active" | "Closed";
export type ReferralSubstatus = "None" | "Pending" | "Received" | "Accepted" | "Won" | "Lost" | "Declined" | "Expired";
export type ReferralType = "Independent" | "Shared";
export type ReferralQualification = "None" | "Direct" | "MarketingQualified" | "SalesQualified";
export type ReferralDirection = "Incoming" | "Outgoing";
export type SalesStage = "Qualify" | "Develop" | "Propose" | "Close";
export type AssistanceRequestCode =
  | "Unknown"
  | "GeneralOrOther"
  | "CustomerTechnicalArchitecture"
  | "ProofOfConceptOrDemo"
  | "QuotesOrLicensing"
  | "PostSalesCustomerSuccess"
  | "WorkloadSpecificValueProposition";

export const REFERRAL_STATUSES: readonly ReferralStatus[] = ["None", "New", "Active", "Closed"];
export const REFERRAL_TYPES: readonly ReferralType[] = ["Independent", "Shared"];
export const REFERRAL_SUBSTATUSES: readonly ReferralSubstatus[] = [
  "None", "Pending", "Received", "Accepted", "Won", "Lost", "Declined", "Expired",
];

/** Status → allowed next statuses, and the substatuses each status allows (§1.3). */
export const STATUS_TRANSITIONS: Readonly<Record<ReferralStatus, readonly ReferralStatus[]>> = {
  None: ["New", "Active", "Closed"],
  New: ["New", "Active", "Closed"],
  Active: ["Active", "Closed"],
  Closed: ["Closed"],
};
export const SUBSTATUSES_OF: Readonly<Record<ReferralStatus, readonly ReferralSubstatus[]>> = {
  None: ["None"],
  New: ["Pending", "Received"],
  Active: ["Accepted"],
  Closed: ["Won", "Lost", "Declined", "Expired"],
};

export interface Member {
  firstName?: string;
  lastName?: string;
  phoneNumber?: string;
  email?: string;
  contactPreference?: { locale?: string; disableNotifications?: boolean };
}

export interface Address {
  addressLine1?: string;
  addressLine2?: string;
  city?: string;
  state?: string;
  postalCode?: string;
  /** ISO 3166 alpha-2. */
  country?: string;
  region?: string;
}

export interface CustomerProfile {
  name?: string;
  address?: Address;
  size?: string;
  team?: Member[];
  ids?: Array<{ profileType: string; id: string }> | Record<string, never>;
}

export interface Consent {
  consentToContact?: boolean;
  /** The double "To" is the real wire name. */
  consentToToShareInfoWithOthers?: boolean;
  consentToShareReferralWithMicrosoftSellers?: boolean;
  /** New in the 2024+ create documentation (partner-center-2026.md §1.2). */
  consentToMicrosoftToContactSpecificPartners?: boolean;
}

/**
 * A typed attribute of details.requirements.additionalRequirements.attributes (§1.4): purchase intent
 * (CustomerMarketplaceIntent), and for Services co-sell PartnerRole, SolutionArea, SolutionPlay.
 */
export interface ReferralAttribute {
  type: string;
  id: string;
}

/** A deal registration (registrations[], §2.5): Azure IP co-sell incentives on a won deal. */
export interface DealRegistration {
  id?: string;
  type?: "AzureIPCoSell" | string;
  registrationDateTime?: string;
  /** None, ReviewPending, ActionRequired, Passed, Failed, Approved (the last four inferred); kept as sent. */
  status?: string;
  statusReason?: string;
  statusHistory?: Record<string, string | null>;
  solutionDetails?: Array<{
    id: string;
    currency?: string;
    value?: number;
    isDeployedOnAzure?: boolean;
    primaryDeploymentOn?: "Customer" | "Partner" | string;
    pricingModel?: "PayAsYouGo" | "Other" | string;
    marketplaceTransactionDetails?: { isMarketplaceTransacted?: boolean; marketplaceTransactionDateTime?: string | null };
  }>;
  contract?: { currency?: string; value?: number; term?: "Perpetual" | "Finite" | string; startDateTime?: string; endDateTime?: string | null; signDateTime?: string };
}

export interface ReferralSolution {
  id: string;
  name?: string;
  type?: "None" | "Category" | "Name";
  solutionType?: string;
  publisherName?: string;
}

export interface ReferralDetails {
  notes?: string;
  dealValue?: number;
  /** ISO 4217. */
  currency?: string;
  /** UTC ISO-8601. */
  closingDateTime?: string;
  customerAction?: string;
  customerRequestedContact?: boolean;
  requirements?: {
    industries?: Array<{ id: string }>;
    products?: Array<{ id: string }>;
    services?: Array<{ id: string }>;
    solutions?: ReferralSolution[];
    offers?: unknown[];
    additionalRequirements?: { attributes?: ReferralAttribute[]; [k: string]: unknown };
  };
}

export interface InviteContext {
  notes?: string;
  invitedBy?: { organizationId?: string; organizationName?: string };
  assistanceRequestCode?: AssistanceRequestCode;
}

export interface Referral {
  id?: string;
  engagementId?: string;
  name?: string;
  externalReferenceId?: string;
  organizationId?: string;
  organizationName?: string;
  createdDateTime?: string;
  updatedDateTime?: string;
  expirationDateTime?: string;
  acceptedDateTime?: string;
  closedDateTime?: string;
  status?: ReferralStatus;
  substatus?: ReferralSubstatus;
  statusReason?: string;
  type?: ReferralType;
  qualification?: ReferralQualification;
  referralProgram?: string;
  campaignId?: string;
  /** Qualify … Close; the wire also returns numbers as text ("100"), the UI 20/40/60/100 (§1.1). */
  salesStage?: SalesStage | (string & {});
  direction?: ReferralDirection;
  customerProfile?: CustomerProfile;
  consent?: Consent;
  details?: ReferralDetails;
  team?: Member[];
  inviteContext?: InviteContext;
  target?: Array<{ id: string; type: "None" | "BusinessProfileLocation" | "SolutionProfile" }>;
  links?: { self?: { uri: string; method: string }; relatedReferrals?: { uri: string; method: string } };
  /** Quoted, e.g. "\"2500ec5a-0000-0000-0000-5bf4967d0000\"". */
  eTag?: string;
  trackingInfo?: { microsoftMsxId?: string };
  /** Deal registration status (None, ReviewPending, …); any value is kept as sent. */
  registrationStatus?: string;
  registrations?: DealRegistration[];
  /** Top-level forms of the typed attributes some documentation rows list; read if they ever appear (§1.1). */
  partnerRole?: string;
  solutionArea?: string;
  solutionPlay?: string;
  customerMarketplaceIntent?: string;
  "@odata.context"?: string;
}

/** RFC 6902 operation as the PATCH endpoint accepts it: only replace and add. */
export interface JsonPatchOperation {
  op: "replace" | "add";
  path: PatchablePath;
  value?: unknown;
}

/** The paths the certified connector allows in PatchReferralById (§2). */
export const PATCHABLE_PATHS = [
  "/campaignId",
  "/consent/consentToShareReferralWithMicrosoftSellers",
  "/customerProfile/team",
  "/customerProfile/team/-",
  "/details/closingDateTime",
  "/details/currency",
  "/details/dealValue",
  "/details/notes",
  "/details/requirements/solutions",
  "/details/requirements/solutions/-",
  "/externalReferenceId",
  "/referralProgram",
  "/salesStage",
  "/status",
  "/substatus",
  "/statusReason",
  "/team",
  "/team/-",
] as const;
export type PatchablePath = (typeof PATCHABLE_PATHS)[number];

/** The path of CreateDealRegistrationByReferralId's one operation (`add`, PATCH /referrals/{id}/, §2.5). */
export const DEAL_REGISTRATION_CREATE_PATH = "/registrations/-";

/** The paths PatchDealRegistrationByReferralId allows (`replace` / `add`, PATCH /referrals/{id}//, connector enum, §2.5). */
export const DEAL_REGISTRATION_PATCH_PATHS = [
  "/registrations/0/contract/startDateTime",
  "/registrations/0/contract/endDateTime",
  "/registrations/0/contract/signDateTime",
  "/registrations/0/contract/term",
  "/registrations/0/contract/value",
  "/registrations/0/solutionDetails/0/value",
  "/registrations/0/solutionDetails/0/currency",
  "/registrations/0/solutionDetails/0/isDeployedOnAzure",
  "/registrations/0/solutionDetails/0/primaryDeploymentOn",
  "/registrations/0/solutionDetails/0/pricingModel",
  "/registrations/0/solutionDetails/0/marketplaceTransactionDetails/isMarketplaceTransacted",
  "/registrations/0/solutionDetails/0/marketplaceTransactionDetails/marketplaceTransactionDateTime",
] as const;
export type DealRegistrationPatchPath = (typeof DEAL_REGISTRATION_PATCH_PATHS)[number];

/** Documented error body (§2 "Concurrency and errors"). */
export interface PartnerCenterErrorBody {
  error: {
    code: PartnerCenterErrorCode | string;
    message: string;
    target?: string;
    innerError?: { code?: string; message?: string; [k: string]: unknown };
  };
}
export type PartnerCenterErrorCode =
  | "accessDenied"
  | "generalException"
  | "invalidRequest"
  | "itemNotFound"
  | "preconditionFailed"
  | "resourceModified"
  | "serviceNotAvailable"
  | "unauthenticated";

/** Webhook events (§3). */
export type WebhookEventName =
  | "referral-created"
  | "referral-updated"
  | "related-referral-created"
  | "related-referral-updated"
  | "test-created";

export interface WebhookEvent {
  EventName: WebhookEventName | string;
  ResourceUri: string;
  ResourceName: string;
  AuditUri: string | null;
  ResourceChangeUtcDate: string;
}

export interface WebhookRegistration {
  SubscriberId?: string;
  WebhookUrl: string;
  WebhookEvents: string[];
  SignatureTokenToMsSignatureHeader?: boolean;
}

/** Emitted by the webhook API's GET /registration (PascalCase on the wire, as in §3.1). */
export interface WebhookRegistrationResponse extends WebhookRegistration {
  SubscriberId: string;
}

/** One delivery attempt of a test event, GET /webhooks/v1/registration/validationEvents/{id} (§3.1). */
export interface WebhookValidationResult {
  /** The receiver's HTTP status as .NET names it ("OK", "NotFound", …); empty when no answer. */
  responseCode: string;
  responseMessage: string;
  /** True when no HTTP answer was received (connection refused, timeout, TLS). */
  systemError: boolean;
  dateTimeUtc: string;
}

export interface WebhookValidationEvent {
  correlationId: string;
  partnerId: string;
  /** "pending" while attempts remain, then "completed". */
  status: string;
  callbackUrl: string;
  results: WebhookValidationResult[];
}

/** One page of GET /v1.0/engagements/referrals (§2 "Filtering and paging"). */
export interface ReferralListPage {
  "@odata.context"?: string;
  "@odata.count"?: number;
  /** Absolute URL of the next page (carries $skiptoken); absent on the last page. */
  "@odata.nextLink"?: string;
  value: Referral[];
}

/** Webhook event names relevant to referrals (§3.2). */
export const REFERRAL_EVENT_NAMES = [
  "referral-created",
  "referral-updated",
  "related-referral-created",
  "related-referral-updated",
] as const;
