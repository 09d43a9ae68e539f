/**
 * A small solution zip in the export format (shared/reference/dataverse-solution-format.md), built
 * from plugins-ts/src/model/schema.ts, for testing the importer until the real packer lands (and to
 * break on purpose). Tests may edit the files before zipping.
 */
import { strToU8, zipSync } from "fflate";
import {
  CONNECTION_REFERENCES,
  ENVIRONMENT_VARIABLES,
  LEAD,
  LEAD_TO_OPPORTUNITY_MAP,
  MICROSOFT_HELP_OPTIONS,
  OPPORTUNITY,
  PARTNER_CENTER_SOLUTION,
  PUBLISHER,
  REFERRAL_CREATION,
  SOLUTION,
  SOLUTION_DETAIL,
  SOLUTION_TYPE_OPTIONS,
  SYNC_STATUS_LABELS,
  SyncStatus,
  connectorId,
} from "../../../plugins-ts/src/model/schema";

export const FLOW_IDS = {
  child: "6f1c2a7e-0b1d-4f4e-9a55-0a0000000001",
  parent: "6f1c2a7e-0b1d-4f4e-9a55-0a0000000002",
};

const labels = (text: string) => `<displaynames><displayname description="${text}" languagecode="1033" /></displaynames>`;
const common = (req = "none") =>
  `<RequiredLevel>${req}</RequiredLevel><DisplayMask>ValidForAdvancedFind|ValidForForm|ValidForGrid</DisplayMask><ValidForUpdateApi>1</ValidForUpdateApi><ValidForReadApi>1</ValidForReadApi><ValidForCreateApi>1</ValidForCreateApi><IsCustomField>1</IsCustomField>`;

function attr(entity: string, logical: string, type: string, display: string, extra = "", req = "none"): string {
  const schema = logical.replace(/^pcs_(.)/, (_m, c: string) => `pcs_${c.toUpperCase()}`);
  return `<attribute PhysicalName="${schema}"><Type>${type}</Type><Name>${logical}</Name><LogicalName>${logical}</LogicalName>${common(req)}${extra}${labels(display)}</attribute>`;
}

const text = (e: string, n: string, d: string, max = 100, format = "text") => attr(e, n, "nvarchar", d, `<Format>${format}</Format><MaxLength>${max}</MaxLength><Length>${max * 2}</Length>`);
const memo = (e: string, n: string, d: string, max = 100000) => attr(e, n, "ntext", d, `<Format>text</Format><MaxLength>${max}</MaxLength>`);
const bit = (e: string, n: string, d: string) =>
  attr(
    e,
    n,
    "bit",
    d,
    `<AppDefaultValue>0</AppDefaultValue><optionset Name="${e}_${n}"><OptionSetType>bit</OptionSetType><options><option value="1"><labels><label description="Yes" languagecode="1033" /></labels></option><option value="0"><labels><label description="No" languagecode="1033" /></labels></option></options></optionset>`,
  );
const choice = (e: string, n: string, d: string, options: Array<{ value: number; label: string }>) =>
  attr(
    e,
    n,
    "picklist",
    d,
    `<AppDefaultValue>-1</AppDefaultValue><optionset Name="${e}_${n}"><OptionSetType>picklist</OptionSetType><options>${options
      .map((o) => `<option value="${o.value}"><labels><label description="${o.label}" languagecode="1033" /></labels></option>`)
      .join("")}</options></optionset>`,
  );
const date = (e: string, n: string, d: string) => attr(e, n, "datetime", d, "<Format>datetime</Format><Behavior>1</Behavior>");
const lookup = (e: string, n: string, d: string) => attr(e, n, "lookup", d, "<LookupStyle>single</LookupStyle><LookupTypes />");
const key = (name: string, column: string, display: string) =>
  `<EntityKeys><EntityKey Name="${name}"><LogicalName>${name}</LogicalName><KeyAttributes><KeyAttribute>${column}</KeyAttribute></KeyAttributes>${labels(display)}</EntityKey></EntityKeys>`;

const syncStatusOptions = Object.entries(SYNC_STATUS_LABELS).map(([value, label]) => ({ value: Number(value), label }));

function opportunityEntity(): string {
  const e = "opportunity";
  const o = OPPORTUNITY;
  return `<Entity><Name LocalizedName="Opportunity" OriginalName="Opportunity">Opportunity</Name><EntityInfo><entity Name="Opportunity"><attributes>${[
    bit(e, o.syncWithPartnerCenter, "Sync with Partner Center"),
    text(e, o.referralIdentifier, "Referral Identifier"),
    text(e, o.referralLink, "Referral Link", 200, "url"),
    choice(e, o.microsoftHelp, "How can Microsoft help?", MICROSOFT_HELP_OPTIONS.map((m) => ({ value: m.value, label: m.label }))),
    bit(e, o.referralVisibility, "Microsoft Partner Center Referral Visibility"),
    text(e, o.microsoftCrmIdentifier, "Microsoft CRM Identifier"),
    memo(e, o.syncAudit, "Audit"),
    choice(e, o.syncStatus, "Partner Center Sync Status", syncStatusOptions),
    date(e, o.lastSyncedOn, "Last Synced On"),
    text(e, o.referralStatus, "Referral Status"),
    text(e, o.referralEtag, "Referral ETag"),
    text(e, o.syncHash, "Sync Hash"),
  ].join("")}</attributes>${key(o.referralKey, o.referralIdentifier, "Referral Identifier key")}</entity></EntityInfo><FormXml /><SavedQueries /><RibbonDiffXml /></Entity>`;
}

function leadEntity(): string {
  const e = "lead";
  const l = LEAD;
  return `<Entity><Name LocalizedName="Lead" OriginalName="Lead">Lead</Name><EntityInfo><entity Name="Lead"><attributes>${[
    bit(e, l.syncWithPartnerCenter, "Sync with Partner Center"),
    text(e, l.referralIdentifier, "Referral Identifier"),
    text(e, l.referralLink, "Referral Link", 200, "url"),
    text(e, l.referralStatus, "Referral Status"),
    choice(e, l.syncStatus, "Partner Center Sync Status", syncStatusOptions),
    memo(e, l.syncAudit, "Audit"),
    text(e, l.referralEtag, "Referral ETag"),
    text(e, l.syncHash, "Sync Hash"),
  ].join("")}</attributes>${key(l.referralKey, l.referralIdentifier, "Referral Identifier key")}</entity></EntityInfo><FormXml /><SavedQueries /><RibbonDiffXml /></Entity>`;
}

function customEntity(schemaName: string, logical: string, set: string, display: string, columns: string[], extra = "", ownership: "UserOwned" | "OrgOwned" = "UserOwned"): string {
  const pk = `<attribute PhysicalName="${schemaName}Id"><Type>primarykey</Type><Name>${logical}id</Name><LogicalName>${logical}id</LogicalName><RequiredLevel>systemrequired</RequiredLevel><ValidForUpdateApi>0</ValidForUpdateApi><ValidForCreateApi>1</ValidForCreateApi><IsCustomField>0</IsCustomField>${labels(display)}</attribute>`;
  const name = `<attribute PhysicalName="pcs_Name"><Type>nvarchar</Type><Name>pcs_name</Name><LogicalName>pcs_name</LogicalName><RequiredLevel>required</RequiredLevel><DisplayMask>PrimaryName|ValidForAdvancedFind|ValidForForm|ValidForGrid|RequiredForForm</DisplayMask><IsCustomField>1</IsCustomField><Format>text</Format><MaxLength>200</MaxLength>${labels("Name")}</attribute>`;
  return `<Entity><Name LocalizedName="${display}" OriginalName="${display}">${schemaName}</Name><EntityInfo><entity Name="${schemaName}"><LocalizedNames><LocalizedName description="${display}" languagecode="1033" /></LocalizedNames><LocalizedCollectionNames><LocalizedCollectionName description="${display}s" languagecode="1033" /></LocalizedCollectionNames><attributes>${pk}${name}${columns.join("")}</attributes>${extra}<EntitySetName>${set}</EntitySetName><OwnershipTypeMask>${ownership}</OwnershipTypeMask></entity></EntityInfo><FormXml /><SavedQueries /><RibbonDiffXml /></Entity>`;
}

function relationship(name: string, referencing: string, referenced: string, attribute: string, nav: string, cascade: string): string {
  return `<EntityRelationship Name="${name}"><EntityRelationshipType>OneToMany</EntityRelationshipType><IsCustomizable>1</IsCustomizable><IntroducedVersion>1.0.0.0</IntroducedVersion><IsHierarchical>0</IsHierarchical><ReferencingEntityName>${referencing}</ReferencingEntityName><ReferencedEntityName>${referenced}</ReferencedEntityName><CascadeAssign>NoCascade</CascadeAssign><CascadeDelete>${cascade}</CascadeDelete><CascadeReparent>NoCascade</CascadeReparent><CascadeShare>NoCascade</CascadeShare><CascadeUnshare>NoCascade</CascadeUnshare><IsValidForAdvancedFind>1</IsValidForAdvancedFind><ReferencingAttributeName>${nav}</ReferencingAttributeName><EntityRelationshipRoles><EntityRelationshipRole><NavPaneDisplayOption>UseCollectionName</NavPaneDisplayOption><NavPaneArea>Details</NavPaneArea><NavPaneOrder>10000</NavPaneOrder><NavigationPropertyName>${nav}</NavigationPropertyName><RelationshipRoleType>1</RelationshipRoleType></EntityRelationshipRole><EntityRelationshipRole><NavigationPropertyName>${name}</NavigationPropertyName><RelationshipRoleType>0</RelationshipRoleType></EntityRelationshipRole></EntityRelationshipRoles></EntityRelationship>`.replace(
    `<ReferencingAttributeName>${nav}</ReferencingAttributeName>`,
    `<ReferencingAttributeName>${attribute}</ReferencingAttributeName>`,
  );
}

function flowJson(child: boolean): string {
  const dv = CONNECTION_REFERENCES.dataverse;
  const definition: Record<string, unknown> = {
    $schema: "https://schema.management.azure.com/providers/Microsoft.Logic/schemas/2016-06-01/workflowdefinition.json#",
    contentVersion: "1.0.0.0",
    parameters: {
      $connections: { defaultValue: {}, type: "Object" },
      $authentication: { defaultValue: {}, type: "SecureObject" },
      "Deal value (pcs_DealValueField)": { defaultValue: "estimatedvalue", type: "String", metadata: { schemaName: ENVIRONMENT_VARIABLES.dealValueField.schemaName } },
    },
    triggers: child
      ? { manual: { type: "Request", kind: "Button", inputs: { schema: { type: "object", properties: { text: { title: "Opportunity", type: "string" } }, required: ["text"] } } } }
      : {
          When_a_row_is_modified: {
            type: "OpenApiConnectionWebhook",
            inputs: {
              host: { connectionName: "shared_commondataserviceforapps", operationId: "SubscribeWebhookTrigger", apiId: connectorId(dv.apiName) },
              parameters: { "subscriptionRequest/message": 3, "subscriptionRequest/entityname": "opportunity", "subscriptionRequest/scope": 4, "subscriptionRequest/filteringattributes": "pcs_syncwithpartnercenter" },
              authentication: "@parameters('$authentication')",
            },
          },
        },
    actions: child
      ? { Respond: { type: "Response", kind: "PowerApp", runAfter: {}, inputs: { statusCode: 200, body: { result: "ok" } } } }
      : { Call_child: { type: "Workflow", runAfter: {}, inputs: { host: { workflowReferenceName: FLOW_IDS.child }, body: { text: "@triggerOutputs()?['body/opportunityid']" } } } },
  };
  return JSON.stringify({
    properties: {
      connectionReferences: { shared_commondataserviceforapps: { runtimeSource: "embedded", connection: { connectionReferenceLogicalName: dv.logicalName }, api: { name: dv.apiName } } },
      definition,
    },
    schemaVersion: "1.0.0.0",
  });
}

export interface FixtureOptions {
  version?: string;
  managed?: boolean;
  /** Edit the files (text or bytes) before they are zipped. */
  edit?: (files: Record<string, string | Uint8Array>) => void;
}

export function fixtureFiles(o: FixtureOptions = {}): Record<string, string | Uint8Array> {
  const version = o.version ?? "1.0.0.0";
  const flows = [
    { id: FLOW_IDS.child, name: "Create Co-sell Referral – Dynamics 365 to Partner Center", file: `/Workflows/CreateCo-sellReferral-${FLOW_IDS.child.toUpperCase()}.json`, child: true, state: 1 },
    { id: FLOW_IDS.parent, name: "Dynamics 365 Opportunity to Partner Center", file: `/Workflows/Dynamics365OpportunitytoPartnerCenter-${FLOW_IDS.parent.toUpperCase()}.json`, child: false, state: 1 },
  ];
  const envVars = Object.values(ENVIRONMENT_VARIABLES);
  const roots = [
    `<RootComponent type="1" schemaName="opportunity" behavior="2" />`,
    `<RootComponent type="1" schemaName="lead" behavior="2" />`,
    `<RootComponent type="1" schemaName="${SOLUTION_DETAIL.logicalName}" behavior="0" />`,
    `<RootComponent type="1" schemaName="${PARTNER_CENTER_SOLUTION.logicalName}" behavior="0" />`,
    `<RootComponent type="1" schemaName="${REFERRAL_CREATION.logicalName}" behavior="0" />`,
    `<RootComponent type="61" schemaName="pcs_/scripts/opportunity.js" behavior="0" />`,
    `<RootComponent type="66" schemaName="pcs_PartnerCenterSync.SyncStatus" behavior="0" />`,
    ...flows.map((f) => `<RootComponent type="29" id="{${f.id}}" behavior="0" />`),
    // no type-380 RootComponent for the environment variable definitions, as real exports write them
  ];
  const solutionXml = `<ImportExportXml version="9.2.25014.198" SolutionPackageVersion="9.2" languagecode="1033" generatedBy="CrmLive" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><SolutionManifest><UniqueName>${SOLUTION.uniqueName}</UniqueName><LocalizedNames><LocalizedName description="${SOLUTION.displayName}" languagecode="1033" /></LocalizedNames><Descriptions /><Version>${version}</Version><Managed>${o.managed === false ? 0 : 1}</Managed><Publisher><UniqueName>${PUBLISHER.uniqueName}</UniqueName><LocalizedNames><LocalizedName description="${PUBLISHER.displayName}" languagecode="1033" /></LocalizedNames><Descriptions /><EMailAddress xsi:nil="true"></EMailAddress><SupportingWebsiteUrl xsi:nil="true"></SupportingWebsiteUrl><CustomizationPrefix>${PUBLISHER.prefix}</CustomizationPrefix><CustomizationOptionValuePrefix>${PUBLISHER.optionValuePrefix}</CustomizationOptionValuePrefix><Addresses /></Publisher><RootComponents>${roots.join("")}</RootComponents><MissingDependencies /></SolutionManifest></ImportExportXml>`;

  const detail = customEntity(
    "pcs_MicrosoftSolutionDetail",
    SOLUTION_DETAIL.logicalName,
    SOLUTION_DETAIL.entitySetName,
    "Microsoft Solution Details",
    [
      text(SOLUTION_DETAIL.logicalName, SOLUTION_DETAIL.solutionId, "Solution Id"),
      text(SOLUTION_DETAIL.logicalName, SOLUTION_DETAIL.publisherName, "Publisher Name"),
      choice(SOLUTION_DETAIL.logicalName, SOLUTION_DETAIL.solutionType, "Solution Type", SOLUTION_TYPE_OPTIONS.map((s) => ({ value: s.value, label: s.label }))),
    ],
    key(SOLUTION_DETAIL.solutionIdKey, SOLUTION_DETAIL.solutionId, "Solution Id key"),
  );
  const pcs = customEntity("pcs_PartnerCenterSolution", PARTNER_CENTER_SOLUTION.logicalName, PARTNER_CENTER_SOLUTION.entitySetName, "Microsoft Partner Center Solutions", [
    lookup(PARTNER_CENTER_SOLUTION.logicalName, PARTNER_CENTER_SOLUTION.opportunity, "Opportunity"),
    lookup(PARTNER_CENTER_SOLUTION.logicalName, PARTNER_CENTER_SOLUTION.solutionDetail, "Solution"),
  ]);
  // Organization-owned, spelled as exports spell it (OrgOwned), with the platform's organizationid column and relationship.
  const claim = customEntity(
    REFERRAL_CREATION.schemaName,
    REFERRAL_CREATION.logicalName,
    REFERRAL_CREATION.entitySetName,
    "Partner Center Referral Creation",
    [
      lookup(REFERRAL_CREATION.logicalName, REFERRAL_CREATION.opportunity, "Opportunity"),
      text(REFERRAL_CREATION.logicalName, REFERRAL_CREATION.referralIdentifier, "Referral Identifier"),
      date(REFERRAL_CREATION.logicalName, REFERRAL_CREATION.attemptedOn, "Attempted On"),
      `<attribute PhysicalName="OrganizationId"><Type>lookup</Type><Name>organizationid</Name><LogicalName>organizationid</LogicalName><RequiredLevel>none</RequiredLevel><ValidForUpdateApi>0</ValidForUpdateApi><ValidForReadApi>1</ValidForReadApi><ValidForCreateApi>0</ValidForCreateApi><IsCustomField>0</IsCustomField><LookupTypes />${labels("Organization Id")}</attribute>`,
    ],
    "",
    "OrgOwned",
  );
  const customizationsXml = `<ImportExportXml xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><Entities>${opportunityEntity()}${leadEntity()}${detail}${pcs}${claim}</Entities><Roles /><Workflows>${flows
    .map(
      (f) =>
        `<Workflow WorkflowId="{${f.id}}" Name="${f.name}"><JsonFileName>${f.file}</JsonFileName><Type>1</Type><Subprocess>0</Subprocess><Category>5</Category><Mode>0</Mode><Scope>4</Scope><OnDemand>0</OnDemand><TriggerOnCreate>0</TriggerOnCreate><TriggerOnDelete>0</TriggerOnDelete><AsyncAutodelete>0</AsyncAutodelete><SyncWorkflowLogOnFailure>0</SyncWorkflowLogOnFailure><StateCode>${f.state}</StateCode><StatusCode>${f.state === 1 ? 2 : 1}</StatusCode><RunAs>1</RunAs><IsTransacted>1</IsTransacted><IntroducedVersion>1.0.0.0</IntroducedVersion><IsCustomizable>1</IsCustomizable><BusinessProcessType>0</BusinessProcessType><PrimaryEntity>none</PrimaryEntity><LocalizedNames><LocalizedName languagecode="1033" description="${f.name}" /></LocalizedNames></Workflow>`,
    )
    .join("")}</Workflows><FieldSecurityProfiles /><Templates /><EntityMaps><EntityMap><EntitySource>lead</EntitySource><EntityTarget>opportunity</EntityTarget><AttributeMaps>${LEAD_TO_OPPORTUNITY_MAP.map(
    ([s, t]) => `<AttributeMap><AttributeSource>${s}</AttributeSource><AttributeTarget>${t}</AttributeTarget></AttributeMap>`,
  ).join("")}</AttributeMaps></EntityMap></EntityMaps><EntityRelationships>${relationship(
    PARTNER_CENTER_SOLUTION.opportunityRelationship,
    "pcs_PartnerCenterSolution",
    "Opportunity",
    PARTNER_CENTER_SOLUTION.opportunity,
    PARTNER_CENTER_SOLUTION.opportunityNavigation,
    "Cascade",
  )}${relationship(
    PARTNER_CENTER_SOLUTION.solutionDetailRelationship,
    "pcs_PartnerCenterSolution",
    "pcs_MicrosoftSolutionDetail",
    PARTNER_CENTER_SOLUTION.solutionDetail,
    PARTNER_CENTER_SOLUTION.solutionDetailNavigation,
    "Restrict",
  )}${relationship(
    REFERRAL_CREATION.opportunityRelationship,
    REFERRAL_CREATION.schemaName,
    "Opportunity",
    REFERRAL_CREATION.opportunity,
    REFERRAL_CREATION.opportunityNavigation,
    "Cascade",
  )}<EntityRelationship Name="organization_${REFERRAL_CREATION.logicalName}"><EntityRelationshipType>OneToMany</EntityRelationshipType><IsCustomizable>1</IsCustomizable><IntroducedVersion>1.0.0.0</IntroducedVersion><IsHierarchical>0</IsHierarchical><ReferencingEntityName>${REFERRAL_CREATION.schemaName}</ReferencingEntityName><ReferencedEntityName>Organization</ReferencedEntityName><CascadeAssign>NoCascade</CascadeAssign><CascadeDelete>NoCascade</CascadeDelete><CascadeReparent>NoCascade</CascadeReparent><CascadeShare>NoCascade</CascadeShare><CascadeUnshare>NoCascade</CascadeUnshare><ReferencingAttributeName>OrganizationId</ReferencingAttributeName></EntityRelationship></EntityRelationships><OrganizationSettings /><optionsets /><WebResources><WebResource><WebResourceId>{a1b2c3d4-0000-4000-8000-000000000061}</WebResourceId><Name>pcs_/scripts/opportunity.js</Name><DisplayName>Opportunity form script</DisplayName><WebResourceType>3</WebResourceType><IntroducedVersion>1.0.0.0</IntroducedVersion><IsEnabledForMobileClient>0</IsEnabledForMobileClient><IsAvailableForMobileOffline>0</IsAvailableForMobileOffline><IsCustomizable>1</IsCustomizable><CanBeDeleted>1</CanBeDeleted><IsHidden>0</IsHidden><FileName>/WebResources/pcs_scriptsopportunityjsA1B2C3D4-0000-4000-8000-000000000061</FileName></WebResource></WebResources><CustomControls><CustomControl><Name>pcs_PartnerCenterSync.SyncStatus</Name><FileName>/Controls/pcs_PartnerCenterSync.SyncStatus/ControlManifest.xml</FileName></CustomControl></CustomControls><EntityDataProviders /><connectionreferences>${Object.values(
    CONNECTION_REFERENCES,
  )
    .map(
      (c) =>
        `<connectionreference connectionreferencelogicalname="${c.logicalName}"><connectionreferencedisplayname>${c.displayName}</connectionreferencedisplayname><connectorid>${connectorId(c.apiName)}</connectorid><iscustomizable>1</iscustomizable><promptingbehavior>0</promptingbehavior><statecode>0</statecode><statuscode>1</statuscode></connectionreference>`,
    )
    .join("")}</connectionreferences><Languages><Language>1033</Language></Languages></ImportExportXml>`;

  const files: Record<string, string | Uint8Array> = {
    "[Content_Types].xml": `\ufeff<?xml version="1.0" encoding="utf-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/octet-stream" /><Default Extension="json" ContentType="application/octet-stream" /></Types>`,
    "solution.xml": solutionXml,
    "customizations.xml": customizationsXml,
    "WebResources/pcs_scriptsopportunityjsA1B2C3D4-0000-4000-8000-000000000061": "var PartnerCenterSync = {};",
    "Controls/pcs_PartnerCenterSync.SyncStatus/ControlManifest.xml": `<?xml version="1.0" encoding="utf-8"?><manifest><control namespace="PartnerCenterSync" constructor="SyncStatus" version="1.0.0" control-type="standard" /></manifest>`,
    "Controls/pcs_PartnerCenterSync.SyncStatus/bundle.js": "/* bundle */",
  };
  for (const f of flows) files[f.file.slice(1)] = flowJson(f.child);
  for (const v of envVars) {
    const typeCode = v.type === "Boolean" ? 100000002 : 100000000;
    files[`environmentvariabledefinitions/${v.schemaName}/environmentvariabledefinition.xml`] =
      `<environmentvariabledefinition schemaname="${v.schemaName}"><defaultvalue>${v.defaultValue}</defaultvalue><description default="${v.displayName}"><label description="${v.displayName}" languagecode="1033" /></description><displayname default="${v.displayName}"><label description="${v.displayName}" languagecode="1033" /></displayname><introducedversion>1.0.0.0</introducedversion><iscustomizable>1</iscustomizable><isrequired>0</isrequired><type>${typeCode}</type></environmentvariabledefinition>`;
  }
  files[`environmentvariabledefinitions/${ENVIRONMENT_VARIABLES.displayCheckMark.schemaName}/environmentvariablevalues.json`] = JSON.stringify({
    environmentvariablevalues: { environmentvariablevalue: { "@environmentvariablevalueid": "f2b6ff9e-ccb1-eb11-8236-000d3a15f781", iscustomizable: "1", value: "no" } },
  });
  o.edit?.(files);
  return files;
}

export function fixtureZip(o: FixtureOptions = {}): Uint8Array {
  const files = fixtureFiles(o);
  const entries: Record<string, Uint8Array> = {};
  for (const [k, v] of Object.entries(files)) entries[k] = typeof v === "string" ? strToU8(v) : v;
  return zipSync(entries, { level: 6, mtime: new Date("2025-01-01T00:00:00Z") });
}

export const fixtureBase64 = (o: FixtureOptions = {}): string => Buffer.from(fixtureZip(o)).toString("base64");

export { SyncStatus };
