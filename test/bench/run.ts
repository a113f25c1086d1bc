// `npm run bench`: measures and prints a table, and writes bench-results.json in the project root.
// Not a test: nothing is asserted beyond "the measured thing worked". Everything talks to a local
// Operations Center on 127.0.0.1 started here; every loop is bounded, and a watchdog ends the run
// if something hangs.
//
//   1. hook process start-up: `node dist/src/cli/main.js hook settings <spec>` (a no-op settings
//      hook: one GET, no PUT) against a cluster of the local OC, spawn to exit, N=10
//      (with two references: bare `node -e ""`, and the hook binary without any API call)
//   2. in-process client GET latency (GET /1.0/provisioning/clusters/<name>), N=200
//   3. cluster create + delete (mode=force) round trip through the client, N=10
//   4. App.synth() of a stack with 10 clusters (constructs/index.js), N=5
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { OperationsCenterClient } from "../../src/client/client.js";
import { writeBookkeeping } from "../../src/hooks/bookkeeping.js";
import type { SettingsSpec } from "../../src/hooks/spec.js";
import { startLocalOperationsCenter } from "../../src/local-oc/index.js";
import { measure, summarize, table, type Summary, type Unavailable } from "./stats.js";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const CLI = join(ROOT, "dist", "src", "cli", "main.js");
const RESULTS = join(ROOT, "bench-results.json");
const DEADLINE_MS = 55_000;
const SPAWN_TIMEOUT_MS = 15_000;
const OWNER = "bench";

const N_SPAWN = 10;
const N_GET = 200;
const N_ROUND_TRIP = 10;
const N_SYNTH = 5;
const SYNTH_CLUSTERS = 10;
const CREATE_DELAY_MS = 5;

const watchdog = setTimeout(() => {
  process.stderr.write(`bench: still running after ${DEADLINE_MS / 1000} s; giving up\n`);
  process.exit(1);
}, DEADLINE_MS);
watchdog.unref();

/** process.env without anything that selects another Operations Center or hook target. */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith("OPERATIONS_CENTER_") && !k.startsWith("OC_CDKTF_")),
  );
}

/** Spawns a process and resolves with its exit code and output; never blocks the event loop. */
function runProcess(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"], timeout: SPAWN_TIMEOUT_MS });
    let output = "";
    child.stdout.on("data", (c: Buffer) => (output += c.toString("utf8")));
    child.stderr.on("data", (c: Buffer) => (output += c.toString("utf8")));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
  });
}

function progress(text: string): void {
  process.stderr.write(`bench: ${text}\n`);
}

async function spawnSample(name: string, note: string, args: string[], env: NodeJS.ProcessEnv, expectCode: number): Promise<Summary> {
  progress(`${name} x${N_SPAWN}`);
  const values = await measure(
    N_SPAWN,
    async () => {
      const { code, output } = await runProcess(args, env);
      if (code !== expectCode) throw new Error(`${name}: exit code ${code}, expected ${expectCode}:\n${output}`);
    },
    1,
  );
  return summarize({ name, values, note });
}

async function benchSynth(): Promise<Summary | Unavailable> {
  const name = `App.synth(), stack with ${SYNTH_CLUSTERS} clusters`;
  const note = "constructs built before the timer; synth() only, fresh App and outdir each run";
  let lib: typeof import("../../constructs/index.js");
  let cdktf: typeof import("cdktf");
  try {
    lib = await import("../../constructs/index.js");
    cdktf = await import("cdktf");
  } catch (err) {
    return { name, unavailable: `cannot load constructs: ${(err as Error).message.split("\n")[0]}`, note };
  }
  progress(`synth of ${SYNTH_CLUSTERS} clusters x${N_SYNTH}`);
  const values: number[] = [];
  for (let run = -1; run < N_SYNTH; run++) {
    const outdir = mkdtempSync(join(tmpdir(), "oc-cdktf-bench-synth-"));
    try {
      const app = new cdktf.App({ outdir, skipValidation: true });
      const stack = new cdktf.TerraformStack(app, "bench");
      new lib.OperationsCenter(stack, "oc", { ownerId: OWNER });
      for (let i = 1; i <= SYNTH_CLUSTERS; i++) {
        const id = String(i).padStart(2, "0");
        new lib.Cluster(stack, `c${id}`, {
          name: `cluster-${id}`,
          servers: [`server${id}a`, `server${id}b`, `server${id}c`],
          connectionUrl: `https://cluster-${id}.example.test:8443`,
          description: `bench cluster ${id}`,
          properties: { team: "bench", index: id },
          servicesConfig: { lvm: { enabled: true } },
          deletionPolicy: "forget",
        });
      }
      const started = performance.now();
      app.synth();
      const elapsed = performance.now() - started;
      const synthesized = JSON.parse(readFileSync(join(outdir, "stacks", "bench", "cdk.tf.json"), "utf8")) as {
        resource?: Record<string, Record<string, unknown>>;
      };
      const identities = Object.values(synthesized.resource ?? {}).flatMap((byName) => Object.keys(byName)).filter((n) => n.endsWith("_cluster"));
      if (identities.length !== SYNTH_CLUSTERS) throw new Error(`expected ${SYNTH_CLUSTERS} _cluster resources, found ${identities.length}`);
      if (run >= 0) values.push(elapsed); // run -1 warms up module-level caches
    } catch (err) {
      return { name, unavailable: `synth failed: ${(err as Error).message.split("\n")[0]}`, note };
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  }
  return summarize({ name, values, note });
}

async function main(): Promise<void> {
  const started = performance.now();
  const work = mkdtempSync(join(tmpdir(), "oc-cdktf-bench-"));
  const configDir = join(work, "oc-config");
  const servers = 1 + N_ROUND_TRIP + 1;
  const oc = await startLocalOperationsCenter({ servers, createDelayMs: CREATE_DELAY_MS });
  let client: OperationsCenterClient | undefined;
  const results: Array<Summary | Unavailable> = [];
  try {
    await oc.writeClientConfig(configDir);
    client = OperationsCenterClient.fromEnvironment({ configDir, env: {}, overrides: { retries: 0 } });
    const api = client;
    const spec: SettingsSpec = {
      kind: "settings",
      construct_path: "bench/cluster",
      owner: OWNER,
      cluster: "bench",
      properties: { team: "bench" },
      deletion_policy: "retain",
    };
    await client.createCluster({
      name: "bench",
      connection_url: "https://bench.example.test:8443",
      server_names: ["server01"],
      server_type: "incus",
      properties: {
        team: "bench",
        ...writeBookkeeping({
          owner: OWNER,
          deletionPolicy: "retain",
          creation: { server_type: "incus", services_config: {}, application_config: {}, template: "", template_values: {} },
          members: ["server01"],
          properties: ["team"],
        }),
      },
    });
    const specFile = join(work, "bench_settings.json");
    writeFileSync(specFile, JSON.stringify(spec, null, 2), { mode: 0o600 });
    const env = { ...cleanEnv(), OPERATIONS_CENTER_CONF: configDir, OC_CDKTF_OWNER: OWNER };

    // 1. Process start-up.
    results.push(await spawnSample("node -e \"\" (reference)", "bare Node.js start-up on this machine", ["-e", ""], env, 0));
    results.push(
      await spawnSample(
        "oc-cdktf hook, no API call",
        "unknown hook kind: loads the CLI, the hook runtime and the client, exits 2",
        [CLI, "hook", "bench-no-such-kind"],
        env,
        2,
      ),
    );
    oc.clearRequests();
    results.push(
      await spawnSample(
        "oc-cdktf hook settings (no-op)",
        "spawn to exit: config, mTLS connect, one GET, no PUT (settings up to date)",
        [CLI, "hook", "settings", specFile],
        env,
        0,
      ),
    );
    const changing = oc.requests.filter((r) => r.method !== "GET");
    if (changing.length > 0) throw new Error(`the settings hook changed something: ${changing.map((r) => `${r.method} ${r.path}`).join(", ")}`);

    // 2. In-process GET latency.
    progress(`client GET x${N_GET}`);
    const gets = await measure(N_GET, async () => void (await api.getCluster("bench")), 10);
    results.push(summarize({ name: "client GET cluster (in-process)", values: gets, note: "warm connection, sequential, zod-parsed" }));

    // 3. Create + delete round trip, each on a fresh server (mode=force forgets the member).
    progress(`cluster create + delete x${N_ROUND_TRIP}`);
    const trips = await measure(N_ROUND_TRIP, async (i) => {
      const name = `trip-${i}`;
      const server = `server${String(i + 2).padStart(2, "0")}`;
      await api.createCluster({ name, connection_url: "https://trip.example.test:8443", server_names: [server], server_type: "incus" });
      await api.deleteCluster(name, { mode: "force" });
    });
    results.push(
      summarize({
        name: "client cluster create + delete",
        values: trips,
        note: `POST then DELETE ?mode=force; the local OC's create delay is ${CREATE_DELAY_MS} ms`,
      }),
    );
  } finally {
    await client?.close();
    await oc.close();
    rmSync(work, { recursive: true, force: true });
  }

  // 4. Synth.
  results.push(await benchSynth());

  process.stdout.write(`${table(results)}\n`);
  const document = {
    generatedAt: new Date().toISOString(),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    cpus: cpus().length,
    totalMs: Math.round(performance.now() - started),
    results,
  };
  writeFileSync(RESULTS, `${JSON.stringify(document, null, 2)}\n`);
  process.stdout.write(`wrote ${RESULTS} (${(document.totalMs / 1000).toFixed(1)} s)\n`);
}

main().then(
  () => {
    clearTimeout(watchdog);
  },
  (err: unknown) => {
    process.stderr.write(`bench: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
