/**
 * Sync Status (pcs_PartnerCenterSync.SyncStatus): a badge for the pcs_syncstatus choice, how long
 * ago the record last synced, the latest error from the Audit column when in error, the referral
 * status and a link to the referral in Partner Center. Plain DOM, read-only, no network calls.
 */
import { phraseLocale, resolveLocale } from "../../shared/src/locale";
import { createTranslate, stringsLanguage } from "../../shared/src/strings";
import { userDateTimeFormatter } from "../../shared/src/time";
import type { IInputs, IOutputs } from "./inputs";
import { modelKey, readModel, type SyncStatusModel } from "./model";
import { refreshClock, render, type ViewEnv } from "./view";

/** How often "5 minutes ago" is re-computed while the form stays open. */
const CLOCK_INTERVAL_MS = 30_000;

export class SyncStatus implements ComponentFramework.StandardControl<IInputs, IOutputs> {
  private root: HTMLDivElement | undefined;
  private env: ViewEnv | undefined;
  private envKey = "";
  private renderedKey = "";
  private model: SyncStatusModel | undefined;
  private clock: HTMLElement | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;

  public init(context: ComponentFramework.Context<IInputs>, _notifyOutputChanged: () => void, _state: ComponentFramework.Dictionary, container: HTMLDivElement): void {
    this.root = document.createElement("div");
    this.root.className = "pcs-ss";
    container.appendChild(this.root);
    this.timer = setInterval(() => this.tick(), CLOCK_INTERVAL_MS);
    this.updateView(context);
  }

  public updateView(context: ComponentFramework.Context<IInputs>): void {
    const root = this.root;
    if (!root) return;
    try {
      const env = this.environment(context);
      const model = readModel(context?.parameters);
      const key = this.envKey + modelKey(model);
      root.dir = context?.userSettings?.isRTL === true ? "rtl" : "ltr";
      this.model = model;
      if (key === this.renderedKey) {
        refreshClock(this.clock, model, env);
        return;
      }
      this.clock = render(root, model, env);
      this.renderedKey = key;
    } catch (error) {
      // A form control must never break the form: leave a neutral text and report to the console.
      root.textContent = "—";
      this.renderedKey = "";
      console.warn("Partner Center sync status could not be shown", error);
    }
  }

  public getOutputs(): IOutputs {
    return {};
  }

  public destroy(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    this.root?.remove();
    this.root = undefined;
  }

  private tick(): void {
    if (this.model && this.env) refreshClock(this.clock, this.model, this.env);
  }

  private environment(context: ComponentFramework.Context<IInputs>): ViewEnv {
    const settings = context?.userSettings;
    const locale = resolveLocale(settings?.languageId);
    const key = `${locale}|${settings?.languageId ?? ""}|`;
    if (!this.env || key !== this.envKey) {
      const t = createTranslate(context?.resources);
      this.env = {
        t,
        locale: phraseLocale(locale, stringsLanguage(t)),
        now: () => Date.now(),
        formatDateTime: userDateTimeFormatter(locale, settings),
      };
      this.envKey = key;
    }
    return this.env;
  }
}
