// 3. Synth of stacks with 10, 100 and 500 Cluster constructs: building the constructs and
// App.synth() are timed separately (both together make the total), each in a fresh App and outdir.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import { benchClusters } from "./calls.js";
import { buildStack, stackDirectory } from "./stack.js";
import { summarize, type Summary } from "./stats.js";

const synthesizedSchema = z.looseObject({ resource: z.record(z.string(), z.record(z.string(), z.unknown())).default({}) });

export interface SynthResult {
  clusters: number;
  /** new App, stack, OperationsCenter and N Cluster constructs. */
  build: Summary;
  /** App.synth(): cdk.tf.json, the packed provider, lock entry. */
  synth: Summary;
  total: Summary;
  /** Medians per cluster, in milliseconds: flat across stack sizes means linear growth. */
  perClusterMs: { build: number; synth: number; total: number };
}

interface Run {
  buildMs: number;
  synthMs: number;
}

function synthOnce(count: number): Run {
  const outdir = mkdtempSync(join(tmpdir(), "oc-cdktf-bench-synth-"));
  try {
    const clusters = benchClusters(count);
    const started = performance.now();
    const app = buildStack(outdir, clusters);
    const built = performance.now();
    app.synth();
    const synthesized = performance.now();
    const document = synthesizedSchema.parse(JSON.parse(readFileSync(join(stackDirectory(outdir), "cdk.tf.json"), "utf8")));
    const found = Object.keys(document.resource["operationscenter_cluster"] ?? {}).length;
    if (found !== count) throw new Error(`synth of ${count} clusters wrote ${found} operationscenter_cluster resources`);
    return { buildMs: built - started, synthMs: synthesized - built };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** Builds and synthesizes a stack of `count` clusters `runs` times. */
export function benchSynth(count: number, runs: number): SynthResult {
  const samples = Array.from({ length: runs }, () => synthOnce(count));
  const build = summarize(samples.map((s) => s.buildMs));
  const synth = summarize(samples.map((s) => s.synthMs));
  const total = summarize(samples.map((s) => s.buildMs + s.synthMs));
  const per = (s: Summary) => Math.round((s.median / count) * 1000) / 1000;
  return { clusters: count, build, synth, total, perClusterMs: { build: per(build), synth: per(synth), total: per(total) } };
}

/** One untimed synth, so the first measured one does not pay for loading and JIT warm-up. */
export function warmUpSynth(): void {
  synthOnce(10);
}
