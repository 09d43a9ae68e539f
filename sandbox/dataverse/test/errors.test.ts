/**
 * Errors in Dataverse's shape and codes; a bad request changes nothing; the bearer token.
 */
import { OPPORTUNITY } from "../../../plugins-ts/src/model/schema";
import { ErrorCodes } from "../src";
import { fixtureBase64 } from "./fixture-solution";
import { failure, raw, startHarness, type Harness } from "./helpers";

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
  await h.api.callAction({ actionName: "ImportSolution", action: { CustomizationFile: fixtureBase64(), OverwriteUnmanagedCustomizations: true, PublishWorkflows: false } });
});

afterAll(async () => {
  await h.emu.close();
});

beforeEach(async () => {
  await h.emu.reset({ keepCustomizations: true });
});

/** Every row of the business tables, to prove a failed request wrote nothing. */
async function snapshot() {
  const out: Record<string, unknown[]> = {};
  for (const c of ["accounts", "contacts", "opportunities", "leads", "callbackregistrations"]) out[c] = (await h.api.retrieveMultiple({ collection: c })).value;
  return out;
}

test("each kind of bad write answers Dataverse's error and changes nothing", async () => {
  const acct = (await h.api.create({ collection: "accounts", data: { name: "Existing" } })) as string;
  await h.api.create({ collection: "opportunities", data: { name: "Has key", [OPPORTUNITY.referralIdentifier]: "REF-1" } });
  const before = await snapshot();

  const unknownColumn = await failure(h.api.create({ collection: "accounts", data: { Name: "Wrong case" } }));
  expect(unknownColumn).toMatchObject({ status: 400, code: ErrorCodes.ODataClientPayloadError });
  expect(unknownColumn.message).toContain("Invalid property 'Name' was found in entity 'Microsoft.Dynamics.CRM.account'");

  const unknownNav = await failure(h.api.create({ collection: "contacts", data: { lastname: "x", "parentcustomerid@odata.bind": `/accounts(${acct})` } }));
  expect(unknownNav).toMatchObject({ status: 400, code: ErrorCodes.ODataClientPayloadError });
  expect(unknownNav.message).toContain("An undeclared property 'parentcustomerid' which only has property annotations in the payload");

  const wrongType = await failure(h.api.create({ collection: "accounts", data: { name: "x", numberofemployees: "many" } }));
  expect(wrongType).toMatchObject({ status: 400, code: ErrorCodes.ODataClientPayloadError });
  expect(wrongType.message).toContain("Cannot convert the literal 'many' to the expected type 'Edm.Int32'");

  const tooLong = await failure(h.api.create({ collection: "accounts", data: { name: "x".repeat(161) } }));
  expect(tooLong).toMatchObject({ status: 400, code: ErrorCodes.MaxLengthExceeded });
  expect(tooLong.message).toContain("The length of the 'name' attribute of the 'account' entity exceeded the maximum allowed length of '160'");

  const badChoice = await failure(h.api.create({ collection: "opportunities", data: { name: "x", [OPPORTUNITY.syncStatus]: 42 } }));
  expect(badChoice).toMatchObject({ status: 400, code: ErrorCodes.PicklistValueOutOfRange });

  const missingRequired = await failure(h.api.create({ collection: "callbackregistrations", data: { name: "no entity", message: 1, scope: 4, url: "http://127.0.0.1:1/x" } }));
  expect(missingRequired).toMatchObject({ status: 400, code: ErrorCodes.RequiredFieldMissing });
  expect(missingRequired.message).toContain("'entityname'");

  const duplicateKey = await failure(h.api.create({ collection: "opportunities", data: { name: "Dup", [OPPORTUNITY.referralIdentifier]: "ref-1" } }));
  expect(duplicateKey).toMatchObject({ status: 412, code: ErrorCodes.DuplicateRecordEntityKey });

  const bindMissing = await failure(h.api.create({ collection: "opportunities", data: { name: "x", "customerid_account@odata.bind": "/accounts(00000000-0000-0000-0000-00000000abcd)" } }));
  expect(bindMissing).toMatchObject({ status: 404, code: ErrorCodes.ObjectDoesNotExist });

  const wonByPatch = await failure(h.api.update({ collection: "opportunities", key: `${OPPORTUNITY.referralIdentifier}='REF-1'`, data: { statecode: 1, statuscode: 3 } }));
  expect(wonByPatch).toMatchObject({ status: 400, code: ErrorCodes.CannotUseOpportunitySetStateMessage });

  const badJson = await raw(h.emu, "POST", "accounts", { body: "{not json" });
  expect(badJson.status).toBe(400);
  expect(badJson.json.error.code).toBe(ErrorCodes.ODataClientPayloadError);

  const wrongCurrency = await failure(h.api.create({ collection: "transactioncurrencies", data: { currencyname: "Dollar again", isocurrencycode: "usd", currencysymbol: "$", exchangerate: 1, currencyprecision: 2 } }));
  expect(wrongCurrency).toMatchObject({ code: ErrorCodes.DuplicateIsoCurrencyCode });

  expect(await snapshot()).toEqual(before);
});

test("the error body has Dataverse's shape", async () => {
  const res = await raw(h.emu, "GET", "accounts(00000000-0000-0000-0000-000000000009)");
  expect(res.status).toBe(404);
  expect(res.headers.get("content-type")).toBe("application/json; odata.metadata=minimal");
  expect(res.headers.get("odata-version")).toBe("4.0");
  expect(res.json).toEqual({ error: { code: ErrorCodes.ObjectDoesNotExist, message: "account With Id = 00000000-0000-0000-0000-000000000009 Does Not Exist" } });
});

test("a bearer token is required", async () => {
  const none = await raw(h.emu, "GET", "accounts", { auth: false });
  expect(none.status).toBe(401);
  expect(none.headers.get("www-authenticate")).toMatch(/^Bearer authorization_uri=/);
  const wrong = await raw(h.emu, "GET", "accounts", { auth: false, headers: { Authorization: "Bearer not-the-token" } });
  expect(wrong.status).toBe(401);
  expect((await raw(h.emu, "GET", "accounts")).status).toBe(200);
  expect(h.emu.calls().slice(-3).map((c) => c.status)).toEqual([401, 401, 200]);
});
