/**
 * Every check rule rejects a deliberately broken copy of the source (or of a built zip) with its
 * message, naming the file and the element; packing then refuses to write any zip.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { ENVIRONMENT_VARIABLES, FORM_SCRIPT, OPPORTUNITY, OPPORTUNITY_COSELL, PCF_CONTROLS, PUBLISHER, REFERRAL_CREATION, SOLUTION_PLAY } from "../../../../plugins-ts/src/model/schema";
import { main as buildCli } from "../../cli/build";
import { main as checkCli } from "../../cli/check";
import { CHILD_FLOW_FILE, makeFixture, PARENT_FLOW_FILE, type Fixture } from "../../solution/__tests__/fixture";
import { buildSolutionZips, loadFolderForPack, PackRefusedError, packSolutionFolder, readSolutionZip } from "../../solution/pack";
import { attr, child, descendants, el, elements, setAttr, setText, textEl } from "../../solution/xml";
import { readZip, writeZip } from "../../solution/zip";
import { checkPackage, RULES, type Problem } from "..";

const fixtures: Fixture[] = [];
afterAll(() => fixtures.forEach((f) => f.cleanup()));
const fresh = (withFlows = false): Fixture => {
  const f = makeFixture({ withFlows });
  fixtures.push(f);
  return f;
};
const problems = (fx: Fixture): Problem[] => checkPackage(loadFolderForPack({ folder: fx.src, mapFile: fx.map, managed: false }));
const only = (ps: Problem[], rule: string): Problem[] => ps.filter((p) => p.rule === rule);
const OPP_FORM = (fx: Fixture): string => {
  const dir = fx.at("solution/src/Entities/Opportunity/FormXml/main");
  return `solution/src/Entities/Opportunity/FormXml/main/${fs.readdirSync(dir)[0]}`;
};

/** Asserts exactly the expected problem of one rule and that every problem says where and how to fix. */
function expectProblem(ps: Problem[], rule: string, message: RegExp, file?: RegExp): Problem {
  const mine = only(ps, rule);
  expect(mine.map((p) => `${p.element}: ${p.message}`)).toEqual(expect.arrayContaining([expect.stringMatching(message)]));
  const p = mine.find((x) => message.test(`${x.element}: ${x.message}`))!;
  if (file) expect(p.file).toMatch(file);
  expect(p.fix.length).toBeGreaterThan(10);
  expect(p.element.length).toBeGreaterThan(0);
  return p;
}

it("the source with its build outputs passes every rule", () => {
  expect(problems(fresh(true))).toEqual([]);
  expect(RULES.map((r) => r.id)).toEqual(["root-files", "versions", "schema", "root-components", "referenced-files", "form-libraries", "pcf-controls", "flow-references", "flow-lint", "unique-names", "role-privileges", "lookup-relationships"]);
});

describe("root-files", () => {
  const goodZip = (): Uint8Array => packSolutionFolder({ folder: fresh().src, mapFile: fixtures[fixtures.length - 1].map, managed: false });
  const rezip = (zip: Uint8Array, change: (entries: Array<{ path: string; data: Uint8Array }>) => Array<{ path: string; data: Uint8Array }>): Uint8Array => {
    const { names, files } = readZip(zip);
    return writeZip(change(names.map((n) => ({ path: n, data: files.get(n)! }))));
  };
  it("rejects a zip without customizations.xml at its root", () => {
    const zip = rezip(goodZip(), (es) => es.filter((e) => e.path !== "customizations.xml"));
    expectProblem(checkPackage(readSolutionZip(zip, "broken.zip")), "root-files", /customizations\.xml: is missing from the zip root/, /broken\.zip/);
  });
  it("rejects a zip of the folder instead of its contents", () => {
    const zip = rezip(goodZip(), (es) => es.map((e) => ({ ...e, path: `PartnerCenterReferralsSync/${e.path}` })));
    const ps = checkPackage(readSolutionZip(zip, "nested.zip"));
    expectProblem(ps, "root-files", /solution\.xml: is not at the zip root but at "PartnerCenterReferralsSync\/solution\.xml"/);
  });
  it("rejects a part without a content type", () => {
    const zip = rezip(goodZip(), (es) => [...es.filter((e) => e.path !== "[Content_Types].xml"), { path: "extra/README", data: new Uint8Array([1]) }, es.find((e) => e.path === "[Content_Types].xml")!]);
    expectProblem(checkPackage(readSolutionZip(zip, "x.zip")), "root-files", /part "\/extra\/README": has no content type/);
  });
  it("rejects a source folder without Other/Customizations.xml", () => {
    const fx = fresh();
    fx.remove("solution/src/Other/Customizations.xml");
    expectProblem(problems(fx), "root-files", /missing: the zip needs customizations\.xml/, /Other\/Customizations\.xml$/);
  });
});

describe("versions", () => {
  it("rejects a version that is not four-part", () => {
    const fx = fresh();
    fx.editXml("solution/src/Other/Solution.xml", (r) => setText(child(child(r, "SolutionManifest")!, "Version")!, "1.0"));
    expectProblem(problems(fx), "versions", /<Version>: "1\.0" is not a four-part version/, /Other\/Solution\.xml$/);
  });
  it("rejects a --version override that is not four-part, before writing anything", () => {
    const fx = fresh();
    expect(() => buildSolutionZips({ folder: fx.src, mapFile: fx.map, outDir: fx.dist, version: "1.2.3" })).toThrow(PackRefusedError);
    expect(fs.existsSync(fx.dist)).toBe(false);
  });
});

describe("root-components", () => {
  it("rejects a root component that customizations does not define", () => {
    const fx = fresh();
    fx.editXml("solution/src/Other/Solution.xml", (r) => {
      child(child(r, "SolutionManifest")!, "RootComponents")!.children.push(el("RootComponent", { type: 61, schemaName: "pcs_/scripts/missing.js", behavior: 0 }));
    });
    expectProblem(problems(fx), "root-components", /<RootComponent type="61" schemaName="pcs_\/scripts\/missing\.js">: is not defined in customizations: no web resource named "pcs_\/scripts\/missing\.js"/, /Other\/Solution\.xml$/);
  });
  it("rejects a component that is shipped but not a root component", () => {
    const fx = fresh();
    fx.editXml("solution/src/Other/Solution.xml", (r) => {
      const rc = child(child(r, "SolutionManifest")!, "RootComponents")!;
      rc.children = rc.children.filter((c) => !(c.kind === "element" && attr(c, "type") === "66" && attr(c, "schemaName") === PCF_CONTROLS.syncStatus.name));
    });
    expectProblem(problems(fx), "root-components", /<CustomControl> pcs_PartnerCenterSync\.SyncStatus: is in the package but is not a RootComponent/);
  });
  it("rejects an environment variable definition listed as a root component (SolutionPackager warns; real exports list none)", () => {
    const fx = fresh();
    const schemaName = ENVIRONMENT_VARIABLES.dealValueField.schemaName;
    fx.editXml("solution/src/Other/Solution.xml", (r) => {
      child(child(r, "SolutionManifest")!, "RootComponents")!.children.push(el("RootComponent", { type: 380, schemaName, behavior: 0 }));
    });
    const p = expectProblem(problems(fx), "root-components", new RegExp(`<RootComponent type="380" schemaName="${schemaName}">: names an environment variable definition, which is not listed as a root component`), /Other\/Solution\.xml$/);
    expect(p.fix).toMatch(/remove the RootComponent/);
  });
});

describe("referenced-files", () => {
  it("rejects a missing form script build and names the command that builds it", () => {
    const fx = fresh();
    fx.remove("plugins-ts/build");
    const p = expectProblem(problems(fx), "referenced-files", /WebResource pcs_\/scripts\/opportunity\.js: its file .* is missing \(looked for .*plugins-ts\/build\/webresources\/pcs_\/scripts\/opportunity\.js\)/, /opportunity\.js\.data\.xml$/);
    expect(p.fix).toMatch(/npx webpack --config plugins-ts\/webpack\.config\.js --mode production/);
  });
  it("rejects a PCF build whose manifest lists a file the output lacks", () => {
    const fx = fresh();
    fx.remove(`solution/src/Controls/${PCF_CONTROLS.syncStatus.name}/bundle.js`);
    expectProblem(problems(fx), "referenced-files", /<code path="bundle\.js">: the manifest lists "bundle\.js"/, /ControlManifest\.xml$/);
  });
  it("rejects a control that was not built into the solution folder and names the build that puts it there", () => {
    const fx = fresh();
    for (const f of ["ControlManifest.xml", "bundle.js", "strings"]) fx.remove(`solution/src/Controls/${PCF_CONTROLS.syncStatus.name}/${f}`);
    const p = expectProblem(problems(fx), "referenced-files", /CustomControl pcs_PartnerCenterSync\.SyncStatus: its file "Controls\/pcs_PartnerCenterSync\.SyncStatus\/ControlManifest\.xml" is missing/, /ControlManifest\.xml\.data\.xml$/);
    expect(p.fix).toMatch(/npm run build .*solution\/src\/Controls\/pcs_PartnerCenterSync\.SyncStatus\//);
  });
  it("rejects a mapping under Controls/, which SolutionPackager ignores (and which hides the control's metadata)", () => {
    const fx = fresh();
    fx.write("solution/map.xml", `<Mapping><Folder map="Controls/${PCF_CONTROLS.syncStatus.name}" to="../../pcf-controls/SyncStatus/out/controls/SyncStatus" /></Mapping>`);
    const ps = problems(fx);
    expectProblem(ps, "load", /<Folder map="Controls\/pcs_PartnerCenterSync\.SyncStatus">: maps files under Controls\//, /map\.xml:1$/);
    expectProblem(ps, "load", /\(file\): is matched by the mapping at .*map\.xml:1, which sends it to .*ControlManifest\.xml\.data\.xml, where there is no such file/);
  });
  it("rejects a flow whose definition file is missing", () => {
    const fx = fresh(true);
    fx.remove(`flows/${CHILD_FLOW_FILE}`);
    expectProblem(problems(fx), "referenced-files", /Workflow Fixture child: its file "Workflows\/Fixturechild-.*\.json" is missing/);
  });
});

describe("form-libraries", () => {
  it("rejects a form library that names a missing web resource", () => {
    const fx = fresh();
    fx.editXml(OPP_FORM(fx), (r) => {
      for (const lib of descendants(r, "Library")) setAttr(lib, "name", "pcs_/scripts/missing.js");
    });
    expectProblem(problems(fx), "form-libraries", /<Library name="pcs_\/scripts\/missing\.js"> in form .*: form library names a missing web resource/, /FormXml\/main\/.*\.xml$/);
  });
  it("rejects a handler whose library is not registered on the form", () => {
    const fx = fresh();
    fx.editXml(OPP_FORM(fx), (r) => {
      const h = descendants(r, "Handler").find((x) => attr(x, "functionName") === FORM_SCRIPT.handlers.onSave)!;
      setAttr(h, "libraryName", "pcs_/scripts/other.js");
    });
    expectProblem(problems(fx), "form-libraries", /functionName="PartnerCenterSync\.Opportunity\.onSave" libraryName="pcs_\/scripts\/other\.js"> on event onsave .*: event handler's library "pcs_\/scripts\/other\.js" is not registered on the form/);
  });
  it("accepts a platform library and a declared dependency, as real exports carry them", () => {
    const fx = fresh();
    fx.editXml(OPP_FORM(fx), (r) => {
      const libs = descendants(r, "formLibraries")[0];
      libs.children.push(el("Library", { name: "Sales/Opportunity/Opportunity_main_system_library.js", libraryUniqueId: "{2cbe0022-0929-11e7-93ae-92361f002671}" }));
      libs.children.push(el("Library", { name: "msdyn_/Opportunity/Library.js", libraryUniqueId: "{3cbe0022-0929-11e7-93ae-92361f002671}" }));
    });
    expectProblem(problems(fx), "form-libraries", /msdyn_\/Opportunity\/Library\.js.*does not declare it as a missing dependency/);
    fx.editXml("solution/src/Other/Solution.xml", (r) => {
      const md = child(child(r, "SolutionManifest")!, "MissingDependencies")!;
      md.children.push(el("MissingDependency", {}, [el("Required", { type: 61, schemaName: "msdyn_/Opportunity/Library.js" }), el("Dependent", { type: 60 })]));
    });
    expect(only(problems(fx), "form-libraries")).toEqual([]);
  });
});

describe("pcf-controls", () => {
  it("rejects a control whose prefix is not the publisher's", () => {
    const fx = fresh();
    fx.editXml(`solution/src/Controls/${PCF_CONTROLS.syncStatus.name}/ControlManifest.xml.data.xml`, (r) => setText(child(r, "Name")!, "abc_PartnerCenterSync.SyncStatus"));
    const p = expectProblem(problems(fx), "pcf-controls", /<CustomControl> abc_PartnerCenterSync\.SyncStatus: prefix "abc" does not match the solution publisher's prefix "pcs"/, /ControlManifest\.xml\.data\.xml$/);
    expect(p.fix).toContain(`${PUBLISHER.prefix}_PartnerCenterSync.SyncStatus`);
  });
  it("rejects a form that binds a property the control's manifest does not declare", () => {
    const fx = fresh();
    fx.editXml(OPP_FORM(fx), (r) => {
      const cc = descendants(r, "customControl").find((c) => attr(c, "name") === PCF_CONTROLS.auditTimeline.name && attr(c, "formFactor") === "1")!;
      child(cc, "parameters")!.children.push(textEl("colour", "red", { type: "SingleLine.Text", static: "true" }));
    });
    expectProblem(problems(fx), "pcf-controls", /<colour> of <customControl formFactor="1" name="pcs_PartnerCenterSync\.AuditTimeline">.*: binds property "colour"/);
  });
  it("rejects a form that binds a control the solution does not ship", () => {
    const fx = fresh();
    fx.editXml(OPP_FORM(fx), (r) => {
      for (const cc of descendants(r, "customControl")) if (attr(cc, "name") === PCF_CONTROLS.syncStatus.name) setAttr(cc, "name", "pcs_PartnerCenterSync.Missing");
    });
    expectProblem(problems(fx), "pcf-controls", /binds PCF control "pcs_PartnerCenterSync\.Missing", which the solution does not ship/);
  });
});

describe("flow-references", () => {
  const editFlow = (fx: Fixture, file: string, fn: (j: any) => void): void => {
    const p = fx.at(`flows/${file}`);
    const j = JSON.parse(fs.readFileSync(p, "utf8"));
    fn(j);
    fs.writeFileSync(p, JSON.stringify(j, null, 2));
  };
  it("rejects a connection reference the solution does not ship", () => {
    const fx = fresh(true);
    editFlow(fx, PARENT_FLOW_FILE, (j) => {
      for (const v of Object.values<any>(j.properties.connectionReferences)) v.connection.connectionReferenceLogicalName = "pcs_sharedcommondataserviceforapps_gone";
    });
    expectProblem(problems(fx), "flow-references", /properties\.connectionReferences\.shared_commondataserviceforapps in flow "Fixture parent": names connection reference "pcs_sharedcommondataserviceforapps_gone"/, /flows\/Fixtureparent-.*\.json$/);
  });
  it("rejects a child-flow call to a flow the solution does not ship", () => {
    const fx = fresh(true);
    editFlow(fx, PARENT_FLOW_FILE, (j) => {
      j.properties.definition.actions.Scope.actions.Call_child.inputs.host.workflowReferenceName = "00000000-1111-2222-3333-444444444444";
    });
    expectProblem(problems(fx), "flow-references", /action "Call_child" in flow "Fixture parent": calls child flow 00000000-1111-2222-3333-444444444444, which the solution does not ship/);
  });
  it("rejects an environment-variable parameter with no definition", () => {
    const fx = fresh(true);
    editFlow(fx, CHILD_FLOW_FILE, (j) => {
      j.properties.definition.parameters["Deal value field"].metadata.schemaName = "pcs_Missing";
    });
    expectProblem(problems(fx), "flow-references", /definition\.parameters\["Deal value field"\] in flow "Fixture child": reads environment variable "pcs_Missing"/);
    expect(ENVIRONMENT_VARIABLES.dealValueField.schemaName).not.toBe("pcs_Missing");
  });
  it("rejects an action that uses a connection the flow does not declare", () => {
    const fx = fresh(true);
    editFlow(fx, CHILD_FLOW_FILE, (j) => {
      j.properties.definition.actions.Get_opportunity.inputs.host.connectionName = "shared_office365";
    });
    expectProblem(problems(fx), "flow-references", /action "Get_opportunity" .*: uses connection "shared_office365", which properties\.connectionReferences does not declare/);
  });
});

describe("unique-names", () => {
  it("rejects a duplicate column", () => {
    const fx = fresh();
    fx.editXml("solution/src/Entities/Opportunity/Entity.xml", (r) => {
      const attrs = descendants(r, "attributes")[0];
      const first = elements(attrs, "attribute")[0];
      attrs.children.push(JSON.parse(JSON.stringify(first)));
    });
    expectProblem(problems(fx), "unique-names", /of Opportunity: duplicate column of Opportunity "pcs_acceptedon"/, /Entities\/Opportunity\/Entity\.xml$/);
  });
  it("rejects two forms with the same id", () => {
    const fx = fresh();
    const from = fx.at(OPP_FORM(fx));
    fs.copyFileSync(from, path.join(path.dirname(from), "copy.xml"));
    expectProblem(problems(fx), "unique-names", /duplicate form id/);
  });
  it("rejects a column whose schema name does not lower-case to its logical name", () => {
    const fx = fresh();
    fx.editXml("solution/src/Entities/Opportunity/Entity.xml", (r) => {
      const a = descendants(r, "attribute").find((x) => attr(x, "PhysicalName") === "pcs_SyncHash")!;
      setAttr(a, "PhysicalName", "pcs_SyncHashes");
    });
    expectProblem(problems(fx), "unique-names", /PhysicalName, Name and LogicalName disagree/);
    expect(OPPORTUNITY.syncHash).toBe("pcs_synchash");
  });
});

describe("role-privileges", () => {
  const SELLER = "solution/src/Roles/Partner Center Sync Seller.xml";
  const R = REFERRAL_CREATION.schemaName;
  const privilege = (fx: Fixture, name: string, level: string) =>
    fx.editXml(SELLER, (r) => {
      const list = descendants(r, "RolePrivileges")[0];
      const first = elements(list, "RolePrivilege")[0];
      const copy = JSON.parse(JSON.stringify(first));
      setAttr(copy, "name", name);
      setAttr(copy, "level", level);
      list.children.push(copy);
    });
  it("rejects a depth other than Global on an organization-owned table", () => {
    const fx = fresh();
    fx.editXml(SELLER, (r) => setAttr(descendants(r, "RolePrivilege").find((p) => attr(p, "name") === `prvRead${R}`)!, "level", "Basic"));
    expectProblem(problems(fx), "role-privileges", new RegExp(`prvRead${R}.*organization-owned: its privileges are Global or none, not Basic`), /Roles\/Partner Center Sync Seller\.xml$/);
  });
  it("rejects Assign and Share on an organization-owned table, and leaves user-owned tables alone", () => {
    const fx = fresh();
    privilege(fx, `prvAssign${R}`, "Global");
    privilege(fx, `prvShare${R}`, "Global");
    const ps = only(problems(fx), "role-privileges");
    expect(ps.map((p) => p.message)).toEqual([`${R} is organization-owned: it has no Assign privilege (its rows have no owner)`, `${R} is organization-owned: it has no Share privilege (its rows have no owner)`]);
    expect(only(problems(fresh()), "role-privileges")).toEqual([]); // the seller's Basic/Local privileges on user-owned tables pass
  });
});

describe("lookup-relationships", () => {
  const relationshipOf = (fx: Fixture, file: string, name: string, change: (r: ReturnType<typeof descendants>[number]) => void) =>
    fx.editXml(file, (root) => change(descendants(root, "EntityRelationship").find((r) => attr(r, "Name") === name)!));
  it("rejects a lookup column whose relationship is missing", () => {
    const fx = fresh();
    fx.editXml("solution/src/Other/Relationships/pcs_SolutionPlay.xml", (root) => {
      root.children = root.children.filter((c) => !(c.kind === "element" && c.name === "EntityRelationship" && attr(c, "Name") === SOLUTION_PLAY.opportunityRelationship));
    });
    expectProblem(problems(fx), "lookup-relationships", new RegExp(`${OPPORTUNITY_COSELL.solutionPlayNavigation}.*is a lookup with no relationship`), /Entities\/Opportunity\/Entity\.xml$/);
  });
  it("rejects a relationship naming a column its table does not have, or a table of ours the solution does not ship", () => {
    const fx = fresh();
    relationshipOf(fx, "solution/src/Other/Relationships/pcs_SolutionPlay.xml", SOLUTION_PLAY.opportunityRelationship, (r) => setText(child(r, "ReferencingAttributeName")!, "pcs_SolutionPlayRef"));
    relationshipOf(fx, "solution/src/Other/Relationships/pcs_PartnerRole.xml", "pcs_partnerrole_opportunity", (r) => setText(child(r, "ReferencedEntityName")!, "pcs_PartnerRoles"));
    const ps = problems(fx);
    expectProblem(ps, "lookup-relationships", /pcs_solutionplay_opportunity.*names the column pcs_solutionplayref, which Opportunity does not have/, /Relationships\/pcs_SolutionPlay\.xml$/);
    expectProblem(ps, "lookup-relationships", /pcs_partnerrole_opportunity.*names the table pcs_partnerroles, which the solution does not ship/);
  });
});

describe("packing and the CLIs", () => {
  const io = () => {
    const lines: string[] = [];
    return { lines, io: { out: (l: string) => lines.push(l), err: (l: string) => lines.push(l) } };
  };

  it("packing refuses to write any zip while a rule fails", () => {
    const fx = fresh();
    fx.remove("plugins-ts/build");
    let caught: unknown;
    try {
      buildSolutionZips({ folder: fx.src, mapFile: fx.map, outDir: fx.dist });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(PackRefusedError);
    expect((caught as PackRefusedError).problems.map((p) => p.rule)).toEqual(["referenced-files"]);
    expect(fs.existsSync(fx.dist)).toBe(false);
  });

  it("npm run check prints file, element, problem and fix, and exits 1; 0 for a good zip", async () => {
    const fx = fresh();
    const good = path.join(fx.root, "good.zip");
    fs.writeFileSync(good, packSolutionFolder({ folder: fx.src, mapFile: fx.map, managed: true }));
    const ok = io();
    expect(await checkCli([good], ok.io, fx.root)).toBe(0);
    expect(ok.lines.join("\n")).toMatch(/good\.zip: OK/);
    fx.editXml(OPP_FORM(fx), (r) => {
      for (const lib of descendants(r, "Library")) setAttr(lib, "name", "pcs_/scripts/missing.js");
    });
    const bad = io();
    expect(await checkCli([fx.src], bad.io, fx.root)).toBe(1);
    const text = bad.lines.join("\n");
    expect(text).toMatch(/using mapping file/);
    expect(text).toMatch(/FormXml\/main\/\{.*\}\.xml: <Library name="pcs_\/scripts\/missing\.js"> in form .*: form library names a missing web resource/);
    expect(text).toMatch(/fix: ship the script as web resource "pcs_\/scripts\/missing\.js"/);
    expect(text).toMatch(/\[form-libraries\]/);
  });

  it("npm run check reports a file that is not a zip", async () => {
    const fx = fresh();
    const notZip = path.join(fx.root, "notes.zip");
    fs.writeFileSync(notZip, "hello");
    const r = io();
    expect(await checkCli([notZip], r.io, fx.root)).toBe(1);
    expect(r.lines.join("\n")).toMatch(/not a zip file/);
  });

  it("npm run build rejects a version that is not four-part before building anything", async () => {
    const r = io();
    expect(await buildCli(["--version", "1.2.3"], r.io, fresh().root)).toBe(2);
    expect(r.lines.join("\n")).toMatch(/--version "1\.2\.3" is not a four-part version/);
    const u = io();
    expect(await buildCli(["--colour"], u.io, fixtures[fixtures.length - 1].root)).toBe(2);
    expect(u.lines.join("\n")).toMatch(/unknown option --colour/);
  });

  it("npm run build --pack-only packs a repository with a --version override, or lists the problems and writes nothing", async () => {
    const fx = fresh();
    const r = io();
    expect(await buildCli(["--pack-only", "--version", "2.3.4.5"], r.io, fx.root)).toBe(0);
    expect(fs.readdirSync(fx.dist).sort()).toEqual(["PartnerCenterReferralsSync_2.3.4.5.zip", "PartnerCenterReferralsSync_2.3.4.5_managed.zip"]);
    const solutionXml = Buffer.from(readZip(new Uint8Array(fs.readFileSync(path.join(fx.dist, "PartnerCenterReferralsSync_2.3.4.5_managed.zip")))).files.get("solution.xml")!).toString("utf8");
    expect(solutionXml).toContain("<Version>2.3.4.5</Version>");
    fs.rmSync(fx.dist, { recursive: true });
    fx.remove("pcf-controls");
    fx.remove(`solution/src/Controls/${PCF_CONTROLS.syncStatus.name}/ControlManifest.xml`);
    const b = io();
    expect(await buildCli(["--pack-only"], b.io, fx.root)).toBe(1);
    expect(b.lines.join("\n")).toMatch(/npm run build \(builds every pcf-controls\/\*[\s\S]*no zip written/);
    expect(fs.existsSync(fx.dist)).toBe(false);
  });
});
