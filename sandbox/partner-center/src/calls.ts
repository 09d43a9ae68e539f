/**
 * The log of every Partner Center API call the emulator answered (control API excluded):
 * method, path, query, operation, status, time. Benchmarks and end-to-end tests count Partner
 * Center calls with it (GET /_emulator/calls).
 */

export interface CallEntry {
  /** Increasing sequence number; `?after=<seq>` lists later calls only. */
  seq: number;
  /** ISO time from the emulator's clock when the call arrived. */
  time: string;
  method: string;
  path: string;
  /** Raw query string without "?" ("" when none). */
  query: string;
  /** Operation name, e.g. "patchReferral"; "unknown" for unrouted paths. */
  operation: string;
  api: "referrals" | "webhooks";
  status: number;
  durationMs: number;
  correlationId?: string;
  /** True when an injected fault produced the answer. */
  fault?: boolean;
}

export interface CallFilter {
  after?: number;
  since?: number;
  method?: string;
  operation?: string;
  pathPrefix?: string;
  status?: number;
  api?: string;
}

const MAX_ENTRIES = 200_000;

export class CallLog {
  private entries: CallEntry[] = [];
  private seq = 0;

  add(entry: Omit<CallEntry, "seq">): CallEntry {
    const e = { seq: ++this.seq, ...entry };
    this.entries.push(e);
    if (this.entries.length > MAX_ENTRIES) this.entries.splice(0, this.entries.length - MAX_ENTRIES);
    return e;
  }

  get lastSeq(): number {
    return this.seq;
  }

  list(f: CallFilter = {}): CallEntry[] {
    return this.entries.filter(
      (e) =>
        (f.after === undefined || e.seq > f.after) &&
        (f.since === undefined || Date.parse(e.time) >= f.since) &&
        (f.method === undefined || e.method === f.method.toUpperCase()) &&
        (f.operation === undefined || e.operation === f.operation) &&
        (f.pathPrefix === undefined || e.path.toLowerCase().startsWith(f.pathPrefix.toLowerCase())) &&
        (f.status === undefined || e.status === f.status) &&
        (f.api === undefined || e.api === f.api),
    );
  }

  /** Forget the entries; sequence numbers keep increasing so an old `after` stays meaningful. */
  clear(): void {
    this.entries = [];
  }
}
