/**
 * Puts each built PCF control into the solution source, where SolutionPackager reads it:
 * pcf-controls/<Ctrl>/out/controls/<Ctrl>/* → solution/src/Controls/<prefix>_<namespace>.<constructor>/.
 *
 * SolutionPackager (and so `pac solution pack`) finds a control by the ControlManifest.xml in the
 * solution folder and reads the control's files from there; mapping files cannot redirect them
 * (SolutionPackagerLib 9.1.1.146, CustomControlsProcessor). The folder's committed file is
 * ControlManifest.xml.data.xml; everything else there is a build output (git-ignored) and is
 * replaced on every copy, so a file the build no longer writes does not linger.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { attr, child, childText, parseXml } from "./xml";

export const CONTROL_METADATA = "ControlManifest.xml.data.xml";

export interface StagedControl {
  /** <prefix>_<namespace>.<constructor> */
  name: string;
  from: string;
  to: string;
  files: number;
}

export class StageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StageError";
  }
}

function files(dir: string, prefix = ""): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const rel = prefix ? `${prefix}/${d.name}` : d.name;
    return d.isDirectory() ? files(path.join(dir, d.name), rel) : d.isFile() ? [rel] : [];
  });
}

/** The publisher prefix from solution/src/Other/Solution.xml. */
function publisherPrefix(solutionSrc: string): string {
  const file = path.join(solutionSrc, "Other", "Solution.xml");
  const manifest = child(parseXml(fs.readFileSync(file)).root, "SolutionManifest");
  const publisher = manifest ? child(manifest, "Publisher") : undefined;
  const prefix = publisher ? childText(publisher, "CustomizationPrefix") : undefined;
  if (!prefix) throw new StageError(`${file}: no <Publisher><CustomizationPrefix>, so the controls' folder names cannot be made`);
  return prefix;
}

/** Copies every built control of pcf-controls/ into solution/src/Controls/. */
export function stageBuiltControls(root: string): StagedControl[] {
  const pcfRoot = path.join(root, "pcf-controls");
  const solutionSrc = path.join(root, "solution", "src");
  if (!fs.existsSync(pcfRoot)) return [];
  const staged: StagedControl[] = [];
  let prefix: string | undefined;
  for (const ctrl of fs.readdirSync(pcfRoot).sort()) {
    const outRoot = path.join(pcfRoot, ctrl, "out", "controls");
    if (!fs.existsSync(outRoot)) continue;
    for (const built of fs.readdirSync(outRoot).sort()) {
      const from = path.join(outRoot, built);
      const manifestFile = path.join(from, "ControlManifest.xml");
      if (!fs.existsSync(manifestFile)) continue;
      const control = child(parseXml(fs.readFileSync(manifestFile)).root, "control");
      const ns = control ? attr(control, "namespace") : undefined;
      const ctor = control ? attr(control, "constructor") : undefined;
      if (!ns || !ctor) throw new StageError(`${manifestFile}: <control> needs namespace and constructor attributes`);
      prefix ??= publisherPrefix(solutionSrc);
      const name = `${prefix}_${ns}.${ctor}`;
      const to = path.join(solutionSrc, "Controls", name);
      fs.mkdirSync(to, { recursive: true });
      for (const old of fs.readdirSync(to)) if (old !== CONTROL_METADATA) fs.rmSync(path.join(to, old), { recursive: true, force: true });
      const list = files(from);
      for (const f of list) {
        fs.mkdirSync(path.dirname(path.join(to, f)), { recursive: true });
        fs.copyFileSync(path.join(from, f), path.join(to, f));
      }
      staged.push({ name, from, to, files: list.length });
    }
  }
  return staged;
}
