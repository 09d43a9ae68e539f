/**
 * Deal registration (Azure IP co-sell incentives, partner-center-2026.md §2.5), the rulebook part:
 * what the sync sends once a deal the seller asked to register (Register Deal = Yes) is won and
 * eligible (validate.ts checkRegistration, rules.ts REGISTRATION_RULES).
 *
 * | registration (JSON)                                        | Dataverse                                              |
 * |------------------------------------------------------------|--------------------------------------------------------|
 * | type                                                       | AzureIPCoSell                                          |
 * | contract.value / .currency                                 | pcs_contractvalue / the deal's currency (isocurrencycode) |
 * | contract.term                                              | pcs_contractterm (Perpetual, Finite)                   |
 * | contract.startDateTime / .endDateTime / .signDateTime      | pcs_contractstartdate / pcs_contractenddate (Finite only) / pcs_contractsigneddate, at 00:00:00Z |
 * | solutionDetails[0].id                                      | pcs_solutionid of the first Azure IP co-sell eligible solution |
 * | solutionDetails[0].value / .currency                       | the contract's value and currency [I: the whole contract is that solution's] |
 * | solutionDetails[0].isDeployedOnAzure                       | pcs_deployedonazure                                    |
 * | solutionDetails[0].primaryDeploymentOn                     | pcs_primarydeployment (Customer, Partner)              |
 * | solutionDetails[0].pricingModel                            | pcs_pricingmodel (PayAsYouGo, Other)                   |
 * | solutionDetails[0].marketplaceTransactionDetails           | pcs_marketplacetransacted, pcs_marketplacetransactedon |
 *
 * Create: CreateDealRegistrationByReferralId, body `Referral` = createRegistrationPatch(snapshot).
 * Update: PatchDealRegistrationByReferralId, body `Referral` = updateRegistrationPatch(current, snapshot),
 * only the connector's twelve paths (referral.ts DEAL_REGISTRATION_PATCH_PATHS), only what changed.
 * What comes back (registrationStatus, registrations[0].id) is mapping-inbound.ts's.
 */
import { CONTRACT_TERM_OPTIONS, DEAL_REGISTRATION, PRICING_MODEL_OPTIONS, PRIMARY_DEPLOYMENT_OPTIONS, SOLUTION_DETAIL, SOLUTION_DETAIL_COSELL } from "../model/schema";
import { DEAL_REGISTRATION_CREATE_PATH, DEAL_REGISTRATION_PATCH_PATHS, DealRegistration, DealRegistrationPatchPath } from "../partner-center/referral";
import { normalizeCurrency } from "./currencies";
import { text, toClosingDateTime } from "./mapping-outbound";
import { COLUMNS, OpportunitySnapshot } from "./snapshot";

export const REGISTRATION_TYPE = "AzureIPCoSell";

export interface RegistrationOperation {
  op: "add" | "replace";
  path: string;
  value: unknown;
}

const codeOf = (options: ReadonlyArray<{ value: number; code: string }>, value: unknown): string | undefined => options.find((o) => o.value === value)?.code;
const bool = (value: unknown): boolean | undefined => (value === true ? true : value === false ? false : undefined);

/** Drops undefined members so the JSON holds only what is known. */
function compact<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}

/** The registration an opportunity snapshot describes (the value CreateDealRegistrationByReferralId adds). */
export function toDealRegistration(snapshot: OpportunitySnapshot): DealRegistration {
  const o = snapshot.opportunity;
  const R = DEAL_REGISTRATION;
  const currency = snapshot.currency ? normalizeCurrency(snapshot.currency[COLUMNS.currency.isoCode]) || undefined : undefined;
  const value = typeof o[R.contractValue] === "number" ? (o[R.contractValue] as number) : undefined;
  const term = codeOf(CONTRACT_TERM_OPTIONS, o[R.contractTerm]);
  const eligible = (snapshot.solutions ?? []).find((s) => s[SOLUTION_DETAIL_COSELL.azureIpCoSellEligible] === true);
  const transacted = bool(o[R.marketplaceTransacted]);
  return {
    type: REGISTRATION_TYPE,
    solutionDetails: [
      compact({
        id: text(eligible, SOLUTION_DETAIL.solutionId) ?? "",
        currency,
        value,
        isDeployedOnAzure: bool(o[R.deployedOnAzure]),
        primaryDeploymentOn: codeOf(PRIMARY_DEPLOYMENT_OPTIONS, o[R.primaryDeployment]),
        pricingModel: codeOf(PRICING_MODEL_OPTIONS, o[R.pricingModel]),
        marketplaceTransactionDetails:
          transacted === undefined ? undefined : { isMarketplaceTransacted: transacted, marketplaceTransactionDateTime: (transacted && toClosingDateTime(o[R.marketplaceTransactedOn])) || null },
      }),
    ],
    contract: compact({
      currency,
      value,
      term,
      startDateTime: toClosingDateTime(o[R.contractStart]),
      endDateTime: term === "Finite" ? toClosingDateTime(o[R.contractEnd]) : undefined,
      signDateTime: toClosingDateTime(o[R.contractSigned]),
    }),
  };
}

/** The body (`Referral`) of CreateDealRegistrationByReferralId: one `add` of the registration. */
export function createRegistrationPatch(snapshot: OpportunitySnapshot): RegistrationOperation[] {
  return [{ op: "add", path: DEAL_REGISTRATION_CREATE_PATH, value: toDealRegistration(snapshot) }];
}

function pointerGet(doc: unknown, path: string): unknown {
  let node = doc;
  for (const key of path.split("/").slice(1)) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

const day = (v: unknown): unknown => (typeof v === "string" ? v.slice(0, 10) : v);
const same = (path: string, a: unknown, b: unknown): boolean => {
  if (path.endsWith("DateTime")) return day(a) === day(b);
  if (typeof a === "number" && typeof b === "number") return Math.abs(a - b) < 0.005;
  if (typeof a === "string" && typeof b === "string") return a.trim().toLowerCase() === b.trim().toLowerCase();
  return a === b;
};

/**
 * The body of PatchDealRegistrationByReferralId: `replace` (or `add` where Partner Center has no
 * value) on the connector's paths whose value the CRM changed; [] when nothing changed.
 */
export function updateRegistrationPatch(current: DealRegistration, snapshot: OpportunitySnapshot): RegistrationOperation[] {
  const desired = { registrations: [toDealRegistration(snapshot)] };
  const have = { registrations: [current] };
  const ops: RegistrationOperation[] = [];
  for (const path of DEAL_REGISTRATION_PATCH_PATHS as readonly DealRegistrationPatchPath[]) {
    const want = pointerGet(desired, path);
    if (want === undefined) continue;
    const was = pointerGet(have, path);
    if (was !== undefined && was !== null && same(path, was, want)) continue;
    if ((was === undefined || was === null) && want === null) continue;
    ops.push({ op: was === undefined ? "add" : "replace", path, value: want });
  }
  return ops;
}
