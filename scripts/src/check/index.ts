/**
 * The solution checker: load problems plus every registered rule. Used by `npm run check`, and by
 * packing, which refuses to write a zip while this returns anything.
 */
import type { SolutionPackage } from "../solution/package";
import { RULES } from "./rules";
import type { CheckRule, Problem } from "./types";

export { RULES } from "./rules";
export type { CheckRule, Problem } from "./types";
export { formatProblem } from "./types";

export function checkPackage(pkg: SolutionPackage, rules: readonly CheckRule[] = RULES): Problem[] {
  return [...pkg.loadProblems, ...rules.flatMap((r) => r.check(pkg))];
}
