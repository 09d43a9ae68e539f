/** GET /v1.0/engagements/referrals/{id}, and the event ResourceUri shape GET /engagements/v1/referrals/{id}. */
import { Handler } from "../../context";
import { findReferral, single } from "./shared";

export const getReferral: Handler = (ctx, req) => single(ctx, findReferral(ctx, req.params.id!));
