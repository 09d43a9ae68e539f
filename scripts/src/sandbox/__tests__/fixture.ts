/**
 * Fixture solutions for the sandbox tests: the real solution source (scripts' solution fixture:
 * solution/src with small fake build outputs) with small fixture flows instead of the real ones,
 * packed into a managed zip with packSolutionFolder (so every check rule, the flow lint included,
 * passes on them).
 *
 * The main set mirrors the shape of the product's flows:
 *   "Z Fixture child"       Button child: reads the opportunity (Dataverse), responds with its name
 *   "A Fixture parent"      Dataverse trigger (opportunity added) → child → writes the description back
 *   "Fixture event helper"  Button child: reads the referral an event names (Partner Center Referrals)
 *   "Partner Center to Dynamics 365"        HTTP trigger: answers 200 at once, then calls the helper
 *   "Partner Center Webhook Registration"   Button, inputs as Microsoft's flow names them; registers
 *                                           the webhook through HTTP with Microsoft Entra ID
 * Names are chosen so that alphabetical order is not dependency order.
 */
import { CONNECTION_REFERENCES, connectorId, OPPORTUNITY } from "../../../../plugins-ts/src/model/schema";
import { flowFileName, flowMetadataXml } from "../../solution/flows";
import { packSolutionFolder } from "../../solution/pack";
import { attr, child, el } from "../../solution/xml";
import { makeFixture, type Fixture } from "../../solution/__tests__/fixture";

export interface FixtureFlow {
  id: string;
  name: string;
  json: unknown;
}

export const IDS = {
  child: "c1a1d000-0000-4000-8000-000000000001",
  parent: "a0a0e000-0000-4000-8000-000000000002",
  helper: "be1be000-0000-4000-8000-000000000003",
  receiver: "e0e0e000-0000-4000-8000-000000000004",
  registration: "f0f0f000-0000-4000-8000-000000000005",
  noResponseChild: "d0d0d000-0000-4000-8000-000000000006",
  middleChild: "d1d1d000-0000-4000-8000-000000000007",
  topParent: "d2d2d000-0000-4000-8000-000000000008",
} as const;

const DV = CONNECTION_REFERENCES.dataverse;
const PC = CONNECTION_REFERENCES.partnerCenterReferrals;
const EVENTS = CONNECTION_REFERENCES.partnerCenterEvents;

const ref = (r: { logicalName: string; apiName: string }) => ({ runtimeSource: "embedded", connection: { connectionReferenceLogicalName: r.logicalName }, api: { name: r.apiName } });

function flow(connectionReferences: Record<string, unknown>, triggers: Record<string, unknown>, actions: Record<string, unknown>): unknown {
  return {
    properties: {
      connectionReferences,
      definition: {
        $schema: "https://schema.management.azure.com/providers/Microsoft.Logic/schemas/2016-06-01/workflowdefinition.json#",
        contentVersion: "1.0.0.0",
        parameters: { $connections: { defaultValue: {}, type: "Object" }, $authentication: { defaultValue: {}, type: "SecureObject" } },
        triggers,
        actions,
      },
    },
    schemaVersion: "1.0.0.0",
  };
}

const op = (connectionName: string, apiName: string, operationId: string, parameters: Record<string, unknown>, runAfter: Record<string, string[]> = {}) => ({
  runAfter,
  type: "OpenApiConnection",
  inputs: { host: { connectionName, operationId, apiId: connectorId(apiName) }, parameters, authentication: "@parameters('$authentication')" },
});

const button = (properties: Record<string, unknown> = {}, required: string[] = []) => ({
  manual: { type: "Request", kind: "Button", inputs: { schema: { type: "object", properties, required } } },
});
const respond = (body: Record<string, unknown>, runAfter: Record<string, string[]>) => ({
  runAfter,
  type: "Response",
  kind: "PowerApp",
  inputs: { statusCode: 200, body, schema: { type: "object", properties: Object.fromEntries(Object.keys(body).map((k) => [k, { type: "string" }])) } },
});
const callChild = (id: string, body: Record<string, unknown>, runAfter: Record<string, string[]> = {}) => ({ runAfter, type: "Workflow", inputs: { host: { workflowReferenceName: id }, body } });

export const MAIN_FLOWS: FixtureFlow[] = [
  {
    id: IDS.child,
    name: "Z Fixture child",
    json: flow(
      { shared_commondataserviceforapps: ref(DV) },
      button({ text: { title: "Opportunity id", type: "string", "x-ms-dynamically-added": true } }, ["text"]),
      {
        Get_opportunity: op("shared_commondataserviceforapps", DV.apiName, "GetItem", { entityName: OPPORTUNITY.entitySetName, recordId: "@triggerBody()['text']", $select: "name" }),
        Respond: respond({ name: "@outputs('Get_opportunity')?['body/name']" }, { Get_opportunity: ["Succeeded"] }),
      },
    ),
  },
  {
    id: IDS.parent,
    name: "A Fixture parent",
    json: flow(
      { shared_commondataserviceforapps: ref(DV) },
      {
        When_an_opportunity_is_added: {
          type: "OpenApiConnectionWebhook",
          inputs: {
            host: { connectionName: "shared_commondataserviceforapps", operationId: "SubscribeWebhookTrigger", apiId: connectorId(DV.apiName) },
            parameters: { "subscriptionRequest/message": 1, "subscriptionRequest/entityname": OPPORTUNITY.logicalName, "subscriptionRequest/scope": 4 },
            authentication: "@parameters('$authentication')",
          },
        },
      },
      {
        Call_child: callChild(IDS.child, { text: "@triggerOutputs()?['body/opportunityid']" }),
        Write_back: op(
          "shared_commondataserviceforapps",
          DV.apiName,
          "UpdateRecord",
          { entityName: OPPORTUNITY.entitySetName, recordId: "@triggerOutputs()?['body/opportunityid']", "item/description": "Checked by the child: @{body('Call_child')?['name']}" },
          { Call_child: ["Succeeded"] },
        ),
      },
    ),
  },
  {
    id: IDS.helper,
    name: "Fixture event helper",
    json: flow(
      { shared_partnercenterref: ref(PC) },
      button({ text: { title: "Resource URI", type: "string", "x-ms-dynamically-added": true } }, ["text"]),
      {
        Get_referral: op("shared_partnercenterref", PC.apiName, "GetReferralById", { id: "@last(split(triggerBody()['text'], '/'))" }),
        Respond: respond({ name: "@body('Get_referral')?['name']" }, { Get_referral: ["Succeeded"] }),
      },
    ),
  },
  {
    id: IDS.receiver,
    name: "Partner Center to Dynamics 365",
    json: flow(
      {},
      { manual: { type: "Request", kind: "Http", inputs: { method: "POST", triggerAuthenticationType: "All", schema: {} } } },
      {
        Accept: { runAfter: {}, type: "Response", kind: "Http", inputs: { statusCode: 200 } },
        Route_event: callChild(IDS.helper, { text: "@triggerBody()?['ResourceUri']" }, { Accept: ["Succeeded"] }),
      },
    ),
  },
  {
    id: IDS.registration,
    name: "Partner Center Webhook Registration",
    json: flow(
      { shared_partnercenterevents: ref(EVENTS) },
      button(
        {
          text: { title: "Http Trigger Endpoint", type: "string", "x-ms-dynamically-added": true, description: "The HTTP POST URL of 'Partner Center to Dynamics 365'" },
          text_1: { title: "Events to Register", type: "string", "x-ms-dynamically-added": true, description: "Comma-separated event names" },
          text_2: { title: "Overwrite existing trigger endpoints", type: "string", enum: ["Yes", "No"], "x-ms-dynamically-added": true },
        },
        ["text", "text_1", "text_2"],
      ),
      {
        If_overwrite: {
          runAfter: {},
          type: "If",
          expression: { equals: ["@triggerBody()['text_2']", "Yes"] },
          actions: {
            Register: op("shared_partnercenterevents", EVENTS.apiName, "EventRegistration", {
              "body/WebhookUrl": "@triggerBody()['text']",
              "body/WebhookEvents": "@split(triggerBody()['text_1'], ',')",
              // the signature in x-ms-signature: an "Anyone" HTTP trigger refuses a call that carries an Authorization header
              "body/SignatureTokenToMsSignatureHeader": "true",
            }),
          },
          else: { actions: { Keep_existing: { runAfter: {}, type: "Compose", inputs: "not overwritten" } } },
        },
      },
    ),
  },
];

/** A child without a Response, a middle child calling it (refused), and a top flow calling the middle one (skipped). */
export const REFUSAL_FLOWS: FixtureFlow[] = [
  { id: IDS.noResponseChild, name: "Fixture no-response child", json: flow({}, button(), { Note: { runAfter: {}, type: "Compose", inputs: "no response" } }) },
  { id: IDS.middleChild, name: "Fixture middle child", json: flow({}, button(), { Call_no_response: callChild(IDS.noResponseChild, {}), Respond: respond({ ok: "yes" }, { Call_no_response: ["Succeeded"] }) }) },
  { id: IDS.topParent, name: "Fixture top parent", json: flow({}, button(), { Call_middle: callChild(IDS.middleChild, {}) }) },
];

/** The real solution source with these flows (and no others): JSON in flows/, metadata in solution/src/Workflows/, RootComponents listing them. */
export function fixtureWithFlows(flows: FixtureFlow[]): Fixture {
  const fx = makeFixture();
  fx.remove("flows");
  fx.editXml("solution/src/Other/Solution.xml", (r) => {
    const rc = child(child(r, "SolutionManifest")!, "RootComponents")!;
    // the lead's flows may be listed in the real Solution.xml; the fixture ships only its own
    rc.children = rc.children.filter((c) => !(c.kind === "element" && c.name === "RootComponent" && attr(c, "type") === "29"));
    for (const f of flows) rc.children.push(el("RootComponent", { type: 29, id: `{${f.id}}`, behavior: 0 }));
  });
  for (const f of flows) {
    const file = flowFileName(f.name, f.id);
    fx.write(`flows/${file}`, JSON.stringify(f.json, null, 2));
    fx.write(`solution/src/Workflows/${file}.data.xml`, flowMetadataXml({ id: f.id, name: f.name }));
  }
  return fx;
}

/** A managed zip of the fixture (checked like `npm run build` checks). */
export function packFixture(fx: Fixture, version?: string): Uint8Array {
  return packSolutionFolder({ folder: fx.src, mapFile: fx.map, managed: true, ...(version ? { version } : {}) });
}
