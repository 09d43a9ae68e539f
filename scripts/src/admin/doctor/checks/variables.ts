/**
 * The environment variables name columns that exist and hold what they must: the deal value a
 * number column of opportunity, the country a text column of account holding two-letter ISO 3166
 * codes (a sample of accounts is read: Partner Center refuses anything else). A column other than
 * the default also needs the [Customize] flow edited (it writes the shipped column), which the
 * check looks for in that flow's definition. None of these is repaired automatically: the columns
 * are the admin's choice.
 */
import { ENVIRONMENT_VARIABLES } from "../../../../../plugins-ts/src/model/schema";
import { countryHint, isCountryCode, normalizeCountry } from "../../../../../plugins-ts/src/rulebook/countries";
import { findFlowByName } from "../../../sandbox/webhook";
import { variableProblem } from "../../variables";
import { ok, type Check, type Finding } from "../types";

const CUSTOMIZE_FLOW = "[Customize] Create or Get Details from Dynamics 365 flow";
const SAMPLE = 500;

export const variablesCheck: Check = {
  name: "variables",
  title: "Environment variables",
  async run(ctx) {
    if (!(await ctx.solution())) return [];
    const vars = await ctx.variables();
    const out: Finding[] = [];
    for (const d of Object.values(ENVIRONMENT_VARIABLES)) {
      const v = vars.find((x) => x.schemaName.toLowerCase() === d.schemaName.toLowerCase());
      if (!v) {
        out.push({ check: "variables", code: "variable-missing", severity: "error", subject: d.schemaName, message: `The environment variable "${d.displayName}" (${d.schemaName}) is not in the environment.`, fix: "Deploy the solution again (npm run deploy)." });
        continue;
      }
      const problem = await variableProblem(ctx.api, d.schemaName, v.effective);
      if (problem) {
        out.push({
          check: "variables",
          code: d.schemaName === ENVIRONMENT_VARIABLES.displayCheckMark.schemaName ? "variable-invalid" : "variable-column-missing",
          severity: "error",
          subject: d.schemaName,
          message: `${problem.problem}${v.value ? "" : " (its default value)"}.`,
          fix: `${problem.fix[0].toUpperCase()}${problem.fix.slice(1)}: Power Apps → Solutions → Default Solution → Environment variables → "${d.displayName}" → Current value (or the settings file and npm run deploy).`,
        });
        continue;
      }
      out.push(ok("variables", "variable-ok", `"${d.displayName}" = ${v.effective}.`, d.schemaName));
      if (d.schemaName === ENVIRONMENT_VARIABLES.customerCountryCodeField.schemaName) out.push(...(await countryValues(ctx, v.effective)));
      if (d.schemaName !== ENVIRONMENT_VARIABLES.displayCheckMark.schemaName && v.effective.toLowerCase() !== d.defaultValue) {
        const customize = findFlowByName(await ctx.flows(), CUSTOMIZE_FLOW);
        const row = customize ? await ctx.api.get<{ clientdata?: string }>(`workflows(${customize.id})?$select=clientdata`) : undefined;
        if (row && !String(row.clientdata ?? "").includes(`item/${v.effective.toLowerCase()}`)) {
          out.push({
            check: "variables",
            code: "customize-flow-column",
            severity: "warning",
            subject: d.schemaName,
            message: `"${d.displayName}" names ${v.effective}, but the [Customize] flow still writes ${d.defaultValue}: referrals from Partner Center fill the old column.`,
            fix: `Edit "${CUSTOMIZE_FLOW}" and change its item/${d.defaultValue} keys to item/${v.effective} (docs/flows.md, "Customising").`,
          });
        }
      }
    }
    return out;
  },
};

/** A sample of account values in the country column: anything but a two-letter code stops a referral. */
async function countryValues(ctx: Parameters<Check["run"]>[0], column: string): Promise<Finding[]> {
  const rows = await ctx.api.get<{ value: Array<Record<string, unknown>> }>(`accounts?$select=name,${column}&$filter=${column} ne null&$top=${SAMPLE}`);
  const bad = rows.value.filter((r) => !isCountryCode(normalizeCountry(r[column])));
  if (!bad.length) return [];
  const examples = bad.slice(0, 3).map((r) => {
    const hint = countryHint(r[column]);
    return `${String(r.name)}: ${JSON.stringify(r[column])}${hint ? ` (→ ${hint})` : ""}`;
  });
  return [
    {
      check: "variables",
      code: "country-codes",
      severity: "warning",
      subject: column,
      message: `${bad.length}${rows.value.length === SAMPLE ? "+" : ""} account${bad.length === 1 ? "" : "s"} hold something other than a two-letter country code in ${column} (${examples.join("; ")}${bad.length > 3 ? "; …" : ""}): their opportunities cannot be shared.`,
      fix: `Enter ISO 3166 two-letter codes (US, DE, GB) in ${column}; for a country lookup, fill a text column from it and point "${ENVIRONMENT_VARIABLES.customerCountryCodeField.displayName}" at that column.`,
    },
  ];
}

