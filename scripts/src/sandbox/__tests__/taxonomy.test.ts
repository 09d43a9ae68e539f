/**
 * Next fiscal year's solution play is a new row, not a release: on the built solution imported into
 * the Dataverse emulator, the seed writes the FY26 taxonomy once; an administrator adds an FY27 play
 * and retires an FY26 one; the lookup view the solution ships (what a seller picks from) offers the
 * new play and not the retired one; and an opportunity that picks it sends its Partner Center ID,
 * which Partner Center (the emulator, with today's create rules) takes.
 */
import { PARTNER_ROLE, SOLUTION_AREA, SOLUTION_PLAY } from "../../../../plugins-ts/src/model/schema";
import { PARTNER_ROLES, SOLUTION_AREAS, SOLUTION_PLAYS } from "../../../../plugins-ts/src/model/cosell-taxonomy";
import { toReferral } from "../../../../plugins-ts/src/rulebook/mapping-outbound";
import type { OpportunitySnapshot } from "../../../../plugins-ts/src/rulebook/snapshot";
import { builtZip, raw, startHarness, type Harness } from "../../../../sandbox/dataverse/test/helpers";
import { startPartnerCenterEmulator, type PartnerCenterEmulator } from "../../../../sandbox/partner-center/src";
import { findEntity } from "../../solution/components";
import { entitySavedQueries } from "../../solution/package";
import { readSolutionZip } from "../../solution/pack";
import { attr, childText, descendants } from "../../solution/xml";
import { byApiId, seedTaxonomy } from "../seed-taxonomy";
import { createWebApi, odataString, type WebApi } from "../webapi";

let h: Harness;
let api: WebApi;
let pc: PartnerCenterEmulator;
const zip = builtZip("managed");

beforeAll(async () => {
  h = await startHarness();
  const imported = await raw(h.emu, "POST", "ImportSolution", { body: { CustomizationFile: zip.bytes.toString("base64"), OverwriteUnmanagedCustomizations: true, PublishWorkflows: false } });
  expect(imported.status).toBeLessThan(300);
  api = createWebApi(h.emu.apiUrl, h.emu.token);
  pc = await startPartnerCenterEmulator({ coSellCreateRules: true });
});
afterAll(async () => {
  await h?.emu.close();
  await pc?.close();
});

/** The OData filter of the solution's lookup view of a table (querytype 64): what a lookup offers. */
function lookupViewFilter(logicalName: string): string {
  const view = entitySavedQueries(findEntity(readSolutionZip(zip.bytes, "managed.zip"), logicalName)!).find((v) => childText(v, "querytype") === "64")!;
  return descendants(view, "condition")
    .map((c) => {
      expect(attr(c, "operator")).toBe("eq"); // the only operator the shipped lookup views use
      return `${attr(c, "attribute")} eq ${attr(c, "value")}`;
    })
    .join(" and ");
}

const offered = async (): Promise<string[]> =>
  (await api.list<Record<string, string>>(`${SOLUTION_PLAY.entitySetName}?$select=${SOLUTION_PLAY.name}&$filter=${lookupViewFilter(SOLUTION_PLAY.logicalName)}`)).map((r) => r[SOLUTION_PLAY.name]);

describe("the co-sell taxonomy is data an administrator maintains", () => {
  it("is seeded once, each id marked inferred, each play in its area", async () => {
    const first = await seedTaxonomy(api);
    expect(first.created).toHaveLength(PARTNER_ROLES.length + SOLUTION_AREAS.length + SOLUTION_PLAYS.length);
    expect((await seedTaxonomy(api)).existing).toEqual(first.created);
    const plays = await api.list<Record<string, unknown>>(`${SOLUTION_PLAY.entitySetName}?$select=${SOLUTION_PLAY.apiId},${SOLUTION_PLAY.idInferred}&$expand=${SOLUTION_PLAY.solutionAreaNavigation}($select=${SOLUTION_AREA.apiId})`);
    expect(plays).toHaveLength(SOLUTION_PLAYS.length);
    for (const p of plays) {
      const seeded = SOLUTION_PLAYS.find((s) => s.apiId === p[SOLUTION_PLAY.apiId])!;
      expect([seeded.apiId, (p[SOLUTION_PLAY.solutionAreaNavigation] as Record<string, string>)[SOLUTION_AREA.apiId], p[SOLUTION_PLAY.idInferred]]).toEqual([seeded.apiId, seeded.area, true]);
    }
    expect(await api.list(`${PARTNER_ROLE.entitySetName}?$select=${PARTNER_ROLE.name}`)).toHaveLength(PARTNER_ROLES.length);
  });

  it("refuses a second row with the same Partner Center ID (the alternate key)", async () => {
    await expect(api.post(SOLUTION_AREA.entitySetName, { [SOLUTION_AREA.name]: "Security (copy)", [SOLUTION_AREA.apiId]: "Security" })).rejects.toMatchObject({ status: 412 });
  });

  it("next year's play is a new row: the lookup offers it, and not the play retired", async () => {
    const before = await offered();
    expect(before).toContain("Data Security");
    await api.post(SOLUTION_PLAY.entitySetName, {
      [SOLUTION_PLAY.name]: "Agentic Business Transformation",
      [SOLUTION_PLAY.apiId]: "AgenticBusinessTransformation",
      [SOLUTION_PLAY.idInferred]: false,
      [`${SOLUTION_PLAY.solutionAreaNavigation}@odata.bind`]: `/${byApiId(SOLUTION_AREA, "AIBusinessSolutions")}`,
    });
    await api.patch(byApiId(SOLUTION_PLAY, "DataSecurity"), { statecode: 1, statuscode: 2 });
    const after = await offered();
    expect(after).toContain("Agentic Business Transformation");
    expect(after).not.toContain("Data Security");
    expect(after).toHaveLength(before.length);
  });

  it("an opportunity that picks the new play sends its Partner Center ID, and Partner Center takes the Services co-sell", async () => {
    const row = async (table: typeof SOLUTION_PLAY | typeof SOLUTION_AREA | typeof PARTNER_ROLE, apiId: string) =>
      (await api.list<Record<string, unknown>>(`${table.entitySetName}?$select=${table.name},${table.apiId}&$filter=${table.apiId} eq ${odataString(apiId)}`))[0];
    const snapshot: OpportunitySnapshot = {
      opportunity: {
        opportunityid: "0f8fad5b-d9cb-469f-a165-70867728950e",
        name: "Contoso agents",
        estimatedvalue: 120000,
        estimatedclosedate: "2027-06-30",
        statecode: 0,
        statuscode: 1,
        pcs_microsofthelp: 619300002,
        pcs_referralvisibility: true,
        pcs_purchaseintent: 619300000,
      },
      account: { name: "Contoso Ltd", address1_line1: "1 Microsoft Way", address1_city: "Redmond", address1_postalcode: "98052", address1_country: "US" },
      contacts: [{ firstname: "Dana", lastname: "Smith", emailaddress1: "dana.smith@contoso.com", telephone1: "+1 425 555 0100" }],
      solutions: [{ pcs_solutionid: "SOL-45678-JKL", pcs_name: "Azure Migrate and Modernize", pcs_solutiontype: 619300001 }],
      currency: { isocurrencycode: "USD" },
      partnerRole: await row(PARTNER_ROLE, "SolutionDesign"),
      solutionArea: await row(SOLUTION_AREA, "AIBusinessSolutions"),
      solutionPlay: await row(SOLUTION_PLAY, "AgenticBusinessTransformation"),
    };
    const referral = toReferral(snapshot);
    expect(referral.details?.requirements?.additionalRequirements?.attributes).toEqual([
      { type: "CustomerMarketplaceIntent", id: "Yes" },
      { type: "PartnerRole", id: "SolutionDesign" },
      { type: "SolutionArea", id: "AIBusinessSolutions" },
      { type: "SolutionPlay", id: "AgenticBusinessTransformation" },
    ]);
    const res = await fetch(`${pc.referralsBaseUrl}/v1.0/engagements/referrals`, { method: "POST", headers: { Authorization: `Bearer ${pc.token}`, "Content-Type": "application/json" }, body: JSON.stringify(referral) });
    expect(res.status).toBe(201);
    const created = (await res.json()) as { details: { requirements: { additionalRequirements: { attributes: unknown[] } } } };
    expect(created.details.requirements.additionalRequirements.attributes).toContainEqual({ type: "SolutionPlay", id: "AgenticBusinessTransformation" });
  });
});
