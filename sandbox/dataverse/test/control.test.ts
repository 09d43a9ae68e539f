/**
 * The control API (/_emulator) and persistence to a JSON file across a restart.
 */
import { mkdtempSync, rmSync } from "node:fs";
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
