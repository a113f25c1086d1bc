// Operations Center's system/:evacuate (Incus mode auto) and system/:restore against simulated
// instances, their preconditions, and the :remove-servers refusals that follow.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { LocalOperationsCenterOptions } from "../src/local-oc/index.js";
import { z } from "zod";
import { clusterOf, metadataOf, serverOf, startHarness, type Harness } from "./fixtures/local-oc/helpers.js";
import { instanceSeed } from "./fixtures/local-oc/instances.js";

const S = "/1.0/provisioning/servers";
const C = "/1.0/provisioning/clusters";

/** An instance as GET /local-oc/instances lists it. */
const instance = z.looseObject({ name: z.string(), location: z.string(), status: z.string() });

async function withHarness(extra: Record<string, unknown>, fn: (h: Harness) => Promise<void>, options: LocalOperationsCenterOptions = {}): Promise<void> {
  const h = await startHarness({ seed: instanceSeed(undefined, extra), ...options });
  try {
    await fn(h);
  } finally {
    await h.close();
  }
}

async function instances(h: Harness): Promise<Record<string, [string, string]>> {
  const list = metadataOf(await h.call("GET", "/local-oc/instances"), z.array(instance));
  return Object.fromEntries(list.map((i) => [i.name, [i.location, i.status]]));
}

/** A custom volume on the member's local pool, attached: it cannot migrate, so its instance is stopped. */
const LOCAL_VOLUME = { data: { type: "disk", path: "/srv", pool: "local", source: "data" } };

/** web1 on the ceph pool and db1 with a local volume, both on server01; one more on server02. */
const MIXED = {
  instances: [
    { name: "web1", location: "server01", storage_pool: "remote" },
    { name: "db1", location: "server01", devices: LOCAL_VOLUME },
    { name: "api1", location: "server02", storage_pool: "remote" },
  ],
};

test(":evacuate moves the migratable instance to the least loaded member and stops the one with a local volume in place", () =>
  withHarness(MIXED, async (h) => {
    assert.equal((await h.call("POST", `${S}/server01/system/:evacuate`)).status, 200);
    assert.deepEqual(await instances(h), { web1: ["server03", "Running"], db1: ["server01", "Stopped"], api1: ["server02", "Running"] });
    const server = serverOf(await h.call("GET", `${S}/server01`));
    assert.equal(server.version_data?.in_maintenance, 2);
  }));

test("while Incus evacuates, OC shows the server evacuating and the instances still in place", () =>
  withHarness(
    MIXED,
    async (h) => {
      assert.equal((await h.call("POST", `${S}/server01/system/:evacuate`)).status, 200);
      const server = serverOf(await h.call("GET", `${S}/server01`));
      assert.equal(server.server_status_detail, "evacuating");
      assert.equal(server.version_data?.in_maintenance, 1);
      assert.deepEqual((await instances(h))["web1"], ["server01", "Running"]);
    },
    { evacuationDelayMs: 3_600_000 },
  ));

test(":remove-servers refuses a member an auto evacuation left an instance on, and removes it once the instance is gone", () =>
  withHarness(MIXED, async (h) => {
    await h.call("POST", `${S}/server01/system/:evacuate`);
    const refused = await h.call("POST", `${C}/c1/:remove-servers`, { server_names: ["server01"] });
    assert.equal(refused.status, 400);
    assert.equal(
      refused.json!.error,
      'Failed to remove servers [server01] from cluster "c1": Server removal failed, server "server01" still has instances: Operation not permitted',
    );
    assert.equal((await h.call("DELETE", "/local-oc/instances/c1/default/db1")).status, 200);
    const removed = await h.call("POST", `${C}/c1/:remove-servers`, { server_names: ["server01"] });
    assert.equal(removed.status, 201, removed.text);
    assert.equal((await h.call("GET", `${S}/server01`)).status, 404, "the removed member is factory reset");
  }));

test(":remove-servers refuses a member that holds a custom volume, naming it; OC's own volumes do not count", () =>
  withHarness({ storage_volumes: [{ name: "data", location: "server02" }] }, async (h) => {
    await h.call("POST", `${S}/server02/system/:evacuate`);
    const refused = await h.call("POST", `${C}/c1/:remove-servers`, { server_names: ["server02"] });
    assert.equal(refused.status, 400);
    assert.equal(
      refused.json!.error,
      'Failed to remove servers [server02] from cluster "c1": Server removal failed, server "server02" still has custom volumes ([custom/data]): Operation not permitted',
    );
    await h.call("DELETE", "/local-oc/storage-volumes/c1/default/local/data");
    assert.equal((await h.call("POST", `${C}/c1/:remove-servers`, { server_names: ["server02"] })).status, 201);
  }));

test(":restore starts the stopped instance again and brings the migrated one back", () =>
  withHarness(MIXED, async (h) => {
    await h.call("POST", `${S}/server01/system/:evacuate`);
    assert.equal((await h.call("POST", `${S}/server01/system/:restore`)).status, 200);
    assert.deepEqual(await instances(h), { web1: ["server01", "Running"], db1: ["server01", "Running"], api1: ["server02", "Running"] });
    assert.equal(serverOf(await h.call("GET", `${S}/server01`)).version_data?.in_maintenance, 0);
  }));

test("an instance whose cluster.evacuate is stop stays, even on shared storage; a stopped migratable one still moves", () =>
  withHarness(
    {
      instances: [
        { name: "pinned", location: "server01", storage_pool: "remote", config: { "cluster.evacuate": "stop" } },
        { name: "idle", location: "server01", storage_pool: "remote", status: "Stopped" },
      ],
    },
    async (h) => {
      await h.call("POST", `${S}/server01/system/:evacuate`);
      const after = await instances(h);
      assert.deepEqual(after["pinned"], ["server01", "Stopped"]);
      assert.equal(after["idle"]![1], "Stopped");
      assert.notEqual(after["idle"]![0], "server01");
    },
  ));

test("an auto evacuation moves an instance whose only disk is its root disk on the local pool: Incus copies it to the target", () =>
  withHarness(
    {
      instances: [
        { name: "plain", location: "server01", devices: { eth0: { type: "nic", network: "incusbr0" }, init: { type: "disk", source: "cloud-init:config" } } },
        { name: "legacy", location: "server01", storage_pool: "local", status: "Stopped" },
        { name: "shared", location: "server01", storage_pool: "remote", devices: { data: { type: "disk", path: "/srv", pool: "remote", source: "data" } } },
      ],
    },
    async (h) => {
      await h.call("POST", `${S}/server01/system/:evacuate`);
      const after = await instances(h);
      for (const name of ["plain", "legacy", "shared"]) assert.notEqual(after[name]![0], "server01", `${name} moves`);
      assert.equal(after["plain"]![1], "Running", "started again on its new member");
      assert.equal(after["legacy"]![1], "Stopped");
      assert.equal((await h.call("POST", `${C}/c1/:remove-servers`, { server_names: ["server01"] })).status, 201, "nothing is left on the member");
    },
  ));

test("an auto evacuation stops in place an instance with a host-path disk, a passed-through device or a NIC outside a managed network", () =>
  withHarness(
    {
      instances: [
        { name: "hostpath", location: "server01", devices: { logs: { type: "disk", path: "/var/log/host", source: "/var/log" } } },
        { name: "gpu", location: "server01", devices: { gpu0: { type: "gpu" } } },
        { name: "macvlan", location: "server01", devices: { eth0: { type: "nic", nictype: "macvlan", parent: "eth0" } } },
        { name: "tpm", location: "server01", type: "virtual-machine", devices: { tpm0: { type: "tpm" } } },
      ],
    },
    async (h) => {
      await h.call("POST", `${S}/server01/system/:evacuate`);
      const after = await instances(h);
      for (const name of ["hostpath", "gpu", "macvlan"]) assert.deepEqual(after[name], ["server01", "Stopped"], name);
      assert.notEqual(after["tpm"]![0], "server01", "a TPM migrates");
      const refused = await h.call("POST", `${C}/c1/:remove-servers`, { server_names: ["server01"] });
      assert.equal(refused.status, 400);
      assert.match(refused.json!.error, /server "server01" still has instances/);
    },
  ));

/** The seed's four servers, with `changes` to one of them. */
const serversWith = (name: string, changes: Record<string, unknown>) => ({
  servers: ["server01", "server02", "server03", "server04"].map((n) => (n === name ? { name: n, ...changes } : { name: n })),
});

test(":evacuate is refused with 400 while a cluster rolling reboot runs, and accepted with ?force=true", () =>
  // The run is stepped only on demand here, so it stays in progress.
  withHarness({}, async (h) => {
    const launched = await h.call("POST", `${C}/c1/:reboot`);
    assert.equal(launched.status, 200, launched.text);
    const refused = await h.call("POST", `${S}/server01/system/:evacuate`);
    assert.equal(refused.status, 400);
    assert.equal(
      refused.json!.error,
      'Failed to evacuate server "server01": Lifecycle operation for server "server01" currently not permitted: Operation not permitted',
    );
    const restore = await h.call("POST", `${S}/server01/system/:restore`);
    assert.equal(restore.status, 400, "restore has the same check");
    assert.equal((await h.call("POST", `${S}/server01/system/:evacuate?force=true`)).status, 200);
    assert.equal(serverOf(await h.call("GET", `${S}/server01`)).version_data?.in_maintenance, 2);
  }));

test(":evacuate is refused with 400 while a cluster update runs", () =>
  withHarness({}, async (h) => {
    // A new IncusOS release reached server02's channel after the cluster was formed.
    const model = h.oc.saveSnapshot();
    model.servers.find((s) => s.name === "server02")!.needs_update = true;
    h.oc.restoreSnapshot(model);
    assert.equal((await h.call("POST", `${C}/c1/:update`, { reboot: false })).status, 200);
    const refused = await h.call("POST", `${S}/server01/system/:evacuate`);
    assert.equal(refused.status, 400);
    assert.match(refused.json!.error, /currently not permitted: Operation not permitted$/);
  }));

test(":evacuate of a server that is not an Incus server is 400; of an unreachable (offline) member 500", () =>
  withHarness(serversWith("server04", { application: "migration-manager" }), async (h) => {
    const wrongType = await h.call("POST", `${S}/server04/system/:evacuate`);
    assert.equal(wrongType.status, 400);
    assert.equal(wrongType.json!.error, 'Failed to evacuate server "server04": Server "server04" is not of type "incus": Operation not permitted');
    assert.equal((await h.call("POST", `${S}/server03/bmc/:server-power-off`)).status, 200);
    const offline = await h.call("POST", `${S}/server03/system/:evacuate`);
    assert.equal(offline.status, 500);
    assert.match(
      offline.json!.error,
      /^Failed to evacuate server "server03": Failed to evacuate server "server03" by name: Failed to update cluster member state to evacuated on "server03" \(https:\/\/[^)]+\): /,
    );
  }));

test(":evacuate of an already evacuated member is accepted and it stays evacuated", () =>
  withHarness(MIXED, async (h) => {
    await h.call("POST", `${S}/server01/system/:evacuate`);
    assert.equal((await h.call("POST", `${S}/server01/system/:evacuate`)).status, 200);
    assert.equal(serverOf(await h.call("GET", `${S}/server01`)).version_data?.in_maintenance, 2);
    assert.deepEqual((await instances(h))["db1"], ["server01", "Stopped"]);
  }));

test("a single-member cluster evacuates in mode stop: its migratable instance is stopped in place", async () => {
  const h = await startHarness({
    seed: {
      servers: [{ name: "solo01" }],
      clusters: [{ name: "solo", server_names: ["solo01"], application_seed_config: { storage_pools: [{ name: "remote", driver: "ceph" }] } }],
      instances: [{ name: "web1", location: "solo01", storage_pool: "remote" }],
    },
  });
  try {
    assert.equal((await h.call("POST", `${S}/solo01/system/:evacuate`)).status, 200);
    assert.deepEqual(await instances(h), { web1: ["solo01", "Stopped"] });
  } finally {
    await h.close();
  }
});

test("a cluster rolling reboot evacuates each member in mode auto: an instance with a local volume is stopped, then started again on restore", () =>
  withHarness(MIXED, async (h) => {
    assert.equal((await h.call("POST", `${C}/c1/:reboot`)).status, 200);
    const seen = new Set<string>();
    // Bounded: 7 steps per member and a last one that ends the run.
    for (let i = 0; i < 30 && h.oc.advanceClusterOperations() > 0; i++) {
      const now = await instances(h);
      seen.add(`db1 ${now["db1"]!.join(" ")}`);
      seen.add(`web1 ${now["web1"]!.join(" ")}`);
    }
    assert.ok(seen.has("db1 server01 Stopped"), "the instance with a local volume is stopped while its member is in maintenance");
    assert.ok(
      [...seen].some((s) => s.startsWith("web1 server0") && !s.startsWith("web1 server01")),
      "the migratable one moves away",
    );
    assert.deepEqual((await instances(h))["db1"], ["server01", "Running"]);
    assert.equal(clusterOf(await h.call("GET", `${C}/c1`)).update_status?.in_progress_status?.in_progress, "", "the run is over");
  }));
