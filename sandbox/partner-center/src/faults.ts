/**
 * Injected faults (POST /_emulator/faults): the next N calls matching an operation, or a method
 * and path pattern, answer a given status (with the documented error body, and Retry-After when
 * asked) and/or answer slowly. A faulted call changes nothing, unless the fault says `committed`
 * (the call is carried out and its answer replaced: a write whose answer was lost).
 */
import { invalidRequest } from "./errors";

export interface FaultSpec {
  /** Operation name (see the README's route table), e.g. "getReferral". */
  operation?: string;
  /** HTTP method to match (with path). */
  method?: string;
  /** Path pattern: exact, with {param} segments, or ending in "*" for a prefix. */
  path?: string;
  /** Status to answer; omit for a slow but otherwise normal answer. */
  status?: number;
  /** How many matching calls the fault applies to (default 1). */
  count?: number;
  /** Retry-After header value in seconds. */
  retryAfter?: number;
  /** Wait this long before answering. */
  delayMs?: number;
  /**
   * Carry the call out at once, then wait this long before answering: a read whose answer is still
   * on its way while the data changes (a list that was empty when it ran, answered late).
   */
  answerDelayMs?: number;
  /**
   * Carry the call out, then answer with the fault anyway: what a client sees when the service
   * committed but the answer was lost (a gateway timeout after the write). Needs a status.
   */
  committed?: boolean;
  /** Override the error body's code and message. */
  code?: string;
  message?: string;
}

export interface Fault extends FaultSpec {
  id: number;
  remaining: number;
}

function patternMatches(pattern: string, path: string): boolean {
  const p = pattern.toLowerCase().replace(/\/+$/, "");
  const actual = path.toLowerCase().replace(/\/+$/, "");
  if (p.endsWith("*")) return actual.startsWith(p.slice(0, -1));
  const ps = p.split("/");
  const as = actual.split("/");
  return ps.length === as.length && ps.every((seg, i) => (seg.startsWith("{") && seg.endsWith("}")) || seg === as[i]);
}

export class FaultRegistry {
  private faults: Fault[] = [];
  private nextId = 1;

  add(spec: unknown): Fault {
    if (typeof spec !== "object" || spec === null || Array.isArray(spec)) throw invalidRequest("A fault must be a JSON object.");
    const s = spec as FaultSpec;
    if (!s.operation && !s.path) throw invalidRequest("A fault needs an operation or a path to match.", "operation");
    if (s.status !== undefined && (!Number.isInteger(s.status) || s.status < 200 || s.status > 599)) throw invalidRequest("status must be an HTTP status between 200 and 599.", "status");
    if (s.status === undefined && s.delayMs === undefined && s.answerDelayMs === undefined) throw invalidRequest("A fault needs a status, a delayMs or an answerDelayMs.", "status");
    if (s.answerDelayMs !== undefined && !(typeof s.answerDelayMs === "number" && s.answerDelayMs >= 0)) throw invalidRequest("answerDelayMs must be a number of milliseconds.", "answerDelayMs");
    if (s.answerDelayMs !== undefined && s.status !== undefined) throw invalidRequest("answerDelayMs slows a normal answer; it cannot be combined with a status.", "answerDelayMs");
    if (s.committed !== undefined && typeof s.committed !== "boolean") throw invalidRequest("committed must be true or false.", "committed");
    if (s.committed && s.status === undefined) throw invalidRequest("A committed fault needs the status to answer after the call is carried out.", "status");
    const count = s.count ?? 1;
    if (!Number.isInteger(count) || count < 1) throw invalidRequest("count must be a positive integer.", "count");
    if (s.retryAfter !== undefined && !(typeof s.retryAfter === "number" && s.retryAfter >= 0)) throw invalidRequest("retryAfter must be a number of seconds.", "retryAfter");
    if (s.delayMs !== undefined && !(typeof s.delayMs === "number" && s.delayMs >= 0)) throw invalidRequest("delayMs must be a number of milliseconds.", "delayMs");
    const fault: Fault = { ...s, id: this.nextId++, remaining: count };
    this.faults.push(fault);
    return fault;
  }

  /** Take one use of the first fault matching the call, if any. */
  take(operation: string, method: string, path: string): Fault | undefined {
    const f = this.faults.find(
      (x) =>
        (x.operation === undefined || x.operation === operation) &&
        (x.method === undefined || x.method.toUpperCase() === method) &&
        (x.path === undefined || patternMatches(x.path, path)),
    );
    if (!f) return undefined;
    f.remaining--;
    if (f.remaining <= 0) this.faults = this.faults.filter((x) => x !== f);
    return { ...f };
  }

  list(): Fault[] {
    return this.faults.map((f) => ({ ...f }));
  }

  clear(): void {
    this.faults = [];
  }
}
