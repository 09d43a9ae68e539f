/** What a failed Partner Center call says, for the Audit line. */
import { call, coalesce, concat, equals, iff, lit, prop } from "../wdl";

/**
 * Its status and the documented error body's message (either of Partner Center's two error shapes,
 * or the throttling body's), or that Partner Center could not be reached. `result` is an action's
 * outputs (statusCode, body).
 */
export function partnerCenterError(result: string): string {
  const status = prop(result, "statusCode");
  const errBody = prop(result, "body");
  return iff(
    equals(status, "null"),
    lit("Partner Center could not be reached."),
    concat(lit("Partner Center answered "), call("string", status), lit(": "), coalesce(prop(errBody, "error", "message"), prop(errBody, "description"), prop(errBody, "message"), lit("no details"))),
  );
}
