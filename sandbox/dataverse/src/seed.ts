/**
 * The rows a fresh environment has: the organisation, its root business unit, the signed-in user
 * (WhoAmI) and currencies (USD as the base currency, EUR, GBP). Ids are stable, so a reset or a
 * restart gives the same ids.
 */
import type { Row } from "./store/store";
import { isoSeconds, stableGuid } from "./util";

export const SEED_IDS = {
  organizationId: stableGuid("seed:organization"),
  businessUnitId: stableGuid("seed:businessunit"),
  userId: stableGuid("seed:systemuser"),
  /** The Entra ID tenant and the Power Platform environment (RetrieveCurrentOrganization). */
  tenantId: stableGuid("seed:tenant"),
  environmentId: stableGuid("seed:environment"),
  /** The System Administrator role, which the signed-in user has. */
  systemAdministratorRoleId: stableGuid("seed:role:System Administrator"),
  currencies: {
    USD: stableGuid("seed:currency:USD"),
    EUR: stableGuid("seed:currency:EUR"),
    GBP: stableGuid("seed:currency:GBP"),
  },
} as const;

export interface SeedOptions {
  organizationName: string;
  user: { firstName: string; lastName: string; email: string };
  now: Date;
}

export function seedRows(o: SeedOptions): Map<string, Map<string, Row>> {
  const now = isoSeconds(o.now);
  const user = { id: SEED_IDS.userId, entity: "systemuser" };
  let seq = 0;
  let version = 1;
  const sys = (): Partial<Row> => ({ createdon: now, modifiedon: now, createdby: user, modifiedby: user, versionnumber: version++, overriddencreatedon: null, $seq: ++seq });
  const tables = new Map<string, Map<string, Row>>();
  const put = (entity: string, id: string, row: Row) => {
    let t = tables.get(entity);
    if (!t) tables.set(entity, (t = new Map()));
    t.set(id, row);
  };
  put("organization", SEED_IDS.organizationId, {
    organizationid: SEED_IDS.organizationId,
    name: o.organizationName,
    basecurrencyid: { id: SEED_IDS.currencies.USD, entity: "transactioncurrency" },
    ...sys(),
  } as Row);
  put("businessunit", SEED_IDS.businessUnitId, { businessunitid: SEED_IDS.businessUnitId, name: o.organizationName, ...sys() } as Row);
  put("systemuser", SEED_IDS.userId, {
    systemuserid: SEED_IDS.userId,
    firstname: o.user.firstName,
    lastname: o.user.lastName,
    fullname: `${o.user.firstName} ${o.user.lastName}`,
    domainname: o.user.email,
    internalemailaddress: o.user.email,
    businessunitid: { id: SEED_IDS.businessUnitId, entity: "businessunit" },
    isdisabled: false,
    azureactivedirectoryobjectid: stableGuid("seed:aad-user"),
    ...sys(),
  } as Row);
  put("role", SEED_IDS.systemAdministratorRoleId, { roleid: SEED_IDS.systemAdministratorRoleId, name: "System Administrator", businessunitid: { id: SEED_IDS.businessUnitId, entity: "businessunit" }, ismanaged: true, organizationid: null, ...sys() } as Row);
  const pair = stableGuid("seed:systemuserroles:admin");
  put("systemuserroles", pair, { systemuserroleid: pair, systemuserid: SEED_IDS.userId, roleid: SEED_IDS.systemAdministratorRoleId, $seq: ++seq } as Row);
  const currencies: Array<[keyof typeof SEED_IDS.currencies, string, string, number]> = [
    ["USD", "US Dollar", "$", 1],
    ["EUR", "Euro", "€", 0.92],
    ["GBP", "Pound Sterling", "£", 0.79],
  ];
  for (const [code, name, symbol, rate] of currencies) {
    const id = SEED_IDS.currencies[code];
    put("transactioncurrency", id, {
      transactioncurrencyid: id,
      currencyname: name,
      isocurrencycode: code,
      currencysymbol: symbol,
      exchangerate: rate,
      currencyprecision: 2,
      statecode: 0,
      statuscode: 1,
      ...sys(),
    } as Row);
  }
  return tables;
}
