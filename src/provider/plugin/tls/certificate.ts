// The server's AutoMTLS identity: a fresh ECDSA P-256 key and a self-signed certificate for
// "localhost", made in-process at every start (go-plugin's client pins exactly this
// certificate from the handshake line and checks it against the name "localhost").
import { generateKeyPairSync, sign } from "node:crypto";
import { certificateToSign, CURVES, signedCertificate, toPem, type CertificateFields } from "../../../x509/certificate.js";

export interface SelfSignedCertificate {
  /** DER bytes, as the handshake line carries them. */
  readonly der: Uint8Array;
  readonly certificatePem: string;
  readonly privateKeyPem: string;
}

const HOST = "localhost";

/** A certificate valid from 30 s ago (clock skew) for 30 days; the process lives far shorter. */
export function selfSignedCertificate(organization: string): SelfSignedCertificate {
  const now = Date.now();
  const fields: CertificateFields = {
    commonName: HOST,
    organization,
    curve: "P-256",
    notBefore: new Date(now - 30_000),
    notAfter: new Date(now + 30 * 24 * 3600_000),
    ownTrustAnchor: true,
    extendedKeyUsage: ["serverAuth", "clientAuth"],
    dnsNames: [HOST],
  };
  const { publicKey, privateKey } = generateKeyPairSync("ec", { namedCurve: CURVES[fields.curve].namedCurve });
  const toSign = certificateToSign(fields, publicKey.export({ type: "spki", format: "der" }));
  const der = signedCertificate(fields, toSign, sign(CURVES[fields.curve].hash, toSign, privateKey));
  return {
    der,
    certificatePem: toPem("CERTIFICATE", der),
    privateKeyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
  };
}
