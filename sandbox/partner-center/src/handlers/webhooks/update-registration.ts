/** PUT /webhooks/v1/registration — replace URL, events and header choice (404 when none exists). */
import { Handler } from "../../context";
import { currentRegistration, parseRegistration, registrationBody } from "./shared";

export const updateWebhookRegistration: Handler = (ctx, req) => {
  const existing = currentRegistration(ctx);
  const reg = parseRegistration(req, existing.SubscriberId);
  ctx.store.setRegistration(reg);
  return { status: 200, body: registrationBody(reg) };
};
