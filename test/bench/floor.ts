// The floor under apply_vs_direct_N: `terraform apply` of N notes of the toy provider of
// test/fixtures/plugin, a Node provider on the same plugin layer that makes no API call (a note
// is a JSON file in its store_dir). Terraform starts it as often as ours (schema, validate, plan,
// apply), so its time is what this terraform and four Node provider processes cost by
// themselves: a Node provider that makes the API calls cannot apply N resources in much less.
// The calling floor (calling-toy.ts) adds those calls, made as cheaply as Node.js can: what the
// least Node provider making them costs behind this terraform.
import { chmodSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { terraformPlatform } from "../../src/provider/launcher.js";
import { entry as TOY_ENTRY } from "../fixtures/plugin/harness.js";
import type { LocalOperationsCenter } from "../../src/local-oc/index.js";
import type { ConnectionFile } from "./calling-toy.js";
import { PARALLELISM, type BenchCluster } from "./calls.js";
import { removeState, terraformInit, timeApply } from "./terraform.js";

const TOY_NAMESPACE = "example.test/toy";
const CALLING_TOY_ENTRY = fileURLToPath(new URL("./calling-toy-main.js", import.meta.url));
const TOY_VERSION = "0.0.1";

export interface FloorWorkspace {
  dir: string;
  store: string;
  env: NodeJS.ProcessEnv;
}

/** A note per bench cluster, with as many attributes of the same kinds: name, text, a map of two. */
function noteOf(cluster: BenchCluster): Record<string, unknown> {
  return { name: cluster.name, body: cluster.description, meta: cluster.properties };
}

/** A Node provider installed for a floor workspace: from the implied local mirror, with a #!/bin/sh launcher. */
interface FloorProvider {
  /** example.test/toy/NAME: NAME is also its resource types' prefix. */
  name: string;
  /** The plugin entry node runs. */
  entry: string;
  config: Record<string, unknown>;
  resources: Record<string, Record<string, unknown>>;
}

/** Writes `dir`'s configuration and installs `provider` for it, then runs `terraform init` there. */
async function writeWorkspace(dir: string, provider: FloorProvider, tfEnv: NodeJS.ProcessEnv): Promise<void> {
  const source = `${TOY_NAMESPACE}/${provider.name}`;
  const pluginDir = join(dir, "terraform.d", "plugins", ...source.split("/"), TOY_VERSION, terraformPlatform());
  mkdirSync(pluginDir, { recursive: true });
  const launcher = join(pluginDir, `terraform-provider-${provider.name}_v${TOY_VERSION}`);
  writeFileSync(launcher, `#!/bin/sh\nexec "${process.execPath}" "${provider.entry}"\n`);
  chmodSync(launcher, 0o755);
  const config = {
    terraform: { required_providers: { [provider.name]: { source, version: TOY_VERSION } } },
    provider: { [provider.name]: provider.config },
    resource: provider.resources,
  };
  writeFileSync(join(dir, "main.tf.json"), `${JSON.stringify(config, null, 2)}\n`);
  await terraformInit(dir, tfEnv);
}

/**
 * Writes a workspace applying one toy note per cluster under `work`/floor and runs `terraform init`
 * in it. `tfEnv` is the cluster applies' terraform environment (terraform.ts).
 */
export async function prepareFloor(work: string, clusters: readonly BenchCluster[], tfEnv: NodeJS.ProcessEnv): Promise<FloorWorkspace> {
  const dir = join(work, "floor");
  const store = join(dir, "store");
  await writeWorkspace(
    dir,
    { name: "toy", entry: TOY_ENTRY, config: { store_dir: store }, resources: { toy_note: Object.fromEntries(clusters.map((c) => [c.name, noteOf(c)])) } },
    tfEnv,
  );
  return { dir, store, env: tfEnv };
}

export interface CallingFloorWorkspace {
  dir: string;
  /** Where each run writes the local OC's address and certificates (calling-toy.ts, ConnectionFile). */
  connectionFile: string;
  env: NodeJS.ProcessEnv;
}

const synthesizedSchema = z.object({ resource: z.object({ operationscenter_cluster: z.record(z.string(), z.record(z.string(), z.unknown())) }) });

/**
 * The calling floor (calling-toy.ts): a workspace under `work`/calling-floor applying one
 * callstoy_cluster per operationscenter_cluster of the synthesized stack in `stackDir`, with the
 * same configuration.
 */
export async function prepareCallingFloor(work: string, stackDir: string, tfEnv: NodeJS.ProcessEnv): Promise<CallingFloorWorkspace> {
  const dir = join(work, "calling-floor");
  const connectionFile = join(dir, "connection.json");
  const synthesized = synthesizedSchema.parse(JSON.parse(readFileSync(join(stackDir, "cdk.tf.json"), "utf8")));
  const resources = Object.fromEntries(
    Object.entries(synthesized.resource.operationscenter_cluster).map(([key, { "//": _metadata, provider: _provider, ...config }]) => [key, config]),
  );
  await writeWorkspace(
    dir,
    {
      name: "callstoy",
      entry: CALLING_TOY_ENTRY,
      config: { connection_file: connectionFile, parallelism: PARALLELISM },
      resources: { callstoy_cluster: resources },
    },
    tfEnv,
  );
  return { dir, connectionFile, env: tfEnv };
}

/** Milliseconds of one apply of the calling floor from empty state, against `oc` (fresh, seeded with the clusters' servers). */
export async function callingFloorRun(floor: CallingFloorWorkspace, oc: LocalOperationsCenter, configDir: string): Promise<number> {
  removeState(floor.dir);
  const connection: ConnectionFile = {
    addr: oc.url,
    server_cert: oc.serverCertificate,
    client_cert_file: join(configDir, "client.crt"),
    client_key_file: join(configDir, "client.key"),
  };
  writeFileSync(floor.connectionFile, JSON.stringify(connection));
  return timeApply(floor.dir, floor.env);
}

const noteFileSchema = z.object({ state: z.looseObject({ name: z.string() }) });

/** Throws unless the store holds exactly one note per cluster, by name. */
function checkNotes(store: string, clusters: readonly BenchCluster[]): void {
  const names = new Set(readdirSync(store).map((file) => noteFileSchema.parse(JSON.parse(readFileSync(join(store, file), "utf8"))).state.name));
  const missing = clusters.filter((c) => !names.has(c.name));
  if (missing.length > 0 || names.size !== clusters.length) {
    throw new Error(
      `toy provider apply: expected ${clusters.length} notes in ${store}, found ${names.size}; missing: ${missing
        .slice(0, 5)
        .map((c) => c.name)
        .join(", ")}`,
    );
  }
}

/** Milliseconds of one apply creating every note, from empty state and an empty store. */
export async function floorRun(floor: FloorWorkspace, clusters: readonly BenchCluster[]): Promise<number> {
  removeState(floor.dir);
  rmSync(floor.store, { recursive: true, force: true });
  mkdirSync(floor.store);
  const ms = await timeApply(floor.dir, floor.env);
  checkNotes(floor.store, clusters);
  return ms;
}
