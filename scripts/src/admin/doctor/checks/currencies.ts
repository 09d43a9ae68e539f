/**
 * Currencies: the deal value goes to Partner Center with the opportunity's currency as an ISO 4217
 * code, so every active currency must carry a code Partner Center takes ("Make sure your currency is
 * appropriate to your location and is in your CRM environment accurately", Microsoft's
 * troubleshooting page). A code it does not know fails every referral in that currency.
 */
import { isCurrencyCode, normalizeCurrency } from "../../../../../plugins-ts/src/rulebook/currencies";
import { ok, type Check, type Finding } from "../types";

export const currenciesCheck: Check = {
  name: "currencies",
  title: "Currencies",
  async run(ctx) {
    const rows = await ctx.api.list<{ isocurrencycode: string; currencyname: string; transactioncurrencyid: string }>("transactioncurrencies?$select=isocurrencycode,currencyname,transactioncurrencyid&$filter=statecode eq 0");
    const org = await ctx.api.list<{ _basecurrencyid_value?: string }>("organizations?$select=_basecurrencyid_value");
    const base = rows.find((r) => r.transactioncurrencyid === org[0]?._basecurrencyid_value);
    const bad = rows.filter((r) => !isCurrencyCode(normalizeCurrency(r.isocurrencycode)));
    const out: Finding[] = bad.map((r) => ({
      check: "currencies" as const,
      code: "currency-unknown",
      severity: "warning" as const,
      subject: r.isocurrencycode,
      message: `The currency "${r.currencyname}" has the code ${JSON.stringify(r.isocurrencycode)}, which is not an ISO 4217 code: Partner Center refuses deal values in it.`,
      fix: "Give it its ISO 4217 code (Settings → Business Management → Currencies), or use another currency on co-sell opportunities.",
    }));
    if (!rows.length) out.push({ check: "currencies", code: "currency-none", severity: "error", message: "The environment has no active currency.", fix: "Activate the organization's currency (Settings → Business Management → Currencies)." });
    if (!out.length) out.push(ok("currencies", "currencies-ok", `${rows.length} active currenc${rows.length === 1 ? "y" : "ies"} (${rows.map((r) => r.isocurrencycode).join(", ")}${base ? `; base ${base.isocurrencycode}` : ""}), all ISO 4217.`));
    return out;
  },
};
