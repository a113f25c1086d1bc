// Private data: bytes Terraform keeps beside a resource's state and hands back unread. Each
// resource gives the shape of what it records as a zod schema; bytes that do not parse (none
// recorded yet, written by another version, damaged) read as the empty record, never as an
// error: Terraform can neither show nor repair them, and every recorded fact is a hint the
// resource can do without.
import type { z } from "zod";

interface PrivateDataCodec<T> {
  decode(bytes: Uint8Array): T;
  encode(value: T): Uint8Array;
}

/** The codec of one resource's private data: JSON of `schema`, `empty` when nothing valid is recorded. */
export function privateDataCodec<T>(schema: z.ZodType<T>, empty: T): PrivateDataCodec<T> {
  return {
    decode: (bytes) => {
      if (bytes.length === 0) return empty;
      let json: unknown;
      try {
        json = JSON.parse(Buffer.from(bytes).toString("utf8"));
      } catch {
        return empty;
      }
      const parsed = schema.safeParse(json);
      return parsed.success ? parsed.data : empty;
    },
    encode: (value) => Buffer.from(JSON.stringify(value), "utf8"),
  };
}
