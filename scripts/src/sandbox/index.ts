/**
 * The local sandbox (`npm start`), as a library for the end-to-end tests:
 *
 *   const sb = await startSandbox({ port: 0, stateDir: null });
 *   const dv = sb.dataverseClient();            // dynamics-web-api on the Dataverse emulator
 *   const pc = sb.partnerCenterClient();        // PartnerCenterClient on the Partner Center emulator
 *   sb.endpoints.dataverse.controlUrl, sb.endpoints.partnerCenter.controlUrl, sb.endpoints.flowRunner.url
 *   await sb.waitForQuiet();                    // no run, notification or webhook delivery in flight
 *   await sb.close();
 */
export { startSandbox, resolveBasePort, SandboxStartError, DEFAULT_MAX_RUNS, type Sandbox, type SandboxOptions, type StartReport } from "./sandbox";
export { errorLine, redact, runActivity, runLine, runRecord } from "./activity-log";
export { dataverseClient, partnerCenterClient, webApiClient } from "./clients";
export { waitForQuiet, NotQuietError, type QuietOptions, type QuietServices } from "./quiet";
export { formatEndpoints, hideSig, type SandboxEndpoints } from "./endpoints";
export { DEFAULT_BASE_PORT, PORT_ENV, portsFrom, parseBasePort, SandboxPortError, type SandboxPorts } from "./ports";
export { displayPath, stateFiles, SandboxStateError, type StateFiles } from "./state";
export { compareVersions, findManagedZip, SandboxSolutionError, type ImportOutcome } from "./solution";
export { connectionIdFor, connectionParameters, type ConnectionOutcome } from "./connections";
export { childFlowIds, dependencyOrder, describeFlow, type FlowOutcome, type SolutionFlow } from "./flows";
export { REGISTRATION_FLOW_NAME, RECEIVER_FLOW_NAME, REFERRAL_EVENTS, registrationInputs, type WebhookOutcome } from "./webhook";
export { SEED_ACCOUNT, SEED_CONTACT, SEED_SOLUTIONS, SandboxSeedError, type SeedOutcome } from "./seed";
export { createWebApi, odataString, WebApiError, type WebApi } from "./webapi";
