/**
 * Form data and multipart bodies for formDataValue(), formDataMultiValues(), multipartBody() and
 * their trigger forms (learn.microsoft.com/azure/logic-apps/expression-functions-reference).
 *
 * A body reaches them in any of the shapes Logic Apps uses: the engine's envelopes
 * {"$content-type": "application/x-www-form-urlencoded", "$formdata": [{key, value}]} and
 * {"$content-type": "multipart/form-data", "$multipart": [{headers, body}]}, a content envelope
 * ({"$content-type", "$content"}), or the raw text with the Content-Type in the outputs' headers.
 */
import { isBinary, isObject, stringify, type Value } from "./values";

export class FormDataError extends Error {}

export interface Part {
  headers: Record<string, string>;
  body: Value;
}

function header(headers: unknown, name: string): string | undefined {
  if (!isObject(headers)) return undefined;
  const k = Object.keys(headers).find((h) => h.toLowerCase() === name.toLowerCase());
  return k === undefined ? undefined : stringify(headers[k] as Value);
}

/** The body and its content type from an action's or trigger's outputs. */
function bodyOf(outputs: Value): { body: Value; type: string } {
  const o = isObject(outputs) ? outputs : {};
  const body = (o.body ?? null) as Value;
  const type = (isObject(body) && typeof body["$content-type"] === "string" ? body["$content-type"] : header(o.headers, "Content-Type")) ?? "";
  return { body, type };
}

const textOf = (body: Value): string => (isBinary(body) ? Buffer.from(body.$content, "base64").toString("utf8") : stringify(body));

/** multipart text → parts (headers lower-cased; bodies as text). */
export function parseMultipart(text: string, boundary: string): Part[] {
  const parts: Part[] = [];
  for (const chunk of text.split(`--${boundary}`).slice(1)) {
    if (chunk.startsWith("--")) break;
    const body = chunk.replace(/^\r?\n/, "").replace(/\r?\n$/, "");
    const m = /\r?\n\r?\n/.exec(body);
    const head = m ? body.slice(0, m.index) : "";
    const headers: Record<string, string> = {};
    for (const line of head.split(/\r?\n/)) {
      const c = line.indexOf(":");
      if (c > 0) headers[line.slice(0, c).trim()] = line.slice(c + 1).trim();
    }
    parts.push({ headers, body: m ? body.slice(m.index + m[0].length) : body });
  }
  return parts;
}

/** The parts of a multipart body. */
export function multipartParts(outputs: Value): Part[] {
  const { body, type } = bodyOf(outputs);
  if (isObject(body) && Array.isArray(body["$multipart"])) {
    return (body["$multipart"] as Value[]).map((p) => (isObject(p) ? { headers: (isObject(p.headers) ? p.headers : {}) as Record<string, string>, body: (p.body ?? null) as Value } : { headers: {}, body: p }));
  }
  const boundary = /boundary\s*=\s*"?([^";]+)"?/i.exec(type)?.[1];
  if (/^multipart\//i.test(type) && boundary) return parseMultipart(textOf(body), boundary);
  throw new FormDataError("The outputs do not hold a multipart body.");
}

/** Every value of `key` in a form-encoded or form-data body. */
export function formValues(outputs: Value, key: string): Value[] {
  const { body, type } = bodyOf(outputs);
  if (isObject(body) && Array.isArray(body["$formdata"])) {
    return (body["$formdata"] as Value[]).filter((e) => isObject(e) && stringify(e.key as Value) === key).map((e) => ((e as Record<string, Value>).value ?? null) as Value);
  }
  if (/^application\/x-www-form-urlencoded/i.test(type) || (typeof body === "string" && !type && /^[^=&\s]+=/.test(body))) {
    return new URLSearchParams(textOf(body)).getAll(key);
  }
  if (/^multipart\/form-data/i.test(type) || (isObject(body) && Array.isArray(body["$multipart"]))) {
    return multipartParts(outputs)
      .filter((p) => /\bname\s*=\s*"?([^";]+)"?/i.exec(header(p.headers, "Content-Disposition") ?? "")?.[1] === key)
      .map((p) => (isBinary(p.body) ? textOf(p.body) : p.body));
  }
  throw new FormDataError("The outputs do not hold form data (application/x-www-form-urlencoded or multipart/form-data).");
}
