// A zip archive with the same bytes for the same files on every run: entries in the order given,
// a fixed timestamp (1980-01-01, the earliest a zip can hold) and Unix permissions, so that
// Terraform's extraction keeps the provider's executable bit. Only what a provider package needs:
// regular files, deflated, no zip64 (a package is a few megabytes).
import { crc32, deflateRawSync } from "node:zlib";

interface ZipEntry {
  /** Path inside the archive, with "/" separators. */
  readonly name: string;
  readonly data: Buffer;
  /** Unix permission bits, e.g. 0o755 for an executable. */
  readonly mode: number;
}

const DOS_DATE_1980_01_01 = (0 << 9) | (1 << 5) | 1;
const VERSION_NEEDED = 20; // deflate
const MADE_BY_UNIX = (3 << 8) | 20; // host system 3 (Unix) in the high byte: the external attributes carry a Unix mode
const REGULAR_FILE = 0o100000;

/** The fields a local header and a central directory header share, in the same order, from `at`. */
function writeCommonFields(header: Buffer, at: number, fields: { crc: number; compressed: number; size: number; nameLength: number }): void {
  header.writeUInt16LE(VERSION_NEEDED, at);
  header.writeUInt16LE(0x0800, at + 2); // names are UTF-8
  header.writeUInt16LE(8, at + 4); // deflate
  header.writeUInt16LE(0, at + 6); // time 00:00
  header.writeUInt16LE(DOS_DATE_1980_01_01, at + 8);
  header.writeUInt32LE(fields.crc, at + 10);
  header.writeUInt32LE(fields.compressed, at + 14);
  header.writeUInt32LE(fields.size, at + 18);
  header.writeUInt16LE(fields.nameLength, at + 22);
}

export function zip(entries: readonly ZipEntry[]): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, "utf8");
    const compressed = deflateRawSync(entry.data);
    const fields = { crc: crc32(entry.data), compressed: compressed.length, size: entry.data.length, nameLength: name.length };
    const local = Buffer.alloc(30); // the extra field's length stays 0
    local.writeUInt32LE(0x04034b50, 0);
    writeCommonFields(local, 4, fields);
    const header = Buffer.alloc(46); // extra field, comment, disk number and internal attributes stay 0
    header.writeUInt32LE(0x02014b50, 0);
    header.writeUInt16LE(MADE_BY_UNIX, 4);
    writeCommonFields(header, 6, fields);
    header.writeUInt32LE(((REGULAR_FILE | entry.mode) << 16) >>> 0, 38);
    header.writeUInt32LE(offset, 42);
    parts.push(local, name, compressed);
    central.push(header, name);
    offset += local.length + name.length + compressed.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, directory, end]);
}
