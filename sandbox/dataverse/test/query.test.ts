/**
 * Queries through dynamics-web-api: $select, $filter, $orderby, $top, $count, $expand (single and
 * collection), and paging with odata.maxpagesize / @odata.nextLink.
 */
import { OPPORTUNITY, SyncStatus } from "../../../plugins-ts/src/model/schema";
import { ErrorCodes } from "../src";
import { fixtureBase64 } from "./fixture-solution";
import { failure, raw, startHarness, type Harness } from "./helpers";

let h: Harness;
const ids: Record<string, string> = {};

beforeAll(async () => {
  h = await startHarness();
  await h.api.callAction({ actionName: "ImportSolution", action: { CustomizationFile: fixtureBase64(), OverwriteUnmanagedCustomizations: true, PublishWorkflows: false } });
  ids.contoso = (await h.api.create({ collection: "accounts", data: { name: "Contoso Ltd", address1_country: "US", numberofemployees: 500 } })) as string;
  ids.fabrikam = (await h.api.create({ collection: "accounts", data: { name: "Fabrikam Inc", address1_country: "DE", numberofemployees: 50 } })) as string;
  ids.ana = (await h.api.create({ collection: "contacts", data: { firstname: "Ana", lastname: "Silva", "parentcustomerid_account@odata.bind": `/accounts(${ids.contoso})` } })) as string;
  const opps: Array<[string, number, number | null, string | null, string]> = [
    ["Azure migration", 100000, SyncStatus.Synced, "REF-1", ids.contoso],
    ["Azure AI pilot", 25000, SyncStatus.Pending, "REF-2", ids.contoso],
    ["Dynamics rollout", 75000, null, null, ids.fabrikam],
    ["Security review", 5000, SyncStatus.Error, "REF-4", ids.fabrikam],
  ];
  for (const [name, value, status, ref, account] of opps) {
    ids[name] = (await h.api.create({
      collection: "opportunities",
      data: { name, estimatedvalue: value, [OPPORTUNITY.syncStatus]: status, [OPPORTUNITY.referralIdentifier]: ref, "customerid_account@odata.bind": `/accounts(${account})` },
    })) as string;
  }
});

afterAll(async () => {
  await h.emu.close();
});

const names = (rows: Array<{ name?: string }>) => rows.map((r) => r.name);

test("$select returns only the columns asked for (plus the primary key and ETag)", async () => {
  const res = await h.api.retrieveMultiple<Record<string, unknown>>({ collection: "accounts", select: ["name"], filter: "name eq 'Contoso Ltd'" });
  expect(Object.keys(res.value[0]).filter((k) => !k.startsWith("@") && !k.startsWith("oData")).sort()).toEqual(["accountid", "name"]);
  const ctx = await raw(h.emu, "GET", "accounts?$select=name,address1_country");
  expect(ctx.json["@odata.context"]).toBe(`${h.emu.apiUrl}$metadata#accounts(name,address1_country)`);
});

test("$filter: comparisons, and / or / not, string functions, null checks, lookups by _x_value", async () => {
  const q = async (filter: string) => names((await h.api.retrieveMultiple<{ name: string }>({ collection: "opportunities", select: ["name"], filter, orderBy: ["name asc"] })).value);
  expect(await q("estimatedvalue gt 20000 and estimatedvalue le 75000")).toEqual(["Azure AI pilot", "Dynamics rollout"]);
  expect(await q(`${OPPORTUNITY.syncStatus} eq ${SyncStatus.Error} or estimatedvalue ge 100000`)).toEqual(["Azure migration", "Security review"]);
  expect(await q("not startswith(name,'Azure')")).toEqual(["Dynamics rollout", "Security review"]);
  expect(await q("contains(name,'ai') and endswith(name,'pilot')")).toEqual(["Azure AI pilot"]);
  expect(await q("name eq 'azure MIGRATION'")).toEqual(["Azure migration"]);
  expect(await q(`${OPPORTUNITY.referralIdentifier} eq null`)).toEqual(["Dynamics rollout"]);
  expect(await q(`${OPPORTUNITY.referralIdentifier} ne null and (${OPPORTUNITY.syncStatus} ne ${SyncStatus.Synced})`)).toEqual(["Azure AI pilot", "Security review"]);
  expect(await q(`_customerid_value eq ${ids.fabrikam}`)).toEqual(["Dynamics rollout", "Security review"]);
  expect(await q("customerid_account/address1_country eq 'US'")).toEqual(["Azure AI pilot", "Azure migration"]);
  expect(await q(`Microsoft.Dynamics.CRM.In(PropertyName='${OPPORTUNITY.referralIdentifier}',PropertyValues=['REF-1','REF-4'])`)).toEqual(["Azure migration", "Security review"]);
  expect(await q(`createdon ge 2000-01-01T00:00:00Z`)).toHaveLength(4);
  const accounts = await h.api.retrieveMultiple<{ name: string }>({ collection: "accounts", select: ["name"], filter: "opportunity_customer_accounts/any(o:o/estimatedvalue gt 90000)" });
  expect(names(accounts.value)).toEqual(["Contoso Ltd"]);
});

test("$orderby, $top and $count", async () => {
  const res = await h.api.retrieveMultiple<{ name: string; estimatedvalue: number }>({ collection: "opportunities", select: ["name", "estimatedvalue"], orderBy: ["estimatedvalue desc"], top: 2 });
  expect(names(res.value)).toEqual(["Azure migration", "Dynamics rollout"]);
  expect(res.oDataNextLink).toBeUndefined();
  const counted = await raw(h.emu, "GET", "opportunities?$select=name&$count=true&$filter=startswith(name,'Azure')");
  expect(counted.json["@odata.count"]).toBe(2);
  expect(await h.api.count({ collection: "accounts" })).toBe(2);
  const byStatusThenName = await h.api.retrieveMultiple<{ name: string }>({ collection: "opportunities", select: ["name"], orderBy: [`${OPPORTUNITY.syncStatus} asc`, "name desc"] });
  expect(names(byStatusThenName.value)).toEqual(["Dynamics rollout", "Azure AI pilot", "Azure migration", "Security review"]);
});

test("$expand on single-valued and collection-valued navigation properties", async () => {
  const opp = await h.api.retrieve<Record<string, any>>({ collection: "opportunities", key: ids["Azure migration"], select: ["name"], expand: [{ property: "customerid_account", select: ["name", "address1_country"] }] });
  expect(opp.customerid_account).toMatchObject({ name: "Contoso Ltd", address1_country: "US", accountid: ids.contoso });
  const accounts = await h.api.retrieveMultiple<Record<string, any>>({
    collection: "accounts",
    select: ["name"],
    filter: `accountid eq ${ids.contoso}`,
    expand: [
      { property: "opportunity_customer_accounts", select: ["name"], orderBy: ["estimatedvalue asc"], filter: "estimatedvalue gt 1000" },
      { property: "contact_customer_accounts", select: ["fullname"] },
    ],
  });
  expect(names(accounts.value[0].opportunity_customer_accounts)).toEqual(["Azure AI pilot", "Azure migration"]);
  expect(accounts.value[0].contact_customer_accounts.map((c: { fullname: string }) => c.fullname)).toEqual(["Ana Silva"]);
  const related = await raw(h.emu, "GET", `accounts(${ids.fabrikam})/opportunity_customer_accounts?$select=name&$orderby=name`);
  expect(names(related.json.value)).toEqual(["Dynamics rollout", "Security review"]);
});

test("paging: odata.maxpagesize gives pages and an opaque @odata.nextLink", async () => {
  const first = await h.api.retrieveMultiple<{ name: string }>({ collection: "opportunities", select: ["name"], orderBy: ["name asc"], maxPageSize: 3 });
  expect(names(first.value)).toEqual(["Azure AI pilot", "Azure migration", "Dynamics rollout"]);
  expect(first.oDataNextLink).toContain("$skiptoken=");
  const second = await h.api.retrieveMultiple<{ name: string }>({ collection: "opportunities", select: ["name"], orderBy: ["name asc"], maxPageSize: 3 }, first.oDataNextLink);
  expect(names(second.value)).toEqual(["Security review"]);
  expect(second.oDataNextLink).toBeUndefined();
  const all = await h.api.retrieveAll<{ name: string }>({ collection: "opportunities", select: ["name"], maxPageSize: 1 });
  expect(all.value).toHaveLength(4);
  const applied = await raw(h.emu, "GET", "opportunities?$select=name", { headers: { Prefer: "odata.maxpagesize=2" } });
  expect(applied.headers.get("preference-applied")).toBe("odata.maxpagesize=2");
});

test("query errors use Dataverse's codes and messages", async () => {
  const unknownColumn = await failure(h.api.retrieveMultiple({ collection: "accounts", select: ["Name"] }));
  expect(unknownColumn).toMatchObject({ status: 400, code: ErrorCodes.QueryInvalid, message: "Could not find a property named 'Name' on type 'Microsoft.Dynamics.CRM.account'." });
  const badSyntax = await failure(h.api.retrieveMultiple({ collection: "accounts", filter: "name eq 'x' and" }));
  expect(badSyntax).toMatchObject({ status: 400, code: ErrorCodes.QueryInvalid });
  const badType = await failure(h.api.retrieveMultiple({ collection: "accounts", filter: "name eq 5" }));
  expect(badType.message).toBe("A binary operator with incompatible types was detected. Found operand types 'Edm.String' and 'Edm.Int32' for operator kind 'Equal'.");
  const lookupByName = await failure(h.api.retrieveMultiple({ collection: "opportunities", filter: `customerid eq ${ids.contoso}` }));
  expect(lookupByName.message).toContain("Could not find a property named 'customerid'");
  const skip = await raw(h.emu, "GET", "accounts?$skip=1");
  expect(skip.json.error.message).toBe("The query parameter $skip is not supported");
  const segment = await raw(h.emu, "GET", "Account");
  expect(segment.status).toBe(404);
  expect(segment.json.error).toEqual({ code: ErrorCodes.ResourceNotFoundForSegment, message: "Resource not found for the segment 'Account'." });
});
