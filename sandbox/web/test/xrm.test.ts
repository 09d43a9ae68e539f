/**
 * @jest-environment jsdom
 *
 * The page's client API without a browser: column values between the Web API and Xrm, handlers
 * looked up and called as the FormXml names them, the documented save order (validation, then
 * OnSave, then the write of the changed columns only), and the Audit lines' links to their runs.
 */
import type { FormBundle } from "../src/assets";
import type { FormModel } from "../src/form-model";
import type { AttributeMeta, EntityMeta } from "../client/metadata";
import { auditPanel, runLink } from "../client/views/audit-panel";
import { FormRuntime, handlerParameters, resolveHandler } from "../client/xrm/form";
import { cellText, fromRow, toPayload } from "../client/xrm/values";

const attr = (logicalName: string, type: string, extra: Partial<AttributeMeta> = {}): AttributeMeta => ({
  logicalName,
  type,
  label: logicalName,
  requiredLevel: "none",
  validForCreate: true,
  validForUpdate: true,
  ...extra,
});

const META: EntityMeta = {
  logicalName: "opportunity",
  entitySetName: "opportunities",
  primaryId: "opportunityid",
  primaryName: "name",
  displayName: "Opportunity",
  attributes: new Map(
    [
      attr("name", "String", { requiredLevel: "required" }),
      attr("customerid", "Customer", { targets: ["account", "contact"] }),
      attr("estimatedclosedate", "DateTime", { format: "DateOnly" }),
      attr("pcs_lastsyncedon", "DateTime", { format: "DateAndTime" }),
      attr("pcs_syncwithpartnercenter", "Boolean", { options: [{ value: 0, label: "No" }, { value: 1, label: "Yes" }], defaultValue: 0 }),
    ].map((a) => [a.logicalName, a]),
  ),
  navigation: new Map([
    ["customerid|account", "customerid_account"],
    ["customerid|contact", "customerid_contact"],
  ]),
  oneToMany: new Map(),
};

describe("column values between the Web API and Xrm", () => {
  const a = (n: string) => META.attributes.get(n)!;

  it("reads a lookup as [{ id: '{GUID}', name, entityType }] and a date-only column as local midnight", () => {
    const row = {
      _customerid_value: "2b4c6d8e-1111-4a5b-9c0d-000000000001",
      "_customerid_value@OData.Community.Display.V1.FormattedValue": "Contoso",
      "_customerid_value@Microsoft.Dynamics.CRM.lookuplogicalname": "account",
      estimatedclosedate: "2026-12-31",
      pcs_lastsyncedon: "2026-11-22T10:15:00Z",
    };
    expect(fromRow(a("customerid"), row)).toEqual([{ id: "{2B4C6D8E-1111-4A5B-9C0D-000000000001}", name: "Contoso", entityType: "account" }]);
    const d = fromRow(a("estimatedclosedate"), row) as Date;
    expect([d.getFullYear(), d.getMonth(), d.getDate(), d.getHours()]).toEqual([2026, 11, 31, 0]);
    expect((fromRow(a("pcs_lastsyncedon"), row) as Date).toISOString()).toBe("2026-11-22T10:15:00.000Z");
    expect(fromRow(a("customerid"), {})).toBeNull();
  });

  it("writes a lookup through the navigation property of its table, a cleared one as null, a date-only as yyyy-MM-dd", () => {
    expect(toPayload(META, a("customerid"), null)).toEqual({ "customerid_account@odata.bind": null });
    expect(() => toPayload(META, a("customerid"), [{ id: "{1}", name: "x", entityType: "lead" }])).toThrow("customerid cannot point to a lead: the table has no such relationship.");
    expect(toPayload(META, a("estimatedclosedate"), new Date(2027, 0, 5))).toEqual({ estimatedclosedate: "2027-01-05" });
    expect(toPayload(META, a("name"), "")).toEqual({ name: null });
  });

  it("shows dates in lists in the user's zone, other columns as Dataverse formats them", () => {
    expect(cellText(a("estimatedclosedate"), { estimatedclosedate: "2026-12-31", "estimatedclosedate@OData.Community.Display.V1.FormattedValue": "12/31/2026" })).toBe("12/31/2026");
    expect(cellText(a("pcs_syncwithpartnercenter"), { pcs_syncwithpartnercenter: true, "pcs_syncwithpartnercenter@OData.Community.Display.V1.FormattedValue": "Yes" })).toBe("Yes");
    expect(cellText(a("name"), {})).toBe("");
  });
});

describe("handlers as the FormXml names them", () => {
  it("looks functions up by their dotted name on the global object, and reads the parameter list", () => {
    (globalThis as Record<string, unknown>).Lib = { Form: { go: () => "went" } };
    expect(resolveHandler("Lib.Form.go")?.()).toBe("went");
    expect(resolveHandler("Lib.Form.missing")).toBeUndefined();
    expect(resolveHandler("Nope.at.all")).toBeUndefined();
    expect(handlerParameters("'x', 2, true")).toEqual(["x", 2, true]);
    expect(handlerParameters("")).toEqual([]);
    expect(handlerParameters("not a literal")).toEqual(["not a literal"]);
  });
});

describe("formContext: events and the save", () => {
  const model: FormModel = {
    entity: "opportunity",
    formId: "f",
    name: "Test form",
    header: [],
    tabs: [
      {
        name: "t",
        id: "t",
        label: "T",
        showLabel: true,
        expanded: true,
        columns: [
          {
            width: "100%",
            sections: [
              {
                name: "s",
                id: "s",
                label: "S",
                showLabel: true,
                cells: ["name", "customerid", "pcs_syncwithpartnercenter"].map((c) => ({ id: c, label: c, showLabel: true, control: { kind: "field" as const, id: c, classId: "", column: c, disabled: false } })),
              },
            ],
          },
        ],
      },
    ],
    libraries: ["lib.js"],
    events: [
      { name: "onsave", handlers: [{ functionName: "Test.onSave", libraryName: "lib.js", enabled: true, passExecutionContext: true, parameters: "" }] },
      { name: "onchange", attribute: "pcs_syncwithpartnercenter", handlers: [{ functionName: "Test.onSync", libraryName: "lib.js", enabled: true, passExecutionContext: true, parameters: "'p'" }] },
      { name: "onload", handlers: [{ functionName: "Test.missing", libraryName: "lib.js", enabled: true, passExecutionContext: true, parameters: "" }] },
    ],
  };
  const bundle: FormBundle = { form: model, controls: {}, views: {}, columns: ["name", "customerid", "pcs_syncwithpartnercenter"] };
  const calls: string[] = [];
  const errors: string[] = [];
  let prevent = false;
  (globalThis as Record<string, unknown>).Test = {
    onSave: (ctx: { getEventArgs(): { preventDefault(): void; getSaveMode(): number } }) => {
      calls.push(`onSave(${ctx.getEventArgs().getSaveMode()})`);
      if (prevent) ctx.getEventArgs().preventDefault();
    },
    onSync: (ctx: { getEventSource(): { getName(): string } }, p: string) => calls.push(`onSync(${ctx.getEventSource().getName()},${p})`),
  };
  const hooks = { notificationsChanged: () => undefined, saved: () => calls.push("saved"), close: () => undefined, scriptError: (m: string) => errors.push(m) };
  const requests: Array<{ method: string; url: string; body: unknown; headers: Record<string, string> }> = [];
  /** What the page's fetch needs of an answer (jsdom has no Response). */
  const answer = (status: number, body: unknown, headers: Record<string, string> = {}) =>
    ({ ok: status < 400, status, text: async () => (body === null ? "" : JSON.stringify(body)), headers: { get: (n: string) => headers[n.toLowerCase()] ?? null } }) as unknown as Response;

  beforeEach(() => {
    calls.length = 0;
    errors.length = 0;
    requests.length = 0;
    prevent = false;
    global.fetch = jest.fn(async (url: RequestInfo | URL, init?: RequestInit) => {
      requests.push({ method: init?.method ?? "GET", url: String(url), body: init?.body ? JSON.parse(String(init.body)) : undefined, headers: (init?.headers ?? {}) as Record<string, string> });
      if (String(url).includes("EntityDefinitions")) return answer(200, /\)\/\w/.test(String(url)) ? { value: [] } : { EntitySetName: "opportunities", PrimaryIdAttribute: "opportunityid", PrimaryNameAttribute: "name", Attributes: [] });
      if (init?.method === "GET" || !init?.method) return answer(200, { opportunityid: "0f8fad5b-d9cb-469f-a165-70867728950e", name: "Saved name", pcs_syncwithpartnercenter: true });
      return answer(204, null, { "odata-entityid": "http://x/api/data/v9.2/opportunities(0f8fad5b-d9cb-469f-a165-70867728950e)" });
    }) as typeof fetch;
  });

  const form = (row: Record<string, unknown> | null = { opportunityid: "0f8fad5b-d9cb-469f-a165-70867728950e", name: "Deal", pcs_syncwithpartnercenter: false }) =>
    new FormRuntime(bundle, META, row, hooks, () => ({}));

  it("setValue changes the column without OnChange; fireOnChange runs the FormXml handler with the context and parameters", () => {
    const f = form();
    const sync = f.attributes.get("pcs_syncwithpartnercenter")!;
    sync.setValue(true);
    expect(calls).toEqual([]);
    expect(sync.getIsDirty()).toBe(true);
    sync.fireOnChange();
    expect(calls).toEqual(["onSync(pcs_syncwithpartnercenter,p)"]);
    f.runOnLoad();
    expect(errors).toEqual(["Test.missing is not a function: the library lib.js did not define it."]);
  });

  it("an empty required column or a control showing an error stops the save before OnSave; nothing is written", async () => {
    const f = form();
    f.attributes.get("name")!.setValue(null);
    await expect(f.save()).rejects.toMatchObject({ message: "name: a value is required." });
    expect(f.formNotifications.get("web.save")?.message).toBe("Not saved. name: a value is required.");
    f.attributes.get("name")!.setValue("Deal 2");
    f.controlList.find((c) => c.getName() === "customerid")!.setNotification("Choose the account.", "rule");
    await expect(f.save()).rejects.toMatchObject({ message: "customerid: Choose the account." });
    expect(calls).toEqual([]);
    expect(requests.filter((r) => r.method !== "GET")).toEqual([]);
  });

  it("OnSave's preventDefault stops the save; otherwise only the changed columns are written, with If-Match", async () => {
    const f = form();
    f.attributes.get("name")!.setValue("Deal 2");
    prevent = true;
    await expect(f.save(2)).rejects.toMatchObject({ message: "The save was cancelled by an OnSave handler." });
    expect(calls).toEqual(["onSave(2)"]);
    prevent = false;
    await f.save();
    const patch = requests.find((r) => r.method === "PATCH")!;
    expect(requests.filter((r) => r.method !== "GET")).toHaveLength(1);
    expect(patch.url).toBe("/api/data/v9.2/opportunities(0f8fad5b-d9cb-469f-a165-70867728950e)");
    expect(patch.body).toEqual({ name: "Deal 2" });
    expect(patch.headers["If-Match"]).toBe("*");
    expect(calls).toEqual(["onSave(2)", "onSave(1)", "saved"]);
    // read again after the save: the saved values, nothing dirty
    expect(f.attributes.get("name")!.getValue()).toBe("Saved name");
    expect(f.isDirty()).toBe(false);
  });

  it("a new record is created and takes its id; formContext reports it as getId() with braces", async () => {
    const f = form(null);
    expect((f.context.ui as { getFormType(): number }).getFormType()).toBe(1);
    expect(f.attributes.get("pcs_syncwithpartnercenter")!.getValue()).toBe(false); // the column's default
    f.attributes.get("name")!.setValue("New deal");
    await f.save();
    expect(requests.find((r) => r.method === "POST")).toMatchObject({ url: "/api/data/v9.2/opportunities", body: { name: "New deal" } });
    expect((f.context.data as { entity: { getId(): string } }).entity.getId()).toBe("{0F8FAD5B-D9CB-469F-A165-70867728950E}");
    expect((f.context.ui as { getFormType(): number }).getFormType()).toBe(2);
  });
});

describe("the Audit lines under the form", () => {
  it("link a line that names its run to that run's history; say so when a line names none", () => {
    const panel = auditPanel();
    panel.show(
      [
        "2026-11-22T10:15:03Z | CRM->PC | Error | create | Partner Center answered 400: no. | run 6b2f0a10-5c1e-4d7a-9a01-000000000002/08584179661788400000000012CU00",
        "2026-11-22T10:14:00Z | CRM->PC | Success | create | Created.",
        "garbage line",
      ].join("\n"),
    );
    const items = [...panel.element.querySelectorAll("li")];
    expect(items).toHaveLength(3);
    expect(items[0].querySelector("a")?.getAttribute("href")).toBe("#/runs/08584179661788400000000012CU00");
    expect(items[0].textContent).toContain("Partner Center answered 400: no.");
    expect(items[1].querySelector("a")).toBeNull();
    expect(items[1].textContent).toContain("(no run recorded)");
    expect(items[2].textContent).toBe("garbage line");
    expect(runLink("wf/run-1")).toBe("#/runs/run-1");
  });
});
