/**
 * The out-of-the-box tables the product touches, with their real logical names, entity set names,
 * primary columns and the columns we use. Names follow the Dataverse table reference
 * (learn.microsoft.com/power-apps/developer/data-platform/reference/entities/*); option values of
 * statecode / statuscode are the documented ones.
 */
import { stableGuid } from "../util";
import type {
  AttributeMeta,
  CascadeDelete,
  EntityMeta,
  MetadataModel,
  OptionMeta,
  RelationshipMeta,
  RequiredLevel,
} from "./types";

type ColOpts = Partial<Omit<AttributeMeta, "logicalName" | "type" | "displayName">>;

const col = (entity: string, logicalName: string, type: AttributeMeta["type"], displayName: string, o: ColOpts = {}): AttributeMeta => ({
  logicalName,
  schemaName: o.schemaName ?? logicalName,
  type,
  displayName,
  requiredLevel: o.requiredLevel ?? "None",
  isCustom: false,
  validForCreate: o.validForCreate ?? true,
  validForUpdate: o.validForUpdate ?? true,
  validForRead: o.validForRead ?? true,
  metadataId: stableGuid(`attr:${entity}.${logicalName}`),
  ...o,
});

/** Column builders bound to one table. */
const cols = (e: string) => ({
  pk: (n: string, d: string) => col(e, n, "Uniqueidentifier", d, { requiredLevel: "SystemRequired", validForUpdate: false }),
  str: (n: string, d: string, maxLength: number, o: ColOpts = {}) => col(e, n, "String", d, { format: "Text", maxLength, ...o }),
  memo: (n: string, d: string, maxLength: number, o: ColOpts = {}) => col(e, n, "Memo", d, { format: "TextArea", maxLength, ...o }),
  int: (n: string, d: string, minValue = -2147483648, maxValue = 2147483647, o: ColOpts = {}) =>
    col(e, n, "Integer", d, { minValue, maxValue, ...o }),
  dec: (n: string, d: string, precision = 2, o: ColOpts = {}) =>
    col(e, n, "Decimal", d, { precision, minValue: -100000000000, maxValue: 100000000000, ...o }),
  money: (n: string, d: string, o: ColOpts = {}) =>
    col(e, n, "Money", d, { precision: 2, minValue: -922337203685477, maxValue: 922337203685477, ...o }),
  bool: (n: string, d: string, def = false, yes = "Yes", no = "No", o: ColOpts = {}) =>
    col(e, n, "Boolean", d, { defaultValue: def, options: [{ value: 1, label: yes }, { value: 0, label: no }], ...o }),
  date: (n: string, d: string, dateOnly = false, o: ColOpts = {}) =>
    col(e, n, "DateTime", d, { format: dateOnly ? "DateOnly" : "DateAndTime", ...o }),
  pick: (n: string, d: string, options: OptionMeta[], o: ColOpts = {}) => col(e, n, "Picklist", d, { options, ...o }),
  lookup: (n: string, d: string, targets: string[], o: ColOpts = {}) => col(e, n, "Lookup", d, { targets, ...o }),
  customer: (n: string, d: string, o: ColOpts = {}) => col(e, n, "Customer", d, { targets: ["account", "contact"], ...o }),
  guid: (n: string, d: string, o: ColOpts = {}) => col(e, n, "Uniqueidentifier", d, o),
});

const opts = (...pairs: Array<[number, string]>): OptionMeta[] => pairs.map(([value, label]) => ({ value, label }));

interface StateDef {
  states: Array<[number, string, number]>; // value, label, default status
  statuses: Array<[number, string, number]>; // value, label, state
}

const stateCols = (e: string, s: StateDef): AttributeMeta[] => [
  col(e, "statecode", "State", "Status", {
    requiredLevel: "SystemRequired",
    validForCreate: false,
    options: s.states.map(([value, label, defaultStatus]) => ({ value, label, defaultStatus })),
    defaultValue: s.states[0][0],
  }),
  col(e, "statuscode", "Status", "Status Reason", {
    options: s.statuses.map(([value, label, state]) => ({ value, label, state })),
    defaultValue: s.states[0][2],
  }),
];

const ACTIVE_INACTIVE: StateDef = {
  states: [
    [0, "Active", 1],
    [1, "Inactive", 2],
  ],
  statuses: [
    [1, "Active", 0],
    [2, "Inactive", 1],
  ],
};

/** The system columns every user-owned table has (createdon, ownerid, versionnumber, …). */
const systemCols = (e: string, ownership: EntityMeta["ownershipType"]): AttributeMeta[] => {
  const c = cols(e);
  const ro: ColOpts = { validForCreate: false, validForUpdate: false };
  const list = [
    c.date("createdon", "Created On", false, ro),
    c.date("modifiedon", "Modified On", false, ro),
    c.lookup("createdby", "Created By", ["systemuser"], ro),
    c.lookup("modifiedby", "Modified By", ["systemuser"], ro),
    col(e, "versionnumber", "BigInt", "Version Number", ro),
    c.date("overriddencreatedon", "Record Created On", false, { validForUpdate: false }),
  ];
  if (ownership === "UserOwned") {
    list.push(
      col(e, "ownerid", "Owner", "Owner", { targets: ["systemuser"], requiredLevel: "SystemRequired" }),
      c.lookup("owninguser", "Owning User", ["systemuser"], ro),
      c.lookup("owningbusinessunit", "Owning Business Unit", ["businessunit"], ro),
    );
  }
  return list;
};

interface TableDef {
  logicalName: string;
  schemaName: string;
  entitySetName: string;
  primaryIdAttribute: string;
  primaryNameAttribute: string;
  displayName: string;
  displayCollectionName: string;
  ownershipType: EntityMeta["ownershipType"];
  objectTypeCode: number;
  isActivity?: boolean;
}

const table = (d: TableDef, columns: AttributeMeta[]): EntityMeta => {
  const attributes: Record<string, AttributeMeta> = {};
  for (const a of [...columns, ...systemCols(d.logicalName, d.ownershipType)]) {
    if (!attributes[a.logicalName]) attributes[a.logicalName] = a;
  }
  return {
    ...d,
    isCustom: false,
    isActivity: d.isActivity ?? false,
    attributes,
    keys: [],
    metadataId: stableGuid(`entity:${d.logicalName}`),
  };
};

const rel = (
  schemaName: string,
  referencedEntity: string,
  referencedAttribute: string,
  referencingEntity: string,
  referencingAttribute: string,
  referencingNavigation: string,
  referencedNavigation: string,
  cascadeDelete: CascadeDelete = "RemoveLink",
): RelationshipMeta => ({
  schemaName,
  referencedEntity,
  referencedAttribute,
  referencingEntity,
  referencingAttribute,
  referencingNavigation,
  referencedNavigation,
  cascadeDelete,
  isCustom: false,
  metadataId: stableGuid(`rel:${schemaName}`),
});

const req = (level: RequiredLevel): ColOpts => ({ requiredLevel: level });

export const WORKFLOW_CATEGORY_MODERN_FLOW = 5;

export function builtinModel(): MetadataModel {
  const entities: EntityMeta[] = [];
  const relationships: RelationshipMeta[] = [];

  // ---- organisation, business unit, user -------------------------------------------------------
  {
    const c = cols("organization");
    entities.push(
      table(
        {
          logicalName: "organization",
          schemaName: "Organization",
          entitySetName: "organizations",
          primaryIdAttribute: "organizationid",
          primaryNameAttribute: "name",
          displayName: "Organization",
          displayCollectionName: "Organizations",
          ownershipType: "None",
          objectTypeCode: 1019,
        },
        [c.pk("organizationid", "Organization"), c.str("name", "Name", 160), c.lookup("basecurrencyid", "Currency", ["transactioncurrency"])],
      ),
    );
  }
  {
    const c = cols("businessunit");
    entities.push(
      table(
        {
          logicalName: "businessunit",
          schemaName: "BusinessUnit",
          entitySetName: "businessunits",
          primaryIdAttribute: "businessunitid",
          primaryNameAttribute: "name",
          displayName: "Business Unit",
          displayCollectionName: "Business Units",
          ownershipType: "None",
          objectTypeCode: 10,
        },
        [c.pk("businessunitid", "Business Unit"), c.str("name", "Name", 160, req("SystemRequired"))],
      ),
    );
  }
  {
    const c = cols("systemuser");
    entities.push(
      table(
        {
          logicalName: "systemuser",
          schemaName: "SystemUser",
          entitySetName: "systemusers",
          primaryIdAttribute: "systemuserid",
          primaryNameAttribute: "fullname",
          displayName: "User",
          displayCollectionName: "Users",
          ownershipType: "None",
          objectTypeCode: 8,
        },
        [
          c.pk("systemuserid", "User"),
          c.str("fullname", "Full Name", 200, { validForCreate: false, validForUpdate: false, computed: "fullname" }),
          c.str("firstname", "First Name", 256),
          c.str("lastname", "Last Name", 256),
          c.str("domainname", "User Name", 1024),
          c.str("internalemailaddress", "Primary Email", 100, { format: "Email" }),
          c.str("address1_telephone1", "Main Phone", 64),
          c.lookup("businessunitid", "Business Unit", ["businessunit"]),
          c.bool("isdisabled", "Status", false, "Disabled", "Enabled"),
          c.guid("azureactivedirectoryobjectid", "Microsoft Entra ID Object ID"),
        ],
      ),
    );
    relationships.push(rel("business_unit_system_users", "businessunit", "businessunitid", "systemuser", "businessunitid", "businessunitid", "business_unit_system_users"));
  }

  // ---- currency -------------------------------------------------------------------------------
  {
    const c = cols("transactioncurrency");
    entities.push(
      table(
        {
          logicalName: "transactioncurrency",
          schemaName: "TransactionCurrency",
          entitySetName: "transactioncurrencies",
          primaryIdAttribute: "transactioncurrencyid",
          primaryNameAttribute: "currencyname",
          displayName: "Currency",
          displayCollectionName: "Currencies",
          ownershipType: "OrganizationOwned",
          objectTypeCode: 9105,
        },
        [
          c.pk("transactioncurrencyid", "Currency"),
          c.str("currencyname", "Currency Name", 100, req("SystemRequired")),
          c.str("isocurrencycode", "Currency Code", 5, req("SystemRequired")),
          c.str("currencysymbol", "Currency Symbol", 13, req("SystemRequired")),
          c.dec("exchangerate", "Exchange Rate", 10, req("SystemRequired")),
          c.int("currencyprecision", "Currency Precision", 0, 4, req("SystemRequired")),
          ...stateCols("transactioncurrency", ACTIVE_INACTIVE),
        ],
      ),
    );
  }

  const userOwned = (def: Omit<TableDef, "ownershipType">, columns: AttributeMeta[]): EntityMeta => {
    const t = table({ ...def, ownershipType: "UserOwned" }, columns);
    relationships.push(
      rel(`lk_${def.logicalName}_createdby`, "systemuser", "systemuserid", def.logicalName, "createdby", "createdby", `lk_${def.logicalName}_createdby`),
      rel(`lk_${def.logicalName}_modifiedby`, "systemuser", "systemuserid", def.logicalName, "modifiedby", "modifiedby", `lk_${def.logicalName}_modifiedby`),
      rel(`owner_${def.logicalName}`, "systemuser", "systemuserid", def.logicalName, "ownerid", "ownerid", `owner_${def.logicalName}`),
      rel(`user_${def.logicalName}`, "systemuser", "systemuserid", def.logicalName, "owninguser", "owninguser", `user_${def.logicalName}`),
      rel(`business_unit_${def.logicalName}`, "businessunit", "businessunitid", def.logicalName, "owningbusinessunit", "owningbusinessunit", `business_unit_${def.logicalName}`),
    );
    return t;
  };
  const currencyRel = (e: string, set: string) =>
    relationships.push(rel(`transactioncurrency_${e}`, "transactioncurrency", "transactioncurrencyid", e, "transactioncurrencyid", "transactioncurrencyid", `transactioncurrency_${set}`));

  // ---- account ---------------------------------------------------------------------------------
  {
    const c = cols("account");
    entities.push(
      userOwned(
        {
          logicalName: "account",
          schemaName: "Account",
          entitySetName: "accounts",
          primaryIdAttribute: "accountid",
          primaryNameAttribute: "name",
          displayName: "Account",
          displayCollectionName: "Accounts",
          objectTypeCode: 1,
        },
        [
          c.pk("accountid", "Account"),
          c.str("name", "Account Name", 160, req("ApplicationRequired")),
          c.str("accountnumber", "Account Number", 20),
          c.str("telephone1", "Main Phone", 50, { format: "Phone" }),
          c.str("emailaddress1", "Email", 100, { format: "Email" }),
          c.str("websiteurl", "Website", 200, { format: "Url" }),
          c.str("address1_line1", "Address 1: Street 1", 250),
          c.str("address1_line2", "Address 1: Street 2", 250),
          c.str("address1_city", "Address 1: City", 80),
          c.str("address1_stateorprovince", "Address 1: State/Province", 50),
          c.str("address1_postalcode", "Address 1: ZIP/Postal Code", 20),
          c.str("address1_country", "Address 1: Country/Region", 80),
          c.str("address2_country", "Address 2: Country/Region", 80),
          c.memo("description", "Description", 2000),
          c.money("revenue", "Annual Revenue"),
          c.int("numberofemployees", "Number of Employees", 0, 1000000000),
          c.pick("industrycode", "Industry", opts([1, "Accounting"], [2, "Agriculture and Non-petrol Natural Resource Extraction"], [6, "Business Services"], [7, "Building Supply Retail"], [33, "Wholesale"])),
          c.lookup("primarycontactid", "Primary Contact", ["contact"]),
          c.lookup("parentaccountid", "Parent Account", ["account"]),
          c.lookup("originatingleadid", "Originating Lead", ["lead"]),
          c.lookup("transactioncurrencyid", "Currency", ["transactioncurrency"]),
          ...stateCols("account", ACTIVE_INACTIVE),
        ],
      ),
    );
    currencyRel("account", "accounts");
    relationships.push(
      rel("account_primary_contact", "contact", "contactid", "account", "primarycontactid", "primarycontactid", "account_primary_contact"),
      rel("account_parent_account", "account", "accountid", "account", "parentaccountid", "parentaccountid", "account_parent_account"),
      rel("account_originating_lead", "lead", "leadid", "account", "originatingleadid", "originatingleadid", "account_originating_lead"),
    );
  }

  // ---- contact ---------------------------------------------------------------------------------
  {
    const c = cols("contact");
    entities.push(
      userOwned(
        {
          logicalName: "contact",
          schemaName: "Contact",
          entitySetName: "contacts",
          primaryIdAttribute: "contactid",
          primaryNameAttribute: "fullname",
          displayName: "Contact",
          displayCollectionName: "Contacts",
          objectTypeCode: 2,
        },
        [
          c.pk("contactid", "Contact"),
          c.str("fullname", "Full Name", 160, { validForCreate: false, validForUpdate: false, computed: "fullname" }),
          c.str("firstname", "First Name", 50),
          c.str("lastname", "Last Name", 50, req("ApplicationRequired")),
          c.str("jobtitle", "Job Title", 100),
          c.str("emailaddress1", "Email", 100, { format: "Email" }),
          c.str("telephone1", "Business Phone", 50, { format: "Phone" }),
          c.str("mobilephone", "Mobile Phone", 50, { format: "Phone" }),
          c.str("address1_city", "Address 1: City", 80),
          c.str("address1_postalcode", "Address 1: ZIP/Postal Code", 20),
          c.str("address1_country", "Address 1: Country/Region", 80),
          c.memo("description", "Description", 2000),
          c.customer("parentcustomerid", "Company Name"),
          c.lookup("originatingleadid", "Originating Lead", ["lead"]),
          c.lookup("transactioncurrencyid", "Currency", ["transactioncurrency"]),
          ...stateCols("contact", ACTIVE_INACTIVE),
        ],
      ),
    );
    currencyRel("contact", "contacts");
    relationships.push(
      rel("contact_customer_accounts", "account", "accountid", "contact", "parentcustomerid", "parentcustomerid_account", "contact_customer_accounts"),
      rel("contact_customer_contacts", "contact", "contactid", "contact", "parentcustomerid", "parentcustomerid_contact", "contact_customer_contacts"),
      rel("contact_originating_lead", "lead", "leadid", "contact", "originatingleadid", "originatingleadid", "contact_originating_lead"),
    );
  }

  // ---- lead ------------------------------------------------------------------------------------
  {
    const c = cols("lead");
    entities.push(
      userOwned(
        {
          logicalName: "lead",
          schemaName: "Lead",
          entitySetName: "leads",
          primaryIdAttribute: "leadid",
          primaryNameAttribute: "fullname",
          displayName: "Lead",
          displayCollectionName: "Leads",
          objectTypeCode: 4,
        },
        [
          c.pk("leadid", "Lead"),
          c.str("fullname", "Name", 160, { validForCreate: false, validForUpdate: false, computed: "fullname" }),
          c.str("subject", "Topic", 300),
          c.str("firstname", "First Name", 50),
          c.str("lastname", "Last Name", 50, req("ApplicationRequired")),
          c.str("companyname", "Company Name", 100),
          c.str("jobtitle", "Job Title", 100),
          c.str("emailaddress1", "Email", 100, { format: "Email" }),
          c.str("telephone1", "Business Phone", 50, { format: "Phone" }),
          c.str("websiteurl", "Website", 200, { format: "Url" }),
          c.str("address1_line1", "Street 1", 250),
          c.str("address1_line2", "Street 2", 250),
          c.str("address1_city", "City", 80),
          c.str("address1_stateorprovince", "State/Province", 50),
          c.str("address1_postalcode", "ZIP/Postal Code", 20),
          c.str("address1_country", "Country/Region", 80),
          c.memo("description", "Description", 2000),
          c.money("estimatedamount", "Est. Value"),
          c.date("estimatedclosedate", "Est. Close Date", true),
          c.pick("leadsourcecode", "Lead Source", opts([1, "Advertisement"], [2, "Employee Referral"], [3, "External Referral"], [4, "Partner"], [8, "Web"], [10, "Other"])),
          c.lookup("parentaccountid", "Existing Account", ["account"]),
          c.lookup("parentcontactid", "Existing Contact", ["contact"]),
          c.customer("customerid", "Customer"),
          c.lookup("qualifyingopportunityid", "Qualifying Opportunity", ["opportunity"]),
          c.lookup("transactioncurrencyid", "Currency", ["transactioncurrency"]),
          ...stateCols("lead", {
            states: [
              [0, "Open", 1],
              [1, "Qualified", 3],
              [2, "Disqualified", 4],
            ],
            statuses: [
              [1, "New", 0],
              [2, "Contacted", 0],
              [3, "Qualified", 1],
              [4, "Lost", 2],
              [5, "Cannot Contact", 2],
              [6, "No Longer Interested", 2],
              [7, "Canceled", 2],
            ],
          }),
        ],
      ),
    );
    currencyRel("lead", "leads");
    relationships.push(
      rel("lead_parent_account", "account", "accountid", "lead", "parentaccountid", "parentaccountid", "lead_parent_account"),
      rel("lead_parent_contact", "contact", "contactid", "lead", "parentcontactid", "parentcontactid", "lead_parent_contact"),
      rel("lead_customer_accounts", "account", "accountid", "lead", "customerid", "customerid_account", "lead_customer_accounts"),
      rel("lead_customer_contacts", "contact", "contactid", "lead", "customerid", "customerid_contact", "lead_customer_contacts"),
      rel("lead_qualifying_opportunity", "opportunity", "opportunityid", "lead", "qualifyingopportunityid", "qualifyingopportunityid", "lead_qualifying_opportunity"),
    );
  }

  // ---- opportunity -----------------------------------------------------------------------------
  {
    const c = cols("opportunity");
    entities.push(
      userOwned(
        {
          logicalName: "opportunity",
          schemaName: "Opportunity",
          entitySetName: "opportunities",
          primaryIdAttribute: "opportunityid",
          primaryNameAttribute: "name",
          displayName: "Opportunity",
          displayCollectionName: "Opportunities",
          objectTypeCode: 3,
        },
        [
          c.pk("opportunityid", "Opportunity"),
          c.str("name", "Topic", 300, req("ApplicationRequired")),
          c.customer("customerid", "Potential Customer"),
          c.lookup("parentaccountid", "Account", ["account"]),
          c.lookup("parentcontactid", "Contact", ["contact"]),
          c.lookup("originatingleadid", "Originating Lead", ["lead"]),
          c.money("estimatedvalue", "Est. Revenue"),
          c.money("budgetamount", "Budget Amount"),
          c.date("estimatedclosedate", "Est. Close Date", true),
          c.money("actualvalue", "Actual Revenue"),
          c.date("actualclosedate", "Actual Close Date", true),
          c.int("closeprobability", "Probability", 0, 100),
          c.memo("description", "Description", 2000),
          c.memo("currentsituation", "Current Situation", 2000),
          c.memo("customerneed", "Customer Need", 2000),
          c.pick("opportunityratingcode", "Rating", opts([1, "Hot"], [2, "Warm"], [3, "Cold"])),
          c.pick("salesstage", "Sales Stage", opts([0, "Qualify"], [1, "Develop"], [2, "Propose"], [3, "Close"])),
          c.lookup("transactioncurrencyid", "Currency", ["transactioncurrency"]),
          ...stateCols("opportunity", {
            states: [
              [0, "Open", 1],
              [1, "Won", 3],
              [2, "Lost", 4],
            ],
            statuses: [
              [1, "In Progress", 0],
              [2, "On Hold", 0],
              [3, "Won", 1],
              [4, "Canceled", 2],
              [5, "Out-Sold", 2],
            ],
          }),
        ],
      ),
    );
    currencyRel("opportunity", "opportunities");
    relationships.push(
      rel("opportunity_customer_accounts", "account", "accountid", "opportunity", "customerid", "customerid_account", "opportunity_customer_accounts"),
      rel("opportunity_customer_contacts", "contact", "contactid", "opportunity", "customerid", "customerid_contact", "opportunity_customer_contacts"),
      rel("opportunity_parent_account", "account", "accountid", "opportunity", "parentaccountid", "parentaccountid", "opportunity_parent_account"),
      rel("opportunity_parent_contact", "contact", "contactid", "opportunity", "parentcontactid", "parentcontactid", "opportunity_parent_contact"),
      rel("opportunity_originating_lead", "lead", "leadid", "opportunity", "originatingleadid", "originatingleadid", "opportunity_originating_lead"),
    );
  }

  // ---- opportunityclose (activity written by WinOpportunity / LoseOpportunity) ------------------
  {
    const c = cols("opportunityclose");
    entities.push(
      userOwned(
        {
          logicalName: "opportunityclose",
          schemaName: "OpportunityClose",
          entitySetName: "opportunitycloses",
          primaryIdAttribute: "activityid",
          primaryNameAttribute: "subject",
          displayName: "Opportunity Close",
          displayCollectionName: "Opportunity Close",
          objectTypeCode: 4208,
          isActivity: true,
        },
        [
          c.pk("activityid", "Opportunity Close"),
          c.str("subject", "Subject", 200),
          c.lookup("opportunityid", "Opportunity", ["opportunity"]),
          c.money("actualrevenue", "Actual Revenue"),
          c.date("actualend", "Close Date", true),
          c.memo("description", "Description", 2000),
          c.lookup("transactioncurrencyid", "Currency", ["transactioncurrency"]),
          ...stateCols("opportunityclose", {
            states: [
              [0, "Open", 1],
              [1, "Completed", 2],
              [2, "Canceled", 3],
            ],
            statuses: [
              [1, "Open", 0],
              [2, "Completed", 1],
              [3, "Canceled", 2],
            ],
          }),
        ],
      ),
    );
    currencyRel("opportunityclose", "opportunitycloses");
    relationships.push(
      rel("Opportunity_OpportunityClose", "opportunity", "opportunityid", "opportunityclose", "opportunityid", "opportunityid", "Opportunity_OpportunityClose", "Cascade"),
    );
  }

  // ---- solution, publisher, solutioncomponent --------------------------------------------------
  {
    const c = cols("publisher");
    entities.push(
      table(
        {
          logicalName: "publisher",
          schemaName: "Publisher",
          entitySetName: "publishers",
          primaryIdAttribute: "publisherid",
          primaryNameAttribute: "friendlyname",
          displayName: "Publisher",
          displayCollectionName: "Publishers",
          ownershipType: "OrganizationOwned",
          objectTypeCode: 7101,
        },
        [
          c.pk("publisherid", "Publisher"),
          c.str("uniquename", "Name", 256, req("SystemRequired")),
          c.str("friendlyname", "Display Name", 256),
          c.str("customizationprefix", "Prefix", 8),
          c.int("customizationoptionvalueprefix", "Choice Value Prefix", 10000, 99999),
          c.memo("description", "Description", 2000),
        ],
      ),
    );
  }
  {
    const c = cols("solution");
    entities.push(
      table(
        {
          logicalName: "solution",
          schemaName: "Solution",
          entitySetName: "solutions",
          primaryIdAttribute: "solutionid",
          primaryNameAttribute: "friendlyname",
          displayName: "Solution",
          displayCollectionName: "Solutions",
          ownershipType: "OrganizationOwned",
          objectTypeCode: 7100,
        },
        [
          c.pk("solutionid", "Solution"),
          c.str("uniquename", "Name", 65, req("SystemRequired")),
          c.str("friendlyname", "Display Name", 256, req("SystemRequired")),
          c.str("version", "Version", 256, req("SystemRequired")),
          c.bool("ismanaged", "Package Type", false, "Managed", "Unmanaged", { validForCreate: false, validForUpdate: false }),
          c.lookup("publisherid", "Publisher", ["publisher"], req("SystemRequired")),
          c.date("installedon", "Installed On", false, { validForCreate: false, validForUpdate: false }),
          c.date("updatedon", "Updated On", false, { validForCreate: false, validForUpdate: false }),
          c.memo("description", "Description", 2000),
          c.bool("isvisible", "Is Visible Outside Platform", true),
        ],
      ),
    );
    relationships.push(rel("publisher_solution", "publisher", "publisherid", "solution", "publisherid", "publisherid", "publisher_solution", "Restrict"));
  }
  {
    const c = cols("solutioncomponent");
    entities.push(
      table(
        {
          logicalName: "solutioncomponent",
          schemaName: "SolutionComponent",
          entitySetName: "solutioncomponents",
          primaryIdAttribute: "solutioncomponentid",
          primaryNameAttribute: "solutioncomponentid",
          displayName: "Solution Component",
          displayCollectionName: "Solution Components",
          ownershipType: "OrganizationOwned",
          objectTypeCode: 7103,
        },
        [
          c.pk("solutioncomponentid", "Solution Component"),
          c.lookup("solutionid", "Solution", ["solution"], req("SystemRequired")),
          c.guid("objectid", "Regarding"),
          c.pick(
            "componenttype",
            "Object Type Code",
            opts(
              [1, "Entity"],
              [2, "Attribute"],
              [9, "Option Set"],
              [10, "Entity Relationship"],
              [14, "Entity Key"],
              [29, "Workflow"],
              [46, "Entity Map"],
              [61, "Web Resource"],
              [66, "Custom Control"],
              [380, "Environment Variable Definition"],
              [381, "Environment Variable Value"],
              [10000, "Connection Reference"],
            ),
          ),
          c.pick("rootcomponentbehavior", "Root Component Behavior", opts([0, "Include Subcomponents"], [1, "Do not include subcomponents"], [2, "Include As Shell Only"])),
          c.bool("ismetadata", "Is this component metadata or data"),
          c.lookup("rootsolutioncomponentid", "Root Solution Component", ["solutioncomponent"]),
          c.str("schemaname", "Component name (emulator)", 400),
        ],
      ),
    );
    relationships.push(
      rel("solution_solutioncomponent", "solution", "solutionid", "solutioncomponent", "solutionid", "solutionid", "solution_solutioncomponent", "Cascade"),
      rel("solutioncomponent_parent_solutioncomponent", "solutioncomponent", "solutioncomponentid", "solutioncomponent", "rootsolutioncomponentid", "rootsolutioncomponentid", "solutioncomponent_parent_solutioncomponent"),
    );
  }

  // ---- workflow (cloud flows are category 5 rows) ---------------------------------------------
  {
    const c = cols("workflow");
    entities.push(
      userOwned(
        {
          logicalName: "workflow",
          schemaName: "Workflow",
          entitySetName: "workflows",
          primaryIdAttribute: "workflowid",
          primaryNameAttribute: "name",
          displayName: "Process",
          displayCollectionName: "Processes",
          objectTypeCode: 4703,
        },
        [
          c.pk("workflowid", "Process"),
          c.str("name", "Process Name", 100, req("SystemRequired")),
          c.memo("description", "Description", 100000),
          c.pick(
            "category",
            "Category",
            opts([0, "Workflow"], [1, "Dialog"], [2, "Business Rule"], [3, "Action"], [4, "Business Process Flow"], [5, "Modern Flow"], [6, "Desktop Flow"], [7, "AI Flow"]),
            { requiredLevel: "SystemRequired", validForUpdate: false },
          ),
          c.pick("type", "Type", opts([1, "Definition"], [2, "Activation"], [3, "Template"]), { defaultValue: 1, validForUpdate: false }),
          c.memo("clientdata", "Client Data", 1073741823),
          c.str("primaryentity", "Primary Entity", 100, { defaultValue: "none" }),
          c.pick("mode", "Execute As", opts([0, "Background"], [1, "Real-time"]), { defaultValue: 0 }),
          c.pick("scope", "Scope", opts([1, "User"], [2, "Business Unit"], [3, "Parent: Child Business Units"], [4, "Organization"]), { defaultValue: 4 }),
          c.pick("runas", "Run As User", opts([0, "Owner"], [1, "Calling User"]), { defaultValue: 1 }),
          c.bool("ondemand", "Run as On Demand"),
          c.bool("subprocess", "As Child Process"),
          c.bool("istransacted", "Is Transacted", true),
          c.bool("ismanaged", "Is Managed", false, "Managed", "Unmanaged", { validForCreate: false, validForUpdate: false }),
          c.guid("workflowidunique", "Unique Id", { validForUpdate: false }),
          c.lookup("solutionid", "Solution", ["solution"], { validForCreate: false, validForUpdate: false }),
          ...stateCols("workflow", {
            states: [
              [0, "Draft", 1],
              [1, "Activated", 2],
              [2, "Suspended", 3],
            ],
            statuses: [
              [1, "Draft", 0],
              [2, "Activated", 1],
              [3, "Company DLP Violation", 2],
            ],
          }),
        ],
      ),
    );
  }

  // ---- environment variables, connection references, web resources -----------------------------
  {
    const c = cols("environmentvariabledefinition");
    entities.push(
      userOwned(
        {
          logicalName: "environmentvariabledefinition",
          schemaName: "EnvironmentVariableDefinition",
          entitySetName: "environmentvariabledefinitions",
          primaryIdAttribute: "environmentvariabledefinitionid",
          primaryNameAttribute: "schemaname",
          displayName: "Environment Variable Definition",
          displayCollectionName: "Environment Variable Definitions",
          objectTypeCode: 380,
        },
        [
          c.pk("environmentvariabledefinitionid", "Environment Variable Definition"),
          c.str("schemaname", "Schema Name", 100, req("SystemRequired")),
          c.str("displayname", "Display Name", 100, req("SystemRequired")),
          c.memo("description", "Description", 2000),
          c.pick(
            "type",
            "Type",
            opts([100000000, "String"], [100000001, "Number"], [100000002, "Boolean"], [100000003, "JSON"], [100000004, "Data source"], [100000005, "Secret"]),
            { defaultValue: 100000000 },
          ),
          c.memo("defaultvalue", "Default Value", 2000),
          c.bool("isrequired", "Is Required"),
          c.pick("secretstore", "Secret Store", opts([0, "Azure Key Vault"], [1, "Microsoft Dataverse"])),
          c.memo("valueschema", "Value Schema", 2000),
          c.str("introducedversion", "Introduced Version", 48),
          c.bool("ismanaged", "Is Managed", false, "Managed", "Unmanaged", { validForCreate: false, validForUpdate: false }),
          ...stateCols("environmentvariabledefinition", ACTIVE_INACTIVE),
        ],
      ),
    );
  }
  {
    const c = cols("environmentvariablevalue");
    entities.push(
      userOwned(
        {
          logicalName: "environmentvariablevalue",
          schemaName: "EnvironmentVariableValue",
          entitySetName: "environmentvariablevalues",
          primaryIdAttribute: "environmentvariablevalueid",
          primaryNameAttribute: "schemaname",
          displayName: "Environment Variable Value",
          displayCollectionName: "Environment Variable Values",
          objectTypeCode: 381,
        },
        [
          c.pk("environmentvariablevalueid", "Environment Variable Value"),
          c.str("schemaname", "Schema Name", 100),
          c.memo("value", "Value", 2000),
          c.lookup("environmentvariabledefinitionid", "Environment Variable Definition", ["environmentvariabledefinition"], {
            schemaName: "EnvironmentVariableDefinitionId",
          }),
          c.bool("ismanaged", "Is Managed", false, "Managed", "Unmanaged", { validForCreate: false, validForUpdate: false }),
          ...stateCols("environmentvariablevalue", ACTIVE_INACTIVE),
        ],
      ),
    );
    relationships.push(
      rel(
        "environmentvariabledefinition_environmentvariablevalue",
        "environmentvariabledefinition",
        "environmentvariabledefinitionid",
        "environmentvariablevalue",
        "environmentvariabledefinitionid",
        "EnvironmentVariableDefinitionId",
        "environmentvariabledefinition_environmentvariablevalue",
        "Cascade",
      ),
    );
  }
  {
    const c = cols("connectionreference");
    entities.push(
      userOwned(
        {
          logicalName: "connectionreference",
          schemaName: "connectionreference",
          entitySetName: "connectionreferences",
          primaryIdAttribute: "connectionreferenceid",
          primaryNameAttribute: "connectionreferencedisplayname",
          displayName: "Connection Reference",
          displayCollectionName: "Connection References",
          objectTypeCode: 10036,
        },
        [
          c.pk("connectionreferenceid", "Connection Reference"),
          c.str("connectionreferencelogicalname", "Connection Reference Logical Name", 100, req("SystemRequired")),
          c.str("connectionreferencedisplayname", "Display Name", 100, req("SystemRequired")),
          c.str("connectorid", "Connector ID", 100),
          c.str("connectionid", "Connection ID", 100),
          c.memo("description", "Description", 2000),
          c.pick("promptingbehavior", "Prompting Behavior", opts([0, "Prompt"], [1, "Do not prompt"])),
          c.bool("ismanaged", "Is Managed", false, "Managed", "Unmanaged", { validForCreate: false, validForUpdate: false }),
          ...stateCols("connectionreference", ACTIVE_INACTIVE),
        ],
      ),
    );
  }
  {
    const c = cols("webresource");
    entities.push(
      table(
        {
          logicalName: "webresource",
          schemaName: "WebResource",
          entitySetName: "webresourceset",
          primaryIdAttribute: "webresourceid",
          primaryNameAttribute: "name",
          displayName: "Web Resource",
          displayCollectionName: "Web Resources",
          ownershipType: "OrganizationOwned",
          objectTypeCode: 9333,
        },
        [
          c.pk("webresourceid", "Web Resource"),
          c.str("name", "Name", 256, req("SystemRequired")),
          c.str("displayname", "Display Name", 200),
          c.memo("description", "Description", 2000),
          c.pick(
            "webresourcetype",
            "Type",
            opts([1, "Webpage (HTML)"], [2, "Style Sheet (CSS)"], [3, "Script (JScript)"], [4, "Data (XML)"], [5, "PNG format"], [6, "JPG format"], [7, "GIF format"], [8, "Silverlight (XAP)"], [9, "Style Sheet (XSL)"], [10, "ICO format"], [11, "Vector format (SVG)"], [12, "String (RESX)"]),
            req("SystemRequired"),
          ),
          c.memo("content", "Content", 1073741823),
          c.bool("ismanaged", "Is Managed", false, "Managed", "Unmanaged", { validForCreate: false, validForUpdate: false }),
        ],
      ),
    );
  }
  {
    const c = cols("customcontrol");
    entities.push(
      table(
        {
          logicalName: "customcontrol",
          schemaName: "CustomControl",
          entitySetName: "customcontrols",
          primaryIdAttribute: "customcontrolid",
          primaryNameAttribute: "name",
          displayName: "Custom Control",
          displayCollectionName: "Custom Controls",
          ownershipType: "OrganizationOwned",
          objectTypeCode: 66,
        },
        [
          c.pk("customcontrolid", "Custom Control"),
          c.str("name", "Name", 100, req("SystemRequired")),
          c.memo("manifest", "Manifest", 1073741823),
          c.bool("ismanaged", "Is Managed", false, "Managed", "Unmanaged", { validForCreate: false, validForUpdate: false }),
        ],
      ),
    );
  }

  // ---- callbackregistration: the change notifications behind Power Automate's row trigger --------
  // Columns and choices: learn.microsoft.com/power-apps/developer/data-platform/reference/entities/callbackregistration
  {
    const c = cols("callbackregistration");
    entities.push(
      userOwned(
        {
          logicalName: "callbackregistration",
          schemaName: "CallbackRegistration",
          entitySetName: "callbackregistrations",
          primaryIdAttribute: "callbackregistrationid",
          primaryNameAttribute: "name",
          displayName: "Callback Registration",
          displayCollectionName: "Callback Registrations",
          objectTypeCode: 301,
        },
        [
          c.pk("callbackregistrationid", "Callback Registration"),
          c.str("name", "Name", 256, req("SystemRequired")),
          c.str("entityname", "Entity Name", 255, req("SystemRequired")),
          c.pick(
            "message",
            "Specifies the message type",
            opts([1, "Added"], [2, "Deleted"], [3, "Modified"], [4, "Added or Modified"], [5, "Added or Deleted"], [6, "Modified or Deleted"], [7, "Added or Modified or Deleted"]),
            req("SystemRequired"),
          ),
          c.pick("scope", "Specifies the scope type", opts([1, "User"], [2, "BusinessUnit"], [3, "ParentChildBusinessUnit"], [4, "Organization"]), req("SystemRequired")),
          c.memo("filteringattributes", "Filtering Attributes", 100000),
          c.memo("filterexpression", "Filter Expression", 100000),
          c.memo("postponeuntil", "Postpone Until", 100000),
          c.pick("runas", "RunAs", opts([1, "Modifying user"], [2, "Row owner"], [3, "Flow owner"]), { requiredLevel: "SystemRequired", defaultValue: 1 }),
          // Url is documented IsValidForRead = False: it is written, never returned.
          c.str("url", "Url Address", 2000, { requiredLevel: "SystemRequired", validForRead: false, format: "Url" }),
          c.pick("version", "Specifies the Callback registration version type", opts([1, "V1"], [2, "V2"], [3, "V3"]), {
            requiredLevel: "SystemRequired",
            defaultValue: 1,
          }),
          c.str("sdkmessagename", "SDK Message Name", 256),
        ],
      ),
    );
  }

  // ---- asyncoperation and importjob: ImportSolutionAsync progress ------------------------------
  {
    const c = cols("asyncoperation");
    entities.push(
      userOwned(
        {
          logicalName: "asyncoperation",
          schemaName: "AsyncOperation",
          entitySetName: "asyncoperations",
          primaryIdAttribute: "asyncoperationid",
          primaryNameAttribute: "name",
          displayName: "System Job",
          displayCollectionName: "System Jobs",
          objectTypeCode: 4700,
        },
        [
          c.pk("asyncoperationid", "System Job"),
          c.str("name", "System Job Name", 256),
          c.pick("operationtype", "System Job Type", opts([103, "Import Solution Metadata"], [201, "Solution import"]), { defaultValue: 201 }),
          c.memo("message", "Message", 1073741823),
          c.memo("friendlymessage", "Friendly message", 1073741823),
          c.memo("data", "Data", 1073741823),
          c.date("startedon", "Started On"),
          c.date("completedon", "Completed On"),
          c.guid("correlationid", "Correlation Id"),
          ...stateCols("asyncoperation", {
            states: [
              [0, "Ready", 0],
              [1, "Suspended", 10],
              [2, "Locked", 20],
              [3, "Completed", 30],
            ],
            statuses: [
              [0, "Waiting For Resources", 0],
              [10, "Waiting", 1],
              [20, "In Progress", 2],
              [21, "Pausing", 2],
              [22, "Canceling", 2],
              [30, "Succeeded", 3],
              [31, "Failed", 3],
              [32, "Canceled", 3],
            ],
          }),
        ],
      ),
    );
  }
  {
    const c = cols("importjob");
    entities.push(
      userOwned(
        {
          logicalName: "importjob",
          schemaName: "ImportJob",
          entitySetName: "importjobs",
          primaryIdAttribute: "importjobid",
          primaryNameAttribute: "name",
          displayName: "Import Job",
          displayCollectionName: "Import Jobs",
          objectTypeCode: 9107,
        },
        [
          c.pk("importjobid", "Import Job"),
          c.str("name", "Name", 100),
          c.str("solutionname", "Solution Name", 256),
          c.guid("solutionid", "Solution"),
          c.dec("progress", "Progress", 2),
          c.date("startedon", "Started On"),
          c.date("completedon", "Completed On"),
          c.memo("data", "Data", 1073741823),
        ],
      ),
    );
  }

  // ---- flowrun: cloud flow run history in Dataverse ----------------------------------------------
  // Columns: learn.microsoft.com/power-apps/developer/data-platform/webapi/reference/flowrun and
  // power-automate/dataverse/cloud-flow-run-metadata ("Status: Success, Failed, or Cancelled";
  // duration in milliseconds per the Web API reference). An elastic table in the cloud; here a plain
  // one. Power Automate writes the rows (the sandbox: FlowRunRecorder), admins and tools read them.
  {
    const c = cols("flowrun");
    entities.push(
      userOwned(
        {
          logicalName: "flowrun",
          schemaName: "flowrun",
          entitySetName: "flowruns",
          primaryIdAttribute: "flowrunid",
          primaryNameAttribute: "name",
          displayName: "Flow Run",
          displayCollectionName: "Flow Runs",
          objectTypeCode: 10425,
        },
        [
          c.pk("flowrunid", "Flow Run"),
          c.str("name", "Name", 100),
          c.date("starttime", "Start time"),
          c.date("endtime", "End time"),
          col("flowrun", "duration", "BigInt", "Duration"),
          c.str("status", "Status", 100),
          c.str("triggertype", "Trigger type", 100),
          c.str("errorcode", "Error code", 500),
          c.memo("errormessage", "Error message", 10000),
          c.str("workflowid", "Workflow Id", 100),
          c.str("workflowname", "Workflow name", 100),
          c.lookup("workflow", "Workflow", ["workflow"], { schemaName: "Workflow" }),
          c.bool("isprimary", "Is Primary", true),
          c.str("parentrunid", "Parent run id", 100),
          c.int("ttlinseconds", "Time to live (seconds)"),
        ],
      ),
    );
    relationships.push(rel("flowrun_Workflow", "workflow", "workflowid", "flowrun", "workflow", "Workflow", "flowrun_Workflow"));
  }

  // ---- role and systemuserroles: security roles and who has them ---------------------------------
  // learn.microsoft.com/power-apps/developer/data-platform/reference/entities/role and
  // …/systemuserroles (the intersect table of the systemuserroles_association N:N relationship,
  // readable as systemuserrolescollection; rows come and go through associate / disassociate).
  {
    const c = cols("role");
    entities.push(
      table(
        {
          logicalName: "role",
          schemaName: "Role",
          entitySetName: "roles",
          primaryIdAttribute: "roleid",
          primaryNameAttribute: "name",
          displayName: "Security Role",
          displayCollectionName: "Security Roles",
          ownershipType: "OrganizationOwned",
          objectTypeCode: 1036,
        },
        [
          c.pk("roleid", "Role"),
          c.str("name", "Name", 100, req("SystemRequired")),
          c.lookup("businessunitid", "Business Unit", ["businessunit"], { schemaName: "BusinessUnitId" }),
          c.bool("ismanaged", "Is Managed", false, "Managed", "Unmanaged", { validForCreate: false, validForUpdate: false }),
        ],
      ),
    );
  }
  {
    const c = cols("systemuserroles");
    const ro = { validForCreate: false, validForUpdate: false };
    entities.push({
      logicalName: "systemuserroles",
      schemaName: "SystemUserRoles",
      entitySetName: "systemuserrolescollection",
      primaryIdAttribute: "systemuserroleid",
      primaryNameAttribute: "systemuserroleid",
      displayName: "System User Roles",
      displayCollectionName: "System User Roles",
      ownershipType: "None",
      objectTypeCode: 15,
      isCustom: false,
      isActivity: false,
      attributes: Object.fromEntries([c.pk("systemuserroleid", "System User Role"), c.guid("systemuserid", "System User", ro), c.guid("roleid", "Role", ro)].map((a) => [a.logicalName, a])),
      keys: [],
      metadataId: stableGuid("entity:systemuserroles"),
    });
  }

  const model: MetadataModel = {
    entities: {},
    relationships,
    manyToMany: [{ schemaName: "systemuserroles_association", entity1: "systemuser", entity2: "role", intersectEntity: "systemuserroles", metadataId: stableGuid("rel:systemuserroles_association") }],
    entityMaps: [],
    optionSets: {},
  };
  for (const e of entities) model.entities[e.logicalName] = e;
  return model;
}

/**
 * What Dataverse adds to every new table: the system columns (createdon, ownerid, versionnumber, …),
 * an Active/Inactive statecode and statuscode, and the owner / created-by relationships.
 */
export function customTableSystemParts(
  logicalName: string,
  ownership: "UserOwned" | "OrganizationOwned",
): { attributes: AttributeMeta[]; relationships: RelationshipMeta[] } {
  const attributes = [...systemCols(logicalName, ownership), ...stateCols(logicalName, ACTIVE_INACTIVE)];
  const relationships: RelationshipMeta[] = [
    rel(`lk_${logicalName}_createdby`, "systemuser", "systemuserid", logicalName, "createdby", "createdby", `lk_${logicalName}_createdby`),
    rel(`lk_${logicalName}_modifiedby`, "systemuser", "systemuserid", logicalName, "modifiedby", "modifiedby", `lk_${logicalName}_modifiedby`),
  ];
  if (ownership === "OrganizationOwned") {
    // An organization-owned table has no owner columns; it has organizationid instead (a real
    // export of one: YarSol/deploytest Entities/alc_jax_entity/Entity.xml and
    // Other/Relationships/Organization.xml, relationship organization_<table>).
    attributes.push(cols(logicalName).lookup("organizationid", "Organization Id", ["organization"], { validForCreate: false, validForUpdate: false }));
    relationships.push(rel(`organization_${logicalName}`, "organization", "organizationid", logicalName, "organizationid", "organizationid", `organization_${logicalName}`));
  }
  if (ownership === "UserOwned") {
    relationships.push(
      rel(`owner_${logicalName}`, "systemuser", "systemuserid", logicalName, "ownerid", "ownerid", `owner_${logicalName}`),
      rel(`user_${logicalName}`, "systemuser", "systemuserid", logicalName, "owninguser", "owninguser", `user_${logicalName}`),
      rel(`business_unit_${logicalName}`, "businessunit", "businessunitid", logicalName, "owningbusinessunit", "owningbusinessunit", `business_unit_${logicalName}`),
    );
  }
  return { attributes, relationships };
}

/**
 * Lookups the platform adds to every table; the relationships an export carries for them
 * (owner_, user_, team_, business_unit_, organization_, lk_…) are generated, not customised, so import skips them.
 */
export const SYSTEM_LOOKUPS = new Set(["ownerid", "owninguser", "owningteam", "owningbusinessunit", "organizationid", "createdby", "modifiedby", "createdonbehalfby", "modifiedonbehalfby"]);

/** Platform tables real exports reference that the emulator does not model (relationships to them are skipped). */
export const PLATFORM_TABLES_NOT_EMULATED = new Set([
  "team",
  "owner",
  "principal",
  "syncerror",
  "processsession",
  "bulkdeletefailure",
  "duplicaterecord",
  "principalobjectattributeaccess",
  "mailboxtrackingfolder",
  "fileattachment",
  "annotation",
  "activitypointer",
  "connection",
  "userentityinstancedata",
  "postfollow",
  "postregarding",
  "postrole",
  "queueitem",
  "slakpiinstance",
  "msdyn_aimodel",
]);
