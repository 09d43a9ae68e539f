/**
 * `npm start` in a child process, for the tests and benchmarks that kill it (./process.ts): the same
 * main() as `npm start` (same steps, same state folder handling, same stop on SIGINT / SIGTERM), on
 * ports the OS picks, without the web page, with the state folder and a wait scale from the
 * environment variable PCS_SANDBOX_CHILD (JSON: `{ "stateDir": "…", "timeScale": 0.001 }`; the scale
 * shortens every flow wait and retry back-off and Partner Center's webhook re-delivery waits, as the
 * end-to-end tests do in process). Prints `PCS_SANDBOX_READY <endpoints JSON>` once it is up.
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
  main(["--port", "0"], processIo, {
    sandbox: { stateDir: config.stateDir, web: false, flowRunner: { sleep: wait }, partnerCenter: { sleep: wait } },
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
