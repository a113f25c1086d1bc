// Simulated Incus instances and custom volumes on cluster members: placed through the seed and
// the control endpoints, seen where the real servers show them (OC's inventory, the cluster's
// Incus API).
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { z } from "zod";
import { clusterPost, metadataOf, namesOf, startHarness, type Harness } from "./fixtures/local-oc/helpers.js";
import { instanceSeed, instanceSeedConfig } from "./fixtures/local-oc/instances.js";

const INVENTORY = "/1.0/inventory";

/** An inventory instance, as far as these tests read it. */
const listedInstance = z.looseObject({
  name: z.string(),
  server: z.string(),
  project_name: z.string(),
  object: z.looseObject({ status: z.string(), expanded_devices: z.record(z.string(), z.unknown()) }),
});
const withRootPool = listedInstance.extend({ object: z.looseObject({ expanded_devices: z.looseObject({ root: z.looseObject({ pool: z.string() }) }) }) });
/** Name and location, as GET /local-oc/instances and /local-oc/storage-volumes list them. */
const nameAndLocation = z.array(z.looseObject({ name: z.string(), location: z.string() }));

describe("local OC: simulated instances from the seed", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({
      seed: instanceSeed(undefined, {
        instances: [
          { name: "web1", location: "server01", storage_pool: "remote" },
          { name: "db1", location: "server01" },
          { name: "cache1", location: "server02", project: "apps", status: "Stopped" },
        ],
        storage_volumes: [{ name: "data", location: "server01" }],
      }),
    });
  });
  after(() => h.close());

  it("GET /1.0/inventory/instances lists them with their member as `server`, narrowed by ?server= and ?project=", async () => {
    const all = metadataOf(await h.call("GET", `${INVENTORY}/instances?recursion=1`), z.array(listedInstance));
    assert.deepEqual(all.map((i) => [i.name, i.server, i.project_name, i.object.status]).sort(), [
      ["cache1", "server02", "apps", "Stopped"],
      ["db1", "server01", "default", "Running"],
      ["web1", "server01", "default", "Running"],
    ]);
    const onServer01 = metadataOf(await h.call("GET", `${INVENTORY}/instances?cluster=c1&server=server01&recursion=1`), z.array(withRootPool));
    assert.deepEqual(onServer01.map((i) => [i.name, i.object.expanded_devices.root.pool]).sort(), [
      ["db1", "local"],
      ["web1", "remote"],
    ]);
    const apps = namesOf(await h.call("GET", `${INVENTORY}/instances?project=apps`));
    assert.equal(apps.length, 1);
    assert.match(apps[0]!, /^\/1\.0\/inventory\/instances\/[0-9a-f-]{36}$/);
  });

  it("GET /1.0/inventory/storage_volumes shows a custom volume on its member beside the ones OC creates", async () => {
    const volume = z.looseObject({ name: z.string(), type: z.string(), parent_name: z.string() });
    const volumes = metadataOf(await h.call("GET", `${INVENTORY}/storage_volumes?server=server01&recursion=1`), z.array(volume));
    assert.deepEqual(volumes.map((v) => `${v.type}/${v.name}@${v.parent_name}`).sort(), [
      "custom/backups@local",
      "custom/data@local",
      "custom/images@local",
      "custom/logs@local",
    ]);
  });

  it("the inventory's storage pools carry the driver that decides whether an instance can migrate", async () => {
    const pool = z.looseObject({ name: z.string(), object: z.looseObject({ driver: z.string() }) });
    const pools = metadataOf(await h.call("GET", `${INVENTORY}/storage_pools?cluster=c1&recursion=1`), z.array(pool));
    assert.deepEqual(Object.fromEntries(pools.map((p) => [p.name, p.object.driver])), { local: "zfs", remote: "ceph" });
  });

  it("a seed instance on a server that is not a cluster member is refused, naming the entry and field", async () => {
    await assert.rejects(
      startHarness({ seed: instanceSeed(undefined, { instances: [{ name: "x", location: "server04" }] }) }),
      /instances\.0\.location: server "server04" is not a member of a ready cluster/,
    );
  });
});

describe("local OC: /local-oc/instances and the cluster's Incus API", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ seed: { servers: [{ name: "server01" }, { name: "server02" }] } });
    // Created after start-up so that the cluster's Incus trusts this test's client certificate.
    const created = await h.call(
      "POST",
      "/1.0/provisioning/clusters",
      clusterPost("c1", ["server01", "server02"], { application_seed_config: instanceSeedConfig(h.cert) }),
    );
    assert.equal(created.status, 201, created.text);
  });
  after(() => h.close());

  it("POST places an instance (201, as stored), GET lists it, DELETE removes it", async () => {
    const placed = await h.call("POST", "/local-oc/instances", { name: "vm1", location: "server02", type: "virtual-machine", storage_pool: "remote" });
    assert.equal(placed.status, 201, placed.text);
    assert.equal(metadataOf(placed, z.looseObject({ cluster: z.string() })).cluster, "c1");
    const listed = metadataOf(await h.call("GET", "/local-oc/instances"), nameAndLocation);
    assert.deepEqual(
      listed.map((i) => [i.name, i.location]),
      [["vm1", "server02"]],
    );
    const incusInstance = z.looseObject({ name: z.string(), location: z.string(), type: z.string() });
    const incus = metadataOf(await h.incusCall("c1", "GET", "/1.0/instances?all-projects=true&recursion=1"), z.array(incusInstance));
    assert.deepEqual(
      incus.map((i) => [i.name, i.location, i.type]),
      [["vm1", "server02", "virtual-machine"]],
    );
    assert.equal((await h.call("DELETE", "/local-oc/instances/c1/default/vm1")).status, 200);
    assert.deepEqual((await h.call("GET", "/local-oc/instances")).json!.metadata, []);
    assert.equal((await h.call("DELETE", "/local-oc/instances/c1/default/vm1")).status, 404);
  });

  it("bad placements answer 400 naming the field: unknown member, unknown pool, bad status", async () => {
    const unknown = await h.call("POST", "/local-oc/instances", { name: "a", location: "ghost" });
    assert.equal(unknown.status, 400);
    assert.match(unknown.json!.error, /^location: no server "ghost" is registered/);
    const pool = await h.call("POST", "/local-oc/instances", { name: "a", location: "server01", storage_pool: "nvme" });
    assert.equal(pool.status, 400);
    assert.match(pool.json!.error, /^storage_pool: cluster "c1" has no pool "nvme" \(pools: local, remote;/);
    const status = await h.call("POST", "/local-oc/instances", { name: "a", location: "server01", status: "Frozen" });
    assert.equal(status.status, 400);
    assert.match(status.json!.error, /status/);
  });

  it("POST with devices: the instance carries them as its expanded devices, with a root disk on storage_pool unless one is given", async () => {
    const devices = { data: { type: "disk", path: "/srv", pool: "local", source: "data" }, eth0: { type: "nic", network: "incusbr0" } };
    assert.equal((await h.call("POST", "/local-oc/instances", { name: "d1", location: "server01", storage_pool: "remote", devices })).status, 201);
    const ownRoot = { root: { type: "disk", path: "/", pool: "local", size: "10GiB" } };
    assert.equal((await h.call("POST", "/local-oc/instances", { name: "d2", location: "server01", devices: ownRoot })).status, 201);
    const listed = metadataOf(await h.call("GET", `${INVENTORY}/instances?cluster=c1&recursion=1`), z.array(listedInstance));
    const byName = Object.fromEntries(listed.map((i) => [i.name, i.object.expanded_devices]));
    assert.deepEqual(byName["d1"], { root: { type: "disk", path: "/", pool: "remote" }, ...devices });
    assert.deepEqual(byName["d2"], ownRoot);
    await h.call("DELETE", "/local-oc/instances/c1/default/d1");
    await h.call("DELETE", "/local-oc/instances/c1/default/d2");
  });

  it("bad devices answer 400 naming the device: unknown pool, a disk with neither pool nor source, no type, two root disks", async () => {
    const place = (devices: unknown, extra: Record<string, unknown> = {}) =>
      h.call("POST", "/local-oc/instances", { name: "bad", location: "server01", devices, ...extra });
    const pool = await place({ data: { type: "disk", path: "/srv", pool: "nvme", source: "data" } });
    assert.equal(pool.status, 400);
    assert.match(pool.json!.error, /^devices\.data\.pool: cluster "c1" has no pool "nvme"/);
    const bare = await place({ data: { type: "disk", path: "/srv" } });
    assert.equal(bare.status, 400);
    assert.match(bare.json!.error, /^devices\.data: a disk needs a pool or a source/);
    const untyped = await place({ gpu0: { id: "0" } });
    assert.equal(untyped.status, 400);
    assert.match(untyped.json!.error, /devices.*gpu0.*a device needs a type/s);
    const both = await place({ root: { type: "disk", path: "/", pool: "local" } }, { storage_pool: "remote" });
    assert.equal(both.status, 400);
    assert.match(both.json!.error, /^storage_pool: the devices already have a root disk/);
    assert.deepEqual((await h.call("GET", "/local-oc/instances")).json!.metadata, []);
  });

  it("custom volumes: POST places one, a remote pool's has no member, DELETE removes it", async () => {
    assert.equal((await h.call("POST", "/local-oc/storage-volumes", { name: "shared", location: "server01", storage_pool: "remote" })).status, 201);
    const listed = metadataOf(await h.call("GET", "/local-oc/storage-volumes"), nameAndLocation);
    assert.deepEqual(
      listed.map((v) => [v.name, v.location]),
      [["shared", ""]],
    );
    assert.equal((await h.call("DELETE", "/local-oc/storage-volumes/c1/default/remote/shared")).status, 200);
  });
});

describe("local OC: instances in a state file written before devices were simulated", () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "local-oc-instances-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("an instance stored with only storage_pool loads with a root disk on that pool", async () => {
    const statePath = join(dir, "state.json");
    const first = await startHarness({ statePath, seed: instanceSeed(undefined, { instances: [{ name: "old", location: "server01" }] }) });
    await first.close();
    const doc = JSON.parse(readFileSync(statePath, "utf8"));
    delete doc.instances[0].devices;
    doc.instances[0].storage_pool = "remote";
    writeFileSync(statePath, JSON.stringify(doc));
    const h = await startHarness({ statePath });
    try {
      const listed = metadataOf(await h.call("GET", `${INVENTORY}/instances?recursion=1`), z.array(listedInstance));
      assert.deepEqual(
        listed.map((i) => [i.name, i.object.expanded_devices]),
        [["old", { root: { type: "disk", path: "/", pool: "remote" } }]],
      );
    } finally {
      await h.close();
    }
  });
});
