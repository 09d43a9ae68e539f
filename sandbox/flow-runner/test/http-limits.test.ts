/**
 * Issue 14: the runner's management routes answer local tools only (local-guard.ts), while the signed
 * trigger URL stays reachable from outside; bodies over the size or nesting limits are refused before
 * a run starts.
 */
import { request } from "node:http";
import { startFlowRunner, FlowRunnerHandle } from "../src";
import { TriggerDefinition } from "../src/engine/types";
import { workflowRow } from "../src/testing";
import { flowFile, newWorkflowId } from "./helpers";

let fr: FlowRunnerHandle;
beforeAll(async () => {
  fr = await startFlowRunner({ sleepScale: 0 });
});
afterAll(async () => {
  await fr.close();
});

const HTTP_TRIGGER: TriggerDefinition = { type: "Request", kind: "Http", inputs: { triggerAuthenticationType: "All" } };
const json = { "Content-Type": "application/json" };

async function webhookFlow(): Promise<string> {
  const id = newWorkflowId();
  const res = await fetch(`${fr.url}/workflows/${id}/activate`, {
    method: "POST",
    headers: json,
    body: JSON.stringify(workflowRow(id, "Receiver", flowFile({ Respond: { type: "Response", kind: "Http", inputs: { statusCode: 200, body: "ok" } } }, { trigger: HTTP_TRIGGER }))),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { trigger: { callbackUrl: string } }).trigger.callbackUrl;
}

function rawStatus(url: string, method: string, headers: Record<string, string | number>, body?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
      req.destroy();
    });
    req.on("error", (e) => ((e as NodeJS.ErrnoException).code === "ECONNRESET" ? undefined : reject(e)));
    if (body !== undefined) req.write(body);
    req.end();
  });
}

describe("management routes: local tools only", () => {
  it("a cross-site text/plain POST cannot create a connection or run a flow", async () => {
    const before = fr.runner.connections.size;
    const r = await fetch(`${fr.url}/connections`, {
      method: "POST",
      headers: { "Content-Type": "text/plain", Origin: "http://evil.example" },
      body: JSON.stringify({ apiName: "shared_webcontents", parameters: { baseResourceUrl: "http://evil.example", token: "t" } }),
    });
    expect(r.status).toBe(403);
    expect(((await r.json()) as { error: { code: string } }).error.code).toBe("LocalOnlyOrigin");
    const noType = await fetch(`${fr.url}/connections`, { method: "POST", body: "{}" });
    expect(noType.status).toBe(415);
    expect(fr.runner.connections.size).toBe(before);
  });

  it("DNS rebinding: run history is not served to another host name", async () => {
    expect(await rawStatus(`${fr.url}/runs`, "GET", { Host: "evil.example" })).toBe(403);
    expect((await fetch(`${fr.url}/runs`)).status).toBe(200);
  });
});

describe("the signed trigger URL", () => {
  it("is reachable from another origin: Partner Center calls it from outside, its sig protects it", async () => {
    const cb = await webhookFlow();
    const r = await fetch(cb, { method: "POST", headers: { ...json, Origin: "https://api.partnercenter.microsoft.com" }, body: "{}" });
    expect(r.status).toBe(200);
  });

  it("refuses a body nested deeper than 64 levels with 400 InvalidRequestContent, starting no run", async () => {
    const cb = await webhookFlow();
    const runs = fr.listRuns().length;
    const r = await fetch(cb, { method: "POST", headers: json, body: "[".repeat(10_000) + "]".repeat(10_000) });
    expect(r.status).toBe(400);
    expect(((await r.json()) as { error: { code: string } }).error.code).toBe("InvalidRequestContent");
    expect(fr.listRuns().length).toBe(runs);
  });

  it("refuses a body declared over 100 MB before reading it", async () => {
    const cb = await webhookFlow();
    expect(await rawStatus(cb, "POST", { ...json, "Content-Length": 150 * 1024 * 1024 }, "{")).toBe(413);
  });
});

describe("errors reported", () => {
  it("every request answered with a 5xx is reported through the log option (npm start prints it)", async () => {
    const lines: string[] = [];
    const lonely = await startFlowRunner({ dataverseUrl: "http://127.0.0.1:9", dataverseToken: "t", log: (l) => lines.push(l) });
    try {
      const id = newWorkflowId();
      const flow = flowFile({ C: { type: "Compose", inputs: "x" } }, { connectionReferences: { shared_commondataserviceforapps: { runtimeSource: "embedded", connection: { connectionReferenceLogicalName: "pcs_x" }, api: { name: "shared_commondataserviceforapps" } } } });
      const r = await fetch(`${lonely.url}/workflows/${id}/activate`, { method: "POST", headers: json, body: JSON.stringify(workflowRow(id, "X", flow)) });
      expect(r.status).toBe(502);
      expect(lines).toEqual([expect.stringMatching(new RegExp(`^POST /workflows/${id}/activate answered 502 DataverseUnavailable: .*ECONNREFUSED`))]);
      expect((await fetch(`${lonely.url}/runs`)).status).toBe(200);
      expect(lines).toHaveLength(1); // a 2xx or 4xx is not an error of the runner's
    } finally {
      await lonely.close();
    }
  });
});
