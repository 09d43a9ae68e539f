/**
 * What real exports carry and the 2018 schema (CRM SDK 9.0.0.2090) lacks, each with the real export
 * that shows it. An element or attribute listed here is accepted where real exports put it; the
 * official schema alone would reject it. ./README.md lists the same entries (a test keeps them equal).
 */
import { complex, seq, unchecked, type AttributeMap, type ComplexType, type ElementMap, type Evidence, type SimpleType } from "./model";
import { enumeration, nonNegativeInteger, string, TrueFalse01 } from "./simple-types";

/** Where in customizations.xml an entry goes. */
export type NewerContext =
  | "ImportExportXml@"
  | "ImportExportXml (after Templates)"
  | "ImportExportXml (before Languages)"
  | "Entity/EntityInfo/entity"
  | "attribute"
  | "attribute/Type"
  | "EntityRelationship"
  | "Role (after IntroducedVersion)"
  | "Role@"
  | "Workflow (first)"
  | "Workflow (after BusinessProcessType)"
  | "option@"
  | "SdkMessageProcessingStep (first)";

export interface NewerEntry {
  context: NewerContext;
  /** "Name?" for an element, "@name" for an attribute, a bare word for an enumeration value. */
  spec: string;
  type: SimpleType | ComplexType;
  evidence: Evidence;
}

const pnp = (sample: string, zip: string, note?: string): Evidence => ({ repo: "pnp/powerplatform-samples", path: `samples/${sample}/solution/${zip}`, note });

const EXPENSES = pnp("ai-driven-expense-report-processing", "ai-driven-expense-report-processing-sample.zip");
const CONTOSO = pnp("contoso-school", "ContosoSchool.zip");
const PROMPT_WAGON = pnp("prompt-wagon", "prompt-wagon.zip");

const cascade = enumeration("CrmCascadeDeleteLinkType", ["Cascade", "NoCascade", "RemoveLink", "Restrict"]);

/** connectionreferences (2020 and later exports): one element per connection reference. */
const connectionReferences = complex(
  seq("", {
    "connectionreference*": complex(
      seq("", {
        connectionreferencedisplayname: string,
        connectorid: string,
        "customconnectorid?": complex(seq("", { connectorid: string })),
        "description?": string,
        iscustomizable: TrueFalse01,
        "promptingbehavior?": nonNegativeInteger,
        statecode: nonNegativeInteger,
        statuscode: nonNegativeInteger,
      }),
      { "connectionreferencelogicalname!": string },
    ),
  }),
);

export const NEWER_ENTRIES: NewerEntry[] = [
  { context: "ImportExportXml@", spec: "@OrganizationVersion", type: string, evidence: pnp("a-puzzle-a-day", "solution.zip") },
  { context: "ImportExportXml@", spec: "@OrganizationSchemaType", type: string, evidence: pnp("a-puzzle-a-day", "solution.zip") },
  { context: "ImportExportXml@", spec: "@CRMServerServiceabilityVersion", type: string, evidence: pnp("a-puzzle-a-day", "solution.zip") },
  { context: "ImportExportXml (after Templates)", spec: "EntityImageConfigs?", type: unchecked(), evidence: EXPENSES },
  { context: "ImportExportXml (after Templates)", spec: "AttributeImageConfigs?", type: unchecked(), evidence: EXPENSES },
  { context: "ImportExportXml (before Languages)", spec: "AIModels?", type: unchecked(), evidence: EXPENSES },
  { context: "ImportExportXml (before Languages)", spec: "CanvasApps?", type: unchecked(), evidence: CONTOSO },
  { context: "ImportExportXml (before Languages)", spec: "Connectors?", type: unchecked(), evidence: PROMPT_WAGON },
  { context: "ImportExportXml (before Languages)", spec: "connectionreferences?", type: connectionReferences, evidence: CONTOSO },
  { context: "Entity/EntityInfo/entity", spec: "IsRetrieveAuditEnabled?", type: TrueFalse01, evidence: CONTOSO },
  { context: "Entity/EntityInfo/entity", spec: "IsRetrieveMultipleAuditEnabled?", type: TrueFalse01, evidence: CONTOSO },
  { context: "Entity/EntityInfo/entity", spec: "IsSolutionAware?", type: TrueFalse01, evidence: CONTOSO },
  { context: "Entity/EntityInfo/entity", spec: "IsMSTeamsIntegrationEnabled?", type: TrueFalse01, evidence: pnp("leave-request", "leave-request.zip") },
  { context: "attribute", spec: "AutoNumberFormat?", type: string, evidence: CONTOSO },
  { context: "attribute/Type", spec: "file", type: string, evidence: pnp("chat-canvas-application", "chat-canvas-application.zip") },
  { context: "attribute/Type", spec: "image", type: string, evidence: pnp("chat-canvas-application", "chat-canvas-application.zip") },
  { context: "attribute", spec: "IsSearchable?", type: TrueFalse01, evidence: CONTOSO },
  { context: "attribute", spec: "IsFilterable?", type: TrueFalse01, evidence: CONTOSO },
  { context: "attribute", spec: "IsRetrievable?", type: TrueFalse01, evidence: CONTOSO },
  { context: "attribute", spec: "IsLocalizable?", type: TrueFalse01, evidence: CONTOSO },
  { context: "EntityRelationship", spec: "CascadeArchive?", type: cascade, evidence: CONTOSO },
  { context: "Role (after IntroducedVersion)", spec: "IsAutoAssigned?", type: TrueFalse01, evidence: pnp("term-buddy", "termbuddy.zip") },
  { context: "Role@", spec: "@isinherited", type: TrueFalse01, evidence: PROMPT_WAGON },
  { context: "Workflow (first)", spec: "JsonFileName?", type: string, evidence: CONTOSO },
  { context: "Workflow (after BusinessProcessType)", spec: "IsCustomProcessingStepAllowedForOtherPublishers?", type: TrueFalse01, evidence: CONTOSO },
  { context: "Workflow (after BusinessProcessType)", spec: "ModernFlowType?", type: nonNegativeInteger, evidence: pnp("create-folder-with-link-back-to-list", "create-folder-with-link-back-to-list.zip") },
  { context: "Workflow (after BusinessProcessType)", spec: "ProcessTriggerScope?", type: nonNegativeInteger, evidence: { repo: "microsoft/powercat-business-approvals-kit", path: "BusinessApprovalKit/SolutionPackage/src/Workflows", note: "classic workflows' .xaml.data.xml" } },
  { context: "Workflow (after BusinessProcessType)", spec: "BillingContext?", type: string, evidence: pnp("utility-flow-get-sharepoint-info-from-environment-variables", "utility-flow-get-sharepoint-info-from-environment-variables.zip") },
  { context: "option@", spec: "@IsHidden", type: TrueFalse01, evidence: EXPENSES },
  { context: "SdkMessageProcessingStep (first)", spec: "SdkMessageId?", type: string, evidence: { repo: "YarSol/deploytest", path: "SdkMessageProcessingSteps/{5e6460e1-e44b-ee11-be6e-000d3aaa0b3a}.xml", note: "SdkMessageId before PluginTypeName" } },
];

const elementsFor = (context: NewerContext): ElementMap =>
  Object.fromEntries(NEWER_ENTRIES.filter((e) => e.context === context).map((e) => [e.spec, [e.type, e.evidence]])) as ElementMap;
const attributesFor = (context: NewerContext): AttributeMap =>
  Object.fromEntries(NEWER_ENTRIES.filter((e) => e.context === context).map((e) => [e.spec.slice(1), [e.type as SimpleType, e.evidence]])) as AttributeMap;

export const NEWER = {
  rootAttributes: attributesFor("ImportExportXml@"),
  afterTemplates: elementsFor("ImportExportXml (after Templates)"),
  beforeLanguages: elementsFor("ImportExportXml (before Languages)"),
  entity: elementsFor("Entity/EntityInfo/entity"),
  attribute: elementsFor("attribute"),
  attributeTypes: NEWER_ENTRIES.filter((e) => e.context === "attribute/Type").map((e) => e.spec),
  entityRelationship: elementsFor("EntityRelationship"),
  roleAfterIntroducedVersion: elementsFor("Role (after IntroducedVersion)"),
  roleAttributes: attributesFor("Role@"),
  workflowFirst: elementsFor("Workflow (first)"),
  workflowAfterBusinessProcessType: elementsFor("Workflow (after BusinessProcessType)"),
  optionAttributes: attributesFor("option@"),
  sdkStepFirst: elementsFor("SdkMessageProcessingStep (first)"),
};

/** Diff FormXml (a form customized from a managed form, Microsoft's form-alm.md): these attributes on any form node. */
export const DIFF_FORM_EVIDENCE: Evidence = { repo: "A-foster-dev/Sales_CRM_2.0", path: "customizations.xml", note: "solutionaction on tabs, sections, cells, labels …; ordinalvalue; column/@id (\"0\", \"1\" …)" };
export const DIFF_FORM_ATTRIBUTES: AttributeMap = {
  solutionaction: [enumeration("solutionactionType", ["Added", "Removed", "Modified"]), DIFF_FORM_EVIDENCE],
  ordinalvalue: [nonNegativeInteger, DIFF_FORM_EVIDENCE],
};

/** Exported for the README test: every entry rendered as one table row. */
export const newerRow = (e: NewerEntry): string => `| ${e.context} | \`${e.spec.replace(/\?$/, "")}\` | ${e.evidence.repo} \`${e.evidence.path}\`${e.evidence.note ? ` (${e.evidence.note})` : ""} |`;
