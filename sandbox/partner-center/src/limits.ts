/**
 * Request limits. Partner Center documents none of these; the emulator takes the defaults of the
 * ASP.NET Core stack a .NET service runs on [I], and answers in the documented error shape with the
 * status ASP.NET Core uses. README "Limits" lists them.
 *
 * [kestrel] learn.microsoft.com/aspnet/core/fundamentals/servers/kestrel/options: MaxRequestBodySize
 *           30,000,000 bytes (413), MaxRequestLineSize 8 KB (414).
 * [stj]     learn.microsoft.com/dotnet/api/system.text.json.jsonserializeroptions.maxdepth: 64 by default
 *           (Json.NET 13 has the same default).
 * [odatalib] OData/odata.net ODataUriParserSettings.DefaultFilterLimit: 800 recursion steps for $filter
 *           ("Recursion depth exceeded allowed limit.").
 */

/** [kestrel] Request body. */
export const MAX_BODY_BYTES = 30_000_000;
/** [kestrel] Request line (method, path and query). */
export const MAX_REQUEST_LINE = 8 * 1024;
/** [stj] Nesting of arrays and objects in a JSON body. */
export const MAX_JSON_DEPTH = 64;
/** [odatalib] $filter recursion steps (nine per parenthesis level). */
export const MAX_FILTER_RECURSION = 800;
