/**
 * Paging over more than 5,000 rows: every row is reachable through @odata.nextLink, pages are
 * capped at 5,000, and reading page after page keeps memory flat (the emulator streams a page; it
 * does not materialise all of them). Heap is measured after a forced GC on each page.
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { raw, startHarness, type Harness } from "./helpers";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

// This file measures memory, not time: twelve pages with a forced GC each can pass 5 s on a loaded CI machine.
jest.setTimeout(30_000);

const ROWS = 6000;
let h: Harness;

beforeAll(async () => {
  h = await startHarness();
  const description = "x".repeat(1900);
  for (let start = 0; start < ROWS; start += 1000) {
    h.api.startBatch();
    for (let i = start; i < start + 1000; i++) h.api.create({ collection: "accounts", data: { name: `Account ${String(i).padStart(5, "0")}`, description, numberofemployees: i } });
    await h.api.executeBatch();
  }
}, 60000);

afterAll(async () => {
  await h.emu.close();
});

test("a page is at most 5,000 rows and $count is capped at 5,000, as in Dataverse", async () => {
  const res = await raw(h.emu, "GET", "accounts?$select=name&$count=true");
  expect(res.json.value).toHaveLength(5000);
  expect(res.json["@odata.count"]).toBe(5000);
  expect(res.json["@odata.nextLink"]).toContain("$skiptoken=");
});

test("6,000 rows page through nextLink with flat memory", async () => {
  let next: string | undefined = `${h.emu.apiUrl}accounts?$select=name,description,numberofemployees`;
  const heap: number[] = [];
  let seen = 0;
  let lastNumber = -1;
  let pages = 0;
  while (next) {
    const res = await fetch(next, { headers: { Authorization: `Bearer ${h.emu.token}`, Prefer: "odata.maxpagesize=500", Accept: "application/json" } });
    const page = (await res.json()) as { value: Array<{ numberofemployees: number }>; "@odata.nextLink"?: string };
    for (const r of page.value) {
      expect(r.numberofemployees).toBe(lastNumber + 1);
      lastNumber = r.numberofemployees;
    }
    seen += page.value.length;
    pages++;
    next = page["@odata.nextLink"];
    gc();
    heap.push(process.memoryUsage().heapUsed);
  }
  expect(seen).toBe(ROWS);
  expect(pages).toBe(ROWS / 500);
  // One page of 500 rows is ~1 MB on the wire; all pages together ~12 MB (twice that as JS strings).
  // Growth from the second page to the last stays well under a few pages' worth.
  const growth = Math.max(...heap.slice(1)) - heap[1];
  expect(growth).toBeLessThan(4 * 1024 * 1024);
});

test("ordered paging with a filter also reaches every matching row exactly once", async () => {
  const all = await h.api.retrieveAll<{ numberofemployees: number }>({
    collection: "accounts",
    select: ["numberofemployees"],
    filter: "numberofemployees ge 1000",
    orderBy: ["numberofemployees desc"],
    maxPageSize: 1500,
  });
  expect(all.value).toHaveLength(ROWS - 1000);
  expect(all.value[0].numberofemployees).toBe(ROWS - 1);
  expect(new Set(all.value.map((r) => r.numberofemployees)).size).toBe(ROWS - 1000);
});
