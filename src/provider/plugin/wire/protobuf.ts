// A small proto3 codec directed by hand-written message specs. Terraform's protocol needs only
// strings, bytes, bools, varints, nested/repeated messages and string-keyed maps, and writing
// those directly keeps protobufjs (and its start-up cost) out of every provider launch.

/** How one field travels; `no` is the proto field number. */
type FieldSpec =
  | { readonly no: number; readonly kind: "string" | "bytes" | "bool" | "int64" | "enum"; readonly explicit?: true }
  | { readonly no: number; readonly kind: "message" | "repeated"; readonly of: () => AnySpec }
  | { readonly no: number; readonly kind: "map"; readonly of: (() => AnySpec) | "string" }
  | { readonly no: number; readonly kind: "repeatedString" };

type AnySpec = { readonly [field: string]: FieldSpec };

type FieldFor<V> = [V] extends [string]
  ? { readonly no: number; readonly kind: "string" }
  : [V] extends [Uint8Array]
    ? { readonly no: number; readonly kind: "bytes" }
    : [V] extends [boolean]
      ? { readonly no: number; readonly kind: "bool" }
      : [V] extends [number]
        ? { readonly no: number; readonly kind: "int64" | "enum"; readonly explicit?: true }
        : [V] extends [ReadonlyMap<string, infer E>]
          ? { readonly no: number; readonly kind: "map"; readonly of: [E] extends [string] ? "string" : () => Spec<E> }
          : [V] extends [readonly (infer E)[]]
            ? [E] extends [string]
              ? { readonly no: number; readonly kind: "repeatedString" }
              : { readonly no: number; readonly kind: "repeated"; readonly of: () => Spec<E> }
            : { readonly no: number; readonly kind: "message"; readonly of: () => Spec<V> };

/**
 * `explicit` marks a member of a oneof: written whenever it is set, even to its zero value.
 *
 * The spec of a message whose TypeScript shape is T: one field spec per property, checked by the
 * compiler against the property's type, so the interface and the wire layout cannot drift apart.
 */
export type Spec<T> = { readonly [K in keyof T]-?: FieldFor<NonNullable<T[K]>> };

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LENGTH = 2;
const WIRE_FIXED32 = 5;

class Writer {
  private chunks: Uint8Array[] = [];
  private size = 0;

  push(bytes: Uint8Array): void {
    this.chunks.push(bytes);
    this.size += bytes.length;
  }

  /** Non-negative integers below 2^31 take the fast path; anything else goes as 64-bit two's complement. */
  varint(value: number): void {
    if (value >= 0 && value < 0x80000000 && Number.isInteger(value)) {
      const out: number[] = [];
      let v = value;
      while (v > 0x7f) {
        out.push((v & 0x7f) | 0x80);
        v >>>= 7;
      }
      out.push(v);
      this.push(Uint8Array.from(out));
      return;
    }
    let v = BigInt.asUintN(64, BigInt(value));
    const out: number[] = [];
    while (v > 0x7fn) {
      out.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    out.push(Number(v));
    this.push(Uint8Array.from(out));
  }

  tag(no: number, wire: number): void {
    this.varint(no * 8 + wire);
  }

  lengthDelimited(no: number, bytes: Uint8Array): void {
    this.tag(no, WIRE_LENGTH);
    this.varint(bytes.length);
    this.push(bytes);
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.size);
    let offset = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, offset);
      offset += chunk.length;
    }
    return out;
  }
}

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

function writeField(writer: Writer, spec: FieldSpec, value: unknown): void {
  switch (spec.kind) {
    case "string":
      if (typeof value === "string" && value !== "") writer.lengthDelimited(spec.no, utf8.encode(value));
      return;
    case "bytes":
      if (value instanceof Uint8Array && value.length > 0) writer.lengthDelimited(spec.no, value);
      return;
    case "bool":
      if (value === true) {
        writer.tag(spec.no, WIRE_VARINT);
        writer.varint(1);
      }
      return;
    case "int64":
    case "enum":
      if (typeof value === "number" && (value !== 0 || spec.explicit === true)) {
        writer.tag(spec.no, WIRE_VARINT);
        writer.varint(value);
      }
      return;
    case "message":
      if (value !== undefined && value !== null) writer.lengthDelimited(spec.no, encodeWith(spec.of(), value));
      return;
    case "repeated":
      for (const item of (value as readonly unknown[] | undefined) ?? []) writer.lengthDelimited(spec.no, encodeWith(spec.of(), item));
      return;
    case "repeatedString":
      for (const item of (value as readonly string[] | undefined) ?? []) writer.lengthDelimited(spec.no, utf8.encode(item));
      return;
    case "map":
      for (const [key, item] of (value as ReadonlyMap<string, unknown> | undefined) ?? new Map<string, unknown>()) {
        const entry = new Writer();
        entry.lengthDelimited(1, utf8.encode(key));
        const of = spec.of;
        entry.lengthDelimited(2, of === "string" ? utf8.encode(item as string) : encodeWith(of(), item));
        writer.lengthDelimited(spec.no, entry.finish());
      }
      return;
  }
}

function encodeWith(spec: AnySpec, message: unknown): Uint8Array {
  const writer = new Writer();
  const fields = message as Record<string, unknown>;
  for (const name of Object.keys(spec)) writeField(writer, spec[name]!, fields[name]);
  return writer.finish();
}

/** Encodes a message; unset fields and proto3 defaults are omitted. */
export function encode<T>(spec: Spec<T>, message: Partial<T>): Uint8Array {
  return encodeWith(spec as unknown as AnySpec, message);
}

class Reader {
  offset = 0;
  constructor(readonly bytes: Uint8Array) {}

  get done(): boolean {
    return this.offset >= this.bytes.length;
  }

  /** A varint as a number: exact up to 2^53; int64 fields read negative values through int64(). */
  varint(): number {
    let result = 0;
    let scale = 1;
    for (;;) {
      if (this.offset >= this.bytes.length) throw new Error("protobuf: truncated varint");
      const byte = this.bytes[this.offset++]!;
      result += (byte & 0x7f) * scale;
      if ((byte & 0x80) === 0) return result;
      scale *= 128;
    }
  }

  /** A varint read as a signed 64-bit integer (negative values take all ten bytes). */
  int64(): number {
    const start = this.offset;
    const value = this.varint();
    if (value <= Number.MAX_SAFE_INTEGER) return value;
    let big = 0n;
    for (let i = this.offset - 1; i >= start; i--) big = (big << 7n) | BigInt(this.bytes[i]! & 0x7f);
    return Number(BigInt.asIntN(64, big));
  }

  length(): Uint8Array {
    const length = this.varint();
    const end = this.offset + length;
    if (end > this.bytes.length) throw new Error("protobuf: truncated field");
    const out = this.bytes.subarray(this.offset, end);
    this.offset = end;
    return out;
  }

  skip(wire: number): void {
    if (wire === WIRE_VARINT) this.varint();
    else if (wire === WIRE_FIXED64) this.offset += 8;
    else if (wire === WIRE_LENGTH) this.length();
    else if (wire === WIRE_FIXED32) this.offset += 4;
    else throw new Error(`protobuf: unsupported wire type ${wire}`);
  }
}

function defaultOf(spec: FieldSpec): unknown {
  switch (spec.kind) {
    case "string":
      return "";
    case "bytes":
      return new Uint8Array(0);
    case "bool":
      return false;
    case "int64":
    case "enum":
      return 0;
    case "message":
      return undefined;
    case "repeated":
    case "repeatedString":
      return [];
    case "map":
      return new Map<string, unknown>();
  }
}

function decodeWith(spec: AnySpec, bytes: Uint8Array): Record<string, unknown> {
  const byNumber = new Map<number, [string, FieldSpec]>();
  const out: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(spec)) {
    byNumber.set(field.no, [name, field]);
    out[name] = defaultOf(field);
  }
  const reader = new Reader(bytes);
  while (!reader.done) {
    const tag = reader.varint();
    const wire = tag & 7;
    const known = byNumber.get(tag >>> 3);
    if (known === undefined) {
      reader.skip(wire);
      continue;
    }
    const [name, field] = known;
    switch (field.kind) {
      case "string":
        out[name] = fromUtf8.decode(reader.length());
        break;
      case "bytes":
        out[name] = reader.length().slice();
        break;
      case "bool":
        out[name] = reader.varint() !== 0;
        break;
      case "int64":
      case "enum":
        out[name] = reader.int64();
        break;
      case "message":
        out[name] = decodeWith(field.of(), reader.length());
        break;
      case "repeated":
        (out[name] as unknown[]).push(decodeWith(field.of(), reader.length()));
        break;
      case "repeatedString":
        (out[name] as unknown[]).push(fromUtf8.decode(reader.length()));
        break;
      case "map": {
        const entry = new Reader(reader.length());
        let key = "";
        let value: unknown = field.of === "string" ? "" : decodeWith(field.of(), new Uint8Array(0));
        while (!entry.done) {
          const entryTag = entry.varint();
          if (entryTag === (1 << 3) + WIRE_LENGTH) key = fromUtf8.decode(entry.length());
          else if (entryTag === (2 << 3) + WIRE_LENGTH) {
            const raw = entry.length();
            const of = field.of;
            value = of === "string" ? fromUtf8.decode(raw) : decodeWith(of(), raw);
          } else entry.skip(entryTag & 7);
        }
        (out[name] as Map<string, unknown>).set(key, value);
        break;
      }
    }
  }
  return out;
}

/** Decodes a message; absent scalars take proto3 defaults, absent messages are undefined. */
export function decode<T>(spec: Spec<T>, bytes: Uint8Array): T {
  return decodeWith(spec as unknown as AnySpec, bytes) as T;
}
