/**
 * Test fixture: a copy of solution/src + solution/map.xml in a temp folder, with small fake build
 * outputs where the build leaves them (the form script where the map reads it, both PCF controls
 * built and copied into solution/src/Controls/ by stageBuiltControls) and two fake cloud flows (a
 * parent that calls a child, with connection references and an environment variable): JSON in
 * flows/, metadata in solution/src/Workflows/. Tests break copies of it on purpose; the real source
 * is never touched.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { CONNECTION_REFERENCES, ENVIRONMENT_VARIABLES, FORM_SCRIPT, PCF_CONTROLS } from "../../../../plugins-ts/src/model/schema";
import { flowFileName, flowMetadataXml } from "../flows";
import { sortRootComponents } from "../layout";
import { CONTROL_METADATA, stageBuiltControls } from "../stage-controls";
import { child, el, parseXml, serializeXml, SOURCE_STYLE, type XmlElement } from "../xml";

export const REPO = path.resolve(__dirname, "../../../..");

export interface Fixture {
  root: string;
  src: string;
  map: string;
  dist: string;
  /** Absolute path of a file under the fixture root. */
  at(rel: string): string;
  /** Parses a fixture XML file, lets fn change it, writes it back in source style. */
  editXml(rel: string, fn: (root: XmlElement) => void): void;
  write(rel: string, data: string | Uint8Array): void;
  remove(rel: string): void;
  cleanup(): void;
}

export const CHILD_FLOW_ID = "3f1d1c2a-5b6e-4d7f-8a9b-0c1d2e3f4a5b";
export const PARENT_FLOW_ID = "7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d";
export const CHILD_FLOW_FILE = flowFileName("Fixture child", CHILD_FLOW_ID);
export const PARENT_FLOW_FILE = flowFileName("Fixture parent", PARENT_FLOW_ID);

/** The fake form script: defines every handler FORM_SCRIPT names. */
export const FAKE_FORM_SCRIPT = `var PartnerCenterSync=function(){var n=function(){};return{Opportunity:{${[
  FORM_SCRIPT.handlers.onLoad,
  FORM_SCRIPT.handlers.onSave,
  ...Object.values(FORM_SCRIPT.handlers.onChange),
]
  .map((h) => `${h.split(".").pop()}:n`)
  .join(",")}}}}();\n`;

function manifestXml(c: (typeof PCF_CONTROLS)[keyof typeof PCF_CONTROLS]): string {
  const props = Object.entries(c.properties)
    .map(([name, p]) => `<property name="${name}" display-name-key="${name}" of-type="${p.ofType}" usage="bound" required="${name === "value" ? "true" : "false"}" />`)
    .join("");
  return `<?xml version="1.0" encoding="utf-8"?><manifest><control namespace="${c.namespace}" constructor="${c.constructor}" version="1.0.0" display-name-key="${c.constructor}" description-key="${c.constructor}" control-type="standard" api-version="1.3.18">${props}<resources><code path="bundle.js" order="1" /><resx path="strings/${c.constructor}.1033.resx" version="1.0.0" /></resources><built-by name="pac" version="1.51.1" /></control></manifest>`;
}

function flowJson(opts: { childCall?: string; envVar?: string }): string {
  const cr = CONNECTION_REFERENCES.dataverse;
  const definition: Record<string, unknown> = {
    $schema: "https://schema.management.azure.com/providers/Microsoft.Logic/schemas/2016-06-01/workflowdefinition.json#",
    contentVersion: "1.0.0.0",
    parameters: {
      $connections: { defaultValue: {}, type: "Object" },
      $authentication: { defaultValue: {}, type: "SecureObject" },
      ...(opts.envVar ? { "Deal value field": { defaultValue: "estimatedvalue", type: "String", metadata: { schemaName: opts.envVar } } } : {}),
    },
    triggers: { manual: { type: "Request", kind: "Button", inputs: { schema: { type: "object", properties: {}, required: [] } } } },
    actions: {
      Get_opportunity: {
        runAfter: {},
        type: "OpenApiConnection",
        inputs: { host: { connectionName: cr.apiName, operationId: "GetItem", apiId: `/providers/Microsoft.PowerApps/apis/${cr.apiName}` }, parameters: { entityName: "opportunities", recordId: "00000000-0000-4000-8000-00000000000a" }, authentication: "@parameters('$authentication')" },
      },
      ...(opts.childCall
        ? { Scope: { runAfter: { Get_opportunity: ["Succeeded"] }, type: "Scope", actions: { Call_child: { runAfter: {}, type: "Workflow", inputs: { host: { workflowReferenceName: opts.childCall }, body: {} } } } } }
        : {}),
    },
    outputs: {},
  };
  return JSON.stringify(
    {
      properties: {
        connectionReferences: { [cr.apiName]: { runtimeSource: "embedded", connection: { connectionReferenceLogicalName: cr.logicalName }, api: { name: cr.apiName } } },
        definition,
      },
      schemaVersion: "1.0.0.0",
    },
    null,
    2,
  );
}

const workflowXml = (id: string, name: string, file: string): string => {
  const xml = flowMetadataXml({ id, name });
  if (!xml.includes(`/Workflows/${file}<`)) throw new Error(`flow file name ${file} does not follow flowFileName`);
  return xml;
};

function copyDir(from: string, to: string): void {
  fs.cpSync(from, to, { recursive: true });
}

/** Builds a fresh fixture. `withFlows` adds the two fake flows and their root components. */
export function makeFixture(opts: { withFlows?: boolean } = {}): Fixture {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "pcs-solution-"));
  const src = path.join(root, "solution", "src");
  copyDir(path.join(REPO, "solution", "src"), src);
  fs.copyFileSync(path.join(REPO, "solution", "map.xml"), path.join(root, "solution", "map.xml"));
  // The fixture starts without the repository's cloud flows (flows/ is not copied): drop their
  // metadata and root components. Built controls the real source may hold are replaced below.
  fs.rmSync(path.join(src, "Workflows"), { recursive: true, force: true });
  for (const dir of fs.readdirSync(path.join(src, "Controls")))
    for (const f of fs.readdirSync(path.join(src, "Controls", dir))) if (f !== CONTROL_METADATA) fs.rmSync(path.join(src, "Controls", dir, f), { recursive: true, force: true });
  const solutionXml = path.join(src, "Other", "Solution.xml");
  fs.writeFileSync(solutionXml, fs.readFileSync(solutionXml, "utf8").split("\n").filter((l) => !/<RootComponent type="29" /.test(l)).join("\n"));
  const fx: Fixture = {
    root,
    src,
    map: path.join(root, "solution", "map.xml"),
    dist: path.join(root, "dist"),
    at: (rel) => path.join(root, ...rel.split("/")),
    write(rel, data) {
      fs.mkdirSync(path.dirname(fx.at(rel)), { recursive: true });
      fs.writeFileSync(fx.at(rel), data);
    },
    remove(rel) {
      fs.rmSync(fx.at(rel), { recursive: true, force: true });
    },
    editXml(rel, fn) {
      const doc = parseXml(fs.readFileSync(fx.at(rel)));
      fn(doc.root);
      fs.writeFileSync(fx.at(rel), serializeXml(doc, SOURCE_STYLE));
    },
    cleanup() {
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
  fx.write(`plugins-ts/build/webresources/${FORM_SCRIPT.webResourceName}`, FAKE_FORM_SCRIPT);
  for (const c of Object.values(PCF_CONTROLS)) {
    const out = `pcf-controls/${c.constructor}/out/controls/${c.constructor}`;
    fx.write(`${out}/ControlManifest.xml`, manifestXml(c));
    fx.write(`${out}/bundle.js`, `var pcf_tools_${c.constructor}=function(){};\n`);
    fx.write(`${out}/strings/${c.constructor}.1033.resx`, `<?xml version="1.0" encoding="utf-8"?><root><data name="${c.constructor}"><value>${c.constructor}</value></data></root>`);
  }
  stageBuiltControls(root);
  if (opts.withFlows) {
    fx.write(`flows/${CHILD_FLOW_FILE}`, flowJson({ envVar: ENVIRONMENT_VARIABLES.dealValueField.schemaName }));
    fx.write(`solution/src/Workflows/${CHILD_FLOW_FILE}.data.xml`, workflowXml(CHILD_FLOW_ID, "Fixture child", CHILD_FLOW_FILE));
    fx.write(`flows/${PARENT_FLOW_FILE}`, flowJson({ childCall: CHILD_FLOW_ID }));
    fx.write(`solution/src/Workflows/${PARENT_FLOW_FILE}.data.xml`, workflowXml(PARENT_FLOW_ID, "Fixture parent", PARENT_FLOW_FILE));
    fx.write("flows/README.md", "notes that are not a solution part\n");
    fx.editXml("solution/src/Other/Solution.xml", (r) => {
      const rc = child(child(r, "SolutionManifest")!, "RootComponents")!;
      for (const id of [CHILD_FLOW_ID, PARENT_FLOW_ID]) rc.children.push(el("RootComponent", { type: 29, id: `{${id}}`, behavior: 0 }));
      sortRootComponents(r); // as npm run flows keeps them, and as SolutionPackager's Extract writes them
    });
  }
  return fx;
}
