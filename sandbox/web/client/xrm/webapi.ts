/**
 * Xrm.WebApi on the Dataverse emulator's Web API (through the web app, same origin): the five
 * record operations a form script uses, with the documented inputs and results
 * (learn.microsoft.com/power-apps/developer/model-driven-apps/clientapi/reference/xrm-webapi).
 * A failure rejects with the Web API's error: `{ errorCode, message, code }`, errorCode being the
 * Dataverse error code as a number, as the client API gives it.
 */
import { HttpError, request } from "../http";
import { entityMeta } from "../metadata";
import { ANNOTATIONS, API } from "../webapi-url";
import { bare } from "./values";

export interface WebApiFailure {
  errorCode: number;
  message: string;
  code?: string;
  status: number;
}

function failure(e: unknown): WebApiFailure {
  if (e instanceof HttpError) {
    const hex = e.code && /^0x[0-9a-f]+$/i.test(e.code) ? Number.parseInt(e.code, 16) : 0;
    return { errorCode: hex, message: e.message, ...(e.code ? { code: e.code } : {}), status: e.status };
  }
  return { errorCode: 0, message: (e as Error)?.message ?? String(e), status: 0 };
}

async function call<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    throw failure(e);
  }
}

const setOf = async (entityLogicalName: string): Promise<string> => (await entityMeta(entityLogicalName)).entitySetName;
const query = (options?: string): string => (options ? (options.startsWith("?") ? options : `?${options}`) : "");

/** The id in an OData-EntityId header: …/opportunities(<id>). */
const idFromEntityId = (h: string | null): string => bare(/\(([0-9a-fA-F-]{36})\)\s*$/.exec(h ?? "")?.[1] ?? "");

export const webApi = {
  retrieveRecord: (entityLogicalName: string, id: string, options?: string): Promise<Record<string, unknown>> =>
    call(async () => (await request<Record<string, unknown>>("GET", `${API}${await setOf(entityLogicalName)}(${bare(id)})${query(options)}`, undefined, ANNOTATIONS)).body),

  retrieveMultipleRecords: (entityLogicalName: string, options?: string, maxPageSize?: number): Promise<{ entities: Array<Record<string, unknown>>; nextLink?: string }> =>
    call(async () => {
      const prefer = [ANNOTATIONS.Prefer, ...(maxPageSize ? [`odata.maxpagesize=${maxPageSize}`] : [])].join(",");
      const url = options?.startsWith(API) || options?.startsWith("http") ? options : `${API}${await setOf(entityLogicalName)}${query(options)}`;
      const body = (await request<{ value: Array<Record<string, unknown>>; "@odata.nextLink"?: string }>("GET", url, undefined, { Prefer: prefer })).body;
      return { entities: body.value, ...(body["@odata.nextLink"] ? { nextLink: body["@odata.nextLink"] } : {}) };
    }),

  createRecord: (entityLogicalName: string, data: Record<string, unknown>): Promise<{ entityType: string; id: string }> =>
    call(async () => {
      const answer = await request("POST", `${API}${await setOf(entityLogicalName)}`, data);
      return { entityType: entityLogicalName, id: idFromEntityId(answer.headers.get("OData-EntityId")) };
    }),

  updateRecord: (entityLogicalName: string, id: string, data: Record<string, unknown>): Promise<{ entityType: string; id: string }> =>
    call(async () => {
      await request("PATCH", `${API}${await setOf(entityLogicalName)}(${bare(id)})`, data, { "If-Match": "*" });
      return { entityType: entityLogicalName, id: bare(id) };
    }),

  deleteRecord: (entityLogicalName: string, id: string): Promise<{ entityType: string; id: string }> =>
    call(async () => {
      await request("DELETE", `${API}${await setOf(entityLogicalName)}(${bare(id)})`);
      return { entityType: entityLogicalName, id: bare(id) };
    }),

  isAvailableOffline: (): boolean => false,
};
