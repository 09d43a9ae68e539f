import { E2E, useE2E } from "./harness";
let e: E2E;
useE2E((s) => (e = s));
const show = (label: string, n: number) => {
  const runs = e.sb.flowRunner.listRuns({ top: n }).reverse();
  console.log(label + "\n" + runs.map((r) => `${r.workflowName}: ${r.requests} :: ${e.sb.flowRunner.formatRun(r.id).split("\n").filter((l: string) => /^\s*[✔✖]/.test(l)).map((l: string) => l.trim().split(" ")[1]).join(",")}`).join("\n"));
};
it("dbg", async () => {
  const n0 = e.sb.flowRunner.listRuns({ top: 100000 }).length;
  const id = await e.createOpportunity({}, { sync: false });
  await e.quiet();
  const n1 = e.sb.flowRunner.listRuns({ top: 100000 }).length;
  await e.update(id, { pcs_syncwithpartnercenter: true });
  await e.quiet();
  const n2 = e.sb.flowRunner.listRuns({ top: 100000 }).length;
  show("share", n2 - n0);
  await e.update(id, { estimatedvalue: 123456 });
  await e.quiet();
  const n3 = e.sb.flowRunner.listRuns({ top: 100000 }).length;
  show("edit", n3 - n2);
  const r = await e.shareFromPartnerCenter({ name: "In", type: "Shared", qualification: "SalesQualified", status: "Active", substatus: "Accepted", customerProfile: { name: "Cust", address: { city: "Seattle", postalCode: "98000", country: "US" }, team: [{ firstName: "I", lastName: "C", email: "c@x.example" }] }, consent: { consentToShareReferralWithMicrosoftSellers: true }, details: { dealValue: 5000, currency: "USD", closingDateTime: "2027-02-28T00:00:00Z", notes: "n", requirements: { solutions: [{ id: "SOL-23456-DEF" }] } }, inviteContext: { assistanceRequestCode: "GeneralOrOther", invitedBy: { organizationId: "msft" } } } as never);
  await e.quiet();
  const n4 = e.sb.flowRunner.listRuns({ top: 100000 }).length;
  show("inbound new", n4 - n3);
  await e.changeInPartnerCenter(r.id!, { details: { ...(r as any).details, notes: "edited" } });
  await e.quiet();
  const n5 = e.sb.flowRunner.listRuns({ top: 100000 }).length;
  show("inbound edit", n5 - n4);
});
