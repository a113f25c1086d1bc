// The storage-target and application resources against the local Operations Center: one bulk
// call to add or remove, a port change as remove plus add, a target present on some members
// repaired through the IncusOS endpoint, applications removed per member, primary apps refused.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { ObjectValue } from "../src/provider/plugin/types.js";
import { clusterApplicationResource } from "../src/provider/resources/cluster-application.js";
import { clusterIscsiTargetResource } from "../src/provider/resources/cluster-iscsi-target.js";
import { clusterMultipathTargetResource } from "../src/provider/resources/cluster-multipath-target.js";
import { clusterNvmeTargetResource } from "../src/provider/resources/cluster-nvme-target.js";
import { CLUSTER, errors, withBulk, type BulkHarness } from "./fixtures/provider/bulk.js";

const BULK = `POST /1.0/provisioning/clusters/${CLUSTER}/:bulk-update 200`;
const MEMBERS = ["server01", "server02", "server03"];

const nvme = (values: Partial<ObjectValue> = {}): ObjectValue => ({
  id: null,
  cluster: CLUSTER,
  transport: "tcp",
  address: "192.0.2.100",
  port: null,
  servers: null,
  deletion_policy: null,
  members: null,
  ...values,
});

function targetsOn(t: BulkHarness, server: string, service: string, key = "targets"): unknown[] {
  return (t.server(server).incusos.services[service]?.[key] ?? []) as unknown[];
}

test("NVMe: create is one add (port 8009 by default); a port change is one remove and one add", () =>
  withBulk(clusterNvmeTargetResource, async (t) => {
    const first = await t.converge(null, nvme());
    assert.deepEqual(errors(first.diagnostics), []);
    assert.equal(first.state!.port, 8009);
    assert.deepEqual(first.state!.members, MEMBERS);
    assert.deepEqual(await t.calls(), [`${BULK} {"action":"add_nvme_storage_target","arguments":{"transport":"tcp","address":"192.0.2.100","port":8009}}`]);

    const refreshed = (await t.refresh(first.state!))!;
    const same = await t.converge(refreshed, nvme());
    assert.deepEqual(same.plan.planned, refreshed);

    const moved = await t.converge(refreshed, nvme({ port: 4420 }));
    assert.deepEqual(moved.plan.requiresReplace, [["port"]]);
    assert.deepEqual(errors(moved.diagnostics), []);
    assert.deepEqual(await t.calls(), [
      `${BULK} {"action":"remove_nvme_storage_target","arguments":{"transport":"tcp","address":"192.0.2.100","port":8009}}`,
      `${BULK} {"action":"add_nvme_storage_target","arguments":{"transport":"tcp","address":"192.0.2.100","port":4420}}`,
    ]);
    for (const server of MEMBERS) assert.deepEqual(targetsOn(t, server, "nvme"), [{ transport: "tcp", address: "192.0.2.100", port: 4420 }]);
  }));

test("a target present on two members of three: the plan shows it, apply repairs the third through its IncusOS endpoint and logs it", () =>
  withBulk(clusterIscsiTargetResource, async (t) => {
    const target = { target: "iqn.2004-10.org.example:storage1", address: "192.0.2.50", port: 3260 };
    for (const server of ["server01", "server03"]) await t.other.incusOS.putService(server, "iscsi", { enabled: true, targets: [target] });
    await t.calls();
    const configured = {
      id: null,
      cluster: CLUSTER,
      target: target.target,
      address: target.address,
      port: null,
      servers: null,
      deletion_policy: null,
      members: null,
    };
    const step = await t.converge(null, configured);
    assert.deepEqual(errors(step.diagnostics), []);
    assert.deepEqual(await t.calls(), ["PUT /1.0/provisioning/servers/server02/os/1.0/services/iscsi 200"]);
    assert.ok(
      t.logLines.some((l) => /is on server01, server03 but not on server02; adding it on server02/.test(l)),
      t.logLines.join("\n"),
    );
    assert.deepEqual(targetsOn(t, "server02", "iscsi"), [target]);
    assert.equal(t.server("server02").incusos.services.iscsi!.enabled, true);

    // Drift: removed by hand from server03.
    await t.other.incusOS.putService("server03", "iscsi", { enabled: true, targets: [] });
    const refreshed = (await t.refresh(step.state!))!;
    assert.deepEqual(refreshed.members, ["server01", "server02"]);
    const plan = await clusterIscsiTargetResource.plan(
      {
        prior: refreshed,
        proposed: { ...configured, id: refreshed.id!, port: 3260, members: refreshed.members! },
        config: configured,
        priorPrivate: new Uint8Array(),
        capabilities: { writeOnlyAttributesAllowed: true, deferralAllowed: false },
      },
      t.context,
    );
    assert.deepEqual(plan.planned!.members, MEMBERS, "the plan shows the member that lacks it");
  }));

test("a repair that fails says which members have the target and what to do", () =>
  withBulk(clusterMultipathTargetResource, async (t) => {
    const wwn = "0x5000c500a1b2c3d4";
    await t.other.incusOS.putService("server01", "multipath", { enabled: true, wwns: [wwn] });
    t.h.oc.setFaults({ failMembers: ["server02"] });
    const step = await t.converge(null, { id: null, cluster: CLUSTER, wwn, servers: null, deletion_policy: null, members: null });
    const error = step.diagnostics.find((d) => d.severity === "error")!;
    assert.match(error.summary, /cannot repair multipath WWN 0x5000c500a1b2c3d4 on member server02/);
    assert.match(error.detail!, /It is on server01\. Fix server02 and run terraform apply again, or remove the item from server01 by hand/);
    assert.equal(step.state, null);
  }));

test("applications: one add_application; destroy removes it from each member; a primary application is a plan error", () =>
  withBulk(clusterApplicationResource, async (t) => {
    const configured = { id: null, cluster: CLUSTER, name: "debug", servers: null, deletion_policy: null, members: null };
    const step = await t.converge(null, configured);
    assert.deepEqual(errors(step.diagnostics), []);
    assert.deepEqual(await t.calls(), [`${BULK} {"action":"add_application","arguments":{"name":"debug"}}`]);
    for (const server of MEMBERS) assert.ok(t.server(server).incusos.applications.some((a) => a.name === "debug"));

    const destroyed = await t.converge(step.state, null);
    assert.deepEqual(errors(destroyed.diagnostics), []);
    assert.match(
      destroyed.diagnostics.find((d) => d.severity === "warning")!.summary,
      /application "debug" will be removed from every member of cluster "alpha"/,
    );
    assert.deepEqual(
      await t.calls(),
      MEMBERS.map((s) => `POST /1.0/provisioning/servers/${s}/os/1.0/applications/debug/:remove 200`),
    );
    for (const server of MEMBERS) assert.ok(!t.server(server).incusos.applications.some((a) => a.name === "debug"));

    const primary = await t.converge(null, { ...configured, name: "incus" });
    assert.match(errors(primary.diagnostics).join("\n"), /"incus" is a primary application/);
    assert.deepEqual(primary.diagnostics[0]!.path, ["name"]);
    assert.deepEqual(await t.calls(), []);
  }));

test("a partial add_application (no rollback) converges on the next apply, installing on the members that lack it", () =>
  withBulk(clusterApplicationResource, async (t) => {
    t.h.oc.setFaults({ failMembers: ["server02"] });
    const configured = { id: null, cluster: CLUSTER, name: "gpu-support", servers: null, deletion_policy: null, members: null };
    const failed = await t.converge(null, configured);
    const error = failed.diagnostics.find((d) => d.severity === "error")!;
    assert.match(error.summary, /failed on member server02/);
    assert.match(error.detail!, /does not revert add_application/);
    t.h.oc.setFaults({});
    await t.calls();
    const step = await t.converge(null, configured);
    assert.deepEqual(errors(step.diagnostics), []);
    assert.deepEqual(await t.calls(), [
      "POST /1.0/provisioning/servers/server02/os/1.0/applications 200",
      "POST /1.0/provisioning/servers/server03/os/1.0/applications 200",
    ]);
  }));

test("import: a target by CLUSTER/TRANSPORT/ADDRESS/PORT, refused with the id format when malformed or absent", () =>
  withBulk(clusterNvmeTargetResource, async (t) => {
    await t.converge(null, nvme({ port: 4420 }));
    const imported = await clusterNvmeTargetResource.import!("alpha/tcp/192.0.2.100/4420", t.context);
    assert.deepEqual(imported.state, {
      id: "alpha/tcp/192.0.2.100/4420",
      cluster: CLUSTER,
      transport: "tcp",
      address: "192.0.2.100",
      port: 4420,
      servers: null,
      deletion_policy: null,
      members: MEMBERS,
    });
    await assert.rejects(
      clusterNvmeTargetResource.import!("alpha/udp/192.0.2.100/4420", t.context),
      /the transport "udp" is not tcp or fc; the id must be CLUSTER\/TRANSPORT\/ADDRESS\/PORT/,
    );
    await assert.rejects(
      clusterNvmeTargetResource.import!("alpha/tcp/192.0.2.100/9999", t.context),
      /no member of cluster "alpha" has NVMe target tcp 192\.0\.2\.100:9999/,
    );
    const app = await clusterApplicationResource.import!("alpha/incus", t.context).catch((error: Error) => error);
    assert.match(String(app), /"incus" is not a non-primary application/);
  }));

test("an application goes on a declared server that is not a member yet, then Operations Center re-polls the servers whose stored application list lacks it (:resync), so the join check passes", () =>
  withBulk(clusterApplicationResource, async (t) => {
    const servers = [...MEMBERS, "server04"];
    const step = await t.converge(null, { id: null, cluster: CLUSTER, name: "incus-ceph", servers, members: null });
    assert.deepEqual(errors(step.diagnostics), []);
    assert.deepEqual(await t.calls(), [
      `${BULK} {"action":"add_application","arguments":{"name":"incus-ceph"}}`,
      "POST /1.0/provisioning/servers/server04/os/1.0/applications 200",
      ...["server01", "server02", "server03", "server04"].map((name) => `POST /1.0/provisioning/servers/${name}/:resync 200`),
    ]);
    assert.deepEqual(step.state!.members, [...MEMBERS, "server04"], "server04 has it and is about to join: the next refresh finds no difference");
    assert.ok(
      t.logLines.some((l) => /server server04 is about to join; adding application "incus-ceph" on it/.test(l)),
      t.logLines.join("\n"),
    );
    await t.other.addClusterServers(CLUSTER, { server_names: ["server04"], copy_services_config: true });
    const refreshed = (await t.refresh(step.state!))!;
    assert.deepEqual(refreshed.members, servers);
  }));
