import { checkLiterals, FilterSyntaxError, FilterTypeError, matches, parseFilter, pinsEngagement } from "../src/odata/filter";

const referral = {
  id: "A1B2C3D4-0000-4000-8000-000000000001",
  engagementId: "e0000000-0000-4000-8000-000000000001",
  status: "New",
  substatus: "Pending",
  direction: "Incoming",
  type: "Shared",
  qualification: "SalesQualified",
  externalReferenceId: "O'Brien-1",
  updatedDateTime: "2026-03-01T12:00:00.000Z",
  createdDateTime: "2026-02-01T12:00:00.000Z",
  customerProfile: { address: { country: "US" }, team: [{ email: "ana@contoso.example" }] },
  team: [{ email: "sam@fabrikam.example" }, { email: "kim@fabrikam.example" }],
};

const yes = (f: string) => expect(matches(parseFilter(f), referral)).toBe(true);
const no = (f: string) => expect(matches(parseFilter(f), referral)).toBe(false);

test("comparison operators on text, enums (case-insensitive), GUIDs and date-times", () => {
  yes("status eq 'New'");
  yes("status eq 'new'");
  no("status ne 'New'");
  yes("id eq a1b2c3d4-0000-4000-8000-000000000001");
  yes("engagementId eq 'E0000000-0000-4000-8000-000000000001'");
  yes("externalReferenceId eq 'O''Brien-1'");
  yes("updatedDateTime gt 2026-03-01T11:59:59Z");
  no("updatedDateTime gt 2026-03-01T12:00:00Z");
  yes("updatedDateTime ge 2026-03-01T12:00:00Z");
  yes("updatedDateTime le '2026-03-01T12:00:00+00:00'");
  yes("createdDateTime lt datetime'2026-02-02T00:00:00Z'");
  yes("customerProfile/address/country eq 'US'");
  no("externalReferenceId eq null");
  yes("externalReferenceId ne null");
});

test("and binds tighter than or; not and parentheses", () => {
  yes("status eq 'Closed' or status eq 'New' and direction eq 'Incoming'");
  no("(status eq 'Closed' or status eq 'New') and direction eq 'Outgoing'");
  yes("not (direction eq 'Outgoing')");
  yes("not direction eq 'Outgoing'");
});

test("any/all over team collections", () => {
  yes("team/any(t:t/email eq 'kim@fabrikam.example')");
  no("team/all(t:t/email eq 'kim@fabrikam.example')");
  yes("customerProfile/team/any(c: c/email eq 'ana@contoso.example') and status eq 'New'");
  yes("team/any()");
});

test("syntax errors name the position", () => {
  const err = (f: string) => {
    try {
      parseFilter(f);
    } catch (e) {
      return e as FilterSyntaxError;
    }
    throw new Error(`no error for ${f}`);
  };
  expect(err("status eq").message).toMatch(/end of the filter/);
  expect(err("status equals 'New'").message).toMatch(/expected a comparison operator .* at position 7, found 'equals'/);
  expect(err("(status eq 'New'").message).toMatch(/expected '\)'/);
  expect(err("status eq 'New").message).toMatch(/unterminated string literal starting at position 10/);
  expect(err("contains(name,'x')").message).toMatch(/function 'contains' is not supported/);
  expect(err("name eq 'x'").message).toMatch(/filterable property named 'name'/);
  expect(err("team/any(t:t/phone eq '1')").message).toMatch(/property named 'phone' on the items of 'team'/);
  expect(err("status eq 'New' #").message).toMatch(/unexpected character '#'/);
  expect(err("").message).toMatch(/empty/);
});

test("literal types are checked against property types", () => {
  expect(() => checkLiterals(parseFilter("updatedDateTime gt 5"))).toThrow(FilterTypeError);
  expect(() => checkLiterals(parseFilter("status eq 5"))).toThrow(/text property cannot be compared with number/);
  expect(() => checkLiterals(parseFilter("updatedDateTime gt 'soon'"))).toThrow(/'soon' is not a valid date-time/);
  expect(() => checkLiterals(parseFilter("updatedDateTime gt '2026-01-01T00:00:00Z'"))).not.toThrow();
});

test("pinsEngagement recognises a related-referrals query", () => {
  expect(pinsEngagement(parseFilter("engagementId eq 'x' and status eq 'New'"))).toBe(true);
  expect(pinsEngagement(parseFilter("status eq 'New'"))).toBe(false);
  expect(pinsEngagement(parseFilter("engagementId ne 'x'"))).toBe(false);
});
