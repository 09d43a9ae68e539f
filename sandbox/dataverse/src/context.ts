import { Engine, Session, type CallerContext, type FlowTransition } from "./engine";
import { DataverseError, ErrorCodes } from "./errors";
import { callFlowService } from "./flow-hook";
import { Notifier, validateRegistration } from "./notifications";
import { SolutionImporter } from "./solution/import";
import type { MemoryStore } from "./store/store";
import { Mutex } from "./util";

export interface InternalRequest {
  method: string;
  /** Decoded resource path after /api/data/v9.2/ (no leading slash). */
  path: string;
  /** Raw query string without '?'. */
  query: string;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  body: string;
}

export interface InternalResponse {
  status: number;
  headers: Record<string, string>;
  body?: string;
}

/** Everything the handlers share. */
export class Context {
  readonly mutex = new Mutex();
  readonly engine: Engine;
  readonly importer: SolutionImporter;
  readonly pending = new Set<Promise<unknown>>();

  constructor(
    readonly store: MemoryStore,
    readonly notifier: Notifier,
    readonly caller: CallerContext,
    readonly clock: () => Date,
    readonly apiUrl: () => string,
    readonly options: { flowServiceUrl?: string; flowServiceTimeoutMs: number; log: (line: string) => void; environmentId: string; tenantId: string },
    baseCurrencyId: () => string | undefined,
  ) {
    this.engine = new Engine({ baseCurrencyId });
    this.importer = new SolutionImporter(this.engine);
  }

  /** The Power Platform environment this organization is (RetrieveCurrentOrganization). */
  get environmentId(): string {
    return this.options.environmentId;
  }
  get tenantId(): string {
    return this.options.tenantId;
  }

  /** Keep track of background work (ImportSolutionAsync) so close() and tests can wait for it. */
  track<T>(p: Promise<T>): Promise<T> {
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p)).catch(() => undefined);
    return p;
  }

  /**
   * Run writes in one transaction and commit them, or leave nothing behind. Writes are serialised.
   * When the writes turn a cloud flow on or off, the flow service is called before the commit, with
   * no lock held (the flow service may itself call the Web API, e.g. to register its trigger): the
   * writes are tried, rolled back, the flow service is asked, and the writes are applied again.
   */
  async write<T>(fn: (s: Session) => T | Promise<T>): Promise<T> {
    const approved = new Set<string>();
    for (let round = 0; round < 4; round++) {
      const outcome = await this.mutex.run(async () => {
        const s = new Session(this.store.begin(), this.caller, this.clock);
        try {
          const result = await fn(s);
          this.validate(s);
          const unapproved = s.flowTransitions.filter((t) => !approved.has(transitionKey(t)));
          if (this.options.flowServiceUrl && unapproved.length) {
            s.tx.rollback();
            return { kind: "hooks" as const, transitions: unapproved };
          }
          s.tx.commit();
          this.notifier.dispatch(s.events, this.store);
          return { kind: "done" as const, result };
        } catch (e) {
          s.tx.rollback();
          throw e;
        }
      });
      if (outcome.kind === "done") return outcome.result;
      for (const t of outcome.transitions) {
        await callFlowService(this.options.flowServiceUrl as string, t, this.store, this.apiUrl(), this.options.flowServiceTimeoutMs);
        approved.add(transitionKey(t));
      }
    }
    throw new DataverseError(409, ErrorCodes.InvalidArgument, "The flow state kept changing while the flow service was being called; try again.");
  }

  /** Checks that need the whole transaction (callback registrations must be valid). */
  private validate(s: Session): void {
    for (const ev of s.events) {
      if (ev.entity === "callbackregistration" && ev.post) {
        const problem = validateRegistration(ev.post, s.tx.registry);
        if (problem) throw new DataverseError(400, ErrorCodes.InvalidArgument, problem);
      }
    }
  }

  async idle(): Promise<void> {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
    await this.notifier.idle();
  }
}

const transitionKey = (t: FlowTransition): string => `${t.workflowId}:${t.from}->${t.to}`;
