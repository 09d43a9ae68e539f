/**
 * The control API (/_emulator) and persistence (snapshot + journal) across a restart or a kill.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { OPPORTUNITY, SOLUTION_DETAIL } from "../../../plugins-ts/src/model/schema";
import { SANDBOX_TOKEN } from "../src";
import { fixtureBase64 } from "./fixture-solution";
import { raw, startHarness } from "./helpers";

test("calls are logged with method, path, status and time, filterable by since; the control API is not logged", async () => {
  const h = await startHarness();
  try {
    expect(h.emu.token).toBe(SANDBOX_TOKEN);
    await h.api.create({ collection: "accounts", data: { name: "One" } });
    const mark = Date.now();
    await new Promise((r) => setTimeout(r, 5));
    await h.api.retrieveMultiple({ collection: "accounts", select: ["name"] });
    await raw(h.emu, "GET", "nosuchset");
    const all = await fetch(`${h.emu.controlUrl}/calls`).then((r) => r.json() as Promise<{ value: Array<Record<string, unknown>> }>);
    expect(all.value.map((c) => [c.method, c.status])).toEqual([
      ["POST", 204],
      ["GET", 200],
      ["GET", 404],
    ]);
    expect(all.value[1].path).toBe("/api/data/v9.2/accounts?$select=name");
    expect(typeof all.value[1].time).toBe("string");
    expect(typeof all.value[1].durationMs).toBe("number");
    const since = await fetch(`${h.emu.controlUrl}/calls?since=${mark}`).then((r) => r.json() as Promise<{ value: unknown[] }>);
    expect(since.value).toHaveLength(2);
    const sinceIso = await fetch(`${h.emu.controlUrl}/calls?since=${encodeURIComponent(new Date(mark).toISOString())}`).then((r) => r.json() as Promise<{ value: unknown[] }>);
    expect(sinceIso.value).toHaveLength(2);
    const state = await fetch(`${h.emu.controlUrl}/state`).then((r) => r.json() as Promise<{ tables: Record<string, number> }>);
    expect(state.tables.accounts).toBe(1);
    expect((await fetch(`${h.emu.controlUrl}/calls`).then((r) => r.json() as Promise<{ value: unknown[] }>)).value).toHaveLength(3);
  } finally {
    await h.emu.close();
  }
});

test("POST /_emulator/reset empties the environment; keepCustomizations keeps the installed solution", async () => {
  const h = await startHarness();
  try {
    await h.api.callAction({ actionName: "ImportSolution", action: { CustomizationFile: fixtureBase64(), OverwriteUnmanagedCustomizations: true, PublishWorkflows: false } });
    await h.api.create({ collection: "opportunities", data: { name: "Data" } });
    const keep = await fetch(`${h.emu.controlUrl}/reset`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ keepCustomizations: true }) });
    expect(keep.status).toBe(204);
    expect((await h.api.retrieveMultiple({ collection: "opportunities" })).value).toHaveLength(0);
    expect((await h.api.retrieveMultiple({ collection: "workflows" })).value).toHaveLength(2);
    expect((await raw(h.emu, "GET", `${SOLUTION_DETAIL.entitySetName}`)).status).toBe(200);
    expect(h.emu.calls().length).toBe(3);
    await fetch(`${h.emu.controlUrl}/reset`, { method: "POST", headers: { "Content-Type": "application/json" } });
    expect((await h.api.retrieveMultiple({ collection: "solutions" })).value).toHaveLength(0);
    expect((await raw(h.emu, "GET", `${SOLUTION_DETAIL.entitySetName}`)).status).toBe(404);
    expect((await h.api.retrieveMultiple({ collection: "transactioncurrencies" })).value).toHaveLength(3);
  } finally {
    await h.emu.close();
  }
});

test("with dataFile, a sandbox survives a restart", async () => {
  const dir = mkdtempSync(join(tmpdir(), "dv-emu-"));
  const dataFile = join(dir, "state.json");
  try {
    const first = await startHarness({ dataFile });
    await first.api.callAction({ actionName: "ImportSolution", action: { CustomizationFile: fixtureBase64(), OverwriteUnmanagedCustomizations: true, PublishWorkflows: false } });
    const id = (await first.api.create({ collection: "opportunities", data: { name: "Persisted", [OPPORTUNITY.referralIdentifier]: "REF-P" } })) as string;
    const etag = (await first.api.retrieve<{ "@odata.etag": string }>({ collection: "opportunities", key: id }))["@odata.etag"];
    await first.emu.close();

    const second = await startHarness({ dataFile });
    try {
      const again = await second.api.retrieve<Record<string, unknown>>({ collection: "opportunities", key: `${OPPORTUNITY.referralIdentifier}='REF-P'` });
      expect(again).toMatchObject({ opportunityid: id, name: "Persisted", "@odata.etag": etag });
      const created = (await second.api.create({ collection: "opportunities", data: { name: "After restart" } })) as string;
      const list = await second.api.retrieveMultiple<{ opportunityid: string }>({ collection: "opportunities", select: ["name"] });
      expect(list.value.map((o) => o.opportunityid)).toEqual([id, created]);
      expect(second.emu.userId).toBe(first.emu.userId);
    } finally {
      await second.emu.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("with dataFile, every acknowledged write is on disk when the answer comes: what a killed emulator leaves is loaded", async () => {
  const dir = mkdtempSync(join(tmpdir(), "dv-emu-"));
  const dataFile = join(dir, "state.json");
  const first = await startHarness({ dataFile });
  try {
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) ids.push((await first.api.create({ collection: "accounts", data: { name: `Account ${i}` } })) as string);
    await first.api.update({ collection: "accounts", key: ids[3], data: { name: "Renamed" } });
    await first.api.deleteRecord({ collection: "accounts", key: ids[4] });
    first.api.startBatch();
    first.api.create({ collection: "contacts", data: { lastname: "In a change set" } });
    first.api.update({ collection: "accounts", key: ids[5], data: { telephone1: "555" } });
    await first.api.executeBatch({ inChangeSet: true });
    // The first emulator is still running and never saved a snapshot: only its journal is on disk,
    // exactly what a process killed now would leave. A second one loads it.
    expect(readFileSync(`${dataFile}.journal`, "utf8").trim().split("\n")).toHaveLength(23);
    const second = await startHarness({ dataFile });
    try {
      const accounts = await second.api.retrieveMultiple<{ accountid: string; name: string; telephone1: string | null }>({ collection: "accounts", select: ["name", "telephone1"] });
      expect(accounts.value).toHaveLength(19);
      expect(accounts.value.find((a) => a.accountid === ids[3])?.name).toBe("Renamed");
      expect(accounts.value.find((a) => a.accountid === ids[4])).toBeUndefined();
      expect(accounts.value.find((a) => a.accountid === ids[5])?.telephone1).toBe("555");
      expect((await second.api.retrieveMultiple({ collection: "contacts" })).value).toHaveLength(1);
      // the version counter goes on from the journal: a new write gets a newer row version
      const before = await second.api.retrieve<{ versionnumber: number }>({ collection: "accounts", key: ids[3], select: ["versionnumber"] });
      await second.api.update({ collection: "accounts", key: ids[0], data: { name: "Later" } });
      const after = await second.api.retrieve<{ versionnumber: number }>({ collection: "accounts", key: ids[0], select: ["versionnumber"] });
      expect(after.versionnumber).toBeGreaterThan(before.versionnumber);
    } finally {
      await second.emu.close();
    }
  } finally {
    await first.emu.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a caller-picked port and configured tokens", async () => {
  const probe = await startHarness();
  const port = probe.emu.port;
  await probe.emu.close();
  const h = await startHarness({ port, tokens: ["token-a", "token-b"] });
  try {
    expect(h.emu.url).toBe(`http://127.0.0.1:${port}`);
    expect(h.emu.token).toBe("token-a");
    const withB = await fetch(`${h.emu.apiUrl}WhoAmI`, { headers: { Authorization: "Bearer token-b" } });
    expect(withB.status).toBe(200);
    const withDefault = await fetch(`${h.emu.apiUrl}WhoAmI`, { headers: { Authorization: `Bearer ${SANDBOX_TOKEN}` } });
    expect(withDefault.status).toBe(401);
  } finally {
    await h.emu.close();
  }
});
