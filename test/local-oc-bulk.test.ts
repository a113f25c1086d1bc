// The local Operations Center over raw HTTPS: :bulk-update (all eleven actions, pre-checks,
// rollback with --fail-member) and the os/ proxy.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { z } from "zod";
import { clusterPost, metadataOf, namesOf, osObjectOf, startHarness, type Harness } from "./fixtures/local-oc/helpers.js";

const C = "/1.0/provisioning/clusters";
const S = "/1.0/provisioning/servers";

describe("local OC: bulk update", () => {
  let h: Harness;
  const bulk = (action: string, args: unknown, cluster = "c") =>
    h.call("POST", `${C}/${cluster}/:bulk-update`, args === undefined ? { action } : { action, arguments: args });
  const server = (name: string) => h.oc.snapshot().servers.find((s) => s.name === name)!;
  const vlans = (name: string) => server(name).incusos.network.interfaces![0]!.vlan_tags;

  before(async () => {
    h = await startHarness({ servers: 4 });
    const r = await h.call("POST", C, clusterPost("c", ["server01", "server02", "server03"]));
    assert.equal(r.status, 201);
    await h.call("POST", C, clusterPost("lonely", ["server04"]));
  });
  after(() => h.close());

  it("rejects unknown actions and malformed or missing arguments with 400", async () => {
    const unknown = await bulk("explode", {});
    assert.equal(unknown.status, 400);
    assert.equal(unknown.json!.error, 'Bad Request: Invalid action "explode"');
    assert.equal((await bulk("", {})).json!.error, 'Bad Request: Invalid action ""');
    const missing = await bulk("add_application", undefined);
    assert.equal(missing.status, 400);
    assert.equal(missing.json!.error, 'Bad Request: Missing arguments for action "add_application"');
    const wrongType = await bulk("add_network_interface_vlan_tags", { interface_name: "eth0", vlan_tags: "100" });
    assert.equal(wrongType.status, 400);
    assert.match(wrongType.json!.error, /^Bad Request: json: cannot unmarshal string into Go struct field .*vlan_tags of type \[\]int$/);
    const nf = await bulk("add_application", { name: "debug" }, "ghost");
    assert.equal(nf.status, 404);
    assert.equal(
      nf.json!.error,
      'Failed to bulk update cluster "ghost": Add application to cluster members for "ghost" failed: Failed to get cluster "ghost": Failed to get cluster "ghost" by name: Not found',
    );
  });

  it("VLAN tags: added in order, duplicates and absent tags are no-ops, interface checked on all members", async () => {
    assert.equal((await bulk("add_network_interface_vlan_tags", { interface_name: "eth0", vlan_tags: [100, 200] })).status, 200);
    assert.equal((await bulk("add_network_interface_vlan_tags", { interface_name: "eth0", vlan_tags: [200, 300] })).status, 200);
    for (const s of ["server01", "server02", "server03"]) assert.deepEqual(vlans(s), [100, 200, 300]);
    assert.equal((await bulk("remove_network_interface_vlan_tags", { interface_name: "eth0", vlan_tags: [200, 999] })).status, 200);
    assert.deepEqual(vlans("server02"), [100, 300]);
    const missing = await bulk("add_network_interface_vlan_tags", { interface_name: "bond9", vlan_tags: [1] });
    assert.equal(missing.status, 400);
    assert.equal(
      missing.json!.error,
      'Failed to bulk update cluster "c": Add VLAN tags to interface "bond9" on cluster members for "c" failed: Server "server01" (https://192.0.2.11:8443) does not have interface or bond "bond9"',
    );
  });

  it("reverts the members already changed when a later member fails", async () => {
    // A tag of its own, removed at the end: it neither relies on nor disturbs the VLAN test's tags.
    assert.equal((await bulk("add_network_interface_vlan_tags", { interface_name: "eth0", vlan_tags: [500] })).status, 200);
    const members = ["server01", "server02", "server03"];
    const before = members.map((s) => structuredClone(vlans(s)));
    assert.ok(before.every((tags) => tags?.includes(500)));
    h.oc.setFaults({ failMembers: ["server02"] });
    try {
      const r = await bulk("add_network_interface_vlan_tags", { interface_name: "eth0", vlan_tags: [400] });
      assert.equal(r.status, 500);
      assert.equal(
        r.json!.error,
        'Failed to bulk update cluster "c": Add VLAN tags to interface "eth0" on cluster members for "c" failed: Failed to update network configuration for server "server02" (https://192.0.2.12:8443): Put OS network data to "server02" (https://192.0.2.12:8443) failed: Apply of the network configuration failed: injected fault (local-oc --fail-member server02)',
      );
      assert.deepEqual(
        members.map((s) => vlans(s)),
        before,
        "every member has the tags it had before",
      );
      const log = h.oc.snapshot();
      assert.ok(log);

      const kernelBefore = server("server01").incusos.kernel;
      const k = await bulk("update_system_kernel", { config: { blacklist_modules: ["nouveau"] } });
      assert.equal(k.status, 500);
      assert.deepEqual(server("server01").incusos.kernel, kernelBefore, "server01 reverted");

      // add_application has no revert: server01 keeps the application.
      const app = await bulk("add_application", { name: "debug" });
      assert.equal(app.status, 500);
      assert.match(app.json!.error, /Failed to add application on server "server02"/);
      assert.ok(server("server01").incusos.applications.some((a) => a.name === "debug"));
      assert.ok(!server("server03").incusos.applications.some((a) => a.name === "debug"));
    } finally {
      h.oc.setFaults({});
    }
    // Re-adding now fails on server01 with IncusOS' 409, surfaced as 500.
    const again = await bulk("add_application", { name: "debug" });
    assert.equal(again.status, 500);
    assert.equal(
      again.json!.error,
      'Failed to bulk update cluster "c": Add application to cluster members for "c" failed: Failed to add application on server "server01" (https://192.0.2.11:8443): application \'debug\' is already installed',
    );
    assert.equal((await bulk("remove_network_interface_vlan_tags", { interface_name: "eth0", vlan_tags: [500] })).status, 200);
  });

  it("kernel and logging are full replacements on every member", async () => {
    assert.equal((await bulk("update_system_kernel", { config: { blacklist_modules: ["nouveau"], network: { buffer_size: 1 } } })).status, 200);
    assert.equal((await bulk("update_system_kernel", { config: { blacklist_modules: ["radeon"] } })).status, 200);
    const k = await h.call("GET", `${S}/server03/os/1.0/system/kernel`);
    assert.deepEqual(osObjectOf(k).config, { blacklist_modules: ["radeon"], memory: { persistent_hugepages: 0, zram_swap_size: "" } });
    assert.equal((await bulk("update_system_logging", { config: { syslog: { address: "192.0.2.9:514", protocol: "tcp" } } })).status, 200);
    const l = await h.call("GET", `${S}/server01/os/1.0/system/logging`);
    assert.deepEqual(osObjectOf(l).config, { syslog: { address: "192.0.2.9:514", protocol: "tcp", log_format: "" } });
  });

  it("storage targets: prechecked on all members, enabled forced, reverted on failure", async () => {
    const target = { target: "iqn.2026-01.test:t1", address: "192.0.2.30", port: 3260 };
    assert.equal((await bulk("add_iscsi_storage_target", target)).status, 200);
    const dup = await bulk("add_iscsi_storage_target", target);
    assert.equal(dup.status, 400);
    assert.equal(
      dup.json!.error,
      'Failed to bulk update cluster "c": Add iscsi storage target to cluster members for "c" failed: Service iscsi target "iqn.2026-01.test:t1" (192.0.2.30:3260) already defined on server "server01" (https://192.0.2.11:8443): Operation not permitted',
    );
    const otherPort = await bulk("add_iscsi_storage_target", { ...target, port: 3261 });
    assert.equal(otherPort.status, 200, "same IQN, other port: another target");
    assert.equal((await bulk("remove_iscsi_storage_target", { ...target, port: 3261 })).status, 200);
    const absent = await bulk("remove_iscsi_storage_target", { ...target, port: 1 });
    assert.equal(absent.status, 400);
    assert.match(absent.json!.error, /does not exist on server "server01" \(https:\/\/192\.0\.2\.11:8443\): Operation not permitted$/);

    assert.equal((await bulk("add_multipath_storage_target", { wwn: "0x5abc" })).status, 200);
    assert.match(
      (await bulk("add_multipath_storage_target", { wwn: "0x5abc" })).json!.error,
      /Service multipath target "0x5abc" already defined on server "server01"/,
    );
    assert.equal((await bulk("remove_multipath_storage_target", { wwn: "0x5abc" })).status, 200);
    assert.match(
      (await bulk("remove_multipath_storage_target", { wwn: "0x5abc" })).json!.error,
      /Service multipath target "0x5abc" does not exist on server "server01"/,
    );
    const mp = await h.call("GET", `${S}/server02/os/1.0/services/multipath`);
    assert.deepEqual(osObjectOf(mp).config, { enabled: true, wwns: [] }, "removing the last target leaves the service enabled");

    const nvme = { transport: "tcp", address: "192.0.2.40", port: 8009 };
    assert.equal((await bulk("add_nvme_storage_target", nvme)).status, 200);
    assert.match((await bulk("add_nvme_storage_target", nvme)).json!.error, /Service nvme transport "tcp" \(192\.0\.2\.40:8009\) already defined/);

    // A failing member in the middle of a remove: server01 is reverted (with the list Go's
    // in-place DeleteFunc leaves behind), server03 is never touched.
    h.oc.setFaults({ failMembers: ["server02"] });
    try {
      const r = await bulk("remove_nvme_storage_target", nvme);
      assert.equal(r.status, 500);
      assert.match(r.json!.error, /Failed to update nvme service config on server "server02"/);
    } finally {
      h.oc.setFaults({});
    }
    assert.deepEqual(server("server01").incusos.services["nvme"]!["targets"], [{ transport: "", address: "", port: 0 }]);
    assert.deepEqual(server("server03").incusos.services["nvme"]!["targets"], [nvme]);
  });

  it("prepareBulkUpdate: the cluster must be ready and every member ready and not in maintenance", async () => {
    await h.call("POST", `${S}/server03/system/:evacuate`);
    const r = await bulk("add_application", { name: "gpu-support" });
    assert.equal(r.status, 400);
    assert.equal(
      r.json!.error,
      'Failed to bulk update cluster "c": Add application to cluster members for "c" failed: Server "server03" (https://192.0.2.13:8443) is not ready (status: "ready", status detail: "", maintenance: "evacuated"): Operation not permitted',
    );
    await h.call("POST", `${S}/server03/system/:restore`);
  });
});

describe("local OC: the os/ proxy to IncusOS", () => {
  let h: Harness;
  const os = (method: string, path: string, body?: unknown) => h.call(method, `${S}/server01/os${path}`, body);
  before(async () => {
    h = await startHarness({ servers: 1 });
  });
  after(() => h.close());

  it("services: GET/PUT, ceph and linstor only with their applications, unknown 404", async () => {
    assert.ok(!namesOf(await os("GET", "/1.0/services")).includes("/1.0/services/ceph"));
    const ceph = await os("GET", "/1.0/services/ceph");
    assert.equal(ceph.status, 404);
    assert.equal(ceph.json!.error_code, 404);
    assert.equal((await os("GET", "/1.0/services/bogus")).status, 404);
    const put = await os("PUT", "/1.0/services/iscsi", { config: { enabled: true, targets: [], unknown: 1 } });
    assert.equal(put.status, 200);
    assert.deepEqual(osObjectOf(await os("GET", "/1.0/services/iscsi")).config, { enabled: true, targets: [] });
    assert.equal((await os("POST", "/1.0/applications", { name: "incus-ceph" })).status, 200);
    assert.equal((await os("GET", "/1.0/services/ceph")).status, 200);
    assert.equal((await os("POST", "/1.0/applications/incus-ceph/:remove")).status, 200);
    assert.equal((await os("GET", "/1.0/services/ceph")).status, 404);
  });

  it("applications: list, install (400 unknown, 409 installed), remove (404 absent, 500 primary)", async () => {
    assert.deepEqual((await os("GET", "/1.0/applications")).json!.metadata, ["/1.0/applications/incus"]);
    const unknown = await os("POST", "/1.0/applications", { name: "nope" });
    assert.equal(unknown.status, 400);
    assert.equal(unknown.json!.error, "unknown application 'nope'");
    assert.equal((await os("POST", "/1.0/applications", { name: "debug" })).status, 200);
    assert.equal((await os("POST", "/1.0/applications", { name: "debug" })).status, 409);
    assert.equal((await os("POST", "/1.0/applications/gpu-support/:remove")).status, 404);
    const primary = await os("POST", "/1.0/applications/incus/:remove");
    assert.equal(primary.status, 500);
    assert.equal(primary.json!.error, "cannot remove a primary application");
    assert.equal((await os("POST", "/1.0/applications/debug/:remove")).status, 200);
  });

  it("kernel and logging: GET/PUT; a failing member's write is a 500", async () => {
    assert.equal((await os("PUT", "/1.0/system/logging", { config: { syslog: { address: "192.0.2.1" } } })).status, 200);
    const logging = z.looseObject({ config: z.looseObject({ syslog: z.looseObject({ address: z.string() }) }) });
    assert.equal(metadataOf(await os("GET", "/1.0/system/logging"), logging).config.syslog.address, "192.0.2.1");
    h.oc.setFaults({ failMembers: ["server01"] });
    const failed = await os("PUT", "/1.0/system/kernel", { config: {} });
    h.oc.setFaults({});
    assert.equal(failed.status, 500);
    assert.equal((await os("GET", "/1.0/system/kernel")).status, 200);
    assert.equal((await h.call("GET", `${S}/ghost/os/1.0/services`)).status, 404);
    assert.equal((await os("GET", "/1.0/nothing")).status, 404);
  });
});

describe("local OC: an offline server", () => {
  it("fails the create's connection test (pending left) and the os/ proxy with 500", async () => {
    const h = await startHarness({ seed: { servers: [{ name: "up" }, { name: "down", status: "offline" }] } });
    try {
      const ready = await h.call("POST", C, clusterPost("x", ["down"]));
      assert.equal(ready.status, 400, "an offline server is not ready");
      const os = await h.call("GET", `${S}/down/os/1.0/services`);
      assert.equal(os.status, 500);
      assert.equal(os.json!.error, 'Get "https://192.0.2.12:8443/os/1.0/services": dial tcp 192.0.2.12:8443: connect: no route to host');
    } finally {
      await h.close();
    }
  });
});
