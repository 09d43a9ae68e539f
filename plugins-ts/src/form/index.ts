/**
 * Entry of the web resource pcs_/scripts/opportunity.js. webpack assigns these exports to the global
 * `PartnerCenterSync`, so the form registers PartnerCenterSync.Opportunity.<handler>
 * (names: ../model/schema.ts FORM_SCRIPT.handlers).
 */
export * as Opportunity from "./opportunity";
