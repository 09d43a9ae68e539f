import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Journal, JournalDamagedError } from "../src/journal";

type State = { items: number[] };

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "journal-"));
  file = join(dir, "state.json");
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A tiny service: its state is a list, each write appends to it, written to the journal first. */
function open(options = {}): { j: Journal<State, number>; state: State } {
  const j = new Journal<State, number>(file, options);
  const { snapshot, entries } = j.load();
  const state: State = { items: [...(snapshot?.items ?? []), ...entries] };
  return { j, state };
}
const write = (s: { j: Journal<State, number>; state: State }, n: number) => {
  s.j.append(n, () => ({ items: [...s.state.items] }));
  s.state.items.push(n);
};

test("every appended entry is there after the process is gone, with or without a snapshot", () => {
  const first = open();
  for (let i = 1; i <= 5; i++) write(first, i);
  // no close(): as after kill -9
  expect(open().state.items).toEqual([1, 2, 3, 4, 5]);

  first.j.compact({ items: first.state.items });
  write(first, 6);
  const again = open();
  expect(again.state.items).toEqual([1, 2, 3, 4, 5, 6]);
  expect(JSON.parse(readFileSync(file, "utf8"))).toEqual({ items: [1, 2, 3, 4, 5], journalSeq: 5 });
});

test("a line cut short by a crash was never acknowledged: dropped and cut off, later appends are read", () => {
  const first = open();
  write(first, 1);
  write(first, 2);
  first.j.close();
  appendFileSync(`${file}.journal`, '{"n":3,"e":3'); // the crash came during the third append
  const second = open();
  expect(second.state.items).toEqual([1, 2]);
  write(second, 3);
  expect(open().state.items).toEqual([1, 2, 3]);
});

test("a damaged line before the last is refused: the state cannot be trusted", () => {
  const first = open();
  write(first, 1);
  write(first, 2);
  first.j.close();
  const text = readFileSync(`${file}.journal`, "utf8").split("\n");
  text[0] = text[0].slice(0, 5);
  writeFileSync(`${file}.journal`, text.join("\n"));
  expect(() => open()).toThrow(JournalDamagedError);
  expect(() => open()).toThrow(/line 1 is damaged/);
});

test("a crash between compaction's rename and the emptying of the journal replays nothing twice", () => {
  const first = open();
  for (let i = 1; i <= 5; i++) write(first, i);
  first.j.close();
  // the snapshot already holds entries 1..3 (as if compacted after the third), the journal still all five
  writeFileSync(file, JSON.stringify({ items: [1, 2, 3], journalSeq: 3 }));
  expect(open().state.items).toEqual([1, 2, 3, 4, 5]);
});

test("a journal past its limit is compacted before the next entry, from the state that holds every earlier one", () => {
  const s = open({ compactBytes: 40 });
  for (let i = 1; i <= 20; i++) write(s, i);
  expect(statSync(`${file}.journal`).size).toBeLessThan(80);
  const snap = JSON.parse(readFileSync(file, "utf8")) as State & { journalSeq: number };
  expect(snap.items).toEqual(Array.from({ length: snap.journalSeq }, (_, i) => i + 1));
  expect(open().state.items).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
});

test("the snapshot and the journal are readable by their owner only", () => {
  const s = open();
  write(s, 1);
  s.j.compact({ items: s.state.items });
  write(s, 2);
  expect(statSync(file).mode & 0o777).toBe(0o600);
  expect(statSync(`${file}.journal`).mode & 0o777).toBe(0o600);
  expect(Journal.exists(file)).toBe(true);
  expect(Journal.exists(join(dir, "other.json"))).toBe(false);
});
