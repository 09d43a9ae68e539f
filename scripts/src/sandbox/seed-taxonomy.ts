/**
 * The co-sell taxonomy an environment starts with: the partner roles, solution areas and solution
 * plays of plugins-ts/src/model/cosell-taxonomy.ts, written through the Web API as an administrator
 * would, each row created by its alternate key (pcs_apiid) with If-None-Match: * so a row already
 * there (perhaps edited, or deactivated, since) is left as it is, and a second run duplicates nothing.
 * Areas go first: a play names its area by the area's key (pcs_SolutionAreaId@odata.bind).
 *
 * Next fiscal year is data, not a release: an administrator deactivates the plays Microsoft retires
 * and adds the new ones as rows (see __tests__/taxonomy.test.ts).
 */
import { PARTNER_ROLE, SOLUTION_AREA, SOLUTION_PLAY } from "../../../plugins-ts/src/model/schema";
import { PARTNER_ROLES, SOLUTION_AREAS, SOLUTION_PLAYS, type TaxonomyRow } from "../../../plugins-ts/src/model/cosell-taxonomy";
import { odataString, WebApiError, type WebApi } from "./webapi";

export interface TaxonomyOutcome {
  /** "<table>/<api id>" of each row created, and of each left as it was. */
  created: string[];
  existing: string[];
}

type Table = typeof PARTNER_ROLE | typeof SOLUTION_AREA | typeof SOLUTION_PLAY;

/** The key path of a row: pcs_solutionareas(pcs_apiid='Security'). */
export const byApiId = (table: Table, apiId: string): string => `${table.entitySetName}(${table.apiId}=${odataString(apiId)})`;

async function ensure(api: WebApi, table: Table, row: TaxonomyRow, extra: Record<string, unknown>, out: TaxonomyOutcome): Promise<void> {
  const name = `${table.logicalName}/${row.apiId}`;
  try {
    await api.patch(byApiId(table, row.apiId), { [table.name]: row.name, [table.idInferred]: row.inferred, ...extra }, { "If-None-Match": "*" });
    out.created.push(name);
  } catch (e) {
    if (e instanceof WebApiError && e.status === 412) out.existing.push(name);
    else throw e;
  }
}

export async function seedTaxonomy(api: WebApi): Promise<TaxonomyOutcome> {
  const out: TaxonomyOutcome = { created: [], existing: [] };
  for (const row of PARTNER_ROLES) await ensure(api, PARTNER_ROLE, row, {}, out);
  for (const row of SOLUTION_AREAS) await ensure(api, SOLUTION_AREA, row, {}, out);
  for (const row of SOLUTION_PLAYS) {
    await ensure(api, SOLUTION_PLAY, row, { [`${SOLUTION_PLAY.solutionAreaNavigation}@odata.bind`]: `/${byApiId(SOLUTION_AREA, row.area)}` }, out);
  }
  return out;
}
