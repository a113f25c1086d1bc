// operationscenter_cluster_vlan_tags against the local Operations Center: the fewest bulk calls,
// foreign tags left alone, drift on one member, a failing member, destroy and import.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { ObjectValue } from "../src/provider/plugin/types.js";
import { clusterVlanTagsResource as resource } from "../src/provider/resources/cluster-vlan-tags.js";
import { CLUSTER, errors, withBulk, type BulkHarness } from "./fixtures/provider/bulk.js";

const BULK = `POST /1.0/provisioning/clusters/${CLUSTER}/:bulk-update 200`;

function config(values: Partial<ObjectValue> = {}): ObjectValue {
  return { id: null, cluster: CLUSTER, interface_name: "eth0", vlan_tags: [100, 200], servers: null, deletion_policy: null, vlan_tags_all: null, ...values };
}

/** The tags IncusOS runs on the device, in its order (Operations Center's join check compares the order). */
function tagsOn(t: BulkHarness, server: string, device = "eth0"): number[] {
  const network = t.server(server).incusos.network;
  const found = [...(network.interfaces ?? []), ...(network.bonds ?? [])].find((d) => d.name === device);
  return [...(found?.vlan_tags ?? [])];
}

async function created(t: BulkHarness, values: Partial<ObjectValue> = {}) {
  const step = await t.converge(null, config(values));
  assert.deepEqual(errors(step.diagnostics), []);
  await t.calls();
  return step;
}

test("create adds the tags with one call; unchanged tags make no call", () =>
  withBulk(resource, async (t) => {
    const step = await t.converge(null, config());
    assert.deepEqual(errors(step.diagnostics), []);
    assert.deepEqual(await t.calls(), [`${BULK} {"action":"add_network_interface_vlan_tags","arguments":{"interface_name":"eth0","vlan_tags":[100,200]}}`]);
    for (const server of ["server01", "server02", "server03"]) assert.deepEqual(tagsOn(t, server), [100, 200]);
    assert.equal(step.state!.id, "alpha/eth0");
    assert.deepEqual(step.state!.vlan_tags_all, { server01: [100, 200], server02: [100, 200], server03: [100, 200] });

    const refreshed = (await t.refresh(step.state!, step.private))!;
    assert.deepEqual(refreshed, step.state);
    const again = await t.converge(refreshed, config(), step.private);
    assert.deepEqual(again.plan.planned, refreshed);
    assert.deepEqual(await t.calls(), []);
  }));

test("adding 300 where 100 and 200 exist is one add of [300]; dropping 200 is one remove of [200]", () =>
  withBulk(resource, async (t) => {
    const first = await created(t);
    const added = await t.converge(first.state, config({ vlan_tags: [100, 200, 300] }), first.private);
    assert.deepEqual(
      added.plan.planned!.vlan_tags_all,
      { server01: [100, 200, 300], server02: [100, 200, 300], server03: [100, 200, 300] },
      "the plan shows each member's tags",
    );
    assert.deepEqual(added.state!.vlan_tags_all, added.plan.planned!.vlan_tags_all);
    assert.deepEqual(await t.calls(), [`${BULK} {"action":"add_network_interface_vlan_tags","arguments":{"interface_name":"eth0","vlan_tags":[300]}}`]);
    const dropped = await t.converge(added.state, config({ vlan_tags: [100, 300] }), added.private);
    assert.deepEqual(errors(dropped.diagnostics), []);
    assert.deepEqual(await t.calls(), [`${BULK} {"action":"remove_network_interface_vlan_tags","arguments":{"interface_name":"eth0","vlan_tags":[200]}}`]);
    assert.deepEqual(tagsOn(t, "server02"), [100, 300]);
  }));

test("a tag added by hand survives and shows in vlan_tags_all; one removed by hand from a member is planned and restored with one call", () =>
  withBulk(resource, async (t) => {
    const first = await created(t);
    await t.other.bulkUpdateCluster(CLUSTER, "add_network_interface_vlan_tags", { interface_name: "eth0", vlan_tags: [999] });
    const network = await t.other.getServerNetwork("server02");
    const eth0 = network.config!.interfaces!.find((d) => d.name === "eth0")!;
    eth0.vlan_tags = [999, 200];
    await t.other.request("PUT", "/1.0/provisioning/servers/server02/os/1.0/system/network", { body: network });
    await t.calls();

    const refreshed = (await t.refresh(first.state!, first.private))!;
    assert.deepEqual(refreshed.vlan_tags, [200], "100 is missing on server02");
    assert.deepEqual((refreshed.vlan_tags_all as Record<string, number[]>).server02, [200, 999]);
    assert.deepEqual((refreshed.vlan_tags_all as Record<string, number[]>).server01, [100, 200, 999]);
    const step = await t.converge(refreshed, config(), first.private);
    assert.deepEqual(errors(step.diagnostics), []);
    assert.deepEqual(await t.calls(), [`${BULK} {"action":"add_network_interface_vlan_tags","arguments":{"interface_name":"eth0","vlan_tags":[100]}}`]);
    for (const server of ["server01", "server03"]) assert.deepEqual(tagsOn(t, server), [100, 200, 999]);
    assert.deepEqual(tagsOn(t, "server02"), [999, 200, 100], "appended after the member's own tags");

    const destroyed = await t.converge(step.state, null, step.private);
    assert.deepEqual(errors(destroyed.diagnostics), []);
    assert.equal(destroyed.state, null);
    assert.deepEqual(await t.calls(), [`${BULK} {"action":"remove_network_interface_vlan_tags","arguments":{"interface_name":"eth0","vlan_tags":[100,200]}}`]);
    assert.deepEqual(tagsOn(t, "server03"), [999], "the foreign tag stays");
  }));

test("a failing member: the diagnostic names it, says the members were reverted; the next apply converges", () =>
  withBulk(resource, async (t) => {
    const first = await created(t);
    t.h.oc.setFaults({ failMembers: ["server02"] });
    const failed = await t.converge(first.state, config({ vlan_tags: [100, 200, 300] }), first.private);
    const error = failed.diagnostics.find((d) => d.severity === "error")!;
    assert.match(error.summary, /adding VLAN tags 300 to "eth0" failed on member server02/);
    assert.match(error.detail!, /injected fault/);
    assert.match(error.detail!, /reverted the members already changed/);
    assert.deepEqual(failed.state, first.state);
    for (const server of ["server01", "server02", "server03"]) assert.deepEqual(tagsOn(t, server), [100, 200]);

    t.h.oc.setFaults({});
    await t.calls();
    const refreshed = (await t.refresh(failed.state!, failed.private))!;
    const converged = await t.converge(refreshed, config({ vlan_tags: [100, 200, 300] }), failed.private);
    assert.deepEqual(errors(converged.diagnostics), []);
    assert.deepEqual(await t.calls(), [`${BULK} {"action":"add_network_interface_vlan_tags","arguments":{"interface_name":"eth0","vlan_tags":[300]}}`]);
  }));

test("a bond works like an interface; a bad tag, interface or a missing cluster is a plan error naming the attribute", () =>
  withBulk(resource, async (t) => {
    const bond = await t.converge(null, config({ interface_name: "bond0", vlan_tags: [42] }));
    assert.deepEqual(errors(bond.diagnostics), []);
    assert.deepEqual(tagsOn(t, "server01", "bond0"), [42]);

    const bad = await t.converge(null, config({ vlan_tags: [5000], interface_name: "_eth0" }));
    const paths = bad.diagnostics.map((d) => d.path?.[0]);
    assert.ok(paths.includes("vlan_tags") && paths.includes("interface_name"), JSON.stringify(bad.diagnostics));
    assert.match(errors(bad.diagnostics).join("\n"), /5000/);

    const missing = await t.converge(null, config({ cluster: "nope" }));
    assert.match(errors(missing.diagnostics).join("\n"), /Cluster "nope" does not exist/);
  }));

test("import adopts the tags every member has", () =>
  withBulk(resource, async (t) => {
    await created(t, { vlan_tags: [7, 8] });
    const imported = await resource.import!("alpha/eth0", t.context);
    assert.deepEqual(imported.state.vlan_tags, [7, 8]);
    const read = (await t.refresh(imported.state, imported.private))!;
    assert.deepEqual(read.vlan_tags, [7, 8]);
  }));

test("a declared server that is not a member yet gets the tags through its network endpoint, so Operations Center lets it join", () =>
  withBulk(resource, async (t) => {
    const withoutTags = await t.converge(null, config());
    assert.deepEqual(errors(withoutTags.diagnostics), []);
    await assert.rejects(t.other.addClusterServers(CLUSTER, { server_names: ["server04"], copy_services_config: true }), /vlans configuration mismatch/);
    await t.calls();

    const servers = ["server01", "server02", "server03", "server04"];
    const step = await t.converge(withoutTags.state, config({ servers }), withoutTags.private);
    assert.deepEqual(errors(step.diagnostics), []);
    assert.deepEqual(await t.calls(), ["PUT /1.0/provisioning/servers/server04/system/network 200", "POST /1.0/provisioning/servers/server04/:resync 200"]);
    assert.ok(
      t.logLines.some((l) => /server server04 is about to join; setting VLAN tags 100, 200 on "eth0"/.test(l)),
      t.logLines.join("\n"),
    );
    assert.deepEqual(tagsOn(t, "server04"), [100, 200]);
    assert.deepEqual(
      t.server("server04").incusos.network.bonds?.map((b) => b.name),
      ["bond0"],
      "the rest of its network config is kept",
    );
    await t.other.addClusterServers(CLUSTER, { server_names: ["server04"], copy_services_config: true });

    const missing = await t.converge(null, config({ interface_name: "bond0", servers: ["server01", "server02", "server03", "server04", "server05"] }));
    assert.match(errors(missing.diagnostics).join("\n"), /Cannot read the network config of server server05/);
  }));

test("a server joining gets the members' tags in the members' order: [300], then [100, 300] stages [300, 100], which Operations Center admits", () =>
  withBulk(resource, async (t) => {
    const first = await created(t, { vlan_tags: [300] });
    const servers = ["server01", "server02", "server03", "server04"];
    const step = await t.converge(first.state, config({ vlan_tags: [100, 300], servers }), first.private);
    assert.deepEqual(errors(step.diagnostics), []);
    assert.deepEqual(await t.calls(), [
      `${BULK} {"action":"add_network_interface_vlan_tags","arguments":{"interface_name":"eth0","vlan_tags":[100]}}`,
      "PUT /1.0/provisioning/servers/server04/system/network 200",
      "POST /1.0/provisioning/servers/server04/:resync 200",
    ]);
    for (const server of ["server01", "server02", "server03"]) assert.deepEqual(tagsOn(t, server), [300, 100], "the bulk add appends");
    assert.deepEqual(tagsOn(t, "server04"), [300, 100]);
    assert.deepEqual(step.state!.vlan_tags_all, { server01: [100, 300], server02: [100, 300], server03: [100, 300], server04: [100, 300] });
    await t.other.addClusterServers(CLUSTER, { server_names: ["server04"], copy_services_config: true });
    assert.equal(t.server("server04").cluster, CLUSTER);
  }));

test("member tags are read live through the OS proxy, never from Operations Center's stored copy of the network", () =>
  withBulk(resource, async (t) => {
    const first = await created(t);
    await t.h.call("DELETE", "/local-oc/requests");
    await t.converge(first.state, config({ vlan_tags: [100, 200, 300] }), first.private);
    const reply = await t.h.call("GET", "/local-oc/requests");
    const reads = (reply.json!.metadata as { method: string; path: string }[])
      .filter((e) => e.method === "GET" && e.path.includes("network"))
      .map((e) => e.path);
    assert.ok(reads.length > 0);
    assert.deepEqual(
      reads.filter((path) => !path.endsWith("/os/1.0/system/network")),
      [],
    );
  }));
