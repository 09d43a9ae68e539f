/**
 * What the runner itself reads from Dataverse (the platform side, not a flow's connection):
 * workflow rows, connection references, environment variables. Plain Web API v9.2 calls with the
 * runner's bearer token.
 */
import { httpRequest, HttpClient, HttpResult } from "../connectors/http";
import { isObject, stringify, Value, ValueObject } from "../expression/values";

export class DataverseError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code = "DataverseError",
  ) {
    super(message);
  }
}

const odataString = (s: string) => `'${s.replace(/'/g, "''")}'`;

export class DataverseClient {
  constructor(
    readonly baseUrl: string,
    private readonly token: string | undefined,
    private readonly http: HttpClient = httpRequest,
  ) {}

  private url(path: string): string {
    return this.baseUrl.replace(/\/+$/, "") + "/api/data/v9.2/" + path.replace(/^\//, "");
  }

  async request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<HttpResult> {
    return this.http({
      method,
      url: this.url(path),
      headers: {
        Accept: "application/json",
        "OData-MaxVersion": "4.0",
        "OData-Version": "4.0",
        ...(this.token ? { Authorization: `Bearer ${this.token}` } : {}),
        ...headers,
      },
      body,
    });
  }

  private static fail(res: HttpResult, what: string): never {
    const b = res.body;
    const msg = isObject(b) && isObject(b.error ?? null) ? stringify((b.error as ValueObject).message ?? "") : stringify(b);
    throw new DataverseError(`${what} failed with ${res.statusCode}: ${msg}`, res.statusCode);
  }

  async list(entitySet: string, query: string): Promise<ValueObject[]> {
    const res = await this.request("GET", `${entitySet}?${query}`);
    if (res.statusCode !== 200) DataverseClient.fail(res, `Reading ${entitySet}`);
    const v = isObject(res.body) ? res.body.value : null;
    return Array.isArray(v) ? (v.filter(isObject) as ValueObject[]) : [];
  }

  async get(entitySet: string, id: string, select?: string): Promise<ValueObject | undefined> {
    const res = await this.request("GET", `${entitySet}(${id})${select ? `?$select=${select}` : ""}`);
    if (res.statusCode === 404) return undefined;
    if (res.statusCode !== 200) DataverseClient.fail(res, `Reading ${entitySet}(${id})`);
    return isObject(res.body) ? res.body : undefined;
  }

  async connectionReference(logicalName: string): Promise<ValueObject | undefined> {
    const rows = await this.list(
      "connectionreferences",
      `$select=connectionreferenceid,connectionreferencelogicalname,connectionid,connectorid&$filter=connectionreferencelogicalname eq ${odataString(logicalName)}`,
    );
    return rows[0];
  }

  async workflow(id: string): Promise<ValueObject | undefined> {
    return this.get("workflows", id, "workflowid,name,statecode,statuscode,category,clientdata");
  }

  /**
   * An environment variable's value: the current value (environmentvariablevalues.value) when one
   * exists, else the definition's default value; undefined when the definition does not exist.
   */
  async environmentVariable(schemaName: string): Promise<{ value: string | null; source: "current value" | "default value" } | undefined> {
    const defs = await this.list(
      "environmentvariabledefinitions",
      `$select=environmentvariabledefinitionid,schemaname,defaultvalue,type&$filter=schemaname eq ${odataString(schemaName)}`,
    );
    const d = defs[0];
    if (!d) return undefined;
    const id = String(d.environmentvariabledefinitionid ?? "");
    let values: ValueObject[] = [];
    if (id) {
      values = await this.list("environmentvariablevalues", `$select=value&$filter=_environmentvariabledefinitionid_value eq ${id}`);
    }
    const current = values.find((v) => v.value !== null && v.value !== undefined);
    if (current) return { value: String(current.value), source: "current value" };
    return { value: d.defaultvalue === null || d.defaultvalue === undefined ? null : String(d.defaultvalue), source: "default value" };
  }

  async create(entitySet: string, row: Record<string, Value>): Promise<ValueObject> {
    const res = await this.request("POST", entitySet, row, { Prefer: "return=representation" });
    if (res.statusCode !== 201 && res.statusCode !== 200 && res.statusCode !== 204) DataverseClient.fail(res, `Creating a ${entitySet} row`);
    if (isObject(res.body)) return res.body;
    const loc = res.headers["odata-entityid"] ?? "";
    const m = /\(([0-9a-f-]{36})\)/i.exec(loc);
    return m ? { id: m[1] } : {};
  }

  async delete(entitySet: string, id: string): Promise<void> {
    const res = await this.request("DELETE", `${entitySet}(${id})`);
    if (res.statusCode !== 204 && res.statusCode !== 200 && res.statusCode !== 404) DataverseClient.fail(res, `Deleting ${entitySet}(${id})`);
  }
}
