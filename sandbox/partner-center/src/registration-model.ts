/**
 * Deal registrations (../../../shared/reference/partner-center-2026.md §2.5): the certified connector's
 * CreateDealRegistrationByReferralId (PATCH /referrals/{id}/, one `add` of /registrations/-) and
 * PatchDealRegistrationByReferralId (PATCH /referrals/{id}//, `replace`/`add` on twelve paths). The
 * service routes both to the referral's PATCH (a trailing slash does not change the route), so the
 * operations' JSON Patch paths decide [I]; a document mixing registration and referral paths is refused.
 *
 * Registering [C G4 eligibility; the API assumed to refuse what the UI refuses]: the referral is Closed /
 * Won and shared with Microsoft sellers (partner-led or co-sell, never private); the type is
 * AzureIPCoSell; the solution is one the referral names; a USD contract is worth at least 25,000 (other
 * currencies: no rate is known here, so not checked [I]); one registration per referral [I: the update
 * paths name /registrations/0 only]. Partner Center answers with the registration's id, ReviewPending
 * and its time; Microsoft's review (statuses ActionRequired, Passed, Failed, Approved) is the control
 * API's (PATCH /_emulator/referrals/{id}).
 */
import { randomUUID } from "node:crypto";
import { DEAL_REGISTRATION_CREATE_PATH, DEAL_REGISTRATION_PATCH_PATHS, DealRegistration, Referral } from "../../../plugins-ts/src/partner-center/referral";
import { invalidRequest } from "./errors";

export const REGISTRATION_TYPES = ["AzureIPCoSell"] as const;
export const CONTRACT_TERMS = ["Perpetual", "Finite"] as const;
export const PRICING_MODELS = ["PayAsYouGo", "Other"] as const;
export const DEPLOYMENTS = ["Customer", "Partner"] as const;
/** Documented minimum deal value for co-sell incentives, in US dollars. */
export const MINIMUM_USD = 25000;
/** The status a new registration starts in (the one seen on the wire, W1). */
export const NEW_REGISTRATION_STATUS = "ReviewPending";

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Whether a JSON Patch document is a deal registration's (its first operation's path says). */
export function isRegistrationPatch(body: unknown): boolean {
  return Array.isArray(body) && body.length > 0 && isObject(body[0]) && typeof body[0].path === "string" && body[0].path.startsWith("/registrations/");
}

function checkEnum(v: unknown, allowed: readonly string[], target: string, required = false): void {
  if (v === undefined || v === null) {
    if (required) throw invalidRequest(`'${target}' is required.`, target);
    return;
  }
  if (typeof v !== "string" || !allowed.includes(v)) throw invalidRequest(`The value ${JSON.stringify(v)} is not valid for '${target}'. Allowed values: ${allowed.join(", ")}.`, target);
}
function checkAmount(v: unknown, target: string, required = false): void {
  if (v === undefined || v === null) {
    if (required) throw invalidRequest(`'${target}' is required.`, target);
    return;
  }
  if (typeof v !== "number" || !Number.isFinite(v) || v < 0) throw invalidRequest(`'${target}' must be a number that is not negative.`, target);
}
function checkCurrency(v: unknown, target: string, required = false): void {
  if (v === undefined || v === null) {
    if (required) throw invalidRequest(`'${target}' is required.`, target);
    return;
  }
  if (typeof v !== "string" || !/^[A-Z]{3}$/.test(v)) throw invalidRequest(`'${target}' must be an ISO 4217 currency code such as USD.`, target);
}
function checkDate(v: unknown, target: string, required = false): void {
  if (v === undefined || v === null) {
    if (required) throw invalidRequest(`'${target}' is required.`, target);
    return;
  }
  if (typeof v !== "string" || !/^\d{4}-\d{2}-\d{2}/.test(v) || Number.isNaN(Date.parse(v))) throw invalidRequest(`'${target}' must be an ISO 8601 UTC date-time.`, target);
}
function checkBoolean(v: unknown, target: string): void {
  if (v !== undefined && v !== null && typeof v !== "boolean") throw invalidRequest(`'${target}' must be true or false.`, target);
}

/** One value of a registration patch path, checked for its type. */
function checkPathValue(path: string, v: unknown, target: string): void {
  const field = path.slice(path.lastIndexOf("/") + 1);
  switch (field) {
    case "startDateTime":
    case "endDateTime":
    case "signDateTime":
    case "marketplaceTransactionDateTime":
      return checkDate(v, target);
    case "term":
      return checkEnum(v, CONTRACT_TERMS, target, true);
    case "value":
      return checkAmount(v, target, true);
    case "currency":
      return checkCurrency(v, target, true);
    case "isDeployedOnAzure":
    case "isMarketplaceTransacted":
      return checkBoolean(v, target);
    case "primaryDeploymentOn":
      return checkEnum(v, DEPLOYMENTS, target, true);
    case "pricingModel":
      return checkEnum(v, PRICING_MODELS, target, true);
  }
}

/** A registration body as CreateDealRegistrationByReferralId sends it, checked against the referral it registers. */
function checkNewRegistration(value: unknown, referral: Referral): asserts value is DealRegistration {
  const at = "[0].value";
  if (!isObject(value)) throw invalidRequest("The registration must be an object { type, solutionDetails, contract }.", at);
  checkEnum(value.type, REGISTRATION_TYPES, `${at}.type`, true);
  const details = value.solutionDetails;
  if (!Array.isArray(details) || details.length === 0 || !isObject(details[0])) throw invalidRequest("'solutionDetails' must name the registered solution.", `${at}.solutionDetails`);
  const s = details[0];
  const d = `${at}.solutionDetails[0]`;
  if (typeof s.id !== "string" || !s.id.trim()) throw invalidRequest(`'${d}.id' must be the id of the registered solution.`, `${d}.id`);
  const named = (referral.details?.requirements?.solutions ?? []).some((x) => typeof x?.id === "string" && x.id.trim().toUpperCase() === (s.id as string).trim().toUpperCase());
  if (!named) throw invalidRequest(`The solution '${s.id}' is not one of the referral's solutions.`, `${d}.id`);
  checkCurrency(s.currency, `${d}.currency`);
  checkAmount(s.value, `${d}.value`);
  checkBoolean(s.isDeployedOnAzure, `${d}.isDeployedOnAzure`);
  checkEnum(s.primaryDeploymentOn, DEPLOYMENTS, `${d}.primaryDeploymentOn`);
  checkEnum(s.pricingModel, PRICING_MODELS, `${d}.pricingModel`);
  if (s.marketplaceTransactionDetails !== undefined && s.marketplaceTransactionDetails !== null) {
    const m = s.marketplaceTransactionDetails;
    if (!isObject(m)) throw invalidRequest(`'${d}.marketplaceTransactionDetails' must be an object.`, `${d}.marketplaceTransactionDetails`);
    checkBoolean(m.isMarketplaceTransacted, `${d}.marketplaceTransactionDetails.isMarketplaceTransacted`);
    checkDate(m.marketplaceTransactionDateTime, `${d}.marketplaceTransactionDetails.marketplaceTransactionDateTime`);
  }
  const c = value.contract;
  const ct = `${at}.contract`;
  if (!isObject(c)) throw invalidRequest("'contract' is required: currency, value, term, startDateTime, signDateTime (endDateTime for a finite term).", ct);
  checkCurrency(c.currency, `${ct}.currency`, true);
  checkAmount(c.value, `${ct}.value`, true);
  checkEnum(c.term, CONTRACT_TERMS, `${ct}.term`, true);
  checkDate(c.startDateTime, `${ct}.startDateTime`, true);
  checkDate(c.signDateTime, `${ct}.signDateTime`, true);
  checkDate(c.endDateTime, `${ct}.endDateTime`, c.term === "Finite");
  if (typeof c.endDateTime === "string" && Date.parse(c.endDateTime) < Date.parse(c.startDateTime as string)) {
    throw invalidRequest("The contract ends before it starts.", `${ct}.endDateTime`);
  }
  if (c.currency === "USD" && (c.value as number) < MINIMUM_USD) {
    throw invalidRequest(`The contract value ${c.value} USD is below the ${MINIMUM_USD.toLocaleString("en-US")} USD a deal registration needs.`, `${ct}.value`);
  }
}

/**
 * The referral after a deal registration's JSON Patch (create or update), or the documented 400 /
 * 404 for anything Partner Center would refuse; `now` stamps a new registration.
 */
export function applyRegistrationPatch(referral: Referral, body: unknown, now: string): Referral {
  if (!Array.isArray(body)) throw invalidRequest("The request body must be a JSON Patch document: an array of operations.");
  const ops = body.map((raw, i) => {
    if (!isObject(raw)) throw invalidRequest(`Operation ${i} must be an object with op, path and value.`, `[${i}]`);
    return { op: raw.op === undefined ? "replace" : raw.op, path: typeof raw.path === "string" ? raw.path : "", value: raw.value, i };
  });
  if (ops.some((o) => !o.path.startsWith("/registrations/"))) {
    throw invalidRequest("A deal registration's JSON Patch names /registrations paths only: change the referral itself in a PATCH of its own.", "[0].path");
  }
  const next = structuredClone(referral);
  const registrations = (next.registrations ??= []);

  if (ops[0].path === DEAL_REGISTRATION_CREATE_PATH) {
    if (ops.length !== 1 || ops[0].op !== "add") throw invalidRequest(`A deal registration is created by one 'add' of ${DEAL_REGISTRATION_CREATE_PATH}.`, "[0].op");
    if (referral.status !== "Closed" || referral.substatus !== "Won") {
      throw invalidRequest(`Only a won deal can be registered: the referral is ${referral.status ?? "None"} / ${referral.substatus ?? "None"}.`, "status");
    }
    if (referral.consent?.consentToShareReferralWithMicrosoftSellers !== true) {
      throw invalidRequest("A private deal cannot be registered: partner-led and co-sell deals (shared with Microsoft sellers) only.", "consent.consentToShareReferralWithMicrosoftSellers");
    }
    if (registrations.length > 0) throw invalidRequest("The deal is already registered: change the registration with PatchDealRegistrationByReferralId.", "registrations");
    const value = ops[0].value;
    checkNewRegistration(value, referral);
    const registration: DealRegistration = {
      ...structuredClone(value),
      id: randomUUID(),
      registrationDateTime: now,
      status: NEW_REGISTRATION_STATUS,
      statusReason: "",
      statusHistory: { reviewPendingDateTime: now, actionRequiredDateTime: null, passedDateTime: null, failedDateTime: null, approvedDateTime: null },
    };
    registrations.push(registration);
    next.registrationStatus = NEW_REGISTRATION_STATUS;
    return next;
  }

  if (registrations.length === 0) throw invalidRequest("The deal has no registration to change: create one with CreateDealRegistrationByReferralId.", "registrations");
  for (const o of ops) {
    if (o.op !== "replace" && o.op !== "add") throw invalidRequest(`Operation '${String(o.op)}' is not supported. Only 'replace' and 'add' are allowed.`, `[${o.i}].op`);
    if (!(DEAL_REGISTRATION_PATCH_PATHS as readonly string[]).includes(o.path)) {
      throw invalidRequest(`The path ${JSON.stringify(o.path)} cannot be patched. Patchable paths: ${DEAL_REGISTRATION_PATCH_PATHS.join(", ")}.`, `[${o.i}].path`);
    }
    checkPathValue(o.path, o.value, o.path.slice(1).replace(/\//g, "."));
    const keys = o.path.split("/").slice(3); // under /registrations/0
    let node = registrations[0] as unknown as Record<string, unknown>;
    for (const k of keys.slice(0, -1)) {
      const child = Array.isArray(node) ? (node as unknown[])[Number(k)] : node[k];
      if (child === undefined || child === null) {
        if (Array.isArray(node)) throw invalidRequest(`The path '${o.path}' does not exist.`, `[${o.i}].path`);
        node[k] = {};
      }
      node = (Array.isArray(node) ? (node as unknown[])[Number(k)] : node[k]) as Record<string, unknown>;
    }
    node[keys[keys.length - 1]] = structuredClone(o.value);
  }
  const c = registrations[0].contract;
  if (c?.currency === "USD" && typeof c.value === "number" && c.value < MINIMUM_USD) {
    throw invalidRequest(`The contract value ${c.value} USD is below the ${MINIMUM_USD.toLocaleString("en-US")} USD a deal registration needs.`, "registrations[0].contract.value");
  }
  return next;
}
