// A change of a bulk resource's cluster attribute: the cluster's rename is an in-place change
// with no call; a move to another cluster that exists is a replace (removed from the old one per
// deletion_policy, added to the new one).
import assert from "node:assert/strict";
import { test } from "node:test";
import type { SeedDocument } from "../src/local-oc/index.js";
import type { ObjectValue } from "../src/provider/plugin/types.js";
import { clusterApplicationResource as resource } from "../src/provider/resources/cluster-application.js";
import { bulkSeed, CLUSTER, errors, withBulk } from "./fixtures/provider/bulk.js";

const BETA = "beta";

/** alpha on server01..server03, beta on server04. */
function twoClusters(): SeedDocument {
  const seed = bulkSeed() as unknown as { servers: unknown[]; clusters: unknown[] };
  return { ...seed, clusters: [...seed.clusters, { name: BETA, server_names: ["server04"] }] } as unknown as SeedDocument;
}

const debug = (cluster: string, values: Partial<ObjectValue> = {}): ObjectValue => ({
  id: null,
  cluster,
  name: "debug",
  servers: null,
  deletion_policy: null,
  members: null,
  ...values,
});

const has = (t: { server(name: string): { incusos: { applications: { name: string }[] } } }, server: string): boolean =>
  t.server(server).incusos.applications.some((a) => a.name === "debug");

test("the cluster renamed outside this resource (the old name is gone): an in-place change of the state, planned with its note, and no call", () =>
  withBulk(resource, async (t) => {
    const created = await t.converge(null, debug(CLUSTER));
    assert.deepEqual(errors(created.diagnostics), []);
    await t.calls();
    // The state still names the cluster before its rename.
    const prior = { ...created.state!, cluster: "alpha-old", id: "alpha-old/debug" };
    const renamed = await t.converge(prior, debug(CLUSTER));
    assert.deepEqual(errors(renamed.diagnostics), []);
    assert.equal(renamed.plan.requiresReplace, undefined);
    assert.match(renamed.diagnostics.map((d) => d.summary).join("\n"), /cluster "alpha-old" -> "alpha" follows the cluster's rename/);
    assert.deepEqual(await t.calls(), []);
    assert.equal(renamed.state!.id, "alpha/debug");
    assert.deepEqual(renamed.state!.members, ["server01", "server02", "server03"]);
  }));

test("a move between two existing clusters is an in-place change: removed from the old cluster's members, added to the new one's", () =>
  withBulk(
    resource,
    async (t) => {
      const created = await t.converge(null, debug(CLUSTER));
      assert.deepEqual(errors(created.diagnostics), []);
      await t.calls();
      const moved = await t.converge(created.state, debug(BETA));
      assert.deepEqual(errors(moved.diagnostics), []);
      assert.equal(moved.plan.requiresReplace, undefined);
      assert.match(
        (moved.plan.diagnostics ?? []).map((d) => d.summary).join("\n"),
        /application "debug" moves from cluster "alpha" to cluster "beta": removed from the members of "alpha", then added on those of "beta"/,
      );
      assert.deepEqual(await t.calls(), [
        "POST /1.0/provisioning/servers/server01/os/1.0/applications/debug/:remove 200",
        "POST /1.0/provisioning/servers/server02/os/1.0/applications/debug/:remove 200",
        "POST /1.0/provisioning/servers/server03/os/1.0/applications/debug/:remove 200",
        `POST /1.0/provisioning/clusters/${BETA}/:bulk-update 200 {"action":"add_application","arguments":{"name":"debug"}}`,
      ]);
      assert.ok(has(t, "server04"));
      assert.ok(!has(t, "server01"));
    },
    { seed: twoClusters() },
  ));

test("a move with deletion_policy retain keeps the item on the old cluster and warns that it stays", () =>
  withBulk(
    resource,
    async (t) => {
      const created = await t.converge(null, debug(CLUSTER, { deletion_policy: "retain" }));
      assert.deepEqual(errors(created.diagnostics), []);
      await t.calls();
      const moved = await t.converge(created.state, debug(BETA, { deletion_policy: "retain" }));
      assert.deepEqual(errors(moved.diagnostics), []);
      assert.equal(moved.plan.requiresReplace, undefined);
      assert.match(
        (moved.plan.diagnostics ?? []).map((d) => d.summary).join("\n"),
        /application "debug" moves from cluster "alpha" to cluster "beta" and stays on the members of "alpha" \(deletion_policy retain\)/,
      );
      assert.deepEqual(await t.calls(), [`POST /1.0/provisioning/clusters/${BETA}/:bulk-update 200 {"action":"add_application","arguments":{"name":"debug"}}`]);
      assert.ok(has(t, "server01") && has(t, "server04"));
    },
    { seed: twoClusters() },
  ));
