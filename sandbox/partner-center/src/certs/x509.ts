/**
 * X.509 v3 certificate builder (RFC 5280) over der.ts, signed with node:crypto (RSA-SHA256).
 * Only what the emulator's test chain needs: names, validity, basic constraints, key usage,
 * extended key usage, subject alternative names, key identifiers and authority information access.
 */
import { createHash, KeyObject, randomBytes, sign, X509Certificate } from "node:crypto";
import { isIPv4 } from "node:net";
import * as der from "./der";

const OID = {
  sha256WithRSAEncryption: "1.2.840.113549.1.1.11",
  C: "2.5.4.6",
  ST: "2.5.4.8",
  L: "2.5.4.7",
  O: "2.5.4.10",
  OU: "2.5.4.11",
  CN: "2.5.4.3",
  subjectKeyIdentifier: "2.5.29.14",
  keyUsage: "2.5.29.15",
  subjectAltName: "2.5.29.17",
  basicConstraints: "2.5.29.19",
  authorityKeyIdentifier: "2.5.29.35",
  extKeyUsage: "2.5.29.37",
  authorityInfoAccess: "1.3.6.1.5.5.7.1.1",
  caIssuers: "1.3.6.1.5.5.7.48.2",
  serverAuth: "1.3.6.1.5.5.7.3.1",
  clientAuth: "1.3.6.1.5.5.7.3.2",
} as const;

export type NameAttribute = "C" | "ST" | "L" | "O" | "OU" | "CN";
/** Ordered relative distinguished names, e.g. [["C","US"],["O","Microsoft Corporation"],["CN","…"]]. */
export type DistinguishedName = ReadonlyArray<readonly [NameAttribute, string]>;

const KEY_USAGE_BITS = {
  digitalSignature: 0,
  keyEncipherment: 2,
  keyCertSign: 5,
  cRLSign: 6,
} as const;
export type KeyUsage = keyof typeof KEY_USAGE_BITS;

export interface CertificateSpec {
  subject: DistinguishedName;
  issuer: DistinguishedName;
  subjectPublicKey: KeyObject;
  /** The issuer's key pair: the private key signs, the public key gives the authority key id. */
  issuerPrivateKey: KeyObject;
  issuerPublicKey: KeyObject;
  notBefore: Date;
  notAfter: Date;
  ca: boolean;
  pathLength?: number;
  keyUsage: KeyUsage[];
  extendedKeyUsage?: Array<"serverAuth" | "clientAuth">;
  dnsNames?: string[];
  ipAddresses?: string[];
  /** Authority Information Access caIssuers URL (where the issuer certificate can be fetched). */
  caIssuersUrl?: string;
  serialNumber?: Buffer;
}

function encodeName(name: DistinguishedName): Buffer {
  return der.sequence(
    ...name.map(([attr, value]) =>
      der.set(der.sequence(der.objectIdentifier(OID[attr]), attr === "C" ? der.printableString(value) : der.utf8String(value))),
    ),
  );
}

const spki = (key: KeyObject): Buffer => key.export({ type: "spki", format: "der" });
/** Key identifier: SHA-1 of the encoded public key (RFC 5280 §4.2.1.2 method 1, over the SPKI). */
const keyId = (key: KeyObject): Buffer => createHash("sha1").update(spki(key)).digest();

function extension(oid: string, critical: boolean, value: Buffer): Buffer {
  return der.sequence(der.objectIdentifier(oid), ...(critical ? [der.boolean(true)] : []), der.octetString(value));
}

function ipBytes(ip: string): Buffer {
  if (isIPv4(ip)) return Buffer.from(ip.split(".").map((p) => Number(p)));
  if (ip === "::1") return Buffer.from([...new Array(15).fill(0), 1]);
  throw new Error(`unsupported IP address in subjectAltName: ${ip}`);
}

const sha256WithRsa = (): Buffer => der.sequence(der.objectIdentifier(OID.sha256WithRSAEncryption), der.nullValue());

/** Build and sign a certificate; returns it parsed (Node checks the encoding on the way). */
export function createCertificate(spec: CertificateSpec): X509Certificate {
  const serial = spec.serialNumber ?? randomBytes(16);
  serial[0] = serial[0]! & 0x7f;
  const extensions: Buffer[] = [
    extension(OID.basicConstraints, true, der.sequence(
      ...(spec.ca ? [der.boolean(true), ...(spec.pathLength !== undefined ? [der.integer(spec.pathLength)] : [])] : []),
    )),
    extension(OID.keyUsage, true, der.namedBits(spec.keyUsage.map((u) => KEY_USAGE_BITS[u]))),
    extension(OID.subjectKeyIdentifier, false, der.octetString(keyId(spec.subjectPublicKey))),
    extension(OID.authorityKeyIdentifier, false, der.sequence(der.implicitPrimitive(0, keyId(spec.issuerPublicKey)))),
  ];
  if (spec.extendedKeyUsage?.length) {
    extensions.push(extension(OID.extKeyUsage, false, der.sequence(...spec.extendedKeyUsage.map((u) => der.objectIdentifier(OID[u])))));
  }
  const altNames = [
    ...(spec.dnsNames ?? []).map((d) => der.implicitPrimitive(2, Buffer.from(d, "ascii"))),
    ...(spec.ipAddresses ?? []).map((ip) => der.implicitPrimitive(7, ipBytes(ip))),
  ];
  if (altNames.length) extensions.push(extension(OID.subjectAltName, false, der.sequence(...altNames)));
  if (spec.caIssuersUrl) {
    extensions.push(extension(OID.authorityInfoAccess, false, der.sequence(
      der.sequence(der.objectIdentifier(OID.caIssuers), der.implicitPrimitive(6, Buffer.from(spec.caIssuersUrl, "ascii"))),
    )));
  }
  const tbs = der.sequence(
    der.explicit(0, der.integer(2)),
    der.integerFromBytes(serial),
    sha256WithRsa(),
    encodeName(spec.issuer),
    der.sequence(der.time(spec.notBefore), der.time(spec.notAfter)),
    encodeName(spec.subject),
    spki(spec.subjectPublicKey),
    der.explicit(3, der.sequence(...extensions)),
  );
  const signature = sign("sha256", tbs, spec.issuerPrivateKey);
  return new X509Certificate(der.sequence(tbs, sha256WithRsa(), der.bitString(signature)));
}

export function toPem(cert: X509Certificate): string {
  const b64 = cert.raw.toString("base64").replace(/(.{64})/g, "$1\n").replace(/\n$/, "");
  return `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`;
}
