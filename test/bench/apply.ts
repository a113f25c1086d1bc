// 2. apply_vs_direct_N: `terraform apply -auto-approve` of a stack creating N clusters (one
// server each) against the same POSTs, each followed by one GET, made directly from one process
// with OperationsCenterClient at terraform's default -parallelism=10. Each run gets a fresh local
// OC (seeded with exactly the N servers) and, for terraform, fresh state; synth and
// `terraform init` happen once per N, before any timer. Next to it, interleaved with it: the
// floor (floor.ts: the same terraform applying N resources of a provider that makes no call)
// and the direct calls as a process of their own (direct-calls-main.ts), timed spawn to exit, and
// the calling floor (floor.ts: the toy making this provider's requests as cheaply as Node.js can).
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startLocalOperationsCenter, type LocalOperationsCenter } from "../../src/local-oc/index.js";
import { benchClient, benchClusters, clusterPost, createAll, minimalCalls, PARALLELISM, type BenchCluster, type CreateCalls } from "./calls.js";
import { accountCpu, type CpuAccount } from "./cpu.js";
import { callingFloorRun, floorRun, prepareCallingFloor, prepareFloor, type CallingFloorWorkspace, type FloorWorkspace } from "./floor.js";
import { timeToExit } from "./processes.js";
import { benchSeed, buildStack, stackDirectory } from "./stack.js";
import { compare, medianRatio, summarize, type Comparison, type Summary } from "./stats.js";
import { removeState, terraformEnv, terraformInit, timeApply } from "./terraform.js";

/** The local OC's cluster create delay, the same for both sides. */
export const CREATE_DELAY_MS = 5;
const DIRECT_PROCESS_TIMEOUT_MS = 60_000;
const DIRECT_CALLS_SCRIPT = fileURLToPath(new URL("./direct-calls-main.js", import.meta.url));

export interface RequestCounts {
  /** Requests per cluster, by method, in the median-time run. */
  perCluster: Record<string, number>;
}

/** How many runs of each side have their CPU accounted for, after the timed ones. */
const CPU_ACCOUNT_RUNS = 3;

export interface CpuSummary {
  runs: number;
  wall_ms: number;
  /** All the Node.js processes terraform started, together. */
  provider_processes_ms: number;
  /** By the order they exited: the schema, validate, plan and apply processes. */
  each_provider_process_ms: number[];
  terraform_ms: number;
  local_oc_ms: number;
}

export interface ApplyResult extends Comparison {
  clusters: number;
  terraformRequests: RequestCounts;
  directRequests: RequestCounts;
  /** The provider's reads and the POST made directly, at the same concurrency (see providerCalls). */
  directProviderPattern: { time: Summary; requests: RequestCounts; note: string };
  /** terraform apply of as many toy provider notes (floor.ts), in ms. */
  floor: Summary;
  /** Floor median / direct median: the lowest apply / direct ratio a Node provider behind this terraform can reach. */
  floor_vs_direct: number;
  /** The same applies against the direct calls made by a node process of their own, spawn to exit. */
  vs_direct_process: Comparison;
  /** Each run's ms in the order taken: run i of each side ran one after the other. */
  runs: { apply: number[]; floor: number[]; callingFloor: number[] };
  /** terraform apply of as many clusters by the calling floor (calling-toy.ts), in ms. */
  callingFloor: Summary;
  /** Calling floor median / floor median: the least apply / floor a Node provider making these requests reaches. */
  calling_floor_vs_floor: number;
  /** Where the CPU of this apply and of the floors' goes (medians of CPU_ACCOUNT_RUNS untimed runs each). */
  cpu: { subject: CpuSummary; floor: CpuSummary; callingFloor: CpuSummary; note: string };
}

function perCluster(oc: LocalOperationsCenter, clusters: number): RequestCounts {
  const byMethod: Record<string, number> = {};
  for (const r of oc.requests) byMethod[r.method] = (byMethod[r.method] ?? 0) + 1;
  return { perCluster: Object.fromEntries(Object.entries(byMethod).map(([method, count]) => [method, Math.round((count / clusters) * 100) / 100])) };
}

/** Throws unless the local OC holds exactly `clusters`, each ready with its one member. */
export function checkCreated(oc: LocalOperationsCenter, clusters: readonly BenchCluster[], who: string): void {
  const live = new Map(oc.snapshot().clusters.map((c) => [c.name, c]));
  const wrong = clusters.filter((c) => {
    const found = live.get(c.name);
    return found === undefined || found.status !== "ready" || found.members.join(",") !== c.server;
  });
  if (wrong.length > 0 || live.size !== clusters.length) {
    throw new Error(
      `${who}: expected ${clusters.length} ready clusters of one member each, found ${live.size}; wrong or missing: ${wrong
        .slice(0, 5)
        .map((c) => c.name)
        .join(", ")}`,
    );
  }
}

interface Timed {
  ms: number;
  requests: RequestCounts;
}

/**
 * Runs `create` against a fresh local OC seeded with the clusters' servers (its client
 * configuration written to `configDir`), checks it made every cluster, and returns what `after`
 * makes of the local OC then.
 */
export async function onFreshLocalOC<T, R>(
  clusters: readonly BenchCluster[],
  configDir: string,
  who: string,
  create: (oc: LocalOperationsCenter) => Promise<T>,
  after: (oc: LocalOperationsCenter, created: T) => R,
): Promise<R> {
  const oc = await startLocalOperationsCenter({ seed: benchSeed(clusters), createDelayMs: CREATE_DELAY_MS });
  try {
    rmSync(configDir, { recursive: true, force: true });
    await oc.writeClientConfig(configDir);
    const created = await create(oc);
    checkCreated(oc, clusters, who);
    return after(oc, created);
  } finally {
    await oc.close();
  }
}

/** Runs `create` (which returns its milliseconds) on a fresh local OC and counts its requests. */
function timedOnLocalOC(
  clusters: readonly BenchCluster[],
  configDir: string,
  who: string,
  create: (oc: LocalOperationsCenter) => Promise<number>,
): Promise<Timed> {
  return onFreshLocalOC(clusters, configDir, who, create, (oc, ms) => ({ ms, requests: perCluster(oc, clusters.length) }));
}

/** Fresh state: no state file, no create journal of an earlier run. */
function freshState(stackDir: string): void {
  removeState(stackDir);
  rmSync(join(stackDir, ".terraform", "oc-cdktf"), { recursive: true, force: true });
}

/**
 * Runs `apply` (given the hooked environment and the local OC) against a fresh local OC with its
 * CPU accounted for (cpu.ts): the local OC's counted from its start to the apply's end only.
 */
async function accountedOnLocalOC(
  clusters: readonly BenchCluster[],
  configDir: string,
  who: string,
  env: NodeJS.ProcessEnv,
  apply: (hooked: NodeJS.ProcessEnv, oc: LocalOperationsCenter) => Promise<number>,
): Promise<CpuAccount> {
  let account: CpuAccount | undefined;
  await timedOnLocalOC(clusters, configDir, `${who} (CPU accounted)`, async (oc) => {
    account = await accountCpu(env, (hooked) => apply(hooked, oc), true);
    return account.wallMs;
  });
  return account!;
}

function callingRun(callingFloor: CallingFloorWorkspace, { configDir }: PreparedStack, clusters: readonly BenchCluster[]): Promise<Timed> {
  return timedOnLocalOC(clusters, configDir, "calling floor apply", (oc) => callingFloorRun(callingFloor, oc, configDir));
}

/** The calling floor's apply, its CPU accounted for as the terraform runs' are. */
function accountedCallingRun(callingFloor: CallingFloorWorkspace, { configDir }: PreparedStack, clusters: readonly BenchCluster[]): Promise<CpuAccount> {
  return accountedOnLocalOC(clusters, configDir, "calling floor apply", callingFloor.env, (hooked, oc) =>
    callingFloorRun({ ...callingFloor, env: hooked }, oc, configDir),
  );
}

function terraformRun({ stackDir, configDir, env }: PreparedStack, clusters: readonly BenchCluster[]): Promise<Timed> {
  freshState(stackDir);
  return timedOnLocalOC(clusters, configDir, "terraform apply", () => timeApply(stackDir, { ...env, OPERATIONS_CENTER_CONF: configDir }));
}

/** The same apply, its CPU accounted for. */
function accountedTerraformRun({ stackDir, configDir, env }: PreparedStack, clusters: readonly BenchCluster[]): Promise<CpuAccount> {
  freshState(stackDir);
  return accountedOnLocalOC(clusters, configDir, "terraform apply", { ...env, OPERATIONS_CENTER_CONF: configDir }, (hooked) => timeApply(stackDir, hooked));
}

/** Medians of the accounted runs of one side. */
function cpuSummary(accounts: readonly CpuAccount[]): CpuSummary {
  const median = (values: readonly number[]): number => Math.round(summarize(values).median);
  const processes = Math.max(...accounts.map((a) => a.providerProcessesMs.length));
  return {
    runs: accounts.length,
    wall_ms: median(accounts.map((a) => a.wallMs)),
    provider_processes_ms: median(accounts.map((a) => a.providerProcessesMs.reduce((x, y) => x + y, 0))),
    each_provider_process_ms: Array.from({ length: processes }, (_, i) => median(accounts.map((a) => a.providerProcessesMs[i] ?? 0))),
    terraform_ms: median(accounts.map((a) => a.terraformMs)),
    local_oc_ms: median(accounts.map((a) => a.localOcMs)),
  };
}

/**
 * The calls the provider's create makes around the same POST (src/provider/resources/cluster/
 * apply.ts; the request counts of the terraform runs show whether it still does): each named
 * server for the preflight checks, then the cluster and its members read back together. This
 * tells the cost of the provider's call pattern apart from that of terraform and its processes.
 */
const providerCalls: CreateCalls = async (client, cluster) => {
  await client.findServer(cluster.server);
  await client.createCluster(clusterPost(cluster));
  await Promise.all([client.getCluster(cluster.name), client.listServers({ cluster: cluster.name })]);
};

function directRun(clusters: readonly BenchCluster[], configDir: string, calls: CreateCalls): Promise<Timed> {
  return timedOnLocalOC(clusters, configDir, "direct calls", async () => {
    // Built before the timer (it reads three files); its TLS connections open inside it.
    const client = benchClient(configDir);
    try {
      const started = performance.now();
      await createAll(client, clusters, calls);
      return performance.now() - started;
    } finally {
      await client.close();
    }
  });
}

/** The minimal calls as the script a user would run: node start, client set-up and exit included. */
function directProcessRun(clusters: readonly BenchCluster[], { configDir, env, work }: PreparedStack): Promise<Timed> {
  return timedOnLocalOC(clusters, configDir, "direct calls process", () =>
    timeToExit(process.execPath, [DIRECT_CALLS_SCRIPT, configDir, String(clusters.length)], { cwd: work, env, timeoutMs: DIRECT_PROCESS_TIMEOUT_MS }),
  );
}

/** The requests of the run with the median time. */
function medianRun(runs: readonly Timed[]): RequestCounts {
  return [...runs].sort((a, b) => a.ms - b.ms)[Math.ceil(runs.length / 2) - 1]!.requests;
}

export interface ApplyOptions {
  clusters: number;
  runs: number;
  /** A goal for apply / direct calls, if any. */
  maxRatio?: number;
  /** process.env without anything that selects another Operations Center or changes logging. */
  env: NodeJS.ProcessEnv;
  progress: (text: string) => void;
}

interface PreparedStack {
  work: string;
  stackDir: string;
  configDir: string;
  /** terraform's environment (terraform.ts), shared with the floor. */
  env: NodeJS.ProcessEnv;
  floor: FloorWorkspace;
}

/** Synthesizes the stack of `clusters` under `work`, writes the floor's, and inits both. */
async function prepareStack(work: string, clusters: readonly BenchCluster[], env: NodeJS.ProcessEnv): Promise<PreparedStack> {
  const outdir = join(work, "cdktf.out");
  buildStack(outdir, clusters).synth();
  const stackDir = stackDirectory(outdir);
  const tfEnv = terraformEnv(work, env);
  await terraformInit(stackDir, tfEnv);
  mkdirSync(join(work, "oc"), { recursive: true });
  return { work, stackDir, configDir: join(work, "oc", "config"), env: tfEnv, floor: await prepareFloor(work, clusters, tfEnv) };
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
    const callingFloor = await prepareCallingFloor(work, stack.stackDir, stack.env);
    const viaTerraform: Timed[] = [];
    const floor: number[] = [];
    const calling: Timed[] = [];
    const direct: Timed[] = [];
    const directProcess: Timed[] = [];
    const providerPattern: Timed[] = [];
    // Interleaved, so a machine that gets slower during the bench slows every side alike.
    for (let run = 0; run < runs; run++) {
      progress(`apply of ${clusters.length} clusters: run ${run + 1}/${runs}`);
      viaTerraform.push(await terraformRun(stack, clusters));
      floor.push(await floorRun(stack.floor, clusters));
      calling.push(await callingRun(callingFloor, stack, clusters));
      direct.push(await directRun(clusters, stack.configDir, minimalCalls));
      directProcess.push(await directProcessRun(clusters, stack));
      providerPattern.push(await directRun(clusters, stack.configDir, providerCalls));
    }
    const accounted: CpuAccount[] = [];
    const floorAccounted: CpuAccount[] = [];
    const callingAccounted: CpuAccount[] = [];
    for (let run = 0; run < Math.min(runs, CPU_ACCOUNT_RUNS); run++) {
      progress(`apply of ${clusters.length} clusters, CPU accounted: run ${run + 1}`);
      accounted.push(await accountedTerraformRun(stack, clusters));
      floorAccounted.push(await accountCpu(stack.floor.env, (hooked) => floorRun({ ...stack.floor, env: hooked }, clusters), false));
      callingAccounted.push(await accountedCallingRun(callingFloor, stack, clusters));
    }
    const subject = summarize(viaTerraform.map((r) => r.ms));
    const reference = summarize(direct.map((r) => r.ms));
    const floorTime = summarize(floor);
    const callingTime = summarize(calling.map((r) => r.ms));
    const result = compare(
      subject,
      reference,
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
        note: "one process, the provider create's reads (the named server, then the cluster and its members read back together) around the same POST",
      },
      runs: { apply: viaTerraform.map((r) => Math.round(r.ms)), floor: floor.map(Math.round), callingFloor: calling.map((r) => Math.round(r.ms)) },
      floor: floorTime,
      floor_vs_direct: medianRatio(floorTime, reference),
      callingFloor: callingTime,
      calling_floor_vs_floor: medianRatio(callingTime, floorTime),
      vs_direct_process: compare(
        subject,
        summarize(directProcess.map((r) => r.ms)),
        `the same applies vs \`node ${DIRECT_CALLS_SCRIPT} <config dir> ${clusters.length}\` from spawn to exit: node start-up, client set-up from the CLI configuration, ` +
          `the same POST and GET per cluster with ${PARALLELISM} workers, client close; fresh local OC per run`,
      ),
      cpu: {
        subject: cpuSummary(accounted),
        floor: cpuSummary(floorAccounted),
        callingFloor: cpuSummary(callingAccounted),
        note:
          "CPU ms, medians of untimed runs after the timed ones: each Node.js process terraform started (its own CPU, written at its exit by a hook loaded with " +
          "NODE_OPTIONS=--import, on both sides), terraform's own (the CPU of the children the bench waited for, /proc/self/stat cutime + cstime, less those processes), " +
          "and the local OC's (the bench process's own, from terraform's start to its exit). On 2 cores the apply of many clusters waits for the CPU of all three.",
      },
    };
  });
}

/**
 * `terraform apply` of a stack with one cluster: close to what every apply pays whatever N is
 * (terraform itself and the four provider processes it starts: schema, validate, plan, apply),
 * and the floor's apply of one note interleaved with it. With no resource at all terraform
 * starts the provider only once, so that would say too little.
 */
export async function benchSingleApply(runs: number, env: NodeJS.ProcessEnv): Promise<{ apply: Summary; floor: Summary }> {
  const clusters = benchClusters(1);
  return inWorkDir(async (work) => {
    const stack = await prepareStack(work, clusters, env);
    const applies: number[] = [];
    const floor: number[] = [];
    for (let run = 0; run < runs; run++) {
      applies.push((await terraformRun(stack, clusters)).ms);
      floor.push(await floorRun(stack.floor, clusters));
    }
    return { apply: summarize(applies), floor: summarize(floor) };
  });
}
