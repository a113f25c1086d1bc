// Self-signed certificates for the local Operations Center, its clusters, machines and clients.
//
// Node has no API to issue X.509 certificates, but it signs natively: the certificate is a few
// fixed DER structures (RFC 5280) around the key and the names, encoded here and signed with
// node:crypto (on the thread pool, so that many are made side by side). A cluster create and every seeded server issue one, so this is on the hot path of
// large fleets; a general ASN.1 library spent most of a create's CPU on it.

import { X509Certificate, createHash, generateKeyPair, randomBytes, sign, type KeyObject } from "node:crypto";
import { isIPv4, isIPv6 } from "node:net";
import { promisify } from "node:util";

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

const ORGANIZATION = "cdktf-operations-center";

/** One DER TLV: tag, definite length, contents. */
function tlv(tag: number, ...contents: Buffer[]): Buffer {
  const body = Buffer.concat(contents);
  const n = body.length;
  let length: Buffer;
  if (n < 0x80) length = Buffer.from([n]);
  else if (n < 0x100) length = Buffer.from([0x81, n]);
  else if (n < 0x10000) length = Buffer.from([0x82, n >> 8, n & 0xff]);
  else length = Buffer.from([0x83, n >> 16, (n >> 8) & 0xff, n & 0xff]);
  return Buffer.concat([Buffer.from([tag]), length, body]);
}

const sequence = (...items: Buffer[]): Buffer => tlv(0x30, ...items);

function oid(dotted: string): Buffer {
  const [first, second, ...rest] = dotted.split(".").map(Number);
  const bytes = [first! * 40 + second!];
  for (const arc of rest) {
    const base128 = [arc & 0x7f];
    for (let v = arc >>> 7; v > 0; v >>>= 7) base128.unshift((v & 0x7f) | 0x80);
    bytes.push(...base128);
  }
  return tlv(0x06, Buffer.from(bytes));
}

/** UTCTime until 2049, GeneralizedTime from 2050 (RFC 5280 4.1.2.5), to the second. */
function time(date: Date): Buffer {
  const digits = date.toISOString().replace(/\.\d{3}Z$/, "Z").replace(/[-:T]/g, "");
  return date.getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(digits.slice(2), "ascii")) : tlv(0x18, Buffer.from(digits, "ascii"));
}

/** CN, then O: each its own relative distinguished name, as UTF8String (any cluster name fits). */
function distinguishedName(commonName: string): Buffer {
  const attribute = (type: string, value: string) => tlv(0x31, sequence(oid(type), tlv(0x0c, Buffer.from(value, "utf8"))));
  return sequence(attribute("2.5.4.3", commonName), attribute("2.5.4.10", ORGANIZATION));
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return sequence(oid(id), ...(critical ? [tlv(0x01, Buffer.from([0xff]))] : []), tlv(0x04, value));
}

/** The iPAddress form of an address: its 4 or 16 octets. */
function ipOctets(address: string): Buffer {
  if (isIPv4(address)) return Buffer.from(address.split(".").map(Number));
  if (!isIPv6(address)) throw new Error(`certificate: ${JSON.stringify(address)} is not an IP address; put host names in dnsNames`);
  const [head, tail] = address.includes("::") ? address.split("::") : [address, undefined];
  const groups = (part: string | undefined) => (part === undefined || part === "" ? [] : part.split(":"));
  const left = groups(head);
  const right = groups(tail);
  const words = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill("0"), ...right];
  return Buffer.concat(words.map((w) => Buffer.from(w.padStart(4, "0"), "hex")));
}

function extensions(options: CertificateOptions): Buffer {
  const list = [
    // basicConstraints (not a CA) and keyUsage digitalSignature, both critical.
    extension("2.5.29.19", true, sequence()),
    extension("2.5.29.15", true, tlv(0x03, Buffer.from([0x07, 0x80]))),
    extension("2.5.29.37", false, sequence(oid(options.usage === "server" ? "1.3.6.1.5.5.7.3.1" : "1.3.6.1.5.5.7.3.2"))),
  ];
  if (options.usage === "server") {
    const names = [
      ...(options.dnsNames ?? []).map((name) => tlv(0x82, Buffer.from(name, "ascii"))),
      ...(options.ipAddresses ?? []).map((address) => tlv(0x87, ipOctets(address))),
    ];
    if (names.length > 0) list.push(extension("2.5.29.17", false, sequence(...names)));
  }
  return tlv(0xa3, sequence(...list));
}

/** A positive 128-bit serial whose first octet is non-zero (minimal DER, no sign octet). */
function serialNumber(): Buffer {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! & 0x7f) | 0x10;
  return tlv(0x02, bytes);
}

function pem(label: string, der: Buffer): string {
  const lines = der.toString("base64").match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}

const generateEcKeyPair = promisify(generateKeyPair);

/** ECDSA signature (DER ECDSA-Sig-Value), computed on the thread pool like the key generation. */
function signSha384(data: Buffer, key: KeyObject): Promise<Buffer> {
  return new Promise((resolveSignature, reject) => sign("sha384", data, key, (err, signature) => (err === null ? resolveSignature(signature) : reject(err))));
}

/** Issues a self-signed ECDSA P-384 certificate, as Operations Center and Incus do for their own. */
export async function createSelfSignedCertificate(options: CertificateOptions): Promise<KeyPair> {
  const { publicKey, privateKey } = await generateEcKeyPair("ec", { namedCurve: "secp384r1" });
  const notBefore = new Date(Date.now() - 60_000);
  const notAfter = new Date(notBefore.getTime() + (options.days ?? 3650) * 86_400_000);
  const ecdsaWithSha384 = sequence(oid("1.2.840.10045.4.3.3"));
  const name = distinguishedName(options.commonName);
  const tbs = sequence(
    tlv(0xa0, tlv(0x02, Buffer.from([2]))),
    serialNumber(),
    ecdsaWithSha384,
    name,
    sequence(time(notBefore), time(notAfter)),
    name,
    publicKey.export({ type: "spki", format: "der" }),
    extensions(options),
  );
  const signature = await signSha384(tbs, privateKey);
  const certificate = sequence(tbs, ecdsaWithSha384, tlv(0x03, Buffer.from([0]), signature));
  return { certificate: pem("CERTIFICATE", certificate), key: String(privateKey.export({ type: "pkcs8", format: "pem" })) };
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
