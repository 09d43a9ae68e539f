/**
 * A rule's message goes as soon as the seller fixes the value, whatever column the rule is about, so
 * the form can be saved: the client refuses a save while a control shows an error notification, before
 * OnSave runs ("Setting an error notification on a control will block the form from saving",
 * learn.microsoft.com/power-apps/developer/model-driven-apps/clientapi/reference/controls/setnotification).
 * Edits go through the harness as the client runs them: the column's FormXml OnChange handlers, then
 * the ones the script added.
 */
import { formatMessage, MESSAGES_1033 } from "../../rulebook/messages";
import { FactName, FACTS, FactSpec, RULE_TABLES, tableFacts } from "../../rulebook/rules";
import { DEFAULT_CONFIG } from "../../rulebook/snapshot";
import * as Opportunity from "../opportunity";
import { whenIdle } from "../state";
import { GOOD, goodStore, HELP_TECHNICAL, IDS, load, save, FormSetup, Harness } from "./harness";

afterEach(() => jest.restoreAllMocks());

const ruleNotices = (h: Harness): string[] => h.formNotifications().filter((n) => n.uniqueId.startsWith("pcs.rule.")).map((n) => n.message);
const lookup = (v: { id: string; name: string; entityType?: string } | null, entityType: string) => (v ? [{ entityType, ...v }] : null);
/** Every check the script started, by the one read each makes (the opportunity's solutions). */
const checks = (h: Harness): number => h.calls.filter((c) => c[1] === "pcs_partnercentersolution").length;

describe("the seller's fix clears the message and the form saves", () => {
  it('"How can Microsoft help?" without a Contact, then a contact picked: the message goes and Save goes through', async () => {
    const h = await load({ help: null, contact: null });
    expect(ruleNotices(h)).toEqual([]);

    h.change("pcs_microsofthelp", HELP_TECHNICAL);
    await whenIdle();
    expect(h.fieldNotifications("parentcontactid")).toEqual([MESSAGES_1033.contactMissing]);
    expect(h.blockingNotifications()).toEqual([`parentcontactid: ${MESSAGES_1033.contactMissing}`]);

    h.change("parentcontactid", lookup(GOOD.contact, "contact"));
    await whenIdle();
    expect(h.fieldNotifications("parentcontactid")).toEqual([]);
    expect(ruleNotices(h)).toEqual([]);
    expect(h.blockingNotifications()).toEqual([]);
    expect((await save(h)).resaved).toBe(1);
  });

  const FIXES: Array<[rule: string, column: string, setup: FormSetup, fixed: unknown, message: string]> = [
    ["contact.missing", "parentcontactid", { contact: null }, lookup(GOOD.contact, "contact"), MESSAGES_1033.contactMissing],
    ["dealValue.missing", "estimatedvalue", { estimatedvalue: null }, 1000, formatMessage("dealValueMissing", { field: "estimatedvalue" })],
    ["dealValue.negative", "estimatedvalue", { estimatedvalue: -1 }, 0, formatMessage("dealValueNegative", { field: "estimatedvalue", value: "-1" })],
    ["currency.missing", "transactioncurrencyid", { currency: null }, lookup(GOOD.currency, "transactioncurrency"), MESSAGES_1033.currencyMissing],
    ["closeDate.missing", "estimatedclosedate", { estimatedclosedate: null }, new Date(2027, 2, 31), MESSAGES_1033.closeDateMissing],
    ["customer.missing", "customerid", { customer: null }, [GOOD.customer], MESSAGES_1033.customerMissing],
    ["visibility.neededForHelp", "pcs_referralvisibility", { visibility: false }, true, MESSAGES_1033.helpNeedsVisibility],
  ];

  it.each(FIXES)("%s: fixed in %s", async (_rule, column, setup, fixed, message) => {
    const h = await load(setup);
    expect(h.blockingNotifications()).toEqual([`${column}: ${message}`]);
    h.change(column, fixed);
    await whenIdle();
    expect(h.blockingNotifications()).toEqual([]);
    expect(ruleNotices(h)).toEqual([]);
    expect((await save(h)).resaved).toBe(1);
  });

  it("a deal value column named by pcs_DealValueField: its fix clears the message; the default column no longer checks", async () => {
    const store = goodStore();
    store.env.pcs_DealValueField.value = "pcs_dealvalue";
    const h = await load({ numbers: { pcs_dealvalue: -5 } }, store);
    const message = formatMessage("dealValueNegative", { field: "pcs_dealvalue", value: "-5" });
    expect(h.blockingNotifications()).toEqual([`pcs_dealvalue: ${message}`]);

    const before = checks(h);
    h.change("estimatedvalue", -1);
    await whenIdle();
    expect(checks(h)).toBe(before);

    h.change("pcs_dealvalue", 250000);
    await whenIdle();
    expect(h.blockingNotifications()).toEqual([]);
    expect((await save(h)).resaved).toBe(1);
  });

  it("a message that appears on a change is still cleared by the next fix (a contact without an email, then one with)", async () => {
    const store = goodStore();
    store.contact["99999999-0000-4000-8000-000000000008"] = { fullname: "Lee Chen", emailaddress1: null };
    const h = await load({}, store);
    h.change("parentcontactid", [{ id: "{99999999-0000-4000-8000-000000000008}", name: "Lee Chen", entityType: "contact" }]);
    await whenIdle();
    expect(h.blockingNotifications()).toEqual([`parentcontactid: ${formatMessage("contactEmailMissing", { value: "Lee Chen" })}`]);
    h.change("parentcontactid", lookup(GOOD.contact, "contact"));
    await whenIdle();
    expect(h.blockingNotifications()).toEqual([]);
  });
});

/**
 * The opportunity columns the form's rules read (RULE_TABLES.form; a lookup's Web API names mapped back
 * to the column). The locks read the record as loaded, so a change of theirs checks nothing.
 */
const FORM_FACTS = tableFacts(RULE_TABLES.form);
const RULE_READ_COLUMNS = [
  ...new Set(
    (Object.entries(FACTS) as Array<[FactName, FactSpec]>).filter(([name]) => FORM_FACTS.has(name)).map(([, f]) => f).flatMap((f) => {
      if (!("row" in f.from) || f.from.row !== "opportunity") return [];
      const column = typeof f.from.column === "string" ? f.from.column : DEFAULT_CONFIG[f.from.column.config];
      return [/^_(.+)_value(@.*)?$/.exec(column)?.[1] ?? column];
    }),
  ),
];

describe("every column a rule reads checks again on change, once", () => {
  it("covers the columns the rules need", () => {
    expect([...RULE_READ_COLUMNS].sort()).toEqual(
      [
        "customerid",
        "estimatedclosedate",
        "estimatedvalue",
        "parentcontactid",
        "pcs_microsofthelp",
        "pcs_referralvisibility",
        "pcs_syncwithpartnercenter",
        "transactioncurrencyid",
        "pcs_purchaseintent",
        "pcs_partnerroleid",
        "pcs_solutionareaid",
        "pcs_solutionplayid",
      ].sort(),
    );
  });

  it.each(RULE_READ_COLUMNS)("%s", async (column) => {
    const h = await load();
    const before = checks(h);
    h.change(column, h.form.getAttribute(column)!.getValue());
    await whenIdle();
    expect(checks(h) - before).toBe(1);
  });

  it("OnLoad running again on the same form (as after a new record's first save) adds no second handler", async () => {
    const h = await load();
    Opportunity.onLoad(h.context);
    await whenIdle();
    const before = checks(h);
    h.change("parentcontactid", lookup(GOOD.contact, "contact"));
    await whenIdle();
    expect(checks(h) - before).toBe(1);
    expect(h.calls.filter((c) => c[1] === "contact" && c[2] === IDS.contact).length).toBeGreaterThan(0);
  });
});
