/**
 * Test harness: an opportunity main form in xrm-mock with the columns the packed FormXml shows, and an
 * in-memory Dataverse behind Xrm.WebApi (stubbed with jest.spyOn: xrm-mock's WebApi only throws).
 * A user's edit (change) runs the column's OnChange handlers as the form does: the ones the FormXml
 * registers, looked up by name on the global object (../index.ts puts them there), then the ones a
 * script added with addOnChange.
 */
import { AttributeMock, SaveEventArgumentsMock, SaveEventContextMock, XrmMockGenerator } from "xrm-mock";
import "../index";
import * as Opportunity from "../opportunity";
import { whenIdle } from "../state";
import { formXmlHandlers, resolveName } from "./formxml";

// xrm-mock's removeOnChange matches handlers by function name and, for one that is not there, removes
// the last handler; the client removes exactly that function, or nothing.
AttributeMock.prototype.removeOnChange = function (this: { eventHandlers: Xrm.Events.ContextSensitiveHandler[] }, handler: Xrm.Events.ContextSensitiveHandler): void {
  const i = this.eventHandlers.indexOf(handler);
  if (i >= 0) this.eventHandlers.splice(i, 1);
};

/** The OnChange handlers the FormXml registers, by column. */
const FORMXML_ONCHANGE = new Map<string, string[]>();
for (const h of formXmlHandlers()) {
  if (h.event === "onchange" && h.attribute) FORMXML_ONCHANGE.set(h.attribute, [...(FORMXML_ONCHANGE.get(h.attribute) ?? []), h.functionName]);
}

export const IDS = {
  opportunity: "0f8fad5b-d9cb-469f-a165-70867728950e",
  account: "2b4c6d8e-1111-4a5b-9c0d-000000000001",
  contact: "3c5d7e9f-2222-4b6c-8d1e-000000000002",
  currency: "4d6e8fa0-3333-4c7d-9e2f-000000000003",
};

export interface FormSetup {
  /** "" for a new record. */
  id?: string;
  sync?: boolean;
  help?: number | null;
  visibility?: boolean | null;
  customer?: { id: string; entityType: string; name: string } | null;
  contact?: { id: string; name: string } | null;
  currency?: { id: string; name: string } | null;
  estimatedvalue?: number | null;
  /** Leave the deal value column off the form. */
  noDealValueOnForm?: boolean;
  estimatedclosedate?: Date | null;
  /** More number columns on the form (e.g. the column an environment variable names for the deal value). */
  numbers?: Record<string, number | null>;
  syncStatus?: number | null;
  syncAudit?: string | null;
  /** Customer Purchase Intent (choice value). */
  intent?: number | null;
  /** Partner Role, Solution Area, Solution Play (lookups). */
  partnerRole?: { id: string; name: string } | null;
  solutionArea?: { id: string; name: string } | null;
  solutionPlay?: { id: string; name: string } | null;
  /** The referral as loaded: its id (the referral exists in Partner Center) and status. */
  referralId?: string | null;
  /** Requirement levels the form itself gives columns. */
  required?: Record<string, Xrm.Attributes.RequirementLevel>;
  withSolutionsGrid?: boolean;
}

export interface Store {
  account: Record<string, Record<string, unknown>>;
  contact: Record<string, Record<string, unknown>>;
  transactioncurrency: Record<string, Record<string, unknown>>;
  opportunity: Record<string, Record<string, unknown>>;
  /** pcs_partnercentersolution rows with their expanded solution detail, per opportunity id. */
  solutions: Record<string, Array<Record<string, unknown>>>;
  /** Environment variable definitions: schema name → default value and current value. */
  env: Record<string, { defaultvalue?: string | null; value?: string | null }>;
}

export function goodStore(): Store {
  return {
    account: {
      [IDS.account]: {
        accountid: IDS.account,
        name: "Contoso Ltd",
        address1_line1: "1 Microsoft Way",
        address1_city: "Redmond",
        address1_postalcode: "98052",
        address1_country: "US",
      },
    },
    contact: {
      [IDS.contact]: { contactid: IDS.contact, fullname: "Dana Smith", firstname: "Dana", lastname: "Smith", emailaddress1: "dana.smith@contoso.com" },
    },
    transactioncurrency: { [IDS.currency]: { isocurrencycode: "USD" } },
    opportunity: {},
    solutions: {
      [IDS.opportunity]: [
        // a co-sell ready partner solution: an IP co-sell, which needs no partner role, solution area or play
        { pcs_partnercentersolutionid: "s1", pcs_SolutionDetailId: { pcs_solutionid: "SOL-12345-ABC", pcs_name: "Fabrikam Cloud Migrate", pcs_solutiontype: 619300000 } },
      ],
    },
    env: {
      pcs_DealValueField: { defaultvalue: "estimatedvalue" },
      pcs_CustomerCountryCodeField: { defaultvalue: "address1_country" },
    },
  };
}

export const HELP_TECHNICAL = 619300001;
export const INTENT = { yes: 619300000, no: 619300001, undecided: 619300002 };
export const STATUS = { notSynced: 619300000, pending: 619300001, synced: 619300002, error: 619300003 };

export const LOCKED = [
  "pcs_referralidentifier",
  "pcs_referrallink",
  "pcs_microsoftcrmidentifier",
  "pcs_syncaudit",
  "pcs_syncstatus",
  "pcs_lastsyncedon",
  "pcs_referralstatus",
  "pcs_referraletag",
  "pcs_synchash",
];

/** A co-sell opportunity (an IP co-sell, not yet in Partner Center) that passes every rule with goodStore(). */
export const GOOD: Required<Omit<FormSetup, "required" | "noDealValueOnForm" | "withSolutionsGrid" | "numbers">> = {
  id: IDS.opportunity,
  sync: true,
  help: HELP_TECHNICAL,
  visibility: true,
  customer: { id: `{${IDS.account.toUpperCase()}}`, entityType: "account", name: "Contoso Ltd" },
  contact: { id: `{${IDS.contact.toUpperCase()}}`, name: "Dana Smith" },
  currency: { id: `{${IDS.currency.toUpperCase()}}`, name: "US Dollar" },
  estimatedvalue: 250000,
  estimatedclosedate: new Date(2026, 11, 31),
  syncStatus: STATUS.notSynced,
  syncAudit: null,
  intent: INTENT.undecided,
  partnerRole: null,
  solutionArea: null,
  solutionPlay: null,
  referralId: null,
};

export interface Harness {
  form: Xrm.FormContext;
  context: Xrm.Events.EventContext;
  store: Store;
  /** Every Web API call: [method, table, id or query, options]. */
  calls: Array<[string, string, string, string?]>;
  /** Makes the next matching reads fail (table, or "*"), with this error. */
  failReads(table: string, error?: { message: string; errorCode?: number }): void;
  /** Makes the reads never answer. */
  hangReads(): void;
  saveContext(saveMode?: number): SaveEventContextMock & { getEventArgs(): SaveEventArgumentsMock };
  formNotifications(): Array<{ message: string; level: string; uniqueId: string }>;
  fieldNotifications(column: string): string[];
  set(column: string, value: unknown): void;
  /** A user's edit: sets the value, then runs the column's OnChange handlers (FormXml, then addOnChange). */
  change(column: string, value: unknown): void;
  /** What stops a save before OnSave runs: the error notifications controls show, as "column: message", each once. */
  blockingNotifications(): string[];
  grid(): Xrm.Controls.GridControl | undefined;
}

export function makeForm(setup: FormSetup = {}, store: Store = goodStore()): Harness {
  const s = { ...GOOD, ...setup };
  XrmMockGenerator.initialise({ entity: { id: s.id ? `{${s.id.toUpperCase()}}` : "", entityName: "opportunity" } });
  const A = XrmMockGenerator.Attribute;
  A.createString("name", "Contoso Azure migration");
  A.createBoolean("pcs_syncwithpartnercenter", s.sync);
  A.createOptionSet("pcs_microsofthelp", s.help ?? undefined, [
    { text: "Workload-specific value proposition", value: 619300000 },
    { text: "Customer technical architecture", value: 619300001 },
    { text: "Proof of concept or demo", value: 619300002 },
  ]);
  A.createBoolean("pcs_referralvisibility", s.visibility ?? undefined);
  A.createLookup("customerid", s.customer ?? undefined);
  A.createLookup("parentcontactid", s.contact ? { ...s.contact, entityType: "contact" } : undefined);
  A.createLookup("transactioncurrencyid", s.currency ? { ...s.currency, entityType: "transactioncurrency" } : undefined);
  if (!setup.noDealValueOnForm) {
    // On the form twice, as in the packed FormXml (body and header).
    A.createNumber({ name: "estimatedvalue", value: s.estimatedvalue ?? undefined }, [{ name: "estimatedvalue" }, { name: "header_estimatedvalue" }]);
  }
  A.createDate("estimatedclosedate", s.estimatedclosedate ?? undefined);
  for (const [name, value] of Object.entries(setup.numbers ?? {})) A.createNumber(name, value ?? undefined);
  A.createOptionSet("pcs_syncstatus", s.syncStatus ?? undefined, [
    { text: "Not synced", value: STATUS.notSynced },
    { text: "Pending", value: STATUS.pending },
    { text: "Synced", value: STATUS.synced },
    { text: "Error", value: STATUS.error },
  ]);
  A.createString("pcs_syncaudit", s.syncAudit ?? undefined);
  for (const column of LOCKED.filter((c) => c !== "pcs_syncaudit" && c !== "pcs_syncstatus")) A.createString(column, column === "pcs_referralidentifier" ? (s.referralId ?? undefined) : undefined);
  A.createOptionSet("pcs_purchaseintent", s.intent ?? undefined, [
    { text: "Yes", value: INTENT.yes },
    { text: "No", value: INTENT.no },
    { text: "Have not decided", value: INTENT.undecided },
  ]);
  A.createLookup("pcs_partnerroleid", s.partnerRole ? { ...s.partnerRole, entityType: "pcs_partnerrole" } : undefined);
  A.createLookup("pcs_solutionareaid", s.solutionArea ? { ...s.solutionArea, entityType: "pcs_solutionarea" } : undefined);
  A.createLookup("pcs_solutionplayid", s.solutionPlay ? { ...s.solutionPlay, entityType: "pcs_solutionplay" } : undefined);
  const form = XrmMockGenerator.getFormContext();
  // xrm-mock gives an entity without id a made-up one; a new record's getId() is "".
  if (!s.id) (form.data.entity as unknown as { id: string }).id = "";
  for (const [column, level] of Object.entries(setup.required ?? {})) form.getAttribute(column)?.setRequiredLevel(level);
  if (setup.withSolutionsGrid !== false) {
    XrmMockGenerator.Control.createGrid({ name: "MicrosoftSolutions", entityName: "pcs_partnercentersolution" });
  }

  const calls: Harness["calls"] = [];
  let failing: { table: string; error: { message: string; errorCode?: number } } | undefined;
  let hanging = false;
  const answer = <T>(table: string, produce: () => T): Promise<T> => {
    if (hanging) return new Promise<T>(() => undefined);
    if (failing && (failing.table === "*" || failing.table === table)) return Promise.reject(failing.error);
    try {
      return Promise.resolve(produce());
    } catch (error) {
      return Promise.reject(error);
    }
  };
  const select = (options: string | undefined): string[] => /\$select=([^&]*)/.exec(options ?? "")?.[1].split(",") ?? [];

  jest.spyOn(Xrm.WebApi, "retrieveRecord").mockImplementation((table: string, id: string, options?: string) => {
    calls.push(["retrieveRecord", table, id, options]);
    return answer(table, () => {
      const rows = (store as unknown as Record<string, Record<string, Record<string, unknown>>>)[table] ?? {};
      const row = rows[id];
      if (!row) throw { message: `${table} With Id = ${id} Does Not Exist`, errorCode: -2147220969 };
      const out: Record<string, unknown> = {};
      for (const column of select(options)) {
        if (table === "account" && !/^(name|address1_\w+|pcs_\w+)$/.test(column)) {
          throw { message: `Could not find a property named '${column}' on type 'Microsoft.Dynamics.CRM.account'.`, errorCode: -2147220989 };
        }
        out[column] = row[column] ?? null;
      }
      return out;
    }) as unknown as Xrm.Async.PromiseLike<unknown>;
  });
  jest.spyOn(Xrm.WebApi, "retrieveMultipleRecords").mockImplementation((table: string, options?: string) => {
    calls.push(["retrieveMultipleRecords", table, options ?? ""]);
    return answer(table, () => {
      if (table === "environmentvariabledefinition") {
        return {
          entities: Object.entries(store.env).map(([schemaname, v]) => ({
            schemaname,
            defaultvalue: v.defaultvalue ?? null,
            environmentvariabledefinition_environmentvariablevalue: v.value !== undefined && v.value !== null ? [{ value: v.value }] : [],
          })),
        };
      }
      if (table === "pcs_partnercentersolution") {
        const id = /_pcs_opportunityid_value eq ([0-9a-f-]+)/.exec(options ?? "")?.[1] ?? "";
        return { entities: store.solutions[id] ?? [] };
      }
      throw { message: `unexpected query on ${table}` };
    }) as unknown as Xrm.Async.PromiseLike<Xrm.RetrieveMultipleResult>;
  });

  return {
    form,
    context: XrmMockGenerator.getEventContext(),
    store,
    calls,
    failReads(table, error = { message: "Network error: the request timed out." }) {
      failing = { table, error };
    },
    hangReads() {
      hanging = true;
    },
    saveContext(saveMode = 1) {
      return new SaveEventContextMock({ formContext: form, eventArgs: new SaveEventArgumentsMock(saveMode as XrmEnum.SaveMode) }) as never;
    },
    formNotifications() {
      return ((form.ui as unknown as { formNotifications?: Array<{ message: string; level: string; uniqueId: string }> }).formNotifications ?? []).filter(
        (n) => n && n.uniqueId,
      );
    },
    fieldNotifications(column) {
      const out: string[] = [];
      form.getAttribute(column)?.controls.forEach((c) => {
        for (const n of (c as unknown as { getNotifications(): Array<{ messages: string[] }> }).getNotifications()) out.push(...n.messages);
      });
      return out;
    },
    set(column, value) {
      form.getAttribute(column)?.setValue(value as never);
    },
    change(column, value) {
      const attribute = form.getAttribute(column);
      if (!attribute) throw new Error(`no column ${column} on the form`);
      attribute.setValue(value as never);
      const context = XrmMockGenerator.getEventContext();
      for (const name of FORMXML_ONCHANGE.get(column) ?? []) (resolveName(globalThis, name) as (c: Xrm.Events.EventContext) => void)(context);
      attribute.fireOnChange();
    },
    blockingNotifications() {
      const out: string[] = [];
      form.getAttribute().forEach((a) =>
        a.controls.forEach((c) => {
          for (const n of (c as unknown as { getNotifications(): Array<{ messages: string[]; notificationLevel?: string }> }).getNotifications()) {
            if ((n.notificationLevel ?? "ERROR") === "ERROR") out.push(`${a.getName()}: ${n.messages.join(" ")}`);
          }
        }),
      );
      return [...new Set(out)];
    },
    grid() {
      let found: Xrm.Controls.GridControl | undefined;
      form.ui.controls.forEach((c) => {
        if (c.getControlType() === "subgrid") found = c as Xrm.Controls.GridControl;
      });
      return found;
    },
  };
}

/** A form as the client opens it: OnLoad run, its reads answered. */
export async function load(setup: FormSetup = {}, store?: Store): Promise<Harness> {
  const h = makeForm(setup, store);
  Opportunity.onLoad(h.context);
  await whenIdle();
  return h;
}

/** Runs OnSave as the form does; data.save (the script's own re-save) fires OnSave again. */
export async function save(h: Harness, saveMode = 1) {
  const saves: ReturnType<Harness["saveContext"]>[] = [];
  const dataSave = jest.spyOn(h.form.data, "save").mockImplementation(() => {
    const again = h.saveContext(saveMode);
    Opportunity.onSave(again);
    saves.push(again);
    return Promise.resolve() as never;
  });
  const close = jest.spyOn(h.form.ui, "close").mockImplementation(() => undefined);
  const ctx = h.saveContext(saveMode);
  Opportunity.onSave(ctx);
  const preventedAtOnce = ctx.getEventArgs().isDefaultPrevented();
  await whenIdle();
  return {
    preventedAtOnce,
    resaved: dataSave.mock.calls.length,
    resavePrevented: saves.some((s) => s.getEventArgs().isDefaultPrevented()),
    closed: close.mock.calls.length > 0,
  };
}
