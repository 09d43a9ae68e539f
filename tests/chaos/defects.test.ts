/**
 * Defects the chaos suite found in the flows, each cut down to a few steps (the chaos suite's own
 * step language, scripts/src/chaos/workload.ts) and checked with the same invariants. An open defect
 * is `it.failing` and names itself: it flips (fails as `it.failing`) when the fix lands; then it
 * becomes `it` and stays as a regression test. The scenario's own steps are checked by a plain `it`,
 * so a broken scenario is not taken for the defect.
 */
import { formatResult, runInterleaving, type InterleavingResult } from "../../scripts/src/chaos/interleaving";
import type { ViolationKind } from "../../scripts/src/chaos/invariants";
import type { Step } from "../../scripts/src/chaos/workload";

const share = (name: string): Step => ({ op: "share", name, value: 250000, date: "2027-06-30", solutions: [0] });

/** `open`: the defect is not fixed yet (the invariants report `found`); otherwise a regression test. */
function scenario(title: string, plan: Step[], state: { open: true; found: ViolationKind; defect: string } | { open: false; fixed: string }): void {
  describe(title, () => {
    let result: InterleavingResult;
    beforeAll(async () => {
      result = await runInterleaving({ seed: 0, plan, timeScale: 0.01 });
      console.log(`${title}\n${formatResult(result, { runs: false })}`); // eslint-disable-line no-console
    }, 120_000);

    it("the scenario's steps were all carried out", () => {
      expect(result.stepErrors).toEqual([]);
      expect(result.report.recordsChecked).toBeGreaterThan(0);
    });

    const invariants = () => expect(result.report.violations.map((v) => `${v.kind}: ${v.record}: ${v.detail}`)).toEqual([]);
    if (state.open) it.failing(`no violation once quiet and after the hourly recovery (open: ${state.defect}; today a ${state.found})`, invariants);
    else it(`no violation once quiet and after the hourly recovery (${state.fixed})`, invariants);
  });
}

// D1. Killed while creating: the sandbox dies while flow 8's CreateReferral waits for Partner Center.
// Before the reconciliation nothing finished the half-done create: the opportunity (Sync = Yes)
// stayed "Not synced" for ever, as the hourly recovery retried only rows in Error (issue 13, Build 1:
// "finishes half-done creates, picks up rows stuck in Not synced or Pending"). Fixed by flow 11's
// reconciliation (issue 13, flows part).
scenario(
  "a sandbox killed while a create waits for Partner Center",
  [{ op: "fault", operation: "createReferral", delayMs: 5000, count: 1 }, share("Killed while creating"), { op: "pause", ms: 1500 }, { op: "kill" }],
  { open: false, fixed: "D1, fixed by the reconciliation: a create a kill cut short is finished" },
);

// D2. Killed while sending an edit: the seller's change was saved (and acknowledged) in Dataverse,
// flow 8's run was patching Partner Center when the sandbox died. The run is gone and its trigger is
// not fired again; before the reconciliation nothing compared a Synced record with its referral: the
// opportunity showed Synced with the new deal value while Partner Center kept the old one (issue 13's
// Why: "8 of 20 records differ … while they show Synced ✔"). Fixed by the reconciliation.
scenario(
  "a sandbox killed while an edit is being sent",
  [
    share("Killed while sending"),
    { op: "quiet" },
    { op: "fault", operation: "patchReferral", delayMs: 5000, count: 1 },
    { op: "edit", target: 0, field: "estimatedvalue", value: 123000 },
    { op: "pause", ms: 1500 },
    { op: "kill" },
  ],
  { open: false, fixed: "D2, fixed by the reconciliation: an edit a kill kept from Partner Center is sent" },
);

// D3. A Partner Center change whose webhook arrives after a seller's save was sent: flow 8 reads the
// referral, finds the deal value changed in Partner Center ("take"), sends the seller's closing date,
// records the read-back version as agreed and leaves the row Pending ("being brought in") for the
// webhook. The webhook's event is older than that agreed version, so the receiver drops it as an echo
// and the recovery finds the version held: the deal value never reaches the CRM and the row stays
// Pending for ever (issue 13, Build 1/2: a change made during a sync is not lost).
scenario(
  "a Partner Center change whose webhook arrives after the seller's save was sent",
  [
    share("Late webhook"),
    { op: "quiet" },
    { op: "webhooks", on: false },
    { op: "pcEdit", target: { kind: "opportunity", index: 0 }, field: "dealValue", value: 777000 },
    { op: "edit", target: 0, field: "estimatedclosedate", value: "2027-09-30" },
    { op: "quiet" },
    { op: "webhooks", on: true },
    { op: "redeliver", last: 2, times: 1, order: "original" },
  ],
  { open: false, fixed: "D3, fixed: a send that leaves something to bring in keeps the version agreed before, so the change is not taken for an echo" },
);

// D4. A Partner Center change between our patch and our read-back: the read-back held it, its version
// became the agreed one, so its webhook was dropped as an echo and the reconciliation skipped the
// referral (chaos seed 9009: Synced while the deal value differed). Here Partner Center's reads answer
// 1.5 s late, so Microsoft's note (2 s after the save) lands after the patch and before the read-back
// reads, and its webhook is lost (the receiver unreachable), so only the reconciliation can bring it in. Fixed: the
// read-back is compared with what the sync sent and read; a difference keeps the version agreed before
// and the row Pending, and the webhook brings the change in.
scenario(
  "a Partner Center change between the patch and the read-back",
  [
    share("Changed meanwhile"),
    { op: "quiet" },
    { op: "fault", operation: "getReferral", delayMs: 1500, count: 2 },
    { op: "edit", target: 0, field: "estimatedvalue", value: 321000 },
    { op: "pause", ms: 2000 },
    { op: "webhooks", on: false },
    { op: "pcEdit", target: { kind: "opportunity", index: 0 }, field: "notes", value: "Microsoft's note, meanwhile" },
    { op: "pause", ms: 2500 },
    { op: "webhooks", on: true },
  ],
  { open: false, fixed: "D4, fixed: the read-back is checked against what the sync sent and read" },
);
