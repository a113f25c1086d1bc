// Figures of the benchmark: bounded sample loops, medians with min and max, ratios against a
// reference, and the plain-text table `npm run bench` prints.

/** Durations of one measured thing, in `unit`. */
export interface Summary {
  n: number;
  min: number;
  median: number;
  max: number;
  unit: "ms" | "s" | "kB" | "MB" | "reads";
}

/** A measured figure against a reference: the ratio of medians, and the goal if there is one. */
export interface Comparison {
  subject: Summary;
  reference: Summary;
  /** subject median / reference median. */
  ratio: number;
  /** From fastest subject / slowest reference run to slowest subject / fastest reference run. */
  ratioRange: { min: number; max: number };
  /**
   * For runs taken in interleaved pairs (subject run i, then reference run i): the median, min and
   * max of the per-pair ratios, which a machine that slows down or speeds up moves less.
   */
  paired?: { n: number; median: number; min: number; max: number };
  goal?: { maxRatio: number; met: boolean };
  note: string;
}

/** Nearest-rank percentile (p in 0..100) of unsorted values. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new Error("percentile of no values");
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

const round = (v: number): number => Math.round(v * 100) / 100;

export function summarize(valuesMs: readonly number[]): Summary {
  if (valuesMs.length === 0) throw new Error("summary of no samples");
  return { n: valuesMs.length, min: round(Math.min(...valuesMs)), median: round(percentile(valuesMs, 50)), max: round(Math.max(...valuesMs)), unit: "ms" };
}

/** A summary taken in milliseconds, shown in seconds. */
export function inSeconds(s: Summary): Summary {
  if (s.unit === "s") return s;
  const seconds = (v: number) => Math.round(v) / 1000;
  return { n: s.n, min: seconds(s.min), median: seconds(s.median), max: seconds(s.max), unit: "s" };
}

/** subject median / reference median, to two decimals. */
export function medianRatio(subject: Summary, reference: Summary): number {
  return round(subject.median / reference.median);
}

export function compare(subject: Summary, reference: Summary, note: string, maxRatio?: number): Comparison {
  const ratio = medianRatio(subject, reference);
  return {
    subject,
    reference,
    ratio,
    ratioRange: { min: round(subject.min / reference.max), max: round(subject.max / reference.min) },
    ...(maxRatio === undefined ? {} : { goal: { maxRatio, met: ratio <= maxRatio } }),
    note,
  };
}

/**
 * `compare` of runs taken in interleaved pairs (subject[i], then reference[i]), with the ratios
 * pair by pair beside the ratio of medians.
 */
export function comparePairs(subject: readonly number[], reference: readonly number[], note: string, maxRatio?: number): Comparison {
  if (subject.length !== reference.length || subject.length === 0) throw new Error(`pairs of ${subject.length} and ${reference.length} runs`);
  const ratios = subject.map((value, i) => value / reference[i]!);
  return {
    ...compare(summarize(subject), summarize(reference), note, maxRatio),
    paired: { n: ratios.length, median: round(percentile(ratios, 50)), min: round(Math.min(...ratios)), max: round(Math.max(...ratios)) },
  };
}

/** Runs `sample` `warmup` times discarding the result, then `n` times, one after the other. */
export async function collect(n: number, sample: (run: number) => Promise<number>, warmup = 0): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await sample(-1 - i);
  const values: number[] = [];
  for (let i = 0; i < n; i++) values.push(await sample(i));
  return values;
}

/** Times `fn` with collect: milliseconds from its start to its end. */
export function measure(n: number, fn: (run: number) => Promise<void>, warmup = 0): Promise<number[]> {
  return collect(
    n,
    async (run) => {
      const started = performance.now();
      await fn(run);
      return performance.now() - started;
    },
    warmup,
  );
}

/** One line of the table. */
export interface Row {
  name: string;
  summary: Summary;
}

const fmt = (v: number): string => v.toFixed(v >= 100 ? 0 : v >= 10 ? 1 : 2);

function columns(rows: string[][], rightAligned: (column: number) => boolean): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  return rows.map((row) =>
    row
      .map((cell, i) => (rightAligned(i) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd(),
  );
}

/** The figures (n, min, median, max with their unit), then the ratios with their goals. */
export function table(rows: readonly Row[], ratios: ReadonlyArray<{ name: string; comparison: Comparison }>): string {
  const figures = columns(
    [
      ["figure", "n", "min", "median", "max", "unit"],
      ...rows.map((r) => [r.name, String(r.summary.n), fmt(r.summary.min), fmt(r.summary.median), fmt(r.summary.max), r.summary.unit]),
    ],
    (i) => i > 0 && i < 5,
  );
  const goals = columns(
    [
      ["ratio", "median", "range", "per pair", "goal"],
      ...ratios.map(({ name, comparison: c }) => [
        name,
        `${c.ratio.toFixed(2)}x`,
        `${c.ratioRange.min.toFixed(2)}-${c.ratioRange.max.toFixed(2)}x`,
        c.paired === undefined ? "-" : `${c.paired.median.toFixed(2)}x (${c.paired.min.toFixed(2)}-${c.paired.max.toFixed(2)})`,
        c.goal === undefined ? "-" : `<= ${c.goal.maxRatio}x: ${c.goal.met ? "met" : "NOT met"}`,
      ]),
    ],
    (i) => i >= 1 && i <= 3,
  );
  const rule = (lines: string[]) => [lines[0]!, "-".repeat(Math.max(...lines.map((l) => l.length))), ...lines.slice(1)];
  return [
    ...rule(figures),
    "",
    ...rule(goals),
    "(median = nearest-rank p50; range = slowest/fastest and fastest/slowest run; per pair = median (min-max) of the ratios of runs taken one after the other)",
  ].join("\n");
}
