// End to end, with the real terraform binary against the local Operations Center and the
// cluster's own Incus listener: renaming a cluster that carries every bulk kind, Incus settings,
// a member, a group and a certificate, under each dependent deletion policy. Every dependent
// follows the rename with an in-place change of its cluster reference: no remove, no re-add, no
// unset, no certificate write; only the name changes on the server. Each test starts its own
// local OC.
import assert from "node:assert/strict";
import * as path from "node:path";
import { test } from "node:test";
import { createSelfSignedCertificate } from "../src/local-oc/certificates.js";
import type { Model } from "../src/local-oc/index.js";
import { TOGETHER_CLUSTER, startTogether, synthTogether } from "./e2e/together-scenario.js";

const RENAMED = "edge-renamed";

/** What the rename must leave as it is: the members' IncusOS state, the cluster's Incus side and certificate. */
function fleet(model: Model, cluster: string): unknown {
  return {
    servers: model.servers.map((s) => ({ name: s.name, cluster: s.cluster, incusos: s.incusos })),
    incus: model.incus_clusters?.[cluster],
    certificate: model.incus_trust?.[cluster]?.tls?.certificate,
    clientCertificates: model.incus_trust?.[cluster]?.certificates,
  };
}

for (const policy of ["remove", "retain"] as const) {
  test(`renaming a cluster with deletion_policy "${policy}" on its dependents: every bulk and Incus resource and the certificate is updated in place, the only calls are the cluster's, and only the name changes`, async (t) => {
    const { e2e, clientCertificate } = await startTogether(t);
    const pair = await createSelfSignedCertificate({ commonName: "edge.example", usage: "server" });
    e2e.env.TF_VAR_cluster_key = pair.key;
    const synth = (name?: string) => {
      e2e.stackDir = synthTogether(path.join(e2e.workdir, "cdktf.out"), {
        clientCertificate,
        dependents: policy,
        certificate: pair.certificate,
        ...(name === undefined ? {} : { name }),
      });
    };
    synth();
    await e2e.initAndApply();
    const before = fleet(e2e.oc.saveSnapshot(), TOGETHER_CLUSTER) as { servers: { cluster: string }[] };

    synth(RENAMED);
    const plan = await e2e.plan();
    assert.equal(plan.code, 0, plan.output);
    const actions = Object.fromEntries(plan.plan!.resource_changes.map((rc) => [rc.address, rc.change.actions.join(",")]));
    assert.equal(Object.keys(actions).length, 12, JSON.stringify(actions));
    for (const [address, action] of Object.entries(actions)) assert.equal(action, "update", address);
    for (const rc of plan.plan!.resource_changes)
      assert.equal((rc.change.after as Record<string, unknown>)[rc.type === "operationscenter_cluster" ? "name" : "cluster"], RENAMED, rc.address);
    const text = plan.output.replace(/\s+/g, " ");
    assert.doesNotMatch(
      text,
      /must be replaced|forces replacement|will be removed|reset to the empty config|unsets|stays on the members/,
      "no replace, no removal announced",
    );
    for (const type of new Set(plan.plan!.resource_changes.map((rc) => rc.type).filter((type) => type !== "operationscenter_cluster"))) {
      assert.ok(text.includes(`${type}: cluster "edge" -> "edge-renamed" follows the cluster's rename`), `the plan notes the rename for ${type}`);
    }

    await e2e.applyOk();
    // The cluster's own calls only: its rename (and the bookkeeping PUT of its properties).
    assert.deepEqual(
      e2e.changes().filter((c) => !c.startsWith(`PUT /1.0/provisioning/clusters/${TOGETHER_CLUSTER}`)),
      [`POST /1.0/provisioning/clusters/${TOGETHER_CLUSTER}`],
    );
    const after = fleet(e2e.oc.saveSnapshot(), RENAMED);
    assert.deepEqual(after, { ...before, servers: before.servers.map((s) => ({ ...s, cluster: s.cluster === TOGETHER_CLUSTER ? RENAMED : s.cluster })) });
    assert.deepEqual(await e2e.planChanges(), {});
  });
}
