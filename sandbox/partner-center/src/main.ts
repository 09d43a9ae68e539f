/**
 * Run the emulator on its own: node out/sandbox/partner-center/src/main.js [--port N]
 * [--certificate-port N] [--state FILE] [--co-sell-create-rules]. Prints the endpoints as JSON; Ctrl-C stops it.
 */
import { SANDBOX_TOKEN, startPartnerCenterEmulator } from "./emulator";

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const port = Number(arg("port") ?? 0);
  const certificatePort = Number(arg("certificate-port") ?? 0);
  if (!Number.isInteger(port) || port < 0 || !Number.isInteger(certificatePort) || certificatePort < 0) {
    throw new Error("--port and --certificate-port must be non-negative integers");
  }
  const emulator = await startPartnerCenterEmulator({ port, certificatePort, statePath: arg("state"), coSellCreateRules: process.argv.includes("--co-sell-create-rules"), log: (l) => process.stderr.write(`${l}\n`) });
  process.stdout.write(`${JSON.stringify({
    referralsBaseUrl: emulator.referralsBaseUrl,
    partnerCenterBaseUrl: emulator.partnerCenterBaseUrl,
    controlUrl: emulator.controlUrl,
    certificateBaseUrl: emulator.certificateBaseUrl,
    allowedCertificateHosts: emulator.allowedCertificateHosts,
    token: emulator.token === SANDBOX_TOKEN ? emulator.token : "(configured)",
  }, null, 2)}\nPress Ctrl-C to stop.\n`);
  const stop = () => {
    void emulator.close().then(() => process.exit(0));
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exit(1);
});
