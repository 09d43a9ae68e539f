/**
 * The real build output: the managed zip `npm run build` wrote to dist/ imports and the sandbox
 * starts, every flow it contains turned on (the flows step reports whatever flows exist); and the
 * `npm start` command line: --help, bad options, a start stopped by a signal that saves the state.
 * (`npm test` builds first; run `npm run build` before running this file alone.)
 */
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { HELP, main } from "../../cli/start";
import { workflows } from "../../solution/components";
import { normGuid } from "../../solution/package";
import { readSolutionZip } from "../../solution/pack";
import { attr } from "../../solution/xml";
import { REPO } from "../../solution/__tests__/fixture";
import { findManagedZip, RECEIVER_FLOW_NAME, REGISTRATION_FLOW_NAME, SandboxPortError, startSandbox, type Sandbox } from "..";

jest.setTimeout(60_000);

const tmp: string[] = [];
const mkdir = (): string => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), "pcs-sandbox-real-"));
  tmp.push(d);
  return d;
};
afterAll(() => tmp.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

it("imports the managed zip in dist/ and turns on every flow it contains", async () => {
  const zipPath = findManagedZip(path.join(REPO, "dist"));
  const pkg = readSolutionZip(new Uint8Array(fs.readFileSync(zipPath)), zipPath);
  const shipped = workflows(pkg).map((w) => ({ id: normGuid(attr(w, "WorkflowId")), name: attr(w, "Name") ?? "" }));
  const lines: string[] = [];
  const sb = await startSandbox({ port: 0, stateDir: mkdir(), log: (l) => lines.push(l), flowRunner: { sleepScale: 0 } });
  try {
    expect(sb.report.solution).toMatchObject({ action: "imported", managed: true, zipPath: expect.stringMatching(/_managed\.zip$/) });
    expect(sb.report.connections.map((c) => c.status)).toEqual(sb.report.connections.map(() => "bound"));
    expect(sb.report.connections.map((c) => c.apiName).sort()).toEqual(["shared_commondataserviceforapps", "shared_partnercenterevents", "shared_partnercenterref"]);
    expect(sb.report.flows.map((f) => f.id).sort()).toEqual(shipped.map((f) => f.id).sort());
    const notOn = sb.report.flows.filter((f) => f.status !== "on").map((f) => `${f.name}: ${f.message}`);
    expect(notOn).toEqual([]);
    if (!shipped.length) expect(lines).toContain("Flows: the solution has no cloud flows yet: nothing to turn on");
    const hasBoth = [RECEIVER_FLOW_NAME, REGISTRATION_FLOW_NAME].every((n) => shipped.some((f) => f.name === n));
    if (hasBoth) expect(sb.report.webhook).toMatchObject({ status: "registered" });
    else expect(sb.report.webhook.message).toMatch(/^webhook not registered: the solution has no flow "/);
    expect(sb.report.seed?.account.created).toBe(true);
  } finally {
    await sb.close();
  }
});

describe("npm start (scripts/src/cli/start.ts)", () => {
  const io = () => {
    const out: string[] = [];
    const err: string[] = [];
    return { out, err, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) } };
  };

  it("--help says what it does, the options and exactly what is reused", async () => {
    const o = io();
    expect(await main(["--help"], o.io)).toBe(0);
    expect(o.out.join("\n")).toBe(HELP);
    for (const s of ["--port <n>", "--reset", "--max-runs <n>", "$PCS_SANDBOX_PORT", "dataverse.json", "partner-center.json", "only when its version is newer", "not created again", "Ctrl-C", "endpoints.json", "one line per sync run"]) expect(HELP).toContain(s);
  });

  it("refuses a bad port or an unknown option with a usage message and starts nothing", async () => {
    const a = io();
    expect(await main(["--port", "abc"], a.io)).toBe(2);
    expect(a.err.join("\n")).toContain('start: --port is "abc"; it must be 0');
    const b = io();
    expect(await main(["--verbose"], b.io)).toBe(2);
    expect(b.err.join("\n")).toMatch(/start: unknown option --verbose\nusage: npm start/);
    const c = io();
    expect(await main(["--max-runs", "0"], c.io)).toBe(2);
    expect(c.err.join("\n")).toContain("start: --max-runs must be a positive whole number, not '0'");
  });

  it("a busy port is named, with what to do", async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, "127.0.0.1", () => r()));
    const busy = (blocker.address() as net.AddressInfo).port;
    const base = busy <= 65531 ? busy : busy - 4;
    try {
      await expect(startSandbox({ port: base, stateDir: null })).rejects.toThrow(SandboxPortError);
      await expect(startSandbox({ port: base, stateDir: null })).rejects.toThrow(new RegExp(`127\\.0\\.0\\.1:${busy} \\([^)]+\\): already in use.*pick another base port with --port`));
    } finally {
      await new Promise((r) => blocker.close(r));
    }
  });

  it("starts, prints the endpoints and how to stop, and on a signal stops everything and saves the state", async () => {
    const dir = mkdir();
    const o = io();
    let sb: Sandbox | undefined;
    const code = await main(["--port", "0", "--reset"], o.io, {
      sandbox: { stateDir: dir, flowRunner: { sleepScale: 0 } },
      onStarted: (s) => {
        sb = s;
      },
      waitForStop: async () => "SIGINT",
    });
    expect(o.err).toEqual([]);
    expect(code).toBe(0);
    const text = o.out.join("\n");
    expect(text).toContain(`The sandbox is running (process ${process.pid}). Stop it with Ctrl-C, or: kill ${process.pid}`);
    expect(text).toContain(sb!.endpoints.dataverse.webApiUrl);
    expect(text).toContain(`Open ${sb!.web!.url} in a browser`);
    expect(text).toContain("SIGINT: stopping the web app, the flow runner, the Dataverse emulator and the Partner Center emulator…");
    expect(text).toMatch(/Stopped\. State saved in .*\/ \(npm start reuses it; npm start -- --reset starts fresh\)\./);
    const written = JSON.parse(fs.readFileSync(path.join(dir, "endpoints.json"), "utf8"));
    expect(written.dataverse.webApiUrl).toBe(sb!.endpoints.dataverse.webApiUrl);
    expect(written.web.url).toBe(sb!.web!.url);
    const saved = fs.readFileSync(path.join(dir, "dataverse.json"), "utf8");
    expect(saved).toContain("Contoso Customer Inc");
    expect(fs.existsSync(path.join(dir, "sandbox.lock"))).toBe(false);
    await expect(fetch(sb!.endpoints.flowRunner.url)).rejects.toThrow();
    await expect(fetch(sb!.web!.url)).rejects.toThrow();
  });
});
