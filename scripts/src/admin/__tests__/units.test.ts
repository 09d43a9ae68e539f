/**
 * The admin command line's pure parts: the settings file, sign-in choices, target resolution, the
 * progress bar, grouping records by cause. (Deploy, doctor and reconcile against a sandbox:
 * tests/admin/.)
 */
import { createTokenSource, SignInError, TOKEN_VARIABLES } from "../auth";
import { causeOf } from "../doctor/checks/records";
import { bar, progress } from "../progress";
import { parseSettings, SettingsError } from "../settings";
import { resolveTarget } from "../target";

describe("settings file (pac format)", () => {
  test("reads variables and references; an empty value or connection means 'leave it'", () => {
    const s = parseSettings({
      EnvironmentVariables: [{ SchemaName: "pcs_DealValueField", Value: "" }, { SchemaName: " pcs_DisplayCheckMark ", Value: "no" }],
      ConnectionReferences: [{ LogicalName: "pcs_x", ConnectionId: " abc ", ConnectorId: "/providers/Microsoft.PowerApps/apis/shared_x" }],
    });
    expect(s.EnvironmentVariables).toEqual([{ SchemaName: "pcs_DealValueField", Value: "" }, { SchemaName: "pcs_DisplayCheckMark", Value: "no" }]);
    expect(s.ConnectionReferences[0].ConnectionId).toBe("abc");
  });

  test("every problem is named with its place, and nothing is half-read", () => {
    expect(() => parseSettings([])).toThrow(SettingsError);
    let message = "";
    try {
      parseSettings({ EnvironmentVariables: [{ Value: "x" }, { SchemaName: "pcs_A", Value: true }], ConnectionReferences: [{ LogicalName: "pcs_r" }, { LogicalName: "PCS_R" }] });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/EnvironmentVariables\[0\] needs a SchemaName/);
    expect(message).toMatch(/EnvironmentVariables\[1\] \(pcs_A\): Value must be text/);
    expect(message).toMatch(/ConnectionReferences names PCS_R twice/);
  });
});

describe("sign-in", () => {
  test("a pre-acquired token from the environment is used as is; describe() names the variable, never the token", async () => {
    const t = createTokenSource({ dataverseUrl: "https://contoso.crm.dynamics.com", env: { [TOKEN_VARIABLES.dataverse]: "eyJ.secret.token" } });
    expect(await t.token("dataverse")).toBe("eyJ.secret.token");
    expect(t.describe()).toContain("PCS_DATAVERSE_TOKEN");
    expect(t.describe()).not.toContain("secret");
  });

  test("without a token or an app registration, it says how to sign in", async () => {
    const t = createTokenSource({ dataverseUrl: "https://contoso.crm.dynamics.com", env: {} });
    await expect(t.token("referrals")).rejects.toThrow(/--client-id .*PCS_PARTNER_CENTER_TOKEN/);
  });

  test("device code once, then the other services silently for the same account; the scopes are each resource's", async () => {
    const scopes: string[][] = [];
    const shown: string[] = [];
    const account = { homeAccountId: "h", environment: "e", tenantId: "t", username: "admin@contoso.com", localAccountId: "l" };
    const t = createTokenSource({
      dataverseUrl: "https://contoso.crm.dynamics.com/",
      clientId: "app",
      env: {},
      showDeviceCode: (m) => shown.push(m),
      msal: {
        acquireTokenByDeviceCode: async (r) => {
          scopes.push(r.scopes);
          r.deviceCodeCallback({ message: "To sign in, use a web browser to open https://microsoft.com/devicelogin and enter the code ABC123." });
          return { accessToken: "dv-token", account, expiresOn: new Date(Date.now() + 3_600_000) } as never;
        },
        acquireTokenSilent: async (r) => {
          scopes.push(r.scopes);
          return { accessToken: `silent-${r.scopes[0]}`, account, expiresOn: new Date(Date.now() + 3_600_000) } as never;
        },
      },
    });
    expect(await t.token("dataverse")).toBe("dv-token");
    expect(await t.token("dataverse")).toBe("dv-token"); // cached
    expect(await t.token("referrals")).toBe("silent-https://api.partner.microsoft.com/.default");
    expect(scopes).toEqual([["https://contoso.crm.dynamics.com/.default"], ["https://api.partner.microsoft.com/.default"]]);
    expect(shown).toHaveLength(1);
    expect(t.describe()).toBe("device-code sign-in as admin@contoso.com");
  });

  test("a service principal cannot call the Referrals API (App+User only) and needs a tenant", async () => {
    const sp = createTokenSource({ dataverseUrl: "https://contoso.crm.dynamics.com", clientId: "app", tenant: "contoso.onmicrosoft.com", env: { PCS_CLIENT_SECRET: "s3cret" }, msal: { acquireTokenByClientCredential: async () => ({ accessToken: "app-token" }) as never } });
    expect(await sp.token("dataverse")).toBe("app-token");
    await expect(sp.token("referrals")).rejects.toThrow(SignInError);
    await expect(sp.token("referrals")).rejects.toThrow(/accepts only a signed-in user/);
    const noTenant = createTokenSource({ dataverseUrl: "https://contoso.crm.dynamics.com", clientId: "app", env: { PCS_CLIENT_SECRET: "s3cret" } });
    await expect(noTenant.token("dataverse")).rejects.toThrow(/--tenant/);
  });

  test("an MSAL failure is reported by its code, never with what it was sent", async () => {
    const t = createTokenSource({
      dataverseUrl: "https://contoso.crm.dynamics.com",
      clientId: "app",
      env: {},
      msal: { acquireTokenByDeviceCode: async () => Promise.reject(Object.assign(new Error("AADSTS50059 tenant secret-detail"), { errorCode: "invalid_grant" })) },
    });
    await expect(t.token("dataverse")).rejects.toThrow("Sign-in for https://contoso.crm.dynamics.com failed (MSAL invalid_grant).");
  });
});

describe("target", () => {
  const io = { err: () => undefined };
  test("a real environment: the org URL's origin, Microsoft's public hosts", () => {
    const t = resolveTarget({ url: "https://contoso.crm4.dynamics.com/main.aspx?appid=1" }, io, {});
    expect(t).toMatchObject({ dataverseUrl: "https://contoso.crm4.dynamics.com", webApiUrl: "https://contoso.crm4.dynamics.com/api/data/v9.2/", referralsBaseUrl: "https://api.partner.microsoft.com", webhooksBaseUrl: "https://api.partnercenter.microsoft.com", flowApiUrl: "https://api.flow.microsoft.com" });
  });
  test("refuses plain http outside this machine, both --url and --sandbox, and no target", () => {
    expect(() => resolveTarget({ url: "http://contoso.crm.dynamics.com" }, io, {})).toThrow(/must be https:\/\//);
    expect(() => resolveTarget({ url: "https://a.crm.dynamics.com", sandbox: true }, io, {})).toThrow(/either --url or --sandbox/);
    expect(() => resolveTarget({}, io, {})).toThrow(/--url https:\/\/<org>\.crm\.dynamics\.com/);
  });
});

describe("progress", () => {
  test("a bar on a terminal, redrawn in place; only start and end elsewhere", () => {
    expect(bar(0.5)).toBe(`[${"█".repeat(12)}${"░".repeat(12)}]  50%`);
    expect(bar(7)).toMatch(/100%$/);
    let tty = "";
    const p = progress({ write: (t) => (tty += t), isTTY: true }, "Importing");
    p.update(0.25, "in progress");
    p.update(0.25, "in progress");
    p.done("Imported.");
    expect(tty.match(/\r/g)).toHaveLength(2);
    expect(tty).toContain("Importing  [██████░░░░░░░░░░░░░░░░░░]  25%  in progress");
    let log = "";
    const q = progress({ write: (t) => (log += t), isTTY: false }, "Importing");
    q.update(0.5);
    q.done("Imported.");
    expect(log).toBe("Importing…\nImported.\n");
  });
});

test("records in Error are grouped by their message without the values that differ per record", () => {
  expect(causeOf('Customer account country code "USA" is not a two-letter code.')).toBe(causeOf('Customer account country code "Germany" is not a two-letter code.'));
  expect(causeOf("Deal value -100 is negative.")).toBe(causeOf("Deal value -2500.50 is negative."));
  expect(causeOf("Microsoft Solutions is empty.")).not.toBe(causeOf("Contact is empty."));
});
