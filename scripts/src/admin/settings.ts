/**
 * The deployment settings file, in the format `pac solution create-settings` writes and
 * `pac solution import --settings-file` reads (learn.microsoft.com/power-platform/alm/conn-ref-env-variables-build-tools):
 *
 *   { "EnvironmentVariables": [ { "SchemaName": "pcs_DealValueField", "Value": "" } ],
 *     "ConnectionReferences": [ { "LogicalName": "pcs_…", "ConnectionId": "", "ConnectorId": "/providers/Microsoft.PowerApps/apis/shared_…" } ] }
 *
 * An empty Value leaves the variable as it is (its default, or the value an admin set); an empty
 * ConnectionId leaves the reference as it is. The template is written from the solution zip itself.
 */
import * as fs from "node:fs";
import { connectionReferences, envVarDefinitions } from "../solution/components";
import type { SolutionPackage } from "../solution/package";
import { attr, childText } from "../solution/xml";

export interface SettingsFile {
  EnvironmentVariables: Array<{ SchemaName: string; Value: string }>;
  ConnectionReferences: Array<{ LogicalName: string; ConnectionId: string; ConnectorId: string }>;
}

export class SettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SettingsError";
  }
}

/** The template for a solution: every variable and connection reference it ships, values empty. */
export function settingsTemplate(pkg: SolutionPackage, connections: Record<string, string> = {}): SettingsFile {
  return {
    EnvironmentVariables: envVarDefinitions(pkg)
      .map((d) => ({ SchemaName: d.schemaName, Value: "" }))
      .sort((a, b) => a.SchemaName.localeCompare(b.SchemaName)),
    ConnectionReferences: connectionReferences(pkg)
      .map((c) => {
        const connectorId = childText(c, "connectorid") ?? "";
        const api = connectorId.split("/").pop() ?? "";
        return { LogicalName: attr(c, "connectionreferencelogicalname") ?? "", ConnectionId: connections[api] ?? "", ConnectorId: connectorId };
      })
      .sort((a, b) => a.LogicalName.localeCompare(b.LogicalName)),
  };
}

export function writeSettings(file: string, s: SettingsFile): void {
  fs.writeFileSync(file, JSON.stringify(s, null, 2) + "\n");
}

const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === "object" && !Array.isArray(v);

/** Reads and checks a settings file; every problem is named with its place in the file. */
export function readSettings(file: string): SettingsFile {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8").replace(/^\uFEFF/, "");
  } catch (e) {
    throw new SettingsError(`The settings file ${file} cannot be read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}.`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new SettingsError(`The settings file ${file} is not JSON: ${(e as Error).message}.`);
  }
  return parseSettings(doc, file);
}

export function parseSettings(doc: unknown, file = "the settings"): SettingsFile {
  if (!isObj(doc)) throw new SettingsError(`${file}: expected an object with EnvironmentVariables and ConnectionReferences.`);
  const problems: string[] = [];
  const list = (key: string): unknown[] => {
    const v = doc[key];
    if (v === undefined) return [];
    if (!Array.isArray(v)) {
      problems.push(`${key} must be an array`);
      return [];
    }
    return v;
  };
  const out: SettingsFile = { EnvironmentVariables: [], ConnectionReferences: [] };
  list("EnvironmentVariables").forEach((v, i) => {
    if (!isObj(v) || typeof v.SchemaName !== "string" || !v.SchemaName.trim()) return void problems.push(`EnvironmentVariables[${i}] needs a SchemaName`);
    if (v.Value !== undefined && v.Value !== null && typeof v.Value !== "string") return void problems.push(`EnvironmentVariables[${i}] (${v.SchemaName}): Value must be text (write true/false and numbers in quotes)`);
    out.EnvironmentVariables.push({ SchemaName: v.SchemaName.trim(), Value: typeof v.Value === "string" ? v.Value : "" });
  });
  list("ConnectionReferences").forEach((c, i) => {
    if (!isObj(c) || typeof c.LogicalName !== "string" || !c.LogicalName.trim()) return void problems.push(`ConnectionReferences[${i}] needs a LogicalName`);
    if (c.ConnectionId !== undefined && c.ConnectionId !== null && typeof c.ConnectionId !== "string") return void problems.push(`ConnectionReferences[${i}] (${c.LogicalName}): ConnectionId must be text`);
    out.ConnectionReferences.push({ LogicalName: c.LogicalName.trim(), ConnectionId: typeof c.ConnectionId === "string" ? c.ConnectionId.trim() : "", ConnectorId: typeof c.ConnectorId === "string" ? c.ConnectorId : "" });
  });
  const dup = (names: string[]) => names.filter((n, i) => names.findIndex((m) => m.toLowerCase() === n.toLowerCase()) !== i);
  for (const d of dup(out.EnvironmentVariables.map((v) => v.SchemaName))) problems.push(`EnvironmentVariables names ${d} twice`);
  for (const d of dup(out.ConnectionReferences.map((v) => v.LogicalName))) problems.push(`ConnectionReferences names ${d} twice`);
  if (problems.length) throw new SettingsError(`${file}: ${problems.join("; ")}.`);
  return out;
}
