/** GET /webhooks/v1/registration/events — the event names a registration may use. */
import { Handler } from "../../context";
import { SUPPORTED_EVENTS } from "./shared";

export const listWebhookEvents: Handler = () => ({ status: 200, body: [...SUPPORTED_EVENTS] });
