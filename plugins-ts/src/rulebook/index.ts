/**
 * The co-sell rulebook: pure, typed, no Dataverse or network access. One import for Node-side users
 * (flows tooling, command line, emulators, tests). The form script imports the modules it needs
 * directly, so its bundle carries only validation and messages.
 */
export * from "./snapshot";
export * from "./messages";
export * from "./rules";
export * from "./validate";
export * from "./countries";
export * from "./currencies";
export * from "./status";
export * from "./deal-type";
export * from "./check-mark";
export * from "./mapping-outbound";
export * from "./mapping-inbound";
export * from "./patch";
export * from "./sync-hash";
export * from "./audit";
export * from "./merge";
export * from "./sync-record";
export * from "./plan-apply";
export * from "./wdl";
export * from "./attributes";
export * from "./sales-stage";
export * from "./registration";
