/** DELETE /webhooks/v1/registration — stop all deliveries (404 when none exists). */
import { Handler } from "../../context";
import { currentRegistration } from "./shared";

export const deleteWebhookRegistration: Handler = (ctx) => {
  currentRegistration(ctx);
  ctx.store.setRegistration(undefined);
  return { status: 204 };
};
