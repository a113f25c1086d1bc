// End to end, with the real terraform binary and the provider against an in-process local
// Operations Center: the bulk-operation resources of issue 9, step by step. Each test starts its
// own local OC and stack and applies the base scenario first; each step asserts the servers'
// IncusOS state and the exact bulk calls (or per-member IncusOS calls) it made.
import assert from "node:assert/strict";
import * as path from "node:path";
import { test, type TestContext } from "node:test";
import type { IncusOSState } from "../src/local-oc/index.js";
import { startE2E, type E2E } from "./e2e/harness.js";
import { CLUSTER, ISCSI, KERNEL, LOGGING, NVME_ADDRESS, WWN, bulkSeed, synthBulkScenario, type BulkScenarioConfig } from "./e2e/bulk-scenario.js";

const MEMBERS = ["server01", "server02", "server03"];

interface Bulk {
  e2e: E2E;
  synth(config?: BulkScenarioConfig): void;
  /** The bulk actions since the last apply, as `action arguments-json`. */
  bulkCalls(): string[];
  /** Changing requests to one server's own endpoints (IncusOS, network) since the last apply. */
  memberCalls(): string[];
  tags(server: string, device: string): number[];
  incusos(server: string): IncusOSState;
}

async function withBulkStack(fn: (b: Bulk) => Promise<void>): Promise<void> {
  const e2e = await startE2E({ seed: bulkSeed() });
  const server = (name: string) => e2e.oc.snapshot().servers.find((s) => s.name === name)!;
  const b: Bulk = {
    e2e,
    synth(config = {}) {
      e2e.stackDir = synthBulkScenario(path.join(e2e.workdir, "cdktf.out"), config);
    },
    bulkCalls: () =>
      e2e.oc.requests
        .filter((r) => r.method === "POST" && r.path === `/1.0/provisioning/clusters/${CLUSTER}/:bulk-update`)
        .map((r) => {
          const body = r.body as { action: string; arguments: unknown };
          return `${body.action} ${JSON.stringify(body.arguments)}`;
        }),
    memberCalls: () => e2e.changes().filter((c) => /\/servers\/[^/]+\/(os\/|system\/network)/.test(c)),
    tags(name, device) {
      const network = server(name).incusos.network;
      const found = [...(network.interfaces ?? []), ...(network.bonds ?? [])].find((d) => d.name === device);
      return [...(found?.vlan_tags ?? [])].sort((x, y) => x - y);
    },
    incusos: (name) => server(name).incusos,
  };
  try {
    b.synth();
    await e2e.initAndApply();
    await fn(b);
  } finally {
    await e2e.close();
  }
}

/** The plan's text from the first resource line on, for the README. */
function excerpt(output: string): string {
  const start = output.indexOf("Terraform will perform");
  return (start < 0 ? output : output.slice(start))
    .split("\n")
    .filter((line) => !line.startsWith("Saved the plan") && !line.startsWith("To perform"))
    .join("\n")
    .trim();
}

async function planShown(t: TestContext, b: Bulk, title: string): Promise<string> {
  const plan = await b.e2e.plan();
  assert.equal(plan.code, 0, plan.output);
  t.diagnostic(`plan: ${title}\n${excerpt(plan.output)}`);
  return plan.output;
}

async function stateValues(b: Bulk, address: string): Promise<Record<string, unknown>> {
  const shown = await b.e2e.tf("show", "-json");
  const state = JSON.parse(shown.stdout) as { values: { root_module: { resources: { address: string; values: Record<string, unknown> }[] } } };
  return state.values.root_module.resources.find((r) => r.address === address)!.values;
}

test("base apply, then add a tag, drop a tag, a tag added by hand survives, a tag removed by hand is restored with one call", (t) =>
  withBulkStack(async (b) => {
    // 1. Everything applied on every member.
    for (const server of MEMBERS) {
      assert.deepEqual(b.tags(server, "eth0"), [100, 200]);
      assert.deepEqual(b.tags(server, "bond0"), [300]);
      const os = b.incusos(server);
      assert.deepEqual(os.services.iscsi!.targets, [{ ...ISCSI, port: 3260 }]);
      assert.deepEqual(os.services.nvme!.targets, [{ transport: "tcp", address: NVME_ADDRESS, port: 4420 }]);
      assert.deepEqual(os.services.multipath!.wwns, [WWN]);
      assert.ok(os.applications.some((a) => a.name === "debug"));
      assert.deepEqual(os.kernel.blacklist_modules, KERNEL.blacklist_modules);
      assert.deepEqual(os.logging, LOGGING);
    }

    // 2.1 Add a tag: one add with only the new tag.
    b.synth({ tenantTags: [100, 200, 400] });
    const added = await planShown(t, b, "add VLAN 400 to eth0");
    assert.match(added, /\+ 400/);
    await b.e2e.applyOk();
    assert.deepEqual(b.bulkCalls(), ['add_network_interface_vlan_tags {"interface_name":"eth0","vlan_tags":[400]}']);
    for (const server of MEMBERS) assert.deepEqual(b.tags(server, "eth0"), [100, 200, 400]);

    // 2.2 Drop a tag: one remove with only that tag.
    b.synth({ tenantTags: [100, 400] });
    await b.e2e.applyOk();
    assert.deepEqual(b.bulkCalls(), ['remove_network_interface_vlan_tags {"interface_name":"eth0","vlan_tags":[200]}']);
    for (const server of MEMBERS) assert.deepEqual(b.tags(server, "eth0"), [100, 400]);

    // 2.3 A tag added by hand survives the next apply and shows in vlan_tags_all.
    await b.e2e.client.bulkUpdateCluster(CLUSTER, "add_network_interface_vlan_tags", { interface_name: "eth0", vlan_tags: [999] });
    await b.e2e.applyOk();
    assert.deepEqual(b.e2e.changes(), []);
    for (const server of MEMBERS) assert.deepEqual(b.tags(server, "eth0"), [100, 400, 999]);
    const values = await stateValues(b, "operationscenter_cluster_vlan_tags.edge_vlan_tags_eth0");
    assert.deepEqual(values.vlan_tags, [100, 400]);
    assert.deepEqual((values.vlan_tags_all as Record<string, number[]>).server02, [100, 400, 999]);

    // 2.4 A tag removed by hand from one member: the plan shows it, one add restores it.
    const network = await b.e2e.client.getServerNetwork("server02");
    network.config!.interfaces!.find((d) => d.name === "eth0")!.vlan_tags = [400, 999];
    await b.e2e.client.request("PUT", "/1.0/provisioning/servers/server02/os/1.0/system/network", { body: network });
    const drift = await planShown(t, b, "VLAN 100 removed by hand from server02");
    assert.match(drift, /operationscenter_cluster_vlan_tags\.edge_vlan_tags_eth0 will be updated in-place/);
    assert.match(drift, /\+ 100/);
    await b.e2e.applyOk();
    assert.deepEqual(b.bulkCalls(), ['add_network_interface_vlan_tags {"interface_name":"eth0","vlan_tags":[100]}']);
    for (const server of MEMBERS) assert.deepEqual(b.tags(server, "eth0"), [100, 400, 999]);
  }));

test("drop a whole ClusterVlanTags, change the NVMe port (one remove plus one add), drop the kernel config (reset)", (t) =>
  withBulkStack(async (b) => {
    // 2.5 Only the dropped construct's tags go.
    b.synth({ storageTags: undefined });
    await b.e2e.applyOk();
    assert.deepEqual(b.bulkCalls(), ['remove_network_interface_vlan_tags {"interface_name":"bond0","vlan_tags":[300]}']);
    for (const server of MEMBERS) {
      assert.deepEqual(b.tags(server, "bond0"), []);
      assert.deepEqual(b.tags(server, "eth0"), [100, 200]);
    }

    // 2.6 A new port is a replace: one remove, then one add.
    b.synth({ storageTags: undefined, nvmePort: 8009 });
    const replaced = await planShown(t, b, "NVMe target port 4420 -> 8009");
    assert.match(replaced, /operationscenter_cluster_nvme_target\.nvme must be replaced/);
    assert.match(replaced, /~ port += 4420 -> 8009 # forces replacement/);
    await b.e2e.applyOk();
    assert.deepEqual(b.bulkCalls(), [
      `remove_nvme_storage_target {"transport":"tcp","address":"${NVME_ADDRESS}","port":4420}`,
      `add_nvme_storage_target {"transport":"tcp","address":"${NVME_ADDRESS}","port":8009}`,
    ]);
    for (const server of MEMBERS) assert.deepEqual(b.incusos(server).services.nvme!.targets, [{ transport: "tcp", address: NVME_ADDRESS, port: 8009 }]);

    // 2.7 No longer declared: every member is reset to the empty kernel config.
    b.synth({ storageTags: undefined, nvmePort: 8009, kernel: false });
    await b.e2e.applyOk();
    assert.deepEqual(b.bulkCalls(), ['update_system_kernel {"config":{}}']);
    for (const server of MEMBERS) assert.equal(b.incusos(server).kernel.blacklist_modules, undefined);
  }));

test("a failing member during a VLAN change: a clear error, servers unchanged; the next apply converges", () =>
  withBulkStack(async (b) => {
    b.e2e.oc.setFaults({ failMembers: ["server02"] });
    b.synth({ tenantTags: [100, 200, 500] });
    const failed = await b.e2e.apply();
    assert.notEqual(failed.code, 0);
    assert.match(failed.output, /adding VLAN tags 500 to "eth0" failed on member server02/);
    assert.match(failed.output, /injected fault/);
    assert.match(failed.output, /reverted the members already changed/);
    for (const server of MEMBERS) assert.deepEqual(b.tags(server, "eth0"), [100, 200]);

    b.e2e.oc.setFaults({});
    await b.e2e.applyOk();
    assert.deepEqual(b.bulkCalls(), ['add_network_interface_vlan_tags {"interface_name":"eth0","vlan_tags":[500]}']);
    for (const server of MEMBERS) assert.deepEqual(b.tags(server, "eth0"), [100, 200, 500]);
  }));

test("a member joins: in the same apply its tags, targets, application, kernel and logging match the other members", (t) =>
  withBulkStack(async (b) => {
    b.synth({ servers: [...MEMBERS, "server04"] });
    await planShown(t, b, "server04 joins the cluster");
    await b.e2e.applyOk();
    const reference = b.incusos("server01");
    const joined = b.incusos("server04");
    assert.deepEqual(b.tags("server04", "eth0"), [100, 200]);
    assert.deepEqual(b.tags("server04", "bond0"), [300]);
    for (const service of ["iscsi", "nvme", "multipath"]) assert.deepEqual(joined.services[service], reference.services[service], service);
    assert.ok(joined.applications.some((a) => a.name === "debug"));
    assert.deepEqual(joined.kernel, reference.kernel);
    assert.deepEqual(joined.logging, reference.logging);
    // Which path did what: the VLAN tags and the application went on server04 through its own
    // endpoints before it joined (Operations Center compares both before it admits a server); the
    // join's copy_services_config brought the storage targets; the kernel and logging configs
    // were sent by bulk action after the join.
    const addServers = b.e2e.oc.requests.find((r) => r.path === `/1.0/provisioning/clusters/${CLUSTER}/:add-servers`)!;
    assert.equal((addServers.body as { copy_services_config: boolean }).copy_services_config, true);
    const staged = [
      "POST /1.0/provisioning/servers/server04/os/1.0/applications",
      "PUT /1.0/provisioning/servers/server04/system/network",
      "PUT /1.0/provisioning/servers/server04/system/network",
    ];
    assert.deepEqual(b.memberCalls().sort(), staged);
    const order = b.e2e.changes();
    const join = order.indexOf(`POST /1.0/provisioning/clusters/${CLUSTER}/:add-servers`);
    assert.ok(
      staged.every((call) => order.lastIndexOf(call) < join),
      order.join("\n"),
    );
    assert.deepEqual(b.bulkCalls().sort(), [
      `update_system_kernel {"config":${JSON.stringify(KERNEL)}}`,
      `update_system_logging {"config":${JSON.stringify(LOGGING)}}`,
    ]);

    b.e2e.oc.clearRequests();
    const again = await b.e2e.planChanges();
    assert.deepEqual(again, {}, "converged: nothing left to do");
  }));
