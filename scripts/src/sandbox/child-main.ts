/**
 * `npm start` in a child process, for the tests and benchmarks that kill it (./process.ts): the same
 * main() as `npm start` (same steps, same state folder handling, same stop on SIGINT / SIGTERM), on
 * ports the OS picks, without the web page, configured by the environment variable
 * PCS_SANDBOX_CHILD (JSON ChildConfig):
 * - stateDir: the state folder;
 * - timeScale: multiplies every flow wait and retry back-off and Partner Center's webhook re-delivery
 *   waits, as the end-to-end tests do in process;
 * - clockOffsetMs: how far ahead of the machine's clock the three services' clocks run (Dataverse's
 *   createdon/modifiedon, Partner Center's write times, the flows' utcNow()). The parent moves it on
 *   with an IPC message `{ advanceClockMs }` (answered `{ clockOffsetMs }`), e.g. an hour before it
 *   fires the hourly recovery, as the cloud would an hour later.
 * Prints `PCS_SANDBOX_READY <endpoints JSON>` once it is up.
 */
import { main } from "../cli/start";
import { processIo } from "../cli/common";
import { CHILD_ENV, READY_PREFIX, type ChildConfig } from "./process";

if (require.main === module) {
  let config: ChildConfig;
  try {
    config = JSON.parse(process.env[CHILD_ENV] ?? "") as ChildConfig;
    if (typeof config.stateDir !== "string" || !config.stateDir) throw new Error("stateDir is missing");
  } catch (e) {
    process.stderr.write(`child-main: ${CHILD_ENV} must be JSON with a stateDir: ${(e as Error).message}\n`);
    process.exit(2);
  }
  const scale = config.timeScale ?? 1;
  const wait = (ms: number) => new Promise<void>((r) => setTimeout(r, ms * scale));
  let offset = config.clockOffsetMs ?? 0;
  process.on("message", (m: { advanceClockMs?: unknown }) => {
    if (typeof m?.advanceClockMs === "number" && m.advanceClockMs >= 0) offset += m.advanceClockMs;
    process.send?.({ clockOffsetMs: offset });
  });
  const now = () => new Date(Date.now() + offset);
  main(["--port", "0"], processIo, {
    sandbox: {
      stateDir: config.stateDir,
      web: false,
      dataverse: { clock: now },
      partnerCenter: { sleep: wait, now },
      flowRunner: { sleep: wait, clock: () => Date.now() + offset },
    },
    onStarted: (sb) => {
      process.stdout.write(`${READY_PREFIX}${JSON.stringify(sb.endpoints)}\n`);
    },
  }).then(
    (code) => process.exit(code),
    (e) => {
      process.stderr.write(`child-main: ${(e as Error).stack ?? e}\n`);
      process.exit(1);
    },
  );
}
