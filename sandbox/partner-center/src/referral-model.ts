/**
 * Referral rules shared by the API and control handlers: field validation, the status/substatus
 * transition table (STATUS_TRANSITIONS, SUBSTATUSES_OF), JSON Patch on the patchable paths,
 * eTags, and the representation sent on the wire (links, @odata.context).
 */
import { randomUUID } from "node:crypto";
import {
  PATCHABLE_PATHS,
  REFERRAL_STATUSES,
  REFERRAL_SUBSTATUSES,
  Referral,
  ReferralStatus,
  ReferralSubstatus,
  STATUS_TRANSITIONS,
  SUBSTATUSES_OF,
} from "../../../plugins-ts/src/partner-center/referral";
import { invalidRequest } from "./errors";

export const REFERRALS_PATH = "/v1.0/engagements/referrals";
/** Organisation id the documentation uses for Microsoft (target BusinessProfileLocation "msft"). */
export const MICROSOFT_ORGANIZATION_ID = "msft";

export const REFERRAL_TYPES = ["Independent", "Shared"] as const;
export const QUALIFICATIONS = ["None", "Direct", "MarketingQualified", "SalesQualified"] as const;
export const DIRECTIONS = ["Incoming", "Outgoing"] as const;
export const SALES_STAGES = ["Qualify", "Develop", "Propose", "Close"] as const;
export const ASSISTANCE_CODES = [
  "Unknown", "GeneralOrOther", "CustomerTechnicalArchitecture", "ProofOfConceptOrDemo", "QuotesOrLicensing",
  "PostSalesCustomerSuccess", "WorkloadSpecificValueProposition",
] as const;
export const TARGET_TYPES = ["None", "BusinessProfileLocation", "SolutionProfile"] as const;

/** Server-managed properties: ignored in a create or PUT body, kept from the stored referral. */
export const SERVER_MANAGED = [
  "id", "engagementId", "organizationId", "organizationName", "createdDateTime", "updatedDateTime", "acceptedDateTime",
  "closedDateTime", "expirationDateTime", "direction", "eTag", "trackingInfo", "registrations", "registrationStatus",
  "quality", "isSpam", "tags", "offerId", "@odata.context",
] as const;

export const newETag = (): string => `"${randomUUID()}"`;

/** If-Match comparison: quotes and a weak W/ prefix are not significant; "*" matches anything. */
export function eTagMatches(ifMatch: string, current: string | undefined): boolean {
  const norm = (s: string) => s.trim().replace(/^W\//, "").replace(/^"(.*)"$/, "$1");
  if (ifMatch.trim() === "*") return true;
  return ifMatch.split(",").some((candidate) => current !== undefined && norm(candidate) === norm(current));
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function checkEnum(value: unknown, allowed: readonly string[], target: string): void {
  if (value === undefined) return;
  if (typeof value !== "string" || !allowed.includes(value)) {
    throw invalidRequest(`The value ${JSON.stringify(value)} is not valid for '${target}'. Allowed values: ${allowed.join(", ")}.`, target);
  }
}
function checkString(value: unknown, target: string, nullable = true): void {
  if (value === undefined || (nullable && value === null)) return;
  if (typeof value !== "string") throw invalidRequest(`'${target}' must be a string.`, target);
}
function checkBoolean(value: unknown, target: string): void {
  if (value === undefined) return;
  if (typeof value !== "boolean") throw invalidRequest(`'${target}' must be true or false.`, target);
}
function checkDate(value: unknown, target: string): void {
  if (value === undefined || value === null) return;
  if (typeof value !== "string" || Number.isNaN(Date.parse(value)) || !/^\d{4}-\d{2}-\d{2}/.test(value)) {
    throw invalidRequest(`'${target}' must be an ISO 8601 UTC date-time.`, target);
  }
}
function checkDealValue(value: unknown, target: string): void {
  if (value === undefined || value === null) return;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) throw invalidRequest(`'${target}' must be a number that is not negative.`, target);
}
function checkCurrency(value: unknown, target: string): void {
  if (value === undefined || value === null) return;
  if (typeof value !== "string" || !/^[A-Z]{3}$/.test(value)) throw invalidRequest(`'${target}' must be an ISO 4217 currency code such as USD.`, target);
}
function checkCountry(value: unknown, target: string): void {
  if (value === undefined || value === null) return;
  if (typeof value !== "string" || !/^[A-Z]{2}$/.test(value)) throw invalidRequest(`'${target}' must be a two-letter ISO 3166 country code such as US.`, target);
}

export function checkMember(value: unknown, target: string): void {
  if (!isObject(value)) throw invalidRequest(`'${target}' must be a team member object.`, target);
  for (const f of ["firstName", "lastName", "phoneNumber", "email"]) checkString(value[f], `${target}.${f}`);
  if (typeof value.email === "string" && value.email && !/^[^@\s]+@[^@\s]+$/.test(value.email)) {
    throw invalidRequest(`'${target}.email' is not an email address.`, `${target}.email`);
  }
  if (value.contactPreference !== undefined && !isObject(value.contactPreference)) {
    throw invalidRequest(`'${target}.contactPreference' must be an object.`, `${target}.contactPreference`);
  }
}
function checkTeam(value: unknown, target: string): void {
  if (value === undefined || value === null) return;
  if (!Array.isArray(value)) throw invalidRequest(`'${target}' must be an array of team members.`, target);
  value.forEach((m, i) => checkMember(m, `${target}[${i}]`));
}
export function checkSolution(value: unknown, target: string): void {
  if (!isObject(value) || typeof value.id !== "string" || !value.id) throw invalidRequest(`'${target}' must be a solution with an id.`, target);
  checkEnum(value.type, ["None", "Category", "Name"], `${target}.type`);
}
function checkSolutions(value: unknown, target: string): void {
  if (value === undefined || value === null) return;
  if (!Array.isArray(value)) throw invalidRequest(`'${target}' must be an array of solutions.`, target);
  value.forEach((s, i) => checkSolution(s, `${target}[${i}]`));
}

export function checkStatusPair(status: unknown, substatus: unknown): void {
  checkEnum(status, REFERRAL_STATUSES, "status");
  checkEnum(substatus, REFERRAL_SUBSTATUSES, "substatus");
  if (status !== undefined && substatus !== undefined && !SUBSTATUSES_OF[status as ReferralStatus].includes(substatus as ReferralSubstatus)) {
    throw invalidRequest(`Substatus '${String(substatus)}' is not valid for status '${String(status)}'. Allowed: ${SUBSTATUSES_OF[status as ReferralStatus].join(", ")}.`, "substatus");
  }
}

/**
 * Field checks for a create or full-update body. `requireDocumented` enforces the properties the
 * create documentation marks Required (type, customerProfile, consent, details) plus name.
 */
export function validateReferralBody(body: unknown, requireDocumented: boolean): asserts body is Referral {
  if (!isObject(body)) throw invalidRequest("The request body must be a referral JSON object.");
  if (requireDocumented) {
    const missing: string[] = [];
    if (typeof body.name !== "string" || !body.name.trim()) missing.push("name");
    if (body.type === undefined || body.type === null) missing.push("type");
    if (!isObject(body.customerProfile)) missing.push("customerProfile");
    if (!isObject(body.consent)) missing.push("consent");
    if (!isObject(body.details)) missing.push("details");
    if (missing.length) {
      throw invalidRequest(`Required ${missing.length > 1 ? "properties are" : "property is"} missing: ${missing.join(", ")}.`, missing[0]);
    }
    const cp = body.customerProfile as Record<string, unknown>;
    if (typeof cp.name !== "string" || !cp.name.trim()) throw invalidRequest("Required property is missing: customerProfile.name.", "customerProfile.name");
  }
  checkString(body.name, "name");
  checkString(body.externalReferenceId, "externalReferenceId");
  checkString(body.statusReason, "statusReason");
  checkString(body.referralProgram, "referralProgram");
  checkString(body.campaignId, "campaignId");
  checkEnum(body.type, REFERRAL_TYPES, "type");
  checkEnum(body.qualification, QUALIFICATIONS, "qualification");
  checkEnum(body.salesStage, SALES_STAGES, "salesStage");
  checkStatusPair(body.status, body.substatus);
  checkTeam(body.team, "team");
  if (body.customerProfile !== undefined) {
    if (!isObject(body.customerProfile)) throw invalidRequest("'customerProfile' must be an object.", "customerProfile");
    const cp = body.customerProfile;
    checkString(cp.name, "customerProfile.name");
    checkString(cp.size, "customerProfile.size");
    if (cp.address !== undefined && cp.address !== null) {
      if (!isObject(cp.address)) throw invalidRequest("'customerProfile.address' must be an object.", "customerProfile.address");
      for (const f of ["addressLine1", "addressLine2", "city", "state", "postalCode", "region"]) checkString(cp.address[f], `customerProfile.address.${f}`);
      checkCountry(cp.address.country, "customerProfile.address.country");
    }
    checkTeam(cp.team, "customerProfile.team");
  }
  if (body.consent !== undefined) {
    if (!isObject(body.consent)) throw invalidRequest("'consent' must be an object.", "consent");
    for (const [k, v] of Object.entries(body.consent)) checkBoolean(v, `consent.${k}`);
  }
  if (body.details !== undefined) {
    if (!isObject(body.details)) throw invalidRequest("'details' must be an object.", "details");
    const d = body.details;
    checkString(d.notes, "details.notes");
    checkDealValue(d.dealValue, "details.dealValue");
    checkCurrency(d.currency, "details.currency");
    checkDate(d.closingDateTime, "details.closingDateTime");
    if (d.requirements !== undefined && d.requirements !== null) {
      if (!isObject(d.requirements)) throw invalidRequest("'details.requirements' must be an object.", "details.requirements");
      checkSolutions(d.requirements.solutions, "details.requirements.solutions");
    }
  }
  if (body.inviteContext !== undefined && body.inviteContext !== null) {
    if (!isObject(body.inviteContext)) throw invalidRequest("'inviteContext' must be an object.", "inviteContext");
    checkEnum(body.inviteContext.assistanceRequestCode, ASSISTANCE_CODES, "inviteContext.assistanceRequestCode");
  }
  if (body.target !== undefined && body.target !== null) {
    if (!Array.isArray(body.target)) throw invalidRequest("'target' must be an array.", "target");
    body.target.forEach((t, i) => {
      if (!isObject(t)) throw invalidRequest(`'target[${i}]' must be an object.`, `target[${i}]`);
      checkEnum(t.type, TARGET_TYPES, `target[${i}].type`);
    });
  }
}

/** Enforce the transition table between the stored and the new status/substatus. */
export function checkTransition(before: Referral, after: Referral): void {
  const from = before.status ?? "None";
  const to = after.status ?? "None";
  checkStatusPair(to, after.substatus ?? "None");
  if (!STATUS_TRANSITIONS[from].includes(to)) {
    throw invalidRequest(`Invalid status transition from '${from}' to '${to}'. Allowed next statuses: ${STATUS_TRANSITIONS[from].join(", ")}.`, "status");
  }
  const sub = after.substatus ?? "None";
  if (!SUBSTATUSES_OF[to].includes(sub)) {
    throw invalidRequest(`Substatus '${sub}' is not valid for status '${to}'. Allowed: ${SUBSTATUSES_OF[to].join(", ")}.`, "substatus");
  }
  if (before.consent?.consentToShareReferralWithMicrosoftSellers === true && after.consent?.consentToShareReferralWithMicrosoftSellers === false) {
    throw invalidRequest("A referral shared with Microsoft sellers cannot be made private again.", "consent.consentToShareReferralWithMicrosoftSellers");
  }
}

/** Dates that follow a status change: acceptedDateTime on entering Active, closedDateTime on Closed. */
export function stampStatusDates(before: Referral | undefined, after: Referral, now: string): void {
  if (after.status === "Active" && before?.status !== "Active" && !after.acceptedDateTime) after.acceptedDateTime = now;
  if (after.status === "Closed" && before?.status !== "Closed") after.closedDateTime = now;
}

function checkPatchValue(path: string, value: unknown, target: string): void {
  switch (path) {
    case "/campaignId":
    case "/externalReferenceId":
    case "/referralProgram":
    case "/statusReason":
    case "/details/notes":
      return checkString(value, target);
    case "/consent/consentToShareReferralWithMicrosoftSellers":
      if (typeof value !== "boolean") throw invalidRequest(`'${target}' must be true or false.`, target);
      return;
    case "/customerProfile/team":
    case "/team":
      if (!Array.isArray(value)) throw invalidRequest(`'${target}' must be an array of team members.`, target);
      return checkTeam(value, target);
    case "/customerProfile/team/-":
    case "/team/-":
      return checkMember(value, target);
    case "/details/closingDateTime":
      return checkDate(value, target);
    case "/details/currency":
      return checkCurrency(value, target);
    case "/details/dealValue":
      return checkDealValue(value, target);
    case "/details/requirements/solutions":
      if (!Array.isArray(value)) throw invalidRequest(`'${target}' must be an array of solutions.`, target);
      return checkSolutions(value, target);
    case "/details/requirements/solutions/-":
      return checkSolution(value, target);
    case "/salesStage":
      return checkEnum(value, SALES_STAGES, target);
    case "/status":
      if (value === undefined) throw invalidRequest(`'${target}' needs a value.`, target);
      return checkEnum(value, REFERRAL_STATUSES, target);
    case "/substatus":
      if (value === undefined) throw invalidRequest(`'${target}' needs a value.`, target);
      return checkEnum(value, REFERRAL_SUBSTATUSES, target);
  }
}

/** Set (or append, for a path ending in "/-") a value, creating missing parent objects. */
export function setAtPointer(doc: Record<string, unknown>, pointer: string, value: unknown, op: "add" | "replace" | "remove", target: string): void {
  const segments = pointer.split("/").slice(1).map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
  if (!segments.length || segments.some((s) => s === "")) throw invalidRequest(`'${target}' is not a valid JSON Pointer.`, target);
  let cur: Record<string, unknown> | unknown[] = doc;
  for (const seg of segments.slice(0, -1)) {
    const next: unknown = Array.isArray(cur) ? cur[Number(seg)] : cur[seg];
    if (next === undefined || next === null) {
      if (Array.isArray(cur) || op === "remove") throw invalidRequest(`The path '${pointer}' does not exist.`, target);
      cur[seg] = {};
      cur = cur[seg] as Record<string, unknown>;
    } else if (typeof next === "object") {
      cur = next as Record<string, unknown> | unknown[];
    } else {
      throw invalidRequest(`The path '${pointer}' goes through a value that is not an object.`, target);
    }
  }
  const last = segments[segments.length - 1]!;
  if (Array.isArray(cur)) {
    if (last === "-") {
      if (op !== "add") throw invalidRequest(`'${pointer}' appends to an array and needs op 'add'.`, target);
      cur.push(value);
      return;
    }
    const index = Number(last);
    if (!Number.isInteger(index) || index < 0 || index > cur.length || (op !== "add" && index === cur.length)) {
      throw invalidRequest(`The array index in '${pointer}' is out of range.`, target);
    }
    if (op === "add") cur.splice(index, 0, value);
    else if (op === "replace") cur[index] = value;
    else cur.splice(index, 1);
    return;
  }
  if (last === "-") throw invalidRequest(`The path '${pointer}' does not point into an array.`, target);
  if (op === "remove") {
    if (!(last in cur)) throw invalidRequest(`The path '${pointer}' does not exist.`, target);
    delete cur[last];
  } else {
    cur[last] = value;
  }
}

function ensureArrayParent(doc: Record<string, unknown>, pointer: string): void {
  if (!pointer.endsWith("/-")) return;
  const parts = pointer.slice(1, -2).split("/");
  let cur: Record<string, unknown> = doc;
  for (const [i, seg] of parts.entries()) {
    if (i === parts.length - 1) {
      if (cur[seg] === undefined || cur[seg] === null) cur[seg] = [];
      return;
    }
    if (!isObject(cur[seg])) cur[seg] = {};
    cur = cur[seg] as Record<string, unknown>;
  }
}

/**
 * Apply the API's JSON Patch: an array of { op: "replace" | "add", path, value } on
 * PATCHABLE_PATHS. Returns the patched copy; throws the documented 400 for anything else.
 */
export function applyApiPatch(referral: Referral, body: unknown): Referral {
  if (!Array.isArray(body)) throw invalidRequest("The request body must be a JSON Patch document: an array of operations.");
  if (body.length === 0) throw invalidRequest("The JSON Patch document has no operations.");
  const doc = structuredClone(referral) as Record<string, unknown>;
  body.forEach((raw, i) => {
    const target = `[${i}]`;
    if (!isObject(raw)) throw invalidRequest(`Operation ${i} must be an object with op, path and value.`, target);
    const op = raw.op === undefined ? "replace" : raw.op;
    if (op !== "replace" && op !== "add") {
      throw invalidRequest(`Operation '${String(op)}' is not supported. Only 'replace' and 'add' are allowed.`, `${target}.op`);
    }
    if (typeof raw.path !== "string" || !(PATCHABLE_PATHS as readonly string[]).includes(raw.path)) {
      throw invalidRequest(`The path ${JSON.stringify(raw.path)} cannot be patched. Patchable paths: ${PATCHABLE_PATHS.join(", ")}.`, `${target}.path`);
    }
    if (!("value" in raw)) throw invalidRequest(`Operation ${i} has no value.`, `${target}.value`);
    checkPatchValue(raw.path, raw.value, raw.path.slice(1).replace(/\//g, "."));
    ensureArrayParent(doc, raw.path);
    setAtPointer(doc, raw.path, structuredClone(raw.value), op, `${target}.path`);
  });
  return doc as Referral;
}

/** The wire representation: stored referral + links + @odata.context, for the given base URL. */
export function present(referral: Referral, baseUrl: string, single: boolean): Referral {
  const self = `${baseUrl}${REFERRALS_PATH}/${referral.id}`;
  const related = `${baseUrl}${REFERRALS_PATH}?$filter=engagementId%20eq%20'${referral.engagementId}'`;
  return {
    ...(single ? { "@odata.context": `${baseUrl}/v1.0/engagements/$metadata#referrals/$entity` } : {}),
    ...referral,
    links: { self: { uri: self, method: "GET" }, relatedReferrals: { uri: related, method: "GET" } },
  };
}
