import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { join, resolve } from "node:path";
import type { AddressInfo } from "node:net";
import { DynamicsWebApi } from "dynamics-web-api";
import { startDataverseEmulator, type DataverseEmulator, type DataverseEmulatorOptions } from "../src";

export interface Harness {
  emu: DataverseEmulator;
  api: DynamicsWebApi;
}

export async function startHarness(options: DataverseEmulatorOptions = {}): Promise<Harness> {
  const emu = await startDataverseEmulator({ port: 0, ...options });
  const api = new DynamicsWebApi({
    serverUrl: emu.url,
    dataApi: { version: "9.2" },
    onTokenRefresh: async () => emu.token,
    propagateErrors: true,
  });
  return { emu, api };
}

/** The error a dynamics-web-api call rejects with (status, code, message). */
export async function failure(p: Promise<unknown>): Promise<{ status: number; code: string; message: string }> {
  try {
    await p;
  } catch (e) {
    const err = e as { status?: number; code?: string; message?: string };
    return { status: err.status ?? 0, code: err.code ?? "", message: err.message ?? "" };
  }
  throw new Error("expected the call to fail, it succeeded");
}

/** Raw HTTP against the emulator (for wire details dynamics-web-api hides). */
export async function raw(emu: DataverseEmulator, method: string, path: string, init: { body?: unknown; headers?: Record<string, string>; auth?: boolean } = {}) {
  const headers: Record<string, string> = { Accept: "application/json", ...(init.headers ?? {}) };
  if (init.auth !== false) headers.Authorization = `Bearer ${emu.token}`;
  let body: string | undefined;
  if (init.body !== undefined) {
    body = typeof init.body === "string" ? init.body : JSON.stringify(init.body);
    headers["Content-Type"] = headers["Content-Type"] ?? "application/json";
  }
  const res = await fetch(path.startsWith("http") ? path : `${emu.apiUrl}${path}`, { method, headers, body });
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json: json as Record<string, any> };
}

export interface Received {
  method: string;
  path: string;
  headers: IncomingMessage["headers"];
  body: any;
}

/** A loopback HTTP server that records requests and answers with a configurable handler. */
export async function startReceiver(
  handler: (r: Received, res: ServerResponse) => void = (_r, res) => {
    res.writeHead(202).end();
  },
): Promise<{ url: string; received: Received[]; server: Server; close: () => Promise<void> }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      let body: unknown = text;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        // keep text
      }
      const r = { method: req.method ?? "", path: req.url ?? "", headers: req.headers, body };
      received.push(r);
      handler(r, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

const DIST = resolve(__dirname, "../../../dist");

/** The solution zip `npm run build` wrote (dist/PartnerCenterReferralsSync_<version>[_managed].zip). */
export function builtZip(kind: "managed" | "unmanaged"): { path: string; bytes: Buffer } {
  const files = existsSync(DIST) ? readdirSync(DIST) : [];
  const re = kind === "managed" ? /^PartnerCenterReferralsSync_\d+\.\d+\.\d+\.\d+_managed\.zip$/ : /^PartnerCenterReferralsSync_\d+\.\d+\.\d+\.\d+\.zip$/;
  const name = files.filter((f) => re.test(f)).sort().pop();
  if (!name) {
    throw new Error(
      `No ${kind} solution zip in ${DIST} (expected PartnerCenterReferralsSync_<version>${kind === "managed" ? "_managed" : ""}.zip). Run \`npm run build\` first; \`npm test\` runs it for you.`,
    );
  }
  const path = join(DIST, name);
  return { path, bytes: readFileSync(path) };
}
