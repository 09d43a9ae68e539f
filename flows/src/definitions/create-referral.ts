/**
 * 2. Create Co-sell Referral – Dynamics 365 to Partner Center (child flow): shares an opportunity
 * with Partner Center for the first time, for the flows that find it not shared yet (9, 10, 11).
 *
 * The same steps as flow 8 (blocks/outbound.ts with the create of blocks/create.ts): the opportunity
 * is read with its account, contact, currency, owner and solutions, checked with the rulebook (a
 * failing rule costs no Partner Center call: Error, an Audit line naming the field, ✖), and the
 * referral created once however many runs ask at the same time. One already shared is brought into
 * agreement instead. The response says whether another run was creating it (leftToAnotherRun): that
 * run read the opportunity first, so a caller that saw a later change looks again once it is done.
 */
import { buttonTrigger, completed, FlowSpec, respond, Steps } from "../builder";
import { FLOWS } from "../ids";
import { HOW_TO_GO_ON } from "../blocks/create";
import { addOutboundSync } from "../blocks/outbound";
import { equals, ex, lit, prop, triggerBody } from "../wdl";


export function createReferralFlow(): FlowSpec {
  const steps = new Steps();
  const id = prop(triggerBody(), "opportunityId");
  const last = addOutboundSync(steps, { opportunityId: id, examine: "all", create: true });
  steps.add(
    "Respond",
    respond(
      { opportunityId: ex(id), leftToAnotherRun: ex(equals(HOW_TO_GO_ON, lit("leave"))) },
      { opportunityId: { title: "Opportunity", type: "string" }, leftToAnotherRun: { title: "Left to another run", type: "boolean" } },
    ),
    completed(last),
  );
  return {
    id: FLOWS.createReferral.id,
    name: FLOWS.createReferral.name,
    description: "Child flow: checks an opportunity and creates its Partner Center referral (externalReferenceId = the opportunity) once, however many runs ask; one already shared is brought into agreement.",
    connections: ["dataverse", "referrals"],
    environmentVariables: ["displayCheckMark", "dealValueField", "customerCountryCodeField"],
    triggers: buttonTrigger({ opportunityId: { title: "Opportunity", type: "string", description: "The opportunity's id" } }, ["opportunityId"]),
    steps,
  };
}
