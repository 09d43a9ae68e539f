/**
 * The conflict policy (rulebook/merge.ts FIELD_POLICY) as Workflow Definition Language: for each
 * synced field, an expression giving the action ('none' | 'send' | 'take' | 'keep' | 'refuse') from
 * what the CRM holds, what Partner Center holds and what the sync last agreed (null when never
 * agreed). Generated from the same table the rulebook evaluates; merge-parity.test.ts runs both on
 * test-vectors/merge.json.
 */
import { FIELD_POLICY } from "../../../plugins-ts/src/rulebook/merge";
import type { SyncField } from "../../../plugins-ts/src/rulebook/sync-hash";
import { and, call, equals, iff, lit, not, or } from "../wdl";

const TERMINAL = "createArray('won', 'lost')";
const terminal = (v: string) => call("contains", TERMINAL, v);

/** The action for one field; c, p and a are string expressions (a may be null). */
export function actionExpression(field: SyncField, c: string, p: string, a: string): string {
  const same = equals(c, p);
  const none = lit("none");
  switch (FIELD_POLICY[field]) {
    case "twoWay":
      return iff(same, none, iff(and(not(equals(a, "null")), equals(c, a)), lit("take"), iff(call("empty", c), lit("keep"), lit("send"))));
    case "crm":
      return iff(same, none, iff(call("empty", c), lit("keep"), lit("send")));
    case "crmOnCreate":
      return iff(same, none, lit("keep"));
    case "sticky":
      return iff(same, none, iff(equals(c, lit("true")), lit("send"), iff(equals(p, lit("true")), lit("take"), none)));
    case "state":
      return iff(
        same,
        none,
        iff(
          or(call("empty", c), call("empty", p)),
          lit("keep"),
          iff(terminal(p), iff(terminal(c), lit("refuse"), lit("take")), iff(terminal(c), lit("send"), iff(equals(c, lit("open")), lit("send"), lit("take")))),
        ),
      );
  }
}

/** True when Partner Center's own change to a two-way field lost to the CRM's (both changed since the agreement). */
export function replacedExpression(field: SyncField, c: string, p: string, a: string): string {
  if (FIELD_POLICY[field] !== "twoWay") return "false";
  return and(not(equals(c, p)), not(equals(a, "null")), not(equals(c, a)), not(equals(p, a)), not(call("empty", c)));
}
