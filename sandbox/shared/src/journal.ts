/**
 * A state file that keeps every acknowledged write: a snapshot (`<file>`) plus an append-only
 * journal (`<file>.journal`). A service appends one line per write and answers only after
 * `append()` returns, which has written the line and fdatasync'd it, so neither a killed process
 * (kill -9) nor a machine that loses power forgets a write it confirmed. Now and then (and on
 * open and close) the state is compacted: the whole snapshot written to a temporary file, fsynced,
 * renamed over the old one (the folder fsynced too), then the journal emptied.
 *
 * Every line carries a sequence number `n` and the snapshot the last one it includes
 * (`journalSeq`), so a crash between the rename and the emptying replays nothing twice. A line cut
 * short by a crash during its own append was never acknowledged: it is dropped (and cut off the
 * file). A damaged line before the last one is an error: the state cannot be trusted.
 *
 * Files are readable by their owner only (the services' state holds callback URLs with their sig).
 */
import * as fs from "node:fs";
import * as path from "node:path";

export interface JournalOptions {
  /** The journal file; default `<snapshot>.journal`. */
  journalPath?: string;
  /** Compact once the journal holds this many bytes (default 8 MiB). */
  compactBytes?: number;
  /** fdatasync after every append and fsync the snapshot (default true; false only for throwaway state in tests). */
  durable?: boolean;
}

export interface Loaded<S, E> {
  /** The snapshot (without its journalSeq), or undefined when there is none. */
  snapshot: S | undefined;
  /** Journal entries written after that snapshot, oldest first. */
  entries: E[];
  /** A torn last line was dropped (a write cut short by a crash: never acknowledged). */
  droppedTornLine: boolean;
}

export class JournalDamagedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "JournalDamagedError";
  }
}

type Line<E> = { n: number; e: E };

export class Journal<S extends object, E> {
  readonly journalPath: string;
  private readonly compactBytes: number;
  private readonly durable: boolean;
  private fd: number | undefined;
  private seq = 0;
  private bytes = 0;

  constructor(
    readonly snapshotPath: string,
    options: JournalOptions = {},
  ) {
    this.journalPath = options.journalPath ?? `${snapshotPath}.journal`;
    this.compactBytes = options.compactBytes ?? 8 * 1024 * 1024;
    this.durable = options.durable ?? true;
  }

  /** True when there is saved state to load (a snapshot or a journal). */
  static exists(snapshotPath: string, journalPath = `${snapshotPath}.journal`): boolean {
    return fs.existsSync(snapshotPath) || fs.existsSync(journalPath);
  }

  /**
   * Reads the snapshot and the journal entries after it. Call once, before append(); the caller
   * applies the entries to the snapshot, then calls compact() with the result (or keeps appending).
   */
  load(): Loaded<S, E> {
    let snapshot: S | undefined;
    let snapSeq = 0;
    if (fs.existsSync(this.snapshotPath)) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(fs.readFileSync(this.snapshotPath, "utf8"));
      } catch (e) {
        throw new JournalDamagedError(`${this.snapshotPath} is not valid JSON: ${(e as Error).message}`);
      }
      if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw new JournalDamagedError(`${this.snapshotPath} does not hold a JSON object.`);
      const { journalSeq, ...rest } = parsed as { journalSeq?: unknown };
      snapSeq = typeof journalSeq === "number" ? journalSeq : 0;
      snapshot = rest as S;
    }
    this.seq = snapSeq;
    const entries: E[] = [];
    let droppedTornLine = false;
    if (fs.existsSync(this.journalPath)) {
      const text = fs.readFileSync(this.journalPath, "utf8");
      const lines = text.split("\n");
      const tail = lines.pop() ?? ""; // "" when the file ends with a newline
      if (tail !== "") {
        // The last append was cut short: it never returned, so nobody was told it was saved.
        droppedTornLine = true;
        fs.truncateSync(this.journalPath, Buffer.byteLength(text, "utf8") - Buffer.byteLength(tail, "utf8"));
      }
      lines.forEach((l, i) => {
        if (l === "") return;
        let line: Line<E>;
        try {
          line = JSON.parse(l) as Line<E>;
        } catch {
          throw new JournalDamagedError(`${this.journalPath} line ${i + 1} is damaged (not JSON); the state cannot be trusted.`);
        }
        if (typeof line?.n !== "number") throw new JournalDamagedError(`${this.journalPath} line ${i + 1} has no sequence number.`);
        if (line.n <= this.seq) return; // already in the snapshot (a crash between compaction's rename and truncate)
        entries.push(line.e);
        this.seq = line.n;
      });
    }
    return { snapshot, entries, droppedTornLine };
  }

  /**
   * Appends one entry and makes it durable before returning. Call it before the write becomes
   * visible: when the journal has grown past its limit, it is first compacted with `state()`,
   * which must then hold every earlier entry and not this one.
   */
  append(entry: E, state: () => S): void {
    const fd = this.open();
    if (this.bytes >= this.compactBytes) this.compact(state());
    const text = JSON.stringify({ n: this.seq + 1, e: entry } satisfies Line<E>) + "\n";
    const buf = Buffer.from(text, "utf8");
    let off = 0;
    while (off < buf.length) off += fs.writeSync(fd, buf, off, buf.length - off);
    if (this.durable) fs.fdatasyncSync(fd);
    this.seq++;
    this.bytes += buf.length;
  }

  /** Writes the whole state as the snapshot (atomically, durably), then empties the journal. */
  compact(state: S): void {
    fs.mkdirSync(path.dirname(this.snapshotPath), { recursive: true, mode: 0o700 });
    const tmp = `${this.snapshotPath}.tmp-${process.pid}`;
    const fd = fs.openSync(tmp, "w", 0o600);
    try {
      fs.writeSync(fd, JSON.stringify({ ...state, journalSeq: this.seq }));
      if (this.durable) fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.chmodSync(tmp, 0o600); // a leftover temporary file keeps its old mode otherwise
    fs.renameSync(tmp, this.snapshotPath);
    if (this.durable) fsyncFolder(path.dirname(this.snapshotPath));
    // The snapshot holds everything up to this.seq; the journal's lines are now redundant.
    const jfd = this.open();
    fs.ftruncateSync(jfd, 0);
    if (this.durable) fs.fsyncSync(jfd);
    this.bytes = 0;
  }

  close(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }

  private open(): number {
    if (this.fd === undefined) {
      fs.mkdirSync(path.dirname(this.journalPath), { recursive: true, mode: 0o700 });
      this.fd = fs.openSync(this.journalPath, "a", 0o600);
      fs.fchmodSync(this.fd, 0o600);
      this.bytes = fs.fstatSync(this.fd).size;
    }
    return this.fd;
  }
}

/** A rename is durable only once its folder is (POSIX); not every platform can open a folder. */
function fsyncFolder(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, "r");
    fs.fsyncSync(fd);
  } catch {
    // a platform that cannot open a folder (Windows) cannot sync one either
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
