/**
 * POST /_emulator/faults — the next `count` calls matching `operation`, or `method` + `path`,
 * answer `status` (documented error body; 429 gets the throttling body) with an optional
 * Retry-After of `retryAfter` seconds, and/or after `delayMs`. GET lists, DELETE clears.
 */
import { Handler, jsonBody } from "../../context";

export const controlAddFault: Handler = (ctx, req) => {
  const body = jsonBody(req);
  const list = Array.isArray(body) ? body : [body];
  const added = list.map((f) => ctx.faults.add(f));
  return { status: 201, body: Array.isArray(body) ? { value: added } : added[0] };
};
export const controlListFaults: Handler = (ctx) => ({ status: 200, body: { value: ctx.faults.list() } });
export const controlClearFaults: Handler = (ctx) => {
  ctx.faults.clear();
  return { status: 204 };
};
