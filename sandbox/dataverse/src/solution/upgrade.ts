/**
 * The upgrade half of StageAndUpgradeAsync: after the new version of a managed solution is installed
 * over the old one, the components the old version had and the new one no longer ships are deleted
 * ("Upgrade: … components that exist in the current solution but not in the upgrade are deleted",
 * learn.microsoft.com/power-platform/alm/update-solutions-alm; an ImportSolution update deletes
 * nothing). Rows of the tables and columns that remain are kept: an upgrade keeps data.
 *
 * What is removed here: cloud flows (turned off first, through the flow service, so their triggers
 * stop), web resources, custom controls, environment variable definitions (with their values),
 * connection references, columns and tables. A removed table takes its rows with it, as in
 * Dataverse.
 */
import type { Engine, Session } from "../engine";
import type { EntityMeta } from "../metadata/types";
import { cloneModel } from "../metadata/registry";
import { isLookupValue, type Row, type Value } from "../store/store";

/** One solutioncomponent row, as recorded by the import. */
export interface RecordedComponent {
  type: number;
  objectId: string;
  schemaName: string;
}

const TYPE = { Role: 20, Entity: 1, Attribute: 2, Workflow: 29, WebResource: 61, CustomControl: 66, EnvironmentVariableDefinition: 380, ConnectionReference: 10000 } as const;

/** The components recorded for a solution before the new version replaces the record. */
export function recordedComponents(s: Session, solutionId: string): RecordedComponent[] {
  const out: RecordedComponent[] = [];
  for (const r of s.tx.scan("solutioncomponent")) {
    const ref = r.solutionid;
    if (!isLookupValue(ref) || ref.id !== solutionId) continue;
    out.push({ type: Number(r.componenttype), objectId: String(r.objectid ?? ""), schemaName: String(r.schemaname ?? "") });
  }
  return out;
}

const keyOf = (c: RecordedComponent): string => `${c.type}:${c.type === TYPE.Entity || c.type === TYPE.Attribute ? c.schemaName.toLowerCase() : c.objectId.toLowerCase()}`;

/** Deletes what `before` had and `after` does not; returns one line per removed component. */
export function removeDroppedComponents(s: Session, engine: Engine, solutionId: string, before: RecordedComponent[], after: RecordedComponent[]): string[] {
  const kept = new Set(after.map(keyOf));
  const dropped = before.filter((c) => !kept.has(keyOf(c)));
  // The solution's record of them goes too.
  for (const r of [...s.tx.scan("solutioncomponent")]) {
    const ref = r.solutionid;
    if (isLookupValue(ref) && ref.id === solutionId && !kept.has(keyOf({ type: Number(r.componenttype), objectId: String(r.objectid ?? ""), schemaName: String(r.schemaname ?? "") }))) {
      s.tx.delete("solutioncomponent", String(r.solutioncomponentid));
    }
  }
  const removed: string[] = [];
  const rowTable: Partial<Record<number, string>> = {
    [TYPE.WebResource]: "webresource",
    [TYPE.CustomControl]: "customcontrol",
    [TYPE.ConnectionReference]: "connectionreference",
    [TYPE.Role]: "role",
  };
  for (const c of dropped) {
    if (c.type === TYPE.Workflow) {
      const wf = s.tx.registry.entity("workflow") as EntityMeta;
      const row = s.tx.get("workflow", c.objectId);
      if (!row) continue;
      // Off first: the flow service stops its trigger (and refuses nothing for a flow going off).
      if (row.statecode === 1) engine.update(s, wf, c.objectId, new Map<string, Value>([["statecode", 0], ["statuscode", 1]]));
      engine.platformDelete(s, "workflow", c.objectId);
      removed.push(`cloud flow ${c.schemaName}`);
    } else if (c.type === TYPE.EnvironmentVariableDefinition) {
      for (const v of [...s.tx.scan("environmentvariablevalue")]) {
        const ref = v.environmentvariabledefinitionid;
        if (isLookupValue(ref) && ref.id === c.objectId) engine.platformDelete(s, "environmentvariablevalue", String(v.environmentvariablevalueid));
      }
      engine.platformDelete(s, "environmentvariabledefinition", c.objectId);
      removed.push(`environment variable ${c.schemaName}`);
    } else if (rowTable[c.type]) {
      // a removed role takes its assignments with it
      if (c.type === TYPE.Role) for (const r of [...s.tx.scan("systemuserroles")]) if (r.roleid === c.objectId) s.tx.delete("systemuserroles", String(r.systemuserroleid));
      engine.platformDelete(s, rowTable[c.type]!, c.objectId);
      removed.push(`${rowTable[c.type]} ${c.schemaName}`);
    }
  }
  // Columns, then tables: metadata, and the data that lived in them.
  const columns = dropped.filter((c) => c.type === TYPE.Attribute);
  const tables = dropped.filter((c) => c.type === TYPE.Entity);
  if (columns.length || tables.length) {
    const model = cloneModel(s.tx.registry.model);
    for (const c of columns) {
      const [entity, attribute] = c.schemaName.split(".");
      const meta = model.entities[entity];
      if (!meta?.attributes[attribute]) continue;
      delete meta.attributes[attribute];
      for (const row of [...s.tx.scan(entity)]) {
        if (!(attribute in row)) continue;
        const copy: Row = { ...row };
        delete copy[attribute];
        s.tx.put(entity, String(row[meta.primaryIdAttribute]), copy);
      }
      removed.push(`column ${c.schemaName}`);
    }
    for (const c of tables) {
      const name = c.schemaName.toLowerCase();
      const meta = model.entities[name];
      if (!meta || !meta.isCustom) continue;
      for (const row of [...s.tx.scan(name)]) s.tx.delete(name, String(row[meta.primaryIdAttribute]));
      delete model.entities[name];
      model.relationships = model.relationships.filter((r) => r.referencedEntity !== name && r.referencingEntity !== name);
      removed.push(`table ${name}`);
    }
    s.tx.setModel(model);
  }
  return removed;
}
