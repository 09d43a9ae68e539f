/**
 * customizations.xml as CustomizationsSolution.xsd (CRM SDK 9.0.0.2090) defines it, written down
 * with ./model.ts from the schema's rules, plus what real exports carry and the 2018 schema lacks
 * (./newer.ts, each with the real export that shows it).
 *
 * Modelled to the leaf: everything this solution ships (tables and columns, keys, forms, views,
 * relationships, entity maps, global choices, roles, flows, web resources, custom controls,
 * plug-in assemblies and steps, service endpoints, connection references, languages). Sections we
 * never ship (reports, dashboards, site maps, templates, ribbons' inner commands, app modules,
 * canvas apps …) are checked for their place and count only: see ./README.md.
 */
import { FormType } from "./formxml";
import { FetchFilter, FetchType } from "./fetch";
import { all, anyChildren, choice, complex, el, empty, seq, simpleContent, unchecked, type ComplexType, type ElementParticle } from "./model";
import { NEWER } from "./newer";
import {
  boolean,
  double,
  EntityAttributeLocalizedName,
  EntityAttributeName,
  enumeration,
  Guid,
  int,
  integer,
  Length,
  nonNegativeInteger,
  ObjectTypeCode,
  positiveInteger,
  string,
  TrueFalse,
  TrueFalse01,
  Version,
} from "./simple-types";

// ---- shared label types (Fetch.xsd defines them for both schemas) ----------------------------------

const FieldXmlFieldUI = empty({ id: Guid, "description!": string, "languagecode!": positiveInteger });
export const LocalizedNames = complex(seq("", { "LocalizedName*": FieldXmlFieldUI }));
export const Descriptions = complex(seq("", { "Description*": FieldXmlFieldUI }));
const displaynames = complex(seq("", { "displayname*": FieldXmlFieldUI }));
const Colors = complex(seq("", { "Color*": FieldXmlFieldUI }));
const SerializedTrueFalse01 = simpleContent(TrueFalse01, { name: string });
const SerializedInteger = simpleContent(nonNegativeInteger, { formattedvalue: string });
const labels = complex(seq("", { "label+": FieldXmlFieldUI }));

// ---- option sets --------------------------------------------------------------------------------

const options = complex(
  seq("", {
    "option*": complex(seq("", { labels, "Descriptions?": Descriptions, "Colors?": Colors }), {
      id: Guid,
      "value!": integer,
      ExternalValue: string,
      Color: string,
      addedby: string,
      ...NEWER.optionAttributes,
    }),
  }),
);
const states = complex(
  seq("", { "state*": complex(seq("", { labels, "Descriptions?": Descriptions }), { "value!": integer, Color: string, "defaultstatus!": integer, "invariantname!": string, addedby: string }) }),
);
const statuses = complex(
  seq("", {
    "status*": complex(seq("", { labels, "Descriptions?": Descriptions, "Colors?": Colors }), { "value!": integer, Color: string, state: integer, defaultstatus: integer, addedby: string, TransitionData: string }),
  }),
);
export const OptionSet: ComplexType = complex(
  seq("", {
    "OptionSetType?": enumeration("OptionSetEnumType", ["picklist", "state", "status", "bit"]),
    "IsGlobal?": TrueFalse01,
    "IntroducedVersion?": Version,
    "IsCustomizable?": TrueFalse01,
    "ExternalTypeName?": string,
    "displaynames?": displaynames,
    "Descriptions?": Descriptions,
    "options?": options,
    "statuses?": statuses,
    "states?": states,
  }),
  { "Name!": string, localizedName: string, description: string, unmodified: TrueFalse01 },
);

// ---- entities -------------------------------------------------------------------------------------

const CrmDataType = enumeration("CrmDataType", [
  "virtual", "primarykey", "uniqueidentifier", "char", "nchar", "varchar", "nvarchar", "ntext", "text", "numeric", "int", "smallint",
  "tinyint", "bigint", "binary", "varbinary", "image", "float", "decimal", "real", "money", "smallmoney", "bit", "timezone", "datetime",
  "smalldatetime", "timestamp", "lookup", "picklist", "multiselectpicklist", "partylist", "customer", "owner", "state", "status",
  "sql_variant", "phoneticguide", "HierarchyId", "managedproperty",
  ...NEWER.attributeTypes,
]);

const attribute = complex(
  all({
    "Type?": CrmDataType,
    "Name?": EntityAttributeName,
    "LogicalName?": EntityAttributeName,
    "ExternalName?": string,
    "IsCustomField?": TrueFalse01,
    "ValidForCreateApi?": TrueFalse01,
    "ValidForReadApi?": TrueFalse01,
    "ValidForUpdateApi?": TrueFalse01,
    "DisplayMask?": string,
    "Length?": Length,
    "IsLogical?": TrueFalse01,
    "AttributeOf?": EntityAttributeName,
    "YomiOf?": EntityAttributeName,
    "CalculationOf?": EntityAttributeName,
    "AggregateOf?": EntityAttributeName,
    "IsAuditEnabled?": TrueFalse01,
    "XmlAbbreviation?": string,
    "ImeMode?": string,
    "RequiredLevel?": string,
    "LinkedAttribute?": string,
    "Format?": string,
    "MaxLength?": integer,
    "MinValue?": double,
    "MaxValue?": double,
    "Accuracy?": integer,
    "Descriptions?": Descriptions,
    "displaynames?": displaynames,
    "OptionSetName?": string,
    "optionset?": OptionSet,
    "AppDefaultValue?": integer,
    "AccuracySource?": integer,
    "ReferencedEntityObjectTypeCode?": ObjectTypeCode,
    "LookupBrowse?": TrueFalse01,
    "LookupStyle?": string,
    "LookupTypes?": complex(seq("", { "LookupType*": simpleContent(integer, { "id!": string }) })),
    "IsSecured?": TrueFalse01,
    "IsCustomizable?": TrueFalse01,
    "IsRenameable?": TrueFalse01,
    "CanModifySearchSettings?": TrueFalse01,
    "CanModifyRequirementLevelSettings?": TrueFalse01,
    "CanModifyFieldLevelSecuritySettings?": TrueFalse01,
    "CanModifyAdditionalSettings?": TrueFalse01,
    "IntroducedVersion?": Version,
    "SourceType?": integer,
    "FormulaDefinitionFileName?": string,
    "Behavior?": integer,
    "CanChangeDateTimeBehavior?": TrueFalse01,
    "IsGlobalFilterEnabled?": TrueFalse01,
    "IsSortableEnabled?": TrueFalse01,
    "CanModifyGlobalFilterSettings?": TrueFalse01,
    "CanModifyIsSortableSettings?": TrueFalse01,
    "IsActive?": TrueFalse01,
    "IsDataSourceSecret?": TrueFalse01,
    ...NEWER.attribute,
  }),
  { "PhysicalName!": EntityAttributeName, unmodified: TrueFalse01 },
);

const entityKey = complex(
  all({
    Name: string,
    "LogicalName?": EntityAttributeName,
    "IntroducedVersion?": Version,
    "IsCustomizable?": TrueFalse01,
    "displaynames?": displaynames,
    EntityKeyAttributes: complex(seq("", { "AttributeName+": EntityAttributeName })),
  }),
);

const entityInfoEntity = complex(
  all({
    "EntitySetName?": string,
    "ExternalName?": string,
    "ExternalCollectionName?": string,
    "HasRelatedNotes?": TrueFalse,
    "HasRelatedFeedback?": TrueFalse,
    "HasRelatedActivities?": TrueFalse,
    "IsConnectionsEnabled?": TrueFalse01,
    "IsDocumentManagementEnabled?": TrueFalse01,
    "IsCollaboration?": TrueFalse01,
    "AutoRouteToOwnerQueue?": TrueFalse01,
    "AutoCreateAccessTeams?": TrueFalse01,
    "OwnershipTypeMask?": string,
    "IsAuditEnabled?": TrueFalse01,
    "IsActivity?": TrueFalse01,
    "ActivityTypeMask?": string,
    "DaysSinceRecordLastModified?": integer,
    "IsActivityParty?": TrueFalse01,
    "IsReplicated?": TrueFalse01,
    "IsReplicationUserFiltered?": TrueFalse01,
    "IsRequiredOffline?": TrueFalse01,
    "IsDuplicateCheckSupported?": TrueFalse01,
    "IsBusinessProcessEnabled?": TrueFalse01,
    "IsInteractionCentricEnabled?": TrueFalse01,
    "IsMailMergeEnabled?": TrueFalse01,
    "IsVisibleInMobile?": TrueFalse01,
    "MobileClientType?": int,
    "IsVisibleInMobileClient?": TrueFalse01,
    "IsReadOnlyInMobileClient?": TrueFalse01,
    "IsOfflineInMobileClient?": TrueFalse01,
    "IsReadingPaneEnabled?": TrueFalse01,
    "IsMapiGridEnabled?": TrueFalse01,
    "IsCustomizable?": TrueFalse01,
    "IsRenameable?": TrueFalse01,
    "IsMappable?": TrueFalse01,
    "CanModifyConnectionSettings?": TrueFalse01,
    "CanModifyAuditSettings?": TrueFalse01,
    "CanModifyMobileVisibility?": TrueFalse01,
    "CanModifyMobileClientVisibility?": TrueFalse01,
    "CanModifyMobileClientReadOnly?": TrueFalse01,
    "CanModifyMobileClientOffline?": TrueFalse01,
    "CanModifyDuplicateDetectionSettings?": TrueFalse01,
    "CanModifyMailMergeSettings?": TrueFalse01,
    "CanModifyQueueSettings?": TrueFalse01,
    "CanCreateAttributes?": TrueFalse01,
    "CanBeRelatedEntityInRelationship?": TrueFalse01,
    "CanBePrimaryEntityInRelationship?": TrueFalse01,
    "CanBeInManyToMany?": TrueFalse01,
    "CanCreateForms?": TrueFalse01,
    "CanCreateCharts?": TrueFalse01,
    "CanCreateViews?": TrueFalse01,
    "CanModifyAdditionalSettings?": TrueFalse01,
    "LocalizedNames?": LocalizedNames,
    "LocalizedCollectionNames?": complex(seq("", { "LocalizedCollectionName*": FieldXmlFieldUI })),
    "Descriptions?": Descriptions,
    "EntityMask?": string,
    "EntityHelpUrlEnabled?": TrueFalse01,
    "EntityHelpUrl?": string,
    "IconLargeName?": string,
    "IconMediumName?": string,
    "IconSmallName?": string,
    "IconVectorName?": string,
    "IsQuickCreateEnabled?": TrueFalse01,
    "IntroducedVersion?": Version,
    "EnforceStateTransitions?": TrueFalse01,
    "CanChangeHierarchicalRelationship?": TrueFalse01,
    "IsKnowledgeManagementEnabled?": TrueFalse01,
    "EntityColor?": string,
    "ChangeTrackingEnabled?": TrueFalse01,
    "CanChangeTrackingBeEnabled?": TrueFalse01,
    "IsOneNoteIntegrationEnabled?": TrueFalse01,
    "IsDocumentRecommendationsEnabled?": TrueFalse01,
    "IsBPFEntity?": TrueFalse01,
    "DataProviderId?": Guid,
    "DataSourceId?": Guid,
    "SyncToExternalSearchIndex?": TrueFalse01,
    "CanEnableSyncToExternalSearchIndex?": TrueFalse01,
    "IsEnabledForExternalChannels?": TrueFalse01,
    "IsSLAEnabled?": TrueFalse01,
    "MobileOfflineFilters?": string,
    "EntityKeys?": complex(seq("", { "EntityKey*": entityKey })),
    attributes: complex(seq("", { "attribute*": attribute })),
    ...NEWER.entity,
  }),
  { "Name!": EntityAttributeName, unmodified: TrueFalse01 },
);

export const SystemForm: ComplexType = complex(
  all({
    formid: Guid,
    "IsCustomizable?": TrueFalse01,
    "IntroducedVersion?": Version,
    "CanBeDeleted?": TrueFalse01,
    "FormPresentation?": nonNegativeInteger,
    "FormActivationState?": nonNegativeInteger,
    form: FormType,
    LocalizedNames,
    "Descriptions?": Descriptions,
  }),
  { unmodified: TrueFalse01 },
);

const SystemFormType = enumeration("SystemFormType", ["main", "preview", "appointmentBook", "minicampaignbo", "mobile", "dashboard", "interactioncentricdashboard", "other", "quick", "quickCreate", "card", "mainInteractionCentric", "taskBasedForm", "dialog"]);

const layoutGrid = complex(
  seq("", {
    "row*": complex(
      seq("", {
        "cell*": empty({
          name: string,
          width: nonNegativeInteger,
          disableMetaDataBinding: TrueFalse01,
          LabelId: string,
          ishidden: TrueFalse01,
          disableSorting: TrueFalse01,
          addedby: string,
          desc: string,
          cellType: string,
          imageproviderwebresource: string,
          imageproviderfunctionname: string,
        }),
      }),
      { name: string, id: string, multiobjectidfield: string, layoutstyle: string },
    ),
    "controlDescriptions?": complex(
      seq("", {
        "controlDescription*": complex(seq("", { "customControl*": complex(seq("", { "parameters?": anyChildren() }), { id: Guid, formFactor: integer, name: string, version: string }) }), { forControl: string }),
      }),
    ),
  }),
  { name: string, object: ObjectTypeCode, jump: string, select: TrueFalse01, icon: TrueFalse01, preview: TrueFalse01, iconrenderer: string },
);

export const SavedQuery: ComplexType = complex(
  all({
    savedqueryid: Guid,
    "queryapi?": string,
    LocalizedNames,
    "Descriptions?": Descriptions,
    "IsCustomizable?": SerializedTrueFalse01,
    "CanBeDeleted?": TrueFalse01,
    "isquickfindquery?": SerializedTrueFalse01,
    "fetchxml?": complex(seq("", { "fetch?": FetchType })),
    "IntroducedVersion?": Version,
    "isdefault?": SerializedTrueFalse01,
    "isprivate?": TrueFalse01,
    "returnedtypecode?": SerializedInteger,
    "conditionalformatting?": string,
    "layoutxml?": complex(seq("", { "grid?": layoutGrid })),
    "querytype?": SerializedInteger,
    "columnsetxml?": complex(
      seq("", {
        "columnset?": complex(choice("*", el("ascend?", string), el("descend?", string), el("column*", simpleContent(string, { addedby: string })), el("filter*", FetchFilter)), { version: string, distinct: boolean }),
      }),
    ),
  }),
  { unmodified: TrueFalse01 },
);

const SavedQueries = complex(choice("+", { savedqueries: complex(seq("", { "savedquery*": SavedQuery }), { entity: string, morerecords: string, "paging-cookie": string, version: string }) }));

/**
 * RibbonDiffXml of an entity (RibbonCore.xsd, RibbonTypes.xsd, RibbonWSS.xsd): its five parts and
 * their direct children are modelled (what an entity without ribbon changes carries); the inside
 * of a custom action, command or rule is not (we ship none).
 */
const RibbonEntityDiffXml = complex(
  choice(
    "",
    seq("", {
      "CustomActions?": complex(choice("*", { CustomAction: unchecked(), HideCustomAction: unchecked() })),
      "Templates?": complex(all({ RibbonTemplates: complex(seq("", { "GroupTemplate*": unchecked() }), { "Id!": string }) })),
      "CommandDefinitions?": complex(seq("", { "CommandDefinition*": unchecked() })),
      "RuleDefinitions?": complex(
        seq("", {
          TabDisplayRules: complex(seq("*", { TabDisplayRule: unchecked() })),
          DisplayRules: complex(seq("*", { DisplayRule: unchecked() })),
          EnableRules: complex(seq("*", { EnableRule: unchecked() })),
        }),
      ),
      "LocLabels?": complex(seq("", { "LocLabel*": unchecked() })),
    }),
    seq("", { RibbonNotSupported: unchecked() }),
  ),
);

export const Entity: ComplexType = complex(
  all({
    Name: simpleContent(EntityAttributeName, { "LocalizedName!": EntityAttributeLocalizedName, "OriginalName!": string }),
    "ObjectTypeCode?": ObjectTypeCode,
    "EntityInfo?": complex(choice("", { entity: entityInfoEntity })),
    "FormXml?": complex(seq("", { "forms*": complex(seq("", { "systemform+": SystemForm }), { type: SystemFormType }) })),
    "SavedQueries?": SavedQueries,
    "Visualizations?": unchecked(),
    "RibbonDiffXml?": RibbonEntityDiffXml,
    "Icons?": unchecked(),
    "Strings?": unchecked(),
    "HierarchyRules?": unchecked(),
    "CustomControlDefaultConfigs?": unchecked(),
    "indexes?": unchecked(),
  }),
);

// ---- relationships, maps, roles, flows ------------------------------------------------------------

const cascadeSecurity = enumeration("CrmCascadeSecurityLinkType", ["ActiveOnly", "Cascade", "NoCascade", "UserOwned"]);
const cascadeDelete = enumeration("CrmCascadeDeleteLinkType", ["Cascade", "NoCascade", "RemoveLink", "Restrict"]);

const EntityRelationshipRoles = complex(
  seq("", {
    "EntityRelationshipRole{1,2}": complex(
      seq("", {
        "NavPaneDisplayOption?": enumeration("NavPaneDisplayOptionType", ["UseCollectionName", "UseLabel", "DoNotDisplay"]),
        "NavPaneArea?": enumeration("NavPaneAreaType", ["Details", "Sales", "Service", "Marketing", "InternetMarketing", "ProcessCenter"]),
        "NavPaneOrder?": nonNegativeInteger,
        "NavigationPropertyName?": string,
        "CustomLabels?": complex(seq("", { "CustomLabel*": FieldXmlFieldUI })),
        "RelationshipRoleType?": nonNegativeInteger,
        "AssociationRoleOrdinal?": nonNegativeInteger,
      }),
    ),
  }),
);

export const EntityRelationship: ComplexType = complex(
  all({
    EntityRelationshipType: enumeration("EntityRelationshipTypeType", ["OneToMany", "ManyToMany"]),
    "IntroducedVersion?": Version,
    "IsHierarchical?": TrueFalse01,
    "IsCustomizable?": TrueFalse01,
    "ReferencingAttributeName?": EntityAttributeName,
    "ReferencingAttributeRequiredLevel?": nonNegativeInteger,
    "RelationshipDescription?": complex(seq("", { "Descriptions?": Descriptions })),
    "ReferencingEntityName?": string,
    "ReferencedEntityName?": string,
    "FirstEntityName?": string,
    "SecondEntityName?": string,
    "IntersectEntityName?": string,
    "CascadeAssign?": cascadeSecurity,
    "CascadeDelete?": cascadeDelete,
    "CascadeReparent?": cascadeSecurity,
    "CascadeShare?": cascadeSecurity,
    "CascadeUnshare?": cascadeSecurity,
    "CascadeRollupView?": cascadeSecurity,
    "IsValidForAdvancedFind?": TrueFalse01,
    "field?": unchecked(),
    "EntityRelationshipRoles?": EntityRelationshipRoles,
    ...NEWER.entityRelationship,
  }),
  { "Name!": string, unmodified: TrueFalse01 },
);

const EntityMap = complex(
  seq("", {
    EntitySource: string,
    EntityTarget: string,
    "AttributeMaps?": complex(seq("", { "AttributeMap*": complex(seq("", { AttributeSource: EntityAttributeName, AttributeTarget: EntityAttributeName }), { addedby: string }) })),
  }),
  { addedby: string },
);

const Role = complex(
  seq("", { "IsCustomizable?": TrueFalse01, "IntroducedVersion?": Version }, NEWER.roleAfterIntroducedVersion, {
    "RolePrivileges?": complex(seq("", { "RolePrivilege*": empty({ "name!": string, "level!": enumeration("PrivilegeLevelType", ["Basic", "Local", "Deep", "Global"]) }) })),
  }),
  { "name!": string, "id!": Guid, unmodified: TrueFalse01, ...NEWER.roleAttributes },
);

const localizedNamesUntyped = complex(seq("", { "LocalizedName*": empty({ description: string, languagecode: int }) }));
const descriptionsUntyped = complex(seq("", { "Description*": empty({ description: string, languagecode: int }) }));

export const Workflow: ComplexType = complex(
  seq(
    "",
    NEWER.workflowFirst,
    {
      "XamlFileName?": string,
      "ImageFileName?": string,
      "Type?": nonNegativeInteger,
      "Subprocess?": TrueFalse01,
      "Category?": nonNegativeInteger,
      "Mode?": nonNegativeInteger,
      "LanguageCode?": nonNegativeInteger,
      "Scope?": nonNegativeInteger,
      "OnDemand?": TrueFalse01,
      "TriggerOnUpdateAttributeList?": string,
      "TriggerOnCreate?": TrueFalse01,
      "TriggerOnDelete?": TrueFalse01,
      "AsyncAutodelete?": TrueFalse01,
      "SyncWorkflowLogOnFailure?": TrueFalse01,
      "StateCode?": nonNegativeInteger,
      "StatusCode?": nonNegativeInteger,
      "CreateStage?": nonNegativeInteger,
      "UpdateStage?": nonNegativeInteger,
      "DeleteStage?": nonNegativeInteger,
      "Rank?": integer,
      "processorder?": nonNegativeInteger,
      "processroleassignment?": string,
      "RunAs?": nonNegativeInteger,
      "SdkMessageId?": Guid,
      "UniqueName?": string,
      "IsTransacted?": TrueFalse01,
      "IntroducedVersion?": Version,
      "IsCustomizable?": TrueFalse01,
      "RendererObjectTypeCode?": integer,
      "BusinessProcessType?": nonNegativeInteger,
    },
    NEWER.workflowAfterBusinessProcessType,
    {
      "FormId?": Guid,
      "PrimaryEntity?": string,
      "LocalizedNames?": localizedNamesUntyped,
      "Descriptions?": descriptionsUntyped,
      "labels?": unchecked(),
      "ProcessTriggers?": unchecked(),
    },
  ),
  { "Name!": string, Description: string, "WorkflowId!": Guid, unmodified: TrueFalse01 },
);

// ---- web resources, controls, plug-ins --------------------------------------------------------------

export const WebResource: ComplexType = complex(
  seq("", {
    WebResourceId: Guid,
    Name: string,
    "DisplayName?": string,
    "Description?": string,
    "SilverlightVersion?": string,
    "LanguageCode?": integer,
    "WebResourceType?": integer,
    "IntroducedVersion?": Version,
    "IsEnabledForMobileClient?": TrueFalse01,
    "IsAvailableForMobileOffline?": TrueFalse01,
    "DependencyXml?": string,
    "IsCustomizable?": TrueFalse01,
    "CanBeDeleted?": TrueFalse01,
    "IsHidden?": TrueFalse01,
    "FileName?": string,
  }),
  { unmodified: TrueFalse01 },
);

const CustomControl = complex(seq("", { Name: string, "FileName?": string }));

const PluginAssembly = complex(
  seq("", {
    "Description?": string,
    "IsolationMode?": integer,
    "SourceType?": integer,
    "Path?": string,
    "Url?": string,
    "UserName?": string,
    "IntroducedVersion?": Version,
    "IsCustomizable?": TrueFalse01,
    "AuthType?": integer,
    "FileName?": string,
    "PluginTypes?": complex(seq("", { "PluginType*": complex(seq("", { "Description?": string, FriendlyName: string, "WorkflowActivityGroupName?": string }), { Name: string, "AssemblyQualifiedName!": string, PluginTypeId: string }) })),
    "IsHidden?": TrueFalse01,
  }),
  { "FullName!": string, PluginAssemblyId: string, CustomizationLevel: integer, unmodified: TrueFalse01 },
);

const SdkMessageProcessingStep = complex(
  seq("", NEWER.sdkStepFirst, {
    "PluginTypeName?": string,
    "PluginTypeId?": string,
    "PrimaryEntity?": string,
    "SecondaryEntity?": string,
    "AsyncAutoDelete?": TrueFalse01,
    "Configuration?": string,
    "Description?": string,
    "FilteringAttributes?": string,
    "ImpersonatingUserIdName?": string,
    "InvocationSource?": integer,
    "Mode?": integer,
    "Rank?": integer,
    "SdkMessageId?": Guid,
    "EventHandler?": Guid,
    "EventHandlerTypeCode?": integer,
    "Stage?": integer,
    "IsCustomizable?": TrueFalse01,
    "IsHidden?": TrueFalse01,
    "SupportedDeployment?": integer,
    "IntroducedVersion?": Version,
    "SdkMessageProcessingStepImages?": unchecked(),
  }),
  { "SdkMessageProcessingStepId!": Guid, Name: string, unmodified: TrueFalse01 },
);

const ServiceEndpoint = complex(
  seq("", {
    "ConnectionMode?": integer,
    "Contract?": integer,
    "Description?": string,
    "Path?": string,
    "SolutionNamespace?": string,
    "UserClaim?": integer,
    "IsCustomizable?": TrueFalse01,
    "AuthType?": integer,
    "MessageFormat?": integer,
    "NamespaceAddress?": string,
    "NamespaceFormat?": integer,
    "SASKeyName?": string,
    "Url?": string,
  }),
  { "ServiceEndpointId!": Guid, Description: string, Name: string, unmodified: TrueFalse01 },
);

const EntityDataSource = complex(seq("", { "Name?": string, "ConnectionDefinition?": string, EntityDataProviderId: Guid, "IsCustomizable?": TrueFalse01 }), { "EntityDataSourceId!": Guid });

// ---- the document ------------------------------------------------------------------------------------

const listOf = (item: string, type: ComplexType, occ = "*"): ComplexType => complex(seq("", el(`${item}${occ}`, type)));

const ImportExportXml = complex(
  seq(
    "",
    {
      "Entities?": complex(seq("", { "Entity*": Entity })),
      "Roles?": listOf("Role", Role),
      "Workflows?": listOf("Workflow", Workflow),
      "FieldSecurityProfiles?": listOf("FieldSecurityProfile", unchecked({ "name!": string, description: string, "fieldsecurityprofileid!": Guid, unmodified: TrueFalse01 })),
      "Templates?": unchecked(),
    },
    NEWER.afterTemplates,
    {
      "RibbonDiffXml?": unchecked(),
      "IsvConfig?": unchecked(),
      "RelationshipRoles?": unchecked(),
      "ConnectionRoles?": unchecked(),
      "SiteMap?": unchecked(),
      "EntityMaps?": complex(choice("*", { EntityMap })),
      "EntityRelationships?": complex(choice("*", { EntityRelationship })),
      "OrganizationSettings?": unchecked(),
      "optionsets?": listOf("optionset", OptionSet),
      "Reports?": unchecked(),
      "RoutingRules?": unchecked(),
      "ChannelPropertyGroups?": unchecked(),
      "ConvertRules?": unchecked(),
      "MobileOfflineProfiles?": unchecked(),
      "Slas?": unchecked(),
      "ChannelAccessProfiles?": unchecked(),
      "ChannelAccessProfileRules?": unchecked(),
      "Dashboards?": unchecked(),
      "InteractionCentricDashboards?": unchecked(),
      "Dialogs?": unchecked(),
      "WebResources?": listOf("WebResource", WebResource),
      "CustomControls?": listOf("CustomControl", CustomControl),
      "SolutionPluginAssemblies?": listOf("PluginAssembly", PluginAssembly),
      "SdkMessageProcessingSteps?": listOf("SdkMessageProcessingStep", SdkMessageProcessingStep),
      "ServiceEndpoints?": listOf("ServiceEndpoint", ServiceEndpoint),
      "AppModuleSiteMaps?": unchecked(),
      "AppModules?": unchecked(),
      "EntityDataProviders?": unchecked(),
      "EntityDataSources?": listOf("EntityDataSource", EntityDataSource),
    },
    NEWER.beforeLanguages,
    {
      "Languages?": complex(seq("", { "Language+": nonNegativeInteger })),
      "GlobalSearchConfigurations?": unchecked(),
      "StoredProcedures?": unchecked(),
    },
  ),
  NEWER.rootAttributes,
);

/** The customizations.xml root element. */
export const CUSTOMIZATIONS_ROOT: ElementParticle = el("ImportExportXml", ImportExportXml);
