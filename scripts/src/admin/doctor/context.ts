/**
 * What the checks read, read once per doctor run (a check and a later one share the reads), and
 * forgotten after a repair so the checks that follow see the environment as it now is.
 */
import type { WebhookRegistrationResponse } from "../../../../plugins-ts/src/partner-center/referral";
import { connectionReferences, environmentVariables, installedSolution, solutionFlows, type EnvironmentFlow, type InstalledSolution, type ReferenceRow, type VariableState } from "../environment";
import type { SettingsFile } from "../settings";
import type { AdminClients } from "../target";
import { receiverUrl, type ReceiverUrl } from "../webhook";

export class DoctorContext {
  private cache = new Map<string, Promise<unknown>>();

  constructor(
    readonly clients: AdminClients,
    readonly options: { settings?: SettingsFile; now?: () => Date; newestZipVersion?: string } = {},
  ) {}

  get api() {
    return this.clients.api;
  }
  get partnerCenter() {
    return this.clients.partnerCenter;
  }
  now(): Date {
    return this.options.now?.() ?? new Date();
  }

  private once<T>(key: string, read: () => Promise<T>): Promise<T> {
    let p = this.cache.get(key) as Promise<T> | undefined;
    if (!p) {
      p = read();
      this.cache.set(key, p);
    }
    return p;
  }

  /** Forget what was read (after a repair). */
  forget(): void {
    this.cache.clear();
  }

  solution(): Promise<InstalledSolution | undefined> {
    return this.once("solution", () => installedSolution(this.api));
  }
  async flows(): Promise<EnvironmentFlow[]> {
    const s = await this.solution();
    return s ? this.once("flows", () => solutionFlows(this.api, s.solutionid)) : [];
  }
  references(): Promise<ReferenceRow[]> {
    return this.once("references", () => connectionReferences(this.api));
  }
  variables(): Promise<VariableState[]> {
    return this.once("variables", () => environmentVariables(this.api));
  }
  receiverUrl(): Promise<ReceiverUrl> {
    return this.once("receiver", async () => receiverUrl(this.clients, await this.flows()));
  }
  registration(): Promise<WebhookRegistrationResponse | undefined> {
    return this.once("registration", () => this.partnerCenter.getWebhookRegistration());
  }
}
