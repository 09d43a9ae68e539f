/** GET /webhooks/v1/registration — the tenant's registration (404 when there is none). */
import { Handler } from "../../context";
import { currentRegistration, registrationBody } from "./shared";

export const getWebhookRegistration: Handler = (ctx) => ({ status: 200, body: registrationBody(currentRegistration(ctx)) });
