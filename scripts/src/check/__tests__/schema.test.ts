/**
 * The schema rule rejects each kind of violation of the official CRM SDK schemas in a deliberately
 * broken copy of the source (or of a built zip), naming the file that holds the element; and it
 * passes our zips, the newer elements real exports carry, and a diff FormXml.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { PCF_CONTROLS } from "../../../../plugins-ts/src/model/schema";
import { makeFixture, type Fixture } from "../../solution/__tests__/fixture";
import { loadFolderForPack, packSolutionFolder, readSolutionZip } from "../../solution/pack";
import { attr, child, descendants, el, elements, parseXml, serializeXmlBytes, setAttr, setText, textEl, ZIP_STYLE, type XmlElement } from "../../solution/xml";
import { readZip, writeZip } from "../../solution/zip";
import { checkPackage, type Problem } from "..";
import { CUSTOMIZATIONS_ROOT } from "../schema/customizations";
import { NEWER_ENTRIES, newerRow } from "../schema/newer";
import { validateRoot } from "../schema/validate";

let fx: Fixture;
beforeAll(() => (fx = makeFixture()));
afterAll(() => fx.cleanup());

/** A fresh copy of the source for one test (restored afterwards). */
function broken(rel: string, change: (root: XmlElement) => void): Problem[] {
  const file = fx.at(rel);
  const before = fs.readFileSync(file);
  try {
    fx.editXml(rel, change);
    return checkPackage(loadFolderForPack({ folder: fx.src, mapFile: fx.map, managed: false })).filter((p) => p.rule === "schema");
  } finally {
    fs.writeFileSync(file, before);
  }
}

const expectOne = (ps: Problem[], message: RegExp, file: RegExp, element?: RegExp): Problem => {
  expect(ps.map((p) => p.message)).toEqual([expect.stringMatching(message)]);
  expect(ps[0].file).toMatch(file);
  if (element) expect(ps[0].element).toMatch(element);
  expect(ps[0].fix.length).toBeGreaterThan(8);
  return ps[0];
};

const OPP = "solution/src/Entities/Opportunity/Entity.xml";
const formFile = (): string => {
  const dir = "solution/src/Entities/Opportunity/FormXml/main";
  return `${dir}/${fs.readdirSync(fx.at(dir))[0]}`;
};
const attribute = (root: XmlElement, logical: string): XmlElement => descendants(root, "attribute").find((a) => descendants(a, "LogicalName").some((l) => l.children.some((c) => c.kind === "text" && c.text === logical)))!;

it("passes the source, both built zips and a real export's newer elements", () => {
  expect(checkPackage(loadFolderForPack({ folder: fx.src, mapFile: fx.map, managed: false })).filter((p) => p.rule === "schema")).toEqual([]);
  for (const managed of [false, true]) expect(checkPackage(readSolutionZip(packSolutionFolder({ folder: fx.src, mapFile: fx.map, managed }))).filter((p) => p.rule === "schema")).toEqual([]);
});

describe("customizations.xml (CustomizationsSolution.xsd)", () => {
  it("rejects an element the schema does not have", () => {
    const ps = broken(OPP, (r) => attribute(r, "pcs_referrallink").children.push(textEl("IsFancy", "1")));
    expectOne(ps, /Element 'IsFancy': This element is not expected\. Expected is one of \(/, /Entities\/Opportunity\/Entity\.xml$/, /attribute\[pcs_ReferralLink\]\/IsFancy$/);
  });

  it("rejects an element twice where the schema allows it once (xs:all)", () => {
    const ps = broken(OPP, (r) => attribute(r, "pcs_referrallink").children.push(textEl("MaxLength", "200")));
    expectOne(ps, /Element 'MaxLength': This element is not expected\./, /Opportunity\/Entity\.xml$/);
  });

  it("rejects a missing required element (<SavedQueries /> without <savedqueries>, the error real exports never have)", () => {
    const ps = broken(OPP, (r) => r.children.push(el("SavedQueries")));
    expectOne(ps, /Element 'SavedQueries': Missing child element\(s\)\. Expected is \( savedqueries \)\./, /Opportunity\/Entity\.xml$/, /Entity\[Opportunity\]\/SavedQueries$/);
  });

  it("rejects elements out of the schema's order (xs:sequence)", () => {
    const rel = "solution/src/WebResources/pcs_/scripts/opportunity.js.data.xml";
    const ps = broken(rel, (r) => {
      const name = child(r, "Name")!;
      r.children = [name, ...r.children.filter((c) => c !== name)];
    });
    expectOne(ps, /Element 'Name': This element is not expected\. Expected is \( WebResourceId \)\./, /opportunity\.js\.data\.xml$/);
  });

  it("rejects text that is not of the element's type (xs:integer, GuidType, TrueFalse01Type)", () => {
    const rel = "solution/src/WebResources/pcs_/scripts/opportunity.js.data.xml";
    expectOne(broken(rel, (r) => setText(child(r, "WebResourceType")!, "script")), /Element 'WebResourceType': 'script' is not a valid value of the atomic type 'xs:integer'/, /opportunity\.js\.data\.xml$/);
    expectOne(broken(rel, (r) => setText(child(r, "WebResourceId")!, "not-a-guid")), /'not-a-guid' is not accepted by the pattern of 'GuidType'/, /opportunity\.js\.data\.xml$/);
    expectOne(broken(rel, (r) => setText(child(r, "IsHidden")!, "false")), /Element 'IsHidden': 'false' is not an element of the set \{'0', '1'\} of 'TrueFalse01Type'/, /opportunity\.js\.data\.xml$/);
  });

  it("rejects a value outside an enumeration", () => {
    const ps = broken(OPP, (r) => setText(child(attribute(r, "pcs_referrallink"), "Type")!, "hyperlink"));
    expectOne(ps, /Element 'Type': 'hyperlink' is not an element of the set \{'virtual', .* of 'CrmDataType'/, /Opportunity\/Entity\.xml$/);
  });

  it("rejects an attribute the schema does not allow, and a missing required one", () => {
    const rel = "solution/src/OptionSets/pcs_syncstatus.xml";
    expectOne(broken(rel, (r) => setAttr(r, "Global", "1")), /Element 'optionset', attribute 'Global': The attribute 'Global' is not allowed\./, /pcs_syncstatus\.xml$/);
    expectOne(broken(rel, (r) => (r.attrs = r.attrs.filter(([k]) => k !== "Name"))), /Element 'optionset': The attribute 'Name' is required but missing\./, /pcs_syncstatus\.xml$/);
  });

  it("rejects a top-level section out of order in a zip (and names the zip entry)", () => {
    const zip = packSolutionFolder({ folder: fx.src, mapFile: fx.map, managed: false });
    const { names, files } = readZip(zip);
    const doc = parseXml(files.get("customizations.xml")!);
    const langs = child(doc.root, "Languages")!;
    doc.root.children = [langs, ...doc.root.children.filter((c) => c !== langs)];
    files.set("customizations.xml", serializeXmlBytes(doc, ZIP_STYLE));
    const broke = writeZip(names.map((n) => ({ path: n, data: files.get(n)! })));
    const ps = checkPackage(readSolutionZip(broke, "x.zip")).filter((p) => p.rule === "schema");
    expect(ps[0].file).toBe("x.zip:customizations.xml");
    expect(ps[0].message).toMatch(/Element 'Entities': This element is not expected\./);
  });
});

describe("FormXml (FormXml.xsd)", () => {
  it("rejects a tab without columns, naming the form file", () => {
    const ps = broken(formFile(), (r) => {
      const tab = descendants(r, "tab")[0];
      tab.children = tab.children.filter((c) => !(c.kind === "element" && c.name === "columns"));
    });
    expectOne(ps, /Element 'tab': Missing child element\(s\)\. Expected is \( columns \)\./, /FormXml\/main\/\{[0-9a-f-]+\}\.xml$/, /form\/tabs\/tab\[/);
  });

  it("rejects a fourth column (at most three per tab)", () => {
    const ps = broken(formFile(), (r) => {
      const columns = descendants(r, "columns")[0];
      const first = elements(columns, "column")[0];
      while (elements(columns, "column").length < 4) columns.children.push(JSON.parse(JSON.stringify(first)));
    });
    expectOne(ps, /Element 'column': This element is not expected\./, /FormXml\/main\//);
  });

  it("rejects a bad attribute value on a form node (boolean, percentage)", () => {
    expectOne(
      broken(formFile(), (r) => setAttr(descendants(r, "tab")[0], "expanded", "yes")),
      /Element 'tab', attribute 'expanded': 'yes' is not a valid value of the atomic type 'xs:boolean'/,
      /FormXml\/main\//,
    );
    expectOne(broken(formFile(), (r) => setAttr(descendants(r, "column")[0], "width", "120%")), /'120%' is not accepted by the pattern of 'FormPercentageType'/, /FormXml\/main\//);
  });

  it("rejects a control parameter from another family (a subgrid parameter next to a lookup one)", () => {
    const ps = broken(formFile(), (r) => {
      const grid = descendants(r, "control").find((c) => attr(c, "indicationOfSubgrid") === "true")!;
      child(grid, "parameters")!.children.push(textEl("DisableMru", "true"));
    });
    expectOne(ps, /Element 'DisableMru': This element is not expected\./, /FormXml\/main\//);
  });

  it("rejects an attribute on a PCF binding's parameters element (only its children are open)", () => {
    const ps = broken(formFile(), (r) => {
      const cc = descendants(r, "customControl").find((c) => attr(c, "name") === PCF_CONTROLS.syncStatus.name)!;
      setAttr(child(cc, "parameters")!, "mode", "x");
    });
    expectOne(ps, /Element 'parameters', attribute 'mode': The attribute 'mode' is not allowed\./, /FormXml\/main\//);
  });

  it("accepts a diff FormXml (solutionaction): a Modified tab carries only what changed", () => {
    const ps = broken(formFile(), (r) => {
      const tabs = descendants(r, "tabs")[0];
      tabs.children.push(el("tab", { name: "ANOTHER_TAB", verticallayout: "true", ordinalvalue: "2", solutionaction: "Modified", visible: "false" }));
    });
    expect(ps).toEqual([]);
    expectOne(
      broken(formFile(), (r) => descendants(r, "tabs")[0].children.push(el("tab", { name: "NEW_TAB", solutionaction: "Added" }))),
      /Element 'tab': Missing child element\(s\)\. Expected is \( columns \)\./,
      /FormXml\/main\//,
    );
  });
});

describe("newer than the 2018 schema", () => {
  it("every entry names the real export that shows it", () => {
    for (const e of NEWER_ENTRIES) {
      expect([e.spec, e.evidence.repo]).toEqual([e.spec, expect.stringMatching(/^[\w.-]+\/[\w.-]+$/)]);
      expect(e.evidence.path.length).toBeGreaterThan(5);
    }
  });

  it("are the ones the schema README lists", () => {
    const readme = fs.readFileSync(path.join(__dirname, "..", "schema", "README.md"), "utf8");
    const lines = readme.split("\n");
    const start = lines.findIndex((l) => l.startsWith("| where |")) + 2;
    const end = lines.findIndex((l, k) => k >= start && !l.startsWith("|"));
    const rows = lines.slice(start, end);
    expect(rows).toEqual(NEWER_ENTRIES.map(newerRow));
  });

  it("accepts them where real exports put them, and only there", () => {
    const zip = packSolutionFolder({ folder: fx.src, mapFile: fx.map, managed: false });
    const doc = parseXml(readZip(zip).files.get("customizations.xml")!);
    const wf = el("Workflows", {}, [
      el("Workflow", { WorkflowId: "{11111111-2222-3333-4444-555555555555}", Name: "f" }, [textEl("JsonFileName", "/Workflows/f.json"), textEl("Type", 1), textEl("IsCustomizable", 1), textEl("BusinessProcessType", 0), textEl("IsCustomProcessingStepAllowedForOtherPublishers", 1), textEl("ModernFlowType", 0), textEl("PrimaryEntity", "none")]),
    ]);
    const idx = doc.root.children.findIndex((c) => c.kind === "element" && c.name === "Workflows");
    doc.root.children[idx] = wf;
    expect(validateRoot(doc.root, CUSTOMIZATIONS_ROOT)).toEqual([]);
    // JsonFileName is accepted first in <Workflow>, not after PrimaryEntity
    const w = elements(wf, "Workflow")[0];
    w.children = [...w.children.filter((c) => !(c.kind === "element" && c.name === "JsonFileName")), textEl("JsonFileName", "/Workflows/f.json")];
    expect(validateRoot(doc.root, CUSTOMIZATIONS_ROOT).map((f) => f.message)).toEqual([expect.stringMatching(/Element 'JsonFileName': This element is not expected\./)]);
  });
});
