/**
 * Opens the two built zips (packed from a fixture copy of solution/src with fake build outputs) and
 * finds every component issue 2 names, by the exact names in plugins-ts/src/model/schema.ts.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import {
  CONNECTION_REFERENCES,
  connectorId,
  CONTRACT_TERM_OPTIONS,
  COSELL_REFERENCE_TABLES,
  DEAL_REGISTRATION,
  DEAL_TYPE_OPTIONS,
  LEAD_COSELL,
  LEAD_TO_OPPORTUNITY_COSELL_MAP,
  OPPORTUNITY_COSELL,
  PARTNER_ROLE,
  PRICING_MODEL_OPTIONS,
  PRIMARY_DEPLOYMENT_OPTIONS,
  PURCHASE_INTENT_OPTIONS,
  SOLUTION_AREA,
  SOLUTION_DETAIL_COSELL,
  SOLUTION_PLAY,
  ENVIRONMENT_VARIABLES,
  FORM_SCRIPT,
  LEAD,
  LEAD_TO_OPPORTUNITY_MAP,
  MICROSOFT_HELP_OPTIONS,
  OPPORTUNITY,
  PARTNER_CENTER_SOLUTION,
  PCF_CONTROLS,
  PUBLISHER,
  REFERRAL_CREATION,
  SOLUTION,
  SOLUTION_DETAIL,
  SOLUTION_TYPE_OPTIONS,
  SYNC_STATUS_LABELS,
  SyncStatus,
  optionValue,
} from "../../../../plugins-ts/src/model/schema";
import { AUDIT_MAX_CHARS } from "../../../../plugins-ts/src/rulebook/audit";
import { checkPackage } from "../../check";
import {
  allForms,
  connectionReferences,
  customControls,
  entityMaps,
  envVarDefinitions,
  findEntity,
  globalOptionSets,
  relationships,
  rootComponents,
  roles,
  webResources,
} from "../components";
import { CONTENT_TYPES_PATH, coversPart, parseContentTypes } from "../content-types";
import { entityAttributes, entityForms, entityInfo, entitySavedQueries, formName, manifest, normGuid, type SolutionPackage } from "../package";
import { buildSolutionZips, readSolutionZip, type BuiltZips } from "../pack";
import { attr, child, childText, descendants, elements, parseXml, text, type XmlElement } from "../xml";
import { listZipEntries, readZip } from "../zip";
import { CHILD_FLOW_FILE, FAKE_FORM_SCRIPT, makeFixture, type Fixture } from "./fixture";

/** Display names exactly as ARCHITECTURE.md's opportunity table gives them (the contract). */
const OPPORTUNITY_DISPLAY: Record<string, string> = {
  [OPPORTUNITY.syncWithPartnerCenter]: "Sync with Partner Center",
  [OPPORTUNITY.referralIdentifier]: "Referral Identifier",
  [OPPORTUNITY.referralLink]: "Referral Link",
  [OPPORTUNITY.microsoftHelp]: "How can Microsoft help?",
  [OPPORTUNITY.referralVisibility]: "Microsoft Partner Center Referral Visibility",
  [OPPORTUNITY.microsoftCrmIdentifier]: "Microsoft CRM Identifier",
  [OPPORTUNITY.syncAudit]: "Audit",
  [OPPORTUNITY.syncStatus]: "Partner Center Sync Status",
  [OPPORTUNITY.lastSyncedOn]: "Last Synced On",
  [OPPORTUNITY.referralStatus]: "Referral Status",
  [OPPORTUNITY.referralEtag]: "Referral ETag",
  [OPPORTUNITY.syncHash]: "Sync Hash",
};
/** Today's co-sell columns (issue 15): [display name, type]. */
const COSELL_COLUMNS: Record<string, [string, string]> = {
  [OPPORTUNITY_COSELL.purchaseIntent]: ["Customer Purchase Intent", "picklist"],
  [OPPORTUNITY_COSELL.partnerRole]: ["Partner Role", "lookup"],
  [OPPORTUNITY_COSELL.solutionArea]: ["Solution Area", "lookup"],
  [OPPORTUNITY_COSELL.solutionPlay]: ["Solution Play", "lookup"],
  [OPPORTUNITY_COSELL.dealType]: ["Deal Type", "picklist"],
  [OPPORTUNITY_COSELL.engagementId]: ["Engagement ID", "nvarchar"],
  [OPPORTUNITY_COSELL.acceptedOn]: ["Accepted On", "datetime"],
  [OPPORTUNITY_COSELL.closedOn]: ["Closed On", "datetime"],
  [OPPORTUNITY_COSELL.customerDuns]: ["Customer DUNS", "nvarchar"],
};
const REGISTRATION_COLUMNS: Record<string, [string, string]> = {
  [DEAL_REGISTRATION.register]: ["Register Deal", "bit"],
  [DEAL_REGISTRATION.contractValue]: ["Contract Value", "decimal"],
  [DEAL_REGISTRATION.contractTerm]: ["Contract Term", "picklist"],
  [DEAL_REGISTRATION.contractStart]: ["Contract Start Date", "datetime"],
  [DEAL_REGISTRATION.contractEnd]: ["Contract End Date", "datetime"],
  [DEAL_REGISTRATION.contractSigned]: ["Contract Signed On", "datetime"],
  [DEAL_REGISTRATION.pricingModel]: ["Pricing Model", "picklist"],
  [DEAL_REGISTRATION.primaryDeployment]: ["Primary Deployment", "picklist"],
  [DEAL_REGISTRATION.deployedOnAzure]: ["Deployed on Azure", "bit"],
  [DEAL_REGISTRATION.marketplaceTransacted]: ["Transacted in Marketplace", "bit"],
  [DEAL_REGISTRATION.marketplaceTransactedOn]: ["Marketplace Transaction Date", "datetime"],
  [DEAL_REGISTRATION.status]: ["Deal Registration Status", "nvarchar"],
  [DEAL_REGISTRATION.registrationId]: ["Deal Registration ID", "nvarchar"],
};
const OPPORTUNITY_TYPES: Record<string, string> = {
  [OPPORTUNITY.syncWithPartnerCenter]: "bit",
  [OPPORTUNITY.referralIdentifier]: "nvarchar",
  [OPPORTUNITY.referralLink]: "nvarchar",
  [OPPORTUNITY.microsoftHelp]: "picklist",
  [OPPORTUNITY.referralVisibility]: "bit",
  [OPPORTUNITY.microsoftCrmIdentifier]: "nvarchar",
  [OPPORTUNITY.syncAudit]: "ntext",
  [OPPORTUNITY.syncStatus]: "picklist",
  [OPPORTUNITY.lastSyncedOn]: "datetime",
  [OPPORTUNITY.referralStatus]: "nvarchar",
  [OPPORTUNITY.referralEtag]: "nvarchar",
  [OPPORTUNITY.syncHash]: "ntext", // the sync fingerprint (rulebook/sync-hash.ts v2), up to 10,000 characters
};
const SYSTEM_COLUMNS = ["createdby", "createdon", "createdonbehalfby", "importsequencenumber", "modifiedby", "modifiedon", "modifiedonbehalfby", "overriddencreatedon", "ownerid", "owningbusinessunit", "owningteam", "owninguser", "statecode", "statuscode", "timezoneruleversionnumber", "utcconversiontimezonecode"];

let fx: Fixture;
let built: BuiltZips;
let pkg: SolutionPackage;
let managedPkg: SolutionPackage;

beforeAll(() => {
  fx = makeFixture({ withFlows: true });
  built = buildSolutionZips({ folder: fx.src, mapFile: fx.map, outDir: fx.dist });
  pkg = readSolutionZip(built.unmanaged.bytes, "unmanaged.zip");
  managedPkg = readSolutionZip(built.managed.bytes, "managed.zip");
});
afterAll(() => fx.cleanup());

const attrByLogical = (entity: XmlElement, logical: string): XmlElement | undefined => entityAttributes(entity).find((a) => childText(a, "LogicalName") === logical);
const displayName = (a: XmlElement): string | undefined => attr(elements(child(a, "displaynames")!, "displayname")[0], "description");
const options = (a: XmlElement): Array<{ value: number; label: string }> =>
  descendants(child(a, "optionset")!, "option").map((o) => ({ value: Number(attr(o, "value")), label: attr(descendants(o, "label")[0], "description")! }));
const keysOf = (entity: XmlElement): Array<{ name: string; columns: string[] }> => {
  const keys = child(entityInfo(entity)!, "EntityKeys");
  return (keys ? elements(keys, "EntityKey") : []).map((k) => ({ name: childText(k, "LogicalName")!, columns: descendants(k, "AttributeName").map((a) => text(a)) }));
};

describe("the zip files", () => {
  it("are written to dist with the solution name and version in their names", () => {
    expect(path.basename(built.unmanaged.path)).toBe(`${SOLUTION.uniqueName}_1.0.0.0.zip`);
    expect(path.basename(built.managed.path)).toBe(`${SOLUTION.uniqueName}_1.0.0.0_managed.zip`);
    expect(new Uint8Array(fs.readFileSync(built.unmanaged.path))).toEqual(built.unmanaged.bytes);
  });

  it("are reproducible: packing the same source again gives the same bytes", () => {
    const again = buildSolutionZips({ folder: fx.src, mapFile: fx.map, outDir: path.join(fx.root, "dist2") });
    expect(Buffer.compare(Buffer.from(again.unmanaged.bytes), Buffer.from(built.unmanaged.bytes))).toBe(0);
    expect(Buffer.compare(Buffer.from(again.managed.bytes), Buffer.from(built.managed.bytes))).toBe(0);
  });

  it("are flat zips with the three root files, forward slashes, pac's entry order and a content type for every part", () => {
    const names = listZipEntries(built.unmanaged.bytes);
    expect(names.slice(0, 2)).toEqual(["customizations.xml", "solution.xml"]);
    expect(names[names.length - 1]).toBe(CONTENT_TYPES_PATH);
    const middle = names.slice(2, -1);
    expect(middle).toEqual([...middle].sort());
    expect(names.every((n) => !n.includes("\\") && !n.startsWith("/") && !n.endsWith("/"))).toBe(true);
    const ct = parseContentTypes(readZip(built.unmanaged.bytes).files.get(CONTENT_TYPES_PATH)!);
    for (const n of names.filter((x) => x !== CONTENT_TYPES_PATH)) expect(coversPart(ct, n)).toBe(true);
    expect(ct.defaults.get("xml")).toBe("text/xml");
    expect(ct.defaults.get("json")).toBe("application/octet-stream");
    // the extension-less web resource file has its own Override
    expect([...ct.overrides.keys()].some((k) => k.startsWith("WebResources/pcs_scriptsopportunityjs"))).toBe(true);
  });

  it("write solution.xml and customizations.xml as pac does (BOM, XML declaration, LF), and environment variables as exports carry them", () => {
    const files = readZip(built.unmanaged.bytes).files;
    for (const n of ["solution.xml", "customizations.xml"]) {
      const s = Buffer.from(files.get(n)!).toString("utf8");
      expect(s.startsWith('\uFEFF<?xml version="1.0" encoding="utf-8"?>\n<ImportExportXml')).toBe(true);
      expect(s.includes("\r")).toBe(false);
    }
    const ct = files.get(CONTENT_TYPES_PATH)!;
    expect([ct[0], ct[1], ct[2]]).toEqual([0xef, 0xbb, 0xbf]);
    const defs = [...files.keys()].filter((k) => k.startsWith("environmentvariabledefinitions/"));
    expect(defs).toHaveLength(Object.keys(ENVIRONMENT_VARIABLES).length);
    for (const d of defs) expect(Buffer.from(files.get(d)!).toString("utf8").startsWith("<environmentvariabledefinition ")).toBe(true);
  });

  it("ship lead and opportunity without a <SavedQueries> element (no views of ours), as real exports write a system table", () => {
    for (const name of [OPPORTUNITY.logicalName, LEAD.logicalName]) expect([name, child(findEntity(pkg, name)!, "SavedQueries")]).toEqual([name, undefined]);
    for (const name of [SOLUTION_DETAIL.logicalName, PARTNER_CENTER_SOLUTION.logicalName, REFERRAL_CREATION.logicalName]) expect(entitySavedQueries(findEntity(pkg, name)!).length).toBeGreaterThan(5);
  });

  it("pass every check rule", () => {
    expect(checkPackage(pkg)).toEqual([]);
    expect(checkPackage(managedPkg)).toEqual([]);
  });
});

describe("managed and unmanaged", () => {
  it("differ only in solution.xml <Managed> (0 unmanaged, 1 managed) when no component has a _managed variant", () => {
    const u = readZip(built.unmanaged.bytes);
    const m = readZip(built.managed.bytes);
    expect(m.names).toEqual(u.names);
    const differing = u.names.filter((n) => Buffer.compare(Buffer.from(u.files.get(n)!), Buffer.from(m.files.get(n)!)) !== 0);
    expect(differing).toEqual(["solution.xml"]);
    const us = Buffer.from(u.files.get("solution.xml")!).toString("utf8");
    const ms = Buffer.from(m.files.get("solution.xml")!).toString("utf8");
    expect(us).toContain("<Managed>0</Managed>");
    expect(ms).toContain("<Managed>1</Managed>");
    expect(ms.replace("<Managed>1</Managed>", "<Managed>0</Managed>")).toBe(us);
  });

  it("the managed zip takes a form's {formid}_managed.xml variant and the unmanaged zip the form itself", () => {
    const fx2 = makeFixture();
    try {
      const dir = "solution/src/Entities/Opportunity/FormXml/main";
      const file = fs.readdirSync(fx2.at(dir)).find((f) => f.endsWith(".xml"))!;
      const plain = fs.readFileSync(fx2.at(`${dir}/${file}`), "utf8");
      // a managed variant that leaves a cell label empty, as real managed exports sometimes do
      const cell = '<label description="Microsoft Solutions" languagecode="1033" />';
      expect(plain).toContain(cell);
      fx2.write(`${dir}/${file.replace(/\.xml$/, "_managed.xml")}`, plain.split(cell).join('<label description="" languagecode="1033" />'));
      const zips = buildSolutionZips({ folder: fx2.src, mapFile: fx2.map, outDir: fx2.dist });
      const form = (b: Uint8Array): string => {
        const opp = findEntity(readSolutionZip(b), OPPORTUNITY.logicalName)!;
        return JSON.stringify(descendants(entityForms(opp)[0].form, "label").map((l) => attr(l, "description")));
      };
      expect(form(zips.unmanaged.bytes)).toContain('"Microsoft Solutions"');
      expect(form(zips.managed.bytes)).not.toContain('"Microsoft Solutions"');
      const differing = readZip(zips.unmanaged.bytes).names.filter((n) => Buffer.compare(Buffer.from(readZip(zips.unmanaged.bytes).files.get(n)!), Buffer.from(readZip(zips.managed.bytes).files.get(n)!)) !== 0);
      expect(differing.sort()).toEqual(["customizations.xml", "solution.xml"]);
    } finally {
      fx2.cleanup();
    }
  });
});

describe("solution and publisher", () => {
  it("carry the names, prefix and option value prefix from schema.ts and the version from Other/Solution.xml", () => {
    const m = manifest(pkg)!;
    expect(childText(m, "UniqueName")).toBe(SOLUTION.uniqueName);
    expect(attr(descendants(child(m, "LocalizedNames")!, "LocalizedName")[0], "description")).toBe(SOLUTION.displayName);
    expect(childText(m, "Version")).toBe("1.0.0.0");
    const pub = child(m, "Publisher")!;
    expect(childText(pub, "UniqueName")).toBe(PUBLISHER.uniqueName);
    expect(attr(descendants(pub, "LocalizedName")[0], "description")).toBe(PUBLISHER.displayName);
    expect(childText(pub, "CustomizationPrefix")).toBe(PUBLISHER.prefix);
    expect(childText(pub, "CustomizationOptionValuePrefix")).toBe(String(PUBLISHER.optionValuePrefix));
  });

  it("lists every shipped component as a root component", () => {
    const roots = rootComponents(pkg).map((rc) => `${attr(rc, "type")}:${attr(rc, "schemaName") ?? normGuid(attr(rc, "id"))}:${attr(rc, "behavior")}`);
    expect(roots).toEqual(
      expect.arrayContaining([
        `1:${OPPORTUNITY.logicalName}:2`,
        `1:${LEAD.logicalName}:2`,
        `1:${SOLUTION_DETAIL.logicalName}:0`,
        `1:${PARTNER_CENTER_SOLUTION.logicalName}:0`,
        `1:${REFERRAL_CREATION.logicalName}:0`,
        "9:pcs_syncstatus:0",
        `61:${FORM_SCRIPT.webResourceName}:0`,
        ...Object.values(PCF_CONTROLS).map((c) => `66:${c.name}:0`),
        ...roles(pkg).map((r) => `20:${normGuid(attr(r, "id"))}:0`),
      ]),
    );
  });

  it("lists no environment variable definition as a root component (real exports list none; SolutionPackager warns about them)", () => {
    expect(rootComponents(pkg).filter((rc) => attr(rc, "type") === "380")).toEqual([]);
    expect(envVarDefinitions(pkg).map((d) => d.schemaName).sort()).toEqual(Object.values(ENVIRONMENT_VARIABLES).map((v) => v.schemaName).sort());
  });

  it("lists the root components in SolutionPackager's order (type as text, then name or id)", () => {
    const keys = rootComponents(pkg).map((rc) => [attr(rc, "type")!, (attr(rc, "schemaName") ?? attr(rc, "id")!).toLowerCase()]);
    const sorted = [...keys].sort(([ta, na], [tb, nb]) => (ta < tb ? -1 : ta > tb ? 1 : na < nb ? -1 : na > nb ? 1 : 0));
    expect(keys).toEqual(sorted);
    expect([...new Set(keys.map(([t]) => t))]).toEqual(["1", "20", "29", "61", "66", "9"]);
  });
});

describe("opportunity", () => {
  it("has the twelve sync columns with the exact logical names, display names and types", () => {
    const opp = findEntity(pkg, OPPORTUNITY.logicalName)!;
    const cols = Object.keys(OPPORTUNITY_DISPLAY);
    expect(cols).toHaveLength(12);
    expect(entityAttributes(opp).map((a) => childText(a, "LogicalName")).sort()).toEqual([...cols, ...Object.keys(COSELL_COLUMNS), ...Object.keys(REGISTRATION_COLUMNS)].sort());
    for (const c of cols) {
      const a = attrByLogical(opp, c)!;
      expect([c, displayName(a)]).toEqual([c, OPPORTUNITY_DISPLAY[c]]);
      expect([c, childText(a, "Type")]).toEqual([c, OPPORTUNITY_TYPES[c]]);
      expect(childText(a, "IsCustomField")).toBe("1");
    }
    expect(childText(attrByLogical(opp, OPPORTUNITY.referralIdentifier)!, "MaxLength")).toBe("100");
    expect(childText(attrByLogical(opp, OPPORTUNITY.referralLink)!, "Format")).toBe("url");
    expect(Number(childText(attrByLogical(opp, OPPORTUNITY.syncAudit)!, "MaxLength"))).toBeGreaterThanOrEqual(AUDIT_MAX_CHARS);
    expect(childText(attrByLogical(opp, OPPORTUNITY.syncWithPartnerCenter)!, "AppDefaultValue")).toBe("0");
  });

  it("has today's co-sell and deal registration columns with their display names and types", () => {
    const opp = findEntity(pkg, OPPORTUNITY.logicalName)!;
    for (const [c, [display, type]] of Object.entries({ ...COSELL_COLUMNS, ...REGISTRATION_COLUMNS })) {
      const a = attrByLogical(opp, c)!;
      expect([c, displayName(a), childText(a, "Type"), childText(a, "IsCustomField")]).toEqual([c, display, type, "1"]);
    }
    // the contract dates are calendar dates (DateOnly), the Microsoft-side times instants (UserLocal, UTC)
    for (const c of [DEAL_REGISTRATION.contractStart, DEAL_REGISTRATION.contractEnd, DEAL_REGISTRATION.contractSigned, DEAL_REGISTRATION.marketplaceTransactedOn]) {
      expect([c, childText(attrByLogical(opp, c)!, "Format"), childText(attrByLogical(opp, c)!, "Behavior")]).toEqual([c, "date", "2"]);
    }
    for (const c of [OPPORTUNITY_COSELL.acceptedOn, OPPORTUNITY_COSELL.closedOn]) expect([c, childText(attrByLogical(opp, c)!, "Behavior")]).toEqual([c, "1"]);
    expect(Number(childText(attrByLogical(opp, DEAL_REGISTRATION.contractValue)!, "MinValue"))).toBe(0);
    expect(options(attrByLogical(opp, OPPORTUNITY_COSELL.purchaseIntent)!)).toEqual(PURCHASE_INTENT_OPTIONS.map((o) => ({ value: o.value, label: o.label })));
    expect(options(attrByLogical(opp, OPPORTUNITY_COSELL.dealType)!)).toEqual(DEAL_TYPE_OPTIONS.map((o) => ({ value: o.value, label: o.label })));
    expect(options(attrByLogical(opp, DEAL_REGISTRATION.contractTerm)!)).toEqual(CONTRACT_TERM_OPTIONS.map((o) => ({ value: o.value, label: o.label })));
    expect(options(attrByLogical(opp, DEAL_REGISTRATION.pricingModel)!)).toEqual(PRICING_MODEL_OPTIONS.map((o) => ({ value: o.value, label: o.label })));
    expect(options(attrByLogical(opp, DEAL_REGISTRATION.primaryDeployment)!)).toEqual(PRIMARY_DEPLOYMENT_OPTIONS.map((o) => ({ value: o.value, label: o.label })));
  });

  it("looks up the partner role, solution area and solution play tables, which cannot be deleted while an opportunity uses a row", () => {
    const rels = relationships(pkg);
    const lookups: Array<[string, string, string]> = [
      [OPPORTUNITY_COSELL.partnerRoleNavigation, PARTNER_ROLE.schemaName, PARTNER_ROLE.opportunityRelationship],
      [OPPORTUNITY_COSELL.solutionAreaNavigation, SOLUTION_AREA.schemaName, SOLUTION_AREA.opportunityRelationship],
      [OPPORTUNITY_COSELL.solutionPlayNavigation, SOLUTION_PLAY.schemaName, SOLUTION_PLAY.opportunityRelationship],
    ];
    for (const [navigation, table, name] of lookups) {
      const r = rels.find((x) => attr(x, "Name") === name)!;
      expect([name, childText(r, "ReferencingEntityName"), childText(r, "ReferencedEntityName"), childText(r, "ReferencingAttributeName"), childText(r, "CascadeDelete")]).toEqual([name, "Opportunity", table, navigation, "Restrict"]);
      expect(descendants(r, "NavigationPropertyName").map(text)).toEqual([navigation, name]);
    }
  });

  it("has the alternate key on the referral identifier", () => {
    expect(keysOf(findEntity(pkg, OPPORTUNITY.logicalName)!)).toEqual([{ name: OPPORTUNITY.referralKey, columns: [OPPORTUNITY.referralIdentifier] }]);
  });

  it("has the choices with the publisher's option values, as schema.ts computes them", () => {
    const opp = findEntity(pkg, OPPORTUNITY.logicalName)!;
    expect(options(attrByLogical(opp, OPPORTUNITY.microsoftHelp)!)).toEqual(MICROSOFT_HELP_OPTIONS.map((o) => ({ value: o.value, label: o.label })));
    expect(MICROSOFT_HELP_OPTIONS[0].value).toBe(619300000);
    const status = attrByLogical(opp, OPPORTUNITY.syncStatus)!;
    expect(childText(status, "OptionSetName")).toBe("pcs_syncstatus");
    expect(childText(status, "AppDefaultValue")).toBe(String(SyncStatus.NotSynced));
    const set = globalOptionSets(pkg).find((o) => attr(o, "Name") === "pcs_syncstatus")!;
    expect(childText(set, "IsGlobal")).toBe("1");
    expect(descendants(set, "option").map((o) => [Number(attr(o, "value")), attr(descendants(o, "label")[0], "description")])).toEqual(
      Object.entries(SYNC_STATUS_LABELS).map(([v, l]) => [Number(v), l]),
    );
    expect(Object.keys(SYNC_STATUS_LABELS).map(Number)).toEqual([optionValue(0), optionValue(1), optionValue(2), optionValue(3)]);
  });
});

describe("the opportunity main form", () => {
  const form = (): XmlElement => {
    const forms = entityForms(findEntity(pkg, OPPORTUNITY.logicalName)!);
    expect(forms.map((f) => f.type)).toEqual(["main"]);
    return forms[0].form;
  };
  const controls = (f: XmlElement) => descendants(f, "control");
  const tabOf = (f: XmlElement, title: string) => descendants(f, "tab").find((t) => attr(descendants(t, "label")[0], "description") === title);

  it("is an added main form (full FormXml, its own formid, no solutionaction diff)", () => {
    const f = form();
    expect(formName(f)).toBe("Partner Center Opportunity");
    expect(descendants(f, "ancestor")).toHaveLength(0);
    const xml = Buffer.from(readZip(built.unmanaged.bytes).files.get("customizations.xml")!).toString("utf8");
    expect(xml).not.toContain("solutionaction");
  });

  it("has the standard opportunity essentials", () => {
    const cols = controls(form()).map((c) => attr(c, "datafieldname"));
    for (const c of ["name", "customerid", "parentcontactid", "estimatedvalue", "estimatedclosedate", "transactioncurrencyid", "description"]) expect(cols).toContain(c);
  });

  it("has a Microsoft Partner Center tab with the sync columns, identifiers read-only and sync-state columns absent", () => {
    const tab = tabOf(form(), "Microsoft Partner Center")!;
    expect(tab).toBeDefined();
    const onTab = new Map(descendants(tab, "control").filter((c) => attr(c, "datafieldname")).map((c) => [attr(c, "datafieldname")!, c]));
    const C = OPPORTUNITY_COSELL;
    const R = DEAL_REGISTRATION;
    const microsoftSide = [C.engagementId, C.acceptedOn, C.closedOn, C.customerDuns];
    const coSell = [C.dealType, C.purchaseIntent, C.partnerRole, C.solutionArea, C.solutionPlay];
    const registration = [R.register, R.contractValue, R.contractTerm, R.contractStart, R.contractEnd, R.contractSigned, R.pricingModel, R.primaryDeployment, R.deployedOnAzure, R.marketplaceTransacted, R.marketplaceTransactedOn, R.status, R.registrationId];
    const expected = [
      OPPORTUNITY.syncWithPartnerCenter, OPPORTUNITY.microsoftHelp, OPPORTUNITY.referralVisibility, OPPORTUNITY.referralIdentifier, OPPORTUNITY.referralLink, OPPORTUNITY.microsoftCrmIdentifier, OPPORTUNITY.referralStatus,
      ...microsoftSide, ...coSell,
      OPPORTUNITY.syncStatus, OPPORTUNITY.lastSyncedOn, OPPORTUNITY.syncAudit,
      ...registration,
    ];
    expect([...onTab.keys()]).toEqual(expected);
    const readOnly = [OPPORTUNITY.referralIdentifier, OPPORTUNITY.referralLink, OPPORTUNITY.microsoftCrmIdentifier, OPPORTUNITY.referralStatus, ...microsoftSide, C.dealType, R.status, R.registrationId];
    for (const ro of readOnly) expect([ro, attr(onTab.get(ro)!, "disabled")]).toEqual([ro, "true"]);
    for (const editable of [OPPORTUNITY.syncWithPartnerCenter, OPPORTUNITY.microsoftHelp, OPPORTUNITY.referralVisibility, C.purchaseIntent, C.partnerRole, C.solutionArea, C.solutionPlay, R.register, R.contractValue]) expect([editable, attr(onTab.get(editable)!, "disabled")]).toEqual([editable, "false"]);
    const sections = descendants(tab, "section").map((x) => attr(descendants(x, "label")[0], "description"));
    expect(sections).toEqual(["Referral", "Co-sell", "Microsoft Solutions", "Sync Status", "Deal Registration"]);
    const all = controls(form()).map((c) => attr(c, "datafieldname"));
    expect(all).not.toContain(OPPORTUNITY.referralEtag);
    expect(all).not.toContain(OPPORTUNITY.syncHash);
  });

  it("has the Microsoft Solutions subgrid of pcs_partnercentersolution through the schema.ts relationship", () => {
    const tab = tabOf(form(), "Microsoft Partner Center")!;
    const grid = descendants(tab, "control").find((c) => attr(c, "indicationOfSubgrid") === "true")!;
    const cell = descendants(tab, "cell").find((c) => descendants(c, "control").includes(grid))!;
    expect(attr(descendants(cell, "label")[0], "description")).toBe("Microsoft Solutions");
    const params = child(grid, "parameters")!;
    expect(childText(params, "RelationshipName")).toBe(PARTNER_CENTER_SOLUTION.opportunityRelationship);
    expect(childText(params, "TargetEntityType")).toBe(PARTNER_CENTER_SOLUTION.logicalName);
    const viewId = normGuid(childText(params, "ViewId"));
    const views = entitySavedQueries(findEntity(pkg, PARTNER_CENTER_SOLUTION.logicalName)!).map((v) => normGuid(childText(v, "savedqueryid")));
    expect(views).toContain(viewId);
  });

  it("registers the form script library and exactly the FORM_SCRIPT handlers, passing the execution context", () => {
    const f = child(form(), "form")!;
    expect(elements(child(f, "formLibraries")!, "Library").map((l) => attr(l, "name"))).toEqual([FORM_SCRIPT.webResourceName]);
    const handlers = descendants(child(f, "events")!, "event").map((e) => ({
      event: attr(e, "name"),
      attribute: attr(e, "attribute"),
      fns: descendants(e, "Handler").map((h) => [attr(h, "functionName"), attr(h, "libraryName"), attr(h, "passExecutionContext"), attr(h, "enabled")]),
    }));
    expect(handlers).toEqual([
      { event: "onload", attribute: undefined, fns: [[FORM_SCRIPT.handlers.onLoad, FORM_SCRIPT.webResourceName, "true", "true"]] },
      { event: "onsave", attribute: undefined, fns: [[FORM_SCRIPT.handlers.onSave, FORM_SCRIPT.webResourceName, "true", "true"]] },
      ...Object.entries(FORM_SCRIPT.handlers.onChange).map(([col, fn]) => ({ event: "onchange", attribute: col, fns: [[fn, FORM_SCRIPT.webResourceName, "true", "true"]] })),
    ]);
  });

  it("binds the PCF controls to their columns, every manifest property for form factors 0, 1 and 2", () => {
    const f = form();
    const byColumn: Record<string, (typeof PCF_CONTROLS)[keyof typeof PCF_CONTROLS]> = { [OPPORTUNITY.syncStatus]: PCF_CONTROLS.syncStatus, [OPPORTUNITY.syncAudit]: PCF_CONTROLS.auditTimeline };
    for (const [column, pcf] of Object.entries(byColumn)) {
      const ctl = controls(f).find((c) => attr(c, "datafieldname") === column)!;
      const desc = descendants(f, "controlDescription").find((d) => normGuid(attr(d, "forControl")) === normGuid(attr(ctl, "uniqueid")))!;
      expect(desc).toBeDefined();
      const custom = elements(desc, "customControl").filter((c) => attr(c, "name"));
      expect(custom.map((c) => [attr(c, "name"), attr(c, "formFactor")])).toEqual(["0", "1", "2"].map((ff) => [pcf.name, ff]));
      for (const c of custom) {
        const bound = elements(child(c, "parameters")!).map((p) => [p.name, text(p), attr(p, "type")]);
        expect(bound).toEqual(Object.entries(pcf.properties).map(([prop, p]) => [prop, p.column, p.ofType]));
      }
    }
  });
});

describe("lead", () => {
  const leadCols = [LEAD.syncWithPartnerCenter, LEAD.referralIdentifier, LEAD.referralLink, LEAD.referralStatus, LEAD.syncStatus, LEAD.syncAudit, LEAD.referralEtag, LEAD.syncHash];

  it("has the sync columns and their alternate key", () => {
    const lead = findEntity(pkg, LEAD.logicalName)!;
    expect(entityAttributes(lead).map((a) => childText(a, "LogicalName")).sort()).toEqual([...leadCols, ...Object.values(LEAD_COSELL)].sort());
    for (const c of leadCols) expect(displayName(attrByLogical(lead, c)!)).toBe(OPPORTUNITY_DISPLAY[c]);
    for (const c of Object.values(LEAD_COSELL)) expect([c, displayName(attrByLogical(lead, c)!), childText(attrByLogical(lead, c)!, "Type")]).toEqual([c, ...COSELL_COLUMNS[c]]);
    expect(keysOf(lead)).toEqual([{ name: LEAD.referralKey, columns: [LEAD.referralIdentifier] }]);
  });

  it("has a Microsoft Partner Center section on its main form, without the sync-state columns", () => {
    const forms = entityForms(findEntity(pkg, LEAD.logicalName)!);
    expect(forms.map((f) => f.type)).toEqual(["main"]);
    const section = descendants(forms[0].form, "section").find((s) => attr(descendants(s, "label")[0], "description") === "Microsoft Partner Center")!;
    expect(section).toBeDefined();
    const cols = descendants(section, "control").map((c) => attr(c, "datafieldname"));
    expect(cols).toEqual([LEAD.syncWithPartnerCenter, LEAD.referralIdentifier, LEAD.referralLink, LEAD.referralStatus, LEAD_COSELL.engagementId, LEAD_COSELL.customerDuns, LEAD_COSELL.closedOn, LEAD.syncStatus, LEAD.syncAudit]);
    for (const c of Object.values(LEAD_COSELL)) expect([c, attr(descendants(section, "control").find((x) => attr(x, "datafieldname") === c)!, "disabled")]).toEqual([c, "true"]);
    const all = descendants(forms[0].form, "control").map((c) => attr(c, "datafieldname"));
    expect(all).not.toContain(LEAD.referralEtag);
    expect(all).not.toContain(LEAD.syncHash);
  });

  it("maps its sync columns to the opportunity on qualify (LEAD_TO_OPPORTUNITY_MAP)", () => {
    const map = entityMaps(pkg).find((m) => childText(m, "EntitySource") === LEAD.logicalName && childText(m, "EntityTarget") === OPPORTUNITY.logicalName)!;
    const pairs = descendants(map, "AttributeMap").map((a) => [childText(a, "AttributeSource"), childText(a, "AttributeTarget")]);
    expect(pairs.sort()).toEqual([...LEAD_TO_OPPORTUNITY_MAP, ...LEAD_TO_OPPORTUNITY_COSELL_MAP].map(([s, t]) => [s, t]).sort());
  });
});

describe("the Microsoft solution tables", () => {
  it("pcs_microsoftsolutiondetail has its columns, the alternate key on pcs_solutionid and the solution-type choice", () => {
    const e = findEntity(pkg, SOLUTION_DETAIL.logicalName)!;
    expect(childText(entityInfo(e)!, "EntitySetName")).toBe(SOLUTION_DETAIL.entitySetName);
    const names = entityAttributes(e).map((a) => childText(a, "LogicalName"));
    expect(names).toEqual(expect.arrayContaining([SOLUTION_DETAIL.primaryId, SOLUTION_DETAIL.name, SOLUTION_DETAIL.solutionId, SOLUTION_DETAIL.publisherName, SOLUTION_DETAIL.solutionType, ...SYSTEM_COLUMNS]));
    expect(keysOf(e)).toEqual([{ name: SOLUTION_DETAIL.solutionIdKey, columns: [SOLUTION_DETAIL.solutionId] }]);
    expect(options(attrByLogical(e, SOLUTION_DETAIL.solutionType)!)).toEqual(SOLUTION_TYPE_OPTIONS.map((o) => ({ value: o.value, label: o.label })));
    expect(childText(attrByLogical(e, SOLUTION_DETAIL.primaryId)!, "Type")).toBe("primarykey");
    expect(childText(attrByLogical(e, SOLUTION_DETAIL.name)!, "DisplayMask")).toContain("PrimaryName");
  });

  it("pcs_partnercentersolution has its lookups and the relationships named in schema.ts", () => {
    const e = findEntity(pkg, PARTNER_CENTER_SOLUTION.logicalName)!;
    expect(childText(entityInfo(e)!, "EntitySetName")).toBe(PARTNER_CENTER_SOLUTION.entitySetName);
    expect(childText(attrByLogical(e, PARTNER_CENTER_SOLUTION.opportunity)!, "Type")).toBe("lookup");
    expect(childText(attrByLogical(e, PARTNER_CENTER_SOLUTION.solutionDetail)!, "Type")).toBe("lookup");
    expect(entityAttributes(e).map((a) => childText(a, "LogicalName"))).toEqual(expect.arrayContaining([PARTNER_CENTER_SOLUTION.primaryId, PARTNER_CENTER_SOLUTION.name, ...SYSTEM_COLUMNS]));
    const rel = (name: string) => relationships(pkg).find((r) => attr(r, "Name") === name)!;
    const toOpp = rel(PARTNER_CENTER_SOLUTION.opportunityRelationship);
    expect([childText(toOpp, "ReferencingEntityName"), childText(toOpp, "ReferencedEntityName"), childText(toOpp, "ReferencingAttributeName")]).toEqual([PARTNER_CENTER_SOLUTION.schemaName, "Opportunity", PARTNER_CENTER_SOLUTION.opportunityNavigation]);
    expect(descendants(toOpp, "NavigationPropertyName").map(text)).toEqual([PARTNER_CENTER_SOLUTION.opportunityNavigation, PARTNER_CENTER_SOLUTION.opportunityRelationship]);
    const toDetail = rel(PARTNER_CENTER_SOLUTION.solutionDetailRelationship);
    expect([childText(toDetail, "ReferencingEntityName"), childText(toDetail, "ReferencedEntityName"), childText(toDetail, "ReferencingAttributeName")]).toEqual([PARTNER_CENTER_SOLUTION.schemaName, SOLUTION_DETAIL.schemaName, PARTNER_CENTER_SOLUTION.solutionDetailNavigation]);
    expect(descendants(toDetail, "NavigationPropertyName").map(text)).toEqual([PARTNER_CENTER_SOLUTION.solutionDetailNavigation, PARTNER_CENTER_SOLUTION.solutionDetailRelationship]);
  });

  it.each([SOLUTION_DETAIL.logicalName, PARTNER_CENTER_SOLUTION.logicalName])("%s has the system relationships, views and forms a real export carries", (logical) => {
    const names = relationships(pkg).map((r) => attr(r, "Name"));
    for (const r of [`business_unit_${logical}`, `lk_${logical}_createdby`, `lk_${logical}_modifiedby`, `owner_${logical}`, `team_${logical}`, `user_${logical}`]) expect(names).toContain(r);
    const e = findEntity(pkg, logical)!;
    const views = entitySavedQueries(e);
    // active (0, default), lookup (64), associated (2), quick find (4), advanced find (1), my (8192)
    for (const q of ["0", "64", "2", "4", "1", "8192"]) expect([q, views.some((v) => childText(v, "querytype") === q)]).toEqual([q, true]);
    const active = views.find((v) => childText(v, "querytype") === "0" && childText(v, "isdefault") === "1")!;
    expect(descendants(active, "condition").map((c) => [attr(c, "attribute"), attr(c, "value")])).toEqual([["statecode", "0"]]);
    for (const v of views) expect(descendants(v, "entity").map((x) => attr(x, "name"))).toEqual([logical]);
    expect(entityForms(e).map((f) => f.type).sort()).toEqual(["card", "main", "quick"]);
  });
});

describe("the co-sell reference tables (partner role, solution area, solution play)", () => {
  const ORG_SYSTEM_COLUMNS = ["createdby", "createdon", "createdonbehalfby", "importsequencenumber", "modifiedby", "modifiedon", "modifiedonbehalfby", "organizationid", "overriddencreatedon", "statecode", "statuscode", "timezoneruleversionnumber", "utcconversiontimezonecode"];

  it.each(COSELL_REFERENCE_TABLES.map((t) => [t.logicalName, t] as const))("%s is organization-owned with name, Partner Center ID (alternate key) and ID Inferred, active/inactive", (_name, t) => {
    const e = findEntity(pkg, t.logicalName)!;
    const info = entityInfo(e)!;
    expect(text(child(e, "Name")!)).toBe(t.schemaName);
    expect(childText(info, "EntitySetName")).toBe(t.entitySetName);
    expect(childText(info, "OwnershipTypeMask")).toBe("OrgOwned");
    const own = [t.primaryId, t.name, t.apiId, t.idInferred, ...(t === SOLUTION_PLAY ? [SOLUTION_PLAY.solutionArea] : [])];
    expect(entityAttributes(e).map((a) => childText(a, "LogicalName")!).sort()).toEqual([...ORG_SYSTEM_COLUMNS, ...own].sort());
    expect(keysOf(e)).toEqual([{ name: t.apiIdKey, columns: [t.apiId] }]);
    const a = (c: string) => attrByLogical(e, c)!;
    expect([childText(a(t.name), "Type"), childText(a(t.name), "DisplayMask")?.includes("PrimaryName"), childText(a(t.name), "RequiredLevel")]).toEqual(["nvarchar", true, "required"]);
    expect([childText(a(t.apiId), "Type"), displayName(a(t.apiId)), childText(a(t.apiId), "RequiredLevel")]).toEqual(["nvarchar", "Partner Center ID", "required"]);
    expect([childText(a(t.idInferred), "Type"), displayName(a(t.idInferred))]).toEqual(["bit", "ID Inferred"]);
    expect(descendants(a("statecode"), "state").map((st) => [attr(st, "value"), attr(descendants(st, "label")[0], "description")])).toEqual([["0", "Active"], ["1", "Inactive"]]);
    // the lookup view, which offers the rows, lists active rows only: a retired value is not offered
    const lookupView = entitySavedQueries(e).find((v) => childText(v, "querytype") === "64")!;
    expect(descendants(lookupView, "condition").map((c) => [attr(c, "attribute"), attr(c, "value")])).toEqual([["statecode", "0"]]);
    for (const q of ["0", "64", "2", "4", "1", "8192"]) expect([q, entitySavedQueries(e).some((v) => childText(v, "querytype") === q)]).toEqual([q, true]);
    expect(entityForms(e).map((f) => f.type).sort()).toEqual(["card", "main", "quick"]);
    const main = entityForms(e).find((f) => f.type === "main")!.form;
    expect(descendants(main, "control").map((c) => attr(c, "datafieldname"))).toEqual([t.name, t.apiId, ...(t === SOLUTION_PLAY ? [SOLUTION_PLAY.solutionArea] : []), t.idInferred]);
    const names = relationships(pkg).map((r) => attr(r, "Name"));
    for (const r of [`organization_${t.logicalName}`, `lk_${t.logicalName}_createdby`, `lk_${t.logicalName}_modifiedby`]) expect(names).toContain(r);
  });

  it("relates each solution play to one solution area, which cannot be deleted while it has plays", () => {
    const play = findEntity(pkg, SOLUTION_PLAY.logicalName)!;
    expect(childText(attrByLogical(play, SOLUTION_PLAY.solutionArea)!, "Type")).toBe("lookup");
    const r = relationships(pkg).find((x) => attr(x, "Name") === SOLUTION_PLAY.solutionAreaRelationship)!;
    expect([childText(r, "ReferencingEntityName"), childText(r, "ReferencedEntityName"), childText(r, "ReferencingAttributeName"), childText(r, "CascadeDelete")]).toEqual([SOLUTION_PLAY.schemaName, SOLUTION_AREA.schemaName, SOLUTION_PLAY.solutionAreaNavigation, "Restrict"]);
  });

  it("lets the administrator maintain the tables and the seller read and choose their rows", () => {
    const byName = new Map(roles(pkg).map((r) => [attr(r, "name"), new Map(descendants(r, "RolePrivilege").map((p) => [attr(p, "name")!, attr(p, "level")!]))]));
    for (const t of COSELL_REFERENCE_TABLES) {
      const of = (role: string) => [...byName.get(role)!].filter(([p]) => p.endsWith(t.schemaName)).sort(([a], [b]) => (a < b ? -1 : 1));
      expect(of("Partner Center Sync Administrator")).toEqual(["Append", "AppendTo", "Create", "Delete", "Read", "Write"].map((op) => [`prv${op}${t.schemaName}`, "Global"]).sort(([a], [b]) => (a < b ? -1 : 1)));
      expect(of("Partner Center Sync Seller")).toEqual([[`prvAppendTo${t.schemaName}`, "Global"], [`prvRead${t.schemaName}`, "Global"]]);
    }
  });

  it("lists the three tables as root components", () => {
    const roots = rootComponents(pkg).map((rc) => `${attr(rc, "type")}:${attr(rc, "schemaName")}`);
    for (const t of COSELL_REFERENCE_TABLES) expect(roots).toContain(`1:${t.logicalName}`);
  });

  it("marks the Azure IP co-sell eligible solutions in Microsoft Solution Details", () => {
    const e = findEntity(pkg, SOLUTION_DETAIL.logicalName)!;
    const a = attrByLogical(e, SOLUTION_DETAIL_COSELL.azureIpCoSellEligible)!;
    expect([childText(a, "Type"), displayName(a)]).toEqual(["bit", "Azure IP Co-sell Eligible"]);
    const main = entityForms(e).find((f) => f.type === "main")!.form;
    expect(descendants(main, "control").map((c) => attr(c, "datafieldname"))).toContain(SOLUTION_DETAIL_COSELL.azureIpCoSellEligible);
  });
});

describe("the referral-creation claim table (pcs_referralcreation)", () => {
  const e = (): XmlElement => findEntity(pkg, REFERRAL_CREATION.logicalName)!;
  const info = (): XmlElement => entityInfo(e())!;
  /** An organization-owned table's system columns: no owner columns, organizationid instead (YarSol/deploytest alc_jax_entity). */
  const ORG_SYSTEM_COLUMNS = ["createdby", "createdon", "createdonbehalfby", "importsequencenumber", "modifiedby", "modifiedon", "modifiedonbehalfby", "organizationid", "overriddencreatedon", "statecode", "statuscode", "timezoneruleversionnumber", "utcconversiontimezonecode"];
  const CLAIM_COLUMNS: Array<[string, string, string]> = [
    [REFERRAL_CREATION.name, "nvarchar", "Name"],
    [REFERRAL_CREATION.opportunity, "lookup", "Opportunity"],
    [REFERRAL_CREATION.referralIdentifier, "nvarchar", "Referral Identifier"],
    [REFERRAL_CREATION.attemptedOn, "datetime", "Attempted On"],
  ];

  it("is an organization-owned table with the names, display names and description schema.ts and the brief give, audit off", () => {
    expect(attr(child(e(), "Name")!, "LocalizedName")).toBe("Partner Center Referral Creation");
    expect(text(child(e(), "Name")!)).toBe(REFERRAL_CREATION.schemaName);
    expect(childText(info(), "EntitySetName")).toBe(REFERRAL_CREATION.entitySetName);
    expect(childText(info(), "OwnershipTypeMask")).toBe("OrgOwned"); // how exports spell OrganizationOwned
    expect(childText(info(), "IsAuditEnabled")).toBe("0");
    expect(attr(descendants(child(info(), "LocalizedCollectionNames")!, "LocalizedCollectionName")[0], "description")).toBe("Partner Center Referral Creations");
    expect(attr(descendants(child(info(), "Descriptions")!, "Description")[0], "description")).toMatch(/one row per opportunity .*before it creates the referral .*its id is the opportunity's id/i);
  });

  it("has exactly the four columns, their types and display names, and the org-owned system columns", () => {
    const names = entityAttributes(e()).map((a) => childText(a, "LogicalName")!);
    expect([...names].sort()).toEqual([...ORG_SYSTEM_COLUMNS, REFERRAL_CREATION.primaryId, ...CLAIM_COLUMNS.map(([c]) => c)].sort());
    for (const [c, type, display] of CLAIM_COLUMNS) {
      const a = attrByLogical(e(), c)!;
      expect([c, childText(a, "Type"), displayName(a), childText(a, "IsCustomField")]).toEqual([c, type, display, "1"]);
    }
    expect(childText(attrByLogical(e(), REFERRAL_CREATION.primaryId)!, "Type")).toBe("primarykey");
    expect(childText(attrByLogical(e(), REFERRAL_CREATION.primaryId)!, "ValidForCreateApi")).toBe("1"); // the flow sets it to the opportunity's id
    const name = attrByLogical(e(), REFERRAL_CREATION.name)!;
    expect(childText(name, "DisplayMask")).toContain("PrimaryName");
    expect(childText(name, "MaxLength")).toBe("300"); // an opportunity's name fits
    expect(childText(attrByLogical(e(), REFERRAL_CREATION.referralIdentifier)!, "MaxLength")).toBe("100"); // as opportunity.pcs_referralidentifier
    const at = attrByLogical(e(), REFERRAL_CREATION.attemptedOn)!;
    expect([childText(at, "Format"), childText(at, "Behavior")]).toEqual(["datetime", "1"]); // UserLocal: stored and exchanged in UTC
    for (const [c] of CLAIM_COLUMNS) expect([c, childText(attrByLogical(e(), c)!, "IsAuditEnabled")]).toEqual([c, "0"]);
  });

  it("looks up the opportunity through pcs_opportunity_pcs_referralcreation, deleted with it, and has the organization and created/modified-by relationships", () => {
    const rels = relationships(pkg);
    const toOpp = rels.find((r) => attr(r, "Name") === REFERRAL_CREATION.opportunityRelationship)!;
    expect([childText(toOpp, "ReferencingEntityName"), childText(toOpp, "ReferencedEntityName"), childText(toOpp, "ReferencingAttributeName")]).toEqual([REFERRAL_CREATION.schemaName, "Opportunity", REFERRAL_CREATION.opportunityNavigation]);
    expect(descendants(toOpp, "NavigationPropertyName").map(text)).toEqual([REFERRAL_CREATION.opportunityNavigation, REFERRAL_CREATION.opportunityRelationship]);
    expect(childText(toOpp, "CascadeDelete")).toBe("Cascade");
    // no owner on the row, so nothing to assign or share along the relationship
    for (const c of ["CascadeAssign", "CascadeShare", "CascadeUnshare", "CascadeReparent"]) expect([c, childText(toOpp, c)]).toEqual([c, "NoCascade"]);
    const names = rels.map((r) => attr(r, "Name"));
    for (const r of [`organization_${REFERRAL_CREATION.logicalName}`, `lk_${REFERRAL_CREATION.logicalName}_createdby`, `lk_${REFERRAL_CREATION.logicalName}_modifiedby`]) expect(names).toContain(r);
    for (const r of ["owner_", "user_", "team_", "business_unit_"]) expect(names).not.toContain(`${r}${REFERRAL_CREATION.logicalName}`);
    const org = rels.find((r) => attr(r, "Name") === `organization_${REFERRAL_CREATION.logicalName}`)!;
    expect([childText(org, "ReferencedEntityName"), childText(org, "ReferencingAttributeName")]).toEqual(["Organization", "OrganizationId"]);
  });

  it("has a main form showing the four columns read-only, card and quick forms, and no owner anywhere", () => {
    const forms = entityForms(e());
    expect(forms.map((f) => f.type).sort()).toEqual(["card", "main", "quick"]);
    const main = forms.find((f) => f.type === "main")!.form;
    const cells = descendants(main, "control").map((c) => [attr(c, "datafieldname"), attr(c, "disabled")]);
    expect(cells).toEqual(CLAIM_COLUMNS.map(([c]) => [c, "true"]));
    for (const f of forms) expect(descendants(f.form, "control").map((c) => attr(c, "datafieldname"))).not.toContain("ownerid");
  });

  it("has a default public view and a quick find view listing name, opportunity, referral identifier and attempted on, and the views a real export carries", () => {
    const views = entitySavedQueries(e());
    for (const q of ["0", "64", "2", "4", "1", "8192"]) expect([q, views.some((v) => childText(v, "querytype") === q)]).toEqual([q, true]);
    const cols = (v: XmlElement) => descendants(v, "cell").map((c) => attr(c, "name"));
    const listed = CLAIM_COLUMNS.map(([c]) => c);
    const publicView = views.find((v) => childText(v, "querytype") === "0" && childText(v, "isdefault") === "1")!;
    expect(cols(publicView)).toEqual(listed);
    expect(descendants(publicView, "condition").map((c) => [attr(c, "attribute"), attr(c, "value")])).toEqual([["statecode", "0"]]);
    const quickFind = views.find((v) => childText(v, "querytype") === "4")!;
    expect(childText(quickFind, "isquickfindquery")).toBe("1");
    expect(cols(quickFind)).toEqual(listed);
    expect(descendants(quickFind, "condition").filter((c) => attr(c, "operator") === "like").map((c) => attr(c, "attribute"))).toEqual([REFERRAL_CREATION.name, REFERRAL_CREATION.referralIdentifier]);
    for (const v of views) {
      expect(descendants(v, "entity").map((x) => attr(x, "name"))).toEqual([REFERRAL_CREATION.logicalName]);
      expect(descendants(v, "condition").map((c) => attr(c, "attribute"))).not.toContain("ownerid"); // no "owned by me" on an org-owned table
    }
  });
});

describe("settings, connections and security", () => {
  it("ships the environment variable definitions with their types and defaults", () => {
    const defs = new Map(envVarDefinitions(pkg).map((d) => [d.schemaName, d.element]));
    for (const v of Object.values(ENVIRONMENT_VARIABLES)) {
      const d = defs.get(v.schemaName)!;
      expect(d).toBeDefined();
      expect(childText(d, "type")).toBe(v.type === "Boolean" ? "100000002" : "100000000");
      // an empty default is left out, as exports leave it out
      expect(childText(d, "defaultvalue") ?? "").toBe(v.defaultValue);
      expect(attr(child(d, "displayname")!, "default")).toBe(v.displayName);
    }
    expect(defs.size).toBe(Object.keys(ENVIRONMENT_VARIABLES).length);
  });

  it("ships the four connection references", () => {
    const refs = connectionReferences(pkg).map((c) => [attr(c, "connectionreferencelogicalname"), childText(c, "connectionreferencedisplayname"), childText(c, "connectorid")]);
    expect(refs.sort()).toEqual(Object.values(CONNECTION_REFERENCES).map((c) => [c.logicalName, c.displayName, connectorId(c.apiName)]).sort());
  });

  it("ships the seller and administrator roles, the seller least-privileged", () => {
    const byName = new Map(roles(pkg).map((r) => [attr(r, "name"), new Map(descendants(r, "RolePrivilege").map((p) => [attr(p, "name")!, attr(p, "level")!]))]));
    const seller = byName.get("Partner Center Sync Seller")!;
    const admin = byName.get("Partner Center Sync Administrator")!;
    expect(seller).toBeDefined();
    expect(admin).toBeDefined();
    const D = SOLUTION_DETAIL.schemaName;
    const S = PARTNER_CENTER_SOLUTION.schemaName;
    expect(seller.get(`prvRead${D}`)).toBe("Global");
    for (const p of [`prvCreate${D}`, `prvWrite${D}`, `prvDelete${D}`, `prvWrite${S}`]) expect([p, seller.has(p)]).toEqual([p, false]);
    for (const p of [`prvCreate${S}`, `prvRead${S}`, `prvDelete${S}`, "prvWriteOpportunity"]) expect([p, seller.has(p)]).toEqual([p, true]);
    for (const p of [`prvCreate${D}`, `prvWrite${D}`, `prvDelete${D}`, `prvCreate${S}`, `prvDelete${S}`]) expect([p, admin.get(p)]).toEqual([p, "Global"]);
  });

  it("give the administrator full Global access to the claim table and the seller Global read only (the flows run as the connection's user)", () => {
    const byName = new Map(roles(pkg).map((r) => [attr(r, "name"), new Map(descendants(r, "RolePrivilege").map((p) => [attr(p, "name")!, attr(p, "level")!]))]));
    const R = REFERRAL_CREATION.schemaName;
    const onClaim = (role: string) => [...byName.get(role)!].filter(([p]) => p.endsWith(R)).sort(([a], [b]) => (a < b ? -1 : 1));
    // an organization-owned table has no Assign or Share privilege, and Global is its only depth
    expect(onClaim("Partner Center Sync Administrator")).toEqual(["Append", "AppendTo", "Create", "Delete", "Read", "Write"].map((op) => [`prv${op}${R}`, "Global"]).sort(([a], [b]) => (a < b ? -1 : 1)));
    expect(onClaim("Partner Center Sync Seller")).toEqual([[`prvRead${R}`, "Global"]]);
  });
});

describe("build outputs", () => {
  it("carry the form script as a JavaScript web resource with the built bytes", () => {
    const wr = webResources(pkg).find((w) => childText(w, "Name") === FORM_SCRIPT.webResourceName)!;
    expect(childText(wr, "WebResourceType")).toBe("3");
    const part = childText(wr, "FileName")!.slice(1);
    expect(Buffer.from(pkg.files.get(part)!).toString("utf8")).toBe(FAKE_FORM_SCRIPT);
  });

  it("carry both PCF controls under Controls/<prefix>_<namespace>.<constructor>/", () => {
    expect(customControls(pkg).map((c) => childText(c, "Name")).sort()).toEqual(Object.values(PCF_CONTROLS).map((c) => c.name).sort());
    for (const c of Object.values(PCF_CONTROLS)) {
      expect(c.name.startsWith(`${PUBLISHER.prefix}_`)).toBe(true);
      for (const f of ["ControlManifest.xml", "bundle.js", `strings/${c.constructor}.1033.resx`]) expect(pkg.files.has(`Controls/${c.name}/${f}`)).toBe(true);
      const m = parseXml(pkg.files.get(`Controls/${c.name}/ControlManifest.xml`)!).root;
      expect(attr(child(m, "control")!, "constructor")).toBe(c.constructor);
    }
  });

  it("carry the flows from flows/ with their metadata, and nothing else from that folder", () => {
    expect(pkg.files.has(`Workflows/${CHILD_FLOW_FILE}`)).toBe(true);
    expect([...pkg.files.keys()].some((k) => k.includes("README"))).toBe(false);
    expect(allForms(pkg).length).toBeGreaterThan(0);
  });
});
