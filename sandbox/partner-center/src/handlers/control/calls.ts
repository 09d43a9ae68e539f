/**
 * GET /_emulator/calls — every Partner Center API call answered (the control API is not listed):
 * ?after=<seq> (calls after that sequence number), ?since=<ISO time>, ?method=, ?operation=,
 * ?path=<prefix>, ?status=, ?api=referrals|webhooks. Answers { count, lastSeq, value }.
 * DELETE /_emulator/calls forgets the log (sequence numbers keep increasing).
 */
import { Handler } from "../../context";
import { invalidRequest } from "../../errors";

export const controlListCalls: Handler = (ctx, req) => {
  const q = req.query;
  const num = (name: string): number | undefined => {
    const v = q.get(name);
    if (v === null) return undefined;
    if (!/^\d+$/.test(v)) throw invalidRequest(`'${name}' must be a non-negative integer.`, name);
    return Number(v);
  };
  let since: number | undefined;
  const sinceText = q.get("since");
  if (sinceText !== null) {
    since = Date.parse(sinceText);
    if (Number.isNaN(since)) throw invalidRequest("'since' must be an ISO 8601 date-time.", "since");
  }
  const value = ctx.calls.list({
    after: num("after"),
    since,
    method: q.get("method") ?? undefined,
    operation: q.get("operation") ?? undefined,
    pathPrefix: q.get("path") ?? undefined,
    status: num("status"),
    api: q.get("api") ?? undefined,
  });
  return { status: 200, body: { count: value.length, lastSeq: ctx.calls.lastSeq, value } };
};

export const controlClearCalls: Handler = (ctx) => {
  ctx.calls.clear();
  return { status: 204 };
};
