/**
 * GET /_emulator/signing (alias GET /_emulator/certificates) — how events are signed: the root to
 * trust, the certificate URLs, the host:port to allow, the current mode.
 * POST /_emulator/signing — { issuer?: "microsoft" | "other", certificateHost?: string | null,
 * certificateUrl?: string | null } switches the certificate events name (negative tests).
 */
import { EmulatorContext, Handler, jsonBody } from "../../context";
import { invalidRequest } from "../../errors";

export function signingInfo(ctx: EmulatorContext) {
  return {
    mode: ctx.signing.mode,
    certificateUrl: ctx.signing.certificateUrl(),
    certificateBaseUrl: ctx.signing.baseUrl,
    allowedCertificateHosts: ctx.signing.allowedHosts,
    rootCertificatePem: ctx.signing.rootPem,
    urls: ctx.signing.urls(),
    signatureAlgorithm: "rsa-sha256",
  };
}

export const controlGetSigning: Handler = (ctx) => ({ status: 200, body: signingInfo(ctx) });

export const controlSetSigning: Handler = (ctx, req) => {
  const body = jsonBody(req) as Record<string, unknown>;
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw invalidRequest("The body must be an object.");
  const mode: { issuer?: "microsoft" | "other"; certificateHost?: string; certificateUrl?: string } = {};
  if (body.issuer !== undefined) {
    if (body.issuer !== "microsoft" && body.issuer !== "other") throw invalidRequest("'issuer' must be microsoft or other.", "issuer");
    mode.issuer = body.issuer;
  }
  for (const k of ["certificateHost", "certificateUrl"] as const) {
    if (body[k] === undefined) continue;
    if (body[k] !== null && (typeof body[k] !== "string" || !body[k])) throw invalidRequest(`'${k}' must be a string or null.`, k);
    mode[k] = (body[k] as string | null) ?? undefined;
  }
  if (typeof mode.certificateUrl === "string") {
    try {
      new URL(mode.certificateUrl);
    } catch {
      throw invalidRequest("'certificateUrl' must be an absolute URL.", "certificateUrl");
    }
  }
  ctx.signing.setMode(mode);
  return { status: 200, body: signingInfo(ctx) };
};
