/**
 * Clients pointed at the sandbox, for the end-to-end tests and scripts: dynamics-web-api on the
 * Dataverse emulator (the client the architecture names for Dataverse from Node), our Partner Center
 * client on the Partner Center emulator, and the small admin Web API client.
 */
import { DynamicsWebApi, type Config } from "dynamics-web-api";
import { PartnerCenterClient, StaticTokenProvider, type PartnerCenterClientOptions } from "../../../plugins-ts/src/partner-center";
import type { SandboxEndpoints } from "./endpoints";
import { createWebApi, type WebApi } from "./webapi";

/** dynamics-web-api on the sandbox's Dataverse (Web API v9.2, its token, errors propagated). */
export function dataverseClient(endpoints: Pick<SandboxEndpoints, "dataverse">, config: Config = {}): DynamicsWebApi {
  return new DynamicsWebApi({
    serverUrl: endpoints.dataverse.url,
    dataApi: { version: "9.2" },
    onTokenRefresh: async () => endpoints.dataverse.token,
    propagateErrors: true,
    ...config,
  });
}

/** PartnerCenterClient with a StaticTokenProvider, both base URLs on the Partner Center emulator. */
export function partnerCenterClient(endpoints: Pick<SandboxEndpoints, "partnerCenter">, options: Partial<PartnerCenterClientOptions> = {}): PartnerCenterClient {
  return new PartnerCenterClient({
    tokenProvider: new StaticTokenProvider(endpoints.partnerCenter.token),
    referralsBaseUrl: endpoints.partnerCenter.referralsBaseUrl,
    partnerCenterBaseUrl: endpoints.partnerCenter.webhooksBaseUrl,
    ...options,
  });
}

/** The plain Web API client the start-up steps use (method, path and Dataverse's message on errors). */
export function webApiClient(endpoints: Pick<SandboxEndpoints, "dataverse">): WebApi {
  return createWebApi(endpoints.dataverse.webApiUrl, endpoints.dataverse.token);
}
