// The local Operations Center over raw HTTPS: a cluster create that fails in the post-clustering
// step, after the cluster is marked ready.
import assert from "node:assert/strict";
import { test } from "node:test";
import { clusterOf, clusterPost, namesOf, startHarness } from "./fixtures/local-oc/helpers.js";

const C = "/1.0/provisioning/clusters";

test("a create whose post-clustering step fails answers 500 and leaves the cluster ready with its members joined", async () => {
  const h = await startHarness({ servers: 3 });
  try {
    assert.equal((await h.call("PUT", "/local-oc/faults", { failPostClustering: ["c1"] })).status, 200);
    const created = await h.call("POST", C, clusterPost("c1", ["server01", "server02"]));
    assert.equal(created.status, 500);
    assert.equal(created.json!.error, "Failed creating cluster: Failed to apply Terraform configuration: injected fault (local-oc --fail-post-clustering c1)");
    const cluster = clusterOf(await h.call("GET", `${C}/c1`));
    assert.equal(cluster.status, "ready");
    const members = namesOf(await h.call("GET", "/1.0/provisioning/servers?cluster=c1"));
    assert.equal(members.length, 2);
    assert.deepEqual((await h.call("GET", `${C}/c1/artifacts`)).json!.metadata, [], "no terraform-configuration artifact");
    // Another cluster is not affected.
    assert.equal((await h.call("POST", C, clusterPost("c2", ["server03"]))).status, 201);
  } finally {
    await h.close();
  }
});

test("the fault can be set at start-up, as --fail-post-clustering does", async () => {
  const h = await startHarness({ servers: 2, faults: { failPostClustering: ["c1"] } });
  try {
    assert.equal((await h.call("POST", C, clusterPost("c1", ["server01"]))).status, 500);
    assert.equal(clusterOf(await h.call("GET", `${C}/c1`)).status, "ready");
  } finally {
    await h.close();
  }
});
