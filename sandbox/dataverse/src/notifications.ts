/**
 * Change notifications, as Dataverse serves Power Automate's "When a row is added, modified or
 * deleted" trigger: a subscriber writes a `callbackregistrations` row (entityname, message, scope,
 * filteringattributes, filterexpression, runas, url, version) and, after each commit that matches,
 * Dataverse calls the url with the row as it then is.
 *
 * Matching (learn.microsoft.com/power-automate/dataverse/create-update-delete-trigger and the
 * callbackregistration table reference):
 *   message  1 Added, 2 Deleted, 3 Modified, 4 Added or Modified, 5 Added or Deleted,
 *            6 Modified or Deleted, 7 all three;
 *   scope    1 User (rows owned by the registration's owner), 2 Business unit and 3 Parent: child
 *            business unit (rows owned in the registration owner's business unit; the emulator has
 *            one), 4 Organization;
 *   filteringattributes  Update only: a column in the list is included in the request, even when
 *            the value is the same as before ("The flow runs when the values included are the
 *            same as existing values");
 *   filterexpression     an OData $filter that must be true for the row after the change is saved
 *            (for a delete, the row before it).
 * The table has no statecode: Power Automate deletes a flow's registration when the flow is turned off.
 *
 * Delivery: each matching change is POSTed once, in commit order; an unreachable receiver or a 5xx
 * is retried (notificationRetries). A 429 is the flow service rejecting the firing (the flow's
 * trigger concurrency already has its most waiting runs): the firing is **lost**, not retried, and
 * the delivery is recorded as lost. What Dataverse does with a throttled flow webhook is not
 * documented; this is the harsher reading, so a flow that can lose firings this way fails here too.
 */
import type { ChangeEvent } from "./engine";
import { compileFilter } from "./odata/filter";
import { AnnotationFilter, formatRow } from "./odata/format";
import type { Registry } from "./metadata/registry";
import { isLookupValue, type DataView, type Row } from "./store/store";

const MESSAGES: Record<ChangeEvent["message"], number[]> = {
  Create: [1, 4, 5, 7],
  Update: [3, 4, 6, 7],
  Delete: [2, 5, 6, 7],
};

export interface DeliveryRecord {
  seq: number;
  time: string;
  registrationId: string;
  entity: string;
  message: ChangeEvent["message"];
  id: string;
  url: string;
  status?: number;
  attempts: number;
  error?: string;
  /** The flow service rejected the firing (429): no run started and none will (not retried). */
  lost?: boolean;
}

export interface NotifierOptions {
  apiUrl: () => string;
  retries: number;
  retryDelayMs: number;
  timeoutMs: number;
  log: (line: string) => void;
}

/** Payload posted to a registration's url: the row in Web API form plus the trigger fields. */
export function notificationBody(ev: ChangeEvent, registration: Row, view: DataView, apiUrl: string): Record<string, unknown> {
  const registry = view.registry;
  const entity = registry.entity(ev.entity);
  const runAs = Number(registration.runas ?? 1);
  const row = ev.message === "Delete" ? ev.pre : ev.post;
  const owner = row && isLookupValue(row.ownerid) ? row.ownerid.id : undefined;
  const regOwner = isLookupValue(registration.ownerid) ? registration.ownerid.id : undefined;
  const runAsUser = runAs === 2 ? owner ?? regOwner : runAs === 3 ? regOwner : ev.userId;
  const base: Record<string, unknown> = {
    SdkMessage: ev.message,
    ItemInternalId: ev.id,
    RunAsSystemUserId: runAsUser ?? null,
  };
  if (!entity) return base;
  if (ev.message === "Delete") {
    return { ...base, [entity.primaryIdAttribute]: ev.id, "@odata.id": `${apiUrl}${entity.entitySetName}(${ev.id})` };
  }
  const formatted = formatRow(entity, ev.post as Row, view, { annotations: new AnnotationFilter('odata.include-annotations="*"'), apiUrl });
  return { ...base, ...formatted, "@odata.id": `${apiUrl}${entity.entitySetName}(${ev.id})` };
}

export function registrationMatches(reg: Row, ev: ChangeEvent, view: DataView, log: (l: string) => void): boolean {
  if (String(reg.entityname ?? "").toLowerCase() !== ev.entity) return false;
  if (!MESSAGES[ev.message].includes(Number(reg.message))) return false;
  const row = ev.message === "Delete" ? ev.pre : ev.post;
  if (!row) return false;
  const scope = Number(reg.scope ?? 4);
  if (scope === 1) {
    if (!isLookupValue(row.ownerid) || !isLookupValue(reg.ownerid) || row.ownerid.id !== reg.ownerid.id) return false;
  } else if (scope === 2 || scope === 3) {
    if (isLookupValue(row.owningbusinessunit) && isLookupValue(reg.owningbusinessunit) && row.owningbusinessunit.id !== reg.owningbusinessunit.id) return false;
  }
  if (ev.message === "Update") {
    const attrs = String(reg.filteringattributes ?? "")
      .split(",")
      .map((a) => a.trim().toLowerCase())
      .filter(Boolean);
    if (attrs.length && !attrs.some((a) => ev.touched.includes(a))) return false;
  }
  const expr = String(reg.filterexpression ?? "").trim();
  if (expr) {
    const entity = view.registry.entity(ev.entity);
    if (!entity) return false;
    try {
      if (!compileFilter(expr, view.registry, entity).test(row, view)) return false;
    } catch (e) {
      log(`callbackregistration ${String(reg.callbackregistrationid)}: filterexpression '${expr}' cannot be evaluated: ${(e as Error).message}`);
      return false;
    }
  }
  return true;
}

/** Check a registration before it is saved: the table, columns and filter must make sense. */
export function validateRegistration(reg: Row, registry: Registry): string | undefined {
  const entity = registry.entity(String(reg.entityname ?? "").toLowerCase());
  if (!entity) return `The entity '${String(reg.entityname)}' of the callback registration does not exist.`;
  for (const a of String(reg.filteringattributes ?? "").split(",").map((x) => x.trim().toLowerCase()).filter(Boolean)) {
    if (!entity.attributes[a]) return `The filtering attribute '${a}' does not exist on '${entity.logicalName}'.`;
  }
  const expr = String(reg.filterexpression ?? "").trim();
  if (expr) {
    try {
      compileFilter(expr, registry, entity);
    } catch (e) {
      return `The filter expression is not valid: ${(e as Error).message}`;
    }
  }
  const url = String(reg.url ?? "");
  if (!/^https?:\/\//i.test(url)) return `The callback url '${url}' is not an absolute http(s) URL.`;
  return undefined;
}

export class Notifier {
  private queue: Promise<void> = Promise.resolve();
  private seq = 0;
  readonly deliveries: DeliveryRecord[] = [];

  constructor(private readonly opts: NotifierOptions) {}

  /** Queue deliveries for committed events, in commit order. */
  dispatch(events: ChangeEvent[], view: DataView): void {
    if (events.length === 0) return;
    const registrations = [...view.scan("callbackregistration")];
    if (registrations.length === 0) return;
    const apiUrl = this.opts.apiUrl();
    for (const ev of events) {
      for (const reg of registrations) {
        if (!registrationMatches(reg, ev, view, this.opts.log)) continue;
        const body = notificationBody(ev, reg, view, apiUrl);
        const record: DeliveryRecord = {
          seq: ++this.seq,
          time: new Date().toISOString(),
          registrationId: String(reg.callbackregistrationid),
          entity: ev.entity,
          message: ev.message,
          id: ev.id,
          url: String(reg.url),
          attempts: 0,
        };
        this.deliveries.push(record);
        if (this.deliveries.length > 10000) this.deliveries.splice(0, this.deliveries.length - 10000);
        this.queue = this.queue.then(() => this.deliver(record, body));
      }
    }
  }

  private async deliver(record: DeliveryRecord, body: Record<string, unknown>): Promise<void> {
    const payload = JSON.stringify(body);
    for (let attempt = 1; attempt <= this.opts.retries + 1; attempt++) {
      record.attempts = attempt;
      try {
        const res = await fetch(record.url, {
          method: "POST",
          headers: {
            "Content-Type": "application/json",
            "x-ms-dataverse-callbackregistrationid": record.registrationId,
            "x-ms-dataverse-entity": record.entity,
            "x-ms-dataverse-message": record.message,
          },
          body: payload,
          signal: AbortSignal.timeout(this.opts.timeoutMs),
        });
        await res.arrayBuffer().catch(() => undefined);
        record.status = res.status;
        record.error = undefined;
        if (res.status === 429) {
          record.lost = true;
          record.error = "HTTP 429: the flow's trigger rejected the firing (waiting-run limit); lost, not retried";
          this.opts.log(`notification ${record.seq} to ${record.url} was rejected (429) and is lost`);
          return;
        }
        if (res.status < 500) return;
        record.error = `HTTP ${res.status}`;
      } catch (e) {
        record.error = (e as Error).message;
      }
      if (attempt <= this.opts.retries) await new Promise((r) => setTimeout(r, this.opts.retryDelayMs * attempt));
    }
    this.opts.log(`notification ${record.seq} to ${record.url} failed after ${record.attempts} attempt(s): ${record.error ?? ""}`);
  }

  /** Resolves when every queued delivery has been attempted. */
  async idle(): Promise<void> {
    let last: Promise<void> | undefined;
    while (last !== this.queue) {
      last = this.queue;
      await last;
    }
  }

  clear(): void {
    this.deliveries.length = 0;
  }
}
