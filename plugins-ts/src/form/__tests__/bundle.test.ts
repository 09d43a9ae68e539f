/**
 * The BUILT web resource, exactly as the solution ships it, in a fresh JavaScript context:
 * - every handler the packed opportunity FormXml registers resolves to a function under the name the
 *   FormXml spells (read from solution/src/Entities/Opportunity/FormXml, so a renamed export fails);
 * - the minified code behaves: a failing rule stops a save with its message, a passing one saves, a
 *   fixed value clears its rule's message.
 */
import * as vm from "vm";
import { FORM_SCRIPT } from "../../model/schema";
import { builtBundle } from "./built-bundle";
import { formXmlHandlers, resolveName as resolve, xmlFiles } from "./formxml";
import { goodStore, IDS, makeForm } from "./harness";

const formXmlFiles = xmlFiles();
const registered = formXmlHandlers();
/** Until the packed FormXml exists, the names the packer is to register (schema.ts). */
const names: string[] = registered.length
  ? [...new Set(registered.map((h) => h.functionName))]
  : [FORM_SCRIPT.handlers.onLoad, FORM_SCRIPT.handlers.onSave, ...Object.values(FORM_SCRIPT.handlers.onChange)];

function load(code: string, globals: Record<string, unknown> = {}): Record<string, unknown> {
  const sandbox: Record<string, unknown> = { setTimeout, clearTimeout, ...globals };
  vm.createContext(sandbox);
  try {
    vm.runInContext(code, sandbox, { filename: FORM_SCRIPT.webResourceName });
  } catch (error) {
    throw new Error(`the bundle throws while loading: ${(error as Error).stack?.split("\n").slice(0, 3).join(" | ")}`);
  }
  return sandbox;
}

const settle = async (): Promise<void> => {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
};

describe("built web resource pcs_/scripts/opportunity.js", () => {
  let code = "";
  beforeAll(async () => {
    code = await builtBundle();
  }, 120_000);

  it.each(names)("resolves %s to a function in a fresh context", (name) => {
    expect(typeof resolve(load(code), name)).toBe("function");
  });

  const packed = formXmlFiles.length ? it : it.skip;
  packed("the packed opportunity FormXml registers this web resource's handlers", () => {
    expect(registered.map((h) => h.file)).not.toEqual([]);
  });

  packed("the packed FormXml registers every handler of schema.ts, on the right events, with the execution context", () => {
    const byName = new Map(registered.map((h) => [h.functionName, h]));
    expect(byName.get(FORM_SCRIPT.handlers.onLoad)?.event).toBe("onload");
    expect(byName.get(FORM_SCRIPT.handlers.onSave)?.event).toBe("onsave");
    for (const [attribute, name] of Object.entries(FORM_SCRIPT.handlers.onChange)) {
      expect(registered.filter((h) => h.functionName === name).map((h) => [h.event, h.attribute])).toContainEqual(["onchange", attribute]);
    }
    for (const h of registered) expect([h.functionName, h.passExecutionContext]).toEqual([h.functionName, true]);
  });

  it("keeps an existing PartnerCenterSync namespace (assign-properties) instead of replacing it", () => {
    const other = { Lead: { onLoad: () => undefined } };
    const sandbox = load(code, { PartnerCenterSync: other });
    expect(sandbox.PartnerCenterSync).toBe(other);
    expect(typeof resolve(sandbox, FORM_SCRIPT.handlers.onLoad)).toBe("function");
  });

  describe("the minified handlers behave like the source", () => {
    afterEach(() => jest.restoreAllMocks());

    it("onLoad shows the country hint for USA", async () => {
      const store = goodStore();
      store.account[IDS.account].address1_country = "USA";
      const h = makeForm({}, store);
      const onLoad = resolve(load(code, { Xrm }), FORM_SCRIPT.handlers.onLoad) as (c: Xrm.Events.EventContext) => void;
      onLoad(h.context);
      await settle();
      expect(h.fieldNotifications("customerid")).toEqual([
        'Country on the customer account (address1_country) is "USA": use the two-letter ISO 3166 code US instead.',
      ]);
    });

    it("a rule's column the FormXml does not wire clears its message when fixed (Contact, and the configured deal value column)", async () => {
      const store = goodStore();
      store.env.pcs_DealValueField.value = "pcs_dealvalue";
      const h = makeForm({ contact: null, numbers: { pcs_dealvalue: -5 } }, store);
      const onLoad = resolve(load(code, { Xrm }), FORM_SCRIPT.handlers.onLoad) as (c: Xrm.Events.EventContext) => void;
      onLoad(h.context);
      await settle();
      expect(h.blockingNotifications().map((n) => n.split(":")[0])).toEqual(["parentcontactid", "pcs_dealvalue"]);
      h.change("parentcontactid", [{ id: `{${IDS.contact}}`, name: "Dana Smith", entityType: "contact" }]);
      h.change("pcs_dealvalue", 1000);
      await settle();
      expect(h.blockingNotifications()).toEqual([]);
    });

    it("onSave stops a failing save and lets a passing one through", async () => {
      const sandbox = load(code, { Xrm });
      const onLoad = resolve(sandbox, FORM_SCRIPT.handlers.onLoad) as (c: Xrm.Events.EventContext) => void;
      const onSave = resolve(sandbox, FORM_SCRIPT.handlers.onSave) as (c: Xrm.Events.SaveEventContext) => void;
      const h = makeForm({ estimatedclosedate: null });
      const dataSave = jest.spyOn(h.form.data, "save").mockImplementation(() => {
        onSave(h.saveContext());
        return Promise.resolve() as never;
      });
      onLoad(h.context);
      await settle();
      const blocked = h.saveContext();
      onSave(blocked);
      await settle();
      expect(blocked.getEventArgs().isDefaultPrevented()).toBe(true);
      expect(dataSave).not.toHaveBeenCalled();
      expect(h.formNotifications().find((n) => n.uniqueId === "pcs.save")?.level).toBe("ERROR");

      h.set("estimatedclosedate", new Date(2026, 11, 31));
      onSave(h.saveContext());
      await settle();
      expect(dataSave).toHaveBeenCalledTimes(1);
      expect(h.formNotifications().filter((n) => n.uniqueId.startsWith("pcs.rule."))).toEqual([]);
    });
  });
});
