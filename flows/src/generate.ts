/**
 * Writes the solution's cloud flows from their definitions: flows/<Name>-<ID>.json (exported format),
 * solution/src/Workflows/<same>.json.data.xml (workflow metadata, where SolutionPackager looks for
 * flows), and keeps Other/Solution.xml's type-29 root components in step (in SolutionPackager's
 * order). `check` mode reports what differs instead of writing, for the test that keeps them equal.
 */
import * as fs from "fs";
import * as path from "path";
import { flowFileName, flowMetadataXml } from "../../scripts/src/solution/flows";
import { buildFlows } from "./catalog";

export interface GeneratedFile {
  path: string;
  content: string;
}

const rootLine = (id: string) => `      <RootComponent type="29" id="{${id}}" behavior="0" />`;

/** The files the flows generate, and the new Solution.xml text. */
export function generatedFiles(root: string): GeneratedFile[] {
  const flows = buildFlows();
  const out: GeneratedFile[] = [];
  for (const { spec, file } of flows) {
    const name = flowFileName(spec.name, spec.id);
    out.push({ path: path.join(root, "flows", name), content: JSON.stringify(file, null, 2) + "\n" });
    out.push({ path: path.join(metadataDir(root), `${name}.data.xml`), content: flowMetadataXml({ id: spec.id, name: spec.name, description: spec.description }) });
  }
  const solutionXml = path.join(root, "solution", "src", "Other", "Solution.xml");
  const lines = fs.readFileSync(solutionXml, "utf8").split("\n");
  const isRoot = (l: string): boolean => /^\s*<RootComponent /.test(l);
  const first = lines.findIndex(isRoot);
  const close = lines.findIndex((l) => l.includes("</RootComponents>"));
  if (close < 0) throw new Error(`${solutionXml}: no </RootComponents>`);
  const roots = [...lines.filter((l) => isRoot(l) && !/<RootComponent type="29" /.test(l)), ...flows.map((f) => rootLine(f.spec.id))];
  const at = first < 0 ? close : first;
  const rest = lines.filter((l, k) => !isRoot(l) || k < at);
  rest.splice(at, 0, ...roots.sort(solutionPackagerOrder));
  out.push({ path: solutionXml, content: rest.join("\n") });
  return out;
}

/** Where the flows' Workflow metadata lives: the Workflows folder of the solution source. */
const metadataDir = (root: string): string => path.join(root, "solution", "src", "Workflows");

/** SolutionPackager's RootComponent order: type compared as text, then schemaName or id. */
function solutionPackagerOrder(a: string, b: string): number {
  const key = (l: string): [string, string] => [/type="([^"]*)"/.exec(l)?.[1] ?? "", (/schemaName="([^"]*)"/.exec(l) ?? /id="([^"]*)"/.exec(l))?.[1]?.toLowerCase() ?? ""];
  const [ta, na] = key(a);
  const [tb, nb] = key(b);
  return ta < tb ? -1 : ta > tb ? 1 : na < nb ? -1 : na > nb ? 1 : 0;
}

/** Writes the files; returns the ones that changed. Removes flow files no definition produces. */
export function writeFlows(root: string): string[] {
  const files = generatedFiles(root);
  const changed: string[] = [];
  const wanted = new Set(files.map((f) => f.path));
  for (const dir of [path.join(root, "flows"), metadataDir(root)]) {
    fs.mkdirSync(dir, { recursive: true });
    for (const name of fs.readdirSync(dir)) {
      const p = path.join(dir, name);
      if (/\.json(\.data\.xml)?$/.test(name) && !wanted.has(p)) {
        fs.rmSync(p);
        changed.push(p);
      }
    }
  }
  for (const f of files) {
    const old = fs.existsSync(f.path) ? fs.readFileSync(f.path, "utf8") : undefined;
    if (old !== f.content) {
      fs.writeFileSync(f.path, f.content);
      changed.push(f.path);
    }
  }
  return changed;
}

/** Files that are missing or differ from what the definitions generate. */
export function staleFlows(root: string): string[] {
  return generatedFiles(root)
    .filter((f) => !fs.existsSync(f.path) || fs.readFileSync(f.path, "utf8") !== f.content)
    .map((f) => path.relative(root, f.path));
}
