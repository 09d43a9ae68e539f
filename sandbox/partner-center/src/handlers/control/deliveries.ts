/**
 * GET /_emulator/deliveries — webhook deliveries and their attempts; ?wait=true first waits until
 * none is pending (?timeoutMs=, default 10000); filters ?eventName=, ?referralId=, ?state=.
 * GET /_emulator/events — the recent events raised (delivered or not, with why not).
 * POST /_emulator/deliveries/repeat — re-deliver recent events: { last?, times?, order?:
 * "original" | "reverse" | "shuffle", outOfOrder?: boolean (= reverse), eventName?, referralId?,
 * wait?: boolean }.
 */
import { Handler, jsonBody } from "../../context";
import { invalidRequest } from "../../errors";

function timeout(v: string | null): number {
  if (v === null) return 10_000;
  if (!/^\d+$/.test(v)) throw invalidRequest("'timeoutMs' must be a non-negative integer.", "timeoutMs");
  return Number(v);
}

export const controlListDeliveries: Handler = async (ctx, req) => {
  const q = req.query;
  let idle = true;
  if (q.get("wait") === "true") idle = await ctx.dispatcher.idle(timeout(q.get("timeoutMs")));
  const value = ctx.dispatcher.deliveries({
    eventName: q.get("eventName") ?? undefined,
    resourceId: q.get("referralId") ?? undefined,
    state: q.get("state") ?? undefined,
  });
  return { status: 200, body: { idle, count: value.length, value } };
};

export const controlListEvents: Handler = (ctx) => {
  const value = ctx.dispatcher.recentEvents();
  return { status: 200, body: { count: value.length, value } };
};

export const controlRepeatDeliveries: Handler = async (ctx, req) => {
  const body = (req.rawBody.length ? jsonBody(req) : {}) as Record<string, unknown>;
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw invalidRequest("The body must be an object.");
  const int = (name: string, min: number): number | undefined => {
    const v = body[name];
    if (v === undefined) return undefined;
    if (typeof v !== "number" || !Number.isInteger(v) || v < min) throw invalidRequest(`'${name}' must be an integer ≥ ${min}.`, name);
    return v;
  };
  const order = body.order ?? (body.outOfOrder === true ? "reverse" : "original");
  if (order !== "original" && order !== "reverse" && order !== "shuffle") throw invalidRequest("'order' must be original, reverse or shuffle.", "order");
  const deliveries = ctx.dispatcher.repeat({
    last: int("last", 1),
    times: int("times", 1),
    order,
    eventName: typeof body.eventName === "string" ? body.eventName : undefined,
    resourceId: typeof body.referralId === "string" ? body.referralId : undefined,
  });
  if (body.wait === true) await ctx.dispatcher.idle(10_000);
  const ids = new Set(deliveries.map((d) => d.id));
  const value = ctx.dispatcher.deliveries().filter((d) => ids.has(d.id));
  return { status: 200, body: { count: value.length, value } };
};
