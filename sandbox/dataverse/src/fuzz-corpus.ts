/**
 * Valid Web API requests the fuzzer (../../shared/src/fuzz.ts) starts from: reads with query options,
 * creates, updates, single-property writes, deletes, actions, metadata, $batch and the control API's
 * reads. Rows they name are created by fuzzTarget() first, with fixed ids, so a seed always replays the
 * same requests. Used by test/fuzz.test.ts and scripts/src/bench/fuzz.bench.ts.
 */
import type { FuzzRequest, FuzzTarget, Rand } from "../../shared/src/fuzz";
import type { DataverseEmulator } from "./server";

const ACCOUNTS = ["a0000000-0000-4000-8000-000000000001", "a0000000-0000-4000-8000-000000000002", "a0000000-0000-4000-8000-000000000003"];
const CONTACTS = ["c0000000-0000-4000-8000-000000000001", "c0000000-0000-4000-8000-000000000002"];
const OPPORTUNITIES = ["0a000000-0000-4000-8000-000000000001", "0a000000-0000-4000-8000-000000000002"];
const LEADS = ["1e000000-0000-4000-8000-000000000001", "1e000000-0000-4000-8000-000000000002"];

const FILTERS = [
  "name eq 'Contoso'",
  "startswith(name,'Con') and numberofemployees gt 10",
  "contains(name,'o') or revenue le 1000000",
  "not (numberofemployees lt 5)",
  "_primarycontactid_value eq c0000000-0000-4000-8000-000000000001",
  "primarycontactid/lastname eq 'Lopez'",
  "contact_customer_accounts/any(c:c/lastname eq 'Lopez')",
  "Microsoft.Dynamics.CRM.In(PropertyName='name',PropertyValues=['A','B'])",
  "Microsoft.Dynamics.CRM.Null(PropertyName='websiteurl')",
  "createdon ge 2020-01-01T00:00:00Z",
  "name eq null",
];

/** One valid request, picked at random. */
function corpus(r: Rand, emu: DataverseEmulator): FuzzRequest {
  const api = "/api/data/v9.2/";
  const auth = { Authorization: `Bearer ${emu.token}`, Accept: "application/json", "OData-Version": "4.0" };
  const json = { ...auth, "Content-Type": "application/json" };
  const account = r.pick(ACCOUNTS);
  const name = r.pick(["Contoso", "Fabrikam", "Northwind", "A. Datum"]);
  switch (r.int(0, 19)) {
    case 0:
      return { method: "GET", path: `${api}accounts?$select=name,numberofemployees&$filter=${encodeURIComponent(r.pick(FILTERS))}&$top=5`, headers: auth };
    case 1:
      return { method: "GET", path: `${api}accounts(${account})?$select=name&$expand=primarycontactid($select=fullname)`, headers: { ...auth, Prefer: 'odata.include-annotations="*"' } };
    case 2:
      return { method: "GET", path: `${api}contacts?$select=lastname&$orderby=lastname desc&$count=true`, headers: { ...auth, Prefer: "odata.maxpagesize=1" } };
    case 3:
      return { method: "GET", path: `${api}opportunities/$count`, headers: auth };
    case 4:
      return { method: "POST", path: `${api}accounts`, headers: { ...json, Prefer: "return=representation" }, body: JSON.stringify({ name, numberofemployees: r.int(1, 500), revenue: 1234.5, "primarycontactid@odata.bind": `/contacts(${r.pick(CONTACTS)})` }) };
    case 5:
      return { method: "PATCH", path: `${api}accounts(${account})`, headers: { ...json, "If-Match": "*" }, body: JSON.stringify({ name, websiteurl: "https://contoso.example" }) };
    case 6:
      return { method: "PUT", path: `${api}accounts(${account})/name`, headers: json, body: JSON.stringify({ value: name }) };
    case 7:
      return { method: "POST", path: `${api}contacts`, headers: json, body: JSON.stringify({ firstname: "Ana", lastname: "Lopez", emailaddress1: "ana@contoso.example", "parentcustomerid_account@odata.bind": `/accounts(${account})` }) };
    case 8:
      return { method: "POST", path: `${api}opportunities`, headers: json, body: JSON.stringify({ name: `${name} deal`, estimatedvalue: 1000, "customerid_account@odata.bind": `/accounts(${account})` }) };
    case 9:
      return { method: "PATCH", path: `${api}opportunities(${r.pick(OPPORTUNITIES)})`, headers: json, body: JSON.stringify({ description: "Updated", closeprobability: r.int(0, 100) }) };
    case 10:
      return { method: "DELETE", path: `${api}contacts(${r.pick(CONTACTS)})`, headers: auth };
    case 11:
      return { method: "GET", path: `${api}WhoAmI`, headers: auth };
    case 12:
      return {
        method: "POST",
        path: `${api}WinOpportunity`,
        headers: json,
        body: JSON.stringify({ Status: 3, OpportunityClose: { subject: "Won", "opportunityid@odata.bind": `/opportunities(${r.pick(OPPORTUNITIES)})` } }),
      };
    case 13:
      return { method: "POST", path: `${api}leads(${r.pick(LEADS)})/Microsoft.Dynamics.CRM.QualifyLead`, headers: json, body: JSON.stringify({ CreateAccount: false, CreateContact: false, CreateOpportunity: true, Status: 3 }) };
    case 14:
      return { method: "GET", path: `${api}EntityDefinitions(LogicalName='account')/Attributes?$select=LogicalName`, headers: auth };
    case 15: {
      const b = "batch_fuzz";
      const body = `--${b}\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\nGET ${api}accounts?$select=name&$top=1 HTTP/1.1\r\nAccept: application/json\r\n\r\n--${b}\r\nContent-Type: multipart/mixed; boundary=cs\r\n\r\n--cs\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\nContent-ID: 1\r\n\r\nPOST ${api}accounts HTTP/1.1\r\nContent-Type: application/json\r\n\r\n{"name":"${name}"}\r\n--cs--\r\n--${b}--\r\n`;
      return { method: "POST", path: `${api}$batch`, headers: { ...auth, "Content-Type": `multipart/mixed; boundary=${b}` }, body };
    }
    case 16:
      return { method: "POST", path: `${api}leads`, headers: json, body: JSON.stringify({ subject: "Interested", lastname: "Lee", companyname: name }) };
    case 17:
      return { method: "GET", path: `/_emulator/${r.pick(["state", "calls?after=0", "notifications"])}`, headers: { Accept: "application/json" } };
    case 18:
      return { method: "PATCH", path: `${api}accounts(accountnumber='A-1')`, headers: json, body: JSON.stringify({ name }) };
    default:
      return { method: "GET", path: `${api}leads?$select=subject&$filter=${encodeURIComponent("statecode eq 0")}`, headers: auth };
  }
}

/** Seed the rows the corpus names, and describe the emulator as a fuzz target. */
export async function dataverseFuzzTarget(emu: DataverseEmulator): Promise<FuzzTarget> {
  const post = async (set: string, body: Record<string, unknown>) => {
    const res = await fetch(`${emu.apiUrl}${set}`, { method: "POST", headers: { Authorization: `Bearer ${emu.token}`, "Content-Type": "application/json" }, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`seeding ${set} failed: ${res.status} ${await res.text()}`);
  };
  for (const [i, id] of CONTACTS.entries()) await post("contacts", { contactid: id, firstname: "Ana", lastname: i ? "Lopez" : "Lee" });
  for (const id of ACCOUNTS) await post("accounts", { accountid: id, name: "Contoso", numberofemployees: 50, "primarycontactid@odata.bind": `/contacts(${CONTACTS[0]})` });
  for (const id of OPPORTUNITIES) await post("opportunities", { opportunityid: id, name: "Deal", "customerid_account@odata.bind": `/accounts(${ACCOUNTS[0]})` });
  for (const id of LEADS) await post("leads", { leadid: id, subject: "Lead", lastname: "Lee" });
  return {
    origin: emu.url,
    corpus: (r) => corpus(r, emu),
    fingerprint: () => emu.stateDigest(),
    probe: { method: "GET", path: "/api/data/v9.2/WhoAmI", headers: { Authorization: `Bearer ${emu.token}` } },
  };
}
