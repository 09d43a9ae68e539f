/**
 * "The system is quiet": no flow run in progress, every Dataverse change notification delivered
 * (retries included), no Partner Center webhook delivery pending — and nothing new happened while
 * checking. One service going idle can wake another (a run writes to Dataverse, whose notification
 * starts a run, which calls Partner Center, whose event is delivered to a flow …), so the three are
 * waited for in turn until a whole pass sees no new activity.
 */
import type { DataverseEmulator } from "../../../sandbox/dataverse/src";
import type { FlowRunnerHandle } from "../../../sandbox/flow-runner/src";
import type { PartnerCenterEmulator } from "../../../sandbox/partner-center/src";

export interface QuietServices {
  dataverse: DataverseEmulator;
  partnerCenter: PartnerCenterEmulator;
  flowRunner: FlowRunnerHandle;
}

export interface QuietOptions {
  /** Give up (and throw, saying what is still busy) after this long. Default 30 s. */
  timeoutMs?: number;
}

export class NotQuietError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NotQuietError";
  }
}

function activity(s: QuietServices): { key: string; running: string[]; pendingDeliveries: number } {
  const runs = s.flowRunner.runner.runs.list();
  const running = runs.filter((r) => r.status === "Running").map((r) => `${r.workflowName ?? r.workflowId} (${r.id})`);
  const deliveries = s.partnerCenter.context.dispatcher.deliveries();
  const pendingDeliveries = deliveries.filter((d) => d.state === "pending").length;
  const key = [runs.length, running.length, s.dataverse.calls().length, s.dataverse.deliveries().length, s.partnerCenter.context.calls.lastSeq, deliveries.length, pendingDeliveries].join("|");
  return { key, running, pendingDeliveries };
}

export async function waitForQuiet(s: QuietServices, opts: QuietOptions = {}): Promise<void> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  let before = activity(s);
  for (;;) {
    await s.flowRunner.idle();
    await s.dataverse.idle();
    const pcIdle = await s.partnerCenter.idle(Math.max(1, deadline - Date.now()));
    await s.flowRunner.idle();
    const after = activity(s);
    if (pcIdle && after.key === before.key && after.running.length === 0 && after.pendingDeliveries === 0) return;
    if (Date.now() > deadline) {
      const busy = [
        after.running.length ? `flow runs still running: ${after.running.join(", ")}` : "",
        after.pendingDeliveries ? `${after.pendingDeliveries} Partner Center webhook deliveries pending` : "",
        !after.running.length && !after.pendingDeliveries ? "the services kept making calls" : "",
      ].filter(Boolean);
      throw new NotQuietError(`The sandbox was not quiet after ${timeoutMs} ms: ${busy.join("; ")}.`);
    }
    before = after;
  }
}
