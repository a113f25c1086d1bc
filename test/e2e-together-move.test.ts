// End to end, with the real terraform binary against the local Operations Center: bulk resources
// moved from one existing cluster to another (a change of their cluster reference in plain HCL).
// A move is an in-place change, never a replace: the apply takes the items off the old cluster's
// members as deletion_policy says (retain leaves them) and puts them on the new one's, and the
// plan says which. Each test starts its own local OC.
import assert from "node:assert/strict";
import { test } from "node:test";
import { startE2E } from "./e2e/harness.js";
import { bulkSeed } from "./e2e/bulk-scenario.js";
import { writeHcl } from "./e2e/hcl.js";

const ISCSI_TARGET = "iqn.2004-10.org.example:san1";

const config = (on: "a" | "b", policy: "remove" | "retain") => `
resource "operationscenter_cluster" "a" {
  name            = "a"
  servers         = ["server01", "server02"]
  deletion_policy = "forget"
}

resource "operationscenter_cluster" "b" {
  name            = "b"
  servers         = ["server03", "server04"]
  deletion_policy = "forget"
}

resource "operationscenter_cluster_kernel_config" "kernel" {
  cluster         = operationscenter_cluster.${on}.name
  config          = jsonencode({ blacklist_modules = ["nouveau"] })
  deletion_policy = "${policy}"
}

resource "operationscenter_cluster_iscsi_target" "san" {
  cluster         = operationscenter_cluster.${on}.name
  target          = "${ISCSI_TARGET}"
  address         = "192.0.2.50"
  deletion_policy = "${policy}"
}

resource "operationscenter_cluster_vlan_tags" "tenants" {
  cluster         = operationscenter_cluster.${on}.name
  interface_name  = "eth0"
  vlan_tags       = [100]
  deletion_policy = "${policy}"
}
`;

const MOVED = ["operationscenter_cluster_kernel_config.kernel", "operationscenter_cluster_iscsi_target.san", "operationscenter_cluster_vlan_tags.tenants"];

for (const policy of ["remove", "retain"] as const) {
  test(`moving bulk resources to another existing cluster with deletion_policy "${policy}": an in-place change, the plan says what happens to the old cluster, and the apply makes exactly those calls`, async (t) => {
    const e2e = await startE2E({ seed: bulkSeed() });
    t.after(() => e2e.close());
    const carries = (server: string) => {
      const os = e2e.oc.snapshot().servers.find((s) => s.name === server)!.incusos;
      return {
        kernel: os.kernel.blacklist_modules ?? [],
        iscsi: ((os.services.iscsi?.targets ?? []) as { target: string }[]).map((x) => x.target),
        vlan: (os.network.interfaces ?? []).find((d) => d.name === "eth0")?.vlan_tags ?? [],
      };
    };
    const full = { kernel: ["nouveau"], iscsi: [ISCSI_TARGET], vlan: [100] };
    const empty = { kernel: [], iscsi: [], vlan: [] };
    writeHcl(e2e, config("a", policy));
    await e2e.initAndApply();
    for (const server of ["server01", "server02"]) assert.deepEqual(carries(server), full, server);

    writeHcl(e2e, config("b", policy));
    const plan = await e2e.plan();
    assert.equal(plan.code, 0, plan.output);
    const actions = Object.fromEntries(
      plan.plan!.resource_changes.filter((rc) => rc.change.actions.join() !== "no-op").map((rc) => [rc.address, rc.change.actions.join()]),
    );
    assert.deepEqual(actions, Object.fromEntries(MOVED.map((address) => [address, "update"])));
    const text = plan.output.replace(/[│\s]+/g, " ");
    for (const what of ["the kernel config", `iSCSI target "${ISCSI_TARGET}" at 192.0.2.50:3260`, 'VLAN tags 100 on "eth0"']) {
      const expected =
        policy === "remove"
          ? `${what} moves from cluster "a" to cluster "b": removed from the members of "a", then added on those of "b"`
          : `${what} moves from cluster "a" to cluster "b" and stays on the members of "a" (deletion_policy retain)`;
      assert.ok(text.includes(expected), `the plan says: ${expected}`);
    }
    assert.doesNotMatch(text, /must be replaced|forces replacement/);

    await e2e.applyOk();
    const bulk = (cluster: string) => `POST /1.0/provisioning/clusters/${cluster}/:bulk-update`;
    assert.deepEqual(
      e2e
        .changes()
        .filter((c) => !c.startsWith("POST /1.0/provisioning/servers/"))
        .sort(),
      policy === "remove" ? [bulk("a"), bulk("a"), bulk("a"), bulk("b"), bulk("b"), bulk("b")] : [bulk("b"), bulk("b"), bulk("b")],
    );
    for (const server of ["server01", "server02"]) assert.deepEqual(carries(server), policy === "remove" ? empty : full, server);
    for (const server of ["server03", "server04"]) assert.deepEqual(carries(server), full, server);
    assert.deepEqual(await e2e.planChanges(), {});
  });
}
