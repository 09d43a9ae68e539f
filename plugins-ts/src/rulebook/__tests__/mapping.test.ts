import outbound from "../../../test-vectors/mapping-outbound.json";
import inbound from "../../../test-vectors/mapping-inbound.json";
import { Referral } from "../../partner-center/referral";
import { fromReferral } from "../mapping-inbound";
import { SALES_STAGES, toReferral } from "../mapping-outbound";
import { OpportunitySnapshot, RulebookConfig } from "../snapshot";
import { syncProjection } from "../sync-hash";
import { validate } from "../validate";

const outCases = outbound.cases as unknown as Array<{ name: string; snapshot: OpportunitySnapshot; referral: Referral }>;
const inCases = inbound.cases as unknown as Array<{ name: string; referral: Referral; config: Partial<RulebookConfig>; changes: unknown }>;

describe("opportunity → referral (test-vectors/mapping-outbound.json)", () => {
  it.each(outCases.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    expect(toReferral(c.snapshot)).toEqual(c.referral);
  });

  it("writes JSON without undefined members (what goes on the wire is what the vector shows)", () => {
    for (const c of outCases) expect(JSON.parse(JSON.stringify(toReferral(c.snapshot)))).toEqual(toReferral(c.snapshot));
  });
});

describe("referral → Dataverse changes (test-vectors/mapping-inbound.json)", () => {
  it.each(inCases.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    expect(fromReferral(c.referral, c.config)).toEqual(c.changes);
  });
});

describe("round trip", () => {
  /** The snapshot a flow would read back after writing the inbound changes. */
  function snapshotAfterInbound(referral: Referral, config: Partial<RulebookConfig> = {}): OpportunitySnapshot {
    const changes = fromReferral(referral, config);
    const stateCode = { open: 0, won: 1, lost: 2 }[changes.state];
    return {
      opportunity: {
        opportunityid: referral.externalReferenceId,
        ...changes.opportunity,
        statecode: stateCode,
        statuscode: changes.statuscode,
        _customerid_value: "acc",
        "_customerid_value@Microsoft.Dynamics.CRM.lookuplogicalname": "account",
        _parentcontactid_value: "con",
        _transactioncurrencyid_value: "cur",
      },
      account: changes.account,
      contacts: changes.contacts.map((c) => ({ ...c, fullname: `${c.firstname} ${c.lastname}` })),
      solutions: changes.solutions,
      currency: { isocurrencycode: changes.currencyCode },
      owner: { firstname: "Ravi", lastname: "Kumar", internalemailaddress: "ravi.kumar@fabrikam.com", address1_telephone1: "+1 206 555 0199" },
      config,
    };
  }

  // A referral in another spelling of the sales stage, or with values we only read (unknown), comes back in ours.
  const canonical = (r: Referral): boolean => fromReferral(r).unknown.length === 0 && (r.salesStage === undefined || (SALES_STAGES as readonly string[]).includes(r.salesStage));
  it.each(inCases.filter((c) => c.referral.customerProfile && canonical(c.referral)).map((c) => [c.name, c] as const))(
    "Partner Center → CRM → Partner Center keeps every synced field: %s",
    (_name, c) => {
      const back = toReferral(snapshotAfterInbound(c.referral, c.config));
      const expected = syncProjection(c.referral);
      // Declined / Expired come back as Lost: the opportunity state is what both sides share.
      expect(syncProjection(back)).toEqual(expected);
    },
  );

  it("a referral that arrives complete passes validation once written", () => {
    const snapshot = snapshotAfterInbound(inCases[0].referral);
    expect(validate({ ...snapshot, previous: { pcs_referralvisibility: true } }).failures).toEqual([]);
  });

  it.each(outCases.map((c) => [c.name, c] as const))("CRM → Partner Center → CRM keeps the columns: %s", (_name, c) => {
    const referral = toReferral(c.snapshot);
    const changes = fromReferral({ ...referral, id: "r1" }, c.snapshot.config);
    const o = c.snapshot.opportunity;
    const config = { dealValueField: "estimatedvalue", ...c.snapshot.config };
    if (typeof o[config.dealValueField] === "number") expect(changes.opportunity[config.dealValueField]).toBe(o[config.dealValueField]);
    expect(changes.opportunity.pcs_referralvisibility).toBe(o.pcs_referralvisibility === true);
    expect(changes.opportunity.pcs_microsofthelp ?? null).toBe(o.pcs_microsofthelp ?? null);
    expect(changes.state).toBe(({ 0: "open", 1: "won", 2: "lost" } as Record<number, string>)[o.statecode as number]);
    if (o.estimatedclosedate) expect(changes.opportunity.estimatedclosedate).toBe(String(o.estimatedclosedate).slice(0, 10));
  });
});
