/**
 * Storage behind a small interface. Rows are immutable objects keyed by table and id; a write
 * happens in a transaction (an overlay over the committed state) that either commits as a whole or
 * leaves nothing behind. Readers outside the transaction keep seeing committed data. The metadata
 * model lives in the store too, so an import that fails rolls back tables and columns with its rows.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { Registry } from "../metadata/registry";
import type { MetadataModel } from "../metadata/types";

/** A lookup value: the id and logical name of the row it points to. */
export interface LookupValue {
  id: string;
  entity: string;
}

export type Value = string | number | boolean | null | LookupValue | number[];

/** A stored row. `$seq` is the creation sequence (stable default order and paging); never output. */
export type Row = Record<string, Value> & { $seq?: number };

export const isLookupValue = (v: unknown): v is LookupValue =>
  typeof v === "object" && v !== null && !Array.isArray(v) && typeof (v as LookupValue).id === "string";

/** Read access shared by committed state and open transactions. */
export interface DataView {
  readonly registry: Registry;
  get(entity: string, id: string): Row | undefined;
  /** Rows of a table in creation order. */
  scan(entity: string): Iterable<Row>;
  count(entity: string): number;
}

export interface Transaction extends DataView {
  put(entity: string, id: string, row: Row): void;
  delete(entity: string, id: string): void;
  /** Replace the metadata model (imports); visible inside the transaction, applied on commit. */
  setModel(model: MetadataModel): void;
  nextVersion(): number;
  nextSeq(): number;
  commit(): void;
  rollback(): void;
  readonly open: boolean;
}

export interface Store extends DataView {
  begin(): Transaction;
  /** Drop everything and start again from this model (reset). */
  replaceAll(model: MetadataModel, tables?: Map<string, Map<string, Row>>): void;
  snapshot(): StoreSnapshot;
  /** Called after each commit (persistence hooks). */
  onCommit?: () => void;
}

export interface StoreSnapshot {
  format: "dataverse-emulator-store/1";
  model: MetadataModel;
  version: number;
  seq: number;
  tables: Record<string, Row[]>;
}

export class MemoryStore implements Store {
  private tables = new Map<string, Map<string, Row>>();
  private reg: Registry;
  private version = 1000;
  private seq = 0;
  onCommit?: () => void;

  constructor(model: MetadataModel) {
    this.reg = new Registry(model);
  }

  get registry(): Registry {
    return this.reg;
  }

  get(entity: string, id: string): Row | undefined {
    return this.tables.get(entity)?.get(id);
  }

  *scan(entity: string): Iterable<Row> {
    const t = this.tables.get(entity);
    if (t) yield* t.values();
  }

  count(entity: string): number {
    return this.tables.get(entity)?.size ?? 0;
  }

  begin(): Transaction {
    return new OverlayTransaction(this);
  }

  replaceAll(model: MetadataModel, tables?: Map<string, Map<string, Row>>): void {
    this.reg = new Registry(model);
    this.tables = tables ?? new Map();
    for (const t of this.tables.values()) {
      for (const r of t.values()) {
        if (typeof r.$seq === "number" && r.$seq > this.seq) this.seq = r.$seq;
        if (typeof r.versionnumber === "number" && r.versionnumber > this.version) this.version = r.versionnumber;
      }
    }
    this.onCommit?.();
  }

  snapshot(): StoreSnapshot {
    const tables: Record<string, Row[]> = {};
    for (const [name, rows] of this.tables) tables[name] = [...rows.values()];
    return { format: "dataverse-emulator-store/1", model: this.reg.model, version: this.version, seq: this.seq, tables };
  }

  static fromSnapshot(s: StoreSnapshot): MemoryStore {
    if (s.format !== "dataverse-emulator-store/1") throw new Error(`Unknown store format ${String(s.format)}`);
    const store = new MemoryStore(s.model);
    store.version = s.version;
    store.seq = s.seq;
    for (const [name, rows] of Object.entries(s.tables)) {
      const pk = s.model.entities[name]?.primaryIdAttribute;
      if (!pk) continue;
      store.tables.set(name, new Map(rows.map((r) => [String(r[pk]), r])));
    }
    return store;
  }

  /** @internal used by transactions */
  _nextVersion(): number {
    return ++this.version;
  }

  /** @internal */
  _nextSeq(): number {
    return ++this.seq;
  }

  /** @internal apply a committed overlay */
  _apply(overlay: Map<string, Map<string, Row | null>>, model: MetadataModel | undefined): void {
    if (model) this.reg = new Registry(model);
    for (const [entity, rows] of overlay) {
      let t = this.tables.get(entity);
      if (!t) {
        t = new Map();
        this.tables.set(entity, t);
      }
      for (const [id, row] of rows) {
        if (row === null) t.delete(id);
        else t.set(id, row);
      }
    }
    this.onCommit?.();
  }
}

class OverlayTransaction implements Transaction {
  private readonly overlay = new Map<string, Map<string, Row | null>>();
  private model: MetadataModel | undefined;
  private reg: Registry | undefined;
  open = true;

  constructor(private readonly base: MemoryStore) {}

  get registry(): Registry {
    return this.reg ?? this.base.registry;
  }

  get(entity: string, id: string): Row | undefined {
    const o = this.overlay.get(entity);
    if (o?.has(id)) return o.get(id) ?? undefined;
    return this.base.get(entity, id);
  }

  *scan(entity: string): Iterable<Row> {
    const o = this.overlay.get(entity);
    if (!o || o.size === 0) {
      yield* this.base.scan(entity);
      return;
    }
    const pk = this.registry.entity(entity)?.primaryIdAttribute;
    const seen = new Set<string>();
    for (const row of this.base.scan(entity)) {
      const id = pk ? String(row[pk]) : "";
      if (o.has(id)) {
        seen.add(id);
        const r = o.get(id);
        if (r) yield r;
      } else {
        yield row;
      }
    }
    for (const [id, r] of o) if (r && !seen.has(id)) yield r;
  }

  count(entity: string): number {
    let n = 0;
    for (const _ of this.scan(entity)) n++;
    return n;
  }

  private assertOpen(): void {
    if (!this.open) throw new Error("Transaction is closed");
  }

  put(entity: string, id: string, row: Row): void {
    this.assertOpen();
    let o = this.overlay.get(entity);
    if (!o) {
      o = new Map();
      this.overlay.set(entity, o);
    }
    o.set(id, row);
  }

  delete(entity: string, id: string): void {
    this.assertOpen();
    let o = this.overlay.get(entity);
    if (!o) {
      o = new Map();
      this.overlay.set(entity, o);
    }
    o.set(id, null);
  }

  setModel(model: MetadataModel): void {
    this.assertOpen();
    this.model = model;
    this.reg = new Registry(model);
  }

  nextVersion(): number {
    return this.base._nextVersion();
  }

  nextSeq(): number {
    return this.base._nextSeq();
  }

  commit(): void {
    this.assertOpen();
    this.open = false;
    this.base._apply(this.overlay, this.model);
  }

  rollback(): void {
    this.open = false;
    this.overlay.clear();
  }
}

/**
 * Saves the store to a JSON file shortly after each commit (and on flush), atomically (write to a
 * temporary file, then rename), so a sandbox survives a restart.
 */
export class JsonFilePersistence {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly file: string,
    private readonly store: Store,
    private readonly delayMs = 50,
  ) {}

  static load(file: string): StoreSnapshot | undefined {
    if (!existsSync(file)) return undefined;
    return JSON.parse(readFileSync(file, "utf8")) as StoreSnapshot;
  }

  schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, this.delayMs);
    this.timer.unref();
  }

  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    mkdirSync(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.tmp-${process.pid}`;
    // Readable by the owner only: the store holds callback registrations whose URLs carry their sig.
    writeFileSync(tmp, JSON.stringify(this.store.snapshot()), { mode: 0o600 });
    chmodSync(tmp, 0o600); // a leftover temporary file keeps its old mode otherwise
    renameSync(tmp, this.file);
  }
}
