/**
 * The registered check rules, run in this order. To add a rule:
 * write a module exporting a CheckRule ({ id, description, check(pkg) => Problem[] }) in this folder
 * and append it here; packing and `npm run check` pick it up.
 */
import type { CheckRule } from "../types";
import { flowLint } from "./flow-lint";
import { flowReferences } from "./flow-references";
import { formLibraries } from "./form-libraries";
import { lookupRelationships } from "./lookup-relationships";
import { pcfControls } from "./pcf-controls";
import { referencedFiles } from "./referenced-files";
import { rootComponentsRule } from "./root-components";
import { rolePrivileges } from "./role-privileges";
import { rootFiles } from "./root-files";
import { schemaRule } from "./schema";
import { uniqueNames } from "./unique-names";
import { versions } from "./versions";

export const RULES: CheckRule[] = [rootFiles, versions, schemaRule, rootComponentsRule, referencedFiles, formLibraries, pcfControls, flowReferences, flowLint, uniqueNames, rolePrivileges, lookupRelationships];
