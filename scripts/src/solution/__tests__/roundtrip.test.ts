/**
 * pack → unpack → pack is byte-stable, and unpacking our zip gives back the source folder (plus the
 * build outputs the map took in) byte for byte, so an admin can diff an export with solution/src.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { FORM_SCRIPT, PCF_CONTROLS } from "../../../../plugins-ts/src/model/schema";
import { main as unpackCli } from "../../cli/unpack";
import { checkPackage } from "../../check";
import { setSection, sortRootComponents } from "../layout";
import { packageToZip, packSolutionFolder, readSolutionZip, stampPackage, unpackZipToFiles, unpackZipToFolder } from "../pack";
import { child, el, textEl } from "../xml";
import { CHILD_FLOW_FILE, makeFixture, PARENT_FLOW_FILE, type Fixture } from "./fixture";

let fx: Fixture;
let unmanaged: Uint8Array;
let managed: Uint8Array;

beforeAll(() => {
  fx = makeFixture({ withFlows: true });
  unmanaged = packSolutionFolder({ folder: fx.src, mapFile: fx.map, managed: false });
  managed = packSolutionFolder({ folder: fx.src, mapFile: fx.map, managed: true });
});
afterAll(() => fx.cleanup());

function walk(dir: string, prefix = ""): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? walk(path.join(dir, d.name), `${prefix}${d.name}/`) : [`${prefix}${d.name}`]));
}
const same = (a: Uint8Array, b: Uint8Array): boolean => Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;

it.each([
  ["unmanaged", false],
  ["managed", true],
] as const)("%s: pack → unpack → pack gives the same bytes", (name, isManaged) => {
  const zip = isManaged ? managed : unmanaged;
  const folder = path.join(fx.root, `unpacked-${name}`);
  unpackZipToFolder(zip, folder);
  const again = packSolutionFolder({ folder, managed: isManaged });
  expect(same(again, zip)).toBe(true);
  // and once more through a second unpack
  const folder2 = path.join(fx.root, `unpacked-${name}-2`);
  unpackZipToFolder(again, folder2);
  expect(walk(folder2).sort()).toEqual(walk(folder).sort());
  for (const f of walk(folder)) expect([f, same(fs.readFileSync(path.join(folder, f)), fs.readFileSync(path.join(folder2, f)))]).toEqual([f, true]);
});

it("unpacks our zip into the source layout: every source file byte for byte, mapped build outputs where the map took them from", () => {
  const files = unpackZipToFiles(unmanaged);
  for (const rel of walk(fx.src)) {
    const expected = fs.readFileSync(path.join(fx.src, rel));
    const got = files.get(rel);
    expect([rel, got !== undefined]).toEqual([rel, true]);
    if (rel === "Other/Solution.xml") {
      // the source says Managed 2 (both), the unmanaged zip 0
      expect(Buffer.from(got!).toString("utf8")).toBe(expected.toString("utf8").replace("<Managed>2</Managed>", "<Managed>0</Managed>"));
    } else expect([rel, same(got!, expected)]).toEqual([rel, true]);
  }
  // what solution/map.xml reads from outside the folder comes back where SolutionPackager's Extract puts it
  const mapped: Array<[string, string]> = [
    [`WebResources/${FORM_SCRIPT.webResourceName}`, `plugins-ts/build/webresources/${FORM_SCRIPT.webResourceName}`],
    ...[CHILD_FLOW_FILE, PARENT_FLOW_FILE].map((f): [string, string] => [`Workflows/${f}`, `flows/${f}`]),
  ];
  for (const [rel, source] of mapped) expect([rel, same(files.get(rel)!, fs.readFileSync(fx.at(source)))]).toEqual([rel, true]);
  expect([...files.keys()].sort()).toEqual([...walk(fx.src), ...mapped.map(([r]) => r)].sort());
  // the built controls are in the source folder itself (SolutionPackager reads them only there)
  for (const c of Object.values(PCF_CONTROLS)) expect(walk(fx.src)).toEqual(expect.arrayContaining([`Controls/${c.name}/bundle.js`, `Controls/${c.name}/ControlManifest.xml`]));
});

describe("both zips (SolutionPackager /packagetype:Both)", () => {
  const both = (): Map<string, Uint8Array> => unpackZipToFiles(unmanaged, "x.zip", { bytes: managed, displayPath: "x_managed.zip" });

  it("unpack to the unmanaged layout plus a _managed variant of every form, and Managed 2", () => {
    const files = both();
    const forms = [...files.keys()].filter((k) => /\/FormXml\/[^/]+\/\{[^}]+\}\.xml$/.test(k));
    expect(forms.length).toBeGreaterThan(5);
    for (const f of forms) expect([f, files.has(f.replace(/\.xml$/, "_managed.xml"))]).toEqual([f, true]);
    expect(Buffer.from(files.get("Other/Solution.xml")!).toString("utf8")).toContain("<Managed>2</Managed>");
  });

  it("pack back into both zips byte for byte", () => {
    const folder = path.join(fx.root, "unpacked-both");
    unpackZipToFolder(unmanaged, folder, "x.zip", { bytes: managed, displayPath: "x_managed.zip" });
    expect(same(packSolutionFolder({ folder, managed: false }), unmanaged)).toBe(true);
    expect(same(packSolutionFolder({ folder, managed: true }), managed)).toBe(true);
  });

  it("refuse a pair that is not an unmanaged zip and its managed twin", () => {
    expect(() => unpackZipToFiles(managed, "m.zip", { bytes: unmanaged, displayPath: "u.zip" })).toThrow(/m\.zip is not an unmanaged solution/);
    expect(() => unpackZipToFiles(unmanaged, "u.zip", { bytes: unmanaged, displayPath: "u2.zip" })).toThrow(/u2\.zip is not a managed solution/);
  });
});

it("a managed zip alone unpacks to _managed variants only, as SolutionPackager's Extract writes it", () => {
  const files = unpackZipToFiles(managed, "m.zip");
  const forms = [...files.keys()].filter((k) => k.includes("/FormXml/"));
  expect(forms.length).toBeGreaterThan(5);
  expect(forms.every((f) => f.endsWith("_managed.xml"))).toBe(true);
});

it("splits and re-merges the other per-component folders a SolutionPackager layout has (apps, site maps, plug-ins)", () => {
  // An export-like zip: ours plus a model-driven app, its site map, a plug-in assembly and a step.
  const pkg = readSolutionZip(unmanaged);
  const root = pkg.customizations!.root;
  const asmId = "6634254a-889b-4bba-a20c-271dc9589d10";
  setSection(root, "AppModuleSiteMaps", [el("AppModuleSiteMap", {}, [textEl("SiteMapUniqueName", "pcs_PartnerCenter"), el("SiteMap")])]);
  setSection(root, "AppModules", [el("AppModule", {}, [textEl("UniqueName", "pcs_PartnerCenter"), textEl("IntroducedVersion", "1.0.0.0")])]);
  setSection(root, "SolutionPluginAssemblies", [el("PluginAssembly", { FullName: "Pcs.Plugins, Version=1.0.0.0", PluginAssemblyId: asmId }, [textEl("FileName", "/PluginAssemblies/PcsPlugins-ABC/PcsPlugins.dll")])]);
  setSection(root, "SdkMessageProcessingSteps", [el("SdkMessageProcessingStep", { Name: "step", SdkMessageProcessingStepId: "{1779098b-5735-ee11-bdf4-000d3aaae53e}" }, [textEl("PluginTypeName", "Pcs.Plugins.Step")])]);
  pkg.files.set("PluginAssemblies/PcsPlugins-ABC/PcsPlugins.dll", new Uint8Array([77, 90, 0, 1]));
  const rc = child(child(pkg.solution!.root, "SolutionManifest")!, "RootComponents")!;
  rc.children.push(
    el("RootComponent", { type: 62, schemaName: "pcs_PartnerCenter", behavior: 0 }),
    el("RootComponent", { type: 80, schemaName: "pcs_PartnerCenter", behavior: 0 }),
    el("RootComponent", { type: 91, id: `{${asmId}}`, schemaName: "Pcs.Plugins, Version=1.0.0.0", behavior: 0 }),
    el("RootComponent", { type: 92, id: "{1779098b-5735-ee11-bdf4-000d3aaae53e}", behavior: 0 }),
  );
  sortRootComponents(pkg.solution!.root); // the order SolutionPackager (and so our unpack) writes
  const zip = packageToZip(stampPackage(pkg, { managed: false }));
  expect(checkPackage(readSolutionZip(zip))).toEqual([]);
  const folder = path.join(fx.root, "unpacked-export");
  const written = unpackZipToFolder(zip, folder);
  expect(written).toEqual(
    expect.arrayContaining([
      "AppModules/pcs_PartnerCenter/AppModule.xml",
      "AppModuleSiteMaps/pcs_PartnerCenter/AppModuleSiteMap.xml",
      "SdkMessageProcessingSteps/{1779098b-5735-ee11-bdf4-000d3aaae53e}.xml",
      "PluginAssemblies/PcsPlugins-ABC/PcsPlugins.dll",
      "PluginAssemblies/PcsPlugins-ABC/PcsPlugins.dll.data.xml",
    ]),
  );
  expect(same(packSolutionFolder({ folder, managed: false }), zip)).toBe(true);
});

describe("npm run unpack", () => {
  const io = () => {
    const out: string[] = [];
    return { out, io: { out: (l: string) => out.push(l), err: (l: string) => out.push(l) } };
  };
  it("writes the layout into a new folder", async () => {
    const zip = path.join(fx.root, "u.zip");
    fs.writeFileSync(zip, unmanaged);
    const target = path.join(fx.root, "cli-out");
    const o = io();
    expect(await unpackCli([zip, target], o.io)).toBe(0);
    expect(fs.existsSync(path.join(target, "Other", "Solution.xml"))).toBe(true);
  });
  it("--packagetype both reads <name>_managed.zip next to the zip and writes the _managed variants", async () => {
    const dir = path.join(fx.root, "pair");
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, "S_1.0.0.0.zip"), unmanaged);
    const target = path.join(fx.root, "cli-both");
    const o = io();
    expect(await unpackCli([path.join(dir, "S_1.0.0.0.zip"), target, "--packagetype", "both"], o.io)).toBe(2);
    expect(o.out.join("\n")).toMatch(/S_1\.0\.0\.0_managed\.zip does not exist/);
    fs.writeFileSync(path.join(dir, "S_1.0.0.0_managed.zip"), managed);
    expect(await unpackCli([path.join(dir, "S_1.0.0.0.zip"), target, "--packagetype", "both"], o.io)).toBe(0);
    expect(fs.readFileSync(path.join(target, "Other", "Solution.xml"), "utf8")).toContain("<Managed>2</Managed>");
    expect(walk(target).some((f) => f.endsWith("_managed.xml"))).toBe(true);
    expect(await unpackCli([path.join(dir, "S_1.0.0.0.zip"), path.join(fx.root, "x"), "--packagetype", "managed"], o.io)).toBe(1);
    expect(o.out.join("\n")).toMatch(/is unmanaged \(<Managed>0<\/Managed>\), not managed/);
  });
  it("refuses a non-empty folder that is not an unpacked solution, and changes nothing", async () => {
    const zip = path.join(fx.root, "u.zip");
    fs.writeFileSync(zip, unmanaged);
    const target = path.join(fx.root, "busy");
    fs.mkdirSync(target);
    fs.writeFileSync(path.join(target, "notes.txt"), "mine");
    const o = io();
    expect(await unpackCli([zip, target, "--overwrite"], o.io)).toBe(2);
    expect(o.out.join("\n")).toMatch(/does not hold an unpacked solution/);
    expect(fs.readdirSync(target)).toEqual(["notes.txt"]);
  });
  it("rejects a file that is not a zip with a clear message", async () => {
    const bad = path.join(fx.root, "bad.zip");
    fs.writeFileSync(bad, "not a zip");
    const o = io();
    expect(await unpackCli([bad, path.join(fx.root, "never")], o.io)).toBe(1);
    expect(o.out.join("\n")).toMatch(/not a zip file/);
    expect(fs.existsSync(path.join(fx.root, "never"))).toBe(false);
  });
});
