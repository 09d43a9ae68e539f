/**
 * The request limits the emulator enforces, each with where the number comes from. What the real
 * service answers when the limit is documented but its wire answer is not is marked [ours] here and
 * in the README ("Limits").
 *
 * [batch]   learn.microsoft.com/power-apps/developer/data-platform/webapi/execute-batch-operations-using-web-api
 *           "the length of a URL in a GET request is limited to 32 KB (32,768 characters)"; a $batch
 *           request carries URLs up to 64 KB (65,536 characters); 1,000 requests per batch.
 * [filter]  learn.microsoft.com/power-apps/developer/data-platform/webapi/query/filter-rows#condition-limits
 *           500 conditions, else TooManyConditionsInQuery 0x8004430C.
 * [odatalib] OData/odata.net (the OData library the Web API is built on): ODataUriParserSettings
 *           DefaultFilterLimit = 800 recursion steps ("Recursion depth exceeded allowed limit."),
 *           ODataMessageQuotas MaxNestingDepth = 100 ("The maximum recursion depth limit was reached. …").
 * [files]   learn.microsoft.com/power-apps/developer/data-platform/attachment-annotation-files: a single
 *           request carries files "as large as 128 MB".
 */

/** [batch] Longest request URL (path and query) of a plain request. */
export const MAX_URL_LENGTH = 32_768;
/** [batch] Longest URL of a request inside a $batch. */
export const MAX_BATCH_URL_LENGTH = 65_536;
/** [batch] Requests in one $batch. */
export const MAX_BATCH_REQUESTS = 1_000;
/** [filter] Conditions in one query. */
export const MAX_FILTER_CONDITIONS = 500;
/**
 * [odatalib] Recursion steps of the $filter parser. ODataLib spends nine steps per parenthesis level
 * (expression, or, and, comparison, additive, multiplicative, unary, in/has, primary), so 87 levels of
 * parentheses around a comparison are the most it reads.
 */
export const MAX_FILTER_RECURSION = 800;
export const FILTER_STEPS_PER_PARENTHESIS = 9;
/** [odatalib] Nesting of arrays and objects in a JSON body. */
export const MAX_JSON_DEPTH = 100;
/**
 * Request body size. [ours] The Web API's limit is not documented; 128 MB is the largest file a single
 * request may carry [files], and nothing the emulator serves needs more.
 */
export const MAX_BODY_BYTES = 128 * 1024 * 1024;
