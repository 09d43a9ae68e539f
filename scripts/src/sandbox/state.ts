/**
 * What the sandbox keeps between runs, all under one folder (default <repo>/.sandbox/, git-ignored):
 *
 *   dataverse.json       the Dataverse emulator's store: the imported solution, flows and their
 *                        on/off state, connection references and their connectionid, environment
 *                        variable values, every business row (a snapshot, rewritten now and then)
 *   dataverse.json.journal  every commit since that snapshot, fsynced before the request is answered
 *   partner-center.json  the Partner Center emulator's state: referrals, the webhook registration,
 *                        validation events (a snapshot, rewritten now and then)
 *   partner-center.json.journal  every change since that snapshot, fsynced before it is answered
 *   flow-runs.journal    the flow runner's runs in progress (started, ended): a run in progress when
 *                        the sandbox was killed shows as Failed at the next start
 *   sandbox.json         the sandbox's own: the key that signs the flow runner's trigger callback
 *                        URLs (so the registered webhook URL stays valid across restarts on the same
 *                        port) and when the state was created
 *   endpoints.json       written at every start: URLs and tokens (see ./endpoints.ts)
 *   sandbox.lock         the process id of the sandbox using this folder, while it runs
 *
 * So a sandbox killed at any moment (kill -9) loses nothing either emulator acknowledged. The flow
 * runner keeps only flow-runs.journal: its connections are re-created (same ids) and the flows that
 * are on are turned on again at every start; run history starts with the runs the kill interrupted.
 *
 * Every file here may hold a secret (signatures of callback URLs, the signing key, tokens), so the
 * folder is 0700 and every file 0600: writeOwnerOnly() for ours, the emulators write theirs so too,
 * and protectState() tightens files an older version left readable.
 */
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

export interface StateFiles {
  dir: string;
  dataverse: string;
  dataverseJournal: string;
  partnerCenter: string;
  partnerCenterJournal: string;
  flowRuns: string;
  sandbox: string;
  endpoints: string;
  lock: string;
}

/** A path for messages: relative to the working folder when inside it, else absolute. */
export function displayPath(p: string): string {
  const rel = path.relative(process.cwd(), p);
  return rel && !rel.startsWith("..") && !path.isAbsolute(rel) ? rel : p;
}

export function stateFiles(dir: string): StateFiles {
  return {
    dir,
    dataverse: path.join(dir, "dataverse.json"),
    // the emulators name their journals so (sandbox/shared/src/journal.ts)
    dataverseJournal: path.join(dir, "dataverse.json.journal"),
    partnerCenter: path.join(dir, "partner-center.json"),
    partnerCenterJournal: path.join(dir, "partner-center.json.journal"),
    flowRuns: path.join(dir, "flow-runs.journal"),
    sandbox: path.join(dir, "sandbox.json"),
    endpoints: path.join(dir, "endpoints.json"),
    lock: path.join(dir, "sandbox.lock"),
  };
}

export class SandboxStateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SandboxStateError";
  }
}

/** True when a previous run left emulator state to reuse. */
export function hasSavedState(f: StateFiles): boolean {
  return [f.dataverse, f.dataverseJournal, f.partnerCenter, f.partnerCenterJournal].some((p) => fs.existsSync(p));
}

/** Every file of the saved state (not the lock). */
const savedFiles = (f: StateFiles): string[] => [f.dataverse, f.dataverseJournal, f.partnerCenter, f.partnerCenterJournal, f.flowRuns, f.sandbox, f.endpoints];

/** --reset: removes the saved state files (nothing else in the folder). */
export function wipeState(f: StateFiles): string[] {
  const removed: string[] = [];
  for (const p of savedFiles(f)) {
    if (fs.existsSync(p)) {
      fs.rmSync(p, { force: true });
      removed.push(p);
    }
  }
  return removed;
}

export interface SandboxOwnState {
  /** Signs the flow runner's callback URLs (sig). Local to this machine, never printed. */
  signingKey: string;
  createdAt: string;
}

/** Write a file only its owner can read (also when it existed before with a wider mode). */
export function writeOwnerOnly(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  fs.writeFileSync(file, text, { mode: 0o600 });
  fs.chmodSync(file, 0o600);
}

/** The state folder 0700 and every file in it 0600 (files an older version left readable included). */
export function protectState(f: StateFiles): void {
  fs.mkdirSync(f.dir, { recursive: true, mode: 0o700 });
  fs.chmodSync(f.dir, 0o700);
  for (const p of savedFiles(f)) if (fs.existsSync(p)) fs.chmodSync(p, 0o600);
}

export function loadOwnState(f: StateFiles, now: () => Date = () => new Date()): SandboxOwnState {
  if (fs.existsSync(f.sandbox)) {
    try {
      const s = JSON.parse(fs.readFileSync(f.sandbox, "utf8")) as Partial<SandboxOwnState>;
      if (typeof s.signingKey === "string" && s.signingKey.length >= 32) return { signingKey: s.signingKey, createdAt: String(s.createdAt ?? "") };
    } catch {
      // rewritten below
    }
  }
  const s: SandboxOwnState = { signingKey: randomBytes(32).toString("base64url"), createdAt: now().toISOString() };
  writeOwnerOnly(f.sandbox, JSON.stringify(s, null, 2) + "\n");
  return s;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Claims the state folder for this process; refuses while another live sandbox holds it (two
 * processes writing the same state files would corrupt them). A lock left by a process that is gone
 * is taken over. Returns the release function.
 */
const heldHere = new Set<string>();

export function lockState(f: StateFiles): () => void {
  protectState(f);
  const key = path.resolve(f.lock);
  if (heldHere.has(key)) throw new SandboxStateError(`A sandbox in this process is already using ${f.dir}. Close it first.`);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(f.lock, String(process.pid), { flag: "wx" });
      heldHere.add(key);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        heldHere.delete(key);
        try {
          if (fs.readFileSync(f.lock, "utf8").trim() === String(process.pid)) fs.rmSync(f.lock, { force: true });
        } catch {
          // already gone
        }
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      const pid = Number(fs.readFileSync(f.lock, "utf8").trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && pidAlive(pid)) {
        throw new SandboxStateError(`Another sandbox (process ${pid}) is using ${f.dir}. Stop it first (Ctrl-C in its terminal, or kill ${pid}).`);
      }
      fs.rmSync(f.lock, { force: true }); // stale: its process is gone
    }
  }
  throw new SandboxStateError(`Cannot lock ${f.lock}.`);
}
