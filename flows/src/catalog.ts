/**
 * Every cloud flow the solution ships, in the order an admin turns them on (children first).
 * flows/*.json are generated from these definitions by `npm run flows`; a test keeps them equal.
 */
import { FlowFile, flowFile, FlowSpec } from "./builder";
import { createReferralFlow } from "./definitions/create-referral";
import { customizeFlow } from "./definitions/customize";
import { helperFlow } from "./definitions/helper";
import { leadTriggerFlow } from "./definitions/lead-trigger";
import { microsoftUpdatesFlow } from "./definitions/microsoft-updates";
import { opportunityTriggerFlow } from "./definitions/opportunity-trigger";
import { receiverFlow } from "./definitions/receiver";
import { recoveryFlow } from "./definitions/recovery";
import { registerDealFlow } from "./definitions/register-deal";
import { solutionsTriggerFlow } from "./definitions/solutions-trigger";
import { updateReferralFlow } from "./definitions/update-referral";
import { webhookRegistrationFlow } from "./definitions/webhook-registration";

export const FLOW_DEFINITIONS: ReadonlyArray<() => FlowSpec> = [
  webhookRegistrationFlow,
  createReferralFlow,
  customizeFlow,
  helperFlow,
  microsoftUpdatesFlow,
  receiverFlow,
  updateReferralFlow,
  opportunityTriggerFlow,
  solutionsTriggerFlow,
  leadTriggerFlow,
  recoveryFlow,
  registerDealFlow,
];

export interface BuiltFlow {
  spec: FlowSpec;
  file: FlowFile;
}

export function buildFlows(): BuiltFlow[] {
  return FLOW_DEFINITIONS.map((define) => {
    const spec = define();
    return { spec, file: flowFile(spec) };
  });
}
