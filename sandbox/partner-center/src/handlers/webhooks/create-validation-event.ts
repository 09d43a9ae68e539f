/**
 * POST /webhooks/v1/registration/validationEvents — send a test-created event to the registered
 * URL. Needs a registration that includes test-created; throttled to 2 per minute (documented).
 * Answers { correlationId }; the delivery results are read with GET validationEvents/{id}.
 */
import { randomUUID } from "node:crypto";
import { Handler } from "../../context";
import { ApiError, invalidRequest } from "../../errors";
import { toChangeDate } from "../../webhooks/dispatcher";
import { currentRegistration } from "./shared";

export const createValidationEvent: Handler = (ctx) => {
  const reg = currentRegistration(ctx);
  if (!reg.WebhookEvents.includes("test-created")) {
    throw invalidRequest("The registration does not include the test-created event; add it before requesting a validation event.", "WebhookEvents");
  }
  const nowMs = ctx.now().getTime();
  ctx.validationSends = ctx.validationSends.filter((t) => nowMs - t < 60_000);
  if (ctx.validationSends.length >= ctx.config.validationEventsPerMinute) {
    const retryAfter = Math.max(1, Math.ceil((ctx.validationSends[0]! + 60_000 - nowMs) / 1000));
    throw new ApiError(429, "tooManyRequests", `Validation events are limited to ${ctx.config.validationEventsPerMinute} per minute. Try again in ${retryAfter} seconds.`, undefined, { "Retry-After": String(retryAfter) });
  }
  ctx.validationSends.push(nowMs);
  const correlationId = randomUUID();
  ctx.store.putValidationEvent({ correlationId, partnerId: ctx.config.partnerOrganizationId, status: "pending", callbackUrl: reg.WebhookUrl, results: [] });
  ctx.dispatcher.emit(
    {
      EventName: "test-created",
      ResourceUri: `${ctx.baseUrl()}/webhooks/v1/registration/validationEvents/${correlationId}`,
      ResourceName: "test",
      AuditUri: null,
      ResourceChangeUtcDate: toChangeDate(ctx.now().toISOString()),
    },
    correlationId,
  );
  return { status: 200, body: { correlationId } };
};
