/**
 * Runs in progress, on disk (the sandbox's flow-runs.journal): a line when a run starts, a line when
 * it ends. At the next start, a run that started and never ended (the process was killed while it
 * ran) is put back in the run history as Failed with RunInterrupted (README "Restarts"). Nothing is
 * resumed or fired again.
 *
 * Not fsynced: the file outlives a killed process (the kernel keeps what was written), which is
 * what it is for; run history is a diagnostic, not data anyone was promised.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { RunRecord } from "../engine/types";

type Started = Pick<RunRecord, "id" | "workflowId" | "workflowName" | "startTime" | "parentRunId" | "correlationId"> & {
  trigger: Pick<RunRecord["trigger"], "name" | "type" | "kind">;
};
type Line = { s: Started } | { e: string };

/** The journal is rewritten with only the runs in progress once it passes this size. */
const REWRITE_BYTES = 1024 * 1024;

export const RUN_INTERRUPTED = "RunInterrupted";

export class RunJournal {
  private readonly inProgress = new Map<string, Started>();
  private fd: number | undefined;
  private bytes = 0;

  constructor(readonly file: string) {}

  /**
   * The runs a previous process left in progress, as Failed runs ended at `now` (oldest first);
   * the journal starts again empty.
   */
  interrupted(now: string): RunRecord[] {
    const open = new Map<string, Started>();
    if (fs.existsSync(this.file)) {
      for (const text of fs.readFileSync(this.file, "utf8").split("\n")) {
        let line: Line;
        try {
          line = JSON.parse(text) as Line;
        } catch {
          continue; // empty, or cut short by the kill
        }
        if ("s" in line && line.s?.id) open.set(line.s.id, line.s);
        else if ("e" in line) open.delete(line.e);
      }
    }
    this.rewrite();
    return [...open.values()].map((s) => ({
      ...s,
      // the trigger's inputs and outputs are not kept (they may hold a whole row)
      trigger: { ...s.trigger, status: "Succeeded", startTime: s.startTime, endTime: s.startTime, outputs: { headers: {}, body: null } },
      actions: {},
      status: "Failed",
      endTime: now,
      error: {
        code: RUN_INTERRUPTED,
        message: `The flow runner stopped (the sandbox was killed) while this run was in progress, at the latest ${now}. What its actions had done stays done; the rest never ran, and its trigger is not fired again.`,
      },
    }));
  }

  started(run: RunRecord): void {
    const s: Started = {
      id: run.id,
      workflowId: run.workflowId,
      workflowName: run.workflowName,
      startTime: run.startTime,
      correlationId: run.correlationId,
      trigger: { name: run.trigger.name, type: run.trigger.type, ...(run.trigger.kind ? { kind: run.trigger.kind } : {}) },
      ...(run.parentRunId ? { parentRunId: run.parentRunId } : {}),
    };
    this.inProgress.set(run.id, s);
    this.write({ s });
  }

  ended(run: RunRecord): void {
    if (!this.inProgress.delete(run.id)) return;
    this.write({ e: run.id });
    if (this.bytes > REWRITE_BYTES) this.rewrite();
  }

  close(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }

  private write(line: Line): void {
    if (this.fd === undefined) {
      fs.mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
      this.fd = fs.openSync(this.file, "a", 0o600);
      this.bytes = fs.fstatSync(this.fd).size;
    }
    const text = JSON.stringify(line) + "\n";
    fs.writeSync(this.fd, text);
    this.bytes += Buffer.byteLength(text);
  }

  /** Only the runs in progress, written to a new file that replaces the old one. */
  private rewrite(): void {
    this.close();
    fs.mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
    const tmp = `${this.file}.tmp-${process.pid}`;
    const text = [...this.inProgress.values()].map((s) => JSON.stringify({ s }) + "\n").join("");
    fs.writeFileSync(tmp, text, { mode: 0o600 });
    fs.chmodSync(tmp, 0o600);
    fs.renameSync(tmp, this.file);
    this.bytes = Buffer.byteLength(text);
  }
}
