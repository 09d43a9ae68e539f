/**
 * "Who can trigger the flow?" on the HTTP request trigger (Request, kind Http):
 * `inputs.triggerAuthenticationType` (MicrosoftDocs/power-automate-docs articles/oauth-authentication.md):
 *
 * | value    | designer                       | a call is accepted when |
 * |----------|--------------------------------|-------------------------|
 * | "All"    | Anyone                         | the URL carries a valid `sig` (shared access signature) and no Authorization header |
 * | "Tenant" | Any user in my tenant          | it carries `Authorization: Bearer <Entra ID token of the tenant>` |
 * | "User"   | Specific users in my tenant    | as Tenant, and the token's user is in `triggerAllowedUsers` (blank: any user of the tenant) |
 *
 * Absent means "Any user in my tenant": "This setting is the default for any new flows".
 *
 * Spellings, from real exports: "All" in pnp/powerplatform-samples
 * samples/always-reply-to-request/solution/always-respond-to-request.zip
 * (Workflows/PatternAlwaysreplytoHTTPrequest-CD602B70-A83E-EE11-BDF3-0022482A4279.json). No
 * tenant-only or specific-users trigger exists in the Microsoft repositories searched
 * (pnp/powerplatform-samples' 72 zips, microsoft/powercat-automation-kit,
 * microsoft/powercat-business-approvals-kit, microsoft/Power-CAT-Copilot-Studio-Kit; coe-starter-kit
 * only partly readable); "Tenant" and "User" (+ "triggerAllowedUsers", users separated by ';') are
 * what public third-party exports and flow tools write. The key names are documented for the
 * Teams webhook trigger (learn.microsoft.com/connectors/teams: triggerAuthenticationType,
 * triggerAllowedUsers).
 *
 * Two schemes on one call fail: "An inbound call to the request endpoint can use only one
 * authorization scheme, either OAuth with Microsoft Entra ID or Shared Access Signature (SAS) …
 * using both schemes at the same time causes an error" (azure-docs
 * articles/logic-apps/logic-apps-securing-a-logic-app.md). So a tenant-only trigger's callback URL
 * carries no sig, and an "All" trigger refuses a call with an Authorization header.
 *
 * Error codes: DirectApiAuthorizationRequired (no credential) and MisMatchingOAuthClaims (a token
 * that is not of the tenant, or not an allowed user; message as the service words it) are what
 * callers observe from Power Automate; OAuthAccessPolicyNotFound (a token on a SAS-only trigger) is
 * what callers report for an "Anyone" trigger. Statuses and the remaining wording are ours.
 * The tenant's tokens are modelled as bearer tokens the runner is configured with (tenantTokens).
 */
import type { TriggerDefinition } from "../engine/types";
import { header } from "../connectors/http";

export const TRIGGER_AUTHENTICATION_TYPES = ["All", "Tenant", "User"] as const;
export type TriggerAuthenticationType = (typeof TRIGGER_AUTHENTICATION_TYPES)[number];

export interface TriggerAuthentication {
  type: TriggerAuthenticationType;
  /** "User": object ids or e-mail addresses, lower-case (empty: the whole tenant). */
  allowedUsers: string[];
  /** True when the flow does not say (the default for new flows applies). */
  defaulted: boolean;
}

/** Whether a trigger is an HTTP request trigger (the only kind with "Who can trigger the flow?"). */
export function isHttpRequestTrigger(t: TriggerDefinition | undefined): boolean {
  return String(t?.type ?? "").toLowerCase() === "request" && String(t?.kind ?? "Http").toLowerCase() === "http";
}

/**
 * The trigger's authentication. `allowDefault` (the temporary issue-11 opt-out) reads an absent
 * value as "All", as the flows written before the rule expect.
 */
export function triggerAuthentication(t: TriggerDefinition): TriggerAuthentication {
  const raw = t.inputs?.triggerAuthenticationType;
  const type = TRIGGER_AUTHENTICATION_TYPES.find((x) => x.toLowerCase() === String(raw ?? "").toLowerCase());
  const users = String(t.inputs?.triggerAllowedUsers ?? "")
    .split(/[;,]/)
    .map((u) => u.trim().toLowerCase())
    .filter(Boolean);
  if (raw === undefined || raw === null || raw === "") return { type: "Tenant", allowedUsers: [], defaulted: true };
  return { type: type ?? "Tenant", allowedUsers: users, defaulted: false };
}

/** Whether the trigger's callback URL is signed (SAS): only "All" triggers. */
export const usesSignature = (auth: TriggerAuthentication): boolean => auth.type === "All";

type Add = (path: string, code: string, message: string, severity?: "error" | "warning") => void;

export function lintTriggerAuthentication(name: string, t: TriggerDefinition, path: string, add: Add): void {
  const raw = t.inputs?.triggerAuthenticationType;
  if (!isHttpRequestTrigger(t)) {
    if (raw !== undefined) add(`${path}.inputs.triggerAuthenticationType`, "trigger-authentication", `Only an HTTP request trigger (Request, kind Http) has 'triggerAuthenticationType'; '${name}' is ${t.type}/${t.kind ?? "-"}.`);
    return;
  }
  if (raw !== undefined && !TRIGGER_AUTHENTICATION_TYPES.includes(raw as TriggerAuthenticationType)) {
    add(`${path}.inputs.triggerAuthenticationType`, "trigger-authentication", `'triggerAuthenticationType' of '${name}' is ${JSON.stringify(raw)}; it is one of ${TRIGGER_AUTHENTICATION_TYPES.map((x) => `"${x}"`).join(", ")} (Anyone, Any user in my tenant, Specific users in my tenant).`);
  }
  if (t.inputs?.triggerAllowedUsers !== undefined && raw !== "User") {
    add(`${path}.inputs.triggerAllowedUsers`, "trigger-authentication", `'triggerAllowedUsers' of '${name}' only applies when triggerAuthenticationType is "User".`, "warning");
  }
}

export interface AuthRefusal {
  status: number;
  code: string;
  message: string;
}

/**
 * Decide whether an HTTP trigger call may start the flow. `tenantTokens` maps each bearer token of
 * the environment's tenant to the user (object id or e-mail) it identifies.
 */
export function authorizeTriggerCall(
  auth: TriggerAuthentication,
  call: { headers: Record<string, string>; signed: boolean },
  tenantTokens: Readonly<Record<string, string>>,
): AuthRefusal | undefined {
  const authorization = header(call.headers, "authorization");
  if (auth.type === "All") {
    if (!call.signed) return { status: 401, code: "DirectApiAuthorizationRequired", message: "The request must be authenticated only by Shared Access scheme." };
    if (authorization) {
      return {
        status: 401,
        code: "OAuthAccessPolicyNotFound",
        message: "The request carries an Authorization header, but the trigger accepts anyone with the signed URL (triggerAuthenticationType \"All\") and has no OAuth policy; a call may use only one authorization scheme. Send no Authorization header.",
      };
    }
    return undefined;
  }
  const who = auth.type === "Tenant" ? "any user in the flow's tenant" : "specific users in the flow's tenant";
  if (call.signed && authorization) {
    return { status: 401, code: "MultipleAuthorizationSchemes", message: "The request uses both a shared access signature (sig) and an OAuth token; a call may use only one authorization scheme." };
  }
  const bearer = /^Bearer\s+(.+)$/i.exec(authorization ?? "")?.[1]?.trim();
  if (!bearer) {
    return {
      status: 401,
      code: "DirectApiAuthorizationRequired",
      message: `The trigger can be called only by ${who} (triggerAuthenticationType "${auth.type}"${auth.defaulted ? ", the default for a trigger that does not say" : ""}): the request must carry 'Authorization: Bearer <Microsoft Entra ID token>' of the tenant.`,
    };
  }
  const user = Object.prototype.hasOwnProperty.call(tenantTokens, bearer) ? tenantTokens[bearer] : undefined;
  if (user === undefined) return { status: 401, code: "MisMatchingOAuthClaims", message: "One or more claims either missing or does not match with the open authentication access control policy." };
  if (auth.type === "User" && auth.allowedUsers.length && !auth.allowedUsers.includes(user.toLowerCase())) {
    return { status: 403, code: "MisMatchingOAuthClaims", message: "One or more claims either missing or does not match with the open authentication access control policy." };
  }
  return undefined;
}
