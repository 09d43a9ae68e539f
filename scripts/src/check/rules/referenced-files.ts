/**
 * Rule referenced-files: every file a component points at is in the package: each cloud flow's
 * JsonFileName, each web resource's FileName, each PCF control's ControlManifest.xml and the
 * resources that manifest lists. In a source folder these are usually build outputs (read through
 * solution/map.xml, or copied into solution/src/Controls/ by npm run build), so the fix names the
 * build that produces them.
 */
import { controlFolder, controlManifestPart, customControls, webResources, workflows } from "../../solution/components";
import { originOf, partOrigin, type SolutionPackage } from "../../solution/package";
import { attr, childText, descendants, parseXml } from "../../solution/xml";
import type { CheckRule, Problem } from "../types";
import { tag } from "../util";

/** How to produce a missing mapped output, from where it was expected. */
export function buildHint(expectedAt: string): string {
  const p = expectedAt.replace(/\\/g, "/");
  if (p.includes("plugins-ts/build/")) return "build the form script: npx webpack --config plugins-ts/webpack.config.js --mode production (npm run build does it when plugins-ts/webpack.config.js exists)";
  const pcf = /pcf-controls\/([^/]+)\/out\//.exec(p);
  if (pcf) return `build the control: PP_TOOLS_TELEMETRY_OPTOUT=1 npm run build -w pcf-controls/${pcf[1]} (npm run build does it for every pcf-controls/* with a ControlManifest.Input.xml)`;
  const staged = /\/Controls\/([^/]+)\//.exec(p);
  if (staged) return `build the controls and copy them into the solution: npm run build (builds every pcf-controls/* and copies its out/controls/<Ctrl> into solution/src/Controls/${staged[1]}/, where SolutionPackager reads it)`;
  if (p.includes("flows/")) return "generate the flows: npm run flows (writes flows/<Name>-<ID>.json next to the metadata in solution/src/Workflows/)";
  return "add the file, or fix the path in the component's metadata or in solution/map.xml";
}

export const referencedFiles: CheckRule = {
  id: "referenced-files",
  description: "every flow definition, web resource file and PCF control file a component references is in the package",
  check(pkg: SolutionPackage): Problem[] {
    const out: Problem[] = [];
    const reported = new Set<string>();
    for (const m of pkg.missing) {
      reported.add(m.part);
      out.push({ rule: "referenced-files", file: m.origin, element: m.component, message: `its file "${m.part}" is missing (looked for ${m.expectedAt})`, fix: buildHint(m.expectedAt) });
    }
    const need = (part: string, file: string, element: string, what: string): void => {
      if (!part || pkg.files.has(part) || reported.has(part)) return;
      reported.add(part);
      out.push({ rule: "referenced-files", file, element, message: `${what} "/${part}" is not in the package`, fix: "add the file at that path, or correct the path in the metadata" });
    };
    for (const wf of workflows(pkg)) {
      const f = childText(wf, "JsonFileName") ?? childText(wf, "XamlFileName");
      if (f !== undefined && !f.startsWith("/"))
        out.push({ rule: "referenced-files", file: originOf(pkg, wf), element: tag(wf, "Name"), message: `JsonFileName "${f}" must start with "/" (SolutionPackager: "Part URI must start with a forward slash")`, fix: `write /${f}` });
      if (f) need(f.replace(/^\/+/, ""), originOf(pkg, wf), tag(wf, "WorkflowId", "Name"), "flow definition");
    }
    for (const wr of webResources(pkg)) {
      const f = childText(wr, "FileName");
      if (!f) {
        out.push({ rule: "referenced-files", file: originOf(pkg, wr), element: `<WebResource> ${childText(wr, "Name") ?? ""}`, message: "has no <FileName>, so it has no content", fix: "add <FileName>/WebResources/<name without dots><ID in upper case></FileName>" });
        continue;
      }
      need(f.replace(/^\/+/, ""), originOf(pkg, wr), `<WebResource> ${childText(wr, "Name") ?? ""}`, "web resource file");
    }
    for (const cc of customControls(pkg)) {
      const manifestPart = controlManifestPart(cc);
      const name = `<CustomControl> ${childText(cc, "Name") ?? ""}`;
      need(manifestPart, originOf(pkg, cc), name, "control manifest");
      const data = pkg.files.get(manifestPart);
      if (!data) continue;
      let root;
      try {
        root = parseXml(data).root;
      } catch (e) {
        out.push({ rule: "referenced-files", file: partOrigin(pkg, manifestPart), element: "(document)", message: `not well-formed XML: ${(e as Error).message}`, fix: "rebuild the control" });
        continue;
      }
      const dir = controlFolder(cc);
      for (const kind of ["code", "css", "resx", "img", "html"]) {
        for (const r of descendants(root, kind)) {
          const rel = attr(r, "path");
          if (!rel) continue;
          const part = `${dir}/${rel.replace(/\\/g, "/").replace(/^\.\//, "")}`;
          if (!pkg.files.has(part) && !reported.has(part)) {
            reported.add(part);
            out.push({ rule: "referenced-files", file: partOrigin(pkg, manifestPart), element: tag(r, "path"), message: `the manifest lists "${rel}" but "${part}" is not in the package`, fix: "rebuild the control so its output folder holds every resource the manifest lists" });
          }
        }
      }
    }
    return out;
  },
};
