/**
 * What the page is given comes from the built zip: the opportunity and lead main forms as the
 * FormXml lays them out (tabs, sections, labels, controls, PCF bindings, the subgrid with its view,
 * libraries and events exactly as listed), and the form script and PCF files byte for byte.
 * Needs `npm run build` (npm test runs it first).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { unzipSync } from "fflate";
import { findManagedZip } from "../../../scripts/src/sandbox/solution";
import { parseXml } from "../../../scripts/src/solution/xml";
import { formCells, formModel, readSolutionAssets, SolutionAssetsError, type FormModel } from "../src";

const ROOT = path.resolve(__dirname, "../../..");
const zipPath = findManagedZip(path.join(ROOT, "dist"));
const zipBytes = new Uint8Array(readFileSync(zipPath));
const entries = unzipSync(zipBytes);
const assets = readSolutionAssets(zipBytes, path.relative(ROOT, zipPath));

const fieldCells = (m: FormModel) => formCells(m).filter((c) => c.control?.kind === "field");

describe("the forms the page renders", () => {
  it("the opportunity form: tabs, sections, labelled fields, the PCF bindings and the subgrid, from the FormXml", () => {
    const { form, columns, controls, views } = assets.form("opportunity")!;
    expect(form.name).toBe("Partner Center Opportunity");
    expect(form.tabs.map((t) => t.label)).toEqual(["Summary", "Microsoft Partner Center"]);
    const pc = form.tabs[1];
    expect(pc.columns.map((c) => c.sections.map((s) => s.label))).toEqual([["Referral", "Co-sell", "Microsoft Solutions"], ["Sync Status", "Deal Registration"]]);
    expect(pc.columns[0].sections[0].cells.map((c) => c.label)).toEqual([
      "Sync with Partner Center",
      "How can Microsoft help?",
      "Microsoft Partner Center Referral Visibility",
      "Referral Identifier",
      "Referral Link",
      "Microsoft CRM Identifier",
      "Referral Status",
      "Engagement ID",
      "Accepted On",
      "Closed On",
      "Customer DUNS",
    ]);
    expect(form.header.map((c) => c.control?.kind === "field" && c.control.column)).toEqual(["estimatedvalue", "estimatedclosedate", "ownerid"]);
    const status = fieldCells(form).find((c) => c.control?.kind === "field" && c.control.column === "pcs_syncstatus")!.control!;
    expect(status).toMatchObject({
      kind: "field",
      disabled: true,
      pcf: {
        name: "pcs_PartnerCenterSync.SyncStatus",
        parameters: {
          value: { type: "OptionSet", column: "pcs_syncstatus" },
          lastSyncedOn: { type: "DateAndTime.DateAndTime", column: "pcs_lastsyncedon" },
          referralLink: { type: "SingleLine.URL", column: "pcs_referrallink" },
          referralStatus: { type: "SingleLine.Text", column: "pcs_referralstatus" },
          audit: { type: "Multiple", column: "pcs_syncaudit" },
        },
      },
    });
    const grid = formCells(form).find((c) => c.control?.kind === "subgrid")!;
    expect(grid.label).toBe("Microsoft Solutions");
    expect(grid.control).toMatchObject({ kind: "subgrid", relationship: "pcs_opportunity_pcs_partnercentersolution", targetEntity: "pcs_partnercentersolution", recordsPerPage: 5 });
    const view = views[(grid.control as { viewId: string }).viewId];
    expect(view.columns.map((c) => c.name)).toEqual(["pcs_solutiondetailid", "pcs_opportunityid", "pcs_name", "createdon"]);
    expect(view.conditions).toEqual([{ attribute: "statecode", operator: "eq", value: "0" }]);
    expect(Object.keys(controls).sort()).toEqual(["pcs_PartnerCenterSync.AuditTimeline", "pcs_PartnerCenterSync.SyncStatus"]);
    // the record is read with every column the form shows, bound PCF parameters included
    expect(columns).toEqual(expect.arrayContaining(["name", "customerid", "pcs_syncwithpartnercenter", "pcs_lastsyncedon", "pcs_referrallink", "pcs_syncaudit", "ownerid"]));
  });

  it("the form script is wired exactly as the FormXml says: the library, then each event's handler", () => {
    const { form } = assets.form("opportunity")!;
    expect(form.libraries).toEqual(["pcs_/scripts/opportunity.js"]);
    expect(form.events.map((e) => [e.name, e.attribute ?? "", e.handlers.map((h) => `${h.functionName}${h.passExecutionContext ? "(ctx)" : "()"}`).join()])).toEqual([
      ["onload", "", "PartnerCenterSync.Opportunity.onLoad(ctx)"],
      ["onsave", "", "PartnerCenterSync.Opportunity.onSave(ctx)"],
      ["onchange", "pcs_syncwithpartnercenter", "PartnerCenterSync.Opportunity.onSyncChange(ctx)"],
      ["onchange", "pcs_microsofthelp", "PartnerCenterSync.Opportunity.onMicrosoftHelpChange(ctx)"],
    ]);
  });

  it("the lead form has its Microsoft Partner Center section; every table with a main form is listed", () => {
    const { form } = assets.form("lead")!;
    const section = form.tabs.flatMap((t) => t.columns.flatMap((c) => c.sections)).find((s) => s.name === "pcs_section_partnercenter")!;
    expect(section.cells.map((c) => c.control?.kind === "field" && c.control.column)).toEqual(
      expect.arrayContaining(["pcs_syncwithpartnercenter", "pcs_referralidentifier", "pcs_referrallink", "pcs_referralstatus", "pcs_syncstatus", "pcs_syncaudit"]),
    );
    expect(assets.formEntities).toEqual(expect.arrayContaining(["opportunity", "lead", "pcs_partnercentersolution", "pcs_microsoftsolutiondetail"]));
    expect(assets.form("account")).toBeUndefined();
  });
});

describe("the files the page loads are the zip's", () => {
  it("the form script is the zip's web resource, byte for byte, under its web resource name", () => {
    const part = Object.keys(entries).find((n) => n.startsWith("WebResources/pcs_scriptsopportunityjs"))!;
    const served = assets.file("/WebResources/pcs_/scripts/opportunity.js")!;
    expect(served.type).toBe("text/javascript; charset=utf-8");
    expect(Buffer.from(served.bytes).equals(Buffer.from(entries[part]))).toBe(true);
  });

  it("each control's bundle and css are the zip's files; its strings come from the zip's resx", () => {
    for (const name of ["pcs_PartnerCenterSync.SyncStatus", "pcs_PartnerCenterSync.AuditTimeline"]) {
      const control = assets.form("opportunity")!.controls[name];
      expect(control.registeredAs).toBe(name.replace(/^pcs_/, ""));
      for (const url of [control.bundle, ...control.css]) {
        expect(Buffer.from(assets.file(url)!.bytes).equals(Buffer.from(entries[url.slice(1)]))).toBe(true);
      }
      expect(Object.keys(control.strings).length).toBeGreaterThan(5);
    }
    expect(assets.form("opportunity")!.controls["pcs_PartnerCenterSync.SyncStatus"].properties.value).toEqual({ ofType: "OptionSet", usage: "bound" });
    expect(assets.file("/Controls/../solution.xml")).toBeUndefined();
    expect(assets.file("/WebResources/pcs_/scripts/missing.js")).toBeUndefined();
  });

  it("a zip whose form binds a control it does not contain is refused with the control's name", () => {
    // the built zip, with its SyncStatus control removed from customizations.xml
    const xml = Buffer.from(entries["customizations.xml"]).toString("utf8").replace(/<CustomControl>\s*<Name>pcs_PartnerCenterSync\.SyncStatus<\/Name>[\s\S]*?<\/CustomControl>/, "");
    const { zipSync } = jest.requireActual<typeof import("fflate")>("fflate");
    const broken = zipSync({ ...entries, "customizations.xml": new Uint8Array(Buffer.from(xml)) });
    const a = readSolutionAssets(broken, "broken.zip");
    expect(() => a.form("opportunity")).toThrow(SolutionAssetsError);
    expect(() => a.form("opportunity")).toThrow("The opportunity form binds the control pcs_PartnerCenterSync.SyncStatus, which the zip does not contain.");
    expect(() => readSolutionAssets(new Uint8Array([1, 2, 3]), "junk.zip")).toThrow(/junk\.zip/);
  });
});

describe("formModel on FormXml vectors", () => {
  const model = (formXml: string) => formModel("x", parseXml(`<systemform><formid>{AB}</formid><form>${formXml}</form></systemform>`).root);

  it("takes the web form factor's customControl, static parameters, and skips disabled handlers only when they run", () => {
    const m = model(`<tabs><tab name="t"><labels><label description="T" languagecode="1033"/></labels><columns><column width="100%"><sections><section name="s" showlabel="false"><labels/><rows><row>
      <cell id="{C1}"><labels><label description="Deux" languagecode="1036"/><label description="Two" languagecode="1033"/></labels><control id="c" classid="{4273EDBD-AC1D-40d3-9FB2-095C621B552D}" datafieldname="col" uniqueid="{U1}"/></cell>
      <cell id="{C2}"><labels/></cell></row></rows></section></sections></column></columns></tab></tabs>
      <controlDescriptions><controlDescription forControl="{u1}"><customControl id="{4273EDBD-AC1D-40d3-9FB2-095C621B552D}"><parameters><datafieldname>col</datafieldname></parameters></customControl>
      <customControl formFactor="2" name="p_Phone.Ctl"><parameters><value type="SingleLine.Text">col</value></parameters></customControl>
      <customControl formFactor="0" name="p_Web.Ctl"><parameters><value type="SingleLine.Text">col</value><label static="true" type="SingleLine.Text">Hello</label></parameters></customControl></controlDescription></controlDescriptions>
      <events><event name="OnLoad"><Handlers><Handler functionName="A.b" libraryName="l.js" enabled="false" passExecutionContext="false" parameters="'x', 2"/></Handlers></event></events>`);
    const cells = formCells(m);
    expect(cells).toHaveLength(1); // the empty spacer cell is dropped
    expect(cells[0].label).toBe("Two");
    expect(cells[0].control).toEqual({
      kind: "field",
      id: "c",
      classId: "4273edbd-ac1d-40d3-9fb2-095c621b552d",
      column: "col",
      disabled: false,
      pcf: { name: "p_Web.Ctl", parameters: { value: { type: "SingleLine.Text", column: "col" }, label: { type: "SingleLine.Text", value: "Hello" } } },
    });
    expect(m.tabs[0].columns[0].sections[0].showLabel).toBe(false);
    expect(m.events).toEqual([{ name: "onload", handlers: [{ functionName: "A.b", libraryName: "l.js", enabled: false, passExecutionContext: false, parameters: "'x', 2" }] }]);
    expect(m.formId).toBe("ab");
  });

  it("refuses a systemform without a form", () => {
    expect(() => formModel("x", parseXml("<systemform><formid>{1}</formid></systemform>").root)).toThrow("The systemform {1} of x has no <form> element.");
  });
});
