// The floor under apply_vs_direct_N: `terraform apply` of N notes of the toy provider of
// test/fixtures/plugin, a Node provider on the same plugin layer that makes no API call (a note
// is a JSON file in its store_dir). Terraform starts it as often as ours (schema, validate, plan,
// apply), so its time is what this terraform and four Node provider processes cost by
// themselves: a Node provider that makes the API calls cannot apply N resources in much less.
import { chmodSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { terraformPlatform } from "../../src/provider/launcher.js";
import { entry as TOY_ENTRY } from "../fixtures/plugin/harness.js";
import type { BenchCluster } from "./calls.js";
import { removeState, terraformInit, timeApply } from "./terraform.js";

const TOY_SOURCE = "example.test/toy/toy";
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

/**
 * Writes a workspace applying one toy note per cluster under `work`/floor, the toy installed from
 * the implied local mirror terraform.d/plugins with a #!/bin/sh launcher, and runs `terraform
 * init` in it. `tfEnv` is the cluster applies' terraform environment (terraform.ts).
 */
export async function prepareFloor(work: string, clusters: readonly BenchCluster[], tfEnv: NodeJS.ProcessEnv): Promise<FloorWorkspace> {
  const dir = join(work, "floor");
  const store = join(dir, "store");
  const pluginDir = join(dir, "terraform.d", "plugins", ...TOY_SOURCE.split("/"), TOY_VERSION, terraformPlatform());
  mkdirSync(pluginDir, { recursive: true });
  const launcher = join(pluginDir, `terraform-provider-toy_v${TOY_VERSION}`);
  writeFileSync(launcher, `#!/bin/sh\nexec "${process.execPath}" "${TOY_ENTRY}"\n`);
  chmodSync(launcher, 0o755);
  const config = {
    terraform: { required_providers: { toy: { source: TOY_SOURCE, version: TOY_VERSION } } },
    provider: { toy: { store_dir: store } },
    resource: { toy_note: Object.fromEntries(clusters.map((c) => [c.name, noteOf(c)])) },
  };
  writeFileSync(join(dir, "main.tf.json"), `${JSON.stringify(config, null, 2)}\n`);
  await terraformInit(dir, tfEnv);
  return { dir, store, env: tfEnv };
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
