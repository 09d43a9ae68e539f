/**
 * "Who can trigger the flow?" on the HTTP request trigger (service/trigger-auth.ts): Anyone (sig),
 * any user in the tenant (the default when the flow does not say) and specific users, over HTTP.
 */
import { startFlowRunner, FlowRunnerHandle } from "../src";
import { lintFlow } from "../src/lint/lint";
import { TriggerDefinition } from "../src/engine/types";
import { workflowRow } from "../src/testing";
import { flowFile, newWorkflowId } from "./helpers";

let fr: FlowRunnerHandle;
const TOKENS = { "token-ana": "ana@contoso.example", "token-bob": "bob@contoso.example" };

beforeAll(async () => {
  fr = await startFlowRunner({ sleepScale: 0, tenantTokens: TOKENS });
});
afterAll(async () => {
  await fr.close();
});

const http = (inputs: Record<string, unknown> = {}): TriggerDefinition => ({ type: "Request", kind: "Http", inputs: { schema: {}, ...inputs } });

async function turnOn(trigger: TriggerDefinition, runner = fr.runner): Promise<string> {
  const id = newWorkflowId();
  const flow = await runner.activate(id, workflowRow(id, "Receiver", flowFile({ Work: { type: "Compose", inputs: "@triggerBody()" } }, { trigger })));
  return flow.callbackUrl!;
}

const post = (url: string, headers: Record<string, string> = {}) => fetch(url, { method: "POST", headers: { "Content-Type": "application/json", ...headers }, body: "{}" });
const answer = async (r: Response) => ({ status: r.status, code: r.status >= 400 ? ((await r.json()) as { error: { code: string } }).error.code : undefined });

describe("any user in my tenant (the default, and \"Tenant\")", () => {
  it("absent means tenant-only: the URL has no sig, and only a bearer token of the tenant starts a run", async () => {
    for (const trigger of [http(), http({ triggerAuthenticationType: "Tenant" })]) {
      const url = await turnOn(trigger);
      expect(url).not.toContain("sig=");
      expect(await answer(await post(url))).toEqual({ status: 401, code: "DirectApiAuthorizationRequired" });
      expect(await answer(await post(url, { Authorization: "Bearer someone-elses-token" }))).toEqual({ status: 401, code: "MisMatchingOAuthClaims" });
      expect(await answer(await post(url, { Authorization: "Signature abc" }))).toEqual({ status: 401, code: "DirectApiAuthorizationRequired" });
      expect(await answer(await post(url, { Authorization: "Bearer token-bob" }))).toEqual({ status: 202, code: undefined });
    }
  });

  it("says why a call without a token is refused", async () => {
    const r = await post(await turnOn(http()));
    expect(((await r.json()) as { error: { message: string } }).error.message).toMatch(/can be called only by any user in the flow's tenant \(triggerAuthenticationType "Tenant", the default for a trigger that does not say\)/);
  });

  it("a call may use one scheme only: a sig and a token together are refused", async () => {
    const id = newWorkflowId();
    await fr.runner.activate(id, workflowRow(id, "Receiver", flowFile({ Work: { type: "Compose", inputs: 1 } }, { trigger: http() })));
    const signed = fr.runner.callbackUrl(id, "manual", true, true);
    expect(await answer(await post(signed, { Authorization: "Bearer token-ana" }))).toEqual({ status: 401, code: "MultipleAuthorizationSchemes" });
  });
});

describe("specific users in my tenant (\"User\")", () => {
  it("only the listed users' tokens start a run; a blank list means the whole tenant", async () => {
    const url = await turnOn(http({ triggerAuthenticationType: "User", triggerAllowedUsers: "ana@contoso.example;carol@contoso.example" }));
    expect(await answer(await post(url, { Authorization: "Bearer token-ana" }))).toEqual({ status: 202, code: undefined });
    expect(await answer(await post(url, { Authorization: "Bearer token-bob" }))).toEqual({ status: 403, code: "MisMatchingOAuthClaims" });
    const open = await turnOn(http({ triggerAuthenticationType: "User" }));
    expect(await answer(await post(open, { Authorization: "Bearer token-bob" }))).toEqual({ status: 202, code: undefined });
  });
});

describe("anyone (\"All\")", () => {
  it("needs the sig, and refuses a call that also carries an Authorization header", async () => {
    const url = await turnOn(http({ triggerAuthenticationType: "All" }));
    expect(url).toMatch(/&sig=[\w-]{20,}$/);
    expect(await answer(await post(url))).toEqual({ status: 202, code: undefined });
    expect(await answer(await post(url.replace(/&sig=[^&]+/, "")))).toEqual({ status: 401, code: "DirectApiAuthorizationRequired" });
    expect(await answer(await post(url, { Authorization: "Signature partner-center-signature" }))).toEqual({ status: 401, code: "OAuthAccessPolicyNotFound" });
    expect(await answer(await post(url, { "x-ms-signature": "Signature partner-center-signature" }))).toEqual({ status: 202, code: undefined });
  });
});

describe("lint", () => {
  it("knows the three values and where they apply", () => {
    const lint = (trigger: TriggerDefinition) => lintFlow(flowFile({ A: { type: "Compose", inputs: 1 } }, { trigger })).map((p) => [p.code, p.severity]);
    for (const v of ["All", "Tenant", "User"]) expect(lint(http({ triggerAuthenticationType: v }))).toEqual([]);
    expect(lint(http())).toEqual([]);
    expect(lint(http({ triggerAuthenticationType: "Everyone" }))).toEqual([["trigger-authentication", "error"]]);
    expect(lint(http({ triggerAuthenticationType: "All", triggerAllowedUsers: "a@b.c" }))).toEqual([["trigger-authentication", "warning"]]);
    expect(lint({ type: "Request", kind: "Button", inputs: { schema: {}, triggerAuthenticationType: "All" } })).toEqual([["trigger-authentication", "error"]]);
  });
});

