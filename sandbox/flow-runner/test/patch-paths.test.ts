/**
 * The Partner Center Referrals connector's PatchReferralById path enum is written twice on purpose:
 * the flow runner's contract (the platform's rule, src/connectors/partnercenter.ts) and our client's
 * reading of it (plugins-ts partner-center/referral.ts PATCHABLE_PATHS, which the emulator and the
 * flows use). Both copy the certified swagger's UpdateReferralDetails.items.path enum
 * (partner-center-2026.md §2.4); this keeps them from drifting apart.
 */
import { PATCHABLE_PATHS } from "../../../plugins-ts/src/partner-center/referral";
import { REFERRAL_PATCH_PATHS } from "../src/connectors/partnercenter";

it("the runner's PatchReferralById paths and the client's patchable paths are the same 18", () => {
  expect([...REFERRAL_PATCH_PATHS].sort()).toEqual([...PATCHABLE_PATHS].sort());
  expect(new Set(REFERRAL_PATCH_PATHS).size).toBe(18);
});
