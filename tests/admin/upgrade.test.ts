/**
 * An upgrade from the previous version keeps data: the environment runs the previous version with a
 * synced opportunity and an admin's settings; deploy with the new zip upgrades it (StageAndUpgradeAsync)
 * and everything is still there and still syncing.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { CONNECTION_REFERENCES, ENVIRONMENT_VARIABLES, OPPORTUNITY, SOLUTION, SOLUTION_DETAIL, SyncStatus } from "../../plugins-ts/src/model/schema";
import { findManagedZip, loadSolutionZip } from "../../scripts/src/sandbox/solution";
import { seed } from "../../scripts/src/sandbox/seed";
import { packageToZip, readSolutionZip, stampPackage } from "../../scripts/src/solution/pack";
import { repoRoot } from "../../scripts/src/cli/common";
import { AdminSandbox, codes } from "./harness";


// Each step runs the real commands against three services on a shared 2-core machine.
jest.setTimeout(30000);
let a: AdminSandbox;
afterAll(async () => {
  await a?.close();
});

test("deploy upgrades the previous version in place: records, settings and connections are kept, and it keeps syncing", async () => {
  a = await AdminSandbox.start();
  const dist = path.join(repoRoot(), "dist");
  const current = loadSolutionZip(findManagedZip(dist), dist);
  // the version just before the built one (1.0.0.0 → 0.9999.9999.9999)
  const parts = current.version.split(".").map(Number);
  const last = parts.map((p, i) => (p > 0 ? i : -1)).filter((i) => i >= 0).pop()!;
  const previousVersion = parts.map((p, i) => (i < last ? p : i === last ? p - 1 : 9999)).join(".");
  const previousZip = path.join(a.dir, `${SOLUTION.uniqueName}_${previousVersion}_managed.zip`);
  fs.writeFileSync(previousZip, packageToZip(stampPackage(readSolutionZip(current.bytes, current.path), { managed: true, version: previousVersion })));

  // The previous version, set up by an admin: a deal value column of their choice, connections, a synced deal.
  expect((await a.deploy("--write-settings", a.settingsFile)).code).toBe(0);
  const settings = JSON.parse(fs.readFileSync(a.settingsFile, "utf8"));
  settings.EnvironmentVariables.find((v: { SchemaName: string }) => v.SchemaName === ENVIRONMENT_VARIABLES.displayCheckMark.schemaName).Value = "no";
  fs.writeFileSync(a.settingsFile, JSON.stringify(settings, null, 2));
  const installed = await a.deploy("--solution", previousZip, "--settings", a.settingsFile);
  expect(installed.code).toBe(0);
  expect(installed.out).toContain(`Imported ${SOLUTION.uniqueName} ${previousVersion}`);

  const seeded = await seed(a.sb.webApi);
  const before = await a.sellerShares(seeded, { name: "Upgrade-proof deal", estimatedvalue: 80000, estimatedclosedate: "2026-09-30" });
  const o = { opportunityid: before[OPPORTUNITY.primaryId] as string };
  expect(before[OPPORTUNITY.syncStatus]).toBe(SyncStatus.Synced);
  expect(before.name).toBe("Upgrade-proof deal"); // no check mark: the admin's "no"

  // doctor says a newer version is built
  const outdated = await a.doctorReport();
  expect(codes(outdated, "warning")).toContain("solution-outdated");

  const upgraded = await a.deploy("--settings", a.settingsFile);
  expect(upgraded.code).toBe(0);
  expect(upgraded.out).toContain(`Upgraded ${SOLUTION.uniqueName} ${previousVersion} → ${current.version}; your records are kept.`);
  expect(upgraded.progress).toMatch(/Upgrading PartnerCenterReferralsSync to /);

  const sol = (await a.dv.retrieveMultiple({ collection: "solutions", select: ["version"], filter: `uniquename eq '${SOLUTION.uniqueName}'` })).value!;
  expect(sol.map((s) => s.version)).toEqual([current.version]);
  const after = (await a.dv.retrieve({ collection: OPPORTUNITY.entitySetName, key: o.opportunityid })) as Record<string, any>;
  for (const k of ["name", "estimatedvalue", OPPORTUNITY.referralIdentifier, OPPORTUNITY.syncStatus, OPPORTUNITY.syncHash, OPPORTUNITY.syncAudit, OPPORTUNITY.referralVisibility]) expect(after[k]).toEqual(before[k]);
  expect((await a.dv.retrieveMultiple({ collection: SOLUTION_DETAIL.entitySetName, select: [SOLUTION_DETAIL.primaryId] })).value!.length).toBeGreaterThanOrEqual(1);
  const refs = (await a.dv.retrieveMultiple({ collection: "connectionreferences", select: ["connectionreferencelogicalname", "connectionid"] })).value!;
  expect(refs.find((r) => r.connectionreferencelogicalname === CONNECTION_REFERENCES.dataverse.logicalName)?.connectionid).toBe(a.sb.endpoints.connections!.shared_commondataserviceforapps);
  const report = await a.doctorReport();
  expect(report.healthy).toBe(true);
  expect(report.findings.find((f) => f.subject === ENVIRONMENT_VARIABLES.displayCheckMark.schemaName)?.message).toMatch(/= no\./);
  expect(codes(report, "warning")).not.toContain("solution-outdated");

  // and it still syncs
  await a.dv.update({ collection: OPPORTUNITY.entitySetName, key: o.opportunityid, data: { estimatedvalue: 95000 } });
  await a.quiet();
  expect((await a.pc.getReferral(before[OPPORTUNITY.referralIdentifier])).details?.dealValue).toBe(95000);
}, 60000);
