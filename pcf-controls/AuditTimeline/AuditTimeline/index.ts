/**
 * Audit Timeline (pcs_PartnerCenterSync.AuditTimeline): the pcs_syncaudit column as a newest-first
 * timeline with direction, outcome and local time, long messages collapsed, an "errors only"
 * filter and copy of one entry. Plain DOM, read-only, no network calls.
 */
import { phraseLocale, resolveLocale } from "../../shared/src/locale";
import { createTranslate, stringsLanguage } from "../../shared/src/strings";
import { userDateTimeFormatter } from "../../shared/src/time";
import type { IInputs, IOutputs } from "./inputs";
import { auditText, readRows } from "./model";
import { TimelineView, type ViewEnv } from "./view";

export class AuditTimeline implements ComponentFramework.StandardControl<IInputs, IOutputs> {
  private root: HTMLDivElement | undefined;
  private view: TimelineView | undefined;
  private envKey = "";
  private env: ViewEnv | undefined;
  private renderedText: string | undefined;

  public init(context: ComponentFramework.Context<IInputs>, _notifyOutputChanged: () => void, _state: ComponentFramework.Dictionary, container: HTMLDivElement): void {
    this.root = document.createElement("div");
    container.appendChild(this.root);
    this.updateView(context);
  }

  public updateView(context: ComponentFramework.Context<IInputs>): void {
    const root = this.root;
    if (!root) return;
    try {
      root.dir = context?.userSettings?.isRTL === true ? "rtl" : "ltr";
      const { env, key } = this.environment(context);
      if (!this.view) {
        this.view = new TimelineView(root, env);
        this.envKey = key;
      } else if (key !== this.envKey) {
        this.envKey = key;
        this.renderedText = undefined;
        this.view.setEnv(env);
      }
      // The form calls updateView for any change on the form; re-render only when the audit changed.
      const text = auditText(context?.parameters?.value?.raw);
      if (text === this.renderedText) return;
      this.view.render(readRows(text));
      this.renderedText = text;
    } catch (error) {
      // A form control must never break the form: keep the text readable and report to the console.
      this.view?.destroy();
      this.view = undefined;
      this.renderedText = undefined;
      root.className = "";
      root.textContent = auditText(context?.parameters?.value?.raw);
      root.style.whiteSpace = "pre-wrap";
      console.warn("Partner Center audit timeline could not be shown", error);
    }
  }

  public getOutputs(): IOutputs {
    return {};
  }

  public destroy(): void {
    this.view?.destroy();
    this.view = undefined;
    this.root?.remove();
    this.root = undefined;
  }

  private environment(context: ComponentFramework.Context<IInputs>): { env: ViewEnv; key: string } {
    const settings = context?.userSettings;
    const locale = resolveLocale(settings?.languageId);
    const key = `${locale}|${settings?.languageId ?? ""}`;
    if (this.view && key === this.envKey && this.env) return { env: this.env, key };
    const t = createTranslate(context?.resources);
    this.env = { t, locale, phraseLocale: phraseLocale(locale, stringsLanguage(t)), formatDateTime: userDateTimeFormatter(locale, settings) };
    return { env: this.env, key };
  }
}
