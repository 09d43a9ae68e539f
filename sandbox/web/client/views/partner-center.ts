/**
 * Partner Center, seen from Microsoft's side: every referral in the emulator with its state, and
 * what the other party does to them — share a new referral (as a Microsoft seller), accept or
 * decline one, change its deal value, close it as won or lost. Each action goes through the
 * emulator's control API (through the web app), so it raises the webhook event the real service
 * would and the flows bring it into the CRM.
 */
import type { Referral } from "../../../../plugins-ts/src/partner-center/referral";
import { announce, h } from "../dom";
import { getJson, request } from "../http";
import { ANNOTATIONS, API } from "../webapi-url";

export const REFRESH_MS = 3000;
const CURRENCIES = ["USD", "EUR", "GBP"];

const money = (value: number | undefined, currency: string | undefined): string =>
  value === undefined ? "" : `${value.toLocaleString("en-US")} ${currency ?? ""}`.trim();
const when = (iso: string | undefined): string => (iso ? new Date(iso).toLocaleString("en-US", { dateStyle: "medium", timeStyle: "short" }) : "");

function field(label: string, control: HTMLElement, hint?: string): HTMLElement {
  const id = control.id;
  return h("div", { class: "field" }, h("label", { for: id, class: "field-label" }, label), h("div", { class: "field-input" }, control, hint ? h("p", { class: "hint" }, hint) : null));
}

/** The share form; resolves the body to POST (a co-sell deal or a lead, invited by Microsoft). */
function shareForm(onShare: (body: Partial<Referral>) => Promise<void>, solutions: Array<{ id: string; name: string }>): HTMLElement {
  const input = (id: string, attrs: Record<string, unknown> = {}): HTMLInputElement => h("input", { id, ...attrs }) as HTMLInputElement;
  const name = input("pc-name", { required: true, value: "Northwind data platform" });
  const kind = h("select", { id: "pc-kind" }, h("option", { value: "cosell" }, "Co-sell opportunity (shared, sales qualified)"), h("option", { value: "lead" }, "Lead (marketing qualified)"));
  const company = input("pc-company", { required: true, value: "Northwind Traders" });
  const country = input("pc-country", { required: true, value: "US", maxLength: 2, size: 3, pattern: "[A-Z]{2}" });
  const postal = input("pc-postal", { value: "98101" });
  const email = input("pc-email", { type: "email", value: "lee.chen@northwind.example" });
  const value = input("pc-value", { type: "number", min: "0", step: "any", value: "120000" });
  const currency = h("select", { id: "pc-currency" }, CURRENCIES.map((c) => h("option", { value: c }, c)));
  const closing = input("pc-closing", { type: "date", value: `${new Date().getFullYear() + 1}-03-31` });
  const solution = h("select", { id: "pc-solution" }, solutions.map((s) => h("option", { value: s.id }, `${s.name} (${s.id})`)));
  const notes = h("textarea", { id: "pc-notes", rows: 2 }, "Customer wants a lakehouse.");
  const message = h("p", { class: "form-message", role: "alert" });
  const submit = h("button", { type: "submit", class: "btn btn-primary" }, "Share with the partner");
  const form = h(
    "form",
    { class: "share-form", "aria-labelledby": "share-title" },
    h("h2", { id: "share-title" }, "Share a new referral as Microsoft"),
    field("Deal name", name),
    field("Kind", kind),
    field("Customer company", company),
    field("Customer country", country, "Two-letter ISO 3166 code"),
    field("Postal code", postal),
    field("Customer contact e-mail", email),
    field("Deal value", value),
    field("Currency", currency),
    field("Closing date", closing),
    field("Microsoft solution", solution),
    field("Notes", notes),
    h("div", { class: "form-actions" }, submit),
    message,
  ) as HTMLFormElement;
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    message.textContent = "";
    const lead = kind.value === "lead";
    const [first, ...rest] = (email.value.split("@")[0] || "contact").split(".");
    const body: Partial<Referral> = {
      name: name.value.trim(),
      type: lead ? "Independent" : "Shared",
      qualification: lead ? "MarketingQualified" : "SalesQualified",
      status: "New",
      substatus: "Pending",
      customerProfile: {
        name: company.value.trim(),
        address: { country: country.value.trim().toUpperCase(), postalCode: postal.value.trim() },
        team: email.value ? [{ firstName: first, lastName: rest.join(" ") || first, email: email.value.trim() }] : [],
      },
      consent: { consentToContact: true, consentToToShareInfoWithOthers: false, consentToShareReferralWithMicrosoftSellers: true },
      details: {
        dealValue: Number(value.value || 0),
        currency: currency.value,
        ...(closing.value ? { closingDateTime: `${closing.value}T00:00:00Z` } : {}),
        notes: notes.value,
        ...(solution.value ? { requirements: { solutions: [{ id: solution.value, name: solution.selectedOptions[0]?.textContent ?? "", type: "Name" }] } } : {}),
      },
      inviteContext: { ...(lead ? {} : { assistanceRequestCode: "ProofOfConceptOrDemo" }), invitedBy: { organizationId: "msft", organizationName: "Microsoft" } },
    } as Partial<Referral>;
    submit.disabled = true;
    try {
      await onShare(body);
      message.textContent = `Shared "${body.name}". It reaches the CRM through the webhook and the flows.`;
    } catch (err) {
      message.textContent = `Partner Center refused it: ${(err as Error).message}`;
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}

function actions(r: Referral, change: (id: string, patch: unknown, label: string) => Promise<void>): HTMLElement {
  const id = r.id!;
  const out = h("div", { class: "row-actions" });
  const btn = (label: string, patch: unknown, what: string): HTMLElement =>
    h("button", { type: "button", class: "btn btn-small", "aria-label": `${label}: ${r.name}`, on: { click: () => void change(id, patch, what) } }, label);
  if (r.status === "New") out.append(btn("Accept", { status: "Active", substatus: "Accepted" }, "accepted"), btn("Decline", { status: "Closed", substatus: "Declined" }, "declined"));
  if (r.status === "Active") out.append(btn("Close as won", { status: "Closed", substatus: "Won" }, "closed as won"), btn("Close as lost", { status: "Closed", substatus: "Lost", statusReason: "Customer chose another vendor" }, "closed as lost"));
  if (r.status !== "Closed") {
    const inputId = `value-${id}`;
    const amount = h("input", { id: inputId, type: "number", min: "0", step: "any", class: "value-input", value: String(r.details?.dealValue ?? 0) }) as HTMLInputElement;
    out.append(
      h("label", { for: inputId, class: "visually-hidden" }, `New deal value for ${r.name}`),
      amount,
      h("button", { type: "button", class: "btn btn-small", "aria-label": `Change the value: ${r.name}`, on: { click: () => void change(id, { details: { dealValue: Number(amount.value) } }, `value changed to ${amount.value}`) } }, "Change value"),
    );
  }
  return out;
}

export async function partnerCenterPage(main: HTMLElement): Promise<() => void> {
  const body = h("tbody");
  const count = h("p", { class: "list-count" });
  const status = h("p", { class: "form-message", role: "status" });
  const solutions = (await getJson<{ value: Array<Record<string, string>> }>(`${API}pcs_microsoftsolutiondetails?$select=pcs_solutionid,pcs_name&$orderby=pcs_name`, ANNOTATIONS).catch(() => ({ value: [] }))).value.map((s) => ({
    id: s.pcs_solutionid,
    name: s.pcs_name,
  }));
  let timer: number | undefined;
  let stopped = false;
  const change = async (id: string, patch: unknown, what: string): Promise<void> => {
    try {
      await request("PATCH", `/_pc/referrals/${id}`, patch);
      announce(`Referral ${what}.`);
      status.textContent = `Referral ${what}.`;
    } catch (e) {
      status.textContent = `Partner Center refused the change: ${(e as Error).message}`;
    }
    await refresh();
  };
  async function refresh(): Promise<void> {
    window.clearTimeout(timer);
    try {
      const all = (await getJson<{ value: Referral[] }>("/_pc/referrals")).value;
      if (stopped) return;
      const rows = [...all].sort((a, b) => String(b.updatedDateTime ?? "").localeCompare(String(a.updatedDateTime ?? "")));
      body.replaceChildren(
        ...rows.map((r) => {
          const microsoft = r.organizationId === "msft";
          return h(
            "tr",
            { dataset: { referral: r.id ?? "" } },
            h("th", { scope: "row" }, r.name ?? "(no name)", microsoft ? h("span", { class: "tag" }, "Microsoft's side") : null),
            h("td", { dataset: { column: "status" } }, `${r.status ?? ""} / ${r.substatus ?? ""}`),
            h("td", null, [r.direction, r.type, r.qualification].filter(Boolean).join(" · ")),
            h("td", null, `${r.customerProfile?.name ?? ""}${r.customerProfile?.address?.country ? ` (${r.customerProfile.address.country})` : ""}`),
            h("td", { dataset: { column: "value" } }, money(r.details?.dealValue, r.details?.currency)),
            h("td", null, when(r.updatedDateTime)),
            h("td", null, microsoft ? "" : actions(r, change)),
          );
        }),
      );
      count.textContent = `${rows.length} referral${rows.length === 1 ? "" : "s"}`;
    } catch (e) {
      count.textContent = `Could not read the referrals: ${(e as Error).message}`;
    }
    if (!stopped) timer = window.setTimeout(refresh, REFRESH_MS);
  }
  const refreshButton = h("button", { type: "button", class: "btn", on: { click: () => void refresh() } }, "Refresh");
  main.replaceChildren(
    h(
      "div",
      { class: "list-page pc-page" },
      h("div", { class: "commandbar", role: "toolbar", "aria-label": "Partner Center commands" }, refreshButton),
      h("h1", null, "Partner Center referrals"),
      h("p", { class: "hint" }, "What the partner's Partner Center holds, and what Microsoft's side does to it. The CRM hears of every change through the webhook."),
      h(
        "table",
        { class: "list", "aria-label": "Referrals" },
        h("thead", null, h("tr", null, ["Referral", "Status", "Direction · type · qualification", "Customer", "Deal value", "Updated", "Microsoft's side can"].map((t) => h("th", { scope: "col" }, t)))),
        body,
      ),
      count,
      status,
      shareForm(async (b) => {
        await request("POST", "/_pc/referrals", b);
        await refresh();
      }, solutions),
    ),
  );
  await refresh();
  return () => {
    stopped = true;
    window.clearTimeout(timer);
  };
}
