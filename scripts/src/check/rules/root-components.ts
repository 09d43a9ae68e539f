/**
 * Rule root-components: every RootComponent in solution.xml is defined in the package, as
 * SolutionPackager requires ("Following root components are not defined in customizations …
 * RootComponent validation failed"). Types this packer cannot resolve (apps, site maps, charts, …)
 * are not judged.
 */
import {
  allForms,
  allSavedQueries,
  customControls,
  globalOptionSets,
  rootComponents,
  roles,
  webResources,
  workflows,
} from "../../solution/components";
import { entities, entityName, entityInfo, normGuid, originOf, sectionItems, type SolutionPackage } from "../../solution/package";
import { attr, childText, type XmlElement } from "../../solution/xml";
import type { CheckRule, Problem } from "../types";
import { tag } from "../util";

type Resolver = { what: string; keys: (pkg: SolutionPackage) => string[]; by: "schemaName" | "id"; fix: string };

const lower = (s: string | undefined): string => (s ?? "").toLowerCase();

const RESOLVERS: Record<string, Resolver> = {
  "1": {
    what: "entity",
    by: "schemaName",
    keys: (pkg) => entities(pkg).flatMap((e) => [lower(entityName(e)), lower(attr(entityInfo(e) ?? e, "Name"))]),
    fix: "add Entities/<SchemaName>/Entity.xml",
  },
  "9": { what: "global choice (optionset)", by: "schemaName", keys: (pkg) => globalOptionSets(pkg).map((o) => lower(attr(o, "Name"))), fix: "add OptionSets/<name>.xml" },
  "20": { what: "security role", by: "id", keys: (pkg) => roles(pkg).map((r) => normGuid(attr(r, "id"))), fix: "add Roles/<name>.xml with that id" },
  "26": { what: "view (savedquery)", by: "id", keys: (pkg) => allSavedQueries(pkg).map((v) => normGuid(childText(v.view, "savedqueryid"))), fix: "add the view under Entities/<entity>/SavedQueries/" },
  "29": { what: "workflow / cloud flow", by: "id", keys: (pkg) => workflows(pkg).map((w) => normGuid(attr(w, "WorkflowId"))), fix: "add the flow (Workflows/<Name>-<ID>.json + .json.data.xml; ours come from flows/)" },
  "60": { what: "form (systemform)", by: "id", keys: (pkg) => allForms(pkg).map((f) => normGuid(childText(f.form, "formid"))), fix: "add the form under Entities/<entity>/FormXml/<type>/" },
  "61": { what: "web resource", by: "schemaName", keys: (pkg) => webResources(pkg).map((w) => lower(childText(w, "Name"))), fix: "add WebResources/<name>.data.xml and its content (ours are mapped from build outputs in solution/map.xml)" },
  "66": { what: "custom control (PCF)", by: "schemaName", keys: (pkg) => customControls(pkg).map((c) => lower(childText(c, "Name"))), fix: "add Controls/<name>/ControlManifest.xml.data.xml and map the built control in solution/map.xml" },
  "62": {
    what: "site map",
    by: "schemaName",
    keys: (pkg) => sectionItems(pkg, "AppModuleSiteMaps", "AppModuleSiteMap").map((a) => lower(childText(a, "SiteMapUniqueName"))),
    fix: "add the site map (AppModuleSiteMaps/<name>/AppModuleSiteMap.xml)",
  },
  "80": {
    what: "model-driven app",
    by: "schemaName",
    keys: (pkg) => sectionItems(pkg, "AppModules", "AppModule").map((a) => lower(childText(a, "UniqueName"))),
    fix: "add the app module",
  },
  "91": {
    what: "plug-in assembly",
    by: "id",
    keys: (pkg) => sectionItems(pkg, "SolutionPluginAssemblies", "PluginAssembly").map((a) => normGuid(attr(a, "PluginAssemblyId"))),
    fix: "add the plug-in assembly",
  },
  "92": {
    what: "plug-in step",
    by: "id",
    keys: (pkg) => sectionItems(pkg, "SdkMessageProcessingSteps", "SdkMessageProcessingStep").map((s) => normGuid(attr(s, "SdkMessageProcessingStepId"))),
    fix: "add the plug-in step",
  },
  "300": { what: "canvas app", by: "schemaName", keys: (pkg) => sectionItems(pkg, "CanvasApps", "CanvasApp").map((a) => lower(childText(a, "Name"))), fix: "add the canvas app" },
};

/**
 * Types SolutionPackager does not resolve in customizations, so it warns "Following root components
 * are not defined in customizations" for them; real exports never list them.
 */
const NOT_ROOTS: Record<string, { what: string; evidence: string; fix: string }> = {
  "380": {
    what: "an environment variable definition",
    evidence: "none of the 21 exports with definitions in pnp/powerplatform-samples lists one (e.g. samples/contoso-school/solution/ContosoSchool.zip), and SolutionPackager 9.1.1.146 warns that it is \"not defined in customizations\"",
    fix: "remove the RootComponent: the definition joins the solution from environmentvariabledefinitions/<schema>/environmentvariabledefinition.xml",
  },
};

export const rootComponentsRule: CheckRule = {
  id: "root-components",
  description: "every RootComponent in solution.xml is defined in customizations (or its own folder)",
  check(pkg: SolutionPackage): Problem[] {
    const out: Problem[] = [];
    const cache = new Map<string, Set<string>>();
    for (const rc of rootComponents(pkg)) {
      const type = attr(rc, "type") ?? "";
      const schemaName = attr(rc, "schemaName");
      const id = attr(rc, "id");
      const behavior = attr(rc, "behavior");
      const file = originOf(pkg, rc);
      const element = tag(rc, "type", "schemaName", "id");
      if (!schemaName && !id) out.push({ rule: "root-components", file, element, message: "names no component (no schemaName and no id)", fix: "add schemaName or id, or remove the RootComponent" });
      if (behavior !== undefined && !["0", "1", "2"].includes(behavior))
        out.push({ rule: "root-components", file, element, message: `behavior="${behavior}" is not 0 (include subcomponents), 1 (do not) or 2 (shell only)`, fix: 'use behavior="0" for our own components and "2" for system tables we extend' });
      const not = NOT_ROOTS[type];
      if (not) {
        out.push({ rule: "root-components", file, element, message: `names ${not.what}, which is not listed as a root component: ${not.evidence}`, fix: not.fix });
        continue;
      }
      const r = RESOLVERS[type];
      if (!r) continue;
      const key = r.by === "id" ? normGuid(id) : lower(schemaName);
      if (!key) {
        out.push({ rule: "root-components", file, element, message: `a ${r.what} root component is named by ${r.by === "id" ? "id" : "schemaName"}, which is missing`, fix: `add ${r.by === "id" ? 'id="{…}"' : 'schemaName="…"'}` });
        continue;
      }
      let keys = cache.get(type);
      if (!keys) {
        keys = new Set(r.keys(pkg));
        cache.set(type, keys);
      }
      if (!keys.has(key))
        out.push({ rule: "root-components", file, element, message: `is not defined in customizations: no ${r.what} ${r.by === "id" ? `with id ${key}` : `named "${schemaName}"`} in the package (SolutionPackager: RootComponent validation failed)`, fix: `${r.fix}, or remove the RootComponent from Other/Solution.xml` });
    }
    // Components shipped in customizations must be root components too, or import does not add
    // them to the solution (real exports list every one of these kinds). Environment variable
    // definitions and connection references are not required here: some real exports omit them.
    if (pkg.solution) {
      const roots = rootComponents(pkg);
      const listed = (type: string, by: "schemaName" | "id"): Set<string> =>
        new Set(roots.filter((rc) => attr(rc, "type") === type).map((rc) => (by === "id" ? normGuid(attr(rc, "id")) : lower(attr(rc, "schemaName")))));
      const expect = (type: string, by: "schemaName" | "id", items: Array<{ key: string; el: XmlElement; label: string; line: string }>): void => {
        const have = listed(type, by);
        for (const it of items) {
          if (it.key && !have.has(it.key))
            out.push({ rule: "root-components", file: originOf(pkg, it.el), element: it.label, message: "is in the package but is not a RootComponent in solution.xml, so import does not add it to the solution", fix: `add ${it.line} to <RootComponents> in Other/Solution.xml` });
        }
      };
      expect("1", "schemaName", entities(pkg).map((e) => ({ key: lower(entityName(e)), el: e, label: `<Entity> ${entityName(e)}`, line: `<RootComponent type="1" schemaName="${lower(entityName(e))}" behavior="0" /> (behavior="2" for a system table you only extend)` })));
      expect("29", "id", workflows(pkg).map((w) => ({ key: normGuid(attr(w, "WorkflowId")), el: w, label: `<Workflow Name="${attr(w, "Name") ?? ""}">`, line: `<RootComponent type="29" id="{${normGuid(attr(w, "WorkflowId"))}}" behavior="0" />` })));
      expect("61", "schemaName", webResources(pkg).map((w) => ({ key: lower(childText(w, "Name")), el: w, label: `<WebResource> ${childText(w, "Name") ?? ""}`, line: `<RootComponent type="61" schemaName="${childText(w, "Name") ?? ""}" behavior="0" />` })));
      expect("66", "schemaName", customControls(pkg).map((c) => ({ key: lower(childText(c, "Name")), el: c, label: `<CustomControl> ${childText(c, "Name") ?? ""}`, line: `<RootComponent type="66" schemaName="${childText(c, "Name") ?? ""}" behavior="0" />` })));
      expect("20", "id", roles(pkg).map((r) => ({ key: normGuid(attr(r, "id")), el: r, label: `<Role name="${attr(r, "name") ?? ""}">`, line: `<RootComponent type="20" id="{${normGuid(attr(r, "id"))}}" behavior="0" />` })));
      expect("9", "schemaName", globalOptionSets(pkg).map((o) => ({ key: lower(attr(o, "Name")), el: o, label: `<optionset Name="${attr(o, "Name") ?? ""}">`, line: `<RootComponent type="9" schemaName="${attr(o, "Name") ?? ""}" behavior="0" />` })));
    }
    return out;
  },
};
