// End to end, with the real terraform binary against the local Operations Center: every resource
// that can be imported, imported and then planned with a minimal configuration (the attributes
// it leaves unset are not managed). The plan must show only what the apply changes: no
// `-> null` for a value nothing will touch. Each test starts its own local OC.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { test, type TestContext } from "node:test";
import { startE2E, type E2E } from "./e2e/harness.js";
import { CLUSTER as EDGE, KERNEL, LOGGING, bulkSeed, synthBulkScenario } from "./e2e/bulk-scenario.js";
import { CLUSTER as LAB, synthIncusScenario } from "./e2e/incus-scenario.js";

type Resources = Record<string, Record<string, Record<string, unknown>>>;

/**
 * Replaces the stack's configuration of the given resources with minimal ones (HCL JSON, as a
 * user writes them), forgets them from state and imports each by its id.
 */
async function importMinimal(e2e: E2E, minimal: Record<string, { config: Record<string, unknown>; id: string }>): Promise<void> {
  const file = path.join(e2e.stackDir, "cdk.tf.json");
  const stack = JSON.parse(readFileSync(file, "utf8")) as { resource: Resources };
  for (const [address, { config }] of Object.entries(minimal)) {
    const [type, name] = address.split(".") as [string, string];
    stack.resource[type]![name] = { provider: "operationscenter", ...config };
  }
  writeFileSync(file, JSON.stringify(stack, null, 2));
  const removed = await e2e.tf("state", "rm", ...Object.keys(minimal));
  assert.equal(removed.code, 0, removed.stdout + removed.stderr);
  e2e.oc.clearRequests();
  for (const [address, { id }] of Object.entries(minimal)) {
    const imported = await e2e.tf("import", "-input=false", "-no-color", address, id);
    assert.equal(imported.code, 0, imported.stdout + imported.stderr);
  }
  assert.deepEqual(e2e.changes(), [], "an import makes no change");
}

/** The attributes whose planned value differs from the imported one. */
function changedAttributes(plan: Awaited<ReturnType<E2E["plan"]>>, address: string): string[] {
  const rc = plan.plan!.resource_changes.find((c) => c.address === address);
  assert.ok(rc !== undefined, address);
  const before = (rc.change.before ?? {}) as Record<string, unknown>;
  const after = (rc.change.after ?? {}) as Record<string, unknown>;
  return Object.keys({ ...before, ...after })
    .filter((key) => JSON.stringify(before[key] ?? null) !== JSON.stringify(after[key] ?? null))
    .sort();
}

async function started(t: TestContext): Promise<E2E> {
  const e2e = await startE2E({ seed: bulkSeed() });
  t.after(() => e2e.close());
  return e2e;
}

test("import of Incus members and a group, then a plan with a minimal configuration: no change at all, and the apply makes no call", async (t) => {
  const e2e = await started(t);
  const incusDir = await e2e.oc.writeIncusConfig(path.join(e2e.workdir, "incus-config"));
  e2e.env.INCUS_CONF = incusDir;
  const clientCertificate = readFileSync(path.join(incusDir, "client.crt"), "utf8");
  e2e.stackDir = synthIncusScenario(path.join(e2e.workdir, "cdktf.out"), { clientCertificate });
  await e2e.initAndApply();

  const cluster = "${operationscenter_cluster.lab.name}";
  await importMinimal(e2e, {
    "operationscenter_incus_cluster_member.server01": { config: { cluster, member: "server01" }, id: `${LAB}/server01` },
    "operationscenter_incus_cluster_member.server02": { config: { cluster, member: "server02" }, id: `${LAB}/server02` },
    "operationscenter_incus_cluster_member.server03": { config: { cluster, member: "server03" }, id: `${LAB}/server03` },
    "operationscenter_incus_cluster_group.gpu": {
      config: { cluster, name: "gpu", description: "GPU servers", members: ["server02", "server03"] },
      id: `${LAB}/gpu`,
    },
  });

  const plan = await e2e.plan();
  assert.equal(plan.code, 0, plan.output);
  assert.doesNotMatch(plan.output, /-> null/, plan.output);
  for (const member of ["server01", "server02", "server03"])
    assert.deepEqual(changedAttributes(plan, `operationscenter_incus_cluster_member.${member}`), [], member);
  assert.deepEqual(changedAttributes(plan, "operationscenter_incus_cluster_group.gpu"), []);
  assert.match(plan.output, /No changes/);

  // What was imported is shown, and stays so: server01's roles, server02's groups.
  const shown = await e2e.tf("state", "show", "-no-color", "operationscenter_incus_cluster_member.server01");
  assert.match(shown.stdout, /failure_domain += "rack1"/);
  assert.match(shown.stdout, /"event-hub"/);
  await e2e.applyOk();
  assert.deepEqual(e2e.changes(), []);
});

test("import of every bulk kind, then a plan with a minimal configuration: no change, and the apply makes no call", async (t) => {
  const e2e = await started(t);
  e2e.stackDir = synthBulkScenario(path.join(e2e.workdir, "cdktf.out"));
  await e2e.initAndApply();

  const cluster = "${operationscenter_cluster.edge.name}";
  await importMinimal(e2e, {
    "operationscenter_cluster_vlan_tags.edge_vlan_tags_eth0": { config: { cluster: EDGE, interface_name: "eth0", vlan_tags: [100, 200] }, id: `${EDGE}/eth0` },
    "operationscenter_cluster_iscsi_target.san": {
      config: { cluster, target: "iqn.2004-10.org.example:san1", address: "192.0.2.50" },
      id: `${EDGE}/iqn.2004-10.org.example:san1/192.0.2.50/3260`,
    },
    "operationscenter_cluster_nvme_target.nvme": {
      config: { cluster, transport: "tcp", address: "192.0.2.100", port: 4420 },
      id: `${EDGE}/tcp/192.0.2.100/4420`,
    },
    "operationscenter_cluster_multipath_target.mpath": { config: { cluster, wwn: "0x5000c500a1b2c3d4" }, id: `${EDGE}/0x5000c500a1b2c3d4` },
    "operationscenter_cluster_application.debug": { config: { cluster: EDGE, name: "debug" }, id: `${EDGE}/debug` },
    "operationscenter_cluster_kernel_config.kernel": { config: { cluster, config: JSON.stringify(KERNEL) }, id: EDGE },
    "operationscenter_cluster_logging_config.logging": { config: { cluster, config: JSON.stringify(LOGGING) }, id: EDGE },
  });

  const plan = await e2e.plan();
  assert.equal(plan.code, 0, plan.output);
  assert.doesNotMatch(plan.output, /-> null/, plan.output);
  for (const address of [
    "vlan_tags.edge_vlan_tags_eth0",
    "iscsi_target.san",
    "nvme_target.nvme",
    "multipath_target.mpath",
    "application.debug",
    "kernel_config.kernel",
    "logging_config.logging",
  ]) {
    assert.deepEqual(changedAttributes(plan, `operationscenter_cluster_${address}`), [], address);
  }
  await e2e.applyOk();
  assert.deepEqual(
    e2e.changes().filter((c) => !c.startsWith("PUT /1.0/provisioning/clusters/")),
    [],
  );
});
