import type { PartnerCenterEmulator } from "../src";

export interface ApiAnswer {
  status: number;
  headers: Headers;
  text: string;
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** One raw HTTP call to the emulator (the API carries the sandbox token unless told otherwise). */
export async function call(
  emu: PartnerCenterEmulator,
  method: string,
  path: string,
  opts: { body?: unknown; rawBody?: string; headers?: Record<string, string>; token?: string | null } = {},
): Promise<ApiAnswer> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.token !== null && !path.startsWith("/_emulator")) headers.Authorization ??= `Bearer ${opts.token ?? emu.token}`;
  let body: string | undefined = opts.rawBody;
  if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers["Content-Type"] ??= "application/json";
  }
  // The control API answers local tools only, which declare JSON on every state-changing call.
  if (path.startsWith("/_emulator") && method !== "GET") headers["Content-Type"] ??= "application/json";
  const res = await fetch(`${emu.url}${path}`, { method, headers, body });
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

export const REFERRALS = "/v1.0/engagements/referrals";

/** A create body with every documented required property. */
export function newReferralBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: "Contoso – Azure migration",
    type: "Independent",
    qualification: "SalesQualified",
    externalReferenceId: "opp-0001",
    customerProfile: {
      name: "Contoso Customer Inc",
      address: { addressLine1: "One Microsoft Way", city: "Redmond", state: "WA", postalCode: "98052", country: "US" },
      size: "51to250employees",
      team: [{ firstName: "Ana", lastName: "Lopez", email: "ana@contoso.example", phoneNumber: "+1 425 555 0100" }],
    },
    consent: { consentToContact: true, consentToToShareInfoWithOthers: false, consentToShareReferralWithMicrosoftSellers: false },
    details: { dealValue: 125000, currency: "USD", closingDateTime: "2027-03-31T00:00:00Z", notes: "Lift and shift", requirements: { solutions: [{ id: "SOL-12345-ABC", type: "Name" }] } },
    team: [{ firstName: "Sam", lastName: "Seller", email: "sam@fabrikam.example" }],
    status: "New",
    substatus: "Pending",
    ...overrides,
  };
}

export const snapshot = (emu: PartnerCenterEmulator) => emu.context.store.snapshot();
