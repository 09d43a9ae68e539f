/** Every resx key the control reads (a unit test checks each one is in strings/SyncStatus.1033.resx). */
export const STRING_KEYS = [
  "Language",
  "Status_NotSynced",
  "Status_Pending",
  "Status_Synced",
  "Status_Error",
  "Status_Unknown",
  "StatusPrefix",
  "RegionLabel",
  "LastSynced",
  "LastSyncedJustNow",
  "LastSyncedOn",
  "NeverSynced",
  "ErrorHeading",
  "ErrorNoDetail",
  "Direction_CrmToPc",
  "Direction_PcToCrm",
  "ReferralStatus",
  "OpenInPartnerCenter",
  "OpensInNewTab",
] as const;
export type StringKey = (typeof STRING_KEYS)[number];
