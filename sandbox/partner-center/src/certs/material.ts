/**
 * The emulator's certificate material: a locally generated root, two issuing CAs (one whose
 * subject carries O=Microsoft Corporation, one that does not), the webhook signing key with a leaf
 * certificate under each, and a TLS certificate for the emulator's HTTPS certificate host.
 *
 * Sandbox-only keys: they are generated on this machine, never leave it, and sign nothing but
 * emulator events. Trust the root only in tests and in the local sandbox.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject, X509Certificate } from "node:crypto";
import { createCertificate, DistinguishedName, toPem } from "./x509";

/** Serializable CA material (PEM). The leaves are issued per start because they name the host. */
export interface CertificateAuthorityMaterial {
  rootKeyPem: string;
  rootCertPem: string;
  microsoftIssuerKeyPem: string;
  microsoftIssuerCertPem: string;
  otherIssuerKeyPem: string;
  otherIssuerCertPem: string;
  /** The webhook signing key (RSA 2048); both signing leaves certify its public key. */
  signingKeyPem: string;
  tlsKeyPem: string;
  tlsCertPem: string;
}

export const ROOT_NAME: DistinguishedName = [
  ["C", "US"],
  ["O", "Partner Center Emulator"],
  ["CN", "Partner Center Emulator Root CA (sandbox only)"],
];
export const MICROSOFT_ISSUER_NAME: DistinguishedName = [
  ["C", "US"],
  ["ST", "Washington"],
  ["L", "Redmond"],
  ["O", "Microsoft Corporation"],
  ["CN", "Partner Center Emulator Issuing CA 01 (sandbox only)"],
];
export const OTHER_ISSUER_NAME: DistinguishedName = [
  ["C", "US"],
  ["O", "Contoso Ltd"],
  ["CN", "Contoso Issuing CA (sandbox only)"],
];
export const SIGNING_CERT_CN = "pcnotifications-dispatch.microsoft.com";

const DAY = 24 * 3600 * 1000;

function rsaKeyPair(): { privateKey: KeyObject; publicKey: KeyObject } {
  return generateKeyPairSync("rsa", { modulusLength: 2048, publicExponent: 0x10001 });
}
const keyPem = (k: KeyObject): string => k.export({ type: "pkcs8", format: "pem" }).toString();

export function generateCertificateAuthority(now: Date = new Date()): CertificateAuthorityMaterial {
  const root = rsaKeyPair();
  const ms = rsaKeyPair();
  const other = rsaKeyPair();
  const signing = rsaKeyPair();
  const tls = rsaKeyPair();
  const notBefore = new Date(now.getTime() - DAY);
  const rootCert = createCertificate({
    subject: ROOT_NAME, issuer: ROOT_NAME, subjectPublicKey: root.publicKey,
    issuerPrivateKey: root.privateKey, issuerPublicKey: root.publicKey,
    notBefore, notAfter: new Date(now.getTime() + 3650 * DAY), ca: true, keyUsage: ["keyCertSign", "cRLSign"],
  });
  const intermediate = (name: DistinguishedName, pair: { publicKey: KeyObject }) => createCertificate({
    subject: name, issuer: ROOT_NAME, subjectPublicKey: pair.publicKey,
    issuerPrivateKey: root.privateKey, issuerPublicKey: root.publicKey,
    notBefore, notAfter: new Date(now.getTime() + 1825 * DAY), ca: true, pathLength: 0, keyUsage: ["keyCertSign", "cRLSign"],
  });
  const tlsCert = createCertificate({
    subject: [["O", "Partner Center Emulator"], ["CN", "localhost"]], issuer: ROOT_NAME, subjectPublicKey: tls.publicKey,
    issuerPrivateKey: root.privateKey, issuerPublicKey: root.publicKey,
    notBefore, notAfter: new Date(now.getTime() + 825 * DAY), ca: false,
    keyUsage: ["digitalSignature", "keyEncipherment"], extendedKeyUsage: ["serverAuth"],
    dnsNames: ["localhost"], ipAddresses: ["127.0.0.1", "::1"],
  });
  return {
    rootKeyPem: keyPem(root.privateKey),
    rootCertPem: toPem(rootCert),
    microsoftIssuerKeyPem: keyPem(ms.privateKey),
    microsoftIssuerCertPem: toPem(intermediate(MICROSOFT_ISSUER_NAME, ms)),
    otherIssuerKeyPem: keyPem(other.privateKey),
    otherIssuerCertPem: toPem(intermediate(OTHER_ISSUER_NAME, other)),
    signingKeyPem: keyPem(signing.privateKey),
    tlsKeyPem: keyPem(tls.privateKey),
    tlsCertPem: toPem(tlsCert),
  };
}

let cached: CertificateAuthorityMaterial | undefined;
/** One CA per process unless the caller brings its own (key generation costs ~0.5 s). */
export function sharedCertificateAuthority(): CertificateAuthorityMaterial {
  cached ??= generateCertificateAuthority();
  return cached;
}

export interface SigningLeaf {
  cert: X509Certificate;
  der: Buffer;
  pem: string;
}

/**
 * Issue the two webhook signing certificates (same key): one under the Microsoft issuing CA, one
 * under the other CA, each naming where its issuer certificate can be fetched (AIA caIssuers).
 */
export function issueSigningLeaves(
  ca: CertificateAuthorityMaterial,
  issuerUrls: { microsoft: string; other: string },
  now: Date = new Date(),
): { microsoft: SigningLeaf; other: SigningLeaf } {
  const signingPublic = createPublicKey(createPrivateKey(ca.signingKeyPem));
  const leaf = (issuerName: DistinguishedName, issuerKeyPem: string, subject: DistinguishedName, dns: string, caIssuersUrl: string): SigningLeaf => {
    const issuerPrivateKey = createPrivateKey(issuerKeyPem);
    const cert = createCertificate({
      subject, issuer: issuerName, subjectPublicKey: signingPublic,
      issuerPrivateKey, issuerPublicKey: createPublicKey(issuerPrivateKey),
      notBefore: new Date(now.getTime() - DAY), notAfter: new Date(now.getTime() + 365 * DAY), ca: false,
      keyUsage: ["digitalSignature", "keyEncipherment"], extendedKeyUsage: ["serverAuth", "clientAuth"],
      dnsNames: [dns], caIssuersUrl,
    });
    return { cert, der: cert.raw, pem: toPem(cert) };
  };
  return {
    microsoft: leaf(MICROSOFT_ISSUER_NAME, ca.microsoftIssuerKeyPem,
      [["C", "US"], ["ST", "WA"], ["L", "Redmond"], ["O", "Microsoft Corporation"], ["CN", SIGNING_CERT_CN]],
      SIGNING_CERT_CN, issuerUrls.microsoft),
    other: leaf(OTHER_ISSUER_NAME, ca.otherIssuerKeyPem,
      [["C", "US"], ["O", "Contoso Ltd"], ["CN", "pcnotifications-dispatch.contoso.example"]],
      "pcnotifications-dispatch.contoso.example", issuerUrls.other),
  };
}
