import { X509Certificate } from "node:crypto";
import { generateCertificateAuthority } from "../src/certs/material";
import { issueSigningLeaves } from "../src/certs/material";
import * as der from "../src/certs/der";

test("DER primitives encode as X.690 says", () => {
  expect(der.integer(0).toString("hex")).toBe("020100");
  expect(der.integer(128).toString("hex")).toBe("02020080");
  expect(der.objectIdentifier("1.2.840.113549.1.1.11").toString("hex")).toBe("06092a864886f70d01010b");
  expect(der.namedBits([0, 5]).toString("hex")).toBe("03020284");
  expect(der.time(new Date("2026-01-02T03:04:05Z")).toString("ascii").slice(2)).toBe("260102030405Z");
  expect(der.time(new Date("2051-01-02T03:04:05Z"))[0]).toBe(0x18);
  expect(der.tlv(0x04, Buffer.alloc(200)).subarray(0, 3).toString("hex")).toBe("0481c8");
});

test("the generated chain verifies: root → issuing CA (O=Microsoft Corporation) → signing leaf; the other CA is not Microsoft", () => {
  const ca = generateCertificateAuthority(new Date("2026-06-01T00:00:00Z"));
  const root = new X509Certificate(ca.rootCertPem);
  const ms = new X509Certificate(ca.microsoftIssuerCertPem);
  const other = new X509Certificate(ca.otherIssuerCertPem);
  const leaves = issueSigningLeaves(ca, { microsoft: "https://127.0.0.1:1/ms.cer", other: "https://127.0.0.1:1/o.cer" }, new Date("2026-06-01T00:00:00Z"));
  expect(root.ca && ms.ca && other.ca).toBe(true);
  expect(root.verify(root.publicKey) && ms.verify(root.publicKey) && other.verify(root.publicKey)).toBe(true);
  expect(leaves.microsoft.cert.checkIssued(ms) && leaves.microsoft.cert.verify(ms.publicKey)).toBe(true);
  expect(leaves.microsoft.cert.issuer.split("\n")).toContain("O=Microsoft Corporation");
  expect(leaves.other.cert.issuer.split("\n")).not.toContain("O=Microsoft Corporation");
  expect(leaves.microsoft.cert.ca).toBe(false);
  expect(leaves.microsoft.cert.infoAccess).toContain("CA Issuers - URI:https://127.0.0.1:1/ms.cer");
  expect(leaves.microsoft.cert.publicKey.equals(leaves.other.cert.publicKey)).toBe(true);
  const tls = new X509Certificate(ca.tlsCertPem);
  expect(tls.checkIP("127.0.0.1")).toBe("127.0.0.1");
  expect(tls.verify(root.publicKey)).toBe(true);
});
