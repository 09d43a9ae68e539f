/**
 * Cloud flow run history in Dataverse: Power Automate writes one flowrun row per run of a solution
 * flow (learn.microsoft.com/power-automate/dataverse/cloud-flow-run-metadata). In the sandbox the
 * flow runner is Power Automate, so every finished run is recorded in the Dataverse emulator the
 * same way (inside the service, not as a Web API call). `npm run doctor` reads them.
 */
import type { DataverseEmulator } from "../../../sandbox/dataverse/src";
import type { RunRecord } from "../../../sandbox/flow-runner/src/engine/types";

/** flowrun.triggertype as the documentation names the kinds: Automated, Scheduled or Manual. */
function triggerType(run: RunRecord): string {
  const t = run.trigger.type.toLowerCase();
  if (t === "recurrence") return "Scheduled";
  if (t === "request" && (run.trigger.kind ?? "").toLowerCase() !== "http") return "Manual";
  return "Automated";
}

/** flowrun.status: Succeeded, Failed or Cancelled (a timed-out or aborted run is a failure). */
function status(run: RunRecord): string {
  if (run.status === "Succeeded" || run.status === "Cancelled") return run.status;
  return "Failed";
}

export function flowRunRecorder(dataverse: () => DataverseEmulator | undefined, log: (line: string) => void): (run: RunRecord) => void {
  return (run) => {
    const dv = dataverse();
    if (!dv || run.status === "Running" || run.status === "Waiting") return;
    dv.recordFlowRun({
      name: run.id,
      workflowid: run.workflowId,
      workflowname: run.workflowName,
      status: status(run),
      starttime: run.startTime,
      ...(run.endTime ? { endtime: run.endTime } : {}),
      ...(run.durationMs !== undefined ? { durationMs: run.durationMs } : {}),
      triggertype: triggerType(run),
      ...(run.error ? { errorcode: run.error.code, errormessage: run.error.message } : {}),
      ...(run.parentRunId ? { parentrunid: run.parentRunId } : {}),
    }).catch((e: unknown) => log(`the run ${run.id} could not be recorded in Dataverse's flowrun table: ${(e as Error).message}`));
  };
}
