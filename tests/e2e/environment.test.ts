/**
 * The three environment variables change behaviour the way Microsoft's documentation describes, with
 * no flow edited: the check mark, the deal value column and the customer country column.
 */
import { ENVIRONMENT_VARIABLES, OPPORTUNITY, SyncStatus } from "../../plugins-ts/src/model/schema";
import { FLOWS } from "../../flows/src/ids";
import { E2E, useE2E } from "./harness";

let e: E2E;
useE2E((started) => (e = started));

const env = ENVIRONMENT_VARIABLES;

it("Display check mark = No: synced opportunities keep their name as typed", async () => {
  await e.setEnvironmentVariable(env.displayCheckMark.schemaName, "no");
  try {
    const id = await e.createOpportunity({ name: "Woodgrove ERP" });
    await e.quiet();
    const opp = await e.opportunity(id);
    expect(opp[OPPORTUNITY.syncStatus]).toBe(SyncStatus.Synced);
    expect(opp.name).toBe("Woodgrove ERP");
  } finally {
    await e.setEnvironmentVariable(env.displayCheckMark.schemaName, "yes");
  }
  const id = await e.createOpportunity({ name: "Woodgrove CRM" });
  await e.quiet();
  expect((await e.opportunity(id)).name).toBe("Woodgrove CRM ✔");
});

it("Deal value = budgetamount (and the [Customize] flow edited as documented): the deal value goes to and comes from Budget Amount", async () => {
  // As Microsoft's connector documents it: the variable names the column the sync reads, and the
  // [Customize] flow's "Update the opportunity" / "Create the opportunity" steps get the column it writes.
  await e.setEnvironmentVariable(env.dealValueField.schemaName, "budgetamount");
  await e.restartFlow(FLOWS.opportunityTrigger.name); // its trigger's filtering columns include the deal value column
  await e.editFlow(FLOWS.customize.name, (json) => json.replace(/"item\/estimatedvalue"/g, '"item/budgetamount"'));
  try {
    const id = await e.createOpportunity({ estimatedvalue: 1, budgetamount: 777000 });
    await e.quiet();
    const referralId = (await e.opportunity(id))[OPPORTUNITY.referralIdentifier];
    expect((await e.referral(referralId)).details?.dealValue).toBe(777000);

    const before = await e.pcSeq();
    await e.update(id, { budgetamount: 888000 });
    await e.quiet();
    expect((await e.referralCalls(before)).map((c) => c.method)).toEqual(["GET", "PATCH", "GET"]);
    expect((await e.referral(referralId)).details?.dealValue).toBe(888000);

    await e.changeInPartnerCenter(referralId, { details: { ...(await e.referral(referralId)).details, dealValue: 999000 } });
    await e.quiet();
    expect(await e.opportunity(id)).toMatchObject({ budgetamount: 999000, estimatedvalue: 1 });
  } finally {
    await e.setEnvironmentVariable(env.dealValueField.schemaName, env.dealValueField.defaultValue);
    await e.restartFlow(FLOWS.opportunityTrigger.name);
    await e.editFlow(FLOWS.customize.name, (json) => json.replace(/"item\/budgetamount"/g, '"item/estimatedvalue"'));
  }
});

it("Customer Account Country Code = address2_country (and the [Customize] flow edited as documented): the country is read from and written to it", async () => {
  await e.setEnvironmentVariable(env.customerCountryCodeField.schemaName, "address2_country");
  await e.editFlow(FLOWS.customize.name, renameColumn("Create_or_update_the_customer_account", "address1_country", "address2_country"));
  try {
    const de = (await e.dv.create({ collection: "accounts", data: { name: "Fabrikam GmbH", address2_country: "de" }, returnRepresentation: true })) as Record<string, any>;
    const id = await e.createOpportunity({ "customerid_account@odata.bind": `/accounts(${de.accountid})` });
    await e.quiet();
    const referralId = (await e.opportunity(id))[OPPORTUNITY.referralIdentifier];
    expect((await e.referral(referralId)).customerProfile?.address?.country).toBe("DE");

    // the seed account has its country only in address1_country: now that is not where the country is read
    const before = await e.pcSeq();
    const missing = await e.createOpportunity();
    await e.quiet();
    const opp = await e.opportunity(missing);
    expect(opp[OPPORTUNITY.syncStatus]).toBe(SyncStatus.Error);
    expect(E2E.newestAudit(opp).message).toContain("address2_country");
    expect(await e.referralCalls(before)).toEqual([]);

    // a referral from Partner Center creates its account with the country in address2_country
    const r = await e.shareFromPartnerCenter({
      name: "Tailspin lakehouse",
      type: "Shared",
      qualification: "SalesQualified",
      status: "Active",
      substatus: "Accepted",
      customerProfile: { name: "Tailspin Toys", address: { city: "Paris", postalCode: "75001", country: "FR" }, team: [{ firstName: "Ines", lastName: "Roux", email: "ines@tailspin.example" }] },
      consent: { consentToShareReferralWithMicrosoftSellers: true },
      details: { dealValue: 50000, currency: "EUR", closingDateTime: "2027-06-30T00:00:00Z", notes: "", requirements: { solutions: [{ id: "SOL-12345-ABC" }] } },
      inviteContext: { assistanceRequestCode: "GeneralOrOther", invitedBy: { organizationId: "msft" } },
    });
    await e.quiet();
    const created = (await e.opportunitiesWithReferral(r.id!))[0];
    const account = (await e.dv.retrieve({ collection: "accounts", key: created._customerid_value })) as Record<string, any>;
    expect(account).toMatchObject({ name: "Tailspin Toys", address2_country: "FR" });
    expect(account.address1_country ?? null).toBeNull();
  } finally {
    await e.setEnvironmentVariable(env.customerCountryCodeField.schemaName, env.customerCountryCodeField.defaultValue);
    await e.editFlow(FLOWS.customize.name, renameColumn("Create_or_update_the_customer_account", "address2_country", "address1_country"));
  }
});

/** An admin's edit in the designer: the step `action` writes `to` instead of `from`. */
function renameColumn(action: string, from: string, to: string): (json: string) => string {
  return (json) => {
    const flow = JSON.parse(json);
    const visit = (actions: Record<string, any> | undefined): boolean => {
      for (const [name, a] of Object.entries(actions ?? {})) {
        const params = a.inputs?.parameters;
        if (name === action && params && `item/${from}` in params) {
          params[`item/${to}`] = params[`item/${from}`];
          delete params[`item/${from}`];
          return true;
        }
        if ([a.actions, a.else?.actions, a.default?.actions, ...Object.values(a.cases ?? {}).map((c: any) => c.actions)].some((x) => visit(x))) return true;
      }
      return false;
    };
    if (!visit(flow.properties.definition.actions)) throw new Error(`no step ${action} writing ${from}`);
    return JSON.stringify(flow);
  };
}
