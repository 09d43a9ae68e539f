/**
 * Valid requests the fuzzer (../../shared/src/fuzz.ts) starts from: the Referrals API (list with query
 * options, create, get, PUT, JSON Patch), the webhook registration API and the control API's referral
 * operations. Fault injection and reset are left out (a fault answers what it is told to, 500
 * included). Webhook URLs point at a closed loopback port, never elsewhere. Referrals the corpus names
 * are created by partnerCenterFuzzTarget() with fixed ids, so a seed replays the same requests.
 */
import type { FuzzRequest, FuzzTarget, Rand } from "../../shared/src/fuzz";
import type { PartnerCenterEmulator } from "./emulator";

const REFERRALS = ["7e000000-0000-4000-8000-000000000001", "7e000000-0000-4000-8000-000000000002", "7e000000-0000-4000-8000-000000000003"];
const DEAD_RECEIVER = "http://127.0.0.1:9/webhook";

const FILTERS = [
  "status eq 'New' and qualification eq 'SalesQualified'",
  "customerProfile/address/country eq 'US' and direction eq 'Incoming'",
  "(type eq 'Shared' and direction eq 'Incoming')",
  "team/any(t:t/email eq 'sam@fabrikam.example')",
  "updatedDateTime gt 2020-01-01T00:00:00Z",
  "engagementId eq '7e000000-0000-4000-8000-000000000001'",
  "not (status eq 'Closed')",
];

const referral = (name: string) => ({
  name,
  type: "Independent",
  qualification: "SalesQualified",
  customerProfile: { name: "Contoso", address: { addressLine1: "1 Way", city: "Redmond", postalCode: "98052", country: "US" }, team: [{ firstName: "Ana", lastName: "Lopez", email: "ana@contoso.example" }] },
  consent: { consentToContact: true, consentToToShareInfoWithOthers: false, consentToShareReferralWithMicrosoftSellers: false },
  details: { dealValue: 1000, currency: "USD", closingDateTime: "2027-01-01T00:00:00Z", notes: "n", requirements: { solutions: [{ id: "SOL-1", type: "Name" }] } },
  team: [{ firstName: "Sam", lastName: "Seller", email: "sam@fabrikam.example" }],
});

function corpus(r: Rand, emu: PartnerCenterEmulator): FuzzRequest {
  const api = "/v1.0/engagements/referrals";
  const auth = { Authorization: `Bearer ${emu.token}`, Accept: "application/json" };
  const json = { ...auth, "Content-Type": "application/json" };
  const control = { "Content-Type": "application/json", Accept: "application/json" };
  const id = r.pick(REFERRALS);
  switch (r.int(0, 14)) {
    case 0:
      return { method: "GET", path: `${api}?$filter=${encodeURIComponent(r.pick(FILTERS))}&$orderby=updatedDateTime desc&$top=10&$count=true`, headers: auth };
    case 1:
      return { method: "GET", path: `${api}/${id}`, headers: auth };
    case 2:
      return { method: "POST", path: api, headers: json, body: JSON.stringify(referral(r.pick(["Contoso deal", "Fabrikam deal"]))) };
    case 3:
      return { method: "PUT", path: `${api}/${id}`, headers: { ...json, "If-Match": "*" }, body: JSON.stringify({ ...referral("Replaced"), id, status: "Active", substatus: "Accepted" }) };
    case 4:
      return {
        method: "PATCH",
        path: `${api}/${id}`,
        headers: { ...json, Prefer: "return=representation" },
        body: JSON.stringify([{ op: "replace", path: "/details/notes", value: "patched" }, { op: "add", path: "/team/-", value: { firstName: "Kim", lastName: "Ng", email: "kim@fabrikam.example" } }]),
      };
    case 5:
      return { method: "PATCH", path: `${api}/${id}`, headers: json, body: JSON.stringify([{ op: "replace", path: "/status", value: "Closed" }, { op: "replace", path: "/substatus", value: "Won" }]) };
    case 6:
      return { method: "GET", path: `/engagements/v1/referrals/${id}`, headers: auth };
    case 7:
      return { method: "GET", path: "/webhooks/v1/registration", headers: auth };
    case 8:
      return { method: r.pick(["POST", "PUT"]), path: "/webhooks/v1/registration", headers: json, body: JSON.stringify({ WebhookUrl: DEAD_RECEIVER, WebhookEvents: ["referral-created", "referral-updated"] }) };
    case 9:
      return { method: "GET", path: "/webhooks/v1/registration/events", headers: auth };
    case 10:
      return { method: "POST", path: "/_emulator/referrals", headers: control, body: JSON.stringify({ name: "Shared by Microsoft", details: { dealValue: 5, currency: "EUR" } }) };
    case 11:
      return { method: "PATCH", path: `/_emulator/referrals/${id}`, headers: control, body: JSON.stringify({ details: { notes: "changed by Microsoft" } }) };
    case 12:
      return { method: "POST", path: `/_emulator/referrals/${id}/related`, headers: control, body: JSON.stringify({ microsoftMsxId: "7-ABCDEF1234" }) };
    case 13:
      return { method: "GET", path: `/_emulator/${r.pick(["referrals", "calls?after=0", "events", "deliveries", "signing"])}`, headers: { Accept: "application/json" } };
    default:
      return { method: "GET", path: `${api}?$select=id,name,status&$top=2`, headers: auth };
  }
}

/** Seed the referrals the corpus names, and describe the emulator as a fuzz target. */
export async function partnerCenterFuzzTarget(emu: PartnerCenterEmulator): Promise<FuzzTarget> {
  const res = await fetch(`${emu.controlUrl}/referrals`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(REFERRALS.map((id) => ({ id, name: "Seeded" }))),
  });
  if (!res.ok) throw new Error(`seeding referrals failed: ${res.status} ${await res.text()}`);
  return {
    origin: emu.url,
    corpus: (r) => corpus(r, emu),
    // what is stored, and the events raised (a refused request raises none)
    fingerprint: () => JSON.stringify([emu.context.store.snapshot(), emu.context.dispatcher.recentEvents().at(-1)?.seq ?? 0]),
    probe: { method: "GET", path: "/v1.0/engagements/referrals?$top=1", headers: { Authorization: `Bearer ${emu.token}` } },
  };
}
