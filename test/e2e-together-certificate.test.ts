// End to end, with the real terraform binary against the local Operations Center and the
// cluster's own Incus listener: a ClusterCertificate applied in the same apply as the Incus
// resources of its cluster. Terraform runs them in parallel, so an Incus resource may have pinned
// the certificate the cluster presented before the replacement: the provider must follow the
// certificate Operations Center records, not fail on its own change. Each test starts its own
// local OC.
import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import * as path from "node:path";
import { test } from "node:test";
import { createSelfSignedCertificate } from "../src/local-oc/certificates.js";
import { TOGETHER_CLUSTER, startTogether, synthTogether } from "./e2e/together-scenario.js";

const INCUS = `/incus/${TOGETHER_CLUSTER}`;

test("a cluster, its certificate and its Incus resources in one apply, then a new certificate and an Incus settings change in one apply: both converge, with exactly the calls they need", async (t) => {
  const { e2e, clientCertificate } = await startTogether(t);
  const first = await createSelfSignedCertificate({ commonName: "edge.example", usage: "server" });
  const second = await createSelfSignedCertificate({ commonName: "edge.example", usage: "server" });
  const synth = (certificate: { certificate: string; key: string }, maxVoters: number) => {
    e2e.env.TF_VAR_cluster_key = certificate.key;
    e2e.stackDir = synthTogether(path.join(e2e.workdir, "cdktf.out"), {
      clientCertificate,
      dependents: "remove",
      certificate: certificate.certificate,
      maxVoters,
    });
  };
  const live = () => e2e.oc.saveSnapshot();

  // Everything in one apply: the Incus resources reach the cluster although its certificate
  // changes while they run.
  synth(first, 5);
  await e2e.initAndApply();
  assert.equal(live().incus_trust?.[TOGETHER_CLUSTER]?.tls?.certificate, first.certificate);
  assert.deepEqual(live().incus_clusters?.[TOGETHER_CLUSTER]?.groups["gpu"], { description: "GPU servers", config: {} });
  assert.equal(live().incus_clusters?.[TOGETHER_CLUSTER]?.config["cluster.max_voters"], "5");
  assert.deepEqual(await e2e.planChanges(), {});

  // A new certificate and a settings change in one apply.
  synth(second, 7);
  const plan = await e2e.plan();
  assert.equal(plan.code, 0, plan.output);
  assert.deepEqual(
    Object.fromEntries(plan.plan!.resource_changes.filter((rc) => rc.change.actions.join() !== "no-op").map((rc) => [rc.address, rc.change.actions.join()])),
    { "operationscenter_cluster_certificate.certificate": "update", "operationscenter_incus_cluster_settings.settings": "update" },
  );
  await e2e.applyOk();
  assert.deepEqual(e2e.changes().sort(), [`PATCH ${INCUS}/1.0`, `PUT /1.0/provisioning/clusters/${TOGETHER_CLUSTER}/certificate`]);
  const patch = e2e.oc.requests.find((r) => r.method === "PATCH" && r.path === `${INCUS}/1.0`);
  assert.deepEqual(patch?.body, { config: { "cluster.max_voters": "7" } });
  assert.equal(live().incus_trust?.[TOGETHER_CLUSTER]?.tls?.certificate, second.certificate);
  assert.equal(live().incus_clusters?.[TOGETHER_CLUSTER]?.config["cluster.max_voters"], "7");
  const outputs = JSON.parse((await e2e.tf("output", "-json")).stdout) as Record<string, { value: string }>;
  assert.equal(outputs.cluster_fingerprint!.value, new X509Certificate(second.certificate).fingerprint256.replaceAll(":", "").toLowerCase());

  // The next plan reads the Incus resources through the new certificate: nothing to do.
  const after = await e2e.plan();
  assert.equal(after.code, 0, after.output);
  assert.doesNotMatch(after.output, /changed outside of Terraform/);
  assert.match(after.output, /No changes/);
});
