// Timing helpers for the benchmark: bounded sample loops, nearest-rank percentiles, a table.

export interface Sample {
  /** What was measured. */
  name: string;
  /** Durations in milliseconds, in the order they were taken. */
  values: number[];
  /** How the number should be read (what is included, what the setup was). */
  note: string;
}

export interface Summary {
  name: string;
  unit: "ms";
  n: number;
  min: number;
  median: number;
  p95: number;
  max: number;
  mean: number;
  note: string;
}

export interface Unavailable {
  name: string;
  unavailable: string;
  note: string;
}

/** Nearest-rank percentile (p in 0..100) of unsorted values. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

const round = (v: number) => Math.round(v * 100) / 100;

export function summarize(sample: Sample): Summary {
  const v = sample.values;
  return {
    name: sample.name,
    unit: "ms",
    n: v.length,
    min: round(Math.min(...v)),
    median: round(percentile(v, 50)),
    p95: round(percentile(v, 95)),
    max: round(Math.max(...v)),
    mean: round(v.reduce((a, b) => a + b, 0) / v.length),
    note: sample.note,
  };
}

/** Runs `fn` `warmup` times untimed, then `n` times timed (sequentially). */
export async function measure(n: number, fn: (i: number) => Promise<void> | void, warmup = 0): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn(-1 - i);
  const values: number[] = [];
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    await fn(i);
    values.push(performance.now() - started);
  }
  return values;
}

const fmt = (v: number) => (Number.isFinite(v) ? v.toFixed(v >= 100 ? 0 : v >= 10 ? 1 : 2) : "-");

/** A plain-text table: one row per result; unavailable results show why. */
export function table(rows: ReadonlyArray<Summary | Unavailable>): string {
  const header = ["benchmark", "n", "min", "median", "p95", "max", "mean"];
  const body = rows.map((r) =>
    "unavailable" in r
      ? [r.name, "-", "-", "-", "-", "-", `unavailable: ${r.unavailable}`]
      : [r.name, String(r.n), fmt(r.min), fmt(r.median), fmt(r.p95), fmt(r.max), fmt(r.mean)],
  );
  const widths = header.map((h, i) => Math.max(h.length, ...body.filter((row) => row.length > i).map((row) => (i === 6 && row[6]!.startsWith("unavailable") ? 0 : row[i]!.length))));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[0]!) : i === 6 && c.startsWith("unavailable") ? c : c.padStart(widths[i]!))).join("  ");
  const rule = widths.map((w) => "-".repeat(w)).join("  ");
  return [line(header), rule, ...body.map(line), "(times in ms; median = p50; percentiles are nearest-rank, so with n=10 p95 is the slowest run)"].join("\n");
}
