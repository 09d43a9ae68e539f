/**
 * Rule form-libraries: every form library and every event handler names a web resource the solution
 * ships. A handler's library must also be registered on the same form (formLibraries, or the
 * platform's clientresources), and its function name must be a dotted JavaScript name.
 *
 * Resolution: a web resource in the package; or, for another publisher's prefixed library
 * (`abc_…`), one solution.xml declares as a missing dependency (type 61), as real exports do for
 * Microsoft's own libraries. Names without a publisher prefix (e.g. `Sales/Opportunity/…`) are the
 * platform's own scripts and always present. Our own publisher's libraries must be in the package.
 */
import { allForms, isDeclaredDependency, webResources } from "../../solution/components";
import { describeForm, originOf, publisherPrefix, type SolutionPackage } from "../../solution/package";
import { attr, child, childText, descendants, elements } from "../../solution/xml";
import type { CheckRule, Problem } from "../types";
import { prefixOf, tag } from "../util";

const FUNCTION_NAME = /^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/;

export const formLibraries: CheckRule = {
  id: "form-libraries",
  description: "every form library and event handler names a web resource in the solution",
  check(pkg: SolutionPackage): Problem[] {
    const out: Problem[] = [];
    const ours = (publisherPrefix(pkg) ?? "").toLowerCase();
    const shipped = new Map(webResources(pkg).map((w) => [(childText(w, "Name") ?? "").toLowerCase(), w]));
    const resolves = (name: string): { ok: boolean; why: string } => {
      const n = name.toLowerCase();
      const w = shipped.get(n);
      if (w) {
        const type = childText(w, "WebResourceType");
        return type === "3" ? { ok: true, why: "" } : { ok: false, why: `web resource "${name}" has WebResourceType ${type}, not 3 (JavaScript)` };
      }
      const prefix = prefixOf(name)?.toLowerCase();
      if (!prefix) return { ok: true, why: "" }; // platform script
      if (prefix !== ours && isDeclaredDependency(pkg, "61", name)) return { ok: true, why: "" };
      return { ok: false, why: `no web resource named "${name}" is in the solution${prefix === ours ? "" : " and solution.xml does not declare it as a missing dependency"}` };
    };
    for (const { entity, form } of allForms(pkg)) {
      const where = describeForm(entity, form);
      const file = originOf(pkg, form);
      const f = child(form, "form");
      if (!f) continue;
      const registered = new Set<string>();
      const libs = child(f, "formLibraries");
      for (const lib of libs ? elements(libs, "Library") : []) {
        const name = attr(lib, "name") ?? "";
        registered.add(name.toLowerCase());
        const r = resolves(name);
        if (!r.ok) out.push({ rule: "form-libraries", file, element: `${tag(lib, "name")} in ${where}`, message: `form library names a missing web resource: ${r.why}`, fix: `ship the script as web resource "${name}" (WebResources/${name}.data.xml + content, type 3) or remove the library and its handlers from the form` });
      }
      for (const inc of descendants(f, "internaljscriptfile")) {
        const src = (attr(inc, "src") ?? "").replace(/^\$webresource:/, "");
        if (src) registered.add(src.toLowerCase());
      }
      for (const ev of descendants(f, "event")) {
        // InternalHandlers are the platform's own; only user handlers are ours to check.
        for (const handlers of elements(ev, "Handlers")) {
          for (const h of elements(handlers, "Handler")) {
            const lib = attr(h, "libraryName") ?? "";
            const fn = attr(h, "functionName") ?? "";
            const element = `${tag(h, "functionName", "libraryName")} on event ${attr(ev, "name") ?? "?"}${attr(ev, "attribute") ? ` of ${attr(ev, "attribute")}` : ""} in ${where}`;
            if (!lib) {
              out.push({ rule: "form-libraries", file, element, message: "event handler names no library", fix: 'set libraryName to the web resource that defines the function, e.g. libraryName="pcs_/scripts/opportunity.js"' });
              continue;
            }
            if (!FUNCTION_NAME.test(fn)) out.push({ rule: "form-libraries", file, element, message: `functionName "${fn}" is not a dotted JavaScript name`, fix: "use the namespaced function the library exports, e.g. PartnerCenterSync.Opportunity.onLoad" });
            if (!prefixOf(lib)) continue; // a platform script, loaded by the platform
            if (!registered.has(lib.toLowerCase()))
              out.push({ rule: "form-libraries", file, element, message: `event handler's library "${lib}" is not registered on the form`, fix: `add <Library name="${lib}" libraryUniqueId="{…}" /> to the form's <formLibraries>` });
            // A registered library is judged (once) where it is registered.
          }
        }
      }
    }
    return out;
  },
};
