/**
 * Functions and actions: WhoAmI, RetrieveCurrentOrganization, WinOpportunity, LoseOpportunity,
 * QualifyLead (bound to lead), ImportSolution, ImportSolutionAsync, StageAndUpgradeAsync,
 * PublishXml / PublishAllXml (accepted, nothing to publish).
 * Parameters and responses follow the Web API reference
 * (learn.microsoft.com/power-apps/developer/data-platform/webapi/reference/*).
 */
import type { HandlerEnv } from "./api";
import { parseBody } from "./api";
import type { InternalResponse } from "./context";
import type { Session } from "./engine";
import { DataverseError, ErrorCodes, notFound, payloadError } from "./errors";
import { empty, json } from "./http-util";
import type { EntityMeta } from "./metadata/types";
import { parsePayload } from "./odata/payload";
import type { PathSegment } from "./odata/query";
import { openSolutionZip, parseSolution } from "./solution/parse";
import { flowDependencies, type ImportOptions, type ImportResult } from "./solution/import";
import { isLookupValue, type LookupValue, type Row, type Value } from "./store/store";
import { isGuid, isoSeconds, isPlainObject, newGuid, normGuid } from "./util";

type ActionHandler = (env: HandlerEnv, seg: PathSegment) => Promise<InternalResponse> | InternalResponse;
type BoundActionHandler = (env: HandlerEnv, entity: EntityMeta, id: string) => Promise<InternalResponse>;

const requirePost = (env: HandlerEnv, name: string): void => {
  if (env.req.method !== "POST") {
    throw new DataverseError(404, "", `No HTTP resource was found that matches the request URI '${env.ctx.apiUrl()}${name}'.`);
  }
};

/** An entity-typed action parameter: {"@odata.type": "Microsoft.Dynamics.CRM.account", "accountid": "…"}. */
function entityParameter(env: HandlerEnv, s: Session, value: unknown, name: string): LookupValue | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string") return env.ctx.engine.resolveReference(s.tx, value, env.contentIds ?? s.contentIds);
  if (!isPlainObject(value)) throw new DataverseError(400, ErrorCodes.InvalidArgument, `The parameter '${name}' must be an entity reference.`);
  const type = String(value["@odata.type"] ?? "").replace(/^#?Microsoft\.Dynamics\.CRM\./, "");
  const entity = s.tx.registry.entity(type);
  if (!entity) throw new DataverseError(400, ErrorCodes.InvalidArgument, `The parameter '${name}' needs an "@odata.type" naming a table (got '${String(value["@odata.type"])}').`);
  const id = value[entity.primaryIdAttribute];
  if (typeof id !== "string" || !isGuid(id)) throw new DataverseError(400, ErrorCodes.InvalidArgument, `The parameter '${name}' needs '${entity.primaryIdAttribute}'.`);
  if (!s.tx.get(entity.logicalName, normGuid(id))) throw notFound(entity.logicalName, normGuid(id));
  return { entity: entity.logicalName, id: normGuid(id) };
}

// ---- WhoAmI ------------------------------------------------------------------------------------------

const whoAmI: ActionHandler = (env) => {
  if (env.req.method !== "GET") throw new DataverseError(404, "", `No HTTP resource was found that matches the request URI '${env.ctx.apiUrl()}WhoAmI'.`);
  const org = [...env.ctx.store.scan("organization")][0];
  return json(200, {
    "@odata.context": `${env.ctx.apiUrl()}$metadata#Microsoft.Dynamics.CRM.WhoAmIResponse`,
    BusinessUnitId: env.ctx.caller.businessUnitId,
    UserId: env.ctx.caller.userId,
    OrganizationId: org ? String(org.organizationid) : null,
  });
};

// ---- WinOpportunity / LoseOpportunity ---------------------------------------------------------------------

function closeOpportunity(state: 1 | 2): ActionHandler {
  const name = state === 1 ? "WinOpportunity" : "LoseOpportunity";
  return async (env) => {
    requirePost(env, name);
    const body = parseBody(env, name) as Record<string, unknown>;
    const status = body.Status;
    if (typeof status !== "number" || !Number.isInteger(status)) {
      throw new DataverseError(400, ErrorCodes.InvalidArgument, `${name}: the parameter 'Status' (Edm.Int32) is required.`);
    }
    const close = body.OpportunityClose;
    if (!isPlainObject(close)) throw new DataverseError(400, ErrorCodes.InvalidArgument, `${name}: the parameter 'OpportunityClose' is required.`);
    await env.run((s) => {
      const closeEntity = s.tx.registry.entity("opportunityclose") as EntityMeta;
      const fields = { ...close };
      delete fields["@odata.type"];
      const payload = parsePayload(s.tx, closeEntity, fields, (t) => env.ctx.engine.resolveReference(s.tx, t, env.contentIds ?? s.contentIds));
      const opp = payload.values.get("opportunityid");
      if (!isLookupValue(opp)) throw new DataverseError(400, ErrorCodes.InvalidArgument, `${name}: OpportunityClose needs "opportunityid@odata.bind".`);
      const oppRow = s.tx.get("opportunity", opp.id);
      if (!oppRow) throw notFound("opportunity", opp.id);
      const engine = env.ctx.engine;
      const values = new Map(payload.values);
      if (!values.has("subject")) values.set("subject", `${state === 1 ? "Won" : "Lost"}: ${String(oppRow.name ?? "")}`.slice(0, 200));
      const closeRow = engine.create(s, closeEntity, values);
      engine.platformPut(s, "opportunityclose", String(closeRow.activityid), { statecode: 1, statuscode: 2 });
      const actual: Record<string, Value> = {
        actualclosedate: (values.get("actualend") as string | undefined) ?? isoSeconds(s.now()).slice(0, 10),
      };
      if (values.has("actualrevenue")) actual.actualvalue = values.get("actualrevenue") as Value;
      engine.closeOpportunity(s, opp.id, state, status, actual);
    });
    return empty(204);
  };
}

// ---- QualifyLead ---------------------------------------------------------------------------------------

const qualifyLead: BoundActionHandler = async (env, entity, leadId) => {
  if (entity.logicalName !== "lead") throw new DataverseError(404, ErrorCodes.ResourceNotFoundForSegment, "Resource not found for the segment 'Microsoft.Dynamics.CRM.QualifyLead'.");
  const body = parseBody(env, "QualifyLead") as Record<string, unknown>;
  for (const p of ["CreateAccount", "CreateContact", "CreateOpportunity"]) {
    if (typeof body[p] !== "boolean") throw new DataverseError(400, ErrorCodes.InvalidArgument, `QualifyLead: the parameter '${p}' (Edm.Boolean) is required.`);
  }
  if (typeof body.Status !== "number") throw new DataverseError(400, ErrorCodes.InvalidArgument, "QualifyLead: the parameter 'Status' (Edm.Int32) is required.");
  const created = await env.run((s) => {
    const engine = env.ctx.engine;
    const reg = s.tx.registry;
    const lead = s.tx.get("lead", leadId);
    if (!lead) throw notFound("lead", leadId);
    if (lead.statecode !== 0) throw new DataverseError(400, ErrorCodes.LeadAlreadyInClosedState, "The lead is already closed.");
    const leadMeta = reg.entity("lead") as EntityMeta;
    const status = Number(body.Status);
    const st = leadMeta.attributes.statuscode.options?.find((o) => o.value === status);
    if (!st || st.state !== 1) throw new DataverseError(400, ErrorCodes.InvalidArgument, `${status} is not a valid status code for state code LeadState.Qualified on lead with Id ${leadId}.`);
    const currency = entityParameter(env, s, body.OpportunityCurrencyId ?? body["OpportunityCurrencyId@odata.bind"], "OpportunityCurrencyId");
    const customer = entityParameter(env, s, body.OpportunityCustomerId ?? body["OpportunityCustomerId@odata.bind"], "OpportunityCustomerId");
    const out: Array<{ entity: EntityMeta; row: Row }> = [];
    const leadRef: LookupValue = { id: leadId, entity: "lead" };
    const pick = (fields: Record<string, Value | undefined>): Map<string, Value> => {
      const m = new Map<string, Value>();
      for (const [k, v] of Object.entries(fields)) if (v !== undefined && v !== null) m.set(k, v);
      return m;
    };
    /** Apply the lead → <target> column mapping (built-in defaults plus the imported entity map). */
    const mapped = (target: string, base: Map<string, Value>): Map<string, Value> => {
      const targetMeta = reg.entity(target) as EntityMeta;
      for (const map of reg.model.entityMaps.filter((m) => m.source === "lead" && m.target === target)) {
        for (const a of map.attributes) {
          const v = lead[a.source];
          if (v !== undefined && v !== null && targetMeta.attributes[a.target]) base.set(a.target, v);
        }
      }
      return base;
    };
    let account: Row | undefined;
    let contact: Row | undefined;
    if (body.CreateAccount) {
      if (!lead.companyname) throw new DataverseError(400, ErrorCodes.InvalidArgument, "QualifyLead: the lead has no Company Name, so no account can be created from it.");
      const accountMeta = reg.entity("account") as EntityMeta;
      account = engine.create(
        s,
        accountMeta,
        mapped(
          "account",
          pick({
            name: lead.companyname,
            telephone1: lead.telephone1,
            websiteurl: lead.websiteurl,
            address1_line1: lead.address1_line1,
            address1_city: lead.address1_city,
            address1_stateorprovince: lead.address1_stateorprovince,
            address1_postalcode: lead.address1_postalcode,
            address1_country: lead.address1_country,
            originatingleadid: leadRef,
            transactioncurrencyid: lead.transactioncurrencyid,
          }),
        ),
      );
      out.push({ entity: accountMeta, row: account });
    }
    if (body.CreateContact) {
      const contactMeta = reg.entity("contact") as EntityMeta;
      const parent = account ? { id: String(account.accountid), entity: "account" } : isLookupValue(lead.parentaccountid) ? lead.parentaccountid : undefined;
      contact = engine.create(
        s,
        contactMeta,
        mapped(
          "contact",
          pick({
            firstname: lead.firstname,
            lastname: lead.lastname,
            jobtitle: lead.jobtitle,
            emailaddress1: lead.emailaddress1,
            telephone1: lead.telephone1,
            address1_city: lead.address1_city,
            address1_postalcode: lead.address1_postalcode,
            address1_country: lead.address1_country,
            parentcustomerid: parent,
            originatingleadid: leadRef,
            transactioncurrencyid: lead.transactioncurrencyid,
          }),
        ),
      );
      out.push({ entity: contactMeta, row: contact });
    }
    let opportunity: Row | undefined;
    if (body.CreateOpportunity) {
      const oppMeta = reg.entity("opportunity") as EntityMeta;
      const accountRef = account ? { id: String(account.accountid), entity: "account" } : isLookupValue(lead.parentaccountid) ? lead.parentaccountid : undefined;
      const contactRef = contact ? { id: String(contact.contactid), entity: "contact" } : isLookupValue(lead.parentcontactid) ? lead.parentcontactid : undefined;
      opportunity = engine.create(
        s,
        oppMeta,
        mapped(
          "opportunity",
          pick({
            name: (lead.subject as Value) ?? lead.fullname ?? "Opportunity",
            customerid: customer ?? accountRef ?? contactRef,
            parentaccountid: accountRef,
            parentcontactid: contactRef,
            originatingleadid: leadRef,
            transactioncurrencyid: currency ?? lead.transactioncurrencyid,
            estimatedvalue: lead.estimatedamount,
            estimatedclosedate: lead.estimatedclosedate,
            description: lead.description,
          }),
        ),
      );
      out.push({ entity: oppMeta, row: opportunity });
    }
    const leadUpdate: Record<string, Value> = { statecode: 1, statuscode: status };
    if (opportunity) leadUpdate.qualifyingopportunityid = { id: String(opportunity.opportunityid), entity: "opportunity" };
    if (account) leadUpdate.parentaccountid = { id: String(account.accountid), entity: "account" };
    if (contact) leadUpdate.parentcontactid = { id: String(contact.contactid), entity: "contact" };
    engine.systemUpdate(s, leadMeta, leadId, leadUpdate);
    return out;
  });
  return json(200, {
    "@odata.context": `${env.ctx.apiUrl()}$metadata#Collection(Microsoft.Dynamics.CRM.crmbaseentity)`,
    value: created.map((c) => ({ "@odata.type": `#Microsoft.Dynamics.CRM.${c.entity.logicalName}`, [c.entity.primaryIdAttribute]: c.row[c.entity.primaryIdAttribute] })),
  });
};

// ---- ImportSolution / ImportSolutionAsync ------------------------------------------------------------------

interface ImportRequest {
  bytes: Uint8Array;
  options: ImportOptions;
}

function importRequest(body: Record<string, unknown>): ImportRequest {
  const file = body.CustomizationFile;
  if (typeof file !== "string" || file.length === 0) {
    throw new DataverseError(400, ErrorCodes.InvalidArgument, "ImportSolution: the parameter 'CustomizationFile' (Edm.Binary, base64) is required.");
  }
  if (!/^[A-Za-z0-9+/=\r\n]+$/.test(file)) throw new DataverseError(400, ErrorCodes.InvalidArgument, "ImportSolution: 'CustomizationFile' is not base64.");
  const jobId = body.ImportJobId;
  return {
    bytes: new Uint8Array(Buffer.from(file, "base64")),
    options: {
      overwriteUnmanagedCustomizations: body.OverwriteUnmanagedCustomizations === true,
      publishWorkflows: body.PublishWorkflows === true,
      importJobId: typeof jobId === "string" && isGuid(jobId) ? normGuid(jobId) : undefined,
      connectionBindings: componentParameters(body.ComponentParameters),
    },
  };
}

/**
 * ComponentParameters (an entity collection): the connection references to bind during the import,
 * as `{ "@odata.type": "Microsoft.Dynamics.CRM.connectionreference", connectionreferencelogicalname, connectionid }`.
 * Other component types are refused rather than silently ignored.
 */
function componentParameters(value: unknown): Map<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  const bad = (why: string) => new DataverseError(400, ErrorCodes.InvalidArgument, `ImportSolution: 'ComponentParameters' ${why}.`);
  if (!Array.isArray(value)) throw bad("must be an array of entities");
  const out = new Map<string, string>();
  value.forEach((p, i) => {
    if (!isPlainObject(p)) throw bad(`item ${i} is not an entity`);
    const type = String(p["@odata.type"] ?? "");
    if (type !== "Microsoft.Dynamics.CRM.connectionreference") throw bad(`item ${i} is a '${type || "(no @odata.type)"}'; only Microsoft.Dynamics.CRM.connectionreference is supported`);
    const name = p.connectionreferencelogicalname;
    const connection = p.connectionid;
    if (typeof name !== "string" || !name) throw bad(`item ${i} needs connectionreferencelogicalname`);
    if (typeof connection !== "string" || !connection) throw bad(`item ${i} needs connectionid`);
    out.set(name.toLowerCase(), connection);
  });
  return out;
}

/** Import, then turn on the flows that shipped on (through the flow service when configured). */
export async function runImport(env: HandlerEnv, request: ImportRequest): Promise<ImportResult> {
  const ctx = env.ctx;
  const jobId = request.options.importJobId ?? newGuid();
  const started = isoSeconds(ctx.clock());
  let result: ImportResult;
  try {
    const files = openSolutionZip(request.bytes);
    const parsed = parseSolution(files);
    result = await ctx.write((s) => {
      const r = ctx.importer.install(s, parsed, request.options);
      ctx.engine.platformPut(s, "importjob", jobId, {
        name: "Customizations",
        solutionname: parsed.uniqueName,
        solutionid: r.solutionId,
        progress: 100,
        startedon: started,
        completedon: isoSeconds(s.now()),
        data: importJobData(parsed.uniqueName, "success", r.warnings, `${r.action}: ${r.components} components`),
      });
      return r;
    });
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    await ctx
      .write((s) => {
        ctx.engine.platformPut(s, "importjob", jobId, {
          name: "Customizations",
          progress: 100,
          startedon: started,
          completedon: isoSeconds(s.now()),
          data: importJobData("", "failure", [], message),
        });
      })
      .catch(() => undefined);
    throw e;
  }
  // Child flows first: a flow service refuses a parent whose child flow is still off.
  const before = result.warnings.length;
  for (const id of activationOrder(result.flowsToActivate, ctx)) {
    try {
      await ctx.write((s) => {
        const wf = s.tx.registry.entity("workflow") as EntityMeta;
        ctx.engine.update(s, wf, id, new Map<string, Value>([["statecode", 1], ["statuscode", 2]]));
      });
    } catch (e) {
      result.warnings.push(`Flow ${id} was imported but could not be turned on: ${(e as Error).message}`);
    }
  }
  if (result.warnings.length > before) {
    await ctx
      .write((s) => {
        const job = s.tx.get("importjob", jobId);
        ctx.engine.platformPut(s, "importjob", jobId, { data: `${String(job?.data ?? "")}${result.warnings.slice(before).map((w) => `<warning>${w.replace(/&/g, "&amp;").replace(/</g, "&lt;")}</warning>`).join("")}` });
      })
      .catch(() => undefined);
  }
  if (result.warnings.length) ctx.options.log(`ImportSolution warnings: ${result.warnings.join(" | ")}`);
  return result;
}

/** Flows ordered so that every child flow comes before the flows that call it. */
function activationOrder(ids: string[], ctx: HandlerEnv["ctx"]): string[] {
  const wanted = new Set(ids);
  const children = new Map<string, string[]>();
  for (const id of ids) {
    const row = ctx.store.get("workflow", id);
    let deps: string[] = [];
    try {
      deps = typeof row?.clientdata === "string" ? flowDependencies(row.clientdata).childFlows.filter((c) => wanted.has(c)) : [];
    } catch {
      deps = [];
    }
    children.set(id, deps);
  }
  const out: string[] = [];
  const seen = new Set<string>();
  const visit = (id: string, path: Set<string>) => {
    if (seen.has(id) || path.has(id)) return;
    path.add(id);
    for (const c of children.get(id) ?? []) visit(c, path);
    path.delete(id);
    seen.add(id);
    out.push(id);
  };
  for (const id of ids) visit(id, new Set());
  return out;
}

function importJobData(solution: string, result: string, warnings: string[], detail: string): string {
  const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/"/g, "&quot;");
  return `<importexportxml><solutionManifests><solutionManifest><UniqueName>${esc(solution)}</UniqueName><result result="${result}" errortext="${esc(result === "failure" ? detail : "")}" /></solutionManifest></solutionManifests><detail>${esc(detail)}</detail>${warnings.map((w) => `<warning>${esc(w)}</warning>`).join("")}</importexportxml>`;
}

const importSolution: ActionHandler = async (env) => {
  requirePost(env, "ImportSolution");
  const body = parseBody(env, "ImportSolution");
  if (!isPlainObject(body)) throw payloadError("ImportSolution", "The request body must be a JSON object.");
  await runImport(env, importRequest(body));
  return empty(204);
};

/**
 * ImportSolutionAsync and StageAndUpgradeAsync: the import runs in the background; the caller polls
 * asyncoperations(AsyncOperationId) (statecode 3, statuscode 30 Succeeded / 31 Failed) and may read
 * importjobs(ImportJobKey) for progress. Both answer {AsyncOperationId, ImportJobKey}
 * (webapi/reference/importsolutionasync, …/stageandupgradeasync).
 */
function asyncImport(name: "ImportSolutionAsync" | "StageAndUpgradeAsync"): ActionHandler {
  return async (env) => {
    requirePost(env, name);
    const body = parseBody(env, name);
    if (!isPlainObject(body)) throw payloadError(name, "The request body must be a JSON object.");
    const request = importRequest(body);
    if (name === "StageAndUpgradeAsync") request.options.upgrade = true;
    const ctx = env.ctx;
    const asyncId = newGuid();
    const jobKey = newGuid();
    request.options.importJobId = request.options.importJobId ?? jobKey;
    await ctx.write((s) => {
      ctx.engine.platformPut(s, "asyncoperation", asyncId, {
        name,
        operationtype: 201,
        statecode: 0,
        statuscode: 0,
        correlationid: jobKey,
      });
      // The import job exists from the start (progress 0) so a caller can poll it (pac does).
      ctx.engine.platformPut(s, "importjob", request.options.importJobId!, { name: "Customizations", progress: 0, startedon: isoSeconds(s.now()) });
    });
    const job = (async () => {
      await ctx.write((s) => {
        ctx.engine.platformPut(s, "asyncoperation", asyncId, { statecode: 2, statuscode: 20, startedon: isoSeconds(s.now()) });
      });
      let ok = true;
      let message = "";
      try {
        const r = await runImport({ ...env, run: (fn) => ctx.write(fn) }, request);
        message = [...r.warnings, ...r.removed.map((c) => `Removed by the upgrade: ${c}`)].join("\n");
      } catch (e) {
        ok = false;
        const de = e instanceof DataverseError ? e : undefined;
        message = de ? `${de.code} ${de.message}` : String(e);
      }
      await ctx.write((s) => {
        ctx.engine.platformPut(s, "asyncoperation", asyncId, {
          statecode: 3,
          statuscode: ok ? 30 : 31,
          message: message || null,
          friendlymessage: ok ? null : message,
          completedon: isoSeconds(s.now()),
        });
      });
    })();
    ctx.track(job);
    return json(200, {
      "@odata.context": `${ctx.apiUrl()}$metadata#Microsoft.Dynamics.CRM.${name}Response`,
      AsyncOperationId: asyncId,
      ImportJobKey: jobKey,
    });
  };
}

// ---- RetrieveCurrentOrganization -------------------------------------------------------------------

/** EndpointAccessType (webapi/reference/endpointaccesstype): the function's one required parameter. */
const ENDPOINT_ACCESS_TYPES = ["Default", "Internet", "Intranet"];

/**
 * GET RetrieveCurrentOrganization(AccessType=@p1)?@p1=Microsoft.Dynamics.CRM.EndpointAccessType'Default'
 * (webapi/reference/retrievecurrentorganization): the organization's details, EnvironmentId among
 * them (the Power Platform environment a tool names when it calls Power Automate).
 */
const retrieveCurrentOrganization: ActionHandler = (env, seg) => {
  if (env.req.method !== "GET") throw new DataverseError(405, "", `No HTTP resource was found that matches the request URI '${env.ctx.apiUrl()}RetrieveCurrentOrganization' for method ${env.req.method}.`);
  const args = new Map((seg.args ?? "").split(",").filter(Boolean).map((p) => p.split("=").map((x) => x.trim()) as [string, string]));
  let access = args.get("AccessType");
  if (access?.startsWith("@")) access = new URLSearchParams(env.req.query).get(access) ?? undefined;
  const m = /^(?:Microsoft\.Dynamics\.CRM\.EndpointAccessType)?'([A-Za-z]+)'$|^(\d)$/.exec(access ?? "");
  const value = m ? (m[1] ?? ENDPOINT_ACCESS_TYPES[Number(m[2])]) : undefined;
  if (!value || !ENDPOINT_ACCESS_TYPES.includes(value)) {
    throw new DataverseError(400, ErrorCodes.QueryInvalid, `RetrieveCurrentOrganization: the parameter 'AccessType' (Microsoft.Dynamics.CRM.EndpointAccessType: ${ENDPOINT_ACCESS_TYPES.join(", ")}) is required.`);
  }
  const org = [...env.ctx.store.scan("organization")][0];
  const webUrl = env.ctx.apiUrl().replace(/\/api\/data\/v9\.2\/$/, "/");
  return json(200, {
    "@odata.context": `${env.ctx.apiUrl()}$metadata#Microsoft.Dynamics.CRM.RetrieveCurrentOrganizationResponse`,
    Detail: {
      OrganizationId: org ? String(org.organizationid) : null,
      FriendlyName: org ? String(org.name ?? "") : "",
      OrganizationVersion: "9.2.0.0",
      EnvironmentId: env.ctx.environmentId,
      DatacenterId: null,
      Geo: "local",
      TenantId: env.ctx.tenantId,
      UrlName: "sandbox",
      UniqueName: "sandbox",
      State: "Enabled",
      Endpoints: { Count: 1, IsReadOnly: false, Keys: ["WebApplication"], Values: [webUrl] },
    },
  });
};

const publish: ActionHandler = (env) => {
  requirePost(env, "PublishXml");
  return empty(204);
};

export const actionHandlers: Record<string, ActionHandler> = {
  WhoAmI: whoAmI,
  WinOpportunity: closeOpportunity(1),
  LoseOpportunity: closeOpportunity(2),
  ImportSolution: importSolution,
  ImportSolutionAsync: asyncImport("ImportSolutionAsync"),
  StageAndUpgradeAsync: asyncImport("StageAndUpgradeAsync"),
  RetrieveCurrentOrganization: retrieveCurrentOrganization,
  PublishXml: publish,
  PublishAllXml: publish,
};

export const boundActionHandlers: Record<string, BoundActionHandler> = {
  QualifyLead: qualifyLead,
};
