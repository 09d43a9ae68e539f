/**
 * Which environment the admin command line works on, and the clients it uses there:
 *
 *   --url https://<org>.crm.dynamics.com   a real environment: Dataverse at that URL, Partner Center
 *                                          and Power Automate at Microsoft's public hosts;
 *   --sandbox [--sandbox-dir <folder>]     the local sandbox: URLs and its fixed tokens from
 *                                          <folder>/endpoints.json (default .sandbox-bare/, written
 *                                          by npm start -- --bare; else .sandbox/).
 *
 * The same code then talks to either through the same documented endpoints.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { PartnerCenterClient } from "../../../plugins-ts/src/partner-center";
import type { TokenProvider } from "../../../plugins-ts/src/partner-center/tokens";
import { repoRoot, UsageError } from "../cli/common";
import type { SandboxEndpoints } from "../sandbox/endpoints";
import { createWebApi, type WebApi } from "../sandbox/webapi";
import { createTokenSource, type TokenSource } from "./auth";

export const DEFAULT_REFERRALS_URL = "https://api.partner.microsoft.com";
export const DEFAULT_WEBHOOKS_URL = "https://api.partnercenter.microsoft.com";
export const DEFAULT_FLOW_API_URL = "https://api.flow.microsoft.com";

/** Options every admin command takes (values, then flags), for parseArgs. */
export const TARGET_VALUES = ["url", "tenant", "client-id", "certificate", "sandbox-dir", "partner-center-url", "webhooks-url", "flow-api-url", "webhook-url"];
export const TARGET_FLAGS = ["sandbox"];

export const TARGET_HELP = `Where (one of):
  --url <https://org.crm.dynamics.com>  the environment's URL (as in the Power Platform admin center)
  --sandbox                             the local sandbox (npm start -- --bare, or npm start)
  --sandbox-dir <folder>                the sandbox's state folder (default .sandbox-bare/, else .sandbox/)
Sign-in (not needed for --sandbox):
  --client-id <id>     an Entra ID app registration (device code sign-in by default; docs/admin.md)
  --tenant <id>        the tenant (required for a service principal)
  $PCS_CLIENT_SECRET   with --client-id: sign in as that service principal
  --certificate <pem>  with --client-id: sign in as the service principal with this certificate
  $PCS_DATAVERSE_TOKEN, $PCS_PARTNER_CENTER_TOKEN, $PCS_FLOW_TOKEN: pre-acquired tokens (automation)
Other hosts (defaults are Microsoft's):
  --partner-center-url <url>  Referrals API (${DEFAULT_REFERRALS_URL})
  --webhooks-url <url>        webhook registration API (${DEFAULT_WEBHOOKS_URL})
  --flow-api-url <url>        Power Automate (${DEFAULT_FLOW_API_URL})
  --webhook-url <url>         the receiver flow's HTTP URL, when Power Automate cannot be asked for it`;

export interface AdminTarget {
  /** Organization URL (origin), e.g. https://contoso.crm.dynamics.com */
  dataverseUrl: string;
  webApiUrl: string;
  referralsBaseUrl: string;
  webhooksBaseUrl: string;
  flowApiUrl: string;
  /** Known up front for the sandbox; otherwise asked of Dataverse (RetrieveCurrentOrganization). */
  environmentId?: string;
  /** The receiver's URL given on the command line. */
  webhookUrl?: string;
  /** The sandbox the target is (its connections, for a settings template). */
  sandbox?: { dir: string; connections?: Record<string, string> };
  tokens: TokenSource;
  /** How it was chosen, for the first line of output. */
  label: string;
}

const origin = (u: string, what: string): string => {
  let url: URL;
  try {
    url = new URL(u);
  } catch {
    throw new UsageError(`${what} '${u}' is not a URL`);
  }
  if (url.protocol !== "https:" && !(url.protocol === "http:" && /^(127\.0\.0\.1|localhost|\[::1\])$/.test(url.hostname))) {
    throw new UsageError(`${what} must be https:// (http:// only on this machine), not '${u}'`);
  }
  return url.origin;
};

/** The first of the folders whose sandbox is running (its endpoints.json names a live process), else the first that has one. */
function runningSandbox(dirs: string[]): string {
  const withFile = dirs.filter((d) => fs.existsSync(path.join(d, "endpoints.json")));
  const alive = withFile.find((d) => {
    try {
      const pid = (JSON.parse(fs.readFileSync(path.join(d, "endpoints.json"), "utf8")) as { pid?: number }).pid;
      if (!pid) return false;
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  });
  return alive ?? withFile[0] ?? dirs[0];
}

function readEndpoints(dir: string): SandboxEndpoints {
  const file = path.join(dir, "endpoints.json");
  if (!fs.existsSync(file)) throw new UsageError(`No sandbox at ${dir}: ${file} does not exist. Start one with npm start -- --bare (or npm start).`);
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as SandboxEndpoints;
  } catch (e) {
    throw new UsageError(`${file} is not readable JSON: ${(e as Error).message}`);
  }
}

export function resolveTarget(opts: Record<string, string | boolean>, io: { err(line: string): void }, env: NodeJS.ProcessEnv = process.env): AdminTarget {
  const str = (k: string): string | undefined => (typeof opts[k] === "string" ? (opts[k] as string) : undefined);
  const sandboxDir = str("sandbox-dir");
  if ((opts.sandbox || sandboxDir) && str("url")) throw new UsageError("give either --url or --sandbox, not both");
  if (opts.sandbox || sandboxDir) {
    const root = repoRoot();
    const dir = sandboxDir ? path.resolve(env.INIT_CWD ?? process.cwd(), sandboxDir) : runningSandbox([path.join(root, ".sandbox-bare"), path.join(root, ".sandbox")]);
    return sandboxTarget(readEndpoints(dir), dir, { webhookUrl: str("webhook-url") });
  }
  const url = str("url");
  if (!url) throw new UsageError("say which environment: --url https://<org>.crm.dynamics.com (or --sandbox)");
  const dataverseUrl = origin(url, "--url");
  return {
    dataverseUrl,
    webApiUrl: `${dataverseUrl}/api/data/v9.2/`,
    referralsBaseUrl: origin(str("partner-center-url") ?? DEFAULT_REFERRALS_URL, "--partner-center-url"),
    webhooksBaseUrl: origin(str("webhooks-url") ?? DEFAULT_WEBHOOKS_URL, "--webhooks-url"),
    flowApiUrl: origin(str("flow-api-url") ?? DEFAULT_FLOW_API_URL, "--flow-api-url"),
    ...(str("webhook-url") ? { webhookUrl: str("webhook-url") } : {}),
    tokens: createTokenSource({ dataverseUrl, tenant: str("tenant"), clientId: str("client-id"), certificateFile: str("certificate"), env, showDeviceCode: (m) => io.err(m) }),
    label: dataverseUrl,
  };
}

/** The target a sandbox's endpoints.json describes; its fixed tokens are the pre-acquired tokens. */
export function sandboxTarget(e: SandboxEndpoints, dir: string, extra: { webhookUrl?: string } = {}): AdminTarget {
  const flowApiUrl = e.flowRunner.apiUrl ?? e.flowRunner.url;
  return {
    dataverseUrl: e.dataverse.url,
    webApiUrl: e.dataverse.webApiUrl,
    referralsBaseUrl: e.partnerCenter.referralsBaseUrl,
    webhooksBaseUrl: e.partnerCenter.webhooksBaseUrl,
    flowApiUrl,
    ...(e.dataverse.environmentId ? { environmentId: e.dataverse.environmentId } : {}),
    ...(extra.webhookUrl ? { webhookUrl: extra.webhookUrl } : {}),
    sandbox: { dir, ...(e.connections ? { connections: e.connections } : {}) },
    tokens: createTokenSource({
      dataverseUrl: e.dataverse.url,
      fixed: { dataverse: e.dataverse.token, referrals: e.partnerCenter.token, webhooks: e.partnerCenter.token, ...(e.flowRunner.token ? { flow: e.flowRunner.token } : {}) },
      env: {},
    }),
    label: `the sandbox (${e.dataverse.url})`,
  };
}

/** The clients an admin command uses on a target. */
export interface AdminClients {
  target: AdminTarget;
  api: WebApi;
  partnerCenter: PartnerCenterClient;
}

export function clientsFor(target: AdminTarget, options: { partnerCenterSleep?: (ms: number) => Promise<void> } = {}): AdminClients {
  const provider: TokenProvider = { getToken: (r) => target.tokens.token(r.api === "referrals" ? "referrals" : "webhooks") };
  return {
    target,
    api: createWebApi(target.webApiUrl, () => target.tokens.token("dataverse")),
    partnerCenter: new PartnerCenterClient({
      tokenProvider: provider,
      referralsBaseUrl: target.referralsBaseUrl,
      partnerCenterBaseUrl: target.webhooksBaseUrl,
      userAgent: "partner-center-referrals-sync-admin",
      ...(options.partnerCenterSleep ? { sleep: options.partnerCenterSleep } : {}),
    }),
  };
}
