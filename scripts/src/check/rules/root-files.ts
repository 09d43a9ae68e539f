/**
 * Rule root-files: the zip has solution.xml, customizations.xml and [Content_Types].xml at its root
 * (Dataverse error 0x80048060 otherwise), entry names are unique and use forward slashes, every part
 * has a content type, and the two manifests have the elements import reads.
 */
import { coversPart, parseContentTypes, CONTENT_TYPES_PATH } from "../../solution/content-types";
import { CUSTOMIZATIONS_XML, manifest, SOLUTION_XML, type SolutionPackage } from "../../solution/package";
import { child, childText } from "../../solution/xml";
import type { CheckRule, Problem } from "../types";

const ROOT_FILES = [SOLUTION_XML, CUSTOMIZATIONS_XML, CONTENT_TYPES_PATH];

export const rootFiles: CheckRule = {
  id: "root-files",
  description: "solution.xml, customizations.xml and [Content_Types].xml at the zip root; parts named and typed correctly; manifests complete",
  check(pkg: SolutionPackage): Problem[] {
    const out: Problem[] = [];
    const p = (file: string, element: string, message: string, fix: string): void => {
      out.push({ rule: "root-files", file, element, message, fix });
    };
    if (pkg.source.kind === "zip") {
      const names = pkg.zipEntries ?? [];
      for (const want of ROOT_FILES) {
        if (names.includes(want)) continue;
        const nested = names.find((n) => n.replace(/\\/g, "/").split("/").pop() === want);
        const wrongCase = names.find((n) => n.toLowerCase() === want.toLowerCase());
        if (nested && nested !== want && !wrongCase)
          p(pkg.source.path, want, `is not at the zip root but at "${nested}" (Dataverse rejects the zip: "must contain … at its root")`, "zip the contents of the solution folder, not the folder itself");
        else if (wrongCase) p(pkg.source.path, want, `is named "${wrongCase}"; Dataverse expects exactly "${want}"`, `rename the entry to ${want}`);
        else p(pkg.source.path, want, "is missing from the zip root (Dataverse rejects the zip with error 0x80048060)", `add ${want} at the zip root (pack the solution with npm run build)`);
      }
      const seen = new Set<string>();
      for (const n of names) {
        if (n.includes("\\")) p(pkg.source.path, `entry "${n}"`, "uses backslashes; zip part names use forward slashes", "re-create the zip with forward-slash entry names");
        if (seen.has(n)) p(pkg.source.path, `entry "${n}"`, "appears more than once", "remove the duplicate entry");
        seen.add(n);
      }
      if (pkg.contentTypes) {
        let ct;
        try {
          ct = parseContentTypes(pkg.contentTypes);
        } catch (e) {
          p(pkg.origins.contentTypes, "(document)", `not well-formed XML: ${(e as Error).message}`, "rebuild [Content_Types].xml");
        }
        if (ct) {
          for (const n of names) {
            if (n === CONTENT_TYPES_PATH || n.endsWith("/")) continue;
            if (!coversPart(ct, n)) p(pkg.origins.contentTypes, `part "/${n}"`, "has no content type (no <Default> for its extension and no <Override> for it)", `add <Override PartName="/${n}" ContentType="application/octet-stream" /> or a <Default> for its extension`);
          }
        }
      }
    }
    const m = manifest(pkg);
    if (pkg.solution && m) {
      for (const name of ["UniqueName", "Version", "Managed", "Publisher", "RootComponents"]) {
        if (!child(m, name)) p(pkg.origins.solution, `<SolutionManifest>`, `has no <${name}>`, `add <${name}> to the SolutionManifest`);
      }
      const managed = childText(m, "Managed");
      if (managed !== undefined && !["0", "1", "2"].includes(managed.trim()))
        p(pkg.origins.solution, "<Managed>", `is "${managed}"; it must be 0 (unmanaged), 1 (managed) or 2 (both, source folders only)`, "set <Managed> to 0, 1 or 2");
      if (pkg.source.kind === "zip" && managed?.trim() === "2") p(pkg.origins.solution, "<Managed>", "is 2 (both) in a zip; a zip is either unmanaged (0) or managed (1)", "pack the zip with npm run build");
      const pub = child(m, "Publisher");
      if (pub && !childText(pub, "CustomizationPrefix")) p(pkg.origins.solution, "<Publisher>", "has no <CustomizationPrefix>", "add the publisher's prefix, e.g. <CustomizationPrefix>pcs</CustomizationPrefix>");
    }
    if (pkg.customizations && !child(pkg.customizations.root, "Languages"))
      p(pkg.origins.customizations, "<ImportExportXml>", "has no <Languages> (every export lists at least <Language>1033</Language>)", "add <Languages><Language>1033</Language></Languages>");
    return out;
  },
};
