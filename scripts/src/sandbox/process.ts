/**
 * The sandbox as a separate process (`npm start` in a child, ./child-main.ts), for the tests and
 * benchmarks that kill it: start it on a state folder, kill it with SIGKILL (nothing runs after: no
 * close, no save), start it again on the same folder.
 *
 *   const sp = await startSandboxProcess({ stateDir, timeScale: 0.001 });
 *   sp.endpoints            // as endpoints.json: URLs, tokens (new ports at every start)
 *   await sp.advanceClock(3_600_000);   // the services' clocks an hour on (IPC)
 *   await sp.kill();        // SIGKILL, then waits for the process to be gone
 *   const again = await startSandboxProcess({ stateDir, timeScale: 0.001 });
 *   await again.stop();     // SIGTERM: npm start's clean stop (state saved)
 *
 * The child runs the compiled JavaScript in out/ (npm run build, which `npm test` runs first); when
 * out/ is older than a source file, `npm run compile` brings it up to date first.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { repoRoot } from "../cli/common";
import type { SandboxEndpoints } from "./endpoints";

/** What the child prints once it is up, followed by its endpoints as JSON. */
export const READY_PREFIX = "PCS_SANDBOX_READY ";
/** The environment variable the child reads its ChildConfig from. */
export const CHILD_ENV = "PCS_SANDBOX_CHILD";

export interface ChildConfig {
  stateDir: string;
  /** Multiplies every wait of the flows and of webhook re-deliveries (default 1). */
  timeScale?: number;
  /** How far ahead of the machine's clock the services' clocks start (default 0). */
  clockOffsetMs?: number;
}

export interface SandboxProcessOptions extends ChildConfig {
  /** Give up starting after this long (default 60 s). */
  startTimeoutMs?: number;
  /** Every line the child prints (default: kept, the last 300 lines in output()). */
  onLine?: (line: string) => void;
}

export interface SandboxProcess {
  pid: number;
  endpoints: SandboxEndpoints;
  /** The child's last lines of output (start-up, one line per run, errors). */
  output(): string[];
  /** SIGKILL: the process ends at once, between any two instructions. Resolves once it is gone. */
  kill(): Promise<void>;
  /** SIGTERM: npm start's own stop (services closed, state saved). Resolves once it is gone. */
  stop(): Promise<void>;
  /** Moves the services' clocks on (never back); resolves with the offset from the machine's clock. */
  advanceClock(ms: number): Promise<number>;
  /** Whether the process has ended. */
  readonly exited: boolean;
}

const SOURCE_TREES = ["scripts/src", "sandbox/dataverse/src", "sandbox/partner-center/src", "sandbox/flow-runner/src", "sandbox/shared/src", "plugins-ts/src", "flows/src"];

function newestSource(root: string): number {
  let newest = 0;
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      if (e.name === "__tests__" || e.name === "node_modules") continue;
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".ts") && !e.name.endsWith(".test.ts")) newest = Math.max(newest, fs.statSync(p).mtimeMs);
    }
  };
  for (const t of SOURCE_TREES) if (fs.existsSync(path.join(root, t))) walk(path.join(root, t));
  return newest;
}

let compiledChecked = false;

/** out/scripts/src/sandbox/child-main.js, compiled again when a source is newer than it. */
export function compiledChild(root = repoRoot()): string {
  const js = path.join(root, "out", "scripts", "src", "sandbox", "child-main.js");
  if (compiledChecked && fs.existsSync(js)) return js;
  const stamp = path.join(root, "out", ".tsbuildinfo");
  const built = fs.existsSync(js) && fs.existsSync(stamp) ? fs.statSync(stamp).mtimeMs : 0;
  if (built < newestSource(root)) {
    const npm = process.platform === "win32" ? "npm.cmd" : "npm";
    const r = spawnSync(npm, ["run", "compile", "--silent"], { cwd: root, encoding: "utf8" });
    if (r.status !== 0) throw new Error(`npm run compile failed:\n${r.stdout}${r.stderr}`);
  }
  compiledChecked = true;
  return js;
}

export async function startSandboxProcess(options: SandboxProcessOptions): Promise<SandboxProcess> {
  const root = repoRoot();
  const script = compiledChild(root);
  const config: ChildConfig = {
    stateDir: options.stateDir,
    ...(options.timeScale !== undefined ? { timeScale: options.timeScale } : {}),
    ...(options.clockOffsetMs !== undefined ? { clockOffsetMs: options.clockOffsetMs } : {}),
  };
  const child: ChildProcess = spawn(process.execPath, [script], {
    cwd: root,
    env: { ...process.env, [CHILD_ENV]: JSON.stringify(config) },
    stdio: ["ignore", "pipe", "pipe", "ipc"],
  });
  const lines: string[] = [];
  let exited = false;
  const gone = new Promise<void>((resolve) => child.once("exit", () => ((exited = true), resolve())));
  let ready!: (e: SandboxEndpoints) => void;
  let failed!: (e: Error) => void;
  const started = new Promise<SandboxEndpoints>((res, rej) => ((ready = res), (failed = rej)));
  const keep = (line: string) => {
    lines.push(line);
    if (lines.length > 300) lines.shift();
    options.onLine?.(line);
    if (line.startsWith(READY_PREFIX)) ready(JSON.parse(line.slice(READY_PREFIX.length)) as SandboxEndpoints);
  };
  for (const stream of [child.stdout!, child.stderr!]) {
    let rest = "";
    // Always drained: a child whose pipe is full would stop.
    stream.on("data", (chunk: Buffer) => {
      const parts = (rest + chunk.toString("utf8")).split("\n");
      rest = parts.pop() ?? "";
      parts.forEach(keep);
    });
  }
  void gone.then(() => failed(new Error(`the sandbox process ended before it was up (exit ${child.exitCode ?? child.signalCode}):\n${lines.slice(-40).join("\n")}`)));
  const timeoutMs = options.startTimeoutMs ?? 60_000;
  const timer = setTimeout(() => failed(new Error(`the sandbox process was not up after ${timeoutMs} ms:\n${lines.slice(-40).join("\n")}`)), timeoutMs);
  let endpoints: SandboxEndpoints;
  try {
    endpoints = await started;
  } catch (e) {
    child.kill("SIGKILL");
    await gone;
    throw e;
  } finally {
    clearTimeout(timer);
  }
  const end = async (signal: NodeJS.Signals): Promise<void> => {
    if (!exited) child.kill(signal);
    await gone;
  };
  const advanceClock = (ms: number): Promise<number> =>
    new Promise((resolve, reject) => {
      if (exited) return reject(new Error("the sandbox process has ended"));
      child.once("message", (m: { clockOffsetMs?: number }) => resolve(m.clockOffsetMs ?? 0));
      child.send({ advanceClockMs: ms });
    });
  return {
    pid: child.pid!,
    endpoints,
    advanceClock,
    output: () => [...lines],
    kill: () => end("SIGKILL"),
    stop: () => end("SIGTERM"),
    get exited() {
      return exited;
    },
  };
}
