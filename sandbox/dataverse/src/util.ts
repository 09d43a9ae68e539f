import { createHash, randomUUID } from "node:crypto";

export const GUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isGuid = (s: unknown): s is string => typeof s === "string" && GUID_RE.test(s);

/** Lower-case, brace-free GUID, as Dataverse writes them. */
export const normGuid = (s: string): string => s.replace(/^\{|\}$/g, "").toLowerCase();

export const newGuid = (): string => randomUUID();

/** A stable GUID derived from a name (metadata ids, seeded rows), so state is reproducible. */
export const stableGuid = (name: string): string => {
  const h = createHash("sha1").update(name).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

/** ISO date-time with second precision and a Z, as the Web API returns DateAndTime values. */
export const isoSeconds = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, "Z");

export const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** A simple FIFO mutex: writes are applied one at a time, as a database would serialise them. */
export class Mutex {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.tail.then(fn, fn);
    this.tail = next.catch(() => undefined);
    return next;
  }
}
