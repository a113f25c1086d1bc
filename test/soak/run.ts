// `npm run soak`: the fault trial (issue 21). Not part of `npm test`: it takes minutes and its
// faults are random (seeded), so it reports rather than gates each run. For each scenario a fresh
// local Operations Center (a child process with a state file, so that it can be killed and started
// again) and a fresh stack of five clusters with bulk resources go through three steps: apply,
// update, destroy. Each step is applied under the scenario's faults until an apply succeeds and a
// plan without faults shows nothing to do; the number of applies is printed. After each step the
// server state must equal what a fault-free run leaves (nothing lost, duplicated or left behind),
// and it is checked on its own terms too. Every loop is bounded, every child has a time limit, and
// a watchdog ends a hung run.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { OperationsCenterClient } from "../../src/client/index.js";
import type { Faults } from "../../src/local-oc/index.js";
import { killRunning, run, startProcess, type Started } from "../bench/processes.js";
import { terraformEnv, terraformInit } from "../bench/terraform.js";
import { CLUSTER_COUNT, clusterName, clusterServers, desired, soakSeed, synthSoak, type Step } from "./stack.js";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const MAIN = join(ROOT, "dist", "src", "cli", "main.js");
const DEADLINE_MS = 40 * 60_000;
const TERRAFORM_TIMEOUT_MS = 5 * 60_000;
const MAX_APPLIES = 5;

type Phase = "apply" | "update" | "destroy";
const PHASES: readonly Phase[] = ["apply", "update", "destroy"];

interface Scenario {
  name: string;
  /** Faults set before every apply of every phase (and cleared before each check). */
  faults?: Faults;
  /** A restart of Operations Center during a mutation of the first apply. */
  restart?: "before-handling" | "while-creating";
}

const SCENARIOS: readonly Scenario[] = [
  { name: "no faults (the reference)" },
  { name: "error rate 0.2", faults: { errorRate: 0.2, seed: 21 } },
  { name: "error rate 0.5", faults: { errorRate: 0.5, seed: 22 } },
  { name: "drop rate 0.15", faults: { dropRate: 0.15, seed: 23 } },
  { name: "drop rate 0.3", faults: { dropRate: 0.3, seed: 24 } },
  { name: "restart during a cluster create, before OC handled it", restart: "before-handling" },
  { name: "restart while a cluster create runs (left pending)", restart: "while-creating" },
];

/** The local OC as a child process on a fixed port, with its state on disk. */
class LocalOc {
  #process?: Started;
  #port = 0;
  #control?: OperationsCenterClient;
  constructor(
    private readonly dir: string,
    private readonly createDelayMs: number,
  ) {}

  get configDir(): string {
    return join(this.dir, "oc-config");
  }

  async start(): Promise<void> {
    const first = this.#port === 0;
    const args = [MAIN, "local-oc", "--port", String(this.#port), "--state", join(this.dir, "state.json"), "--create-delay", String(this.createDelayMs)];
    if (first) args.push("--seed", join(this.dir, "seed.json"), "--write-client-config", this.configDir);
    this.#process = startProcess(process.execPath, args, { cwd: this.dir, env: process.env, timeoutMs: DEADLINE_MS });
    const line = await this.#process.firstLine;
    const match = /listening on https:\/\/127\.0\.0\.1:(\d+)/.exec(line);
    if (match === null) throw new Error(`the local OC said "${line}"`);
    this.#port = Number(match[1]);
    this.#control ??= OperationsCenterClient.fromEnvironment({ configDir: this.configDir, env: {}, overrides: { retries: 0 } });
  }

  /** SIGKILL, as a crash, then the same state and port again. */
  async restart(): Promise<void> {
    this.#process?.child.kill("SIGKILL");
    await this.#process?.closed;
    await this.start();
  }

  async control(method: string, path: string, body?: unknown): Promise<unknown> {
    return (await this.#control!.request(method, path, body === undefined ? {} : { body })).metadata;
  }

  setFaults(faults: Faults): Promise<unknown> {
    return this.control("PUT", "/local-oc/faults", faults);
  }

  async close(): Promise<void> {
    await this.#control?.close();
    this.#process?.child.kill("SIGTERM");
    await this.#process?.closed;
  }
}

// ---- the server state that matters, and its checks ------------------------------------------

interface ServerView {
  name: string;
  cluster: string | null;
  eth0: number[];
  iscsi: unknown[];
  applications: string[];
  kernel: unknown;
}
interface StateView {
  clusters: { name: string; status: string; description: string; members: string[] }[];
  servers: ServerView[];
}

interface ModelServer {
  name: string;
  cluster: string | null;
  incusos: {
    network: { interfaces?: { name: string; vlan_tags?: number[] }[] };
    services: Record<string, Record<string, unknown>>;
    applications: { name: string }[];
    kernel: unknown;
  };
}
interface ModelCluster {
  name: string;
  status: string;
  description: string;
}

async function stateView(oc: LocalOc): Promise<StateView> {
  const model = (await oc.control("GET", "/local-oc/snapshot")) as { servers: ModelServer[]; clusters: ModelCluster[] };
  const servers = model.servers
    .map((s): ServerView => {
      const iscsi = s.incusos.services["iscsi"] ?? {};
      const config = (iscsi["config"] ?? iscsi) as { targets?: unknown[] };
      return {
        name: s.name,
        cluster: s.cluster,
        eth0: s.incusos.network.interfaces?.find((i) => i.name === "eth0")?.vlan_tags ?? [],
        iscsi: config.targets ?? [],
        applications: s.incusos.applications.map((a) => a.name).sort(),
        kernel: s.incusos.kernel,
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
  const clusters = model.clusters
    .map((c) => ({ name: c.name, status: c.status, description: c.description, members: servers.filter((s) => s.cluster === c.name).map((s) => s.name) }))
    .sort((a, b) => a.name.localeCompare(b.name));
  return { clusters, servers };
}

/** What is wrong with the state after `phase`, judged on its own terms (empty when nothing). */
function stateProblems(view: StateView, phase: Phase): string[] {
  const out: string[] = [];
  if (phase === "destroy") {
    if (view.clusters.length > 0) out.push(`left behind: clusters ${view.clusters.map((c) => `${c.name} (${c.status})`).join(", ")}`);
    for (const s of view.servers) {
      if (s.cluster !== null) out.push(`left behind: ${s.name} is still in cluster ${s.cluster}`);
      if (s.eth0.length > 0) out.push(`left behind: ${s.name} eth0 VLAN tags ${s.eth0.join(",")}`);
      if (s.iscsi.length > 0) out.push(`left behind: ${s.name} iSCSI targets ${JSON.stringify(s.iscsi)}`);
    }
    return out;
  }
  const step: Step = phase === "apply" ? "initial" : "updated";
  const names = Array.from({ length: CLUSTER_COUNT }, (_, i) => clusterName(i));
  const got = view.clusters.map((c) => c.name);
  if (JSON.stringify(got) !== JSON.stringify(names)) out.push(`clusters are ${got.join(", ") || "(none)"}, expected ${names.join(", ")}`);
  for (let i = 0; i < CLUSTER_COUNT; i++) {
    const want = desired(i, step);
    const cluster = view.clusters.find((c) => c.name === clusterName(i));
    if (cluster === undefined) continue;
    if (cluster.status !== "ready") out.push(`${cluster.name} is ${cluster.status}`);
    if (cluster.description !== want.description) out.push(`${cluster.name} description is "${cluster.description}"`);
    if (JSON.stringify(cluster.members) !== JSON.stringify(clusterServers(i))) out.push(`${cluster.name} members are ${cluster.members.join(", ")}`);
    for (const member of clusterServers(i)) {
      const s = view.servers.find((server) => server.name === member)!;
      if (JSON.stringify(s.eth0) !== JSON.stringify(want.vlanTags))
        out.push(`${member} eth0 VLAN tags are ${JSON.stringify(s.eth0)}, expected ${JSON.stringify(want.vlanTags)}`);
      if (s.iscsi.length !== 1) out.push(`${member} has ${s.iscsi.length} iSCSI targets, expected 1: ${JSON.stringify(s.iscsi)}`);
      if (s.applications.filter((a) => a === "debug").length !== 1) out.push(`${member} applications are ${s.applications.join(", ")}`);
      if (JSON.stringify((s.kernel as { blacklist_modules?: unknown }).blacklist_modules) !== JSON.stringify(want.kernel.blacklist_modules)) {
        out.push(`${member} kernel is ${JSON.stringify(s.kernel)}`);
      }
    }
  }
  return out;
}

// ---- running a scenario -----------------------------------------------------------------------

interface PhaseResult {
  applies: number | undefined;
  failures: string[];
  problems: string[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The error lines of a failed terraform run, shortened. */
function errorSummary(output: string): string {
  const lines = output
    .split("\n")
    .filter((line) => /^(│ )?Error: /.test(line))
    .map((line) => line.replace(/^│ /, "").trim());
  return [...new Set(lines)].slice(0, 3).join(" | ") || output.trim().split("\n").slice(-3).join(" | ");
}

/** Waits until `when` holds (polling the local OC), then restarts it; bounded. */
async function restartWhen(oc: LocalOc, when: () => Promise<boolean>, settleMs: number): Promise<boolean> {
  for (let i = 0; i < 1200; i++) {
    if (await when()) {
      await sleep(settleMs);
      await oc.restart();
      return true;
    }
    await sleep(50);
  }
  return false;
}

async function runScenario(scenario: Scenario, reference: Map<Phase, StateView> | undefined): Promise<Map<Phase, PhaseResult>> {
  const dir = mkdtempSync(join(tmpdir(), "oc-cdktf-soak-"));
  const results = new Map<Phase, PhaseResult>();
  const oc = new LocalOc(dir, scenario.restart === "while-creating" ? 3000 : 50);
  try {
    writeFileSync(join(dir, "seed.json"), JSON.stringify(soakSeed()));
    await oc.start();
    const env: NodeJS.ProcessEnv = { ...terraformEnv(dir, process.env), OPERATIONS_CENTER_CONF: oc.configDir, OC_CDKTF_DIGEST_KEY: "soak-digest-key" };
    for (const key of ["OPERATIONS_CENTER_REMOTE", "OPERATIONS_CENTER_URL", "OPERATIONS_CENTER_TOKEN", "TF_LOG", "TF_LOG_PROVIDER"]) delete env[key];
    const outdir = join(dir, "cdktf.out");
    mkdirSync(outdir);
    let stackDir = synthSoak(outdir, "initial");
    await terraformInit(stackDir, env);

    for (const phase of PHASES) {
      if (phase === "update") stackDir = synthSoak(outdir, "updated");
      const result: PhaseResult = { applies: undefined, failures: [], problems: [] };
      results.set(phase, result);
      for (let applies = 1; applies <= MAX_APPLIES; applies++) {
        await oc.setFaults(scenario.faults ?? {});
        let restart: Promise<boolean> | undefined;
        if (scenario.restart !== undefined && phase === "apply" && applies === 1) {
          if (scenario.restart === "before-handling") {
            // Every cluster create waits unhandled; the first to arrive triggers the crash.
            await oc.setFaults({ hold: [{ method: "POST", path: "/1.0/provisioning/clusters" }] });
            restart = restartWhen(
              oc,
              async () =>
                ((await oc.control("GET", "/local-oc/requests")) as { method: string; path: string }[]).some(
                  (r) => r.method === "POST" && r.path === "/1.0/provisioning/clusters",
                ),
              0,
            );
          } else {
            // A create under way: its pending record is on disk when the crash comes.
            restart = restartWhen(
              oc,
              async () => ((await oc.control("GET", "/local-oc/snapshot")) as { clusters: ModelCluster[] }).clusters.some((c) => c.status === "pending"),
              500,
            );
          }
        }
        const command = phase === "destroy" ? "destroy" : "apply";
        const done = await run("terraform", [command, "-input=false", "-auto-approve", "-no-color"], { cwd: stackDir, env, timeoutMs: TERRAFORM_TIMEOUT_MS });
        if (restart !== undefined && !(await restart)) result.failures.push("the restart never came");
        await oc.setFaults({});
        if (done.code !== 0) {
          result.failures.push(`apply ${applies}: ${errorSummary(done.output)}`);
          continue;
        }
        const plan = await run("terraform", ["plan", "-input=false", "-no-color", "-detailed-exitcode", ...(phase === "destroy" ? ["-destroy"] : [])], {
          cwd: stackDir,
          env,
          timeoutMs: TERRAFORM_TIMEOUT_MS,
        });
        if (plan.code === 0) {
          result.applies = applies;
          break;
        }
        result.failures.push(
          `apply ${applies} succeeded, but the plan after it ${plan.code === 2 ? "still has changes" : `failed: ${errorSummary(plan.output)}`}`,
        );
      }
      const view = await stateView(oc);
      result.problems.push(...stateProblems(view, phase));
      const expected = reference?.get(phase);
      if (expected !== undefined && JSON.stringify(view) !== JSON.stringify(expected)) {
        result.problems.push(`the server state differs from the fault-free run's: ${firstDifference(view, expected)}`);
      }
      if (reference === undefined) stateOf.set(phase, view);
      if (result.applies === undefined) break;
    }
  } finally {
    await oc.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return results;
}

/** The fault-free run's state after each phase, the reference of the others. */
const stateOf = new Map<Phase, StateView>();

function firstDifference(got: StateView, want: StateView): string {
  const a = [...got.clusters.map((c) => JSON.stringify(c)), ...got.servers.map((s) => JSON.stringify(s))];
  const b = [...want.clusters.map((c) => JSON.stringify(c)), ...want.servers.map((s) => JSON.stringify(s))];
  const onlyGot = a.filter((x) => !b.includes(x));
  const onlyWant = b.filter((x) => !a.includes(x));
  return `found ${onlyGot.slice(0, 2).join("; ") || "(nothing more)"}; expected ${onlyWant.slice(0, 2).join("; ") || "(nothing more)"}`;
}

async function main(): Promise<number> {
  const watchdog = setTimeout(() => {
    process.stderr.write(`soak: still running after ${DEADLINE_MS / 60_000} min; ending it\n`);
    killRunning();
    process.exit(2);
  }, DEADLINE_MS);
  watchdog.unref();
  const started = performance.now();
  let failed = 0;
  process.stdout.write(
    `Fault trial: ${CLUSTER_COUNT} clusters with VLAN tags, an iSCSI target, an application and a kernel config each; apply, update, destroy; at most ${MAX_APPLIES} applies a step\n\n`,
  );
  for (const scenario of SCENARIOS) {
    const t0 = performance.now();
    const results = await runScenario(scenario, stateOf.size === 0 ? undefined : stateOf);
    const cells = PHASES.map((phase) => `${phase} ${results.get(phase)?.applies ?? "not converged"}`);
    const problems = PHASES.flatMap((phase) => (results.get(phase)?.problems ?? []).map((p) => `${phase}: ${p}`));
    const converged = PHASES.every((phase) => results.get(phase)?.applies !== undefined);
    if (!converged || problems.length > 0) failed++;
    process.stdout.write(`${scenario.name.padEnd(55)} applies to converge: ${cells.join(", ")}   (${Math.round((performance.now() - t0) / 1000)} s)\n`);
    for (const phase of PHASES) for (const failure of results.get(phase)?.failures ?? []) process.stdout.write(`    ${phase}, ${failure}\n`);
    process.stdout.write(problems.length === 0 ? `    server state exact after every step\n` : problems.map((p) => `    PROBLEM ${p}\n`).join(""));
  }
  process.stdout.write(
    `\n${failed === 0 ? "every scenario converged with the server state exact" : `${failed} scenario(s) failed`} (${Math.round((performance.now() - started) / 1000)} s)\n`,
  );
  return failed === 0 ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`soak: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    killRunning();
    process.exitCode = 1;
  },
);
