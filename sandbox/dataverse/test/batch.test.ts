/**
 * $batch through dynamics-web-api: change sets are atomic, Content-ID references resolve, a batch
 * that fails half-way leaves nothing behind.
 */
import { OPPORTUNITY } from "../../../plugins-ts/src/model/schema";
import { ErrorCodes } from "../src";
import { fixtureBase64 } from "./fixture-solution";
import { raw, startHarness, type Harness } from "./helpers";

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

const countOf = async (collection: string) => (await h.api.retrieveMultiple({ collection })).value.length;

test("a change set commits as a whole and Content-ID references resolve", async () => {
  h.api.startBatch();
  h.api.create({ collection: "accounts", data: { name: "Batch account" }, contentId: "1" });
  h.api.create({ collection: "contacts", data: { lastname: "Batch contact", "parentcustomerid_account@odata.bind": "$1" }, contentId: "2" });
  h.api.create({ collection: "opportunities", data: { name: "Batch deal", "customerid_account@odata.bind": "$1", "parentcontactid@odata.bind": "$2" } });
  h.api.update({ contentId: "$1", data: { address1_country: "GB" } });
  const results = (await h.api.executeBatch()) as string[];
  expect(results).toHaveLength(4);
  const [accountId, contactId, oppId] = results;
  const opp = await h.api.retrieve<Record<string, unknown>>({ collection: "opportunities", key: oppId, select: ["_customerid_value", "_parentcontactid_value"] });
  expect(opp).toMatchObject({ _customerid_value: accountId, _parentcontactid_value: contactId });
  expect((await h.api.retrieve<{ address1_country: string }>({ collection: "accounts", key: accountId, select: ["address1_country"] })).address1_country).toBe("GB");
});

test("a change set that fails half-way leaves nothing behind", async () => {
  const before = { accounts: await countOf("accounts"), contacts: await countOf("contacts"), opportunities: await countOf("opportunities") };
  await h.api.create({ collection: "opportunities", data: { name: "Existing", [OPPORTUNITY.referralIdentifier]: "REF-DUP" } });
  const calls = h.emu.calls().length;
  h.api.startBatch();
  h.api.create({ collection: "accounts", data: { name: "Should vanish" }, contentId: "1" });
  h.api.create({ collection: "contacts", data: { lastname: "Should vanish", "parentcustomerid_account@odata.bind": "$1" } });
  h.api.create({ collection: "opportunities", data: { name: "Duplicate", [OPPORTUNITY.referralIdentifier]: "REF-DUP" } });
  h.api.create({ collection: "accounts", data: { name: "Never reached" } });
  let error: unknown;
  try {
    await h.api.executeBatch();
  } catch (e) {
    error = e;
  }
  // dynamics-web-api rejects a failed batch with the parsed parts: here only the failing request's.
  const failures = error as Array<{ status: number; error: { code: string; message: string } }>;
  expect(failures).toHaveLength(1);
  expect(failures[0].status).toBe(412);
  expect(failures[0].error.code).toBe(ErrorCodes.DuplicateRecordEntityKey);
  expect(failures[0].error.message).toMatch(/^Entity Key pcs_referralidentifier_key violated/);
  expect(await countOf("accounts")).toBe(before.accounts);
  expect(await countOf("contacts")).toBe(before.contacts);
  expect(await countOf("opportunities")).toBe(before.opportunities + 1);
  const batchCalls = h.emu.calls().slice(calls);
  expect(batchCalls.filter((c) => c.path.endsWith("$batch"))).toEqual([expect.objectContaining({ method: "POST", status: 400 })]);
});

test("requests outside change sets run independently; without continue-on-error the batch stops at the first failure", async () => {
  const body = [
    "--batch_A",
    "Content-Type: application/http",
    "Content-Transfer-Encoding: binary",
    "",
    "POST /api/data/v9.2/accounts HTTP/1.1",
    "Content-Type: application/json",
    "",
    '{"name":"Kept"}',
    "--batch_A",
    "Content-Type: application/http",
    "Content-Transfer-Encoding: binary",
    "",
    "POST /api/data/v9.2/accounts HTTP/1.1",
    "Content-Type: application/json",
    "",
    '{"name":5}',
    "--batch_A",
    "Content-Type: application/http",
    "Content-Transfer-Encoding: binary",
    "",
    "GET /api/data/v9.2/accounts?$select=name HTTP/1.1",
    "",
    "",
    "--batch_A--",
    "",
  ].join("\r\n");
  const res = await raw(h.emu, "POST", "$batch", { body, headers: { "Content-Type": 'multipart/mixed; boundary="batch_A"' } });
  expect(res.status).toBe(400);
  expect(res.text).toContain("HTTP/1.1 204 No Content");
  expect(res.text).toContain(ErrorCodes.ODataClientPayloadError);
  expect(res.text).not.toContain("HTTP/1.1 200 OK");
  expect((await h.api.retrieveMultiple<{ name: string }>({ collection: "accounts", select: ["name"] })).value.map((a) => a.name)).toEqual(["Kept"]);

  const cont = await raw(h.emu, "POST", "$batch", { body, headers: { "Content-Type": "multipart/mixed;boundary=batch_A", Prefer: "odata.continue-on-error" } });
  expect(cont.status).toBe(200);
  expect(cont.text).toContain("HTTP/1.1 200 OK");
});

test("a GET inside a batch returns data; $batch inner calls are logged with their batch", async () => {
  await h.api.create({ collection: "accounts", data: { name: "Listed" } });
  h.api.startBatch();
  h.api.retrieveMultiple({ collection: "accounts", select: ["name"] });
  h.api.create({ collection: "accounts", data: { name: "Created in batch" } });
  const [list] = (await h.api.executeBatch()) as Array<{ value: Array<{ name: string }> }>;
  expect(list.value.map((a) => a.name)).toEqual(["Listed"]);
  const calls = h.emu.calls();
  const batch = calls.find((c) => c.path.endsWith("$batch"));
  expect(calls.filter((c) => c.inBatch === batch?.seq).map((c) => c.method)).toEqual(["GET", "POST"]);
});
