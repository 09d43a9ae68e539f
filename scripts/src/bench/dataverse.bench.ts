/**
 * Dataverse emulator figures: importing the built managed solution, writing 1,000 rows in one
 * $batch change set, single-create latency, reading 5,000 rows in one page, and how long a write
 * takes to reach a callbackregistrations receiver.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { DynamicsWebApi } from "dynamics-web-api";
import { startDataverseEmulator } from "../../../sandbox/dataverse/src";
import type { BenchContext, BenchFigure } from "./types";

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
};
const round = (n: number, digits = 1): number => Math.round(n * 10 ** digits) / 10 ** digits;

export async function run(ctx: BenchContext): Promise<BenchFigure[]> {
  const figures: BenchFigure[] = [];
  const dv = await startDataverseEmulator();
  const api = new DynamicsWebApi({ serverUrl: dv.url, dataApi: { version: "9.2" }, onTokenRefresh: async () => dv.token, propagateErrors: true });
  let waiting: ((t: number) => void) | undefined;
  const receiver = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      res.writeHead(202).end();
      waiting?.(performance.now());
    });
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  try {
    const dist = join(ctx.root, "dist");
    const zip = existsSync(dist) ? readdirSync(dist).filter((f) => /^PartnerCenterReferralsSync_[\d.]+_managed\.zip$/.test(f)).sort().pop() : undefined;
    if (zip) {
      ctx.log(`dataverse: importing ${zip}`);
      const b64 = readFileSync(join(dist, zip)).toString("base64");
      const t0 = performance.now();
      await api.callAction({ actionName: "ImportSolution", action: { CustomizationFile: b64, OverwriteUnmanagedCustomizations: true, PublishWorkflows: true } });
      figures.push({ name: "ImportSolution of the built managed zip (emulator)", value: Math.round(performance.now() - t0), unit: "ms", note: zip });
    } else {
      ctx.log("dataverse: no built managed zip in dist/, import not measured");
    }

    ctx.log("dataverse: 1,000 creates in one $batch change set");
    api.startBatch();
    for (let i = 0; i < 1000; i++) api.create({ collection: "accounts", data: { name: `Bench ${i}`, numberofemployees: i } });
    const t1 = performance.now();
    await api.executeBatch();
    figures.push({ name: "1,000 creates in one $batch change set (emulator)", value: Math.round(performance.now() - t1), unit: "ms" });

    ctx.log("dataverse: 200 single creates");
    const lat: number[] = [];
    for (let i = 0; i < 200; i++) {
      const t = performance.now();
      await api.create({ collection: "contacts", data: { lastname: `Bench ${i}` } });
      lat.push(performance.now() - t);
    }
    figures.push({ name: "single create through dynamics-web-api, median of 200 (emulator)", value: round(median(lat), 2), unit: "ms" });

    for (let start = 1000; start < 5000; start += 1000) {
      api.startBatch();
      for (let i = start; i < start + 1000; i++) api.create({ collection: "accounts", data: { name: `Bench ${i}`, numberofemployees: i } });
      await api.executeBatch();
    }
    const t2 = performance.now();
    const page = await api.retrieveMultiple({ collection: "accounts", select: ["name", "numberofemployees"], filter: "numberofemployees ge 0" });
    if (page.value.length !== 5000) throw new Error(`expected a page of 5,000 accounts, got ${page.value.length}`);
    figures.push({ name: "read 5,000 rows in one page with a $filter (emulator)", value: Math.round(performance.now() - t2), unit: "ms" });

    ctx.log("dataverse: notification latency over 50 updates");
    const port = (receiver.address() as AddressInfo).port;
    await api.create({ collection: "callbackregistrations", data: { name: "bench", entityname: "account", message: 3, scope: 4, url: `http://127.0.0.1:${port}/hook` } });
    const first = page.value[0] as { accountid: string };
    const notif: number[] = [];
    for (let i = 0; i < 50; i++) {
      const delivered = new Promise<number>((r) => (waiting = r));
      const t = performance.now();
      await api.update({ collection: "accounts", key: first.accountid, data: { name: `Renamed ${i}` } });
      notif.push((await delivered) - t);
    }
    figures.push({ name: "update → callbackregistrations delivery, median of 50 (emulator)", value: round(median(notif), 2), unit: "ms" });
    return figures;
  } finally {
    await new Promise<void>((r) => {
      receiver.close(() => r());
      receiver.closeAllConnections();
    });
    await dv.close();
  }
}
