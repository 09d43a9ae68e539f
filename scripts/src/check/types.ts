/**
 * The check-rule interface. Every rule is one module under ./rules, registered in ./rules/index.ts;
 * packing runs all of them and refuses to write a zip while any reports a problem.
 */
import type { SolutionPackage } from "../solution/package";

/** One problem: where (file + element), what is wrong, and how to fix it. */
export interface Problem {
  /** The rule id that found it, e.g. "root-components". */
  rule: string;
  /** The file the element lives in: a source file path, or `<zip>:<entry>` for a zip. */
  file: string;
  /** The element, e.g. `<Library name="pcs_/scripts/opportunity.js">` in form {…}. */
  element: string;
  /** What is wrong. */
  message: string;
  /** How to fix it. */
  fix: string;
}

export interface CheckRule {
  /** Stable id, kebab-case; printed with every problem. */
  id: string;
  /** One line: what the rule guarantees. */
  description: string;
  check(pkg: SolutionPackage): Problem[];
}

export function formatProblem(p: Problem): string {
  return `${p.file}: ${p.element}: ${p.message}\n    fix: ${p.fix}  [${p.rule}]`;
}
