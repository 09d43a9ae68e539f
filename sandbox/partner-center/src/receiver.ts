/**
 * A recording webhook receiver for tests: listens on 127.0.0.1, keeps every POST with its raw body
 * and headers, answers 200 (or a scripted sequence of statuses), and lets a test wait for N events.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  /** Raw body bytes exactly as received. */
  body: Buffer;
  /** Answer given. */
  status: number;
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedRequest[];
  /** Statuses to answer next, in order (then 200). */
  respondWith(...statuses: number[]): void;
  /** Resolves with the first `count` requests once that many arrived; rejects after timeoutMs. */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedRequest[]>;
  /** Forget what was received and any scripted statuses not yet used. */
  clear(): void;
  close(): Promise<void>;
}

export async function startWebhookReceiver(path = "/webhook"): Promise<WebhookReceiver> {
  const received: ReceivedRequest[] = [];
  let script: number[] = [];
  let waiters: Array<() => void> = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const status = script.length ? script.shift()! : 200;
      received.push({ method: req.method ?? "", path: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks), status });
      res.writeHead(status, { "Content-Type": "text/plain" }).end(status < 300 ? "ok" : "receiver refused");
      const w = waiters;
      waiters = [];
      for (const f of w) f();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;
  return {
    url,
    received,
    respondWith: (...statuses) => {
      script = [...script, ...statuses];
    },
    waitFor(count, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`expected ${count} webhook requests, got ${received.length} within ${timeoutMs} ms`)), timeoutMs);
        const check = () => {
          if (received.length >= count) {
            clearTimeout(timer);
            resolve(received.slice(0, count));
          } else waiters.push(check);
        };
        check();
      });
    },
    clear: () => {
      received.length = 0;
      script = [];
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
