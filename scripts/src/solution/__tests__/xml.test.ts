/** The XML layer the byte-stable round trip rests on, and the zip and mapping-file primitives. */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { buildContentTypes, parseContentTypes, coversPart } from "../content-types";
import { MapFileError, readMapFile, SourceTree } from "../mapfile";
import { versionError } from "../version";
import { parseXml, serializeXml, SOURCE_STYLE, XmlParseError, ZIP_STYLE, attr, child, text } from "../xml";
import { listZipEntries, readZip, writeZip } from "../zip";

describe("xml", () => {
  const canonical = [
    '<ImportExportXml xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" version="9.2">',
    "  <Empty />",
    "  <Open></Open>",
    '  <EMailAddress xsi:nil="true"></EMailAddress>',
    "  <Text>a &amp; b &lt;c&gt; \"q\" 'a'</Text>",
    '  <Attr description="x &amp; &lt;y&gt; &quot;z&quot;&#xA;second line" />',
    "  <!--a comment-->",
    "  <Mixed>one <b>two</b> three</Mixed>",
    "  <Multi>line one",
    "line two</Multi>",
    "</ImportExportXml>",
  ].join("\n");

  it("round-trips canonical text byte for byte, in both styles", () => {
    const doc = parseXml(canonical);
    expect(serializeXml(doc, { newline: "\n", bom: false, declaration: false })).toBe(canonical);
    const crlf = serializeXml(doc, { newline: "\r\n", bom: false, declaration: false });
    expect(crlf).toBe(canonical.replace(/\n/g, "\r\n"));
    expect(serializeXml(parseXml(crlf), { newline: "\n", bom: false, declaration: false })).toBe(canonical);
    const zip = serializeXml(doc, ZIP_STYLE);
    expect(zip).toBe('\uFEFF<?xml version="1.0" encoding="utf-8"?>\n' + canonical);
    expect(serializeXml(parseXml(zip), ZIP_STYLE)).toBe(zip);
    const src = serializeXml(doc, SOURCE_STYLE);
    expect(src.startsWith('\uFEFF<?xml version="1.0" encoding="utf-8"?>\n<ImportExportXml')).toBe(true);
    const again = parseXml(Buffer.from(src, "utf8"));
    expect(again.bom).toBe(true);
    expect(again.declaration).toBe(true);
    expect(serializeXml(again, SOURCE_STYLE)).toBe(src);
  });

  it("keeps <X /> and <X></X> apart and decodes entities", () => {
    const root = parseXml(canonical).root;
    expect(child(root, "Empty")!.selfClosing).toBe(true);
    expect(child(root, "Open")!.selfClosing).toBe(false);
    expect(text(child(root, "Text"))).toBe("a & b <c> \"q\" 'a'");
    expect(attr(child(root, "Attr")!, "description")).toBe('x & <y> "z"\nsecond line');
  });

  it("re-indents whatever formatting it is given into the export shape", () => {
    const messy = '<a>\r\n\t<b   x = \'1\'/>\n<c>t</c>   </a>';
    expect(serializeXml(parseXml(messy), { newline: "\r\n", bom: false, declaration: false })).toBe('<a>\r\n  <b x="1" />\r\n  <c>t</c>\r\n</a>');
  });

  it.each([
    ["<a><b></a>", /Closing tag <\/a> does not match <b>/],
    ["<a x='1' x='2'/>", /Duplicate attribute x/],
    ["<a>&nbsp;</a>", /Unknown entity "&nbsp;"/],
    ['<!DOCTYPE a [<!ENTITY x "y">]><a/>', /DOCTYPE is not allowed/],
    ["<a/><b/>", /Content after the root element/],
    // XML 1.0 §2.5, and what made solution/map.xml unreadable to SolutionPackager and pac
    ["<a><!-- build -- then pack --></a>", /"--" is not allowed inside an XML comment/],
    ["<!-- a --->\n<a/>", /"--" is not allowed inside an XML comment/],
  ])("rejects %s with a located message", (src, message) => {
    let err: unknown;
    try {
      parseXml(src);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(XmlParseError);
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).toMatch(/\(line \d+, column \d+\)/);
  });
});

describe("zip", () => {
  it("writes the same bytes for the same entries whatever the clock or time zone says", () => {
    const entries = [
      { path: "solution.xml", data: new Uint8Array(Buffer.from("<a />")) },
      { path: "b/c.json", data: new Uint8Array(Buffer.from("{}")) },
    ];
    const a = writeZip(entries);
    const tz = process.env.TZ;
    process.env.TZ = "Pacific/Kiritimati";
    const b = writeZip(entries);
    process.env.TZ = tz;
    expect(Buffer.compare(Buffer.from(a), Buffer.from(b))).toBe(0);
    expect(listZipEntries(a)).toEqual(["solution.xml", "b/c.json"]);
    expect(Buffer.from(readZip(a).files.get("b/c.json")!).toString()).toBe("{}");
  });
  it("refuses backslashes and duplicates", () => {
    expect(() => writeZip([{ path: "a\\b", data: new Uint8Array() }])).toThrow(/backslash/);
    expect(() => writeZip([{ path: "a", data: new Uint8Array() }, { path: "a", data: new Uint8Array() }])).toThrow(/Duplicate/);
  });
});

describe("content types", () => {
  it("has a Default per extension (xml as text/xml) and an Override per extension-less part, as pac writes it", () => {
    const bytes = buildContentTypes(["solution.xml", "Workflows/F-1.json", "WebResources/pcs_xjsABC", "Controls/c/bundle.js"]);
    const s = Buffer.from(bytes).toString("utf8");
    expect(s).toBe(
      '\uFEFF<?xml version="1.0" encoding="utf-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="text/xml" /><Default Extension="json" ContentType="application/octet-stream" /><Default Extension="js" ContentType="application/octet-stream" /><Override PartName="/WebResources/pcs_xjsABC" ContentType="application/octet-stream" /></Types>',
    );
    const ct = parseContentTypes(bytes);
    expect(coversPart(ct, "WebResources/pcs_xjsABC")).toBe(true);
    expect(coversPart(ct, "other/README")).toBe(false);
  });
});

describe("versions", () => {
  it.each(["1.0.0.0", "10.20.30.40", "0.0.0.1"])("accepts %s", (v) => expect(versionError(v)).toBeUndefined());
  it.each(["1.0", "1.0.0", "1.0.0.0.0", "01.0.0.0", "1.0.0.a", " 1.0.0.0", "1.0.0.0-beta"])("rejects %s", (v) => expect(versionError(v)).toMatch(/not a four-part version/));
});

describe("mapping file (SolutionPackager's semantics)", () => {
  let root: string;
  const put = (rel: string, data = "x"): void => {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), data);
  };
  const tree = (map: string): SourceTree => {
    put("sol/map.xml", map);
    return new SourceTree(path.join(root, "sol", "src"), readMapFile(path.join(root, "sol", "map.xml")));
  };
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "pcs-map-"));
    put("sol/src/Workflows/F-1.json.data.xml", "<Workflow />");
    put("sol/src/Controls/c/ControlManifest.xml.data.xml", "<CustomControl />");
    put("built.js", "y");
    put("flows/F-1.json", "{}");
    put("out/c/bundle.js", "b");
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it("resolves 'to' against the solution folder, not against the mapping file", () => {
    const t = tree('<Mapping><FileToFile map="WebResources\\pcs_\\a.js" to="../../built.js" /><FileToFile map="WebResources/pcs_/b.js" to="../built.js" /></Mapping>');
    expect(Buffer.from(t.read("WebResources/pcs_/a.js")!).toString()).toBe("y");
    expect(t.resolve("WebResources/pcs_/b.js")).toMatchObject({ mapped: true, found: false, path: path.join(root, "sol", "built.js") });
  });

  it("maps by file name pattern with FileToPath, and never lists what mappings add in component folders", () => {
    const t = tree('<Mapping><FileToPath map="Workflows/*.json" to="../../flows" /></Mapping>');
    expect(Buffer.from(t.read("Workflows/F-1.json")!).toString()).toBe("{}");
    expect(t.resolve("Workflows/F-1.json.data.xml")).toMatchObject({ mapped: false, found: true });
    expect(t.list("Workflows")).toEqual(["Workflows/F-1.json.data.xml"]);
  });

  it("sends every file under a Folder mapping to its target, hiding the folder's own files (no fallback)", () => {
    const t = tree('<Mapping><Folder map="Controls/c" to="../../out/c" /></Mapping>');
    expect(Buffer.from(t.read("Controls/c/bundle.js")!).toString()).toBe("b");
    expect(t.resolve("Controls/c/ControlManifest.xml.data.xml")).toMatchObject({ mapped: true, found: false });
    expect(t.read("Controls/c/ControlManifest.xml.data.xml")).toBeUndefined();
  });

  it("takes the first directive whose target exists, and adds mapped files only to non-component folders", () => {
    put("data/d.json", "d");
    const t = tree('<Mapping><FileToFile map="x/a.js" to="../../missing.js" /><FileToFile map="x/a.js" to="../../built.js" /><Folder map="Assets" to="../../data" /><Folder map="Workflows" to="../../flows" /></Mapping>');
    expect(Buffer.from(t.read("x/a.js")!).toString()).toBe("y");
    expect(t.extraFiles(new Set(["Workflows"])).map((f) => f.rel)).toEqual(["x/a.js", "Assets/d.json"]);
  });

  it("expands %VARIABLES% and refuses what SolutionPackager cannot read", () => {
    process.env.PCS_TEST_BUILT = "built.js";
    try {
      expect(Buffer.from(tree('<Mapping><FileToFile map="a.js" to="../../%PCS_TEST_BUILT%" /></Mapping>').read("any/where/a.js")!).toString()).toBe("y");
    } finally {
      delete process.env.PCS_TEST_BUILT;
    }
    for (const [map, message] of [
      ["<Mapping><!-- a -- b --></Mapping>", /not well-formed XML.*"--" is not allowed/],
      ['<Mapping><Copy map="a" to="b" /></Mapping>', /<Copy> is not a mapping directive/],
      ['<Mapping><Folder map="a/*" to="b" /></Mapping>', /Folder mapping takes no wildcards/],
      ['<Mapping><FileToPath map="a/x*.js" to="b" /></Mapping>', /only be \*\.ext or \*\.\*/],
      ['<Mapping><FileToFile map="a/**/b/x.js" to="b/x.js" /></Mapping>', /"\*\*" may only be the last folder/],
    ] as const) {
      put("sol/bad.xml", map);
      expect(() => readMapFile(path.join(root, "sol", "bad.xml"))).toThrow(message);
    }
    put("sol/bad.xml", '<Mapping>\n  <Folder map="a" />\n</Mapping>');
    expect(() => readMapFile(path.join(root, "sol", "bad.xml"))).toThrow(/bad\.xml:2: <Folder> needs both/);
    expect(() => readMapFile(path.join(root, "sol", "bad.xml"))).toThrow(MapFileError);
  });
});
