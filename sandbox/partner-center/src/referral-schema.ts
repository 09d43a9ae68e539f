/**
 * The properties a referral has on the wire (../../../shared/reference/partner-center-2026.md §1.1,
 * §1.2; the certified connector's swagger), and the one rule for anything else a request sends:
 * ignored, never stored.
 *
 * Why ignored and not refused [I, README "Unknown properties"]: the Referrals API is a .NET service
 * that binds the body to its Referral model, and both .NET JSON deserializers drop members the model
 * does not have unless told otherwise (Json.NET MissingMemberHandling.Ignore; System.Text.Json
 * UnmappedMemberHandling.Skip). Names match without case, as they do there; the stored name is the
 * documented one.
 */
type Shape = "value" | { readonly [name: string]: Shape } | readonly [Shape];

const ID_ONLY: Shape = [{ id: "value" }];

const MEMBER: Shape = {
  firstName: "value",
  lastName: "value",
  phoneNumber: "value",
  email: "value",
  title: "value",
  contactPreference: { locale: "value", disableNotifications: "value" },
  emailValidationStatus: "value",
  phoneValidationStatus: "value",
  linkedInProfileUrl: "value",
};

const SOLUTION: Shape = {
  id: "value",
  name: "value",
  type: "value",
  price: "value",
  quantity: "value",
  currency: "value",
  publisherName: "value",
  solutionType: "value",
  closingDateTime: "value",
};

/** Every documented property; "value" = taken as sent (type checks are referral-model.ts's). */
export const REFERRAL_SHAPE: Shape = {
  id: "value",
  engagementId: "value",
  name: "value",
  externalReferenceId: "value",
  organizationId: "value",
  organizationName: "value",
  mpnId: "value",
  createdDateTime: "value",
  updatedDateTime: "value",
  expirationDateTime: "value",
  acceptedDateTime: "value",
  closedDateTime: "value",
  status: "value",
  substatus: "value",
  statusReason: "value",
  type: "value",
  qualification: "value",
  referralSource: "value",
  callToAction: "value",
  customerProfile: {
    name: "value",
    address: { addressLine1: "value", addressLine2: "value", city: "value", state: "value", postalCode: "value", country: "value", region: "value" },
    size: "value",
    team: [MEMBER],
    ids: "value", // [{profileType, id}] or {} in the samples
    isMatchingComplete: "value",
    isMaccEligible: "value",
    activities: "value",
  },
  consent: {
    consentToContact: "value",
    consentToToShareInfoWithOthers: "value",
    consentToShareReferralWithMicrosoftSellers: "value",
    consentToMicrosoftToContactSpecificPartners: "value",
  },
  details: {
    notes: "value",
    dealValue: "value",
    currency: "value",
    closingDateTime: "value",
    customerRequestedContact: "value",
    customerAction: "value",
    incentiveLevel: "value",
    requirements: {
      industries: ID_ONLY,
      products: ID_ONLY,
      services: ID_ONLY,
      solutions: [SOLUTION],
      offers: "value",
      salesPlays: "value",
      additionalRequirements: {
        iot: { customerLicenseAgreementNumber: "value", deviceCategory: "value", siliconType: "value", azureCertifiedDevice: "value", attachServices: "value" },
        attributes: [{ id: "value", type: "value" }],
      },
    },
  },
  team: [MEMBER],
  inviteContext: {
    notes: "value",
    invitedBy: { organizationId: "value", organizationName: "value" },
    invitedMpnId: "value",
    assistanceRequestCode: "value",
  },
  target: [{ id: "value", type: "value" }],
  trackingInfo: {
    microsoftMsxId: "value",
    microsoftUSFedOpportunityId: "value",
    microsoftUSFedLeadId: "value",
    migratedPSCDealId: "value",
    migratedPSCPartnerDealId: "value",
  },
  eTag: "value",
  links: "value",
  referralProgram: "value",
  campaignId: "value",
  salesStage: "value",
  direction: "value",
  dealSensitivity: "value",
  createdVia: "value",
  quality: "value",
  isSpam: "value",
  tags: "value",
  favorite: "value",
  lastModifiedVia: "value",
  lastRunId: "value",
  registrationStatus: "value",
  registrations: "value",
  // top-level rows of the 2024+ create documentation (L1, L2); the sample sends them as typed attributes
  partnerRole: "value",
  solutionArea: "value",
  solutionPlay: "value",
  customerMarketplaceIntent: "value",
  isAutoRegistrationEnabled: "value",
  exception: "value",
  "@odata.context": "value",
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * A copy of `value` with only the documented properties, under their documented names. Values the
 * shape does not describe (a string where an object is expected) are kept for the validation to
 * refuse with a specific message.
 */
export function documentedOnly(value: unknown, shape: Shape = REFERRAL_SHAPE): unknown {
  if (shape === "value") return value;
  if (Array.isArray(shape)) return Array.isArray(value) ? value.map((v) => documentedOnly(v, shape[0])) : value;
  if (!isObject(value)) return value;
  const byLowerName = new Map(Object.keys(shape).map((k) => [k.toLowerCase(), k] as const));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const name = byLowerName.get(k.toLowerCase());
    if (name !== undefined) out[name] = documentedOnly(v, (shape as Record<string, Shape>)[name]);
  }
  return out;
}
