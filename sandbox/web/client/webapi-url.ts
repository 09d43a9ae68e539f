/** The Web API base the page uses: same origin, as in a model-driven app (the web app proxies it). */
export const API = "/api/data/v9.2/";
/** Formatted values and lookup table names on every read, as the model-driven client asks for them. */
export const ANNOTATIONS = { Prefer: 'odata.include-annotations="*"' };
