/**
 * The data rules every write goes through, whatever the route (single request, $batch change set,
 * action, solution import): defaults and system columns, required columns, state/status pairs,
 * alternate-key uniqueness, cascades on delete, and the change events that feed notifications and
 * the cloud-flow activation hook after commit.
 */
import { DataverseError, ErrorCodes, notFound, segmentNotFound } from "./errors";
import { WORKFLOW_CATEGORY_MODERN_FLOW } from "./metadata/builtins";
import { isLookupType } from "./metadata/registry";
import type { AttributeMeta, EntityMeta } from "./metadata/types";
import { matchAlternateKey, parseKey, splitPath, type KeyRef } from "./odata/query";
import { isLookupValue, type DataView, type LookupValue, type Row, type Transaction, type Value } from "./store/store";
import { SEED_IDS } from "./seed";
import { isoSeconds, newGuid } from "./util";

export interface CallerContext {
  userId: string;
  businessUnitId: string;
}

export interface ChangeEvent {
  message: "Create" | "Update" | "Delete";
  entity: string;
  id: string;
  /** Columns included in the request (filtering attributes match on these, as Dataverse does). */
  touched: string[];
  pre?: Row;
  post?: Row;
  userId: string;
}

export interface FlowTransition {
  workflowId: string;
  from: number;
  to: number;
  row: Row;
}

/** A transaction plus what the writes in it produced. */
export class Session {
  readonly events: ChangeEvent[] = [];
  readonly flowTransitions: FlowTransition[] = [];
  /** $batch Content-ID → created/updated row reference. */
  readonly contentIds = new Map<string, LookupValue>();

  constructor(
    readonly tx: Transaction,
    readonly caller: CallerContext,
    readonly now: () => Date,
  ) {}
}

export interface EngineOptions {
  baseCurrencyId: () => string | undefined;
}

export class Engine {
  constructor(private readonly opts: EngineOptions) {}

  // ---- references ------------------------------------------------------------------------------

  /** Resolve `accounts(…)`, `/accounts(…)`, an absolute Web API URL or a `$n` Content-ID. */
  resolveReference(view: DataView, text: string, contentIds: Map<string, LookupValue> | undefined): LookupValue {
    const t = text.trim();
    if (t.startsWith("$")) {
      const ref = contentIds?.get(t.slice(1));
      if (!ref) throw new DataverseError(400, ErrorCodes.InvalidArgument, `Content-ID Reference: '${t}' does not exist in the batch context.`);
      return ref;
    }
    let path = t;
    const m = /\/api\/data\/v9\.\d\/(.*)$/.exec(path);
    if (m) path = m[1];
    path = path.replace(/^\//, "");
    const segs = splitPath(path);
    if (segs.length !== 1 || segs[0].args === undefined) {
      throw new DataverseError(400, ErrorCodes.ODataClientPayloadError, `The reference '${text}' is not a valid entity reference.`);
    }
    const entity = view.registry.entityBySet(segs[0].name);
    if (!entity) throw segmentNotFound(segs[0].name);
    const id = this.resolveKey(view, entity, parseKey(segs[0].args, entity));
    if (!id) throw new DataverseError(404, ErrorCodes.RecordNotFoundByEntityKey, `A record with the specified key values does not exist in ${entity.logicalName} entity`);
    return { entity: entity.logicalName, id };
  }

  /** The id a key segment names, or undefined when no row has that alternate key. */
  resolveKey(view: DataView, entity: EntityMeta, key: KeyRef): string | undefined {
    if (key.kind === "id") return key.id;
    const k = matchAlternateKey(entity, key.values);
    const row = this.findByKey(view, entity, k.attributes, key.values);
    return row ? String(row[entity.primaryIdAttribute]) : undefined;
  }

  findByKey(view: DataView, entity: EntityMeta, attributes: string[], values: Record<string, unknown>): Row | undefined {
    for (const row of view.scan(entity.logicalName)) {
      if (attributes.every((a) => sameKeyValue(row[a], values[a]))) return row;
    }
    return undefined;
  }

  // ---- create ----------------------------------------------------------------------------------

  create(s: Session, entity: EntityMeta, values: Map<string, Value>, opts: { id?: string } = {}): Row {
    const tx = s.tx;
    const pk = entity.primaryIdAttribute;
    const given = values.get(pk);
    const id = typeof given === "string" ? given : opts.id ?? newGuid();
    if (tx.get(entity.logicalName, id)) {
      throw new DataverseError(412, ErrorCodes.DuplicateRecord, "Cannot insert duplicate key.");
    }
    const now = isoSeconds(s.now());
    const row: Row = { [pk]: id };
    const user: LookupValue = { id: s.caller.userId, entity: "systemuser" };
    for (const a of Object.values(entity.attributes)) {
      if (a.logicalName === pk) continue;
      const v = values.get(a.logicalName);
      if (a.logicalName === "statecode" || a.logicalName === "statuscode") continue;
      if (v !== undefined && a.validForCreate) {
        row[a.logicalName] = v;
        continue;
      }
      row[a.logicalName] = this.defaultFor(a, entity);
    }
    const sys: Record<string, Value> = {
      createdon: values.get("overriddencreatedon") ?? now,
      modifiedon: now,
      createdby: user,
      modifiedby: user,
      versionnumber: tx.nextVersion(),
    };
    for (const [k, v] of Object.entries(sys)) if (k in entity.attributes) row[k] = v;
    if ("ownerid" in entity.attributes && !isLookupValue(row.ownerid)) row.ownerid = user;
    if ("owningbusinessunit" in entity.attributes) row.owningbusinessunit = { id: s.caller.businessUnitId, entity: "businessunit" };
    // An organization-owned row belongs to the one organization.
    if (entity.ownershipType === "OrganizationOwned" && entity.attributes.organizationid?.type === "Lookup") row.organizationid = { id: SEED_IDS.organizationId, entity: "organization" };
    // The base currency for rows with a Currency lookup (not the currency table, whose key has that name).
    if ("transactioncurrencyid" in entity.attributes && entity.primaryIdAttribute !== "transactioncurrencyid" && !isLookupValue(row.transactioncurrencyid)) {
      const cur = this.opts.baseCurrencyId();
      if (cur && tx.get("transactioncurrency", cur)) row.transactioncurrencyid = { id: cur, entity: "transactioncurrency" };
    }
    this.applyState(entity, row, undefined, values.get("statecode"), values.get("statuscode"));
    computeColumns(entity, row);
    row.$seq = tx.nextSeq();
    this.checkRequired(entity, row);
    this.checkUnique(tx, entity, row, id);
    tx.put(entity.logicalName, id, row);
    s.events.push({ message: "Create", entity: entity.logicalName, id, touched: [...values.keys()], post: row, userId: s.caller.userId });
    return row;
  }

  private defaultFor(a: AttributeMeta, entity: EntityMeta): Value {
    if (a.type === "Boolean") return typeof a.defaultValue === "boolean" ? a.defaultValue : false;
    if ((a.type === "Picklist" || a.type === "State" || a.type === "Status") && typeof a.defaultValue === "number" && a.defaultValue !== -1) {
      return a.defaultValue;
    }
    if (a.type === "String" && typeof a.defaultValue === "string") return a.defaultValue;
    void entity;
    return null;
  }

  // ---- update ----------------------------------------------------------------------------------

  update(s: Session, entity: EntityMeta, id: string, values: Map<string, Value>, opts: { ifMatch?: string } = {}): Row {
    const tx = s.tx;
    const existing = tx.get(entity.logicalName, id);
    if (!existing) throw notFound(entity.logicalName, id);
    checkIfMatch(existing, opts.ifMatch);
    if (entity.logicalName === "workflow" && existing.category === WORKFLOW_CATEGORY_MODERN_FLOW && existing.statecode === 1 && values.has("clientdata")) {
      const stays = !values.has("statecode") || values.get("statecode") === 1;
      if (stays) {
        throw new DataverseError(400, ErrorCodes.CannotUpdateActiveModernFlow, 'Cannot update property "clientdata" on a published Modern Flow process.');
      }
    }
    const row: Row = { ...existing };
    for (const [k, v] of values) {
      const a = entity.attributes[k];
      if (!a || k === entity.primaryIdAttribute) continue;
      if (!a.validForUpdate && k !== "statecode" && k !== "statuscode") continue; // read-only columns are ignored
      row[k] = v;
    }
    if (values.has("statecode") || values.has("statuscode")) {
      this.applyState(entity, row, existing, values.get("statecode"), values.get("statuscode"));
    }
    const now = isoSeconds(s.now());
    if ("modifiedon" in entity.attributes) row.modifiedon = now;
    if ("modifiedby" in entity.attributes) row.modifiedby = { id: s.caller.userId, entity: "systemuser" };
    row.versionnumber = tx.nextVersion();
    computeColumns(entity, row);
    this.checkRequired(entity, row);
    this.checkUnique(tx, entity, row, id);
    tx.put(entity.logicalName, id, row);
    if (entity.logicalName === "workflow" && row.category === WORKFLOW_CATEGORY_MODERN_FLOW && existing.statecode !== row.statecode) {
      s.flowTransitions.push({ workflowId: id, from: Number(existing.statecode), to: Number(row.statecode), row });
    }
    s.events.push({ message: "Update", entity: entity.logicalName, id, touched: [...values.keys()], pre: existing, post: row, userId: s.caller.userId });
    return row;
  }

  /** Set statecode and statuscode together, as SetState and the Web API do. */
  private applyState(entity: EntityMeta, row: Row, existing: Row | undefined, stateIn: Value | undefined, statusIn: Value | undefined): void {
    const stateAttr = entity.attributes.statecode;
    const statusAttr = entity.attributes.statuscode;
    if (!stateAttr || !statusAttr) return;
    const hasState = stateIn !== undefined && stateIn !== null;
    const hasStatus = statusIn !== undefined && statusIn !== null;
    const oldState = existing ? Number(existing.statecode) : undefined;
    const initialState = Number(stateAttr.defaultValue ?? 0);
    const stateOfStatus = hasStatus ? statusAttr.options?.find((o) => o.value === Number(statusIn))?.state : undefined;
    const state = hasState ? Number(stateIn) : hasStatus ? stateOfStatus ?? oldState ?? initialState : oldState ?? initialState;
    const status = hasStatus
      ? Number(statusIn)
      : existing && state === oldState
        ? Number(existing.statuscode)
        : defaultStatus(stateAttr, state);
    const statusState = statusAttr.options?.find((o) => o.value === status)?.state;
    if (statusState !== undefined && statusState !== state) {
      throw new DataverseError(
        400,
        ErrorCodes.InvalidArgument,
        `${status} is not a valid status code for state code ${entity.schemaName}State.${stateAttr.options?.find((o) => o.value === state)?.label ?? state} on ${entity.logicalName} with Id ${String(row[entity.primaryIdAttribute])}.`,
      );
    }
    if (entity.logicalName === "opportunity" && state !== 0 && state !== oldState) {
      const label = stateAttr.options?.find((o) => o.value === state)?.label ?? String(state);
      const message = state === 1 ? "WinOpportunity" : "LoseOpportunity";
      throw new DataverseError(
        400,
        ErrorCodes.CannotUseOpportunitySetStateMessage,
        `This message can not be used to set the state of opportunity to ${label}. In order to set state of opportunity to ${label}, use the ${message} message instead.`,
      );
    }
    row.statecode = state;
    row.statuscode = status;
  }

  /** Close an opportunity (WinOpportunity / LoseOpportunity): the only way into Won or Lost. */
  closeOpportunity(s: Session, id: string, state: 1 | 2, status: number, extra: Record<string, Value> = {}): Row {
    const entity = s.tx.registry.entity("opportunity");
    if (!entity) throw segmentNotFound("opportunities");
    const existing = s.tx.get("opportunity", id);
    if (!existing) throw notFound("opportunity", id);
    if (existing.statecode !== 0) throw new DataverseError(400, ErrorCodes.OpportunityIsAlreadyClosed, "The opportunity is already closed.");
    const statusAttr = entity.attributes.statuscode;
    const st = statusAttr?.options?.find((o) => o.value === status);
    if (!st || st.state !== state) {
      throw new DataverseError(400, ErrorCodes.InvalidArgument, `${status} is not a valid status code for state code OpportunityState.${state === 1 ? "Won" : "Lost"} on opportunity with Id ${id}.`);
    }
    const row: Row = { ...existing, ...extra, statecode: state, statuscode: status };
    if ("modifiedon" in entity.attributes) row.modifiedon = isoSeconds(s.now());
    row.modifiedby = { id: s.caller.userId, entity: "systemuser" };
    row.versionnumber = s.tx.nextVersion();
    s.tx.put("opportunity", id, row);
    s.events.push({ message: "Update", entity: "opportunity", id, touched: ["statecode", "statuscode", ...Object.keys(extra)], pre: existing, post: row, userId: s.caller.userId });
    return row;
  }

  /** Write columns without the state guard (actions that own the state change, e.g. QualifyLead). */
  systemUpdate(s: Session, entity: EntityMeta, id: string, values: Record<string, Value>): Row {
    const existing = s.tx.get(entity.logicalName, id);
    if (!existing) throw notFound(entity.logicalName, id);
    const row: Row = { ...existing, ...values };
    if ("modifiedon" in entity.attributes) row.modifiedon = isoSeconds(s.now());
    if ("modifiedby" in entity.attributes) row.modifiedby = { id: s.caller.userId, entity: "systemuser" };
    row.versionnumber = s.tx.nextVersion();
    computeColumns(entity, row);
    this.checkUnique(s.tx, entity, row, id);
    s.tx.put(entity.logicalName, id, row);
    s.events.push({ message: "Update", entity: entity.logicalName, id, touched: Object.keys(values), pre: existing, post: row, userId: s.caller.userId });
    return row;
  }

  /**
   * Write a row on behalf of the platform (solution import, async jobs): system columns are filled,
   * no change events are raised, as Dataverse raises none for solution components it installs.
   */
  platformPut(s: Session, entityName: string, id: string, fields: Record<string, Value>): Row {
    const entity = s.tx.registry.entity(entityName);
    if (!entity) throw segmentNotFound(entityName);
    const existing = s.tx.get(entityName, id);
    const now = isoSeconds(s.now());
    const user: LookupValue = { id: s.caller.userId, entity: "systemuser" };
    const row: Row = existing ? { ...existing } : { [entity.primaryIdAttribute]: id };
    if (!existing) {
      for (const a of Object.values(entity.attributes)) {
        if (a.logicalName !== entity.primaryIdAttribute) row[a.logicalName] = this.defaultFor(a, entity);
      }
      if ("createdon" in entity.attributes) row.createdon = now;
      if ("createdby" in entity.attributes) row.createdby = user;
      if ("ownerid" in entity.attributes) row.ownerid = user;
      if ("owningbusinessunit" in entity.attributes) row.owningbusinessunit = { id: s.caller.businessUnitId, entity: "businessunit" };
      if (entity.ownershipType === "OrganizationOwned" && entity.attributes.organizationid?.type === "Lookup") row.organizationid = { id: SEED_IDS.organizationId, entity: "organization" };
      if (entity.attributes.statecode) {
        row.statecode = Number(entity.attributes.statecode.defaultValue ?? 0);
        row.statuscode = defaultStatus(entity.attributes.statecode, Number(row.statecode));
      }
      row.$seq = s.tx.nextSeq();
    }
    for (const [k, v] of Object.entries(fields)) if (k in entity.attributes) row[k] = v;
    if ("modifiedon" in entity.attributes) row.modifiedon = now;
    if ("modifiedby" in entity.attributes) row.modifiedby = user;
    row.versionnumber = s.tx.nextVersion();
    computeColumns(entity, row);
    s.tx.put(entityName, id, row);
    return row;
  }

  platformDelete(s: Session, entityName: string, id: string): void {
    if (s.tx.get(entityName, id)) s.tx.delete(entityName, id);
  }

  // ---- delete ----------------------------------------------------------------------------------

  delete(s: Session, entity: EntityMeta, id: string, opts: { ifMatch?: string } = {}): void {
    const existing = s.tx.get(entity.logicalName, id);
    if (!existing) throw notFound(entity.logicalName, id);
    checkIfMatch(existing, opts.ifMatch);
    this.deleteRow(s, entity, existing, id, 0);
  }

  private deleteRow(s: Session, entity: EntityMeta, existing: Row, id: string, depth: number): void {
    if (depth > 20) throw new DataverseError(400, ErrorCodes.InvalidArgument, "Cascade delete went deeper than 20 levels.");
    const registry = s.tx.registry;
    s.tx.delete(entity.logicalName, id);
    s.events.push({ message: "Delete", entity: entity.logicalName, id, touched: [], pre: existing, userId: s.caller.userId });
    for (const rel of registry.childRelationships(entity.logicalName)) {
      const child = registry.entity(rel.referencingEntity);
      if (!child) continue;
      const children: Row[] = [];
      for (const r of s.tx.scan(rel.referencingEntity)) {
        const ref = r[rel.referencingAttribute];
        if (isLookupValue(ref) && ref.id === id && ref.entity === entity.logicalName) children.push(r);
      }
      for (const c of children) {
        const cid = String(c[child.primaryIdAttribute]);
        if (rel.cascadeDelete === "Cascade") {
          if (s.tx.get(child.logicalName, cid)) this.deleteRow(s, child, c, cid, depth + 1);
        } else if (rel.cascadeDelete === "Restrict") {
          throw new DataverseError(
            405,
            ErrorCodes.CannotDeleteDueToAssociation,
            `The object you tried to delete is associated with another object and cannot be deleted. (${entity.logicalName} ${id} is referenced by ${child.logicalName} ${cid} through ${rel.schemaName}, cascade Restrict.)`,
          );
        } else {
          const updated: Row = { ...c, [rel.referencingAttribute]: null, versionnumber: s.tx.nextVersion() };
          s.tx.put(child.logicalName, cid, updated);
          s.events.push({ message: "Update", entity: child.logicalName, id: cid, touched: [rel.referencingAttribute], pre: c, post: updated, userId: s.caller.userId });
        }
      }
    }
  }

  // ---- checks ----------------------------------------------------------------------------------

  private checkRequired(entity: EntityMeta, row: Row): void {
    for (const a of Object.values(entity.attributes)) {
      if (a.requiredLevel !== "SystemRequired" || a.computed) continue;
      const v = row[a.logicalName];
      if (v === null || v === undefined || v === "") {
        throw new DataverseError(
          400,
          ErrorCodes.RequiredFieldMissing,
          `Required field missing. The '${a.logicalName}' column of the '${entity.logicalName}' table needs a value.`,
        );
      }
    }
  }

  private checkUnique(tx: Transaction, entity: EntityMeta, row: Row, id: string): void {
    for (const key of entity.keys) {
      if (key.attributes.some((a) => row[a] === null || row[a] === undefined)) continue;
      for (const other of tx.scan(entity.logicalName)) {
        if (other[entity.primaryIdAttribute] === id) continue;
        if (key.attributes.every((a) => sameKeyValue(other[a], row[a]))) {
          const values = key.attributes.map((a) => `${a}:${formatKeyValue(row[a])}`).join(",");
          throw new DataverseError(
            412,
            ErrorCodes.DuplicateRecordEntityKey,
            `Entity Key ${key.schemaName || key.logicalName} violated. A record with the same value for ${key.attributes.join(",")} already exists. A duplicate record cannot be created. Select one or more unique values and try again. (${values})`,
          );
        }
      }
    }
    if (entity.logicalName === "transactioncurrency" && typeof row.isocurrencycode === "string") {
      for (const other of tx.scan("transactioncurrency")) {
        if (other.transactioncurrencyid !== id && String(other.isocurrencycode).toLowerCase() === row.isocurrencycode.toLowerCase()) {
          throw new DataverseError(
            412,
            ErrorCodes.DuplicateIsoCurrencyCode,
            "Cannot insert duplicate currency record. Currency with the same currency code already exist in the system.",
          );
        }
      }
    }
  }
}

function defaultStatus(stateAttr: AttributeMeta, state: number): number {
  return stateAttr.options?.find((o) => o.value === state)?.defaultStatus ?? 1;
}

function sameKeyValue(a: unknown, b: unknown): boolean {
  if (a === null || a === undefined || b === null || b === undefined) return false;
  const av = isLookupValue(a) ? a.id : a;
  const bv = isLookupValue(b) ? b.id : b;
  if (typeof av === "string" && typeof bv === "string") return av.toLowerCase() === bv.toLowerCase();
  return av === bv;
}

const formatKeyValue = (v: Value | undefined): string => (isLookupValue(v) ? v.id : String(v));

function checkIfMatch(existing: Row, ifMatch: string | undefined): void {
  if (!ifMatch || ifMatch.trim() === "*") return;
  const tags = ifMatch.split(",").map((t) => t.trim());
  const etag = `W/"${String(existing.versionnumber ?? 0)}"`;
  if (!tags.includes(etag) && !tags.includes(etag.slice(2))) {
    // [cond] 412 with "The version of the existing record doesn't match the RowVersion property provided."
    throw new DataverseError(412, ErrorCodes.ConcurrencyVersionMismatch, "The version of the existing record doesn't match the RowVersion property provided.");
  }
}

/** Columns Dataverse computes (full names of people). */
export function computeColumns(entity: EntityMeta, row: Row): void {
  for (const a of Object.values(entity.attributes)) {
    if (a.computed === "fullname") {
      const parts = [row.firstname, row.lastname].filter((x) => typeof x === "string" && x.trim() !== "");
      row[a.logicalName] = parts.length ? parts.join(" ") : null;
    }
  }
  // Owning User mirrors a user Owner (owners here are always users), as Dataverse fills it.
  if ("owninguser" in entity.attributes && "ownerid" in entity.attributes) row.owninguser = isLookupValue(row.ownerid) ? { ...row.ownerid, entity: "systemuser" } : null;
}

export const lookupAttributes = (entity: EntityMeta): AttributeMeta[] => Object.values(entity.attributes).filter(isLookupType);
