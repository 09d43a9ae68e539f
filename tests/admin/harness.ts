/**
 * The admin command line against the sandbox as a new environment: `npm start -- --bare` (the three
 * services, nothing installed, one connection per connector), then the commands exactly as an admin
 * runs them (their main() with --sandbox-dir, reading the bare start's endpoints.json), and the
 * public APIs to look at the result.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { DynamicsWebApi } from "dynamics-web-api";
import type { PartnerCenterClient } from "../../plugins-ts/src/partner-center";
import type { DoctorReport } from "../../scripts/src/admin/doctor";
import type { ReconcileReport } from "../../scripts/src/admin/reconcile";
import { main as deployMain } from "../../scripts/src/cli/deploy";
import { main as doctorMain } from "../../scripts/src/cli/doctor";
import { main as reconcileMain } from "../../scripts/src/cli/reconcile";
import { startSandbox, type Sandbox } from "../../scripts/src/sandbox";
import type { SeedOutcome } from "../../scripts/src/sandbox/seed";
import { OPPORTUNITY } from "../../plugins-ts/src/model/schema";
import { sellerShares, type Deal } from "../../scripts/src/sandbox/seller";
import { assertPortsFree, portsFrom } from "../../scripts/src/sandbox/ports";

export interface CliRun {
  code: number;
  out: string;
  err: string;
  /** What the progress bars drew (as on a terminal). */
  progress: string;
}

type Main = (argv: string[], io: { out(l: string): void; err(l: string): void }, deps: { progress?: { write(t: string): void; isTTY: boolean }; pollMs?: number }) => Promise<number>;

export class AdminSandbox {
  dv!: DynamicsWebApi;
  pc!: PartnerCenterClient;
  readonly settingsFile: string;

  private constructor(
    public sb: Sandbox,
    readonly dir: string,
  ) {
    this.settingsFile = path.join(dir, "settings.json");
    this.dv = sb.dataverseClient();
    this.pc = sb.partnerCenterClient();
  }

  /** fixedPorts: a free base port (as `npm start` uses 7100), so a restart keeps every URL. */
  static async start(options: { fixedPorts?: boolean } = {}): Promise<AdminSandbox> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pcs-admin-"));
    return new AdminSandbox(await AdminSandbox.bare(dir, options.fixedPorts ? await freeBasePort() : 0), dir);
  }

  private static bare(dir: string, port = 0): Promise<Sandbox> {
    return startSandbox({
      port,
      stateDir: dir,
      bare: true,
      // Waits (the receiver's pause for an unknown referral, retry back-offs) at 1/1000 of their length.
      flowRunner: { sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms / 1000)) },
      partnerCenter: { sleep: async () => undefined },
    });
  }

  /** Stops the sandbox and starts it again on the same state and ports (started with fixedPorts). */
  async restart(): Promise<void> {
    const port = this.sb.ports.dataverse;
    await this.sb.close();
    // fetch's pooled keep-alive sockets to the old servers (same ports) must notice they closed first
    await new Promise((r) => setTimeout(r, 300));
    this.sb = await AdminSandbox.bare(this.dir, port);
    this.dv = this.sb.dataverseClient();
    this.pc = this.sb.partnerCenterClient();
  }

  async close(): Promise<void> {
    await this.sb.close();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  quiet(): Promise<void> {
    return this.sb.waitForQuiet({ timeoutMs: 30000 });
  }

  /** A seller shares the deal (scripts/src/sandbox/seller.ts); its row once the sync is quiet. */
  async sellerShares(seeded: SeedOutcome, deal: Deal): Promise<Record<string, any>> {
    const id = await sellerShares(this.dv, seeded, deal);
    await this.quiet();
    return (await this.dv.retrieve({ collection: OPPORTUNITY.entitySetName, key: id })) as Record<string, any>;
  }

  private async run(main: Main, args: string[]): Promise<CliRun> {
    const out: string[] = [];
    const err: string[] = [];
    let progress = "";
    const code = await main(["--sandbox-dir", this.dir, ...args], { out: (l) => out.push(l), err: (l) => err.push(l) }, { progress: { write: (t) => (progress += t), isTTY: true }, pollMs: 10 });
    return { code, out: out.join("\n"), err: err.join("\n"), progress };
  }

  deploy(...args: string[]): Promise<CliRun> {
    return this.run(deployMain as Main, args);
  }
  doctor(...args: string[]): Promise<CliRun> {
    return this.run(doctorMain as Main, args);
  }
  reconcile(...args: string[]): Promise<CliRun> {
    return this.run(reconcileMain as Main, args);
  }

  async doctorReport(...args: string[]): Promise<DoctorReport & { code: number }> {
    const r = await this.doctor("--json", ...args);
    return { ...(JSON.parse(r.out) as DoctorReport), code: r.code };
  }
  async reconcileReport(...args: string[]): Promise<ReconcileReport & { code: number }> {
    const r = await this.reconcile("--json", ...args);
    return { ...(JSON.parse(r.out) as ReconcileReport), code: r.code };
  }

  /** A new environment's first deploy: the settings template (with the bare start's connections), then deploy with it. */
  async firstDeploy(): Promise<CliRun> {
    const written = await this.deploy("--write-settings", this.settingsFile);
    if (written.code !== 0) throw new Error(`--write-settings: ${written.err}`);
    const r = await this.deploy("--settings", this.settingsFile);
    if (r.code !== 0) throw new Error(`deploy failed (${r.code}):\n${r.out}\n${r.err}`);
    return r;
  }

  /** Dataverse Web API calls after a sequence number (control API excluded). */
  async dvCalls(after: number): Promise<Array<{ seq: number; method: string; path: string; status: number }>> {
    return ((await (await fetch(`${this.sb.endpoints.dataverse.controlUrl}/calls?after=${after}`)).json()) as { value: Array<{ seq: number; method: string; path: string; status: number }> }).value;
  }
  async dvSeq(): Promise<number> {
    return ((await (await fetch(`${this.sb.endpoints.dataverse.controlUrl}/calls?after=0`)).json()) as { lastSeq: number }).lastSeq;
  }
  async pcCalls(after: number): Promise<Array<{ seq: number; method: string; path: string; status: number }>> {
    return ((await (await fetch(`${this.sb.endpoints.partnerCenter.controlUrl}/calls?after=${after}`)).json()) as { value: Array<{ seq: number; method: string; path: string; status: number }> }).value;
  }
  async pcSeq(): Promise<number> {
    return ((await (await fetch(`${this.sb.endpoints.partnerCenter.controlUrl}/calls?after=0`)).json()) as { lastSeq: number }).lastSeq ?? 0;
  }

  /** Partner Center's control API: a change made there by a Microsoft seller. */
  async changeInPartnerCenter(id: string, change: unknown): Promise<void> {
    const res = await fetch(`${this.sb.endpoints.partnerCenter.controlUrl}/referrals/${id}`, { method: "PATCH", headers: { "Content-Type": "application/json" }, body: JSON.stringify(change) });
    if (!res.ok) throw new Error(`PATCH referral ${id}: ${res.status} ${await res.text()}`);
  }

  async flowId(name: string): Promise<string> {
    const r = await this.dv.retrieveMultiple({ collection: "workflows", select: ["workflowid"], filter: `name eq '${name.replace(/'/g, "''")}' and category eq 5` });
    return r.value![0].workflowid as string;
  }
  async setFlow(name: string, on: boolean): Promise<void> {
    await this.dv.update({ collection: "workflows", key: await this.flowId(name), data: on ? { statecode: 1, statuscode: 2 } : { statecode: 0, statuscode: 1 } });
  }
}

/** A base port whose five ports are free (random in 20000–59999, tried until one is). */
async function freeBasePort(): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const base = 20000 + Math.floor(Math.random() * 40000);
    try {
      await assertPortsFree("127.0.0.1", portsFrom(base), "the test");
      return base;
    } catch {
      // taken: try another
    }
  }
  throw new Error("no free base port found");
}

export const codes = (r: DoctorReport, severity?: "error" | "warning"): string[] => r.findings.filter((f) => (severity ? f.severity === severity : f.severity !== "ok")).map((f) => f.code);
