/** GET /webhooks/v1/registration/validationEvents/{correlationId} — the test event's delivery results. */
import { Handler } from "../../context";
import { itemNotFound } from "../../errors";

export const getValidationEvent: Handler = (ctx, req) => {
  const v = ctx.store.getValidationEvent(req.params.correlationId!);
  if (!v) throw itemNotFound(`No validation event with correlationId '${req.params.correlationId}'.`, "correlationId");
  return { status: 200, body: v };
};
