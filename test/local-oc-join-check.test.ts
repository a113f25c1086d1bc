// The consistency check of :add-servers as OC 41a98e0 makes it: stored application lists,
// interface and bond names with their VLAN lists read live and compared in order, the storage
// config, and ceph/linstor without their applications (the expected upstream fix by default,
// 41a98e0's 500 with `unsupportedServiceConfig: "error"`).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { LocalOperationsCenterOptions, SeedDocument } from "../src/local-oc/index.js";
import { namesOf, networkOf, serverOf, startHarness, type Harness } from "./fixtures/local-oc/helpers.js";

const S = "/1.0/provisioning/servers";
const C = "/1.0/provisioning/clusters";

type SeedServer = NonNullable<SeedDocument["servers"]>[number];

function eth0(n: number, vlan_tags: number[]): NonNullable<SeedServer["interfaces"]> {
  return [{ name: "eth0", roles: ["management", "cluster"], addresses: [`192.0.2.${10 + n}/24`], vlan_tags }];
}

/** Members s1 and s2 in cluster "c", s3 free to join. */
async function withJoiner(
  servers: [SeedServer, SeedServer, SeedServer],
  options: LocalOperationsCenterOptions,
  fn: (h: Harness) => Promise<void>,
): Promise<void> {
  const h = await startHarness({ seed: { servers, clusters: [{ name: "c", server_names: ["s1", "s2"] }] }, selfUpdatePollDelayMs: 3_600_000_000, ...options });
  try {
    await fn(h);
  } finally {
    await h.close();
  }
}

const join = (h: Harness, body: Record<string, unknown> = {}) => h.call("POST", `${C}/c/:add-servers`, { server_names: ["s3"], ...body });
const REFUSED = 'Failed adding servers [s3] to cluster "c": Failed to add servers (s3) due to configuration inconsistencies: ';

describe("local OC: the :add-servers join check", () => {
  it("compares VLAN lists in order: members [300], a joining server with [100, 300] is refused", async () => {
    await withJoiner(
      [
        { name: "s1", interfaces: eth0(1, [300]) },
        { name: "s2", interfaces: eth0(2, [300]) },
        { name: "s3", interfaces: eth0(3, [100, 300]) },
      ],
      {},
      async (h) => {
        const r = await join(h);
        assert.equal(r.status, 400);
        assert.equal(
          r.json!.error,
          `${REFUSED}Network interface and bond names and vlans configuration mismatch, found map[eth0:[300]] (s1) and map[eth0:[100 300]] (s3): Operation not permitted`,
        );

        // OC appends a new tag: the members hold [300 100], and so must the joining server.
        const bulk = await h.call("POST", `${C}/c/:bulk-update`, {
          action: "add_network_interface_vlan_tags",
          arguments: { interface_name: "eth0", vlan_tags: [100] },
        });
        assert.equal(bulk.status, 200, bulk.text);
        const sorted = await join(h);
        assert.equal(
          sorted.json!.error,
          `${REFUSED}Network interface and bond names and vlans configuration mismatch, found map[eth0:[300 100]] (s1) and map[eth0:[100 300]] (s3): Operation not permitted`,
        );

        const live = networkOf(await h.call("GET", `${S}/s3/os/1.0/system/network`));
        live.config!.interfaces![0]!.vlan_tags = [300, 100];
        assert.equal((await h.call("PUT", `${S}/s3/os/1.0/system/network`, live)).status, 200);
        const joined = await join(h);
        assert.equal(joined.status, 201, joined.text);
      },
    );
  });

  it("compares bonds with interfaces, in one name space", async () => {
    const bond = (vlan_tags: number[]) => [{ name: "bond0", members: ["eth1", "eth2"], vlan_tags }];
    await withJoiner(
      [
        { name: "s1", interfaces: eth0(1, []), bonds: bond([10]) },
        { name: "s2", interfaces: eth0(2, []), bonds: bond([10]) },
        { name: "s3", interfaces: eth0(3, []), bonds: bond([]) },
      ],
      {},
      async (h) => {
        const r = await join(h);
        assert.equal(r.status, 400);
        assert.equal(
          r.json!.error,
          `${REFUSED}Network interface and bond names and vlans configuration mismatch, found map[bond0:[10] eth0:[]] (s1) and map[bond0:[] eth0:[]] (s3): Operation not permitted`,
        );
      },
    );
  });

  it("compares the stored application lists: an application installed through the proxy counts after :resync", async () => {
    const apps = ["incus", "incus-ceph"];
    await withJoiner([{ name: "s1", applications: apps }, { name: "s2", applications: apps }, { name: "s3" }], {}, async (h) => {
      assert.equal((await h.call("POST", `${S}/s3/os/1.0/applications`, { name: "incus-ceph" })).status, 200);
      const r = await join(h);
      assert.equal(r.status, 400);
      assert.equal(
        r.json!.error,
        `${REFUSED}Application list mismatch, found map[incus:6.0.1 incus-ceph:202608200115] (s1) and map[incus:6.0.1] (s3): Operation not permitted`,
      );
      assert.equal((await h.call("POST", `${S}/s3/:resync`)).status, 200);
      const joined = await join(h);
      assert.equal(joined.status, 201, joined.text);
    });
  });

  it("compares the storage config", async () => {
    await withJoiner([{ name: "s1" }, { name: "s2" }, { name: "s3" }], {}, async (h) => {
      assert.equal((await h.call("PUT", `${S}/s3/system/storage`, { config: { scrub_schedule: "0 5 * * 0" } })).status, 200);
      assert.equal((await h.call("POST", `${S}/s3/:resync`)).status, 200, "ready again after the storage change");
      const r = await join(h);
      assert.equal(r.status, 400);
      assert.equal(r.json!.error, `${REFUSED}Storage pool configuration mismatch, found {0 4 * * 0 []} (s1) and {0 5 * * 0 []} (s3): Operation not permitted`);
    });
  });
});

describe("local OC: ceph and linstor without their applications", () => {
  const plain: [SeedServer, SeedServer, SeedServer] = [{ name: "s1" }, { name: "s2" }, { name: "s3" }];

  it("IncusOS answers 404 for the service without the application, through the proxy", async () => {
    await withJoiner(plain, {}, async (h) => {
      const ceph = await h.call("GET", `${S}/s3/os/1.0/services/ceph`);
      assert.equal(ceph.status, 404);
      assert.equal(ceph.json!.error, "not found");
      assert.equal((await h.call("GET", `${S}/s3/os/1.0/services/linstor`)).status, 404);
      assert.ok(!namesOf(await h.call("GET", `${S}/s3/os/1.0/services`)).includes("/1.0/services/ceph"));
      assert.equal((await h.call("POST", `${S}/s3/os/1.0/applications`, { name: "incus-ceph" })).status, 200);
      assert.equal((await h.call("GET", `${S}/s3/os/1.0/services/ceph`)).status, 200);
    });
  });

  it("by default counts as its empty config, as the expected upstream fix does: the join and the services copy succeed", async () => {
    await withJoiner(plain, {}, async (h) => {
      const r = await join(h, { copy_services_config: true });
      assert.equal(r.status, 201, r.text);
    });
  });

  it('with unsupportedServiceConfig "error" the join check fails with 500 as OC 41a98e0 does', async () => {
    await withJoiner(plain, { unsupportedServiceConfig: "error" }, async (h) => {
      const r = await join(h);
      assert.equal(r.status, 500);
      assert.equal(
        r.json!.error,
        'Failed adding servers [s3] to cluster "c": Failed to check cluster consistency for "c" including the additional servers (s3): Failed to get Ceph service configuration for server "s1": Get OS service "ceph" on "s1" (https://192.0.2.11:8443) failed: not found',
      );
    });
  });

  it('with unsupportedServiceConfig "error" the services copy fails with 500 as OC 41a98e0 does', async () => {
    await withJoiner(plain, { unsupportedServiceConfig: "error" }, async (h) => {
      const r = await join(h, { copy_services_config: true });
      assert.equal(r.status, 500);
      assert.equal(
        r.json!.error,
        'Failed adding servers [s3] to cluster "c": Failed to get ceph service config from cluster member "s1" (https://192.0.2.11:8443): Get OS service "ceph" on "s1" (https://192.0.2.11:8443) failed: not found',
      );
      assert.equal(serverOf(await h.call("GET", `${S}/s3`)).cluster, "", "nothing joined");
    });
  });
});
