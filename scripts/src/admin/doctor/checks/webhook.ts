/**
 * Partner Center's webhook registration names this environment's receiver ("Partner Center to
 * Dynamics 365"'s HTTP URL) for the four referral events. Partner Center keeps one URL per partner
 * tenant: a registration naming another URL means referral changes go elsewhere (another
 * environment, Microsoft's own connector, an old flow). --fix registers the receiver again, as
 * deploy does (the URL it replaces is named in the finding).
 */
import { hideSignature, compareRegistration, registerReceiver } from "../../webhook";
import { ok, type Check } from "../types";

export const webhookCheck: Check = {
  name: "webhook",
  title: "Webhook",
  async run(ctx) {
    if (!(await ctx.solution())) return [];
    const url = await ctx.receiverUrl();
    const registration = await ctx.registration();
    if ("error" in url) {
      return [
        {
          check: "webhook",
          code: "webhook-unverified",
          severity: "warning",
          message: `The receiver's URL could not be read (${url.error}), so the registration${registration ? ` (to ${hideSignature(registration.WebhookUrl)})` : ""} cannot be checked.`,
          fix: 'Copy the HTTP URL of "Partner Center to Dynamics 365" from its trigger in Power Automate and run doctor again with --webhook-url <url>.',
        },
      ];
    }
    const check = compareRegistration(registration, url.url);
    if (!registration) {
      return [{ check: "webhook", code: "webhook-missing", severity: "error", message: "Partner Center has no webhook registration: referrals shared or changed in Partner Center never reach this environment.", fix: "Register the receiver (npm run doctor -- --fix does it, as deploy does).", fixable: true }];
    }
    if (!check.pointsHere) {
      return [
        {
          check: "webhook",
          code: "webhook-elsewhere",
          severity: "error",
          message: `Partner Center sends the referral events to ${hideSignature(registration.WebhookUrl)}, not to this environment's receiver (${hideSignature(url.url)}).`,
          fix: "If that URL is an old flow, another environment or Microsoft's connector, register this environment's receiver instead (Partner Center keeps one URL): npm run doctor -- --fix does it. Check first that nothing else needs those events.",
          fixable: true,
        },
      ];
    }
    if (check.missingEvents.length || !check.signatureHeader) {
      return [
        {
          check: "webhook",
          code: "webhook-events",
          severity: "error",
          message: check.missingEvents.length ? `The registration leaves out ${check.missingEvents.join(", ")}: those changes are not synced.` : "The registration does not put the signature in x-ms-signature, where the receiver reads it.",
          fix: "Register again with the four referral events: npm run doctor -- --fix does it.",
          fixable: true,
        },
      ];
    }
    return [ok("webhook", "webhook-registered", `Partner Center sends ${registration.WebhookEvents.join(", ")} to this environment's receiver.`)];
  },
  async repair(ctx, findings) {
    const url = await ctx.receiverUrl();
    for (const f of findings) {
      if ("error" in url) {
        f.fixFailed = url.error;
        continue;
      }
      const r = await registerReceiver(ctx.clients, url.url);
      f.fixed = r.action === "unchanged" ? "already registered" : `registered ${hideSignature(url.url)}${r.replaced ? ` in place of ${hideSignature(r.replaced)}` : ""}`;
    }
  },
};
