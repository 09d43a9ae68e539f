/**
 * Access tokens for the two Partner Center hosts (reference §6):
 * - Referrals API, https://api.partner.microsoft.com: App+User only (Referral Admin / User role);
 * - Partner Center API (webhook registration), https://api.partnercenter.microsoft.com: App-only
 *   or App+User.
 * Two hosts, two token audiences. Tokens live in memory (MSAL's cache) or in the OS store through
 * a cache plugin the caller supplies; this module never logs, prints or persists a token itself.
 */
import type {
  AccountInfo,
  AuthenticationResult,
  ClientCredentialRequest,
  Configuration,
  DeviceCodeRequest,
  ICachePlugin,
  RefreshTokenRequest,
  SilentFlowRequest,
} from "@azure/msal-node";

/** Token audience (Entra resource) of the Referrals API. */
export const REFERRALS_RESOURCE = "https://api.partner.microsoft.com";
/** Token audience of the Partner Center API, which hosts the webhook registration API. */
export const PARTNER_CENTER_RESOURCE = "https://api.partnercenter.microsoft.com";

export type PartnerCenterApi = "referrals" | "webhooks";

export const RESOURCE_OF: Readonly<Record<PartnerCenterApi, string>> = {
  referrals: REFERRALS_RESOURCE,
  webhooks: PARTNER_CENTER_RESOURCE,
};

export interface TokenRequest {
  api: PartnerCenterApi;
  /** The audience: RESOURCE_OF[api]. */
  resource: string;
  /** Set after a 401: skip cached tokens. */
  forceRefresh?: boolean;
}

export interface TokenProvider {
  /** A bearer token (without the "Bearer " prefix) for the API's resource. */
  getToken(request: TokenRequest): Promise<string>;
}

/** Fixed tokens, for tests and the local sandbox (the emulator accepts a configured list). */
export class StaticTokenProvider implements TokenProvider {
  private readonly tokens: Partial<Record<PartnerCenterApi, string>>;
  constructor(token: string | Partial<Record<PartnerCenterApi, string>>) {
    this.tokens = typeof token === "string" ? { referrals: token, webhooks: token } : { ...token };
  }
  async getToken(request: TokenRequest): Promise<string> {
    const t = this.tokens[request.api];
    if (!t) throw new Error(`StaticTokenProvider has no token for the ${request.api} API`);
    return t;
  }
}

/** The part of an MSAL client application this provider uses (injectable for tests). */
export interface MsalApplicationLike {
  acquireTokenSilent(request: SilentFlowRequest): Promise<AuthenticationResult | null>;
  acquireTokenByRefreshToken?(request: RefreshTokenRequest): Promise<AuthenticationResult | null>;
  acquireTokenByClientCredential?(request: ClientCredentialRequest): Promise<AuthenticationResult | null>;
  acquireTokenByDeviceCode?(request: DeviceCodeRequest): Promise<AuthenticationResult | null>;
  getTokenCache(): { getAllAccounts(): Promise<AccountInfo[]> };
}

export interface MsalTokenProviderOptions {
  /** Entra app registration (client) id. */
  clientId: string;
  /** Partner tenant id or domain; default "organizations". Ignored when authority is given. */
  tenantId?: string;
  /** Full authority URL, e.g. https://login.microsoftonline.com/<tenant>. */
  authority?: string;
  /** Confidential client credentials (needed for app-only webhook calls). */
  clientSecret?: string;
  clientCertificate?: { thumbprintSha256: string; privateKey: string; x5c?: string };
  /**
   * The signed-in user for App+User calls: the account MSAL already holds (from an earlier sign-in
   * with the same cache), selected by username or homeAccountId; otherwise the only account.
   */
  account?: { username?: string; homeAccountId?: string };
  /**
   * Secure Application Model: supplies a refresh token obtained by one interactive consent and
   * kept in a vault. Called only when the cache holds no usable account.
   */
  refreshToken?: () => Promise<string>;
  /** Device-code sign-in for a command line (public client): shows the message to the user. */
  deviceCode?: (message: string) => void;
  /**
   * "app": app-only (client credentials) for the webhook API; "user": App+User as for referrals.
   * Default "app" when a client secret or certificate is configured, else "user".
   */
  webhooksAuth?: "app" | "user";
  /** Persist MSAL's cache in the OS store (e.g. @azure/msal-node-extensions); default memory only. */
  cachePlugin?: ICachePlugin;
  /** Pre-built application (tests, or callers with their own MSAL configuration). */
  application?: MsalApplicationLike;
}

export class TokenAcquisitionError extends Error {}

/** MSAL-backed provider: App+User for referrals, app-only (or App+User) for webhooks. */
export class MsalTokenProvider implements TokenProvider {
  private app?: MsalApplicationLike;
  private readonly confidential: boolean;
  private readonly webhooksAuth: "app" | "user";

  constructor(private readonly options: MsalTokenProviderOptions) {
    if (!options.clientId && !options.application) throw new TokenAcquisitionError("MsalTokenProvider needs a clientId");
    this.confidential = Boolean(options.clientSecret || options.clientCertificate);
    this.webhooksAuth = options.webhooksAuth ?? (this.confidential ? "app" : "user");
    if (this.webhooksAuth === "app" && !this.confidential && !options.application) {
      throw new TokenAcquisitionError("app-only tokens for the webhook API need a client secret or certificate");
    }
    this.app = options.application;
  }

  /** Scopes (MSAL v2 form) for an API and flow. */
  static scopesFor(api: PartnerCenterApi, flow: "app" | "user"): string[] {
    const resource = RESOURCE_OF[api];
    return [flow === "app" ? `${resource}/.default` : `${resource}/user_impersonation`];
  }

  async getToken(request: TokenRequest): Promise<string> {
    const app = await this.application();
    // The Referrals API accepts App+User tokens only (reference §6).
    const flow: "app" | "user" = request.api === "webhooks" ? this.webhooksAuth : "user";
    const scopes = MsalTokenProvider.scopesFor(request.api, flow);
    let result: AuthenticationResult | null = null;
    try {
      if (flow === "app") {
        if (!app.acquireTokenByClientCredential) throw new TokenAcquisitionError("this MSAL application cannot acquire app-only tokens");
        result = await app.acquireTokenByClientCredential({ scopes, skipCache: request.forceRefresh });
      } else {
        result = await this.userToken(app, scopes, request.forceRefresh ?? false);
      }
    } catch (e) {
      if (e instanceof TokenAcquisitionError) throw e;
      // MSAL errors carry errorCode and a message without secrets; keep only those.
      const code = (e as { errorCode?: string }).errorCode ?? "unknown";
      throw new TokenAcquisitionError(`could not acquire a ${flow === "app" ? "app-only" : "user"} token for ${RESOURCE_OF[request.api]} (MSAL ${code})`);
    }
    if (!result?.accessToken) throw new TokenAcquisitionError(`MSAL returned no access token for ${RESOURCE_OF[request.api]}`);
    return result.accessToken;
  }

  private async userToken(app: MsalApplicationLike, scopes: string[], forceRefresh: boolean): Promise<AuthenticationResult | null> {
    const accounts = await app.getTokenCache().getAllAccounts();
    const wanted = this.options.account;
    const account = wanted
      ? accounts.find((a) => (wanted.homeAccountId && a.homeAccountId === wanted.homeAccountId) || (wanted.username && a.username.toLowerCase() === wanted.username.toLowerCase()))
      : accounts.length === 1 ? accounts[0] : undefined;
    if (account) return app.acquireTokenSilent({ account, scopes, forceRefresh });
    if (this.options.refreshToken && app.acquireTokenByRefreshToken) {
      return app.acquireTokenByRefreshToken({ refreshToken: await this.options.refreshToken(), scopes, forceCache: true });
    }
    if (this.options.deviceCode && app.acquireTokenByDeviceCode) {
      const show = this.options.deviceCode;
      return app.acquireTokenByDeviceCode({ scopes, deviceCodeCallback: (r) => show(r.message) });
    }
    throw new TokenAcquisitionError(
      accounts.length > 1 && !wanted
        ? "several signed-in accounts are cached: say which one (account.username)"
        : "no signed-in Partner Center user: sign in first (device code or a Secure Application Model refresh token)",
    );
  }

  private async application(): Promise<MsalApplicationLike> {
    if (this.app) return this.app;
    const msal = await import("@azure/msal-node");
    const o = this.options;
    const config: Configuration = {
      auth: {
        clientId: o.clientId,
        authority: o.authority ?? `https://login.microsoftonline.com/${o.tenantId ?? "organizations"}`,
        ...(o.clientSecret ? { clientSecret: o.clientSecret } : {}),
        ...(o.clientCertificate ? { clientCertificate: o.clientCertificate } : {}),
      },
      cache: o.cachePlugin ? { cachePlugin: o.cachePlugin } : undefined,
      // MSAL's own logging stays off: nothing it could print belongs in our logs.
      system: { loggerOptions: { loggerCallback: () => undefined, piiLoggingEnabled: false } },
    };
    this.app = this.confidential ? new msal.ConfidentialClientApplication(config) : new msal.PublicClientApplication(config);
    return this.app;
  }
}
