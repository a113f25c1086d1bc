// @peculiar/x509 resolves its ASN.1 serializers through tsyringe, which needs the Reflect metadata API.
import "reflect-metadata";
import { webcrypto, X509Certificate } from "node:crypto";
import * as x509 from "@peculiar/x509";

// Node has no API to issue X.509 certificates; @peculiar/x509 does it over WebCrypto.
x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

/** A PEM certificate with its PEM (PKCS#8) private key. */
export interface KeyPair {
  certificate: string;
  key: string;
}

export interface CertificateOptions {
  /** Subject common name. */
  commonName: string;
  /** "server" adds serverAuth and the SANs; "client" adds clientAuth. */
  usage: "server" | "client";
  /** Subject alternative names for a server certificate. */
  dnsNames?: string[];
  ipAddresses?: string[];
  /** Validity in days (default 3650, like Incus' self-signed certificates). */
  days?: number;
}

const ALGORITHM = { name: "ECDSA", namedCurve: "P-384", hash: "SHA-384" } as const;

/** Issues a self-signed ECDSA P-384 certificate, as Operations Center and Incus do for their own. */
export async function createSelfSignedCertificate(options: CertificateOptions): Promise<KeyPair> {
  const keys = await webcrypto.subtle.generateKey(ALGORITHM, true, ["sign", "verify"]);
  const notBefore = new Date(Date.now() - 60_000);
  const notAfter = new Date(notBefore.getTime() + (options.days ?? 3650) * 86_400_000);
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    new x509.ExtendedKeyUsageExtension(
      [options.usage === "server" ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth],
      false,
    ),
  ];
  if (options.usage === "server") {
    const names: x509.JsonGeneralName[] = [
      ...(options.dnsNames ?? []).map((value) => ({ type: "dns" as const, value })),
      ...(options.ipAddresses ?? []).map((value) => ({ type: "ip" as const, value })),
    ];
    if (names.length > 0) extensions.push(new x509.SubjectAlternativeNameExtension(names, false));
  }
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: Buffer.from(webcrypto.getRandomValues(new Uint8Array(16))).toString("hex").replace(/^[89a-f]/, "1"),
    name: `CN=${options.commonName}, O=cdktf-operations-center`,
    notBefore,
    notAfter,
    keys: keys as unknown as Parameters<typeof x509.X509CertificateGenerator.createSelfSigned>[0]["keys"],
    signingAlgorithm: ALGORITHM,
    extensions,
  });
  const pkcs8 = await webcrypto.subtle.exportKey("pkcs8", keys.privateKey);
  return {
    certificate: certificate.toString("pem") + "\n",
    key: x509.PemConverter.encode(pkcs8, "PRIVATE KEY") + "\n",
  };
}

/**
 * SHA-256 fingerprint of a PEM certificate, lower-case hex without colons: the form Operations
 * Center keeps in security.trusted_tls_client_cert_fingerprints.
 */
export function certificateFingerprint(pem: string): string {
  return new X509Certificate(pem).fingerprint256.replaceAll(":", "").toLowerCase();
}
