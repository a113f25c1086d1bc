// The provider's read cache (src/client/read-cache.ts), observed from the local OC's request log:
// a plan with no change reads each thing once (the cluster, its servers, and what each bulk kind
// needs of each member), and the next command reads again, so a change made outside Terraform in
// between shows in its plan.
import assert from "node:assert/strict";
import * as path from "node:path";
import { test } from "node:test";
import { startE2E } from "./e2e/harness.js";
import { clusterName, fleetSeed, minimalReads, serverName, synthFleet, type Fleet } from "./e2e/fleet-scenario.js";

const FLEET: Fleet = { clusters: 2, members: 3 };

test("a plan with no change of 2 clusters of 3 members with every bulk kind reads each thing once (2 + 7 x members a cluster); the next plan shows a change made outside Terraform", async () => {
  const e2e = await startE2E({ seed: fleetSeed(FLEET) });
  try {
    e2e.stackDir = synthFleet(path.join(e2e.workdir, "cdktf.out"), FLEET);
    await e2e.initAndApply();

    e2e.oc.clearRequests();
    const first = await e2e.planChanges();
    assert.deepEqual(first, {}, "the fleet as applied plans no change");
    const reads = e2e.oc.requests.filter((r) => r.method === "GET").map((r) => `${r.path}?${new URLSearchParams(r.query).toString()}`);
    const repeated = reads.filter((r, i) => reads.indexOf(r) !== i);
    assert.deepEqual(repeated, [], "no path is read twice in one plan");
    assert.equal(reads.length, minimalReads(FLEET.clusters, FLEET.members), reads.join("\n"));
    assert.deepEqual(e2e.changes(), [], "a plan makes no change");

    // Outside Terraform: one member loses its kernel config (as an operator would through the OS proxy).
    const member = serverName(1, 2);
    await e2e.client.request("PUT", `/1.0/provisioning/servers/${member}/os/1.0/system/kernel`, { body: { config: {} } });
    const second = await e2e.planChanges();
    assert.deepEqual(second, { [`operationscenter_cluster_kernel_config.${clusterName(1)}-kernel`]: ["update"] }, "the next plan reads the member again");
  } finally {
    await e2e.close();
  }
});
