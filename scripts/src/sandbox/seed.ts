/**
 * The seed step: the data an admin would have in a new environment before sellers start, created
 * through the Web API so a second start never duplicates it:
 *
 * - a small catalogue of Microsoft Solution Details (pcs_microsoftsolutiondetail), created by
 *   alternate key (pcs_solutionid) with If-None-Match: * — an existing row (even one edited since)
 *   is left as it is;
 * - one customer account, "Contoso Customer Inc" (the customer Partner Center's emulator puts on
 *   the referrals Microsoft shares), with its two-letter country code in the column the
 *   pcs_CustomerCountryCodeField environment variable names (default address1_country); created
 *   only when no account has that name;
 * - one contact of that account, created only when no contact has that e-mail address;
 * - the co-sell taxonomy: partner roles, solution areas and plays (./seed-taxonomy.ts).
 */
import { ENVIRONMENT_VARIABLES, SOLUTION_DETAIL, SOLUTION_TYPE_OPTIONS } from "../../../plugins-ts/src/model/schema";
import { seedTaxonomy, type TaxonomyOutcome } from "./seed-taxonomy";
import { odataString, WebApiError, type WebApi } from "./webapi";

const type3P = SOLUTION_TYPE_OPTIONS.find((o) => o.code === "3P")!.value;
const type1P = SOLUTION_TYPE_OPTIONS.find((o) => o.code === "1P")!.value;

export const SEED_SOLUTIONS = [
  { id: "SOL-12345-ABC", name: "Fabrikam Cloud Migrate", publisher: "Fabrikam", type: type3P },
  { id: "SOL-23456-DEF", name: "Fabrikam Secure Identity", publisher: "Fabrikam", type: type3P },
  { id: "SOL-34567-GHI", name: "Fabrikam Data Estate Modernization", publisher: "Fabrikam", type: type3P },
  { id: "SOL-45678-JKL", name: "Azure Migrate and Modernize", publisher: "Microsoft", type: type1P },
] as const;

export const SEED_ACCOUNT = {
  name: "Contoso Customer Inc",
  address1_line1: "One Microsoft Way",
  address1_city: "Redmond",
  address1_stateorprovince: "WA",
  address1_postalcode: "98052",
  countryCode: "US",
  websiteurl: "https://contoso.example",
} as const;

export const SEED_CONTACT = {
  firstname: "Ana",
  lastname: "Lopez",
  emailaddress1: "ana.lopez@contoso.example",
  jobtitle: "IT Director",
  telephone1: "+1 425 555 0100",
} as const;

export class SandboxSeedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SandboxSeedError";
  }
}

export interface SeedOutcome {
  solutions: { created: string[]; existing: string[] };
  account: { id: string; created: boolean; countryColumn: string };
  contact: { id: string; created: boolean };
  taxonomy: TaxonomyOutcome;
  message: string;
}

/** The column the country code goes in: the environment variable's value, else its default. */
export async function countryColumn(api: WebApi): Promise<string> {
  const ev = ENVIRONMENT_VARIABLES.customerCountryCodeField;
  try {
    const defs = await api.list<{ environmentvariabledefinitionid: string; defaultvalue?: string | null }>(
      `environmentvariabledefinitions?$select=environmentvariabledefinitionid,defaultvalue&$filter=schemaname eq ${odataString(ev.schemaName)}`,
    );
    if (defs[0]) {
      const values = await api.list<{ value?: string | null }>(`environmentvariablevalues?$select=value&$filter=_environmentvariabledefinitionid_value eq ${defs[0].environmentvariabledefinitionid}`);
      const v = values.find((x) => x.value)?.value ?? defs[0].defaultvalue;
      if (v && /^[a-z_][a-z0-9_]*$/i.test(v)) return v.toLowerCase();
    }
  } catch (e) {
    if (!(e instanceof WebApiError) || e.status >= 500 || e.status === 0) throw e;
  }
  return ev.defaultValue;
}

const fail = (what: string, e: unknown): never => {
  throw new SandboxSeedError(`Seeding ${what} failed: ${(e as Error).message}`);
};

export async function seed(api: WebApi): Promise<SeedOutcome> {
  const created: string[] = [];
  const existing: string[] = [];
  for (const s of SEED_SOLUTIONS) {
    try {
      await api.patch(
        `${SOLUTION_DETAIL.entitySetName}(${SOLUTION_DETAIL.solutionId}=${odataString(s.id)})`,
        { [SOLUTION_DETAIL.name]: s.name, [SOLUTION_DETAIL.publisherName]: s.publisher, [SOLUTION_DETAIL.solutionType]: s.type },
        { "If-None-Match": "*" },
      );
      created.push(s.id);
    } catch (e) {
      if (e instanceof WebApiError && e.status === 412) existing.push(s.id);
      else fail(`Microsoft Solution Detail ${s.id}`, e);
    }
  }

  const column = await countryColumn(api);
  let account: SeedOutcome["account"];
  try {
    const found = await api.list<{ accountid: string }>(`accounts?$select=accountid&$filter=name eq ${odataString(SEED_ACCOUNT.name)}&$top=1`);
    if (found[0]) account = { id: found[0].accountid, created: false, countryColumn: column };
    else {
      const { countryCode, ...fields } = SEED_ACCOUNT;
      const row = await api.post<{ accountid: string }>("accounts", { ...fields, [column]: countryCode }, { Prefer: "return=representation" });
      account = { id: String(row?.accountid), created: true, countryColumn: column };
    }
  } catch (e) {
    return fail(`the account "${SEED_ACCOUNT.name}" (country code in column ${column}, from ${ENVIRONMENT_VARIABLES.customerCountryCodeField.schemaName})`, e);
  }

  let contact: SeedOutcome["contact"];
  try {
    const found = await api.list<{ contactid: string }>(`contacts?$select=contactid&$filter=emailaddress1 eq ${odataString(SEED_CONTACT.emailaddress1)}&$top=1`);
    if (found[0]) contact = { id: found[0].contactid, created: false };
    else {
      const row = await api.post<{ contactid: string }>("contacts", { ...SEED_CONTACT, "parentcustomerid_account@odata.bind": `/accounts(${account.id})` }, { Prefer: "return=representation" });
      contact = { id: String(row?.contactid), created: true };
    }
  } catch (e) {
    return fail(`the contact ${SEED_CONTACT.emailaddress1}`, e);
  }

  let taxonomy: TaxonomyOutcome;
  try {
    taxonomy = await seedTaxonomy(api);
  } catch (e) {
    return fail("the partner roles, solution areas and plays", e);
  }

  const parts = [
    `Microsoft Solution Details ${[created.length ? `${created.join(", ")} created` : "", existing.length ? `${existing.join(", ")} already there` : ""].filter(Boolean).join(", ")}`,
    `account "${SEED_ACCOUNT.name}" (${column} = ${SEED_ACCOUNT.countryCode}) ${account.created ? "created" : "already there"}`,
    `contact ${SEED_CONTACT.firstname} ${SEED_CONTACT.lastname} ${contact.created ? "created" : "already there"}`,
    `co-sell taxonomy ${taxonomy.created.length} rows created, ${taxonomy.existing.length} already there`,
  ].filter(Boolean);
  return { solutions: { created, existing }, account, contact, taxonomy, message: parts.join("; ") };
}
