/**
 * What keeping every acknowledged write costs: the same single writes against each emulator with
 * its state in memory and with its state on disk (snapshot + journal, each write fdatasync'd before
 * the answer: sandbox/shared/src/journal.ts), and how long a start takes to replay a journal a
 * killed emulator left.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DynamicsWebApi } from "dynamics-web-api";
import { startDataverseEmulator } from "../../../sandbox/dataverse/src";
import { startPartnerCenterEmulator } from "../../../sandbox/partner-center/src";
import type { BenchContext, BenchFigure } from "./types";

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
};
const round2 = (n: number): number => Math.round(n * 100) / 100;

/** Median of `n` single creates and of `n` single updates (a 2 KB text column, like an Audit). */
async function dataverseWrites(dataFile: string | undefined, n: number): Promise<{ create: number; update: number }> {
  const dv = await startDataverseEmulator(dataFile ? { dataFile } : {});
  try {
    const api = new DynamicsWebApi({ serverUrl: dv.url, dataApi: { version: "9.2" }, onTokenRefresh: async () => dv.token, propagateErrors: true });
    const creates: number[] = [];
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const t = performance.now();
      ids.push((await api.create({ collection: "accounts", data: { name: `Bench ${i}`, description: "x".repeat(2000) } })) as string);
      creates.push(performance.now() - t);
    }
    const updates: number[] = [];
    for (let i = 0; i < n; i++) {
      const t = performance.now();
      await api.update({ collection: "accounts", key: ids[i % ids.length]!, data: { description: `${i} ${"y".repeat(1990)}` } });
      updates.push(performance.now() - t);
    }
    return { create: median(creates), update: median(updates) };
  } finally {
    await dv.close();
  }
}

/** Median of `n` JSON Patch calls with 1,000 referrals stored. */
async function partnerCenterPatches(statePath: string | undefined, n: number): Promise<number> {
  const pc = await startPartnerCenterEmulator(statePath ? { statePath } : {});
  try {
    const control = (method: string, path: string, body?: unknown) =>
      fetch(`${pc.controlUrl}${path}`, { method, headers: { "Content-Type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) }).then((r) => r.json() as Promise<{ value: Array<{ id: string }> }>);
    const { value } = await control("POST", "/referrals", Array.from({ length: 1000 }, (_, i) => ({ name: `Bench ${i}` })));
    const times: number[] = [];
    for (let i = 0; i < n; i++) {
      const t = performance.now();
      const res = await fetch(`${pc.url}/v1.0/engagements/referrals/${value[i % value.length]!.id}`, {
        method: "PATCH",
        headers: { Authorization: `Bearer ${pc.token}`, "Content-Type": "application/json" },
        body: JSON.stringify([{ op: "replace", path: "/details/notes", value: `bench ${i}` }]),
      });
      if (res.status !== 204) throw new Error(`PATCH answered ${res.status}`);
      times.push(performance.now() - t);
    }
    return median(times);
  } finally {
    await pc.close();
  }
}

export async function run(ctx: BenchContext): Promise<BenchFigure[]> {
  const dir = mkdtempSync(join(tmpdir(), "pcs-bench-persistence-"));
  try {
    ctx.log("persistence: Dataverse, 300 creates and 300 updates in memory, then on disk");
    const memory = await dataverseWrites(undefined, 300);
    const dataFile = join(dir, "dataverse.json");
    const disk = await dataverseWrites(dataFile, 300);

    ctx.log("persistence: Partner Center, 300 patches with 1,000 referrals stored, in memory then on disk");
    const pcMemory = await partnerCenterPatches(undefined, 300);
    const pcDisk = await partnerCenterPatches(join(dir, "partner-center.json"), 300);

    ctx.log("persistence: a start replaying 2,000 journalled writes (what a killed emulator leaves)");
    const killed = await startDataverseEmulator({ dataFile: join(dir, "replay.json") });
    const api = new DynamicsWebApi({ serverUrl: killed.url, dataApi: { version: "9.2" }, onTokenRefresh: async () => killed.token, propagateErrors: true });
    for (let i = 0; i < 2000; i++) await api.create({ collection: "contacts", data: { lastname: `Replay ${i}`, description: "z".repeat(500) } });
    const t = performance.now();
    const restarted = await startDataverseEmulator({ dataFile: join(dir, "replay.json") }); // the first is not closed: as after kill -9
    const replayMs = performance.now() - t;
    await restarted.close();
    await killed.close();

    return [
      { name: "Dataverse single create, state on disk (journal fdatasync'd before the answer), median of 300", value: round2(disk.create), unit: "ms", note: `in memory: ${round2(memory.create)} ms` },
      { name: "Dataverse single update, state on disk, median of 300", value: round2(disk.update), unit: "ms", note: `in memory: ${round2(memory.update)} ms` },
      { name: "Partner Center JSON Patch, 1,000 referrals stored, state on disk, median of 300", value: round2(pcDisk), unit: "ms", note: `in memory: ${round2(pcMemory)} ms` },
      { name: "Dataverse start after a kill: snapshot + 2,000 journalled creates replayed", value: Math.round(replayMs), unit: "ms" },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
