/**
 * Execution contexts and save event arguments as the client API passes them to handlers
 * (learn.microsoft.com/power-apps/developer/model-driven-apps/clientapi/reference/execution-context,
 *  …/reference/save-event-arguments). One context per event, shared by its handlers.
 */
export const SAVE_MODE = { save: 1, saveAndClose: 2, saveAndNew: 59, autoSave: 70 } as const;

export class SaveEventArguments {
  private prevented = false;
  private preventedOnError = false;
  constructor(private readonly mode: number) {}
  getSaveMode(): number {
    return this.mode;
  }
  preventDefault(): void {
    this.prevented = true;
  }
  preventDefaultOnError(): void {
    this.preventedOnError = true;
  }
  isDefaultPrevented(): boolean {
    return this.prevented;
  }
  /** Whether a handler asked to stop the save only if an error occurs (kept for completeness). */
  isPreventedOnError(): boolean {
    return this.preventedOnError;
  }
}

/** Load event arguments: getDataLoadState() 1 initial load, 2 save, 3 refresh. */
export class LoadEventArguments {
  constructor(private readonly state: 1 | 2 | 3) {}
  getDataLoadState(): number {
    return this.state;
  }
}

export interface ExecutionContext {
  getFormContext(): unknown;
  getEventSource(): unknown;
  getEventArgs(): unknown;
  getContext(): unknown;
  getDepth(): number;
  getSharedVariable(key: string): unknown;
  setSharedVariable(key: string, value: unknown): void;
}

export function executionContext(formContext: unknown, source: unknown, args: unknown, globalContext: () => unknown): ExecutionContext {
  const shared = new Map<string, unknown>();
  return {
    getFormContext: () => formContext,
    getEventSource: () => source,
    getEventArgs: () => args ?? null,
    getContext: globalContext,
    getDepth: () => 1,
    getSharedVariable: (key) => shared.get(key),
    setSharedVariable: (key, value) => void shared.set(key, value),
  };
}
