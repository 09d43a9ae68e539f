/**
 * What Partner Center will not change (rulebook rules.ts LOCKS), in the flows. The form locks these
 * columns; a value that arrives another way (an import, the Web API) is caught here, before any call:
 *
 *   Check the opportunity (the locks' facts) ─ Route the change: "locked"
 *   └ Locked columns (the locks' messages) ─ Put the locked columns back (one write, no call)
 *
 * The value the referral holds is the one the sync last agreed on: the CRM key the sync record stores
 * (rulebook sync-record.ts CRM_KEY_COLUMNS, which holds every locked column). The locked columns are
 * put back to it, the Audit says which and why, and the record keeps that key: when the same save
 * changed other columns too, the write's own trigger firing sees them differ from the key and flow 8
 * sends them in a run of their own (docs/flows.md "Locked columns").
 */
import { OPPORTUNITY, OPPORTUNITY_COSELL, PARTNER_ROLE, SOLUTION_AREA, SOLUTION_PLAY } from "../../../plugins-ts/src/model/schema";
import { FactName, LOCKS, RULE_TABLES } from "../../../plugins-ts/src/rulebook/rules";
import { CRM_KEY_COLUMNS } from "../../../plugins-ts/src/rulebook/sync-record";
import { checkExpression, factExpression, failureMessagesObject, failuresTextFromObject, WdlSources } from "../../../plugins-ts/src/rulebook/wdl";
import { OPPORTUNITY_COLUMNS } from "../../../plugins-ts/src/rulebook/snapshot";
import { compose, configuredColumn, dataverse, Steps } from "../builder";
import { call, coalesce, concat, equals, ex, iff, lit, objectOf, outputs, prop, str } from "../wdl";

/** The index of a CRM key column ("dealValue" for the configured deal value column). */
const keyIndex = (column: string): number => {
  const i = CRM_KEY_COLUMNS.findIndex(([c]) => c === column);
  if (i < 0) throw new Error(`locks: ${column} is not a CRM key column`);
  return i;
};

/** How each locked column's value before the change is read from the stored key, and how it is put back. */
interface Locked {
  /** The key column. */
  key: string;
  /** The fact of the value before the change (rules.ts). */
  previous: FactName;
  type: "id" | "number" | "text" | "amount" | "flag";
  /** The item key that puts it back, and the entity set a lookup binds to. */
  write: string | { navigation: string; entitySet: string } | "dealValue";
}

const lookupValue = (column: string) => `_${column}_value`;
const LOCKED: readonly Locked[] = [
  { key: lookupValue(OPPORTUNITY_COLUMNS.customer), previous: "previousCustomerId", type: "id", write: { navigation: "customerid_account", entitySet: "accounts" } },
  { key: lookupValue(OPPORTUNITY_COLUMNS.contact), previous: "previousContactId", type: "id", write: { navigation: "parentcontactid", entitySet: "contacts" } },
  { key: lookupValue(OPPORTUNITY_COLUMNS.currency), previous: "previousCurrencyId", type: "id", write: { navigation: "transactioncurrencyid", entitySet: "transactioncurrencies" } },
  { key: OPPORTUNITY.microsoftHelp, previous: "previousHelp", type: "number", write: OPPORTUNITY.microsoftHelp },
  { key: OPPORTUNITY_COSELL.purchaseIntent, previous: "previousIntent", type: "number", write: OPPORTUNITY_COSELL.purchaseIntent },
  { key: lookupValue(OPPORTUNITY_COSELL.partnerRole), previous: "previousPartnerRoleId", type: "id", write: { navigation: OPPORTUNITY_COSELL.partnerRoleNavigation, entitySet: PARTNER_ROLE.entitySetName } },
  { key: lookupValue(OPPORTUNITY_COSELL.solutionArea), previous: "previousSolutionAreaId", type: "id", write: { navigation: OPPORTUNITY_COSELL.solutionAreaNavigation, entitySet: SOLUTION_AREA.entitySetName } },
  { key: lookupValue(OPPORTUNITY_COSELL.solutionPlay), previous: "previousSolutionPlayId", type: "id", write: { navigation: OPPORTUNITY_COSELL.solutionPlayNavigation, entitySet: SOLUTION_PLAY.entitySetName } },
  { key: OPPORTUNITY_COLUMNS.estimatedCloseDate, previous: "previousCloseDate", type: "text", write: OPPORTUNITY_COLUMNS.estimatedCloseDate },
  { key: OPPORTUNITY_COLUMNS.description, previous: "previousDescription", type: "text", write: OPPORTUNITY_COLUMNS.description },
  { key: "dealValue", previous: "previousDealValue", type: "amount", write: "dealValue" },
  // The visibility the referral has is the agreed one (the record's projection), not the key's: one-way, and Yes once shared.
  { key: OPPORTUNITY.referralVisibility, previous: "previousVisibility", type: "flag", write: OPPORTUNITY.referralVisibility },
];

/** The stored key holds every CRM key column (an older, shorter key, or none, holds no value a lock can trust). */
const keyIsWhole = (agreed: string) => equals(call("length", coalesce(prop(agreed, "crm"), "json('[]')")), String(CRM_KEY_COLUMNS.length));
const keyAt = (agreed: string, column: string) => str(`${prop(agreed, "crm")}?[${keyIndex(column)}]`);

/**
 * The rulebook's "previous" facts of a flow: the values the stored key holds (the referral as
 * agreed), and the referral's existence and status from the row. With no whole key, no referral is
 * taken to exist, so no lock applies.
 */
export function previousFacts(o: string, agreed: string): Partial<Record<FactName, string>> {
  const out: Partial<Record<FactName, string>> = {
    previousReferralId: iff(keyIsWhole(agreed), call("trim", str(prop(o, OPPORTUNITY.referralIdentifier))), lit("")),
    previousReferralStatus: call("trim", str(prop(o, OPPORTUNITY.referralStatus))),
  };
  for (const l of LOCKED) {
    if (l.type === "flag") continue;
    const v = keyAt(agreed, l.key);
    out[l.previous] = l.type === "number" ? iff(call("empty", v), "null", call("int", v)) : l.type === "amount" ? iff(call("empty", v), "null", call("float", v)) : v;
  }
  return out;
}

/** The locks' table (rules.ts RULE_TABLES.locks): true when a locked column changed. */
export const LOCKS_TABLE = RULE_TABLES.locks;

/**
 * The item entry of a locked column: its previous value when `when` holds, else its value now (the
 * Dataverse connector takes one item/<column> per column, so every locked column is written).
 */
function putBack(l: Locked, sources: WdlSources, o: string, when: string): [string, string] | undefined {
  const previous = factExpression(l.previous, sources);
  if (l.write === "dealValue") return undefined; // a configured column cannot be named in an item key: kept, see addPutBack
  if (typeof l.write === "string") {
    const before = l.type === "text" ? iff(call("empty", str(previous)), "null", previous) : l.type === "flag" ? equals(previous, "true") : previous;
    return [l.write, iff(when, before, prop(o, l.write))];
  }
  const { navigation, entitySet } = l.write;
  const bind = (v: string) => iff(call("empty", str(v)), "null", concat(lit(`/${entitySet}(`), v, lit(")")));
  return [`${navigation}@odata.bind`, iff(when, bind(previous), bind(prop(o, l.key)))];
}

/**
 * The "locked" branch: the locks' messages (one Compose), then one write that puts every locked
 * column that changed back, with the Audit line and the sync record `record` gives. No Partner
 * Center call. The deal value lives in a configured column, which an item key cannot name: a deal
 * value changed on a closed referral stays in the CRM (audited), and the stored key takes it, so that
 * it starts no further run; any other change of it is sent by the run the write starts.
 */
export function addPutBack(steps: Steps, id: string, o: string, sources: WdlSources, audit: (message: string) => string, record: (dealValueKept: string) => string): void {
  const table = { ...sources, table: LOCKS_TABLE };
  steps.add("Locked_columns", compose(Object.fromEntries(failureMessagesObject(table, " ").map(([rule, e]) => [rule, ex(e)]))));
  const messages = call("trim", failuresTextFromObject(outputs("Locked_columns"), LOCKS_TABLE));
  // A column goes back when a lock that holds it applies and its value changed (the lock's rule, column by column).
  const whenOf = (l: Locked) => {
    const when = LOCKS.flatMap((lock) =>
      lock.columns.filter((c) => c.previous === l.previous).map((c) => call("and", ...[...lock.when, { fact: c.fact, is: "changed" as const, from: c.previous }].map((check) => checkExpression(check, table)))),
    );
    return when.length === 1 ? when[0] : call("or", ...when);
  };
  const columns = LOCKED.map((l) => putBack(l, table, o, whenOf(l))).filter((c): c is [string, string] => c !== undefined);
  const dealValue = LOCKED.find((l) => l.write === "dealValue")!;
  steps.add(
    "Put_the_locked_columns_back",
    dataverse.updateOnlyRecord(
      OPPORTUNITY.entitySetName,
      ex(id),
      Object.fromEntries([...columns, [OPPORTUNITY.syncAudit, audit(concat(lit("Put back to what Partner Center has: "), messages))], [OPPORTUNITY.syncHash, record(whenOf(dealValue))]].map(([c, v]) => [c, ex(v)])),
    ),
  );
}
