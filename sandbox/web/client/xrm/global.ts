/**
 * The global Xrm object a form script finds on the page: Xrm.WebApi (./webapi.ts), Xrm.Utility
 * (the global context: user and organization settings), Xrm.Navigation (forms and URLs in this
 * page) and Xrm.Page (the open form, deprecated but still present in the client).
 * learn.microsoft.com/power-apps/developer/model-driven-apps/clientapi/reference/xrm-utility/getglobalcontext
 */
import { getJson } from "../http";
import { entityMeta } from "../metadata";
import { ANNOTATIONS, API } from "../webapi-url";
import { braced, FORMATTED } from "./values";
import { webApi } from "./webapi";

export interface SignedInUser {
  userId: string;
  userName: string;
  organizationId: string;
  businessUnitId: string;
  /** The organization's base currency: [id, name]. */
  baseCurrency?: { id: string; name: string };
}

let user: SignedInUser = { userId: "", userName: "", organizationId: "", businessUnitId: "" };
export const signedInUser = (): SignedInUser => user;
let currentForm: Record<string, unknown> | null = null;

let signedIn: Promise<SignedInUser> | undefined;
/** Resolves once signIn() has read the user (a page waits for it only where it needs the user). */
export const whenSignedIn = (): Promise<SignedInUser> => (signedIn ??= signIn());

/** WhoAmI and the user's name, once per page. */
async function signIn(): Promise<SignedInUser> {
  const who = await getJson<{ UserId: string; OrganizationId: string; BusinessUnitId: string }>(`${API}WhoAmI`);
  const [row, org] = await Promise.all([
    getJson<{ fullname?: string }>(`${API}systemusers(${who.UserId})?$select=fullname`),
    getJson<Record<string, string | undefined>>(`${API}organizations(${who.OrganizationId})?$select=_basecurrencyid_value`, ANNOTATIONS).catch(() => ({}) as Record<string, string | undefined>),
  ]);
  const currency = org._basecurrencyid_value;
  user = {
    userId: who.UserId,
    userName: row.fullname ?? "",
    organizationId: who.OrganizationId,
    businessUnitId: who.BusinessUnitId,
    ...(currency ? { baseCurrency: { id: currency, name: org[`_basecurrencyid_value${FORMATTED}`] ?? "" } } : {}),
  };
  return user;
}

/** The user's time zone: the browser's (the sandbox user has no personal options). */
export const timeZoneOffsetMinutes = (date: Date = new Date()): number => -date.getTimezoneOffset();

export const LANGUAGE = 1033;

export function globalContext(): Record<string, unknown> {
  return {
    userSettings: {
      userId: braced(user.userId || "00000000-0000-0000-0000-000000000000"),
      userName: user.userName,
      languageId: LANGUAGE,
      isRTL: false,
      securityRoles: [],
      roles: { get: () => [], forEach: () => undefined, getLength: () => 0 },
      transactionCurrencyId: null,
      getTimeZoneOffsetMinutes: () => timeZoneOffsetMinutes(),
      dateFormattingInfo: {},
    },
    organizationSettings: { organizationId: braced(user.organizationId || "00000000-0000-0000-0000-000000000000"), uniqueName: "sandbox", languageId: LANGUAGE, useSkypeProtocol: false, isAutoSaveEnabled: false },
    client: { getClient: () => "Web", getClientState: () => "Online", getFormFactor: () => 1, isOffline: () => false },
    getClientUrl: () => location.origin,
    getVersion: () => "9.2.0.0",
    getCurrentAppUrl: () => `${location.origin}/`,
    getUserId: () => braced(user.userId),
    getUserName: () => user.userName,
    getUserLcid: () => LANGUAGE,
  };
}

/** Where Xrm.Navigation.openForm goes: the record page of a table (id absent: a new record). */
export const formUrl = (entityName: string, id?: string): string => `#/${entityName}/${id ? id.replace(/[{}]/g, "").toLowerCase() : "new"}`;

export function installXrm(): void {
  const xrm = {
    WebApi: { ...webApi, online: webApi, offline: webApi },
    Utility: {
      getGlobalContext: globalContext,
      getEntityMetadata: async (entityName: string) => {
        const m = await entityMeta(entityName);
        return { LogicalName: m.logicalName, EntitySetName: m.entitySetName, PrimaryIdAttribute: m.primaryId, PrimaryNameAttribute: m.primaryName, DisplayName: m.displayName };
      },
      showProgressIndicator: () => document.body.setAttribute("aria-busy", "true"),
      closeProgressIndicator: () => document.body.removeAttribute("aria-busy"),
    },
    Navigation: {
      openForm: async (options: { entityName: string; entityId?: string }) => {
        location.hash = formUrl(options.entityName, options.entityId);
        return { savedEntityReference: [] };
      },
      openUrl: (url: string) => void window.open(url, "_blank", "noopener"),
      navigateTo: async (page: { pageType?: string; entityName?: string; entityId?: string }) => {
        if (page.entityName) location.hash = formUrl(page.entityName, page.entityId);
      },
    },
    get Page() {
      return currentForm;
    },
  };
  (globalThis as { Xrm?: unknown }).Xrm = xrm;
}

/** The open form (Xrm.Page); null when none is open. */
export function setCurrentForm(context: Record<string, unknown> | null): void {
  currentForm = context;
}
