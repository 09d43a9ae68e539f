/**
 * Entry of the web resource pcs_/scripts/opportunity.js: puts the handlers on the global
 * `PartnerCenterSync` (created if absent, kept if another script made it), so the form registers
 * PartnerCenterSync.Opportunity.<handler> (names: ../model/schema.ts FORM_SCRIPT.handlers).
 * Written out rather than left to webpack's library output, whose module runtime would cost more
 * than the handlers' glue; the type makes a handler missing here a compile error.
 */
import type * as Handlers from "./opportunity";
import { onLoad, onMicrosoftHelpChange, onSave, onSyncChange } from "./opportunity";

declare let PartnerCenterSync: Record<string, unknown>;

const Opportunity: typeof Handlers = { onLoad, onSave, onSyncChange, onMicrosoftHelpChange };

// `typeof` sees a namespace another script declared in any way; otherwise it becomes a global property.
if (typeof PartnerCenterSync === "undefined") (globalThis as { PartnerCenterSync?: Record<string, unknown> }).PartnerCenterSync = {};
PartnerCenterSync.Opportunity = Opportunity;
