/**
 * Event signing and the certificate host. Partner Center signs each event body with RSA-SHA256
 * and names the signing certificate in X-MS-Certificate-Url (reference §3.5); the emulator does the
 * same with its local chain and serves the certificates from its own small HTTPS listener:
 *
 *   /cert/pcnotifications-dispatch.microsoft.com.cer  signing leaf (DER), issuer O=Microsoft Corporation
 *   /cert/pcnotifications-dispatch.contoso.cer        same key, issuer O=Contoso Ltd (negative tests)
 *   /cert/issuing-ca-01.cer, /cert/contoso-issuing-ca.cer  the issuing CAs (AIA caIssuers targets)
 *   /cert/root.cer, /cert/root.pem                    the root to trust in tests
 *   /cert/chain.pem                                   Microsoft-issued leaf + issuing CA (PEM bundle)
 *
 * The signing mode (which leaf, which host the URL names, or any URL) is switchable for tests.
 */
import { createPrivateKey, KeyObject, sign, X509Certificate } from "node:crypto";
import * as https from "node:https";
import type { AddressInfo } from "node:net";
import { CertificateAuthorityMaterial, issueSigningLeaves, SigningLeaf } from "../certs/material";

export interface SigningMode {
  /** Which signing certificate the events name: issued under O=Microsoft Corporation, or not. */
  issuer: "microsoft" | "other";
  /** Host written in X-MS-Certificate-Url (default the listener's 127.0.0.1); "localhost" gives "another host". */
  certificateHost?: string;
  /** Any URL to name instead (e.g. an http:// one); overrides issuer and certificateHost. */
  certificateUrl?: string;
}

export const SIGNATURE_ALGORITHM = "rsa-sha256";

const PATHS = {
  microsoftLeaf: "/cert/pcnotifications-dispatch.microsoft.com.cer",
  otherLeaf: "/cert/pcnotifications-dispatch.contoso.cer",
  microsoftIssuer: "/cert/issuing-ca-01.cer",
  otherIssuer: "/cert/contoso-issuing-ca.cer",
  rootDer: "/cert/root.cer",
  rootPem: "/cert/root.pem",
  chainPem: "/cert/chain.pem",
} as const;

export class SigningService {
  private server?: https.Server;
  private port = 0;
  private leaves?: { microsoft: SigningLeaf; other: SigningLeaf };
  private readonly key: KeyObject;
  private modeValue: SigningMode = { issuer: "microsoft" };

  constructor(readonly ca: CertificateAuthorityMaterial, private readonly host: string) {
    this.key = createPrivateKey(ca.signingKeyPem);
  }

  async start(port: number): Promise<void> {
    this.server = https.createServer({ key: this.ca.tlsKeyPem, cert: this.ca.tlsCertPem }, (req, res) => {
      const path = (req.url ?? "/").split("?")[0]!;
      const file = this.file(path);
      if (!file || req.method !== "GET") {
        res.writeHead(404, { "Content-Type": "text/plain" }).end("not found");
        return;
      }
      res.writeHead(200, { "Content-Type": file.type, "Content-Length": file.data.length }).end(file.data);
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once("error", reject);
      this.server!.listen(port, this.host, () => resolve());
    });
    this.port = (this.server.address() as AddressInfo).port;
    this.leaves = issueSigningLeaves(this.ca, {
      microsoft: `${this.baseUrl}${PATHS.microsoftIssuer}`,
      other: `${this.baseUrl}${PATHS.otherIssuer}`,
    });
  }

  get baseUrl(): string {
    return `https://${this.host}:${this.port}`;
  }

  /** host:port entries a receiver should allow for the certificate download. */
  get allowedHosts(): string[] {
    return [`${this.host}:${this.port}`];
  }

  get rootPem(): string {
    return this.ca.rootCertPem;
  }

  get mode(): SigningMode {
    return { ...this.modeValue };
  }

  setMode(mode: Partial<SigningMode>): SigningMode {
    this.modeValue = { ...this.modeValue, ...mode };
    return this.mode;
  }

  resetMode(): void {
    this.modeValue = { issuer: "microsoft" };
  }

  certificateUrl(): string {
    const m = this.modeValue;
    if (m.certificateUrl) return m.certificateUrl;
    const host = m.certificateHost ?? this.host;
    return `https://${host}:${this.port}${m.issuer === "other" ? PATHS.otherLeaf : PATHS.microsoftLeaf}`;
  }

  urls(): Record<keyof typeof PATHS, string> {
    return Object.fromEntries(Object.entries(PATHS).map(([k, p]) => [k, `${this.baseUrl}${p}`])) as Record<keyof typeof PATHS, string>;
  }

  /** The signing certificate currently named in events. */
  currentCertificate(): X509Certificate {
    return this.modeValue.issuer === "other" ? this.leaves!.other.cert : this.leaves!.microsoft.cert;
  }

  /** Headers for one delivery: the base64 RSA-SHA256 signature of exactly these body bytes. */
  headers(body: Buffer, toMsSignatureHeader: boolean): Record<string, string> {
    const signature = `Signature ${sign("sha256", body, this.key).toString("base64")}`;
    return {
      ...(toMsSignatureHeader ? { "x-ms-signature": signature } : { Authorization: signature }),
      "X-MS-Certificate-Url": this.certificateUrl(),
      "X-MS-Signature-Algorithm": SIGNATURE_ALGORITHM,
    };
  }

  private file(path: string): { data: Buffer; type: string } | undefined {
    const der = (pem: string) => new X509Certificate(pem).raw;
    const cer = (data: Buffer) => ({ data, type: "application/pkix-cert" });
    const pem = (text: string) => ({ data: Buffer.from(text), type: "application/x-pem-file" });
    switch (path) {
      case PATHS.microsoftLeaf: return cer(this.leaves!.microsoft.der);
      case PATHS.otherLeaf: return cer(this.leaves!.other.der);
      case PATHS.microsoftIssuer: return cer(der(this.ca.microsoftIssuerCertPem));
      case PATHS.otherIssuer: return cer(der(this.ca.otherIssuerCertPem));
      case PATHS.rootDer: return cer(der(this.ca.rootCertPem));
      case PATHS.rootPem: return pem(this.ca.rootCertPem);
      case PATHS.chainPem: return pem(this.leaves!.microsoft.pem + this.ca.microsoftIssuerCertPem);
      default: return undefined;
    }
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.server) return resolve();
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });
  }
}
