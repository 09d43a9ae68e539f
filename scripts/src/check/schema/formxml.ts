/**
 * FormXml as FormXml.xsd (CRM SDK 9.0.0.2090) defines it: the <form> of a system form, written
 * down with ./model.ts. Newer than the schema, and carried by real exports (evidence beside each):
 * form/@headerdensity, and the diff FormXml of a form customized from a managed one
 * (solutionaction, ordinalvalue, column/@id; Microsoft's form-alm.md), whose Modified and Removed
 * nodes carry only what changed (./validate.ts does not ask them for their required children).
 */
import { all, anyChildren, choice, complex, el, empty, seq, unchecked, type AttributeMap, type ComplexType, type Evidence, type GroupParticle } from "./model";
import { DIFF_FORM_ATTRIBUTES, DIFF_FORM_EVIDENCE } from "./newer";
import { boolean, double, enumeration, integer, integerRange, nonNegativeInteger, pattern, positiveInteger, string, unsignedInt, unsignedShort } from "./simple-types";

/** A 2023 export of a model-driven form, for the newer form attribute. */
export const HEADERDENSITY: Evidence = { repo: "pnp/powerplatform-samples", path: "samples/incident-reporting/solution/incident-reporting.zip", note: "customizations.xml: <form headerdensity=\"HighWithControls\"> (also in 5 more pnp exports, e.g. samples/leave-request)" };

const FormGuid = pattern("FormGuidType", /\{?[a-fA-F0-9]{8}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{12}\}?/);
const FormPercentage = pattern("FormPercentageType", /(100|[0-9]{1,2})%/);
const GridResize = enumeration("GridResizeType", ["Auto", "Fixed", "AutoWithFixedMax"]);
const Format = enumeration("FormatType", ["SingleLineOfText", "WholeNumber", "DecimalNumber", "Currency", "Date", "DateTime", "DateAndTime", "Url", "Ticker", "Email", "TextArea"]);

const sectionCommon: AttributeMap = {
  columns: nonNegativeInteger,
  labelwidth: nonNegativeInteger,
  availableforphone: boolean,
  celllabelalignment: enumeration("celllabelalignment", ["Center", "Left", "Right"]),
  celllabelposition: enumeration("celllabelposition", ["Top", "Left"]),
};
const rowCommon: AttributeMap = { height: string };
const cellCommon: AttributeMap = {
  id: FormGuid,
  showlabel: boolean,
  labelid: FormGuid,
  locklevel: nonNegativeInteger,
  rowspan: nonNegativeInteger,
  colspan: nonNegativeInteger,
  userspacer: boolean,
  ispreviewcell: boolean,
  visible: boolean,
  availableforphone: boolean,
  isstreamcell: boolean,
  ischartcell: boolean,
  istilecell: boolean,
};

const D = DIFF_FORM_ATTRIBUTES;
export const FormXmlLabels: ComplexType = complex(seq("", { "label*": empty({ "description!": string, "languagecode!": positiveInteger, addedby: string, ...D }) }), D);

const dependencies = complex(seq("", { "dependency*": empty({ id: string }) }));
const handler = complex(seq("", { "dependencies?": dependencies }), {
  "functionName!": string,
  "libraryName!": string,
  "handlerUniqueId!": string,
  enabled: boolean,
  passExecutionContext: boolean,
  parameters: string,
  ...D,
});
export const FormXmlEvents: ComplexType = complex(
  seq("", {
    "event+": complex(all({ "Handlers?": complex(seq("", { "Handler{0,50}": handler })), "InternalHandlers?": complex(seq("", { "Handler{0,50}": handler })), "dependencies?": dependencies }), {
      name: string,
      BehaviorInBulkEditForm: enumeration("BehaviorInBulkEditForm", ["Disabled", "EnabledButNoRender", "Enabled"]),
      application: boolean,
      active: boolean,
      eventType: enumeration("CrmEventType", ["DataEvent", "ControlEvent"]),
      attribute: string,
      control: string,
      relationship: string,
      ...D,
    }),
  }),
  D,
);

/** The control parameter families FormXml.xsd allows: one family per control, its elements in any order. */
const searchWidget = choice("*", {
  "FilterResults?": string, "AllowChangingFiltersOnUI?": boolean, "ShowLanguageFilter?": boolean, "ShowDepartmentFilter?": boolean,
  "EnableAutoSuggestions?": boolean, "SearchForAutoSuggestionsUsing?": string, "EnableRating?": boolean, "ShowRatingUsing?": string,
  "AutoSuggestionSource?": string, "SelectPrimaryCustomer?": string, "NumberOfResults?": unsignedInt, "ShowContextualActions?": string,
  "ActionList?": string, "ReferencePanelSearchWidgetIconUrl?": string, "SelectDefaultLanguage?": string,
});
const timelineWall = choice("*", {
  "UClientUniqueName?": string, "UClientModules?": string, "UClientDefaultModuleForCreateExperience?": string, "UClientShowFilterPane?": boolean,
  "UClientExpandFilterPane?": boolean, "UClientCreateActivityUsing?": string, "UClientDisplayActivityUsing?": string, "UClientRecordPerPage?": unsignedInt,
  "UClientActivities?": string, "UClientOrderBy?": string, "UClientActivityCardMap?": string, "UClientDisplayActivityHeaderUsing?": string,
  "UClientSortActivitiesByValue?": string,
});
const activitySort = choice("*", { "OrderByActivityWall?": string, "SortActivityWall?": string, "EmailConversationView?": string });
const streamObject = complex(
  seq("", { LogicalEntityName: string }, choice("", choice("+", { QueueId: FormGuid, QueueViewId: FormGuid }), choice("+", { EntityViewId: FormGuid }), choice("+", { SavedQueryID: FormGuid, QueueViewIdForSavedQuery: FormGuid }))),
  { "type!": nonNegativeInteger, "id!": FormGuid },
);
const families: GroupParticle[] = [
  choice("+", {
    "Url?": string, "PassParameters?": boolean, "Security?": boolean, "Scrolling?": string, "Border?": string, "Preload?": string,
    "IsPassword?": boolean, "IsColorValue?": boolean, "Height?": unsignedInt, "Width?": unsignedInt, "AltText?": string,
    "SizeType?": enumeration("WebResourceSizeType", ["StretchToFit", "StretchMaintainAspectRatio", "Original", "Specific"]),
    "ShowInROF?": boolean, "ShowOnMobileClient?": boolean,
    "HorizontalAlignment?": enumeration("ImageHorizontalAlignmentType", ["Left", "Right", "Center", "NotSet"]),
    "VerticalAlignment?": enumeration("ImageVerticalAlignmentType", ["Top", "Middle", "Bottom", "NotSet"]),
    "Data?": string, "WebResourceId?": string, "ReadOnly?": boolean, "ShowDialogs?": boolean, "IsViewExpandable?": boolean,
    "HideToolbar?": boolean, "ToolbarJSON?": string, "ExpandedToolbarJSON?": string, "HiddenToolbarJSON?": string, "ClassName?": string, "ViewName?": string,
  }),
  choice("+", {
    "TargetEntities?": complex(seq("", { "TargetEntity+": complex(all({ EntityLogicalName: string, "DefaultViewId?": FormGuid, "IsDeDupLookup?": boolean, "UnboundLookupStyle?": string })) })),
  }),
  choice("+", {
    "ViewId?": FormGuid, "IsUserView?": boolean, "IsUserChart?": boolean, "RelationshipName?": string,
    "RelationshipRoleOrdinal?": enumeration("RelationshipRoleOrdinalType", ["1", "2"]), TargetEntityType: string, "AutoExpand?": GridResize,
    "RecordsPerPage?": unsignedShort, "MaxRowsBeforeScroll?": integer, "EnableQuickFind?": boolean, "EnableJumpBar?": boolean,
    "EnableViewPicker?": boolean, "ViewIds?": string, "ChartGridMode?": string, "VisualizationId?": string, "EnableChartPicker?": boolean,
    "EnableContextualActions?": boolean, "TeamTemplateId?": FormGuid, "GridUIMode?": string, "ReferencePanelSubgridIconUrl?": string, "HeaderColorCode?": string,
  }),
  choice("+", { "PowerBIGroupId?": string, "PowerBIDashboardId?": string, "TileId?": string, "TileUrl?": string, "Type?": string, "EnableInMobile?": string }),
  choice("+", {
    "DefaultViewId?": FormGuid, "FilterRelationshipName?": string, "DependentAttributeName?": string, "DependentAttributeType?": string,
    "AutoResolve?": boolean, "ResolveEmailAddress?": boolean, "DefaultViewReadOnly?": boolean, "ViewPickerReadOnly?": boolean,
    "AllowFilterOff?": boolean, "DisableMru?": boolean, "DisableQuickFind?": boolean, "DisableViewPicker?": boolean, "AvailableViewIds?": string,
    "EntityLogicalName?": string, "IsInlineNewEnabled?": boolean, "InlineViewIds?": string, "UnboundLookupTypes?": string,
    "UnboundLookupBrowse?": boolean, "UnboundLookupControlType?": string, "ShowAsBreadcrumbControl?": boolean,
  }),
  choice("+", { "MaxLength?": integer, "Format?": Format }),
  choice("+", { "IsTitle?": boolean }),
  choice("+", { "MinValue?": double, "MaxValue?": double, "Precision?": integer }),
  choice("+", { "DefaultValue?": string, "OptionSetName?": string, "OptionSetId?": FormGuid }),
  choice("+", { QuickForms: string, "ControlMode?": string, "ReferencePanelQuickFormCollectionIconUrl?": string, "DisplayAsCustomer360Tile?": boolean }),
  choice("+", { "DefaultTabId?": string, "ShowArticleTab?": boolean }, searchWidget, activitySort, timelineWall),
  choice("+", { "LinkControlDefinitionId?": FormGuid, "ShowLinkControlLabel?": boolean }),
  choice("+", { AddressField: string }),
  choice("+", {
    FailureTimeField: string, SuccessConditionName: string, SuccessConditionValue: string, "FailureConditionName?": string,
    "FailureConditionValue?": string, "WarningConditionName?": string, "WarningConditionValue?": string, "CancelConditionName?": string,
    "CancelConditionValue?": string, "PauseConditionName?": string, "PauseConditionValue?": string,
  }),
  choice("+", searchWidget),
  choice("+", { StreamObjects: complex(seq("", { ShowAsTiles: boolean, "StreamObject+": streamObject })) }),
  choice("+", { "AttributeLogicalName?": string, "TimeFrame?": string }),
];

export const FormXmlControl: ComplexType = complex(seq("", el("labels?", FormXmlLabels), el("parameters?", complex(choice("", ...families)))), {
  id: string,
  uniqueid: FormGuid,
  classid: FormGuid,
  labelid: FormGuid,
  datafieldname: string,
  disabled: boolean,
  addedby: string,
  isunbound: boolean,
  isrequired: boolean,
  relationship: string,
  indicationOfSubgrid: boolean,
  ...D,
});

const cell = complex(all({ "labels?": FormXmlLabels, "control?": FormXmlControl, "events?": FormXmlEvents }), { auto: boolean, addedby: string, ...cellCommon, ...D });
const section = complex(
  all({ "labels?": FormXmlLabels, "rows?": complex(seq("", { "row*": complex(seq("", { "cell*": cell }), { addedby: string, ...rowCommon, ...D }) }), { addedby: string, ...D }) }),
  {
    group: string,
    name: string,
    showlabel: boolean,
    labelid: FormGuid,
    showbar: boolean,
    id: FormGuid,
    IsUserDefined: string,
    height: string,
    locklevel: nonNegativeInteger,
    layout: string,
    addedby: string,
    visible: boolean,
    rowheight: nonNegativeInteger,
    autoexpand: boolean,
    ...sectionCommon,
    ...D,
  },
);
const headerFooter = complex(
  seq("", { rows: complex(seq("", { "row*": complex(seq("", { "cell*": complex(all({ "labels?": FormXmlLabels, "control?": FormXmlControl }), { ...cellCommon, ...D }) }), { ...rowCommon, ...D }) }), D) }),
  { "id!": FormGuid, ...sectionCommon, ...D },
);
const tab = complex(
  all({
    "labels?": FormXmlLabels,
    "tabheader?": headerFooter,
    "tabfooter?": headerFooter,
    columns: complex(seq("", { "column{1,3}": complex(seq("", { "sections?": complex(seq("", { "section*": section }), { addedby: string, ...D }) }), { "width!": FormPercentage, id: [string, DIFF_FORM_EVIDENCE], ...D }) }), D),
    "events?": FormXmlEvents,
  }),
  {
    group: string,
    name: string,
    verticallayout: boolean,
    showlabel: boolean,
    labelid: FormGuid,
    id: FormGuid,
    IsUserDefined: string,
    locklevel: nonNegativeInteger,
    addedby: string,
    expanded: boolean,
    visible: boolean,
    availableforphone: boolean,
    collapsible: boolean,
    ...D,
  },
);

/** controlDescriptions: the PCF bindings; a customControl's parameters are the control's own (xs:any, skipped). */
export const ControlDescriptions: ComplexType = complex(
  seq("", {
    "controlDescription*": complex(seq("", { "customControl*": complex(seq("", { "parameters?": anyChildren() }), { id: FormGuid, formFactor: integer, name: string, version: string, ...D }) }), { "forControl!": string, ...D }),
  }),
  D,
);

const title = complex(seq("+", { Title: empty({ LCID: integer, Text: string }) }));
const navigation = complex(
  all({
    "NavBarAreas?": complex(seq("", { "NavBarArea*": complex(seq("", { Titles: title }), { "Id!": string }) })),
    "NavBar?": complex(
      choice("{0,100000}", {
        "NavBarItem?": complex(seq("", { Titles: title }), { "Icon!": string, "Url!": string, "Id!": string, PassParams: enumeration("FormCRM_Boolean", ["0", "1"]), Sequence: nonNegativeInteger, Area: string, Client: string, AvailableOffline: boolean }),
        "NavBarByRelationshipItem?": complex(
          all({ "Titles?": title, "ToolTip?": complex(seq("", { Titles: title })), "Privileges?": complex(seq("", { "Privilege{1,100000}": empty({ "Entity!": string, "Privilege!": string }) })) }),
          { "RelationshipName!": string, "Id!": string, Area: string, TitleResourceId: string, Client: string, AvailableOffline: boolean, Icon: string, Sequence: nonNegativeInteger, Show: boolean, ViewId: FormGuid, ...D },
        ),
      }),
      { ValidForCreate: enumeration("FormCRM_Boolean", ["0", "1"]), ValidForUpdate: enumeration("FormCRM_Boolean", ["0", "1"]), ...D },
    ),
  }),
  D,
);

/** FormType: the <form> element. */
export const FormType: ComplexType = complex(
  all({
    "ancestor?": empty({ "id!": FormGuid }),
    "hiddencontrols?": complex(seq("", { "data*": empty({ id: string, datafieldname: string, classid: FormGuid, relationship: string }) })),
    "controlDescriptions?": ControlDescriptions,
    tabs: complex(seq("", { "tab{1,100}": tab }), {
      showlabels: boolean,
      addedby: string,
      filterby: string,
      dashboardCategory: string,
      timeframe: string,
      primaryentitylogicalname: string,
      entityview: string,
      tilespresent: boolean,
      ...D,
    }),
    "header?": headerFooter,
    "footer?": headerFooter,
    "events?": FormXmlEvents,
    "formLibraries?": complex(seq("", { "Library{1,50}": empty({ "name!": string, "libraryUniqueId!": string, ...D }) }), D),
    "externaldependencies?": complex(seq("", { "dependency+": empty({ id: string }) })),
    "formparameters?": complex(
      choice("{1,100000}", {
        "querystringparameter?": empty({
          "name!": pattern("FormQueryStringParameterNameAttributeType", /([A-Za-z0-9])+([_])+([A-Za-z0-9_])*/),
          "type!": enumeration("FormParameterAttributeType", ["Boolean", "DateTime", "Double", "EntityType", "Integer", "Long", "Object", "PositiveInteger", "SafeString", "UniqueId", "UnsignedInt"]),
        }),
      }),
    ),
    // clientresources and the form-level ribbon are not modelled: forms we ship have neither
    "clientresources?": unchecked(),
    "Navigation?": navigation,
    "DisplayConditions?": complex(choice("?", { Everyone: empty(D), "Role+": empty({ "Id!": FormGuid, ...D }) }), { FallbackForm: boolean, Order: integer, ...D }),
    "RibbonDiffXml?": unchecked(),
  }),
  {
    enablerelatedinformation: boolean,
    relatedInformationCollapsed: boolean,
    hasmargin: boolean,
    addedby: string,
    shownavigationbar: boolean,
    showImage: boolean,
    maxWidth: integerRange("maxWidth", 400),
    headerdensity: [string, HEADERDENSITY],
    ...D,
  },
);
