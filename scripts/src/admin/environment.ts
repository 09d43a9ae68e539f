/**
 * What deploy and doctor read from an environment, through the documented Web API only:
 * solutions, solutioncomponents (the flows of our solution: component type 29), workflows,
 * connectionreferences, environmentvariabledefinitions / environmentvariablevalues, EntityDefinitions.
 * Names come from plugins-ts/src/model/schema.ts (one source).
 */
import { CONNECTION_REFERENCES, ENVIRONMENT_VARIABLES, SOLUTION } from "../../../plugins-ts/src/model/schema";
import { describeFlow, type SolutionFlow } from "../sandbox/flows";
import { odataString, WebApiError, type WebApi } from "../sandbox/webapi";

export interface InstalledSolution {
  solutionid: string;
  uniquename: string;
  version: string;
  ismanaged: boolean;
  friendlyname: string;
}

export async function installedSolution(api: WebApi, uniqueName: string = SOLUTION.uniqueName): Promise<InstalledSolution | undefined> {
  const rows = await api.list<InstalledSolution>(`solutions?$select=solutionid,uniquename,version,ismanaged,friendlyname&$filter=uniquename eq ${odataString(uniqueName)}`);
  return rows[0];
}

export interface EnvironmentFlow extends SolutionFlow {
  statuscode: number;
  /** Logical names of the connection references its definition uses. */
  connectionReferences: string[];
}

/** The cloud flows of a solution (its type-29 components), with their state and the references they use. */
export async function solutionFlows(api: WebApi, solutionId: string): Promise<EnvironmentFlow[]> {
  const components = await api.list<{ objectid: string }>(`solutioncomponents?$select=objectid&$filter=_solutionid_value eq ${solutionId} and componenttype eq 29`);
  const ids = new Set(components.map((c) => c.objectid.toLowerCase()));
  if (!ids.size) return [];
  const rows = await api.list<{ workflowid: string; name: string; statecode: number; statuscode: number; clientdata: string | null; category: number }>(
    "workflows?$select=workflowid,name,statecode,statuscode,clientdata,category&$filter=category eq 5",
  );
  return rows
    .filter((r) => ids.has(r.workflowid.toLowerCase()))
    .map((r) => ({ ...describeFlow(r), statuscode: r.statuscode, connectionReferences: referencesOf(r.clientdata) }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

function referencesOf(clientdata: string | null): string[] {
  try {
    const doc = JSON.parse(clientdata ?? "") as { properties?: { connectionReferences?: Record<string, { connection?: { connectionReferenceLogicalName?: string } }> } };
    return Object.values(doc.properties?.connectionReferences ?? {})
      .map((c) => c.connection?.connectionReferenceLogicalName)
      .filter((n): n is string => typeof n === "string");
  } catch {
    return [];
  }
}

export interface ReferenceRow {
  connectionreferenceid: string;
  connectionreferencelogicalname: string;
  connectionreferencedisplayname: string;
  connectorid: string | null;
  connectionid: string | null;
}

/** Our connection references (schema.ts CONNECTION_REFERENCES), by logical name. */
export async function connectionReferences(api: WebApi): Promise<ReferenceRow[]> {
  const names = Object.values(CONNECTION_REFERENCES).map((c) => c.logicalName);
  const filter = names.map((n) => `connectionreferencelogicalname eq ${odataString(n)}`).join(" or ");
  return api.list<ReferenceRow>(`connectionreferences?$select=connectionreferenceid,connectionreferencelogicalname,connectionreferencedisplayname,connectorid,connectionid&$filter=${filter}`);
}

export interface VariableState {
  schemaName: string;
  displayName: string;
  definitionId: string;
  defaultValue: string | null;
  /** The current value row, if any. */
  valueId?: string;
  value?: string | null;
  /** What the flows use: the current value, else the default. */
  effective: string;
}

/** Our environment variables (schema.ts ENVIRONMENT_VARIABLES) with their current values. */
export async function environmentVariables(api: WebApi): Promise<VariableState[]> {
  const names = Object.values(ENVIRONMENT_VARIABLES).map((v) => v.schemaName);
  const filter = names.map((n) => `schemaname eq ${odataString(n)}`).join(" or ");
  const defs = await api.list<{ environmentvariabledefinitionid: string; schemaname: string; displayname: string; defaultvalue: string | null }>(
    `environmentvariabledefinitions?$select=environmentvariabledefinitionid,schemaname,displayname,defaultvalue&$filter=${filter}`,
  );
  const out: VariableState[] = [];
  for (const d of defs) {
    const values = await api.list<{ environmentvariablevalueid: string; value: string | null }>(
      `environmentvariablevalues?$select=environmentvariablevalueid,value&$filter=_environmentvariabledefinitionid_value eq ${d.environmentvariabledefinitionid}`,
    );
    const v = values[0];
    const effective = (v?.value ?? "").trim() !== "" ? String(v!.value) : (d.defaultvalue ?? "");
    out.push({
      schemaName: d.schemaname,
      displayName: d.displayname,
      definitionId: d.environmentvariabledefinitionid,
      defaultValue: d.defaultvalue,
      ...(v ? { valueId: v.environmentvariablevalueid, value: v.value } : {}),
      effective,
    });
  }
  return out;
}

export interface ColumnInfo {
  logicalName: string;
  type: string;
  maxLength?: number;
}

/** A table's column as EntityDefinitions describes it; undefined when the table has no such column. */
export async function column(api: WebApi, table: string, name: string): Promise<ColumnInfo | undefined> {
  if (!/^[a-z0-9_]{1,100}$/i.test(name)) return undefined;
  try {
    const a = await api.get<{ LogicalName: string; AttributeType: string; MaxLength?: number }>(
      `EntityDefinitions(LogicalName=${odataString(table)})/Attributes(LogicalName=${odataString(name.toLowerCase())})?$select=LogicalName,AttributeType`,
    );
    return { logicalName: a.LogicalName, type: a.AttributeType, ...(typeof a.MaxLength === "number" ? { maxLength: a.MaxLength } : {}) };
  } catch (e) {
    if (e instanceof WebApiError && (e.status === 404 || e.status === 400)) return undefined;
    throw e;
  }
}

/** The environment id Power Automate knows this environment by (RetrieveCurrentOrganization). */
export async function environmentId(api: WebApi): Promise<string> {
  const r = await api.get<{ Detail?: { EnvironmentId?: string } }>("RetrieveCurrentOrganization(AccessType=@p1)?@p1=Microsoft.Dynamics.CRM.EndpointAccessType'Default'");
  const id = r.Detail?.EnvironmentId;
  if (!id) throw new Error("RetrieveCurrentOrganization gave no EnvironmentId");
  return id;
}
