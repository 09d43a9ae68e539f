/** Public surface of the Partner Center emulator. */
export {
  startPartnerCenterEmulator,
  SANDBOX_TOKEN,
  DEFAULT_PARTNER_ORGANIZATION_ID,
  DEFAULT_PARTNER_ORGANIZATION_NAME,
} from "./emulator";
export type { PartnerCenterEmulator, PartnerCenterEmulatorOptions } from "./emulator";
export { MemoryStore, JsonFileStore } from "./store";
export type { PartnerCenterStore, EmulatorStateSnapshot, StoredRegistration } from "./store";
export { generateCertificateAuthority, sharedCertificateAuthority } from "./certs/material";
export type { CertificateAuthorityMaterial } from "./certs/material";
export { ROUTES } from "./router";
export type { CallEntry } from "./calls";
export type { Delivery, DeliveryAttempt, DeliveryOptions, EmittedEvent } from "./webhooks/dispatcher";
export { MICROSOFT_ORGANIZATION_ID } from "./referral-model";
export { SUPPORTED_EVENTS } from "./handlers/webhooks/shared";
export { startWebhookReceiver } from "./receiver";
export type { WebhookReceiver, ReceivedRequest } from "./receiver";
