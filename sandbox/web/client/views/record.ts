/**
 * A record page: the table's main form from the zip, its libraries loaded and its events wired as
 * the FormXml says, the PCF controls mounted, the subgrids read, then the form's OnLoad. A command
 * bar (Save, Save & Close, New, Refresh; Ctrl+S saves), the form notifications, and under the form
 * the Audit lines with their flow runs.
 *
 * While the page is open it takes what the sync writes back into the columns the user has not
 * edited: every 5 s, and every 250 ms after a save until the flows are done (no run in progress in
 * the run history and no change for 2.5 s; at most 90 s). Sandbox behaviour: the client itself
 * shows new values only after Refresh.
 */
import type { FormBundle } from "../../src/assets";
import { announce, h } from "../dom";
import { getJson, HttpError } from "../http";
import { formCells } from "../../src/form-model";
import { type EntityMeta, entityMeta, entitySummary } from "../metadata";
import { API } from "../webapi-url";
import { loadLibraries } from "../form/scripts";
import { loadControl } from "../form/pcf-host";
import { renderForm, type RenderedForm } from "../form/render";
import type { LookupChoices } from "../form/inputs";
import { SAVE_MODE } from "../xrm/events";
import { FormRuntime } from "../xrm/form";
import { formUrl, globalContext, setCurrentForm, signedInUser, whenSignedIn } from "../xrm/global";
import { braced, selectName } from "../xrm/values";
import { webApi } from "../xrm/webapi";
import { auditPanel } from "./audit-panel";

export interface Navigator {
  /** Changes the address without opening the page again (a new record got its id). */
  replace(hash: string): void;
}

const AUDIT = "pcs_syncaudit";
const LIST_OF: Record<string, string> = { opportunity: "#/opportunities", lead: "#/leads" };
const FAST_MS = 250;
const SLOW_MS = 5000;
const SETTLE_MS = 2500;
const MAX_FAST_MS = 90_000;

/**
 * The other tables the form needs: each subgrid's table in full (its columns and lookups), and only
 * the names of the tables the lookups point to (to list and bind their rows).
 */
async function relatedMetadata(bundle: FormBundle, meta: EntityMeta): Promise<Map<string, EntityMeta>> {
  const metas = new Map<string, EntityMeta>([[meta.logicalName, meta]]);
  const grids = formCells(bundle.form).flatMap((c) => (c.control?.kind === "subgrid" ? [c.control.targetEntity] : []));
  const full = await Promise.all(grids.map((g) => entityMeta(g).catch(() => undefined)));
  for (const m of full) if (m) metas.set(m.logicalName, m);
  const targets = new Set([...bundle.columns.flatMap((c) => meta.attributes.get(c)?.targets ?? []), ...full.flatMap((m) => [...(m?.attributes.values() ?? [])].flatMap((a) => a.targets ?? []))]);
  const names = await Promise.all([...targets].filter((t) => !metas.has(t)).map((t) => entitySummary(t).catch(() => undefined)));
  for (const m of names) if (m) metas.set(m.logicalName, m);
  return metas;
}

async function lookupChoices(bundle: FormBundle, meta: EntityMeta, metas: Map<string, EntityMeta>): Promise<LookupChoices> {
  const targets = new Set(bundle.columns.flatMap((c) => meta.attributes.get(c)?.targets ?? []));
  const choices: LookupChoices = new Map();
  await Promise.all(
    [...targets].map(async (t) => {
      const m = metas.get(t);
      if (!m) return;
      const rows = (await getJson<{ value: Array<Record<string, unknown>> }>(`${API}${m.entitySetName}?$select=${m.primaryId},${m.primaryName}&$orderby=${m.primaryName}&$top=200`).catch(() => ({ value: [] }))).value;
      choices.set(t, rows.map((r) => ({ id: String(r[m.primaryId]), name: String(r[m.primaryName] ?? "") })));
    }),
  );
  return choices;
}

const LEVEL_ICON: Record<string, string> = { ERROR: "✖", WARNING: "⚠", INFO: "ℹ" };

export async function recordPage(main: HTMLElement, entity: string, id: string | null, nav: Navigator): Promise<() => void> {
  const [bundle, meta] = await Promise.all([getJson<FormBundle>(`/_web/forms/${entity}`), entityMeta(entity)]);
  // the form's libraries and controls load while the data is read; the OnLoad waits for them below
  const libraryErrors: string[] = [];
  const libraries = loadLibraries(bundle.form.libraries, (m) => libraryErrors.push(m));
  const controlBundles = Object.values(bundle.controls).map((c) => loadControl(c).catch(() => undefined));
  const metasRead = relatedMetadata(bundle, meta);
  const [row, metas, choices] = await Promise.all([
    id
      ? webApi.retrieveRecord(entity, id, `?$select=${[...new Set([meta.primaryId, meta.primaryName, ...bundle.columns.map((c) => meta.attributes.get(c)).filter((a) => !!a).map((a) => selectName(a!))])].join(",")}`)
      : Promise.resolve(null),
    metasRead,
    metasRead.then((m) => lookupChoices(bundle, meta, m)),
    whenSignedIn(),
  ]);

  const notifications = h("div", { class: "form-notifications", role: "region", "aria-label": "Form notifications", "aria-live": "polite" });
  const title = h("h1", { class: "record-title" });
  const status = h("span", { class: "save-status", role: "status" });
  const disposers: Array<() => void> = [];

  const form: FormRuntime = new FormRuntime(
    bundle,
    meta,
    row,
    {
      notificationsChanged: () =>
        notifications.replaceChildren(
          ...[...form.formNotifications.entries()].map(([uid, n]) =>
            h("p", { class: `notice notice-${n.level.toLowerCase()}`, dataset: { id: uid } }, h("span", { class: "icon", "aria-hidden": "true" }, LEVEL_ICON[n.level] ?? ""), h("span", { class: "visually-hidden" }, `${n.level.toLowerCase()}: `), n.message),
          ),
        ),
      saved: (created) => {
        if (created) {
          nav.replace(formUrl(entity, form.id));
          for (const g of rendered.grids) void g.reload(); // a saved record can have related rows
        }
        status.textContent = "Saved";
        live.fast();
      },
      close: () => void (location.hash = LIST_OF[entity] ?? "#/opportunities"),
      scriptError: (message) => {
        console.error(`Script error: ${message}`);
        form.setFormNotification(`Script error: ${message}`, "ERROR", `web.script ${message}`); // the same error shows once
      },
    },
    globalContext,
  );
  setCurrentForm(form.context);
  if (!form.id) {
    // a new record starts with the signed-in user as owner and the organization's base currency, as in the client
    const me = signedInUser();
    for (const a of form.attributes.values()) {
      if (a.meta.type === "Owner" && me.userId) a.setValue([{ id: braced(me.userId), name: me.userName, entityType: "systemuser" }]);
      if (a.meta.targets?.length === 1 && a.meta.targets[0] === "transactioncurrency" && me.baseCurrency) a.setValue([{ id: braced(me.baseCurrency.id), name: me.baseCurrency.name, entityType: "transactioncurrency" }]);
    }
  }

  const rendered: RenderedForm = renderForm({ form, metas, choices, announce });
  const audit = meta.attributes.has(AUDIT) ? auditPanel() : undefined;
  const primary = form.attributes.get(meta.primaryName);
  const showTitle = (): void => {
    title.textContent = (primary ? String(primary.getValue() ?? "") : form.primaryValue) || `New ${meta.displayName}`;
  };
  for (const a of form.attributes.values()) {
    disposers.push(
      a.subscribe(() => {
        if (form.isDirty()) status.textContent = "Unsaved changes";
        showTitle();
        if (a.getName() === AUDIT) audit?.show(a.getValue() as string | null);
      }),
    );
  }
  showTitle();
  audit?.show((form.attributes.get(AUDIT)?.getValue() as string | null) ?? null);

  const save = (mode: number): void => {
    status.textContent = "Saving…";
    form.save(mode).then(
      () => {
        if (mode === SAVE_MODE.saveAndClose) location.hash = LIST_OF[entity] ?? "#/opportunities";
      },
      () => {
        // a validation failure, an OnSave handler that stopped the save (and may save itself), or a Web API error: the notifications say which
        status.textContent = form.isDirty() ? "Unsaved changes" : "";
      },
    );
  };
  const button = (label: string, onClick: () => void, extra: Record<string, string> = {}): HTMLButtonElement => h("button", { type: "button", class: "btn", ...extra, on: { click: onClick } }, label) as HTMLButtonElement;
  const commandbar = h(
    "div",
    { class: "commandbar", role: "toolbar", "aria-label": `${meta.displayName} commands` },
    h("a", { href: LIST_OF[entity] ?? "#/opportunities", class: "btn btn-link" }, "← Back to the list"),
    button("Save", () => save(SAVE_MODE.save), { "aria-keyshortcuts": "Control+S", title: "Save (Ctrl+S)" }),
    button("Save & Close", () => save(SAVE_MODE.saveAndClose)),
    button("New", () => void (location.hash = formUrl(entity))),
    button("Refresh", () => window.dispatchEvent(new HashChangeEvent("hashchange"))),
    status,
  );
  const onKey = (e: KeyboardEvent): void => {
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "s") {
      e.preventDefault();
      (document.activeElement as HTMLElement | null)?.blur?.(); // commit the field being typed in, as the client does
      save(SAVE_MODE.save);
    }
  };
  document.addEventListener("keydown", onKey);
  disposers.push(() => document.removeEventListener("keydown", onKey));

  main.replaceChildren(
    h(
      "div",
      { class: "record", dataset: { entity } },
      commandbar,
      notifications,
      h("header", { class: "record-header" }, title, h("p", { class: "record-kind" }, `${meta.displayName} · ${bundle.form.name}`), rendered.header),
      rendered.body,
      audit?.element,
    ),
  );

  // the sync writing back while the page is open
  let timer: number | undefined;
  let fastSince = 0;
  let lastChange = 0;
  let stopped = false;
  const live = {
    fast(): void {
      fastSince = Date.now();
      lastChange = Date.now();
      schedule(FAST_MS);
    },
  };
  function schedule(ms: number): void {
    if (stopped) return;
    window.clearTimeout(timer);
    timer = window.setTimeout(tick, ms);
  }
  async function tick(): Promise<void> {
    try {
      const changed = await form.refreshClean();
      if (changed.length) lastChange = Date.now();
      if (fastSince) {
        const running = (await getJson<{ value: unknown[] }>("/_runs?status=Running&top=1")).value.length > 0;
        const now = Date.now();
        if (now - fastSince > MAX_FAST_MS || (!running && now - lastChange > SETTLE_MS)) fastSince = 0;
      }
    } catch (e) {
      if (e instanceof HttpError || (e as { status?: number }).status) fastSince = 0;
    }
    schedule(fastSince ? FAST_MS : SLOW_MS);
  }
  disposers.push(() => {
    stopped = true;
    window.clearTimeout(timer);
  });

  await libraries;
  for (const m of libraryErrors) form.setFormNotification(`Script error: ${m}`, "ERROR", "web.library");
  await Promise.all(controlBundles);
  await Promise.all(
    rendered.pcf.map((p) => p.mount().catch((e: Error) => form.setFormNotification(`The control could not be shown: ${e.message}`, "ERROR", "web.pcf"))),
  );
  disposers.push(() => rendered.pcf.forEach((p) => p.destroy()));
  form.runOnLoad();
  await Promise.all(rendered.grids.map((g) => g.reload().catch((e: Error) => form.setFormNotification(`${g.getLabel()} could not be read: ${e.message}`, "ERROR", "web.grid"))));
  schedule(SLOW_MS);
  document.body.dataset.formReady = `${entity}:${form.id || "new"}`;
  performance.mark("pcs-form-ready");
  return () => {
    for (const d of disposers) d();
    setCurrentForm(null);
    delete document.body.dataset.formReady;
  };
}
