/**
 * A deployed bare sandbox stopped and started again is the same environment: the flows a deploy
 * turned on run again, the webhook still names the receiver, deploy has nothing to change.
 */
import { AdminSandbox } from "./harness";

jest.setTimeout(30000);

let a: AdminSandbox;
afterAll(async () => {
  await a?.close();
});

test("after a restart the deployment is as it was: doctor healthy, a second deploy changes nothing", async () => {
  a = await AdminSandbox.start({ fixedPorts: true });
  await a.firstDeploy();
  const url = (await a.pc.getWebhookRegistration())!.WebhookUrl;
  await a.restart();
  expect(a.sb.report.flows.filter((f) => f.status === "on")).toHaveLength(12);
  expect((await a.pc.getWebhookRegistration())!.WebhookUrl).toBe(url);
  const report = await a.doctorReport();
  expect(report.healthy).toBe(true);
  const again = await a.deploy("--settings", a.settingsFile);
  expect(again.code).toBe(0);
  expect(again.out).toMatch(/Deployed already: nothing was changed\./);
});
