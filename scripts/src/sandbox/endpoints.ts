/**
 * `.sandbox/endpoints.json` and the same text on the console. The tokens are the emulators' fixed
 * sandbox tokens (documented in their READMEs, accepted only on loopback; not secrets). The
 * receiver's callback URL carries a signature (sig): it is written in full to the file and shortened
 * on the console.
 */
import { writeOwnerOnly } from "./state";

export interface SandboxEndpoints {
  dataverse: {
    /** Organization URL (what a Dataverse connection's environmentUrl holds). */
    url: string;
    /** Web API base URL, e.g. http://127.0.0.1:7100/api/data/v9.2/ */
    webApiUrl: string;
    /** Control API (no token): reset, calls, notifications, idle, state. */
    controlUrl: string;
    /** Bearer token the Web API accepts. */
    token: string;
    /** The Power Platform environment id (RetrieveCurrentOrganization), the flow API's environment name. */
    environmentId?: string;
  };
  partnerCenter: {
    /** Referrals API base (…/v1.0/engagements/referrals lives under it). */
    referralsBaseUrl: string;
    /** Webhook registration API base (…/webhooks/v1/registration lives under it). */
    webhooksBaseUrl: string;
    /** Control API (no token): referrals, faults, calls, deliveries, reset. */
    controlUrl: string;
    /** HTTPS host of the webhook-signing certificates. */
    certificateBaseUrl: string;
    /** Bearer token both APIs accept. */
    token: string;
  };
  flowRunner: {
    /** Connections, flows, runs (GET /runs, /runs/{id}?format=text); no token on loopback. */
    url: string;
    runsUrl: string;
    /** Power Automate's API shape (…/providers/Microsoft.ProcessSimple/environments/{env}/flows/…) and the token it takes. */
    apiUrl?: string;
    token?: string;
  };
  /** Bare start: the connection made for each connector (apiName → connection id), for a deploy settings file. */
  connections?: Record<string, string>;
  /** The web app: the page to open in a browser (no token: it adds them itself, server side). */
  web?: { url: string };
  /** The webhook receiver's callback URL, when the webhook is registered. */
  webhookCallbackUrl?: string;
  /** The process to stop (SIGINT / SIGTERM). */
  pid: number;
  startedAt: string;
  /** Where the state lives (undefined: in memory). */
  stateDir?: string;
}

/** Readable by the owner only: it holds the webhook receiver's full callback URL (sig). */
export function writeEndpoints(file: string, e: SandboxEndpoints): void {
  writeOwnerOnly(file, JSON.stringify(e, null, 2) + "\n");
}

/** The callback URL with its signature shortened (for the console). */
export const hideSig = (url: string): string => url.replace(/([?&]sig=)[^&]+/, "$1…");

export function formatEndpoints(e: SandboxEndpoints, endpointsFile?: string): string[] {
  const lines = [
    ...(e.web ? ["Web app              " + e.web.url + "  (open this in a browser)"] : []),
    "Dataverse Web API    " + e.dataverse.webApiUrl,
    "  control API        " + e.dataverse.controlUrl,
    "  bearer token       " + e.dataverse.token,
    "Partner Center       " + e.partnerCenter.referralsBaseUrl + "  (Referrals API /v1.0/engagements/referrals, webhooks /webhooks/v1/registration)",
    "  control API        " + e.partnerCenter.controlUrl,
    "  bearer token       " + e.partnerCenter.token,
    "Flow runner          " + e.flowRunner.url + "  (run history: " + e.flowRunner.runsUrl + ")",
  ];
  if (e.connections) for (const [api, id] of Object.entries(e.connections)) lines.push(`Connection           ${id}  (${api})`);
  if (e.webhookCallbackUrl) lines.push("Webhook receiver     " + hideSig(e.webhookCallbackUrl) + (endpointsFile ? "  (full URL in endpoints.json)" : ""));
  if (endpointsFile) lines.push("Written to           " + endpointsFile);
  return lines;
}
