// The calling floor of `npm run bench` (test/bench/calling-toy.ts), with the real terraform binary:
// it creates what the provider's apply of the same clusters creates, and makes the requests the
// provider's apply makes, no kind more and none missing. If the provider's requests change, this
// fails, and the bench's calling floor no longer measures the least a provider making them costs.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import { startLocalOperationsCenter, type LocalOperationsCenter } from "../src/local-oc/index.js";
import { checkCreated, CREATE_DELAY_MS } from "./bench/apply.js";
import { benchClusters, type BenchCluster } from "./bench/calls.js";
import { callingFloorRun, prepareCallingFloor } from "./bench/floor.js";
import { benchSeed, buildStack, stackDirectory } from "./bench/stack.js";
import { terraformEnv, terraformInit, timeApply } from "./bench/terraform.js";

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

async function onFreshLocalOC(configDir: string, apply: (oc: LocalOperationsCenter) => Promise<unknown>, who: string): Promise<Map<string, number>> {
  const oc = await startLocalOperationsCenter({ seed: benchSeed(CLUSTERS), createDelayMs: CREATE_DELAY_MS });
  try {
    rmSync(configDir, { recursive: true, force: true });
    await oc.writeClientConfig(configDir);
    await apply(oc);
    checkCreated(oc, CLUSTERS, who);
    return requestKinds(oc, CLUSTERS);
  } finally {
    await oc.close();
  }
}

test("the bench's calling floor creates the clusters the provider's apply creates, with the kinds of request the provider makes and no other", async () => {
  const work = mkdtempSync(path.join(tmpdir(), "oc-cdktf-bench-calling-"));
  try {
    const env = terraformEnv(
      work,
      Object.fromEntries(
        Object.entries(process.env).filter(([key]) => !key.startsWith("OPERATIONS_CENTER_") && !key.startsWith("OC_CDKTF_") && !key.startsWith("TF_")),
      ),
    );
    const outdir = path.join(work, "cdktf.out");
    buildStack(outdir, CLUSTERS).synth();
    const stackDir = stackDirectory(outdir);
    await terraformInit(stackDir, env);
    const floor = await prepareCallingFloor(work, CLUSTERS, env);
    const configDir = path.join(work, "oc", "config");
    mkdirSync(path.dirname(configDir), { recursive: true });

    const provider = await onFreshLocalOC(configDir, () => timeApply(stackDir, { ...env, OPERATIONS_CENTER_CONF: configDir }), "the provider's apply");
    const calling = await onFreshLocalOC(configDir, (oc) => callingFloorRun(floor, oc, configDir), "the calling floor's apply");

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
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
