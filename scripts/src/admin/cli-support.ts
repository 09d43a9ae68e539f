/**
 * What deploy, doctor and reconcile share on the command line: their exit codes, and turning a
 * failure into one plain sentence (never a stack trace, never a token).
 *
 *   0  done, and nothing is wrong
 *   1  done, and something is wrong (a step failed, doctor found a problem, reconcile left differences)
 *   2  could not start: a usage mistake, no sign-in, the environment unreachable or refusing us
 */
import { PartnerCenterError } from "../../../plugins-ts/src/partner-center";
import { UsageError, type Io } from "../cli/common";
import { WebApiError } from "../sandbox/webapi";
import { SignInError } from "./auth";
import { SettingsError } from "./settings";

export const EXIT = { ok: 0, problems: 1, cannotRun: 2 } as const;

export function describeFailure(e: unknown): string {
  if (e instanceof UsageError || e instanceof SignInError || e instanceof SettingsError) return e.message;
  if (e instanceof WebApiError) {
    if (e.status === 0) return e.detail;
    if (e.status === 401) return `Dataverse refused the sign-in (401): ${e.detail}`;
    if (e.status === 403) return `Dataverse refused access (403): the signed-in user needs the System Administrator role. ${e.detail}`;
    return `${e.method} ${e.path.split("?")[0]} failed with ${e.status}${e.code ? ` (${e.code})` : ""}: ${e.detail}`;
  }
  if (e instanceof PartnerCenterError) return `Partner Center: ${e.message}`;
  return (e as Error)?.message ?? String(e);
}

/** Runs a command body; a failure it did not handle ends with one line on stderr and exit code 2. */
export async function guarded(name: string, io: Io, usage: string, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (e) {
    io.err(`${name}: ${describeFailure(e)}`);
    if (e instanceof UsageError) io.err(`usage: ${usage}`);
    return EXIT.cannotRun;
  }
}
