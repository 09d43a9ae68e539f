/**
 * Storage behind a small interface. Rows are immutable objects keyed by table and id; a write
 * happens in a transaction (an overlay over the committed state) that either commits as a whole or
 * leaves nothing behind. Readers outside the transaction keep seeing committed data. The metadata
 * model lives in the store too, so an import that fails rolls back tables and columns with its rows.
 */
import { Journal } from "../../../shared/src/journal";
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
  /**
   * Persistence: called with each commit before it is applied (a commit it cannot save throws and
   * is not applied), and with `undefined` after replaceAll (the whole state changed).
   */
  onCommit?: (commit: StoreCommit | undefined) => void;
}

/** What one transaction changed: rows written (null: deleted) in order, the model when it changed, the counters after it. */
export interface StoreCommit {
  rows: Array<[entity: string, id: string, row: Row | null]>;
  model?: MetadataModel;
  version: number;
  seq: number;
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
  onCommit?: (commit: StoreCommit | undefined) => void;

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
    this.onCommit?.(undefined);
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

  /** Replays a commit persistence saved (on start, after the snapshot). */
  replay(c: StoreCommit): void {
    if (c.model) this.reg = new Registry(c.model);
    for (const [entity, id, row] of c.rows) {
      let t = this.tables.get(entity);
      if (!t) this.tables.set(entity, (t = new Map()));
      if (row === null) t.delete(id);
      else t.set(id, row);
    }
    this.version = Math.max(this.version, c.version);
    this.seq = Math.max(this.seq, c.seq);
  }

  /** @internal apply a committed overlay: saved first (onCommit), then visible */
  _apply(overlay: Map<string, Map<string, Row | null>>, model: MetadataModel | undefined): void {
    if (this.onCommit) {
      const rows: StoreCommit["rows"] = [];
      for (const [entity, changed] of overlay) for (const [id, row] of changed) rows.push([entity, id, row]);
      if (rows.length || model) this.onCommit({ rows, ...(model ? { model } : {}), version: this.version, seq: this.seq });
    }
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
 * Keeps the store in a JSON snapshot plus a journal (../../../shared/src/journal.ts): every commit is
 * appended and fdatasync'd before it becomes visible, so before the request that made it is
 * answered; a killed emulator loses nothing it acknowledged. The snapshot is rewritten when the
 * journal grows past its limit, after a reset, on start and on close.
 */
export class JournalPersistence {
  private readonly journal: Journal<StoreSnapshot, StoreCommit>;

  constructor(file: string, options: { compactBytes?: number } = {}) {
    this.journal = new Journal<StoreSnapshot, StoreCommit>(file, options);
  }

  /**
   * The saved store (snapshot + journal replayed), or undefined when nothing was saved. `upgrade`
   * brings a model saved by an older version up to date (the snapshot's and any a commit wrote).
   */
  load(upgrade: (model: MetadataModel) => MetadataModel = (m) => m): MemoryStore | undefined {
    const { snapshot, entries } = this.journal.load();
    if (!snapshot) {
      if (entries.length) throw new Error(`${this.journal.journalPath} has writes but the snapshot they follow is missing; start with a fresh environment.`);
      return undefined;
    }
    const store = MemoryStore.fromSnapshot({ ...snapshot, model: upgrade(snapshot.model) });
    for (const c of entries) store.replay(c.model ? { ...c, model: upgrade(c.model) } : c);
    return store;
  }

  /** Saves every commit of `store` from now on, starting from a snapshot of it. */
  attach(store: MemoryStore): void {
    this.journal.compact(store.snapshot());
    store.onCommit = (c) => {
      if (c) this.journal.append(c, () => store.snapshot());
      else this.journal.compact(store.snapshot());
    };
  }

  /** Rewrites the snapshot (empties the journal) and closes the files. */
  close(store: MemoryStore): void {
    this.journal.compact(store.snapshot());
    this.journal.close();
  }
}
