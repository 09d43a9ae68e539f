/**
 * `npm run deploy`: a working installation in one run, through documented endpoints only, so the
 * same steps run against the sandbox and a real environment.
 *
 *   1. solution   ImportSolutionAsync on a new environment; StageAndUpgradeAsync over an older
 *                 managed version (Dataverse's upgrade: what the new version dropped goes, data
 *                 stays); polling asyncoperations and importjobs for progress
 *   2. variables  environmentvariablevalues from the settings file (each value checked first)
 *   3. connections connectionreferences.connectionid from the settings file
 *   4. flows      workflows statecode 1, child flows first (flows whose connection changed are
 *                 turned off and on again so they take it)
 *   5. webhook    Partner Center's registration names the receiver's URL and the four events
 *
 * Each step first reads what is there and changes only what differs: a second run changes nothing.
 */
import { randomUUID } from "node:crypto";
import { compareVersions, type SolutionZipInfo } from "../sandbox/solution";
import { dependencyOrder, turnOnFlows } from "../sandbox/flows";
import { WebApiError, type WebApi } from "../sandbox/webapi";
import { connectionReferences, environmentVariables, installedSolution, solutionFlows, type EnvironmentFlow } from "./environment";
import { progress, type ProgressOutput } from "./progress";
import type { SettingsFile } from "./settings";
import type { AdminClients } from "./target";
import { variableProblem } from "./variables";
import { hideSignature, receiverUrl, registerReceiver } from "./webhook";

export type StepName = "solution" | "variables" | "connections" | "flows" | "webhook";
export type StepStatus = "changed" | "unchanged" | "failed" | "skipped";

export interface DeployStep {
  step: StepName;
  status: StepStatus;
  /** Plain-language lines: what was done, or what is wrong and what to do. */
  lines: string[];
}

export interface DeployReport {
  steps: DeployStep[];
  /** Something was changed in the environment or in Partner Center. */
  changed: boolean;
  ok: boolean;
}

export interface DeployOptions {
  zip: SolutionZipInfo;
  settings?: SettingsFile;
  /** Where progress bars go (stderr on the command line); none in tests. */
  progress?: ProgressOutput;
  /** Each step's lines as it ends. */
  onStep?: (s: DeployStep) => void;
  /** Import polling: first interval (it grows to 2 s) and the time allowed. */
  pollMs?: number;
  importTimeoutMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---- 1. solution --------------------------------------------------------------------------------

async function importAsync(api: WebApi, zip: SolutionZipInfo, action: "ImportSolutionAsync" | "StageAndUpgradeAsync", o: DeployOptions): Promise<{ warnings: string[] }> {
  const importJobId = randomUUID();
  const started = await api.post<{ AsyncOperationId?: string }>(action, {
    CustomizationFile: Buffer.from(zip.bytes).toString("base64"),
    OverwriteUnmanagedCustomizations: false,
    // deploy turns the flows on itself, children first, once their connections are set
    PublishWorkflows: false,
    ImportJobId: importJobId,
  });
  const asyncId = started?.AsyncOperationId;
  if (!asyncId) throw new Error(`${action} answered without an AsyncOperationId`);
  const bar = progress(o.progress, action === "StageAndUpgradeAsync" ? `Upgrading ${zip.uniqueName} to ${zip.version}` : `Importing ${zip.uniqueName} ${zip.version}`);
  bar.update(0, "starting");
  const deadline = Date.now() + (o.importTimeoutMs ?? 60 * 60_000);
  let wait = o.pollMs ?? 250;
  for (;;) {
    const op = await api.get<{ statecode?: number; statuscode?: number; message?: string | null }>(`asyncoperations(${asyncId})?$select=statecode,statuscode,message`);
    if (op.statecode === 3) {
      if (op.statuscode !== 30) {
        bar.done(`${action} failed.`);
        throw new Error(op.message ?? `the import ended with status ${op.statuscode}`);
      }
      bar.done(`${action === "StageAndUpgradeAsync" ? "Upgraded" : "Imported"} ${zip.uniqueName} ${zip.version}.`);
      return { warnings: (op.message ?? "").split("\n").filter(Boolean) };
    }
    const job = await api.get<{ progress?: number }>(`importjobs(${importJobId})?$select=progress`).catch(() => undefined);
    bar.update((job?.progress ?? 0) / 100, op.statecode === 2 ? "in progress" : "waiting to start");
    if (Date.now() > deadline) {
      bar.done(`${action} is still running.`);
      throw new Error(`the import did not finish within ${Math.round((o.importTimeoutMs ?? 3_600_000) / 60_000)} minutes; it goes on in the environment (system job ${asyncId}): run deploy again once it has finished`);
    }
    await sleep(wait);
    wait = Math.min(2000, Math.round(wait * 1.5));
  }
}

export async function solutionStep(api: WebApi, o: DeployOptions): Promise<DeployStep> {
  const zip = o.zip;
  const installed = await installedSolution(api, zip.uniqueName);
  const kind = zip.managed ? "managed" : "unmanaged";
  if (!installed) {
    const r = await importAsync(api, zip, "ImportSolutionAsync", o);
    return { step: "solution", status: "changed", lines: [`Imported ${zip.uniqueName} ${zip.version} (${kind}) from ${zip.path}.`, ...r.warnings.map((w) => `  note: ${w}`)] };
  }
  if (installed.ismanaged !== zip.managed) {
    return {
      step: "solution",
      status: "failed",
      lines: [
        `${zip.uniqueName} is installed ${installed.ismanaged ? "managed" : "unmanaged"}, and ${zip.path} is ${kind}: Dataverse cannot update one with the other.`,
        `  fix: deploy the ${installed.ismanaged ? "managed" : "unmanaged"} zip, or uninstall the solution first (docs/admin.md, "Uninstall").`,
      ],
    };
  }
  const cmp = compareVersions(zip.version, installed.version);
  if (cmp === 0) return { step: "solution", status: "unchanged", lines: [`${zip.uniqueName} ${installed.version} is installed already.`] };
  if (cmp < 0) {
    return {
      step: "solution",
      status: "failed",
      lines: [`${zip.uniqueName} ${installed.version} is installed, newer than ${zip.path} (${zip.version}); Dataverse does not go back a version.`, "  fix: deploy the newer zip (npm run build makes one), or uninstall first."],
    };
  }
  // A managed solution is upgraded (the holding-solution path in one call); an unmanaged one is updated.
  const action = zip.managed ? "StageAndUpgradeAsync" : "ImportSolutionAsync";
  const r = await importAsync(api, zip, action, o);
  return {
    step: "solution",
    status: "changed",
    lines: [`${zip.managed ? "Upgraded" : "Updated"} ${zip.uniqueName} ${installed.version} → ${zip.version}; your records are kept.`, ...r.warnings.map((w) => `  note: ${w}`)],
  };
}

// ---- 2. environment variables ---------------------------------------------------------------------

export async function variablesStep(api: WebApi, settings: SettingsFile | undefined): Promise<DeployStep> {
  const wanted = (settings?.EnvironmentVariables ?? []).filter((v) => v.Value.trim() !== "");
  const current = await environmentVariables(api);
  if (!wanted.length) {
    return { step: "variables", status: "unchanged", lines: [`Environment variables: ${current.map((v) => `${v.displayName} = ${v.effective}`).join("; ") || "none"} (none in the settings file).`] };
  }
  const lines: string[] = [];
  let failed = false;
  let changed = false;
  for (const w of wanted) {
    const v = current.find((c) => c.schemaName.toLowerCase() === w.SchemaName.toLowerCase());
    const problem = await variableProblem(api, w.SchemaName, w.Value);
    if (!v || problem) {
      failed = true;
      lines.push(`${w.SchemaName}: not set: ${problem?.problem ?? "the solution has no such variable"}.`, `  fix: ${problem?.fix ?? "check the name in the settings file"}.`);
      continue;
    }
    if ((v.value ?? "") === w.Value) {
      lines.push(`${v.displayName} = ${w.Value} (as it was).`);
      continue;
    }
    if (v.valueId) await api.patch(`environmentvariablevalues(${v.valueId})`, { value: w.Value });
    else await api.post("environmentvariablevalues", { schemaname: v.schemaName, value: w.Value, "EnvironmentVariableDefinitionId@odata.bind": `/environmentvariabledefinitions(${v.definitionId})` });
    changed = true;
    lines.push(`${v.displayName} = ${w.Value} (was ${v.effective}).`);
  }
  return { step: "variables", status: failed ? "failed" : changed ? "changed" : "unchanged", lines };
}

// ---- 3. connection references ----------------------------------------------------------------------

export async function connectionsStep(api: WebApi, settings: SettingsFile | undefined): Promise<DeployStep & { rebound: string[] }> {
  const refs = await connectionReferences(api);
  const lines: string[] = [];
  const rebound: string[] = [];
  let failed = false;
  for (const s of settings?.ConnectionReferences ?? []) {
    if (!s.ConnectionId) continue;
    const row = refs.find((r) => r.connectionreferencelogicalname.toLowerCase() === s.LogicalName.toLowerCase());
    if (!row) {
      failed = true;
      lines.push(`${s.LogicalName}: the solution has no such connection reference.`, `  fix: use the names deploy --write-settings writes (${refs.map((r) => r.connectionreferencelogicalname).join(", ")}).`);
      continue;
    }
    if (s.ConnectorId && row.connectorid && s.ConnectorId.toLowerCase() !== row.connectorid.toLowerCase()) {
      failed = true;
      lines.push(`${row.connectionreferencedisplayname}: the settings file says connector ${s.ConnectorId}, the reference is for ${row.connectorid}.`, "  fix: give a connection of the reference's connector.");
      continue;
    }
    if (row.connectionid === s.ConnectionId) continue;
    try {
      await api.patch(`connectionreferences(${row.connectionreferenceid})`, { connectionid: s.ConnectionId });
    } catch (e) {
      if (!(e instanceof WebApiError) || e.status >= 500 || e.status === 0) throw e;
      failed = true;
      lines.push(`${row.connectionreferencedisplayname}: Dataverse refused connection ${s.ConnectionId}: ${e.detail}`);
      continue;
    }
    row.connectionid = s.ConnectionId;
    rebound.push(row.connectionreferencelogicalname);
    lines.push(`${row.connectionreferencedisplayname} → connection ${s.ConnectionId}.`);
  }
  for (const r of refs) {
    if (r.connectionid) continue;
    failed = true;
    lines.push(
      `${r.connectionreferencedisplayname} has no connection: the flows that use it cannot be turned on.`,
      `  fix: create a ${(r.connectorid ?? "").split("/").pop()} connection in Power Automate (Connections → New connection${/events/i.test(r.connectorid ?? "") ? ", as the account that owns the flows: it cannot be shared" : ""}), put its id in the settings file (ConnectionId) and deploy again.`,
    );
  }
  if (!lines.length) lines.push(`All ${refs.length} connection references have their connections (as they were).`);
  return { step: "connections", status: failed ? "failed" : rebound.length ? "changed" : "unchanged", lines, rebound };
}

// ---- 4. flows -----------------------------------------------------------------------------------------

/** Turns flows off, callers before the flows they call (so no on flow calls one that is off). */
async function turnOff(api: WebApi, flows: EnvironmentFlow[]): Promise<void> {
  const order = dependencyOrder(flows).order.reverse();
  for (const f of order) {
    if (f.statecode !== 1) continue;
    await api.patch(`workflows(${f.id})`, { statecode: 0, statuscode: 1 });
    f.statecode = 0;
  }
}

export async function flowsStep(api: WebApi, solutionId: string, rebound: readonly string[], out?: ProgressOutput): Promise<DeployStep> {
  const flows = await solutionFlows(api, solutionId);
  if (!flows.length) return { step: "flows", status: "unchanged", lines: ["The solution has no cloud flows."] };
  const lines: string[] = [];
  let changed = false;
  // A flow keeps the connection it was turned on with: off and on again to take the new one.
  const affected = new Set<string>();
  for (const f of flows) if (f.statecode === 1 && f.connectionReferences.some((r) => rebound.includes(r))) affected.add(f.id);
  // …and the flows that call them (a flow that is off cannot stay called by one that is on)
  let grew = true;
  while (grew) {
    grew = false;
    for (const f of flows) {
      if (f.statecode === 1 && !affected.has(f.id) && f.children.some((c) => affected.has(c))) {
        affected.add(f.id);
        grew = true;
      }
    }
  }
  if (affected.size) {
    await turnOff(api, flows.filter((f) => affected.has(f.id)));
    lines.push(`Turned ${affected.size} flow${affected.size === 1 ? "" : "s"} off to take the new connection.`);
    changed = true;
  }
  const off = flows.filter((f) => f.statecode !== 1).length;
  const bar = progress(off ? out : undefined, `Turning ${off} flow${off === 1 ? "" : "s"} on`);
  let done = 0;
  const outcomes = await turnOnFlows(api, flows, (o) => {
    if (o.message === "turned on") bar.update(++done / off, o.name);
  });
  if (off) bar.done(`Turned ${outcomes.filter((o) => o.message === "turned on").length} of ${off} flows on.`);
  let failed = false;
  for (const o of outcomes) {
    if (o.status === "on") {
      if (o.message === "turned on") {
        changed = true;
        lines.push(`✔ ${o.name}: turned on.`);
      }
      continue;
    }
    failed = true;
    lines.push(`✖ ${o.name}: ${o.status === "refused" ? `Power Automate refused to turn it on: ${o.message}` : o.message}`);
  }
  if (!changed && !failed) lines.push(`All ${flows.length} flows are on (as they were).`);
  if (failed) lines.push("  fix: see each reason above; npm run doctor says what to change, then deploy again.");
  return { step: "flows", status: failed ? "failed" : changed ? "changed" : "unchanged", lines };
}

// ---- 5. webhook ----------------------------------------------------------------------------------------

export async function webhookStep(c: AdminClients, solutionId: string): Promise<DeployStep> {
  const flows = await solutionFlows(c.api, solutionId);
  const url = await receiverUrl(c, flows);
  if ("error" in url) {
    return {
      step: "webhook",
      status: "failed",
      lines: [`The webhook was not registered: ${url.error}.`, '  fix: copy the HTTP URL of "Partner Center to Dynamics 365" from its trigger in Power Automate and run deploy again with --webhook-url <url>.'],
    };
  }
  const r = await registerReceiver(c, url.url);
  const shown = hideSignature(url.url);
  if (r.action === "unchanged") return { step: "webhook", status: "unchanged", lines: [`Partner Center sends the referral events to ${shown} (as it did).`] };
  return {
    step: "webhook",
    status: "changed",
    lines: [`Partner Center now sends the referral events to ${shown}${r.replaced ? ` (it sent them to ${hideSignature(r.replaced)} before)` : ""}.`],
  };
}

// ---- all ---------------------------------------------------------------------------------------------------

export async function deploy(c: AdminClients, o: DeployOptions): Promise<DeployReport> {
  const steps: DeployStep[] = [];
  const record = (s: DeployStep) => {
    steps.push(s);
    o.onStep?.(s);
  };
  const solution = await solutionStep(c.api, o);
  record(solution);
  const installed = solution.status === "failed" ? undefined : await installedSolution(c.api, o.zip.uniqueName);
  if (!installed) {
    for (const step of ["variables", "connections", "flows", "webhook"] as const) record({ step, status: "skipped", lines: ["Skipped: the solution is not installed."] });
  } else {
    record(await variablesStep(c.api, o.settings));
    const connections = await connectionsStep(c.api, o.settings);
    record({ step: connections.step, status: connections.status, lines: connections.lines });
    const flows = await flowsStep(c.api, installed.solutionid, connections.rebound, o.progress);
    record(flows);
    if (flows.status === "failed") record({ step: "webhook", status: "skipped", lines: ["Skipped: the receiver flow must be on first."] });
    else record(await webhookStep(c, installed.solutionid));
  }
  return { steps, changed: steps.some((s) => s.status === "changed"), ok: steps.every((s) => s.status === "changed" || s.status === "unchanged") };
}
