/**
 * The sandbox the chaos suite drives: a child process (../sandbox/process.ts) on a state folder of its
 * own, reached only through what a user or the cloud reaches (the Dataverse Web API, the Partner
 * Center API and control API, the flow runner's routes), so it can be killed with SIGKILL at any
 * moment and started again on the same folder. Its endpoints change at every start.
 */
import type { DynamicsWebApi } from "dynamics-web-api";
import { dataverseClient } from "../sandbox/clients";
import type { SandboxEndpoints } from "../sandbox/endpoints";
import { startSandboxProcess, type SandboxProcess } from "../sandbox/process";

export interface RunSummary {
  id: string;
  workflowName: string;
  status: string;
  error?: { code: string; message: string };
}

export class ChaosSandbox {
  private proc!: SandboxProcess;
  dv!: DynamicsWebApi;
  kills = 0;
  /** The services' clocks this far ahead of the machine's (kept across restarts: time never goes back). */
  private clockOffsetMs = 0;

  private constructor(
    readonly stateDir: string,
    private readonly timeScale: number,
  ) {}

  static async start(stateDir: string, timeScale: number): Promise<ChaosSandbox> {
    const s = new ChaosSandbox(stateDir, timeScale);
    await s.boot();
    return s;
  }

  get endpoints(): SandboxEndpoints {
    return this.proc.endpoints;
  }

  /** The child's last lines of output (for a failure message). */
  output(): string[] {
    return this.proc.output();
  }

  private async boot(): Promise<void> {
    this.proc = await startSandboxProcess({ stateDir: this.stateDir, timeScale: this.timeScale, clockOffsetMs: this.clockOffsetMs });
    this.dv = dataverseClient(this.proc.endpoints);
  }

  /** Time passes (for the clocks; waits are scaled separately): e.g. an hour before the hourly recovery. */
  async advanceClock(ms: number): Promise<void> {
    this.clockOffsetMs = await this.proc.advanceClock(ms);
  }

  /** SIGKILL, then npm start again on the same state folder. */
  async killAndRestart(): Promise<void> {
    await this.proc.kill();
    this.kills++;
    await this.boot();
  }

  /** npm start's own stop (SIGTERM). */
  async stop(): Promise<void> {
    await this.proc.stop();
  }

  /** Kill without restarting (cleanup after a failure). */
  async kill(): Promise<void> {
    await this.proc.kill();
  }

  // ---- HTTP surfaces ----------------------------------------------------------------------------

  async pcControl<T = any>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.endpoints.partnerCenter.controlUrl}${path}`, {
      method,
      headers: { "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`Partner Center control ${method} ${path}: ${res.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  async dvControl<T = any>(method: string, path: string): Promise<T> {
    const res = await fetch(`${this.endpoints.dataverse.controlUrl}${path}`, { method, headers: { "Content-Type": "application/json" } });
    const text = await res.text();
    if (!res.ok) throw new Error(`Dataverse control ${method} ${path}: ${res.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  async runner<T = any>(method: string, path: string): Promise<T> {
    const res = await fetch(`${this.endpoints.flowRunner.url}${path}`, { method, headers: { "Content-Type": "application/json" } });
    const text = await res.text();
    if (!res.ok) throw new Error(`flow runner ${method} ${path}: ${res.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** Every referral Partner Center holds (the control API: not counted as API calls). */
  async referrals(): Promise<any[]> {
    return (await this.pcControl<{ value: any[] }>("GET", "/referrals")).value;
  }

  async runs(status?: string): Promise<RunSummary[]> {
    return (await this.runner<{ value: RunSummary[] }>("GET", `/runs${status ? `?status=${status}` : ""}`)).value;
  }

  async runText(id: string): Promise<string> {
    const res = await fetch(`${this.endpoints.flowRunner.url}/runs/${id}?format=text`);
    return res.text();
  }

  /** Fires a Recurrence-triggered flow now, as its schedule would. */
  async fireRecurrence(workflowId: string): Promise<void> {
    await this.runner("POST", `/workflows/${workflowId}/recurrence`);
  }

  private async activity(): Promise<{ key: string; busy: number; pending: number }> {
    const [newest, running, waiting, dvCalls, pcCalls, pending] = await Promise.all([
      this.runner<{ value: RunSummary[] }>("GET", "/runs?top=1"),
      this.runner<{ value: RunSummary[] }>("GET", "/runs?status=Running"),
      this.runner<{ value: RunSummary[] }>("GET", "/runs?status=Waiting"),
      this.dvControl<{ lastSeq: number }>("GET", "/calls?after=9007199254740991"),
      this.pcControl<{ lastSeq: number }>("GET", "/calls?after=9007199254740991"),
      this.pcControl<{ count: number }>("GET", "/deliveries?state=pending"),
    ]);
    const busy = running.value.length + waiting.value.length;
    return { key: [newest.value[0]?.id, busy, dvCalls.lastSeq, pcCalls.lastSeq, pending.count].join("|"), busy, pending: pending.count };
  }

  /**
   * Quiet: no run in progress, Dataverse notifications delivered, no webhook delivery pending, and
   * nothing new between two looks. Throws after timeoutMs saying what is still busy.
   */
  async quiet(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let before = await this.activity();
    for (;;) {
      await this.dvControl("POST", "/idle");
      await this.pcControl("GET", `/deliveries?wait=true&timeoutMs=${Math.max(1, Math.min(10_000, deadline - Date.now()))}`);
      await new Promise((r) => setTimeout(r, 25));
      const after = await this.activity();
      if (after.key === before.key && after.busy === 0 && after.pending === 0) return;
      if (Date.now() > deadline) throw new Error(`the sandbox was not quiet after ${timeoutMs} ms: ${after.busy} runs in progress, ${after.pending} webhook deliveries pending`);
      before = after;
    }
  }
}
