/**
 * Verification of Partner Center webhook callbacks, in the documented order
 * (../shared/reference/partner-center-api.md §3.5):
 *  1. the signature (Authorization, or x-ms-signature when the registration set
 *     SignatureTokenToMsSignatureHeader) with the `Signature ` scheme, x-ms-certificate-url and
 *     x-ms-signature-algorithm are present;
 *  2. the certificate is downloaded from x-ms-certificate-url — https only, allow-listed host only;
 *  3. its chain is verified up to a trusted root (system roots by default);
 *  4. its issuer carries O=Microsoft Corporation;
 *  5–7. RSA PKCS#1 v1.5 with the algorithm's hash (rsa-sha256) over the raw body bytes.
 * Every rejection says which check failed and why (a typed result, never just `false`), and the
 * HTTP status the documentation's reference receiver answers with (400 or 401).
 */
import { constants, verify as verifySignature, X509Certificate } from "node:crypto";
import * as http from "node:http";
import * as https from "node:https";
import * as tls from "node:tls";
import type { WebhookEvent } from "./referral";

export type WebhookRejectionReason =
  | "missing-signature"
  | "bad-signature-scheme"
  | "missing-certificate-url"
  | "missing-algorithm"
  | "unsupported-algorithm"
  | "certificate-url-invalid"
  | "certificate-url-not-https"
  | "certificate-host-not-allowed"
  | "certificate-fetch-failed"
  | "certificate-unparseable"
  | "certificate-not-yet-valid"
  | "certificate-expired"
  | "chain-untrusted"
  | "issuer-not-microsoft"
  | "signature-malformed"
  | "signature-mismatch";

export type WebhookVerification =
  | {
      ok: true;
      /** The verified signing certificate. */
      certificate: X509Certificate;
      /** Leaf first, trusted root last. */
      chain: X509Certificate[];
      signatureHeader: "authorization" | "x-ms-signature";
      algorithm: string;
    }
  | {
      ok: false;
      reason: WebhookRejectionReason;
      /** A sentence naming the failed check, for logs and audit lines (no secrets in it). */
      message: string;
      /** What a receiver answers: 400 for missing certificate URL / algorithm, else 401. */
      httpStatus: 400 | 401;
    };

export type CertificateInput = string | Buffer | X509Certificate;

export interface WebhookSignatureVerifierOptions {
  /**
   * Hosts the certificate may be downloaded from: a hostname ("3psostorageacct.blob.core.windows.net")
   * or host:port ("127.0.0.1:8443"). Default: the host of the documented certificate URL.
   */
  allowedCertificateHosts?: string[];
  /** Trust anchors for the chain. Default: the system's roots (Node's root store). */
  trustedRoots?: CertificateInput[];
  /** Extra intermediate certificates to build chains with (untrusted, like the downloaded ones). */
  intermediates?: CertificateInput[];
  /** Download a missing issuer from the certificate's Authority Information Access URL. Default true. */
  fetchIssuers?: boolean;
  /** CA certificates for the HTTPS download itself (default: Node's defaults). */
  httpsCa?: string | Buffer | Array<string | Buffer>;
  /** Replace the downloader (tests, proxies). Receives the already-vetted URL. */
  fetchCertificate?: (url: URL) => Promise<Buffer>;
  /** Clock for validity checks and the cache. */
  now?: () => number;
  /** How long a downloaded certificate is reused; default 1 hour. */
  cacheTtlMs?: number;
  /** Download timeout; default 10 s. */
  timeoutMs?: number;
}

/** Host of the certificate URL in the documentation's example. */
export const DOCUMENTED_CERTIFICATE_HOSTS = ["3psostorageacct.blob.core.windows.net"] as const;
const MICROSOFT_ORGANIZATION = "O=Microsoft Corporation";
const SUPPORTED_HASHES = new Set(["sha256", "sha384", "sha512"]);
const MAX_CERT_BYTES = 64 * 1024;
const MAX_CHAIN = 6;

export type HeaderBag = Headers | Record<string, string | string[] | undefined>;

export interface WebhookRequest {
  headers: HeaderBag;
  /** The raw body exactly as received. A string is taken as its UTF-8 bytes. */
  body: Buffer | Uint8Array | string;
}

export function headerValue(headers: HeaderBag, name: string): string | undefined {
  if (typeof Headers !== "undefined" && headers instanceof Headers) return headers.get(name) ?? undefined;
  const wanted = name.toLowerCase();
  for (const [k, v] of Object.entries(headers as Record<string, string | string[] | undefined>)) {
    if (k.toLowerCase() === wanted) return Array.isArray(v) ? v[0] : v;
  }
  return undefined;
}

function toCertificate(input: CertificateInput): X509Certificate {
  return input instanceof X509Certificate ? input : new X509Certificate(input);
}

/** All certificates in a download: PEM (one or more blocks) or a single DER. */
export function parseCertificates(data: Buffer): X509Certificate[] {
  const text = data.toString("latin1");
  if (text.includes("-----BEGIN CERTIFICATE-----")) {
    const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
    return blocks.map((b) => new X509Certificate(b));
  }
  return [new X509Certificate(data)];
}

function systemRoots(): X509Certificate[] {
  const pems = new Set<string>(tls.rootCertificates);
  const getCa = (tls as unknown as { getCACertificates?: (type: string) => string[] }).getCACertificates;
  if (typeof getCa === "function") {
    for (const type of ["system", "extra"]) {
      try {
        for (const p of getCa(type)) pems.add(p);
      } catch {
        /* older Node or no such store */
      }
    }
  }
  const out: X509Certificate[] = [];
  for (const p of pems) {
    try {
      out.push(new X509Certificate(p));
    } catch {
      /* skip a root Node cannot parse */
    }
  }
  return out;
}

const commonName = (c: X509Certificate): string => c.subject.split("\n").find((l) => l.startsWith("CN="))?.slice(3) ?? c.subject.replace(/\n/g, ", ");

function caIssuersUrls(c: X509Certificate): string[] {
  return (c.infoAccess ?? "")
    .split("\n")
    .map((l) => l.match(/^CA Issuers - URI:(.+)$/)?.[1]?.trim())
    .filter((u): u is string => Boolean(u));
}

const reject = (reason: WebhookRejectionReason, message: string, httpStatus: 400 | 401 = 401): WebhookVerification => ({ ok: false, reason, message, httpStatus });

/** Reusable verifier: keeps the parsed roots and a cache of downloaded certificates. */
export class WebhookSignatureVerifier {
  private roots?: X509Certificate[];
  private readonly extra: X509Certificate[];
  private readonly allowed: string[];
  private readonly cache = new Map<string, { certs: X509Certificate[]; at: number }>();
  private readonly now: () => number;

  constructor(private readonly options: WebhookSignatureVerifierOptions = {}) {
    this.allowed = (options.allowedCertificateHosts ?? [...DOCUMENTED_CERTIFICATE_HOSTS]).map((h) => h.toLowerCase());
    this.extra = (options.intermediates ?? []).map(toCertificate);
    if (options.trustedRoots) this.roots = options.trustedRoots.map(toCertificate);
    this.now = options.now ?? Date.now;
  }

  async verify(request: WebhookRequest): Promise<WebhookVerification> {
    // 1. Headers.
    const msSignature = headerValue(request.headers, "x-ms-signature");
    const authorization = headerValue(request.headers, "authorization");
    const signatureHeader: "x-ms-signature" | "authorization" = msSignature !== undefined ? "x-ms-signature" : "authorization";
    const rawSignature = msSignature ?? authorization;
    if (!rawSignature || !rawSignature.trim()) {
      return reject("missing-signature", "no signature: neither an Authorization nor an x-ms-signature header is present");
    }
    const space = rawSignature.trim().indexOf(" ");
    const scheme = space < 0 ? rawSignature.trim() : rawSignature.trim().slice(0, space);
    const signatureB64 = space < 0 ? "" : rawSignature.trim().slice(space + 1).trim();
    if (scheme !== "Signature" || !signatureB64) {
      return reject("bad-signature-scheme", `the ${signatureHeader} header does not use the "Signature <base64>" scheme`);
    }
    const certUrlText = headerValue(request.headers, "x-ms-certificate-url");
    if (!certUrlText) return reject("missing-certificate-url", "the x-ms-certificate-url header is missing", 400);
    const algorithm = headerValue(request.headers, "x-ms-signature-algorithm");
    if (!algorithm) return reject("missing-algorithm", "the x-ms-signature-algorithm header is missing", 400);
    const [keyAlg, hash, ...rest] = algorithm.trim().toLowerCase().split("-");
    if (keyAlg !== "rsa" || !hash || rest.length || !SUPPORTED_HASHES.has(hash)) {
      return reject("unsupported-algorithm", `signature algorithm "${algorithm}" is not supported (expected rsa-sha256)`, 400);
    }

    // 2. Certificate URL: https on an allow-listed host, then download.
    let certUrl: URL;
    try {
      certUrl = new URL(certUrlText);
    } catch {
      return reject("certificate-url-invalid", "x-ms-certificate-url is not an absolute URL");
    }
    if (certUrl.protocol !== "https:") return reject("certificate-url-not-https", `the certificate URL must use https, got ${certUrl.protocol.replace(":", "")}`);
    const host = certUrl.hostname.toLowerCase();
    const hostPort = certUrl.port ? `${host}:${certUrl.port}` : host;
    if (!this.allowed.includes(host) && !this.allowed.includes(hostPort)) {
      return reject("certificate-host-not-allowed", `the certificate host ${hostPort} is not in the allowed list (${this.allowed.join(", ") || "empty"})`);
    }
    let downloaded: X509Certificate[];
    try {
      downloaded = await this.certificatesAt(certUrl);
    } catch (e) {
      const reason = (e as { reason?: WebhookRejectionReason }).reason ?? "certificate-fetch-failed";
      return reject(reason, `${reason === "certificate-unparseable" ? "the downloaded certificate cannot be parsed" : "the certificate could not be downloaded"} from ${certUrl.origin}${certUrl.pathname}: ${(e as Error).message}`);
    }
    const leaf = downloaded[0]!;

    // 3. Validity and chain.
    const validity = this.checkValidity(leaf);
    if (validity) return validity;
    const chain = await this.buildChain(leaf, [...downloaded.slice(1), ...this.extra]);
    if (!Array.isArray(chain)) return reject("chain-untrusted", `the certificate chain of "${commonName(leaf)}" is not trusted: ${chain.problem}`);

    // 4. Issuer organisation.
    if (!leaf.issuer.split("\n").some((part) => part.trim() === MICROSOFT_ORGANIZATION)) {
      return reject("issuer-not-microsoft", `the certificate issuer does not carry ${MICROSOFT_ORGANIZATION} (issuer: ${leaf.issuer.replace(/\n/g, ", ")})`);
    }

    // 5–7. Signature over the raw body bytes.
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(signatureB64) || signatureB64.length % 4 !== 0) {
      return reject("signature-malformed", "the signature is not valid base64");
    }
    if (leaf.publicKey.asymmetricKeyType !== "rsa") {
      return reject("unsupported-algorithm", `the certificate key is ${leaf.publicKey.asymmetricKeyType}, not RSA`, 400);
    }
    const body = typeof request.body === "string" ? Buffer.from(request.body, "utf8") : Buffer.from(request.body);
    const good = verifySignature(hash, body, { key: leaf.publicKey, padding: constants.RSA_PKCS1_PADDING }, Buffer.from(signatureB64, "base64"));
    if (!good) return reject("signature-mismatch", "signature verification failed: the body does not match the signature");
    return { ok: true, certificate: leaf, chain, signatureHeader, algorithm: `rsa-${hash}` };
  }

  private checkValidity(c: X509Certificate): WebhookVerification | undefined {
    const now = this.now();
    if (now < Date.parse(c.validFrom)) return reject("certificate-not-yet-valid", `certificate "${commonName(c)}" is not valid before ${c.validFrom}`);
    if (now > Date.parse(c.validTo)) return reject("certificate-expired", `certificate "${commonName(c)}" expired on ${c.validTo}`);
    return undefined;
  }

  private trusted(): X509Certificate[] {
    this.roots ??= systemRoots();
    return this.roots;
  }

  private async buildChain(leaf: X509Certificate, pool: X509Certificate[]): Promise<X509Certificate[] | { problem: string }> {
    const roots = this.trusted();
    const now = this.now();
    const inTime = (c: X509Certificate) => now >= Date.parse(c.validFrom) && now <= Date.parse(c.validTo);
    const chain = [leaf];
    let current = leaf;
    const candidates = [...pool];
    for (let depth = 0; depth < MAX_CHAIN; depth++) {
      const root = roots.find((r) => current.checkIssued(r) && current.verify(r.publicKey));
      if (root) {
        if (!inTime(root)) return { problem: `root "${commonName(root)}" is outside its validity period` };
        if (root.fingerprint256 !== current.fingerprint256) chain.push(root);
        return chain;
      }
      let issuer = candidates.find((c) => c.ca && current.checkIssued(c) && current.verify(c.publicKey));
      if (!issuer && this.options.fetchIssuers !== false) {
        for (const url of caIssuersUrls(current)) {
          try {
            const fetched = await this.certificatesAt(new URL(url), true);
            candidates.push(...fetched);
            issuer = fetched.find((c) => c.ca && current.checkIssued(c) && current.verify(c.publicKey));
            if (issuer) break;
          } catch {
            /* try the next URL; the final message says no issuer was found */
          }
        }
      }
      if (!issuer) return { problem: `no trusted issuer found for "${commonName(current)}" (issuer "${current.issuer.replace(/\n/g, ", ")}")` };
      if (!inTime(issuer)) return { problem: `issuer "${commonName(issuer)}" is outside its validity period` };
      if (chain.some((c) => c.fingerprint256 === issuer!.fingerprint256)) return { problem: "the chain loops" };
      chain.push(issuer);
      current = issuer;
    }
    return { problem: `longer than ${MAX_CHAIN} certificates` };
  }

  private async certificatesAt(url: URL, issuerDownload = false): Promise<X509Certificate[]> {
    const key = url.toString();
    const hit = this.cache.get(key);
    const ttl = this.options.cacheTtlMs ?? 3_600_000;
    if (hit && this.now() - hit.at < ttl) return hit.certs;
    if (issuerDownload && url.protocol !== "https:" && url.protocol !== "http:") throw new Error(`unsupported issuer URL scheme ${url.protocol}`);
    const data = await (this.options.fetchCertificate ?? ((u: URL) => this.download(u)))(url);
    let certs: X509Certificate[];
    try {
      certs = parseCertificates(data);
      if (!certs.length) throw new Error("no certificate in the download");
    } catch (e) {
      throw Object.assign(new Error((e as Error).message), { reason: "certificate-unparseable" as const });
    }
    this.cache.set(key, { certs, at: this.now() });
    return certs;
  }

  private download(url: URL): Promise<Buffer> {
    const timeoutMs = this.options.timeoutMs ?? 10_000;
    return new Promise<Buffer>((resolve, reject) => {
      const lib = url.protocol === "https:" ? https : http;
      const req = lib.get(url, { timeout: timeoutMs, ...(url.protocol === "https:" && this.options.httpsCa ? { ca: this.options.httpsCa } : {}) }, (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          reject(new Error(`HTTP ${res.statusCode}`));
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (c: Buffer) => {
          size += c.length;
          if (size > MAX_CERT_BYTES) {
            req.destroy(new Error(`larger than ${MAX_CERT_BYTES} bytes`));
            return;
          }
          chunks.push(c);
        });
        res.on("end", () => resolve(Buffer.concat(chunks)));
        res.on("error", reject);
      });
      req.on("timeout", () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      req.on("error", reject);
    });
  }
}

/** One-shot verification (builds a verifier; keep one around to reuse its certificate cache). */
export function verifyWebhookSignature(request: WebhookRequest, options: WebhookSignatureVerifierOptions = {}): Promise<WebhookVerification> {
  return new WebhookSignatureVerifier(options).verify(request);
}

export interface ParsedWebhookEvent {
  event: WebhookEvent;
  /** Last path segment of ResourceUri: the referral id (or the correlation id of a test event). */
  resourceId: string;
}

/** Parse and check an event body (after verification); throws a clear error on a malformed one. */
export function parseWebhookEvent(body: Buffer | Uint8Array | string): ParsedWebhookEvent {
  const text = typeof body === "string" ? body : Buffer.from(body).toString("utf8");
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error("webhook event body is not JSON");
  }
  const e = parsed as Partial<WebhookEvent> | null;
  if (!e || typeof e !== "object" || Array.isArray(e)) throw new Error("webhook event body is not a JSON object");
  if (typeof e.EventName !== "string" || !e.EventName) throw new Error("webhook event has no EventName");
  if (typeof e.ResourceUri !== "string" || !e.ResourceUri) throw new Error("webhook event has no ResourceUri");
  let uri: URL;
  try {
    uri = new URL(e.ResourceUri);
  } catch {
    throw new Error("webhook event ResourceUri is not an absolute URL");
  }
  const segments = uri.pathname.split("/").filter(Boolean);
  const resourceId = decodeURIComponent(segments[segments.length - 1] ?? "");
  if (!resourceId) throw new Error("webhook event ResourceUri has no resource id");
  return {
    event: {
      EventName: e.EventName,
      ResourceUri: e.ResourceUri,
      ResourceName: typeof e.ResourceName === "string" ? e.ResourceName : "",
      AuditUri: typeof e.AuditUri === "string" ? e.AuditUri : null,
      ResourceChangeUtcDate: typeof e.ResourceChangeUtcDate === "string" ? e.ResourceChangeUtcDate : "",
    },
    resourceId,
  };
}
