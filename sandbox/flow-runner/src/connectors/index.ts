/** The connectors the runner implements, keyed by API name (the last segment of apiId). */
import { dataverseConnector } from "./dataverse";
import { partnerCenterConnector } from "./partnercenter";
import { partnerCenterEventsConnector } from "./partnercenter-events";
import { Connector } from "./types";
import { webContentsConnector } from "./webcontents";

export const CONNECTORS: ReadonlyMap<string, Connector> = new Map(
  [dataverseConnector, partnerCenterConnector, partnerCenterEventsConnector, webContentsConnector].map((c) => [c.apiName, c]),
);

/** "/providers/Microsoft.PowerApps/apis/shared_x" or "shared_x" → "shared_x". */
export function apiNameOf(apiIdOrName: string | undefined): string {
  return String(apiIdOrName ?? "").split("/").filter(Boolean).pop() ?? "";
}

export * from "./types";
export * from "./http";
export { DATAVERSE_API, dataverseBase, WEB_API_PATH } from "./dataverse";
export { PARTNER_CENTER_API, DEFAULT_CALLER_ID, REFERRAL_PATCH_PATHS } from "./partnercenter";
export { PARTNER_CENTER_EVENTS_API } from "./partnercenter-events";
export { WEBCONTENTS_API, PARTNER_CENTER_HOSTS } from "./webcontents";
export { checkParameters, saveValidationMessage, type OperationContract, type ParameterSpec, type Violation } from "./contract";
