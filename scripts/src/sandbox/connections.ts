/**
 * The connections step: for every connection reference in the environment, create one connection
 * in the flow runner with what a signed-in connection holds (service URL + token), then set the
 * reference's `connectionid` through the Web API, as an admin does in the solution's
 * "Connection references" page.
 *
 *   shared_commondataserviceforapps  environmentUrl = the Dataverse emulator, its token
 *   shared_partnercenterref          baseUrl = the Partner Center emulator (Referrals API), its token
 *   shared_partnercenterevents       baseUrl = the Partner Center emulator (webhook registration API), its token
 *
 * Connection ids are fixed (`sandbox-<reference logical name>`) so a reference bound in saved state
 * still names a connection after a restart (the runner keeps no state; the connection is re-created).
 */
import { CONNECTION_REFERENCES } from "../../../plugins-ts/src/model/schema";
import type { WebApi } from "./webapi";

export interface ConnectionTargets {
  dataverse: { url: string; token: string };
  partnerCenter: { referralsBaseUrl: string; partnerCenterBaseUrl: string; token: string };
}

export interface ConnectionOutcome {
  logicalName: string;
  apiName: string;
  /** The runner connection set on the reference (undefined when none could be made). */
  connectionId?: string;
  /** The URL the connection calls. */
  serviceUrl?: string;
  status: "bound" | "already bound" | "not bound";
  message: string;
}

export const connectionIdFor = (logicalName: string): string => `sandbox-${logicalName}`.replace(/[^A-Za-z0-9_.-]/g, "-").slice(0, 128);

const apiNameOf = (connectorId: string): string => connectorId.split("/").pop() ?? connectorId;

/** The runner connection parameters for a reference, or why there is none. */
export function connectionParameters(logicalName: string, apiName: string, t: ConnectionTargets): { parameters: Record<string, string> } | { error: string } {
  switch (apiName.toLowerCase()) {
    case "shared_commondataserviceforapps":
      return { parameters: { environmentUrl: t.dataverse.url, token: t.dataverse.token } };
    case "shared_partnercenterref":
      return { parameters: { baseUrl: t.partnerCenter.referralsBaseUrl, token: t.partnerCenter.token } };
    case "shared_partnercenterevents":
      // The webhook registration API's host (api.partnercenter.microsoft.com) is served by the same emulator.
      return { parameters: { baseUrl: t.partnerCenter.partnerCenterBaseUrl, token: t.partnerCenter.token } };
    default:
      return { error: `the flow runner has no connector '${apiName}'` };
  }
}

interface ReferenceRow {
  connectionreferenceid: string;
  connectionreferencelogicalname: string;
  connectorid?: string | null;
  connectionid?: string | null;
}

async function createRunnerConnection(runnerUrl: string, id: string, apiName: string, displayName: string, parameters: Record<string, string>): Promise<void> {
  const res = await fetch(`${runnerUrl}/connections`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ id, apiName, displayName, parameters }),
  });
  if (res.ok || res.status === 409) return; // 409: it exists already (same id, same parameters)
  const body = (await res.json().catch(() => ({}))) as { error?: { message?: string } };
  throw new Error(body.error?.message ?? `the flow runner answered ${res.status}`);
}

export async function connectReferences(api: WebApi, runnerUrl: string, targets: ConnectionTargets): Promise<ConnectionOutcome[]> {
  const rows = await api.list<ReferenceRow>("connectionreferences?$select=connectionreferenceid,connectionreferencelogicalname,connectorid,connectionid&$orderby=connectionreferencelogicalname");
  const out: ConnectionOutcome[] = [];
  for (const row of rows) {
    const logicalName = row.connectionreferencelogicalname;
    const apiName = apiNameOf(String(row.connectorid ?? ""));
    const p = connectionParameters(logicalName, apiName, targets);
    if ("error" in p) {
      out.push({ logicalName, apiName, status: "not bound", message: `${logicalName} (${apiName}): not bound: ${p.error}; flows that use it will not turn on` });
      continue;
    }
    const id = connectionIdFor(logicalName);
    const serviceUrl = p.parameters.environmentUrl ?? p.parameters.baseUrl ?? p.parameters.baseResourceUrl;
    try {
      await createRunnerConnection(runnerUrl, id, apiName, logicalName, p.parameters);
    } catch (e) {
      out.push({ logicalName, apiName, status: "not bound", message: `${logicalName} (${apiName}): the flow runner refused the connection: ${(e as Error).message}` });
      continue;
    }
    if (row.connectionid === id) {
      out.push({ logicalName, apiName, connectionId: id, serviceUrl, status: "already bound", message: `${logicalName} → connection ${id} (${apiName}, ${serviceUrl}), bound in saved state` });
      continue;
    }
    await api.patch(`connectionreferences(${row.connectionreferenceid})`, { connectionid: id });
    out.push({ logicalName, apiName, connectionId: id, serviceUrl, status: "bound", message: `${logicalName} → connection ${id} (${apiName}, ${serviceUrl})` });
  }
  return out;
}

/** The connector of each connection a bare environment offers (one per connector the solution uses). */
export const BARE_CONNECTORS = ["shared_commondataserviceforapps", "shared_partnercenterref", "shared_partnercenterevents"] as const;

/** A bare environment's connection id for a connector (fixed, so a saved deploy still names it after a restart). */
export const connectorConnectionId = (apiName: string): string => `sandbox-${apiName.replace(/^shared_/, "")}`;

/**
 * Bare start: one flow-runner connection per connector, as an admin makes them in Power Automate
 * before deploying (a settings file then names their ids). Nothing is bound.
 */
export async function createConnectorConnections(runnerUrl: string, targets: ConnectionTargets): Promise<Array<{ apiName: string; connectionId: string }>> {
  const out: Array<{ apiName: string; connectionId: string }> = [];
  for (const apiName of BARE_CONNECTORS) {
    const p = connectionParameters(apiName, apiName, targets);
    if ("error" in p) throw new Error(p.error);
    const id = connectorConnectionId(apiName);
    await createRunnerConnection(runnerUrl, id, apiName, apiName, p.parameters);
    out.push({ apiName, connectionId: id });
  }
  return out;
}
