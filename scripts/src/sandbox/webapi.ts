/**
 * The Dataverse Web API as the sandbox's admin steps use it: plain HTTPS-style JSON calls with a
 * bearer token, the way an admin tool (or pac) talks to an environment. Errors carry the method,
 * the path, the HTTP status and Dataverse's own code and message, so a refusal can be printed as is.
 *
 * End-to-end tests use dynamics-web-api instead (see ./clients.ts); this small client exists so the
 * start-up steps can show exactly which call failed and why.
 */

export class WebApiError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly code: string,
    /** Dataverse's error message (or the response text). */
    readonly detail: string,
  ) {
    super(`${method} ${path} failed with ${status}${code ? ` (${code})` : ""}: ${detail}`);
    this.name = "WebApiError";
  }
}

export interface WebApi {
  /** e.g. http://127.0.0.1:7100/api/data/v9.2/ */
  readonly apiUrl: string;
  get<T = Record<string, unknown>>(path: string): Promise<T>;
  /** Every row of a collection query, following @odata.nextLink. */
  list<T = Record<string, unknown>>(path: string): Promise<T[]>;
  post<T = Record<string, unknown>>(path: string, body: unknown, headers?: Record<string, string>): Promise<T | undefined>;
  patch(path: string, body: unknown, headers?: Record<string, string>): Promise<void>;
  delete(path: string): Promise<void>;
}

/** OData string literal: quotes doubled. */
export const odataString = (s: string): string => `'${s.replace(/'/g, "''")}'`;

/**
 * `token` is the bearer token, or a function giving it per call (a signed-in admin's token expires;
 * the function refreshes it). It is never part of an error.
 */
export function createWebApi(apiUrl: string, token: string | (() => Promise<string>), fetchImpl: typeof fetch = fetch): WebApi {
  const base = apiUrl.endsWith("/") ? apiUrl : apiUrl + "/";
  const call = async (method: string, path: string, body?: unknown, extra: Record<string, string> = {}): Promise<unknown> => {
    const url = /^https?:/i.test(path) ? path : base + path.replace(/^\/+/, "");
    const headers: Record<string, string> = {
      Authorization: `Bearer ${typeof token === "string" ? token : await token()}`,
      Accept: "application/json",
      "OData-MaxVersion": "4.0",
      "OData-Version": "4.0",
      ...extra,
    };
    if (body !== undefined) headers["Content-Type"] = "application/json; charset=utf-8";
    let res: Response;
    try {
      res = await fetchImpl(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (e) {
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      throw new WebApiError(method, path, 0, cause?.code ?? "", `the Web API at ${base} could not be reached (${cause?.message ?? (e as Error).message})`);
    }
    const text = await res.text();
    let json: unknown;
    if (text) {
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
    }
    if (!res.ok) {
      const err = (json as { error?: { code?: string; message?: string } } | undefined)?.error;
      throw new WebApiError(method, path, res.status, err?.code ?? "", err?.message ?? (text.trim() || res.statusText));
    }
    return json;
  };
  return {
    apiUrl: base,
    get: async <T>(path: string) => (await call("GET", path)) as T,
    list: async <T>(path: string) => {
      const out: T[] = [];
      let next: string | undefined = path;
      while (next) {
        const page = (await call("GET", next)) as { value?: T[]; "@odata.nextLink"?: string };
        out.push(...(page.value ?? []));
        next = page["@odata.nextLink"];
      }
      return out;
    },
    post: async <T>(path: string, body: unknown, headers?: Record<string, string>) => (await call("POST", path, body, headers)) as T | undefined,
    patch: async (path: string, body: unknown, headers?: Record<string, string>) => {
      await call("PATCH", path, body, headers);
    },
    delete: async (path: string) => {
      await call("DELETE", path);
    },
  };
}
