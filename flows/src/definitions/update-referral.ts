/**
 * 7. Dynamics 365 to Partner Center (child flow): brings one shared opportunity and its referral into
 * agreement, solutions included: the steps flows 8 and 9 hold inline (blocks/outbound.ts), for the
 * flows that call it (recovery, leads).
 */
import { OPPORTUNITY } from "../../../plugins-ts/src/model/schema";
import { buttonTrigger, completed, FlowSpec, respond, Steps } from "../builder";
import { FLOWS } from "../ids";
import { addOutboundSync } from "../blocks/outbound";
import { ex, prop, triggerBody } from "../wdl";

export function updateReferralFlow(): FlowSpec {
  const steps = new Steps();
  const last = addOutboundSync(steps, { opportunityId: prop(triggerBody(), "opportunityId"), examine: "all" });
  steps.add("Respond", respond({ opportunityId: ex(prop(triggerBody(), "opportunityId")) }, { opportunityId: { title: "Opportunity", type: "string" } }), completed(last));
  void OPPORTUNITY;
  return {
    id: FLOWS.updateReferral.id,
    name: FLOWS.updateReferral.name,
    description: "Child flow: sends what changed on a shared opportunity (solutions included) to Partner Center, under the conflict policy, and records the outcome.",
    connections: ["dataverse", "referrals"],
    environmentVariables: ["displayCheckMark", "dealValueField", "customerCountryCodeField"],
    triggers: buttonTrigger({ opportunityId: { title: "Opportunity", type: "string", description: "The opportunity's id" } }, ["opportunityId"]),
    steps,
  };
}
