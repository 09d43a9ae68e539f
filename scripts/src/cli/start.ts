/**
 * `npm start [-- --port <n>] [--reset]`: the local sandbox (see HELP below and ../sandbox/).
 * package.json runs `npm run build` first, so the zip imported is the one just built.
 */
import { DEFAULT_BASE_PORT, DEFAULT_MAX_RUNS, displayPath, parseBasePort, PORT_ENV, SandboxPortError, SandboxSeedError, SandboxSolutionError, SandboxStateError, startSandbox, type Sandbox, type SandboxOptions } from "../sandbox";
import { parseArgs, processIo, UsageError, type Io } from "./common";

export const HELP = `npm start [-- --port <n>] [--reset] [--bare] [--max-runs <n>] [--help]

Builds the solution (npm run build), then runs a local stand-in for the cloud on 127.0.0.1 until
you stop it: a Dataverse Web API emulator, a Partner Center emulator and a cloud-flow runner.
Like an admin setting up a new environment, it
  1. imports the managed solution zip from dist/ (ImportSolutionAsync through the Web API),
  2. creates a connection for each connection reference and sets it on the reference,
  3. turns every cloud flow on, child flows before the flows that call them,
  4. registers the Partner Center webhook: runs "Partner Center Webhook Registration" with the
     callback URL of "Partner Center to Dynamics 365", the four referral events, overwrite = Yes,
  5. seeds a few Microsoft Solution Details, the account "Contoso Customer Inc" and a contact,
  6. serves the web app: the opportunity and lead forms from the zip with the shipped form script
     and PCF controls on the emulated Dataverse, Partner Center as Microsoft sees it, flow runs,
  7. writes the URLs and bearer tokens to .sandbox/endpoints.json and prints them.
A flow the solution does not contain yet is reported, not an error.

Options
  --port <n>  base port (default ${DEFAULT_BASE_PORT}, or $${PORT_ENV}): Dataverse on n, Partner Center on
              n+1, its certificate host on n+2, the flow runner on n+3, the web app on n+4.
              0: ports the OS picks.
  --reset     delete the saved state first and start from a fresh environment.
  --bare      a new environment with nothing installed: only the three services, and one
              connection per connector (as an admin makes them in Power Automate), for the admin
              command line to set up as it would a real one:
                npm run deploy -- --sandbox --settings <file>   (then npm run doctor -- --sandbox)
              State lives in .sandbox-bare/ (kept between starts like .sandbox/; --reset empties it).
  --max-runs <n>  flow runs kept in run history (default ${DEFAULT_MAX_RUNS}); older ones are dropped.
  --help      this text.

While it runs it prints one line per sync run (flow, record, outcome; a failed run names its history
page) and one per error a service reports. Tokens and callback-URL signatures are never printed in
full: they are in .sandbox/endpoints.json (readable by you only).

State (default: reuse). A start reuses what the previous run saved in .sandbox/:
  dataverse.json       the environment: installed solution, flows and whether they are on,
                       connection references, environment variable values, every row;
  partner-center.json  referrals and the webhook registration;
  *.journal            every write either emulator acknowledged since those files were last
                       rewritten (saved before the answer, so even kill -9 loses none of them),
                       and the flow runs in progress;
  sandbox.json         the key that signs the flow runner's callback URLs (they stay the same on
                       the same port).
On such a start the zip is imported only when its version is newer than the installed one; the
connections are created again and the flows turned on again (flow run history starts empty, but
for runs a kill interrupted, shown as Failed); the webhook is registered again (overwrite = Yes);
seed rows that exist are not created again (matched by solution id, account name, contact e-mail).
Your own rows and referrals stay. --reset deletes those files and endpoints.json before starting.

Stop with Ctrl-C (or SIGTERM to the process id shown): every service stops and the state is
saved. Example: npm start -- --port 7200 --reset`;

export interface StartDeps {
  /** Resolves with the signal name when the sandbox should stop (default: SIGINT / SIGTERM). */
  waitForStop?: () => Promise<string>;
  /** Overrides for tests (state folder, zip, emulator options). */
  sandbox?: Partial<SandboxOptions>;
  /** Called once the sandbox is up (tests). */
  onStarted?: (sb: Sandbox) => void | Promise<void>;
}

/** SIGINT / SIGTERM; a repeated signal within 2 s is the same request (a terminal's Ctrl-C reaches npm and node both). A later one exits at once. */
function processSignals(io: Io): () => Promise<string> {
  return () =>
    new Promise((resolve) => {
      let first = 0;
      const onSignal = (sig: NodeJS.Signals): void => {
        if (!first) {
          first = Date.now();
          resolve(sig);
          return;
        }
        if (Date.now() - first > 2000) {
          io.err("Stopping at once (state may not be saved).");
          process.exit(130);
        }
      };
      process.on("SIGINT", onSignal);
      process.on("SIGTERM", onSignal);
    });
}

export async function main(argv: string[], io: Io = processIo, deps: StartDeps = {}): Promise<number> {
  let opts: Record<string, string | boolean>;
  let port: number | undefined;
  let maxRuns: number | undefined;
  try {
    const parsed = parseArgs(argv, { values: ["port", "max-runs"], flags: ["reset", "bare", "help"] });
    if (parsed.positionals.length) throw new UsageError(`unexpected argument ${parsed.positionals[0]}`);
    opts = parsed.opts;
    if (opts.port !== undefined) port = parseBasePort(String(opts.port), "--port");
    if (opts["max-runs"] !== undefined) {
      maxRuns = Number(opts["max-runs"]);
      if (!Number.isInteger(maxRuns) || maxRuns < 1) throw new UsageError(`--max-runs must be a positive whole number, not '${String(opts["max-runs"])}'`);
    }
  } catch (e) {
    if (e instanceof UsageError || e instanceof SandboxPortError) {
      io.err(`start: ${e.message}\nusage: npm start [-- --port <n>] [--reset] [--bare] [--max-runs <n>] [--help]`);
      return 2;
    }
    throw e;
  }
  if (opts.help) {
    io.out(HELP);
    return 0;
  }

  let sb: Sandbox;
  try {
    sb = await startSandbox({
      ...(port !== undefined ? { port } : {}),
      ...(maxRuns !== undefined ? { maxRuns } : {}),
      reset: opts.reset === true,
      bare: opts.bare === true,
      log: (l) => io.out(l),
      ...deps.sandbox,
    });
  } catch (e) {
    if (e instanceof SandboxPortError || e instanceof SandboxStateError || e instanceof SandboxSolutionError || e instanceof SandboxSeedError) {
      io.err(`start: ${e.message}`);
      return 1;
    }
    io.err(`start: the sandbox could not start: ${(e as Error).message}`);
    return 1;
  }
  const endpointsFile = sb.stateFiles ? displayPath(sb.stateFiles.endpoints) : undefined;
  io.out("");
  io.out(`The sandbox is running (process ${process.pid}). Stop it with Ctrl-C, or: kill ${process.pid}`);
  if (endpointsFile) io.out(`Endpoints and tokens: ${endpointsFile}`);
  if (opts.bare) io.out("Nothing is installed. Set it up as a real environment: npm run deploy -- --sandbox --write-settings settings.json, edit it, then npm run deploy -- --sandbox --settings settings.json");
  if (sb.web) io.out(`Open ${sb.web.url} in a browser: opportunities and leads on the real form, Partner Center as Microsoft, the flow runs.`);
  await deps.onStarted?.(sb);

  const signal = await (deps.waitForStop ?? processSignals(io))();
  io.out(`\n${signal}: stopping ${sb.web ? "the web app, " : ""}the flow runner, the Dataverse emulator and the Partner Center emulator…`);
  await sb.close();
  const again = opts.bare ? "npm start -- --bare" : "npm start";
  io.out(sb.stateFiles ? `Stopped. State saved in ${displayPath(sb.stateFiles.dir)}/ (${again} reuses it; ${again === "npm start" ? "npm start -- --reset" : `${again} --reset`} starts fresh).` : "Stopped.");
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
      // every server is closed; do not let a stray timer keep the process up
      setTimeout(() => process.exit(code), 1000).unref();
    },
    (e) => {
      process.stderr.write(`start: ${(e as Error).stack ?? e}\n`);
      process.exit(1);
    },
  );
}
