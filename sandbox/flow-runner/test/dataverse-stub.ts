/**
 * A deliberately small stand-in for the Dataverse Web API, for the runner's own tests: rows in
 * memory, `$filter=col eq 'x'` only, bearer token required, and callbackregistrations that POST a
 * changed row to their url after the change (the contract the Dataverse emulator implements).
 * The end-to-end test uses the real emulator (sandbox/dataverse) instead.
 */
import { randomUUID } from "node:crypto";
import { stubServer } from "./helpers";

type Row = Record<string, unknown>;

const KEYS: Record<string, string> = {
  connectionreferences: "connectionreferenceid",
  environmentvariabledefinitions: "environmentvariabledefinitionid",
  environmentvariablevalues: "environmentvariablevalueid",
  callbackregistrations: "callbackregistrationid",
  workflows: "workflowid",
  opportunities: "opportunityid",
  accounts: "accountid",
};
const LOGICAL: Record<string, string> = { opportunities: "opportunity", accounts: "account" };

export interface DataverseStub {
  url: string;
  token: string;
  tables: Map<string, Map<string, Row>>;
  notifications: Array<{ url: string; row: Row }>;
  insert(set: string, row: Row): string;
  close(): Promise<void>;
  requests: Array<{ method: string; path: string; headers: Record<string, unknown>; body: unknown }>;
}

export async function dataverseStub(token = "dv-token"): Promise<DataverseStub> {
  const tables = new Map<string, Map<string, Row>>();
  const notifications: Array<{ url: string; row: Row }> = [];
  const table = (set: string) => {
    let t = tables.get(set);
    if (!t) tables.set(set, (t = new Map()));
    return t;
  };
  const insert = (set: string, row: Row): string => {
    const key = KEYS[set] ?? `${set.replace(/s$/, "")}id`;
    const id = String(row[key] ?? randomUUID());
    table(set).set(id, { ...row, [key]: id });
    return id;
  };
  const notify = async (set: string, message: 1 | 2 | 3, row: Row) => {
    const logical = LOGICAL[set];
    if (!logical) return;
    for (const reg of table("callbackregistrations").values()) {
      if (reg.entityname !== logical) continue;
      const m = Number(reg.message);
      const matches = m === 7 || m === message || (m === 4 && message !== 2) || (m === 5 && message !== 3) || (m === 6 && message !== 1);
      if (!matches) continue;
      notifications.push({ url: String(reg.url), row });
      await fetch(String(reg.url), { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ ...row, SdkMessage: message === 1 ? "Create" : message === 3 ? "Update" : "Delete" }) });
    }
  };
  const stub = await stubServer(async (req) => {
    if (req.headers.authorization !== `Bearer ${token}`) return { status: 401, body: { error: { code: "0x80072560", message: "The user is not authenticated." } } };
    const u = new URL(req.path, "http://x");
    const m = /^\/api\/data\/v9\.2\/([a-z_]+)(?:\(([^)]+)\))?$/.exec(u.pathname);
    if (!m) return { status: 404, body: { error: { code: "0x80060888", message: `Resource not found for the segment '${u.pathname}'.` } } };
    const [, set, id] = m;
    const t = table(set);
    if (req.method === "GET" && !id) {
      let rows = [...t.values()];
      const f = u.searchParams.get("$filter");
      if (f) {
        const fm = /^(\w+) eq (?:'((?:[^']|'')*)'|([0-9a-f-]{36}))$/.exec(f);
        if (!fm) return { status: 400, body: { error: { code: "0x0", message: `Unsupported filter ${f}` } } };
        const want = fm[2] !== undefined ? fm[2].replace(/''/g, "'") : fm[3];
        rows = rows.filter((r) => String(r[fm[1]]) === want);
      }
      return { status: 200, body: { "@odata.context": `x/$metadata#${set}`, value: rows } };
    }
    if (req.method === "GET" && id) {
      const row = t.get(id);
      return row ? { status: 200, body: row } : { status: 404, body: { error: { code: "0x80040217", message: `${set} With Id = ${id} Does Not Exist` } } };
    }
    if (req.method === "POST" && !id) {
      const newId = insert(set, req.body as Row);
      const row = t.get(newId)!;
      await notify(set, 1, row);
      return { status: 201, headers: { "OData-EntityId": `${u.origin}/api/data/v9.2/${set}(${newId})` }, body: row };
    }
    if (req.method === "PATCH" && id) {
      const existing = t.get(id);
      if (!existing && req.headers["if-match"] === "*") return { status: 404, body: { error: { code: "0x80040217", message: `${set} With Id = ${id} Does Not Exist` } } };
      const key = KEYS[set] ?? `${set.replace(/s$/, "")}id`;
      const row = { ...(existing ?? {}), ...(req.body as Row), [key]: id };
      t.set(id, row);
      await notify(set, existing ? 3 : 1, row);
      return { status: 200, body: row };
    }
    if (req.method === "DELETE" && id) {
      const row = t.get(id);
      if (!row) return { status: 404, body: { error: { code: "0x80040217", message: "Does Not Exist" } } };
      t.delete(id);
      await notify(set, 2, row);
      return { status: 204 };
    }
    return { status: 405, body: { error: { code: "0x0", message: "Method not allowed" } } };
  });
  return {
    url: stub.url,
    token,
    tables,
    notifications,
    insert,
    close: stub.close,
    requests: stub.requests as DataverseStub["requests"],
  };
}
