// The server's AutoMTLS identity: a fresh ECDSA P-256 key and a self-signed certificate for
// "localhost", made in-process at every start (go-plugin's client pins exactly this
// certificate from the handshake line and checks it against the name "localhost").
import { generateKeyPairSync, randomBytes, sign } from "node:crypto";
import {
  bitString,
  booleanTrue,
  explicit,
  implicitPrimitive,
  objectIdentifier,
  octetString,
  sequence,
  set,
  time,
  unsignedInteger,
  utf8String,
} from "./der.js";

export interface SelfSignedCertificate {
  /** DER bytes, as the handshake line carries them. */
  readonly der: Uint8Array;
  readonly certificatePem: string;
  readonly privateKeyPem: string;
}

const ECDSA_WITH_SHA256 = "1.2.840.10045.4.3.2";
const COMMON_NAME = "2.5.4.3";
const ORGANIZATION = "2.5.4.10";
const KEY_USAGE = "2.5.29.15";
const BASIC_CONSTRAINTS = "2.5.29.19";
const EXT_KEY_USAGE = "2.5.29.37";
const SUBJECT_ALT_NAME = "2.5.29.17";
const SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
const CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
const HOST = "localhost";

function extension(oid: string, critical: boolean, value: Uint8Array): Uint8Array {
  return critical
    ? sequence(objectIdentifier(oid), booleanTrue(), octetString(value))
    : sequence(objectIdentifier(oid), octetString(value));
}

function name(organization: string): Uint8Array {
  return sequence(
    set(sequence(objectIdentifier(ORGANIZATION), utf8String(organization))),
    set(sequence(objectIdentifier(COMMON_NAME), utf8String(HOST))),
  );
}

export function toPem(label: string, der: Uint8Array): string {
  const base64 = Buffer.from(der).toString("base64");
  return `-----BEGIN ${label}-----\n${base64.replace(/.{64}/g, "$&\n").replace(/\n$/, "")}\n-----END ${label}-----\n`;
}

/** A certificate valid from 30 s ago (clock skew) for 30 days; the process lives far shorter. */
export function selfSignedCertificate(organization: string): SelfSignedCertificate {
  const { publicKey, privateKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  const now = Date.now();
  const algorithm = sequence(objectIdentifier(ECDSA_WITH_SHA256));
  const subject = name(organization);
  // digitalSignature (bit 0) and keyCertSign (bit 5): the certificate is its own trust anchor.
  const keyUsage = bitString(Uint8Array.of(0x84), 2);
  const tbs = sequence(
    explicit(0, unsignedInteger(Uint8Array.of(2))),
    unsignedInteger(randomBytes(16)),
    algorithm,
    subject,
    sequence(time(new Date(now - 30_000)), time(new Date(now + 30 * 24 * 3600_000))),
    subject,
    publicKey.export({ type: "spki", format: "der" }),
    explicit(
      3,
      sequence(
        extension(KEY_USAGE, true, keyUsage),
        extension(EXT_KEY_USAGE, false, sequence(objectIdentifier(SERVER_AUTH), objectIdentifier(CLIENT_AUTH))),
        extension(BASIC_CONSTRAINTS, true, sequence(booleanTrue())),
        extension(SUBJECT_ALT_NAME, false, sequence(implicitPrimitive(2, Buffer.from(HOST, "ascii")))),
      ),
    ),
  );
  const der = sequence(tbs, algorithm, bitString(sign("sha256", tbs, privateKey)));
  return {
    der,
    certificatePem: toPem("CERTIFICATE", der),
    privateKeyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
  };
}
