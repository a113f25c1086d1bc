// oc-cdktf leftovers against the local Operations Center (real terraform binary): the first apply
// of a stack is SIGKILLed after its cluster's create POST, so the state is empty. terraform
// destroy then asks the provider only to validate: with this checkout's create journal it stops;
// in a fresh checkout it leaves the cluster, exit code 0. leftovers finds it by the created-by
// mark of its adoption key and exits 1; once an apply has adopted it, 0. A create killed before
// its POST made nothing: leftovers forgets its journal entry, and the destroy goes through. A
// declared cluster template not in state is listed when Operations Center has one of its name
// with exactly its content (what the apply adopts); a template carries no mark, so no more is known.
import assert from "node:assert/strict";
import { renameSync } from "node:fs";
import * as path from "node:path";
import { test, type TestContext } from "node:test";
import { adoptionMarker, CREATED_BY_KEY } from "../src/provider/resources/cluster/bookkeeping.js";
import { startE2E, wrapped, type E2E } from "./e2e/harness.js";
import { writeHcl } from "./e2e/hcl.js";
import { applyKilledAfter } from "./e2e/interrupt.js";
import { runCli } from "./e2e/review-scenario.js";
import { FIXTURES } from "./e2e/scenario.js";

const CLUSTERS = "/1.0/provisioning/clusters";
const SERVERS = "/1.0/provisioning/servers";

test("leftovers: a cluster an interrupted first apply left is listed with the way to adopt or remove it (exit 1); none after the apply adopts it (exit 0)", async (t) => {
  // "rogue" carries the created-by mark of another configuration's adoption key: no leftover of this one.
  const e2e = await startE2E({
    seed: {
      servers: ["server01", "server02", "server03", "server04"].map((name) => ({ name })),
      clusters: [{ name: "rogue", server_names: ["server04"], properties: { [CREATED_BY_KEY]: adoptionMarker("other-stack/a")! } }],
    },
  });
  t.after(() => e2e.close());
  e2e.synth({ template: false, a: {} });
  const init = await e2e.tf("init", "-input=false");
  assert.equal(init.code, 0, init.stdout + init.stderr);
  await applyKilledAfter(e2e, "POST", CLUSTERS);

  // With an empty state terraform destroy runs no refresh plan; validate stops it on this checkout's create journal.
  e2e.oc.clearRequests();
  const stopped = await e2e.destroy();
  assert.equal(stopped.code, 1, stopped.output);
  assert.match(stopped.output, wrapped('Cluster "cluster-a" may exist from an interrupted apply of this configuration without being in state'));
  assert.deepEqual(e2e.changes(), []);

  // A fresh checkout has no journal: validate reads the cluster's unsaved mark and stops the destroy too.
  const journal = path.join(e2e.stackDir, ".terraform", "oc-cdktf", "creating");
  const kept = path.join(e2e.workdir, "creating");
  renameSync(journal, kept);
  const destroyed = await e2e.destroy();
  assert.equal(destroyed.code, 1, destroyed.output);
  assert.match(destroyed.output, wrapped('Cluster "cluster-a" exists from an interrupted apply of this configuration and may not be in state'));
  assert.deepEqual(e2e.changes(), []);
  assert.ok(e2e.oc.snapshot().clusters.some((c) => c.name === "cluster-a"));
  renameSync(kept, journal);

  // The directory above the stacks, as drift takes it.
  const outdir = path.join(e2e.workdir, "cdktf.out");
  e2e.oc.clearRequests();
  const found = await runCli(["leftovers", outdir], { env: e2e.env });
  assert.equal(found.code, 1, found.stdout + found.stderr);
  const chdir = `terraform -chdir=${path.join(outdir, "stacks/clusters")}`;
  assert.equal(
    found.stdout,
    [
      "1 cluster(s) an interrupted apply created are not in the state; terraform destroy leaves them:",
      "",
      "cluster-a (ready), created by operationscenter_cluster.a of stack stacks/clusters",
      `  adopt it:  ${chdir} apply   (the create adopts it: no second cluster)`,
      `         or  ${chdir} import 'operationscenter_cluster.a' cluster-a`,
      `  remove it: adopt it, then ${chdir} destroy   (deletion_policy "factory-reset")`,
      "",
    ].join("\n"),
  );
  assert.equal(found.stderr, "");
  assert.deepEqual(e2e.changes(), [], "leftovers writes nothing");

  await e2e.applyOk();
  assert.deepEqual(e2e.changes(), [`PUT ${CLUSTERS}/cluster-a`], "adopted, not created again: only its unsaved mark removed");
  const none = await runCli(["leftovers", e2e.stackDir], { env: e2e.env });
  assert.equal(none.code, 0, none.stdout + none.stderr);
  assert.equal(none.stdout, "No cluster or cluster template an interrupted apply left outside the state.\n");

  const removed = await e2e.destroy();
  assert.equal(removed.code, 0, removed.output);
  assert.deepEqual(
    e2e.oc.snapshot().clusters.map((c) => c.name),
    ["rogue"],
  );
});

/** A plain HCL stack of one cluster, "lab", initialised against a new local OC. */
async function labStack(t: TestContext): Promise<E2E> {
  const e2e = await startE2E({ seed: path.join(FIXTURES, "seed.yaml") });
  t.after(() => e2e.close());
  writeHcl(
    e2e,
    `resource "operationscenter_cluster" "lab" {
  name            = "lab"
  servers         = ["server04"]
  deletion_policy = "forget"
}
`,
  );
  const init = await e2e.tf("init", "-input=false");
  assert.equal(init.code, 0, init.stdout + init.stderr);
  return e2e;
}

test("leftovers: in a plain HCL directory without adoption_key, the create journal in .terraform/ recognises the leftover", async (t) => {
  const e2e = await labStack(t);
  await applyKilledAfter(e2e, "POST", CLUSTERS);
  const found = await runCli(["leftovers", e2e.stackDir], { env: e2e.env });
  assert.equal(found.code, 1, found.stdout + found.stderr);
  assert.match(found.stdout, /^lab \(ready\), created by operationscenter_cluster\.lab of stack \.$/m);
  assert.match(found.stdout, /remove it: adopt it, then terraform -chdir=\S+ destroy {3}\(deletion_policy "forget"\)$/m);
});

test("leftovers: a create killed before its POST reached Operations Center made nothing; leftovers forgets its record, and the destroy it stopped goes through", async (t) => {
  const e2e = await labStack(t);
  // The last read before the create's POST: the POST is held, then dropped unhandled.
  await applyKilledAfter(e2e, "GET", `${SERVERS}/server04`);
  assert.deepEqual(
    e2e.oc.requests.filter((r) => r.status === 0).map((r) => `${r.method} ${r.path}`),
    [`POST ${CLUSTERS}`],
    "killed while the POST was held",
  );
  assert.deepEqual(e2e.oc.snapshot().clusters, []);
  e2e.oc.clearRequests();

  const stopped = await e2e.destroy();
  assert.equal(stopped.code, 1, stopped.output);
  assert.match(stopped.output, wrapped("Run oc-cdktf leftovers in this directory to find out"));

  const checked = await runCli(["leftovers", e2e.stackDir], { env: e2e.env });
  assert.equal(checked.code, 0, checked.stdout + checked.stderr);
  assert.equal(
    checked.stdout,
    "No cluster or cluster template an interrupted apply left outside the state.\n" +
      "Forgot the record of an interrupted create of cluster lab (operationscenter_cluster.lab of stack .): it made no cluster, so terraform destroy no longer stops on it.\n",
  );
  const destroyed = await e2e.destroy();
  assert.equal(destroyed.code, 0, destroyed.output);
  assert.deepEqual(e2e.changes(), [], "leftovers and the destroys change nothing");
});

test("leftovers: a declared template not in state whose name exists with exactly its content is listed, as identical, with the ways to adopt or remove it", async (t) => {
  // "lost" is what an interrupted create of its resource leaves; "later"'s description is known
  // only after apply (a cluster's fingerprint), so nothing can be said of the "later" that exists.
  const e2e = await startE2E({
    seed: {
      servers: [{ name: "server04" }],
      templates: [
        {
          name: "lost",
          description: "left by an interrupted apply",
          service_config_template: "lvm:\n  enabled: @LVM@\n",
          variables: { LVM: { description: "", default: "true" } },
        },
        { name: "later", service_config_template: "{}\n" },
      ],
    },
  });
  t.after(() => e2e.close());
  const kept = `resource "operationscenter_cluster_template" "kept" {
  name            = "kept"
  services_config = "{}\\n"
}
`;
  writeHcl(e2e, kept);
  const init = await e2e.tf("init", "-input=false");
  assert.equal(init.code, 0, init.stdout + init.stderr);
  await e2e.applyOk();
  writeHcl(
    e2e,
    `${kept}
resource "operationscenter_cluster_template" "lost" {
  name            = "lost"
  description     = "left by an interrupted apply"
  services_config = "lvm:\\n  enabled: @LVM@\\n"
  variables       = { LVM = { default = "true" } }
}

resource "operationscenter_cluster_template" "new" {
  name            = "new"
  services_config = "{}\\n"
}

resource "operationscenter_cluster" "lab" {
  name            = "lab"
  servers         = ["server04"]
  deletion_policy = "forget"
}

resource "operationscenter_cluster_template" "later" {
  name            = "later"
  description     = operationscenter_cluster.lab.fingerprint
  services_config = "{}\\n"
}
`,
  );
  e2e.oc.clearRequests();
  const found = await runCli(["leftovers", e2e.stackDir], { env: e2e.env });
  assert.equal(found.code, 1, found.stdout + found.stderr);
  const chdir = `terraform -chdir=${e2e.stackDir}`;
  assert.equal(
    found.stdout,
    [
      "1 cluster template(s) the configuration declares exist with exactly its content but are not in the state; terraform destroy does not remove them:",
      "",
      "lost, identical to operationscenter_cluster_template.lost of stack . (a template carries no mark of who created it: identical is not proven to be its own)",
      `  adopt it:  ${chdir} apply   (the create adopts an identical template: no second one)`,
      `         or  ${chdir} import 'operationscenter_cluster_template.lost' lost`,
      `  remove it: adopt it, then ${chdir} destroy`,
      "         or  operations-center provisioning cluster-template remove lost   (if it is not this configuration's)",
      "",
    ].join("\n"),
  );
  assert.equal(found.stderr, "");
  assert.deepEqual(e2e.changes(), [], "leftovers writes nothing");
});

test("leftovers: a directory without a stack is an error (exit 2), not a clean result", async () => {
  const result = await runCli(["leftovers", FIXTURES]);
  assert.equal(result.code, 2, result.stdout + result.stderr);
  assert.match(result.stderr, /^oc-cdktf leftovers: no Terraform stack under /);
});
