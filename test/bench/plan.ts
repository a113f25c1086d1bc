// 4. Plans of a fleet (test/e2e/fleet-scenario.ts: clusters of MEMBERS members, each with every
// bulk kind, 8 resources a cluster), built once before any timer by fleet.ts (a template cluster
// created by terraform, the rest seeded and its state replicated, checked to plan no change and no
// drift); then, with nothing to change:
//   - plan_reads_per_cluster: the GETs of one plan, counted from the local OC's request log,
//     against the fewest reads (2 + 7 x members a cluster);
//   - per-cluster plan time increments from the smallest to the largest fleet (linear or not),
//     in wall time and in CPU time (terraform and its provider processes; the local OC's apart),
//     which a loaded machine does not bend as it bends the wall time,
//     each size planning the first N clusters of the one built fleet (state cut to them);
//   - plan_peak_rss_mb_200: the provider processes' peak RSS (VmHWM) during the largest plan;
//   - plan_latency_vs_limit: the smallest fleet's plan with the local OC answering every request
//     LATENCY_MS late, against the toy floor's plan of as many resources plus the fewest reads x
//     latency / terraform's parallelism.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { LocalOperationsCenter } from "../../src/local-oc/index.js";
import { minimalReads, synthFleet, type Fleet } from "../e2e/fleet-scenario.js";
import { benchClusters, PARALLELISM } from "./calls.js";
import { childrenCpuMs, ownCpuMs } from "./cpu.js";
import { buildFleet } from "./fleet.js";
import { floorRun, prepareFloor } from "./floor.js";
import { runOk } from "./processes.js";
import { summarize, type Summary } from "./stats.js";
import { terraformEnv, terraformInit } from "./terraform.js";
import { CREATE_DELAY_MS } from "./apply.js";

/** A plan of 200 clusters took 60 to 70 s on 2 cores at load 15 to 21; the bound leaves room for more load. */
const PLAN_TIMEOUT_MS = 300_000;
const RSS_SAMPLE_MS = 20;
/** Resources a fleet cluster has: the cluster and its seven bulk resources. */
const RESOURCES_PER_CLUSTER = 8;

export interface PlanSize {
  clusters: number;
  runs: number;
}

export interface PlanOptions {
  members: number;
  sizes: readonly PlanSize[];
  latencyMs: number;
  latencyRuns: number;
  floorRuns: number;
  env: NodeJS.ProcessEnv;
  progress: (text: string) => void;
}

export interface PlanAtSize {
  clusters: number;
  time: Summary;
  /** CPU of terraform and the provider processes it ran, in ms. */
  cpu: Summary;
  /** CPU of this process during the plan (the local OC, and the RSS sampling at the largest size), in ms. */
  localOcCpu: Summary;
  /** GETs per cluster of every run (the cache makes them the same each run). */
  readsPerCluster: number[];
}

export interface PlanResult {
  members: number;
  /** The untimed build of the largest fleet (fleet.ts), its check included. */
  fleetBuildMs: number;
  sizes: PlanAtSize[];
  /** ms per added cluster between consecutive sizes (median plan times). */
  increments: { from: number; to: number; msPerCluster: number; cpuMsPerCluster: number }[];
  peakRssMb: Summary;
  latency: { latencyMs: number; clusters: number; time: Summary; floorPlan: Summary; limitMs: number; readsPerCluster: number[] };
}

/** pids whose parent is `pid` (from /proc/<pid>/stat: "pid (comm) state ppid ..."). */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[1]) === pid) out.push(Number(entry));
    } catch {
      // Gone between the listing and the read.
    }
  }
  return out;
}

function peakRssKb(pid: number): number {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match === null ? 0 : Number(match[1]);
  } catch {
    return 0;
  }
}

/** Watches terraform's children (the provider processes) while it runs; the highest VmHWM seen, in kB. */
function watchProviders(): { onSpawn: (pid: number) => void; stop: () => number } {
  const peaks = new Map<number, number>();
  let timer: NodeJS.Timeout | undefined;
  return {
    onSpawn(pid) {
      timer = setInterval(() => {
        for (const child of childrenOf(pid)) peaks.set(child, Math.max(peaks.get(child) ?? 0, peakRssKb(child)));
      }, RSS_SAMPLE_MS);
    },
    stop() {
      clearInterval(timer);
      return Math.max(0, ...peaks.values());
    },
  };
}

interface TimedPlan {
  ms: number;
  cpuMs: number;
  localOcCpuMs: number;
}

/** Wall and CPU time of a plan that must find nothing to change (-detailed-exitcode: 2 would be a change). */
async function timePlan(dir: string, env: NodeJS.ProcessEnv, onSpawn?: (pid: number) => void): Promise<TimedPlan> {
  const cpuBefore = childrenCpuMs();
  const ownBefore = process.cpuUsage();
  const started = performance.now();
  await runOk("terraform", ["plan", "-input=false", "-no-color", "-lock=false", "-detailed-exitcode"], {
    cwd: dir,
    env,
    timeoutMs: PLAN_TIMEOUT_MS,
    ...(onSpawn === undefined ? {} : { onSpawn }),
  });
  const ms = performance.now() - started;
  return { ms, cpuMs: childrenCpuMs() - cpuBefore, localOcCpuMs: ownCpuMs(ownBefore) };
}

/** Writes into `dir` the state of `full` restricted to the resources of the given clusters. */
function cutState(full: string, dir: string, clusters: ReadonlySet<string>): void {
  const state = JSON.parse(readFileSync(join(full, "terraform.tfstate"), "utf8")) as { resources: { instances: { attributes: Record<string, unknown> }[] }[] };
  state.resources = state.resources.filter((r) => {
    const attributes = r.instances[0]?.attributes ?? {};
    const cluster = attributes.cluster ?? attributes.name;
    return typeof cluster === "string" && clusters.has(cluster);
  });
  writeFileSync(join(dir, "terraform.tfstate"), JSON.stringify(state));
}

function readsPerCluster(oc: LocalOperationsCenter, clusters: number): number {
  const writes = oc.requests.filter((r) => r.method !== "GET");
  if (writes.length > 0)
    throw new Error(
      `a plan made changes: ${writes
        .slice(0, 3)
        .map((r) => `${r.method} ${r.path}`)
        .join(", ")}`,
    );
  return Math.round((oc.requests.length / clusters) * 100) / 100;
}

export async function benchPlans(work: string, options: PlanOptions): Promise<PlanResult> {
  const { members, progress } = options;
  const sizes = [...options.sizes].sort((a, b) => a.clusters - b.clusters);
  const largest = sizes.at(-1)!.clusters;
  const fleet: Fleet = { clusters: largest, members };
  progress(`plan: building a fleet of ${largest} clusters of ${members} members (untimed)`);
  const built = await buildFleet(work, fleet, {
    env: terraformEnv(work, options.env),
    createDelayMs: CREATE_DELAY_MS,
    planTimeoutMs: PLAN_TIMEOUT_MS,
    progress,
  });
  const { oc, env } = built;
  const fullDir = built.stackDir;
  try {
    const names = oc
      .snapshot()
      .clusters.map((c) => c.name)
      .sort();
    const dirs = new Map<number, string>();
    for (const { clusters } of sizes) {
      if (clusters === largest) {
        dirs.set(clusters, fullDir);
        continue;
      }
      const dir = synthFleet(join(work, `fleet-${clusters}`), { clusters, members });
      await terraformInit(dir, env);
      cutState(fullDir, dir, new Set(names.slice(0, clusters)));
      dirs.set(clusters, dir);
    }

    const results: PlanAtSize[] = [];
    const rss: number[] = [];
    for (const { clusters, runs } of sizes) {
      const dir = dirs.get(clusters)!;
      const timed: TimedPlan[] = [];
      const reads: number[] = [];
      for (let run = 0; run < runs; run++) {
        progress(`plan of ${clusters} clusters: run ${run + 1}/${runs}`);
        oc.clearRequests();
        const watch = clusters === largest ? watchProviders() : undefined;
        try {
          timed.push(await timePlan(dir, env, watch?.onSpawn));
        } finally {
          const kb = watch?.stop();
          if (kb !== undefined) rss.push(kb / 1024);
        }
        reads.push(readsPerCluster(oc, clusters));
      }
      results.push({
        clusters,
        time: summarize(timed.map((t) => t.ms)),
        cpu: summarize(timed.map((t) => t.cpuMs)),
        localOcCpu: summarize(timed.map((t) => t.localOcCpuMs)),
        readsPerCluster: reads,
      });
    }

    const smallest = sizes[0]!.clusters;
    progress(`plan of ${smallest} clusters with ${options.latencyMs} ms latency x${options.latencyRuns}`);
    const latencyTimes: number[] = [];
    const latencyReads: number[] = [];
    oc.setFaults({ latencyMs: options.latencyMs });
    try {
      for (let run = 0; run < options.latencyRuns; run++) {
        oc.clearRequests();
        latencyTimes.push((await timePlan(dirs.get(smallest)!, env)).ms);
        latencyReads.push(readsPerCluster(oc, smallest));
      }
    } finally {
      oc.setFaults({});
    }

    progress(`floor: toy provider plan of ${smallest * RESOURCES_PER_CLUSTER} notes x${options.floorRuns}`);
    const floor = await prepareFloor(join(work, "floor-plan"), benchClusters(smallest * RESOURCES_PER_CLUSTER), env);
    await floorRun(floor, benchClusters(smallest * RESOURCES_PER_CLUSTER));
    const floorTimes: number[] = [];
    for (let run = 0; run < options.floorRuns; run++) floorTimes.push((await timePlan(floor.dir, floor.env)).ms);
    const floorPlan = summarize(floorTimes);
    const limitMs = floorPlan.median + (minimalReads(smallest, members) * options.latencyMs) / PARALLELISM;

    const increments = results.slice(1).map((r, i) => {
      const before = results[i]!;
      const perCluster = (larger: Summary, smaller: Summary) => Math.round(((larger.median - smaller.median) / (r.clusters - before.clusters)) * 100) / 100;
      return { from: before.clusters, to: r.clusters, msPerCluster: perCluster(r.time, before.time), cpuMsPerCluster: perCluster(r.cpu, before.cpu) };
    });
    return {
      members,
      fleetBuildMs: Math.round(built.buildMs),
      sizes: results,
      increments,
      peakRssMb: { ...summarize(rss), unit: "MB" },
      latency: {
        latencyMs: options.latencyMs,
        clusters: smallest,
        time: summarize(latencyTimes),
        floorPlan,
        limitMs: Math.round(limitMs),
        readsPerCluster: latencyReads,
      },
    };
  } finally {
    await oc.close();
  }
}
