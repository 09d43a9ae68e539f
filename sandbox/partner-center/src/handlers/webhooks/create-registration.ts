/**
 * POST /webhooks/v1/registration — one registration per tenant: registering again replaces the
 * previous one, so the last registration wins and each event has exactly one URL.
 */
import { Handler } from "../../context";
import { parseRegistration, registrationBody } from "./shared";

export const createWebhookRegistration: Handler = (ctx, req) => {
  const reg = parseRegistration(req, ctx.store.getRegistration()?.SubscriberId);
  ctx.store.setRegistration(reg);
  return { status: 200, body: registrationBody(reg) };
};
