// Durations as Go's time.ParseDuration reads them, which is what Operations Center checks a
// cluster's rolling-restart post_restore_delay with (operations-center@41a98e0
// internal/provisioning/cluster_model.go (Cluster.Validate)): an optional sign, then numbers with
// units ("1h30m", "1.5s", ".5m"), or a bare "0"; a total beyond what int64 nanoseconds hold is
// refused too, which a pattern alone would let pass.

const UNITS: Readonly<Record<string, bigint>> = {
  ns: 1n,
  us: 1_000n,
  µs: 1_000n, // U+00B5 micro sign
  μs: 1_000n, // U+03BC Greek mu
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};
const INT64_LIMIT = 1n << 63n;
const SEGMENT = /^(\d*)(?:\.(\d*))?([^\d.]*)/;

/** True when Go's time.ParseDuration accepts `text`. */
export function isGoDuration(text: string): boolean {
  let rest = text;
  const negative = rest.startsWith("-");
  if (rest.startsWith("-") || rest.startsWith("+")) rest = rest.slice(1);
  if (rest === "0") return true;
  if (rest === "") return false;
  let total = 0n;
  while (rest !== "") {
    const m = SEGMENT.exec(rest)!;
    const [whole, integer = "", fraction, unitText = ""] = m;
    if (integer === "" && (fraction ?? "") === "") return false;
    const unit = UNITS[unitText];
    if (unit === undefined) return false;
    const value = BigInt(integer === "" ? "0" : integer);
    if (value > INT64_LIMIT) return false;
    let nanoseconds = value * unit;
    if (nanoseconds > INT64_LIMIT) return false;
    // Go adds the fraction through a float64; its digits beyond int64 precision are dropped, as here.
    if (fraction !== undefined && fraction !== "") nanoseconds += BigInt(Math.floor(Number(`0.${fraction}`) * Number(unit)));
    total += nanoseconds;
    if (total > INT64_LIMIT) return false;
    rest = rest.slice(whole.length);
  }
  return negative || total < INT64_LIMIT;
}
