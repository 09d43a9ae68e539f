/** Token providers: scopes and flows per API, with a stand-in for the MSAL application. */
import type { AccountInfo, AuthenticationResult } from "@azure/msal-node";
import { MsalApplicationLike, MsalTokenProvider, PARTNER_CENTER_RESOURCE, REFERRALS_RESOURCE, StaticTokenProvider, TokenAcquisitionError } from "../tokens";

const account = { homeAccountId: "home-1", username: "admin@fabrikam.example" } as AccountInfo;
const result = (token: string) => ({ accessToken: token }) as AuthenticationResult;

function fakeApp(accounts: AccountInfo[] = [account]) {
  const calls: Array<{ method: string; scopes: string[]; extra?: unknown }> = [];
  const app: MsalApplicationLike = {
    acquireTokenSilent: async (r) => (calls.push({ method: "silent", scopes: r.scopes ?? [], extra: r.forceRefresh }), result("user-token")),
    acquireTokenByClientCredential: async (r) => (calls.push({ method: "clientCredential", scopes: r.scopes ?? [] }), result("app-token")),
    acquireTokenByRefreshToken: async (r) => (calls.push({ method: "refreshToken", scopes: r.scopes ?? [], extra: r.refreshToken }), result("rt-token")),
    getTokenCache: () => ({ getAllAccounts: async () => accounts }),
  };
  return { app, calls };
}

test("StaticTokenProvider: one token for both, or one per API", async () => {
  expect(await new StaticTokenProvider("t").getToken({ api: "webhooks", resource: PARTNER_CENTER_RESOURCE })).toBe("t");
  const p = new StaticTokenProvider({ referrals: "r" });
  expect(await p.getToken({ api: "referrals", resource: REFERRALS_RESOURCE })).toBe("r");
  await expect(p.getToken({ api: "webhooks", resource: PARTNER_CENTER_RESOURCE })).rejects.toThrow(/no token for the webhooks API/);
});

test("referrals always use App+User on api.partner.microsoft.com; webhooks app-only on api.partnercenter.microsoft.com", async () => {
  const { app, calls } = fakeApp();
  const p = new MsalTokenProvider({ clientId: "c", clientSecret: "s", application: app });
  expect(await p.getToken({ api: "referrals", resource: REFERRALS_RESOURCE, forceRefresh: true })).toBe("user-token");
  expect(await p.getToken({ api: "webhooks", resource: PARTNER_CENTER_RESOURCE })).toBe("app-token");
  expect(calls).toEqual([
    { method: "silent", scopes: ["https://api.partner.microsoft.com/user_impersonation"], extra: true },
    { method: "clientCredential", scopes: ["https://api.partnercenter.microsoft.com/.default"] },
  ]);
});

test("webhooks with App+User when asked; Secure Application Model refresh token when nobody is signed in", async () => {
  const { app, calls } = fakeApp([]);
  const p = new MsalTokenProvider({ clientId: "c", webhooksAuth: "user", refreshToken: async () => "vault-refresh-token", application: app });
  expect(await p.getToken({ api: "webhooks", resource: PARTNER_CENTER_RESOURCE })).toBe("rt-token");
  expect(calls).toEqual([{ method: "refreshToken", scopes: ["https://api.partnercenter.microsoft.com/user_impersonation"], extra: "vault-refresh-token" }]);
});

test("clear errors: no user, several users, app-only without credentials; MSAL errors keep their code only", async () => {
  await expect(new MsalTokenProvider({ clientId: "c", webhooksAuth: "user", application: fakeApp([]).app }).getToken({ api: "referrals", resource: REFERRALS_RESOURCE }))
    .rejects.toThrow(/no signed-in Partner Center user/);
  const two = fakeApp([account, { ...account, homeAccountId: "home-2", username: "b@x" }]).app;
  await expect(new MsalTokenProvider({ clientId: "c", webhooksAuth: "user", application: two }).getToken({ api: "referrals", resource: REFERRALS_RESOURCE }))
    .rejects.toThrow(/several signed-in accounts/);
  expect(await new MsalTokenProvider({ clientId: "c", webhooksAuth: "user", account: { username: "B@X" }, application: two }).getToken({ api: "referrals", resource: REFERRALS_RESOURCE })).toBe("user-token");
  expect(() => new MsalTokenProvider({ clientId: "c", webhooksAuth: "app" })).toThrow(/need a client secret or certificate/);
  const failing: MsalApplicationLike = {
    ...fakeApp().app,
    acquireTokenSilent: async () => {
      throw Object.assign(new Error("AADSTS700082: refresh token expired secret-value"), { errorCode: "invalid_grant" });
    },
  };
  const err = await new MsalTokenProvider({ clientId: "c", webhooksAuth: "user", application: failing }).getToken({ api: "referrals", resource: REFERRALS_RESOURCE }).catch((e) => e);
  expect(err).toBeInstanceOf(TokenAcquisitionError);
  expect(err.message).toBe("could not acquire a user token for https://api.partner.microsoft.com (MSAL invalid_grant)");
});

test("the real MSAL application is built lazily from the configuration", async () => {
  const p = new MsalTokenProvider({ clientId: "00000000-0000-0000-0000-000000000001", tenantId: "contoso.onmicrosoft.com", webhooksAuth: "user" });
  // No account and no sign-in method: fails before any network call, with the reason.
  await expect(p.getToken({ api: "referrals", resource: REFERRALS_RESOURCE })).rejects.toThrow(/no signed-in Partner Center user/);
});
