import { PartnerCenterEmulator, startPartnerCenterEmulator } from "../src";
import { call, newReferralBody, REFERRALS } from "./helpers";

let emu: PartnerCenterEmulator;
let clock = Date.parse("2026-05-01T10:00:00.000Z");

beforeAll(async () => {
  emu = await startPartnerCenterEmulator({ now: () => new Date(clock) });
});
afterAll(() => emu.close());
beforeEach(() => {
  emu.reset();
  clock = Date.parse("2026-05-01T10:00:00.000Z");
});

describe("create, get, PUT and PATCH", () => {
  test("an outgoing referral comes back Active/Accepted, direction Outgoing, with id, engagement, eTag and links", async () => {
    const res = await call(emu, "POST", REFERRALS, { body: newReferralBody() });
    expect(res.status).toBe(201);
    const r = res.json;
    expect(r).toMatchObject({ status: "Active", substatus: "Accepted", direction: "Outgoing", name: "Contoso – Azure migration", externalReferenceId: "opp-0001" });
    expect(r.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(r.engagementId).toMatch(/^[0-9a-f-]{36}$/);
    expect(r.eTag).toMatch(/^".+"$/);
    expect(res.headers.get("etag")).toBe(r.eTag);
    expect(r.createdDateTime).toBe("2026-05-01T10:00:00.000Z");
    expect(r.acceptedDateTime).toBe(r.createdDateTime);
    expect(r.links.self.uri).toBe(`${emu.url}${REFERRALS}/${r.id}`);
    expect(r.links.relatedReferrals.uri).toContain(`engagementId%20eq%20'${r.engagementId}'`);

    const got = await call(emu, "GET", `${REFERRALS}/${r.id}`);
    expect(got.status).toBe(200);
    expect(got.json).toMatchObject({ id: r.id, eTag: r.eTag, "@odata.context": expect.stringContaining("$metadata#referrals") });
    // The ResourceUri shape of events answers GET too.
    const viaResourceUri = await call(emu, "GET", `/engagements/v1/referrals/${r.id}`);
    expect(viaResourceUri.status).toBe(200);
    expect(viaResourceUri.json.id).toBe(r.id);
  });

  test("a second create can join an existing engagement", async () => {
    const first = (await call(emu, "POST", REFERRALS, { body: newReferralBody({ type: "Shared" }) })).json;
    const second = await call(emu, "POST", REFERRALS, { body: newReferralBody({ engagementId: first.engagementId, target: [{ type: "BusinessProfileLocation", id: "msft" }] }) });
    expect(second.status).toBe(201);
    expect(second.json.engagementId).toBe(first.engagementId);
  });

  test("PATCH with If-Match changes the fields, moves the eTag and updatedDateTime, and answers 204", async () => {
    const r = (await call(emu, "POST", REFERRALS, { body: newReferralBody() })).json;
    clock += 60_000;
    const res = await call(emu, "PATCH", `${REFERRALS}/${r.id}`, {
      headers: { "If-Match": r.eTag },
      body: [
        { op: "replace", path: "/details/dealValue", value: 150000 },
        { op: "add", path: "/details/requirements/solutions/-", value: { id: "SOL-99999-XYZ" } },
        { op: "replace", path: "/salesStage", value: "Develop" },
      ],
    });
    expect(res.status).toBe(204);
    expect(res.text).toBe("");
    const after = (await call(emu, "GET", `${REFERRALS}/${r.id}`)).json;
    expect(res.headers.get("etag")).toBe(after.eTag);
    expect(after.eTag).not.toBe(r.eTag);
    expect(after.updatedDateTime).toBe("2026-05-01T10:01:00.000Z");
    expect(after.details.dealValue).toBe(150000);
    expect(after.details.requirements.solutions.map((s: { id: string }) => s.id)).toEqual(["SOL-12345-ABC", "SOL-99999-XYZ"]);
    expect(after.salesStage).toBe("Develop");
  });

  test("PATCH with Prefer: return=representation answers 200 with the referral; If-Match is optional", async () => {
    const r = (await call(emu, "POST", REFERRALS, { body: newReferralBody() })).json;
    const res = await call(emu, "PATCH", `${REFERRALS}/${r.id}`, {
      headers: { Prefer: "return=representation" },
      body: [{ op: "replace", path: "/status", value: "Closed" }, { op: "replace", path: "/substatus", value: "Won" }],
    });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ id: r.id, status: "Closed", substatus: "Won" });
    expect(res.json.closedDateTime).toBeDefined();
  });

  test("every write gets a new eTag and a strictly later updatedDateTime, even within one clock tick", async () => {
    const r = (await call(emu, "POST", REFERRALS, { body: newReferralBody() })).json;
    const seen = new Set([r.eTag]);
    let last = r.updatedDateTime;
    for (let i = 0; i < 3; i++) {
      const p = await call(emu, "PATCH", `${REFERRALS}/${r.id}`, { headers: { Prefer: "return=representation" }, body: [{ op: "replace", path: "/details/notes", value: `n${i}` }] });
      expect(seen.has(p.json.eTag)).toBe(false);
      seen.add(p.json.eTag);
      expect(Date.parse(p.json.updatedDateTime)).toBeGreaterThan(Date.parse(last));
      last = p.json.updatedDateTime;
    }
  });

  test("PUT with If-Match replaces the referral and keeps server-managed properties", async () => {
    const r = (await call(emu, "POST", REFERRALS, { body: newReferralBody() })).json;
    const { links: _links, ...withoutLinks } = r;
    const body = { ...withoutLinks, name: "Renamed deal", direction: "Incoming", createdDateTime: "2000-01-01T00:00:00Z" };
    const res = await call(emu, "PUT", `${REFERRALS}/${r.id}`, { headers: { "If-Match": r.eTag }, body });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ id: r.id, name: "Renamed deal", direction: "Outgoing", createdDateTime: r.createdDateTime });
    expect(res.json.eTag).not.toBe(r.eTag);
  });

  test("status transitions follow the table: Active → Closed/Lost works, New → Active needs Accepted", async () => {
    const incoming = (await call(emu, "POST", "/_emulator/referrals", { body: {} })).json;
    expect(incoming).toMatchObject({ status: "New", substatus: "Pending", direction: "Incoming" });
    const accept = await call(emu, "PATCH", `${REFERRALS}/${incoming.id}`, {
      headers: { "If-Match": incoming.eTag, Prefer: "return=representation" },
      body: [{ op: "replace", path: "/status", value: "Active" }, { op: "replace", path: "/substatus", value: "Accepted" }],
    });
    expect(accept.status).toBe(200);
    expect(accept.json.acceptedDateTime).toBeDefined();
    const lose = await call(emu, "PATCH", `${REFERRALS}/${incoming.id}`, {
      body: [{ op: "replace", path: "/status", value: "Closed" }, { op: "replace", path: "/substatus", value: "Lost" }, { op: "replace", path: "/statusReason", value: "Customer chose another vendor" }],
    });
    expect(lose.status).toBe(204);
  });
});

describe("list: $filter, $orderby, $top, $skip, $count, $select and paging", () => {
  async function seed(n: number): Promise<void> {
    const items = Array.from({ length: n }, (_, i) => ({
      name: `Referral ${i}`,
      createdDateTime: new Date(Date.parse("2026-01-01T00:00:00Z") + i * 60_000).toISOString(),
      status: i % 3 === 0 ? "Active" : "New",
      qualification: i % 2 ? "SalesQualified" : "MarketingQualified",
      externalReferenceId: `ext-${i}`,
      customerProfile: { name: `Customer ${i}`, address: { country: i % 4 === 0 ? "DE" : "US" }, team: [{ email: `c${i}@contoso.example` }] },
    }));
    const res = await call(emu, "POST", "/_emulator/referrals", { body: items });
    expect(res.status).toBe(201);
  }

  test("pages of 100 with an absolute @odata.nextLink carrying $skiptoken, until every referral is read once", async () => {
    await seed(250);
    const ids: string[] = [];
    let url: string | undefined = `${REFERRALS}?$count=true`;
    let pages = 0;
    while (url) {
      const res = await call(emu, "GET", url.replace(emu.url, ""));
      expect(res.status).toBe(200);
      pages++;
      expect(res.json["@odata.count"]).toBe(250);
      ids.push(...res.json.value.map((r: { id: string }) => r.id));
      url = res.json["@odata.nextLink"];
      if (url) {
        expect(url.startsWith(`${emu.url}${REFERRALS}?`)).toBe(true);
        expect(url).toContain("$skiptoken=");
      }
    }
    expect(pages).toBe(3);
    expect(ids).toHaveLength(250);
    expect(new Set(ids).size).toBe(250);
  });

  test("$filter with eq/and/or/parentheses, dates with gt, nested country and team/any", async () => {
    await seed(20);
    const q = async (filter: string) => {
      const res = await call(emu, "GET", `${REFERRALS}?$filter=${encodeURIComponent(filter)}`);
      expect(res.status).toBe(200);
      return res.json.value as Array<{ name: string; status: string }>;
    };
    expect(await q("status eq 'New' and qualification eq 'SalesQualified'")).toHaveLength(7);
    expect(await q("(status eq 'Active') or customerProfile/address/country eq 'DE'")).toHaveLength(10);
    expect(await q("createdDateTime ge 2026-01-01T00:10:00Z and createdDateTime lt 2026-01-01T00:15:00Z")).toHaveLength(5);
    expect(await q("customerProfile/team/any(t:t/email eq 'c7@contoso.example')")).toEqual([expect.objectContaining({ name: "Referral 7" })]);
    expect(await q("direction eq 'Incoming' and not (status eq 'New')")).toHaveLength(7);
    expect(await q("externalReferenceId eq 'ext-3' or externalReferenceId eq 'O''Brien'")).toHaveLength(1);
  });

  test("updatedDateTime gt a watermark with $orderby updatedDateTime asc lists the changes since then, in order", async () => {
    await seed(5);
    const all = (await call(emu, "GET", REFERRALS)).json.value;
    const watermark = all[0].updatedDateTime;
    clock += 5000;
    await call(emu, "PATCH", `${REFERRALS}/${all[3].id}`, { body: [{ op: "replace", path: "/details/notes", value: "x" }] });
    clock += 5000;
    await call(emu, "PATCH", `${REFERRALS}/${all[1].id}`, { body: [{ op: "replace", path: "/details/notes", value: "y" }] });
    const res = await call(emu, "GET", `${REFERRALS}?$filter=${encodeURIComponent(`updatedDateTime gt ${new Date(Date.parse(watermark) + 1000).toISOString()}`)}&$orderby=updatedDateTime%20asc`);
    expect(res.json.value.map((r: { id: string }) => r.id)).toEqual([all[3].id, all[1].id]);
  });

  test("$orderby createdDateTime desc, $top, $skip, $select", async () => {
    await seed(10);
    const res = await call(emu, "GET", `${REFERRALS}?$orderby=createdDateTime%20desc&$top=3&$skip=2&$select=id,name`);
    expect(res.status).toBe(200);
    expect(res.json.value).toEqual([
      { id: expect.any(String), name: "Referral 7" },
      { id: expect.any(String), name: "Referral 6" },
      { id: expect.any(String), name: "Referral 5" },
    ]);
    expect(res.json["@odata.nextLink"]).toBeUndefined();
  });

  test("$top above the page size pages too, and stops at $top", async () => {
    await seed(230);
    const first = await call(emu, "GET", `${REFERRALS}?$top=150`);
    expect(first.json.value).toHaveLength(100);
    const second = await call(emu, "GET", first.json["@odata.nextLink"].replace(emu.url, ""));
    expect(second.json.value).toHaveLength(50);
    expect(second.json["@odata.nextLink"]).toBeUndefined();
  });

  test("a referral changed while paging by updatedDateTime is read again, none is skipped", async () => {
    await seed(150);
    const first = await call(emu, "GET", `${REFERRALS}?$orderby=updatedDateTime%20asc`);
    const firstIds = first.json.value.map((r: { id: string }) => r.id);
    clock += 1000;
    // Change a referral already read: it moves behind the cursor.
    await call(emu, "PATCH", `${REFERRALS}/${firstIds[0]}`, { body: [{ op: "replace", path: "/details/notes", value: "moved" }] });
    const second = await call(emu, "GET", first.json["@odata.nextLink"].replace(emu.url, ""));
    const secondIds = second.json.value.map((r: { id: string }) => r.id);
    expect(new Set([...firstIds, ...secondIds]).size).toBe(150);
    expect(secondIds[secondIds.length - 1]).toBe(firstIds[0]);
  });

  test("related referrals: Microsoft's side is listed by engagementId, not in the plain list", async () => {
    const ours = (await call(emu, "POST", REFERRALS, { body: newReferralBody({ consent: { consentToShareReferralWithMicrosoftSellers: true } }) })).json;
    const related = await call(emu, "POST", `/_emulator/referrals/${ours.id}/related`, { body: { microsoftMsxId: "7-ABCDEFGHIJ" } });
    expect(related.status).toBe(201);
    expect(related.json).toMatchObject({ engagementId: ours.engagementId, organizationId: "msft", trackingInfo: { microsoftMsxId: "7-ABCDEFGHIJ" } });
    const plain = (await call(emu, "GET", REFERRALS)).json.value.map((r: { id: string }) => r.id);
    expect(plain).toEqual([ours.id]);
    const byEngagement = await call(emu, "GET", `${REFERRALS}?$filter=${encodeURIComponent(`engagementId eq '${ours.engagementId}'`)}`);
    expect(byEngagement.json.value.map((r: { id: string }) => r.id).sort()).toEqual([ours.id, related.json.id].sort());
  });
});
