// The msgpack that cty values travel in. One small module instead of a general library: it is
// loaded on every provider start, and Terraform needs nothing past the core formats.

/** A msgpack extension value; cty uses type 0 (unknown) and 12 (refined unknown). */
export class Extension {
  constructor(
    readonly type: number,
    readonly data: Uint8Array,
  ) {}
}

export type Msgpack = null | boolean | number | string | Uint8Array | Extension | Msgpack[] | { [key: string]: Msgpack };

const utf8 = new TextDecoder();
const toUtf8 = new TextEncoder();

class Reader {
  private offset = 0;
  private readonly view: DataView;

  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  private need(count: number): number {
    const at = this.offset;
    if (at + count > this.bytes.length) throw new Error("msgpack: value is truncated");
    this.offset += count;
    return at;
  }

  private u8 = (): number => this.view.getUint8(this.need(1));
  private u16 = (): number => this.view.getUint16(this.need(2));
  private u32 = (): number => this.view.getUint32(this.need(4));
  private raw = (length: number): Uint8Array => this.bytes.subarray(this.need(length), this.offset);

  private array(length: number): Msgpack[] {
    const out: Msgpack[] = [];
    for (let i = 0; i < length; i++) out.push(this.value());
    return out;
  }

  private map(length: number): { [key: string]: Msgpack } {
    const out: { [key: string]: Msgpack } = {};
    for (let i = 0; i < length; i++) {
      const key = this.value();
      if (typeof key !== "string") throw new Error("msgpack: map keys must be strings");
      // defineProperty, so that a key named __proto__ is an ordinary key.
      Object.defineProperty(out, key, { value: this.value(), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }

  private extension(length: number): Extension {
    const type = this.view.getInt8(this.need(1));
    return new Extension(type, this.raw(length).slice());
  }

  value(): Msgpack {
    const lead = this.u8();
    if (lead <= 0x7f) return lead;
    if (lead >= 0xe0) return lead - 0x100;
    if (lead >= 0x80 && lead <= 0x8f) return this.map(lead & 0x0f);
    if (lead >= 0x90 && lead <= 0x9f) return this.array(lead & 0x0f);
    if (lead >= 0xa0 && lead <= 0xbf) return utf8.decode(this.raw(lead & 0x1f));
    switch (lead) {
      case 0xc0:
        return null;
      case 0xc2:
        return false;
      case 0xc3:
        return true;
      case 0xc4:
        return this.raw(this.u8()).slice();
      case 0xc5:
        return this.raw(this.u16()).slice();
      case 0xc6:
        return this.raw(this.u32()).slice();
      case 0xc7:
        return this.extension(this.u8());
      case 0xc8:
        return this.extension(this.u16());
      case 0xc9:
        return this.extension(this.u32());
      case 0xca:
        return this.view.getFloat32(this.need(4));
      case 0xcb:
        return this.view.getFloat64(this.need(8));
      case 0xcc:
        return this.u8();
      case 0xcd:
        return this.u16();
      case 0xce:
        return this.u32();
      case 0xcf:
        return Number(this.view.getBigUint64(this.need(8)));
      case 0xd0:
        return this.view.getInt8(this.need(1));
      case 0xd1:
        return this.view.getInt16(this.need(2));
      case 0xd2:
        return this.view.getInt32(this.need(4));
      case 0xd3:
        return Number(this.view.getBigInt64(this.need(8)));
      case 0xd4:
        return this.extension(1);
      case 0xd5:
        return this.extension(2);
      case 0xd6:
        return this.extension(4);
      case 0xd7:
        return this.extension(8);
      case 0xd8:
        return this.extension(16);
      case 0xd9:
        return utf8.decode(this.raw(this.u8()));
      case 0xda:
        return utf8.decode(this.raw(this.u16()));
      case 0xdb:
        return utf8.decode(this.raw(this.u32()));
      case 0xdc:
        return this.array(this.u16());
      case 0xdd:
        return this.array(this.u32());
      case 0xde:
        return this.map(this.u16());
      case 0xdf:
        return this.map(this.u32());
      default:
        throw new Error(`msgpack: unsupported leading byte 0x${lead.toString(16)}`);
    }
  }

  end(): void {
    if (this.offset !== this.bytes.length) throw new Error("msgpack: bytes left after the value");
  }
}

export function decodeMsgpack(bytes: Uint8Array): Msgpack {
  const reader = new Reader(bytes);
  const value = reader.value();
  reader.end();
  return value;
}

class Writer {
  private buffer = new Uint8Array(256);
  private view = new DataView(this.buffer.buffer);
  private length = 0;

  /** The offset of count new bytes at the end; read this.view only after (it may have grown). */
  private room(count: number): number {
    if (this.length + count > this.buffer.length) {
      const grown = new Uint8Array(Math.max(this.buffer.length * 2, this.length + count));
      grown.set(this.buffer.subarray(0, this.length));
      this.buffer = grown;
      this.view = new DataView(grown.buffer);
    }
    const at = this.length;
    this.length += count;
    return at;
  }

  private u8(value: number): void {
    const at = this.room(1);
    this.view.setUint8(at, value);
  }

  private head(value: number, width: 1 | 2 | 4): void {
    const at = this.room(width);
    if (width === 1) this.view.setUint8(at, value);
    else if (width === 2) this.view.setUint16(at, value);
    else this.view.setUint32(at, value);
  }

  /** A header with a length: the fix form when small, else the 8/16/32-bit forms (or 16/32 only). */
  private sized(length: number, fixBase: number | undefined, fixLimit: number, lead8: number | undefined, lead16: number, lead32: number): void {
    if (fixBase !== undefined && length < fixLimit) this.u8(fixBase | length);
    else if (lead8 !== undefined && length <= 0xff) {
      this.u8(lead8);
      this.head(length, 1);
    } else if (length <= 0xffff) {
      this.u8(lead16);
      this.head(length, 2);
    } else {
      this.u8(lead32);
      this.head(length, 4);
    }
  }

  private bytes(data: Uint8Array): void {
    const at = this.room(data.length);
    this.buffer.set(data, at);
  }

  private number(value: number): void {
    if (!Number.isSafeInteger(value)) {
      this.u8(0xcb);
      const at = this.room(8);
      this.view.setFloat64(at, value);
    } else if (value >= 0 && value <= 0x7f) this.u8(value);
    else if (value < 0 && value >= -32) this.u8(value + 0x100);
    else if (value >= 0 && value <= 0xffffffff) {
      this.u8(0xce);
      const at = this.room(4);
      this.view.setUint32(at, value);
    } else if (value < 0 && value >= -0x80000000) {
      this.u8(0xd2);
      const at = this.room(4);
      this.view.setInt32(at, value);
    } else {
      this.u8(0xd3);
      const at = this.room(8);
      this.view.setBigInt64(at, BigInt(value));
    }
  }

  value(value: Msgpack): void {
    if (value === null) this.u8(0xc0);
    else if (typeof value === "boolean") this.u8(value ? 0xc3 : 0xc2);
    else if (typeof value === "number") this.number(value);
    else if (typeof value === "string") {
      const data = toUtf8.encode(value);
      this.sized(data.length, 0xa0, 32, 0xd9, 0xda, 0xdb);
      this.bytes(data);
    } else if (value instanceof Uint8Array) {
      this.sized(value.length, undefined, 0, 0xc4, 0xc5, 0xc6);
      this.bytes(value);
    } else if (value instanceof Extension) {
      const fixed = [1, 2, 4, 8, 16].indexOf(value.data.length);
      if (fixed >= 0) this.u8(0xd4 + fixed);
      else this.sized(value.data.length, undefined, 0, 0xc7, 0xc8, 0xc9);
      const at = this.room(1);
      this.view.setInt8(at, value.type);
      this.bytes(value.data);
    } else if (Array.isArray(value)) {
      this.sized(value.length, 0x90, 16, undefined, 0xdc, 0xdd);
      for (const element of value) this.value(element);
    } else {
      const entries = Object.entries(value);
      this.sized(entries.length, 0x80, 16, undefined, 0xde, 0xdf);
      for (const [key, element] of entries) {
        this.value(key);
        this.value(element);
      }
    }
  }

  finish(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }
}

export function encodeMsgpack(value: Msgpack): Uint8Array {
  const writer = new Writer();
  writer.value(value);
  return writer.finish();
}
