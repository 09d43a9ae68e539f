/** GET /_emulator — where things are. */
import { Handler } from "../../context";

export const controlInfo: Handler = (ctx) => ({
  status: 200,
  body: {
    name: "Partner Center emulator",
    referralsBaseUrl: ctx.baseUrl(),
    partnerCenterBaseUrl: ctx.baseUrl(),
    controlUrl: `${ctx.baseUrl()}/_emulator`,
    certificateBaseUrl: ctx.signing.baseUrl,
    partnerOrganizationId: ctx.config.partnerOrganizationId,
    partnerOrganizationName: ctx.config.partnerOrganizationName,
    pageSize: ctx.config.pageSize,
    referrals: ctx.store.allReferrals().length,
    registration: ctx.store.getRegistration() ?? null,
  },
});
