/**
 * The values the partner role, solution area and solution play tables start with (seed rows an
 * administrator then maintains: deactivate what Microsoft retires, add next fiscal year's values as
 * new rows). Names are the UI's (partner-center-2026.md §1.4: roles from the 2023 co-sell guide,
 * areas and plays FY26). Partner Center does not publish the API ids: every id here is inferred
 * (PascalCase of the name, "and" capitalised), so each row says so (pcs_idinferred = Yes) until an
 * administrator has checked it against a referral Partner Center returns.
 */

export interface TaxonomyRow {
  /** Display name (pcs_name). */
  name: string;
  /** The id sent as attributes[].id (pcs_apiid, the alternate key). */
  apiId: string;
  /** True when apiId is not confirmed by a Partner Center source. */
  inferred: boolean;
}

export interface SolutionPlayRow extends TaxonomyRow {
  /** The apiId of the play's solution area. */
  area: string;
}

/** PascalCase of a display name, as the inferred ids are made ("Cloud and AI Platforms" → "CloudAndAIPlatforms"). */
export function inferredApiId(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w !== "")
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join("");
}

const inferred = (name: string): TaxonomyRow => ({ name, apiId: inferredApiId(name), inferred: true });

export const PARTNER_ROLES: readonly TaxonomyRow[] = [
  "Presales envisioning",
  "Solution design",
  "Proof of concept",
  "Business strategy",
  "Deployment services",
  "Adoption and change management",
  "Transaction",
  "Managed services",
].map(inferred);

export const SOLUTION_AREAS: readonly TaxonomyRow[] = ["AI Business Solutions", "Cloud and AI Platforms", "Security"].map(inferred);

const plays = (area: string, names: readonly string[]): SolutionPlayRow[] => names.map((n) => ({ ...inferred(n), area: inferredApiId(area) }));

export const SOLUTION_PLAYS: readonly SolutionPlayRow[] = [
  ...plays("Cloud and AI Platforms", ["Migrate and Modernize Your Estate", "Unify Your Data Platform", "Innovate with Azure AI Apps and Agents"]),
  ...plays("AI Business Solutions", [
    "Copilot and Agents at Work",
    "Scale with Cloud and AI Endpoints",
    "Converged Communications",
    "AI Ready with Surface Copilot PCs",
    "Innovate with Low Code AI and Agents",
    "Sales Transformation with AI",
    "Service Transformation with AI",
    "ERP Transformation with AI",
    "Scale Business Operations with AI",
  ]),
  ...plays("Security", ["Secure AI Productivity", "Modern SecOps with Unified Platform", "Data Security", "Protect Cloud, AI Platform and Apps"]),
];
