/**
 * Rule versions: the solution version is four-part (major.minor.build.revision), the only form every
 * real export carries and the one import compares against an installed version.
 */
import { manifest, type SolutionPackage } from "../../solution/package";
import { versionError } from "../../solution/version";
import { child, childText } from "../../solution/xml";
import type { CheckRule, Problem } from "../types";

export const versions: CheckRule = {
  id: "versions",
  description: "the solution version is four-part",
  check(pkg: SolutionPackage): Problem[] {
    const m = manifest(pkg);
    if (!m || !child(m, "Version")) return [];
    const v = (childText(m, "Version") ?? "").trim();
    const err = versionError(v);
    return err ? [{ rule: "versions", file: pkg.origins.solution, element: "<Version>", message: err, fix: "set <Version> in Other/Solution.xml to e.g. 1.0.0.0, or pass npm run build -- --version 1.2.3.4" }] : [];
  },
};
