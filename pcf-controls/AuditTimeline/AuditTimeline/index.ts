import type { IInputs, IOutputs } from "./inputs";

export class AuditTimeline implements ComponentFramework.StandardControl<IInputs, IOutputs> {
  private root: HTMLDivElement | undefined;
  public init(context: ComponentFramework.Context<IInputs>, _n: () => void, _s: ComponentFramework.Dictionary, container: HTMLDivElement): void {
    this.root = document.createElement("div");
    container.appendChild(this.root);
    this.updateView(context);
  }
  public updateView(context: ComponentFramework.Context<IInputs>): void {
    if (this.root) this.root.textContent = String(context?.parameters?.value?.raw ?? "");
  }
  public getOutputs(): IOutputs {
    return {};
  }
  public destroy(): void {
    this.root?.remove();
  }
}
