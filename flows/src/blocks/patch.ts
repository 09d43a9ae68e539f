/**
 * Sending a JSON Patch to a referral with optimistic concurrency: PATCH with If-Match (the eTag last
 * seen) and Prefer: return=representation, through HTTP with Microsoft Entra ID (the certified
 * connector's PatchReferralById has no If-Match); on 412 the referral is read again and the patch
 * sent once more with the fresh eTag. The result (statusCode + body) ends up in a variable so later
 * actions never depend on which attempt ran.
 */
import { completed, condition, failed, initVariable, invokeHttp, referrals, setVariable, Steps } from "../builder";
import { call, coalesce, concat, equals, ex, iff, lit, or, outputs, prop, str, tpl, variables } from "../wdl";

export const PATCH_RESULT = "Patch_result";

/** Top-level variable the patch block writes (variables must be initialized outside scopes). */
export const initPatchResult = () => initVariable(PATCH_RESULT, "object", {});

export function addPatch(steps: Steps, referralId: string, eTag: string, operations: string): { ok: string; referral: string; error: string } {
  const url = `/v1.0/engagements/referrals/${tpl(referralId)}`;
  const send = (ifMatch: string) =>
    invokeHttp("referralsApi", "PATCH", url, {
      headers: { "If-Match": ex(ifMatch), "Content-Type": "application/json", Prefer: "return=representation" },
      body: ex(operations),
    });
  steps.add("Patch_referral", send(str(eTag)));
  steps.add("Record_patch_result", setVariable(PATCH_RESULT, ex(outputs("Patch_referral"))), completed("Patch_referral"));

  const conflict = new Steps();
  conflict.add("Read_referral_again", referrals.get(ex(referralId)));
  conflict.add("Patch_referral_again", send(str(prop(call("body", lit("Read_referral_again")), "eTag"))));
  conflict.add("Record_second_patch_result", setVariable(PATCH_RESULT, ex(outputs("Patch_referral_again"))), completed("Patch_referral_again"));
  conflict.add("Record_read_failure", setVariable(PATCH_RESULT, ex(outputs("Read_referral_again"))), failed("Read_referral_again"));
  steps.add("If_the_referral_changed_meanwhile", condition(equals(prop(variables(PATCH_RESULT), "statusCode"), "412"), conflict));

  const status = prop(variables(PATCH_RESULT), "statusCode");
  const ok = or(equals(status, "200"), equals(status, "204"));
  return { ok, referral: prop(variables(PATCH_RESULT), "body"), error: partnerCenterError(variables(PATCH_RESULT)) };
}

/**
 * What a failed Partner Center call says, for the Audit line: its status and the documented error
 * body's message (or the throttling body's), or that Partner Center could not be reached.
 * `result` is an action's outputs (statusCode, body).
 */
export function partnerCenterError(result: string): string {
  const status = prop(result, "statusCode");
  const errBody = prop(result, "body");
  return iff(
    equals(status, "null"),
    lit("Partner Center could not be reached."),
    concat(lit("Partner Center answered "), call("string", status), lit(": "), coalesce(prop(errBody, "error", "message"), prop(errBody, "message"), lit("no details"))),
  );
}

