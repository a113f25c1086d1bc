// Self-signed X.509 certificates (RFC 5280) without a library: Node has no API to issue one, but
// it generates keys and signs natively, and a certificate is a few fixed DER structures around
// the key and the names. The structure is decided here; each caller generates the key and signs
// the way it needs (synchronously at a process start, on the thread pool in a busy server).
import { isIPv4, isIPv6 } from "node:net";
import { randomBytes } from "node:crypto";
import { bitString, booleanTrue, explicit, implicitPrimitive, objectIdentifier, octetString, sequence, set, time, unsignedInteger, utf8String } from "./der.js";

/** The key's curve, with the hash and signature algorithm that go with it. */
export const CURVES = {
  "P-256": { namedCurve: "prime256v1", hash: "sha256", signatureAlgorithm: "1.2.840.10045.4.3.2" },
  "P-384": { namedCurve: "secp384r1", hash: "sha384", signatureAlgorithm: "1.2.840.10045.4.3.3" },
} as const;
type Curve = keyof typeof CURVES;

export interface CertificateFields {
  readonly commonName: string;
  readonly organization: string;
  readonly curve: Curve;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** Also a CA with keyCertSign: a certificate pinned as its own trust anchor (AutoMTLS). */
  readonly ownTrustAnchor: boolean;
  readonly extendedKeyUsage: readonly ("serverAuth" | "clientAuth")[];
  readonly dnsNames?: readonly string[];
  readonly ipAddresses?: readonly string[];
}

const OID = {
  commonName: "2.5.4.3",
  organization: "2.5.4.10",
  basicConstraints: "2.5.29.19",
  keyUsage: "2.5.29.15",
  extendedKeyUsage: "2.5.29.37",
  subjectAltName: "2.5.29.17",
  serverAuth: "1.3.6.1.5.5.7.3.1",
  clientAuth: "1.3.6.1.5.5.7.3.2",
} as const;

function extension(oid: string, critical: boolean, value: Uint8Array): Uint8Array {
  return sequence(objectIdentifier(oid), ...(critical ? [booleanTrue()] : []), octetString(value));
}

/** CN, then O: each its own relative distinguished name, as UTF8String (any cluster name fits). */
function distinguishedName(fields: CertificateFields): Uint8Array {
  const attribute = (type: string, value: string) => set(sequence(objectIdentifier(type), utf8String(value)));
  return sequence(attribute(OID.commonName, fields.commonName), attribute(OID.organization, fields.organization));
}

/** The iPAddress form of an address: its 4 or 16 octets. */
function ipOctets(address: string): Uint8Array {
  if (isIPv4(address)) return Uint8Array.from(address.split(".").map(Number));
  if (!isIPv6(address)) throw new Error(`certificate: ${JSON.stringify(address)} is not an IP address; put host names in dnsNames`);
  const [head, tail] = address.includes("::") ? address.split("::") : [address, undefined];
  const groups = (part: string | undefined) => (part === undefined || part === "" ? [] : part.split(":"));
  const left = groups(head);
  const right = groups(tail);
  const words = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill("0"), ...right];
  return Buffer.concat(words.map((w) => Buffer.from(w.padStart(4, "0"), "hex")));
}

function extensions(fields: CertificateFields): Uint8Array {
  // digitalSignature (bit 0), plus keyCertSign (bit 5) for a trust anchor.
  const keyUsage = fields.ownTrustAnchor ? bitString(Uint8Array.of(0x84), 2) : bitString(Uint8Array.of(0x80), 7);
  const list = [
    extension(OID.basicConstraints, true, fields.ownTrustAnchor ? sequence(booleanTrue()) : sequence()),
    extension(OID.keyUsage, true, keyUsage),
    extension(OID.extendedKeyUsage, false, sequence(...fields.extendedKeyUsage.map((usage) => objectIdentifier(OID[usage])))),
  ];
  const names = [
    ...(fields.dnsNames ?? []).map((name) => implicitPrimitive(2, Buffer.from(name, "ascii"))),
    ...(fields.ipAddresses ?? []).map((address) => implicitPrimitive(7, ipOctets(address))),
  ];
  if (names.length > 0) list.push(extension(OID.subjectAltName, false, sequence(...names)));
  return explicit(3, sequence(...list));
}

const algorithm = (fields: CertificateFields): Uint8Array => sequence(objectIdentifier(CURVES[fields.curve].signatureAlgorithm));

/** The part to sign (TBSCertificate), for the public key in SPKI DER. */
export function certificateToSign(fields: CertificateFields, publicKeySpki: Uint8Array): Uint8Array {
  const name = distinguishedName(fields);
  return sequence(
    explicit(0, unsignedInteger(Uint8Array.of(2))),
    unsignedInteger(randomBytes(16)),
    algorithm(fields),
    name,
    sequence(time(fields.notBefore), time(fields.notAfter)),
    name,
    publicKeySpki,
    extensions(fields),
  );
}

/** The certificate's DER: the signed part, the algorithm and the signature (DER ECDSA-Sig-Value). */
export function signedCertificate(fields: CertificateFields, toSign: Uint8Array, signature: Uint8Array): Uint8Array {
  return sequence(toSign, algorithm(fields), bitString(signature));
}

export function toPem(label: string, der: Uint8Array): string {
  const base64 = Buffer.from(der).toString("base64");
  return `-----BEGIN ${label}-----\n${base64.replace(/.{64}/g, "$&\n").replace(/\n$/, "")}\n-----END ${label}-----\n`;
}
