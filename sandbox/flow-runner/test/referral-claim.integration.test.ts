/**
 * The claim a flow takes before it creates a Partner Center referral, through the Dataverse
 * connector's "Add a new row" (CreateRecord) into the Dataverse emulator loaded with the solution
 * zip `npm run build` wrote: the row's primary key (item/pcs_referralcreationid) is the
 * opportunity's id, so a second run for the same opportunity gets Dataverse's duplicate-key
 * refusal (412, 0x80040237) and its action FAILS — the flow must branch on that failure, it does
 * not get a success back. Nothing the second run sent is stored.
 */
import { startDataverseEmulator, type DataverseEmulator } from "../../dataverse/src";
import { ErrorCodes } from "../../dataverse/src/errors";
import { builtZip } from "../../dataverse/test/helpers";
import { CONNECTION_REFERENCES, OPPORTUNITY, REFERRAL_CREATION, connectorId } from "../../../plugins-ts/src/model/schema";
import { startFlowRunner, type FlowRunnerHandle } from "../src";
import type { ActionDefinition, TriggerDefinition } from "../src/engine/types";
import { actionOf, expectActionStatus, expectRunStatus, workflowRow } from "../src/testing";
import { flowFile, newWorkflowId, runOnce } from "./helpers";

const DV_API = connectorId(CONNECTION_REFERENCES.dataverse.apiName);

let fr: FlowRunnerHandle;
let dv: DataverseEmulator;
let flowId: string;

async function dvApi(method: string, path: string, body?: unknown) {
  const res = await fetch(`${dv.apiUrl}${path}`, {
    method,
    headers: { Authorization: `Bearer ${dv.token}`, Accept: "application/json", "Content-Type": "application/json", Prefer: "return=representation" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

const TRIGGER: TriggerDefinition = {
  type: "Request",
  kind: "Button",
  inputs: { schema: { type: "object", properties: { text: { title: "Opportunity id", type: "string" }, text_1: { title: "Run", type: "string" } }, required: ["text", "text_1"] } },
};

/** Claim the create; "Create_referral" stands for the Partner Center call that only the winner makes. */
const actions: Record<string, ActionDefinition> = {
  Claim_the_create: {
    type: "OpenApiConnection",
    inputs: {
      host: { connectionName: "shared_commondataserviceforapps", operationId: "CreateRecord", apiId: DV_API },
      parameters: {
        entityName: REFERRAL_CREATION.entitySetName,
        [`item/${REFERRAL_CREATION.primaryId}`]: "@triggerBody()['text']",
        [`item/${REFERRAL_CREATION.name}`]: "@triggerBody()['text_1']",
        [`item/${REFERRAL_CREATION.opportunityNavigation}@odata.bind`]: `/${OPPORTUNITY.entitySetName}(@{triggerBody()['text']})`,
        [`item/${REFERRAL_CREATION.attemptedOn}`]: "@utcNow()",
      },
      authentication: "@parameters('$authentication')",
    },
  },
  Create_referral: { type: "Compose", inputs: "create the referral", runAfter: { Claim_the_create: ["Succeeded"] } },
  Already_claimed: { type: "Compose", inputs: "@outputs('Claim_the_create')?['body/error/code']", runAfter: { Claim_the_create: ["Failed"] } },
};

beforeAll(async () => {
  fr = await startFlowRunner();
  dv = await startDataverseEmulator({ port: 0 });
  fr.setDataverse(dv.url, dv.token);
  const connection = fr.createConnection({ apiName: "shared_commondataserviceforapps", displayName: "Dataverse", parameters: { environmentUrl: dv.url, token: dv.token } });
  // Import the built zip as an admin does, binding the Dataverse connection reference (its flows stay off).
  const imported = await dvApi("POST", "ImportSolution", {
    CustomizationFile: builtZip("unmanaged").bytes.toString("base64"),
    OverwriteUnmanagedCustomizations: true,
    PublishWorkflows: false,
    ComponentParameters: [{ "@odata.type": "Microsoft.Dynamics.CRM.connectionreference", connectionreferencelogicalname: CONNECTION_REFERENCES.dataverse.logicalName, connectionid: connection }],
  });
  expect(imported.status).toBe(204);
  flowId = newWorkflowId();
  const flow = flowFile(actions, {
    trigger: TRIGGER,
    connectionReferences: {
      shared_commondataserviceforapps: { runtimeSource: "embedded", connection: { connectionReferenceLogicalName: CONNECTION_REFERENCES.dataverse.logicalName }, api: { name: "shared_commondataserviceforapps" } },
    },
  });
  await fr.runner.activate(flowId, workflowRow(flowId, "Claim a referral create (test)", flow));
});

afterAll(async () => {
  await fr?.close();
  await dv?.close();
});

it("the first run's CreateRecord claims the opportunity; a second run's CreateRecord with the same id fails with 412 / 0x80040237 and stores nothing", async () => {
  const opp = await dvApi("POST", OPPORTUNITY.entitySetName, { name: "Contoso deal" });
  expect(opp.status).toBe(201);
  const oppId = opp.body[OPPORTUNITY.primaryId] as string;

  const first = (await runOnce(fr.runner, flowId, { text: oppId, text_1: "First run" })).run;
  expectRunStatus(first, "Succeeded");
  expect(actionOf(first, "Claim_the_create").outputs).toMatchObject({ statusCode: 201, body: { [REFERRAL_CREATION.primaryId]: oppId, [`_${REFERRAL_CREATION.opportunity}_value`]: oppId } });
  expectActionStatus(first, "Create_referral", "Succeeded");
  expectActionStatus(first, "Already_claimed", "Skipped");

  const before = dv.stateDigest();
  const second = (await runOnce(fr.runner, flowId, { text: oppId, text_1: "Second run" })).run;
  const claim = expectActionStatus(second, "Claim_the_create", "Failed");
  expect(claim.outputs).toMatchObject({ statusCode: 412, body: { error: { code: ErrorCodes.DuplicateRecord } } });
  expectActionStatus(second, "Create_referral", "Skipped");
  expect(expectActionStatus(second, "Already_claimed", "Succeeded").outputs).toBe(ErrorCodes.DuplicateRecord);
  expect(dv.stateDigest()).toBe(before);
  // Create_referral's branch ends Skipped after a failure, so the run is Failed (README "Run status"):
  // a flow that wants a Succeeded run on a lost claim must end that branch otherwise.
  expectRunStatus(second, "Failed");

  const rows = await dvApi("GET", `${REFERRAL_CREATION.entitySetName}?$select=${REFERRAL_CREATION.name}&$filter=_${REFERRAL_CREATION.opportunity}_value eq ${oppId}`);
  expect(rows.body.value.map((r: Record<string, string>) => r[REFERRAL_CREATION.name])).toEqual(["First run"]);
});
