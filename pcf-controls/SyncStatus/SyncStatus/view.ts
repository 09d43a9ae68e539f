/**
 * Renders a SyncStatusModel into plain DOM. Layout:
 *   [icon Synced]  Last synced 5 minutes ago
 *   ┌ Last error ────────────────────────────┐   (Error state only)
 *   │ message                                │
 *   │ CRM → Partner Center · create · 10:15  │
 *   └────────────────────────────────────────┘
 *   Referral status: Active / Accepted · Open in Partner Center ↗
 * The badge, the last-synced time and the error sit in one role=status region (announced when they
 * change, reachable with Tab); the ticking "5 minutes ago" is aria-hidden and screen readers get
 * the static date instead, so they are not interrupted every minute.
 */
import type { AuditDirection } from "../../../plugins-ts/src/rulebook/audit";
import { el, icon } from "../../shared/src/dom";
import { ICONS } from "../../shared/src/icons";
import { formatRelative, type DateTimeFormatter } from "../../shared/src/time";
import type { StatusKind, SyncStatusModel } from "./model";
import type { StringKey } from "./strings";

export interface ViewEnv {
  t: (key: StringKey, ...args: Array<string | number>) => string;
  /** Locale of the words put into the resx sentences ("5 minutes ago"): see phraseLocale. */
  locale: string;
  now: () => number;
  formatDateTime: DateTimeFormatter;
}

const BADGE: Record<StatusKind, { key: StringKey; icon: readonly string[] }> = {
  notSynced: { key: "Status_NotSynced", icon: ICONS.none },
  pending: { key: "Status_Pending", icon: ICONS.pending },
  synced: { key: "Status_Synced", icon: ICONS.success },
  error: { key: "Status_Error", icon: ICONS.error },
  unknown: { key: "Status_Unknown", icon: ICONS.unknown },
};

const DIRECTION: Record<AuditDirection, StringKey> = {
  "CRM->PC": "Direction_CrmToPc",
  "PC->CRM": "Direction_PcToCrm",
};

export function statusLabel(model: SyncStatusModel, t: ViewEnv["t"]): string {
  const badge = BADGE[model.kind];
  return model.kind === "unknown" ? t(badge.key, model.unknownText ?? "?") : t(badge.key);
}

/** "Last synced 5 minutes ago" (or just now / on <date> / never); undefined when nothing to say. */
export function lastSyncedText(model: SyncStatusModel, env: ViewEnv): string | undefined {
  if (!model.lastSyncedOn) return model.kind === "notSynced" ? env.t("NeverSynced") : undefined;
  const relative = formatRelative(model.lastSyncedOn, env.now(), env.locale);
  if (relative === "") return env.t("LastSyncedJustNow");
  if (relative !== undefined) return env.t("LastSynced", relative);
  return env.t("LastSyncedOn", absolute(model, env));
}

function absolute(model: SyncStatusModel, env: ViewEnv): string {
  if (!model.lastSyncedOn) return "";
  return model.lastSyncedOnFormatted ?? env.formatDateTime(model.lastSyncedOn);
}

/** Fills root (emptied first) and returns the element whose text tracks the clock. */
export function render(root: HTMLElement, model: SyncStatusModel, env: ViewEnv): HTMLElement | undefined {
  const { t } = env;
  root.textContent = "";
  root.setAttribute("role", "group");
  root.setAttribute("aria-label", t("RegionLabel"));

  // One polite live region: badge, when, error. Its spoken text changes only when the model does:
  // the ticking "5 minutes ago" is hidden from screen readers, which read the static date instead.
  const status = el("div", "pcs-ss__status");
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");
  status.setAttribute("aria-atomic", "true");
  status.tabIndex = 0;

  const badge = el("span", `pcs-ss__badge pcs-ss__badge--${model.kind}`);
  badge.appendChild(icon(BADGE[model.kind].icon, "pcs-icon"));
  badge.appendChild(el("span", "pcs-sr-only", t("StatusPrefix") + " "));
  badge.appendChild(el("span", "pcs-ss__label", statusLabel(model, t)));
  status.appendChild(badge);

  let clock: HTMLElement | undefined;
  const synced = lastSyncedText(model, env);
  if (synced !== undefined && model.lastSyncedOn) {
    clock = el("span", "pcs-ss__when");
    clock.setAttribute("aria-hidden", "true");
    const time = el("time", undefined, synced);
    time.dateTime = model.lastSyncedOn.toISOString();
    time.title = absolute(model, env);
    clock.appendChild(time);
    status.append(clock, el("span", "pcs-sr-only", t("LastSyncedOn", absolute(model, env))));
  } else if (synced !== undefined) {
    status.appendChild(el("span", "pcs-ss__when", synced));
  }

  if (model.kind === "error") {
    const panel = el("div", "pcs-ss__error");
    panel.appendChild(el("span", "pcs-ss__error-heading", t("ErrorHeading")));
    if (model.error) {
      panel.appendChild(el("span", "pcs-ss__error-message", model.error.message || t("ErrorNoDetail")));
      const parts = [t(DIRECTION[model.error.direction]), model.error.operation, env.formatDateTime(new Date(model.error.timestamp))];
      panel.appendChild(el("span", "pcs-ss__error-meta", parts.join(" · ")));
    } else {
      panel.appendChild(el("span", "pcs-ss__error-message", t("ErrorNoDetail")));
    }
    status.appendChild(panel);
  }
  root.appendChild(status);

  if (model.referralStatus || model.referralUrl) {
    const meta = el("div", "pcs-ss__meta");
    if (model.referralStatus) meta.appendChild(el("span", "pcs-ss__referral-status", t("ReferralStatus", model.referralStatus)));
    if (model.referralUrl) {
      const link = el("a", "pcs-ss__link");
      link.href = model.referralUrl;
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      link.appendChild(el("span", undefined, t("OpenInPartnerCenter")));
      link.appendChild(icon(ICONS.external, "pcs-icon pcs-icon--small"));
      link.appendChild(el("span", "pcs-sr-only", " " + t("OpensInNewTab")));
      meta.appendChild(link);
    }
    root.appendChild(meta);
  }

  return clock;
}

/** Re-computes the ticking text in place (called every 30 s); no-op when there is no date. */
export function refreshClock(clock: HTMLElement | undefined, model: SyncStatusModel, env: ViewEnv): void {
  if (!clock || !model.lastSyncedOn) return;
  const text = lastSyncedText(model, env);
  const time = clock.firstElementChild;
  if (time && text !== undefined && time.textContent !== text) time.textContent = text;
}
