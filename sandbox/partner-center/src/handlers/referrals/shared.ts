import type { Referral } from "../../../../../plugins-ts/src/partner-center/referral";
import { EmulatorContext, emitReferralEvent, header, HandlerRequest, HandlerResult } from "../../context";
import { checkUpdate } from "../../cosell-rules";
import { invalidRequest, itemNotFound, preconditionFailed } from "../../errors";
import { checkTransition, eTagMatches, newETag, present, stampStatusDates } from "../../referral-model";

export function findReferral(ctx: EmulatorContext, id: string): Referral {
  const r = ctx.store.getReferral(id);
  if (!r) throw itemNotFound(`Referral '${id}' was not found.`, "id");
  return r;
}

/** 412 when If-Match is present and stale; 400 when required and missing. */
export function checkIfMatch(req: HandlerRequest, current: Referral, required: boolean): void {
  const ifMatch = header(req, "if-match");
  if (ifMatch === undefined || ifMatch.trim() === "") {
    if (required) throw invalidRequest("The If-Match header is required: send the eTag of the referral you read.", "If-Match");
    return;
  }
  if (!eTagMatches(ifMatch, current.eTag)) {
    throw preconditionFailed("The referral was modified since it was read: the If-Match eTag does not match the current eTag. Read the referral again and retry.");
  }
}

export function single(ctx: EmulatorContext, r: Referral, status = 200): HandlerResult {
  const headers: Record<string, string> = r.eTag ? { ETag: r.eTag } : {};
  return { status, body: present(r, ctx.baseUrl(), true), headers };
}

/**
 * Commits an API update (PUT or PATCH) of a referral: along the transition table only, with the
 * status dates, a new updatedDateTime and eTag, then the referral-updated event.
 */
export function commitUpdate(ctx: EmulatorContext, current: Referral, next: Referral): void {
  checkUpdate(current, next); // today's co-sell: closed referrals, the co-sell contact, what is fixed at create
  checkTransition(current, next);
  const now = ctx.writeTime();
  stampStatusDates(current, next, now);
  next.updatedDateTime = now;
  next.eTag = newETag();
  ctx.store.putReferral(next);
  emitReferralEvent(ctx, "referral-updated", next);
}

/**
 * Commits a deal registration's change (a won referral takes it: the closed-referral rule is the
 * referral's, not its registration's): new updatedDateTime and eTag, then referral-updated [I].
 */
export function commitRegistration(ctx: EmulatorContext, next: Referral): void {
  next.updatedDateTime = ctx.writeTime();
  next.eTag = newETag();
  ctx.store.putReferral(next);
  emitReferralEvent(ctx, "referral-updated", next);
}
