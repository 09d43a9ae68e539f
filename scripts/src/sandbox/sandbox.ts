/**
 * startSandbox(): the whole local environment, set up the way an admin sets up a real one.
 *
 *  1. services, on loopback from one base port (./ports.ts): the flow runner first, then the
 *     Dataverse emulator with the runner as its flow service (flowServiceUrl), then the runner is
 *     pointed at Dataverse (setDataverse); the Partner Center emulator and its certificate host.
 *  2. solution: the managed zip from dist/ imported with ImportSolutionAsync (./solution.ts) — with
 *     saved state only when the zip's version is newer than the installed one.
 *  3. connections: one flow-runner connection per connection reference, each reference's
 *     connectionid set through the Web API (./connections.ts).
 *  4. flows: every cloud flow turned on, children first, through the Web API (./flows.ts); a refusal
 *     is reported with the flow runner's message.
 *  5. webhook: "Partner Center Webhook Registration" run with the callback URL of
 *     "Partner Center to Dynamics 365" (./webhook.ts).
 *  6. seed: a catalogue of Microsoft Solution Details, an account and a contact (./seed.ts).
 *  7. web app: the page (sandbox/web) on its own port: the forms, form script and PCF controls read
 *     from the same zip, Partner Center as Microsoft sees it, the run history.
 *  8. endpoints: .sandbox/endpoints.json (./endpoints.ts).
 *
 * A flow the solution does not contain yet never fails the start: the step says what is missing.
 * A failure of the services, the import or the seed does: everything started is closed again.
 *
 * bare: steps 2–7 are skipped: a new environment with nothing installed, for the admin command line
 * (npm run deploy / doctor / reconcile) to set up as it would a real one. One connection per
 * connector is made in the flow runner (an admin creates them in Power Automate before deploying;
 * their ids are in endpoints.json). With saved state, the flows a deploy turned on are turned on
 * again in the new flow runner, as the cloud would have kept them running.
 */
import * as path from "node:path";
import { DEFAULT_ENVIRONMENT_ID, startDataverseEmulator, type DataverseEmulator, type DataverseEmulatorOptions } from "../../../sandbox/dataverse/src";
import { startFlowRunner, type FlowRunnerHandle, type StartFlowRunnerOptions } from "../../../sandbox/flow-runner/src";
import { startPartnerCenterEmulator, type PartnerCenterEmulator, type PartnerCenterEmulatorOptions } from "../../../sandbox/partner-center/src";
import type { DynamicsWebApi, Config as DynamicsWebApiConfig } from "dynamics-web-api";
import type { PartnerCenterClient, PartnerCenterClientOptions } from "../../../plugins-ts/src/partner-center";
import { repoRoot } from "../cli/common";
import { errorLine, runActivity } from "./activity-log";
import { dataverseClient, partnerCenterClient } from "./clients";
import { connectReferences, createConnectorConnections, type ConnectionOutcome } from "./connections";
import { flowRunRecorder } from "./flow-runs";
import { formatEndpoints, writeEndpoints, type SandboxEndpoints } from "./endpoints";
import { listFlows, resumeFlows, turnOnFlows, type FlowOutcome, type SolutionFlow } from "./flows";
import { assertPortsFree, DEFAULT_BASE_PORT, parseBasePort, PORT_ENV, portsFrom, type SandboxPorts } from "./ports";
import { waitForQuiet, type QuietOptions } from "./quiet";
import { seed as seedData, type SeedOutcome } from "./seed";
import { findManagedZip, importSolutionZip, loadSolutionZip, type ImportOutcome } from "./solution";
import { displayPath, hasSavedState, loadOwnState, lockState, SandboxStateError, stateFiles, wipeState, type StateFiles } from "./state";
import { createWebApi, type WebApi } from "./webapi";
import { readSolutionAssets, startWebApp, type WebApp } from "../../../sandbox/web/src";
import { registerWebhook, type WebhookOutcome } from "./webhook";

const HOST = "127.0.0.1";
/**
 * The token the flow runner's Power Automate API accepts (a signed-in admin's, in the cloud): a fixed
 * sandbox value like the emulators' own, accepted on loopback only.
 */
export const FLOW_API_TOKEN = "flow-api-sandbox-token";
/** Flow runs kept in run history unless --max-runs says otherwise (the runner's own default). */
export const DEFAULT_MAX_RUNS = 2000;

export interface SandboxOptions {
  /**
   * Base port: Dataverse on it, Partner Center on +1, its certificate host on +2, the flow runner on
   * +3. 0 lets the OS pick every port (tests). Default: $PCS_SANDBOX_PORT, else 7100.
   */
  port?: number;
  /**
   * Folder for the saved state and endpoints.json (./state.ts). Default <repo>/.sandbox.
   * null keeps everything in memory and writes no file.
   */
  stateDir?: string | null;
  /** Remove the saved state first (a fresh environment). */
  reset?: boolean;
  /** The solution to import: a zip path or its bytes. Default: the newest managed zip in distDir. */
  solutionZip?: string | Uint8Array;
  /** Where `npm run build` writes the zips. Default <repo>/dist. */
  distDir?: string;
  /** Seed the catalogue, account and contact (default true). */
  seed?: boolean;
  /**
   * Progress lines while starting, then one line per sync run and per error while running
   * (./activity-log.ts). Default: none.
   */
  log?: (line: string) => void;
  /** Serve the web app (default true). */
  web?: boolean;
  /** Flow runs kept in run history (default 2,000; the runner drops the oldest beyond it). */
  maxRuns?: number;
  /**
   * Start the services only: no solution, connections bound, flows, webhook, seed or web app (a new
   * environment for npm run deploy). Default state folder: <repo>/.sandbox-bare.
   */
  bare?: boolean;
  /** Passed through to the emulators and the runner (tests make waits instant, inject clocks…). */
  dataverse?: Partial<DataverseEmulatorOptions>;
  partnerCenter?: Partial<PartnerCenterEmulatorOptions>;
  flowRunner?: Partial<StartFlowRunnerOptions>;
}

export interface StartReport {
  /** Saved state was loaded (a second start). */
  reusedState: boolean;
  solution: ImportOutcome;
  connections: ConnectionOutcome[];
  /** Every cloud flow in the environment, in the order they were turned on. */
  flows: FlowOutcome[];
  webhook: WebhookOutcome;
  seed?: SeedOutcome;
}

export interface Sandbox {
  dataverse: DataverseEmulator;
  partnerCenter: PartnerCenterEmulator;
  flowRunner: FlowRunnerHandle;
  /** The web app (undefined with web: false). */
  web?: WebApp;
  /** URLs and tokens (what endpoints.json holds). */
  endpoints: SandboxEndpoints;
  /** The ports actually listened on. */
  ports: SandboxPorts;
  report: StartReport;
  /** State files (undefined with stateDir: null). */
  stateFiles?: StateFiles;
  /** Plain Web API client with the sandbox token. */
  webApi: WebApi;
  /** dynamics-web-api on the sandbox's Dataverse. */
  dataverseClient(config?: DynamicsWebApiConfig): DynamicsWebApi;
  /** Our Partner Center client on the emulator (StaticTokenProvider with its token). */
  partnerCenterClient(options?: Partial<PartnerCenterClientOptions>): PartnerCenterClient;
  /** Resolves when no run is in progress, Dataverse notifications are delivered and Partner Center deliveries are done. */
  waitForQuiet(options?: QuietOptions): Promise<void>;
  /** Stops everything (state saved); frees every port. Safe to call twice. */
  close(): Promise<void>;
}

export class SandboxStartError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "SandboxStartError";
  }
}

/** The base port: the option, else $PCS_SANDBOX_PORT, else 7100. */
export function resolveBasePort(option: number | undefined, env: NodeJS.ProcessEnv = process.env): { port: number; source: string } {
  if (option !== undefined) return { port: parseBasePort(String(option), "the port"), source: "--port" };
  const fromEnv = env[PORT_ENV];
  if (fromEnv !== undefined && fromEnv !== "") return { port: parseBasePort(fromEnv, `$${PORT_ENV}`), source: `$${PORT_ENV}` };
  return { port: DEFAULT_BASE_PORT, source: "--port" };
}

const portOf = (url: string): number => Number(new URL(url).port);

function stateLoadError(e: unknown, file: string, reset: string): never {
  throw new SandboxStateError(`The saved state ${file} cannot be used: ${(e as Error).message}. Start with ${reset} to begin from a fresh environment.`);
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const log = options.log ?? (() => undefined);
  const root = repoRoot();
  const { port: base, source } = resolveBasePort(options.port);
  const wanted = portsFrom(base);
  const files = options.stateDir === null ? undefined : stateFiles(options.stateDir ?? path.join(root, options.bare ? ".sandbox-bare" : ".sandbox"));
  const shown = displayPath;

  // the solution zip first: no point starting anything without it (a bare start installs nothing)
  const distDir = options.distDir ?? path.join(root, "dist");
  const zip = options.bare ? undefined : loadSolutionZip(options.solutionZip ?? findManagedZip(distDir), distDir);

  await assertPortsFree(HOST, wanted, source);
  const release = files ? lockState(files) : () => undefined;
  // closed in this order: the web app (no page can start anything more), the runner (its close deletes its trigger subscriptions in Dataverse), then Dataverse (saves its store), then Partner Center
  const closers: Array<() => Promise<void>> = [];
  const closeAll = async (): Promise<void> => {
    for (const c of closers.splice(0)) await c().catch(() => undefined);
    release();
  };

  try {
    if (files && options.reset) {
      const removed = wipeState(files);
      log(removed.length ? `Reset: removed ${removed.map(shown).join(", ")}` : "Reset: no saved state to remove");
    }
    const reusedState = files ? hasSavedState(files) : false;
    const own = files ? loadOwnState(files) : undefined;
    log(
      `Starting the sandbox (${base === 0 ? "OS-picked ports" : `base port ${base}`}, ${files ? `state in ${shown(files.dir)}, ${reusedState ? "reusing the saved state" : "fresh state"}` : "state in memory"})`,
    );

    // 1. services, each reporting its runs and errors to the console from now on (activity-log.ts)
    const maxRuns = options.maxRuns ?? options.flowRunner?.maxRuns ?? DEFAULT_MAX_RUNS;
    let runnerUrl = "";
    const activity = runActivity(log, () => runnerUrl, maxRuns);
    // Power Automate writes every run of a solution flow into Dataverse's flowrun table.
    const recordRun = flowRunRecorder(() => dataverseHandle, (l) => log(errorLine("flow runner", l)));
    let dataverseHandle: DataverseEmulator | undefined;
    const flowRunner = await startFlowRunner({
      onRunFinished: (run) => {
        activity(run);
        recordRun(run);
      },
      log: (l) => log(errorLine("flow runner", l)),
      environmentName: options.dataverse?.environmentId ?? DEFAULT_ENVIRONMENT_ID,
      ...options.flowRunner,
      tenantTokens: { [FLOW_API_TOKEN]: "admin@sandbox.invalid", ...options.flowRunner?.tenantTokens },
      maxRuns,
      port: wanted.flowRunner,
      host: HOST,
      ...(own ? { signingKey: own.signingKey } : {}),
      ...(files ? { runJournal: files.flowRuns } : {}),
    });
    runnerUrl = flowRunner.url;
    closers.push(() => flowRunner.close());
    const interrupted = flowRunner.runner.interruptedRuns;
    if (interrupted.length) {
      log(`Flow runs: ${interrupted.length} ${interrupted.length === 1 ? "was" : "were"} in progress when the sandbox last stopped without closing (killed); ${interrupted.length === 1 ? "it shows" : "they show"} as Failed (RunInterrupted) in the run history: ${interrupted.map((r) => r.workflowName).join(", ")}`);
    }
    let dataverse: DataverseEmulator;
    try {
      dataverse = await startDataverseEmulator({
        log: (l) => log(errorLine("Dataverse emulator", l)),
        ...options.dataverse,
        port: wanted.dataverse,
        host: HOST,
        flowServiceUrl: flowRunner.url,
        ...(files ? { dataFile: files.dataverse } : {}),
      });
    } catch (e) {
      if (files && reusedState && !(e as NodeJS.ErrnoException).code) stateLoadError(e, shown(files.dataverse), "--reset");
      throw e;
    }
    closers.push(() => dataverse.close());
    dataverseHandle = dataverse;
    flowRunner.setDataverse(dataverse.url, dataverse.token);
    let partnerCenter: PartnerCenterEmulator;
    try {
      partnerCenter = await startPartnerCenterEmulator({
        log: (l) => log(errorLine("Partner Center emulator", l)),
        // Today's co-sell rules on creates (purchase intent, a co-sell's contact, a Services co-sell's attributes): the flows send them.
        coSellCreateRules: true,
        ...options.partnerCenter,
        port: wanted.partnerCenter,
        certificatePort: wanted.partnerCenterCertificates,
        host: HOST,
        ...(files ? { statePath: files.partnerCenter } : {}),
      });
    } catch (e) {
      if (files && reusedState && !(e as NodeJS.ErrnoException).code) stateLoadError(e, shown(files.partnerCenter), "--reset");
      throw e;
    }
    closers.push(() => partnerCenter.close());
    const ports: SandboxPorts = {
      dataverse: dataverse.port,
      partnerCenter: portOf(partnerCenter.url),
      partnerCenterCertificates: portOf(partnerCenter.certificateBaseUrl),
      flowRunner: flowRunner.port,
      web: 0,
    };
    log(`  Dataverse emulator        ${dataverse.url}`);
    log(`  Partner Center emulator   ${partnerCenter.url}  (certificates ${partnerCenter.certificateBaseUrl})`);
    log(`  flow runner               ${flowRunner.url}`);

    const api = createWebApi(dataverse.apiUrl, dataverse.token);
    const connectionTargets = {
      dataverse: { url: dataverse.url, token: dataverse.token },
      partnerCenter: { referralsBaseUrl: partnerCenter.referralsBaseUrl, partnerCenterBaseUrl: partnerCenter.partnerCenterBaseUrl, token: partnerCenter.token },
    };
    const baseEndpoints = (): Omit<SandboxEndpoints, "pid" | "startedAt"> => ({
      dataverse: { url: dataverse.url, webApiUrl: dataverse.apiUrl, controlUrl: dataverse.controlUrl, token: dataverse.token, environmentId: dataverse.environmentId },
      partnerCenter: {
        referralsBaseUrl: partnerCenter.referralsBaseUrl,
        webhooksBaseUrl: partnerCenter.partnerCenterBaseUrl,
        controlUrl: partnerCenter.controlUrl,
        certificateBaseUrl: partnerCenter.certificateBaseUrl,
        token: partnerCenter.token,
      },
      flowRunner: { url: flowRunner.url, runsUrl: `${flowRunner.url}/runs`, apiUrl: flowRunner.url, token: FLOW_API_TOKEN },
      ...(files ? { stateDir: files.dir } : {}),
    });
    const services = { dataverse, partnerCenter, flowRunner };
    let closing: Promise<void> | undefined;
    const handle = (endpoints: SandboxEndpoints, report: StartReport, web?: WebApp): Sandbox => ({
      ...services,
      ...(web ? { web } : {}),
      endpoints,
      ports,
      report,
      ...(files ? { stateFiles: files } : {}),
      webApi: api,
      dataverseClient: (config) => dataverseClient(endpoints, config),
      partnerCenterClient: (opts) => partnerCenterClient(endpoints, opts),
      waitForQuiet: (opts) => waitForQuiet(services, opts),
      close: () => (closing ??= closeAll()),
    });

    if (!zip) {
      // bare: the connections an admin makes before deploying, and flows a deploy turned on kept running
      const connections = await createConnectorConnections(flowRunner.url, connectionTargets);
      log("Bare environment: nothing installed. Connections an admin would have made in Power Automate:");
      for (const c of connections) log(`  ${c.apiName}  ${c.connectionId}`);
      const flows = await listFlows(api);
      const wasOn = new Set(flows.filter((f) => f.statecode === 1).map((f) => f.id));
      let flowOutcomes: FlowOutcome[] = [];
      if (wasOn.size) {
        for (const line of await resumeFlows(api, flows)) log(`  ${line}`);
        flowOutcomes = await turnOnFlows(api, flows.filter((f) => wasOn.has(f.id)), (o) => log(`  ${o.status === "on" ? "✔" : "✖"} ${o.name}: ${o.message}`));
      }
      const endpoints: SandboxEndpoints = {
        ...baseEndpoints(),
        connections: Object.fromEntries(connections.map((c) => [c.apiName, c.connectionId])),
        pid: process.pid,
        startedAt: new Date().toISOString(),
      };
      if (files) writeEndpoints(files.endpoints, endpoints);
      log("Endpoints:");
      for (const l of formatEndpoints(endpoints, files ? shown(files.endpoints) : undefined)) log(`  ${l}`);
      const report: StartReport = {
        reusedState,
        solution: { action: "kept", uniqueName: "", version: "", managed: true, zipPath: "", warnings: [], message: "bare: no solution imported" },
        connections: [],
        flows: flowOutcomes,
        webhook: { status: "not registered", message: "bare: no webhook registered" },
      };
      return handle(endpoints, report);
    }

    // 2. solution
    const solution = await importSolutionZip(api, zip);
    log(`Solution: ${solution.message}`);
    for (const w of solution.warnings) log(`  warning: ${w}`);

    // flows the runner must forget about (saved state), before anything can trigger them
    let flows: SolutionFlow[] = await listFlows(api);
    for (const line of await resumeFlows(api, flows)) log(`  ${line}`);

    // 3. connections
    const connections = await connectReferences(api, flowRunner.url, connectionTargets);
    log(connections.length ? "Connections:" : "Connections: the solution has no connection references");
    for (const c of connections) log(`  ${c.status === "not bound" ? "✖" : "✔"} ${c.message}`);

    // 4. flows
    flows = await listFlows(api);
    let flowOutcomes: FlowOutcome[] = [];
    if (!flows.length) log("Flows: the solution has no cloud flows yet: nothing to turn on");
    else {
      log(`Flows (${flows.length}, children first):`);
      flowOutcomes = await turnOnFlows(api, flows, (o) => log(`  ${o.status === "on" ? "✔" : "✖"} ${o.name}: ${o.status === "on" ? o.message : `${o.status}: ${o.message}`}`));
    }
    const on = new Set(flowOutcomes.filter((o) => o.status === "on").map((o) => o.id));

    // 5. webhook
    const webhook = await registerWebhook(flows, on, {
      runnerUrl: flowRunner.url,
      partnerCenter: { partnerCenterBaseUrl: partnerCenter.partnerCenterBaseUrl, token: partnerCenter.token },
    });
    log(`Webhook: ${webhook.message}`);

    // 6. seed
    let seeded: SeedOutcome | undefined;
    if (options.seed !== false) {
      seeded = await seedData(api);
      log(`Seed: ${seeded.message}`);
    }

    // 7. web app: what the page runs comes from the zip just imported
    let web: WebApp | undefined;
    if (options.web !== false) {
      web = await startWebApp({
        port: wanted.web,
        host: HOST,
        assets: readSolutionAssets(zip.bytes, zip.path),
        upstreams: {
          dataverse: { url: dataverse.url, token: dataverse.token },
          partnerCenter: { controlUrl: partnerCenter.controlUrl },
          flowRunner: { url: flowRunner.url },
        },
      });
      closers.unshift(() => web!.close());
    }

    // 8. endpoints
    const endpoints: SandboxEndpoints = {
      ...baseEndpoints(),
      ...(web ? { web: { url: web.url } } : {}),
      ...(webhook.status === "registered" && webhook.callbackUrl ? { webhookCallbackUrl: webhook.callbackUrl } : {}),
      pid: process.pid,
      startedAt: new Date().toISOString(),
    };
    if (files) writeEndpoints(files.endpoints, endpoints);
    log("Endpoints:");
    for (const l of formatEndpoints(endpoints, files ? shown(files.endpoints) : undefined)) log(`  ${l}`);

    if (web) ports.web = web.port;
    return handle(endpoints, { reusedState, solution, connections, flows: flowOutcomes, webhook, ...(seeded ? { seed: seeded } : {}) }, web);
  } catch (e) {
    await closeAll();
    throw e;
  }
}
