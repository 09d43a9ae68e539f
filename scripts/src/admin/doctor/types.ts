/**
 * The doctor's vocabulary: a check looks at one part of the installation and returns findings; a
 * finding says what is wrong (or right) in plain words and what to do; a finding --fix can repair
 * safely is marked fixable, and the check's repair() carries the fix out.
 */
import type { DoctorContext } from "./context";

export type Severity = "error" | "warning" | "ok";

export type CheckName = "solution" | "flows" | "connections" | "webhook" | "variables" | "currencies" | "roles" | "microsoft" | "records" | "runs";

export interface Finding {
  check: CheckName;
  /** Stable name of the finding (scripts and tests match on it), e.g. "flow-off". */
  code: string;
  severity: Severity;
  /** What is wrong (or, for ok, what is right), one sentence. */
  message: string;
  /** What to do about it. */
  fix?: string;
  /** --fix can repair it without risk to data or to another system. */
  fixable?: boolean;
  /** What the finding is about (a flow, a reference, a variable…). */
  subject?: string;
  /** After --fix: what was done, or why it could not be. */
  fixed?: string;
  fixFailed?: string;
}

export interface Check {
  name: CheckName;
  /** The heading on the terminal. */
  title: string;
  run(ctx: DoctorContext): Promise<Finding[]>;
  /** Repairs this check's fixable findings (sets fixed / fixFailed on each). */
  repair?(ctx: DoctorContext, findings: Finding[]): Promise<void>;
}

export const ok = (check: CheckName, code: string, message: string, subject?: string): Finding => ({ check, code, severity: "ok", message, ...(subject ? { subject } : {}) });
