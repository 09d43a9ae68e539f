/** Shared test fixtures: a deterministic runner, flow builders, and a scriptable HTTP stub. */
import http from "node:http";
import { AddressInfo } from "node:net";
import { FlowRunner, FlowRunnerOptions } from "../src/service/runner";
import { ActionDefinition, FlowFile, TriggerDefinition } from "../src/engine/types";
import { workflowRow } from "../src/testing";

export interface TestClock {
  now(): number;
  advance(ms: number): void;
}

/** A clock that starts at 2024-05-01T08:00:00Z and moves 1 ms per reading. */
export function testClock(start = Date.UTC(2024, 4, 1, 8, 0, 0)): TestClock {
  let t = start;
  return {
    now: () => t++,
    advance: (ms) => {
      t += ms;
    },
  };
}

export function counterGuid(prefix = "00000000-0000-4000-8000-"): () => string {
  let n = 0;
  return () => prefix + String(++n).padStart(12, "0");
}

/** A runner with injected clock, GUIDs and a sleep that records the waits and returns at once. */
export function makeRunner(extra: FlowRunnerOptions = {}): { runner: FlowRunner; sleeps: number[]; clock: TestClock } {
  const sleeps: number[] = [];
  const clock = testClock();
  const runner = new FlowRunner({
    clock: clock.now,
    guid: counterGuid(),
    random: () => 0.5,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock.advance(ms);
      await new Promise((r) => setImmediate(r));
    },
    ...extra,
  });
  return { runner, sleeps, clock };
}

export const BUTTON_TRIGGER: TriggerDefinition = {
  type: "Request",
  kind: "Button",
  inputs: { schema: { type: "object", properties: {}, required: [] } },
};

export function flowFile(actions: Record<string, ActionDefinition>, opts: { trigger?: TriggerDefinition; parameters?: FlowFile["properties"]["definition"]["parameters"]; connectionReferences?: FlowFile["properties"]["connectionReferences"] } = {}): FlowFile {
  return {
    properties: {
      connectionReferences: opts.connectionReferences ?? {},
      definition: {
        $schema: "https://schema.management.azure.com/providers/Microsoft.Logic/schemas/2016-06-01/workflowdefinition.json#",
        contentVersion: "1.0.0.0",
        parameters: { $connections: { defaultValue: {}, type: "Object" }, $authentication: { defaultValue: {}, type: "SecureObject" }, ...(opts.parameters ?? {}) },
        triggers: { manual: opts.trigger ?? BUTTON_TRIGGER },
        actions,
      },
    },
    schemaVersion: "1.0.0.0",
  };
}

let idCounter = 0;
export function newWorkflowId(): string {
  idCounter++;
  return `aaaaaaaa-0000-4000-8000-${String(idCounter).padStart(12, "0")}`;
}

/** Activate a flow and return its id. */
export async function activate(runner: FlowRunner, flow: FlowFile, name = "Test flow", id = newWorkflowId()): Promise<string> {
  await runner.activate(id, workflowRow(id, name, flow));
  return id;
}

/** Run a manual flow to completion. */
export async function runOnce(runner: FlowRunner, id: string, inputs: unknown = {}) {
  const started = await runner.runManual(id, inputs as never);
  const [run, response] = await Promise.all([started.done, started.response]);
  return { run, response };
}

export interface StubRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: unknown;
}
export type StubHandler = (req: StubRequest) => { status: number; headers?: Record<string, string>; body?: unknown } | Promise<{ status: number; headers?: Record<string, string>; body?: unknown }>;

/** A loopback HTTP server whose answers a test scripts; it records every request. */
export async function stubServer(handler: StubHandler): Promise<{ url: string; requests: StubRequest[]; close(): Promise<void> }> {
  const requests: StubRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const text = Buffer.concat(chunks).toString("utf8");
      let body: unknown = text;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        /* keep text */
      }
      const r: StubRequest = { method: req.method ?? "GET", path: req.url ?? "/", headers: req.headers, body };
      requests.push(r);
      const out = await handler(r);
      const payload = out.body === undefined ? undefined : typeof out.body === "string" ? out.body : JSON.stringify(out.body);
      res.writeHead(out.status, { ...(payload !== undefined && typeof out.body !== "string" ? { "Content-Type": "application/json" } : {}), ...(out.headers ?? {}) });
      res.end(payload);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}
