/**
 * End-to-end harness: the whole product in the sandbox (the managed zip imported into the Dataverse
 * emulator, flows on, webhook registered), driven only through public surfaces — the Web API with
 * dynamics-web-api, the Partner Center API with our client, the emulators' control APIs — plus the
 * flow runner's run history for diagnostics.
 */
import type { DynamicsWebApi } from "dynamics-web-api";
import { OPPORTUNITY, OPPORTUNITY_COSELL, PARTNER_CENTER_SOLUTION, SOLUTION_DETAIL } from "../../plugins-ts/src/model/schema";
import type { PartnerCenterClient } from "../../plugins-ts/src/partner-center";
import type { Referral } from "../../plugins-ts/src/partner-center/referral";
import { parseAudit } from "../../plugins-ts/src/rulebook/audit";
import { Sandbox, startSandbox } from "../../scripts/src/sandbox";

export interface ApiCall {
  seq: number;
  method: string;
  path: string;
  status: number;
}

export class E2E {
  dv!: DynamicsWebApi;
  pc!: PartnerCenterClient;
  usd!: string;
  account!: string;
  contact!: string;
  private constructor(readonly sb: Sandbox) {}

  static async start(): Promise<E2E> {
    const sb = await startSandbox({
      port: 0,
      stateDir: null,
      // Waits (the receiver's pause for an unknown referral, retry back-offs) at 1/1000 of their length.
      flowRunner: { sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms / 1000)) },
      partnerCenter: { sleep: async () => undefined },
    });
    const e = new E2E(sb);
    const failed = sb.report.flows.filter((f) => f.status !== "on");
    if (failed.length) throw new Error(`flows not on: ${failed.map((f) => `${f.name}: ${f.message}`).join("; ")}`);
    if (sb.report.webhook.status !== "registered") throw new Error(`webhook: ${sb.report.webhook.message}`);
    e.dv = sb.dataverseClient();
    e.pc = sb.partnerCenterClient();
    e.usd = (await e.dv.retrieveMultiple({ collection: "transactioncurrencies", select: ["transactioncurrencyid"], filter: "isocurrencycode eq 'USD'" })).value![0].transactioncurrencyid as string;
    e.account = sb.report.seed!.account.id;
    e.contact = sb.report.seed!.contact.id;
    return e;
  }

  close(): Promise<void> {
    return this.sb.close();
  }

  /** Waits until no run is going and no call is being made (longer for a test that starts hundreds of runs). */
  quiet(timeoutMs = 30000): Promise<void> {
    return this.sb.waitForQuiet({ timeoutMs });
  }

  // ---- Partner Center ------------------------------------------------------------------------------

  private async control(method: string, path: string, body?: unknown): Promise<any> {
    const res = await fetch(`${this.sb.endpoints.partnerCenter.controlUrl}${path}`, {
      method,
      headers: { "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  }

  /** Partner Center API calls (the control API excluded) after a sequence number. */
  async pcCalls(after = 0): Promise<ApiCall[]> {
    return (await this.control("GET", `/calls?after=${after}`)).value;
  }
  async pcSeq(): Promise<number> {
    return (await this.control("GET", "/calls?after=0")).lastSeq ?? 0;
  }
  /** Referral API calls only (not webhook registration). */
  async referralCalls(after: number): Promise<ApiCall[]> {
    return (await this.pcCalls(after)).filter((c) => c.path.includes("/engagements/referrals"));
  }
  shareFromPartnerCenter(referral: Partial<Referral>): Promise<Referral> {
    return this.control("POST", "/referrals", referral);
  }
  changeInPartnerCenter(id: string, change: unknown, force = false): Promise<Referral> {
    return this.control("PATCH", `/referrals/${id}${force ? "?force=true" : ""}`, change);
  }
  microsoftSide(id: string, body: unknown): Promise<Referral> {
    return this.control("POST", `/referrals/${id}/related`, body);
  }
  fault(body: unknown): Promise<unknown> {
    return this.control("POST", "/faults", body);
  }
  clearFaults(): Promise<unknown> {
    return this.control("DELETE", "/faults");
  }
  repeatDeliveries(body: unknown): Promise<unknown> {
    return this.control("POST", "/deliveries/repeat", body);
  }
  referral(id: string): Promise<Referral> {
    return this.pc.getReferral(id);
  }

  // ---- Dataverse ------------------------------------------------------------------------------------

  private async dvControl(path: string): Promise<any> {
    return (await fetch(`${this.sb.endpoints.dataverse.controlUrl}${path}`)).json();
  }
  async dvSeq(): Promise<number> {
    return (await this.dvControl("/calls?after=0")).lastSeq ?? 0;
  }
  async dvCalls(after: number): Promise<ApiCall[]> {
    return (await this.dvControl(`/calls?after=${after}`)).value;
  }

  async solutionDetail(solutionId: string): Promise<string> {
    const r = await this.dv.retrieveMultiple({ collection: SOLUTION_DETAIL.entitySetName, select: [SOLUTION_DETAIL.primaryId], filter: `${SOLUTION_DETAIL.solutionId} eq '${solutionId}'` });
    return r.value![0][SOLUTION_DETAIL.primaryId] as string;
  }

  /** An opportunity ready to share: customer account with a country, contact, value, date, currency, purchase intent, one (co-sell ready partner) solution: an IP co-sell. */
  async createOpportunity(overrides: Record<string, unknown> = {}, options: { solutions?: string[]; sync?: boolean } = {}): Promise<string> {
    const data: Record<string, unknown> = {
      name: "Contoso Azure migration",
      estimatedvalue: 250000,
      estimatedclosedate: "2026-12-31",
      description: "Move 40 VMs and the SQL estate to Azure.",
      "customerid_account@odata.bind": `/accounts(${this.account})`,
      "parentcontactid@odata.bind": `/contacts(${this.contact})`,
      "transactioncurrencyid@odata.bind": `/transactioncurrencies(${this.usd})`,
      [OPPORTUNITY.microsoftHelp]: 619300001,
      [OPPORTUNITY.referralVisibility]: true,
      [OPPORTUNITY_COSELL.purchaseIntent]: 619300002, // Have not decided
      ...overrides,
    };
    for (const k of Object.keys(data)) if (data[k] === undefined) delete data[k]; // undefined: leave the column out
    const created = (await this.dv.create({ collection: OPPORTUNITY.entitySetName, data, returnRepresentation: true })) as Record<string, unknown>;
    const id = created[OPPORTUNITY.primaryId] as string;
    for (const s of options.solutions ?? ["SOL-12345-ABC"]) await this.addSolution(id, s);
    if (options.sync !== false) await this.update(id, { [OPPORTUNITY.syncWithPartnerCenter]: true });
    return id;
  }

  async addSolution(opportunityId: string, solutionId: string): Promise<string> {
    const detail = await this.solutionDetail(solutionId);
    const row = (await this.dv.create({
      collection: PARTNER_CENTER_SOLUTION.entitySetName,
      data: {
        [PARTNER_CENTER_SOLUTION.name]: solutionId,
        [`${PARTNER_CENTER_SOLUTION.opportunityNavigation}@odata.bind`]: `/opportunities(${opportunityId})`,
        [`${PARTNER_CENTER_SOLUTION.solutionDetailNavigation}@odata.bind`]: `/${SOLUTION_DETAIL.entitySetName}(${detail})`,
      },
      returnRepresentation: true,
    })) as Record<string, unknown>;
    return row[PARTNER_CENTER_SOLUTION.primaryId] as string;
  }

  async removeSolution(opportunityId: string, solutionId: string): Promise<void> {
    const rows = await this.dv.retrieveMultiple({
      collection: PARTNER_CENTER_SOLUTION.entitySetName,
      select: [PARTNER_CENTER_SOLUTION.primaryId],
      filter: `_${PARTNER_CENTER_SOLUTION.opportunity}_value eq ${opportunityId}`,
      expand: [{ property: PARTNER_CENTER_SOLUTION.solutionDetailNavigation, select: [SOLUTION_DETAIL.solutionId] }],
    });
    for (const r of rows.value ?? []) {
      if ((r[PARTNER_CENTER_SOLUTION.solutionDetailNavigation] as Record<string, unknown>)?.[SOLUTION_DETAIL.solutionId] === solutionId) {
        await this.dv.deleteRecord({ collection: PARTNER_CENTER_SOLUTION.entitySetName, key: r[PARTNER_CENTER_SOLUTION.primaryId] as string });
      }
    }
  }

  update(id: string, data: Record<string, unknown>, collection: string = OPPORTUNITY.entitySetName): Promise<unknown> {
    return this.dv.update({ collection, key: id, data });
  }

  opportunity(id: string): Promise<Record<string, any>> {
    return this.dv.retrieve({ collection: OPPORTUNITY.entitySetName, key: id }) as Promise<Record<string, any>>;
  }

  /** Rows of any table, by an OData filter. */
  async rows(collection: string, filter: string): Promise<Record<string, any>[]> {
    return ((await this.dv.retrieveMultiple({ collection, filter })).value ?? []) as Record<string, any>[];
  }

  async opportunitiesWithReferral(referralId: string): Promise<Record<string, any>[]> {
    return ((await this.dv.retrieveMultiple({ collection: OPPORTUNITY.entitySetName, filter: `${OPPORTUNITY.referralIdentifier} eq '${referralId}'` })).value ?? []) as Record<string, any>[];
  }

  /** The newest audit entry's outcome and message. */
  static newestAudit(row: Record<string, any>): { outcome?: string; message?: string; direction?: string; operation?: string } {
    const first = parseAudit(row[OPPORTUNITY.syncAudit])[0];
    return first?.kind === "entry" ? first : {};
  }

  /**
   * No loop: once quiet, a further pause brings no new Partner Center or Dataverse call. (A sync that
   * triggered itself would keep the call logs growing.)
   */
  async expectSettled(): Promise<void> {
    await this.quiet();
    const pc = await this.pcSeq();
    const dv = await this.dvSeq();
    await new Promise((r) => setTimeout(r, 250));
    await this.quiet();
    const morePc = await this.pcCalls(pc);
    const moreDv = await this.dvCalls(dv);
    if (morePc.length || moreDv.length) {
      throw new Error(`calls kept coming after the system was quiet:\n${[...morePc, ...moreDv].map((c) => `${c.method} ${c.path} ${c.status}`).join("\n")}\n${this.runs()}`);
    }
  }

  /** Sets an environment variable's current value (as an admin does in the Default Solution). */
  async setEnvironmentVariable(schemaName: string, value: string): Promise<void> {
    const def = (await this.dv.retrieveMultiple({ collection: "environmentvariabledefinitions", select: ["environmentvariabledefinitionid"], filter: `schemaname eq '${schemaName}'` })).value![0];
    const id = def.environmentvariabledefinitionid as string;
    const existing = (await this.dv.retrieveMultiple({ collection: "environmentvariablevalues", select: ["environmentvariablevalueid"], filter: `_environmentvariabledefinitionid_value eq ${id}` })).value ?? [];
    if (existing.length) await this.dv.update({ collection: "environmentvariablevalues", key: existing[0].environmentvariablevalueid as string, data: { value } });
    else await this.dv.create({ collection: "environmentvariablevalues", data: { value, schemaname: `${schemaName}_value`, "EnvironmentVariableDefinitionId@odata.bind": `/environmentvariabledefinitions(${id})` } });
  }

  /** Turns a flow off (false) or on (true), as an admin does: a change made while it is off starts no run later. */
  async setFlowOn(name: string, on: boolean): Promise<void> {
    const wf = (await this.dv.retrieveMultiple({ collection: "workflows", select: ["workflowid"], filter: `name eq '${name.replace(/'/g, "''")}' and category eq 5` })).value![0];
    await this.dv.update({ collection: "workflows", key: wf.workflowid as string, data: on ? { statecode: 1, statuscode: 2 } : { statecode: 0, statuscode: 1 } });
  }

  /** Turns a flow off and on again (what makes a new environment variable value reach its trigger). */
  async restartFlow(name: string): Promise<void> {
    const wf = (await this.dv.retrieveMultiple({ collection: "workflows", select: ["workflowid"], filter: `name eq '${name.replace(/'/g, "''")}' and category eq 5` })).value![0];
    await this.dv.update({ collection: "workflows", key: wf.workflowid as string, data: { statecode: 0, statuscode: 1 } });
    await this.dv.update({ collection: "workflows", key: wf.workflowid as string, data: { statecode: 1, statuscode: 2 } });
  }

  /**
   * Edits a flow as an admin does in the designer: its definition (workflow clientdata) changed while
   * it is off, then turned on again. `edit` gets and returns the flow JSON text.
   */
  async editFlow(name: string, edit: (json: string) => string): Promise<void> {
    const wf = (await this.dv.retrieveMultiple({ collection: "workflows", select: ["workflowid", "clientdata"], filter: `name eq '${name.replace(/'/g, "''")}' and category eq 5` })).value![0];
    const edited = edit(wf.clientdata as string);
    if (edited === wf.clientdata) throw new Error(`editFlow(${name}): the edit changed nothing`);
    await this.dv.update({ collection: "workflows", key: wf.workflowid as string, data: { statecode: 0, statuscode: 1 } });
    await this.dv.update({ collection: "workflows", key: wf.workflowid as string, data: { clientdata: edited } });
    await this.dv.update({ collection: "workflows", key: wf.workflowid as string, data: { statecode: 1, statuscode: 2 } });
  }

  /** Fires a Recurrence-triggered flow now (the flow runner's POST /workflows/{id}/recurrence). */
  async fireRecurrence(workflowId: string): Promise<void> {
    const res = await fetch(`${this.sb.endpoints.flowRunner.url}/workflows/${workflowId}/recurrence`, { method: "POST", headers: { "Content-Type": "application/json" } });
    if (!res.ok) throw new Error(`recurrence ${workflowId}: ${res.status} ${await res.text()}`);
  }

  /** The formatted history of every run of a flow, newest first. */
  runsOf(workflowName: string): string[] {
    return this.sb.flowRunner
      .listRuns()
      .filter((r) => r.workflowName === workflowName)
      .map((r) => this.sb.flowRunner.formatRun(r.id));
  }

  /** Takes the webhook registration away (our receiver "down"); returns a function that restores it. */
  async webhookDown(): Promise<() => Promise<void>> {
    const registration = await this.pc.getWebhookRegistration();
    await this.pc.deleteWebhookRegistration();
    return async () => {
      await this.pc.registerWebhook({ WebhookUrl: registration!.WebhookUrl, WebhookEvents: registration!.WebhookEvents, SignatureTokenToMsSignatureHeader: true });
    };
  }

  /** Run history, newest last, as readable lines (for failure messages). */
  runs(): string {
    return this.sb.flowRunner
      .listRuns()
      .slice()
      .reverse()
      .map((r) => {
        const full = this.sb.flowRunner.getRun(r.id)!;
        return `${r.workflowName}: ${r.status} ${JSON.stringify(full.response?.body ?? null)}`;
      })
      .join("\n");
  }

  /** Every run that did not succeed, printed in full. */
  failedRuns(): string {
    return this.sb.flowRunner
      .listRuns()
      .filter((r) => r.status !== "Succeeded")
      .map((r) => this.sb.flowRunner.formatRun(r.id))
      .join("\n\n");
  }

  /** Throws (with the run history) if any flow run failed. */
  expectNoFailedRuns(): void {
    const failed = this.failedRuns();
    if (failed) throw new Error(`flow runs failed:\n${failed}`);
  }
}

/**
 * One sandbox per test file: started before the file's tests and closed after them. After each test,
 * `afterEachTest` runs (e.g. clearing injected faults), then the file checks there is no loop (the
 * call logs stay quiet) and no failed flow run.
 */
export function useE2E(bind: (e: E2E) => void, options: { afterEachTest?: (e: E2E) => Promise<unknown> } = {}): void {
  let e: E2E | undefined;
  beforeAll(async () => {
    e = await E2E.start();
    bind(e);
  }, 120000);
  afterAll(async () => {
    await e?.close();
  });
  afterEach(async () => {
    if (!e) return;
    await options.afterEachTest?.(e);
    await e.expectSettled();
    e.expectNoFailedRuns();
  });
}
