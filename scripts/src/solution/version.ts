/** Solution versions: four dot-separated whole numbers (major.minor.build.revision), e.g. 1.0.0.0. */
export const VERSION_RE = /^(0|[1-9]\d{0,8})\.(0|[1-9]\d{0,8})\.(0|[1-9]\d{0,8})\.(0|[1-9]\d{0,8})$/;

/** Why a version string is not a valid solution version, or undefined when it is. */
export function versionError(v: string): string | undefined {
  if (VERSION_RE.test(v)) return undefined;
  return `"${v}" is not a four-part version (major.minor.build.revision, whole numbers without leading zeros, e.g. 1.0.0.0)`;
}
