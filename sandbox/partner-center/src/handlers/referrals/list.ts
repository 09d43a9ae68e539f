/** GET /v1.0/engagements/referrals — OData list with server-driven paging. */
import { Handler, isOwn } from "../../context";
import { parseListQuery, project, runListQuery } from "../../odata/query";
import { present, REFERRALS_PATH } from "../../referral-model";

export const listReferrals: Handler = (ctx, req) => {
  const q = parseListQuery(req.query);
  const page = runListQuery(ctx.store.allReferrals(), q, ctx.config.pageSize, (r) => isOwn(ctx, r));
  const base = ctx.baseUrl();
  return {
    status: 200,
    body: {
      "@odata.context": `${base}/v1.0/engagements/$metadata#referrals`,
      ...(page.count !== undefined ? { "@odata.count": page.count } : {}),
      value: page.value.map((r) => project(present(r, base, false) as Record<string, unknown>, q.select)),
      ...(page.nextQuery ? { "@odata.nextLink": `${base}${REFERRALS_PATH}?${page.nextQuery}` } : {}),
    },
  };
};
