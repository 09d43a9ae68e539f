/**
 * Cloud-flow activation. In Dataverse, turning a category 5 workflow on or off (statecode 0 ↔ 1)
 * goes through the flow service, which can refuse (missing connection, child flow off, invalid
 * trigger); the refusal fails the update and the flow stays as it was. Here the flow service is a
 * configurable URL (option `flowServiceUrl`):
 *
 *   POST {flowServiceUrl}/workflows/{workflowid}/activate     body: the workflow row (Web API JSON)
 *   POST {flowServiceUrl}/workflows/{workflowid}/deactivate   body: the workflow row (Web API JSON)
 *
 * A 2xx answer lets the change commit. Any other answer fails the request with a Dataverse-shaped
 * error (400, code 0x80040265 IsvAborted) whose message carries the flow service's own message
 * (`error.message`, `message`, or the response text). Without a flow service the change just commits.
 */
import { DataverseError, ErrorCodes } from "./errors";
import type { FlowTransition } from "./engine";
import { AnnotationFilter, formatRow } from "./odata/format";
import type { DataView } from "./store/store";

export async function callFlowService(
  flowServiceUrl: string,
  t: FlowTransition,
  view: DataView,
  apiUrl: string,
  timeoutMs: number,
): Promise<void> {
  const action = t.to === 1 ? "activate" : "deactivate";
  const entity = view.registry.entity("workflow");
  const body = entity ? formatRow(entity, t.row, view, { annotations: new AnnotationFilter(undefined), apiUrl }) : t.row;
  const url = `${flowServiceUrl.replace(/\/+$/, "")}/workflows/${t.workflowId}/${action}`;
  let res: Response;
  try {
    res = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (e) {
    throw new DataverseError(
      502,
      ErrorCodes.IsvAborted,
      `Flow client error: the flow service at ${url} could not be reached (${(e as Error).message}).`,
    );
  }
  const text = await res.text().catch(() => "");
  if (res.ok) return;
  let message = text.trim();
  try {
    const parsed = JSON.parse(text) as { error?: { message?: string; code?: string }; message?: string };
    message = parsed.error?.message ?? parsed.message ?? message;
  } catch {
    // plain-text answer: used as is
  }
  throw new DataverseError(
    400,
    ErrorCodes.IsvAborted,
    `Flow client error returned with status code '${res.status}' while trying to ${action} the flow '${String(t.row.name ?? t.workflowId)}': ${message || res.statusText}`,
  );
}
