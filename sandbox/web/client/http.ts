/**
 * Calls from the page to the web app's own routes (same origin: no token, no CORS). State-changing
 * calls always send Content-Type: application/json, which the web app's loopback guard requires.
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code: string | undefined,
    readonly body: unknown,
  ) {
    super(message);
  }
}

/** The message of an error body: Web API / Partner Center `{error:{code,message}}`, the runner's, or the text. */
function errorOf(status: number, text: string): { message: string; code?: string; body: unknown } {
  try {
    const body = JSON.parse(text) as { error?: { code?: string; message?: string }; message?: string };
    const e = body.error;
    return { message: e?.message ?? body.message ?? `HTTP ${status}`, code: e?.code, body };
  } catch {
    return { message: text.trim() || `HTTP ${status}`, body: text };
  }
}

export interface JsonAnswer<T> {
  status: number;
  body: T;
  headers: Headers;
}

export async function request<T = unknown>(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<JsonAnswer<T>> {
  const res = await fetch(url, {
    method,
    headers: { Accept: "application/json", ...(method !== "GET" ? { "Content-Type": "application/json" } : {}), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
    cache: "no-store",
  });
  const text = await res.text();
  if (!res.ok) {
    const e = errorOf(res.status, text);
    throw new HttpError(res.status, e.message, e.code, e.body);
  }
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T, headers: res.headers };
}

export const getJson = async <T>(url: string, headers?: Record<string, string>): Promise<T> => (await request<T>("GET", url, undefined, headers)).body;
