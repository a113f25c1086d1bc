// Just enough DER (X.690) to write self-signed X.509 certificates (see certificate.ts).

function lengthBytes(length: number): number[] {
  if (length < 0x80) return [length];
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest & 0xff);
  return [0x80 | bytes.length, ...bytes];
}

function tlv(tag: number, ...content: Uint8Array[]): Uint8Array {
  const body = Buffer.concat(content);
  return Buffer.concat([Uint8Array.from([tag, ...lengthBytes(body.length)]), body]);
}

export const sequence = (...items: Uint8Array[]): Uint8Array => tlv(0x30, ...items);
export const set = (...items: Uint8Array[]): Uint8Array => tlv(0x31, ...items);
export const utf8String = (text: string): Uint8Array => tlv(0x0c, Buffer.from(text, "utf8"));
export const booleanTrue = (): Uint8Array => tlv(0x01, Uint8Array.of(0xff));
export const octetString = (content: Uint8Array): Uint8Array => tlv(0x04, content);
/** A context-specific tag: explicit wraps a whole element, implicit replaces a primitive's tag. */
export const explicit = (no: number, content: Uint8Array): Uint8Array => tlv(0xa0 | no, content);
export const implicitPrimitive = (no: number, content: Uint8Array): Uint8Array => tlv(0x80 | no, content);

/** A non-negative INTEGER from big-endian magnitude bytes. */
export function unsignedInteger(magnitude: Uint8Array): Uint8Array {
  let start = 0;
  while (start < magnitude.length - 1 && magnitude[start] === 0) start++;
  const trimmed = magnitude.subarray(start);
  return tlv(0x02, (trimmed[0]! & 0x80) !== 0 ? Buffer.concat([Uint8Array.of(0), trimmed]) : trimmed);
}

export function bitString(content: Uint8Array, unusedBits = 0): Uint8Array {
  return tlv(0x03, Uint8Array.of(unusedBits), content);
}

export function objectIdentifier(dotted: string): Uint8Array {
  const parts = dotted.split(".").map(Number);
  const bytes: number[] = [parts[0]! * 40 + parts[1]!];
  for (const part of parts.slice(2)) {
    const group: number[] = [];
    for (let rest = part; ; rest = Math.floor(rest / 128)) {
      group.unshift((rest & 0x7f) | (group.length > 0 ? 0x80 : 0));
      if (rest < 128) break;
    }
    bytes.push(...group);
  }
  return tlv(0x06, Uint8Array.from(bytes));
}

/** UTCTime before 2050, GeneralizedTime from then on (RFC 5280 4.1.2.5). */
export function time(date: Date): Uint8Array {
  const iso = date.toISOString();
  const digits = iso.slice(0, 19).replace(/[-T:]/g, "");
  return date.getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(`${digits.slice(2)}Z`, "ascii")) : tlv(0x18, Buffer.from(`${digits}Z`, "ascii"));
}
