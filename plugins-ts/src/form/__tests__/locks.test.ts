/**
 * What Partner Center will not let change is locked on the form, and the form says why
 * (partner-center-2026.md §2.3; rulebook rules.ts FORM_LOCKS): once the referral exists, the customer
 * and the typed attributes; once the deal is shared for co-sell, the customer contact and the help
 * asked. The reason is a recommendation on the column, which does not stop a save.
 */
import { formatMessage } from "../../rulebook/messages";
import * as Opportunity from "../opportunity";
import { whenIdle } from "./../state";
import { HELP_TECHNICAL, load, save, type Harness } from "./harness";

afterEach(() => jest.restoreAllMocks());

const REFERRAL = "b6f1c9a2-7d1e-4c55-9f00-000000000001";
const ROLE = { id: "{6A1D0C3E-5555-4E9F-8A01-000000000011}", name: "Solution design" };

const disabled = (h: Harness, column: string): boolean[] => {
  const out: boolean[] = [];
  h.form.getAttribute(column)!.controls.forEach((c) => {
    out.push((c as Xrm.Controls.StandardControl).getDisabled());
  });
  return out;
};
/** The notifications a column shows, with their level. */
const notes = (h: Harness, column: string): Array<[string, string]> => {
  const out: Array<[string, string]> = [];
  h.form.getAttribute(column)!.controls.forEach((c) => {
    for (const n of (c as unknown as { getNotifications(): Array<{ messages: string[]; notificationLevel?: string }> }).getNotifications()) out.push([n.notificationLevel ?? "ERROR", n.messages.join(" ")]);
  });
  return out;
};

const atCreate = (field: string): string => formatMessage("lockedAtCreate", { field });
const onceCoSell = (field: string): string => formatMessage("lockedOnceCoSell", { field });

describe("a referral already in Partner Center", () => {
  it("locks the customer and the typed attributes, each saying why; with help asked, the contact and the help too", async () => {
    const h = await load({ referralId: REFERRAL, partnerRole: ROLE });
    const expected: Array<[string, string]> = [
      ["customerid", atCreate("Potential Customer")],
      ["pcs_purchaseintent", atCreate("Customer Purchase Intent")],
      ["pcs_partnerroleid", atCreate("Partner Role")],
      ["pcs_solutionareaid", atCreate("Solution Area")],
      ["pcs_solutionplayid", atCreate("Solution Play")],
      ["parentcontactid", onceCoSell("Contact")],
      ["pcs_microsofthelp", onceCoSell("How can Microsoft help?")],
    ];
    for (const [column, message] of expected) {
      expect([column, disabled(h, column)]).toEqual([column, [true]]);
      expect([column, notes(h, column)]).toEqual([column, [["RECOMMENDATION", message]]]);
    }
    // what Partner Center takes later stays open
    for (const column of ["estimatedvalue", "estimatedclosedate", "transactioncurrencyid"]) expect([column, disabled(h, column).every((d) => !d)]).toEqual([column, true]);
    // a lock's reason never stops a save
    expect(h.blockingNotifications()).toEqual([]);
    expect((await save(h)).resaved).toBe(1);
  });

  it("shared without help asked (partner-led): the contact and the help stay open", async () => {
    const h = await load({ referralId: REFERRAL, help: null });
    expect(disabled(h, "customerid")).toEqual([true]);
    expect(disabled(h, "parentcontactid")).toEqual([false]);
    expect(disabled(h, "pcs_microsofthelp")).toEqual([false]);
  });

  it("stays locked with Sync with Partner Center No, and when sync is turned off and on", async () => {
    const h = await load({ referralId: REFERRAL, sync: false });
    expect(disabled(h, "customerid")).toEqual([true]);
    h.change("pcs_syncwithpartnercenter", true);
    await whenIdle();
    h.change("pcs_syncwithpartnercenter", false);
    await whenIdle();
    expect(disabled(h, "customerid")).toEqual([true]);
    expect(notes(h, "customerid")).toEqual([["RECOMMENDATION", atCreate("Potential Customer")]]);
  });

  it("is locked once: OnLoad running again does not say it twice", async () => {
    const h = await load({ referralId: REFERRAL });
    Opportunity.onLoad(h.context);
    await whenIdle();
    expect(notes(h, "customerid")).toEqual([["RECOMMENDATION", atCreate("Potential Customer")]]);
  });
});

describe("an opportunity not yet in Partner Center", () => {
  it("locks none of them", async () => {
    const h = await load({ help: HELP_TECHNICAL });
    for (const column of ["customerid", "pcs_purchaseintent", "pcs_partnerroleid", "parentcontactid", "pcs_microsofthelp"]) {
      expect([column, disabled(h, column)]).toEqual([column, [false]]);
      expect([column, notes(h, column)]).toEqual([column, []]);
    }
  });
});
