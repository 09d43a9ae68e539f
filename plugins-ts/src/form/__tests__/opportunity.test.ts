import { formatMessage, MESSAGES_1033 } from "../../rulebook/messages";
import * as Opportunity from "../opportunity";
import { SAVE_CHECK_TIMEOUT_MS, whenIdle } from "../state";
import { GOOD, goodStore, HELP_TECHNICAL, IDS, load, LOCKED, save, STATUS, FormSetup, Harness, Store } from "./harness";

afterEach(() => {
  jest.restoreAllMocks();
  jest.useRealTimers();
});

const ruleNotices = (h: Harness): string[] => h.formNotifications().filter((n) => n.uniqueId.startsWith("pcs.rule.")).map((n) => n.message);
const notice = (h: Harness, id: string) => h.formNotifications().find((n) => n.uniqueId === id);

describe("onLoad", () => {
  it("locks the columns only the sync writes, and nothing else", async () => {
    const h = await load();
    for (const column of LOCKED) h.form.getAttribute(column)!.controls.forEach((c) => expect((c as Xrm.Controls.StandardControl).getDisabled()).toBe(true));
    for (const column of ["pcs_syncwithpartnercenter", "pcs_microsofthelp", "customerid", "estimatedvalue"]) {
      h.form.getAttribute(column)!.controls.forEach((c) => expect((c as Xrm.Controls.StandardControl).getDisabled()).toBe(false));
    }
  });

  it("locks visibility once it is Yes, since it can never go back", async () => {
    const yes = await load({ visibility: true });
    yes.form.getAttribute("pcs_referralvisibility")!.controls.forEach((c) => expect((c as Xrm.Controls.StandardControl).getDisabled()).toBe(true));
    const no = await load({ visibility: false, help: null });
    no.form.getAttribute("pcs_referralvisibility")!.controls.forEach((c) => expect((c as Xrm.Controls.StandardControl).getDisabled()).toBe(false));
  });

  it("makes the columns the sync needs required while sync is Yes", async () => {
    const h = await load();
    for (const column of ["customerid", "estimatedclosedate", "transactioncurrencyid", "estimatedvalue", "parentcontactid"]) {
      expect([column, h.form.getAttribute(column)!.getRequiredLevel()]).toEqual([column, "required"]);
    }
  });

  it("asks for the contact only while help is asked", async () => {
    const h = await load({ help: null });
    expect(h.form.getAttribute("parentcontactid")!.getRequiredLevel()).toBe("none");
    expect(h.form.getAttribute("customerid")!.getRequiredLevel()).toBe("required");
  });

  it("with sync No changes no requirement and makes no Web API call", async () => {
    const h = await load({ sync: false, estimatedclosedate: null, customer: null });
    expect(h.form.getAttribute("estimatedclosedate")!.getRequiredLevel()).toBe("none");
    expect(h.calls).toEqual([]);
    expect(h.formNotifications()).toEqual([]);
  });

  it("shows the latest audit error when the sync status is Error", async () => {
    const audit = [
      "2026-11-22T10:15:03Z | CRM->PC | Error | create | Country on the customer account (address1_country) must be a two-letter ISO 3166 code such as US.",
      "2026-11-21T09:00:00Z | CRM->PC | Success | update | Referral updated.",
    ].join("\n");
    const h = await load({ syncStatus: STATUS.error, syncAudit: audit });
    expect(notice(h, "pcs.state")).toEqual({
      uniqueId: "pcs.state",
      level: "WARNING",
      message: "Partner Center sync failed: Country on the customer account (address1_country) must be a two-letter ISO 3166 code such as US.",
    });
  });

  it("says when the sync is pending, and nothing when it is synced", async () => {
    expect(notice(await load({ syncStatus: STATUS.pending }), "pcs.state")).toMatchObject({ level: "INFO", message: MESSAGES_1033.formSyncPending });
    expect(notice(await load({ syncStatus: STATUS.synced }), "pcs.state")).toBeUndefined();
    expect(notice(await load({ syncStatus: STATUS.error, syncAudit: "2026-11-21T09:00:00Z | CRM->PC | Success | update | ok" }), "pcs.state")).toMatchObject({
      message: MESSAGES_1033.formSyncErrorNoDetail,
    });
  });

  it("shows what would stop the sync as soon as the form opens", async () => {
    const h = await load({ estimatedclosedate: null });
    expect(ruleNotices(h)).toEqual([MESSAGES_1033.closeDateMissing]);
    expect(h.fieldNotifications("estimatedclosedate")).toEqual([MESSAGES_1033.closeDateMissing]);
    expect(notice(h, "pcs.rule.closeDate.missing")?.level).toBe("WARNING");
  });

  it("reads what the form does not hold with the Web API, once each", async () => {
    const h = await load();
    expect(h.calls.map((c) => `${c[0]} ${c[1]}`).sort()).toEqual([
      "retrieveMultipleRecords environmentvariabledefinition",
      "retrieveMultipleRecords pcs_partnercentersolution",
      "retrieveRecord account",
      "retrieveRecord contact",
      "retrieveRecord transactioncurrency",
    ]);
    const solutions = h.calls.find((c) => c[1] === "pcs_partnercentersolution")!;
    expect(solutions[2]).toContain(`_pcs_opportunityid_value eq ${IDS.opportunity}`);
    expect(solutions[2]).toContain("$expand=pcs_SolutionDetailId($select=pcs_solutiontype)");
    const account = h.calls.find((c) => c[1] === "account")!;
    expect(account[2]).toBe(IDS.account);
    expect(account[3]).toContain("address1_country");
    expect(ruleNotices(h)).toEqual([]);
  });
});

describe("a change of Sync with Partner Center (FormXml: onSyncChange)", () => {
  it("turning sync on runs the rules and sets the required levels", async () => {
    const h = await load({ sync: false, estimatedvalue: -10 });
    h.change("pcs_syncwithpartnercenter", true);
    await whenIdle();
    expect(ruleNotices(h)).toEqual([formatMessage("dealValueNegative", { field: "estimatedvalue", value: "-10" })]);
    expect(h.fieldNotifications("estimatedvalue")).toHaveLength(2); // body and header
    expect(h.form.getAttribute("estimatedclosedate")!.getRequiredLevel()).toBe("required");
  });

  it("turning sync off clears every message and gives the form its own levels back", async () => {
    const h = await load({ estimatedclosedate: null, required: { customerid: "recommended" } });
    expect(ruleNotices(h)).toHaveLength(1);
    h.change("pcs_syncwithpartnercenter", false);
    await whenIdle();
    expect(h.formNotifications().filter((n) => n.uniqueId !== "pcs.state")).toEqual([]);
    expect(h.fieldNotifications("estimatedclosedate")).toEqual([]);
    expect(h.form.getAttribute("customerid")!.getRequiredLevel()).toBe("recommended");
    expect(h.form.getAttribute("estimatedclosedate")!.getRequiredLevel()).toBe("none");
  });
});

describe("a change of How can Microsoft help? (FormXml: onMicrosoftHelpChange)", () => {
  it("asking for help without a contact says to choose one; clearing help clears it", async () => {
    const h = await load({ help: null, contact: null });
    expect(ruleNotices(h)).toEqual([]);
    h.change("pcs_microsofthelp", HELP_TECHNICAL);
    await whenIdle();
    expect(h.fieldNotifications("parentcontactid")).toEqual([MESSAGES_1033.contactMissing]);
    expect(h.form.getAttribute("parentcontactid")!.getRequiredLevel()).toBe("required");
    h.change("pcs_microsofthelp", null);
    await whenIdle();
    expect(h.fieldNotifications("parentcontactid")).toEqual([]);
    expect(h.form.getAttribute("parentcontactid")!.getRequiredLevel()).toBe("none");
  });

  it("a contact without an email is named", async () => {
    const store = goodStore();
    store.contact[IDS.contact].emailaddress1 = null;
    const h = await load({}, store);
    expect(h.fieldNotifications("parentcontactid")).toEqual([formatMessage("contactEmailMissing", { value: "Dana Smith" })]);
  });
});

describe("a change of Potential Customer", () => {
  it("names the configured country column and hints the code for USA", async () => {
    const store = goodStore();
    store.account[IDS.account].pcs_countrycode = "USA";
    store.env.pcs_CustomerCountryCodeField.value = "pcs_countrycode";
    const h = await load({}, store);
    const expected = 'Country on the customer account (pcs_countrycode) is "USA": use the two-letter ISO 3166 code US instead.';
    expect(h.fieldNotifications("customerid")).toEqual([expected]);
    expect(h.calls.find((c) => c[1] === "account")![3]).toContain("pcs_countrycode");
  });

  it("re-checks the new customer's account when the customer changes", async () => {
    const store = goodStore();
    store.account["99999999-0000-4000-8000-000000000009"] = { name: "Fabrikam", address1_country: "United States" };
    const h = await load({}, store);
    expect(ruleNotices(h)).toEqual([]);
    h.change("customerid", [{ id: "{99999999-0000-4000-8000-000000000009}", entityType: "account", name: "Fabrikam" }]);
    await whenIdle();
    expect(h.fieldNotifications("customerid")).toEqual([
      'Country on the customer account (address1_country) is "United States": use the two-letter ISO 3166 code US instead.',
    ]);
  });

  it("a contact as Potential Customer is refused without reading any account", async () => {
    const h = await load({ customer: { id: `{${IDS.contact}}`, entityType: "contact", name: "Dana Smith" } });
    expect(h.fieldNotifications("customerid")).toEqual([MESSAGES_1033.customerNotAccount]);
    expect(h.calls.some((c) => c[1] === "account")).toBe(false);
  });

  it("takes the current value of an environment variable over its default, and the default over the shipped one", async () => {
    const store = goodStore();
    store.env.pcs_CustomerCountryCodeField = { defaultvalue: "pcs_country", value: null };
    store.account[IDS.account].pcs_country = "DE";
    delete store.account[IDS.account].address1_country;
    expect(ruleNotices(await load({}, store))).toEqual([]);
    store.env = {};
    const h = await load({}, store);
    expect(h.fieldNotifications("customerid")).toEqual([formatMessage("countryMissing", { field: "address1_country" })]);
  });
});

describe("a change of the visibility", () => {
  it("visibility cannot go back from Yes to No", async () => {
    const h = await load({ help: null });
    h.change("pcs_referralvisibility", false);
    await whenIdle();
    expect(h.fieldNotifications("pcs_referralvisibility")).toEqual([MESSAGES_1033.visibilityReverted]);
  });

  it("sharing with Microsoft needs a solution (a form message: the subgrid is not a column)", async () => {
    const store = goodStore();
    store.solutions[IDS.opportunity] = [];
    const h = await load({ help: null, visibility: false }, store);
    expect(ruleNotices(h)).toEqual([]);
    h.change("pcs_referralvisibility", true);
    await whenIdle();
    expect(notice(h, "pcs.rule.solutions.missing")).toMatchObject({ level: "WARNING", message: MESSAGES_1033.solutionsMissing });
  });

  it("re-checks when the Microsoft Solutions subgrid reloads", async () => {
    const store = goodStore();
    store.solutions[IDS.opportunity] = [];
    const h = await load(SERVICES, store);
    expect(ruleNotices(h)).toEqual([MESSAGES_1033.solutionsMissing]);
    store.solutions[IDS.opportunity] = goodStore().solutions[IDS.opportunity];
    for (const handler of (h.grid() as unknown as { onLoadHandlers: Array<() => void> }).onLoadHandlers) handler();
    await whenIdle();
    expect(ruleNotices(h)).toEqual([]);
  });
});

describe("onSave", () => {
  it("sync No: never gets in the way (no check, no call)", async () => {
    const h = await load({ sync: false, estimatedclosedate: null });
    const r = await save(h);
    expect(r.preventedAtOnce).toBe(false);
    expect(r.resaved).toBe(0);
    expect(h.calls).toEqual([]);
  });

  it("sync Yes and every rule met: checks with fresh reads, then saves", async () => {
    const h = await load();
    const before = h.calls.length;
    const r = await save(h);
    expect(r.preventedAtOnce).toBe(true); // held while it reads
    expect(r.resaved).toBe(1);
    expect(r.resavePrevented).toBe(false);
    expect(h.calls.length).toBeGreaterThan(before);
    expect(h.formNotifications().filter((n) => n.uniqueId !== "pcs.state")).toEqual([]);
  });

  it("Save & Close closes the form after the checked save", async () => {
    const h = await load();
    expect((await save(h, 2)).closed).toBe(true);
  });

  it("sync Yes and a rule fails: the save stops and the form says why", async () => {
    const h = await load();
    h.set("estimatedclosedate", null);
    const r = await save(h);
    expect(r.preventedAtOnce).toBe(true);
    expect(r.resaved).toBe(0);
    expect(notice(h, "pcs.save")).toEqual({ uniqueId: "pcs.save", level: "ERROR", message: MESSAGES_1033.formSaveBlocked });
    expect(notice(h, "pcs.rule.closeDate.missing")).toMatchObject({ level: "ERROR", message: MESSAGES_1033.closeDateMissing });
    expect(h.fieldNotifications("estimatedclosedate")).toEqual([MESSAGES_1033.closeDateMissing]);
  });

  it("uses fresh data: a country fixed on the account meanwhile lets the save through", async () => {
    const store = goodStore();
    store.account[IDS.account].address1_country = "USA";
    const h = await load({}, store);
    expect(ruleNotices(h)).toHaveLength(1);
    store.account[IDS.account].address1_country = "us";
    const r = await save(h);
    expect(r.resaved).toBe(1);
    expect(ruleNotices(h)).toEqual([]);
  });

  it("a Web API failure never blocks the save: it warns", async () => {
    const h = await load();
    h.failReads("*");
    const r = await save(h);
    expect(r.resaved).toBe(1);
    expect(notice(h, "pcs.check")).toMatchObject({ level: "WARNING" });
    expect(notice(h, "pcs.check")!.message).toContain("Network error: the request timed out.");
    expect(notice(h, "pcs.check")!.message).toContain("You can still save");
  });

  it("a failed account read leaves the country unchecked but still checks the rest", async () => {
    const h = await load();
    h.failReads("account");
    h.set("estimatedclosedate", null);
    const r = await save(h);
    expect(r.resaved).toBe(0);
    expect(ruleNotices(h)).toEqual([MESSAGES_1033.closeDateMissing]);
    expect(notice(h, "pcs.check")!.message).toContain("account: Network error");
  });

  it("a Web API that never answers does not hold the save for ever", async () => {
    const h = await load();
    jest.useFakeTimers();
    h.hangReads();
    const dataSave = jest.spyOn(h.form.data, "save").mockImplementation(() => Promise.resolve() as never);
    Opportunity.onSave(h.saveContext());
    await jest.advanceTimersByTimeAsync(SAVE_CHECK_TIMEOUT_MS + 1);
    expect(dataSave).toHaveBeenCalledTimes(1);
    expect(notice(h, "pcs.check")!.message).toContain("no answer within 10 s");
  });

  it("a misconfigured country column is named for the administrator, and does not block", async () => {
    const store = goodStore();
    store.env.pcs_CustomerCountryCodeField.value = "Country Code";
    const h = await load({}, store);
    const r = await save(h);
    expect(r.resaved).toBe(1);
    expect(notice(h, "pcs.check")!.message).toBe(
      'Environment variable pcs_CustomerCountryCodeField names the column "Country Code", which the account table does not have: ask an administrator to correct it.',
    );
  });

  it("a new opportunity can be saved before it has solutions, with a hint to add them", async () => {
    const h = await load({ id: "" });
    expect(h.calls.some((c) => c[1] === "pcs_partnercentersolution")).toBe(false);
    const r = await save(h);
    expect(r.resaved).toBe(1);
    expect(notice(h, "pcs.solutions")).toMatchObject({ level: "INFO", message: MESSAGES_1033.formSolutionsAfterSave });
  });

  it("a configured deal value column that is not on the form is read from the saved record", async () => {
    const store = goodStore();
    store.env.pcs_DealValueField.value = "pcs_dealvalue";
    store.opportunity[IDS.opportunity] = { pcs_dealvalue: -5 };
    const h = await load({ noDealValueOnForm: true }, store);
    expect(h.calls.find((c) => c[1] === "opportunity")![3]).toBe("?$select=pcs_dealvalue");
    expect(ruleNotices(h)).toEqual([formatMessage("dealValueNegative", { field: "pcs_dealvalue", value: "-5" })]);
  });
});

/** Every rule, through the form: what the seller does, and the message the save stops with. */
/** A Services co-sell's partner role, solution area and play (with only Microsoft solutions). */
const SERVICES: FormSetup = {
  partnerRole: { id: "{6A1D0C3E-5555-4E9F-8A01-000000000011}", name: "Solution design" },
  solutionArea: { id: "{6A1D0C3E-5555-4E9F-8A01-000000000012}", name: "Cloud and AI Platforms" },
  solutionPlay: { id: "{6A1D0C3E-5555-4E9F-8A01-000000000013}", name: "Migrate and Modernize Your Estate" },
};
const servicesOnly = (s: Store): void => {
  s.solutions[IDS.opportunity] = [{ pcs_partnercentersolutionid: "s2", pcs_SolutionDetailId: { pcs_solutionid: "SOL-45678-JKL", pcs_solutiontype: 619300001 } }];
};
const RULE_CASES: Array<[rule: string, setup: FormSetup, change: (s: Store) => void, column: string | null, message: string]> = [
  ["customer.missing", { customer: null }, () => undefined, "customerid", MESSAGES_1033.customerMissing],
  ["customer.notAccount", { customer: { id: IDS.contact, entityType: "contact", name: "Dana" } }, () => undefined, "customerid", MESSAGES_1033.customerNotAccount],
  ["country.missing", {}, (s) => (s.account[IDS.account].address1_country = null), "customerid", formatMessage("countryMissing", { field: "address1_country" })],
  ["country.alias", {}, (s) => (s.account[IDS.account].address1_country = "United Kingdom"), "customerid",
    'Country on the customer account (address1_country) is "United Kingdom": use the two-letter ISO 3166 code GB instead.'],
  ["country.invalid", {}, (s) => (s.account[IDS.account].address1_country = "XX"), "customerid",
    'Country on the customer account (address1_country) must be a two-letter ISO 3166 code such as US, not "XX".'],
  // no solution: a Services co-sell, which gives its partner role, solution area and play
  ["solutions.missing", SERVICES, (s) => (s.solutions[IDS.opportunity] = []), null, MESSAGES_1033.solutionsMissing],
  ["contact.missing", { contact: null }, () => undefined, "parentcontactid", MESSAGES_1033.contactMissing],
  ["contact.noEmail", {}, (s) => (s.contact[IDS.contact].emailaddress1 = " "), "parentcontactid", formatMessage("contactEmailMissing", { value: "Dana Smith" })],
  ["dealValue.missing", { estimatedvalue: null }, () => undefined, "estimatedvalue", formatMessage("dealValueMissing", { field: "estimatedvalue" })],
  ["dealValue.negative", { estimatedvalue: -1 }, () => undefined, "estimatedvalue", formatMessage("dealValueNegative", { field: "estimatedvalue", value: "-1" })],
  ["currency.missing", { currency: null }, () => undefined, "transactioncurrencyid", MESSAGES_1033.currencyMissing],
  ["currency.unknown", { currency: { id: IDS.currency, name: "Points" } }, (s) => (s.transactioncurrency[IDS.currency].isocurrencycode = "PTS"), "transactioncurrencyid",
    'Currency Points has the code "PTS", which is not an ISO 4217 currency code: choose a currency such as USD.'],
  ["closeDate.missing", { estimatedclosedate: null }, () => undefined, "estimatedclosedate", MESSAGES_1033.closeDateMissing],
  ["visibility.neededForHelp", { visibility: false }, () => undefined, "pcs_referralvisibility", MESSAGES_1033.helpNeedsVisibility],
  // today's co-sell (rules.ts COSELL_REQUIREMENTS)
  ["intent.missing", { intent: null }, () => undefined, "pcs_purchaseintent", MESSAGES_1033.intentMissing],
  ["partnerRole.missing", { ...SERVICES, partnerRole: null }, servicesOnly, "pcs_partnerroleid", formatMessage("servicesCoSellNeeds", { field: "Partner Role" })],
  ["solutionArea.missing", { ...SERVICES, solutionArea: null }, servicesOnly, "pcs_solutionareaid", formatMessage("servicesCoSellNeeds", { field: "Solution Area" })],
  ["solutionPlay.missing", { ...SERVICES, solutionPlay: null }, servicesOnly, "pcs_solutionplayid", formatMessage("servicesCoSellNeeds", { field: "Solution Play" })],
];

describe("every rule stops a save with its message", () => {
  it.each(RULE_CASES)("%s", async (rule, setup, change, column, message) => {
    const store = goodStore();
    change(store);
    const h = await load(setup, store);
    const r = await save(h);
    expect(r.resaved).toBe(0);
    expect(notice(h, `pcs.rule.${rule}`)).toEqual({ uniqueId: `pcs.rule.${rule}`, level: "ERROR", message });
    if (column) expect(h.fieldNotifications(column)).toContain(message);
    expect(ruleNotices(h)).toEqual([message]);
  });

  it("visibility.reverted", async () => {
    const h = await load({ help: null });
    h.set("pcs_referralvisibility", false);
    const r = await save(h);
    expect(r.resaved).toBe(0);
    expect(notice(h, "pcs.rule.visibility.reverted")).toMatchObject({ level: "ERROR", message: MESSAGES_1033.visibilityReverted });
  });

  it("covers every rule the form checks (the locks' own rules: locks.test.ts)", () => {
    const { RULE_TABLES } = jest.requireActual("../../rulebook/rules") as typeof import("../../rulebook/rules");
    expect([...RULE_CASES.map((c) => c[0]), "visibility.reverted"].sort()).toEqual(RULE_TABLES.form.rules.map((r) => r.id).sort());
  });
});

describe("a stale check never overwrites a newer one", () => {
  it("keeps the outcome of the latest change", async () => {
    const store = goodStore();
    store.account["99999999-0000-4000-8000-000000000009"] = { name: "Fabrikam", address1_country: "XX" };
    const h = await load({}, store);
    h.change("customerid", [{ id: "{99999999-0000-4000-8000-000000000009}", entityType: "account", name: "Fabrikam" }]); // slower read of a bad account …
    h.change("customerid", GOOD.customer ? [GOOD.customer] : null); // … overtaken by a change back
    await whenIdle();
    expect(ruleNotices(h)).toEqual([]);
  });
});
