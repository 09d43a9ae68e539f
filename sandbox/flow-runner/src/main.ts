/**
 * Standalone flow runner:
 *   node out/sandbox/flow-runner/src/main.js [--port 7072] [--host 127.0.0.1]
 *        [--dataverse-url http://127.0.0.1:5555] [--dataverse-token TOKEN] [--sleep-scale 1]
 * Prints {"url": …} as JSON once listening; Ctrl-C stops it. The token can also come from
 * $FLOW_RUNNER_DATAVERSE_TOKEN (kept out of the process list).
 */
import { startFlowRunner } from "./service/server";

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function start(): Promise<void> {
  const fr = await startFlowRunner({
    port: Number(arg("--port") ?? 0),
    host: arg("--host") ?? "127.0.0.1",
    dataverseUrl: arg("--dataverse-url"),
    dataverseToken: arg("--dataverse-token") ?? process.env.FLOW_RUNNER_DATAVERSE_TOKEN,
    sleepScale: arg("--sleep-scale") !== undefined ? Number(arg("--sleep-scale")) : 1,
  });
  process.stdout.write(JSON.stringify({ url: fr.url }) + "\n");
  const stop = () => void fr.close().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

if (require.main === module) {
  start().catch((e) => {
    process.stderr.write(`flow runner failed to start: ${(e as Error).message}\n`);
    process.exit(1);
  });
}
