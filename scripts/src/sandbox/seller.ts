/**
 * What a seller does to share an opportunity, through the Web API, on the seeded account and contact:
 * the opportunity (help asked, visible to Microsoft, purchase intent Have not decided), a solution from
 * the catalogue, then Sync with Partner Center = Yes. Used by the admin tests and the admin bench.
 */
import type { DynamicsWebApi } from "dynamics-web-api";
import { OPPORTUNITY, OPPORTUNITY_COSELL, PARTNER_CENTER_SOLUTION, SOLUTION_DETAIL } from "../../../plugins-ts/src/model/schema";
import type { SeedOutcome } from "./seed";

export interface Deal {
  name: string;
  estimatedvalue: number;
  estimatedclosedate: string;
}

/** Shares the deal and returns the opportunity's id (the sync runs on its own). */
export async function sellerShares(dv: DynamicsWebApi, seeded: SeedOutcome, deal: Deal): Promise<string> {
  const usd = (await dv.retrieveMultiple({ collection: "transactioncurrencies", select: ["transactioncurrencyid"], filter: "isocurrencycode eq 'USD'" })).value![0].transactioncurrencyid;
  const detail = (await dv.retrieveMultiple({ collection: SOLUTION_DETAIL.entitySetName, select: [SOLUTION_DETAIL.primaryId], top: 1 })).value![0][SOLUTION_DETAIL.primaryId];
  const created = (await dv.create({
    collection: OPPORTUNITY.entitySetName,
    data: {
      ...deal,
      "customerid_account@odata.bind": `/accounts(${seeded.account.id})`,
      "parentcontactid@odata.bind": `/contacts(${seeded.contact.id})`,
      "transactioncurrencyid@odata.bind": `/transactioncurrencies(${usd})`,
      [OPPORTUNITY.microsoftHelp]: 619300001,
      [OPPORTUNITY_COSELL.purchaseIntent]: 619300002, // Have not decided: Partner Center requires the intent
      [OPPORTUNITY.referralVisibility]: true,
    },
    returnRepresentation: true,
  })) as Record<string, string>;
  const id = created[OPPORTUNITY.primaryId];
  await dv.create({
    collection: PARTNER_CENTER_SOLUTION.entitySetName,
    data: { [PARTNER_CENTER_SOLUTION.name]: "solution", [`${PARTNER_CENTER_SOLUTION.opportunityNavigation}@odata.bind`]: `/opportunities(${id})`, [`${PARTNER_CENTER_SOLUTION.solutionDetailNavigation}@odata.bind`]: `/${SOLUTION_DETAIL.entitySetName}(${detail})` },
  });
  await dv.update({ collection: OPPORTUNITY.entitySetName, key: id, data: { [OPPORTUNITY.syncWithPartnerCenter]: true } });
  return id;
}
