// The packed package's size (issue: at most 1 MB, as small as a prebuilt provider plus what ours
// needs): one row of the table and one entry of bench/results.json. Measured by npm itself
// (`npm pack --dry-run`), of the build the bench has just made.
import { packedContents } from "../package/consumer.js";
import type { Row } from "./stats.js";

/** The goal the issue sets, in bytes of the gzipped tarball. */
export const MAX_TARBALL_BYTES = 1_000_000;

export async function benchPackageSize(): Promise<{
  row: Row;
  result: { tarball_bytes: number; unpacked_bytes: number; files: number; max_tarball_bytes: number; met: boolean };
}> {
  const packed = await packedContents();
  const kB = packed.size / 1000;
  return {
    row: { name: `npm pack tarball (goal <= ${MAX_TARBALL_BYTES / 1000} kB)`, summary: { n: 1, min: kB, median: kB, max: kB, unit: "kB" } },
    result: {
      tarball_bytes: packed.size,
      unpacked_bytes: packed.unpackedSize,
      files: packed.files.length,
      max_tarball_bytes: MAX_TARBALL_BYTES,
      met: packed.size <= MAX_TARBALL_BYTES,
    },
  };
}
