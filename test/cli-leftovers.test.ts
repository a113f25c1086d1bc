// oc-cdktf leftovers against the local Operations Center (real terraform binary): the first apply
// of a stack is SIGKILLed after its cluster's create POST, so the state is empty, terraform
// destroy never asks the provider and leaves the cluster, exit code 0. leftovers finds it by the
// created-by mark of its adoption key and exits 1; once an apply has adopted it, 0.
import assert from "node:assert/strict";
import * as path from "node:path";
import { test } from "node:test";
import { adoptionMarker, CREATED_BY_KEY } from "../src/provider/resources/cluster/bookkeeping.js";
import { startE2E } from "./e2e/harness.js";
import { writeHcl } from "./e2e/hcl.js";
import { applyKilledAfter } from "./e2e/interrupt.js";
import { runCli } from "./e2e/review-scenario.js";
import { FIXTURES } from "./e2e/scenario.js";

const CLUSTERS = "/1.0/provisioning/clusters";

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

  // With an empty state terraform destroy runs no refresh plan: the provider is never asked.
  e2e.oc.clearRequests();
  const destroyed = await e2e.tf("destroy", "-input=false", "-auto-approve", "-no-color");
  assert.equal(destroyed.code, 0, destroyed.stdout + destroyed.stderr);
  assert.deepEqual(e2e.changes(), []);
  assert.ok(e2e.oc.snapshot().clusters.some((c) => c.name === "cluster-a"));

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
  assert.deepEqual(e2e.changes(), [], "adopted, not created again");
  const none = await runCli(["leftovers", e2e.stackDir], { env: e2e.env });
  assert.equal(none.code, 0, none.stdout + none.stderr);
  assert.equal(none.stdout, "No cluster an interrupted apply left outside the state.\n");

  const removed = await e2e.tf("destroy", "-input=false", "-auto-approve", "-no-color");
  assert.equal(removed.code, 0, removed.stdout + removed.stderr);
  assert.deepEqual(
    e2e.oc.snapshot().clusters.map((c) => c.name),
    ["rogue"],
  );
});

test("leftovers: in a plain HCL directory without adoption_key, the create journal in .terraform/ recognises the leftover", async (t) => {
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
  await applyKilledAfter(e2e, "POST", CLUSTERS);
  const found = await runCli(["leftovers", e2e.stackDir], { env: e2e.env });
  assert.equal(found.code, 1, found.stdout + found.stderr);
  assert.match(found.stdout, /^lab \(ready\), created by operationscenter_cluster\.lab of stack \.$/m);
  assert.match(found.stdout, /remove it: adopt it, then terraform -chdir=\S+ destroy {3}\(deletion_policy "forget"\)$/m);
});

test("leftovers: a directory without a stack is an error (exit 2), not a clean result", async () => {
  const result = await runCli(["leftovers", FIXTURES]);
  assert.equal(result.code, 2, result.stdout + result.stderr);
  assert.match(result.stderr, /^oc-cdktf leftovers: no Terraform stack under /);
});
