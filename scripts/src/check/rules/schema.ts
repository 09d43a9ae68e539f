/**
 * Rule schema: customizations.xml, and every form's FormXml in it, has the structure the official
 * CRM SDK schemas define (CustomizationsSolution.xsd, FormXml.xsd, Fetch.xsd, SDK 9.0.0.2090):
 * elements, order, cardinality, attribute names, types and enumerations, plus what real exports
 * carry and the 2018 schema lacks (../schema/newer.ts). Written from the schemas' rules
 * (../schema/README.md); no XSD ships with the project.
 */
import { originOf, type SolutionPackage } from "../../solution/package";
import { CUSTOMIZATIONS_ROOT } from "../schema/customizations";
import { validateRoot } from "../schema/validate";
import type { CheckRule, Problem } from "../types";

export const schemaRule: CheckRule = {
  id: "schema",
  description: "customizations.xml and each FormXml follow the official CRM SDK schemas (with the newer elements real exports carry)",
  check(pkg: SolutionPackage): Problem[] {
    if (!pkg.customizations) return [];
    return validateRoot(pkg.customizations.root, CUSTOMIZATIONS_ROOT).map((f) => ({ rule: "schema", file: originOf(pkg, f.element), element: f.path, message: f.message, fix: f.fix }));
  },
};
