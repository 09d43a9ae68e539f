/**
 * Connections and connectors. A connection is owned by the runner (POST /connections) and holds the
 * parameters a real connection holds after sign-in: here the service base URL and a bearer token.
 * A connector turns an OpenApiConnection action (operationId + parameters) into HTTP calls.
 */
import type { Value } from "../expression/values";
import { checkParameters, type OperationContract } from "./contract";
import type { HttpClient, HttpResult } from "./http";

export interface Connection {
  /** Connection name/id, e.g. "shared-commondataser-3f2a…" (what connectionreference.connectionid holds). */
  id: string;
  apiName: string;
  displayName: string;
  /** baseUrl (or environmentUrl / baseResourceUrl) and token. Never returned by the API. */
  parameters: Record<string, unknown>;
  createdTime: string;
}

export interface ConnectorCall {
  connection: Connection;
  operationId: string;
  /** The action's inputs.parameters, evaluated. */
  parameters: Record<string, Value>;
  correlationId: string;
  http: HttpClient;
}

export class ConnectorError extends Error {
  constructor(
    message: string,
    readonly status = 400,
    readonly code = "InvalidOperationParameters",
  ) {
    super(message);
  }
}

export interface Connector {
  apiName: string;
  displayName: string;
  /** Operation ids this connector implements (actions). */
  operations: readonly string[];
  /** Trigger operation ids (OpenApiConnectionWebhook). */
  triggers: readonly string[];
  /** Connection parameters that must be present when a connection is created. */
  requiredParameters: readonly string[];
  /** Each operation's parameters as its definition declares them (lint and run time check the same). */
  contracts: ReadonlyMap<string, OperationContract>;
  invoke(call: ConnectorCall): Promise<HttpResult>;
}

/**
 * Refuse a call whose evaluated parameters break the operation's contract (400, before anything is
 * sent), except rules the call waives.
 */
export function enforceContract(connector: Pick<Connector, "contracts" | "displayName">, call: ConnectorCall): void {
  const op = connector.contracts.get(call.operationId);
  if (!op) throw new ConnectorError(`The ${connector.displayName} connector has no operation '${call.operationId}'.`, 400, "OperationNotFound");
  const violations = checkParameters(op, call.parameters, "run");
  if (violations.length) {
    throw new ConnectorError(`The inputs of the '${call.operationId}' operation are not valid: ${violations.map((v) => v.message).join(" ")}`, 400, "OpenApiOperationParameterValidationFailed");
  }
}

/** Contracts keyed by operation id. */
export const contractsOf = (list: readonly OperationContract[]): ReadonlyMap<string, OperationContract> => new Map(list.map((c) => [c.operationId, c]));

export function connectionBaseUrl(c: Connection, ...names: string[]): string {
  for (const n of [...names, "baseUrl", "url"]) {
    const v = c.parameters[n];
    if (typeof v === "string" && v) return v.replace(/\/+$/, "");
  }
  throw new ConnectorError(`The connection '${c.id}' has no base URL parameter (${[...names, "baseUrl"].join(" or ")}).`, 400, "InvalidConnection");
}

export function bearer(c: Connection): Record<string, string> {
  const t = c.parameters.token;
  return typeof t === "string" && t ? { Authorization: `Bearer ${t}` } : {};
}

/**
 * Power Automate flattens body parameters into "item/name" style keys; rebuild the object.
 * A key "item" with an object value is merged first; "item/a/b" nests.
 */
export function unflatten(parameters: Record<string, Value>, prefix: string): Record<string, Value> | undefined {
  let out: Record<string, Value> | undefined;
  const whole = parameters[prefix];
  if (whole && typeof whole === "object" && !Array.isArray(whole)) out = { ...(whole as Record<string, Value>) };
  for (const [k, v] of Object.entries(parameters)) {
    if (!k.startsWith(prefix + "/")) continue;
    if (v === undefined) continue;
    out ??= {};
    const path = k.slice(prefix.length + 1).split("/");
    let cur: Record<string, Value> = out;
    for (let i = 0; i < path.length - 1; i++) {
      const next = cur[path[i]];
      if (!next || typeof next !== "object" || Array.isArray(next)) cur[path[i]] = {};
      cur = cur[path[i]] as Record<string, Value>;
    }
    cur[path[path.length - 1]] = v;
  }
  return out;
}

export function queryString(params: Record<string, Value>, names: readonly string[]): string {
  const parts: string[] = [];
  for (const n of names) {
    const v = params[n];
    if (v === undefined || v === null || v === "") continue;
    parts.push(`${encodeURIComponent(n).replace(/%24/g, "$")}=${encodeURIComponent(typeof v === "string" ? v : JSON.stringify(v))}`);
  }
  return parts.length ? "?" + parts.join("&") : "";
}

export function requireParam(params: Record<string, Value>, name: string, op: string): Value {
  const v = params[name];
  if (v === undefined || v === null || v === "") throw new ConnectorError(`The '${op}' operation requires the parameter '${name}'.`);
  return v;
}
