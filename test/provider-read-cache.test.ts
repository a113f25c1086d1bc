// The provider's read cache (src/client/read-cache.ts), observed from the local OC's request log:
// a plan with no change reads each thing once (the cluster, its servers, and what each bulk kind
// needs of each member), and the next command reads again, so a change made outside Terraform in
// between shows in its plan. And the provider's client itself: what a write touches is read again.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import { startLocalOperationsCenter } from "../src/local-oc/index.js";
import { CachedReadsClient } from "../src/client/cached-client.js";
import { freshReads } from "../src/client/read-cache.js";
import { resolveRemote } from "../src/client/remote.js";
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

test("the provider's client shares a read until a write touches it: a member's config is read again after a write to that member or a bulk action on its cluster, not after a write elsewhere; freshReads always asks; a 404 is shared until a create", async () => {
  const fleet: Fleet = { clusters: 2, members: 2 };
  // Servers for one more cluster, which the test creates last.
  const oc = await startLocalOperationsCenter({ seed: fleetSeed({ ...fleet, clusters: fleet.clusters + 1 }), createDelayMs: 0 });
  const configDir = mkdtempSync(path.join(tmpdir(), "oc-cdktf-read-cache-"));
  await oc.writeClientConfig(configDir);
  const api = CachedReadsClient.fromRemote(resolveRemote({ configDir, env: {} }));
  try {
    for (let c = 0; c < fleet.clusters; c++) {
      await api.createCluster({
        name: clusterName(c),
        connection_url: `https://${clusterName(c)}.example.test:8443`,
        server_names: [serverName(c, 0), serverName(c, 1)],
        server_type: "incus",
        description: "",
        properties: {},
        services_config: {},
        application_seed_config: {},
      });
    }
    const member = serverName(0, 0);
    const kernelPath = `/1.0/provisioning/servers/${member}/os/1.0/system/kernel`;
    const reads = () => oc.requests.filter((r) => r.method === "GET" && r.path === kernelPath).length;
    oc.clearRequests();
    await api.listServers({ cluster: clusterName(0) });
    await Promise.all([api.incusOS.getSystemConfig(member, "kernel"), api.incusOS.getSystemConfig(member, "kernel")]);
    await api.incusOS.getSystemConfig(member, "kernel");
    assert.equal(reads(), 1, "three reads, one GET");

    await api.request("PUT", `/1.0/provisioning/servers/${serverName(1, 0)}/os/1.0/system/kernel`, { body: { config: { blacklist_modules: ["a"] } } });
    await api.incusOS.getSystemConfig(member, "kernel");
    assert.equal(reads(), 1, "a write to another server leaves it");

    await api.request("PUT", kernelPath, { body: { config: { blacklist_modules: ["b"] } } });
    assert.deepEqual((await api.incusOS.getSystemConfig(member, "kernel")).config.blacklist_modules, ["b"], "read again after a write to the member");
    assert.equal(reads(), 2);

    await api.bulkUpdateCluster(clusterName(0), "update_system_kernel", { config: { blacklist_modules: ["c"] } });
    assert.deepEqual((await api.incusOS.getSystemConfig(member, "kernel")).config.blacklist_modules, ["c"], "read again after a bulk action on its cluster");
    assert.equal(reads(), 3);

    await freshReads(() => api.incusOS.getSystemConfig(member, "kernel"));
    assert.equal(reads(), 4, "freshReads sends the GET");

    // A 404 is an answer too, until a write to the collection (a create) may have changed it.
    const clusterReads = () => oc.requests.filter((r) => r.method === "GET" && r.path === "/1.0/provisioning/clusters/gamma").length;
    assert.equal(await api.findCluster("gamma"), undefined);
    assert.equal(await api.findCluster("gamma"), undefined);
    assert.equal(clusterReads(), 1, "two lookups of a missing cluster, one GET");
    await api.createCluster({
      name: "gamma",
      connection_url: "https://gamma.example.test:8443",
      server_names: [serverName(2, 0)],
      server_type: "incus",
      description: "",
      properties: {},
      services_config: {},
      application_seed_config: {},
    });
    assert.equal((await api.findCluster("gamma"))?.cluster.name, "gamma", "read again after the create");
    assert.equal(clusterReads(), 2);

    const copy = await api.incusOS.getSystemConfig(member, "kernel");
    (copy.config.blacklist_modules as string[]).push("changed by a caller");
    assert.deepEqual((await api.incusOS.getSystemConfig(member, "kernel")).config.blacklist_modules, ["c"], "a caller's change to its answer is its own");
  } finally {
    await api.close();
    await oc.close();
    rmSync(configDir, { recursive: true, force: true });
  }
});
