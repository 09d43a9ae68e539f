/**
 * Sign-in for the admin command line: one bearer token per service it calls.
 *
 *   dataverse  the environment's Web API (audience: the organization URL)
 *   referrals  Partner Center's Referrals API (https://api.partner.microsoft.com; App+User only)
 *   webhooks   Partner Center's webhook registration API (https://api.partnercenter.microsoft.com)
 *   flow       Power Automate (https://service.flow.microsoft.com/), for the receiver flow's URL
 *
 * How, in order of preference:
 * 1. a pre-acquired token in an environment variable (automation; the sandbox's fixed tokens):
 *    PCS_DATAVERSE_TOKEN, PCS_PARTNER_CENTER_TOKEN (both Partner Center APIs), PCS_FLOW_TOKEN;
 * 2. a service principal (--client-id with $PCS_CLIENT_SECRET, or --certificate <pem>): client
 *    credentials, "<resource>/.default". Partner Center's Referrals API refuses app-only tokens, so a
 *    service principal deploys and checks Dataverse but cannot reconcile;
 * 3. device code (the default, --client-id of an app registration that allows public client flows):
 *    the user signs in once in a browser; every other token comes silently from the same account.
 *
 * Tokens live in memory only and never reach a line of output, a log or an error message.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import type { AccountInfo, AuthenticationResult, Configuration } from "@azure/msal-node";

export type Audience = "dataverse" | "referrals" | "webhooks" | "flow";

/** The Entra ID resource of each audience but Dataverse (whose resource is the organization URL). */
export const RESOURCES: Readonly<Record<Exclude<Audience, "dataverse">, string>> = {
  referrals: "https://api.partner.microsoft.com",
  webhooks: "https://api.partnercenter.microsoft.com",
  flow: "https://service.flow.microsoft.com/",
};

export const TOKEN_VARIABLES: Readonly<Record<Audience, string>> = {
  dataverse: "PCS_DATAVERSE_TOKEN",
  referrals: "PCS_PARTNER_CENTER_TOKEN",
  webhooks: "PCS_PARTNER_CENTER_TOKEN",
  flow: "PCS_FLOW_TOKEN",
};

/** The service principal's secret is read from this variable, never from the command line (ps would show it). */
export const CLIENT_SECRET_VARIABLE = "PCS_CLIENT_SECRET";

export class SignInError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SignInError";
  }
}

export interface TokenSource {
  token(audience: Audience): Promise<string>;
  /** How this source signs in, for the console ("device code as …", "tokens from the environment"). */
  describe(): string;
}

export interface SignInOptions {
  /** The organization URL (Dataverse's token audience). */
  dataverseUrl: string;
  tenant?: string;
  clientId?: string;
  /** PEM file holding the certificate and its private key. */
  certificateFile?: string;
  /** Fixed tokens (the sandbox's), used before anything else. */
  fixed?: Partial<Record<Audience, string>>;
  env?: NodeJS.ProcessEnv;
  /** Shows the device-code instruction (a URL and a one-time code: not a secret). */
  showDeviceCode?: (message: string) => void;
  /** Pre-built MSAL application (tests). */
  msal?: MsalLike;
}

/** The parts of an MSAL client application used here. */
export interface MsalLike {
  acquireTokenByDeviceCode?(request: { scopes: string[]; deviceCodeCallback: (r: { message: string }) => void }): Promise<AuthenticationResult | null>;
  acquireTokenSilent?(request: { account: AccountInfo; scopes: string[] }): Promise<AuthenticationResult | null>;
  acquireTokenByClientCredential?(request: { scopes: string[] }): Promise<AuthenticationResult | null>;
}

const scopeOf = (audience: Audience, dataverseUrl: string): string => `${audience === "dataverse" ? new URL(dataverseUrl).origin : RESOURCES[audience].replace(/\/$/, "")}/.default`;

/** The certificate's SHA-256 thumbprint and key, as MSAL takes them. */
export function readCertificate(file: string): { thumbprintSha256: string; privateKey: string; x5c: string } {
  let pem: string;
  try {
    pem = fs.readFileSync(file, "utf8");
  } catch (e) {
    throw new SignInError(`The certificate file ${file} cannot be read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}.`);
  }
  const cert = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(pem)?.[0];
  const key = /-----BEGIN (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----[\s\S]+?-----END (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----/.exec(pem)?.[0];
  if (!cert || !key) throw new SignInError(`The certificate file ${file} must hold the certificate and its private key (PEM).`);
  const x509 = new crypto.X509Certificate(cert);
  return { thumbprintSha256: x509.fingerprint256.replace(/:/g, ""), privateKey: key, x5c: cert };
}

export function createTokenSource(o: SignInOptions): TokenSource {
  const env = o.env ?? process.env;
  const fromEnv = (a: Audience): string | undefined => {
    const v = env[TOKEN_VARIABLES[a]];
    return v && v.trim() ? v.trim() : undefined;
  };
  const secret = env[CLIENT_SECRET_VARIABLE]?.trim() || undefined;
  const certificate = o.certificateFile ? readCertificate(o.certificateFile) : undefined;
  const confidential = !!(secret || certificate);
  const clientId = o.clientId ?? env.PCS_CLIENT_ID?.trim();
  let app: MsalLike | undefined = o.msal;
  let account: AccountInfo | undefined;
  const cache = new Map<Audience, { token: string; expires: number }>();

  const application = async (): Promise<MsalLike> => {
    if (app) return app;
    if (!clientId) {
      throw new SignInError(
        "No sign-in configured: give --client-id (an Entra ID app registration; see docs/admin.md), or pre-acquired tokens in " +
          [...new Set(Object.values(TOKEN_VARIABLES))].join(", ") +
          ", or --sandbox for the local sandbox.",
      );
    }
    if (confidential && !o.tenant) throw new SignInError("A service principal signs in to one tenant: give --tenant <tenant id or domain>.");
    const msal = await import("@azure/msal-node");
    const config: Configuration = {
      auth: {
        clientId,
        authority: `https://login.microsoftonline.com/${o.tenant ?? "organizations"}`,
        ...(secret ? { clientSecret: secret } : {}),
        ...(certificate ? { clientCertificate: certificate } : {}),
      },
      // MSAL's own logging stays off: nothing it could print belongs on the console.
      system: { loggerOptions: { loggerCallback: () => undefined, piiLoggingEnabled: false } },
    };
    app = (confidential ? new msal.ConfidentialClientApplication(config) : new msal.PublicClientApplication(config)) as unknown as MsalLike;
    return app;
  };

  const acquire = async (audience: Audience): Promise<AuthenticationResult | null> => {
    const a = await application();
    const scopes = [scopeOf(audience, o.dataverseUrl)];
    if (confidential) {
      if (audience === "referrals") throw new SignInError("Partner Center's Referrals API accepts only a signed-in user (App+User), not a service principal: reconcile with device-code sign-in or PCS_PARTNER_CENTER_TOKEN.");
      return a.acquireTokenByClientCredential!({ scopes });
    }
    if (account && a.acquireTokenSilent) return a.acquireTokenSilent({ account, scopes });
    const show = o.showDeviceCode ?? (() => undefined);
    const r = await a.acquireTokenByDeviceCode!({ scopes, deviceCodeCallback: (d) => show(d.message) });
    if (r?.account) account = r.account;
    return r;
  };

  return {
    describe: () => {
      const envTokens = (Object.keys(TOKEN_VARIABLES) as Audience[]).filter((a) => o.fixed?.[a] ?? fromEnv(a));
      const parts: string[] = [];
      if (o.fixed && Object.keys(o.fixed).length) parts.push("the sandbox's tokens");
      else if (envTokens.length) parts.push(`tokens from ${[...new Set(envTokens.map((a) => TOKEN_VARIABLES[a]))].join(", ")}`);
      if (envTokens.length < 4 && (clientId || o.msal)) parts.push(confidential ? `service principal ${clientId}` : `device-code sign-in${account ? ` as ${account.username}` : ""}`);
      return parts.join(" and ") || "no sign-in configured";
    },
    token: async (audience) => {
      const fixed = o.fixed?.[audience] ?? fromEnv(audience);
      if (fixed) return fixed;
      const hit = cache.get(audience);
      if (hit && hit.expires > Date.now() + 60_000) return hit.token;
      let result: AuthenticationResult | null;
      try {
        result = await acquire(audience);
      } catch (e) {
        if (e instanceof SignInError) throw e;
        // MSAL errors carry an errorCode and a message without secrets; keep the code only.
        const code = (e as { errorCode?: string }).errorCode ?? (e as Error).name ?? "unknown";
        throw new SignInError(`Sign-in for ${audience === "dataverse" ? new URL(o.dataverseUrl).origin : RESOURCES[audience]} failed (MSAL ${code}).`);
      }
      if (!result?.accessToken) throw new SignInError(`Sign-in gave no token for ${audience}.`);
      cache.set(audience, { token: result.accessToken, expires: result.expiresOn ? result.expiresOn.getTime() : Date.now() + 10 * 60_000 });
      return result.accessToken;
    },
  };
}
