// 2. apply_vs_direct_N: `terraform apply -auto-approve` of a stack creating N clusters (one
// server each) against the same POSTs, each followed by one GET, made directly from one process
// with OperationsCenterClient at terraform's default -parallelism=10. Each run gets a fresh local
// OC (seeded with exactly the N servers) and, for terraform, fresh state; synth and
// `terraform init` happen once per N, before any timer.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { OperationsCenterClient } from "../../src/client/index.js";
import { startLocalOperationsCenter, type LocalOperationsCenter } from "../../src/local-oc/index.js";
import { runOk } from "./processes.js";
import { benchClusters, benchSeed, buildStack, clusterPost, stackDirectory, type BenchCluster } from "./stack.js";
import { compare, summarize, type Comparison, type Summary } from "./stats.js";

/** Terraform's default -parallelism; the direct calls use the same number of workers. */
export const PARALLELISM = 10;
/** The local OC's cluster create delay, the same for both sides. */
export const CREATE_DELAY_MS = 5;
const INIT_TIMEOUT_MS = 60_000;
const APPLY_TIMEOUT_MS = 120_000;

export interface RequestCounts {
  /** Requests per cluster, by method, in the median-time run. */
  perCluster: Record<string, number>;
}

export interface ApplyResult extends Comparison {
  clusters: number;
  terraformRequests: RequestCounts;
  directRequests: RequestCounts;
  /** The provider's reads and the POST made directly, at the same concurrency (see providerCalls). */
  directProviderPattern: { time: Summary; requests: RequestCounts; note: string };
}

function perCluster(oc: LocalOperationsCenter, clusters: number): RequestCounts {
  const byMethod: Record<string, number> = {};
  for (const r of oc.requests) byMethod[r.method] = (byMethod[r.method] ?? 0) + 1;
  return { perCluster: Object.fromEntries(Object.entries(byMethod).map(([method, count]) => [method, Math.round((count / clusters) * 100) / 100])) };
}

/** Throws unless the local OC holds exactly `clusters`, each ready with its one member. */
function checkCreated(oc: LocalOperationsCenter, clusters: readonly BenchCluster[], who: string): void {
  const live = new Map(oc.snapshot().clusters.map((c) => [c.name, c]));
  const wrong = clusters.filter((c) => {
    const found = live.get(c.name);
    return found === undefined || found.status !== "ready" || found.members.join(",") !== c.server;
  });
  if (wrong.length > 0 || live.size !== clusters.length) {
    throw new Error(`${who}: expected ${clusters.length} ready clusters of one member each, found ${live.size}; wrong or missing: ${wrong.slice(0, 5).map((c) => c.name).join(", ")}`);
  }
}

/** Runs `task` on every item with at most `workers` at a time. */
async function pool<T>(items: readonly T[], workers: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await task(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(workers, items.length) }, worker));
}

interface Timed {
  ms: number;
  requests: RequestCounts;
}

async function withLocalOC<T>(clusters: readonly BenchCluster[], configDir: string, fn: (oc: LocalOperationsCenter) => Promise<T>): Promise<T> {
  const oc = await startLocalOperationsCenter({ seed: benchSeed(clusters), createDelayMs: CREATE_DELAY_MS });
  try {
    rmSync(configDir, { recursive: true, force: true });
    await oc.writeClientConfig(configDir);
    return await fn(oc);
  } finally {
    await oc.close();
  }
}

async function terraformRun({ stackDir, configDir, env }: PreparedStack, clusters: readonly BenchCluster[]): Promise<Timed> {
  // Fresh state: no state file, no create journal of an earlier run.
  for (const file of ["terraform.tfstate", "terraform.tfstate.backup"]) rmSync(join(stackDir, file), { force: true });
  rmSync(join(stackDir, ".terraform", "oc-cdktf"), { recursive: true, force: true });
  return withLocalOC(clusters, configDir, async (oc) => {
    const started = performance.now();
    await runOk("terraform", ["apply", "-input=false", "-auto-approve", "-no-color"], { cwd: stackDir, env: { ...env, OPERATIONS_CENTER_CONF: configDir }, timeoutMs: APPLY_TIMEOUT_MS });
    const ms = performance.now() - started;
    checkCreated(oc, clusters, "terraform apply");
    return { ms, requests: perCluster(oc, clusters.length) };
  });
}

/** How a direct run creates one cluster. */
type CreateCalls = (client: OperationsCenterClient, cluster: BenchCluster) => Promise<void>;

/** The brief's reference: the POST and one GET. */
const minimalCalls: CreateCalls = async (client, cluster) => {
  await client.createCluster(clusterPost(cluster));
  await client.getCluster(cluster.name);
};

/**
 * The reads the provider's create makes around the same POST (as of this bench's writing; the
 * request counts of the terraform runs show what it does now): look for an existing cluster,
 * list every server for the preflight check, then read the cluster and its members back. This
 * tells the cost of the provider's call pattern apart from that of terraform and its processes.
 */
const providerCalls: CreateCalls = async (client, cluster) => {
  await client.findCluster(cluster.name);
  await client.listServers();
  await client.createCluster(clusterPost(cluster));
  await client.getCluster(cluster.name);
  await client.listServers({ cluster: cluster.name });
};

async function directRun(clusters: readonly BenchCluster[], configDir: string, calls: CreateCalls): Promise<Timed> {
  return withLocalOC(clusters, configDir, async (oc) => {
    // Built before the timer (it reads three files); its TLS connections open inside it.
    const client = OperationsCenterClient.fromEnvironment({ configDir, env: {}, overrides: { maxConcurrency: PARALLELISM } });
    try {
      const started = performance.now();
      await pool(clusters, PARALLELISM, (cluster) => calls(client, cluster));
      const ms = performance.now() - started;
      checkCreated(oc, clusters, "direct calls");
      return { ms, requests: perCluster(oc, clusters.length) };
    } finally {
      await client.close();
    }
  });
}

/** The requests of the run with the median time. */
function medianRun(runs: readonly Timed[]): RequestCounts {
  return [...runs].sort((a, b) => a.ms - b.ms)[Math.ceil(runs.length / 2) - 1]!.requests;
}

export interface ApplyOptions {
  clusters: number;
  runs: number;
  maxRatio: number;
  /** process.env without anything that selects another Operations Center or changes logging. */
  env: NodeJS.ProcessEnv;
  progress: (text: string) => void;
}

interface PreparedStack {
  stackDir: string;
  configDir: string;
  env: NodeJS.ProcessEnv;
}

/** Synthesizes the stack of `clusters` under `work` and runs `terraform init` in it. */
async function prepareStack(work: string, clusters: readonly BenchCluster[], env: NodeJS.ProcessEnv): Promise<PreparedStack> {
  const outdir = join(work, "cdktf.out");
  buildStack(outdir, clusters).synth();
  const stackDir = stackDirectory(outdir);
  // No CLI configuration of this machine applies (plugin cache, mirrors).
  const cliConfig = join(work, "terraformrc");
  writeFileSync(cliConfig, "");
  const tfEnv: NodeJS.ProcessEnv = { ...env, TF_CLI_CONFIG_FILE: cliConfig, CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1" };
  await runOk("terraform", ["init", "-input=false", "-no-color"], { cwd: stackDir, env: tfEnv, timeoutMs: INIT_TIMEOUT_MS });
  mkdirSync(join(work, "oc"), { recursive: true });
  return { stackDir, configDir: join(work, "oc", "config"), env: tfEnv };
}

async function inWorkDir<T>(fn: (work: string) => Promise<T>): Promise<T> {
  const work = mkdtempSync(join(tmpdir(), "oc-cdktf-bench-apply-"));
  try {
    return await fn(work);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export async function benchApply(options: ApplyOptions): Promise<ApplyResult> {
  const { runs, progress } = options;
  const clusters = benchClusters(options.clusters);
  return inWorkDir(async (work) => {
    const stack = await prepareStack(work, clusters, options.env);
    const viaTerraform: Timed[] = [];
    const direct: Timed[] = [];
    const providerPattern: Timed[] = [];
    // Interleaved, so a machine that gets slower during the bench slows every side alike.
    for (let run = 0; run < runs; run++) {
      progress(`apply of ${clusters.length} clusters: run ${run + 1}/${runs}`);
      viaTerraform.push(await terraformRun(stack, clusters));
      direct.push(await directRun(clusters, stack.configDir, minimalCalls));
      providerPattern.push(await directRun(clusters, stack.configDir, providerCalls));
    }
    const result = compare(
      summarize(viaTerraform.map((r) => r.ms)),
      summarize(direct.map((r) => r.ms)),
      `terraform apply -auto-approve (plan and apply, parallelism ${PARALLELISM}) of ${clusters.length} clusters vs one process making one POST and one GET per cluster ` +
        `with ${PARALLELISM} workers; local OC create delay ${CREATE_DELAY_MS} ms; fresh local OC and state per run; init before the timer; ${runs} runs each`,
      options.maxRatio,
    );
    return {
      ...result,
      clusters: clusters.length,
      terraformRequests: medianRun(viaTerraform),
      directRequests: medianRun(direct),
      directProviderPattern: {
        time: summarize(providerPattern.map((r) => r.ms)),
        requests: medianRun(providerPattern),
        note: "one process, the provider create's reads (find the cluster, list all servers, read back cluster and members) around the same POST",
      },
    };
  });
}

/**
 * `terraform apply` of a stack with one cluster: close to what every apply pays whatever N is
 * (terraform itself and the four provider processes it starts: schema, validate, plan, apply).
 * With no resource at all terraform starts the provider only once, so that would say too little.
 */
export async function benchSingleApply(runs: number, env: NodeJS.ProcessEnv): Promise<Summary> {
  const clusters = benchClusters(1);
  return inWorkDir(async (work) => {
    const stack = await prepareStack(work, clusters, env);
    const times: number[] = [];
    for (let run = 0; run < runs; run++) times.push((await terraformRun(stack, clusters)).ms);
    return summarize(times);
  });
}
