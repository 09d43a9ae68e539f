/**
 * Dataverse Web API (v9.2) emulator for Node: imports our solution zip the way Dataverse does and
 * answers the calls our flows, form and command line make. See README.md in this folder.
 */
export { startDataverseEmulator, SANDBOX_TOKEN, DEFAULT_ENVIRONMENT_ID, MAX_FLOW_RUNS } from "./server";
export type { DataverseEmulator, DataverseEmulatorOptions, CallRecord, FlowRunRow } from "./server";
export type { DeliveryRecord } from "./notifications";
export { ErrorCodes, DataverseError } from "./errors";
export { SEED_IDS } from "./seed";
export { flowDependencies } from "./solution/import";
export { openSolutionZip, parseSolution } from "./solution/parse";
export type { ParsedSolution } from "./solution/parse";
