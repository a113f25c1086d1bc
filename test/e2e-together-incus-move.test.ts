// End to end, with the real terraform binary against the local Operations Center and the
// clusters' own Incus listeners: Incus settings moved from one existing cluster to another (a
// change of their cluster reference in plain HCL). The Incus resources replace on a move; the
// plan says what the destroy half does to the old cluster, and the apply does exactly that, per
// deletion_policy. Each test starts its own local OC.
import assert from "node:assert/strict";
import * as path from "node:path";
import { test } from "node:test";
import { startE2E } from "./e2e/harness.js";
import { bulkSeed } from "./e2e/bulk-scenario.js";
import { writeHcl } from "./e2e/hcl.js";

const config = (on: "a" | "b", policy: "remove" | "retain", clientCertificateFile: string) => {
  const cluster = (name: string, servers: string[]) => `
resource "operationscenter_cluster" "${name}" {
  name               = "${name}"
  servers            = ${JSON.stringify(servers)}
  deletion_policy    = "forget"
  application_config = jsonencode({ certificates = [{ type = "client", name = "terraform" }] })
  secrets_wo         = jsonencode({ application_config = { certificates = [{ certificate = file(${JSON.stringify(clientCertificateFile)}) }] } })
}
`;
  return `${cluster("a", ["server01", "server02"])}${cluster("b", ["server03", "server04"])}
resource "operationscenter_incus_cluster_settings" "settings" {
  cluster         = operationscenter_cluster.${on}.name
  config          = { "cluster.max_voters" = "5" }
  deletion_policy = "${policy}"
}
`;
};

for (const policy of ["remove", "retain"] as const) {
  test(`Incus settings moved to another existing cluster with deletion_policy "${policy}": a replace whose plan says what happens on the old cluster, and exactly those calls`, async (t) => {
    const e2e = await startE2E({ seed: bulkSeed() });
    t.after(() => e2e.close());
    const incusDir = await e2e.oc.writeIncusConfig(path.join(e2e.workdir, "incus-config"));
    e2e.env.INCUS_CONF = incusDir;
    const clientCertificate = path.join(incusDir, "client.crt");
    const voters = (cluster: string) => e2e.oc.saveSnapshot().incus_clusters?.[cluster]?.config["cluster.max_voters"];
    writeHcl(e2e, config("a", policy, clientCertificate));
    await e2e.initAndApply();
    assert.equal(voters("a"), "5");

    writeHcl(e2e, config("b", policy, clientCertificate));
    const plan = await e2e.plan();
    assert.equal(plan.code, 0, plan.output);
    const rc = plan.plan!.resource_changes.find((c) => c.address === "operationscenter_incus_cluster_settings.settings")!;
    assert.deepEqual(rc.change.actions, ["delete", "create"]);
    const text = plan.output.replace(/[│\s]+/g, " ");
    assert.ok(
      text.includes(
        policy === "remove"
          ? 'operationscenter_incus_cluster_settings: moves from cluster "a" to cluster "b"; the replace first unsets cluster.max_voters on cluster "a"'
          : 'operationscenter_incus_cluster_settings: moves from cluster "a" to cluster "b"; cluster "a" is left as it is',
      ),
      "the plan says what the move does to cluster a",
    );

    await e2e.applyOk();
    const patches = e2e.oc.requests.filter((r) => r.method === "PATCH").map((r) => [r.path, r.body]);
    assert.deepEqual(patches, [
      ...(policy === "remove" ? [["/incus/a/1.0", { config: { "cluster.max_voters": "" } }]] : []),
      ["/incus/b/1.0", { config: { "cluster.max_voters": "5" } }],
    ]);
    assert.equal(voters("a"), policy === "remove" ? undefined : "5");
    assert.equal(voters("b"), "5");
    assert.deepEqual(await e2e.planChanges(), {});
  });
}
