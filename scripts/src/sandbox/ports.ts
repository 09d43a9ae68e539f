/**
 * One base port for the whole sandbox. Every listener is on loopback; with base port P:
 *
 *   P     Dataverse Web API emulator   (Web API at /api/data/v9.2/, control API at /_emulator)
 *   P+1   Partner Center emulator      (Referrals API, webhook registration API, control API)
 *   P+2   Partner Center certificate host (HTTPS; the X-MS-Certificate-Url of signed webhooks)
 *   P+3   cloud-flow runner            (connections, flows, runs, trigger callbacks)
 *   P+4   web app                      (the page: forms, Partner Center, run history; sandbox/web)
 *
 * Base port 0 gives every listener its own OS-picked port (what tests use).
 */
import * as net from "node:net";

export const DEFAULT_BASE_PORT = 7100;
/** Environment variable that overrides the default base port (`--port` wins over it). */
export const PORT_ENV = "PCS_SANDBOX_PORT";

export interface SandboxPorts {
  dataverse: number;
  partnerCenter: number;
  partnerCenterCertificates: number;
  flowRunner: number;
  web: number;
}

export const PORT_ROLES: Record<keyof SandboxPorts, string> = {
  dataverse: "Dataverse emulator",
  partnerCenter: "Partner Center emulator",
  partnerCenterCertificates: "Partner Center certificate host",
  flowRunner: "flow runner",
  web: "web app",
};

export class SandboxPortError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SandboxPortError";
  }
}

export function portsFrom(base: number): SandboxPorts {
  if (base === 0) return { dataverse: 0, partnerCenter: 0, partnerCenterCertificates: 0, flowRunner: 0, web: 0 };
  return { dataverse: base, partnerCenter: base + 1, partnerCenterCertificates: base + 2, flowRunner: base + 3, web: base + 4 };
}

/** A base port from the command line or the environment: 0 (OS picks), or 1024–65531 so P+4 fits. */
export function parseBasePort(text: string, source: string): number {
  const n = /^\d+$/.test(text.trim()) ? Number(text.trim()) : NaN;
  if (n === 0) return 0;
  if (!Number.isInteger(n) || n < 1024 || n > 65531) {
    throw new SandboxPortError(`${source} is "${text}"; it must be 0 (every service on a port the OS picks) or a base port from 1024 to 65531 (the sandbox uses it and the next four).`);
  }
  return n;
}

function tryListen(host: string, port: number): Promise<NodeJS.ErrnoException | undefined> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once("error", (e: NodeJS.ErrnoException) => resolve(e));
    s.listen({ port, host, exclusive: true }, () => s.close(() => resolve(undefined)));
  });
}

/** Fails with one clear message naming every busy port (before anything is started). */
export async function assertPortsFree(host: string, ports: SandboxPorts, baseSource: string): Promise<void> {
  const busy: string[] = [];
  for (const [role, port] of Object.entries(ports) as Array<[keyof SandboxPorts, number]>) {
    if (port === 0) continue;
    const e = await tryListen(host, port);
    if (e) busy.push(`${host}:${port} (${PORT_ROLES[role]}): ${e.code === "EADDRINUSE" ? "already in use" : e.message}`);
  }
  if (busy.length) {
    throw new SandboxPortError(
      `Cannot start the sandbox: ${busy.join("; ")}. Is another sandbox running? Stop it (Ctrl-C in its terminal), or pick another base port with ${baseSource}.`,
    );
  }
}
