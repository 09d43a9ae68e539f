/**
 * Today's co-sell rules (src/cosell-rules.ts) and deal registration (src/registration-model.ts): each
 * rule refuses what Partner Center refuses, with its documented error shape, and a refused request
 * changes nothing and raises no event. The registration bodies the rulebook builds are accepted.
 */
import registrationVectors from "../../../plugins-ts/test-vectors/registration.json";
import type { DealRegistration } from "../../../plugins-ts/src/partner-center/referral";
import { createRegistrationPatch, updateRegistrationPatch } from "../../../plugins-ts/src/rulebook/registration";
import type { OpportunitySnapshot } from "../../../plugins-ts/src/rulebook/snapshot";
import { PartnerCenterEmulator, startPartnerCenterEmulator } from "../src";
import { call, newReferralBody, REFERRALS, snapshot } from "./helpers";

let emu: PartnerCenterEmulator;
let lenient: PartnerCenterEmulator;
beforeAll(async () => {
  emu = await startPartnerCenterEmulator({ coSellCreateRules: true });
  lenient = await startPartnerCenterEmulator();
});
afterAll(async () => {
  await emu.close();
  await lenient.close();
});
beforeEach(() => emu.reset());

const INTENT = { type: "CustomerMarketplaceIntent", id: "HaveNotDecided" };
const SERVICES = [
  { type: "PartnerRole", id: "SolutionDesign" },
  { type: "SolutionArea", id: "CloudAndAIPlatforms" },
  { type: "SolutionPlay", id: "MigrateAndModernizeYourEstate" },
];
const SOLUTION_1P = { id: "SOL-45678-JKL", type: "Name", solutionType: "1P" };
const SOLUTION_3P = { id: "SOL-12345-ABC", type: "Name", solutionType: "3P" };
const CONTACT = { firstName: "Ana", lastName: "Lopez", email: "ana@contoso.example", phoneNumber: "+1 425 555 0100" };

/** A create body: private by default; `coSell` asks for help (shared, Shared type). */
function body(opts: { attributes?: unknown[]; solutions?: unknown[]; coSell?: boolean; shared?: boolean; team?: unknown[] } = {}): Record<string, unknown> {
  const base = newReferralBody();
  const coSell = opts.coSell === true;
  return {
    ...base,
    type: coSell ? "Shared" : "Independent",
    customerProfile: { ...(base.customerProfile as object), team: opts.team ?? [CONTACT] },
    consent: { consentToContact: true, consentToToShareInfoWithOthers: false, consentToShareReferralWithMicrosoftSellers: opts.shared ?? coSell },
    details: {
      ...(base.details as object),
      requirements: { solutions: opts.solutions ?? [SOLUTION_1P], additionalRequirements: { attributes: opts.attributes ?? [INTENT] } },
    },
    ...(coSell ? { inviteContext: { assistanceRequestCode: "ProofOfConceptOrDemo" }, target: [{ type: "BusinessProfileLocation", id: "msft" }] } : {}),
  };
}

/** Expects the documented 400 and that nothing changed and no event was raised. */
async function refused(e: PartnerCenterEmulator, method: string, path: string, sent: unknown, message: RegExp, target: string): Promise<void> {
  const before = JSON.stringify(snapshot(e));
  const events = e.context.dispatcher.recentEvents().length;
  const res = await call(e, method, path, { body: sent, headers: method === "PUT" ? { "If-Match": "*" } : undefined });
  expect({ status: res.status, body: res.json }).toEqual({ status: 400, body: { error: { code: "invalidRequest", message: expect.stringMatching(message), target } } });
  expect(JSON.stringify(snapshot(e))).toBe(before);
  expect(e.context.dispatcher.recentEvents()).toHaveLength(events);
}

async function create(e: PartnerCenterEmulator, sent: Record<string, unknown>): Promise<Record<string, any>> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const res = await call(e, "POST", REFERRALS, { body: sent });
  expect(res.status).toBe(201);
  return res.json;
}

const ATTRIBUTES = "details.requirements.additionalRequirements.attributes";

describe("create: today's requirements (coSellCreateRules)", () => {
  it("refuses a referral without the purchase intent, and one with an intent Partner Center does not have", async () => {
    await refused(emu, "POST", REFERRALS, body({ attributes: [] }), /purchase intent is required.*CustomerMarketplaceIntent/, ATTRIBUTES);
    await refused(emu, "POST", REFERRALS, body({ attributes: [{ type: "CustomerMarketplaceIntent", id: "Maybe" }] }), /'Maybe' is not a CustomerMarketplaceIntent/, ATTRIBUTES);
    await refused(emu, "POST", REFERRALS, body({ attributes: [{ type: "CustomerMarketplaceIntent" }] }), /must be an attribute \{ type, id \}/, `${ATTRIBUTES}[0]`);
  });

  it("takes a private deal with its intent, keeps the attributes, and reads the intent's type and id in any case or at the top level", async () => {
    const r = await create(emu, body());
    expect(r.details.requirements.additionalRequirements.attributes).toEqual([INTENT]);
    await create(emu, body({ attributes: [{ type: "customermarketplaceintent", id: "yes" }] }));
    const top = body({ attributes: [] });
    top.customerMarketplaceIntent = "No";
    await create(emu, top);
  });

  it("refuses a co-sell referral not shared with Microsoft sellers, or without a customer contact with an email", async () => {
    await refused(emu, "POST", REFERRALS, body({ coSell: true, shared: false, attributes: [INTENT, ...SERVICES] }), /must be shared with Microsoft sellers/, "consent.consentToShareReferralWithMicrosoftSellers");
    await refused(emu, "POST", REFERRALS, body({ coSell: true, team: [], attributes: [INTENT, ...SERVICES] }), /needs a customer contact/, "customerProfile.team");
    await refused(emu, "POST", REFERRALS, body({ coSell: true, team: [{ firstName: "Ana" }], attributes: [INTENT, ...SERVICES] }), /needs a customer contact/, "customerProfile.team");
  });

  it("refuses a Services co-sell without its partner role, solution area and play, naming what is missing", async () => {
    await refused(emu, "POST", REFERRALS, body({ coSell: true }), /requires the attributes PartnerRole, SolutionArea, SolutionPlay/, ATTRIBUTES);
    await refused(emu, "POST", REFERRALS, body({ coSell: true, attributes: [INTENT, SERVICES[0], SERVICES[1]] }), /requires the attribute SolutionPlay\./, ATTRIBUTES);
    const r = await create(emu, body({ coSell: true, attributes: [INTENT, ...SERVICES] }));
    expect(r).toMatchObject({ type: "Shared", inviteContext: { assistanceRequestCode: "ProofOfConceptOrDemo" }, target: [{ type: "BusinessProfileLocation", id: "msft" }] });
  });

  it("takes an IP co-sell (a co-sell ready partner solution) without partner role, area or play", async () => {
    await create(emu, body({ coSell: true, solutions: [SOLUTION_3P] }));
  });

  it("is off unless asked for: the shipped flows do not send the typed attributes yet", async () => {
    await create(lenient, newReferralBody());
  });
});

describe("update: what Partner Center will not change", () => {
  it("refuses any change to a referral that is Won, Lost, Declined or Expired", async () => {
    for (const substatus of ["Won", "Lost", "Declined", "Expired"]) {
      const r = await create(emu, { ...body(), status: "Closed", substatus });
      await refused(emu, "PATCH", `${REFERRALS}/${r.id}`, [{ op: "replace", path: "/details/dealValue", value: 1 }], new RegExp(`Closed / ${substatus}: it takes no more changes`), "status");
    }
  });

  it("refuses a change of the customer contact once shared for co-sell; a partner-led referral's contact may change", async () => {
    const coSell = await create(emu, body({ coSell: true, attributes: [INTENT, ...SERVICES] }));
    const other = { firstName: "Lee", lastName: "Chen", email: "lee@contoso.example" };
    await refused(emu, "PATCH", `${REFERRALS}/${coSell.id}`, [{ op: "add", path: "/customerProfile/team/-", value: other }], /customer contact cannot change once the referral is shared with Microsoft for co-sell/, "customerProfile.team");
    const partnerLed = await create(emu, body({ shared: true }));
    const res = await call(emu, "PATCH", `${REFERRALS}/${partnerLed.id}`, { body: [{ op: "add", path: "/customerProfile/team/-", value: other }] });
    expect(res.status).toBe(204);
  });

  it("refuses, by PUT, a change of the customer, its ids, the typed attributes or the help asked; the same values in another order are no change", async () => {
    const r = await create(emu, body({ coSell: true, attributes: [INTENT, ...SERVICES] }));
    const { links: _links, ...stored } = (await call(emu, "GET", `${REFERRALS}/${r.id}`)).json;
    const put = (change: (x: Record<string, any>) => void) => { // eslint-disable-line @typescript-eslint/no-explicit-any
      const x = JSON.parse(JSON.stringify(stored));
      change(x);
      return x;
    };
    const at = `${REFERRALS}/${r.id}`;
    await refused(emu, "PUT", at, put((x) => (x.customerProfile.name = "Contoso Holdings")), /'customerProfile.name' is fixed when the referral is created/, "customerProfile.name");
    await refused(emu, "PUT", at, put((x) => (x.customerProfile.address.city = "Seattle")), /'customerProfile.address' is fixed/, "customerProfile.address");
    await refused(emu, "PUT", at, put((x) => (x.customerProfile.ids = [{ profileType: "Duns", id: "150483782" }])), /'customerProfile.ids' is fixed/, "customerProfile.ids");
    await refused(emu, "PUT", at, put((x) => (x.details.requirements.additionalRequirements.attributes[1].id = "DeploymentServices")), /attributes' is fixed/, ATTRIBUTES);
    await refused(emu, "PUT", at, put((x) => (x.inviteContext.assistanceRequestCode = "Unknown")), /help asked from Microsoft cannot change or be withdrawn/, "inviteContext.assistanceRequestCode");
    await refused(emu, "PUT", at, put((x) => (x.inviteContext.assistanceRequestCode = "QuotesOrLicensing")), /help asked from Microsoft cannot change/, "inviteContext.assistanceRequestCode");
    const reordered = put((x) => {
      const { city, addressLine1, ...rest } = x.customerProfile.address;
      x.customerProfile.address = { ...rest, city, addressLine1 };
      x.details.dealValue = 150000;
    });
    const res = await call(emu, "PUT", at, { body: reordered, headers: { "If-Match": "*" } });
    expect([res.status, res.json?.details?.dealValue]).toEqual([200, 150000]);
  });

  it("refuses the typed attributes in a PATCH: the connector's paths leave them out", async () => {
    const r = await create(emu, body());
    await refused(emu, "PATCH", `${REFERRALS}/${r.id}`, [{ op: "replace", path: "/details/requirements/additionalRequirements/attributes", value: [] }], /cannot be patched/, "[0].path");
  });
});

describe("deal registration (CreateDealRegistrationByReferralId, PatchDealRegistrationByReferralId)", () => {
  const REGISTRATION = {
    type: "AzureIPCoSell",
    solutionDetails: [{ id: "SOL-12345-ABC", currency: "USD", value: 180000, isDeployedOnAzure: true, primaryDeploymentOn: "Customer", pricingModel: "PayAsYouGo", marketplaceTransactionDetails: { isMarketplaceTransacted: false, marketplaceTransactionDateTime: null } }],
    contract: { currency: "USD", value: 180000, term: "Finite", startDateTime: "2027-01-01T00:00:00Z", endDateTime: "2029-12-31T00:00:00Z", signDateTime: "2026-12-15T00:00:00Z" },
  };
  const add = (value: unknown) => [{ op: "add", path: "/registrations/-", value }];
  /** A won co-sell referral naming the partner solution. */
  const won = () => create(emu, { ...body({ coSell: true, solutions: [SOLUTION_3P] }), status: "Closed", substatus: "Won" });

  it("registers a won co-sell deal: ReviewPending, an id and its time come back, and the call is logged as the connector's operation", async () => {
    const r = await won();
    const res = await call(emu, "PATCH", `${REFERRALS}/${r.id}/`, { body: add(REGISTRATION), headers: { Prefer: "return=representation" } });
    expect(res.status).toBe(200);
    expect(res.json.registrationStatus).toBe("ReviewPending");
    expect(res.json.registrations).toEqual([{ ...REGISTRATION, id: expect.stringMatching(/^[0-9a-f-]{36}$/), registrationDateTime: expect.any(String), status: "ReviewPending", statusReason: "", statusHistory: expect.objectContaining({ reviewPendingDateTime: expect.any(String) }) }]);
    expect(res.json.eTag).not.toBe(r.eTag);
    const log = (await call(emu, "GET", "/_emulator/calls?method=PATCH")).json.value.map((c: { operation: string }) => c.operation);
    expect(log).toEqual(["createDealRegistration"]);
    await refused(emu, "PATCH", `${REFERRALS}/${r.id}/`, add(REGISTRATION), /already registered/, "registrations");
  });

  it("refuses a deal that is not won, or private, with the reason", async () => {
    const open = await create(emu, body({ coSell: true, solutions: [SOLUTION_3P] }));
    await refused(emu, "PATCH", `${REFERRALS}/${open.id}/`, add(REGISTRATION), /Only a won deal can be registered: the referral is Active \/ Accepted/, "status");
    const privateWon = await create(emu, { ...body({ solutions: [SOLUTION_3P] }), status: "Closed", substatus: "Won" });
    await refused(emu, "PATCH", `${REFERRALS}/${privateWon.id}/`, add(REGISTRATION), /A private deal cannot be registered/, "consent.consentToShareReferralWithMicrosoftSellers");
  });

  it("refuses a contract under USD 25,000, a solution the deal does not name, a finite contract without its end, an unknown type", async () => {
    const r = await won();
    const at = `${REFERRALS}/${r.id}/`;
    await refused(emu, "PATCH", at, add({ ...REGISTRATION, contract: { ...REGISTRATION.contract, value: 24999 } }), /24999 USD is below the 25,000 USD/, "registrations[0].contract.value".replace("registrations[0]", "[0].value"));
    await refused(emu, "PATCH", at, add({ ...REGISTRATION, solutionDetails: [{ ...REGISTRATION.solutionDetails[0], id: "SOL-99999-ZZZ" }] }), /'SOL-99999-ZZZ' is not one of the referral's solutions/, "[0].value.solutionDetails[0].id");
    await refused(emu, "PATCH", at, add({ ...REGISTRATION, contract: { ...REGISTRATION.contract, endDateTime: null } }), /'\[0\]\.value\.contract\.endDateTime' is required/, "[0].value.contract.endDateTime");
    await refused(emu, "PATCH", at, add({ ...REGISTRATION, type: "Incentive" }), /not valid for '\[0\]\.value\.type'/, "[0].value.type");
    // a contract in another currency: no rate to compare, Partner Center decides later
    const eur = await call(emu, "PATCH", at, { body: add({ ...REGISTRATION, contract: { ...REGISTRATION.contract, currency: "EUR", value: 20000 } }) });
    expect(eur.status).toBe(204);
  });

  it("changes a registration on the connector's paths only, not before it exists, and never mixed with the referral's own paths", async () => {
    const r = await won();
    const at = `${REFERRALS}/${r.id}//`;
    await refused(emu, "PATCH", at, [{ op: "replace", path: "/registrations/0/contract/value", value: 200000 }], /has no registration to change/, "registrations");
    expect((await call(emu, "PATCH", `${REFERRALS}/${r.id}/`, { body: add(REGISTRATION) })).status).toBe(204);
    const res = await call(emu, "PATCH", at, { body: [{ op: "replace", path: "/registrations/0/contract/value", value: 200000 }, { op: "replace", path: "/registrations/0/solutionDetails/0/pricingModel", value: "Other" }], headers: { Prefer: "return=representation" } });
    expect(res.status).toBe(200);
    expect(res.json.registrations[0]).toMatchObject({ contract: { value: 200000 }, solutionDetails: [{ pricingModel: "Other" }], status: "ReviewPending" });
    await refused(emu, "PATCH", at, [{ op: "replace", path: "/registrations/0/status", value: "Approved" }], /cannot be patched/, "[0].path");
    await refused(emu, "PATCH", at, [{ op: "replace", path: "/registrations/0/contract/term", value: "Forever" }], /not valid for 'registrations.0.contract.term'/, "registrations.0.contract.term");
    await refused(emu, "PATCH", at, [{ op: "replace", path: "/registrations/0/contract/value", value: 1000 }], /1000 USD is below/, "registrations[0].contract.value");
    await refused(emu, "PATCH", at, [{ op: "replace", path: "/registrations/0/contract/value", value: 300000 }, { op: "replace", path: "/details/dealValue", value: 1 }], /names \/registrations paths only/, "[0].path");
    const log = (await call(emu, "GET", "/_emulator/calls?method=PATCH")).json.value.map((c: { operation: string }) => c.operation);
    expect(log).toContain("patchDealRegistration");
  });

  it("shows Microsoft's review when it comes (control API)", async () => {
    const r = await won();
    await call(emu, "PATCH", `${REFERRALS}/${r.id}/`, { body: add(REGISTRATION) });
    const review = await call(emu, "PATCH", `/_emulator/referrals/${r.id}?force=true`, { body: [{ op: "replace", path: "/registrationStatus", value: "Approved" }, { op: "replace", path: "/registrations/0/status", value: "Approved" }] });
    expect(review.status).toBe(200);
    expect((await call(emu, "GET", `${REFERRALS}/${r.id}`)).json).toMatchObject({ registrationStatus: "Approved", registrations: [{ status: "Approved" }] });
  });

  it("takes the bodies the rulebook builds (test-vectors/registration.json): the create, then each update", async () => {
    type Case = { name: string; snapshot: OpportunitySnapshot; current?: DealRegistration; expected: { create?: unknown; ok: boolean } };
    for (const c of registrationVectors.cases as unknown as Case[]) {
      if (!c.expected.create) continue;
      const solutions = (c.snapshot.solutions ?? []).map((s) => ({ id: String(s.pcs_solutionid), type: "Name" }));
      const shared = c.snapshot.opportunity.pcs_referralvisibility === true;
      const r = await create(emu, { ...body({ solutions, shared, attributes: [INTENT] }), status: "Closed", substatus: "Won" });
      const created = await call(emu, "PATCH", `${REFERRALS}/${r.id}/`, { body: createRegistrationPatch(c.snapshot), headers: { Prefer: "return=representation" } });
      expect([c.name, created.status]).toEqual([c.name, 200]);
      const registered = created.json.registrations[0] as DealRegistration;
      expect(updateRegistrationPatch(registered, c.snapshot)).toEqual([]); // what Partner Center holds is what the CRM says
      const changed = { ...c.snapshot, opportunity: { ...c.snapshot.opportunity, pcs_contractvalue: 300000 } };
      const update = await call(emu, "PATCH", `${REFERRALS}/${r.id}//`, { body: updateRegistrationPatch(registered, changed) });
      expect([c.name, update.status]).toEqual([c.name, 204]);
    }
  });
});
