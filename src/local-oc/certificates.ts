// Self-signed certificates for the local Operations Center, its clusters, machines and clients,
// built by src/x509 and signed on the thread pool, so that many are made side by side: a cluster
// create and every seeded server issue one, which puts this on the hot path of large fleets (a
// general ASN.1 library spent most of a create's CPU on it).

import { X509Certificate, createHash, generateKeyPair, sign, type KeyObject } from "node:crypto";
import { promisify } from "node:util";
import { certificateToSign, CURVES, signedCertificate, toPem, type CertificateFields } from "../x509/certificate.js";

/** A PEM certificate with its PEM (PKCS#8) private key. */
export interface KeyPair {
  certificate: string;
  key: string;
}

/**
 * What a listener of the local OC presents: `pair`, over TLS 1.3 only, as Operations Center's own
 * listener (operations-center@41a98e0 internal/api/listener/fancytls.go) and an Incus cluster's
 * (incus@be7afc5 shared/tls/tls.go, InitTLSConfig) do.
 */
export function listenerTls(pair: KeyPair) {
  return { key: pair.key, cert: pair.certificate, minVersion: "TLSv1.3" } as const;
}

/**
 * A listener's server options: `listenerTls`, and a client certificate asked for but not required,
 * as tls.RequestClientCert in operations-center@41a98e0 internal/api/listener/fancytls.go and
 * incus@be7afc5 internal/server/util/net.go (ServerTLSConfig): trust is decided per request.
 */
export function listenerServerOptions(pair: KeyPair) {
  return { ...listenerTls(pair), requestCert: true, rejectUnauthorized: false } as const;
}

interface CertificateOptions {
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

const ORGANIZATION = "cdktf-operations-center";

const generateEcKeyPair = promisify(generateKeyPair);

/** An ECDSA signature, computed on the thread pool like the key generation. */
function signOnThreadPool(hash: string, data: Uint8Array, key: KeyObject): Promise<Buffer> {
  return new Promise((resolveSignature, reject) => sign(hash, data, key, (err, signature) => (err === null ? resolveSignature(signature) : reject(err))));
}

/** Issues a self-signed ECDSA P-384 certificate, as Operations Center and Incus do for their own. */
export async function createSelfSignedCertificate(options: CertificateOptions): Promise<KeyPair> {
  const notBefore = new Date(Date.now() - 60_000);
  const fields: CertificateFields = {
    commonName: options.commonName,
    organization: ORGANIZATION,
    curve: "P-384",
    notBefore,
    notAfter: new Date(notBefore.getTime() + (options.days ?? 3650) * 86_400_000),
    ownTrustAnchor: false,
    extendedKeyUsage: [options.usage === "server" ? "serverAuth" : "clientAuth"],
    ...(options.usage === "server" ? { dnsNames: options.dnsNames ?? [], ipAddresses: options.ipAddresses ?? [] } : {}),
  };
  const { publicKey, privateKey } = await generateEcKeyPair("ec", { namedCurve: CURVES[fields.curve].namedCurve });
  const toSign = certificateToSign(fields, publicKey.export({ type: "spki", format: "der" }));
  const certificate = signedCertificate(fields, toSign, await signOnThreadPool(CURVES[fields.curve].hash, toSign, privateKey));
  return { certificate: toPem("CERTIFICATE", certificate), key: String(privateKey.export({ type: "pkcs8", format: "pem" })) };
}

/**
 * SHA-256 fingerprint of a PEM certificate, lower-case hex without colons: the form Operations
 * Center keeps in security.trusted_tls_client_cert_fingerprints. Throws when it is no certificate.
 */
export function certificateFingerprint(pem: string): string {
  return new X509Certificate(pem).fingerprint256.replaceAll(":", "").toLowerCase();
}

/** certificateFingerprint of a certificate this module issued, without parsing it again. */
export function issuedCertificateFingerprint(pem: string): string {
  const base64 = pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, "").replace(/\s/g, "");
  return createHash("sha256").update(Buffer.from(base64, "base64")).digest("hex");
}
