// End to end: terraform destroy after an apply was SIGKILLed between a create POST and the state
// save. For a cluster not in state, validate stops the destroy on this checkout's create journal,
// and without it (a fresh checkout) the destroy's refresh plan finds it by this configuration's
// created-by mark; a cluster template, which can carry no mark, is found by its content being
// exactly the configured one. Each fails, naming it, before any DELETE. With an empty state (no
// refresh plan) in a fresh checkout, validate reads the cluster's unsaved mark. After terraform
// apply (which adopts it), terraform destroy removes everything.
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { startE2E, wrapped } from "./e2e/harness.js";
import { applyKilledAfter } from "./e2e/interrupt.js";
import { runCli } from "./e2e/review-scenario.js";
import { FIXTURES } from "./e2e/scenario.js";

const CLUSTERS = "/1.0/provisioning/clusters";
const TEMPLATES = "/1.0/provisioning/cluster-templates";
const MAY_EXIST = wrapped(
  'Cluster "cluster-a" may exist from an interrupted apply of this configuration without being in state, so this destroy cannot remove it',
);
const UNSAVED_LEFTOVER = wrapped(
  'Cluster "cluster-a" exists from an interrupted apply of this configuration and may not be in state, so this destroy cannot remove it',
);
const LEFTOVER = wrapped('Cluster "cluster-a" exists from an interrupted apply of this configuration but is not in state, so this destroy cannot remove it');

test("terraform destroy with a cluster an interrupted create left outside the state fails without a DELETE; apply, then destroy, removes it", async (t) => {
  const e2e = await startE2E({ seed: path.join(FIXTURES, "seed.yaml") });
  t.after(() => e2e.close());
  // The template is in state, so the destroy runs its refresh plan (Terraform skips it for an empty state).
  e2e.synth({});
  await e2e.initAndApply();
  e2e.synth({ a: {} });
  await applyKilledAfter(e2e, "POST", CLUSTERS);
  assert.equal(e2e.oc.snapshot().clusters.find((c) => c.name === "cluster-a")?.status, "ready");

  // A plan only warns: its apply adopts the cluster.
  const planned = await e2e.plan();
  assert.equal(planned.code, 0, planned.output);
  assert.match(planned.output, wrapped('Warning: Cluster "cluster-a" exists already: an earlier, interrupted apply of this resource created it'));

  // This checkout's create journal records the interrupted create: validate already stops the destroy.
  e2e.oc.clearRequests();
  const journaled = await e2e.destroy();
  assert.notEqual(journaled.code, 0, journaled.output);
  assert.match(journaled.output, MAY_EXIST);
  assert.deepEqual(e2e.changes(), [], "no DELETE, no write at all");

  // A fresh checkout (no .terraform/ journal, as a CI runner): validate finds the cluster still marked unsaved.
  rmSync(path.join(e2e.stackDir, ".terraform", "oc-cdktf", "creating"), { recursive: true, force: true });
  const destroyed = await e2e.destroy();
  assert.notEqual(destroyed.code, 0, destroyed.output);
  assert.match(destroyed.output, UNSAVED_LEFTOVER);
  // Without the mark (an apply killed after its removal, before the state save), the refresh plan finds it by the adoption key's mark alone.
  const { cluster } = await e2e.client.getCluster("cluster-a");
  const { "oc-cdktf.io/unsaved": _mark, ...unmarked } = cluster.properties;
  const { connection_url, channel, description, config } = cluster;
  await e2e.client.updateCluster("cluster-a", { connection_url, channel, description, properties: unmarked, config });
  e2e.oc.clearRequests();
  const unmarkedDestroy = await e2e.destroy();
  assert.notEqual(unmarkedDestroy.code, 0, unmarkedDestroy.output);
  assert.match(unmarkedDestroy.output, LEFTOVER);
  assert.match(unmarkedDestroy.output, wrapped("run terraform apply (it adopts the cluster into state without creating it), then terraform destroy."));
  // The same for a destroy planned with plan -destroy, from another directory with -chdir.
  const destroyPlan = await e2e.tfChdir("plan", "-destroy", "-input=false", "-no-color");
  assert.notEqual(destroyPlan.code, 0, destroyPlan.stdout + destroyPlan.stderr);
  assert.match(destroyPlan.stdout + destroyPlan.stderr, LEFTOVER);
  assert.deepEqual(e2e.changes(), [], "no DELETE, no write at all");
  assert.deepEqual(
    e2e.oc
      .snapshot()
      .clusters.map((c) => c.name)
      .sort(),
    ["cluster-a"],
  );

  await e2e.applyOk();
  assert.deepEqual(e2e.changes(), [], "adopted, not created again");
  e2e.oc.clearRequests();
  const removed = await e2e.destroy();
  assert.equal(removed.code, 0, removed.output);
  assert.deepEqual(e2e.changes().sort(), [`DELETE ${CLUSTERS}/cluster-a?mode=factory-reset`, "DELETE /1.0/provisioning/cluster-templates/standard"].sort());
  assert.deepEqual(e2e.oc.snapshot().clusters, []);
});

test("terraform destroy from a fresh checkout with an empty state fails while an interrupted create's cluster carries the unsaved mark; apply, then destroy, removes it", async (t) => {
  const e2e = await startE2E({ seed: path.join(FIXTURES, "seed.yaml") });
  t.after(() => e2e.close());
  // Only the cluster: the kill leaves the state empty, so the destroy runs no refresh plan.
  e2e.synth({ template: false, a: {} });
  const init = await e2e.tf("init", "-input=false");
  assert.equal(init.code, 0, init.stdout + init.stderr);
  await applyKilledAfter(e2e, "POST", CLUSTERS);
  const left = e2e.oc.snapshot().clusters.find((c) => c.name === "cluster-a");
  assert.equal(left?.properties["oc-cdktf.io/unsaved"], "true");
  // A fresh checkout: no create journal (the state, local here, is empty as a remote one would be).
  rmSync(path.join(e2e.stackDir, ".terraform", "oc-cdktf"), { recursive: true, force: true });

  e2e.oc.clearRequests();
  const destroyed = await e2e.destroy();
  assert.notEqual(destroyed.code, 0, destroyed.output);
  assert.match(destroyed.output, UNSAVED_LEFTOVER);
  assert.match(
    destroyed.output,
    wrapped("Run terraform apply (it adopts the cluster into state without creating it, and removes the mark), then terraform destroy"),
  );
  assert.deepEqual(
    e2e.oc.requests.map((r) => `${r.method} ${r.path}`),
    [`GET ${CLUSTERS}/cluster-a`],
    "validate's one read, nothing else",
  );

  await e2e.applyOk();
  assert.deepEqual(e2e.changes(), [`PUT ${CLUSTERS}/cluster-a`], "adopted, not created again: only its unsaved mark removed");
  e2e.oc.clearRequests();
  const removed = await e2e.destroy();
  assert.equal(removed.code, 0, removed.output);
  assert.deepEqual(e2e.changes(), [`DELETE ${CLUSTERS}/cluster-a?mode=factory-reset`]);
  assert.deepEqual(e2e.oc.snapshot().clusters, []);
});

test("terraform destroy with a cluster template an interrupted create left outside the state fails naming it; leftovers lists it; apply adopts it, destroy removes it", async (t) => {
  const e2e = await startE2E({ seed: path.join(FIXTURES, "seed.yaml") });
  t.after(() => e2e.close());
  // Cluster A is in state, so the destroy runs its refresh plan.
  e2e.synth({ template: false, a: {} });
  await e2e.initAndApply();
  // Killed after the template's POST made it: its answer is lost, and the provider's next request held.
  e2e.synth({ a: {} });
  await applyKilledAfter(e2e, "POST", TEMPLATES, { replyLost: true });
  assert.deepEqual(
    e2e.oc.snapshot().templates.map((x) => x.name),
    ["standard"],
  );

  e2e.oc.clearRequests();
  const destroyed = await e2e.destroy();
  assert.notEqual(destroyed.code, 0, destroyed.output);
  assert.match(
    destroyed.output,
    wrapped(`Cluster template "standard" exists with exactly this configuration's content but is not in state, so this destroy cannot remove it`),
  );
  assert.match(destroyed.output, wrapped("run terraform apply (it adopts the template into state without creating it), then terraform destroy."));
  assert.deepEqual(e2e.changes(), [], "no DELETE, no write at all");
  assert.equal(e2e.oc.snapshot().clusters.find((c) => c.name === "cluster-a")?.status, "ready");

  const found = await runCli(["leftovers", e2e.stackDir], { env: e2e.env });
  assert.equal(found.code, 1, found.stdout + found.stderr);
  assert.match(found.stdout, /^standard, identical to operationscenter_cluster_template\.standard of stack \. \(a template carries no mark/m);
  assert.deepEqual(e2e.changes(), [], "leftovers writes nothing");

  await e2e.applyOk();
  assert.deepEqual(
    e2e.changes().filter((change) => change.startsWith(`POST ${TEMPLATES}`)),
    [`POST ${TEMPLATES}`],
    "one POST, refused as existing: the template is adopted",
  );
  assert.equal(e2e.oc.requests.find((r) => r.method === "POST" && r.path === TEMPLATES)?.status, 400);
  const none = await runCli(["leftovers", e2e.stackDir], { env: e2e.env });
  assert.equal(none.code, 0, none.stdout + none.stderr);

  const removed = await e2e.destroy();
  assert.equal(removed.code, 0, removed.output);
  assert.deepEqual(e2e.oc.snapshot().templates, []);
  assert.deepEqual(e2e.oc.snapshot().clusters, []);
});
