/**
 * Helpers for tests that run flows: make a workflows row from a flow file, and assert a run's
 * status with the whole run history printed when the assertion fails.
 */
import { flattenActions, formatRun } from "./engine/history";
import { ActionRecord, FlowFile, RunRecord, StatusName, WorkflowDefinition } from "./engine/types";

/** A Dataverse `workflows` row (category 5, modern flow) carrying a flow file as clientdata. */
export function workflowRow(
  workflowId: string,
  name: string,
  flow: FlowFile | { definition: WorkflowDefinition; connectionReferences?: FlowFile["properties"]["connectionReferences"] },
): Record<string, string | number> {
  const file: FlowFile = "properties" in flow ? flow : { properties: { definition: flow.definition, connectionReferences: flow.connectionReferences ?? {} }, schemaVersion: "1.0.0.0" };
  return { workflowid: workflowId, name, category: 5, type: 1, statecode: 0, statuscode: 1, clientdata: JSON.stringify(file) };
}

export class RunAssertionError extends Error {}

/** Throws (with the readable run history) unless the run ended with `status`. */
export function expectRunStatus(run: RunRecord | undefined, status: StatusName): RunRecord {
  if (!run) throw new RunAssertionError(`Expected a run with status '${status}', but there is no run.`);
  if (run.status !== status) throw new RunAssertionError(`Expected run ${run.id} to end '${status}' but it ended '${run.status}'.\n\n${formatRun(run)}`);
  return run;
}

/** The (last) record of an action anywhere in the run; throws with the history when absent. */
export function actionOf(run: RunRecord, name: string): ActionRecord {
  const all = flattenActions(run).filter((a) => a.name === name);
  if (!all.length) throw new RunAssertionError(`The run ${run.id} has no action '${name}'.\n\n${formatRun(run)}`);
  return all[all.length - 1];
}

/** Throws (with the history) unless the action ended with `status`. */
export function expectActionStatus(run: RunRecord, name: string, status: StatusName): ActionRecord {
  const a = actionOf(run, name);
  if (a.status !== status) throw new RunAssertionError(`Expected action '${name}' to be '${status}' but it is '${a.status}'.\n\n${formatRun(run)}`);
  return a;
}
