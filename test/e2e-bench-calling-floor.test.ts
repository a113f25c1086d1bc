// The calling floor of `npm run bench` (test/bench/calling-toy.ts), with the real terraform binary:
// with the provider's cluster schema and the bench stack's configuration, it creates what the
// provider's apply creates, makes the requests the provider's apply makes (no kind more, none
// missing) and leaves the same attributes set in state. If the provider's schema or requests
// change, this fails: the calling floor would no longer measure the least such a provider costs.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import type { LocalOperationsCenter } from "../src/local-oc/index.js";
import type { Block } from "../src/provider/plugin/types.js";
import { schemas } from "../src/provider/schemas.js";
import { onFreshLocalOC } from "./bench/apply.js";
import { clusterSchema } from "./bench/calling-toy.js";
import { benchClusters, type BenchCluster } from "./bench/calls.js";
import { callingFloorRun, prepareCallingFloor } from "./bench/floor.js";
import { buildStack, stackDirectory } from "./bench/stack.js";
import { terraformEnv, terraformInit, timeApply, withoutLocalSettings } from "./bench/terraform.js";

const CLUSTERS = benchClusters(3);

/** Requests by method and path, each cluster's and server's name replaced, with their counts. */
function requestKinds(oc: LocalOperationsCenter, clusters: readonly BenchCluster[]): Map<string, number> {
  const kinds = new Map<string, number>();
  for (const r of oc.requests) {
    let kind = `${r.method} ${r.path}`;
    for (const c of clusters) kind = kind.replace(c.server, "{server}").replace(new RegExp(`/${c.name}$`), "/{cluster}");
    kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
  }
  return kinds;
}

/** A block without its descriptions. */
function shape(block: Block): unknown {
  return JSON.parse(JSON.stringify(block, (key, value: unknown) => (key === "description" ? undefined : value)));
}

type State = { resources: { type: string; name: string; instances: { attributes: Record<string, unknown> }[] }[] };

/** Each resource's attributes that are set (not null), by resource name. */
function setAttributes(dir: string): Record<string, string[]> {
  const state = JSON.parse(readFileSync(path.join(dir, "terraform.tfstate"), "utf8")) as State;
  return Object.fromEntries(
    state.resources.map((r) => [
      r.name,
      Object.entries(r.instances[0]!.attributes)
        .filter(([, value]) => value !== null)
        .map(([key]) => key)
        .sort(),
    ]),
  );
}

test("the bench's calling floor creates the clusters the provider's apply creates, with its schema, the kinds of request it makes and no other, and as much in state", async () => {
  const work = mkdtempSync(path.join(tmpdir(), "oc-cdktf-bench-calling-"));
  try {
    const env = terraformEnv(work, withoutLocalSettings(process.env));
    const outdir = path.join(work, "cdktf.out");
    buildStack(outdir, CLUSTERS).synth();
    const stackDir = stackDirectory(outdir);
    await terraformInit(stackDir, env);
    const floor = await prepareCallingFloor(work, stackDir, env);
    const configDir = path.join(work, "oc", "config");
    mkdirSync(path.dirname(configDir), { recursive: true });

    const kinds = (oc: LocalOperationsCenter) => requestKinds(oc, CLUSTERS);
    const provider = await onFreshLocalOC(
      CLUSTERS,
      configDir,
      "the provider's apply",
      () => timeApply(stackDir, { ...env, OPERATIONS_CENTER_CONF: configDir }),
      kinds,
    );
    const calling = await onFreshLocalOC(CLUSTERS, configDir, "the calling floor's apply", (oc) => callingFloorRun(floor, oc, configDir), kinds);

    assert.deepEqual([...calling.keys()].sort(), [...provider.keys()].sort());
    // Per cluster: the plan's GET, the re-plan's GET, the server's GET, the POST, the read-back, the PUT.
    assert.deepEqual(Object.fromEntries([...calling].sort()), {
      "GET /1.0/provisioning/clusters/{cluster}": 3 * CLUSTERS.length,
      "GET /1.0/provisioning/servers/{server}": CLUSTERS.length,
      "POST /1.0/provisioning/clusters": CLUSTERS.length,
      "PUT /1.0/provisioning/clusters/{cluster}": CLUSTERS.length,
    });
    for (const [kind, count] of calling)
      assert.ok(count <= provider.get(kind)!, `${kind}: the calling floor made ${count}, the provider ${provider.get(kind)}`);
    // Terraform's own work for them is alike: the same schema, the same attributes set in state.
    assert.equal(clusterSchema.version, schemas.resources["operationscenter_cluster"]!.version);
    assert.deepEqual(shape(clusterSchema.block), shape(schemas.resources["operationscenter_cluster"]!.block));
    assert.deepEqual(setAttributes(floor.dir), setAttributes(stackDir));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
